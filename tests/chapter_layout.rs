//! The Trawas tables pasted into one workbook chapter by chapter by someone else (one
//! sheet per BAB, tables stacked with captions and prose between them, half of BAB III
//! typed as text): every finding of the lampiran fixture is found again — same rule, same
//! figure, same right value — and nothing else but the infos about numbers typed as text.

mod common;
use common::*;

fn signature(cat: &sakip_lint::catalog::Catalog, f: &sakip_lint::finding::Finding) -> String {
    let a = f.actual.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
    let e = f.expected.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
    format!("{} {} found={a} expected={e}", f.code, f.severity.as_str())
}

#[test]
fn chapter_workbook_gives_the_same_findings() {
    let rules = options().rules;
    let cat = sakip_lint::catalog::Catalog::new(&rules, sakip_lint::catalog::Lang::Id);
    let signature = |f: &sakip_lint::finding::Finding| signature(&cat, f);
    let mut original: Vec<String> = findings(&root().join("fixtures/trawas-2024"))
        .iter()
        .map(signature)
        .collect();
    let mut chapters: Vec<String> = findings(&root().join("fixtures/trawas-2024-bab"))
        .iter()
        .filter(|f| f.code != "SL503")
        .map(signature)
        .collect();
    original.retain(|s| !s.starts_with("SL503"));
    original.sort();
    chapters.sort();
    assert!(original.len() > 40);
    let missing: Vec<_> = original.iter().filter(|s| !chapters.contains(s)).collect();
    let extra: Vec<_> = chapters.iter().filter(|s| !original.contains(s)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
    assert_eq!(original, chapters, "the same findings, as many times");
}
