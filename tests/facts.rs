//! The facts layer: every recognised figure of the Trawas fixture becomes a fact with its
//! subject, measure, period and version, ready for cross-document comparison.

mod common;
use common::*;
use rust_decimal::Decimal;
use sakip_lint::facts::{self, Subject};
use std::str::FromStr;

fn all_facts() -> Vec<facts::Fact> {
    let subs = sakip_lint::lint::discover(&[root().join("fixtures/trawas-2024")]).unwrap();
    let rules = options().rules;
    subs.iter()
        .flat_map(|s| sakip_lint::lint::read_docs(s, &rules).0)
        .flat_map(|d| facts::collect(&d))
        .collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn facts_carry_subject_measure_period_and_version() {
    let fs = all_facts();
    assert!(fs.len() > 300, "{} facts", fs.len());
    // Renja: the kegiatan 7.01.01.2.08, APBD 2024 (murni) and P-APBD 2024.
    let kegiatan = Subject::Kode("7.1.1.2.8".into());
    let apbd = fs
        .iter()
        .find(|f| f.subject == kegiatan && f.measure == "apbd")
        .expect("apbd fact");
    assert_eq!(
        (apbd.value.value, apbd.period, apbd.version.as_deref()),
        (d("135000000"), Some(2024), Some("apbd"))
    );
    assert_eq!(apbd.at.cell.to_string(), "J32");
    let papbd = fs
        .iter()
        .find(|f| f.subject == kegiatan && f.measure == "papbd")
        .expect("papbd fact");
    assert_eq!(papbd.value.value, d("141000000"));
    // The comparison with last year: realisasi by the year of its column header.
    let ikm = Subject::Name("ikm kecamatan".into());
    let mut years: Vec<(Option<i32>, Decimal)> = fs
        .iter()
        .filter(|f| f.subject == ikm && f.measure == "realisasi" && f.at.sheet == "Tabel 3.1.2")
        .map(|f| (f.period, f.value.value))
        .collect();
    years.sort();
    assert_eq!(
        years,
        vec![(Some(2023), d("84.49")), (Some(2024), d("88.85"))]
    );
    // A percentage stored as a fraction is a fact in percent units.
    assert!(
        fs.iter()
            .any(|f| f.measure == "realisasi" && f.value.percent && f.value.value == d("95.02"))
    );
    // The same figure in several tables is several facts (the next issue compares them).
    let ikm_real_2024: Vec<_> = fs
        .iter()
        .filter(|f| f.subject == ikm && f.measure == "realisasi" && f.period == Some(2024))
        .collect();
    assert!(ikm_real_2024.len() >= 3);
}
