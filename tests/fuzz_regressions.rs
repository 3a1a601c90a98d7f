//! Inputs the fuzz targets in `fuzz/` found interesting, replayed through the same code
//! paths on the stable toolchain (see fuzz/README.md): the targets and these tests share
//! `fuzz/harness.rs`.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

use harness::{figure, options};
use sakip_lint::figure::Parsed;
use sakip_lint::grid::{Grid, Value};
use sakip_lint::lint::{FileStatus, SubmissionReport};
use sakip_lint::read::xlsx_title_rows;
use sakip_lint::submission::{TITLE_ROWS, unit_of_file};
use sakip_lint::table::find_tables;

fn input(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The `tables` target after decoding (see [`harness::tables`]).
fn tables(workbooks: Vec<(&str, Vec<Grid>)>) -> SubmissionReport {
    harness::tables(
        workbooks
            .into_iter()
            .map(|(f, sheets)| (f.to_string(), sheets))
            .collect(),
    )
    .0
}

/// The `pipeline` target (see [`harness::pipeline`]).
fn pipeline(data: &[u8]) -> SubmissionReport {
    pipeline_with(data, true)
}

/// [`pipeline`], with or without its direct call of `xlsx_title_rows`. Without it, this
/// is what the CLI does with the file.
fn pipeline_with(data: &[u8], title_rows: bool) -> SubmissionReport {
    let dir = tempfile::tempdir().expect("temp dir");
    harness::pipeline(dir.path(), data, title_rows).expect("a pipeline input has a selector byte")
}

/// The hand-made seeds of the `figure` target go through its harness (parse, and the
/// formatter round trip) on the stable toolchain, with what each must read as.
#[test]
fn figure_seeds_read_and_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/figure");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/figure") {
        let path = entry.expect("seed").path();
        let text = std::fs::read_to_string(&path).expect("seed is UTF-8");
        figure(&text);
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} figure seeds");

    let number = |s: &str| match figure(s) {
        Parsed::Number(f) => f.value.to_string(),
        other => panic!("{s:?}: {other:?}"),
    };
    assert_eq!(number("1.234.567,89"), "1234567.89");
    assert_eq!(number("Rp 1.000.000"), "1000000");
    assert_eq!(number("95,02 %"), "95.02");
    assert_eq!(number("82 (A)"), "82");
    assert_eq!(number("1,234.56"), "1234.56");
    assert_eq!(number("(1.500.000)"), "-1500000");
    assert_eq!(figure("-"), Parsed::Nil);
    assert!(matches!(
        figure("2.416.254.056,00,00"),
        Parsed::Malformed { .. }
    ));
}

/// Write a pipeline input's workbook bytes (after the selector byte) as `input.EXT`.
fn write_input(data: &[u8], ext: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("input.{ext}"));
    std::fs::write(&path, &data[1..]).expect("write input");
    (dir, path)
}

const TITLE_ROWS_INPUTS: [&str; 2] = [
    "pipeline-title-rows-cfb-sector-slice",
    "pipeline-title-rows-cfb-fat-length",
];

/// Two damaged OLE2 (.xls) files that make calamine's compound-file reader panic when
/// `read::xlsx_title_rows` is called on them (see the ignored test below). Everything the
/// CLI does with them is fine: reading reports a corrupt .xls (the reader's own OLE2
/// parser refuses it before calamine sees it), and `unit_of_file` does not call
/// `xlsx_title_rows` on a file that is not a zip.
#[test]
fn pipeline_damaged_ole2_is_refused_as_corrupt_xls() {
    for name in TITLE_ROWS_INPUTS {
        let data = input(name);
        assert_eq!(data[0], 6, "{name}: selector .xls with formulas and styles");
        let report = pipeline(&data);
        assert_eq!(report.files.len(), 1, "{name}");
        match &report.files[0].status {
            FileStatus::Error { message } => {
                assert_eq!(message.id, "read.corrupt", "{name}: {message:?}")
            }
            other => panic!("{name}: expected a read error, got {other:?}"),
        }
        let (_dir, path) = write_input(&data, "xls");
        assert!(unit_of_file(&path, &options().rules).is_none(), "{name}");
    }
}

