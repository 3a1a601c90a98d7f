//! One submission in — its workbooks read within their time limits, their tables found,
//! the checks run — and its documents, file reports and findings out. Which workbooks
//! make a submission is `submission`'s business.

use crate::checks::{self, Context};
use crate::doc::Doc;
use crate::finding::{Finding, Location, Message};
use crate::grid::Pos;
use crate::read::SheetProblemKind;
use crate::read::read_in_time;
use crate::rules::Rules;
pub use crate::submission::{FileReport, FileStatus};
use crate::submission::{Submission, read_options};

#[derive(Debug, Clone)]
pub struct SubmissionReport {
    pub name: String,
    pub files: Vec<FileReport>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub rules: Rules,
    /// Only these codes (empty: all).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// Read a submission's workbooks and find their tables. Unreadable files get an error
/// status; sheets that could not be read become findings. Formula texts are not read
/// (the checks use cached values); see [`read_docs_with_formulas`].
pub fn read_docs(sub: &Submission, rules: &Rules) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    read_docs_with_formulas(sub, rules, false)
}

/// [`read_docs`] for annotated copies: formula texts read where the copy is rebuilt from
/// them (`.xls`, `.ods`, `.xlsb`); a patched copy (`.xlsx`, `.xlsm`, `.docx`) keeps the
/// input's formulas as they are.
pub fn read_docs_for_copies(
    sub: &Submission,
    rules: &Rules,
) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    read_docs_reading(sub, rules, true, true)
}

/// [`read_docs`], reading formula texts too when `formulas`.
pub fn read_docs_with_formulas(
    sub: &Submission,
    rules: &Rules,
    formulas: bool,
) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    read_docs_reading(sub, rules, formulas, false)
}

/// `formulas`: read formula texts; `unless_patched`: not for files whose copy is patched.
fn read_docs_reading(
    sub: &Submission,
    rules: &Rules,
    formulas: bool,
    unless_patched: bool,
) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    let read_opts = read_options(rules, formulas);
    let without_formulas = read_options(rules, false);
    let mut files = Vec::new();
    let mut docs = Vec::new();
    let mut findings = Vec::new();
    for path in &sub.files {
        let shown = path.display().to_string();
        let opts = if unless_patched && crate::report::annotate::copy_is_patched(path) {
            &without_formulas
        } else {
            &read_opts
        };
        match read_in_time(path, opts, rules.checks.max_seconds) {
            Ok(res) => {
                // Sheets left out (too large, unreadable) count as sheets of the file.
                let left_out = res
                    .problems
                    .iter()
                    .filter(|p| !matches!(p.kind, SheetProblemKind::Incomplete { .. }))
                    .count();
                files.push(FileReport {
                    path: shown.clone(),
                    status: FileStatus::Ok {
                        sheets: res.workbook.sheets.len() + left_out,
                    },
                });
                for prob in &res.problems {
                    let rule = match prob.kind {
                        SheetProblemKind::Incomplete { .. } => &checks::figures::SHEET_INCOMPLETE,
                        _ => &checks::figures::SHEET_SKIPPED,
                    };
                    findings.push(Finding::new(
                        rule.code,
                        rules.severity(rule.code, rule.severity),
                        Message::new(prob.message_id()).text("detail", prob.detail()),
                        Location {
                            file: shown.clone(),
                            sheet: prob.sheet.clone(),
                            cell: Pos::new(0, 0),
                            text: None,
                        },
                    ));
                }
                let sheets = res.workbook.sheets;
                let paragraphs = res.workbook.paragraphs;
                let mut tables = Vec::new();
                for (i, g) in sheets.iter().enumerate() {
                    let mut found = crate::table::find_tables(g, i, rules);
                    // A Word table's caption is the paragraph just above it.
                    if let Some(first) = found.first_mut()
                        && first.caption.is_none()
                    {
                        first.caption = caption_above(&paragraphs, i);
                    }
                    tables.extend(found);
                }
                docs.push(Doc {
                    file: shown,
                    sheets,
                    tables,
                    paragraphs,
                });
            }
            Err(e) => {
                let detail = e.detail();
                // What a non-spreadsheet looks like, in the user's language.
                let detail = match content_message(&detail) {
                    Some(id) if e.message_id() == "read.not-spreadsheet" => {
                        crate::finding::Arg::Msg(Box::new(Message::new(id)))
                    }
                    _ => crate::finding::Arg::Text(detail),
                };
                files.push(FileReport {
                    path: shown,
                    status: FileStatus::Error {
                        message: Message::new(e.message_id()).arg("detail", detail),
                    },
                })
            }
        }
    }
    (docs, files, findings)
}

