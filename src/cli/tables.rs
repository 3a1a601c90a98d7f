//! `sakip-lint tables`: the tables recognised in workbooks and report documents, read with
//! the run's settings (the configuration file, `--rules`, the reading limits, the year and
//! the language), so that what it shows is what `check` sees.

use sakip_lint::catalog::Catalog;
use sakip_lint::config;
use sakip_lint::lint;
use sakip_lint::report;
use sakip_lint::rules::Rules;
use sakip_lint::submission;
use std::io::Write;
use std::process::ExitCode;

use super::settings::{lang, load_config, locale, run_rules};
use crate::TablesArgs;

pub(crate) fn tables(args: TablesArgs, base: &Rules) -> ExitCode {
    let cfg = match load_config(&args.config, &args.paths, base, lang(args.lang)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let cat = Catalog::new(
        base,
        config::resolve_lang(lang(args.lang), cfg.lang, locale()),
    );
    let rules = match run_rules(args.rules.as_ref(), &cfg, &args.limits, base, &cat) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let subs = match submission::discover(&args.paths) {
        Ok(subs) => subs,
        Err(e) => {
            let text = cat
                .template("cli.not_found")
                .replace("{path}", &e.to_string());
            eprintln!("sakip-lint: {text}");
            return ExitCode::from(2);
        }
    };
    let mut unreadable = false;
    let mut out = std::io::stdout().lock();
    for s in &subs {
        let (docs, files, left_out) = lint::read_docs(s, &rules);
        // A reader gone (`| head`) is no error: stop quietly.
        if write!(out, "{}", report::tables::render(&docs, &cat)).is_err() {
            return ExitCode::SUCCESS;
        }
        // A file (or sheet) that could not be read shows no table: say why, as `check`
        // does.
        for f in &files {
            if let submission::FileStatus::Error { message } = &f.status {
                unreadable = true;
                eprintln!("sakip-lint: {}: {}", f.path, cat.render(message));
            }
        }
        for f in &left_out {
            unreadable = true;
            eprintln!(
                "sakip-lint: {}: {}: {}",
                f.at.file,
                f.at.sheet,
                cat.render(&f.message)
            );
        }
    }
    if unreadable {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
