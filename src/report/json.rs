//! `--format json`: schema sakip-lint/1 (DESIGN.md §6). Field names are fixed.

use super::totals;
use crate::catalog::Catalog;
use crate::lint::{FileStatus, SubmissionReport};
use serde_json::{Value, json};

pub fn render(reports: &[SubmissionReport], cat: &Catalog) -> Value {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for r in reports {
        for f in &r.files {
            files.push(match &f.status {
                FileStatus::Ok { sheets } => {
                    json!({ "path": f.path, "status": "ok", "sheets": sheets })
                }
                FileStatus::Error { message } => {
                    json!({ "path": f.path, "status": "error", "error": cat.render(message) })
                }
            });
        }
        for f in &r.findings {
            let mut message = cat.render(&f.message);
            if let Some(t) = &f.table {
                message = format!("{t}: {message}");
            }
            if let Some(h) = &f.help {
                message = format!("{message} {}", cat.render(h));
            }
            findings.push(json!({
                "code": f.code,
                "severity": f.severity.as_str(),
                "message": message,
                "file": f.at.file,
                "sheet": f.at.sheet,
                "cell": f.at.cell.to_string(),
                "expected": f.expected.as_ref().map(|a| cat.arg(a)),
                "actual": f.actual.as_ref().map(|a| cat.arg(a)),
                "related": f.related.iter().map(|r| json!({
                    "file": r.at.file, "sheet": r.at.sheet, "cell": r.at.cell.to_string(), "note": cat.render(&r.note)
                })).collect::<Vec<_>>(),
            }));
        }
    }
    let t = totals(reports);
    json!({
        "schema": "sakip-lint/1",
        "files": files,
        "findings": findings,
        "summary": { "files": t.files, "failed": t.failed, "error": t.error, "warning": t.warning, "info": t.info },
    })
}
