//! Facts: every recognised figure as (subject, measure, period, version) = value, with
//! where it stands. Cross-document checks compare facts; here they are only collected.

use crate::checks::Doc;
use crate::figure::{Figure, Parsed};
use crate::finding::Location;
use crate::grid::Pos;
use crate::rules::normalize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Kode(String),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub subject: Subject,
    /// The column role: target, realisasi, capaian, anggaran, apbd, papbd, rp …
    pub measure: String,
    /// The year of the column header, else the report's year when known.
    pub period: Option<i32>,
    /// "apbd" (murni) or "papbd" (perubahan) when the column or row says so.
    pub version: Option<String>,
    pub value: Figure,
    pub at: Location,
}

/// The report's year: the most frequent "TAHUN 2024"-style year in captions and titles.
pub fn report_year(doc: &Doc) -> Option<i32> {
    let re = regex::Regex::new(r"(?i)tahun\s+((?:19|20)\d{2})\b").ok()?;
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    for g in &doc.sheets {
        for r in 0..g.height.min(12) {
            for c in 0..g.width.min(8) {
                let t = g.text(Pos::new(r, c));
                for cap in re.captures_iter(&t) {
                    if let Ok(y) = cap[1].parse() {
                        *counts.entry(y).or_default() += 1;
                    }
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

pub fn collect(doc: &Doc) -> Vec<Fact> {
    let year = report_year(doc);
    let mut out = Vec::new();
    for t in &doc.tables {
        let Some(g) = doc.sheets.get(t.sheet) else {
            continue;
        };
        for row in &t.rows {
            let subject = match (&row.kode_segments, row.indicator.is_empty()) {
                (Some(s), _) => Subject::Kode(
                    s.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join("."),
                ),
                (None, false) => Subject::Name(normalize(&row.indicator)),
                (None, true) if !row.name.is_empty() => Subject::Name(normalize(&row.name)),
                _ => continue,
            };
            for col in t.columns.iter().filter(|c| c.numeric) {
                let Some(measure) = col.role.clone() else {
                    continue;
                };
                let Parsed::Number(value) = t.figure(g, row.row, col) else {
                    continue;
                };
                let version = match measure.as_str() {
                    "apbd" | "papbd" => Some(measure.clone()),
                    _ => None,
                };
                out.push(Fact {
                    subject: subject.clone(),
                    measure,
                    period: col.year.or(year),
                    version,
                    value,
                    at: Location {
                        file: doc.file.clone(),
                        sheet: g.name.clone(),
                        cell: Pos::new(row.row, col.col),
                    },
                });
            }
        }
    }
    out
}
