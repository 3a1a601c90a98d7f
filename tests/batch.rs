//! `check DIR` over many submissions: grouping (`--group`), parallel runs giving the same
//! output, the streamed JSON document, the summary (xlsx and csv), hostile files and
//! panics staying in their submission, annotated-copy failures, exit codes.

mod common;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::root;
use fixture_source::{Form, NumberStyle, load_workbook, write_xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A batch folder:
///
/// ```text
/// batch/trawas/*.xlsx               the Trawas fixture (6 workbooks, one unit)
/// batch/sukamaju/*.xlsx             the clean Sukamaju workbooks (6)
/// batch/campur/                     dimensi-palsu.xls (read, one error) + terpotong.xlsx (unreadable)
/// batch/dua-kecamatan/              pk-pacet.xlsx (KECAMATAN PACET), pk-trawas.xlsx
///                                   (KECAMATAN TRAWAS), lra.xlsx (names no unit)
/// batch/wilayah/barat/lampiran.xlsx one-workbook Sukamaju
/// batch/wilayah/timur/jauh/sel-jauh.xlsx  a cell at XFD1048576 (hostile)
/// ```
struct Batch {
    dir: tempfile::TempDir,
}

impl Batch {
    fn path(&self) -> PathBuf {
        self.dir.path().join("batch")
    }
    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn copy(from: &Path, to_dir: &Path) {
    std::fs::create_dir_all(to_dir).unwrap();
    std::fs::copy(from, to_dir.join(from.file_name().unwrap())).unwrap();
}

fn copy_all(from_dir: &Path, ext: &str, to_dir: &Path) {
    for e in std::fs::read_dir(from_dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == ext) {
            copy(&p, to_dir);
        }
    }
}

/// The clean PK workbook with the unit's name replaced in every cell.
fn pk_of(unit: &str, out: &Path) {
    let mut wb = load_workbook(&root().join("fixtures/clean-sukamaju/src/pk")).unwrap();
    for sheet in &mut wb.sheets {
        for row in &mut sheet.rows {
            for cell in row.iter_mut() {
                *cell = cell
                    .replace("SUKAMAJU", &unit.to_uppercase())
                    .replace("Sukamaju", unit);
            }
        }
    }
    let form = Form {
        numbers: NumberStyle::Plain,
        ..Form::default()
    };
    write_xlsx(&wb, &form, out).unwrap();
}

fn batch() -> Batch {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("batch");
    let f = root().join("fixtures");
    copy_all(&f.join("trawas-2024"), "xlsx", &b.join("trawas"));
    copy_all(&f.join("clean-sukamaju/plain"), "xlsx", &b.join("sukamaju"));
    copy(&f.join("bad/dimensi-palsu.xls"), &b.join("campur"));
    copy(&f.join("bad/terpotong.xlsx"), &b.join("campur"));
    let two = b.join("dua-kecamatan");
    std::fs::create_dir_all(&two).unwrap();
    pk_of("Pacet", &two.join("pk-pacet.xlsx"));
    pk_of("Trawas", &two.join("pk-trawas.xlsx"));
    copy(&f.join("trawas-2024/lra.xlsx"), &two);
    copy(
        &f.join("clean-sukamaju-satu/fraction/lampiran.xlsx"),
        &b.join("wilayah/barat"),
    );
    copy(&f.join("bad/sel-jauh.xlsx"), &b.join("wilayah/timur/jauh"));
    Batch { dir }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sakip-lint"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Run in the batch's parent folder, so that paths in the output are `batch/…`.
fn run(b: &Batch, args: &[&str]) -> Run {
    run_in(b.dir.path(), args, &[])
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr))
}

/// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Summary CSV rows (without the header) as (unit, location, files, status, errors).
fn summary_rows(b: &Batch, extra: &[&str]) -> Vec<Vec<String>> {
    let csv = b.out(&format!("ringkasan-{}.csv", extra.join("-")));
    // JSON is cheaper than the human report in a debug build; stdout is not looked at.
    let mut args = vec![
        "check",
        "batch",
        "--format",
        "json",
        "--summary",
        csv.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = run(b, &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows[0][0], "Unit Kerja");
    rows[1..].to_vec()
}

fn row_of<'a>(rows: &'a [Vec<String>], location: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|r| r[1] == location)
        .unwrap_or_else(|| panic!("no row at {location}: {rows:?}"))
}

#[test]
fn json_is_one_document_the_same_whatever_the_number_of_jobs() {
    let b = batch();
    let one = run(&b, &["check", "batch", "--format", "json", "--jobs", "1"]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    let two = run(&b, &["check", "batch", "--format", "json", "--jobs", "2"]);
    assert_eq!((one.code, &one.stdout), (two.code, &two.stdout));
    let v = json_of(&one);
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["files", "findings", "schema", "summary"]);
    assert_eq!(v["schema"], "sakip-lint/1");
    // The schema first, the summary last (a streaming reader meets them in that order).
    assert!(
        one.stdout
            .starts_with("{\n  \"schema\": \"sakip-lint/1\",\n  \"files\": [")
    );
    assert!(one.stdout.trim_end().ends_with('}'));
    let files = v["files"].as_array().unwrap();
    // 6 + 6 + 2 + 3 + 1 + 1 workbooks, in the walk's order.
    assert_eq!(files.len(), 19);
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths[0], "batch/campur/dimensi-palsu.xls");
    assert_eq!(
        paths[paths.len() - 1],
        "batch/wilayah/timur/jauh/sel-jauh.xlsx"
    );
    for f in files {
        match f["status"].as_str() {
            Some("ok") => assert!(f["sheets"].as_u64().is_some(), "{f}"),
            Some("error") => assert!(f["error"].as_str().is_some_and(|e| !e.is_empty())),
            other => panic!("status {other:?}"),
        }
    }
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "code", "severity", "message", "file", "sheet", "cell", "expected", "actual", "related",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
        assert!(!f["cell"].as_str().unwrap().contains('$'));
    }
    let count = |sev: &str| findings.iter().filter(|f| f["severity"] == sev).count() as u64;
    let s = &v["summary"];
    assert_eq!(s["files"], 19);
    assert_eq!(s["failed"], 1, "terpotong.xlsx");
    assert_eq!(s["error"], count("error"));
    assert_eq!(s["warning"], count("warning"));
    assert_eq!(s["info"], count("info"));

    // Streaming does not change a submission's part of the document.
    let alone = json_of(&run(&b, &["check", "batch/trawas", "--format", "json"]));
    let trawas = |v: &Value, key: &str, field: &str| -> Vec<Value> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f[field].as_str().unwrap().starts_with("batch/trawas/"))
            .cloned()
            .collect()
    };
    assert_eq!(trawas(&alone, "files", "path"), trawas(&v, "files", "path"));
    assert_eq!(
        trawas(&alone, "findings", "file"),
        trawas(&v, "findings", "file")
    );
}

