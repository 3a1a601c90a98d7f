//! Build the fixture workbooks from their text sources.
//!
//! `cargo run --example build_fixtures [FIXTURES_DIR]` (default `fixtures`).
//!
//! For every `<FIXTURES_DIR>/<set>/src/`: if `<set>/forms.toml` exists, each
//! form in it is built into `<set>/<form>/<workbook>.xlsx`; otherwise one
//! `fraction` build goes straight into `<set>/<workbook>.xlsx`.
//!
//! `forms.toml` maps a form name to its shape:
//!
//! ```toml
//! plain  = { numbers = "plain" }
//! text   = { numbers = "text" }
//! titled = { numbers = "fraction", title_rows = ["LAMPIRAN I", "KECAMATAN X"], generic_sheet_names = true }
//! ```
//!
//! `numbers` is `plain`, `fraction` (default) or `text`; `title_rows` defaults
//! to none; `generic_sheet_names` to false.

use fixture_source::{Form, NumberStyle, load_set, write_xlsx};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Numbers {
    Plain,
    #[default]
    Fraction,
    Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormSpec {
    #[serde(default)]
    numbers: Numbers,
    #[serde(default)]
    title_rows: Vec<String>,
    #[serde(default)]
    generic_sheet_names: bool,
}

impl FormSpec {
    fn to_form(&self) -> Form {
        Form {
            numbers: match self.numbers {
                Numbers::Plain => NumberStyle::Plain,
                Numbers::Fraction => NumberStyle::Fraction,
                Numbers::Text => NumberStyle::Text,
            },
            title_rows: self.title_rows.clone(),
            generic_sheet_names: self.generic_sheet_names,
        }
    }
}

fn build_set(set_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let src = set_dir.join("src");
    let workbooks = load_set(&src).map_err(|e| e.to_string())?;
    let forms_path = set_dir.join("forms.toml");
    // (output dir, form)
    let mut builds: Vec<(PathBuf, Form)> = Vec::new();
    if forms_path.is_file() {
        let text = fs::read_to_string(&forms_path)
            .map_err(|e| format!("{}: {e}", forms_path.display()))?;
        let forms: BTreeMap<String, FormSpec> =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", forms_path.display()))?;
        if forms.is_empty() {
            return Err(format!("{}: no forms", forms_path.display()));
        }
        for (name, spec) in &forms {
            if name == "src" || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(format!("{}: bad form name `{name}`", forms_path.display()));
            }
            builds.push((set_dir.join(name), spec.to_form()));
        }
    } else {
        builds.push((set_dir.to_path_buf(), Form::default()));
    }
    let mut written = Vec::new();
    for (out_dir, form) in &builds {
        fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
        for wb in &workbooks {
            let out = out_dir.join(format!("{}.xlsx", wb.name));
            write_xlsx(wb, form, &out).map_err(|e| e.to_string())?;
            written.push(out);
        }
    }
    Ok(written)
}

fn main() -> ExitCode {
    let root = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("fixtures"), PathBuf::from);
    let entries = match fs::read_dir(&root) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{}: {e}", root.display());
            return ExitCode::FAILURE;
        }
    };
    // ROOT is a folder of sets, or one set itself.
    let mut sets: Vec<PathBuf> = if root.join("src").is_dir() {
        vec![root.clone()]
    } else {
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("src").is_dir())
            .collect()
    };
    sets.sort();
    if sets.is_empty() {
        eprintln!(
            "{}: no fixture set (a folder with src/) found",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for set in &sets {
        match build_set(set) {
            Ok(files) => {
                for f in files {
                    println!("wrote {}", f.display());
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
