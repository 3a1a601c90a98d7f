//! `cargo bench --bench batch`: a regency-sized batch, measured in one run.
//!
//! Builds a corpus of several hundred submissions (the clean Sukamaju forms in every
//! format and the Trawas fixture, copied, a few broken files among them), then reports:
//! calamine's bare read of every file (one core), the full lint with JSON output and an
//! .xlsx summary on one core and on all cores, their ratio, submissions per second, and
//! peak memory for a small and a large batch (memory must not grow with the batch). Then
//! a scale case: one LRA-like sheet of 25.000 to 200.000 rows, to show time grows linearly.
//! Then the annotated copies of the 400-submission batch (`--annotate`): the copies of
//! today (each `.xlsx` its own package patched) against the copies rebuilt cell by cell
//! with rust_xlsxwriter (the way every copy was made before), written from the same
//! workbooks and findings, in this process; and `check --annotate` against `check` alone.
//! (`cargo bench --bench batch -- annotate` runs that part alone.)
//! Ratios are what to compare: these machines are noisy (each batch figure is the median
//! of three interleaved runs).

use calamine::{Reader, open_workbook_auto};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SOURCES: [&str; 7] = [
    "trawas-2024",
    "clean-sukamaju/plain",
    "clean-sukamaju/fraction",
    "clean-sukamaju/text",
    "clean-sukamaju/xls",
    "clean-sukamaju/ods",
    "trawas-2024-bab",
];

fn corpus(dir: &Path, n: usize) -> Vec<PathBuf> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for i in 0..n {
        let sub = dir.join(format!("kecamatan-{i:04}"));
        std::fs::create_dir_all(&sub).expect("mkdir");
        let src = fixtures.join(SOURCES[i % SOURCES.len()]);
        for e in std::fs::read_dir(&src)
            .expect("fixture")
            .filter_map(|e| e.ok())
        {
            let p = e.path();
            if p.is_file() && sakip_lint::submission::is_workbook(&p) {
                let to = sub.join(p.file_name().expect("name"));
                std::fs::copy(&p, &to).expect("copy");
                files.push(to);
            }
        }
        // Every 25th submission carries a broken file.
        if i % 25 == 0 {
            let to = sub.join("rusak.xlsx");
            std::fs::copy(fixtures.join("bad/terpotong.xlsx"), &to).expect("copy");
            files.push(to);
        }
    }
    files
}

fn bare_read(files: &[PathBuf]) -> f64 {
    let t = Instant::now();
    let mut cells = 0usize;
    for f in files {
        let Ok(mut wb) = open_workbook_auto(f) else {
            continue;
        };
        for name in wb.sheet_names() {
            if let Ok(r) = wb.worksheet_range(&name) {
                cells += r.used_cells().count();
            }
        }
    }
    std::hint::black_box(cells);
    t.elapsed().as_secs_f64()
}

