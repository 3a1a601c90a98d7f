//! `--format sarif`: SARIF 2.1.0 for tools that read static-analysis results. Built from
//! the JSON report (schema sakip-lint/1), so both always say the same. A spreadsheet has
//! no lines: each result names its file as the artifact and `Sheet!A1` as its logical
//! location. A sentence of a report document is a region of its file: the paragraph as
//! its line (a PDF: the line on its page, the page in the region's properties).

use crate::catalog::Catalog;
use serde_json::{Value, json};

fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

/// A result's location from a finding (or a `related` entry) of the JSON report: a cell
/// is its file and the logical location `Sheet!A1`; a sentence of a report document (the
/// entry has a `quote`) is its file and a region: `startLine` the paragraph (Word) or the
/// line (PDF, the page in the region's property bag), the quote as its snippet.
fn location(entry: &Value, message: Option<&Value>) -> Value {
    let uri = entry["file"].as_str().unwrap_or("").replace('\\', "/");
    let mut l = match entry.get("quote").and_then(Value::as_str) {
        Some(quote) => {
            let page = entry.get("page").and_then(Value::as_u64);
            let start = match page {
                Some(_) => entry.get("line").or(entry.get("paragraph")),
                None => entry.get("paragraph"),
            }
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .unwrap_or(1);
            let mut region = json!({ "startLine": start, "snippet": { "text": quote } });
            if let (Some(page), Some(r)) = (page, region.as_object_mut()) {
                r.insert("properties".into(), json!({ "page": page }));
            }
            json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": uri },
                    "region": region
                }
            })
        }
        None => {
            let name = format!(
                "{}!{}",
                entry["sheet"].as_str().unwrap_or(""),
                entry["cell"].as_str().unwrap_or("")
            );
            json!({
                "physicalLocation": { "artifactLocation": { "uri": uri } },
                "logicalLocations": [ { "fullyQualifiedName": name, "kind": "element" } ]
            })
        }
    };
    if let Some(m) = message
        && let Some(fields) = l.as_object_mut()
    {
        fields.insert("message".into(), json!({ "text": m }));
    }
    l
}

/// The SARIF log of a report rendered as JSON (`report::json` or the batch's stream).
pub fn from_json(report: &Value, cat: &Catalog) -> Value {
    let rules: Vec<Value> = crate::checks::all_rules()
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": cat.template(r.title) },
                "fullDescription": { "text": cat.template(r.explain) },
                "help": { "text": cat.template(&r.section_id("fix")) },
                "defaultConfiguration": { "level": level(r.severity.as_str()) },
                "properties": { "family": r.family }
            })
        })
        .collect();
    let empty = Vec::new();
    let results: Vec<Value> = report["findings"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|f| {
            let related: Vec<Value> = f["related"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut l = location(r, Some(&r["note"]));
                    if let Some(fields) = l.as_object_mut() {
                        fields.insert("id".into(), json!(i));
                    }
                    l
                })
                .collect();
            json!({
                "ruleId": f["code"],
                "level": level(f["severity"].as_str().unwrap_or("")),
                "message": { "text": f["message"] },
                "locations": [ location(f, None) ],
                "relatedLocations": related,
                "properties": { "expected": f["expected"], "actual": f["actual"] }
            })
        })
        .collect();
    // Files that could not be read are the run's notifications.
    let notes: Vec<Value> = report["files"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|f| f["status"] == "error")
        .map(|f| {
            json!({
                "level": "error",
                "message": { "text": f["error"] },
                "locations": [ { "physicalLocation": { "artifactLocation": { "uri": f["path"] } } } ]
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "sakip-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            } },
            "invocations": [ {
                "executionSuccessful": true,
                "toolExecutionNotifications": notes
            } ],
            "results": results
        } ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Lang;
    use crate::finding::{Finding, Location, Message, Related, Severity, TextPlace};

    fn place(paragraph: u32, page: Option<(u32, u32)>) -> TextPlace {
        TextPlace {
            paragraph,
            page: page.map(|p| p.0),
            line: page.map(|p| p.1),
            quote: "Realisasi 92,81 %.".into(),
            figure: (10, 17),
        }
    }

    /// The SARIF of findings as the CLI makes it: the JSON report, then SARIF.
    fn sarif(findings: &[Finding]) -> Value {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, Lang::Id);
        let entries: Vec<Value> = findings
            .iter()
            .map(|f| {
                let text = crate::report::json::finding_text(f, "m", &cat, "");
                serde_json::from_str(&text).unwrap_or_default()
            })
            .collect();
        from_json(&json!({ "files": [], "findings": entries }), &cat)
    }

    #[test]
    fn a_sentence_is_a_region_with_its_quote() {
        let mut word = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::sentence("laporan.docx", place(12, None)),
        );
        word.related.push(Related {
            at: Location::sentence("laporan.pdf", place(40, Some((3, 14)))),
            note: Message::new("note.value"),
        });
        word.related.push(Related {
            at: Location::cell("lra.xlsx", "LRA", crate::grid::Pos::new(8, 4)),
            note: Message::new("note.value"),
        });
        let cell = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::cell("lra.xlsx", "LRA", crate::grid::Pos::new(8, 4)),
        );
        let s = sarif(&[word, cell]);
        let results = &s["runs"][0]["results"];
        let l = &results[0]["locations"][0];
        assert_eq!(
            l["physicalLocation"],
            json!({
                "artifactLocation": { "uri": "laporan.docx" },
                "region": { "startLine": 12, "snippet": { "text": "Realisasi 92,81 %." } }
            })
        );
        assert!(l.get("logicalLocations").is_none());
        let pdf = &results[0]["relatedLocations"][0];
        assert_eq!(
            pdf["physicalLocation"]["region"],
            json!({
                "startLine": 14,
                "snippet": { "text": "Realisasi 92,81 %." },
                "properties": { "page": 3 }
            })
        );
        assert_eq!(pdf["id"], 0);
        assert!(pdf["message"]["text"].is_string());
        // Cells as before: no region, `Sheet!A1` as the logical location.
        let c = &results[1]["locations"][0];
        assert_eq!(
            c,
            &json!({
                "physicalLocation": { "artifactLocation": { "uri": "lra.xlsx" } },
                "logicalLocations": [ { "fullyQualifiedName": "LRA!E9", "kind": "element" } ]
            })
        );
        assert_eq!(
            results[0]["relatedLocations"][1]["logicalLocations"][0]["fullyQualifiedName"],
            "LRA!E9"
        );
    }
}
