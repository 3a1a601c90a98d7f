//! Rules not exercised by the Sukamaju mutants: each on a small clean table (quiet) and
//! with one fault (found at its cell); and rules changed from a --rules folder.

mod common;
use common::*;
use sakip_lint::finding::Severity;
use sakip_lint::lint::{self, Options};
use sakip_lint::rules::Rules;
use sakip_lint::submission;
use std::path::Path;

fn lint_with(dir: &Path, rules: Rules) -> Vec<String> {
    let subs = submission::discover(&[dir.to_path_buf()]).unwrap();
    let opts = Options {
        rules,
        select: vec![],
        ignore: vec![],
    };
    subs.iter()
        .flat_map(|s| lint::lint_submission(s, &opts).findings)
        .map(|f| placed(&f))
        .collect()
}

const CAPAIAN: &str = "Tabel 3.1 Capaian Kinerja
No | Indikator Kinerja | Target | Realisasi | Capaian (%) | Predikat
1 | Nilai SAKIP | 82 | 82,3 | 100,37 | Baik Sekali
2 | Indeks Profesionalitas ASN | 80 | 76 | 95,00 | Baik

No | Rentang Capaian | Kategori
1 | Lebih dari 100 % | Baik Sekali
2 | Lebih dari 75 % sd. 100 % | Baik
3 | 55 % sd. 75 % | Cukup
4 | Kurang dari 55 % | Kurang";

#[test]
fn clean_table_is_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", CAPAIAN);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
}

#[test]
fn truncation_is_info_sl206() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", &CAPAIAN.replace("100,37", "100,36"));
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL206 info Capaian!E3"]
    );
}

#[test]
fn overlap_sl303_and_label_outside_every_scale_sl304() {
    let tmp = tempfile::tempdir().unwrap();
    // The known label of the other row is still rated: 100,37 is Baik Sekali, not Baik.
    let text = CAPAIAN
        .replace("55 % sd. 75 %", "55 % sd. 80 %")
        .replace("100,37 | Baik Sekali", "100,37 | Baik")
        .replace("95,00 | Baik", "95,00 | Memuaskan");
    one_sheet_workbook(tmp.path(), "Capaian", &text);
    let got = lint_with(tmp.path(), Rules::embedded().unwrap());
    assert!(
        got.contains(&"SL303 warning Capaian!B9".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"SL304 info Capaian!F4".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"SL301 error Capaian!F3".to_string()),
        "{got:?}"
    );
    assert_eq!(got.len(), 3, "{got:?}");
}

#[test]
fn rules_folder_adds_a_relation_and_changes_a_severity() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Pegawai",
        "No | Jabatan | Laki-laki | Perempuan | Jumlah | Rasio
1 | Staf | 4 | 6 | 10 | 40
2 | Kepala Seksi | 2 | 3 | 5 | 50",
    );
    let rules_dir = tempfile::tempdir().unwrap();
    // A user's own relation: rasio = laki-laki / jumlah × 100, with a code of its own.
    let relations = std::fs::read_to_string(root().join("rules/relations.toml")).unwrap()
        + "\n[[relation]]\ncode = \"SL299\"\nname = \"rasio\"\ntarget = \"rasio\"\nexpr = \"laki / jumlah * 100\"\n";
    std::fs::write(rules_dir.path().join("relations.toml"), relations).unwrap();
    let vocabulary = std::fs::read_to_string(root().join("rules/vocabulary.toml"))
        .unwrap()
        .replacen(
            "[[role]]",
            "[[role]]\nname = \"rasio\"\nkind = \"ratio\"\npatterns = ['^rasio']\n\n[[role]]",
            1,
        );
    std::fs::write(rules_dir.path().join("vocabulary.toml"), vocabulary).unwrap();
    std::fs::write(
        rules_dir.path().join("checks.toml"),
        "disabled = []\nmax_cells = 4000000\n[severity]\nSL299 = \"warning\"\n",
    )
    .unwrap();
    let rules = Rules::with_dir(rules_dir.path()).unwrap();
    // 2 / 5 × 100 = 40, not 50.
    assert_eq!(
        lint_with(tmp.path(), rules),
        vec!["SL299 warning Pegawai!F3"]
    );
    // Without the folder the column means nothing and nothing is reported.
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
}

