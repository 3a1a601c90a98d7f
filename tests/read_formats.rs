//! Reading workbooks of every supported format into grids (`src/read/`).
//!
//! The xlsx is written here with rust_xlsxwriter; `fixtures/read/contoh.{xlsx,xls,ods}` are
//! the same workbook (`write_fixture_source` below) converted by LibreOffice 7.4
//! (`soffice --headless --convert-to xls|ods contoh.xlsx`).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Formula, Workbook as XlsxWriter};
use sakip_lint::grid::{Grid, Pos, Range, Value, parse_a1};
use sakip_lint::read::{ReadOptions, ReadResult, read_workbook};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

fn p(a1: &str) -> Pos {
    parse_a1(a1).expect("A1 address")
}

fn range(a: &str, b: &str) -> Range {
    Range {
        start: p(a),
        end: p(b),
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/read")
        .join(name)
}

/// The sample workbook: three sheets, the second hidden, the third starting at C5.
fn write_sample(path: &Path) {
    let mut wb = XlsxWriter::new();
    let percent = Format::new().set_num_format("0.00%");
    let percent0 = Format::new().set_num_format("0%");
    let money = Format::new().set_num_format("#,##0.00");
    let thousands = Format::new().set_num_format("#,##0");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let plain = Format::new();

    let ws = wb.add_worksheet();
    ws.set_name("Kinerja").unwrap();
    ws.merge_range(0, 0, 0, 2, "Indikator Kinerja", &plain)
        .unwrap();
    for (col, head) in ["Sasaran", "Target", "Realisasi", "Capaian", "Anggaran"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, col as u16, *head).unwrap();
    }
    ws.write_string(2, 0, "Persentase layanan").unwrap();
    ws.write_number(2, 1, 100).unwrap();
    ws.write_number(2, 2, 95.02).unwrap();
    ws.write_number_with_format(2, 3, 0.9502, &percent).unwrap();
    ws.write_number_with_format(2, 4, 2_543_009_000.5, &money)
        .unwrap();
    ws.write_string(3, 0, "Jumlah").unwrap();
    ws.write_formula(3, 1, Formula::new("B3*2").set_result("200"))
        .unwrap();
    ws.write_formula(3, 2, Formula::new("C3/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_formula(3, 3, Formula::new("SUM(B3:C3)").set_result("195.02"))
        .unwrap();
    ws.write_boolean(4, 0, true).unwrap();
    ws.write_number_with_format(5, 0, 45657, &date).unwrap();
    ws.write_number_with_format(6, 0, 17_000_000, &thousands)
        .unwrap();
    ws.write_number_with_format(7, 0, 1, &percent0).unwrap();

    let ws = wb.add_worksheet();
    ws.set_name("Tersembunyi").unwrap();
    ws.write_string(0, 0, "rahasia").unwrap();
    ws.write_number(1, 1, 42).unwrap();
    ws.set_hidden(true);

    let ws = wb.add_worksheet();
    ws.set_name("Geser").unwrap();
    ws.write_string(4, 2, "Mulai").unwrap();
    ws.write_number(5, 3, 12.5).unwrap();
    ws.merge_range(7, 2, 8, 3, "gabung", &plain).unwrap();

    wb.save(path).unwrap();
}

fn read(path: &Path) -> ReadResult {
    read_workbook(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sheet<'a>(r: &'a ReadResult, name: &str) -> &'a Grid {
    r.workbook
        .sheets
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("sheet {name}"))
}

fn number(g: &Grid, a1: &str) -> (Decimal, bool, Option<u32>) {
    match g.value(p(a1)) {
        Value::Number {
            value,
            percent,
            decimals,
        } => (*value, *percent, *decimals),
        other => panic!("{a1}: expected a number, got {other:?}"),
    }
}

fn text(g: &Grid, a1: &str) -> String {
    match g.value(p(a1)) {
        Value::Text(s) => s.clone(),
        other => panic!("{a1}: expected text, got {other:?}"),
    }
}

/// What every format keeps: values, positions, hidden state, sheet order, formulas.
/// (LibreOffice turns the boolean TRUE into the formula `TRUE()` with the number 1 when
/// it writes .ods.)
fn assert_common(r: &ReadResult) {
    assert_common_but_bool(r);
    assert_eq!(sheet(r, "Kinerja").value(p("A5")), &Value::Bool(true));
}

fn assert_common_but_bool(r: &ReadResult) {
    let names: Vec<&str> = r.workbook.sheets.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Kinerja", "Tersembunyi", "Geser"]);

    let k = sheet(r, "Kinerja");
    assert!(!k.hidden);
    assert_eq!((k.height, k.width), (8, 5));
    assert_eq!(text(k, "A1"), "Indikator Kinerja");
    assert_eq!(text(k, "E2"), "Anggaran");
    assert_eq!(number(k, "B3").0, dec("100"));
    assert_eq!(number(k, "C3").0, dec("95.02"));
    assert_eq!(number(k, "D3").0, dec("0.9502"));
    assert_eq!(number(k, "E3").0, dec("2543009000.5"));
    // Formulas: the cached value is the value, the text is kept.
    assert_eq!(number(k, "B4").0, dec("200"));
    assert_eq!(k.get(p("B4")).formula.as_deref(), Some("B3*2"));
    assert_eq!(k.value(p("C4")), &Value::Error("#DIV/0!".into()));
    assert_eq!(k.get(p("C4")).formula.as_deref(), Some("C3/0"));
    assert_eq!(number(k, "D4").0, dec("195.02"));
    assert_eq!(k.get(p("D4")).formula.as_deref(), Some("SUM(B3:C3)"));
    assert_eq!(k.get(p("B3")).formula, None);
    assert_eq!(text(k, "A6"), "2024-12-31");
    assert_eq!(number(k, "A7").0, dec("17000000"));
    assert_eq!(number(k, "A8").0, dec("1"));

    let t = sheet(r, "Tersembunyi");
    assert!(t.hidden);
    assert_eq!(text(t, "A1"), "rahasia");
    assert_eq!(number(t, "B2").0, dec("42"));

    // Positions are absolute although the used range starts at C5.
    let g = sheet(r, "Geser");
    assert!(!g.hidden);
    assert_eq!(text(g, "C5"), "Mulai");
    assert_eq!(number(g, "D6").0, dec("12.5"));
    assert_eq!(text(g, "C8"), "gabung");
    assert_eq!(g.value(p("A1")), &Value::Empty);
    assert_eq!((g.height, g.width), (8, 4));
}

fn assert_merges(r: &ReadResult) {
    let k = sheet(r, "Kinerja");
    assert_eq!(k.merges, vec![range("A1", "C1")]);
    assert_eq!(k.shown(p("B1")), &Value::Text("Indikator Kinerja".into()));
    let g = sheet(r, "Geser");
    assert_eq!(g.merges, vec![range("C8", "D9")]);
    assert_eq!(g.shown(p("D9")), &Value::Text("gabung".into()));
}

fn assert_number_formats(r: &ReadResult) {
    let k = sheet(r, "Kinerja");
    assert_eq!(number(k, "D3"), (dec("0.9502"), true, Some(2)));
    assert_eq!(number(k, "E3"), (dec("2543009000.5"), false, Some(2)));
    assert_eq!(number(k, "A7"), (dec("17000000"), false, Some(0)));
    assert_eq!(number(k, "A8"), (dec("1"), true, Some(0)));
    assert_eq!(number(k, "C3"), (dec("95.02"), false, None));
}

#[test]
fn xlsx_written_by_rust_xlsxwriter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contoh.xlsx");
    write_sample(&path);
    let r = read(&path);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_common(&r);
    assert_merges(&r);
    assert_number_formats(&r);
    assert!(sheet(&r, "Kinerja").col_widths.is_empty());
}

