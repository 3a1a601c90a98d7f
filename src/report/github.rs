//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,title=…::Sheet!A1 message`), shown on the pull request's files.
//! Built from the JSON report, like SARIF. A spreadsheet has no lines: the cell is named at
//! the start of the message. A sentence of a report document has: `line=` is its paragraph
//! (a PDF: its line on the page), the title names the place ("paragraf 12", "halaman 3,
//! baris 14") and the message ends with the quote.

use crate::catalog::Catalog;
use crate::finding::TextPlace;
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

/// The place of a finding of the JSON report that is a sentence (it has a `quote`).
fn sentence(f: &Value) -> Option<TextPlace> {
    let quote = f.get("quote")?.as_str()?;
    let number = |k: &str| {
        f.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    Some(TextPlace {
        paragraph: number("paragraph").unwrap_or(0),
        page: number("page"),
        line: number("line"),
        quote: quote.to_string(),
        figure: (0, 0),
    })
}

/// Every annotation of a report rendered as JSON (schema sakip-lint/1).
pub fn from_json(report: &Value, cat: &Catalog) -> String {
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
        let mut title = match crate::checks::rule(code) {
            Some(r) => format!("{code} {}", r.name),
            None => code.to_string(),
        };
        let level = level(f["severity"].as_str().unwrap_or(""));
        let file = escape_property(&f["file"].as_str().unwrap_or("").replace('\\', "/"));
        let message = f["message"].as_str().unwrap_or("");
        match sentence(f) {
            Some(t) => {
                let line = match t.page {
                    Some(_) => t.line.unwrap_or(t.paragraph),
                    None => t.paragraph,
                }
                .max(1);
                title = cat.render(
                    &crate::finding::Message::new("place.title")
                        .text("title", title)
                        .text("place", crate::report::context::place_text(&t, cat)),
                );
                out.push_str(&format!(
                    "::{level} file={file},line={line},title={}::{}\n",
                    escape_property(&title),
                    escape_data(&format!("{message}\n{}", t.quote))
                ));
            }
            None => out.push_str(&format!(
                "::{level} file={file},title={}::{}!{} {}\n",
                escape_property(&title),
                escape_data(f["sheet"].as_str().unwrap_or("")),
                escape_data(f["cell"].as_str().unwrap_or("")),
                escape_data(message)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat_of(rules: &crate::rules::Rules, lang: crate::catalog::Lang) -> Catalog<'_> {
        Catalog::new(rules, lang)
    }

    #[test]
    fn annotations_escape_their_parts() {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = cat_of(&rules, crate::catalog::Lang::Id);
        let report = serde_json::json!({
            "files": [ { "path": "rusak.xlsx", "status": "error", "error": "bukan berkas\nExcel" } ],
            "findings": [ { "code": "SL202", "severity": "warning", "message": "95,02 %: salah",
                            "file": "a,b:c.xlsx", "sheet": "LRA", "cell": "E9" } ]
        });
        assert_eq!(
            from_json(&report, &cat),
            "::error file=rusak.xlsx::bukan berkas%0AExcel\n\
             ::warning file=a%2Cb%3Ac.xlsx,title=SL202 budget-percent-mismatch::LRA!E9 95,02 %25: salah\n"
        );
    }

    #[test]
    fn a_sentence_has_its_line_and_place() {
        use crate::finding::{Finding, Location, Message, Severity};
        let rules = crate::rules::Rules::embedded().expect("rules");
        let place = |paragraph, page: Option<(u32, u32)>| TextPlace {
            paragraph,
            page: page.map(|p| p.0),
            line: page.map(|p| p.1),
            quote: "Realisasi 92,81 %.".into(),
            figure: (10, 17),
        };
        let finding = |at| {
            let f = Finding::new(
                "SL202",
                Severity::Error,
                Message::new("relation.mismatch"),
                at,
            );
            let cat = cat_of(&rules, crate::catalog::Lang::Id);
            let text = crate::report::json::finding_text(&f, "salah", &cat, "");
            serde_json::from_str::<Value>(&text).unwrap_or_default()
        };
        let report = serde_json::json!({
            "files": [],
            "findings": [
                finding(Location::sentence("laporan.docx", place(12, None))),
                finding(Location::sentence("laporan.pdf", place(40, Some((3, 14))))),
                finding(Location::cell("lra.xlsx", "LRA", crate::grid::Pos::new(8, 4))),
            ]
        });
        assert_eq!(
            from_json(&report, &cat_of(&rules, crate::catalog::Lang::Id)),
            "::error file=laporan.docx,line=12,title=SL202 budget-percent-mismatch%2C paragraf 12::salah%0ARealisasi 92,81 %25.\n\
             ::error file=laporan.pdf,line=14,title=SL202 budget-percent-mismatch%2C halaman 3%2C baris 14::salah%0ARealisasi 92,81 %25.\n\
             ::error file=lra.xlsx,title=SL202 budget-percent-mismatch::LRA!E9 salah\n"
        );
        assert!(
            from_json(&report, &cat_of(&rules, crate::catalog::Lang::En))
                .contains("title=SL202 budget-percent-mismatch%2C page 3%2C line 14::")
        );
    }
}
