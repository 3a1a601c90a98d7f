//! Lampiran laid out the way hand-made workbooks are, and not the way the project's own
//! fixtures are: other sheet names, headers lower down or further right, other column
//! orders, one- to three-row headers (merged or typed once), rows of column numbers,
//! header word variants, split kode columns, stacked and page-split tables, numbers as
//! numbers, Indonesian text, English text and fractions with a % format.
//!
//! Every case is a small workbook written from inline text in the test. Each has a clean
//! version (no finding of severity warning or error) and one or more single-fault
//! versions (the expected rule at the expected cell). Nothing here may need code that
//! knows the layout: the tool recognises tables by their header words only.
//!
//! Inline sheet text: one line per row, cells separated by `|` (cells are trimmed); a blank
//! line is an empty row; `#!` lines are the generator's directives (merges); `¦` stands
//! for the `|` that separates a formula from its cached value; `¶` is a line break inside
//! a cell (Alt+Enter). It becomes the TSV of fixtures/README.md. A fault's text is set
//! as is (a formula there is written `=A1/B1|#DIV/0!`).
//!
//! `LAYOUTS_KEEP=/some/dir cargo test --test layouts` also leaves every workbook built in
//! `/some/dir/<test name>.xlsx`, for `sakip-lint tables` / `check`.

mod common;
use NumberStyle::{Fraction, Plain, Text};
use common::*;
use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::finding::{Finding, Severity};
use sakip_lint::rules::Rules;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// Helpers

fn form(numbers: NumberStyle) -> Form {
    Form {
        numbers,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    }
}

/// A fault: (sheet, cell, new text) applied to the source before writing.
type Fault<'a> = Option<(&'a str, &'a str, &'a str)>;