#[test]
fn extension_is_case_insensitive_and_xlsm_reads_as_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["CONTOH.XLSX", "contoh.xlsm"] {
        let path = dir.path().join(name);
        write_sample(&path);
        assert_common(&read(&path));
    }
}

#[test]
fn xlsx_fixture_matches_generated() {
    let r = read(&fixture("contoh.xlsx"));
    assert_common(&r);
    assert_merges(&r);
    assert_number_formats(&r);
}

#[test]
fn xls_converted_by_libreoffice() {
    let r = read(&fixture("contoh.xls"));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_common(&r);
    assert_merges(&r);
    assert_number_formats(&r);
}

#[test]
fn ods_converted_by_libreoffice() {
    let r = read(&fixture("contoh.ods"));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_common_but_bool(&r);
    let k = sheet(&r, "Kinerja");
    assert_eq!(number(k, "A5").0, dec("1"));
    assert_eq!(k.get(p("A5")).formula.as_deref(), Some("TRUE()"));
    // calamine exposes neither merges nor number formats for .ods.
    assert!(k.merges.is_empty());
    assert_eq!(number(k, "D3"), (dec("0.9502"), false, None));
}

#[test]
fn error_literals_calamine_does_not_know_are_kept() {
    // rust_xlsxwriter writes "#GETTING_DATA" as an error value (t="e"); calamine 0.38 rejects
    // that literal, and the reader recovers it from the stream.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("getting-data.xlsx");
    let mut wb = XlsxWriter::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 1).unwrap();
    ws.write_formula(
        1,
        1,
        Formula::new("WEBSERVICE(\"x\")").set_result("#GETTING_DATA"),
    )
    .unwrap();
    ws.write_number(2, 0, 3).unwrap();
    wb.save(&path).unwrap();
    let r = read(&path);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let g = &r.workbook.sheets[0];
    assert_eq!(g.value(p("B2")), &Value::Error("#GETTING_DATA".into()));
    assert_eq!(g.get(p("B2")).formula.as_deref(), Some("WEBSERVICE(\"x\")"));
    assert_eq!(number(g, "A3").0, dec("3"));
}

