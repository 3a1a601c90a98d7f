//! Print the facts of a submission (subject, measure, period, version, value, place):
//! `cargo run --example facts_dump -- PATH [SUBJECT-SUBSTRING]`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else { return };
    let filter = args.get(1).cloned().unwrap_or_default();
    let rules = sakip_lint::rules::Rules::embedded().expect("rules");
    let subs = sakip_lint::submission::discover(&[path.into()]).expect("path");
    for s in &subs {
        let (docs, _, _) = sakip_lint::lint::read_docs(s, &rules);
        for f in sakip_lint::facts::collect(&docs, &rules) {
            let subject = format!("{:?}", f.subject);
            if subject.contains(&filter) {
                println!(
                    "{subject:<60} {:<18} {:?} {:<10} {:>16} {:<12} {}!{}",
                    f.measure,
                    f.period,
                    f.version.unwrap_or("-"),
                    f.value.value.to_string(),
                    f.kind,
                    f.sheet_name(&docs),
                    f.cell
                );
            }
        }
    }
}
