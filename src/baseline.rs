//! `--baseline FILE` / `--write-baseline`: findings accepted once are not reported again.
//!
//! A finding is known by its code, the file's NAME (not its path: a folder may move), the
//! sheet, the cell and the figure found there, written language-neutrally (`92.81`) — never
//! by its message, which changes with the language and the wording. A finding in a sentence
//! of a report document is known by its code, file name, figure and the sentence itself
//! (`quote`; `sheet` and `cell` empty) — not by its paragraph number, which shifts when a
//! paragraph is added above it. A finding matching an entry is hidden; a new fault, or the
//! same fault with another figure, is reported.
//!
//! The file is JSON (`{"schema": "sakip-lint-baseline/1", "findings": [...]}`), sorted so
//! that it diffs well under version control, written to a temporary file and renamed.

use crate::finding::{Arg, Finding};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const SCHEMA: &str = "sakip-lint-baseline/1";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    #[serde(default)]
    pub figure: String,
    /// The sentence of a finding in a report document's text (empty for a cell, and then
    /// not written: cell entries are as they always were).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quote: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    schema: String,
    findings: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {detail}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The known findings, or a recorder of every finding of the run.
#[derive(Debug, Default)]
pub struct Baseline {
    known: HashSet<Entry>,
    recording: Option<Mutex<BTreeSet<Entry>>>,
}

