//! Precision: the clean Sukamaju submission, in every form (plain numbers, Indonesian
//! number text, fractions with a % format, title rows with generic sheet names, .xls,
//! .ods), gives no error and no warning, and every form is understood alike.

mod common;
use common::*;
use sakip_lint::finding::Severity;
use sakip_lint::lint::FileStatus;

fn table_count(form: &str) -> usize {
    let subs =
        sakip_lint::submission::discover(&[root().join("fixtures/clean-sukamaju").join(form)])
            .unwrap();
    let rules = options().rules;
    subs.iter()
        .map(|s| {
            sakip_lint::lint::read_docs(s, &rules)
                .0
                .iter()
                .map(|d| d.tables.len())
                .sum::<usize>()
        })
        .sum()
}

#[test]
fn clean_forms_have_no_error_or_warning() {
    let plain_tables = table_count("plain");
    assert!(
        plain_tables >= 20,
        "only {plain_tables} tables recognised in the plain form"
    );
    for form in ["plain", "fraction", "text", "titled", "xls", "ods"] {
        let dir = root().join("fixtures/clean-sukamaju").join(form);
        let reports = lint(&dir);
        let files: Vec<_> = reports.iter().flat_map(|r| &r.files).collect();
        assert_eq!(files.len(), 6, "{form}: workbooks");
        assert!(
            files
                .iter()
                .all(|f| matches!(f.status, FileStatus::Ok { .. })),
            "{form}: unreadable file"
        );
        let serious: Vec<String> = reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity >= Severity::Warning)
            .map(key)
            .collect();
        assert!(serious.is_empty(), "{form}: {serious:#?}");
        assert_eq!(table_count(form), plain_tables, "{form}: tables recognised");
    }
}

/// The same submission as one workbook, the Renja kode split over five columns as SIPD
/// prints it, in .xlsx, .xls and .ods (.ods has no merged ranges: "Kode" is typed once).
#[test]
fn one_workbook_variant_is_clean_in_every_format() {
    for form in ["fraction", "xls", "ods"] {
        let dir = root().join("fixtures/clean-sukamaju-satu").join(form);
        let reports = lint(&dir);
        assert_eq!(
            reports.iter().map(|r| r.files.len()).sum::<usize>(),
            1,
            "{form}"
        );
        let serious: Vec<String> = reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity >= Severity::Warning)
            .map(key)
            .collect();
        assert!(serious.is_empty(), "{form}: {serious:#?}");
        let infos: Vec<String> = reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.code == "SL503" && f.at.sheet.starts_with("Renja"))
            .map(key)
            .collect();
        assert!(
            infos.is_empty(),
            "{form}: kode parts taken for numbers: {infos:?}"
        );
    }
}
