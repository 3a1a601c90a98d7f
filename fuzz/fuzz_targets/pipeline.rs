//! The whole pipeline on arbitrary bytes: the bytes are written as a workbook file, then
//! read and linted as the CLI does (`lint_submission`, or `lint_docs` which also reads
//! formula texts), the reports rendered, the cell styles read as for annotated copies and
//! the unit the workbook names found as for `--group unit`.
//! Nothing may panic, hang or exhaust memory.
//!
//! Input layout: the first byte chooses the file extension (`byte % 5`, see EXTENSIONS)
//! and whether formulas are read (`byte / 5 % 2`); the rest is the file's content.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: harness::count_escaping_panics_only(), |data: &[u8]| {
    // `xlsx_title_rows` directly too, under the contract its caller keeps (a zip named
    // .xlsx/.xlsm): on other files calamine panics (tests/fuzz/pipeline-title-rows-*), and
    // `unit_of_file` does not call it on those.
    let _ = harness::pipeline(harness::scratch_dir("pipeline"), data, true);
});
