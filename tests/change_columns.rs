//! Change columns (issue 11, class 9) and multi-year tables (class 8).
//!
//! Change columns — "Kenaikan/Penurunan", "Perubahan", "Selisih" — between two years or
//! two versions of one measure are checked as later − earlier or as
//! (later − earlier) / earlier × 100, the one the header says, else the one the column's
//! figures fit (SL203). In a table with one column per year, each year's capaian is
//! computed from that year's target and realisasi only, and a year whose operands the
//! table does not hold is not checked.
//!
//! Each case is a small workbook written from inline text (as in tests/layouts.rs): a
//! clean version (no warning, no error) and single-fault versions (exactly one warning or
//! error, at the faulty cell). `CHANGE_KEEP=/some/dir` leaves every workbook built there.

mod common;
use common::*;
use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
use rust_decimal::Decimal;
use sakip_lint::finding::{Arg, Finding, Severity};
use std::path::Path;

/// Write `lampiran.xlsx` (one sheet "Lamp") with `fault` (cell, text) applied, and lint it.
fn lint_case(text: &str, fault: Option<(&str, &str)>) -> Vec<Finding> {
    let mut sheet =
        source::parse_sheet("Lamp", &tsv(text), Path::new("Lamp.tsv")).expect("sheet text");
    if let Some((cell, value)) = fault {
        sheet.set(cell, value).expect("fault cell");
    }
    let wb = SourceWorkbook {
        name: "lampiran".into(),
        sheets: vec![sheet],
    };
    let form = Form {
        numbers: NumberStyle::Plain,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lampiran.xlsx");
    source::write_xlsx(&wb, &form, &path).expect("write xlsx");
    if let Some(keep) = std::env::var_os("CHANGE_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).expect("keep dir");
        std::fs::copy(&path, keep.join(format!("{}.xlsx", test_name()))).expect("keep copy");
    }
    findings(dir.path())
}

fn listing(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| format!("  {} [{}]", key(f), f.severity.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn serious_of(fs: &[Finding]) -> Vec<&Finding> {
    fs.iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

fn assert_clean(text: &str) {
    let fs = lint_case(text, None);
    assert!(
        serious_of(&fs).is_empty(),
        "clean workbook raised warnings/errors:\n{}",
        listing(&fs)
    );
}

/// Exactly one warning or error, `code` at `cell`, with `expected` as its right value;
/// returns it.
fn assert_one(text: &str, fault: (&str, &str), code: &str, cell: &str, expected: &str) -> Finding {
    let fs = lint_case(text, Some(fault));
    let serious = serious_of(&fs);
    assert!(
        serious.len() == 1 && serious[0].code == code && serious[0].at.cell.to_string() == cell,
        "fault {} = {:?}: expected exactly one finding, {code} at {cell}; found:\n{}",
        fault.0,
        fault.1,
        listing(&fs)
    );
    let f = serious[0].clone();
    let want: Decimal = expected.replace(',', ".").parse().expect("expected value");
    let got = match &f.expected {
        Some(Arg::Num { value, .. }) => Some(*value),
        _ => None,
    };
    assert_eq!(got, Some(want), "the expected value of the finding");
    f
}

fn related_cells(f: &Finding) -> Vec<String> {
    f.related.iter().map(|r| r.at.cell.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Absolute change between two years (the header says neither % nor Rp)

const KENAIKAN_TAHUNAN: &str = r#"
Tabel 3.4 Perbandingan Realisasi Kinerja Tahun 2023 dengan Tahun 2024
No|Indikator Kinerja|Satuan|Realisasi 2023|Realisasi 2024|Kenaikan/Penurunan
1|Indeks Kepuasan Masyarakat|Indeks|82,15|84,02|1,87
2|Persentase lembaga kemasyarakatan desa yang aktif|%|70,50|73,68|3,18
3|Jumlah inovasi pelayanan publik|Inovasi|4|3|-1
4|Nilai SAKIP Kecamatan|Nilai|74,10|76,12|2,02
"#;

#[test]
fn kenaikan_absolut_clean() {
    assert_clean(KENAIKAN_TAHUNAN);
}

#[test]
fn kenaikan_absolut_fault() {
    let f = assert_one(KENAIKAN_TAHUNAN, ("F5", "-2"), "SL203", "F5", "-1");
    assert_eq!(related_cells(&f), ["D5", "E5"]);
}

// ---------------------------------------------------------------------------------------
// Percent change between two years, the header says "%"; a total row

const KENAIKAN_PERSEN: &str = r#"
Tabel 3.6 Perkembangan Realisasi Anggaran per Program
No|Program|Realisasi 2023 (Rp)|Realisasi 2024 (Rp)|Kenaikan (%)
1|Program Penunjang Urusan Pemerintahan Daerah|2000000000|2088129556|4,41
2|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|150000000|135500000|-9,67
3|Program Pemberdayaan Masyarakat Desa dan Kelurahan|80000000|92000000|15,00
|Jumlah|2230000000|2315629556|3,84
"#;

#[test]
fn kenaikan_persen_clean() {
    assert_clean(KENAIKAN_PERSEN);
}

#[test]
fn kenaikan_persen_fault() {
    let f = assert_one(KENAIKAN_PERSEN, ("E4", "-10,67"), "SL203", "E4", "-9,67");
    assert_eq!(related_cells(&f), ["C4", "D4"]);
}

/// The header says nothing; the other rows are percent changes, so is the expected value.
const PERUBAHAN_TANPA_SATUAN: &str = r#"
Tabel 3.7 Perkembangan Capaian Indikator
No|Indikator Kinerja|Realisasi 2023|Realisasi 2024|Perubahan
1|Jumlah pengaduan yang ditindaklanjuti|40|50|25,00
2|Jumlah desa yang difasilitasi|8|10|25,00
3|Jumlah kegiatan musrenbang|20|18|-10,00
4|Jumlah inovasi pelayanan publik|4|5|25,00
"#;

#[test]
fn perubahan_persen_menurut_baris_lain_clean() {
    assert_clean(PERUBAHAN_TANPA_SATUAN);
}

#[test]
fn perubahan_persen_menurut_baris_lain_fault() {
    // 2 is the absolute change of the row, but every other row is a percent change:
    // 2 is neither (18 − 20 = −2), and the expected value is the percent change.
    assert_one(
        PERUBAHAN_TANPA_SATUAN,
        ("E5", "-12,00"),
        "SL203",
        "E5",
        "-10,00",
    );
}

// ---------------------------------------------------------------------------------------
// Change between two versions (murni → perubahan)

const SELISIH_VERSI: &str = r#"
Tabel 2.3 Perubahan Target Kinerja Tahun 2024
No|Sasaran|Indikator Kinerja|Satuan|Target Murni|Target Perubahan|Selisih
1|Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|Indeks|85,00|86,50|1,50
2|Meningkatnya akuntabilitas kinerja|Nilai SAKIP Kecamatan|Nilai|80,00|80,00|0,00
3|Meningkatnya keberdayaan masyarakat|Jumlah desa yang difasilitasi|Desa|10|12|2
"#;

#[test]
fn selisih_versi_clean() {
    assert_clean(SELISIH_VERSI);
}

#[test]
fn selisih_versi_fault() {
    let f = assert_one(SELISIH_VERSI, ("G5", "3"), "SL203", "G5", "2");
    assert_eq!(related_cells(&f), ["E5", "F5"]);
}

// ---------------------------------------------------------------------------------------
// Multi-year tables: each year's capaian from that year's figures only

const DUA_TAHUN: &str = r#"
Tabel 3.2 Capaian Kinerja Tahun 2023 dan Tahun 2024
No|Indikator Kinerja|Target 2023|Realisasi 2023|Capaian 2023 (%)|Target 2024|Realisasi 2024|Capaian 2024 (%)
1|Indeks Kepuasan Masyarakat|85,00|82,15|96,65|86,50|88,74|102,59
2|Nilai SAKIP Kecamatan|78,00|74,10|95,00|80,00|76,12|95,15
3|Jumlah desa yang difasilitasi|10|9|90,00|12|8|66,67
"#;

#[test]
fn dua_tahun_clean() {
    assert_clean(DUA_TAHUN);
}

#[test]
fn dua_tahun_fault_capaian_2024() {
    let f = assert_one(DUA_TAHUN, ("H4", "95,51"), "SL201", "H4", "95,15");
    assert_eq!(related_cells(&f), ["G4", "F4"]);
}

/// 2023 has a realisasi and a capaian but no target: its capaian is not computed from
/// the 2024 target.
const DUA_TAHUN_TANPA_TARGET_2023: &str = r#"
Tabel 3.3 Capaian Kinerja Tahun 2023 dan Tahun 2024
No|Indikator Kinerja|Realisasi 2023|Capaian 2023 (%)|Target 2024|Realisasi 2024|Capaian 2024 (%)
1|Indeks Kepuasan Masyarakat|82,15|96,65|86,50|88,74|102,59
2|Nilai SAKIP Kecamatan|74,10|95,00|80,00|76,12|95,15
3|Jumlah desa yang difasilitasi|9|90,00|12|8|66,67
"#;

#[test]
fn dua_tahun_tanpa_target_2023_clean() {
    let fs = lint_case(DUA_TAHUN_TANPA_TARGET_2023, None);
    assert!(
        fs.iter().all(|f| !f.at.cell.to_string().starts_with('D')),
        "a finding about the 2023 capaian:\n{}",
        listing(&fs)
    );
    assert!(serious_of(&fs).is_empty(), "findings:\n{}", listing(&fs));
}

#[test]
fn dua_tahun_tanpa_target_2023_fault_2024() {
    assert_one(
        DUA_TAHUN_TANPA_TARGET_2023,
        ("G4", "66,67"),
        "SL201",
        "G4",
        "95,15",
    );
}

/// The same table under group headers ("Tahun 2023" over Target | Realisasi | Capaian).
const DUA_TAHUN_KELOMPOK: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:E2
#! merge F2:H2
Tabel 3.2 Capaian Kinerja Tahun 2023 dan Tahun 2024
No|Indikator Kinerja|Tahun 2023|||Tahun 2024||
||Target|Realisasi|Capaian (%)|Target|Realisasi|Capaian (%)
1|Indeks Kepuasan Masyarakat|85,00|82,15|96,65|86,50|88,74|102,59
2|Nilai SAKIP Kecamatan|78,00|74,10|95,00|80,00|76,12|95,15
3|Jumlah desa yang difasilitasi|10|9|90,00|12|8|66,67
"#;

#[test]
fn dua_tahun_kelompok_clean() {
    assert_clean(DUA_TAHUN_KELOMPOK);
}

#[test]
fn dua_tahun_kelompok_fault_capaian_2024() {
    assert_one(DUA_TAHUN_KELOMPOK, ("H5", "95,51"), "SL201", "H5", "95,15");
}

// ---------------------------------------------------------------------------------------
// What is not a change of one measure, or not a figure

/// A change of two percentages under "%": percentage points, as the other rows show.
const KENAIKAN_POIN: &str = r#"
Tabel 3.8 Perbandingan Capaian Kinerja
No|Indikator Kinerja|Capaian 2023 (%)|Capaian 2024 (%)|Kenaikan (%)
1|Indeks Kepuasan Masyarakat|96,65|102,59|5,94
2|Nilai SAKIP Kecamatan|95,00|95,15|0,15
3|Jumlah desa yang difasilitasi|90,00|66,67|-23,33
"#;

#[test]
fn kenaikan_poin_clean() {
    assert_clean(KENAIKAN_POIN);
}

#[test]
fn kenaikan_poin_fault() {
    assert_one(KENAIKAN_POIN, ("E5", "-20,00"), "SL203", "E5", "-23,33");
}

/// Words in the change column, and a "Selisih" between a target and a realisasi (two
/// measures, not two years of one): nothing to compute.
const BUKAN_PERUBAHAN: &str = r#"
Tabel 3.9 Realisasi Kinerja
No|Indikator Kinerja|Realisasi 2023|Realisasi 2024|Naik/Turun|Target 2024|Selisih
1|Indeks Kepuasan Masyarakat|82,15|84,02|Naik|86,50|7,00
2|Nilai SAKIP Kecamatan|74,10|76,12|Naik|80,00|3,50
3|Jumlah desa yang difasilitasi|9|8|Turun|12|1
"#;

#[test]
fn bukan_perubahan_clean() {
    let fs = lint_case(BUKAN_PERUBAHAN, None);
    assert!(
        fs.iter().all(|f| f.code != "SL203"),
        "a change finding:\n{}",
        listing(&fs)
    );
}

#[test]
fn dua_tahun_kelompok_fault_capaian_2023() {
    assert_one(DUA_TAHUN_KELOMPOK, ("E5", "85,00"), "SL201", "E5", "95,00");
}
