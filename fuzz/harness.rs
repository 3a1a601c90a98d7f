//! What each fuzz target does with its input once decoded, shared by the targets
//! (`fuzz_targets/*.rs`, nightly and libFuzzer) and by `tests/fuzz_regressions.rs` (the
//! stable toolchain), so that a regression input replays exactly the target's code.
//! Included by path (`#[path = …] mod harness;`): it depends only on sakip-lint.
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::doc::Doc;
use sakip_lint::figure::{Parsed, format_number, from_value, parse_text, round_half_up};
use sakip_lint::grid::{Grid, Value};
use sakip_lint::lint::{
    FileReport, FileStatus, Options, SubmissionReport, check_docs, lint_docs, lint_submission,
};
use sakip_lint::read::{ReadOptions, read_styles, xlsx_title_rows};
use sakip_lint::rules::Rules;
use sakip_lint::submission::{Submission, TITLE_ROWS, unit_of_file};
use sakip_lint::table::find_tables;

/// A folder of this process's own for a target's input files (in memory when /dev/shm
/// exists), made once.
pub fn scratch_dir(target: &str) -> &'static std::path::PathBuf {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("sakip-fuzz-{target}-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("fuzz temp dir");
        d
    })
}

/// Which panics count as crashes. libFuzzer's hook aborts on every panic, even one the
/// library catches: `read` runs calamine and the PDF parser under `catch_unwind`
/// (`run_guarded`) and turns their panics into unreadable sheets or files. By default a
/// target counts only the panics that escape the library (libfuzzer-sys aborts on those
/// after unwinding), printing a line for each caught one; with `SAKIP_FUZZ_STRICT=1`
/// every panic, caught or not, is a crash.
pub fn count_escaping_panics_only() {
    if std::env::var_os("SAKIP_FUZZ_STRICT").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (caught unless the input crashes): {info}");
        }));
    }
}

/// The file extension the first byte of a `pipeline` input chooses (`byte % 5`).
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xls", "ods", "xlsb", "xlsm"];

pub fn options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| Options {
        rules: Rules::embedded().expect("embedded rules"),
        select: vec![],
        ignore: vec![],
    })
}

/// `figure`: parse a text; what is read as a number survives the formatter (written with
/// the decimals it has: the same Decimal; with the decimals it was shown with: the value
/// rounded half-up). Returns what was read.
pub fn figure(s: &str) -> Parsed {
    let parsed = parse_text(s);
    // The text of a cell goes through the same parser via `from_value`.
    assert_eq!(from_value(&Value::Text(s.to_string())), parsed);
    if let Parsed::Number(f) = &parsed {
        let exact = format_number(f.value, f.value.scale(), "id");
        match parse_text(&exact) {
            Parsed::Number(g) => assert_eq!(
                g.value, f.value,
                "input {s:?} read as {}, written as {exact:?}, read back as {}",
                f.value, g.value
            ),
            other => panic!(
                "input {s:?} read as {}, written as {exact:?}, read back as {other:?}",
                f.value
            ),
        }
        let shown = format_number(f.value, f.decimals, "id");
        match parse_text(&shown) {
            Parsed::Number(g) => assert_eq!(
                g.value,
                round_half_up(f.value, f.decimals),
                "input {s:?}, written as {shown:?}"
            ),
            other => panic!(
                "input {s:?} read as {}, written as {shown:?}, read back as {other:?}",
                f.value
            ),
        }
        // English output must at least not panic.
        let _ = format_number(f.value, f.decimals, "en");
    }
    parsed
}

/// `tables`: find the tables of every sheet (each within its sheet), run every check,
/// render the reports in both languages. Returns the report and the documents.
pub fn tables(workbooks: Vec<(String, Vec<Grid>)>) -> (SubmissionReport, Vec<Doc>) {
    let opts = options();
    let mut docs = Vec::new();
    let mut files = Vec::new();
    for (file, sheets) in workbooks {
        let mut tables = Vec::new();
        for (i, g) in sheets.iter().enumerate() {
            let found = find_tables(g, i, &opts.rules);
            for t in &found {
                assert_eq!(t.sheet, i);
                assert!(t.header_top <= t.header_bottom);
                assert!(t.header_bottom < g.height.max(1));
            }
            tables.extend(found);
        }
        files.push(FileReport {
            path: file.clone(),
            status: FileStatus::Ok {
                sheets: sheets.len(),
            },
        });
        docs.push(Doc {
            file,
            sheets,
            tables,
            paragraphs: Vec::new(),
        });
    }
    let sub = Submission {
        name: "fuzz".to_string(),
        files: docs.iter().map(|d| d.file.clone().into()).collect(),
    };
    let report = check_docs(&sub, &docs, files, Vec::new(), opts);
    let reports = [report];
    for lang in [Lang::Id, Lang::En] {
        let cat = Catalog::new(&opts.rules, lang);
        let _ = sakip_lint::report::human::render(&reports, &cat, false);
        json_entries(&reports, &cat);
        let _ = sakip_lint::report::tables::render(&docs, &cat);
    }
    let [report] = reports;
    (report, docs)
}

