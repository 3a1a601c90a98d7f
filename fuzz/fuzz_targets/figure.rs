//! The figure parser on arbitrary text: never panics, and what it reads survives a trip
//! through the formatter (`format_number` in Indonesian, then `parse_text` again).
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    harness::figure(s);
});
