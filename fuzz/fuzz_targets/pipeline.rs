//! The whole pipeline on arbitrary bytes: the bytes are written as a workbook file, then
//! read and linted as the CLI does (`lint_submission`, or `lint_docs` which also reads
//! formula texts), the reports rendered, the cell styles read as for annotated copies and
//! the unit the workbook names found as for `--group unit`.
//! Nothing may panic, hang or exhaust memory.
//!
//! Input layout: the first byte chooses the file extension (`byte % 5`, see EXTENSIONS)
//! and whether formulas are read (`byte / 5 % 2`); the rest is the file's content.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::lint::{Options, Submission, lint_docs, lint_submission, unit_of_file};
use sakip_lint::read::{ReadOptions, read_styles, xlsx_title_rows};
use sakip_lint::rules::Rules;

const EXTENSIONS: [&str; 5] = ["xlsx", "xls", "ods", "xlsb", "xlsm"];

fn options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| Options {
        rules: Rules::embedded().expect("embedded rules"),
        select: vec![],
        ignore: vec![],
    })
}

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
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[selector as usize % EXTENSIONS.len()];
    let formulas = selector as usize / EXTENSIONS.len() % 2 == 1;
    let path = dir().join(format!("input.{ext}"));
    std::fs::write(&path, content).expect("write fuzz input");

    let opts = options();
    let sub = Submission {
        name: "fuzz".to_string(),
        files: vec![path.clone()],
    };
    let report = if formulas {
        lint_docs(&sub, opts).1
    } else {
        lint_submission(&sub, opts)
    };
    let reports = [report];
    let cat = Catalog::new(&opts.rules, Lang::Id);
    let _ = sakip_lint::report::human::render(&reports, &cat, false);
    let _ = sakip_lint::report::json::render(&reports, &cat);

    if formulas {
        let read_opts = ReadOptions::default();
        let _ = read_styles(&path, &read_opts);
        // What `--group unit` reads before checking: the unit a workbook names.
        let _ = unit_of_file(&path, &opts.rules);
        // `xlsx_title_rows` directly, under the contract its caller keeps (a zip named
        // .xlsx/.xlsm): on other files calamine panics (tests/fuzz/pipeline-title-rows-*),
        // and `unit_of_file` does not call it on those.
        if matches!(ext, "xlsx" | "xlsm") && content.starts_with(b"PK\x03\x04") {
            let _ = xlsx_title_rows(&path, sakip_lint::lint::TITLE_ROWS);
        }
    }
    let _ = std::fs::remove_file(&path);
});