/// Every entry of the JSON report, as the batch writes them.
fn json_entries(reports: &[SubmissionReport], cat: &Catalog) {
    use sakip_lint::report::json;
    for r in reports {
        for f in &r.files {
            let _ = json::file_text(f, "fuzz", cat, "    ");
        }
        for f in &r.findings {
            let _ = json::finding_text(f, &json::message_text(f, cat), cat, "    ");
        }
    }
}

/// `pipeline`: the first byte of `data` chooses the extension and whether formulas and
/// styles are read (`byte / 5 % 2`); the rest is written as a workbook in `dir`, which is
/// read and linted as the CLI does, the reports rendered, and (with formulas) the styles
/// read as for annotated copies and the unit found as for `--group unit`. `title_rows`
/// also calls `xlsx_title_rows` directly on a zip named .xlsx/.xlsm. None for an empty
/// input.
pub fn pipeline(dir: &Path, data: &[u8], title_rows: bool) -> Option<SubmissionReport> {
    let (&selector, content) = data.split_first()?;
    let ext = EXTENSIONS[selector as usize % EXTENSIONS.len()];
    let formulas = selector as usize / EXTENSIONS.len() % 2 == 1;
    let path = dir.join(format!("input.{ext}"));
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
    json_entries(&reports, &cat);
    if formulas {
        let _ = read_styles(&path, &ReadOptions::default());
        let _ = unit_of_file(&path, &opts.rules);
        if title_rows && matches!(ext, "xlsx" | "xlsm") && content.starts_with(b"PK\x03\x04") {
            let _ = xlsx_title_rows(&path, TITLE_ROWS);
        }
    }
    let _ = std::fs::remove_file(&path);
    let [report] = reports;
    Some(report)
}

/// The file extension the first byte of a `document` input chooses (`byte % 3`).
pub const DOCUMENT_EXTENSIONS: [&str; 3] = ["docx", "docm", "pdf"];

/// `document`: the first byte of `data` chooses .docx, .docm or .pdf; the rest is written
/// as that report document in `dir`, read and linted as the CLI does (with formula texts,
/// as for `--annotate`), the reports rendered, a Word file's annotated copy written (its
/// package patched with a comment per finding) into `dir/out`, and the unit its title
/// page names found as for `--group unit`. None for an empty input.
pub fn document(dir: &Path, data: &[u8]) -> Option<SubmissionReport> {
    let (&selector, content) = data.split_first()?;
    let ext = DOCUMENT_EXTENSIONS[selector as usize % DOCUMENT_EXTENSIONS.len()];
    let path = dir.join(format!("input.{ext}"));
    std::fs::write(&path, content).expect("write fuzz input");
    let report = document_file(dir, &path);
    let _ = std::fs::remove_file(&path);
    Some(report)
}

/// `docx_body`: `data` is the main part (`word/document.xml`) of an otherwise sound Word
/// package (stored, so that the bytes reach the XML reader as given), which goes through
/// [`document`]'s steps.
pub fn docx_body(dir: &Path, data: &[u8]) -> SubmissionReport {
    let path = dir.join("input.docx");
    std::fs::write(&path, word_package(data)).expect("write fuzz input");
    let report = document_file(dir, &path);
    let _ = std::fs::remove_file(&path);
    report
}

/// A Word package around a main part, every part stored.
pub fn word_package(document: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 3] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, opts).expect("zip part");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

fn document_file(dir: &Path, path: &Path) -> SubmissionReport {
    let opts = options();
    let sub = Submission {
        name: "fuzz".to_string(),
        files: vec![path.to_path_buf()],
    };
    let (docs, report) = lint_docs(&sub, opts);
    let reports = [report];
    let cat = Catalog::new(&opts.rules, Lang::Id);
    let _ = sakip_lint::report::human::render(&reports, &cat, false);
    json_entries(&reports, &cat);
    let _ = sakip_lint::report::tables::render(&docs, &cat);
    let [report] = reports;
    let out = dir.join("out");
    let inputs =
        sakip_lint::report::annotate::Inputs::new(std::slice::from_ref(&path.to_path_buf()));
    // A PDF gets no annotated copy (the batch skips it too).
    let word = path.extension().is_some_and(|e| e != "pdf");
    for doc in docs.iter().filter(|_| word) {
        {
            let _ = sakip_lint::report::annotate::write_annotated_for(
                doc,
                &report.findings,
                &out,
                &cat,
                &inputs,
            );
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    let _ = unit_of_file(path, &opts.rules);
    report
}