/// `read::xlsx_title_rows` is public and returns `Option`, but on these damaged OLE2
/// files `calamine::Xlsx::new` panics in its password-protection probe
/// (`check_for_password_protected` → `cfb::Cfb::new`): slice index out of range at
/// calamine-0.38.0/src/cfb.rs:320 (sector-slice), `assert_eq!(s.len() % 4, 0)` at
/// calamine-0.38.0/src/utils.rs:29 (fat-length). Fixed: `xlsx_title_rows` reads only zip
/// packages and runs calamine under `read`'s guard.
#[test]
fn xlsx_title_rows_on_damaged_ole2_names_nothing() {
    for name in TITLE_ROWS_INPUTS {
        let data = input(name);
        for ext in ["xls", "xlsx"] {
            let (_dir, path) = write_input(&data, ext);
            assert!(
                xlsx_title_rows(&path, TITLE_ROWS).is_none(),
                "{name} as .{ext}: not an .xlsx, so no rows"
            );
        }
    }
}

fn text_grid(name: &str, rows: &[&[&str]]) -> Grid {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0) as u32;
    let mut g = Grid::new(name, rows.len() as u32, width);
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                g.set(
                    sakip_lint::grid::Pos::new(r as u32, c as u32),
                    sakip_lint::grid::Cell {
                        value: Value::Text(text.to_string()),
                        formula: None,
                    },
                );
            }
        }
    }
    g
}

/// Shapes the `tables` target explores, through its harness: an empty sheet, a header
/// with no data rows, merges over the whole sheet and overlapping each other, and a
/// measurement table whose target is zero (capaian = realisasi / target must not divide
/// by zero). None may panic; the table with data rows is found with its roles.
#[test]
fn tables_degenerate_shapes() {
    let report = tables(vec![("pk.xlsx", vec![Grid::new("PK", 0, 0)])]);
    assert!(report.findings.is_empty(), "{:?}", report.findings);

    let header: &[&str] = &[
        "No",
        "Indikator Kinerja",
        "Target",
        "Realisasi",
        "Capaian (%)",
    ];
    let header_only = text_grid("PK", &[header]);
    let mut merged = text_grid(
        "Pengukuran",
        &[
            &["Tabel 3.1 Capaian Kinerja Sasaran"],
            header,
            &["1", "Persentase layanan administrasi", "0", "5", "100"],
            &["2", "Indeks Kepuasan Masyarakat", "-", "82 (A)", "#DIV/0!"],
        ],
    );
    let zero_target = merged.clone();
    use sakip_lint::grid::{Pos, Range};
    merged.merges = vec![
        Range {
            start: Pos::new(0, 0),
            end: Pos::new(3, 4),
        },
        Range {
            start: Pos::new(1, 1),
            end: Pos::new(2, 3),
        },
        Range {
            start: Pos::new(2, 2),
            end: Pos::new(2, 2),
        },
    ];
    tables(vec![
        ("pk.xlsx", vec![header_only]),
        ("pengukuran.xlsx", vec![merged]),
    ]);

    let opts = options();
    let found = find_tables(&zero_target, 0, &opts.rules);
    assert_eq!(found.len(), 1, "{found:?}");
    for role in ["target", "realisasi", "capaian"] {
        assert!(
            found[0].has_role(role),
            "no {role} column: {:?}",
            found[0].columns
        );
    }
    tables(vec![("pengukuran.xlsx", vec![zero_target])]);
}

/// Codes of a report's findings, and whether its one file was read.
fn summary(report: &SubmissionReport) -> (bool, Vec<&'static str>) {
    assert_eq!(report.files.len(), 1);
    let read = matches!(report.files[0].status, FileStatus::Ok { sheets: 1 });
    (read, report.findings.iter().map(|f| f.code).collect())
}

/// A hand-made .xlsx reproducing what the `pipeline` target found in a mutated fixture: a
/// merged range whose end lies before its start (`B2:A1`) made calamine's `get_dimension`
/// subtract with overflow (calamine-0.38.0/src/xlsx/mod.rs:3048, a panic under overflow
/// checks). `read` now finds merged ranges by its own scan of the sheet part: the range is
/// read as `A1:B2` and the sheet kept whole, cells and merge, with no finding.
#[test]
fn pipeline_calamine_backward_merge() {
    let data = input("pipeline-calamine-backward-merge");
    let report = pipeline(&data);
    let (read, codes) = summary(&report);
    assert!(read, "{:?}", report.files);
    assert!(codes.is_empty(), "{:?}", report.findings);
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("gabung.xlsx");
    // The first byte chooses the target's file name and options; the rest is the file.
    assert_eq!(data[0] % 5, 0, "an .xlsx input");
    std::fs::write(&copy, &data[1..]).expect("write");
    let wb = sakip_lint::read::read_workbook(&copy, &Default::default()).expect("read");
    let merges: Vec<String> = wb.workbook.sheets[0]
        .merges
        .iter()
        .map(|r| format!("{}:{}", r.start, r.end))
        .collect();
    assert_eq!(merges, ["A1:B2"]);
}

