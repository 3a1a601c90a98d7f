//! Orchestration: find submissions, read their workbooks, find tables, run the checks.

use crate::checks::{self, Context, Doc};
use crate::finding::{Finding, Location, Message};
use crate::grid::Pos;
use crate::read::{self, ReadOptions, SheetProblemKind};
use crate::rules::Rules;
use std::path::{Path, PathBuf};

pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// One unit's lampiran: one workbook, or the workbooks of one folder.
#[derive(Debug, Clone)]
pub struct Submission {
    pub name: String,
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub enum FileStatus {
    Ok { sheets: usize },
    Error { message: Message },
}

#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub status: FileStatus,
}

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

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    NotFound(String),
}

pub fn is_workbook(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        && !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("~$") || n.starts_with(".~lock"))
}

/// Submissions named by the command line: a workbook is one; a folder that directly
/// holds workbooks is one; folders are walked for more.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Submission>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(Submission {
                name: p.display().to_string(),
                files: vec![p.clone()],
            });
        } else if p.is_dir() {
            walk(p, &mut out);
        } else {
            return Err(InputError::NotFound(p.display().to_string()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Submission>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(Submission {
            name: dir.display().to_string(),
            files: vec![dir.to_path_buf()],
        });
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    let files: Vec<PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && is_workbook(p))
        .cloned()
        .collect();
    if !files.is_empty() {
        out.push(Submission {
            name: dir.display().to_string(),
            files,
        });
    }
    for d in entries.iter().filter(|p| p.is_dir()) {
        walk(d, out);
    }
}

/// Read and check one submission. Never panics on a bad file: it becomes an error status.
/// Read a submission's workbooks and find their tables. Unreadable files get an error
/// status; sheets that could not be read become findings.
pub fn read_docs(sub: &Submission, rules: &Rules) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    let read_opts = ReadOptions {
        max_cells: rules.checks.max_cells,
        ..ReadOptions::default()
    };
    let mut files = Vec::new();
    let mut docs = Vec::new();
    let mut findings = Vec::new();
    for path in &sub.files {
        let shown = path.display().to_string();
        match read::read_workbook(path, &read_opts) {
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
                    findings.push(Finding {
                        code: rule.code,
                        severity: rules.severity(rule.code, rule.severity),
                        message: Message::new(prob.message_id()).text("detail", prob.detail()),
                        at: Location {
                            file: shown.clone(),
                            sheet: prob.sheet.clone(),
                            cell: Pos::new(0, 0),
                        },
                        expected: None,
                        actual: None,
                        related: Vec::new(),
                        help: None,
                        snippet: Vec::new(),
                        table: None,
                    });
                }
                let sheets = res.workbook.sheets;
                let mut tables = Vec::new();
                for (i, g) in sheets.iter().enumerate() {
                    tables.extend(crate::table::find_tables(g, i, rules));
                }
                docs.push(Doc {
                    file: shown,
                    sheets,
                    tables,
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

/// Read and check one submission. Never panics on a bad file: it becomes an error status.
pub fn lint_submission(sub: &Submission, opts: &Options) -> SubmissionReport {
    lint_docs(sub, opts).1
}

/// Read and check one submission, keeping the workbooks read (for annotated copies).
pub fn lint_docs(sub: &Submission, opts: &Options) -> (Vec<Doc>, SubmissionReport) {
    let (docs, files, mut findings) = read_docs(sub, &opts.rules);
    let ctx = Context {
        docs: &docs,
        rules: &opts.rules,
    };
    findings.extend(checks::run_all(&ctx));
    findings.retain(|f| {
        (opts.select.is_empty() || opts.select.iter().any(|s| f.code.starts_with(s.as_str())))
            && !opts.ignore.iter().any(|s| f.code.starts_with(s.as_str()))
            && !opts.rules.checks.disabled.iter().any(|s| s == f.code)
    });
    sort_findings(&mut findings, &docs);
    for f in &mut findings {
        f.snippet = snippet(f, &docs);
        f.table = caption_at(&f.at, &docs);
    }
    let report = SubmissionReport {
        name: sub.name.clone(),
        files,
        findings,
    };
    (docs, report)
}

/// Order: file, sheet in workbook order, row, column, code.
fn sort_findings(findings: &mut [Finding], docs: &[Doc]) {
    let sheet_index = |f: &Finding| {
        docs.iter()
            .position(|d| d.file == f.at.file)
            .and_then(|di| {
                docs[di]
                    .sheets
                    .iter()
                    .position(|s| s.name == f.at.sheet)
                    .map(|si| (di, si))
            })
            .unwrap_or((usize::MAX, usize::MAX))
    };
    findings.sort_by(|a, b| {
        (sheet_index(a), a.at.cell.row, a.at.cell.col, a.code).cmp(&(
            sheet_index(b),
            b.at.cell.row,
            b.at.cell.col,
            b.code,
        ))
    });
}

/// The rows a finding involves, as the workbook shows them: the finding's own row first,
/// then up to four rows of related cells in the same sheet.
fn snippet(f: &Finding, docs: &[Doc]) -> Vec<crate::finding::SnippetLine> {
    use crate::finding::SnippetLine;
    let mut lines: Vec<SnippetLine> = Vec::new();
    let places = std::iter::once(&f.at).chain(f.related.iter().map(|r| &r.at));
    for at in places {
        let Some(doc) = docs.iter().find(|d| d.file == at.file) else {
            continue;
        };
        let Some(g) = doc.sheets.iter().find(|s| s.name == at.sheet) else {
            continue;
        };
        let text = g.value(at.cell).clone();
        if let Some(l) = lines
            .iter_mut()
            .find(|l| l.file == at.file && l.sheet == at.sheet && l.row == at.cell.row)
        {
            if !l.cells.iter().any(|(p, _)| *p == at.cell) {
                l.cells.push((at.cell, text));
            }
            continue;
        }
        if lines.len() >= 5 {
            continue;
        }
        // The row's label: its first cell with words in it.
        let label = (0..g.width)
            .map(|c| g.text(Pos::new(at.cell.row, c)))
            .find(|t| {
                t.chars().any(|ch| ch.is_alphabetic())
                    && !matches!(
                        crate::figure::parse_text(t),
                        crate::figure::Parsed::Number(_)
                    )
            })
            .unwrap_or_default();
        lines.push(SnippetLine {
            file: at.file.clone(),
            sheet: at.sheet.clone(),
            row: at.cell.row,
            label,
            cells: vec![(at.cell, text)],
        });
    }
    for l in &mut lines {
        l.cells.sort_by_key(|(p, _)| p.col);
    }
    lines
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

/// The caption of the table holding a cell; a table without a caption of its own (the
/// second part of a two-part table) takes the caption of the table above it.
fn caption_at(at: &Location, docs: &[Doc]) -> Option<String> {
    let doc = docs.iter().find(|d| d.file == at.file)?;
    let si = doc.sheets.iter().position(|s| s.name == at.sheet)?;
    let tables: Vec<&crate::table::Table> = doc.tables.iter().filter(|t| t.sheet == si).collect();
    let i = tables.iter().position(|t| {
        let last = t.rows.last().map(|r| r.row).unwrap_or(t.header_bottom);
        (t.header_top..=last).contains(&at.cell.row)
    })?;
    tables[..=i].iter().rev().find_map(|t| t.caption.clone())
}
