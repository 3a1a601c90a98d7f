//! Metamorphic properties over whole submissions (issue 6): changes that say nothing about
//! the figures must not change what is found, only where it is said to be.
//!
//! - Renaming sheets (a suffix added, so the words that name a table stay) and reordering
//!   the sheets of every workbook: the same findings, at the renamed sheets.
//! - A clean submission stays clean under any of those changes, in every number form
//!   (plain numbers, fractions with a % format, text).
//! - One fault from the mutant list is found at its cell whatever the changes.
//! - A page break pasted from a PDF inside any table of the clean submission keeps it
//!   clean (issue 11).

mod common;
use common::*;
use fixture_source::{self as source, Form, NumberStyle, SourceWorkbook};
use proptest::prelude::*;
use sakip_lint::finding::Finding;
use std::collections::HashMap;
use std::path::Path;

/// How a submission is rewritten: for each workbook, a rotation of its sheets and a suffix
/// for their names.
#[derive(Debug, Clone)]
struct Change {
    rotate: Vec<usize>,
    suffix: String,
}

fn change() -> impl Strategy<Value = Change> {
    (
        proptest::collection::vec(0usize..8, 6),
        // Letters that spell no header or document word, and digits.
        "[xzq]{1,2}[0-9]{1,3}",
    )
        .prop_map(|(rotate, tag)| Change {
            rotate,
            suffix: format!(" {tag}"),
        })
}

/// Write `set` changed by `c` into a folder; the map gives each new sheet name its old one.
fn write(set: &[SourceWorkbook], c: &Change, form: &Form, dir: &Path) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for (i, wb) in set.iter().enumerate() {
        let mut wb = wb.clone();
        let n = wb.sheets.len().max(1);
        wb.sheets
            .rotate_left(c.rotate.get(i).copied().unwrap_or(0) % n);
        for s in &mut wb.sheets {
            // Excel caps sheet names at 31 characters.
            let mut new: String = s.name.chars().take(31 - c.suffix.chars().count()).collect();
            new.push_str(&c.suffix);
            names.insert(new.clone(), s.name.clone());
            s.name = new;
        }
        source::write_xlsx(&wb, form, &dir.join(format!("{}.xlsx", wb.name))).expect("write");
    }
    names
}

/// A finding without its position in the report: what, where (with the original sheet
/// name), and the figures.
fn normal(f: &Finding, names: &HashMap<String, String>) -> String {
    let file = Path::new(&f.at.file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let sheet = names.get(&f.at.sheet).unwrap_or(&f.at.sheet);
    format!(
        "{} {:?} {file} {sheet}!{} {:?} {:?}",
        f.code, f.severity, f.at.cell, f.expected, f.actual
    )
}

fn lint_changed(set: &[SourceWorkbook], c: &Change, form: &Form) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let names = write(set, c, form, dir.path());
    let mut v: Vec<String> = findings(dir.path())
        .iter()
        .map(|f| normal(f, &names))
        .collect();
    v.sort();
    v
}

fn plain() -> Form {
    Form {
        numbers: NumberStyle::Plain,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    }
}