#[test]
fn human_output_is_the_same_whatever_the_number_of_jobs() {
    let b = batch();
    let one = run(&b, &["check", "batch", "--jobs", "1"]);
    let two = run(&b, &["check", "batch", "--jobs", "2"]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    assert_eq!((one.code, &one.stdout), (two.code, &two.stdout));
    // One totals line, at the end, for the whole batch.
    assert_eq!(one.stdout.matches("berkas diperiksa").count(), 1);
    assert!(one.stdout.trim_end().ends_with("info."));
    assert!(one.stdout.contains("19 berkas diperiksa (1 gagal dibaca)"));
}

#[test]
fn a_folder_naming_two_units_is_split_by_unit() {
    let b = batch();
    let rows = summary_rows(&b, &["--jobs", "2"]);
    // trawas, sukamaju, campur, barat, jauh, and three from dua-kecamatan.
    assert_eq!(rows.len(), 8, "{rows:#?}");
    let pacet = row_of(&rows, "batch/dua-kecamatan/pk-pacet.xlsx");
    assert_eq!(
        (pacet[0].as_str(), pacet[2].as_str()),
        ("KECAMATAN PACET", "1")
    );
    let trawas_pk = row_of(&rows, "batch/dua-kecamatan/pk-trawas.xlsx");
    assert_eq!(trawas_pk[0], "KECAMATAN TRAWAS");
    // The workbook naming no unit stands alone, under its file name.
    let lra = row_of(&rows, "batch/dua-kecamatan/lra.xlsx");
    assert_eq!((lra[0].as_str(), lra[2].as_str()), ("lra.xlsx", "1"));
    // A folder of one unit stays whole: the Trawas lampiran, four naming no unit.
    let trawas = row_of(&rows, "batch/trawas");
    assert_eq!(
        (trawas[0].as_str(), trawas[2].as_str()),
        ("Kecamatan Trawas", "6")
    );
    assert_eq!(row_of(&rows, "batch/sukamaju")[2], "6");
    let campur = row_of(&rows, "batch/campur");
    assert_eq!(
        (campur[0].as_str(), campur[3].as_str()),
        ("campur", "1 gagal dibaca")
    );

    // The JSON says which submission each file was checked in (additive `submission`):
    // the two-unit folder's files in three, the Trawas folder's in one.
    let doc = json_of(&run(&b, &["check", "batch", "--format", "json"]));
    let submission = |path: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("no {path}"))["submission"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        submission("batch/dua-kecamatan/pk-pacet.xlsx"),
        "batch/dua-kecamatan › KECAMATAN PACET"
    );
    assert_eq!(
        submission("batch/dua-kecamatan/pk-trawas.xlsx"),
        "batch/dua-kecamatan › KECAMATAN TRAWAS"
    );
    assert_eq!(
        submission("batch/dua-kecamatan/lra.xlsx"),
        "batch/dua-kecamatan/lra.xlsx"
    );
    assert_eq!(submission("batch/trawas/lra.xlsx"), "batch/trawas");
    assert_eq!(submission("batch/trawas/renja.xlsx"), "batch/trawas");
    assert_eq!(submission("batch/campur/terpotong.xlsx"), "batch/campur");
}

