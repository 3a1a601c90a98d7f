//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,title=…::Sheet!A1 message`), shown on the pull request's files.
//! Built from the JSON report, like SARIF. A spreadsheet has no lines: the cell is named at
//! the start of the message.

use serde_json::Value;

fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "notice",
    }
}

/// The message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Every annotation of a report rendered as JSON (schema sakip-lint/1).
pub fn from_json(report: &Value) -> String {
    let mut out = String::new();
    let empty = Vec::new();
    for f in report["files"].as_array().unwrap_or(&empty) {
        if f["status"] == "error" {
            out.push_str(&format!(
                "::error file={}::{}\n",
                escape_property(f["path"].as_str().unwrap_or("")),
                escape_data(f["error"].as_str().unwrap_or(""))
            ));
        }
    }
    for f in report["findings"].as_array().unwrap_or(&empty) {
        let code = f["code"].as_str().unwrap_or("");
        let title = match crate::checks::rule(code) {
            Some(r) => format!("{code} {}", r.name),
            None => code.to_string(),
        };
        out.push_str(&format!(
            "::{} file={},title={}::{}!{} {}\n",
            level(f["severity"].as_str().unwrap_or("")),
            escape_property(&f["file"].as_str().unwrap_or("").replace('\\', "/")),
            escape_property(&title),
            escape_data(f["sheet"].as_str().unwrap_or("")),
            escape_data(f["cell"].as_str().unwrap_or("")),
            escape_data(f["message"].as_str().unwrap_or(""))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_their_parts() {
        let report = serde_json::json!({
            "files": [ { "path": "rusak.xlsx", "status": "error", "error": "bukan berkas\nExcel" } ],
            "findings": [ { "code": "SL202", "severity": "warning", "message": "95,02 %: salah",
                            "file": "a,b:c.xlsx", "sheet": "LRA", "cell": "E9" } ]
        });
        assert_eq!(
            from_json(&report),
            "::error file=rusak.xlsx::bukan berkas%0AExcel\n\
             ::warning file=a%2Cb%3Ac.xlsx,title=SL202 budget-percent-mismatch::LRA!E9 95,02 %25: salah\n"
        );
    }
}
