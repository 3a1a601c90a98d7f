//! Human output through miette: per finding the code, severity, message, `Sheet!A1`, a
//! snippet of the rows involved with the cells labelled, and help with the right value;
//! grouped by file and sheet.

use super::totals;
use crate::catalog::{Catalog, Lang};
use crate::finding::{Finding, Severity};
use crate::lint::{FileStatus, SubmissionReport};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::fmt::Write;

pub fn render(reports: &[SubmissionReport], cat: &Catalog, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(110)
        .with_links(false);
    let mut out = String::new();
    for r in reports {
        for f in &r.files {
            if let FileStatus::Error { message } = &f.status {
                let _ = writeln!(out, "✖ {}: {}", f.path, cat.render(message));
            }
        }
        let mut current: Option<(String, String)> = None;
        for f in &r.findings {
            let key = (f.at.file.clone(), f.at.sheet.clone());
            if current.as_ref() != Some(&key) {
                let _ = writeln!(out, "\n══ {} › {}", key.0, key.1);
                current = Some(key);
            }
            let report = diagnostic(f, cat);
            let _ = handler.render_report(&mut out, report.as_ref());
        }
    }
    let t = totals(reports);
    let line = match cat.lang {
        Lang::Id => format!(
            "\n{} berkas diperiksa ({} gagal dibaca): {} kesalahan, {} peringatan, {} info.",
            t.files, t.failed, t.error, t.warning, t.info
        ),
        Lang::En => format!(
            "\n{} files checked ({} unreadable): {} errors, {} warnings, {} infos.",
            t.files, t.failed, t.error, t.warning, t.info
        ),
    };
    // The summary line's words come from the catalogue when present.
    let summary = cat.template("summary.line");
    if summary != "summary.line" {
        let s = summary
            .replace("{files}", &t.files.to_string())
            .replace("{failed}", &t.failed.to_string())
            .replace("{error}", &t.error.to_string())
            .replace("{warning}", &t.warning.to_string())
            .replace("{info}", &t.info.to_string());
        let _ = writeln!(out, "\n{s}");
    } else {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn diagnostic(f: &Finding, cat: &Catalog) -> miette::Report {
    // The snippet: one line per row involved, "  row 12 │ label │ C12: 2.522.565.500,00".
    let mut src = String::new();
    let mut labels = Vec::new();
    for line in &f.snippet {
        let prefix = if line.sheet != f.at.sheet || line.file != f.at.file {
            format!("{}!", line.sheet)
        } else {
            String::new()
        };
        let label: String = line.label.chars().take(48).collect();
        let _ = write!(src, "{prefix}{:>4} │ {label}", line.row + 1);
        for (p, text) in &line.cells {
            src.push_str(" │ ");
            let start = src.len();
            let _ = write!(src, "{p}: {}", shown(text, cat));
            let len = src.len() - start;
            let note = if line.file == f.at.file && line.sheet == f.at.sheet && *p == f.at.cell {
                match (&f.expected, &f.actual) {
                    (Some(e), _) => {
                        Some(format!("{} {}", cat.template("label.expected"), cat.arg(e)))
                    }
                    _ => Some(cat.template("label.here")),
                }
            } else {
                f.related
                    .iter()
                    .find(|r| r.at.cell == *p && r.at.sheet == line.sheet && r.at.file == line.file)
                    .map(|r| cat.render(&r.note))
            };
            labels.push(LabeledSpan::new(note, start, len));
        }
        src.push('\n');
    }
    let severity = match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let table = f
        .table
        .as_ref()
        .map(|t| format!(" [{t}]"))
        .unwrap_or_default();
    let mut d = MietteDiagnostic::new(format!(
        "{}!{}{table}  {}",
        f.at.sheet,
        f.at.cell,
        cat.render(&f.message)
    ))
    .with_code(f.code)
    .with_severity(severity)
    .with_labels(labels);
    let mut help = Vec::new();
    if let Some(e) = &f.expected {
        help.push(format!("{} {}", cat.template("help.expected"), cat.arg(e)));
    }
    if let Some(h) = &f.help {
        help.push(cat.render(h));
    }
    if !f.assumed.is_empty() {
        help.push(crate::report::json::assumed_text(f, cat));
    }
    if !help.is_empty() {
        d = d.with_help(help.join("; "));
    }
    miette::Report::new(d).with_source_code(NamedSource::new(
        format!("{} › {}", f.at.file, f.at.sheet),
        src,
    ))
}

/// A cell as a reader would see it, numbers in the report's language.
fn shown(v: &crate::grid::Value, cat: &Catalog) -> String {
    use crate::grid::Value;
    match v {
        Value::Number {
            value,
            percent: true,
            decimals,
        } => {
            // A percentage too large to show ×100 is shown as stored.
            let x = value
                .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
                .unwrap_or(*value);
            format!(
                "{}%",
                cat.num(x, decimals.unwrap_or_else(|| x.normalize().scale()))
            )
        }
        Value::Number {
            value, decimals, ..
        } => cat.num(
            *value,
            decimals.unwrap_or_else(|| value.normalize().scale()),
        ),
        other => other.display().into_owned(),
    }
}
