//! The conventions of linters users know (issue 5): configuration files, rule names and
//! docs, baselines, machine formats, quiet/statistics, languages, user rule files.
//! Faulty workbooks are single-fault mutants of the clean Sukamaju submission (as in
//! tests/mutants.rs), built in a temporary folder.

mod common;
use common::{one_sheet_workbook, root};
use fixture_source::{self as source, Form, NumberStyle};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::checks::{SECTIONS, all_rules};
use sakip_lint::rules::Rules;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A population total that is not L + P (SL104 at Penduduk!E8).
const FAULT_A: (&str, &str, &str, &str) = ("lkjip-tabel", "Penduduk", "E8", "2909");
/// A capaian that does not follow from target and realisasi (SL201 at Capaian Kinerja!F13).
const FAULT_B: (&str, &str, &str, &str) = ("lkjip-tabel", "Capaian Kinerja", "F13", "101,59");

/// The clean submission with `faults` applied, written as .xlsx into `dir`.
fn submission(dir: &Path, faults: &[(&str, &str, &str, &str)]) {
    let form = Form {
        numbers: NumberStyle::Plain,
        title_rows: Vec::new(),
        generic_sheet_names: false,
    };
    let mut set = source::load_set(&root().join("fixtures/clean-sukamaju/src")).unwrap();
    for wb in &mut set {
        for (book, sheet, cell, value) in faults {
            if wb.name == *book {
                let s = wb.sheets.iter_mut().find(|s| s.name == *sheet).unwrap();
                s.set(cell, value).unwrap();
            }
        }
        source::write_xlsx(wb, &form, &dir.join(format!("{}.xlsx", wb.name))).unwrap();
    }
}

/// Run the binary in `cwd` with a controlled environment (no colour, a given locale).
fn run_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sakip-lint"));
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    run_env(cwd, args, &[])
}

/// "CODE sheet!cell" of every finding of a JSON report.
fn keys(out: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}!{}",
                f["code"].as_str().unwrap(),
                f["sheet"].as_str().unwrap(),
                f["cell"].as_str().unwrap()
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Rule registry and docs
// ---------------------------------------------------------------------------------------

#[test]
fn every_rule_has_a_name_and_every_doc_section_in_both_languages() {
    let rules = Rules::embedded().unwrap();
    let kebab = regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$").unwrap();
    let all = all_rules();
    assert!(all.len() >= 25);
    let mut names: Vec<&str> = all.iter().map(|r| r.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len(), "names are unique");
    let mut missing = Vec::new();
    for r in &all {
        assert!(kebab.is_match(r.name), "{}: {}", r.code, r.name);
        for lang in [Lang::Id, Lang::En] {
            let cat = Catalog::new(&rules, lang);
            for id in
                std::iter::once(r.title.to_string()).chain(SECTIONS.iter().map(|s| r.section_id(s)))
            {
                // In this language itself, not through the fallback.
                if cat.get(&id).is_none_or(|t| t.trim().len() < 10) {
                    missing.push(format!("{} {id}", lang.code()));
                }
            }
        }
        // The two languages say different things (not a copy left untranslated).
        let (id, en) = (
            Catalog::new(&rules, Lang::Id),
            Catalog::new(&rules, Lang::En),
        );
        assert_ne!(id.get(&r.section_id("why")), en.get(&r.section_id("why")));
    }
    assert!(missing.is_empty(), "missing or empty: {missing:?}");
}

#[test]
fn explain_works_for_every_code_and_name_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let headings = [
        (
            "id",
            [
                "Apa yang diperiksa",
                "Mengapa penting",
                "Contoh dari laporan",
                "Cara memperbaiki",
            ],
        ),
        (
            "en",
            [
                "What it checks",
                "Why it matters",
                "Example from a report",
                "How to fix",
            ],
        ),
    ];
    for r in all_rules() {
        for (lang, heads) in &headings {
            for key in [r.code, r.name] {
                let (code, out, err) =
                    run(dir.path(), &["explain", key, "--lang", lang, "--isolated"]);
                assert_eq!(code, 0, "{key} {lang}: {err}");
                assert!(out.starts_with(&format!("{} {}", r.code, r.name)), "{out}");
                for h in heads {
                    let after = out
                        .split(h)
                        .nth(1)
                        .unwrap_or_else(|| panic!("{key} {lang}: no {h}"));
                    // Each section has text under its heading.
                    let body = after.lines().nth(1).unwrap_or("");
                    assert!(body.trim().len() > 10, "{key} {lang} {h}: {body:?}");
                }
            }
        }
    }
    let (code, _, err) = run(dir.path(), &["explain", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rule"));
}

#[test]
fn rules_lists_code_name_severity_and_title() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "--lang", "en"]);
    assert_eq!(code, 0);
    let line = out.lines().find(|l| l.starts_with("SL104")).unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&cols[..3], &["SL104", "gender-sum-mismatch", "error"]);
    assert!(line.contains("Male + Female"));
    assert_eq!(out.lines().count(), all_rules().len() + 1);
}

