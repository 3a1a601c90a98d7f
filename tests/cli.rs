//! The command line as other tools see it: exit status, JSON schema, languages, bad
//! files, and input files left untouched.

mod common;
use common::root;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sakip-lint"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, out, err) = run(args);
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}")),
    )
}

#[test]
fn trawas_json_follows_the_contract_and_exits_1() {
    let (code, v) = json(&["check", "fixtures/trawas-2024", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(v["schema"], "sakip-lint/1");
    assert_eq!(v["files"].as_array().unwrap().len(), 6);
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "ok" && f["sheets"].as_u64().unwrap() > 0)
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SL202")
        .expect("SL202");
    for key in [
        "code", "severity", "message", "file", "sheet", "cell", "expected", "actual", "related",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        (
            f["sheet"].as_str(),
            f["cell"].as_str(),
            f["expected"].as_str(),
            f["actual"].as_str()
        ),
        (Some("Tabel 3.2"), Some("F6"), Some("94,31"), Some("91,78"))
    );
    assert!(
        f["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["cell"] == "E6")
    );
    let s = &v["summary"];
    assert_eq!(s["files"], 6);
    assert_eq!(s["failed"], 0);
    assert_eq!(
        s["error"].as_u64().unwrap(),
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .count() as u64
    );
}

#[test]
fn a_finding_carries_the_rows_it_reads() {
    let (_, v) = json(&["check", "fixtures/trawas-2024", "--format", "json"]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SL601" && f["sheet"] == "Tabel 3.1.4" && f["cell"] == "D9")
        .expect("the 92,81 finding");
    let rows = f["rows"].as_array().expect("rows");
    // Its own cell, as the workbook shows it, and the cells of the places it compares.
    let cells: Vec<(String, String, String)> = rows
        .iter()
        .flat_map(|r| {
            r["cells"].as_array().unwrap().iter().map(move |c| {
                (
                    r["sheet"].as_str().unwrap().to_string(),
                    c["cell"].as_str().unwrap().to_string(),
                    c["value"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    assert!(
        cells.contains(&("Tabel 3.1.4".into(), "D9".into(), "92,81%".into())),
        "{cells:?}"
    );
    assert!(cells.iter().any(|(_, _, v)| v == "95,02%"), "{cells:?}");
    assert!(
        rows.iter()
            .all(|r| r["row"].as_u64().is_some_and(|n| n >= 1))
    );

    // And the sheet around its cell (additive `around`): column letters, the table's
    // header, the rows next to row 9, one value per column, D9 as the sheet shows it.
    let around = &f["around"];
    let columns: Vec<&str> = around["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let d = columns
        .iter()
        .position(|c| *c == "D")
        .expect("column D shown");
    let rows = around["rows"].as_array().expect("rows");
    let numbers: Vec<u64> = rows.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(numbers, vec![8, 9, 10]);
    let row9 = &rows[1]["values"];
    assert_eq!(row9[d], "92,81%");
    assert!(
        rows.iter()
            .all(|r| r["values"].as_array().unwrap().len() == columns.len())
    );
    let header = around["header"].as_array().expect("header");
    assert!(
        header
            .iter()
            .any(|h| h["values"][d].as_str().unwrap().contains("Realisasi")),
        "{header:?}"
    );
    // A finding in a sentence of the report has none.
    let (_, v) = json(&["check", "fixtures/trawas-2024-laporan", "--format", "json"]);
    let sentence = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["paragraph"].is_u64())
        .expect("a finding in a sentence");
    assert!(sentence.get("around").is_none());
}

#[test]
fn english_messages_and_numbers() {
    let (_, v) = json(&[
        "check",
        "fixtures/trawas-2024/lra.xlsx",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let f = &v["findings"][0];
    assert_eq!(f["expected"], "94.31");
    assert!(
        f["message"].as_str().unwrap().contains("shows 91.78"),
        "{}",
        f["message"]
    );
}

#[test]
fn clean_submission_exits_0_and_human_output_names_the_cell() {
    let (code, out, _) = run(&["check", "fixtures/clean-sukamaju/plain"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["check", "fixtures/trawas-2024/renja.xlsx"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Lamp 2 Renja!J32") && out.contains("141.000.000") && out.contains("SL102"),
        "{out}"
    );
}

#[test]
fn select_and_ignore() {
    let (_, v) = json(&[
        "check",
        "fixtures/trawas-2024",
        "--format",
        "json",
        "--select",
        "SL3",
    ]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"].as_str().unwrap().starts_with("SL3"))
    );
    let (_, v) = json(&[
        "check",
        "fixtures/trawas-2024",
        "--format",
        "json",
        "--ignore",
        "SL3,SL5",
    ]);
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"].as_str().unwrap().starts_with("SL3"))
    );
}

#[test]
fn bad_files_are_reported_and_the_batch_goes_on() {
    // Nothing readable at all: exit 2, each file named with its reason.
    let (code, v) = json(&[
        "check",
        "fixtures/bad/kosong.xlsx",
        "fixtures/bad/terpotong.xlsx",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(
        files
            .iter()
            .all(|f| f["status"] == "error" && !f["error"].as_str().unwrap().is_empty())
    );
    // The whole folder of bad files plus a good one: the good one is still checked.
    let (code, v) = json(&[
        "check",
        "fixtures/bad",
        "fixtures/trawas-2024/lra.xlsx",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(v["summary"]["failed"].as_u64().unwrap() >= 8);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "SL202")
    );
    // A far-away cell: the sheet is refused with a finding, not the process.
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["code"] == "SL001" && f["file"].as_str().unwrap().ends_with("sel-jauh.xlsx")));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check", "tidak-ada.xlsx"]).0, 2);
    assert_eq!(run(&["check"]).0, 2);
    assert_eq!(run(&["explain", "SL999"]).0, 2);
    let (code, out, _) = run(&["explain", "SL301"]);
    assert_eq!(code, 0);
    assert!(out.contains("SL301") && out.contains("Baik Sekali"));
    let (code, out, _) = run(&["rules", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(out.lines().count() >= 20 && out.contains("SL101"));
}

#[test]
fn input_files_are_never_written() {
    let dir = root().join("fixtures/trawas-2024");
    let snapshot = || {
        let mut v: Vec<(String, Vec<u8>, std::time::SystemTime)> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| {
                (
                    e.path().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot();
    let _ = run(&["check", "fixtures/trawas-2024", "--format", "json"]);
    assert!(before == snapshot());
}

#[test]
fn select_takes_one_value_and_refuses_unknown_codes() {
    // The path after --select is a path, not another code.
    let (code, out, _) = run(&["check", "--select", "sl2", "fixtures/trawas-2024/lra.xlsx"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SL202"));
    // A typo must not silently switch every check off.
    let (code, _, err) = run(&[
        "check",
        "--select",
        "SL999",
        "fixtures/trawas-2024/lra.xlsx",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("SL999"));
}

#[test]
fn sarif_carries_the_same_findings() {
    let (code_json, v) = json(&["check", "fixtures/trawas-2024", "--format", "json"]);
    let (code, out, _) = run(&["check", "fixtures/trawas-2024", "--format", "sarif"]);
    assert_eq!(code, code_json);
    let s: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), v["findings"].as_array().unwrap().len());
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "SL202")
        .expect("SL202");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Tabel 3.2!F6"
    );
    assert!(
        s["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "SL601")
    );
}

#[test]
fn o_is_short_for_output() {
    let dir = tempfile::tempdir().unwrap();
    let (short, long) = (dir.path().join("short.json"), dir.path().join("long.json"));
    let trawas = "fixtures/trawas-2024";
    let (code, out, _) = run(&[
        "check",
        trawas,
        "--format",
        "json",
        "-o",
        short.to_str().unwrap(),
    ]);
    assert_eq!((code, out.as_str()), (1, ""));
    run(&[
        "check",
        trawas,
        "--format",
        "json",
        "--output",
        long.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&short).unwrap();
    assert!(written.contains("\"schema\": \"sakip-lint/1\""));
    assert_eq!(written, std::fs::read_to_string(&long).unwrap());
}
