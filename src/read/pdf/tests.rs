use super::*;
use crate::grid::{Grid, Paragraph, Pos};

fn budget() -> Budget {
    Budget {
        per_sheet: 1_000_000,
        total_left: 10_000_000,
    }
}

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `PDF_DUMP=file.pdf cargo test --lib read::pdf::tests::dump -- --ignored --nocapture`
/// prints what is read from a PDF.
#[test]
#[ignore]
fn dump() {
    let path = std::env::var("PDF_DUMP").unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap();
    let t = std::time::Instant::now();
    let (grids, paras) = read_pdf(&bytes, &mut budget()).unwrap();
    println!("read in {:?}", t.elapsed());
    for g in &grids {
        println!("{} {}x{} merges {:?}", g.name, g.height, g.width, g.merges);
        for r in 0..g.height {
            let row: Vec<String> = (0..g.width).map(|c| g.text(Pos::new(r, c))).collect();
            println!("  {row:?}");
        }
    }
    for p in &paras {
        println!(
            "#{} tb={} {:?} {:?}",
            p.number,
            p.tables_before,
            p.lines.iter().map(|l| (l.page, l.line)).collect::<Vec<_>>(),
            p.text.chars().take(100).collect::<String>()
        );
    }
}

fn report() -> (Vec<Grid>, Vec<Paragraph>) {
    read_pdf(&data("report.pdf"), &mut budget()).unwrap()
}

fn text(grid: &Grid, row: u32, col: u32) -> String {
    grid.text(Pos::new(row, col))
}

#[test]
fn a_ruled_table_keeps_rows_columns_and_the_spanning_header() {
    let (grids, _) = report();
    let t = &grids[0];
    assert_eq!(t.name, "Tabel 1");
    assert_eq!((t.height, t.width), (5, 4));
    assert_eq!(text(t, 0, 0), "Sasaran Strategis");
    assert_eq!(text(t, 0, 1), "Anggaran (Rp)");
    assert_eq!(text(t, 0, 2), "");
    assert_eq!(text(t, 0, 3), "Capaian");
    assert_eq!(text(t, 1, 3), "%");
    // A cell wrapped onto two lines is one cell; a figure broken inside is rejoined.
    assert_eq!(
        text(t, 2, 0),
        "Meningkatnya kualitas pelayanan publik kecamatan"
    );
    assert_eq!(text(t, 2, 1), "2.416.254.056,00");
    assert_eq!(text(t, 2, 2), "2.295.945.120,50");
    assert_eq!(text(t, 2, 3), "95,02 %");
    assert_eq!(text(t, 4, 0), "Jumlah");
    assert_eq!(text(t, 4, 2), "2.476.207.620,50");
    assert!(
        matches!(t.value(Pos::new(3, 1)), crate::grid::Value::Text(s) if s == "187.500.000,00")
    );
    assert_eq!(
        t.merges,
        vec![crate::grid::Range {
            start: Pos::new(0, 1),
            end: Pos::new(0, 2)
        }]
    );
}

#[test]
fn an_unruled_table_is_read_from_its_columns_of_white_space() {
    let (grids, _) = report();
    assert_eq!(grids.len(), 2);
    let t = &grids[1];
    assert_eq!(t.name, "Tabel 2");
    assert_eq!((t.height, t.width), (3, 3));
    assert_eq!(text(t, 0, 1), "Laki-laki");
    assert_eq!(text(t, 2, 0), "Ketapanrame");
    assert_eq!(text(t, 2, 2), "2.295");
}

#[test]
fn paragraphs_join_lines_and_pages_and_drop_the_footer() {
    let (_, paras) = report();
    let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts[0], "BAB I PENDAHULUAN");
    assert!(texts[1].starts_with("Laporan Kinerja Instansi Pemerintah ini disusun"));
    assert!(texts[1].ends_with("mencapai sasaran strategis."));
    assert!(
        texts
            .iter()
            .all(|t| !t.contains("Catatan") && !t.contains("Halaman"))
    );
    // No table text in the paragraphs.
    assert!(texts.iter().all(|t| !t.contains("2.416.254.056")));
    assert!(texts.iter().all(|t| !t.contains("Ketapanrame")));

    // The long paragraph runs from page 1 onto page 2, cut mid-sentence.
    let long = paras
        .iter()
        .find(|p| p.text.ends_with("berakhir di halaman kedua."))
        .unwrap();
    assert!(long.text.starts_with("Pengukuran kinerja dilakukan"));
    assert_eq!(long.tables_before, 1);
    let first_on_2 = long.lines.iter().find(|l| l.page == 2).unwrap();
    assert_eq!(first_on_2.line, 1);
    assert!(long.text[..first_on_2.offset].ends_with("setiap indikator "));
    assert!(long.text[first_on_2.offset..].starts_with("kinerja sasaran strategis"));
    let at = long.text.find("Kalimat penutup").unwrap();
    let (page, line) = long.page_line(at).unwrap();
    assert_eq!(page, 2);
    assert!(line > 20, "line {line}");

    let laporan = &paras[1];
    assert_eq!(laporan.number, 2);
    assert_eq!(laporan.page_line(0), Some((1, 2)));
    let last = paras.last().unwrap();
    assert_eq!(
        last.text,
        "Demikian laporan ini disusun untuk dipergunakan sebagaimana mestinya."
    );
    assert_eq!(last.tables_before, 2);
    assert_eq!(last.number as usize, paras.len());
}

#[test]
fn a_table_over_the_budget_is_left_out() {
    let mut small = Budget {
        per_sheet: 12,
        total_left: 100,
    };
    let (grids, paras) = read_pdf(&data("report.pdf"), &mut small).unwrap();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].name, "Tabel 2");
    assert_eq!(small.total_left, 91);
    assert!(!paras.is_empty());
}

fn hostile(name: &str) -> Result<(Vec<Grid>, Vec<Paragraph>), PdfFailure> {
    read_pdf(&data(&format!("hostile/{name}")), &mut budget())
}

#[test]
fn hostile_files_fail_cleanly() {
    assert!(matches!(
        hostile("encrypted.pdf"),
        Err(PdfFailure::Encrypted)
    ));
    assert!(matches!(hostile("scanned.pdf"), Err(PdfFailure::Scanned)));
    // 1 GiB of zeros, deflated twice: refused at the 64 MB cap, never inflated whole.
    assert!(matches!(hostile("bomb.pdf"), Err(PdfFailure::TooLarge(_))));
    assert!(matches!(
        hostile("form-loop.pdf"),
        Err(PdfFailure::Corrupt(_))
    ));
    assert!(matches!(
        hostile("page-tree-loop.pdf"),
        Err(PdfFailure::Corrupt(_))
    ));
    assert!(matches!(
        hostile("objstm-loop.pdf"),
        Err(PdfFailure::Corrupt(_))
    ));
    // lopdf does not rebuild a broken cross-reference table.
    match hostile("broken-xref.pdf") {
        Err(PdfFailure::Corrupt(_)) => {}
        Ok((_, paras)) => assert!(paras.iter().any(|p| p.text.contains("Laporan kinerja"))),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn garbage_and_truncated_files_do_not_panic() {
    let report = data("report.pdf");
    for cut in [
        0,
        8,
        100,
        report.len() / 3,
        report.len() / 2,
        report.len() - 40,
    ] {
        let _ = read_pdf(&report[..cut], &mut budget());
    }
    assert!(read_pdf(b"%PDF-1.4 nothing else", &mut budget()).is_err());
}
