//! `--format json`: schema sakip-lint/1 (DESIGN.md §6). Field names are fixed.
//!
//! The entries are written as text straight from the findings, laid out as serde_json's
//! pretty printer lays out a `Value` (keys in alphabetical order, two spaces a level),
//! each line starting with the indentation the batch report puts them at. Building
//! `Value`s, printing them and indenting the text again cost as much as some checks; a
//! test holds this layout to serde_json's.

use crate::catalog::Catalog;
use crate::finding::{Arg, Finding, Location};
use crate::lint::{FileReport, FileStatus};

/// A JSON value to write. An object's keys are given in alphabetical order, the order
/// serde_json writes them in (the layout test would fail otherwise).
enum Json<'a> {
    Str(&'a str),
    Owned(String),
    Int(usize),
    Null,
    Array(Vec<Json<'a>>),
    Object(Vec<(&'static str, Json<'a>)>),
}

/// The text of a finding's message as reports show it: the table's caption first, the
/// hint after.
pub fn message_text(f: &Finding, cat: &Catalog) -> String {
    let mut message = cat.render(&f.message);
    if let Some(t) = &f.table {
        message = format!("{t}: {message}");
    }
    if let Some(h) = &f.help {
        message.push(' ');
        message.push_str(&cat.render(h));
    }
    if !f.assumed.is_empty() {
        message.push(' ');
        message.push_str(&assumed_text(f, cat));
    }
    message
}

/// "(Anggapan: tahun 2024 dari kolom realisasi.)": what the finding assumed, in one phrase.
pub fn assumed_text(f: &Finding, cat: &Catalog) -> String {
    let list: Vec<String> = f.assumed.iter().map(|m| cat.render(m)).collect();
    cat.render(&crate::finding::Message::new("finding.assumed").text("list", list.join("; ")))
}

/// One finding (with its message as [`message_text`] gives it), every line starting with
/// `pad`, no newline at the end.
pub fn finding_text(f: &Finding, message: &str, cat: &Catalog, pad: &str) -> String {
    let arg = |a: &Option<Arg>| a.as_ref().map_or(Json::Null, |a| Json::Owned(cat.arg(a)));
    let related = f
        .related
        .iter()
        .map(|r| {
            let mut fields = vec![
                ("file", Json::Str(&r.at.file)),
                ("note", Json::Owned(cat.render(&r.note))),
            ];
            place_fields(&r.at, &mut fields);
            fields.sort_by_key(|(k, _)| *k);
            Json::Object(fields)
        })
        .collect();
    let mut fields = vec![("actual", arg(&f.actual))];
    // Additive (schema 1): present only when the finding rests on an assumption.
    if !f.assumed.is_empty() {
        let assumed = f
            .assumed
            .iter()
            .map(|m| Json::Owned(cat.render(m)))
            .collect();
        fields.push(("assumed", Json::Array(assumed)));
    }
    // Additive (schema 1): the rows of the table involved, each with the cells the
    // finding reads, as the workbook shows them (what the human report prints under it).
    if !f.snippet.is_empty() {
        let rows = f
            .snippet
            .iter()
            .map(|line| {
                let cells = line
                    .cells
                    .iter()
                    .map(|(p, v)| {
                        Json::Object(vec![
                            ("cell", Json::Owned(p.to_string())),
                            ("value", Json::Owned(super::human::shown(v, cat))),
                        ])
                    })
                    .collect();
                Json::Object(vec![
                    ("cells", Json::Array(cells)),
                    ("file", Json::Str(&line.file)),
                    ("label", Json::Str(&line.label)),
                    ("row", Json::Int(line.row as usize + 1)),
                    ("sheet", Json::Str(&line.sheet)),
                ])
            })
            .collect();
        fields.push(("rows", Json::Array(rows)));
    }
    if let Some(a) = &f.around {
        let line = |(r, values): &(u32, Vec<crate::grid::Value>)| {
            Json::Object(vec![
                ("row", Json::Int(*r as usize + 1)),
                (
                    "values",
                    Json::Array(
                        values
                            .iter()
                            .map(|v| Json::Owned(super::human::shown(v, cat)))
                            .collect(),
                    ),
                ),
            ])
        };
        let columns = a
            .columns
            .iter()
            .map(|c| Json::Owned(crate::grid::col_letters(*c)))
            .collect();
        fields.push((
            "around",
            Json::Object(vec![
                ("columns", Json::Array(columns)),
                ("header", Json::Array(a.header.iter().map(line).collect())),
                ("rows", Json::Array(a.rows.iter().map(line).collect())),
            ]),
        ));
    }
    fields.extend([
        ("code", Json::Str(f.code)),
        ("expected", arg(&f.expected)),
        ("file", Json::Str(&f.at.file)),
        ("message", Json::Str(message)),
        ("related", Json::Array(related)),
        ("severity", Json::Str(f.severity.as_str())),
    ]);
    place_fields(&f.at, &mut fields);
    fields.sort_by_key(|(k, _)| *k);
    text(Json::Object(fields), pad)
}

/// The fields naming a place: `sheet` and `cell` for a cell (nothing else, as schema 1
/// always had them); for a sentence of a report document `sheet` and `cell` null and,
/// additively, `paragraph` (Word) or `page` and `line` (PDF), and `quote`.
fn place_fields<'a>(at: &'a Location, fields: &mut Vec<(&'static str, Json<'a>)>) {
    let Some(t) = &at.text else {
        fields.push(("cell", Json::Owned(at.cell.to_string())));
        fields.push(("sheet", Json::Str(&at.sheet)));
        return;
    };
    fields.push(("cell", Json::Null));
    fields.push(("sheet", Json::Null));
    match t.page {
        Some(page) => {
            fields.push(("page", Json::Int(page as usize)));
            if let Some(line) = t.line {
                fields.push(("line", Json::Int(line as usize)));
            }
        }
        None => fields.push(("paragraph", Json::Int(t.paragraph as usize))),
    }
    fields.push(("quote", Json::Str(&t.quote)));
}

