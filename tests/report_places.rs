//! Findings in a report document's sentences, through every output: the JSON report,
//! SARIF and GitHub annotations built from it, the human report, the baseline entry, the
//! order of the findings and what is shown around them. Findings in workbooks are held to
//! their old output by the golden tests.

use rust_decimal::Decimal;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::doc::Doc;
use sakip_lint::finding::{Arg, Finding, Location, Message, Related, Severity, TextPlace};
use sakip_lint::grid::{Cell, Grid, Paragraph, Pos, Value};
use sakip_lint::lint::{self, Options, SubmissionReport};
use sakip_lint::report;
use sakip_lint::rules::Rules;
use sakip_lint::submission::Submission;
use serde_json::{Value as Json, json};

const WORD_QUOTE: &str = "Penyerapan anggaran “Kecamatan” tahun 2024 mencapai 92,81 % dari pagu.";
const PDF_QUOTE: &str = "Realisasi anggaran 95,02 %.";

fn place(paragraph: u32, page: Option<(u32, u32)>, quote: &str, figure: &str) -> TextPlace {
    let start = quote.find(figure).unwrap_or(0);
    TextPlace {
        paragraph,
        page: page.map(|p| p.0),
        line: page.map(|p| p.1),
        quote: quote.into(),
        figure: (start, start + figure.len()),
    }
}

fn text_cell(g: &mut Grid, row: u32, col: u32, text: &str) {
    g.set(
        Pos::new(row, col),
        Cell {
            value: Value::Text(text.into()),
            formula: None,
        },
    );
}

fn docs() -> Vec<Doc> {
    let mut lra = Grid::new("LRA", 10, 5);
    text_cell(&mut lra, 8, 0, "Belanja Daerah");
    text_cell(&mut lra, 8, 4, "95,02");
    let mut t1 = Grid::new("Tabel 1", 3, 3);
    text_cell(&mut t1, 1, 0, "Belanja Pegawai");
    let paragraphs = [1, 12]
        .iter()
        .map(|n| Paragraph {
            number: *n,
            text: WORD_QUOTE.into(),
            tables_before: 0,
            lines: Vec::new(),
        })
        .collect();
    vec![
        Doc {
            file: "kec/lra.xlsx".into(),
            sheets: vec![lra],
            tables: Vec::new(),
            paragraphs: Vec::new(),
        },
        Doc {
            file: "kec/laporan.docx".into(),
            sheets: vec![t1],
            tables: Vec::new(),
            paragraphs,
        },
    ]
}

fn finding(code: &'static str, at: Location) -> Finding {
    let message = Message::new("note.value").num("value", Decimal::new(9281, 2), 2);
    let mut f = Finding::new(code, Severity::Error, message, at);
    f.actual = Some(Arg::num(Decimal::new(9281, 2), 2));
    f.expected = Some(Arg::num(Decimal::new(9502, 2), 2));
    f
}

/// The findings as the checks would give them, checked and ordered by `lint::check_docs`.
fn checked() -> (Vec<Doc>, SubmissionReport) {
    let docs = docs();
    let mut word = finding(
        "SL601",
        Location::sentence("kec/laporan.docx", place(12, None, WORD_QUOTE, "92,81 %")),
    );
    word.related.push(Related {
        at: Location::cell("kec/lra.xlsx", "LRA", Pos::new(8, 4)),
        note: Message::new("note.value").num("value", Decimal::new(9502, 2), 2),
    });
    word.related.push(Related {
        at: Location::sentence(
            "kec/laporan.pdf",
            place(30, Some((3, 14)), PDF_QUOTE, "95,02 %"),
        ),
        note: Message::new("note.value").num("value", Decimal::new(9502, 2), 2),
    });
    let early = finding(
        "SL601",
        Location::sentence("kec/laporan.docx", place(1, None, WORD_QUOTE, "2024")),
    );
    let table = finding(
        "SL101",
        Location::cell("kec/laporan.docx", "Tabel 1", Pos::new(1, 1)),
    );
    let workbook = finding(
        "SL202",
        Location::cell("kec/lra.xlsx", "LRA", Pos::new(8, 4)),
    );
    let sub = Submission {
        name: "kec".into(),
        files: Vec::new(),
    };
    let opts = Options {
        rules: Rules::embedded().expect("rules"),
        select: Vec::new(),
        ignore: Vec::new(),
    };
    let report = lint::check_docs(
        &sub,
        &docs,
        Vec::new(),
        vec![table, word, workbook, early],
        &opts,
    );
    (docs, report)
}

/// The JSON report's findings, as `--format json` writes them.
fn json_report(r: &SubmissionReport, cat: &Catalog) -> Json {
    let findings: Vec<Json> = r
        .findings
        .iter()
        .map(|f| {
            let message = report::json::message_text(f, cat);
            let text = report::json::finding_text(f, &message, cat, "");
            serde_json::from_str(&text).expect("valid JSON")
        })
        .collect();
    json!({ "schema": "sakip-lint/1", "files": [], "findings": findings })
}