fn no_change() -> Change {
    Change {
        rotate: vec![0; 6],
        suffix: String::new(),
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // The workbooks are rebuilt for every case: shrinking would take long for little.
        max_shrink_iters: 8,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn trawas_findings_do_not_depend_on_sheet_names_or_order(c in change()) {
        let set = source::load_set(&root().join("fixtures/trawas-2024/src")).expect("sources");
        let form = Form::default();
        let before = lint_changed(&set, &no_change(), &form);
        prop_assert!(before.len() > 30, "{}", before.len());
        let after = lint_changed(&set, &c, &form);
        prop_assert_eq!(before, after);
    }

    #[test]
    fn a_clean_submission_stays_clean_in_every_form(
        c in change(),
        numbers in prop_oneof![Just(NumberStyle::Plain), Just(NumberStyle::Fraction), Just(NumberStyle::Text)],
    ) {
        let set = source::load_set(&root().join("fixtures/clean-sukamaju/src")).expect("sources");
        let form = Form { numbers, ..plain() };
        let serious: Vec<String> = lint_changed(&set, &c, &form)
            .into_iter()
            .filter(|f| f.contains(" Error ") || f.contains(" Warning "))
            .collect();
        prop_assert!(serious.is_empty(), "{serious:#?}");
    }

    #[test]
    fn a_fault_is_found_at_its_cell_whatever_the_sheets_are_called(
        c in change(),
        pick in 0usize..100,
    ) {
        #[derive(serde::Deserialize)]
        struct File {
            mutant: Vec<Mutant>,
        }
        #[derive(serde::Deserialize)]
        struct Mutant {
            workbook: String,
            sheet: String,
            cell: String,
            value: String,
            finding_cell: String,
        }
        let dir = root().join("fixtures/clean-sukamaju");
        let file: File = toml::from_str(
            &std::fs::read_to_string(dir.join("mutants.toml")).expect("mutants"),
        )
        .expect("toml");
        let m = &file.mutant[pick % file.mutant.len()];
        let mut set = source::load_set(&dir.join("src")).expect("sources");
        for wb in set.iter_mut().filter(|wb| wb.name == m.workbook) {
            for s in wb.sheets.iter_mut().filter(|s| s.name == m.sheet) {
                s.set(&m.cell, &m.value).expect("cell");
            }
        }
        let before = lint_changed(&set, &no_change(), &plain());
        let at = format!("{}.xlsx {}!{} ", m.workbook, m.sheet, m.finding_cell);
        prop_assert!(before.iter().any(|f| f.contains(&at)), "{at} not in {before:#?}");
        let after = lint_changed(&set, &c, &plain());
        prop_assert_eq!(before, after);
    }
}

/// The footer a signed PDF prints on every page, as pasted between two pieces of a table.
const PAGE_FOOTER: [&str; 5] = [
    "",
    "Catatan :",
    "1. Dokumen ini telah ditandatangani secara elektronik dengan menggunakan sertifikat elektronik yang diterbitkan oleh Balai Sertifikasi Elektronik.",
    "2. UU ITE No. 11 Tahun 2008 Pasal 5 ayat 1 : \"Informasi Elektronik dan/atau Dokumen Elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah\".",
    "",
];

/// A merged range's rows moved down by `n` from source row `from` (1-based) on.
fn shift_merge(range: &str, from: usize, n: usize) -> String {
    range
        .split(':')
        .map(|a| {
            let letters: String = a.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let row: usize = a[letters.len()..].parse().expect("merge row");
            format!("{letters}{}", if row >= from { row + n } else { row })
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// Rows (0-based) of a sheet that hold a plain figure and follow a row that holds one:
/// the inside of a table's data, where a page break may fall.
fn inside_rows(rows: &[Vec<String>]) -> Vec<usize> {
    let figure = |r: &Vec<String>| {
        r.iter().any(|c| {
            let t = c.trim().trim_end_matches('%').trim();
            !t.is_empty()
                && t.chars()
                    .all(|ch| ch.is_ascii_digit() || ".,-".contains(ch))
                && t.chars().any(|ch| ch.is_ascii_digit())
        })
    };
    (1..rows.len())
        .filter(|&i| rows.get(i).is_some_and(figure) && rows.get(i - 1).is_some_and(figure))
        .collect()
}

proptest! {
    #![proptest_config(config(16))]

    /// Issue 11: a page break pasted from a PDF (blank rows and the footer sentences)
    /// between two data rows of any table of the clean submission changes nothing: the
    /// table goes on after it, and the submission stays clean.
    #[test]
    fn a_page_break_inside_any_clean_table_keeps_it_clean(
        pick in 0usize..10_000,
        numbers in prop_oneof![Just(NumberStyle::Plain), Just(NumberStyle::Fraction), Just(NumberStyle::Text)],
    ) {
        let mut set = source::load_set(&root().join("fixtures/clean-sukamaju/src")).expect("sources");
        let places: Vec<(usize, usize, usize)> = set
            .iter()
            .enumerate()
            .flat_map(|(w, wb)| {
                wb.sheets.iter().enumerate().flat_map(move |(s, sh)| {
                    inside_rows(&sh.rows).into_iter().map(move |r| (w, s, r))
                })
            })
            .collect();
        let (w, s, r) = places[pick % places.len()];
        let sheet = &mut set[w].sheets[s];
        for (k, line) in PAGE_FOOTER.iter().enumerate() {
            sheet.rows.insert(r + k, vec![line.to_string()]);
        }
        sheet.merges = sheet
            .merges
            .iter()
            .map(|m| shift_merge(m, r + 1, PAGE_FOOTER.len()))
            .collect();
        let at = format!("{} {} row {}", set[w].name, set[w].sheets[s].name, r + 1);
        let form = Form { numbers, ..plain() };
        let serious: Vec<String> = lint_changed(&set, &no_change(), &form)
            .into_iter()
            .filter(|f| f.contains(" Error ") || f.contains(" Warning "))
            .collect();
        prop_assert!(serious.is_empty(), "break at {at}: {serious:#?}");
    }
}