#[test]
fn docs_rules_md_is_generated_from_the_code() {
    let rules = Rules::embedded().unwrap();
    let (id, en) = (
        Catalog::new(&rules, Lang::Id),
        Catalog::new(&rules, Lang::En),
    );
    let want = sakip_lint::report::ruledocs::markdown(&[&id, &en]);
    let path = root().join("docs/rules.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test --test conventions docs_rules_md`"
    );
    for r in all_rules() {
        assert!(have.contains(&format!("## {}", r.code)) && have.contains(r.name));
    }
    // The command prints the same.
    let (code, out, _) = run(&root(), &["rules", "--markdown"]);
    assert_eq!((code, out), (0, want));
}

// ---------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------

#[test]
fn a_config_file_beside_the_workbooks_silences_a_code_and_flags_win() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kec");
    std::fs::create_dir(&dir).unwrap();
    submission(&dir, &[FAULT_A]);
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "kec", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(tmp.path(), &args);
        assert_ne!(code, 2, "{err}");
        keys(&out)
    };
    let sl104 = |k: &Vec<String>| k.contains(&"SL104 Penduduk!E8".to_string());
    let all = check(&[]);
    assert!(sl104(&all), "{all:?}");

    std::fs::write(dir.join("sakip-lint.toml"), "ignore = [\"SL104\"]\n").unwrap();
    let quiet = check(&[]);
    assert!(!sl104(&quiet));
    // Only that code goes: the knock-on total (SL101), folded into the SL104 finding
    // while SL104 is reported, stands on its own.
    let mut rest: Vec<String> = all
        .iter()
        .filter(|k| !k.starts_with("SL104"))
        .cloned()
        .chain(["SL101 Penduduk!E15".to_string()])
        .collect();
    rest.sort();
    let mut quiet = quiet;
    quiet.sort();
    assert_eq!(quiet, rest);
    assert!(!all.contains(&"SL101 Penduduk!E15".to_string()), "{all:?}");
    // A family prefix silences the whole family, and the exit status follows.
    std::fs::write(dir.join("sakip-lint.toml"), "ignore = [\"SL1\"]\n").unwrap();
    assert_eq!(run(tmp.path(), &["check", "kec"]).0, 0);
    // From a parent folder too, by name; the closest file wins.
    std::fs::remove_file(dir.join("sakip-lint.toml")).unwrap();
    std::fs::write(
        tmp.path().join("sakip-lint.toml"),
        "ignore = [\"gender-sum-mismatch\"]\n",
    )
    .unwrap();
    assert!(!sl104(&check(&[])));
    std::fs::write(dir.join("sakip-lint.toml"), "ignore = [\"SL5\"]\n").unwrap();
    assert!(sl104(&check(&[])));
    // Flags win over the file; --isolated ignores it.
    std::fs::write(dir.join("sakip-lint.toml"), "ignore = [\"SL104\"]\n").unwrap();
    assert!(sl104(&check(&["--ignore", "SL5"])));
    assert!(sl104(&check(&["--isolated"])));
    // --config names another file.
    std::fs::write(tmp.path().join("lain.toml"), "select = [\"SL5\"]\n").unwrap();
    let (code, out, _) = run(
        tmp.path(),
        &["check", "kec", "--config", "lain.toml", "--format", "json"],
    );
    assert_eq!(code, 0);
    assert!(keys(&out).iter().all(|k| k.starts_with("SL5")));
}

