//! SL603 (item-count-mismatch) counts programmes, kegiatan and sub kegiatan only where a
//! table's rows are known to be of that level (kode length, level words, or the numbering
//! I → A → 1 under rows confirmed as programmes), and compares a level only between
//! documents that both list it. A Pengukuran Kinerja at the sasaran level (indicator rows
//! numbered 1, 2, 3 …) lists no programmes.
//!
//! Each case is a small workbook written from inline text (one line per row, cells
//! separated by `|`), linted as one submission.

mod common;
use common::*;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::finding::{Finding, Severity};
use sakip_lint::rules::Rules;

/// Write `lampiran.xlsx` with one sheet per (name, inline text) into a fresh temporary
/// folder and lint that folder.
fn lint_sheets(sheets: &[(&str, &str)]) -> Vec<Finding> {
    let tmp = tempfile::tempdir().unwrap();
    write_inline(tmp.path(), sheets);
    findings(tmp.path())
}

/// "CODE severity Sheet!Cell" of every error and warning.
fn serious(fs: &[Finding]) -> Vec<String> {
    fs.iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(placed)
        .collect()
}

/// Programme level, by kode: 2 programmes (3 segments), 2 kegiatan (5), 3 sub kegiatan (6).
const RENJA: &str = "
Rencana Kerja Perubahan Tahun 2024
Kode | Program / Kegiatan / Sub Kegiatan | Indikator | Target Sebelum | Target Sesudah | APBD 2024 | P-APBD 2024
7.01.02 | Program Penyelenggaraan Pemerintahan dan Pelayanan Publik | Persentase pelayanan tepat waktu | 100% | 100% | 50.000.000 | 50.000.000
7.01.02.2.01 | Pelaksanaan Urusan Pemerintahan yang Dilimpahkan kepada Camat | Jumlah layanan | 1200 | 1200 | 50.000.000 | 50.000.000
7.01.02.2.01.0001 | Pelayanan Perizinan Non Usaha | Jumlah rekomendasi | 240 | 240 | 20.000.000 | 20.000.000
7.01.02.2.01.0002 | Pelayanan Nonperizinan | Jumlah surat keterangan | 960 | 960 | 30.000.000 | 30.000.000
7.01.06 | Program Pembinaan dan Pengawasan Pemerintahan Desa | Persentase hasil koordinasi yang ditindaklanjuti | 100% | 100% | 40.000.000 | 40.000.000
7.01.06.2.01 | Fasilitasi Pembinaan dan Pengawasan Pemerintahan Desa | Jumlah fasilitasi pembinaan desa | 18 | 18 | 40.000.000 | 40.000.000
7.01.06.2.01.0002 | Fasilitasi Administrasi Tata Pemerintahan Desa | Jumlah dokumen yang difasilitasi | 18 | 18 | 40.000.000 | 40.000.000
";

/// Sasaran level: indicator rows numbered 1..n, no kode, no level words.
const PENGUKURAN_SASARAN: &str = "
Pengukuran Kinerja Tahun 2024
No | Sasaran Strategis | Indikator Kinerja | Target | Realisasi | Capaian (%)
1 | Meningkatnya kualitas pelayanan publik | Indeks Kepuasan Masyarakat | 85 | 88 | 103,53
2 | Meningkatnya akuntabilitas kinerja | Nilai SAKIP | 70 | 72 | 102,86
3 | Meningkatnya profesionalitas aparatur | Indeks Profesionalitas ASN | 80 | 84 | 105,00
";

/// Programme level: I → A → 1, the top rows named "Program …"; the Renja's items.
const PENGUKURAN_PROGRAM: &str = "
Pengukuran Kinerja Program, Kegiatan dan Sub Kegiatan Tahun 2024
No | Program / Kegiatan / Sub Kegiatan | Indikator | Target | Realisasi | Capaian (%)
I | Program Penyelenggaraan Pemerintahan dan Pelayanan Publik | Persentase pelayanan tepat waktu | 100 | 100 | 100,00
A | Pelaksanaan Urusan Pemerintahan yang Dilimpahkan kepada Camat | Jumlah layanan | 1200 | 1200 | 100,00
1 | Pelayanan Perizinan Non Usaha | Jumlah rekomendasi | 240 | 240 | 100,00
2 | Pelayanan Nonperizinan | Jumlah surat keterangan | 960 | 960 | 100,00
II | Program Pembinaan dan Pengawasan Pemerintahan Desa | Persentase hasil koordinasi yang ditindaklanjuti | 100 | 100 | 100,00
B | Fasilitasi Pembinaan dan Pengawasan Pemerintahan Desa | Jumlah fasilitasi pembinaan desa | 18 | 18 | 100,00
3 | Fasilitasi Administrasi Tata Pemerintahan Desa | Jumlah dokumen yang difasilitasi | 18 | 18 | 100,00
";