#[test]
fn sentences_then_tables_of_a_report_with_nothing_made_up_around_them() {
    let (_, r) = checked();
    let order: Vec<String> = r
        .findings
        .iter()
        .map(|f| match &f.at.text {
            Some(t) => format!("{} ¶{}", f.at.file, t.paragraph),
            None => format!("{} {}!{}", f.at.file, f.at.sheet, f.at.cell),
        })
        .collect();
    assert_eq!(
        order,
        [
            "kec/lra.xlsx LRA!E9",
            "kec/laporan.docx ¶1",
            "kec/laporan.docx ¶12",
            "kec/laporan.docx Tabel 1!B2",
        ]
    );
    let word = r.findings.get(2).expect("the Word sentence");
    // Its snippet is the related workbook row only; a sentence has no table caption.
    assert_eq!(word.table, None);
    let sheets: Vec<&str> = word.snippet.iter().map(|l| l.sheet.as_str()).collect();
    assert_eq!(sheets, ["LRA"]);
}

#[test]
fn json_sarif_and_github_agree_on_the_place() {
    let (_, r) = checked();
    let rules = Rules::embedded().expect("rules");
    let cat = Catalog::new(&rules, Lang::Id);
    let doc = json_report(&r, &cat);
    let word = &doc["findings"][2];
    assert_eq!(word["sheet"], Json::Null);
    assert_eq!(word["cell"], Json::Null);
    assert_eq!(word["paragraph"], 12);
    assert_eq!(word["quote"], WORD_QUOTE);
    assert_eq!(word["related"][0]["sheet"], "LRA");
    assert!(word["related"][0].get("quote").is_none());
    assert_eq!(word["related"][1]["page"], 3);
    assert_eq!(word["related"][1]["line"], 14);
    let table = &doc["findings"][3];
    assert_eq!(
        (&table["sheet"], &table["cell"]),
        (&json!("Tabel 1"), &json!("B2"))
    );
    assert!(table.get("paragraph").is_none() && table.get("quote").is_none());

    let sarif = report::sarif::from_json(&doc, &cat);
    let result = &sarif["runs"][0]["results"][2];
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 12);
    assert_eq!(region["snippet"]["text"], WORD_QUOTE);
    let pdf = &result["relatedLocations"][1]["physicalLocation"]["region"];
    assert_eq!(
        (&pdf["startLine"], &pdf["properties"]["page"]),
        (&json!(14), &json!(3))
    );
    assert_eq!(
        sarif["runs"][0]["results"][3]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Tabel 1!B2"
    );

    let github = report::github::from_json(&doc, &cat);
    let lines: Vec<&str> = github.lines().collect();
    assert!(
        lines.get(2).is_some_and(|l| l.starts_with(
            "::error file=kec/laporan.docx,line=12,title=SL601 cross-document-mismatch%2C paragraf 12::"
        )),
        "{github}"
    );
    assert!(
        lines.get(3).is_some_and(|l| l.contains("::Tabel 1!B2 ")),
        "{github}"
    );
}

#[test]
fn the_human_report_names_the_paragraph_and_underlines_the_figure() {
    let (_, r) = checked();
    let rules = Rules::embedded().expect("rules");
    for (lang, word) in [(Lang::Id, "paragraf 12"), (Lang::En, "paragraph 12")] {
        let cat = Catalog::new(&rules, lang);
        let out = report::human::render(std::slice::from_ref(&r), &cat, false);
        assert!(
            out.contains(&format!("kec/laporan.docx, {word}  ")),
            "{out}"
        );
        assert!(out.contains("══ kec/laporan.docx\n"), "{out}");
        assert!(out.contains("══ kec/laporan.docx › Tabel 1\n"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        // The quote is the line after the heading of paragraph 12.
        let i = 1 + lines
            .iter()
            .position(|l| l.contains(word))
            .expect("the heading");
        assert!(lines[i].contains(WORD_QUOTE), "{out}");
        let (text, carets) = (lines[i], lines[i + 1]);
        let column = |s: &str, at: usize| s[..at].chars().count();
        assert_eq!(
            column(text, text.find("92,81").expect("figure")),
            column(carets, carets.find('^').expect("carets")),
            "{out}"
        );
        assert_eq!(carets.matches('^').count(), "92,81 %".chars().count());
    }
}

#[test]
fn a_baseline_knows_a_sentence_by_its_quote() {
    let (_, r) = checked();
    let word = r.findings.get(2).expect("the Word sentence");
    let entry = sakip_lint::baseline::entry(word);
    assert_eq!(
        (
            entry.file.as_str(),
            entry.sheet.as_str(),
            entry.cell.as_str()
        ),
        ("laporan.docx", "", "")
    );
    assert_eq!(entry.quote, WORD_QUOTE);
    let cell = sakip_lint::baseline::entry(r.findings.first().expect("the workbook cell"));
    assert_eq!((cell.cell.as_str(), cell.quote.as_str()), ("E9", ""));
}
