//! One submission in — its workbooks read within their time limits, their tables found,
//! the checks run — and its documents, file reports and findings out. Which workbooks
//! make a submission is `submission`'s business.

use crate::checks::{self, Context};
use crate::doc::Doc;
use crate::finding::{Finding, Location, Message};
use crate::grid::Pos;
use crate::read::{self, ReadError, ReadOptions, ReadResult, SheetProblemKind};
use crate::rules::Rules;
use crate::submission::Submission;
pub use crate::submission::{FileReport, FileStatus};
use std::path::{Path, PathBuf};

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

/// [`read_docs`], reading formula texts too when `formulas` (for annotated copies).
pub fn read_docs_with_formulas(
    sub: &Submission,
    rules: &Rules,
    formulas: bool,
) -> (Vec<Doc>, Vec<FileReport>, Vec<Finding>) {
    let read_opts = read_options(rules, formulas);
    let mut files = Vec::new();
    let mut docs = Vec::new();
    let mut findings = Vec::new();
    for path in &sub.files {
        let shown = path.display().to_string();
        match read_in_time(path, &read_opts, rules.checks.max_seconds) {
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
                        assumed: Vec::new(),
                        snippet: Vec::new(),
                        table: None,
                        constraint: None,
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

/// The reading limits of a rule set (rules/checks.toml, sakip-lint.toml, flags).
pub fn read_options(rules: &Rules, formulas: bool) -> ReadOptions {
    const MB: u64 = 1024 * 1024;
    ReadOptions {
        max_cells: rules.checks.max_cells,
        max_file_bytes: rules.checks.max_file_mb.saturating_mul(MB),
        max_inflated_bytes: rules.checks.max_inflated_mb.saturating_mul(MB),
        formulas,
        ..ReadOptions::default()
    }
}

/// How a file is read (a parameter so that a test can make a read that takes too long).
type ReadFn = fn(&Path, &ReadOptions) -> Result<ReadResult, ReadError>;

/// A reading thread, fed one file at a time, so that the caller can stop waiting.
struct Reader {
    jobs: std::sync::mpsc::Sender<(PathBuf, ReadOptions, ReadFn)>,
    done: std::sync::mpsc::Receiver<Result<ReadResult, ReadError>>,
}

thread_local! {
    /// Each worker's reading thread, kept from file to file (spawning one per file costs
    /// more than reading a small workbook), replaced when a file overran its time.
    static READER: std::cell::RefCell<Option<Reader>> = const { std::cell::RefCell::new(None) };
}

fn spawn_reader() -> Option<Reader> {
    let (jobs, job_rx) = std::sync::mpsc::channel::<(PathBuf, ReadOptions, ReadFn)>();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("sakip-lint-read".into())
        .spawn(move || {
            for (path, opts, read) in job_rx {
                if done_tx.send(read(&path, &opts)).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(Reader { jobs, done })
}

/// Read one workbook within `seconds`: a file still being read then is reported with the
/// limit it hit and left to its thread (which ends when that read does; the process does
/// not wait for it), and the batch goes on.
pub fn read_in_time(
    path: &Path,
    opts: &ReadOptions,
    seconds: u64,
) -> Result<ReadResult, ReadError> {
    read_in_time_with(read::read_workbook, path, opts, seconds)
}

fn read_in_time_with(
    read: ReadFn,
    path: &Path,
    opts: &ReadOptions,
    seconds: u64,
) -> Result<ReadResult, ReadError> {
    let reader = READER.with_borrow_mut(Option::take).or_else(spawn_reader);
    let Some(reader) = reader else {
        // No thread to be had: read here, without the time limit.
        return read(path, opts);
    };
    if reader
        .jobs
        .send((path.to_path_buf(), opts.clone(), read))
        .is_err()
    {
        return read(path, opts);
    }
    match reader
        .done
        .recv_timeout(std::time::Duration::from_secs(seconds))
    {
        Ok(result) => {
            READER.with_borrow_mut(|r| *r = Some(reader));
            result
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(ReadError::Limit {
            limit: read::Limit::Seconds,
            actual: seconds,
            max: seconds,
        }),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(ReadError::Io {
            source: std::io::Error::other("the reader stopped unexpectedly"),
        }),
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
    let (docs, files, findings) = read_docs_with_formulas(sub, &opts.rules, true);
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
    let ctx = Context {
        docs,
        rules: &opts.rules,
    };
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
    }
    SubmissionReport {
        name: sub.name.clone(),
        files,
        findings,
    }
}

/// Order: file, sheet in workbook order, row, column, code.
fn sort_findings(findings: &mut [Finding], docs: &[Doc]) {
    let sheet_index = |f: &Finding| {
        docs.iter()
            .enumerate()
            .find(|(_, d)| d.file == f.at.file)
            .and_then(|(di, d)| {
                d.sheets
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

    fn slow(_: &Path, _: &ReadOptions) -> Result<ReadResult, ReadError> {
        std::thread::sleep(std::time::Duration::from_secs(3));
        Err(ReadError::Empty {
            format: read::Format::Xlsx,
        })
    }

    fn quick(_: &Path, _: &ReadOptions) -> Result<ReadResult, ReadError> {
        Err(ReadError::Empty {
            format: read::Format::Xlsx,
        })
    }

    #[test]
    fn a_read_over_its_time_is_left_and_the_next_file_is_read() {
        let opts = ReadOptions::default();
        let p = Path::new("lambat.xlsx");
        let late = read_in_time_with(slow, p, &opts, 1);
        assert!(
            matches!(
                late,
                Err(ReadError::Limit {
                    limit: read::Limit::Seconds,
                    max: 1,
                    ..
                })
            ),
            "{late:?}"
        );
        assert_eq!(
            late.err().map(|e| e.message_id()),
            Some("read.limit-seconds")
        );
        // The stuck reader was given up: the next file gets a fresh one at once.
        let next = read_in_time_with(quick, p, &opts, 1);
        assert!(matches!(next, Err(ReadError::Empty { .. })), "{next:?}");
    }
}
