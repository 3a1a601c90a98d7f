//! The facts layer: every recognised figure of the Trawas fixture becomes a fact with its
//! subject, measure, period, version and document kind, ready for cross-document identity.

mod common;
use common::*;
use rust_decimal::Decimal;
use sakip_lint::facts::{self, Fact, Subject};
use std::str::FromStr;

/// Every fact, with the name of its sheet.
fn all_facts() -> Vec<(String, Fact)> {
    let subs = sakip_lint::submission::discover(&[root().join("fixtures/trawas-2024")]).unwrap();
    let rules = options().rules;
    subs.iter()
        .flat_map(|s| {
            let docs = sakip_lint::lint::read_docs(s, &rules).0;
            facts::collect(&docs, &rules)
                .into_iter()
                .map(|f| (f.sheet_name(&docs).to_string(), f))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn at<'a>(fs: &'a [(String, Fact)], sheet: &str, cell: &str) -> &'a Fact {
    fs.iter()
        .find(|(s, f)| s == sheet && f.cell.to_string() == cell)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no fact at {sheet}!{cell}"))
}

#[test]
fn facts_carry_subject_measure_period_version_and_kind() {
    let fs = all_facts();
    assert!(fs.len() > 300, "{} facts", fs.len());
    // Renja: kegiatan 7.01.01.2.08, anggaran 2024 murni (APBD) and perubahan (P-APBD).
    let murni = at(&fs, "Lamp 2 Renja", "J32");
    assert_eq!(murni.subject, Subject::Kode("7.1.1.2.8".into()));
    assert_eq!(
        (
            murni.measure,
            murni.value.value,
            murni.period,
            murni.version,
            &*murni.kind
        ),
        (
            "anggaran",
            d("135000000"),
            Some(2024),
            Some("murni"),
            "renja"
        )
    );
    assert_eq!(at(&fs, "Lamp 2 Renja", "K32").version, Some("perubahan"));
    // A programme named in the LRA is the programme coded in the Renja.
    let pagu = at(&fs, "Tabel 3.2", "D6");
    assert_eq!(
        (pagu.subject.clone(), &*pagu.kind),
        (Subject::Kode("7.1.1".into()), "lra")
    );
    // PK targets carry the PK version; the names resolve through the aliases.
    let pk = at(&fs, "PK Perubahan", "D9");
    assert_eq!(
        (&*pk.kind, pk.version, pk.subject.clone()),
        ("pk", Some("perubahan"), Subject::Name("nilai sakip".into()))
    );
    // The Renstra's second "Tahun 2024" header stands for 2023.
    assert_eq!(at(&fs, "Renstra", "I7").period, Some(2023));
    assert_eq!(at(&fs, "Renstra", "K7").period, Some(2024));
    // Realisasi by the year of its column header; another entity's column is no fact.
    let ikm = Subject::Name("indeks kepuasan masyarakat".into());
    assert_eq!(at(&fs, "Tabel 3.1.2", "E4").period, Some(2023));
    assert_eq!(at(&fs, "Tabel 3.1.2", "F4").subject, ikm);
    assert!(
        !fs.iter()
            .any(|(s, f)| s == "Tabel 3.1.4 PEMDA" && f.cell.to_string() == "F3")
    );
    // A percentage stored as a fraction is a fact in percent units.
    assert!(
        fs.iter().any(|(_, f)| f.measure == "realisasi"
            && f.value.percent
            && f.value.value == d("95.02"))
    );
    // The LRA total absorption is also the realisasi of the absorption indicator.
    let absorption = Subject::Name("persentase realisasi anggaran".into());
    assert!(
        fs.iter().any(|(_, f)| f.subject == absorption
            && &*f.kind == "lra"
            && f.value.value == d("95.02"))
    );
}