#[test]
fn group_overrides() {
    let b = batch();
    // folder: every folder one submission.
    let rows = summary_rows(&b, &["--group", "folder"]);
    assert_eq!(rows.len(), 6, "{rows:#?}");
    assert_eq!(row_of(&rows, "batch/dua-kecamatan")[2], "3");
    // file: every workbook alone.
    let rows = summary_rows(&b, &["--group", "file"]);
    assert_eq!(rows.len(), 19);
    assert!(rows.iter().all(|r| r[2] == "1"));
    // unit: across the tree. The Trawas folder's workbooks naming no unit take the
    // folder's unit, and pk-trawas.xlsx joins them; the Sukamaju folder and the nested
    // one-workbook Sukamaju are one unit; lra.xlsx in the two-unit folder stays alone.
    let rows = summary_rows(&b, &["--group", "unit"]);
    let unit = |name: &str| {
        rows.iter()
            .find(|r| r[0].eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no {name}: {rows:#?}"))
    };
    assert_eq!(unit("kecamatan trawas")[2], "7");
    assert_eq!(unit("kecamatan trawas")[1], "batch");
    assert_eq!(unit("kecamatan sukamaju")[2], "7");
    assert_eq!(unit("kecamatan pacet")[2], "1");
    assert_eq!(row_of(&rows, "batch/dua-kecamatan/lra.xlsx")[2], "1");
    assert_eq!(
        rows.iter()
            .map(|r| r[2].parse::<usize>().unwrap())
            .sum::<usize>(),
        19
    );
}

#[test]
fn summary_xlsx_has_three_sheets_sorted_by_errors() {
    let b = batch();
    let xlsx = b.out("ringkasan.xlsx");
    let r = run(
        &b,
        &[
            "check",
            "batch",
            "--format",
            "json",
            "--summary",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json_of(&r);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).expect("summary opens");
    assert_eq!(wb.sheet_names(), ["Ringkasan", "Temuan", "Per Aturan"]);

    let subs = wb.worksheet_range("Ringkasan").unwrap();
    let rows: Vec<&[Data]> = subs.rows().collect();
    assert_eq!(rows[0][0], Data::String("Unit Kerja".into()));
    assert_eq!(rows.len(), 1 + 8, "one row per submission");
    let num = |d: &Data| match d {
        Data::Float(f) => *f as i64,
        Data::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    };
    let errors: Vec<i64> = rows[1..].iter().map(|r| num(&r[4])).collect();
    assert!(errors.windows(2).all(|w| w[0] >= w[1]), "{errors:?}");
    assert_eq!(
        errors.iter().sum::<i64>(),
        v["summary"]["error"].as_i64().unwrap()
    );
    assert_eq!(
        rows[1..].iter().map(|r| num(&r[2])).sum::<i64>(),
        19,
        "files"
    );
    // The worst finding of the top row is an error with its code.
    assert!(matches!(&rows[1][7], Data::String(s) if s.starts_with("SL")));

    let all = wb.worksheet_range("Temuan").unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(all.height(), 1 + findings.len());
    let first = all.rows().nth(1).unwrap();
    assert_eq!(
        first[4],
        Data::String(findings[0]["code"].as_str().unwrap().into())
    );
    assert_eq!(
        first[3],
        Data::String(findings[0]["cell"].as_str().unwrap().into())
    );

    let by_rule = wb.worksheet_range("Per Aturan").unwrap();
    let rule_rows: Vec<&[Data]> = by_rule.rows().skip(1).collect();
    let total: i64 = rule_rows
        .iter()
        .map(|r| num(&r[2]) + num(&r[3]) + num(&r[4]))
        .sum();
    assert_eq!(total as usize, findings.len());
    // The catalogue's title of the rule, and the commonest first.
    let sl202 = rule_rows
        .iter()
        .find(|r| r[0] == Data::String("SL202".into()))
        .unwrap();
    assert!(matches!(&sl202[1], Data::String(s) if !s.is_empty()));
    let affected: Vec<i64> = rule_rows.iter().map(|r| num(&r[5])).collect();
    assert!(affected.windows(2).all(|w| w[0] >= w[1]), "{affected:?}");
}

#[test]
fn summary_in_english_and_as_csv() {
    let b = batch();
    let xlsx = b.out("summary.xlsx");
    let r = run(
        &b,
        &[
            "check",
            "batch",
            "--lang",
            "en",
            "--summary",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names(), ["Summary", "Findings", "By Rule"]);
    let head = wb.worksheet_range("Summary").unwrap();
    assert_eq!(head.get((0, 0)), Some(&Data::String("Unit".into())));

    let csv = b.out("summary.csv");
    let r = run(&b, &["check", "batch", "--summary", csv.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("\r\n"), "CRLF records");
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 1 + 8);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{rows:#?}");
    // Messages hold commas and quotes: they survive the quoting.
    assert!(
        rows.iter()
            .any(|r| r[7].contains('"') && r[7].contains(','))
    );
}

#[test]
fn hostile_files_and_panics_stay_in_their_submission() {
    let b = batch();
    // The far cell (sel-jauh) and the truncated workbook are reported; the rest is checked.
    let r = run(&b, &["check", "batch", "--format", "json"]);
    let v = json_of(&r);
    let file = |v: &Value, p: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .cloned()
            .unwrap_or_else(|| panic!("no {p}"))
    };
    assert_eq!(file(&v, "batch/campur/terpotong.xlsx")["status"], "error");
    assert_eq!(
        file(&v, "batch/wilayah/timur/jauh/sel-jauh.xlsx")["status"],
        "ok"
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "SL001" && f["file"] == "batch/wilayah/timur/jauh/sel-jauh.xlsx")
    );

    // A panic while checking one submission (debug builds can provoke one).
    if cfg!(debug_assertions) {
        let r = run_in(
            b.dir.path(),
            &["check", "batch", "--format", "json", "--jobs", "2"],
            &[("SAKIP_LINT_PANIC_ON", "pk-pacet.xlsx")],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        let w = json_of(&r);
        let pacet = file(&w, "batch/dua-kecamatan/pk-pacet.xlsx");
        assert_eq!(pacet["status"], "error");
        assert!(
            pacet["error"]
                .as_str()
                .unwrap()
                .contains("kesalahan internal")
        );
        assert_eq!(w["files"].as_array().unwrap().len(), 19);
        // Every other submission is as without the panic.
        let others = |v: &Value| -> Vec<Value> {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["file"] != "batch/dua-kecamatan/pk-pacet.xlsx")
                .cloned()
                .collect()
        };
        assert_eq!(others(&v), others(&w));
    }
}

#[test]
fn a_failed_annotated_copy_is_reported_and_the_batch_goes_on() {
    let b = batch();
    let ann = b.out("anotasi");
    // A file where the Trawas copies' folder would go: those copies cannot be written.
    std::fs::create_dir_all(&ann).unwrap();
    std::fs::write(ann.join("trawas"), "not a folder").unwrap();
    let csv = b.out("s.csv");
    let plain = run(
        &b,
        &["check", "batch/trawas", "batch/campur", "--format", "json"],
    );
    let r = run(
        &b,
        &[
            "check",
            "batch/trawas",
            "batch/campur",
            "--format",
            "json",
            "--annotate",
            ann.to_str().unwrap(),
            "--summary",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout, plain.stdout,
        "annotating changes nothing in the report"
    );
    assert!(
        r.stderr.contains("batch/trawas/lra.xlsx"),
        "stderr names the copy not written: {}",
        r.stderr
    );
    let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    let trawas = row_of(&rows, "batch/trawas");
    assert!(trawas[8].contains("lra.xlsx"), "{trawas:?}");
    // The other submission's copy is written.
    assert!(row_of(&rows, "batch/campur")[8].is_empty());
    assert!(std::fs::read_dir(ann.join("campur")).unwrap().count() > 0);
    // Inputs are untouched and nothing is written into the batch.
    assert_eq!(
        std::fs::read(b.path().join("trawas/lra.xlsx")).unwrap(),
        std::fs::read(root().join("fixtures/trawas-2024/lra.xlsx")).unwrap()
    );
}

#[test]
fn exit_codes() {
    let b = batch();
    // Nothing readable: 2.
    let r = run(
        &b,
        &["check", "batch/campur/terpotong.xlsx", "--format", "json"],
    );
    assert_eq!(r.code, 2);
    assert!(json_of(&r)["files"][0]["status"] == "error");
    // Clean: 0; errors: 1.
    assert_eq!(run(&b, &["check", "batch/sukamaju"]).code, 0);
    assert_eq!(
        run(&b, &["check", "batch/trawas", "batch/sukamaju"]).code,
        1
    );
    // Bad arguments: 2, before anything is checked.
    assert_eq!(run(&b, &["check", "batch/nope"]).code, 2);
    assert_eq!(run(&b, &["check", "batch", "--summary", "x.pdf"]).code, 2);
    assert_eq!(run(&b, &["check", "batch", "--group", "region"]).code, 2);
    let r = run(
        &b,
        &["check", "batch", "--summary", "batch/trawas/lra.xlsx"],
    );
    assert_eq!(r.code, 2, "a summary over an input is refused");
    // An empty folder: 2.
    std::fs::create_dir_all(b.out("kosong")).unwrap();
    assert_eq!(run(&b, &["check", "kosong"]).code, 2);
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let b = batch();
    let r = run(&b, &["check", "batch/sukamaju", "batch/wilayah/barat"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn unit_names_in_titles() {
    let rules = sakip_lint::rules::Rules::embedded().unwrap();
    let units = &rules.identity.units;
    let key = |t: &str| sakip_lint::submission::unit_in_text(t, units).map(|u| u.key);
    let cases = [
        (
            "PERJANJIAN KINERJA TAHUN 2024 KECAMATAN TRAWAS",
            Some("kecamatan trawas"),
        ),
        (
            "KECAMATAN TRAWAS KABUPATEN MOJOKERTO",
            Some("kecamatan trawas"),
        ),
        (
            "PERANGKAT DAERAH : KECAMATAN TRAWAS",
            Some("kecamatan trawas"),
        ),
        (
            "Tabel 1.2 Potensi Desa se-Kecamatan Trawas",
            Some("kecamatan trawas"),
        ),
        (
            "Jumlah Penduduk Kecamatan Trawas (Per Juni 2024)",
            Some("kecamatan trawas"),
        ),
        (
            "Hasil Evaluasi SAKIP Kecamatan Sukamaju Tahun 2024",
            Some("kecamatan sukamaju"),
        ),
        (
            "Kecamatan Trawas terdiri dari 13 desa",
            Some("kecamatan trawas"),
        ),
        ("KANTOR KECAMATAN PACET", Some("kecamatan pacet")),
        (
            "Kelurahan Sooko Kecamatan Mojosari",
            Some("kelurahan sooko"),
        ),
        (
            "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Mojokerto",
            Some("dinas pekerjaan umum dan penataan ruang"),
        ),
        (
            "BADAN KEPEGAWAIAN DAERAH TAHUN 2024",
            Some("badan kepegawaian daerah"),
        ),
        ("INSPEKTORAT KABUPATEN MOJOKERTO", Some("inspektorat")),
        ("IKM Kecamatan", None),
        ("Realisasi Kecamatan (2024)", None),
        ("Sumber: Dinas Kependudukan dan Pencatatan Sipil", None),
        ("Tabel 3.2 Realisasi Anggaran per Program", None),
    ];
    for (text, want) in cases {
        assert_eq!(key(text).as_deref(), want, "{text}");
    }
    // The name as written.
    let u = sakip_lint::submission::unit_in_text("PK 2024 KECAMATAN TRAWAS KAB. MOJOKERTO", units)
        .unwrap();
    assert_eq!(u.name, "KECAMATAN TRAWAS");
}

#[test]
fn the_quick_title_scan_agrees_with_the_full_read() {
    // --group unit reads only the first rows of an .xlsx; --group auto uses the workbook
    // read for checking. Both find the same unit.
    let rules = sakip_lint::rules::Rules::embedded().unwrap();
    for dir in ["fixtures/trawas-2024", "fixtures/clean-sukamaju/titled"] {
        let subs = sakip_lint::submission::discover(&[root().join(dir)]).unwrap();
        for s in &subs {
            let (docs, _, _) = sakip_lint::lint::read_docs(s, &rules);
            for (path, doc) in s.files.iter().zip(&docs) {
                assert_eq!(
                    sakip_lint::submission::unit_of_file(path, &rules),
                    sakip_lint::submission::unit_of_doc(doc, &rules),
                    "{}",
                    path.display()
                );
            }
        }
    }
}

/// A report document names its unit on its title page ("PEMERINTAH KABUPATEN MOJOKERTO
/// KECAMATAN TRAWAS TAHUN 2024", before the first table): `--group unit` puts the Trawas
/// report e-mailed with the PK of Kecamatan Pacet together with the Trawas lampiran of
/// another folder, and `--group auto` splits the e-mail folder into its two units.
///
/// ```text
/// dokumen/trawas/*.xlsx                 the Trawas lampiran (6 workbooks)
/// dokumen/kiriman/laporan-trawas.docx   the Trawas report
/// dokumen/kiriman/laporan-trawas.pdf    its PDF
/// dokumen/kiriman/pk-pacet.xlsx         KECAMATAN PACET
/// dokumen/sukamaju/laporan.docx         the clean Sukamaju report, alone in its folder
/// ```
#[test]
fn a_report_document_groups_by_the_unit_of_its_title_page() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("dokumen");
    copy_all(
        &root().join("fixtures/trawas-2024"),
        "xlsx",
        &top.join("trawas"),
    );
    let kiriman = top.join("kiriman");
    std::fs::create_dir_all(&kiriman).unwrap();
    let laporan = root().join("fixtures/trawas-2024-laporan");
    for ext in ["docx", "pdf"] {
        std::fs::copy(
            laporan.join(format!("laporan-kinerja-trawas-2024.{ext}")),
            kiriman.join(format!("laporan-trawas.{ext}")),
        )
        .unwrap();
    }
    pk_of("Pacet", &kiriman.join("pk-pacet.xlsx"));
    std::fs::create_dir_all(top.join("sukamaju")).unwrap();
    std::fs::copy(
        root().join("fixtures/clean-sukamaju-laporan/laporan-kinerja-sukamaju-2024.docx"),
        top.join("sukamaju/laporan.docx"),
    )
    .unwrap();

    // The unit of each document file, from its title page alone.
    let rules = sakip_lint::rules::Rules::embedded().unwrap();
    let unit = |p: &Path| sakip_lint::submission::unit_of_file(p, &rules).map(|u| u.key);
    assert_eq!(
        unit(&kiriman.join("laporan-trawas.docx")).as_deref(),
        Some("kecamatan trawas")
    );
    assert_eq!(
        unit(&kiriman.join("laporan-trawas.pdf")).as_deref(),
        Some("kecamatan trawas")
    );
    assert_eq!(
        unit(&top.join("sukamaju/laporan.docx")).as_deref(),
        Some("kecamatan sukamaju")
    );

    let rows = |extra: &[&str]| {
        let csv = dir
            .path()
            .join(format!("ringkasan-{}.csv", extra.join("-")));
        let mut args = vec![
            "check",
            "dokumen",
            "--format",
            "json",
            "--isolated",
            "--summary",
            csv.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = run_in(dir.path(), &args, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
        rows[1..].to_vec()
    };
    let by_unit = rows(&["--group", "unit"]);
    let named = |rows: &[Vec<String>], name: &str| {
        rows.iter()
            .find(|r| r[0].eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no {name}: {rows:#?}"))
            .clone()
    };
    // The six Trawas workbooks and the two report documents: one unit.
    assert_eq!(named(&by_unit, "kecamatan trawas")[2], "8", "{by_unit:#?}");
    assert_eq!(named(&by_unit, "kecamatan pacet")[2], "1");
    assert_eq!(named(&by_unit, "kecamatan sukamaju")[2], "1");
    assert_eq!(by_unit.len(), 3, "{by_unit:#?}");

    // auto: the e-mail folder names two units (the documents' title pages count), so it
    // is split; the Trawas folder stays whole.
    let auto = rows(&[]);
    assert_eq!(row_of(&auto, "dokumen/trawas")[2], "6", "{auto:#?}");
    assert_eq!(named(&auto, "kecamatan pacet")[2], "1", "{auto:#?}");
    let trawas_docs: Vec<&Vec<String>> = auto
        .iter()
        .filter(|r| {
            r[1].starts_with("dokumen/kiriman") && r[0].eq_ignore_ascii_case("kecamatan trawas")
        })
        .collect();
    assert_eq!(trawas_docs.len(), 1, "{auto:#?}");
    assert_eq!(trawas_docs[0][2], "2");
}