/// A hand-made .xlsx with a cell reference of more column letters than fit a u32
/// (`ZZZZZZZZZZ1`): calamine's `get_row_and_optional_column` multiplies with overflow
/// (calamine-0.38.0/src/xlsx/mod.rs:3096, under overflow checks). Every call the CLI
/// makes is guarded: the sheet is left out as unreadable and the file still read.
#[test]
fn pipeline_calamine_long_column_ref() {
    let report = pipeline_with(&input("pipeline-calamine-long-column-ref"), false);
    let (read, codes) = summary(&report);
    assert!(read, "{:?}", report.files);
    if cfg!(debug_assertions) {
        assert_eq!(codes, ["SL001"], "{:?}", report.findings);
    }
}

/// `read::xlsx_title_rows` streamed cells through calamine without the `catch_unwind`
/// guard the rest of `read` uses, so the long column reference above panicked out of it
/// (`next_cell` → `get_row_column` → overflow at calamine xlsx/mod.rs:3096) in builds with
/// overflow checks. Fixed: it runs under the guard.
#[test]
fn xlsx_title_rows_on_long_column_ref_does_not_panic() {
    let data = input("pipeline-calamine-long-column-ref");
    let (_dir, path) = write_input(&data, "xlsx");
    // No panic; giving up (None) is acceptable, rows of another sheet count are not.
    if let Some(rows) = xlsx_title_rows(&path, TITLE_ROWS) {
        assert_eq!(rows.len(), 1, "one worksheet");
    }
}

/// A hand-made .xlsx whose `<dimension ref="B1:A2"/>` ends before it starts (the fuzzer
/// found it as a mutated dimension in `lkjip-tabel.xlsx`): calamine's `get_dimension`
/// subtracts with overflow (calamine-0.38.0/src/xlsx/mod.rs:3049, under overflow checks)
/// when a cell reader is opened. `read` catches it and leaves the sheet out (SL001).
#[test]
fn pipeline_calamine_backward_dimension() {
    let report = pipeline_with(&input("pipeline-calamine-backward-dimension"), false);
    let (read, codes) = summary(&report);
    assert!(read, "{:?}", report.files);
    if cfg!(debug_assertions) {
        assert_eq!(codes, ["SL001"], "{:?}", report.findings);
    }
}

/// The same file through `read::xlsx_title_rows`, which opened the cell reader without a
/// guard: the overflow panicked out of it (`worksheet_cells_reader` →
/// `XlsxCellReader::new` → `get_dimension`). Fixed: it runs under the guard.
#[test]
fn xlsx_title_rows_on_backward_dimension_does_not_panic() {
    let data = input("pipeline-calamine-backward-dimension");
    let (_dir, path) = write_input(&data, "xlsx");
    // No panic; giving up (None) is acceptable, rows of another sheet count are not.
    if let Some(rows) = xlsx_title_rows(&path, TITLE_ROWS) {
        assert_eq!(rows.len(), 1, "one worksheet");
    }
}

// ---------------------------------------------------------------------------------------
// Report documents: the `document` and `docx_body` targets (fuzz/harness.rs), and the
// mutation loop that stands in for libFuzzer where cargo-fuzz is not installed.
// ---------------------------------------------------------------------------------------

/// The seeds of the document targets: the Trawas report (.docx and its PDF), the clean
/// Sukamaju report as .docm (the first byte of a `document` input picks the extension),
/// and the hand-made main parts of fuzz/seeds/docx_body.
fn document_seeds() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = |p: &str| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let with = |selector: u8, bytes: Vec<u8>| {
        let mut v = vec![selector];
        v.extend(bytes);
        v
    };
    let trawas = file("fixtures/trawas-2024-laporan/laporan-kinerja-trawas-2024.docx");
    let documents = vec![
        with(0, trawas.clone()),
        with(
            2,
            file("fixtures/trawas-2024-laporan/laporan-kinerja-trawas-2024.pdf"),
        ),
        with(
            1,
            file("fixtures/clean-sukamaju-laporan/laporan-kinerja-sukamaju-2024.docx"),
        ),
        with(2, file("tests/data/pdf/report.pdf")),
    ];
    let mut bodies = Vec::new();
    for e in std::fs::read_dir(root.join("fuzz/seeds/docx_body")).expect("fuzz/seeds/docx_body") {
        bodies.push(std::fs::read(e.expect("seed").path()).expect("read seed"));
    }
    // The Trawas main part too: real Word tables, many paragraphs.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(trawas)).expect("zip");
    let mut main = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("word/document.xml").expect("main part"),
        &mut main,
    )
    .expect("inflate");
    bodies.push(main);
    (documents, bodies)
}

