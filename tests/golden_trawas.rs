//! The Trawas 2024 fixture: every contradiction of the real report that the checks of
//! this issue cover is reported at its cell, and nothing else (tests/golden/trawas-2024.txt).
//! Regenerate the golden list after a deliberate change with UPDATE_GOLDEN=1.

mod common;
use common::*;

fn current() -> Vec<String> {
    let mut keys: Vec<String> = findings(&root().join("fixtures/trawas-2024"))
        .iter()
        .map(key)
        .collect();
    keys.sort();
    keys
}

#[test]
fn trawas_findings_match_the_golden_list() {
    let golden_path = root().join("tests/golden/trawas-2024.txt");
    let got = current();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, got.join("\n") + "\n").expect("write golden");
    }
    let want: Vec<String> = std::fs::read_to_string(&golden_path)
        .expect("golden list")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
}

/// The contradictions the issue names, each at its cell (independent of the golden file).
#[test]
fn the_named_contradictions_are_found() {
    // A contradiction explained by another cell's fault is reported there, at its own
    // cell among the related places ("karena itu juga: …"): found all the same.
    let fs = findings(&root().join("fixtures/trawas-2024"));
    let mut got: Vec<String> = fs.iter().map(key).collect();
    for f in &fs {
        let file = std::path::Path::new(&f.at.file)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for r in f.related.iter().filter(|r| r.note.id == "note.therefore") {
            if let Some((_, sakip_lint::finding::Arg::Text(code))) =
                r.note.args.iter().find(|(name, _)| *name == "code")
            {
                got.push(format!("{code} {file} {}!{}", r.at.sheet, r.at.cell));
            }
        }
    }
    // Belanja Operasi C3 does not foot because Belanja Pegawai C4 has 97/79 transposed
    // (the LRA says 1.879.576.000): one finding, at C4, with C3 folded into it.
    let c4 = fs
        .iter()
        .find(|f| f.code == "SL601" && f.at.sheet == "Keuangan" && f.at.cell.to_string() == "C4")
        .expect("SL601 Keuangan!C4");
    assert!(
        c4.related
            .iter()
            .any(|r| r.note.id == "note.therefore" && r.at.cell.to_string() == "C3"),
        "{c4:#?}"
    );
    let must = [
        // resources table: Belanja Operasi 2.522.565.500 ≠ 1.897.576.000 + 642.989.500 + 0
        "SL102 lkjip-tabel.xlsx Keuangan!C3",
        // LRA per program: 2.088.129.556 / 2.214.049.000 = 94,31 % printed 91,78
        "SL202 lra.xlsx Tabel 3.2!F6",
        // Renja: Penyediaan Jasa Penunjang APBD 135.000.000 ≠ 39.000.000 + 102.000.000
        "SL102 renja.xlsx Lamp 2 Renja!J32",
        // measurement lampiran: target 83, realisasi 100, capaian printed 100,37 (120,48)
        "SL201 pengukuran.xlsx Pengukuran!H13",
        // Renstra progress: IP ASN 78,33 / 74 printed 119,19 (105,85)
        "SL204 lkjip-tabel.xlsx Tabel 3.1.3!G10",
        // capaian 100 labelled Baik Sekali where the scale puts 100 % in Baik
        "SL301 lkjip-tabel.xlsx Kesimpulan!G5",
        "SL301 lkjip-tabel.xlsx Tabel 3.1.1!G6",
        // success scale leaving exactly 100 % in no band; nilai scale hole at 90,01
        "SL302 lkjip-tabel.xlsx Tabel 3.1.5!B17",
        "SL302 lkjip-tabel.xlsx Tabel 3.1!B10",
        // Renstra year headers 2022, 2024, 2024, 2025, 2026
        "SL401 renstra.xlsx Renstra!I2",
        // "28 dokumen" a year but "140 laporan" at period end
        "SL403 renstra.xlsx Renstra!Q13",
    ];
    for m in must {
        assert!(got.iter().any(|g| g == m), "not found: {m}\ngot: {got:#?}");
    }
}