#[test]
fn extend_select_adds_to_the_selection_in_force() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[FAULT_A]);
    let keys_of = |config: &str, extra: &[&str]| {
        std::fs::write(tmp.path().join("sakip-lint.toml"), config).unwrap();
        let mut args = vec!["check", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(tmp.path(), &args);
        assert_ne!(code, 2, "{config} {extra:?}: {err}");
        keys(&out)
    };
    let sl104 = |k: &[String]| k.iter().any(|k| k.starts_with("SL104 "));
    let only = |k: &[String], prefixes: &[&str]| {
        k.iter().all(|k| prefixes.iter().any(|p| k.starts_with(p)))
    };
    // The file's extend-select adds to the file's select.
    let k = keys_of("select = [\"SL5\"]\nextend-select = [\"SL104\"]\n", &[]);
    assert!(sl104(&k) && only(&k, &["SL5", "SL104"]), "{k:?}");
    let k = keys_of("select = [\"SL5\"]\n", &[]);
    assert!(!sl104(&k), "{k:?}");
    // --select replaces the file's selection, its extend-select with it.
    let k = keys_of(
        "select = [\"SL5\"]\nextend-select = [\"SL104\"]\n",
        &["--select", "SL3"],
    );
    assert!(!sl104(&k) && only(&k, &["SL3"]), "{k:?}");
    // --extend-select adds to whichever selection is in force, by code or name.
    let k = keys_of(
        "select = [\"SL5\"]\n",
        &["--extend-select", "gender-sum-mismatch"],
    );
    assert!(sl104(&k) && only(&k, &["SL5", "SL104"]), "{k:?}");
    let k = keys_of("", &["--select", "SL3", "--extend-select", "SL104"]);
    assert!(sl104(&k) && only(&k, &["SL3", "SL104"]), "{k:?}");
    // With nothing selected every rule runs already: extend-select changes nothing.
    let every = keys_of("", &[]);
    assert_eq!(keys_of("extend-select = [\"SL104\"]\n", &[]), every);
    // An unknown code is refused, in the file and on the command line.
    std::fs::write(
        tmp.path().join("sakip-lint.toml"),
        "extend-select = [\"SL999\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(tmp.path(), &["check", "."]);
    assert!(
        code == 2 && err.contains("sakip-lint.toml:1:") && err.contains("SL999"),
        "{err}"
    );
    let (code, _, err) = run(
        tmp.path(),
        &["check", ".", "--isolated", "--extend-select", "SL999"],
    );
    assert!(code == 2 && err.contains("SL999"), "{err}");
}

#[test]
fn tables_reads_with_the_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[]);
    // The file's reading limit and language apply to `tables` as to `check`.
    std::fs::write(
        tmp.path().join("sakip-lint.toml"),
        "lang = \"en\"\nmax-cells = 5\n",
    )
    .unwrap();
    let (code, out, err) = run(tmp.path(), &["tables", "."]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("This sheet was not read because it is too large"),
        "{err}"
    );
    assert!(!out.contains("header"), "{out}");
    // --isolated: no file, the tables are shown.
    let (code, out, err) = run(tmp.path(), &["tables", ".", "--isolated"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Penduduk rows") && err.is_empty(),
        "{out}{err}"
    );
    // A flag wins over the file.
    let (code, out, _) = run(tmp.path(), &["tables", ".", "--max-cells", "4000000"]);
    assert_eq!(code, 0);
    assert!(out.contains("Penduduk rows"), "{out}");
    // A broken file is named, as `check` names it.
    std::fs::write(tmp.path().join("sakip-lint.toml"), "max-cels = 5\n").unwrap();
    let (code, _, err) = run(tmp.path(), &["tables", "."]);
    assert!(code == 2 && err.contains("sakip-lint.toml:1:1:"), "{err}");
}

#[test]
fn config_severity_lang_and_year_apply() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[FAULT_A]);
    std::fs::write(
        tmp.path().join("sakip-lint.toml"),
        "lang = \"en\"\nyear = 2024\n\n[severity]\nSL1 = \"warning\"\ngender-sum-mismatch = \"info\"\n",
    )
    .unwrap();
    let (code, out, _) = run(tmp.path(), &["check", ".", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SL104")
        .unwrap()
        .clone();
    // The code's own entry wins over its family's.
    assert_eq!(f["severity"], "info");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("column \"Jumlah\" shows"),
        "{f}"
    );
    let severities: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SL101")
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(!severities.is_empty() && severities.iter().all(|s| *s == "warning"));
    assert_eq!(code, 0, "no error left: exit 0");
    // --lang wins over the file.
    let (_, out, _) = run(
        tmp.path(),
        &["check", ".", "--format", "json", "--lang", "id"],
    );
    assert!(out.contains("padahal"));
    // rules/explain honour the configuration's language too.
    let (_, out, _) = run(tmp.path(), &["rules"]);
    assert!(out.starts_with("CODE"), "{out}");
}

