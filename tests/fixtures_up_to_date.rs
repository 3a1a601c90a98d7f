//! Every generated workbook committed under fixtures/ is what its text sources build
//! (the generator is deterministic): nobody edits a fixture workbook by hand, and a
//! changed source without a rebuild fails here. Rebuild with
//! `cargo run --example build_fixtures`.

use fixture_source::{Form, NumberStyle, load_set, write_xlsx};
use std::path::Path;

#[derive(serde::Deserialize)]
struct Spec {
    #[serde(default)]
    numbers: Option<String>,
    #[serde(default)]
    title_rows: Vec<String>,
    #[serde(default)]
    generic_sheet_names: bool,
}

#[test]
fn committed_workbooks_match_their_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut sets: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    sets.sort();
    for set in sets {
        let workbooks = load_set(&set.join("src")).unwrap();
        let forms: Vec<(std::path::PathBuf, Form)> =
            match std::fs::read_to_string(set.join("forms.toml")) {
                Ok(text) => {
                    let specs: std::collections::BTreeMap<String, Spec> =
                        toml::from_str(&text).unwrap();
                    specs
                        .into_iter()
                        .map(|(name, s)| {
                            let numbers = match s.numbers.as_deref() {
                                Some("plain") => NumberStyle::Plain,
                                Some("text") => NumberStyle::Text,
                                _ => NumberStyle::Fraction,
                            };
                            (
                                set.join(name),
                                Form {
                                    numbers,
                                    title_rows: s.title_rows,
                                    generic_sheet_names: s.generic_sheet_names,
                                },
                            )
                        })
                        .collect()
                }
                Err(_) => vec![(set.clone(), Form::default())],
            };
        for (dir, form) in forms {
            for wb in &workbooks {
                let committed = dir.join(format!("{}.xlsx", wb.name));
                let rebuilt = tmp.path().join("x.xlsx");
                write_xlsx(wb, &form, &rebuilt).unwrap();
                assert!(
                    std::fs::read(&committed).ok() == std::fs::read(&rebuilt).ok(),
                    "{} is stale: run `cargo run --example build_fixtures`",
                    committed.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked} workbooks checked");
}