#[test]
fn a_broken_rules_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("relations.toml"),
        "[[relation]]\ncode = \"SL299\"\nname = \"x\"\ntarget = \"a\"\nexpr = \"b +\"\n",
    )
    .unwrap();
    let err = Rules::with_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("relations.toml") && err.contains('x'), "{err}");
    let _ = Severity::Info;
}

const RENJA: &str = "Rencana Kerja Tahun 2024
Kode | Program / Kegiatan / Sub Kegiatan | Indikator | Target Sebelum | Target Sesudah | APBD 2024 | P-APBD 2024
7.01.02 | Program Penyelenggaraan Pemerintahan | Persentase pelayanan tepat waktu | 100% | 100% | 50.000.000 | 50.000.000
7.01.02.2.01 | Pelaksanaan Urusan yang Dilimpahkan | Jumlah layanan | 1200 | 1200 | 50.000.000 | 50.000.000
7.01.02.2.01.0001 | Pelayanan Perizinan Non Usaha | Jumlah rekomendasi | 240 | 240 | 20.000.000 | 20.000.000
7.01.02.2.01.0002 | Pelayanan Nonperizinan | Jumlah surat | 960 | 960 | 30.000.000 | 30.000.000";

const PENGUKURAN: &str = "Pengukuran Kinerja Program, Kegiatan dan Sub Kegiatan
No | Program / Kegiatan | Indikator | Target | Realisasi | Capaian (%) 
I | Program Penyelenggaraan Pemerintahan | Persentase pelayanan tepat waktu | 100 | 100 | 100,00
A | Pelaksanaan Urusan yang Dilimpahkan | Jumlah layanan | 1200 | 1200 | 100,00
1 | Pelayanan Perizinan Non Usaha | Jumlah rekomendasi | 240 | 240 | 100,00
2 | Pelayanan Nonperizinan | Jumlah surat | 960 | 960 | 100,00";

#[test]
fn counts_of_sub_kegiatan_agree_sl603() {
    let tmp = tempfile::tempdir().unwrap();
    write_inline(tmp.path(), &[("Renja", RENJA), ("Pengukuran", PENGUKURAN)]);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    // The lampiran forgets a sub kegiatan.
    let tmp = tempfile::tempdir().unwrap();
    let short: String = PENGUKURAN.lines().take(5).collect::<Vec<_>>().join("\n");
    write_inline(tmp.path(), &[("Renja", RENJA), ("Pengukuran", &short)]);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL603 warning Pengukuran!A2"]
    );
    // A target changed in the lampiran disagrees with the Renja (a document link: error).
    let tmp = tempfile::tempdir().unwrap();
    write_inline(
        tmp.path(),
        &[
            ("Renja", RENJA),
            (
                "Pengukuran",
                &PENGUKURAN.replace("| 960 | 960 | 100,00", "| 690 | 960 | 139,13"),
            ),
        ],
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL601 error Pengukuran!D6"]
    );
}

/// Every code in rules/relations.toml is a documented rule (`explain`, `--select`).
#[test]
fn every_relation_code_is_a_rule() {
    let rules = Rules::embedded().unwrap();
    for r in &rules.relations {
        assert!(
            sakip_lint::checks::rule(&r.code).is_some(),
            "{} ({})",
            r.code,
            r.name
        );
    }
    assert!(sakip_lint::checks::rule("SL207").is_some());
}