/// Tables whose arithmetic holds produce nothing: population, staff, LRA by economic
/// class, the Renstra Rp sums.
#[test]
fn consistent_tables_are_quiet() {
    let got = current();
    for quiet in ["Tabel 1.1!", "SDM!", "lra.xlsx LRA!", "SL103 ", "SL104 "] {
        assert!(
            !got.iter().any(|g| g.contains(quiet)),
            "unexpected finding matching {quiet}: {got:#?}"
        );
    }
}

/// Cross-document identity: the conflicts the issue names, at the disagreeing cells, with
/// their severity and hint.
#[test]
fn the_named_conflicts_are_found_with_severity_and_hint() {
    let fs = findings(&root().join("fixtures/trawas-2024"));
    let find = |code: &str, sheet: &str, cell: &str| {
        fs.iter()
            .find(|f| f.code == code && f.at.sheet == sheet && f.at.cell.to_string() == cell)
            .unwrap_or_else(|| {
                panic!(
                    "no {code} at {sheet}!{cell}: {:#?}",
                    fs.iter().map(key).collect::<Vec<_>>()
                )
            })
    };
    use sakip_lint::finding::Severity::{Error, Warning};
    let hint = |f: &sakip_lint::finding::Finding| f.help.as_ref().map(|h| h.id).unwrap_or("");
    // Budget absorption 92,81 % (twice) and 95,04 % against 95,02 % from the LRA.
    for (sheet, cell) in [
        ("Tabel 3.1.4", "D9"),
        ("Tabel 3.1.4 PEMDA", "E9"),
        ("Tabel 3.1.3", "F9"),
    ] {
        let f = find("SL601", sheet, cell);
        assert_eq!(f.severity, Error);
        assert!(
            f.related.iter().any(|r| r.at.sheet == "LRA"),
            "{sheet}!{cell} names the LRA"
        );
    }
    // IKM realisasi 89,52 against 88,85, and its capaian 101,37 against 100,61.
    assert_eq!(find("SL601", "Kesimpulan", "E2").severity, Error);
    for (sheet, cell) in [
        ("Tabel 3.1.5", "D4"),
        ("Tabel 3.7", "D4"),
        ("Kesimpulan", "F2"),
    ] {
        assert_eq!(
            hint(find("SL601", sheet, cell)),
            "hint.from_other_realisasi"
        );
    }
    // Belanja Pegawai 1.897.576.000 (resources) against 1.879.576.000 (LRA): transposition.
    assert_eq!(hint(find("SL601", "Keuangan", "C4")), "hint.transposed");
    // IP ASN 2024 realisation 84,23 in the year-on-year table: an earlier year's figure.
    assert_eq!(hint(find("SL601", "Tabel 3.1.2", "G12")), "hint.last_year");
    // SAKIP capaian 100,36 (truncated) against 100,37 (rounded).
    assert_eq!(find("SL602", "Kesimpulan", "F7").severity, Warning);
    // Renja target of Pemeliharaan/Rehabilitasi Sarana dan Prasarana 6 against the lampiran's 3.
    let f = find("SL601", "Pengukuran", "D32");
    assert!(f.related.iter().any(|r| r.at.sheet == "Lamp 2 Renja"));
    // PK targets against Renja and Renstra targets for 2024: warnings.
    for (sheet, cell) in [
        ("Lamp 2 Renja", "I18"),
        ("Lamp 2 Renja", "I22"),
        ("Renstra", "K7"),
        ("Renstra", "K12"),
    ] {
        assert_eq!(
            find("SL601", sheet, cell).severity,
            Warning,
            "{sheet}!{cell}"
        );
    }
    // The programme indicator "Persentase pelayanan …" carrying IKM's 88,31 and 89,52.
    for cell in ["D3", "F3"] {
        assert_eq!(
            hint(find("SL601", "Pengukuran", cell)),
            "hint.other_subject"
        );
    }
}