#[test]
fn sasaran_level_pengukuran_is_not_counted_as_programmes() {
    let fs = lint_sheets(&[("Renja", RENJA), ("Pengukuran", PENGUKURAN_SASARAN)]);
    assert_eq!(serious(&fs), Vec::<String>::new());
    assert!(fs.iter().all(|f| f.code != "SL603"), "{fs:#?}");
}

#[test]
fn sasaran_level_rows_under_a_numbered_sasaran_are_not_counted() {
    // Sasaran I, II with indicators 1, 2 …: a numbering, but no programme at its top.
    let nested = "
Pengukuran Kinerja Tahun 2024
No | Sasaran / Indikator Kinerja | Indikator | Target | Realisasi | Capaian (%)
I | Meningkatnya kualitas pelayanan publik | Indeks Kepuasan Masyarakat | 85 | 88 | 103,53
A | Meningkatnya akuntabilitas kinerja | Nilai SAKIP | 70 | 72 | 102,86
1 | Meningkatnya profesionalitas aparatur | Indeks Profesionalitas ASN | 80 | 84 | 105,00
2 | Meningkatnya kualitas perencanaan | Nilai evaluasi Renja | 80 | 80 | 100,00
";
    let fs = lint_sheets(&[("Renja", RENJA), ("Pengukuran", nested)]);
    assert_eq!(serious(&fs), Vec::<String>::new());
}

#[test]
fn programme_level_pengukuran_with_the_renja_items_is_clean() {
    let fs = lint_sheets(&[("Renja", RENJA), ("Pengukuran", PENGUKURAN_PROGRAM)]);
    assert_eq!(serious(&fs), Vec::<String>::new());
    // Both forms in one submission: the sasaran table lists no level, the programme
    // table the Renja's.
    let fs = lint_sheets(&[
        ("Renja", RENJA),
        ("Sasaran", PENGUKURAN_SASARAN),
        ("Pengukuran", PENGUKURAN_PROGRAM),
    ]);
    assert_eq!(serious(&fs), Vec::<String>::new());
}

#[test]
fn a_missing_sub_kegiatan_is_one_finding_naming_level_and_basis() {
    let short: String = PENGUKURAN_PROGRAM
        .lines()
        .filter(|l| !l.starts_with("2 | Pelayanan Nonperizinan"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        short.lines().count() + 1,
        PENGUKURAN_PROGRAM.lines().count()
    );
    for sheets in [
        vec![("Renja", RENJA), ("Pengukuran", short.as_str())],
        // The sasaran table beside it changes nothing.
        vec![
            ("Renja", RENJA),
            ("Sasaran", PENGUKURAN_SASARAN),
            ("Pengukuran", short.as_str()),
        ],
    ] {
        let fs = lint_sheets(&sheets);
        assert_eq!(serious(&fs), vec!["SL603 warning Pengukuran!A2"]);
        let f = fs.iter().find(|f| f.code == "SL603").unwrap();
        let rules = Rules::embedded().unwrap();
        let en = Catalog::new(&rules, Lang::En).render(&f.message);
        assert!(en.contains("lists 2 sub kegiatan"), "{en}");
        assert!(en.contains("the numbering I → A → 1"), "{en}");
        assert!(
            en.contains("the Renja lists 3, recognised by their kode length"),
            "{en}"
        );
        let id = Catalog::new(&rules, Lang::Id).render(&f.message);
        assert!(id.contains("memuat 2 sub kegiatan"), "{id}");
        assert!(id.contains("panjang kodenya"), "{id}");
    }
}

#[test]
fn a_level_is_compared_only_where_both_documents_list_it() {
    // A PK budget table lists programmes only ("Program …"): its kegiatan are not
    // compared, and a Pengukuran that lists programmes by words only (no numbering under
    // them) is compared on programmes only.
    let by_words = "
Pengukuran Kinerja Program Tahun 2024
Program | Indikator | Target | Realisasi | Capaian (%)
Program Penyelenggaraan Pemerintahan dan Pelayanan Publik | Persentase pelayanan tepat waktu | 100 | 100 | 100,00
Program Pembinaan dan Pengawasan Pemerintahan Desa | Persentase hasil koordinasi yang ditindaklanjuti | 100 | 100 | 100,00
";
    let fs = lint_sheets(&[("Renja", RENJA), ("Pengukuran", by_words)]);
    assert_eq!(serious(&fs), Vec::<String>::new());
    // One programme missing there is found, by its words.
    let one: String = by_words
        .lines()
        .filter(|l| !l.starts_with("Program Pembinaan"))
        .collect::<Vec<_>>()
        .join("\n");
    let fs = lint_sheets(&[("Renja", RENJA), ("Pengukuran", &one)]);
    assert_eq!(serious(&fs), vec!["SL603 warning Pengukuran!A2"]);
    let rules = Rules::embedded().unwrap();
    let en = Catalog::new(&rules, Lang::En).render(&fs[0].message);
    assert!(
        en.contains("lists 1 programmes, recognised by the words of their names"),
        "{en}"
    );
}
