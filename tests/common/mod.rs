//! Shared helpers for the integration tests.
#![allow(dead_code)]

use sakip_lint::finding::{Finding, Severity};
use sakip_lint::lint::{self, Options, SubmissionReport};
use sakip_lint::rules::Rules;
use sakip_lint::submission;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn options() -> Options {
    Options {
        rules: Rules::embedded().expect("embedded rules"),
        select: Vec::new(),
        ignore: Vec::new(),
    }
}

/// Lint every submission under `path` (a workbook or a folder).
pub fn lint(path: &Path) -> Vec<SubmissionReport> {
    let subs = submission::discover(&[path.to_path_buf()]).expect("discover");
    let opts = options();
    subs.iter()
        .map(|s| lint::lint_submission(s, &opts))
        .collect()
}

pub fn findings(path: &Path) -> Vec<Finding> {
    lint(path).into_iter().flat_map(|r| r.findings).collect()
}

/// "CODE file sheet!cell" with the file name only.
pub fn key(f: &Finding) -> String {
    let file = Path::new(&f.at.file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    format!("{} {} {}!{}", f.code, file, f.at.sheet, f.at.cell)
}

pub fn serious(fs: &[Finding]) -> Vec<String> {
    fs.iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(key)
        .collect()
}

/// Write `lampiran.xlsx` in `dir`: one sheet from inline text, one row per line, cells
/// separated by `|` (plain numbers).
pub fn one_sheet_workbook(dir: &Path, sheet: &str, rows: &str) {
    use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
    let tsv = rows
        .lines()
        .map(|l| l.trim().replace(" | ", "\t").replace('|', "\t"))
        .collect::<Vec<_>>()
        .join("\n");
    let s = source::parse_sheet(sheet, &tsv, Path::new("inline.tsv")).expect("sheet text");
    let wb = SourceWorkbook {
        name: "lampiran".into(),
        sheets: vec![s],
    };
    let form = Form {
        numbers: NumberStyle::Plain,
        title_rows: vec![],
        generic_sheet_names: false,
    };
    source::write_xlsx(&wb, &form, &dir.join("lampiran.xlsx")).expect("write xlsx");
}

/// Inline sheet text → TSV (fixtures/README.md): one line per row, cells separated by `|`
/// and trimmed; a blank line is an empty row; `#!` lines are the generator's directives;
/// `¦` stands for the `|` between a formula and its cached value.
pub fn tsv(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let lines: Vec<String> = s
        .trim_end()
        .lines()
        .map(|l| {
            let l = l.trim();
            if l.is_empty() || l.starts_with("#!") {
                l.to_string()
            } else {
                l.split('|')
                    .map(|c| c.trim().replace('¦', "|"))
                    .collect::<Vec<_>>()
                    .join("\t")
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// The running test's own name (for workbooks kept on request).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("case")
        .rsplit("::")
        .next()
        .unwrap_or("case")
        .to_string()
}

/// `lampiran.xlsx` in `dir`, its sheets written from inline text ([`tsv`]), plain numbers.
pub fn write_inline(dir: &Path, sheets: &[(&str, &str)]) {
    use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
    let wb = SourceWorkbook {
        name: "lampiran".into(),
        sheets: sheets
            .iter()
            .map(|(name, text)| {
                source::parse_sheet(name, &tsv(text), Path::new("inline.tsv"))
                    .expect("sheet text parses")
            })
            .collect(),
    };
    let form = Form {
        numbers: NumberStyle::Plain,
        title_rows: vec![],
        generic_sheet_names: false,
    };
    source::write_xlsx(&wb, &form, &dir.join("lampiran.xlsx")).expect("write xlsx");
}

/// "CODE severity Sheet!Cell": a finding with its severity, without the file.
pub fn placed(f: &Finding) -> String {
    format!(
        "{} {} {}!{}",
        f.code,
        f.severity.as_str(),
        f.at.sheet,
        f.at.cell
    )
}

/// A reviewed golden list (`KEY | why an evaluator agrees` per line, `#` comments): its
/// entries, key → reason.
pub fn reviewed(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .expect("golden list")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(" | ") {
            Some((k, why)) => (k.trim().to_string(), why.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

/// Compare the keys found with a reviewed golden list: every entry gives its reason, none
/// is missing, nothing else is reported. With UPDATE_GOLDEN set, rewrite the list's
/// entries instead (reasons of entries that stay kept, new ones "TODO review"; the
/// comment lines at the top kept).
pub fn check_golden(path: &Path, got: &[String]) {
    let want = reviewed(path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let header: Vec<String> = std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .map(str::to_string)
            .collect();
        let lines: Vec<String> = got
            .iter()
            .map(|k| {
                let why = want
                    .iter()
                    .find(|(w, _)| w == k)
                    .map_or("TODO review", |(_, r)| r.as_str());
                format!("{k} | {why}")
            })
            .collect();
        let mut text = header.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        std::fs::write(path, text + &lines.join("\n") + "\n").expect("write golden");
        return;
    }
    for (k, why) in &want {
        assert!(
            !why.is_empty() && why != "TODO review",
            "{k}: every entry says why an evaluator agrees"
        );
    }
    let missing: Vec<_> = want.iter().filter(|(w, _)| !got.contains(w)).collect();
    let extra: Vec<_> = got
        .iter()
        .filter(|g| !want.iter().any(|(w, _)| w == *g))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
}
