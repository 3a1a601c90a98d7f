//! A report document on arbitrary bytes: the first byte chooses .docx, .docm or .pdf
//! (`byte % 3`), the rest is the file, read and linted as the CLI does, the reports
//! rendered, a Word file's annotated copy written and the unit of its title page found
//! (`harness::document`). Nothing may panic, hang or exhaust memory.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: harness::count_escaping_panics_only(), |data: &[u8]| {
    let _ = harness::document(harness::scratch_dir("document"), data);
});
