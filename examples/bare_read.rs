//! calamine's bare read of every workbook under the given folders: the baseline the
//! benchmarks compare the linter with. For a noise-free ratio, count instructions:
//! `valgrind --tool=callgrind target/release/examples/bare_read DIR` against
//! `valgrind --tool=callgrind target/release/sakip-lint check DIR --format json --jobs 1`.
use calamine::{Reader, open_workbook_auto};

fn main() {
    let dirs: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let subs = sakip_lint::submission::discover(&dirs).expect("folders");
    let mut cells = 0usize;
    for s in &subs {
        for f in &s.files {
            let Ok(mut wb) = open_workbook_auto(f) else {
                continue;
            };
            for name in wb.sheet_names() {
                if let Ok(r) = wb.worksheet_range(&name) {
                    cells += r.used_cells().count();
                }
            }
        }
    }
    println!("{cells} cells");
}