#[test]
fn budget_refuses_a_sheet_and_reads_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contoh.xlsx");
    write_sample(&path);
    // Kinerja is 8 × 5 = 40 cells, Tersembunyi 2 × 2, Geser 8 × 4 = 32.
    let opts = ReadOptions {
        max_cells: 35,
        ..ReadOptions::default()
    };
    let r = read_workbook(&path, &opts).unwrap();
    let names: Vec<&str> = r.workbook.sheets.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Tersembunyi", "Geser"]);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].sheet, "Kinerja");
    assert_eq!(r.problems[0].message_id(), "read.sheet-too-large");

    // The workbook total: after Kinerja (40) and Tersembunyi (4), 6 cells are left.
    let opts = ReadOptions {
        max_cells: 100,
        max_total_cells: 50,
        ..ReadOptions::default()
    };
    let r = read_workbook(&path, &opts).unwrap();
    let names: Vec<&str> = r.workbook.sheets.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Kinerja", "Tersembunyi"]);
    assert_eq!(r.problems[0].sheet, "Geser");
    match &r.problems[0].kind {
        sakip_lint::read::SheetProblemKind::TooLarge { budget, .. } => assert_eq!(*budget, 6),
        other => panic!("{other:?}"),
    }

    // The same for .xls, whose budget is applied before calamine parses it.
    let r = read_workbook(
        &fixture("contoh.xls"),
        &ReadOptions {
            max_cells: 35,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let names: Vec<&str> = r.workbook.sheets.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Tersembunyi", "Geser"]);
    assert_eq!(r.problems[0].sheet, "Kinerja");
}

/// Writes `fixtures/read/contoh.xlsx`, the source of the LibreOffice conversions.
/// Run with `cargo test --test read_formats -- --ignored write_fixture_source`.
#[test]
#[ignore]
fn write_fixture_source() {
    write_sample(&fixture("contoh.xlsx"));
}