/// The seeds of both document targets go through their harnesses: each is read (the
/// PDFs and Word files of the fixtures, the hand-made main parts), with findings for
/// the Trawas report, and nothing panics.
#[test]
fn document_seeds_are_read_through_the_harnesses() {
    let (documents, bodies) = document_seeds();
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, d) in documents.iter().enumerate() {
        let report = harness::document(dir.path(), d).expect("selector byte");
        assert!(
            matches!(report.files[0].status, FileStatus::Ok { .. }),
            "seed {k}: {:?}",
            report.files
        );
        if k == 0 {
            assert!(report.findings.len() > 20, "{}", report.findings.len());
        }
    }
    for (k, b) in bodies.iter().enumerate() {
        let report = harness::docx_body(dir.path(), b);
        assert!(
            matches!(report.files[0].status, FileStatus::Ok { .. }),
            "body seed {k}: {:?}",
            report.files
        );
    }
}

/// Pieces of WordprocessingML and PDF syntax a mutation may insert.
const DOCUMENT_WORDS: &[&[u8]] = &[
    b"<w:tbl>",
    b"</w:tbl>",
    b"<w:tr>",
    b"</w:tr>",
    b"<w:tc>",
    b"</w:tc>",
    b"<w:p>",
    b"</w:p>",
    b"<w:p/>",
    b"<w:r><w:t>95,02 %</w:t></w:r>",
    b"<w:tab/>",
    b"<w:br/>",
    b"<w:gridSpan w:val=\"4294967295\"/>",
    b"<w:gridSpan w:val=\"0\"/>",
    b"<w:gridBefore w:val=\"99999\"/>",
    b"<w:vMerge/>",
    b"<w:vMerge w:val=\"restart\"/>",
    b"<w:sdt><w:sdtContent>",
    b"</w:sdtContent></w:sdt>",
    b"<w:del>",
    b"</w:del>",
    b"<w:ins>",
    b"<w:tabs>",
    b"&#0;",
    b"&#xD800;",
    b"&amp;",
    b"&lol;",
    b"<![CDATA[",
    b"<!DOCTYPE w:document [<!ENTITY a \"aaaa\">]>",
    b"<w:body>",
    b"</w:body>",
    b"Rp. 2.416.254.056,00,00",
    b"target 91 % terealisasi 92,81 %",
    b"KECAMATAN TRAWAS",
    b" obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"/Length 999999999",
    b"xref",
    b"trailer",
    b"/FlateDecode",
    b"/Kids [",
    b"/Contents",
    b"<< /Type /Page >>",
];

/// A small deterministic generator (xorshift), so that a run is repeatable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// libFuzzer-like mutations: byte flips, interesting bytes, deletions, duplications,
/// splices of the input into itself and insertions of [`DOCUMENT_WORDS`].
fn mutate(rng: &mut Rng, input: &[u8], keep_first: bool) -> Vec<u8> {
    let mut v = input.to_vec();
    let from = usize::from(keep_first);
    for _ in 0..1 + rng.below(8) {
        if v.len() <= from + 1 {
            v.extend_from_slice(b"<w:p/>");
        }
        let at = from + rng.below(v.len() - from);
        match rng.below(7) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v[at] = [0u8, 0xff, b'<', b'>', b'"', b'/', b'0', b'9'][rng.below(8)],
            2 => {
                let n = rng.below(64.min(v.len() - at));
                v.drain(at..at + n);
            }
            3 => {
                let n = rng.below(256.min(v.len() - at)) + 1;
                let piece = v[at..(at + n).min(v.len())].to_vec();
                let most = if rng.below(10) == 0 { 2000 } else { 4 };
                let times = 1 + rng.below(most);
                for _ in 0..times {
                    v.splice(at..at, piece.iter().copied());
                }
            }
            4 => {
                let src = from + rng.below(v.len() - from);
                let n = rng.below(512.min(v.len() - src)) + 1;
                let piece = v[src..(src + n).min(v.len())].to_vec();
                let to = from + rng.below(v.len() - from);
                v.splice(to..to, piece);
            }
            _ => {
                let w = DOCUMENT_WORDS[rng.below(DOCUMENT_WORDS.len())];
                v.splice(at..at, w.iter().copied());
            }
        }
    }
    v
}

