//! The report document's sentences (family 7 and SL706): the clean Sukamaju report with its
//! lampiran gives no error and no warning; each single-claim mutant of it
//! (fixtures/clean-sukamaju-laporan/mutants.toml) gives exactly one, in the mutated sentence,
//! of the expected rule.

mod common;

use common::{findings, root};
use sakip_lint::finding::{Finding, Severity};
use std::io::{Read, Write};
use std::path::Path;

#[derive(serde::Deserialize)]
struct Mutants {
    mutant: Vec<Mutant>,
}

#[derive(serde::Deserialize)]
struct Mutant {
    name: String,
    find: String,
    replace: String,
    expect: String,
    #[allow(dead_code)]
    fault: String,
    #[allow(dead_code)]
    #[serde(default)]
    knock_on: Option<String>,
}

const DOCX: &str = "laporan-kinerja-sukamaju-2024.docx";

/// A submission folder: the clean lampiran and the report with `document.xml` edited.
fn submission(dir: &Path, edit: impl Fn(String) -> String) {
    for e in std::fs::read_dir(root().join("fixtures/clean-sukamaju/plain")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let src = root().join("fixtures/clean-sukamaju-laporan").join(DOCX);
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dir.join(DOCX)).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "word/document.xml" {
            bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

fn serious(fs: &[Finding]) -> Vec<&Finding> {
    fs.iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

fn describe(fs: &[&Finding]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "{} {} {}: {:?}",
                f.code,
                f.at.sheet,
                f.at.cell,
                f.at.text.as_ref().map(|t| t.quote.as_str())
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_clean_report_with_its_lampiran_gives_no_error_and_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    submission(dir.path(), |x| x);
    let fs = findings(dir.path());
    let bad = serious(&fs);
    assert!(bad.is_empty(), "{}", describe(&bad));
    // And the document alone.
    let fs = findings(&root().join("fixtures/clean-sukamaju-laporan").join(DOCX));
    let bad = serious(&fs);
    assert!(bad.is_empty(), "{}", describe(&bad));
}

#[test]
fn every_claim_mutant_gives_one_finding_in_its_sentence() {
    let text = std::fs::read_to_string(root().join("fixtures/clean-sukamaju-laporan/mutants.toml"))
        .unwrap();
    let mutants: Mutants = toml::from_str(&text).unwrap();
    assert!(mutants.mutant.len() >= 8);
    let mut failures = Vec::new();
    for m in &mutants.mutant {
        let dir = tempfile::tempdir().unwrap();
        submission(dir.path(), |xml| {
            assert_eq!(xml.matches(&m.find).count(), 1, "{}", m.name);
            xml.replace(&m.find, &m.replace)
        });
        let fs = findings(dir.path());
        let bad = serious(&fs);
        // The changed words, as the reader shows them (XML entities aside).
        let changed = m.replace.replace("&amp;", "&");
        let ok = matches!(bad.as_slice(), [f] if f.code == m.expect
            && f.at.text.as_ref().is_some_and(|t| changed.contains(t.quote.get(t.figure.0..t.figure.1).unwrap_or("?"))
                || t.quote.contains(changed.trim_end_matches('.'))));
        if !ok {
            failures.push(format!(
                "{} (expected {}):\n{}",
                m.name,
                m.expect,
                describe(&bad)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
