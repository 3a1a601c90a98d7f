//! Damaged, disguised and hostile files (`fixtures/bad/`, made by
//! `fixtures/bad/make_fixtures.py`): each gives the right `ReadError`, or is read with the
//! offending sheet refused, and none panics, loops or exhausts memory.

use std::path::{Path, PathBuf};

use sakip_lint::grid::{Value, parse_a1};
use sakip_lint::read::{
    Content, Format, ReadError, ReadOptions, ReadResult, SheetProblemKind, read_workbook,
};

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bad")
        .join(name)
}

fn good(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/read")
        .join(name)
}

fn error(path: &Path) -> ReadError {
    match read_workbook(path, &ReadOptions::default()) {
        Ok(r) => panic!(
            "{}: expected an error, read {} sheets",
            path.display(),
            r.workbook.sheets.len()
        ),
        Err(e) => e,
    }
}

fn ok(path: &Path) -> ReadResult {
    read_workbook(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn names(r: &ReadResult) -> Vec<&str> {
    r.workbook.sheets.iter().map(|g| g.name.as_str()).collect()
}

#[test]
fn empty_file() {
    let e = error(&bad("kosong.xlsx"));
    assert!(
        matches!(
            e,
            ReadError::Empty {
                format: Format::Xlsx
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.empty-file");
}

#[test]
fn text_file_named_xlsx() {
    let e = error(&bad("bukan-excel.xlsx"));
    assert!(
        matches!(
            e,
            ReadError::NotSpreadsheet {
                format: Format::Xlsx,
                content: Content::Text
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.not-spreadsheet");
}

#[test]
fn html_file_named_xls() {
    let e = error(&bad("laporan-html.xls"));
    assert!(
        matches!(
            e,
            ReadError::NotSpreadsheet {
                format: Format::Xls,
                content: Content::Html
            }
        ),
        "{e:?}"
    );
}

#[test]
fn truncated_xlsx() {
    let e = error(&bad("terpotong.xlsx"));
    assert!(
        matches!(
            e,
            ReadError::Corrupt {
                format: Format::Xlsx,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.corrupt");
    assert!(!e.detail().is_empty());
}

#[test]
fn truncated_xls() {
    let e = error(&bad("terpotong.xls"));
    assert!(
        matches!(
            e,
            ReadError::Corrupt {
                format: Format::Xls,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn xlsx_named_xls() {
    let e = error(&bad("salah-ekstensi.xls"));
    assert!(
        matches!(
            e,
            ReadError::WrongExtension {
                format: Format::Xls,
                actual: Format::Xlsx
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.wrong-extension");
    assert_eq!(e.detail(), "xlsx");
}

#[test]
fn xls_and_ods_named_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for (src, actual) in [("contoh.xls", Format::Xls), ("contoh.ods", Format::Ods)] {
        let path = dir.path().join("laporan.xlsx");
        std::fs::copy(good(src), &path).unwrap();
        let e = error(&path);
        assert!(
            matches!(e, ReadError::WrongExtension { format: Format::Xlsx, actual: a } if a == actual),
            "{src}: {e:?}"
        );
    }
}

#[test]
fn password_protected_xlsx() {
    // An OLE2 compound file with an EncryptedPackage stream (agile encryption).
    let e = error(&bad("terkunci.xlsx"));
    assert!(
        matches!(
            e,
            ReadError::Encrypted {
                format: Format::Xlsx
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.encrypted");
}

#[test]
fn password_protected_xls() {
    // A BIFF8 workbook with a FILEPASS record (RC4 encryption), saved by LibreOffice.
    let e = error(&bad("terkunci.xls"));
    assert!(
        matches!(
            e,
            ReadError::Encrypted {
                format: Format::Xls
            }
        ),
        "{e:?}"
    );
}

#[test]
fn unsupported_extension_and_missing_file() {
    let e = error(Path::new("laporan.csv"));
    assert!(
        matches!(&e, ReadError::UnsupportedFormat { extension: Some(x) } if x == "csv"),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.unsupported-format");
    let e = error(Path::new("tanpa-ekstensi"));
    assert!(
        matches!(e, ReadError::UnsupportedFormat { extension: None }),
        "{e:?}"
    );

    let e = error(&bad("tidak-ada.xlsx"));
    assert!(matches!(e, ReadError::Open { .. }), "{e:?}");
    assert_eq!(e.message_id(), "read.cannot-open");
    assert!(!e.detail().is_empty());

    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder.xlsx");
    std::fs::create_dir(&folder).unwrap();
    assert!(matches!(error(&folder), ReadError::Open { .. }));
}

/// A value at A1 and one at XFD1048576: calamine's dense range would be 17 billion cells.
#[test]
fn far_cell_xlsx_refuses_only_that_sheet() {
    let r = ok(&bad("sel-jauh.xlsx"));
    assert_eq!(names(&r), ["Data"]);
    let data = &r.workbook.sheets[0];
    assert_eq!((data.height, data.width), (2, 2));
    assert_eq!(
        data.value(parse_a1("A1").unwrap()),
        &Value::Text("ok".into())
    );
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].sheet, "Jauh");
    assert_eq!(r.problems[0].message_id(), "read.sheet-too-large");
    assert_eq!(
        r.problems[0].kind,
        SheetProblemKind::TooLarge {
            rows: 1_048_576,
            cols: 16_384,
            cells: 17_179_869_184,
            budget: 4_000_000
        }
    );
}

/// In .xls the far cell (row 65536, column 16384) is found by our own BIFF scan and
/// neutralised before calamine parses the file.
#[test]
fn far_cell_xls_refuses_only_that_sheet() {
    let r = ok(&bad("sel-jauh.xls"));
    assert_eq!(names(&r), ["Tersembunyi", "Geser"]);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].sheet, "Kinerja");
    match r.problems[0].kind {
        SheetProblemKind::TooLarge { rows, cols, .. } => assert_eq!((rows, cols), (65_536, 16_384)),
        ref other => panic!("{other:?}"),
    }
}

/// DIMENSIONS records claiming 4 billion rows × 65535 columns, which calamine reserves
/// memory for: they are neutralised and the workbook reads normally.
#[test]
fn lying_dimensions_xls() {
    let r = ok(&bad("dimensi-palsu.xls"));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(names(&r), ["Kinerja", "Tersembunyi", "Geser"]);
    let k = &r.workbook.sheets[0];
    assert_eq!((k.height, k.width), (8, 5));
}

/// A sector chain that loops: calamine would follow it forever, allocating.
#[test]
fn looping_sector_chain_xls() {
    let e = error(&bad("fat-berputar.xls"));
    assert!(
        matches!(
            e,
            ReadError::Corrupt {
                format: Format::Xls,
                ..
            }
        ),
        "{e:?}"
    );
}

/// calamine builds .ods sheets on open and fails the file past 100 million cells.
#[test]
fn far_cell_ods_fails_the_file() {
    let e = error(&bad("sel-jauh.ods"));
    assert!(
        matches!(
            e,
            ReadError::TooLarge {
                format: Format::Ods,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "read.too-large");
}

/// Arbitrary bytes in every format never panic.
#[test]
fn garbage_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let sources: Vec<Vec<u8>> = ["contoh.xlsx", "contoh.xls", "contoh.ods"]
        .iter()
        .map(|n| std::fs::read(good(n)).unwrap())
        .collect();
    let mut seed: u64 = 0x5EED;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..60 {
        let src = &sources[round % sources.len()];
        let mut bytes = src.clone();
        // Flip a few bytes past the signature, or cut the file short.
        for _ in 0..(1 + next() % 8) {
            let i = 8 + (next() as usize) % (bytes.len() - 8);
            bytes[i] = next() as u8;
        }
        if round % 5 == 0 {
            bytes.truncate(8 + (next() as usize) % (bytes.len() - 8));
        }
        for ext in ["xlsx", "xls", "ods", "xlsb"] {
            let path = dir.path().join(format!("acak-{round}.{ext}"));
            std::fs::write(&path, &bytes).unwrap();
            // Any outcome but a panic (or a hang) is fine.
            let _ = read_workbook(&path, &ReadOptions::default());
        }
    }
}