/// The caption of a report document's table `k` (0-based): the short paragraph just
/// above it. A table's number alone on the line before its title ("Tabel 3.7" /
/// "EFISIENSI …", which a PDF reads as two paragraphs) is put before the title.
fn caption_above(paragraphs: &[crate::grid::Paragraph], k: usize) -> Option<String> {
    let mut above = paragraphs
        .iter()
        .rev()
        .filter(|p| p.tables_before as usize == k);
    let last = above.next().filter(|p| p.text.chars().count() <= 160)?;
    let number = |t: &str| {
        let mut words = t.split_whitespace();
        words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("tabel"))
            && words
                .next()
                .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            && words.next().is_none()
    };
    match above.next() {
        Some(p) if number(&p.text) && !number(&last.text) => {
            Some(format!("{} {}", p.text.trim(), last.text))
        }
        _ => Some(last.text.clone()),
    }
}

/// Read and check one submission. Never panics on a bad file: it becomes an error status.
pub fn lint_submission(sub: &Submission, opts: &Options) -> SubmissionReport {
    let (docs, files, findings) = read_docs(sub, &opts.rules);
    check_docs(sub, &docs, files, findings, opts)
}

/// Read and check one submission, keeping the workbooks read, formulas included (for
/// annotated copies).
pub fn lint_docs(sub: &Submission, opts: &Options) -> (Vec<Doc>, SubmissionReport) {
    let (docs, files, findings) = read_docs_for_copies(sub, &opts.rules);
    let report = check_docs(sub, &docs, files, findings, opts);
    (docs, report)
}

/// Check workbooks already read by [`read_docs`] (`files` and `findings` are its file
/// statuses and sheet findings): what [`lint_docs`] does after reading.
pub fn check_docs(
    sub: &Submission,
    docs: &[Doc],
    files: Vec<FileReport>,
    mut findings: Vec<Finding>,
    opts: &Options,
) -> SubmissionReport {
    let ctx = Context::new(docs, &opts.rules);
    findings.extend(checks::run_all(&ctx));
    findings.retain(|f| {
        (opts.select.is_empty() || opts.select.iter().any(|s| f.code.starts_with(s.as_str())))
            && !opts.ignore.iter().any(|s| f.code.starts_with(s.as_str()))
            && !opts.rules.checks.disabled.iter().any(|s| s == f.code)
    });
    // One finding per root cause, among the findings of the rules run; sorted first so
    // that equal explanations are chosen the same way every run.
    sort_findings(&mut findings, docs);
    let mut findings = crate::diagnosis::diagnose(findings);
    // Last: a baseline records (or hides) only what would be reported.
    findings.retain(|f| {
        opts.rules
            .checks
            .baseline
            .as_ref()
            .is_none_or(|b| b.keep(f))
    });
    sort_findings(&mut findings, docs);
    for f in &mut findings {
        f.snippet = crate::report::context::snippet(f, docs);
        f.table = crate::report::context::caption_at(&f.at, docs);
        f.around = crate::report::context::around(f, docs);
    }
    SubmissionReport {
        name: sub.name.clone(),
        files,
        findings,
    }
}

