//! Single-fault mutants of the clean Sukamaju submission (fixtures/clean-sukamaju/mutants.toml):
//! each fault gives exactly one error or warning, at its cell, by a check of its family
//! (or with that check's finding folded into it); the relations the fault also breaks
//! (knock_on) are among that finding's related cells — one root cause, one finding.

mod common;
use common::*;
use fixture_source::{self as source, Form, NumberStyle};
use sakip_lint::finding::{Arg, Severity};
use serde::Deserialize;

#[derive(Deserialize)]
struct MutantFile {
    mutant: Vec<Mutant>,
}

#[derive(Deserialize)]
struct Mutant {
    name: String,
    workbook: String,
    sheet: String,
    cell: String,
    value: String,
    family: String,
    finding_cell: String,
    /// Cells whose relation the fault also breaks: they must be among the finding's
    /// related cells (folded into it), not findings of their own.
    #[serde(default)]
    knock_on: Vec<String>,
    /// The expected rule code, when the family has several and the mutant names one.
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    severity: Option<String>,
}

fn codes_of(family: &str) -> &'static [&'static str] {
    match family {
        "footing" => &["SL101", "SL102", "SL103", "SL104"],
        "relation" => &["SL201", "SL202", "SL203", "SL204", "SL205"],
        "predikat" => &["SL301"],
        "scale" => &["SL302", "SL303"],
        "structure-year" => &["SL401"],
        "structure-kode" => &["SL402"],
        "structure-unit" => &["SL403"],
        "structure-empty-parent" => &["SL404"],
        "figure-malformed" => &["SL501"],
        "figure-error" => &["SL502"],
        "figure-text" => &["SL503"],
        "identity" => &["SL601", "SL602"],
        _ => &[],
    }
}

#[test]
fn every_mutant_is_found_at_its_cell_and_nowhere_else() {
    let dir = root().join("fixtures/clean-sukamaju");
    let mutants: MutantFile =
        toml::from_str(&std::fs::read_to_string(dir.join("mutants.toml")).unwrap()).unwrap();
    assert!(mutants.mutant.len() >= 16);
    let mut families: Vec<&str> = mutants.mutant.iter().map(|m| m.family.as_str()).collect();
    families.sort();
    families.dedup();
    assert!(families.len() >= 11, "families covered: {families:?}");
    run(&dir, &mutants.mutant);
}

/// Cross-document identity: one repeated figure changed in one place of one file.
#[test]
fn every_identity_mutant_is_found_at_the_changed_cell() {
    let dir = root().join("fixtures/clean-sukamaju");
    let mutants: MutantFile =
        toml::from_str(&std::fs::read_to_string(dir.join("mutants-identity.toml")).unwrap())
            .unwrap();
    assert!(mutants.mutant.len() >= 12);
    run(&dir, &mutants.mutant);
}

fn run(dir: &std::path::Path, mutants: &[Mutant]) {
    let form = Form {
        numbers: NumberStyle::Plain,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    };
    let mut failures = Vec::new();
    for m in mutants {
        let mut set = source::load_set(&dir.join("src")).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        for wb in &mut set {
            if wb.name == m.workbook {
                let sheet = wb
                    .sheets
                    .iter_mut()
                    .find(|s| s.name == m.sheet)
                    .unwrap_or_else(|| panic!("{}: no sheet {}", m.name, m.sheet));
                sheet.set(&m.cell, &m.value).unwrap();
            }
            source::write_xlsx(wb, &form, &tmp.path().join(format!("{}.xlsx", wb.name))).unwrap();
        }
        let found = findings(tmp.path());
        let named: Vec<&str> = m.code.as_deref().into_iter().collect();
        let want: &[&str] = if named.is_empty() {
            codes_of(&m.family)
        } else {
            &named
        };
        let severity_ok = |f: &sakip_lint::finding::Finding| {
            m.severity
                .as_deref()
                .is_none_or(|s| f.severity.as_str() == s)
        };
        let at = |f: &sakip_lint::finding::Finding, cell: &str| {
            f.at.sheet == m.sheet
                && f.at.file.ends_with(&format!("{}.xlsx", m.workbook))
                && f.at.cell.to_string() == cell
        };
        // The rule's finding, or a finding at the same cell that folded it in.
        let has_code = |f: &sakip_lint::finding::Finding| {
            want.contains(&f.code)
                || f.related.iter().any(|r| {
                    r.at == f.at
                        && r.note.id == "note.therefore"
                        && r.note.args.iter().any(|(name, a)| {
                            *name == "code"
                                && matches!(a, Arg::Text(c) if want.contains(&c.as_str()))
                        })
                })
        };
        if !found
            .iter()
            .any(|f| has_code(f) && at(f, &m.finding_cell) && severity_ok(f))
        {
            failures.push(format!(
                "{}: no {:?} at {}!{}; got {:?}",
                m.name,
                want,
                m.sheet,
                m.finding_cell,
                found.iter().map(key).collect::<Vec<_>>()
            ));
            continue;
        }
        // One root cause, one finding: the knock-on cells (knock_on) are among its
        // related cells, folded into it.
        let serious: Vec<&sakip_lint::finding::Finding> = found
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        // An info-level fault (a number stored as text) raises no error or warning.
        let want_serious = usize::from(
            found
                .iter()
                .any(|f| has_code(f) && at(f, &m.finding_cell) && f.severity >= Severity::Warning),
        );
        if serious.len() != want_serious || !serious.iter().all(|f| at(f, &m.finding_cell)) {
            failures.push(format!(
                "{}: want one finding at {}, got {:?}",
                m.name,
                m.finding_cell,
                serious.iter().map(|f| key(f)).collect::<Vec<_>>()
            ));
            continue;
        }
        let related_here = |c: &str| {
            serious.iter().any(|f| {
                f.related.iter().any(|r| match c.split_once('!') {
                    Some((sheet, cell)) => r.at.sheet == sheet && r.at.cell.to_string() == cell,
                    None => r.at.sheet == m.sheet && r.at.cell.to_string() == c,
                })
            })
        };
        let missing: Vec<&String> = m.knock_on.iter().filter(|c| !related_here(c)).collect();
        if !missing.is_empty() {
            failures.push(format!(
                "{}: knock-on cells {missing:?} not among the related cells",
                m.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} mutants failed:\n{}",
        failures.len(),
        mutants.len(),
        failures.join("\n")
    );
}
