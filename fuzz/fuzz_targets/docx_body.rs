//! The main part of a Word package on arbitrary bytes (`harness::docx_body`): the bytes are
//! `word/document.xml` of an otherwise sound, stored .docx, which is read and linted, its
//! reports rendered, its annotated copy patched and the unit of its title page found.
//! Nothing may panic, hang or exhaust memory.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: harness::count_escaping_panics_only(), |data: &[u8]| {
    let _ = harness::docx_body(harness::scratch_dir("docx-body"), data);
});
