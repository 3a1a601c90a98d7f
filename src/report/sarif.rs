//! `--format sarif`: SARIF 2.1.0 for tools that read static-analysis results. Built from
//! the JSON report (schema sakip-lint/1), so both always say the same. A spreadsheet has
//! no lines: each result names its file as the artifact and `Sheet!A1` as its logical
//! location.

use crate::catalog::Catalog;
use serde_json::{Value, json};

fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

fn location(file: &Value, sheet: &Value, cell: &Value, message: Option<&Value>) -> Value {
    let name = format!(
        "{}!{}",
        sheet.as_str().unwrap_or(""),
        cell.as_str().unwrap_or("")
    );
    let mut l = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.as_str().unwrap_or("").replace('\\', "/") }
        },
        "logicalLocations": [ { "fullyQualifiedName": name, "kind": "element" } ]
    });
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
                    let mut l = location(&r["file"], &r["sheet"], &r["cell"], Some(&r["note"]));
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
                "locations": [ location(&f["file"], &f["sheet"], &f["cell"], None) ],
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