/// Run the linter on a folder; (wall seconds, peak resident KiB).
fn lint(dir: &Path, jobs: usize, out: &Path) -> (f64, u64) {
    let bin = env!("CARGO_BIN_EXE_sakip-lint");
    let t = Instant::now();
    let o = Command::new("/usr/bin/time")
        .args(["-f", "%M", bin, "check"])
        .arg(dir)
        .args(["--format", "json", "--jobs", &jobs.to_string(), "--output"])
        .arg(out.join("report.json"))
        .arg("--summary")
        .arg(out.join("ringkasan.xlsx"))
        .output()
        .expect("run sakip-lint (needs /usr/bin/time)");
    let wall = t.elapsed().as_secs_f64();
    let peak = String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "sakip-lint failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (wall, peak)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The run of median time, and the largest peak memory of all runs.
fn median_run(mut v: Vec<(f64, u64)>) -> (f64, u64) {
    let peak = v.iter().map(|r| r.1).max().unwrap_or(0);
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    (v.get(v.len() / 2).map_or(0.0, |r| r.0), peak)
}

fn lra_sheet(path: &Path, rows: usize) {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let head = [
        "Kode Rekening",
        "Uraian",
        "Anggaran (Rp)",
        "Realisasi (Rp)",
        "%",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("write");
    }
    // Groups of one parent line and four detail lines; the parent is their sum.
    let mut r = 1u32;
    let mut g = 0;
    while (r as usize) <= rows {
        g += 1;
        let kids: [f64; 4] = [1_250_000.0 + g as f64, 2_500_000.0, 750_000.0, 3_100_000.0];
        let real: [f64; 4] = [1_000_000.0, 2_400_000.0, 700_000.0, 3_000_000.0];
        let (a, b): (f64, f64) = (kids.iter().sum(), real.iter().sum());
        ws.write_string(r, 0, format!("5.1.{g}")).expect("w");
        ws.write_string(r, 1, format!("Belanja kelompok {g}"))
            .expect("w");
        ws.write_number(r, 2, a).expect("w");
        ws.write_number(r, 3, b).expect("w");
        ws.write_number(r, 4, (b / a * 10000.0).round() / 100.0)
            .expect("w");
        r += 1;
        for k in 0..4 {
            ws.write_string(r, 0, format!("5.1.{g}.{}", k + 1))
                .expect("w");
            ws.write_string(r, 1, format!("Belanja rincian {g}.{}", k + 1))
                .expect("w");
            ws.write_number(r, 2, kids[k]).expect("w");
            ws.write_number(r, 3, real[k]).expect("w");
            ws.write_number(r, 4, (real[k] / kids[k] * 10000.0).round() / 100.0)
                .expect("w");
            r += 1;
        }
    }
    wb.save(path).expect("save");
}

type Write = fn(
    &sakip_lint::doc::Doc,
    &[sakip_lint::finding::Finding],
    &Path,
    &sakip_lint::catalog::Catalog,
    &sakip_lint::report::annotate::Inputs,
) -> Result<PathBuf, sakip_lint::report::annotate::AnnotateError>;

/// The annotated copies of the batch, in this process on one core: each submission read
/// as the strategy needs it (`all_formulas`: formula texts of every workbook, as the
/// rebuilt copy needs them; else only where the copy is rebuilt), linted, and its copies
/// written by `write`. Seconds for the whole.
fn copies(
    subs: &[sakip_lint::submission::Submission],
    opts: &sakip_lint::lint::Options,
    out: &Path,
    cat: &sakip_lint::catalog::Catalog,
    inputs: &sakip_lint::report::annotate::Inputs,
    all_formulas: bool,
    write: Write,
) -> f64 {
    use sakip_lint::lint;
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    for (i, s) in subs.iter().enumerate() {
        let (docs, files, read) = if all_formulas {
            lint::read_docs_with_formulas(s, &opts.rules, true)
        } else {
            lint::read_docs_for_copies(s, &opts.rules)
        };
        let report = lint::check_docs(s, &docs, files, read, opts);
        let dir = out.join(format!("{i:04}"));
        for d in &docs {
            write(d, &report.findings, &dir, cat, inputs).expect("annotated copy");
        }
    }
    t.elapsed().as_secs_f64()
}

/// `check` on a folder with `--annotate OUT` or without; wall seconds.
fn check_annotate(dir: &Path, out: &Path, annotate: bool) -> f64 {
    let _ = std::fs::remove_dir_all(out.join("bertanda"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sakip-lint"));
    cmd.arg("check")
        .arg(dir)
        .args(["--isolated", "--format", "json", "--output"])
        .arg(out.join("report.json"));
    if annotate {
        cmd.arg("--annotate").arg(out.join("bertanda"));
    }
    let t = Instant::now();
    let o = cmd.output().expect("run sakip-lint");
    assert!(o.status.code().is_some_and(|c| c <= 1), "sakip-lint failed");
    t.elapsed().as_secs_f64()
}

fn annotate_section(dir: &Path, files: &[PathBuf], out: &Path) {
    use sakip_lint::report::annotate;
    let rules = sakip_lint::rules::Rules::embedded().expect("rules");
    let cat = sakip_lint::catalog::Catalog::new(&rules, sakip_lint::catalog::Lang::Id);
    let opts = sakip_lint::lint::Options {
        rules: rules.clone(),
        select: Vec::new(),
        ignore: Vec::new(),
    };
    let subs = sakip_lint::submission::discover(&[dir.to_path_buf()]).expect("corpus");
    let inputs = annotate::Inputs::per_folder(files);
    let (mut patched, mut rebuilt, mut with, mut without) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        let o = (&opts, &cat, &inputs);
        patched.push(copies(
            &subs,
            o.0,
            &out.join("tambal"),
            o.1,
            o.2,
            false,
            annotate::write_annotated_for,
        ));
        rebuilt.push(copies(
            &subs,
            o.0,
            &out.join("bangun"),
            o.1,
            o.2,
            true,
            annotate::write_rebuilt_for,
        ));
        with.push(check_annotate(dir, out, true));
        without.push(check_annotate(dir, out, false));
    }
    let (patched, rebuilt) = (median(patched), median(rebuilt));
    let (with, without) = (median(with), median(without));
    println!(
        "annotated copies of {} submissions ({} files): read, lint and write the copies, in-process, 1 core",
        subs.len(),
        files.len()
    );
    println!("  every copy rebuilt cell by cell (before)   {rebuilt:>7.2} s");
    println!(
        "  .xlsx copies patched (now)                 {patched:>7.2} s   {:.2}× the time before",
        patched / rebuilt
    );
    println!(
        "  check --annotate {with:.2} s against check alone {without:.2} s (all cores): the copies add {:.0} %\n",
        (with / without - 1.0) * 100.0
    );
}

fn main() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!("sakip-lint batch benchmark ({cores} cores)\n");
    // `cargo bench --bench batch -- annotate`: the annotated copies alone.
    if std::env::args().any(|a| a == "annotate") {
        let dir = tmp.path().join("corpus-400");
        let files = corpus(&dir, 400);
        annotate_section(&dir, &files, &out);
        return;
    }
    for n in [100usize, 400] {
        let dir = tmp.path().join(format!("corpus-{n}"));
        let files = corpus(&dir, n);
        // Each measure is the median of three, interleaved, so that a burst of noise on
        // this shared machine moves one sample, not the ratio.
        let mut reads = Vec::new();
        let mut ones = Vec::new();
        let mut alls = Vec::new();
        for _ in 0..3 {
            reads.push(bare_read(&files));
            ones.push(lint(&dir, 1, &out));
            alls.push(lint(&dir, 0, &out));
        }
        let read = median(reads);
        let (one, peak_one) = median_run(ones);
        let (all, peak_all) = median_run(alls);
        println!("{n} submissions, {} workbooks", files.len());
        println!("  bare calamine read (1 core)          {read:>7.2} s");
        println!(
            "  full lint + JSON + summary (1 core)  {one:>7.2} s   ratio to bare read {:.2}",
            one / read
        );
        println!(
            "  full lint + JSON + summary ({cores} cores) {all:>7.2} s   ratio to bare read {:.2}",
            all / read
        );
        println!(
            "  submissions/s: {:.0} on 1 core, {:.0} on {cores} cores",
            n as f64 / one,
            n as f64 / all
        );
        println!(
            "  peak memory: {:.0} MiB on 1 core, {:.0} MiB on {cores} cores\n",
            peak_one as f64 / 1024.0,
            peak_all as f64 / 1024.0
        );
        if n == 400 {
            annotate_section(&dir, &files, &out);
        }
    }

    println!("scale: one LRA-like sheet");
    let mut per_row = Vec::new();
    for rows in [25_000usize, 50_000, 100_000, 200_000] {
        let dir = tmp.path().join(format!("lra-{rows}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("lra.xlsx");
        lra_sheet(&file, rows);
        let mut reads = Vec::new();
        let mut runs = Vec::new();
        for _ in 0..3 {
            reads.push(bare_read(std::slice::from_ref(&file)));
            runs.push(lint(&dir, 1, &out));
        }
        let read = median(reads);
        let (one, peak) = median_run(runs);
        per_row.push(one / rows as f64);
        println!(
            "  {rows:>7} rows: bare read {read:>6.2} s, lint {one:>6.2} s (ratio {:.2}), {:.1} µs/row, peak {:.0} MiB",
            one / read,
            one / rows as f64 * 1e6,
            peak as f64 / 1024.0
        );
    }
    let (min, max) = per_row
        .iter()
        .fold((f64::MAX, 0f64), |(a, b), &x| (a.min(x), b.max(x)));
    println!(
        "  time per row varies by {:.0} % from 25.000 to 200.000 rows (linear growth: constant time per row)",
        (max / min - 1.0) * 100.0
    );
}