/// The mutation loop for the document targets, where cargo-fuzz is not installed:
///
/// ```sh
/// SAKIP_FUZZ_SECONDS=300 SAKIP_FUZZ_TARGET=docx_body \
///     cargo test --release --test fuzz_regressions mutate_documents -- --ignored --nocapture
/// ```
///
/// `SAKIP_FUZZ_TARGET` is `document`, `docx_body` or `both` (default), `SAKIP_FUZZ_SEED`
/// the generator's seed. An input that panics out of the harness, or takes more than 10 s,
/// is written to `fuzz/artifacts/TARGET/` (not committed) and the loop goes on; the test
/// fails if there was any. It prints the executions and what it found.
#[test]
#[ignore]
fn mutate_documents() {
    let seconds: u64 = std::env::var("SAKIP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let target = std::env::var("SAKIP_FUZZ_TARGET").unwrap_or_else(|_| "both".into());
    let seed: u64 = std::env::var("SAKIP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5a41_4b49_5021);
    let (documents, bodies) = document_seeds();
    // Panics by where they happen (most are caught inside the library, by the guards
    // around calamine and the PDF parser; an escaping one is also a crash below).
    let caught: std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>> =
        Default::default();
    let counter = caught.clone();
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map_or("?".to_string(), |l| format!("{}:{}", l.file(), l.line()));
        if let Ok(mut m) = counter.lock() {
            *m.entry(at).or_default() += 1;
        }
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/artifacts");
    let mut rng = Rng(seed | 1);
    let started = std::time::Instant::now();
    let (mut runs, mut crashes, mut slow) = (0u64, Vec::new(), Vec::new());
    // Each corpus grows with inputs that were read (a crude stand-in for coverage).
    let mut corpus_doc = documents;
    let mut corpus_body = bodies;
    while started.elapsed().as_secs() < seconds {
        let body = match target.as_str() {
            "document" => false,
            "docx_body" => true,
            _ => runs % 2 == 1,
        };
        let corpus = if body { &corpus_body } else { &corpus_doc };
        let pick = rng.below(corpus.len());
        let input = mutate(&mut rng, &corpus[pick], !body);
        let t = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if body {
                Some(harness::docx_body(dir.path(), &input))
            } else {
                harness::document(dir.path(), &input)
            }
        }));
        let took = t.elapsed();
        runs += 1;
        let name = if body { "docx_body" } else { "document" };
        let save = |kind: &str| {
            let d = artifacts.join(name);
            let _ = std::fs::create_dir_all(&d);
            let p = d.join(format!("{kind}-{runs}"));
            let _ = std::fs::write(&p, &input);
            p
        };
        match outcome {
            Err(_) => crashes.push(save("crash")),
            Ok(_) if took.as_secs() > 10 => slow.push((save("slow"), took)),
            Ok(Some(r))
                if matches!(
                    r.files.first().map(|f| &f.status),
                    Some(FileStatus::Ok { .. })
                ) && input.len() < 4 << 20 =>
            {
                if body {
                    if corpus_body.len() < 500 {
                        corpus_body.push(input);
                    }
                } else if corpus_doc.len() < 200 {
                    corpus_doc.push(input);
                }
            }
            Ok(_) => {}
        }
    }
    let _ = std::panic::take_hook();
    let panics = caught.lock().map(|m| m.clone()).unwrap_or_default();
    println!(
        "mutate_documents: target {target}, {runs} executions in {:.0} s, corpus {} documents + {} bodies, \
         {} panics (caught inside the library unless a crash), {} crashes, {} slow inputs",
        started.elapsed().as_secs_f64(),
        corpus_doc.len(),
        corpus_body.len(),
        panics.values().sum::<u64>(),
        crashes.len(),
        slow.len()
    );
    for (at, n) in &panics {
        println!("  {n} panics at {at}");
    }
    assert!(
        crashes.is_empty() && slow.is_empty(),
        "crashes {crashes:?}, slow {slow:?}"
    );
}
