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
    let got = current();
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
