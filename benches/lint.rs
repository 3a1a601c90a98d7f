//! `cargo bench --bench lint`: the full lint of the shipped fixtures against calamine's bare
//! read of the same files, measured in one run, reported as a ratio (machines are noisy;
//! the ratio is what to compare).

use calamine::{Reader, open_workbook_auto};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::lint::{self, Options};
use sakip_lint::rules::Rules;
use sakip_lint::submission;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn bare_read(files: &[PathBuf]) -> usize {
    let mut cells = 0;
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
    cells
}

fn full_lint(subs: &[submission::Submission], opts: &Options, rules: &Rules) -> usize {
    let reports: Vec<_> = subs
        .iter()
        .map(|s| lint::lint_submission(s, opts))
        .collect();
    let cat = Catalog::new(rules, Lang::Id);
    let mut bytes = 0;
    for r in &reports {
        for f in &r.findings {
            let message = sakip_lint::report::json::message_text(f, &cat);
            bytes += sakip_lint::report::json::finding_text(f, &message, &cat, "    ").len();
        }
    }
    bytes
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dirs = [
        "trawas-2024",
        "clean-sukamaju/plain",
        "clean-sukamaju/fraction",
        "clean-sukamaju/text",
        "clean-sukamaju/xls",
        "clean-sukamaju/ods",
    ];
    let paths: Vec<PathBuf> = dirs.iter().map(|d| root.join(d)).collect();
    let subs = submission::discover(&paths).expect("fixtures");
    let files: Vec<PathBuf> = subs.iter().flat_map(|s| s.files.clone()).collect();
    let rules = Rules::embedded().expect("rules");
    let opts = Options {
        rules: rules.clone(),
        select: vec![],
        ignore: vec![],
    };
    let rounds = 15;
    let (mut read_t, mut lint_t, mut ours_t, mut tables_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Interleaved so that both see the same machine state.
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(bare_read(&files));
        read_t.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(full_lint(&subs, &opts, &rules));
        lint_t.push(t.elapsed());
        let t = Instant::now();
        for f in &files {
            std::hint::black_box(
                sakip_lint::read::read_workbook(
                    f,
                    &sakip_lint::read::ReadOptions {
                        formulas: false,
                        ..Default::default()
                    },
                )
                .ok(),
            );
        }
        ours_t.push(t.elapsed());
        let t = Instant::now();
        for s in &subs {
            std::hint::black_box(lint::read_docs(s, &rules));
        }
        tables_t.push(t.elapsed());
    }
    let (r, l) = (median(read_t), median(lint_t));
    println!(
        "{} submissions, {} workbooks, {} rounds (median)",
        subs.len(),
        files.len(),
        rounds
    );
    println!("bare calamine read : {:>8.2} ms", r.as_secs_f64() * 1e3);
    println!("full lint + JSON   : {:>8.2} ms", l.as_secs_f64() * 1e3);
    println!(
        "lint / read ratio  : {:>8.2}",
        l.as_secs_f64() / r.as_secs_f64()
    );
    println!(
        "stages: our read {:.2} ms, read + tables {:.2} ms",
        median(ours_t).as_secs_f64() * 1e3,
        median(tables_t).as_secs_f64() * 1e3
    );
}
