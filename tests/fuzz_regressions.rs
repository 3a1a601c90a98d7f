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
