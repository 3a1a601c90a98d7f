//! `--statistics`: how many findings each rule gave, the commonest first, instead of the
//! findings themselves. Built from the JSON report.

use crate::catalog::Catalog;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// (code, count), most findings first, then by code.
pub fn counts(report: &Value) -> Vec<(String, usize)> {
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for f in report["findings"].as_array().into_iter().flatten() {
        *by_code
            .entry(f["code"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = by_code.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// A table: count, code, rule name, title.
pub fn text(report: &Value, cat: &Catalog) -> String {
    let rows = counts(report);
    let mut out = String::new();
    if rows.is_empty() {
        return out;
    }
    let width = rows
        .iter()
        .filter_map(|(c, _)| crate::checks::rule(c).map(|r| r.name.len()))
        .max()
        .unwrap_or(0);
    for (code, n) in &rows {
        let (name, title) = crate::checks::rule(code)
            .map(|r| (r.name, cat.template(r.title)))
            .unwrap_or(("", String::new()));
        let _ = writeln!(out, "{n:>6}  {code:<6} {name:<width$}  {title}");
    }
    let total: usize = rows.iter().map(|(_, n)| n).sum();
    let _ = writeln!(
        out,
        "{}",
        cat.template("stats.total")
            .replace("{n}", &total.to_string())
    );
    out
}

/// The same as JSON: `[{"code", "name", "count"}]`.
pub fn json(report: &Value) -> Value {
    Value::Array(
        counts(report)
            .into_iter()
            .map(|(code, count)| {
                let name = crate::checks::rule(&code).map(|r| r.name).unwrap_or("");
                json!({ "code": code, "name": name, "count": count })
            })
            .collect(),
    )
}