/// Order: file, then within a workbook sheet in workbook order, row, column, code; within
/// a report document first its sentences by paragraph (then where the figure stands in the
/// sentence), then its tables ("Tabel k" in order) by row and column.
fn sort_findings(findings: &mut [Finding], docs: &[Doc]) {
    // (document, 0 sentence | 1 cell, paragraph | sheet, offset | row, 0 | column)
    let key = |f: &Finding| -> (usize, u8, usize, usize, u32) {
        match &f.at.text {
            Some(t) => (
                docs.iter()
                    .position(|d| d.file == f.at.file)
                    .unwrap_or(usize::MAX),
                0,
                t.paragraph as usize,
                t.figure.0,
                0,
            ),
            None => {
                let (di, si) = docs
                    .iter()
                    .enumerate()
                    .find(|(_, d)| d.file == f.at.file)
                    .and_then(|(di, d)| {
                        d.sheets
                            .iter()
                            .position(|s| s.name == f.at.sheet)
                            .map(|si| (di, si))
                    })
                    .unwrap_or((usize::MAX, usize::MAX));
                (di, 1, si, f.at.cell.row as usize, f.at.cell.col)
            }
        }
    };
    findings.sort_by(|a, b| (key(a), a.code).cmp(&(key(b), b.code)));
}

fn content_message(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "html" => "content.html",
        "xml" => "content.xml",
        "pdf" => "content.pdf",
        "zip" => "content.zip",
        "ole2" => "content.ole2",
        "text" => "content.text",
        "binary" => "content.binary",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, TextPlace};
    use crate::grid::{Grid, Paragraph};

    fn doc(file: &str, sheets: &[&str], report: bool) -> Doc {
        Doc {
            file: file.into(),
            sheets: sheets.iter().map(|s| Grid::new(*s, 1, 1)).collect(),
            tables: Vec::new(),
            paragraphs: if report {
                vec![Paragraph {
                    number: 1,
                    text: "x".into(),
                    tables_before: 0,
                    lines: Vec::new(),
                }]
            } else {
                Vec::new()
            },
        }
    }

    fn cell(code: &'static str, file: &str, sheet: &str, a1: &str) -> Finding {
        let pos = crate::grid::parse_a1(a1).unwrap_or(Pos::new(0, 0));
        Finding::new(
            code,
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::cell(file, sheet, pos),
        )
    }

    fn sentence(code: &'static str, file: &str, paragraph: u32, at: usize) -> Finding {
        Finding::new(
            code,
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::sentence(
                file,
                TextPlace {
                    paragraph,
                    page: None,
                    line: None,
                    quote: "q".repeat(at + 5),
                    figure: (at, at + 1),
                },
            ),
        )
    }

    fn order(findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|f| match &f.at.text {
                Some(t) => format!("{} ¶{}@{} {}", f.at.file, t.paragraph, t.figure.0, f.code),
                None => format!("{} {}!{} {}", f.at.file, f.at.sheet, f.at.cell, f.code),
            })
            .collect()
    }

    #[test]
    fn a_report_s_sentences_come_by_paragraph_then_its_tables_in_order() {
        let docs = [
            doc("lra.xlsx", &["LRA", "PK"], false),
            doc("laporan.docx", &["Tabel 1", "Tabel 2"], true),
        ];
        let mut findings = vec![
            cell("SL101", "laporan.docx", "Tabel 2", "A2"),
            sentence("SL202", "laporan.docx", 12, 40),
            cell("SL101", "laporan.docx", "Tabel 1", "B3"),
            sentence("SL202", "laporan.docx", 12, 3),
            cell("SL102", "lra.xlsx", "PK", "A1"),
            sentence("SL601", "laporan.docx", 2, 90),
            cell("SL101", "laporan.docx", "Tabel 1", "A3"),
            cell("SL101", "lra.xlsx", "LRA", "C9"),
            cell("SL101", "laporan.docx", "Tabel 1", "C1"),
            cell("SL101", "lra.xlsx", "LRA", "B9"),
        ];
        sort_findings(&mut findings, &docs);
        assert_eq!(
            order(&findings),
            [
                "lra.xlsx LRA!B9 SL101",
                "lra.xlsx LRA!C9 SL101",
                "lra.xlsx PK!A1 SL102",
                "laporan.docx ¶2@90 SL601",
                "laporan.docx ¶12@3 SL202",
                "laporan.docx ¶12@40 SL202",
                "laporan.docx Tabel 1!C1 SL101",
                "laporan.docx Tabel 1!A3 SL101",
                "laporan.docx Tabel 1!B3 SL101",
                "laporan.docx Tabel 2!A2 SL101",
            ]
        );
    }
}
