use super::*;
use crate::grid::{Grid, Paragraph, Pos};
use join::repeated_header_rows;
use layout::Vocabulary;
use tables::{cell_text, drop_clipped_lines};

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

// ---------------------------------------------------------------------------------------
// Pieces of a table on consecutive pages, joined
// ---------------------------------------------------------------------------------------

/// A grid from rows of texts, as one page's piece of a PDF table on `page`.
fn piece(rows: &[&[&str]], page: u32) -> Grid {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0) as u32;
    let mut g = Grid::new("Tabel", rows.len() as u32, width);
    g.number_formats = false;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                g.set(
                    Pos::new(r as u32, c as u32),
                    crate::grid::Cell {
                        value: crate::grid::Value::Text(text.to_string()),
                        formula: None,
                    },
                );
            }
        }
    }
    g.pages = vec![(0, page)];
    g
}

fn rows_of(g: &Grid) -> Vec<Vec<String>> {
    (0..g.height)
        .map(|r| (0..g.width).map(|c| text(g, r, c)).collect())
        .collect()
}

fn caption(text: &str) -> Paragraph {
    Paragraph {
        number: 1,
        text: text.into(),
        tables_before: 0,
        lines: Vec::new(),
    }
}

fn range(r0: u32, c0: u32, r1: u32, c1: u32) -> crate::grid::Range {
    crate::grid::Range {
        start: Pos::new(r0, c0),
        end: Pos::new(r1, c1),
    }
}

/// The header rows a page repeats (one of its cells cut short, as a repeated row drawn
/// lower than its text is clipped) are dropped: one header, the data rows of both pages
/// in order, the second page's merged ranges moved up with its rows.
#[test]
fn a_header_repeated_on_the_next_page_is_dropped_when_the_pieces_are_joined() {
    let mut first = piece(
        &[
            &["Kode", "Program dan Kegiatan", "Tahun 2024", ""],
            &["", "", "Target", "Rp"],
            &["7.01.01", "Program Penunjang", "85%", "2.850.136.991"],
            &["7.01.01.2.01", "Perencanaan", "82%", "20.000.000"],
        ],
        13,
    );
    first.merges = vec![range(0, 0, 1, 0), range(0, 1, 1, 1), range(0, 2, 0, 3)];
    let mut second = piece(
        &[
            &["Kode", "Program dan", "Tahun 2024", ""],
            &["", "", "Target", "Rp"],
            &[
                "7.01.01.2.02",
                "Administrasi Keuangan",
                "83%",
                "2.399.155.423",
            ],
            &["", "Penyediaan Gaji", "28 dokumen", "2.392.155.423"],
        ],
        14,
    );
    second.merges = vec![
        range(0, 0, 1, 0),
        range(0, 1, 1, 1),
        range(0, 2, 0, 3),
        range(3, 0, 3, 1),
    ];
    let (joined, paras) = join_page_pieces(
        vec![first, second],
        vec![caption("Tabel 2.1 Target Kinerja Pada Renstra")],
    );
    assert_eq!(joined.len(), 1);
    let g = &joined[0];
    assert_eq!(g.name, "Tabel 1");
    assert_eq!(
        rows_of(g),
        vec![
            vec!["Kode", "Program dan Kegiatan", "Tahun 2024", ""],
            vec!["", "", "Target", "Rp"],
            vec!["7.01.01", "Program Penunjang", "85%", "2.850.136.991"],
            vec!["7.01.01.2.01", "Perencanaan", "82%", "20.000.000"],
            vec![
                "7.01.01.2.02",
                "Administrasi Keuangan",
                "83%",
                "2.399.155.423"
            ],
            vec!["", "Penyediaan Gaji", "28 dokumen", "2.392.155.423"],
        ]
    );
    // The first page's header merges, and the second page's data merge one row down from
    // where its dropped header would have put it (row 3 of its piece → row 5).
    assert_eq!(
        g.merges,
        vec![
            range(0, 0, 1, 0),
            range(0, 1, 1, 1),
            range(0, 2, 0, 3),
            range(5, 0, 5, 1)
        ]
    );
    // Where each page's piece starts.
    assert_eq!(g.pages, vec![(0, 13), (4, 14)]);
    assert_eq!(paras.len(), 1);
    assert_eq!(paras[0].tables_before, 0);
}

