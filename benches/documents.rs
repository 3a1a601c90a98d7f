//! `cargo bench --bench documents`: reading report documents, measured in one run against
//! a bare reading of the same files, reported as ratios (these machines are noisy; the
//! ratio is what to compare).
//!
//! 1. A `.docx` (the Trawas and Sukamaju reports): our reader (paragraphs, tables as grids,
//!    spans, tracked changes) against a bare unzip of `word/document.xml` and one quick-xml
//!    pass over it that collects its text. Target: within 1,5×.
//! 2. A text PDF: our reader (glyphs, lines, paragraphs, ruled tables) against
//!    `pdftotext -layout` (poppler-utils) on the same file, both as a process run from
//!    here. Target: within 2×. Skipped when `pdftotext` is not installed.
//! 3. A regency batch where every submission holds its report document (.docx) beside its
//!    workbooks: the full lint (JSON report and summary) against the bare read of the same
//!    files (calamine for the workbooks, the bare scan of 1. for the documents). Target:
//!    within 1,5× on all cores.

use calamine::{Reader, open_workbook_auto};
use quick_xml::events::Event;
use sakip_lint::read::{self, ReadOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The bare reading of a .docx: unzip `word/document.xml` and collect its text in one
/// quick-xml pass. Returns the characters of text (kept so the work is not optimised out).
fn bare_docx(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut xml = Vec::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_end(&mut xml)
        .expect("inflate");
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    text.len()
}

fn our_read(path: &Path) -> usize {
    let res = read::read_workbook(path, &ReadOptions::default()).expect("read");
    res.workbook.sheets.len() + res.workbook.paragraphs.len()
}

/// Time `f` on every file, `rounds` times interleaved with `g`; medians of the totals.
fn versus(
    files: &[PathBuf],
    rounds: usize,
    f: impl Fn(&Path) -> usize,
    g: impl Fn(&Path) -> usize,
) -> (Duration, Duration) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        for p in files {
            std::hint::black_box(f(p));
        }
        a.push(t.elapsed());
        let t = Instant::now();
        for p in files {
            std::hint::black_box(g(p));
        }
        b.push(t.elapsed());
    }
    (median(a), median(b))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn docx_section() {
    let files = [
        fixtures().join("trawas-2024-laporan/laporan-kinerja-trawas-2024.docx"),
        fixtures().join("clean-sukamaju-laporan/laporan-kinerja-sukamaju-2024.docx"),
    ];
    println!("1. .docx: our reader against a bare unzip + XML text pass");
    for f in &files {
        let one = std::slice::from_ref(f);
        let (ours, bare) = versus(one, 41, our_read, bare_docx);
        println!(
            "  {:<44} ours {:>7.2} ms, bare {:>7.2} ms, ratio {:.2}",
            f.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            ms(ours),
            ms(bare),
            ours.as_secs_f64() / bare.as_secs_f64()
        );
    }
}