/// One entry of `files`, every line starting with `pad`, no newline at the end.
/// `submission`: the name of the submission the file was checked in (additive field).
pub fn file_text(f: &FileReport, submission: &str, cat: &Catalog, pad: &str) -> String {
    let value = match &f.status {
        FileStatus::Ok { sheets } => Json::Object(vec![
            ("path", Json::Str(&f.path)),
            ("sheets", Json::Int(*sheets)),
            ("status", Json::Str("ok")),
            ("submission", Json::Str(submission)),
        ]),
        FileStatus::Error { message } => Json::Object(vec![
            ("error", Json::Owned(cat.render(message))),
            ("path", Json::Str(&f.path)),
            ("status", Json::Str("error")),
            ("submission", Json::Str(submission)),
        ]),
    };
    text(value, pad)
}

/// The `summary` object of the report, every line but the first starting with `pad`.
pub fn totals_text(t: &super::Totals, pad: &str) -> String {
    let value = Json::Object(vec![
        ("error", Json::Int(t.error)),
        ("failed", Json::Int(t.failed)),
        ("files", Json::Int(t.files)),
        ("info", Json::Int(t.info)),
        ("warning", Json::Int(t.warning)),
    ]);
    let mut out = String::new();
    write(&mut out, value, pad, 0);
    out
}

fn text(value: Json, pad: &str) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(pad);
    write(&mut out, value, pad, 0);
    out
}