/// A piece whose top row is data is appended whole, even when some of its cells read like
/// the header's (a row is a repeated header only when its words stand in the header's
/// cells and most cells are equal).
#[test]
fn a_piece_starting_with_data_keeps_every_row() {
    let first = piece(
        &[
            &["No", "Uraian", "Target", "Realisasi"],
            &["1", "Belanja Pegawai", "100", "90"],
        ],
        3,
    );
    let second = piece(
        &[
            &["No", "Uraian lainnya", "Target", "92"],
            &["2", "Belanja Barang", "50", "45"],
        ],
        4,
    );
    let (joined, _) = join_page_pieces(vec![first, second], Vec::new());
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].height, 4);
    assert_eq!(text(&joined[0], 2, 1), "Uraian lainnya");
    assert_eq!(joined[0].pages, vec![(0, 3), (2, 4)]);
}

/// A paragraph between two pieces (or another number of columns) makes two tables.
#[test]
fn pieces_with_text_between_are_two_tables() {
    let first = piece(&[&["No", "Uraian"], &["1", "Belanja"]], 3);
    let second = piece(&[&["No", "Uraian"], &["2", "Modal"]], 4);
    let between = Paragraph {
        tables_before: 1,
        ..caption("Tabel berikutnya")
    };
    let (joined, _) = join_page_pieces(vec![first, second], vec![between]);
    assert_eq!(joined.len(), 2);
    assert_eq!((joined[0].height, joined[1].height), (2, 2));
    assert_eq!(joined[1].name, "Tabel 2");
    assert_eq!(joined[1].pages, vec![(0, 4)]);
}