#[test]
fn polarity_is_read_from_the_whole_phrase_and_hinted() {
    // "… yang ditindaklanjuti" is higher-is-better; only "tidak/belum …" is lower-is-better.
    let table = "Tabel Capaian
No | Indikator Kinerja | Target | Realisasi | Capaian (%)
1 | Persentase pengaduan masyarakat yang ditindaklanjuti | 90 | 95 | 105,56
2 | Persentase temuan BPK yang ditindaklanjuti | 80 | 88 | 110,00
3 | Persentase pengaduan yang tidak ditindaklanjuti | 10 | 8 | 120,00";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", table);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    // An unlisted lower-is-better indicator: the finding says which formula fits.
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Capaian",
        "Tabel Capaian
No | Indikator Kinerja | Target | Realisasi | Capaian (%)
1 | Rata-rata hari menunggu layanan KTP | 3 | 2 | 133,33",
    );
    let subs = submission::discover(&[tmp.path().to_path_buf()]).unwrap();
    let opts = Options {
        rules: Rules::embedded().unwrap(),
        select: vec![],
        ignore: vec![],
    };
    let f = lint::lint_submission(&subs[0], &opts).findings;
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].help.as_ref().map(|h| h.id),
        Some("hint.polarity_unlisted")
    );
}

#[test]
fn ratios_are_not_added_up_and_a_revised_budget_is_a_budget() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Penduduk",
        "Tabel Penduduk
No | Desa | Laki-laki | Perempuan | Jumlah | Rasio Jenis Kelamin
1 | Sukamaju | 100 | 100 | 200 | 100
2 | Sukasari | 106 | 100 | 206 | 106
JUMLAH||206|200|406|103",
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    let lra = "Laporan Realisasi Anggaran
No | Uraian | Anggaran Setelah Perubahan | Realisasi | %
1 | Belanja Pegawai | 1.000.000 | 962.500 | 96,25
2 | Belanja Barang dan Jasa | 500.000 | 450.000 | 90,00
JUMLAH||1.500.000|1.412.500|94,17";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "LRA", lra);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "LRA", &lra.replace("96,25", "69,25"));
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL202 error LRA!E3"]
    );
}

#[test]
fn decimal_numbering_nests_and_a_total_adds_the_top_level() {
    let renja = "Rencana Kerja Tahun 2024
No | Program / Kegiatan | Pagu (Rp)
1 | Program Penyelenggaraan Pemerintahan | 1.000.000.000
1.1 | Pelaksanaan Urusan yang Dilimpahkan | 1.000.000.000
1.1.1 | Pelayanan Perizinan | 400.000.000
1.1.2 | Pelayanan Nonperizinan | 600.000.000
2 | Program Pembinaan Desa | 500.000.000
2.1 | Fasilitasi Pemerintahan Desa | 500.000.000
JUMLAH||1.500.000.000";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Renja", renja);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Renja",
        &renja.replace("| 600.000.000", "| 660.000.000"),
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL102 error Renja!C4"]
    );
}

#[test]
fn rows_named_program_and_kegiatan_nest_without_kode_or_numbering() {
    let renja = "Rencana Kerja Tahun 2024
Program / Kegiatan / Sub Kegiatan | Indikator Kinerja | Target | Pagu Indikatif (Rp)
Program Penunjang Urusan Pemerintahan Daerah | Nilai SAKIP | 82 | 1.000.000.000
Kegiatan Perencanaan dan Evaluasi Kinerja | Jumlah dokumen | 8 | 150.000.000
Kegiatan Administrasi Keuangan | Jumlah laporan | 12 | 850.000.000
Program Penyelenggaraan Pemerintahan | Persentase layanan | 100 | 150.000.000
Kegiatan Pelaksanaan Urusan yang Dilimpahkan | Jumlah layanan | 1200 | 150.000.000
JUMLAH|||1.150.000.000";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Renja", renja);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Renja",
        &renja.replace("| 850.000.000", "| 800.000.000"),
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL102 error Renja!D3"]
    );
}

#[test]
fn a_mistyped_capaian_does_not_make_its_right_label_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Capaian",
        &CAPAIAN.replace("95,00 | Baik", "59,30 | Baik"),
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL201 error Capaian!E4"]
    );
}

