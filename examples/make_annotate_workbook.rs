//! The test workbook of the patched annotated copy (tests/annotate_package.rs): an LRA
//! sheet like the clean Sukamaju fixture's with ONE fault (the % of Belanja Pegawai, E4,
//! typed 95,29 instead of 95,92), on a cell that also carries the author's own note and a
//! number format, plus what an authoring team adds to its workbook and the reader does not
//! model — data validation, a conditional format, a chart, an image, a defined name
//! `Pagu`, print titles, frozen panes, a hyperlink, a hidden row, grouped rows and columns,
//! a tab colour, page setup — on that sheet and a second one (which is also protected).
//! Written twice: `lra-lengkap.xlsx`, and `lra-lengkap.xlsm` with a placeholder
//! `vbaProject.bin` (a few bytes, no macro: the test only checks it is carried over).
//!
//! `cargo run --example make_annotate_workbook -- tests/data`

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation, Format,
    FormatBorder, Formula, Image, Note, Url, Workbook, XlsxError,
};
use std::path::Path;

const LOGO: &[u8] = include_bytes!("../tests/data/logo-kecamatan.png");

fn build(vba: Option<&Path>) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    // Fixed document dates: the same bytes on every run.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 15)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_author("Sekretariat Kecamatan Sukamaju")
            .set_creation_datetime(&date),
    );
    if let Some(v) = vba {
        wb.add_vba_project(v)?;
    }
    let title = Format::new().set_bold().set_font_size(12);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let text = Format::new().set_border(FormatBorder::Thin);
    let money = Format::new()
        .set_num_format("#,##0.00")
        .set_border(FormatBorder::Thin);
    let pct = Format::new()
        .set_num_format("0.00")
        .set_border(FormatBorder::Thin)
        .set_font_color(0x1F4E79);

    let ws = wb.add_worksheet().set_name("LRA")?;
    ws.write_string_with_format(
        0,
        0,
        "Tabel 3.3 Laporan Realisasi Anggaran Kecamatan Sukamaju Tahun Anggaran 2024",
        &title,
    )?;
    for (c, h) in [
        "No",
        "URAIAN",
        "ANGGARAN (Rp)",
        "REALISASI (Rp)",
        "%",
        "Status",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(1, c as u16, *h, &head)?;
    }
    // (no, uraian, anggaran, realisasi, %, anggaran formula, realisasi formula)
    type Row<'a> = (
        &'a str,
        &'a str,
        f64,
        f64,
        Option<f64>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let rows: [Row; 8] = [
        (
            "1",
            "Belanja Operasi",
            2_158_011_500.0,
            2_076_833_586.0,
            Some(96.24),
            Some("SUM(C4:C6)"),
            Some("SUM(D4:D6)"),
        ),
        (
            "",
            "- Belanja Pegawai",
            1_879_204_000.0,
            1_802_517_816.0,
            Some(95.29),
            None,
            None,
        ),
        (
            "",
            "- Belanja Barang dan Jasa",
            278_807_500.0,
            274_315_770.0,
            Some(98.39),
            None,
            None,
        ),
        ("", "- Belanja Hibah", 0.0, 0.0, None, None, None),
        (
            "2",
            "Belanja Modal",
            21_850_000.0,
            21_600_000.0,
            Some(98.86),
            Some("SUM(C8:C9)"),
            Some("SUM(D8:D9)"),
        ),
        (
            "",
            "- Belanja Modal Peralatan dan Mesin",
            21_850_000.0,
            21_600_000.0,
            Some(98.86),
            None,
            None,
        ),
        (
            "",
            "- Belanja Modal Gedung dan Bangunan",
            0.0,
            0.0,
            None,
            None,
            None,
        ),
        (
            "",
            "JUMLAH BELANJA",
            2_179_861_500.0,
            2_098_433_586.0,
            Some(96.26),
            Some("C3+C7"),
            Some("D3+D7"),
        ),
    ];
    for (i, (no, uraian, anggaran, realisasi, persen, fa, fr)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string_with_format(r, 0, *no, &text)?;
        ws.write_string_with_format(r, 1, *uraian, &text)?;
        match fa {
            Some(f) => ws.write_formula_with_format(
                r,
                2,
                Formula::new(*f).set_result(anggaran.to_string()),
                &money,
            )?,
            None => ws.write_number_with_format(r, 2, *anggaran, &money)?,
        };
        match fr {
            Some(f) => ws.write_formula_with_format(
                r,
                3,
                Formula::new(*f).set_result(realisasi.to_string()),
                &money,
            )?,
            None => ws.write_number_with_format(r, 3, *realisasi, &money)?,
        };
        match persen {
            Some(p) => ws.write_number_with_format(r, 4, *p, &pct)?,
            None => ws.write_string_with_format(r, 4, "-", &text)?,
        };
        ws.write_string_with_format(r, 5, "Final", &text)?;
    }
    ws.insert_note(
        3,
        4,
        &Note::new(
            "Catatan penyusun: persentase dari SIPD per 31 Desember 2024, cek ulang dengan BPKAD.",
        )
        .set_author("Penyusun"),
    )?;
    ws.add_data_validation(
        2,
        5,
        9,
        5,
        &DataValidation::new().allow_list_strings(&["Final", "Draft", "Revisi"])?,
    )?;
    ws.add_conditional_format(
        2,
        4,
        9,
        4,
        &ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::LessThan(90))
            .set_format(
                Format::new()
                    .set_font_color(0x9C0006)
                    .set_background_color(0xFFC7CE),
            ),
    )?;
    ws.write_url(
        11,
        1,
        Url::new("https://sipd.kemendagri.go.id/").set_text("Sumber: SIPD"),
    )?;
    ws.write_string(12, 1, "baris bantu (disembunyikan)")?;
    ws.set_row_hidden(12)?;
    ws.group_rows(3, 5)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_range_width(2, 3, 20)?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_repeat_rows(0, 1)?;
    ws.set_tab_color(0x00B050);
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_header("&CLampiran LKjIP Kecamatan Sukamaju 2024");
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_categories(("LRA", 3, 1, 5, 1))
        .set_values(("LRA", 3, 2, 5, 2))
        .set_name("Anggaran");
    chart
        .add_series()
        .set_categories(("LRA", 3, 1, 5, 1))
        .set_values(("LRA", 3, 3, 5, 3))
        .set_name("Realisasi");
    chart.title().set_name("Belanja Operasi 2024");
    ws.insert_chart(14, 1, &chart)?;
    ws.insert_image(14, 6, &Image::new_from_buffer(LOGO)?)?;

    let ws = wb.add_worksheet().set_name("Realisasi per Program")?;
    ws.write_string_with_format(
        0,
        0,
        "Tabel 3.4 Realisasi Anggaran per Program Tahun 2024",
        &title,
    )?;
    for (c, h) in [
        "No",
        "Program",
        "Pagu (Rp.)",
        "Realisasi (Rp.)",
        "% Realisasi",
        "Tingkat Capaian",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(1, c as u16, *h, &head)?;
    }
    let programs: [(&str, &str, f64, f64, f64); 3] = [
        (
            "1",
            "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
            2_037_432_000.0,
            1_958_245_686.0,
            96.11,
        ),
        (
            "2",
            "Program Penyelenggaraan Pemerintahan dan Pelayanan Publik",
            50_775_000.0,
            49_745_250.0,
            97.97,
        ),
        (
            "3",
            "Program Pemberdayaan Masyarakat Desa dan Kelurahan",
            91_654_500.0,
            90_442_650.0,
            98.68,
        ),
    ];
    for (i, (no, program, pagu, realisasi, persen)) in programs.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string_with_format(r, 0, *no, &text)?;
        ws.write_string_with_format(r, 1, *program, &text)?;
        ws.write_number_with_format(r, 2, *pagu, &money)?;
        ws.write_number_with_format(r, 3, *realisasi, &money)?;
        ws.write_number_with_format(r, 4, *persen, &pct)?;
        ws.write_string_with_format(r, 5, "Baik", &text)?;
    }
    ws.write_string_with_format(5, 1, "JUMLAH", &text)?;
    ws.write_number_with_format(5, 2, 2_179_861_500.0, &money)?;
    ws.write_number_with_format(5, 3, 2_098_433_586.0, &money)?;
    ws.write_number_with_format(5, 4, 96.26, &pct)?;
    ws.write_string_with_format(5, 5, "Baik", &text)?;
    ws.insert_note(
        5,
        2,
        &Note::new("Catatan penyusun: sama dengan LRA.").set_author("Penyusun"),
    )?;
    ws.add_data_validation(
        2,
        5,
        5,
        5,
        &DataValidation::new().allow_list_strings(&["Baik Sekali", "Baik", "Cukup", "Kurang"])?,
    )?;
    ws.add_conditional_format(
        2,
        4,
        5,
        4,
        &ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThan(100))
            .set_format(Format::new().set_bold()),
    )?;
    ws.write_url(7, 1, Url::new("internal:'LRA'!A1").set_text("Lihat LRA"))?;
    ws.set_column_width(1, 45)?;
    ws.set_column_range_width(2, 3, 20)?;
    ws.write_string(0, 7, "kolom bantu")?;
    ws.set_column_hidden(7)?;
    ws.group_columns(2, 3)?;
    ws.set_freeze_panes(2, 2)?;
    ws.set_repeat_rows(1, 1)?;
    ws.set_tab_color(0xFFC000);
    ws.set_portrait();
    ws.set_paper_size(9);
    ws.protect();
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_categories(("Realisasi per Program", 2, 0, 4, 0))
        .set_values(("Realisasi per Program", 2, 4, 4, 4))
        .set_name("% Realisasi");
    ws.insert_chart(9, 1, &chart)?;
    ws.insert_image(9, 6, &Image::new_from_buffer(LOGO)?)?;

    wb.define_name("Pagu", "=LRA!$C$10")?;
    Ok(wb)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data".into());
    let dir = Path::new(&dir);
    build(None)?.save(dir.join("lra-lengkap.xlsx"))?;
    // A placeholder VBA project: bytes only, no macro (never run; only carried over).
    let vba = std::env::temp_dir().join(format!("sakip-lint-vba-{}.bin", std::process::id()));
    std::fs::write(
        &vba,
        b"sakip-lint placeholder vbaProject.bin: no macro\x00\x01\x02",
    )?;
    let saved = build(Some(&vba)).and_then(|mut wb| wb.save(dir.join("lra-lengkap.xlsm")));
    let _ = std::fs::remove_file(&vba);
    saved?;
    Ok(())
}
