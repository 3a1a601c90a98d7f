//! Lint the shipped fixtures many times, for a profiler:
//! `cargo build --release --example profile_lint && perf record target/release/examples/profile_lint`.
fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let paths: Vec<_> = [
        "trawas-2024",
        "clean-sukamaju/plain",
        "clean-sukamaju/fraction",
        "clean-sukamaju/text",
        "clean-sukamaju/xls",
        "clean-sukamaju/ods",
    ]
    .iter()
    .map(|d| root.join(d))
    .collect();
    let subs = sakip_lint::submission::discover(&paths).expect("fixtures");
    let opts = sakip_lint::lint::Options {
        rules: sakip_lint::rules::Rules::embedded().expect("rules"),
        select: vec![],
        ignore: vec![],
    };
    let mut n = 0;
    for _ in 0..rounds {
        for s in &subs {
            n += sakip_lint::lint::lint_submission(s, &opts).findings.len();
        }
    }
    println!("{n}");
}