#[test]
fn a_wrong_kegiatan_is_blamed_not_its_right_programme() {
    let renja = "Rencana Kerja Tahun 2024
Kode | Program / Kegiatan / Sub Kegiatan | Pagu (Rp)
7.01.02 | Program Penyelenggaraan Pemerintahan | 730.000.000
7.01.02.2.01 | Pelaksanaan Urusan yang Dilimpahkan | 730.000.000
7.01.02.2.01.0001 | Pelayanan Perizinan | 330.000.000
7.01.02.2.01.0002 | Pelayanan Nonperizinan | 400.000.000
JUMLAH||730.000.000";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Renja", renja);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    // The kegiatan mistyped: reported at the kegiatan only (its sub kegiatan, the programme
    // and the total agree with each other).
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        tmp.path(),
        "Renja",
        &renja.replacen(
            "| Pelaksanaan Urusan yang Dilimpahkan | 730.000.000",
            "| Pelaksanaan Urusan yang Dilimpahkan | 690.000.000",
            1,
        ),
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL102 error Renja!C4"]
    );
}

/// Cross-document identity keeps apart what only looks alike: two indicators differing by
/// their subject word, last year's column, another entity's column, a revised PK.
#[test]
fn identity_keeps_apart_what_only_looks_alike() {
    let pk_awal = "PERJANJIAN KINERJA TAHUN 2026
No | Sasaran | Indikator Kinerja | Target
1 | Tata kelola | Persentase perangkat daerah yang menggunakan aplikasi umum | 60
2 | Tata kelola | Persentase kecamatan yang menggunakan aplikasi umum | 40";
    let pk_revisi = "REVISI PERJANJIAN KINERJA TAHUN 2026
No | Sasaran | Indikator Kinerja | Target
1 | Tata kelola | Persentase perangkat daerah yang menggunakan aplikasi umum | 65
2 | Tata kelola | Persentase kecamatan yang menggunakan aplikasi umum | 45";
    let capaian = "Tabel 3.1 Capaian Kinerja Tahun 2026
No | Sasaran | Indikator Kinerja | Target | Realisasi | Capaian (%) | Realisasi Tahun Lalu | Realisasi Kab. Sukasari
1 | Tata kelola | Persentase perangkat daerah yang menggunakan aplikasi umum | 65 | 70 | 107,69 | 55 | 80
2 | Tata kelola | Persentase kecamatan yang menggunakan aplikasi umum | 45 | 45 | 100,00 | 30 | 50";
    let tren = "Tabel 3.2 Perbandingan dengan Tahun Lalu
No | Sasaran | Indikator Kinerja | Realisasi 2025 | Realisasi 2026
1 | Tata kelola | Persentase perangkat daerah yang menggunakan aplikasi umum | 55 | 70
2 | Tata kelola | Persentase kecamatan yang menggunakan aplikasi umum | 30 | 45";
    let sheets = [
        ("PK", pk_awal),
        ("PK Revisi", pk_revisi),
        ("Capaian", capaian),
        ("Tren", tren),
    ];
    let tmp = tempfile::tempdir().unwrap();
    write_inline(tmp.path(), &sheets);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        Vec::<String>::new()
    );
    // One realisasi typed differently in one table is still found.
    let tmp = tempfile::tempdir().unwrap();
    let tren_wrong = tren.replace("| 30 | 45", "| 30 | 54");
    write_inline(
        tmp.path(),
        &[sheets[0], sheets[1], sheets[2], ("Tren", &tren_wrong)],
    );
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL601 error Tren!E4"]
    );
}

#[test]
fn spending_without_a_budget_is_reported() {
    let lra = "Laporan Realisasi Anggaran
No | Uraian | Anggaran | Realisasi | %
1 | Belanja Pegawai | 1.000.000 | 962.500 | 96,25
2 | Belanja Hibah | 0 | 0 | 0,00
3 | Belanja Modal | 0 | 5.000.000 | 100,00";
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "LRA", lra);
    assert_eq!(
        lint_with(tmp.path(), Rules::embedded().unwrap()),
        vec!["SL202 error LRA!E5"]
    );
}
