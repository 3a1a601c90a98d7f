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
            let text = |s: &str| Value::String(s.to_string());
            let related = f
                .related
                .iter()
                .map(|r| {
                    object([
                        ("file", text(&r.at.file)),
                        ("sheet", text(&r.at.sheet)),
                        ("cell", Value::String(r.at.cell.to_string())),
                        ("note", Value::String(cat.render(&r.note))),
                    ])
                })
                .collect();
            let arg = |a: &Option<crate::finding::Arg>| {
                a.as_ref()
                    .map_or(Value::Null, |a| Value::String(cat.arg(a)))
            };
            findings.push(object([
                ("code", text(f.code)),
                ("severity", text(f.severity.as_str())),
                ("message", Value::String(message)),
                ("file", text(&f.at.file)),
                ("sheet", text(&f.at.sheet)),
                ("cell", Value::String(f.at.cell.to_string())),
                ("expected", arg(&f.expected)),
                ("actual", arg(&f.actual)),
                ("related", Value::Array(related)),
            ]));
        }
    }
    let t = totals(reports);
    // Built as values, not through `json!`, which would copy every finding once more.
    object([
        ("schema", Value::String("sakip-lint/1".into())),
        ("files", Value::Array(files)),
        ("findings", Value::Array(findings)),
        (
            "summary",
            json!({ "files": t.files, "failed": t.failed, "error": t.error, "warning": t.warning, "info": t.info }),
        ),
    ])
}

/// A JSON object with its keys in the order given.
fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