impl Baseline {
    /// Hide the findings listed in `path`.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file: BaselineFile =
            serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                detail: e.to_string(),
            })?;
        if file.schema != SCHEMA {
            return Err(BaselineError::Invalid {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                detail: format!("schema \"{}\", expected \"{SCHEMA}\"", file.schema),
            });
        }
        Ok(Baseline {
            known: file.findings.into_iter().collect(),
            recording: None,
        })
    }

    /// Record every finding (and hide it: it is accepted from now on).
    pub fn recorder() -> Baseline {
        Baseline {
            known: HashSet::new(),
            recording: Some(Mutex::new(BTreeSet::new())),
        }
    }

    /// Whether a finding is reported: not when it is known, nor while recording.
    pub fn keep(&self, f: &Finding) -> bool {
        let e = entry(f);
        if let Some(r) = &self.recording {
            if let Ok(mut r) = r.lock() {
                r.insert(e);
            }
            return false;
        }
        !self.known.contains(&e)
    }

    /// The findings recorded so far, sorted.
    pub fn recorded(&self) -> Vec<Entry> {
        self.recording
            .as_ref()
            .and_then(|r| r.lock().ok().map(|r| r.iter().cloned().collect()))
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// A finding's baseline entry.
pub fn entry(f: &Finding) -> Entry {
    Entry {
        code: f.code.to_string(),
        file: Path::new(&f.at.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.at.file.clone()),
        sheet: f.at.sheet.clone(),
        cell: match &f.at.text {
            Some(_) => String::new(),
            None => f.at.cell.to_string(),
        },
        figure: f.actual.as_ref().map(figure).unwrap_or_default(),
        quote: f
            .at
            .text
            .as_ref()
            .map(|t| t.quote.clone())
            .unwrap_or_default(),
    }
}

/// A figure written without the language's separators: `2416254056`, `92.81`.
pub fn figure(a: &Arg) -> String {
    match a {
        Arg::Text(s) => s.trim().to_string(),
        Arg::Num { value, .. } => value.normalize().to_string(),
        Arg::Sum(items) => items
            .iter()
            .map(|(v, _)| v.normalize().to_string())
            .collect::<Vec<_>>()
            .join("+"),
        Arg::Msg(m) => {
            let args: Vec<String> = m.args.iter().map(|(_, a)| figure(a)).collect();
            format!("{}({})", m.id, args.join(","))
        }
        Arg::Formula(parts) => parts.iter().map(figure).collect(),
    }
}

/// Write `entries` to `path`: a temporary file in the same folder, then renamed.
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), BaselineError> {
    let err = |source| BaselineError::Write {
        path: path.to_path_buf(),
        source,
    };
    let doc = BaselineFile {
        schema: SCHEMA.into(),
        findings: entries.to_vec(),
    };
    let text = serde_json::to_string_pretty(&doc).map_err(|e| err(std::io::Error::other(e)))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "baseline.json".into());
    let tmp = dir.join(format!(".{name}.{}.sakip-lint.tmp", std::process::id()));
    let written = std::fs::write(&tmp, text + "\n").and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Message, Severity};
    use rust_decimal::Decimal;

    fn finding(file: &str, cell: &str, actual: Decimal) -> Finding {
        let mut f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location {
                file: file.into(),
                sheet: "LRA".into(),
                cell: crate::grid::parse_a1(cell).unwrap(),
                text: None,
            },
        );
        f.actual = Some(Arg::num(actual, 2));
        f
    }

    #[test]
    fn known_by_file_name_and_figure_not_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.json");
        let rec = Baseline::recorder();
        assert!(!rec.keep(&finding("a/kec-x/lra.xlsx", "E9", Decimal::new(9281, 2))));
        write(&p, &rec.recorded()).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"figure\": \"92.81\"") && text.contains("\"file\": \"lra.xlsx\""));
        let b = Baseline::load(&p).unwrap();
        assert_eq!(b.len(), 1);
        // The same finding from another folder is known; another figure or cell is new.
        assert!(!b.keep(&finding("elsewhere/lra.xlsx", "E9", Decimal::new(9281, 2))));
        assert!(b.keep(&finding("elsewhere/lra.xlsx", "E9", Decimal::new(9280, 2))));
        assert!(b.keep(&finding("elsewhere/lra.xlsx", "E10", Decimal::new(9281, 2))));
    }

    fn sentence(file: &str, paragraph: u32, quote: &str, actual: Decimal) -> Finding {
        let mut f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::sentence(
                file,
                crate::finding::TextPlace {
                    paragraph,
                    page: None,
                    line: None,
                    quote: quote.into(),
                    figure: (0, 0),
                },
            ),
        );
        f.actual = Some(Arg::num(actual, 2));
        f
    }

    #[test]
    fn a_sentence_is_known_by_its_quote_not_its_paragraph() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.json");
        let q = "Penyerapan anggaran mencapai 92,81 %.";
        let rec = Baseline::recorder();
        assert!(!rec.keep(&sentence("a/laporan.docx", 12, q, Decimal::new(9281, 2))));
        write(&p, &rec.recorded()).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(&format!("\"quote\": \"{q}\"")), "{text}");
        assert!(
            text.contains("\"cell\": \"\"") && text.contains("\"sheet\": \"\""),
            "{text}"
        );
        let b = Baseline::load(&p).unwrap();
        // A paragraph inserted above: the same sentence, another number, still known.
        assert!(!b.keep(&sentence("b/laporan.docx", 13, q, Decimal::new(9281, 2))));
        // Another sentence, another figure, another file: new.
        assert!(b.keep(&sentence(
            "laporan.docx",
            12,
            "Serapan 92,81 %.",
            Decimal::new(9281, 2)
        )));
        assert!(b.keep(&sentence("laporan.docx", 12, q, Decimal::new(9280, 2))));
        assert!(b.keep(&sentence("lain.docx", 12, q, Decimal::new(9281, 2))));
        // A cell at A1 of a sheet named "" is not that sentence.
        let mut cell = finding("laporan.docx", "A1", Decimal::new(9281, 2));
        cell.at.sheet = String::new();
        assert!(b.keep(&cell));
    }

    #[test]
    fn cell_entries_are_written_and_read_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.json");
        // A baseline written before sentences existed.
        let old = "{\n  \"schema\": \"sakip-lint-baseline/1\",\n  \"findings\": [\n    {\n      \"code\": \"SL202\",\n      \"file\": \"lra.xlsx\",\n      \"sheet\": \"LRA\",\n      \"cell\": \"E9\",\n      \"figure\": \"92.81\"\n    }\n  ]\n}\n";
        std::fs::write(&p, old).unwrap();
        let b = Baseline::load(&p).unwrap();
        assert!(!b.keep(&finding("x/lra.xlsx", "E9", Decimal::new(9281, 2))));
        // And the same entry is written byte for byte as it was.
        let rec = Baseline::recorder();
        rec.keep(&finding("x/lra.xlsx", "E9", Decimal::new(9281, 2)));
        let q = dir.path().join("new.json");
        write(&q, &rec.recorded()).unwrap();
        assert_eq!(std::fs::read_to_string(&q).unwrap(), old);
    }

    #[test]
    fn a_broken_baseline_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(
            &p,
            "{\n \"schema\": \"sakip-lint-baseline/1\",\n \"findings\": [ { \"code\": 1 } ]\n}",
        )
        .unwrap();
        match Baseline::load(&p) {
            Err(BaselineError::Invalid { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }
}