/// What a repeated header cell cut short lacks may stand, clipped in the viewer but
/// present in the PDF, in the empty cell under it: it is emptied. A cell with text of its
/// own is left alone.
#[test]
fn the_spill_of_a_clipped_header_cell_is_emptied() {
    let first = piece(
        &[
            &[
                "Kode",
                "Urusan/ Program/ Kegiatan/ Sub Kegiatan",
                "Indikator Kinerja",
                "Target",
            ],
            &["7", "UNSUR KEWILAYAHAN", "IKM", "88"],
        ],
        18,
    );
    let second = piece(
        &[
            &["Kode", "Urusan/ Program/", "Indikator", "Target"],
            &["KECAMATAN", "Kegiatan/ Sub", "Persentase", ""],
            &["7.01", "Program Penunjang", "Nilai SAKIP", "82"],
        ],
        19,
    );
    assert_eq!(repeated_header_rows(&first, &second), 1);
    let (joined, _) = join_page_pieces(vec![first, second], Vec::new());
    assert_eq!(
        rows_of(&joined[0]),
        vec![
            vec![
                "Kode",
                "Urusan/ Program/ Kegiatan/ Sub Kegiatan",
                "Indikator Kinerja",
                "Target"
            ],
            vec!["7", "UNSUR KEWILAYAHAN", "IKM", "88"],
            vec!["KECAMATAN", "", "Persentase", ""],
            vec!["7.01", "Program Penunjang", "Nilai SAKIP", "82"],
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Cell text: clipped lines, words broken or wrapped
// ---------------------------------------------------------------------------------------

/// A page holding `words`, each (text, x, baseline y), glyphs 3 pt wide at 7 pt.
fn page_of(words: &[(&str, f32, f32)]) -> PageInk {
    let mut page = PageInk {
        height: 600.0,
        ..PageInk::default()
    };
    for &(word, x, y) in words {
        for (i, ch) in word.chars().enumerate() {
            let start = page.text.len() as u32;
            page.text.push(ch);
            page.glyphs.push(Glyph {
                x: x + 3.0 * i as f32,
                y,
                w: 3.0,
                size: 7.0,
                start,
                end: page.text.len() as u32,
            });
        }
    }
    page
}

fn vocabulary(pages: &[PageInk]) -> Vocabulary {
    let grouped: Vec<Vec<Vec<Glyph>>> = pages
        .iter()
        .map(|p| layout::group_lines(p.glyphs.clone()))
        .collect();
    Vocabulary::of(pages, &grouped)
}

/// The next line of a repeated header cell, clipped in the viewer, drawn 1 pt above the
/// first line of the cell under it and over its glyphs: dropped, the cell's own lines kept.
#[test]
fn a_clipped_line_over_a_cells_own_text_is_dropped() {
    let page = page_of(&[
        ("Sasaran", 100.0, 83.0),
        ("Jumlah", 100.0, 84.0),
        ("Orang", 100.0, 92.0),
    ]);
    let kept = drop_clipped_lines(page.glyphs.clone(), &page);
    let text: String = kept.iter().map(|g| page.glyph_text(g)).collect();
    assert_eq!(text, "JumlahOrang");
    // Lines a full line apart, side by side or one under the other, are all kept.
    let page = page_of(&[("Jumlah", 100.0, 84.0), ("Orang", 100.0, 92.0)]);
    assert_eq!(drop_clipped_lines(page.glyphs.clone(), &page).len(), 11);
}

/// A single word filling a narrow cell, then letters on the next line: one word broken
/// ("Penyediaa" + "n") when the document knows the joined word or the second piece is a
/// fragment; two words wrapped at a space ("Persentase" / "realisasi") when both stand
/// elsewhere in the document and the joined word nowhere.
#[test]
fn a_word_broken_in_a_narrow_cell_is_joined_and_words_wrapped_at_a_space_are_not() {
    let elsewhere = page_of(&[
        ("Persentase", 300.0, 50.0),
        ("realisasi", 340.0, 50.0),
        ("Penyediaan", 300.0, 60.0),
        ("Persentase", 300.0, 70.0),
        ("realisasi", 340.0, 70.0),
    ]);
    let cell = |first: &str, second: &str| {
        let page = page_of(&[(first, 100.0, 100.0), (second, 100.0, 108.0)]);
        let vocab = vocabulary(&[elsewhere.clone(), page.clone()]);
        // The cell as wide as the first line: it filled the cell.
        let width = 3.0 * first.chars().count() as f32 + 1.0;
        cell_text(page.glyphs.clone(), width, &page, &vocab)
    };
    assert_eq!(cell("Persentase", "realisasi"), "Persentase realisasi");
    assert_eq!(cell("Penyediaa", "n"), "Penyediaan");
    assert_eq!(cell("Penyediaa", "nnya"), "Penyediaannya");
    // Figures broken inside are joined as before.
    assert_eq!(cell("2.416.254.056,0", "0"), "2.416.254.056,00");
}

/// A table whose next page draws one more column rule (a cell split there): both pieces
/// laid on the union of their column edges, the wider cells merged over the columns they
/// cover, and the repeated header still recognised and dropped.
#[test]
fn pieces_whose_columns_are_split_differently_are_lined_up_by_their_rules() {
    let mut first = piece(
        &[
            &["No", "Uraian", "Target"],
            &["1", "Belanja Pegawai", "100"],
        ],
        5,
    );
    first.col_edges = vec![50.0, 90.0, 200.0, 260.0];
    let mut second = piece(
        &[
            &["No", "Uraian", "", "Target"],
            &["2", "Belanja", "Modal", "50"],
        ],
        6,
    );
    second.merges = vec![range(0, 1, 0, 2)];
    // The split rule at 140; the others within a point or two of the first page's.
    second.col_edges = vec![51.0, 89.0, 140.0, 201.0, 260.0];
    // A third page ruled like the first.
    let mut third = piece(
        &[&["No", "Uraian", "Target"], &["3", "Belanja Hibah", "0"]],
        7,
    );
    third.col_edges = vec![50.0, 90.0, 200.0, 260.0];
    let (joined, _) = join_page_pieces(vec![first, second, third], Vec::new());
    assert_eq!(joined.len(), 1);
    let g = &joined[0];
    assert_eq!(
        rows_of(g),
        vec![
            vec!["No", "Uraian", "", "Target"],
            vec!["1", "Belanja Pegawai", "", "100"],
            vec!["2", "Belanja", "Modal", "50"],
            vec!["3", "Belanja Hibah", "", "0"],
        ]
    );
    assert_eq!(
        g.merges,
        vec![range(0, 1, 0, 2), range(1, 1, 1, 2), range(3, 1, 3, 2)]
    );
    assert_eq!(g.pages, vec![(0, 5), (2, 6), (3, 7)]);

    // On pages that do not follow each other, or in another frame, they stay apart.
    let mut far = piece(
        &[
            &["No", "Uraian", "", "Target"],
            &["2", "Belanja", "Modal", "50"],
        ],
        9,
    );
    far.col_edges = vec![51.0, 89.0, 140.0, 201.0, 260.0];
    let mut near = piece(&[&["No", "Uraian", "Target"], &["1", "Belanja", "100"]], 8);
    near.col_edges = vec![50.0, 90.0, 200.0, 300.0];
    let (apart, _) = join_page_pieces(vec![near.clone(), far.clone()], Vec::new());
    assert_eq!(apart.len(), 2);
    far.pages = vec![(0, 12)];
    near.col_edges = vec![50.0, 90.0, 200.0, 260.0];
    let (apart, _) = join_page_pieces(vec![near, far], Vec::new());
    assert_eq!(apart.len(), 2);
}
