//! The Trawas 2024 report's tables pasted as the PDF text gives them
//! (fixtures/trawas-2024-tempel): every error and warning is one a careful evaluator
//! agrees with — the reviewed list tests/golden/trawas-2024-tempel.txt says why for each —
//! and nothing else is reported. Regenerate the keys after a deliberate change with
//! UPDATE_GOLDEN=1 (it keeps the reasons of entries that stay; new ones get "TODO review").

mod common;
use common::*;
use sakip_lint::finding::Severity;

fn golden_path() -> std::path::PathBuf {
    root().join("tests/golden/trawas-2024-tempel.txt")
}

fn current() -> Vec<sakip_lint::finding::Finding> {
    findings(&root().join("fixtures/trawas-2024-tempel"))
}

#[test]
fn every_error_and_warning_is_reviewed_and_nothing_else_is_reported() {
    let got: Vec<String> = serious(&current());
    check_golden(&golden_path(), &got);
}

/// No report year is stated: the findings that compare a figure by the report's year say
/// which year they assumed and from what, and claim no more than a warning.
#[test]
fn findings_resting_on_the_inferred_year_say_so() {
    let fs = current();
    let year_based: Vec<_> = fs
        .iter()
        .filter(|f| f.code == "SL601" && !f.assumed.is_empty())
        .collect();
    assert!(year_based.len() >= 10, "{}", year_based.len());
    for f in &year_based {
        // At most a warning, unless the same cell also breaks certain arithmetic (a
        // footing folded into it as one root cause).
        let folds_arithmetic = f.related.iter().any(|r| r.note.id == "note.therefore");
        assert!(
            f.severity <= Severity::Warning || folds_arithmetic,
            "{}",
            key(f)
        );
        assert!(
            f.assumed.iter().any(|m| m
                .args
                .iter()
                .any(|(_, a)| *a == sakip_lint::finding::Arg::text("2024"))),
            "{}: {:?}",
            key(f),
            f.assumed
        );
    }
    // Never the first year in sight: no figure is said to be of the Renstra's first year.
    assert!(
        !fs.iter()
            .any(|f| format!("{:?}", f.message).contains("\"2022\"")),
        "a finding speaks of 2022"
    );
}

/// The tables a PDF paste shifted are said once each (info), so the user knows why their
/// figures went unchecked.
#[test]
fn shifted_rows_are_reported_once_per_table_as_info() {
    let fs = current();
    let shifted: Vec<_> = fs.iter().filter(|f| f.code == "SL405").collect();
    for f in &shifted {
        assert_eq!(f.severity, Severity::Info);
    }
    let places: Vec<String> = shifted.iter().map(|f| key(f)).collect();
    // The Renja (kode over five columns) and Tabel 3.1.2's Inovasi row (figures one right
    // of a blank target) cannot be read by their headers; the rows "3.1 | Nilai SAKIP | …"
    // can, one column right, and are.
    assert_eq!(
        places,
        [
            "SL405 lkjip.xlsx BAB II!A82",
            "SL405 lkjip.xlsx BAB III!A38"
        ]
    );
    let realigned: Vec<String> = fs
        .iter()
        .filter(|f| f.assumed.iter().any(|m| m.id == "assumed.row_shifted"))
        .map(key)
        .collect();
    for want in [
        "SL601 lkjip.xlsx BAB III!G37",
        "SL601 lkjip.xlsx BAB III!E82",
    ] {
        assert!(
            realigned.iter().any(|k| k == want),
            "{want} not in {realigned:#?}"
        );
    }
}

/// The same paste with every figure stored as text (numbers pasted from Word into an
/// Indonesian Excel) or as plain numbers: the same errors and warnings, at the same cells.
#[test]
fn the_number_form_of_the_paste_changes_no_finding() {
    use fixture_source::{Form, NumberStyle, load_set, write_xlsx};
    let set = load_set(&root().join("fixtures/trawas-2024-tempel/src")).expect("sources");
    let fraction = serious(&current());
    for numbers in [NumberStyle::Text, NumberStyle::Plain] {
        let dir = tempfile::tempdir().expect("tempdir");
        let form = Form {
            numbers,
            ..Form::default()
        };
        for wb in &set {
            write_xlsx(wb, &form, &dir.path().join(format!("{}.xlsx", wb.name))).expect("write");
        }
        let got = serious(&findings(dir.path()));
        assert_eq!(got, fraction, "{numbers:?}");
    }
}
