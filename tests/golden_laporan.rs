//! The Trawas 2024 report as a Word document (fixtures/trawas-2024-laporan, built from the
//! seed text) and as the PDF LibreOffice made of it: every seed contradiction its
//! sentences hold is found, and every error and warning is on the reviewed list
//! tests/golden/trawas-2024-laporan.txt (.docx) or tests/golden/trawas-2024-laporan-pdf.txt
//! (PDF; nothing else is reported). Regenerate the keys after a deliberate change with
//! UPDATE_GOLDEN=1 (reasons of entries that stay are kept; new ones get "TODO review").

mod common;
use common::*;
use sakip_lint::finding::{Finding, Severity};

const DOCX: &str = "fixtures/trawas-2024-laporan/laporan-kinerja-trawas-2024.docx";

fn golden_path() -> std::path::PathBuf {
    root().join("tests/golden/trawas-2024-laporan.txt")
}

fn pdf_golden_path() -> std::path::PathBuf {
    root().join("tests/golden/trawas-2024-laporan-pdf.txt")
}

/// "CODE file Tabel k!A1" for a table; for a sentence "CODE file ¶N «figure»" (Word) or
/// "CODE file p.P l.L «figure»" (PDF: page and line).
fn place_key(f: &Finding) -> String {
    match &f.at.text {
        Some(t) => format!(
            "{} {} {} «{}»",
            f.code,
            std::path::Path::new(&f.at.file)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            match (t.page, t.line) {
                (Some(page), Some(line)) => format!("p.{page} l.{line}"),
                _ => format!("¶{}", t.paragraph),
            },
            t.quote.get(t.figure.0..t.figure.1).unwrap_or_default()
        ),
        None => key(f),
    }
}

fn current() -> Vec<Finding> {
    findings(&root().join(DOCX))
}

#[test]
fn every_seed_contradiction_of_the_sentences_is_found() {
    seed_contradictions(&current());
}

/// The PDF LibreOffice made of the same .docx: the same contradictions, by page and line.
#[test]
fn every_seed_contradiction_is_found_in_the_pdf_too() {
    let fs = findings(&root().join(DOCX.replace(".docx", ".pdf")));
    seed_contradictions(&fs);
    for f in fs.iter().filter(|f| f.at.text.is_some()) {
        let t = f.at.text.as_ref().unwrap();
        assert!(t.page.is_some() && t.line.is_some(), "{}", place_key(f));
    }
}

fn seed_contradictions(fs: &[Finding]) {
    let keys: Vec<String> = fs
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(place_key)
        .collect();
    let has = |code: &str, figure: &str| {
        keys.iter()
            .any(|k| k.starts_with(code) && k.ends_with(&format!("«{figure}»")))
            || keys
                .iter()
                .any(|k| k.starts_with(code) && k.contains(figure))
    };
    // "target 91 % terealisasi 92,81 %" against 95,02 in the tables and the LRA's rupiah.
    assert!(has("SL706", "92,81 %"), "{keys:#?}");
    // "Realisasi Anggaran Rp. 2.360.276.556,00" against Rp 2.416.254.056,00.
    assert!(has("SL706", "Rp. 2.360.276.556,00"), "{keys:#?}");
    // IKM "terealisasi 89,52 … 101,37" against 88,85 … 100,61 elsewhere.
    assert!(has("SL706", "89,52"), "{keys:#?}");
    // "3 Program , 7 Kegiatan dan 20 Sub Kegiatan" against "3 Program , 9 Kegiatan dan 23".
    assert!(keys.iter().any(|k| k.starts_with("SL704")), "{keys:#?}");
    // "2.416.254.056,00,00".
    assert!(has("SL501", "Rp 2.416.254.056,00,00"), "{keys:#?}");
    // IP ASN "84,23 … 78,33 … penurunan … sebesar 5,3": the difference is 5,90.
    assert!(has("SL703", "5,3"), "{keys:#?}");
}

#[test]
fn every_error_and_warning_is_reviewed_and_nothing_else_is_reported() {
    let got: Vec<String> = current()
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(place_key)
        .collect();
    check_golden(&golden_path(), &got);
}

/// The PDF: the same findings as the Word document, sentences by page and line, nothing
/// else (no repeated page header read as a second table header, no table row spilt by
/// a clipped header cell).
#[test]
fn every_error_and_warning_of_the_pdf_is_reviewed_and_nothing_else_is_reported() {
    let got: Vec<String> = findings(&root().join(DOCX.replace(".docx", ".pdf")))
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(place_key)
        .collect();
    check_golden(&pdf_golden_path(), &got);
}

/// Findings on the PDF's Renstra table, joined from six pages, that reach into a later
/// page say that the table was joined; those within its first page do not.
#[test]
fn findings_on_a_joined_pdf_table_state_the_join() {
    let fs = findings(&root().join(DOCX.replace(".docx", ".pdf")));
    let on = |cell: &str| {
        fs.iter()
            .find(|f| f.at.sheet == "Tabel 6" && f.at.cell.to_string() == cell)
            .unwrap_or_else(|| panic!("a finding at Tabel 6!{cell}"))
    };
    let joined = |f: &Finding| {
        f.assumed
            .iter()
            .find(|m| m.id == "assumed.pdf_pages")
            .map(|m| format!("{:?}", m.args))
    };
    // Row 12 stands on the table's second page (page 14 of the PDF); the table runs over
    // pages 13 to 18 (where pdftotext finds its "Loka si" header column).
    let pages = joined(on("Q12")).unwrap_or_else(|| panic!("{:?}", on("Q12").assumed));
    assert!(
        pages.contains("\"13\"") && pages.contains("\"18\""),
        "{pages}"
    );
    // Row 4 stands on its first page, under the header it is read by.
    assert!(joined(on("K4")).is_none(), "{:?}", on("K4").assumed);
}