#[test]
fn a_broken_config_names_file_line_and_what() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[]);
    let cases = [
        ("lang = \"id\"\nselct = [\"SL1\"]\n", ":2:1:", "selct"),
        ("ignore = \"SL104\"\n", ":1:", "ignore"),
        ("[severity]\nSL104 = \"parah\"\n", ":2:", "parah"),
        ("\nselect = [\"SL999\"]\n", ":2:", "SL999"),
    ];
    for (text, at, what) in cases {
        std::fs::write(tmp.path().join("sakip-lint.toml"), text).unwrap();
        let (code, out, err) = run(tmp.path(), &["check", "."]);
        assert_eq!(code, 2, "{text}: {out}");
        assert!(
            err.contains(&format!("sakip-lint.toml{at}")) && err.contains(what),
            "{text}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Rule files
// ---------------------------------------------------------------------------------------

const PREDIKAT: &str = "Tabel 3.1 Capaian Kinerja
No | Indikator Kinerja | Target | Realisasi | Capaian (%) | Predikat
1 | Nilai SAKIP | 82 | 82,3 | 100,37 | Memuaskan
2 | Indeks Profesionalitas ASN | 80 | 76 | 95,00 | Memuaskan";

#[test]
fn a_user_scale_from_the_configured_rules_folder_catches_a_wrong_predikat() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", PREDIKAT);
    // Without the user's scale the labels are in no scale (info only).
    let (code, out, _) = run(tmp.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(keys(&out), vec!["SL304 Capaian!F3"]);
    // The regency's own scale, in a rules folder named by the configuration.
    std::fs::create_dir(tmp.path().join("aturan")).unwrap();
    std::fs::write(
        tmp.path().join("aturan/scales.toml"),
        "[[scale]]\nname = \"Skala kabupaten\"\nmeasure = \"capaian\"\nbands = [\n  \
         [\"Lebih dari 100 %\", \"Istimewa\"],\n  [\"90 % sd. 100 %\", \"Memuaskan\"],\n  \
         [\"Kurang dari 90 %\", \"Perlu Perbaikan\"],\n]\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("sakip-lint.toml"), "rules = \"aturan\"\n").unwrap();
    let (code, out, err) = run(tmp.path(), &["check", ".", "--format", "json"]);
    // 100,37 is "Istimewa"; 95,00 is rightly "Memuaskan".
    assert_eq!(keys(&out), vec!["SL301 Capaian!F3"], "{err}");
    assert_eq!(code, 1);
}

#[test]
fn a_broken_rule_file_points_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", PREDIKAT);
    let rules = tmp.path().join("aturan");
    std::fs::create_dir(&rules).unwrap();
    let cases: [(&str, &str, &str, &str); 5] = [
        // TOML syntax
        (
            "scales.toml",
            "[[scale]]\nname = \"x\nmeasure = \"capaian\"\n",
            ":2:",
            "",
        ),
        // a misspelt field
        (
            "relations.toml",
            "[[relation]]\ncode = \"SL299\"\nname = \"r\"\ntarget = \"a\"\nexpresion = \"b\"\n",
            ":5:",
            "expresion",
        ),
        // an expression that does not parse
        (
            "relations.toml",
            "[[relation]]\ncode = \"SL299\"\nname = \"r\"\ntarget = \"a\"\nexpr = \"b +\"\n",
            ":5:",
            "b +",
        ),
        // a band that is no range
        (
            "scales.toml",
            "[[scale]]\nname = \"s\"\nmeasure = \"capaian\"\nbands = [\n  [\"Lebih dari 100 %\", \"A\"],\n  [\"sedang\", \"B\"],\n]\n",
            ":6:",
            "sedang",
        ),
        // a wrong type
        (
            "checks.toml",
            "disabled = []\nmax_cells = \"banyak\"\n",
            ":2:",
            "",
        ),
    ];
    for (file, text, at, what) in cases {
        for f in std::fs::read_dir(&rules).unwrap() {
            std::fs::remove_file(f.unwrap().path()).unwrap();
        }
        std::fs::write(rules.join(file), text).unwrap();
        let (code, _, err) = run(tmp.path(), &["check", ".", "--rules", "aturan"]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(
            err.contains(&format!("{file}{at}")) && err.contains(what),
            "{file} {text}: {err}"
        );
    }
    // A misspelt file name is not skipped silently.
    for f in std::fs::read_dir(&rules).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    std::fs::write(rules.join("scale.toml"), "").unwrap();
    let (code, _, err) = run(tmp.path(), &["check", ".", "--rules", "aturan"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("scale.toml") && err.contains("scales.toml"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------

#[test]
fn a_baseline_hides_known_findings_and_shows_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kec");
    std::fs::create_dir(&dir).unwrap();
    submission(&dir, &[FAULT_A]);
    let (code, _, err) = run(
        tmp.path(),
        &["check", "kec", "--write-baseline", "known.json"],
    );
    assert_eq!(code, 0, "recorded findings are accepted: {err}");
    assert!(err.contains("known.json"));
    let text = std::fs::read_to_string(tmp.path().join("known.json")).unwrap();
    let b: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(b["schema"], "sakip-lint-baseline/1");
    let e = b["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "SL104")
        .expect("SL104 recorded");
    assert_eq!(
        (e["file"].as_str(), e["sheet"].as_str(), e["cell"].as_str()),
        (Some("lkjip-tabel.xlsx"), Some("Penduduk"), Some("E8"))
    );
    assert!(!text.contains("padahal"), "keyed by figure, not by message");

    // Known: nothing to report.
    let (code, out, _) = run(
        tmp.path(),
        &[
            "check",
            "kec",
            "--baseline",
            "known.json",
            "--format",
            "json",
        ],
    );
    assert_eq!((code, keys(&out)), (0, Vec::<String>::new()));
    // A new fault shows up, the known one stays hidden (also from another folder).
    let moved = tmp.path().join("kec-baru");
    std::fs::create_dir(&moved).unwrap();
    submission(&moved, &[FAULT_A, FAULT_B]);
    let (code, out, _) = run(
        tmp.path(),
        &[
            "check",
            "kec-baru",
            "--baseline",
            "known.json",
            "--format",
            "json",
        ],
    );
    let got = keys(&out);
    assert!(
        got.contains(&"SL201 Capaian Kinerja!F13".to_string()),
        "{got:?}"
    );
    assert!(!got.iter().any(|k| k.starts_with("SL104")), "{got:?}");
    assert_eq!(code, 1);
    // A baseline that does not exist, or over a workbook: refused.
    assert_eq!(
        run(tmp.path(), &["check", "kec", "--baseline", "nope.json"]).0,
        2
    );
    let (code, _, _) = run(
        tmp.path(),
        &["check", "kec", "--write-baseline", "kec/lkjip-tabel.xlsx"],
    );
    assert_eq!(code, 2);
    assert!(dir.join("lkjip-tabel.xlsx").metadata().unwrap().len() > 1000);
}

// ---------------------------------------------------------------------------------------
// Formats and flags
// ---------------------------------------------------------------------------------------

#[test]
fn github_statistics_quiet_and_color() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[FAULT_A, FAULT_B]);
    let (code, out, _) = run(tmp.path(), &["check", ".", "--format", "github"]);
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.contains("SL104"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.starts_with(
            "::error file=./lkjip-tabel.xlsx,title=SL104 gender-sum-mismatch::Penduduk!E8 "
        ),
        "{line}"
    );
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");

    let (code, out, _) = run(tmp.path(), &["check", ".", "--statistics", "--lang", "en"]);
    assert_eq!(code, 1);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let sl104 = rows.iter().find(|r| r.get(1) == Some(&"SL104")).unwrap();
    assert_eq!(sl104[2], "gender-sum-mismatch");
    let counts: Vec<usize> = rows
        .iter()
        .filter(|r| r.get(1).is_some_and(|c| c.starts_with("SL")))
        .map(|r| r[0].parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sorted: {out}");
    let (_, out, _) = run(
        tmp.path(),
        &["check", ".", "--statistics", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "SL201" && s["count"].as_u64() >= Some(1))
    );

    // Quiet: findings without the totals line; nothing on a clean run.
    let (_, loud, _) = run(tmp.path(), &["check", "."]);
    let (_, quiet, _) = run(tmp.path(), &["check", ".", "--quiet"]);
    assert!(loud.contains("berkas diperiksa") && !quiet.contains("berkas diperiksa"));
    assert!(quiet.contains("SL104"));
    let clean = tempfile::tempdir().unwrap();
    submission(clean.path(), &[]);
    let (code, out, _) = run(clean.path(), &["check", ".", "-q", "--select", "SL1,SL2"]);
    assert_eq!((code, out.as_str()), (0, ""));

    // Colour: never by default off a terminal, always on request, even with NO_COLOR set
    // (NO_COLOR only changes `auto`).
    assert!(!loud.contains('\u{1b}'));
    let (_, always, _) = run(tmp.path(), &["check", ".", "--color", "always"]);
    assert!(always.contains('\u{1b}'));
}

#[test]
fn sarif_of_a_mutant_has_the_structure_sarif_2_1_0_requires() {
    let tmp = tempfile::tempdir().unwrap();
    submission(tmp.path(), &[FAULT_A]);
    let (code, out, _) = run(tmp.path(), &["check", ".", "--format", "sarif"]);
    assert_eq!(code, 1);
    let s: Value = serde_json::from_str(&out).unwrap();
    let problems = sarif_problems(&s);
    assert!(problems.is_empty(), "{problems:#?}");
    let results = s["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "SL104").unwrap();
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "./lkjip-tabel.xlsx"
    );
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Penduduk!E8"
    );
    assert!(!r["relatedLocations"].as_array().unwrap().is_empty());
    let rule = s["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "SL104")
        .unwrap();
    assert_eq!(rule["name"], "gender-sum-mismatch");
    // The checker itself catches a broken log.
    let mut broken = s.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_eq!(sarif_problems(&broken).len(), 2);
}

/// What a SARIF 2.1.0 log breaks of the schema's required properties and enumerations
/// (sarifLog, run, tool, toolComponent, reportingDescriptor, result, message, location,
/// physicalLocation, artifactLocation, logicalLocation, invocation, notification), and
/// whether each result's ruleId names a rule of the driver.
fn sarif_problems(s: &Value) -> Vec<String> {
    let mut p = Vec::new();
    fn need(p: &mut Vec<String>, ok: bool, what: String) {
        if !ok {
            p.push(what);
        }
    }
    need(&mut p, s["version"] == "2.1.0", "version".into());
    need(
        &mut p,
        s["$schema"].is_string() || s["$schema"].is_null(),
        "$schema".into(),
    );
    let Some(runs) = s["runs"].as_array() else {
        return vec!["runs".into()];
    };
    let levels = ["none", "note", "warning", "error"];
    let message_ok = |m: &Value| m.is_object() && (m["text"].is_string() || m["id"].is_string());
    fn location_problems(l: &Value, at: &str) -> Vec<String> {
        let mut p = Vec::new();
        if !l.is_object() {
            return vec![format!("{at}: not an object")];
        }
        if let Some(pl) = l.get("physicalLocation") {
            let uri = &pl["artifactLocation"]["uri"];
            if uri.as_str().is_none_or(str::is_empty) {
                p.push(format!("{at}.physicalLocation.artifactLocation.uri"));
            }
        }
        if let Some(ls) = l.get("logicalLocations") {
            for (i, ll) in ls.as_array().into_iter().flatten().enumerate() {
                if !(ll["fullyQualifiedName"].is_string() || ll["name"].is_string()) {
                    p.push(format!("{at}.logicalLocations[{i}]"));
                }
            }
        }
        if let Some(id) = l.get("id")
            && id.as_i64().is_none_or(|i| i < -1)
        {
            p.push(format!("{at}.id"));
        }
        if let Some(m) = l.get("message")
            && !m["text"].is_string()
        {
            p.push(format!("{at}.message"));
        }
        p
    }
    for (ri, run) in runs.iter().enumerate() {
        let driver = &run["tool"]["driver"];
        need(
            &mut p,
            driver["name"].is_string(),
            format!("runs[{ri}].tool.driver.name"),
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        let mut ids = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            need(&mut p, rule["id"].is_string(), format!("rules[{i}].id"));
            ids.push(rule["id"].as_str().unwrap_or("").to_string());
            for d in ["shortDescription", "fullDescription", "help"] {
                if let Some(m) = rule.get(d) {
                    need(
                        &mut p,
                        m["text"].is_string(),
                        format!("rules[{i}].{d}.text"),
                    );
                }
            }
            if let Some(l) = rule
                .get("defaultConfiguration")
                .and_then(|c| c.get("level"))
            {
                need(
                    &mut p,
                    levels.contains(&l.as_str().unwrap_or("")),
                    format!("rules[{i}].defaultConfiguration.level"),
                );
            }
        }
        for (i, inv) in run["invocations"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            need(
                &mut p,
                inv["executionSuccessful"].is_boolean(),
                format!("invocations[{i}].executionSuccessful"),
            );
            for (j, n) in inv["toolExecutionNotifications"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                need(
                    &mut p,
                    message_ok(&n["message"]),
                    format!("notifications[{j}].message"),
                );
            }
        }
        let Some(results) = run["results"].as_array() else {
            p.push(format!("runs[{ri}].results"));
            continue;
        };
        for (i, r) in results.iter().enumerate() {
            let at = format!("results[{i}]");
            need(&mut p, message_ok(&r["message"]), format!("{at}.message"));
            need(
                &mut p,
                r.get("level").is_none() || levels.contains(&r["level"].as_str().unwrap_or("?")),
                format!("{at}.level"),
            );
            let rule_id = r["ruleId"].as_str().unwrap_or("");
            need(
                &mut p,
                ids.iter().any(|x| x == rule_id),
                format!("{at}.ruleId {rule_id}"),
            );
            for key in ["locations", "relatedLocations"] {
                for (j, l) in r[key].as_array().into_iter().flatten().enumerate() {
                    p.extend(location_problems(l, &format!("{at}.{key}[{j}]")));
                }
            }
        }
    }
    p
}

// ---------------------------------------------------------------------------------------
// Language
// ---------------------------------------------------------------------------------------

#[test]
fn language_follows_flag_then_locale_then_defaults_to_indonesian() {
    let dir = tempfile::tempdir().unwrap();
    let first = |env: &[(&str, &str)], args: &[&str]| {
        let (code, out, _) = run_env(dir.path(), args, env);
        assert_eq!(code, 0);
        out.lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(first(&[], &["rules"]), "KODE");
    assert_eq!(first(&[("LANG", "en_US.UTF-8")], &["rules"]), "CODE");
    assert_eq!(first(&[("LANG", "id_ID.UTF-8")], &["rules"]), "KODE");
    assert_eq!(
        first(
            &[("LANG", "id_ID.UTF-8"), ("LC_ALL", "en_GB.UTF-8")],
            &["rules"]
        ),
        "CODE"
    );
    assert_eq!(
        first(&[("LANG", "en_US.UTF-8")], &["rules", "--lang", "id"]),
        "KODE"
    );
    // --help too.
    let (_, out, _) = run_env(dir.path(), &["check", "--help"], &[("LANG", "en_US.UTF-8")]);
    assert!(
        out.contains("Usage:") && out.contains("Only these rules"),
        "{out}"
    );
    let (_, out, _) = run_env(dir.path(), &["check", "--help"], &[]);
    assert!(
        out.contains("Penggunaan:") && out.contains("Hanya aturan ini"),
        "{out}"
    );
    // Errors about arguments too.
    let (code, _, err) = run_env(
        dir.path(),
        &["check", "tidak-ada.xlsx"],
        &[("LANG", "en_US.UTF-8")],
    );
    assert_eq!(code, 2);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn the_configured_year_is_the_report_year_only_when_titles_state_none() {
    let tmp = tempfile::tempdir().unwrap();
    one_sheet_workbook(tmp.path(), "Capaian", PREDIKAT);
    let periods = |year: Option<i32>, dir: &Path| {
        let mut rules = Rules::embedded().unwrap();
        rules.checks.year = year;
        let sub = &sakip_lint::submission::discover(&[dir.to_path_buf()]).unwrap()[0];
        let docs = sakip_lint::lint::read_docs(sub, &rules).0;
        let facts = sakip_lint::facts::collect(&docs, &rules);
        assert!(!facts.is_empty());
        facts.iter().map(|f| f.period).collect::<Vec<_>>()
    };
    assert!(periods(None, tmp.path()).iter().all(|p| p.is_none()));
    assert!(
        periods(Some(2025), tmp.path())
            .iter()
            .all(|p| *p == Some(2025))
    );
    // A title's year wins over the configured one.
    let titled = tempfile::tempdir().unwrap();
    one_sheet_workbook(
        titled.path(),
        "Capaian",
        &PREDIKAT.replace(
            "Tabel 3.1 Capaian Kinerja",
            "Tabel 3.1 Capaian Kinerja Tahun 2024",
        ),
    );
    assert!(
        periods(Some(2025), titled.path())
            .iter()
            .all(|p| *p == Some(2024))
    );
}
