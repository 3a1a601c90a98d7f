//! A report document on arbitrary bytes: the first byte chooses .docx, .docm or .pdf
//! (`byte % 3`), the rest is the file, read and linted as the CLI does, the reports
//! rendered, a Word file's annotated copy written and the unit of its title page found
//! (`harness::document`). Nothing may panic, hang or exhaust memory.
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
        let d = base.join(format!("sakip-fuzz-document-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("fuzz temp dir");
        d
    })
}

/// As in `pipeline`: panics caught inside the library (the PDF reader runs its parser
/// under `catch_unwind`) are printed, not crashes, unless `SAKIP_FUZZ_STRICT=1`.
fn init() {
    if std::env::var_os("SAKIP_FUZZ_STRICT").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (caught unless the input crashes): {info}");
        }));
    }
}

fuzz_target!(init: init(), |data: &[u8]| {
    let _ = harness::document(dir(), data);
});
