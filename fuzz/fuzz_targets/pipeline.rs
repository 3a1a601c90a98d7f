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

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A folder of this process's own for the input files (in memory when /dev/shm exists).
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("sakip-fuzz-pipeline-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("fuzz temp dir");
        d
    })
}

/// Which panics count as crashes. libFuzzer's hook aborts on every panic, even one the
/// library catches: `read` runs calamine under `catch_unwind` (`run_guarded`) and turns
/// its panics into unreadable sheets. By default this target counts only the panics that
/// escape the library (libfuzzer-sys aborts on those after unwinding), printing a line for
/// each caught one; with `SAKIP_FUZZ_STRICT=1` every panic, caught or not, is a crash.
fn init() {
    if std::env::var_os("SAKIP_FUZZ_STRICT").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (caught unless the input crashes): {info}");
        }));
    }
}

fuzz_target!(init: init(), |data: &[u8]| {
    // `xlsx_title_rows` directly too, under the contract its caller keeps (a zip named
    // .xlsx/.xlsm): on other files calamine panics (tests/fuzz/pipeline-title-rows-*), and
    // `unit_of_file` does not call it on those.
    let _ = harness::pipeline(dir(), data, true);
});
