//! Words with figures are not malformed figures (issue 11). A target such as
//! "12 laporan 4 kali" or "1 paket 250 orang" — quantities with their units, the words
//! sometimes broken by the PDF ("5 pelayan an") — is a text target: no SL501, and not an
//! operand of capaian (it is not one figure). SL501 stays for what looks like one number
//! and cannot be one ("2.416.254.056,00,00", "1.2.3,4", "95,,02").

mod common;
use common::*;
use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
use sakip_lint::finding::{Finding, Severity};
use std::path::Path;

/// A Pengukuran table. Its Target and Realisasi columns hold mostly figures (so they are
/// figure columns, where SL501 looks), and quantities with units in rows 1–6. Row 3's
/// capaian 75,00 is 3 kali of 4: were "12 laporan 4 kali" read as 12 (and "12 laporan
/// 3 kali" as 12), capaian would be checked against 12 / 12 × 100 = 100.
const PENGUKURAN: &str = "\
PENGUKURAN KINERJA TAHUN 2024
No|Indikator|Target|Realisasi|Capaian (%)
1|Jumlah laporan kinerja yang disusun|12 laporan 4 kali|12 laporan 4 kali|100,00
2|Jumlah peserta sosialisasi|1 paket 250 orang|1 paket 250 orang|100,00
3|Jumlah laporan rapat koordinasi|12 laporan 4 kali|12 laporan 3 kali|75,00
4|Jumlah pelayanan administrasi|5 pelayan an|5 pelayan an|100,00
5|Jumlah bimbingan teknis|2 Bimtek|2 Bimtek|100,00
6|Jumlah tenaga kerja terlatih|4 Tenaga Kerja|4 Tenaga Kerja|100,00
7|Nilai SAKIP Kecamatan|78,00|79,46|101,87
8|Persentase dokumen yang tersusun tepat waktu|100|100|100,00
9|Indeks Kepuasan Masyarakat|82,00|83,47|101,79
10|Jumlah desa yang difasilitasi|12|12|100,00
11|Persentase realisasi anggaran|95|96,26|101,33
";

/// Write the table (with `fault` = (cell, text) applied) as `lampiran.xlsx` in a fresh
/// folder and lint it.
fn lint_table(numbers: NumberStyle, fault: Option<(&str, &str)>) -> Vec<Finding> {
    let tsv: String = PENGUKURAN
        .lines()
        .map(|l| l.replace('|', "\t") + "\n")
        .collect();
    let mut sheet =
        source::parse_sheet("Pengukuran", &tsv, Path::new("inline.tsv")).expect("sheet text");
    if let Some((cell, text)) = fault {
        sheet.set(cell, text).expect("fault cell");
    }
    let wb = SourceWorkbook {
        name: "lampiran".into(),
        sheets: vec![sheet],
    };
    let form = Form {
        numbers,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    source::write_xlsx(&wb, &form, &dir.path().join("lampiran.xlsx")).expect("write xlsx");
    findings(dir.path())
}

fn keys(fs: &[Finding]) -> Vec<String> {
    fs.iter().map(key).collect()
}

#[test]
fn quantities_with_units_are_clean() {
    for numbers in [NumberStyle::Plain, NumberStyle::Text] {
        let fs = lint_table(numbers, None);
        assert_eq!(serious(&fs), Vec::<String>::new(), "{numbers:?}: {fs:#?}");
        assert!(
            !fs.iter().any(|f| f.code == "SL501"),
            "{numbers:?}: {:?}",
            keys(&fs)
        );
    }
}

/// The table is read as expected: the figure columns are checked (a wrong capaian in a
/// row of figures is found), so the clean result above is not for want of a table.
#[test]
fn the_figure_columns_are_checked() {
    let fs = lint_table(NumberStyle::Plain, Some(("E9", "110,00")));
    assert_eq!(
        serious(&fs),
        ["SL201 lampiran.xlsx Pengukuran!E9"],
        "{fs:#?}"
    );
}

#[test]
fn one_malformed_figure_is_one_sl501() {
    for numbers in [NumberStyle::Plain, NumberStyle::Text] {
        for (cell, text) in [
            ("D9", "2.416.254.056,00,00"),
            ("C10", "1.2.3,4"),
            ("D13", "95,,02"),
        ] {
            let fs = lint_table(numbers, Some((cell, text)));
            let want = format!("SL501 lampiran.xlsx Pengukuran!{cell}");
            let sl501: Vec<String> = fs.iter().filter(|f| f.code == "SL501").map(key).collect();
            assert_eq!(
                sl501,
                std::slice::from_ref(&want),
                "{numbers:?} {text}: {fs:#?}"
            );
            assert_eq!(serious(&fs), [want], "{numbers:?} {text}: {fs:#?}");
            assert!(
                fs.iter()
                    .all(|f| f.code == "SL501" || f.severity < Severity::Warning),
                "{numbers:?} {text}"
            );
        }
    }
}
