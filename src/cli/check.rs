//! `sakip-lint check`: one run over the paths given — settings merged (flags over the
//! configuration file), the batch linted, the reports written, the exit status.

use sakip_lint::baseline::{self, Baseline};
use sakip_lint::batch;
use sakip_lint::catalog::Catalog;
use sakip_lint::config;
use sakip_lint::report;
use sakip_lint::rules::Rules;
use sakip_lint::run;
use sakip_lint::submission::{self, Group};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::settings::{self, lang, load_config, locale, run_rules};
use crate::{CheckArgs, ColorArg, Format, GroupArg};

pub(crate) fn check(args: CheckArgs, base: &Rules) -> ExitCode {
    let cfg = match load_config(&args.config, &args.paths, base, lang(args.lang)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let run_lang = config::resolve_lang(lang(args.lang), cfg.lang, locale());
    let cat = Catalog::new(base, run_lang);
    let say = |id: &str, pairs: &[(&str, String)]| settings::say(&cat, id, pairs);
    let rules = match run_rules(args.rules.as_ref(), &cfg, &args.limits, base, &cat) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut rules = rules;
    let baseline_file = args.baseline.clone().or(cfg.baseline.clone());
    let write_baseline: Option<PathBuf> = match &args.write_baseline {
        None => None,
        Some(Some(p)) => Some(p.clone()),
        Some(None) => match &baseline_file {
            Some(p) => Some(p.clone()),
            None => return say("baseline.no_file", &[]),
        },
    };
    // A report is text: a workbook name after --output is a slip that would destroy it.
    if let Some(p) = &args.output
        && submission::is_workbook(p)
    {
        return say(
            "cli.output_is_workbook",
            &[("path", p.display().to_string())],
        );
    }
    if let Some(p) = &write_baseline {
        if submission::is_workbook(p) {
            return say("baseline.is_workbook", &[("path", p.display().to_string())]);
        }
        rules.checks.baseline = Some(Arc::new(Baseline::recorder()));
    } else if let Some(p) = &baseline_file {
        match settings::load_baseline(p, &cat) {
            Ok(b) => rules.checks.baseline = Some(b),
            Err(code) => return code,
        }
    }
    let recorder = rules.checks.baseline.clone();
    let selection = run::Selection {
        select: args.select,
        extend: args.extend_select,
        ignore: args.ignore,
    };
    let opts = match run::options(rules, &cfg, selection) {
        Ok(o) => o,
        Err(code) => return say("cli.unknown_rule", &[("code", code)]),
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let fail = |id: &str, path: &std::path::Path, detail: &str| {
        say(
            id,
            &[
                ("path", path.display().to_string()),
                ("detail", detail.to_string()),
            ],
        )
    };
    if let Some(p) = &args.summary
        && !report::summary::supported(p)
    {
        return fail("cli.summary_extension", p, "");
    }
    // No output of this run may replace a file it checks.
    let inputs: Vec<PathBuf> = match submission::discover(&args.paths) {
        Ok(subs) => subs.into_iter().flat_map(|s| s.files).collect(),
        Err(e) => return say("cli.not_found", &[("path", e.to_string())]),
    };
    if inputs.is_empty() {
        return say("cli.no_workbooks", &[]);
    }
    // An output that does not exist yet is no input; one that does is compared with the
    // inputs of the same name only (resolving every input's path costs a batch dearly).
    let lower_name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().to_lowercase());
    for out in [&args.output, &args.summary, &write_baseline]
        .into_iter()
        .flatten()
    {
        let Ok(real) = out.canonicalize() else {
            continue;
        };
        let name = lower_name(out);
        if inputs
            .iter()
            .filter(|i| lower_name(i) == name)
            .any(|i| i.canonicalize().is_ok_and(|x| x == real))
        {
            return fail("cli.output_is_input", out, "");
        }
    }
    if let Some(dir) = &args.annotate {
        if dir.exists() && !dir.is_dir() {
            return fail("cli.annotate_not_folder", dir, "");
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail("cli.annotate_not_folder", dir, &e.to_string());
        }
    }
    // What the batch writes: human text streamed as it comes, or JSON; SARIF, GitHub
    // annotations, statistics and a quiet human report are made from a buffered run.
    let human = args.format == Format::Human && !args.statistics;
    // Streamed: JSON, or a human report that is not quiet.
    let streamed = (args.format == Format::Json && !args.statistics) || (human && !args.quiet);
    let buffered = !streamed;
    let group = match args.group {
        GroupArg::Auto => Group::Auto,
        GroupArg::File => Group::File,
        GroupArg::Folder => Group::Folder,
        GroupArg::Unit => Group::Unit,
    };
    // A bar on stderr only while the report itself goes elsewhere (a file, a pipe):
    // on a terminal the streamed report shows the progress.
    let progress = std::io::stderr().is_terminal() && !to_terminal;
    let bcfg = batch::Config {
        lint: &opts,
        cat: &cat,
        group,
        jobs: args.jobs,
        format: batch::Format::Human { color },
        annotate: args.annotate.clone(),
        summary: args.summary.clone(),
        progress,
        on_progress: None,
        pool: None,
    };
    let outputs = run::Outputs {
        annotate: args.annotate.clone(),
        summary: args.summary.clone(),
        progress,
        ..Default::default()
    };
    // Every JSON-based report (JSON, SARIF, GitHub, statistics) comes from the run that
    // `serve` makes too.
    let batch_to = |out: &mut dyn Write| {
        if human {
            batch::run(&args.paths, &bcfg, out)
        } else {
            run::json(
                &args.paths,
                &opts,
                &cat,
                group,
                args.jobs,
                outputs.clone(),
                out,
            )
        }
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => return fail("cli.output_failed", p, &e.to_string()),
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut buffer: Vec<u8> = Vec::new();
    let ran = if buffered {
        batch_to(&mut buffer)
    } else {
        batch_to(&mut out)
    };
    if buffered && let Ok(outcome) = &ran {
        let text = if human {
            quiet_human(String::from_utf8_lossy(&buffer).into_owned(), outcome, &cat)
        } else {
            let doc = serde_json::from_slice::<serde_json::Value>(&buffer).unwrap_or_default();
            let pretty =
                |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
            match (args.statistics, args.format) {
                (true, Format::Json) => pretty(&report::statistics::json(&doc)),
                (true, _) => report::statistics::text(&doc, &cat),
                (false, Format::Sarif) => pretty(&report::sarif::from_json(&doc, &cat)),
                (false, Format::Github) => report::github::from_json(&doc, &cat),
                (false, _) => String::from_utf8_lossy(&buffer).into_owned(),
            }
        };
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            eprintln!("sakip-lint: {e}");
            return ExitCode::from(2);
        }
    }
    if let (Ok(_), Some(path), Some(rec)) = (&ran, &write_baseline, &recorder) {
        let entries = rec.recorded();
        if let Err(e) = baseline::write(path, &entries) {
            return fail("baseline.write_failed", path, &e.to_string());
        }
        if !args.quiet {
            eprintln!(
                "sakip-lint: {}",
                cat.template("baseline.written")
                    .replace("{n}", &entries.len().to_string())
                    .replace("{path}", &path.display().to_string())
            );
        }
    }
    match ran {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(batch::BatchError::NoWorkbooks) => say("cli.no_workbooks", &[]),
        Err(batch::BatchError::Input(e)) => say("cli.not_found", &[("path", e.to_string())]),
        Err(batch::BatchError::Summary(e)) => match &args.summary {
            Some(p) => fail("cli.summary_failed", p, &e.to_string()),
            None => ExitCode::from(2),
        },
        Err(e) => {
            eprintln!("sakip-lint: {e}");
            ExitCode::from(2)
        }
    }
}

/// A human report without its totals line; nothing when nothing was found.
pub(crate) fn quiet_human(text: String, outcome: &batch::Outcome, cat: &Catalog) -> String {
    let t = &outcome.totals;
    if t.error + t.warning + t.info + t.failed == 0 {
        return String::new();
    }
    let line = cat
        .template("summary.line")
        .replace("{files}", &t.files.to_string())
        .replace("{failed}", &t.failed.to_string())
        .replace("{error}", &t.error.to_string())
        .replace("{warning}", &t.warning.to_string())
        .replace("{info}", &t.info.to_string());
    let trimmed = text.trim_end();
    match trimmed.strip_suffix(line.as_str()) {
        Some(rest) => format!("{}\n", rest.trim_end()),
        None => text,
    }
}