/// A new line at `depth` levels below `pad`.
fn newline(out: &mut String, pad: &str, depth: usize) {
    out.push('\n');
    out.push_str(pad);
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write(out: &mut String, value: Json, pad: &str, depth: usize) {
    match value {
        Json::Str(s) => push_string(out, s),
        Json::Owned(s) => push_string(out, &s),
        Json::Int(n) => out.push_str(&n.to_string()),
        Json::Null => out.push_str("null"),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Array(items) => {
            out.push('[');
            let n = items.len();
            for (i, item) in items.into_iter().enumerate() {
                newline(out, pad, depth + 1);
                write(out, item, pad, depth + 1);
                if i + 1 < n {
                    out.push(',');
                }
            }
            newline(out, pad, depth);
            out.push(']');
        }
        Json::Object(pairs) if pairs.is_empty() => out.push_str("{}"),
        Json::Object(pairs) => {
            debug_assert!(pairs.is_sorted_by_key(|(k, _)| *k));
            out.push('{');
            let n = pairs.len();
            for (i, (key, v)) in pairs.into_iter().enumerate() {
                newline(out, pad, depth + 1);
                push_string(out, key);
                out.push_str(": ");
                write(out, v, pad, depth + 1);
                if i + 1 < n {
                    out.push(',');
                }
            }
            newline(out, pad, depth);
            out.push('}');
        }
    }
}

/// A JSON string, escaped as serde_json escapes it: `"` `\` and control characters.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    // Most strings need no escape; this test without an early exit runs vectorised.
    let plain = !s.bytes().fold(false, |esc, b| {
        esc | (b < b' ') | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        let (plain, tail) = rest.split_at(i);
        out.push_str(plain);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What serde_json's pretty printer gives for the same value, each line indented.
    fn serde_layout(v: &serde_json::Value, pad: &str) -> String {
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        pretty
            .lines()
            .map(|l| format!("{pad}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(s in "\\PC*|[\\x00-\\x20\"\\\\a-z]*") {
            let mut out = String::new();
            push_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_string(&s).unwrap_or_default());
        }
    }

    #[test]
    fn findings_and_files_are_laid_out_as_serde_json_lays_them_out() {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, crate::catalog::Lang::Id);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trawas-2024");
        let subs = crate::submission::discover(&[dir]).expect("fixture");
        let opts = crate::lint::Options {
            rules: rules.clone(),
            select: Vec::new(),
            ignore: Vec::new(),
        };
        let report = crate::lint::lint_submission(&subs[0], &opts);
        assert!(report.findings.iter().any(|f| !f.related.is_empty()));
        assert!(report.findings.iter().any(|f| f.expected.is_none()));
        for f in &report.findings {
            let message = message_text(f, &cat);
            let written = finding_text(f, &message, &cat, "    ");
            let value: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
            assert_eq!(written, serde_layout(&value, "    "));
            assert_eq!(value["code"], f.code);
            assert_eq!(value["cell"], f.at.cell.to_string());
            assert_eq!(value["message"], message.as_str());
            assert_eq!(
                value["related"].as_array().map(Vec::len),
                Some(f.related.len())
            );
        }
        for f in &report.files {
            let written = file_text(f, "kec", &cat, "    ");
            let value: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
            assert_eq!(written, serde_layout(&value, "    "));
        }
    }
    fn sentence(paragraph: u32, page: Option<(u32, u32)>) -> crate::finding::TextPlace {
        crate::finding::TextPlace {
            paragraph,
            page: page.map(|p| p.0),
            line: page.map(|p| p.1),
            quote: "Penyerapan anggaran \"mencapai\" 92,81 % — di bawah target.".into(),
            figure: (33, 40),
        }
    }

    fn keys(v: &serde_json::Value) -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_sentence_has_null_sheet_and_cell_its_paragraph_and_quote() {
        use crate::finding::{Location, Message, Related, Severity};
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, crate::catalog::Lang::Id);
        let mut f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::sentence("laporan.docx", sentence(12, None)),
        );
        f.related.push(Related {
            at: Location::sentence("laporan.pdf", sentence(40, Some((3, 14)))),
            note: Message::new("note.value"),
        });
        f.related.push(Related {
            at: Location::cell("lra.xlsx", "LRA", crate::grid::Pos::new(8, 4)),
            note: Message::new("note.value"),
        });
        let message = message_text(&f, &cat);
        let written = finding_text(&f, &message, &cat, "  ");
        let v: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(written, serde_layout(&v, "  "));
        assert_eq!(
            keys(&v),
            [
                "actual",
                "cell",
                "code",
                "expected",
                "file",
                "message",
                "paragraph",
                "quote",
                "related",
                "severity",
                "sheet"
            ]
        );
        assert!(v["sheet"].is_null() && v["cell"].is_null());
        assert_eq!(v["paragraph"], 12);
        assert_eq!(v["quote"], sentence(1, None).quote.as_str());
        let pdf = &v["related"][0];
        assert_eq!(
            keys(pdf),
            ["cell", "file", "line", "note", "page", "quote", "sheet"]
        );
        assert_eq!((&pdf["page"], &pdf["line"]), (&3.into(), &14.into()));
        assert!(pdf["sheet"].is_null() && pdf["cell"].is_null());
        // A cell keeps exactly the fields it always had.
        let cell = &v["related"][1];
        assert_eq!(keys(cell), ["cell", "file", "note", "sheet"]);
        assert_eq!(
            (&cell["sheet"], &cell["cell"]),
            (&"LRA".into(), &"E9".into())
        );
    }

    #[test]
    fn a_pdf_sentence_has_page_and_line_not_paragraph() {
        use crate::finding::{Location, Message, Severity};
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, crate::catalog::Lang::En);
        let f = Finding::new(
            "SL202",
            Severity::Warning,
            Message::new("relation.mismatch"),
            Location::sentence("laporan.pdf", sentence(40, Some((3, 14)))),
        );
        let written = finding_text(&f, "m", &cat, "");
        let v: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(written, serde_layout(&v, ""));
        assert_eq!((&v["page"], &v["line"]), (&3.into(), &14.into()));
        assert!(v.get("paragraph").is_none());
        assert_eq!(v["related"], serde_json::json!([]));
    }

    #[test]
    fn a_cell_finding_has_no_new_keys() {
        use crate::finding::{Location, Message, Severity};
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, crate::catalog::Lang::Id);
        let f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::cell("lra.xlsx", "LRA", crate::grid::Pos::new(8, 4)),
        );
        let written = finding_text(&f, "m", &cat, "");
        assert_eq!(
            written,
            "{\n  \"actual\": null,\n  \"cell\": \"E9\",\n  \"code\": \"SL202\",\n  \"expected\": null,\n  \"file\": \"lra.xlsx\",\n  \"message\": \"m\",\n  \"related\": [],\n  \"severity\": \"error\",\n  \"sheet\": \"LRA\"\n}"
        );
    }
}