fn run_ok(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

fn pdf_section() {
    println!(
        "\n2. PDF: our reader (as `sakip-lint tables`, a process) against `pdftotext -layout`"
    );
    if !run_ok(Command::new("pdftotext").arg("-v")) {
        println!("  pdftotext not installed (apt-get install poppler-utils): skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_sakip-lint");
    let tmp = tempfile::tempdir().expect("tempdir");
    for f in [
        fixtures().join("trawas-2024-laporan/laporan-kinerja-trawas-2024.pdf"),
        fixtures().join("clean-sukamaju-laporan/laporan-kinerja-sukamaju-2024.pdf"),
    ] {
        let out = tmp.path().join("out.txt");
        let (mut ours, mut bare, mut in_process) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..15 {
            let t = Instant::now();
            assert!(run_ok(
                Command::new(bin).args(["tables", "--isolated"]).arg(&f)
            ));
            ours.push(t.elapsed());
            let t = Instant::now();
            assert!(run_ok(
                Command::new("pdftotext").arg("-layout").arg(&f).arg(&out)
            ));
            bare.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(our_read(&f));
            in_process.push(t.elapsed());
        }
        let (ours, bare, in_process) = (median(ours), median(bare), median(in_process));
        println!(
            "  {:<44} ours {:>7.1} ms (read alone in-process {:.1} ms), pdftotext {:>6.1} ms, ratio {:.2}",
            f.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            ms(ours),
            ms(in_process),
            ms(bare),
            ours.as_secs_f64() / bare.as_secs_f64()
        );
    }
}

/// N submissions: the clean Sukamaju workbooks (plain) and its report document, copied.
fn corpus(dir: &Path, n: usize) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let plain = fixtures().join("clean-sukamaju/plain");
    let docx = fixtures().join("clean-sukamaju-laporan/laporan-kinerja-sukamaju-2024.docx");
    let (mut workbooks, mut documents) = (Vec::new(), Vec::new());
    for i in 0..n {
        let sub = dir.join(format!("kecamatan-{i:04}"));
        std::fs::create_dir_all(&sub).expect("mkdir");
        for e in std::fs::read_dir(&plain).expect("fixture").flatten() {
            let p = e.path();
            if p.is_file() && sakip_lint::submission::is_workbook(&p) {
                let to = sub.join(p.file_name().expect("name"));
                std::fs::copy(&p, &to).expect("copy");
                workbooks.push(to);
            }
        }
        let to = sub.join("laporan-kinerja.docx");
        std::fs::copy(&docx, &to).expect("copy");
        documents.push(to);
    }
    (workbooks, documents)
}

fn bare_batch(workbooks: &[PathBuf], documents: &[PathBuf]) -> Duration {
    let t = Instant::now();
    let mut cells = 0usize;
    for f in workbooks {
        if let Ok(mut wb) = open_workbook_auto(f) {
            for name in wb.sheet_names() {
                if let Ok(r) = wb.worksheet_range(&name) {
                    cells += r.used_cells().count();
                }
            }
        }
    }
    for d in documents {
        cells += bare_docx(d);
    }
    std::hint::black_box(cells);
    t.elapsed()
}

fn lint_batch(dir: &Path, jobs: usize, out: &Path) -> Duration {
    let bin = env!("CARGO_BIN_EXE_sakip-lint");
    let t = Instant::now();
    let o = Command::new(bin)
        .arg("check")
        .arg(dir)
        .args([
            "--isolated",
            "--format",
            "json",
            "--jobs",
            &jobs.to_string(),
            "--output",
        ])
        .arg(out.join("report.json"))
        .arg("--summary")
        .arg(out.join("ringkasan.xlsx"))
        .output()
        .expect("run sakip-lint");
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "sakip-lint failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    t.elapsed()
}

fn batch_section() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let n = 200;
    let dir = tmp.path().join("kabupaten");
    let (workbooks, documents) = corpus(&dir, n);
    let (mut bare, mut one, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        bare.push(bare_batch(&workbooks, &documents));
        one.push(lint_batch(&dir, 1, &out));
        all.push(lint_batch(&dir, 0, &out));
    }
    let (bare, one, all) = (median(bare), median(one), median(all));
    println!(
        "\n3. batch: {n} submissions, each {} workbooks + its report .docx ({} files)",
        workbooks.len() / n,
        workbooks.len() + documents.len()
    );
    println!(
        "  bare read (calamine + docx scan, 1 core) {:>7.2} s",
        bare.as_secs_f64()
    );
    println!(
        "  full lint + JSON + summary, 1 core       {:>7.2} s   ratio {:.2}",
        one.as_secs_f64(),
        one.as_secs_f64() / bare.as_secs_f64()
    );
    println!(
        "  full lint + JSON + summary, {cores} cores      {:>7.2} s   ratio {:.2}",
        all.as_secs_f64(),
        all.as_secs_f64() / bare.as_secs_f64()
    );
}

fn main() {
    println!("sakip-lint documents benchmark\n");
    docx_section();
    pdf_section();
    batch_section();
}
