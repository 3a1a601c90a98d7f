//! A run's settings: its language, its configuration file, and how mistakes in that file
//! or in a rules folder are shown (`file:line:column`, the line, a caret).

use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::config::{self, Config, ConfigError};
use sakip_lint::rules::{Rules, RulesError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{ConfigArgs, LangArg, LimitArgs};

pub(crate) fn lang(l: Option<LangArg>) -> Option<Lang> {
    l.map(|l| match l {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    })
}

pub(crate) fn locale() -> Option<Lang> {
    config::locale_lang(&|v| std::env::var(v).ok())
}

/// `path:line:column: what`, then the line itself with a caret under the column.
pub(crate) fn located(
    path: &Path,
    line: Option<usize>,
    column: Option<usize>,
    source_line: Option<&str>,
    what: &str,
) -> String {
    let mut out = match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}: {what}", path.display()),
        (Some(l), None) => format!("{}:{l}: {what}", path.display()),
        _ => format!("{}: {what}", path.display()),
    };
    if let (Some(l), Some(text)) = (line, source_line) {
        let gutter = l.to_string();
        out.push_str(&format!("\n {gutter} | {text}"));
        if let Some(c) = column {
            out.push_str(&format!(
                "\n {} | {}^",
                " ".repeat(gutter.len()),
                " ".repeat(c.saturating_sub(1))
            ));
        }
    }
    out
}

pub(crate) fn config_error(e: &ConfigError, cat: &Catalog) -> ExitCode {
    eprintln!(
        "sakip-lint: {}",
        located(
            &e.path,
            e.line,
            e.column,
            e.source_line.as_deref(),
            &cat.render(&e.message)
        )
    );
    ExitCode::from(2)
}

pub(crate) fn rules_error(e: &RulesError, cat: &Catalog) -> ExitCode {
    let text = match e {
        RulesError::Invalid {
            file,
            line,
            column,
            source_line,
            detail,
        } => located(
            Path::new(file),
            *line,
            *column,
            source_line.as_deref(),
            &cat.template("rules.invalid").replace("{detail}", detail),
        ),
        RulesError::UnknownFile { file, expected } => located(
            Path::new(file),
            None,
            None,
            None,
            &cat.template("rules.unknown_file")
                .replace("{expected}", expected),
        ),
    };
    eprintln!("sakip-lint: {text}");
    ExitCode::from(2)
}

/// The configuration of a run: `--config FILE`, none with `--isolated`, else the file
/// found beside the first input (or the current folder).
pub(crate) fn load_config(
    args: &ConfigArgs,
    inputs: &[PathBuf],
    base: &Rules,
    flag_lang: Option<Lang>,
) -> Result<Config, ExitCode> {
    if args.isolated {
        return Ok(Config::default());
    }
    // Messages about the file itself: the flag's language, else the locale's.
    let cat = Catalog::new(base, config::resolve_lang(flag_lang, None, locale()));
    let path = match &args.config {
        Some(p) => {
            if !p.is_file() {
                eprintln!(
                    "sakip-lint: {}",
                    cat.template("config.not_found")
                        .replace("{path}", &p.display().to_string())
                );
                return Err(ExitCode::from(2));
            }
            p.clone()
        }
        None => {
            let here = [PathBuf::from(".")];
            match config::discover(if inputs.is_empty() { &here } else { inputs }) {
                Some(p) => p,
                None => return Ok(Config::default()),
            }
        }
    };
    config::load(&path).map_err(|e| config_error(&e, &cat))
}

/// The rules of a run: the `--rules` folder, else the configuration's, else the embedded
/// ones; then the configuration's severities and year, and the reading limits (flag, else
/// configuration, else the rule files').
pub(crate) fn run_rules(
    rules_flag: Option<&PathBuf>,
    cfg: &Config,
    limits: &LimitArgs,
    base: &Rules,
    cat: &Catalog,
) -> Result<Rules, ExitCode> {
    let rules = match rules_flag.or(cfg.rules.as_ref()) {
        Some(dir) => Rules::with_dir(dir),
        // The embedded rules are loaded already (compiling their patterns is not free).
        None => Ok(base.clone()),
    };
    let mut rules = rules.map_err(|e| rules_error(&e, cat))?;
    for (code, level) in &cfg.severity {
        rules
            .checks
            .severity
            .insert(code.clone(), level.as_str().to_string());
    }
    if cfg.year.is_some() {
        rules.checks.year = cfg.year;
    }
    // Zero would refuse everything: it means "no file", which no one wants; treat it as 1.
    let limit =
        |flag: Option<u64>, config: Option<u64>, rule: u64| flag.or(config).unwrap_or(rule).max(1);
    let c = &mut rules.checks;
    c.max_cells = limit(limits.max_cells, cfg.max_cells, c.max_cells);
    c.max_file_mb = limit(limits.max_file_mb, cfg.max_file_mb, c.max_file_mb);
    c.max_inflated_mb = limit(
        limits.max_inflated_mb,
        cfg.max_inflated_mb,
        c.max_inflated_mb,
    );
    c.max_seconds = limit(limits.max_seconds, cfg.max_seconds, c.max_seconds);
    Ok(rules)
}

/// Print a catalogue message (its `{key}`s filled from `pairs`) as an error of the run;
/// exit status 2.
pub(crate) fn say(cat: &Catalog, id: &str, pairs: &[(&str, String)]) -> ExitCode {
    let mut s = cat.template(id);
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    eprintln!("sakip-lint: {s}");
    ExitCode::from(2)
}

/// The baseline file `p`, read and checked (missing or invalid: an error of the run).
pub(crate) fn load_baseline(
    p: &Path,
    cat: &Catalog,
) -> Result<std::sync::Arc<sakip_lint::baseline::Baseline>, ExitCode> {
    if !p.exists() {
        return Err(say(
            cat,
            "baseline.not_found",
            &[("path", p.display().to_string())],
        ));
    }
    sakip_lint::baseline::Baseline::load(p)
        .map(std::sync::Arc::new)
        .map_err(|e| {
            say(
                cat,
                "baseline.invalid",
                &[("path", p.display().to_string()), ("detail", e.to_string())],
            )
        })
}