/// Write the workbook `lampiran.xlsx` into a fresh temporary folder and lint the folder.
fn lint_case(sheets: &[(&str, &str)], form: &Form, fault: Fault) -> Vec<Finding> {
    let mut wb = SourceWorkbook {
        name: "lampiran".into(),
        sheets: sheets
            .iter()
            .map(|(name, text)| {
                source::parse_sheet(name, &tsv(text), Path::new(&format!("{name}.tsv")))
                    .expect("sheet text parses")
            })
            .collect(),
    };
    for s in &mut wb.sheets {
        for cell in s.rows.iter_mut().flatten() {
            *cell = cell.replace('¶', "\n");
        }
    }
    if let Some((sheet, cell, value)) = fault {
        let s = wb
            .sheets
            .iter_mut()
            .find(|s| s.name == sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"));
        s.set(cell, value).expect("fault cell");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lampiran.xlsx");
    source::write_xlsx(&wb, form, &path).expect("write xlsx");
    if let Some(keep) = std::env::var_os("LAYOUTS_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).expect("keep dir");
        std::fs::copy(&path, keep.join(format!("{}.xlsx", test_name()))).expect("keep copy");
    }
    findings(dir.path())
}

fn describe(f: &Finding) -> String {
    let rules = Rules::embedded().expect("rules");
    let cat = Catalog::new(&rules, Lang::En);
    format!(
        "{} [{}] {}",
        key(f),
        f.severity.as_str(),
        cat.render(&f.message)
    )
}

fn listing(fs: &[Finding]) -> String {
    if fs.is_empty() {
        "  (no findings)".into()
    } else {
        fs.iter()
            .map(|f| format!("  {}", describe(f)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The clean version: no warning and no error anywhere.
fn assert_clean_form(sheets: &[(&str, &str)], form: &Form) {
    let fs = lint_case(sheets, form, None);
    let serious: Vec<Finding> = fs
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .cloned()
        .collect();
    assert!(
        serious.is_empty(),
        "clean workbook raised warnings/errors:\n{}\nall findings:\n{}",
        listing(&serious),
        listing(&fs)
    );
}

fn assert_clean(sheets: &[(&str, &str)], numbers: NumberStyle) {
    assert_clean_form(sheets, &form(numbers));
}

/// The single-fault version: `code` reported at `sheet!cell` (one of `cells`).
fn assert_finds_form(
    sheets: &[(&str, &str)],
    form: &Form,
    fault: (&str, &str, &str),
    code: &str,
    sheet: &str,
    cells: &[&str],
) {
    let fs = lint_case(sheets, form, Some(fault));
    let hit = fs.iter().any(|f| {
        f.code == code && f.at.sheet == sheet && cells.contains(&f.at.cell.to_string().as_str())
    });
    assert!(
        hit,
        "fault {}!{} = {:?}: expected {code} at {sheet}!{}; found:\n{}",
        fault.0,
        fault.1,
        fault.2,
        cells.join(" or "),
        listing(&fs)
    );
}

fn assert_finds(
    sheets: &[(&str, &str)],
    numbers: NumberStyle,
    fault: (&str, &str, &str),
    code: &str,
    cell: &str,
) {
    assert_finds_form(sheets, &form(numbers), fault, code, fault.0, &[cell]);
}

// ---------------------------------------------------------------------------------------
// Population tables (SL104 L + P = Jumlah, SL101 totals)

/// Kop rows, a blank row, a caption; Perempuan before Laki-laki; TOTAL merged over the
/// No and Desa columns.
const PENDUDUK_P_DULU: &str = r#"
#! merge A10:B10
PEMERINTAH KABUPATEN TANJUNG HARAPAN
KECAMATAN SUKAMAJU

Tabel 2.1 Jumlah Penduduk Menurut Jenis Kelamin Tahun 2024
No|Desa|Perempuan|Laki-laki|Jumlah
1|Sukamaju|2389|2417|4806
2|Sukamulya|1907|1862|3769
3|Cibeureum|1298|1345|2643
4|Mekarsari|2011|2036|4047
TOTAL||7605|7660|15265
"#;

#[test]
fn penduduk_perempuan_dulu_clean() {
    assert_clean(&[("Lamp 2", PENDUDUK_P_DULU)], Plain);
}

#[test]
fn penduduk_perempuan_dulu_fault_jumlah() {
    assert_finds(
        &[("Lamp 2", PENDUDUK_P_DULU)],
        Plain,
        ("Lamp 2", "E7", "3779"),
        "SL104",
        "E7",
    );
}

/// Header at column C under a caption and a blank row; "Jml | L | P" with the Jumlah
/// first; the total row's label in the second column.
const PENDUDUK_JML_DULU: &str = r#"
||DATA PENDUDUK PER KELURAHAN TAHUN 2024

||No|Kelurahan|Jml|L|P
||1|Kauman|3120|1544|1576
||2|Pajajaran|2875|1430|1445
||3|Sukasari|1988|1001|987
|||Jumlah|7983|3975|4008
"#;

#[test]
fn penduduk_jml_dulu_kolom_c_clean() {
    assert_clean(&[("Sheet3", PENDUDUK_JML_DULU)], Plain);
}

#[test]
fn penduduk_jml_dulu_kolom_c_fault_l() {
    // A wrong L breaks its row's Jml (E5) and the L total (F7): one finding, at the
    // wrong cell itself, both relations folded into it.
    assert_finds(
        &[("Sheet3", PENDUDUK_JML_DULU)],
        Plain,
        ("Sheet3", "F5", "1403"),
        "SL101",
        "F5",
    );
}

#[test]
fn penduduk_jml_dulu_kolom_c_fault_total() {
    assert_finds(
        &[("Sheet3", PENDUDUK_JML_DULU)],
        Plain,
        ("Sheet3", "G7", "4080"),
        "SL101",
        "G7",
    );
}

/// Upper-case header words, thousands dots, the total's label "JUMLAH" in column B.
const PENDUDUK_TOTAL_KOLOM_B: &str = r#"
Tabel 1.2 Penduduk Kecamatan Cibodas
NO|DESA/KELURAHAN|LAKI-LAKI|PEREMPUAN|JUMLAH
1|Cibodas|1.204|1.187|2.391
2|Cikole|986|1.012|1.998
3|Jayagiri|1.530|1.498|3.028
|JUMLAH|3.720|3.697|7.417
"#;

#[test]
fn penduduk_total_kolom_b_clean() {
    assert_clean(&[("BAB II", PENDUDUK_TOTAL_KOLOM_B)], Plain);
}

#[test]
fn penduduk_total_kolom_b_fault_total() {
    assert_finds(
        &[("BAB II", PENDUDUK_TOTAL_KOLOM_B)],
        Plain,
        ("BAB II", "D6", "3.797"),
        "SL101",
        "D6",
    );
}

/// "No. | Nama Desa | L | P | Jml" with a row "(1) (2) (3) (4) (5)" under the header.
const PENDUDUK_NOMOR_KURUNG: &str = r#"
Tabel 2.3 Jumlah Penduduk per Desa
No.|Nama Desa|L|P|Jml
(1)|(2)|(3)|(4)|(5)
1|Ciater|812|797|1609
2|Palasari|655|671|1326
3|Nagrak|1.021|1.003|2.024
Jumlah||2.488|2.471|4.959
"#;

#[test]
fn penduduk_nomor_kolom_kurung_clean() {
    assert_clean(&[("Lamp 1", PENDUDUK_NOMOR_KURUNG)], Plain);
}

#[test]
fn penduduk_nomor_kolom_kurung_fault() {
    assert_finds(
        &[("Lamp 1", PENDUDUK_NOMOR_KURUNG)],
        Plain,
        ("Lamp 1", "E5", "1.336"),
        "SL104",
        "E5",
    );
}

/// Two-row header: "Jenis Kelamin" merged over "Laki-laki | Perempuan", a row of column
/// numbers -1 -2 -3 … under it.
const PENDUDUK_JENIS_KELAMIN: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:D2
#! merge E2:E3
Tabel 1.1 Jumlah Penduduk Menurut Jenis Kelamin
No|Desa|Jenis Kelamin||Jumlah
||Laki-laki|Perempuan|
-1|-2|-3|-4|-5
1|Sukamaju|2417|2389|4806
2|Sukamulya|1862|1907|3769
3|Cibeureum|1345|1298|2643
Jumlah||5624|5594|11218
"#;

#[test]
fn penduduk_jenis_kelamin_bergabung_clean() {
    assert_clean(&[("Lamp 1", PENDUDUK_JENIS_KELAMIN)], Plain);
}

#[test]
fn penduduk_jenis_kelamin_bergabung_fault() {
    assert_finds(
        &[("Lamp 1", PENDUDUK_JENIS_KELAMIN)],
        Plain,
        ("Lamp 1", "E6", "3796"),
        "SL104",
        "E6",
    );
}

/// Pegawai by golongan: "L | P | Total", a long letterhead (header in row 9), the caption
/// separated from the header by a blank row, the total's label in column B.
const PEGAWAI_TOTAL: &str = r#"
PEMERINTAH KABUPATEN TANJUNG HARAPAN
KECAMATAN SUKAMAJU
Jalan Raya Sukamaju No. 12 Telp. (0321) 555 123

LAMPIRAN II
LAPORAN KINERJA INSTANSI PEMERINTAH TAHUN 2024
Tabel 2.2 Jumlah Pegawai Menurut Golongan

No|Golongan|L|P|Total
1|Golongan IV|3|1|4
2|Golongan III|6|7|13
3|Golongan II|2|1|3
4|Non ASN|3|2|5
|Jumlah|14|11|25
"#;

#[test]
fn pegawai_header_baris_9_clean() {
    assert_clean(&[("Sheet1", PEGAWAI_TOTAL)], Plain);
}

#[test]
fn pegawai_header_baris_9_fault() {
    assert_finds(
        &[("Sheet1", PEGAWAI_TOTAL)],
        Plain,
        ("Sheet1", "E11", "12"),
        "SL104",
        "E11",
    );
}

#[test]
fn pegawai_header_baris_9_fault_total() {
    assert_finds(
        &[("Sheet1", PEGAWAI_TOTAL)],
        Plain,
        ("Sheet1", "D14", "12"),
        "SL101",
        "D14",
    );
}

// ---------------------------------------------------------------------------------------
// LRA (SL202 %, SL102 parents, SL101 totals)

/// Title rows then the header; the "%" column before the Realisasi column; `- ` items.
const LRA_PERSEN_DULU: &str = r#"
LAPORAN REALISASI ANGGARAN
TAHUN ANGGARAN 2024

No|Uraian|Anggaran (Rp)|%|Realisasi (Rp)
1|Belanja Operasi|2.158.011.500,00|96,24|2.076.833.586,00
|- Belanja Pegawai|1.879.204.000,00|95,92|1.802.517.816,00
|- Belanja Barang dan Jasa|278.807.500,00|98,39|274.315.770,00
2|Belanja Modal|21.850.000,00|98,86|21.600.000,00
|- Belanja Modal Peralatan dan Mesin|21.850.000,00|98,86|21.600.000,00
|JUMLAH BELANJA|2.179.861.500,00|96,26|2.098.433.586,00
"#;

#[test]
fn lra_persen_sebelum_realisasi_clean() {
    assert_clean(&[("Sheet2", LRA_PERSEN_DULU)], Plain);
}

#[test]
fn lra_persen_sebelum_realisasi_fault_persen() {
    assert_finds(
        &[("Sheet2", LRA_PERSEN_DULU)],
        Plain,
        ("Sheet2", "D7", "93,98"),
        "SL202",
        "D7",
    );
}

#[test]
fn lra_persen_sebelum_realisasi_fault_parent() {
    assert_finds(
        &[("Sheet2", LRA_PERSEN_DULU)],
        Plain,
        ("Sheet2", "E5", "2.076.383.586,00"),
        "SL102",
        "E5",
    );
}

#[test]
fn lra_persen_sebelum_realisasi_fault_div0() {
    assert_finds(
        &[("Sheet2", LRA_PERSEN_DULU)],
        Plain,
        ("Sheet2", "D7", "=E7/C7*100|#DIV/0!"),
        "SL502",
        "D7",
    );
}

/// Kode rekening hierarchy (5 → 5.1 → 5.1.01), every cell text as pasted from Word:
/// "Rp. 2.179.861.500,00", "96,26 %".
const LRA_REKENING_RP: &str = r#"
Tabel 3.3 Laporan Realisasi Anggaran Tahun 2024
Kode Rekening|Uraian|Anggaran (Rp)|Realisasi (Rp)|Capaian (%)
5|BELANJA DAERAH|Rp. 2.179.861.500,00|Rp. 2.098.433.586,00|96,26 %
5.1|Belanja Operasi|Rp. 2.158.011.500,00|Rp. 2.076.833.586,00|96,24 %
5.1.01|Belanja Pegawai|Rp. 1.879.204.000,00|Rp. 1.802.517.816,00|95,92 %
5.1.02|Belanja Barang dan Jasa|Rp. 278.807.500,00|Rp. 274.315.770,00|98,39 %
5.2|Belanja Modal|Rp. 21.850.000,00|Rp. 21.600.000,00|98,86 %
5.2.02|Belanja Modal Peralatan dan Mesin|Rp. 21.850.000,00|Rp. 21.600.000,00|98,86 %
"#;

#[test]
fn lra_kode_rekening_teks_rp_clean() {
    assert_clean(&[("LRA", LRA_REKENING_RP)], Text);
}

#[test]
fn lra_kode_rekening_teks_rp_fault_parent() {
    assert_finds(
        &[("LRA", LRA_REKENING_RP)],
        Text,
        ("LRA", "C4", "Rp. 2.158.101.500,00"),
        "SL102",
        "C4",
    );
}

#[test]
fn lra_kode_rekening_teks_rp_fault_persen() {
    assert_finds(
        &[("LRA", LRA_REKENING_RP)],
        Text,
        ("LRA", "E5", "98,93 %"),
        "SL202",
        "E5",
    );
}

/// English-formatted number text ("2,158,011,500.00", "96.24"); "Pagu Anggaran |
/// Realisasi | Persentase".
const LRA_INGGRIS: &str = r#"
Tabel 3.3 Realisasi Anggaran Tahun 2024
No|Uraian|Pagu Anggaran|Realisasi|Persentase
1|Belanja Operasi|2,158,011,500.00|2,076,833,586.00|96.24
|- Belanja Pegawai|1,879,204,000.00|1,802,517,816.00|95.92
|- Belanja Barang dan Jasa|278,807,500.00|274,315,770.00|98.39
2|Belanja Modal|21,850,000.00|21,600,000.00|98.86
|- Belanja Modal Peralatan dan Mesin|21,850,000.00|21,600,000.00|98.86
|Jumlah|2,179,861,500.00|2,098,433,586.00|96.26
"#;

#[test]
fn lra_teks_inggris_clean() {
    assert_clean(&[("Lamp 3", LRA_INGGRIS)], Text);
}

#[test]
fn lra_teks_inggris_fault_parent() {
    assert_finds(
        &[("Lamp 3", LRA_INGGRIS)],
        Text,
        ("Lamp 3", "D3", "2,076,883,586.00"),
        "SL102",
        "D3",
    );
}

#[test]
fn lra_teks_inggris_fault_persen() {
    assert_finds(
        &[("Lamp 3", LRA_INGGRIS)],
        Text,
        ("Lamp 3", "E6", "98.68"),
        "SL202",
        "E6",
    );
}

/// Program/kegiatan by kode, percentages stored as fractions with a % format.
const LRA_PECAHAN: &str = r#"
Tabel 3.4 Realisasi Anggaran per Program dan Kegiatan
Kode|Program / Kegiatan|Pagu (Rp)|Realisasi (Rp)|% Realisasi
7.01.02|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|50.775.000,00|49.745.250,00|97,97%
7.01.02.2.01|Pelaksanaan Urusan Pemerintahan yang Dilimpahkan kepada Camat|50.775.000,00|49.745.250,00|97,97%
7.01.03|Program Pemberdayaan Masyarakat Desa dan Kelurahan|91.654.500,00|90.442.650,00|98,68%
7.01.03.2.01|Peningkatan Partisipasi Masyarakat dalam Forum Musyawarah Perencanaan Pembangunan di Desa|38.549.500,00|38.193.900,00|99,08%
7.01.03.2.02|Pemberdayaan Lembaga Kemasyarakatan Desa|53.105.000,00|52.248.750,00|98,39%
"#;

#[test]
fn lra_persen_pecahan_clean() {
    assert_clean(&[("Lamp 4", LRA_PECAHAN)], Fraction);
}

#[test]
fn lra_persen_pecahan_fault_persen() {
    assert_finds(
        &[("Lamp 4", LRA_PECAHAN)],
        Fraction,
        ("Lamp 4", "E7", "99,39%"),
        "SL202",
        "E7",
    );
}

#[test]
fn lra_persen_pecahan_fault_parent() {
    assert_finds(
        &[("Lamp 4", LRA_PECAHAN)],
        Fraction,
        ("Lamp 4", "C5", "91.645.500,00"),
        "SL102",
        "C5",
    );
}

/// Group headings A/B without figures, numbered items, a Sub Total per group and a
/// grand total "JUMLAH TOTAL".
const LRA_SUBTOTAL: &str = r#"
Tabel 3.5 Realisasi Belanja Menurut Jenis Belanja
No|Uraian|Anggaran|Realisasi|%
A|BELANJA OPERASI|||
1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
|Sub Total|2.158.011.500|2.076.833.586|96,24
B|BELANJA MODAL|||
1|Belanja Modal Peralatan dan Mesin|21.850.000|21.600.000|98,86
2|Belanja Modal Gedung dan Bangunan|0|0|-
|Sub Total|21.850.000|21.600.000|98,86
|JUMLAH TOTAL|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_subtotal_dan_total_clean() {
    assert_clean(&[("Lamp 3", LRA_SUBTOTAL)], Plain);
}

#[test]
fn lra_subtotal_dan_total_fault_subtotal() {
    assert_finds(
        &[("Lamp 3", LRA_SUBTOTAL)],
        Plain,
        ("Lamp 3", "C6", "2.158.101.500"),
        "SL101",
        "C6",
    );
}

#[test]
fn lra_subtotal_dan_total_fault_grand_total() {
    assert_finds(
        &[("Lamp 3", LRA_SUBTOTAL)],
        Plain,
        ("Lamp 3", "C11", "2.179.816.500"),
        "SL101",
        "C11",
    );
}

/// Two tables stacked in one sheet, each under its caption, one blank row between.
const BAB_III_BERTUMPUK: &str = r#"
Tabel 3.1 Sumber Daya Anggaran
No|Uraian|Anggaran (Rp)
1|Belanja Operasi|2.158.011.500,00
|- Belanja Pegawai|1.879.204.000,00
|- Belanja Barang dan Jasa|278.807.500,00
2|Belanja Modal|21.850.000,00
|Jumlah|2.179.861.500,00

Tabel 3.2 Realisasi Anggaran per Program
No|Program|Pagu Anggaran|Realisasi Anggaran (Rp)|% Capaian
1|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|2.037.432.000,00|1.958.245.686,00|96,11
2|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|50.775.000,00|49.745.250,00|97,97
3|Program Pemberdayaan Masyarakat Desa dan Kelurahan|91.654.500,00|90.442.650,00|98,68
|Jumlah|2.179.861.500,00|2.098.433.586,00|96,26
"#;

#[test]
fn dua_tabel_bertumpuk_clean() {
    assert_clean(&[("BAB III", BAB_III_BERTUMPUK)], Plain);
}

#[test]
fn dua_tabel_bertumpuk_fault_tabel_atas() {
    assert_finds(
        &[("BAB III", BAB_III_BERTUMPUK)],
        Plain,
        ("BAB III", "C7", "2.179.816.500,00"),
        "SL101",
        "C7",
    );
}

#[test]
fn dua_tabel_bertumpuk_fault_tabel_bawah() {
    assert_finds(
        &[("BAB III", BAB_III_BERTUMPUK)],
        Plain,
        ("BAB III", "E12", "97,79"),
        "SL202",
        "E12",
    );
}

/// One table split over two printed pages: the header and its column numbers repeated,
/// the JUMLAH at the end sums both pages.
const TERBAGI_DUA_HALAMAN: &str = r#"
Tabel 3.6 Realisasi Anggaran per Sub Kegiatan Tahun 2024
No|Sub Kegiatan|Pagu (Rp)|Realisasi (Rp)|%
1|2|3|4|5
1|Penyusunan Dokumen Perencanaan Perangkat Daerah|13.987.500|13.640.000|97,52
2|Evaluasi Kinerja Perangkat Daerah|9.250.000|8.912.300|96,35
3|Penyediaan Gaji dan Tunjangan ASN|1.879.204.000|1.802.517.816|95,92
4|Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD|6.500.000|6.500.000|100,00
No|Sub Kegiatan|Pagu (Rp)|Realisasi (Rp)|%
1|2|3|4|5
5|Penyediaan Peralatan dan Perlengkapan Kantor|48.615.500|47.902.150|98,53
6|Penyediaan Bahan Logistik Kantor|31.275.000|30.888.420|98,76
7|Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD|33.150.000|32.765.000|98,84
|JUMLAH|2.021.982.000|1.943.125.686|96,10
"#;

#[test]
fn tabel_terbagi_dua_halaman_clean() {
    assert_clean(&[("Lamp 4", TERBAGI_DUA_HALAMAN)], Plain);
}

#[test]
fn tabel_terbagi_dua_halaman_fault() {
    assert_finds(
        &[("Lamp 4", TERBAGI_DUA_HALAMAN)],
        Plain,
        ("Lamp 4", "C13", "2.021.892.000"),
        "SL101",
        "C13",
    );
}

/// An LRA at column C, text as pasted, title rows added by the generator and the sheet
/// named "Sheet1"; the malformed figure of the seed.
const LRA_KOLOM_C: &str = r#"
||No|Uraian|Anggaran (Rp)|Realisasi (Rp)|%
||1|Belanja Pegawai|1.879.204.000,00|1.802.517.816,00|95,92
||2|Belanja Barang dan Jasa|278.807.500,00|274.315.770,00|98,39
||3|Belanja Modal|21.850.000,00|21.600.000,00|98,86
|||Jumlah|2.179.861.500,00|2.098.433.586,00|96,26
"#;

fn titled_text() -> Form {
    Form {
        numbers: Text,
        title_rows: vec![
            "LAMPIRAN III".into(),
            "REALISASI ANGGARAN KECAMATAN SUKAMAJU TAHUN 2024".into(),
        ],
        generic_sheet_names: true,
    }
}

#[test]
fn lra_kolom_c_berjudul_clean() {
    assert_clean_form(&[("LRA", LRA_KOLOM_C)], &titled_text());
}

#[test]
fn lra_kolom_c_berjudul_fault_malformed() {
    // Source row 5 is sheet row 8 under the two title rows and their blank row.
    assert_finds_form(
        &[("LRA", LRA_KOLOM_C)],
        &titled_text(),
        ("LRA", "F5", "2.098.433.586,00,00"),
        "SL501",
        "Sheet1",
        &["F8"],
    );
}

#[test]
fn lra_kolom_c_berjudul_fault_total() {
    assert_finds_form(
        &[("LRA", LRA_KOLOM_C)],
        &titled_text(),
        ("LRA", "E5", "2.179.816.500,00"),
        "SL101",
        "Sheet1",
        &["E8"],
    );
}

// ---------------------------------------------------------------------------------------
// Capaian and predikat (SL201, SL301, SL302)

/// REALISASI before TARGET, a Satuan column, the default scale (none stated).
const CAPAIAN_REALISASI_DULU: &str = r#"
Tabel 3.1 Capaian Kinerja Tahun 2024
No|Indikator Kinerja|Satuan|Realisasi|Target|Capaian (%)|Predikat
1|Indeks Kepuasan Masyarakat|Indeks|88,74|86,50|102,59|Baik Sekali
2|Persentase lembaga kemasyarakatan desa yang aktif|%|73,68|75,00|98,24|Baik
3|Jumlah desa yang difasilitasi|Desa|8|12|66,67|Cukup
4|Jumlah inovasi pelayanan publik|Inovasi|1|3|33,33|Kurang
"#;

#[test]
fn capaian_realisasi_sebelum_target_clean() {
    assert_clean(&[("Sheet1", CAPAIAN_REALISASI_DULU)], Plain);
}

#[test]
fn capaian_realisasi_sebelum_target_fault_predikat() {
    assert_finds(
        &[("Sheet1", CAPAIAN_REALISASI_DULU)],
        Plain,
        ("Sheet1", "G4", "Baik Sekali"),
        "SL301",
        "G4",
    );
}

#[test]
fn capaian_realisasi_sebelum_target_fault_capaian() {
    assert_finds(
        &[("Sheet1", CAPAIAN_REALISASI_DULU)],
        Plain,
        ("Sheet1", "F5", "76,67"),
        "SL201",
        "F5",
    );
}

/// PREDIKAT before "% Capaian"; a scale of its own stated below the table in the same
/// sheet (95,15 is "Sangat Baik" here, "Baik" under the default scale).
const PREDIKAT_DULU_SKALA_BAWAH: &str = r#"
Tabel 3.2 Pengukuran Kinerja Sasaran
No|Sasaran Strategis|Indikator Kinerja|Target|Realisasi|Predikat|% Capaian
1|Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|86,50|88,74|Sangat Baik|102,59
2|Meningkatnya akuntabilitas kinerja|Nilai SAKIP Kecamatan|80,00|76,12|Sangat Baik|95,15
3|Meningkatnya keberdayaan masyarakat|Persentase lembaga kemasyarakatan desa yang aktif|90|73,68|Baik|81,87
4|Meningkatnya kualitas perencanaan|Persentase dokumen perencanaan tepat waktu|100|70|Cukup|70,00

Keterangan :
No|Rentang Capaian|Predikat
1|Lebih dari 90 %|Sangat Baik
2|75 % s.d 90 %|Baik
3|60 % s.d kurang dari 75 %|Cukup
4|Kurang dari 60 %|Kurang
"#;

#[test]
fn predikat_sebelum_capaian_skala_sendiri_clean() {
    assert_clean(&[("Lamp 5", PREDIKAT_DULU_SKALA_BAWAH)], Plain);
}

#[test]
fn predikat_sebelum_capaian_skala_sendiri_fault_predikat() {
    assert_finds(
        &[("Lamp 5", PREDIKAT_DULU_SKALA_BAWAH)],
        Plain,
        ("Lamp 5", "F4", "Baik"),
        "SL301",
        "F4",
    );
}

#[test]
fn predikat_sebelum_capaian_skala_sendiri_fault_capaian() {
    assert_finds(
        &[("Lamp 5", PREDIKAT_DULU_SKALA_BAWAH)],
        Plain,
        ("Lamp 5", "G5", "81,78"),
        "SL201",
        "G5",
    );
}

/// The same scale with a hole at exactly 90 % ("Lebih dari 90 %" over "75 % s.d kurang
/// dari 90 %"), the kind of hole the seed has at 100 %; either band may carry the finding.
#[test]
fn predikat_skala_sendiri_fault_lubang() {
    let sheets = [("Lamp 5", PREDIKAT_DULU_SKALA_BAWAH)];
    assert_finds_form(
        &sheets,
        &form(Plain),
        ("Lamp 5", "B11", "75 % s.d kurang dari 90 %"),
        "SL302",
        "Lamp 5",
        &["B10", "B11"],
    );
}

/// Header starting at column B under an empty first row; every figure text with " %";
/// "Persentase Capaian" and "Kategori".
const CAPAIAN_TEKS_PERSEN: &str = r#"

|No|Indikator|Target|Realisasi|Persentase Capaian|Kategori
|1|Persentase permohonan layanan diselesaikan tepat waktu|95 %|96,85 %|101,95 %|Baik Sekali
|2|Persentase desa yang melaksanakan musrenbang tepat waktu|90 %|91,67 %|101,86 %|Baik Sekali
|3|Persentase pegawai yang mengikuti diklat|100 %|83,33 %|83,33 %|Baik
"#;

#[test]
fn capaian_teks_persen_kategori_clean() {
    assert_clean(&[("Sheet2", CAPAIAN_TEKS_PERSEN)], Text);
}

#[test]
fn capaian_teks_persen_kategori_fault_capaian() {
    assert_finds(
        &[("Sheet2", CAPAIAN_TEKS_PERSEN)],
        Text,
        ("Sheet2", "F4", "101,68 %"),
        "SL201",
        "F4",
    );
}

#[test]
fn capaian_teks_persen_kategori_fault_kategori() {
    assert_finds(
        &[("Sheet2", CAPAIAN_TEKS_PERSEN)],
        Text,
        ("Sheet2", "G5", "Cukup"),
        "SL301",
        "G5",
    );
}

/// Two-row header, the group "Tahun 2024" typed once above "Target | Realisasi" (not
/// merged), "Capaian (%)" and "Predikat" alone in the upper row.
const DUA_BARIS_TIDAK_DIGABUNG: &str = r#"
Tabel 3.3 Capaian Indikator Kinerja Utama
No|Indikator Kinerja Utama|Tahun 2024||Capaian (%)|Predikat
||Target|Realisasi||
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|Baik Sekali
2|Nilai SAKIP Kecamatan|78,00|79,46|101,87|Baik Sekali
3|Indeks Profesionalitas ASN|82,00|76,10|92,80|Baik
"#;

#[test]
fn capaian_header_dua_baris_tidak_digabung_clean() {
    assert_clean(&[("Sheet1", DUA_BARIS_TIDAK_DIGABUNG)], Plain);
}

#[test]
fn capaian_header_dua_baris_tidak_digabung_fault() {
    assert_finds(
        &[("Sheet1", DUA_BARIS_TIDAK_DIGABUNG)],
        Plain,
        ("Sheet1", "E6", "98,20"),
        "SL201",
        "E6",
    );
}

/// The same two-row header, merged as Excel users do it.
const DUA_BARIS_DIGABUNG: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:D2
#! merge E2:E3
#! merge F2:F3
Tabel 3.3 Capaian Indikator Kinerja Utama
No|Indikator Kinerja Utama|Tahun 2024||Capaian (%)|Predikat
||Target|Realisasi||
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|Baik Sekali
2|Nilai SAKIP Kecamatan|78,00|79,46|101,87|Baik Sekali
3|Indeks Profesionalitas ASN|82,00|76,10|92,80|Baik
"#;

#[test]
fn capaian_header_dua_baris_digabung_clean() {
    assert_clean(&[("Sheet1", DUA_BARIS_DIGABUNG)], Plain);
}

#[test]
fn capaian_header_dua_baris_digabung_fault() {
    assert_finds(
        &[("Sheet1", DUA_BARIS_DIGABUNG)],
        Plain,
        ("Sheet1", "E6", "98,20"),
        "SL201",
        "E6",
    );
}

#[test]
fn capaian_header_dua_baris_digabung_fault_predikat() {
    assert_finds(
        &[("Sheet1", DUA_BARIS_DIGABUNG)],
        Plain,
        ("Sheet1", "F6", "Cukup"),
        "SL301",
        "F6",
    );
}

/// Lower-is-better indicators (rules/indicators.toml): capaian = (2t − r) / t × 100.
const CAPAIAN_NEGATIF: &str = r#"
Tabel 3.4 Capaian Indikator Kinerja Tahun 2024
No|Indikator Kinerja|Satuan|Target|Realisasi|Capaian|Predikat
1|Persentase pengaduan masyarakat yang belum terselesaikan|%|10,00|8,00|120,00|Baik Sekali
2|Persentase layanan administrasi yang diselesaikan tepat waktu|%|95,00|96,85|101,95|Baik Sekali
3|Angka kematian ibu melahirkan|kasus|2|2|100,00|Baik
"#;

#[test]
fn capaian_indikator_negatif_clean() {
    assert_clean(&[("Lamp 6", CAPAIAN_NEGATIF)], Plain);
}

#[test]
fn capaian_indikator_negatif_fault() {
    // 8 / 10 × 100: the capaian of a higher-is-better indicator, wrong here.
    assert_finds(
        &[("Lamp 6", CAPAIAN_NEGATIF)],
        Plain,
        ("Lamp 6", "F3", "80,00"),
        "SL201",
        "F3",
    );
}

/// Percent figures stored as fractions with a % format (Excel, Indonesian locale).
const CAPAIAN_PECAHAN: &str = r#"
PENGUKURAN KINERJA TAHUN 2024

No|Sasaran|Indikator Kinerja|Target|Realisasi|Capaian|Predikat
1|Terselenggaranya layanan administrasi|Persentase permohonan layanan yang diselesaikan tepat waktu|95%|96,85%|101,95%|Baik Sekali
2|Meningkatnya keberdayaan lembaga|Persentase lembaga kemasyarakatan desa yang aktif|75%|73,68%|98,24%|Baik
3|Meningkatnya kualitas perencanaan|Persentase dokumen perencanaan tepat waktu|100%|70%|70,00%|Cukup
"#;

#[test]
fn capaian_pecahan_clean() {
    assert_clean(&[("Sheet4", CAPAIAN_PECAHAN)], Fraction);
}

#[test]
fn capaian_pecahan_fault_capaian() {
    assert_finds(
        &[("Sheet4", CAPAIAN_PECAHAN)],
        Fraction,
        ("Sheet4", "F5", "98,42%"),
        "SL201",
        "F5",
    );
}

#[test]
fn capaian_pecahan_fault_predikat() {
    assert_finds(
        &[("Sheet4", CAPAIAN_PECAHAN)],
        Fraction,
        ("Sheet4", "G6", "Baik"),
        "SL301",
        "G6",
    );
}

/// A score table with "Mutu Pelayanan" labels and the IKM scale stated below it.
const IKM_UNSUR: &str = r#"
Tabel 3.7 Nilai IKM per Unsur Pelayanan
No|Unsur Pelayanan|Nilai Unsur|Mutu Pelayanan
1|Persyaratan|89,25|A
2|Prosedur|87,50|B
3|Waktu Pelayanan|85,00|B
4|Biaya/Tarif|92,75|A

Keterangan :
No|Nilai Interval Konversi|Mutu Pelayanan
1|25,00 - 64,99|D
2|65,00 - 76,60|C
3|76,61 - 88,30|B
4|88,31 - 100,00|A
"#;

#[test]
fn ikm_unsur_mutu_pelayanan_clean() {
    assert_clean(&[("Lamp 7", IKM_UNSUR)], Plain);
}

#[test]
fn ikm_unsur_mutu_pelayanan_fault() {
    assert_finds(
        &[("Lamp 7", IKM_UNSUR)],
        Plain,
        ("Lamp 7", "D4", "A"),
        "SL301",
        "D4",
    );
}

// ---------------------------------------------------------------------------------------
// Pengukuran with program / kegiatan / sub kegiatan numbered I / A / 1

const PENGUKURAN_ROMAWI: &str = r#"
Tabel 3.8 Pengukuran Kinerja Program dan Kegiatan Tahun 2024
No|Program / Kegiatan / Sub Kegiatan|Indikator Kinerja|Target|Realisasi|% Capaian|Anggaran (Rp)|Realisasi Anggaran (Rp)|Penyerapan (%)
I|Program Pemberdayaan Masyarakat Desa dan Kelurahan|Persentase lembaga kemasyarakatan desa yang aktif|75|73,68|98,24|91.654.500|90.442.650|98,68
A|Peningkatan Partisipasi Masyarakat dalam Musrenbang Desa|Persentase desa yang melaksanakan musrenbang desa tepat waktu|90|91,67|101,86|38.549.500|38.193.900|99,08
1|Fasilitasi Penyelenggaraan Musrenbang Desa|Jumlah desa yang difasilitasi|12|12|100,00|22.137.500|21.985.000|99,31
2|Fasilitasi Sinkronisasi Perencanaan Desa|Jumlah dokumen RKP Desa yang disinkronkan|12|11|91,67|16.412.000|16.208.900|98,76
B|Pemberdayaan Lembaga Kemasyarakatan Desa|Persentase lembaga kemasyarakatan desa yang mendapat pembinaan|90|92,11|102,34|53.105.000|52.248.750|98,39
1|Fasilitasi Pemberdayaan Lembaga Kemasyarakatan Desa|Jumlah lembaga yang difasilitasi|38|35|92,11|41.230.000|40.786.250|98,92
2|Fasilitasi Kegiatan Lembaga Adat|Jumlah kegiatan lembaga adat yang difasilitasi|6|6|100,00|11.875.000|11.462.500|96,53
"#;

#[test]
fn pengukuran_romawi_huruf_angka_clean() {
    assert_clean(&[("Pengukuran", PENGUKURAN_ROMAWI)], Plain);
}

#[test]
fn pengukuran_romawi_huruf_angka_fault_parent() {
    assert_finds(
        &[("Pengukuran", PENGUKURAN_ROMAWI)],
        Plain,
        ("Pengukuran", "G4", "38.594.500"),
        "SL102",
        "G4",
    );
}

#[test]
fn pengukuran_romawi_huruf_angka_fault_capaian() {
    assert_finds(
        &[("Pengukuran", PENGUKURAN_ROMAWI)],
        Plain,
        ("Pengukuran", "F6", "91,76"),
        "SL201",
        "F6",
    );
}

#[test]
fn pengukuran_romawi_huruf_angka_fault_penyerapan() {
    assert_finds(
        &[("Pengukuran", PENGUKURAN_ROMAWI)],
        Plain,
        ("Pengukuran", "I8", "96,35"),
        "SL202",
        "I8",
    );
}

// ---------------------------------------------------------------------------------------
// Efisiensi and kemajuan (SL205, SL204)

/// Penyerapan before capaian; "Efisiensi" alone.
const EFISIENSI: &str = r#"
Tabel 3.9 Efisiensi Penggunaan Sumber Daya
No|Indikator Kinerja|Penyerapan Anggaran (%)|Capaian Kinerja (%)|Efisiensi
1|Indeks Kepuasan Masyarakat|96,26|102,59|6,33
2|Nilai SAKIP Kecamatan|96,11|101,87|5,76
3|Persentase lembaga kemasyarakatan desa yang aktif|98,68|98,24|-0,44
"#;

#[test]
fn efisiensi_penyerapan_dulu_clean() {
    assert_clean(&[("Sheet5", EFISIENSI)], Plain);
}

#[test]
fn efisiensi_penyerapan_dulu_fault() {
    assert_finds(
        &[("Sheet5", EFISIENSI)],
        Plain,
        ("Sheet5", "E4", "5,67"),
        "SL205",
        "E4",
    );
}

/// Realisasi before the end-of-Renstra target; "% Kemajuan".
const KEMAJUAN: &str = r#"
Tabel 3.10 Kemajuan Capaian terhadap Target Akhir Renstra
No|Indikator Kinerja|Realisasi Tahun 2024|Target Akhir Renstra 2026|% Kemajuan
1|Indeks Kepuasan Masyarakat|88,74|88,00|100,84
2|Nilai SAKIP Kecamatan|79,46|82,00|96,90
3|Indeks Profesionalitas ASN|83,47|86,00|97,06
"#;

#[test]
fn kemajuan_realisasi_dulu_clean() {
    assert_clean(&[("Sheet6", KEMAJUAN)], Plain);
}

#[test]
fn kemajuan_realisasi_dulu_fault() {
    assert_finds(
        &[("Sheet6", KEMAJUAN)],
        Plain,
        ("Sheet6", "E4", "96,09"),
        "SL204",
        "E4",
    );
}

// ---------------------------------------------------------------------------------------
// Renja and Perubahan PK (SL203, SL102, SL402, SL404)

/// Three-row header: "Pagu Indikatif (Rp.)" over "Tahun 2024" over "APBD | P-APBD |
/// Selisih"; kode in one column; header in row 1.
const RENJA_TIGA_BARIS: &str = r#"
#! merge A1:A3
#! merge B1:B3
#! merge C1:C3
#! merge D1:F1
#! merge D2:F2
Kode|Program / Kegiatan / Sub Kegiatan|Indikator Kinerja|Pagu Indikatif (Rp.)||
|||Tahun 2024||
|||APBD|P-APBD|Selisih
7.01.02|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|Persentase permohonan layanan administrasi yang diselesaikan tepat waktu|50.650.000|50.775.000|125.000
7.01.02.2.01|Pelaksanaan Urusan Pemerintahan yang Dilimpahkan kepada Camat|Persentase pengaduan yang tidak ditindaklanjuti|50.650.000|50.775.000|125.000
7.01.02.2.01.0001|Pelaksanaan Urusan Pemerintahan yang terkait dengan Kewenangan Lain yang Dilimpahkan|Jumlah laporan pelaksanaan kewenangan yang dilimpahkan|11.500.000|10.875.000|-625.000
7.01.02.2.01.0002|Pelaksanaan Urusan Pemerintahan yang terkait dengan Pelayanan Perizinan Non Usaha|Jumlah rekomendasi perizinan non usaha yang diterbitkan|17.850.000|19.312.500|1.462.500
7.01.02.2.01.0003|Pelaksanaan Urusan Pemerintahan yang terkait dengan Nonperizinan|Jumlah layanan nonperizinan yang diselesaikan|21.300.000|20.587.500|-712.500
"#;

#[test]
fn renja_header_tiga_baris_clean() {
    assert_clean(&[("Renja", RENJA_TIGA_BARIS)], Plain);
}

#[test]
fn renja_header_tiga_baris_fault_selisih() {
    assert_finds(
        &[("Renja", RENJA_TIGA_BARIS)],
        Plain,
        ("Renja", "F6", "-652.500"),
        "SL203",
        "F6",
    );
}

#[test]
fn renja_header_tiga_baris_fault_parent() {
    assert_finds(
        &[("Renja", RENJA_TIGA_BARIS)],
        Plain,
        ("Renja", "D4", "50.560.000"),
        "SL102",
        "D4",
    );
}

#[test]
fn renja_header_tiga_baris_fault_kode() {
    assert_finds(
        &[("Renja", RENJA_TIGA_BARIS)],
        Plain,
        ("Renja", "A6", "7.01.02.2.02.0001"),
        "SL402",
        "A6",
    );
}

/// Kode split over five columns under a merged "Kode" (urusan | bidang | program |
/// kegiatan | sub kegiatan, figures as Excel keeps them: 01 → 1); pagu "Sebelum
/// Perubahan | Setelah Perubahan | Bertambah / Berkurang".
const RENJA_KODE_LIMA_DIGABUNG: &str = r#"
#! merge A3:E3
#! merge F3:F4
#! merge G3:I3
RENCANA KERJA PERUBAHAN KECAMATAN SUKAMAJU TAHUN 2024

Kode|||||Urusan / Bidang Urusan / Program / Kegiatan / Sub Kegiatan|Pagu Anggaran (Rp)||
Urusan|Bidang|Program|Kegiatan|Sub Kegiatan||Sebelum Perubahan|Setelah Perubahan|Bertambah / Berkurang
7|01|01|||PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA|1.842.936.000|1.908.941.500|66.005.500
7|01|01|2.01||Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah|24.000.000|23.237.500|-762.500
7|01|01|2.01|0001|Penyusunan Dokumen Perencanaan Perangkat Daerah|14.750.000|13.987.500|-762.500
7|01|01|2.01|0007|Evaluasi Kinerja Perangkat Daerah|9.250.000|9.250.000|0
7|01|01|2.02||Administrasi Keuangan Perangkat Daerah|1.818.936.000|1.885.704.000|66.768.000
7|01|01|2.02|0001|Penyediaan Gaji dan Tunjangan ASN|1.812.436.000|1.879.204.000|66.768.000
7|01|01|2.02|0005|Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD|6.500.000|6.500.000|0
"#;

#[test]
fn renja_kode_lima_kolom_digabung_clean() {
    assert_clean(&[("Lamp 2", RENJA_KODE_LIMA_DIGABUNG)], Plain);
}

#[test]
fn renja_kode_lima_kolom_digabung_fault_parent() {
    assert_finds(
        &[("Lamp 2", RENJA_KODE_LIMA_DIGABUNG)],
        Plain,
        ("Lamp 2", "H6", "23.327.500"),
        "SL102",
        "H6",
    );
}

#[test]
fn renja_kode_lima_kolom_digabung_fault_selisih() {
    assert_finds(
        &[("Lamp 2", RENJA_KODE_LIMA_DIGABUNG)],
        Plain,
        ("Lamp 2", "I9", "67.768.000"),
        "SL203",
        "I9",
    );
}

/// Kode split over five columns, "Kode" typed once in A (B–E blank, not merged), one-row
/// header, every cell text (a SIPD export).
const RENJA_KODE_LIMA_TEKS: &str = r#"
Kode|||||Program / Kegiatan / Sub Kegiatan|Indikator Kinerja|Target|Satuan|Pagu Indikatif (Rp)
7|01|03|||Program Pemberdayaan Masyarakat Desa dan Kelurahan|Persentase lembaga kemasyarakatan desa yang aktif|75|%|91.654.500
7|01|03|2.01||Peningkatan Partisipasi Masyarakat dalam Forum Musrenbang Desa|Persentase desa yang melaksanakan musrenbang desa tepat waktu|90|%|38.549.500
7|01|03|2.01|0001|Fasilitasi Penyelenggaraan Musrenbang Desa|Jumlah desa yang difasilitasi|12|Desa|22.137.500
7|01|03|2.01|0002|Fasilitasi Sinkronisasi Perencanaan Pembangunan Daerah dengan Pembangunan Desa|Jumlah dokumen RKP Desa yang disinkronkan|12|Dokumen|16.412.000
7|01|03|2.02||Pemberdayaan Lembaga Kemasyarakatan Desa dan Lembaga Adat|Persentase lembaga kemasyarakatan desa yang mendapat pembinaan|90|%|53.105.000
7|01|03|2.02|0001|Fasilitasi Pemberdayaan Lembaga Kemasyarakatan Desa|Jumlah lembaga kemasyarakatan desa yang difasilitasi|38|Lembaga|41.230.000
7|01|03|2.02|0002|Fasilitasi Kegiatan Lembaga Adat Tingkat Kecamatan|Jumlah kegiatan lembaga adat yang difasilitasi|6|Kegiatan|11.875.000
"#;

#[test]
fn renja_kode_lima_kolom_teks_clean() {
    assert_clean(&[("Sheet1", RENJA_KODE_LIMA_TEKS)], Text);
}

#[test]
fn renja_kode_lima_kolom_teks_fault_kosong() {
    assert_finds(
        &[("Sheet1", RENJA_KODE_LIMA_TEKS)],
        Text,
        ("Sheet1", "J6", ""),
        "SL404",
        "J6",
    );
}

#[test]
fn renja_kode_lima_kolom_teks_fault_parent() {
    assert_finds(
        &[("Sheet1", RENJA_KODE_LIMA_TEKS)],
        Text,
        ("Sheet1", "J2", "91.564.500"),
        "SL102",
        "J2",
    );
}

/// Perubahan PK: "Anggaran Sebelum Perubahan (Rp) | Anggaran Setelah Perubahan (Rp) |
/// Selisih (Rp)".
const PK_PERUBAHAN: &str = r#"
Tabel Perubahan Anggaran Program pada Perjanjian Kinerja Tahun 2024
No|Program|Anggaran Sebelum Perubahan (Rp)|Anggaran Setelah Perubahan (Rp)|Selisih (Rp)
1|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|1.970.991.000|2.037.432.000|66.441.000
2|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|50.650.000|50.775.000|125.000
3|Program Pemberdayaan Masyarakat Desa dan Kelurahan|91.450.000|91.654.500|204.500
|Jumlah|2.113.091.000|2.179.861.500|66.770.500
"#;

#[test]
fn pk_sebelum_setelah_perubahan_clean() {
    assert_clean(&[("PK Perubahan", PK_PERUBAHAN)], Plain);
}

#[test]
fn pk_sebelum_setelah_perubahan_fault_selisih() {
    assert_finds(
        &[("PK Perubahan", PK_PERUBAHAN)],
        Plain,
        ("PK Perubahan", "E4", "-125.000"),
        "SL203",
        "E4",
    );
}

#[test]
fn pk_sebelum_setelah_perubahan_fault_total() {
    assert_finds(
        &[("PK Perubahan", PK_PERUBAHAN)],
        Plain,
        ("PK Perubahan", "D6", "2.179.816.500"),
        "SL101",
        "D6",
    );
}

// ---------------------------------------------------------------------------------------
// Renstra (SL103 end Rp, SL401 years, SL403 unit)

/// "Tahun 2025" … "Tahun 2029" merged over "Target | Rp", then "Kondisi Akhir Periode
/// Renstra" over "Target | Rp".
const RENSTRA_DIGABUNG: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:C3
#! merge D2:E2
#! merge F2:G2
#! merge H2:I2
#! merge J2:K2
#! merge L2:M2
#! merge N2:O2
Tabel 2.1 Rencana Program, Kegiatan dan Pendanaan Renstra Kecamatan Sukamaju 2025-2029
Kode|Program / Kegiatan|Indikator Kinerja|Tahun 2025||Tahun 2026||Tahun 2027||Tahun 2028||Tahun 2029||Kondisi Akhir Periode Renstra|
|||Target|Rp|Target|Rp|Target|Rp|Target|Rp|Target|Rp|Target|Rp
7.01.01|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|Nilai SAKIP Kecamatan|74,00|120.600.000|76,00|127.300.000|78,00|134.000.000|80,00|140.700.000|82,00|147.400.000|82,00|670.000.000
7.01.01.2.01|Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah|Jumlah dokumen perencanaan yang tersusun|4 dokumen|21.600.000|4 dokumen|22.800.000|4 dokumen|24.000.000|4 dokumen|25.200.000|4 dokumen|26.400.000|20 dokumen|120.000.000
7.01.01.2.06|Administrasi Umum Perangkat Daerah|Jumlah laporan administrasi umum|12 laporan|99.000.000|12 laporan|104.500.000|12 laporan|110.000.000|12 laporan|115.500.000|12 laporan|121.000.000|60 laporan|550.000.000
"#;

#[test]
fn renstra_tahun_digabung_clean() {
    assert_clean(&[("Renstra", RENSTRA_DIGABUNG)], Plain);
}

#[test]
fn renstra_tahun_digabung_fault_tahun() {
    assert_finds(
        &[("Renstra", RENSTRA_DIGABUNG)],
        Plain,
        ("Renstra", "H2", "Tahun 2028"),
        "SL401",
        "H2",
    );
}

#[test]
fn renstra_tahun_digabung_fault_rp_akhir() {
    assert_finds(
        &[("Renstra", RENSTRA_DIGABUNG)],
        Plain,
        ("Renstra", "O5", "121.000.000"),
        "SL103",
        "O5",
    );
}

#[test]
fn renstra_tahun_digabung_fault_satuan() {
    assert_finds(
        &[("Renstra", RENSTRA_DIGABUNG)],
        Plain,
        ("Renstra", "N6", "60 dokumen"),
        "SL403",
        "N6",
    );
}

/// The same matrix at column C under title rows, each year typed once above its two
/// cells (not merged), "Kondisi Kinerja pada Akhir Periode" likewise.
const RENSTRA_TIDAK_DIGABUNG_KOLOM_C: &str = r#"
||MATRIKS RENCANA STRATEGIS KECAMATAN SUKAMAJU
||TAHUN 2025-2029

||Kode|Program / Kegiatan|Indikator Kinerja|Tahun 2025||Tahun 2026||Tahun 2027||Tahun 2028||Tahun 2029||Kondisi Kinerja pada Akhir Periode|
|||||Target|Rp|Target|Rp|Target|Rp|Target|Rp|Target|Rp|Target|Rp
||7.01.01|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|Nilai SAKIP Kecamatan|74,00|120.600.000|76,00|127.300.000|78,00|134.000.000|80,00|140.700.000|82,00|147.400.000|82,00|670.000.000
||7.01.01.2.01|Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah|Jumlah dokumen perencanaan yang tersusun|4 dokumen|21.600.000|4 dokumen|22.800.000|4 dokumen|24.000.000|4 dokumen|25.200.000|4 dokumen|26.400.000|20 dokumen|120.000.000
||7.01.01.2.06|Administrasi Umum Perangkat Daerah|Jumlah laporan administrasi umum|12 laporan|99.000.000|12 laporan|104.500.000|12 laporan|110.000.000|12 laporan|115.500.000|12 laporan|121.000.000|60 laporan|550.000.000
"#;

#[test]
fn renstra_tidak_digabung_kolom_c_clean() {
    assert_clean(&[("Lamp 1", RENSTRA_TIDAK_DIGABUNG_KOLOM_C)], Plain);
}

#[test]
fn renstra_tidak_digabung_kolom_c_fault_rp_akhir() {
    assert_finds(
        &[("Lamp 1", RENSTRA_TIDAK_DIGABUNG_KOLOM_C)],
        Plain,
        ("Lamp 1", "Q8", "555.000.000"),
        "SL103",
        "Q8",
    );
}

#[test]
fn renstra_tidak_digabung_kolom_c_fault_tahun() {
    assert_finds(
        &[("Lamp 1", RENSTRA_TIDAK_DIGABUNG_KOLOM_C)],
        Plain,
        ("Lamp 1", "L4", "Tahun 2026"),
        "SL401",
        "L4",
    );
}

#[test]
fn renstra_tidak_digabung_kolom_c_fault_parent() {
    assert_finds(
        &[("Lamp 1", RENSTRA_TIDAK_DIGABUNG_KOLOM_C)],
        Plain,
        ("Lamp 1", "K6", "134.500.000"),
        "SL102",
        "K6",
    );
}

// ---------------------------------------------------------------------------------------
// More hierarchy, header and total variants

/// Numbering 1 / 1.1 / 1.2 in the No column.
const LRA_NOMOR_BERTINGKAT: &str = r#"
Tabel 3.3 Realisasi Anggaran Kecamatan Tahun 2024
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|Capaian (%)
1|Belanja Operasi|2.158.011.500|2.076.833.586|96,24
1.1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
1.2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
2|Belanja Modal|21.850.000|21.600.000|98,86
2.1|Belanja Modal Peralatan dan Mesin|21.850.000|21.600.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_nomor_bertingkat_clean() {
    assert_clean(&[("Sheet1", LRA_NOMOR_BERTINGKAT)], Plain);
}

#[test]
fn lra_nomor_bertingkat_fault_parent() {
    assert_finds(
        &[("Sheet1", LRA_NOMOR_BERTINGKAT)],
        Plain,
        ("Sheet1", "C3", "2.158.101.500"),
        "SL102",
        "C3",
    );
}

#[test]
fn lra_nomor_bertingkat_fault_total() {
    assert_finds(
        &[("Sheet1", LRA_NOMOR_BERTINGKAT)],
        Plain,
        ("Sheet1", "D8", "2.098.343.586"),
        "SL101",
        "D8",
    );
}

/// The label column headed "Jenis Belanja"; `- ` items under numbered parents.
const LRA_JENIS_BELANJA: &str = r#"
Tabel 2.5 Anggaran dan Realisasi Menurut Jenis Belanja
No|Jenis Belanja|Anggaran (Rp)|Realisasi (Rp)|%
1|Belanja Operasi|2.158.011.500|2.076.833.586|96,24
|- Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
|- Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
2|Belanja Modal|21.850.000|21.600.000|98,86
|- Belanja Modal Peralatan dan Mesin|21.850.000|21.600.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_kolom_jenis_belanja_clean() {
    assert_clean(&[("Keuangan", LRA_JENIS_BELANJA)], Plain);
}

#[test]
fn lra_kolom_jenis_belanja_fault_parent() {
    assert_finds(
        &[("Keuangan", LRA_JENIS_BELANJA)],
        Plain,
        ("Keuangan", "D3", "2.076.383.586"),
        "SL102",
        "D3",
    );
}

/// Header cells with line breaks typed with Alt+Enter ("Realisasi¶Anggaran¶(Rp)").
const LRA_HEADER_BERBARIS: &str = r#"
Tabel 3.3 Realisasi Anggaran
No|Uraian|Anggaran¶(Rp)|Realisasi¶Anggaran¶(Rp)|%¶Realisasi
1|Belanja Pegawai|1.879.204.000,00|1.802.517.816,00|95,92
2|Belanja Barang dan Jasa|278.807.500,00|274.315.770,00|98,39
3|Belanja Modal|21.850.000,00|21.600.000,00|98,86
|JUMLAH|2.179.861.500,00|2.098.433.586,00|96,26
"#;

#[test]
fn lra_header_berbaris_clean() {
    assert_clean(&[("Sheet1", LRA_HEADER_BERBARIS)], Plain);
}

#[test]
fn lra_header_berbaris_fault_persen() {
    assert_finds(
        &[("Sheet1", LRA_HEADER_BERBARIS)],
        Plain,
        ("Sheet1", "E4", "98,68"),
        "SL202",
        "E4",
    );
}

/// Pengukuran with the groups "Kinerja" over "Target | Realisasi | %" and "Anggaran" over
/// "Pagu | Realisasi | %" (merged), numbering I / A / 1, predikat by the default scale.
const PENGUKURAN_GRUP_KINERJA_ANGGARAN: &str = r#"
#! merge A1:A2
#! merge B1:B2
#! merge C1:C2
#! merge D1:F1
#! merge G1:I1
#! merge J1:J2
No|Program / Kegiatan / Sub Kegiatan|Indikator Kinerja|Kinerja|||Anggaran|||Predikat
|||Target|Realisasi|%|Pagu|Realisasi|%|
I|Program Pemberdayaan Masyarakat Desa dan Kelurahan|Persentase lembaga kemasyarakatan desa yang aktif|75|73,68|98,24|91.654.500|90.442.650|98,68|Baik
A|Peningkatan Partisipasi Masyarakat dalam Musrenbang Desa|Persentase desa yang melaksanakan musrenbang desa tepat waktu|90|91,67|101,86|38.549.500|38.193.900|99,08|Baik Sekali
1|Fasilitasi Penyelenggaraan Musrenbang Desa|Jumlah desa yang difasilitasi|12|12|100,00|22.137.500|21.985.000|99,31|Baik
2|Fasilitasi Sinkronisasi Perencanaan Desa|Jumlah dokumen RKP Desa yang disinkronkan|12|11|91,67|16.412.000|16.208.900|98,76|Baik
B|Pemberdayaan Lembaga Kemasyarakatan Desa|Persentase lembaga kemasyarakatan desa yang mendapat pembinaan|90|92,11|102,34|53.105.000|52.248.750|98,39|Baik Sekali
1|Fasilitasi Pemberdayaan Lembaga Kemasyarakatan Desa|Jumlah lembaga yang difasilitasi|38|35|92,11|41.230.000|40.786.250|98,92|Baik
2|Fasilitasi Kegiatan Lembaga Adat|Jumlah kegiatan lembaga adat yang difasilitasi|6|6|100,00|11.875.000|11.462.500|96,53|Baik
"#;

#[test]
fn pengukuran_grup_kinerja_anggaran_clean() {
    assert_clean(&[("Lamp 3", PENGUKURAN_GRUP_KINERJA_ANGGARAN)], Plain);
}

#[test]
fn pengukuran_grup_kinerja_anggaran_fault_capaian() {
    assert_finds(
        &[("Lamp 3", PENGUKURAN_GRUP_KINERJA_ANGGARAN)],
        Plain,
        ("Lamp 3", "F6", "91,76"),
        "SL201",
        "F6",
    );
}

#[test]
fn pengukuran_grup_kinerja_anggaran_fault_persen_anggaran() {
    assert_finds(
        &[("Lamp 3", PENGUKURAN_GRUP_KINERJA_ANGGARAN)],
        Plain,
        ("Lamp 3", "I5", "99,13"),
        "SL202",
        "I5",
    );
}

#[test]
fn pengukuran_grup_kinerja_anggaran_fault_parent() {
    assert_finds(
        &[("Lamp 3", PENGUKURAN_GRUP_KINERJA_ANGGARAN)],
        Plain,
        ("Lamp 3", "G4", "38.594.500"),
        "SL102",
        "G4",
    );
}

#[test]
fn pengukuran_grup_kinerja_anggaran_fault_predikat() {
    assert_finds(
        &[("Lamp 3", PENGUKURAN_GRUP_KINERJA_ANGGARAN)],
        Plain,
        ("Lamp 3", "J4", "Baik"),
        "SL301",
        "J4",
    );
}

/// Two years side by side: "Tahun 2023" and "Tahun 2024" each merged over
/// "Target | Realisasi | Capaian (%)".
const CAPAIAN_DUA_TAHUN: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:E2
#! merge F2:H2
Tabel 3.5 Perbandingan Capaian Kinerja Tahun 2023 dan 2024
No|Indikator Kinerja|Tahun 2023|||Tahun 2024||
||Target|Realisasi|Capaian (%)|Target|Realisasi|Capaian (%)
1|Indeks Kepuasan Masyarakat|85,75|86,12|100,43|86,50|88,74|102,59
2|Nilai SAKIP Kecamatan|76,00|76,12|100,16|78,00|79,46|101,87
3|Persentase lembaga kemasyarakatan desa yang aktif|73,00|71,05|97,33|75,00|73,68|98,24
"#;

#[test]
fn capaian_dua_tahun_clean() {
    assert_clean(&[("Sheet2", CAPAIAN_DUA_TAHUN)], Plain);
}

#[test]
fn capaian_dua_tahun_fault_2023() {
    assert_finds(
        &[("Sheet2", CAPAIAN_DUA_TAHUN)],
        Plain,
        ("Sheet2", "E5", "101,87"),
        "SL201",
        "E5",
    );
}

#[test]
fn capaian_dua_tahun_fault_2024() {
    assert_finds(
        &[("Sheet2", CAPAIAN_DUA_TAHUN)],
        Plain,
        ("Sheet2", "H6", "97,33"),
        "SL201",
        "H6",
    );
}

/// Last year's realisasi in a column right of the capaian ("Capaian (%)" names no year).
const CAPAIAN_TAHUN_LALU_KANAN: &str = r#"
Tabel 3.6 Capaian Kinerja dan Perbandingan dengan Tahun Lalu
No|Indikator Kinerja|Target 2024|Realisasi 2024|Capaian (%)|Realisasi 2023
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|86,12
2|Nilai SAKIP Kecamatan|78,00|79,46|101,87|76,12
3|Indeks Profesionalitas ASN|82,00|83,47|101,79|80,55
"#;

#[test]
fn capaian_realisasi_tahun_lalu_di_kanan_clean() {
    assert_clean(&[("Sheet1", CAPAIAN_TAHUN_LALU_KANAN)], Plain);
}

#[test]
fn capaian_realisasi_tahun_lalu_di_kanan_fault() {
    // 97,59 = last year's 76,12 / 78,00: wrong for 2024.
    assert_finds(
        &[("Sheet1", CAPAIAN_TAHUN_LALU_KANAN)],
        Plain,
        ("Sheet1", "E4", "97,59"),
        "SL201",
        "E4",
    );
}

/// The scale on a sheet of its own, labels in capitals.
const SKALA_SHEET_SENDIRI: &str = r#"
Kriteria Penilaian Capaian Kinerja
No|Capaian (%)|Predikat
1|Lebih dari 90 %|SANGAT BAIK
2|75 % s.d 90 %|BAIK
3|60 % s.d kurang dari 75 %|CUKUP
4|Kurang dari 60 %|KURANG
"#;

const CAPAIAN_HURUF_BESAR: &str = r#"
Tabel 3.2 Capaian Kinerja Sasaran
No|Indikator Kinerja|Target|Realisasi|Capaian (%)|Predikat
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|SANGAT BAIK
2|Nilai SAKIP Kecamatan|80,00|76,12|95,15|SANGAT BAIK
3|Persentase lembaga kemasyarakatan desa yang aktif|90|73,68|81,87|BAIK
4|Persentase dokumen perencanaan tepat waktu|100|70|70,00|CUKUP
"#;

#[test]
fn skala_di_sheet_lain_clean() {
    assert_clean(
        &[
            ("Keterangan", SKALA_SHEET_SENDIRI),
            ("Sheet2", CAPAIAN_HURUF_BESAR),
        ],
        Plain,
    );
}

#[test]
fn skala_di_sheet_lain_fault() {
    assert_finds(
        &[
            ("Keterangan", SKALA_SHEET_SENDIRI),
            ("Sheet2", CAPAIAN_HURUF_BESAR),
        ],
        Plain,
        ("Sheet2", "F4", "BAIK"),
        "SL301",
        "F4",
    );
}

/// The default scale at its boundaries: exactly 100 % is Baik, exactly 75 % and 55 % are
/// Cukup ("Lebih dari 75 % sd. 100 %", "55 % sd. 75 %").
const BATAS_SKALA_BAWAAN: &str = r#"
Tabel 3.1 Capaian Indikator Kinerja
No|Indikator Kinerja|Target|Realisasi|Capaian (%)|Predikat
1|Jumlah laporan evaluasi kinerja|4|4|100,00|Baik
2|Jumlah desa yang difasilitasi|12|9|75,00|Cukup
3|Jumlah kegiatan lembaga adat|20|11|55,00|Cukup
4|Jumlah dokumen RKP Desa|12|13|108,33|Baik Sekali
"#;

#[test]
fn batas_skala_bawaan_clean() {
    assert_clean(&[("Sheet1", BATAS_SKALA_BAWAAN)], Plain);
}

#[test]
fn batas_skala_bawaan_fault_100() {
    assert_finds(
        &[("Sheet1", BATAS_SKALA_BAWAAN)],
        Plain,
        ("Sheet1", "F3", "Baik Sekali"),
        "SL301",
        "F3",
    );
}

#[test]
fn batas_skala_bawaan_fault_75() {
    assert_finds(
        &[("Sheet1", BATAS_SKALA_BAWAAN)],
        Plain,
        ("Sheet1", "F4", "Baik"),
        "SL301",
        "F4",
    );
}

/// "APBD Murni (Rp) | APBD Perubahan (Rp) | Bertambah/(Berkurang) (Rp)", negatives in
/// accounting parentheses, every cell text.
const RENJA_APBD_MURNI_PERUBAHAN: &str = r#"
Tabel 2.4 Perubahan Pagu Sub Kegiatan Tahun 2024
Kode|Sub Kegiatan|APBD Murni (Rp)|APBD Perubahan (Rp)|Bertambah/(Berkurang) (Rp)
7.01.01.2.01.0001|Penyusunan Dokumen Perencanaan Perangkat Daerah|14.750.000|13.987.500|(762.500)
7.01.01.2.01.0007|Evaluasi Kinerja Perangkat Daerah|9.250.000|9.250.000|0
7.01.01.2.02.0001|Penyediaan Gaji dan Tunjangan ASN|1.812.436.000|1.879.204.000|66.768.000
7.01.01.2.06.0002|Penyediaan Peralatan dan Perlengkapan Kantor|42.380.000|48.615.500|6.235.500
|JUMLAH|1.878.816.000|1.951.057.000|72.241.000
"#;

#[test]
fn renja_apbd_murni_perubahan_clean() {
    assert_clean(&[("Sheet1", RENJA_APBD_MURNI_PERUBAHAN)], Text);
}

#[test]
fn renja_apbd_murni_perubahan_fault_selisih_kurung() {
    assert_finds(
        &[("Sheet1", RENJA_APBD_MURNI_PERUBAHAN)],
        Text,
        ("Sheet1", "E3", "(726.500)"),
        "SL203",
        "E3",
    );
}

#[test]
fn renja_apbd_murni_perubahan_fault_selisih() {
    assert_finds(
        &[("Sheet1", RENJA_APBD_MURNI_PERUBAHAN)],
        Text,
        ("Sheet1", "E5", "66.786.000"),
        "SL203",
        "E5",
    );
}

/// Two programs by kode, "JUMLAH" typed in the Kode column.
const RENJA_JUMLAH_DI_KOLOM_KODE: &str = r#"
Tabel 2.3 Rencana Kerja Kecamatan Tahun 2024
Kode|Program / Kegiatan|Indikator Kinerja|Target|Pagu (Rp)
7.01.02|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|Persentase permohonan layanan administrasi yang diselesaikan tepat waktu|95%|50.775.000
7.01.02.2.01|Pelaksanaan Urusan Pemerintahan yang Dilimpahkan kepada Camat|Persentase pengaduan yang tidak ditindaklanjuti|12%|50.775.000
7.01.03|Program Pemberdayaan Masyarakat Desa dan Kelurahan|Persentase lembaga kemasyarakatan desa yang aktif|75%|91.654.500
7.01.03.2.01|Peningkatan Partisipasi Masyarakat dalam Forum Musyawarah Perencanaan Pembangunan di Desa|Persentase desa yang melaksanakan musrenbang desa tepat waktu|90%|38.549.500
7.01.03.2.02|Pemberdayaan Lembaga Kemasyarakatan Desa|Persentase lembaga kemasyarakatan desa yang mendapat pembinaan|90%|53.105.000
JUMLAH||||142.429.500
"#;

#[test]
fn renja_jumlah_di_kolom_kode_clean() {
    assert_clean(&[("Renja", RENJA_JUMLAH_DI_KOLOM_KODE)], Plain);
}

#[test]
fn renja_jumlah_di_kolom_kode_fault_total() {
    assert_finds(
        &[("Renja", RENJA_JUMLAH_DI_KOLOM_KODE)],
        Plain,
        ("Renja", "E8", "142.492.500"),
        "SL101",
        "E8",
    );
}

#[test]
fn renja_jumlah_di_kolom_kode_fault_parent() {
    assert_finds(
        &[("Renja", RENJA_JUMLAH_DI_KOLOM_KODE)],
        Plain,
        ("Renja", "E5", "91.564.500"),
        "SL102",
        "E5",
    );
}

#[test]
fn renja_kode_lima_kolom_teks_fault_kode() {
    // A sub kegiatan of kegiatan 2.01 typed with kegiatan 2.02; the finding may point at
    // the row's first kode cell or at the wrong segment.
    let sheets = [("Sheet1", RENJA_KODE_LIMA_TEKS)];
    assert_finds_form(
        &sheets,
        &form(Text),
        ("Sheet1", "D4", "2.02"),
        "SL402",
        "Sheet1",
        &["A4", "D4"],
    );
}

/// A row of column numbers that also states the formula: "(6)=(5)/(4)x100".
const NOMOR_KOLOM_RUMUS: &str = r#"
Tabel 3.2 Pengukuran Capaian Kinerja Tahun 2024
No|Sasaran Strategis|Indikator Kinerja|Target|Realisasi|Capaian (%)
(1)|(2)|(3)|(4)|(5)|(6)=(5)/(4)x100
1|Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|86,50|88,74|102,59
2|Meningkatnya akuntabilitas kinerja|Nilai SAKIP Kecamatan|78,00|79,46|101,87
3|Meningkatnya profesionalitas aparatur|Indeks Profesionalitas ASN|82,00|76,10|92,80
"#;

#[test]
fn nomor_kolom_dengan_rumus_clean() {
    assert_clean(&[("BAB III", NOMOR_KOLOM_RUMUS)], Plain);
}

#[test]
fn nomor_kolom_dengan_rumus_fault() {
    assert_finds(
        &[("BAB III", NOMOR_KOLOM_RUMUS)],
        Plain,
        ("BAB III", "F6", "98,20"),
        "SL201",
        "F6",
    );
}

/// Renstra in blocks: "Target Kinerja" over the years 2025 … 2029, "Pagu Indikatif (Rp)"
/// over the same years, then "Kondisi Akhir Periode Renstra" over "Target | Rp".
const RENSTRA_BLOK: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:C3
#! merge D2:H2
#! merge I2:M2
#! merge N2:O2
Tabel 2.2 Target Kinerja dan Pagu Indikatif Renstra 2025-2029
Kode|Program / Kegiatan|Indikator Kinerja|Target Kinerja|||||Pagu Indikatif (Rp)|||||Kondisi Akhir Periode Renstra|
|||2025|2026|2027|2028|2029|2025|2026|2027|2028|2029|Target|Rp
7.01.01|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|Nilai SAKIP Kecamatan|74,00|76,00|78,00|80,00|82,00|120.600.000|127.300.000|134.000.000|140.700.000|147.400.000|82,00|670.000.000
7.01.01.2.01|Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah|Jumlah dokumen perencanaan yang tersusun|4 dokumen|4 dokumen|4 dokumen|4 dokumen|4 dokumen|21.600.000|22.800.000|24.000.000|25.200.000|26.400.000|20 dokumen|120.000.000
7.01.01.2.06|Administrasi Umum Perangkat Daerah|Jumlah laporan administrasi umum|12 laporan|12 laporan|12 laporan|12 laporan|12 laporan|99.000.000|104.500.000|110.000.000|115.500.000|121.000.000|60 laporan|550.000.000
"#;

#[test]
fn renstra_blok_tahun_clean() {
    assert_clean(&[("Lamp 1", RENSTRA_BLOK)], Plain);
}

#[test]
fn renstra_blok_tahun_fault_rp_akhir() {
    assert_finds(
        &[("Lamp 1", RENSTRA_BLOK)],
        Plain,
        ("Lamp 1", "O5", "121.000.000"),
        "SL103",
        "O5",
    );
}

#[test]
fn renstra_blok_tahun_fault_tahun() {
    assert_finds(
        &[("Lamp 1", RENSTRA_BLOK)],
        Plain,
        ("Lamp 1", "F3", "2028"),
        "SL401",
        "F3",
    );
}

#[test]
fn renstra_blok_tahun_fault_satuan() {
    assert_finds(
        &[("Lamp 1", RENSTRA_BLOK)],
        Plain,
        ("Lamp 1", "N6", "60 dokumen"),
        "SL403",
        "N6",
    );
}

#[test]
fn renstra_blok_tahun_fault_parent() {
    assert_finds(
        &[("Lamp 1", RENSTRA_BLOK)],
        Plain,
        ("Lamp 1", "K4", "134.500.000"),
        "SL102",
        "K4",
    );
}

/// "Jumlah KK" beside "Laki-laki | Perempuan | Jumlah (Jiwa)".
const PENDUDUK_KK_JIWA: &str = r#"
Tabel 1.3 Jumlah Kepala Keluarga dan Penduduk per Desa
No|Desa|Jumlah KK|Laki-laki|Perempuan|Jumlah (Jiwa)
1|Sukamaju|1.512|2.417|2.389|4.806
2|Sukamulya|1.180|1.862|1.907|3.769
3|Cibeureum|845|1.345|1.298|2.643
|Jumlah|3.537|5.624|5.594|11.218
"#;

#[test]
fn penduduk_kk_dan_jiwa_clean() {
    assert_clean(&[("Sheet1", PENDUDUK_KK_JIWA)], Plain);
}

#[test]
fn penduduk_kk_dan_jiwa_fault_jiwa() {
    assert_finds(
        &[("Sheet1", PENDUDUK_KK_JIWA)],
        Plain,
        ("Sheet1", "F4", "3.796"),
        "SL104",
        "F4",
    );
}

#[test]
fn penduduk_kk_dan_jiwa_fault_total_kk() {
    assert_finds(
        &[("Sheet1", PENDUDUK_KK_JIWA)],
        Plain,
        ("Sheet1", "C6", "3.573"),
        "SL101",
        "C6",
    );
}

/// Target and realisasi with their unit in the cell ("12 Laporan").
const CAPAIAN_SATUAN_DI_SEL: &str = r#"
Tabel 3.3 Capaian Indikator Kinerja Kegiatan
No|Indikator Kinerja|Target|Realisasi|Capaian (%)
1|Jumlah dokumen perencanaan yang tersusun|8 Dokumen|8 Dokumen|100,00
2|Jumlah laporan rapat koordinasi|12 Laporan|11 Laporan|91,67
3|Jumlah inovasi pelayanan publik|3 Inovasi|4 Inovasi|133,33
4|Jumlah pegawai yang mengikuti diklat|6 Orang|5 Orang|83,33
"#;

#[test]
fn capaian_satuan_di_sel_clean() {
    assert_clean(&[("Sheet1", CAPAIAN_SATUAN_DI_SEL)], Plain);
}

#[test]
fn capaian_satuan_di_sel_fault() {
    assert_finds(
        &[("Sheet1", CAPAIAN_SATUAN_DI_SEL)],
        Plain,
        ("Sheet1", "E4", "96,17"),
        "SL201",
        "E4",
    );
}

/// Renja Perubahan with "Target" over "Sebelum | Sesudah" and "Pagu Indikatif (Rp)" over
/// "Sebelum | Sesudah | Bertambah / Berkurang".
const RENJA_PAGU_SEBELUM_SESUDAH: &str = r#"
#! merge A1:A2
#! merge B1:B2
#! merge C1:C2
#! merge D1:E1
#! merge F1:H1
Kode|Program / Kegiatan / Sub Kegiatan|Indikator Kinerja|Target||Pagu Indikatif (Rp)||
|||Sebelum|Sesudah|Sebelum|Sesudah|Bertambah / Berkurang
7.01.01.2.01|Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah|Persentase dokumen perencanaan dan evaluasi kinerja yang tersusun tepat waktu|100%|100%|24.000.000|23.237.500|-762.500
7.01.01.2.01.0001|Penyusunan Dokumen Perencanaan Perangkat Daerah|Jumlah dokumen perencanaan perangkat daerah yang tersusun|8 dokumen|8 dokumen|14.750.000|13.987.500|-762.500
7.01.01.2.01.0007|Evaluasi Kinerja Perangkat Daerah|Jumlah laporan evaluasi kinerja yang disusun|4 laporan|4 laporan|9.250.000|9.250.000|0
7.01.01.2.06|Administrasi Umum Perangkat Daerah|Persentase pemenuhan kebutuhan administrasi umum perkantoran|100%|100%|110.055.000|113.040.500|2.985.500
7.01.01.2.06.0002|Penyediaan Peralatan dan Perlengkapan Kantor|Jumlah paket peralatan dan perlengkapan kantor yang disediakan|2 paket|2 paket|42.380.000|48.615.500|6.235.500
7.01.01.2.06.0004|Penyediaan Bahan Logistik Kantor|Jumlah bulan penyediaan bahan logistik kantor|12 bulan|12 bulan|31.275.000|31.275.000|0
7.01.01.2.06.0009|Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD|Jumlah laporan penyelenggaraan rapat koordinasi dan konsultasi|12 laporan|12 laporan|36.400.000|33.150.000|-3.250.000
"#;

#[test]
fn renja_pagu_sebelum_sesudah_clean() {
    assert_clean(&[("Renja", RENJA_PAGU_SEBELUM_SESUDAH)], Plain);
}

#[test]
fn renja_pagu_sebelum_sesudah_fault_parent() {
    assert_finds(
        &[("Renja", RENJA_PAGU_SEBELUM_SESUDAH)],
        Plain,
        ("Renja", "G6", "113.400.500"),
        "SL102",
        "G6",
    );
}

#[test]
fn renja_pagu_sebelum_sesudah_fault_selisih() {
    assert_finds(
        &[("Renja", RENJA_PAGU_SEBELUM_SESUDAH)],
        Plain,
        ("Renja", "H4", "-726.500"),
        "SL203",
        "H4",
    );
}

/// LRA with "Realisasi" merged over "Rp | %".
const LRA_REALISASI_RP_PERSEN: &str = r#"
#! merge A1:A2
#! merge B1:B2
#! merge C1:C2
#! merge D1:E1
No|Uraian|Anggaran (Rp)|Realisasi|
|||Rp|%
1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
3|Belanja Modal|21.850.000|21.600.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_realisasi_atas_rp_persen_clean() {
    assert_clean(&[("LRA", LRA_REALISASI_RP_PERSEN)], Plain);
}

#[test]
fn lra_realisasi_atas_rp_persen_fault_persen() {
    assert_finds(
        &[("LRA", LRA_REALISASI_RP_PERSEN)],
        Plain,
        ("LRA", "E4", "93,98"),
        "SL202",
        "E4",
    );
}

#[test]
fn lra_realisasi_atas_rp_persen_fault_total() {
    assert_finds(
        &[("LRA", LRA_REALISASI_RP_PERSEN)],
        Plain,
        ("LRA", "D6", "2.098.343.586"),
        "SL101",
        "D6",
    );
}

/// LRA with a "Sisa Anggaran (Rp)" column between Realisasi and %.
const LRA_SISA_ANGGARAN: &str = r#"
Tabel 3.3 Laporan Realisasi Anggaran
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|Sisa Anggaran (Rp)|%
1|Belanja Pegawai|1.879.204.000|1.802.517.816|76.686.184|95,92
2|Belanja Barang dan Jasa|278.807.500|274.315.770|4.491.730|98,39
3|Belanja Modal|21.850.000|21.600.000|250.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|81.427.914|96,26
"#;

#[test]
fn lra_sisa_anggaran_clean() {
    assert_clean(&[("LRA", LRA_SISA_ANGGARAN)], Plain);
}

#[test]
fn lra_sisa_anggaran_fault_persen() {
    assert_finds(
        &[("LRA", LRA_SISA_ANGGARAN)],
        Plain,
        ("LRA", "F4", "93,98"),
        "SL202",
        "F4",
    );
}

#[test]
fn lra_sisa_anggaran_fault_total_sisa() {
    assert_finds(
        &[("LRA", LRA_SISA_ANGGARAN)],
        Plain,
        ("LRA", "E6", "81.472.914"),
        "SL101",
        "E6",
    );
}

/// Two tables in one sheet, each followed by its own "Keterangan" scale; the scales use
/// the same labels with different bands (95,15 % is Baik under the first, Sangat Baik
/// under the second; 96,11 % likewise).
const DUA_SKALA_DI_BAWAH_TABELNYA: &str = r#"
Tabel 3.1 Capaian Kinerja Sasaran
No|Indikator Kinerja|Target|Realisasi|Capaian (%)|Predikat
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|Sangat Baik
2|Nilai SAKIP Kecamatan|80,00|76,12|95,15|Baik
3|Indeks Profesionalitas ASN|82,00|70,00|85,37|Cukup

Keterangan :
No|Rentang Capaian|Predikat
1|Lebih dari 100 %|Sangat Baik
2|90 % s.d 100 %|Baik
3|75 % s.d kurang dari 90 %|Cukup
4|Kurang dari 75 %|Kurang

Tabel 3.2 Realisasi Anggaran per Program
No|Program|Pagu (Rp)|Realisasi (Rp)|% Realisasi|Predikat
1|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|2.037.432.000|1.958.245.686|96,11|Sangat Baik
2|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|50.775.000|46.966.875|92,50|Baik
3|Program Pemberdayaan Masyarakat Desa dan Kelurahan|91.654.500|73.323.600|80,00|Cukup

Keterangan :
No|Rentang Realisasi Anggaran|Predikat
1|Lebih dari 95 %|Sangat Baik
2|85 % s.d 95 %|Baik
3|75 % s.d kurang dari 85 %|Cukup
4|Kurang dari 75 %|Kurang
"#;

#[test]
fn dua_skala_di_bawah_tabelnya_clean() {
    assert_clean(&[("BAB III", DUA_SKALA_DI_BAWAH_TABELNYA)], Plain);
}

#[test]
fn dua_skala_di_bawah_tabelnya_fault_tabel_atas() {
    assert_finds(
        &[("BAB III", DUA_SKALA_DI_BAWAH_TABELNYA)],
        Plain,
        ("BAB III", "F4", "Sangat Baik"),
        "SL301",
        "F4",
    );
}

#[test]
fn dua_skala_di_bawah_tabelnya_fault_tabel_bawah() {
    assert_finds(
        &[("BAB III", DUA_SKALA_DI_BAWAH_TABELNYA)],
        Plain,
        ("BAB III", "F16", "Baik"),
        "SL301",
        "F16",
    );
}

/// The grand total labelled "JUMLAH BELANJA DAERAH".
const LRA_JUMLAH_BELANJA_DAERAH: &str = r#"
Tabel 3.3 Laporan Realisasi Anggaran Tahun 2024
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|%
1|Belanja Operasi|2.158.011.500|2.076.833.586|96,24
|- Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
|- Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
2|Belanja Modal|21.850.000|21.600.000|98,86
|- Belanja Modal Peralatan dan Mesin|21.850.000|21.600.000|98,86
|JUMLAH BELANJA DAERAH|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_jumlah_belanja_daerah_clean() {
    assert_clean(&[("LRA", LRA_JUMLAH_BELANJA_DAERAH)], Plain);
}

#[test]
fn lra_jumlah_belanja_daerah_fault_total() {
    assert_finds(
        &[("LRA", LRA_JUMLAH_BELANJA_DAERAH)],
        Plain,
        ("LRA", "C8", "2.179.816.500"),
        "SL101",
        "C8",
    );
}

/// "Tahun Anggaran 2024" merged over "Anggaran | Realisasi | %".
const LRA_GRUP_TAHUN_ANGGARAN: &str = r#"
#! merge A2:A3
#! merge B2:B3
#! merge C2:E2
Tabel 3.4 Realisasi Anggaran per Program
No|Program|Tahun Anggaran 2024||
||Anggaran|Realisasi|%
1|Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota|2.037.432.000|1.958.245.686|96,11
2|Program Penyelenggaraan Pemerintahan dan Pelayanan Publik|50.775.000|49.745.250|97,97
3|Program Pemberdayaan Masyarakat Desa dan Kelurahan|91.654.500|90.442.650|98,68
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_grup_tahun_anggaran_clean() {
    assert_clean(&[("Sheet1", LRA_GRUP_TAHUN_ANGGARAN)], Plain);
}

#[test]
fn lra_grup_tahun_anggaran_fault_persen() {
    assert_finds(
        &[("Sheet1", LRA_GRUP_TAHUN_ANGGARAN)],
        Plain,
        ("Sheet1", "E5", "97,79"),
        "SL202",
        "E5",
    );
}

#[test]
fn lra_grup_tahun_anggaran_fault_total() {
    assert_finds(
        &[("Sheet1", LRA_GRUP_TAHUN_ANGGARAN)],
        Plain,
        ("Sheet1", "D7", "2.098.343.586"),
        "SL101",
        "D7",
    );
}

/// Population by age group: the label column holds ranges of years.
const PENDUDUK_KELOMPOK_UMUR: &str = r#"
Tabel 2.4 Jumlah Penduduk Menurut Kelompok Umur
No|Kelompok Umur|Laki-laki|Perempuan|Jumlah
1|0 - 14|1.210|1.180|2.390
2|15 - 64|3.720|3.695|7.415
3|65 tahun ke atas|432|481|913
|Jumlah|5.362|5.356|10.718
"#;

#[test]
fn penduduk_kelompok_umur_clean() {
    assert_clean(&[("Sheet2", PENDUDUK_KELOMPOK_UMUR)], Plain);
}

#[test]
fn penduduk_kelompok_umur_fault() {
    assert_finds(
        &[("Sheet2", PENDUDUK_KELOMPOK_UMUR)],
        Plain,
        ("Sheet2", "E4", "7.451"),
        "SL104",
        "E4",
    );
}

/// Section rows "Sasaran 1: …" merged across the table between the indicator rows.
const PENGUKURAN_BARIS_SASARAN: &str = r#"
#! merge A3:F3
#! merge A6:F6
Tabel 3.1 Pengukuran Kinerja Tahun 2024
No|Indikator Kinerja|Target|Realisasi|Capaian (%)|Predikat
Sasaran 1: Meningkatnya kualitas pelayanan publik|||||
1|Indeks Kepuasan Masyarakat|86,50|88,74|102,59|Baik Sekali
2|Persentase permohonan layanan yang diselesaikan tepat waktu|95,00|96,85|101,95|Baik Sekali
Sasaran 2: Meningkatnya akuntabilitas kinerja|||||
3|Nilai SAKIP Kecamatan|78,00|79,46|101,87|Baik Sekali
4|Indeks Profesionalitas ASN|82,00|76,10|92,80|Baik
"#;

#[test]
fn pengukuran_baris_sasaran_clean() {
    assert_clean(&[("Sheet1", PENGUKURAN_BARIS_SASARAN)], Plain);
}

#[test]
fn pengukuran_baris_sasaran_fault_capaian() {
    assert_finds(
        &[("Sheet1", PENGUKURAN_BARIS_SASARAN)],
        Plain,
        ("Sheet1", "E7", "101,78"),
        "SL201",
        "E7",
    );
}

#[test]
fn pengukuran_baris_sasaran_fault_predikat() {
    assert_finds(
        &[("Sheet1", PENGUKURAN_BARIS_SASARAN)],
        Plain,
        ("Sheet1", "F8", "Cukup"),
        "SL301",
        "F8",
    );
}

/// "Target Kinerja pada Akhir Periode Renstra (2026)" and "Realisasi s.d. Tahun 2024".
const KEMAJUAN_KATA_LAIN: &str = r#"
Tabel 3.10 Tingkat Kemajuan Capaian Kinerja
No|Indikator Kinerja|Target Kinerja pada Akhir Periode Renstra (2026)|Realisasi s.d. Tahun 2024|Tingkat Kemajuan (%)
1|Indeks Kepuasan Masyarakat|88,00|88,74|100,84
2|Nilai SAKIP Kecamatan|82,00|79,46|96,90
3|Indeks Profesionalitas ASN|86,00|83,47|97,06
"#;

#[test]
fn kemajuan_header_kata_lain_clean() {
    assert_clean(&[("Sheet1", KEMAJUAN_KATA_LAIN)], Plain);
}

#[test]
fn kemajuan_header_kata_lain_fault() {
    assert_finds(
        &[("Sheet1", KEMAJUAN_KATA_LAIN)],
        Plain,
        ("Sheet1", "E4", "96,09"),
        "SL204",
        "E4",
    );
}

/// "Serapan Anggaran (%)" for the penyerapan.
const EFISIENSI_SERAPAN: &str = r#"
Tabel 3.9 Efisiensi Penggunaan Sumber Daya
No|Sasaran Strategis|Capaian Kinerja (%)|Serapan Anggaran (%)|Tingkat Efisiensi (%)
1|Meningkatnya kualitas pelayanan publik|102,59|96,26|6,33
2|Meningkatnya akuntabilitas kinerja|101,87|96,11|5,76
3|Meningkatnya keberdayaan lembaga kemasyarakatan desa|98,24|98,68|-0,44
"#;

#[test]
fn efisiensi_serapan_anggaran_clean() {
    assert_clean(&[("Sheet1", EFISIENSI_SERAPAN)], Plain);
}

#[test]
fn efisiensi_serapan_anggaran_fault() {
    assert_finds(
        &[("Sheet1", EFISIENSI_SERAPAN)],
        Plain,
        ("Sheet1", "E4", "5,67"),
        "SL205",
        "E4",
    );
}

/// The percent column headed "Realisasi (%)".
const LRA_REALISASI_PERSEN_KURUNG: &str = r#"
Tabel 3.3 Realisasi Anggaran
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|Realisasi (%)
1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
3|Belanja Modal|21.850.000|21.600.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_header_realisasi_persen_clean() {
    assert_clean(&[("LRA", LRA_REALISASI_PERSEN_KURUNG)], Plain);
}

#[test]
fn lra_header_realisasi_persen_fault() {
    assert_finds(
        &[("LRA", LRA_REALISASI_PERSEN_KURUNG)],
        Plain,
        ("LRA", "E4", "93,98"),
        "SL202",
        "E4",
    );
}

/// The percent column headed "Persentase (%)", money columns without "(Rp)".
const LRA_PERSENTASE_KURUNG: &str = r#"
Tabel 3.3 Realisasi Anggaran
No|Uraian|Anggaran|Realisasi|Persentase (%)
1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92
2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39
3|Belanja Modal|21.850.000|21.600.000|98,86
|Jumlah|2.179.861.500|2.098.433.586|96,26
"#;

#[test]
fn lra_header_persentase_persen_clean() {
    assert_clean(&[("LRA", LRA_PERSENTASE_KURUNG)], Plain);
}

#[test]
fn lra_header_persentase_persen_fault() {
    assert_finds(
        &[("LRA", LRA_PERSENTASE_KURUNG)],
        Plain,
        ("LRA", "E4", "93,98"),
        "SL202",
        "E4",
    );
}

// ---------------------------------------------------------------------------------------
// Pasted from a PDF (issue 11): no title states the year, tables interrupted by page
// breaks, rows shifted from their headers. Each clean case has no warning and no error;
// each single fault gives exactly one error or warning, at its cell.

/// The one finding of warning or error severity of a single-fault case, at `sheet!cell`.
fn assert_only(
    sheets: &[(&str, &str)],
    fault: (&str, &str, &str),
    code: &str,
    cell: &str,
) -> Finding {
    let fs = lint_case(sheets, &form(Fraction), Some(fault));
    let serious: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect();
    let [only] = serious.as_slice() else {
        panic!(
            "fault {fault:?}: expected exactly one {code} at {}!{cell}; found:\n{}",
            fault.0,
            listing(&fs)
        );
    };
    assert_eq!(
        (only.code, only.at.sheet.as_str(), only.at.cell.to_string()),
        (code, fault.0, cell.to_string()),
        "\n{}",
        listing(&fs)
    );
    (*only).clone()
}

/// A sasaran-level submission with no title anywhere: the PK, the measurement, a
/// year-on-year table (realisasi 2023 | 2024) and a Renstra whose first year column is
/// 2022. The report year is 2024 by the realisasi columns, so the Renstra's 2024 column
/// is the one to compare, not its first.
const TANPA_JUDUL_PK: &str = r#"
NO|SASARAN STRATEGIS|INDIKATOR KINERJA|TARGET
1|Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|88,50
2|Meningkatnya akuntabilitas kinerja|Nilai SAKIP Perangkat Daerah|82
"#;
const TANPA_JUDUL_BAB_III: &str = r#"
No|Sasaran|Indikator Kinerja|Target|Realisasi|Capaian (%)
1|Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|88,50|89,00|100,56
2|Meningkatnya akuntabilitas kinerja|Nilai SAKIP Perangkat Daerah|82|82,30|100,37


No|Indikator Kinerja|Realisasi|
||2023|2024
1|Indeks Kepuasan Masyarakat|87,10|89,00
2|Nilai SAKIP Perangkat Daerah|81,90|82,30
"#;
const TANPA_JUDUL_RENSTRA: &str = r#"
Sasaran|Indikator Kinerja|Kondisi Awal|Target Tahun 2022|Target Tahun 2023|Target Tahun 2024|Target Tahun 2025|Target Tahun 2026|Kondisi Akhir
Meningkatnya kualitas pelayanan publik|Indeks Kepuasan Masyarakat|80|86,00|87,00|88,50|89,00|89,50|89,50
Meningkatnya akuntabilitas kinerja|Nilai SAKIP Perangkat Daerah|75|78|80|82|84|86|86
"#;

fn tanpa_judul() -> [(&'static str, &'static str); 3] {
    [
        ("PK", TANPA_JUDUL_PK),
        ("BAB III", TANPA_JUDUL_BAB_III),
        ("BAB II", TANPA_JUDUL_RENSTRA),
    ]
}

#[test]
fn tahun_tanpa_judul_clean() {
    assert_clean(&tanpa_judul(), Fraction);
}

#[test]
fn tahun_tanpa_judul_fault_target_pk() {
    let f = assert_only(&tanpa_judul(), ("PK", "D2", "85,50"), "SL601", "D2");
    // The comparison rests on the inferred year: the finding says so, and warns only.
    assert!(!f.assumed.is_empty(), "no assumption stated");
    assert_eq!(f.severity, Severity::Warning);
}

/// Where the tables disagree on the year (realisasi up to 2024, budget columns of 2023),
/// no year is assumed: the Renstra's dated targets are compared with nothing.
#[test]
fn tahun_bertentangan_tidak_dibandingkan() {
    let pagu = r#"
No|Program|Pagu APBD 2023|Pagu P-APBD 2023
1|Program Penunjang Urusan Pemerintahan Daerah|100.000.000|110.000.000
"#;
    let renstra_lain = TANPA_JUDUL_RENSTRA.replace("88,50|89,00|89,50", "87,75|89,00|89,50");
    let fs = lint_case(
        &[
            ("PK", TANPA_JUDUL_PK),
            ("BAB III", TANPA_JUDUL_BAB_III),
            ("BAB II", &renstra_lain),
            ("Pagu", pagu),
        ],
        &form(Fraction),
        None,
    );
    assert!(
        !fs.iter().any(|f| f.severity >= Severity::Warning),
        "{}",
        listing(&fs)
    );
}

/// A Renja-like kode table whose kegiatan 7.01.01.2.01 has one sub kegiatan after a page
/// break: the kegiatan and the programme foot only when the table is read across it.
const RENJA_SEBELUM_PUTUS: &str = r#"
Kode|Program/Kegiatan/Sub Kegiatan|Indikator Kinerja|Target|Pagu Indikatif (Rp.)
7.01.01|Program Penunjang Urusan Pemerintahan Daerah|Nilai SAKIP Perangkat Daerah|82|150.000.000
7.01.01.2.01|Perencanaan, Penganggaran, dan Evaluasi Kinerja|Persentase dokumen tepat waktu|100%|60.000.000
7.01.01.2.01.01|Penyusunan Dokumen Perencanaan Perangkat Daerah|Jumlah dokumen perencanaan|8 dokumen|20.000.000
7.01.01.2.01.02|Koordinasi dan Penyusunan Laporan Capaian Kinerja|Jumlah laporan capaian kinerja|12 laporan|15.000.000
"#;
const RENJA_SESUDAH_PUTUS: &str = r#"
7.01.01.2.01.07|Evaluasi Kinerja Perangkat Daerah|Jumlah laporan evaluasi kinerja|4 laporan|25.000.000
7.01.01.2.02|Administrasi Keuangan Perangkat Daerah|Persentase realisasi anggaran|95%|90.000.000
7.01.01.2.02.01|Penyediaan Gaji dan Tunjangan ASN|Jumlah orang penerima gaji|28 orang|90.000.000
"#;

/// The interruptions a PDF paste leaves between two pieces of one table.
const PUTUS_HALAMAN: [(&str, &str); 5] = [
    (
        "catatan kaki",
        "\n\nCatatan :\n\n1. Dokumen ini telah ditandatangani secara elektronik dengan menggunakan sertifikat elektronik yang diterbitkan oleh Balai Sertifikasi Elektronik.\n2. UU ITE No. 11 Tahun 2008 Pasal 5 ayat 1 : \"Informasi Elektronik dan/atau Dokumen Elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah\".\n\n",
    ),
    (
        "potongan teks",
        "\n|dan Evaluasi Kinerja Perangkat Daerah\n",
    ),
    ("baris nomor kolom", "\n(1)|(2)|(3)|(4)|(5)\n"),
    (
        "judul diulang",
        "\nKode|Program/Kegiatan/Sub Kegiatan|Indikator Kinerja|Target|Pagu Indikatif (Rp.)\n",
    ),
    ("dua baris kosong", "\n\n\n"),
];

fn renja_putus(kind: usize) -> String {
    let (_, gap) = PUTUS_HALAMAN[kind];
    format!(
        "{}{}{}",
        RENJA_SEBELUM_PUTUS.trim_end(),
        gap,
        RENJA_SESUDAH_PUTUS.trim_start_matches('\n')
    )
}

/// The sheet row (1-based) of the kegiatan 7.01.01.2.01's pagu: row 3 in every variant.
#[test]
fn tabel_putus_halaman_clean() {
    for (k, (name, _)) in PUTUS_HALAMAN.iter().enumerate() {
        let sheet = renja_putus(k);
        let fs = lint_case(&[("Renja", &sheet)], &form(Fraction), None);
        assert!(
            !fs.iter().any(|f| f.severity >= Severity::Warning),
            "{name}:\n{}",
            listing(&fs)
        );
    }
}

#[test]
fn tabel_putus_halaman_fault_kegiatan() {
    for (k, (name, _)) in PUTUS_HALAMAN.iter().enumerate() {
        let sheet = renja_putus(k);
        let f = assert_only(
            &[("Renja", &sheet)],
            ("Renja", "E3", "65.000.000"),
            "SL102",
            "E3",
        );
        // Its sub kegiatan stand on both sides of the break: the finding says it joined them.
        assert!(
            f.assumed.iter().any(|m| m.id == "assumed.table_joined"),
            "{name}: {:?}",
            f.assumed
        );
    }
}

/// Rows pasted one column to the right of their headers, as a PDF paste leaves them: a
/// sub-number split from its indicator ("3.1 | Nilai SAKIP …"), read one column right
/// (the findings say so); and a row whose figures moved right of a blank target, which
/// cannot be read by its headers: nothing is computed with it, and the table says once,
/// as info, that a row does not fit its header.
const BARIS_BERGESER: &str = r#"
No|Kinerja Lainnya|Indikator Kinerja|Target|Realisasi|Capaian (%)
1|Terselenggaranya pelayanan sesuai standar|Persentase pelayanan sesuai standar|100%|100%|100
2|Meningkatnya tatakelola birokrasi|3.1|Nilai SAKIP Perangkat Daerah|82|81,90|99,88
||3.2|Persentase Realisasi Anggaran|91%|95,02%|104,42
3|Optimalisasi kualitas pelayanan|Jumlah inovasi yang berkelanjutan||4 Inovasi|4 Inovasi|100
"#;

#[test]
fn baris_bergeser_clean() {
    let fs = lint_case(&[("BAB III", BARIS_BERGESER)], &form(Fraction), None);
    assert!(
        !fs.iter().any(|f| f.severity >= Severity::Warning),
        "{}",
        listing(&fs)
    );
    let shifted: Vec<&Finding> = fs.iter().filter(|f| f.code == "SL405").collect();
    assert_eq!(shifted.len(), 1, "{}", listing(&fs));
    assert_eq!(shifted[0].at.cell.to_string(), "A5");
}

#[test]
fn baris_bergeser_fault_baris_sejajar() {
    // A fault in a row that does fit its header is still found.
    assert_only(
        &[("BAB III", BARIS_BERGESER)],
        ("BAB III", "F2", "90"),
        "SL201",
        "F2",
    );
}

#[test]
fn baris_bergeser_fault_baris_dibaca_bergeser() {
    // A fault in a row read one column right: found at the cell where it stands (G, right
    // of the last header), as a warning that says how the row was read.
    let f = assert_only(
        &[("BAB III", BARIS_BERGESER)],
        ("BAB III", "G4", "105,42"),
        "SL201",
        "G4",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.assumed.iter().any(|m| m.id == "assumed.row_shifted"),
        "{:?}",
        f.assumed
    );
}

/// Property: inserting any page-break interruption between two data rows of a clean
/// table changes no finding (no error or warning appears, the info codes stay).
mod putus_halaman_properti {
    use super::*;
    use proptest::prelude::*;

    const TABLES: [&str; 3] = [RENJA_SEBELUM_PUTUS, TANPA_JUDUL_BAB_III, BARIS_BERGESER];

    fn codes(fs: &[Finding]) -> Vec<(&'static str, Severity)> {
        let mut c: Vec<_> = fs.iter().map(|f| (f.code, f.severity)).collect();
        c.sort();
        c
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn a_page_break_changes_no_finding(table in 0usize..3, at in 2usize..5, kind in 0usize..5) {
            let whole = match table {
                0 => format!("{}\n{}", RENJA_SEBELUM_PUTUS.trim_end(), RENJA_SESUDAH_PUTUS.trim_start_matches('\n')),
                t => TABLES[t].to_string(),
            };
            let lines: Vec<&str> = whole.trim_matches('\n').lines().collect();
            // Between data rows only: after the header and the first two data rows.
            let at = at.min(lines.len().saturating_sub(1)).max(3);
            let (head, tail) = lines.split_at(at);
            // A repeated header is the table's own.
            let own_header = format!("\n{}\n", lines.first().copied().unwrap_or_default());
            let gap = if PUTUS_HALAMAN[kind].0 == "judul diulang" { own_header.as_str() } else { PUTUS_HALAMAN[kind].1 };
            let broken = format!("{}{}{}", head.join("\n"), gap, tail.join("\n"));
            let before = lint_case(&[("Lamp", &whole)], &form(Fraction), None);
            let after = lint_case(&[("Lamp", &broken)], &form(Fraction), None);
            prop_assert_eq!(codes(&before), codes(&after), "\nbefore:\n{}\nafter:\n{}", listing(&before), listing(&after));
        }
    }
}

/// Headers as people abbreviate and misspell them: "Tgt", "Real.", "% thd Target";
/// "Angg. (Rp)", "Realiasi (Rp)", "% thd Angg.".
const JUDUL_SINGKATAN: &str = r#"
No|Indikator Kinerja|Tgt|Real.|% thd Target
1|Indeks Kepuasan Masyarakat|88,50|89,00|100,56
2|Nilai SAKIP Perangkat Daerah|82|82,30|100,37


No|Uraian|Angg. (Rp)|Realiasi (Rp)|% thd Angg.
1|Belanja Pegawai|1.879.576.000|1.756.845.475|93,47
2|Belanja Barang dan Jasa|642.989.500|639.086.581|99,39
|Jumlah|2.522.565.500|2.395.932.056|94,98
"#;

#[test]
fn judul_singkatan_clean() {
    assert_clean(&[("BAB III", JUDUL_SINGKATAN)], Fraction);
}

#[test]
fn judul_singkatan_fault_capaian() {
    let f = assert_only(
        &[("BAB III", JUDUL_SINGKATAN)],
        ("BAB III", "E3", "100,73"),
        "SL201",
        "E3",
    );
    // "Tgt" and "Real." are read as target and realisasi: the finding says so and warns.
    assert_eq!(f.severity, Severity::Warning);
    let headers: Vec<String> = f
        .assumed
        .iter()
        .filter(|m| m.id == "assumed.weak_header")
        .filter_map(|m| {
            m.args
                .iter()
                .find(|(k, _)| *k == "header")
                .map(|(_, a)| format!("{a:?}"))
        })
        .collect();
    assert!(
        headers.iter().any(|h| h.contains("tgt")) && headers.iter().any(|h| h.contains("real.")),
        "{headers:?}"
    );
}

#[test]
fn judul_singkatan_fault_persen_anggaran() {
    assert_only(
        &[("BAB III", JUDUL_SINGKATAN)],
        ("BAB III", "E8", "99,93"),
        "SL202",
        "E8",
    );
}

/// An LRA with a column of figures right of its last header on every row (an unheaded
/// helper column): a column without a header, not rows shifted — the table is still checked.
const KOLOM_TANPA_JUDUL: &str = r#"
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|%
1|Belanja Pegawai|1.879.204.000|1.802.517.816|95,92|1
2|Belanja Barang dan Jasa|278.807.500|274.315.770|98,39|2
3|Belanja Modal|21.850.000|21.600.000|98,86|3
|Jumlah|2.179.861.500|2.098.433.586|96,26|
"#;

#[test]
fn kolom_tanpa_judul_clean() {
    let fs = lint_case(&[("LRA", KOLOM_TANPA_JUDUL)], &form(Fraction), None);
    assert!(
        fs.iter()
            .all(|f| f.severity < Severity::Warning && f.code != "SL405"),
        "{}",
        listing(&fs)
    );
}

#[test]
fn kolom_tanpa_judul_fault_persen() {
    assert_only(
        &[("LRA", KOLOM_TANPA_JUDUL)],
        ("LRA", "E3", "98,93"),
        "SL202",
        "E3",
    );
}

/// A table ends at its total row: a footer and more rows of its shape after it are not
/// joined to it (another block, here with a total of its own).
const SESUDAH_JUMLAH: &str = r#"
No|Uraian|Anggaran (Rp)|Realisasi (Rp)|%
1|Belanja Pegawai|100.000.000|90.000.000|90,00
2|Belanja Barang dan Jasa|200.000.000|180.000.000|90,00
|Jumlah|300.000.000|270.000.000|90,00


Catatan :
1. Dokumen ini telah ditandatangani secara elektronik dengan menggunakan sertifikat elektronik.

1|Belanja Hibah|50.000.000|40.000.000|80,00
2|Belanja Tidak Terduga|60.000.000|30.000.000|50,00
|Jumlah|110.000.000|70.000.000|63,64
"#;

#[test]
fn tidak_disambung_sesudah_jumlah_clean() {
    assert_clean(&[("LRA", SESUDAH_JUMLAH)], Fraction);
}
