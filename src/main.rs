//! The command line. Everything else is the library.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use sakip_lint::baseline::{self, Baseline};
use sakip_lint::batch;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::config::{self, Config, ConfigError};
use sakip_lint::lint::{self, Options};
use sakip_lint::report;
use sakip_lint::rules::{Rules, RulesError};
use sakip_lint::submission::{self, Group};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A batch makes many small allocations (cell texts, names, findings); mimalloc serves
/// them in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use std::sync::Arc;

// The help texts below are the English fallbacks; the shown ones come from the catalogue
// (`cli.help.*` in rules/messages.toml) in the run's language, see `localize`.
#[derive(Parser)]
#[command(
    name = "sakip-lint",
    version,
    about = "Checks LKjIP (SAKIP) attachments: totals, percentages, predikat and table structure."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check workbooks or folders of workbooks.
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules {
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Print the rule reference as Markdown (docs/rules.md), both languages.
        #[arg(long)]
        markdown: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Show the tables the tool recognises in workbooks (header rows, column roles, rows).
    Tables { paths: Vec<PathBuf> },
    /// Explain one rule.
    Explain {
        /// A rule code (SL101) or name (total-row-mismatch).
        code: String,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[derive(clap::Args)]
struct ConfigArgs {
    /// Use this configuration file instead of the sakip-lint.toml found beside the input.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Id,
    En,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// How workbooks are grouped into submissions.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum GroupArg {
    /// By folder, split by unit when a folder's workbooks name several units.
    Auto,
    /// Every workbook alone.
    File,
    /// Every folder one submission.
    Folder,
    /// By the unit named in the titles, across the whole tree.
    Unit,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Workbooks (.xlsx .xlsm .xls .xlsb .ods) or folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Language of the messages (default: configuration, then locale, then id).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Only these rule codes (or prefixes such as SL2, or names).
    #[arg(long, num_args = 1, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rule codes (or prefixes, or names).
    #[arg(long, num_args = 1, value_delimiter = ',')]
    ignore: Vec<String>,
    /// A folder whose .toml files replace the built-in rules of the same name.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    /// Do not report the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in a baseline file (default: the --baseline file).
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    write_baseline: Option<Option<PathBuf>>,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Print the findings only: nothing else, nothing at all when there are none.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Colours in the human report (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value = "auto", alias = "colour")]
    color: ColorArg,
    /// How workbooks are grouped into submissions (default: by folder, split by unit
    /// when a folder's workbooks name several units in their titles).
    #[arg(long, value_enum, default_value = "auto")]
    group: GroupArg,
    /// Submissions checked at once (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    /// Write an annotated copy of every workbook into this folder.
    #[arg(long, value_name = "OUT")]
    annotate: Option<PathBuf>,
    /// Write a summary of the batch (.xlsx: three sheets; .csv: one row per submission).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Largest sheet read, in cells (default: rules/checks.toml, 4 000 000).
    #[arg(long, value_name = "N")]
    max_cells: Option<u64>,
    /// Largest file read, in MB on disk (default 200).
    #[arg(long, value_name = "MB")]
    max_file_mb: Option<u64>,
    /// Largest .xlsx/.xlsm/.xlsb/.ods read, in MB once decompressed (default 1024).
    #[arg(long, value_name = "MB")]
    max_inflated_mb: Option<u64>,
    /// Seconds a file may take to read before it is reported and skipped (default 120).
    #[arg(long, value_name = "S")]
    max_seconds: Option<u64>,
}

fn lang(l: Option<LangArg>) -> Option<Lang> {
    l.map(|l| match l {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    })
}

fn locale() -> Option<Lang> {
    config::locale_lang(&|v| std::env::var(v).ok())
}

/// The embedded rules: the catalogue of the command line itself. They are compiled in and
/// tested, so this does not fail in practice; if it does, say so and stop.
fn embedded() -> Result<Rules, ExitCode> {
    Rules::embedded().map_err(|e| {
        eprintln!("sakip-lint: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    // calamine panics on some damaged files; the reader catches them and reports the file.
    // Keep the message to one line (no backtrace noise for the user).
    std::panic::set_hook(Box::new(|info| eprintln!("sakip-lint: {info}")));
    let base = match embedded() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let help_lang = config::resolve_lang(lang_in_args(), None, locale());
    let matches = localize(Cli::command(), &Catalog::new(&base, help_lang)).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Check(args) => check(*args, &base),
        Command::Rules {
            lang: l,
            markdown,
            config,
        } => {
            if markdown {
                let (id, en) = (Catalog::new(&base, Lang::Id), Catalog::new(&base, Lang::En));
                print!("{}", report::ruledocs::markdown(&[&id, &en]));
                return ExitCode::SUCCESS;
            }
            let cfg = match load_config(&config, &[], &base, lang(l)) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let cat = Catalog::new(&base, config::resolve_lang(lang(l), cfg.lang, locale()));
            print!("{}", report::ruledocs::list(&cat));
            ExitCode::SUCCESS
        }
        Command::Tables { paths } => {
            let Ok(subs) = submission::discover(&paths) else {
                return ExitCode::from(2);
            };
            let cat = Catalog::new(&base, config::resolve_lang(None, None, locale()));
            for s in &subs {
                print!(
                    "{}",
                    report::tables::render(&lint::read_docs(s, &base).0, &cat)
                );
            }
            ExitCode::SUCCESS
        }
        Command::Explain {
            code,
            lang: l,
            config,
        } => {
            let cfg = match load_config(&config, &[], &base, lang(l)) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let cat = Catalog::new(&base, config::resolve_lang(lang(l), cfg.lang, locale()));
            match sakip_lint::checks::rule(&code) {
                Some(r) => {
                    print!("{}", report::ruledocs::explain(r, &cat));
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "sakip-lint: {}",
                        cat.template("cli.unknown_rule").replace("{code}", &code)
                    );
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `--lang X` or `--lang=X` among the arguments, before clap reads them (for `--help`).
fn lang_in_args() -> Option<Lang> {
    let args: Vec<String> = std::env::args().collect();
    let value = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    })?;
    match value.as_str() {
        "id" => Some(Lang::Id),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The help texts of a command, its arguments and its subcommands from the catalogue:
/// `cli.help.about`, `cli.help.cmd.NAME`, `cli.help.arg.ID`, and the headings.
fn localize(cmd: clap::Command, cat: &Catalog) -> clap::Command {
    use clap::{Arg, ArgAction};
    let name = cmd.get_name().to_string();
    // clap's own -h/--help and -V/--version, made again so that their texts and headings
    // can be translated too.
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help),
        );
    if name == "sakip-lint" {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version),
        );
    }
    if let Some(usage) = cat.get("cli.help.heading.usage") {
        cmd = cmd.help_template(
            &*format!("{{about-with-newline}}\n{usage}: {{usage}}\n\n{{all-args}}{{after-help}}")
                .leak(),
        );
    }
    let about = if name == "sakip-lint" {
        cat.get("cli.help.about")
    } else {
        cat.get(&format!("cli.help.cmd.{name}"))
    };
    if let Some(a) = about {
        cmd = cmd.about(a);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = cat.get(&format!("cli.help.arg.{id}"));
        let (args_heading, options_heading) = (
            cat.get("cli.help.heading.args"),
            cat.get("cli.help.heading.options"),
        );
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let heading = if a.is_positional() {
                args_heading
            } else {
                options_heading
            };
            let a = match help {
                Some(h) => a.help(h),
                None => a,
            };
            match heading {
                Some(h) => a.help_heading(&*h.leak()),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        cmd = cmd.mut_subcommand(s.as_str(), |c| localize(c, cat));
    }
    if let Some(h) = cat.get("cli.help.heading.commands") {
        // clap keeps headings as `&'static str`; once per run.
        cmd = cmd.subcommand_help_heading(&*h.leak());
    }
    cmd
}

/// `path:line:column: what`, then the line itself with a caret under the column.
fn located(
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

fn config_error(e: &ConfigError, cat: &Catalog) -> ExitCode {
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

fn rules_error(e: &RulesError, cat: &Catalog) -> ExitCode {
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
fn load_config(
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

fn check(args: CheckArgs, base: &Rules) -> ExitCode {
    let cfg = match load_config(&args.config, &args.paths, base, lang(args.lang)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let run_lang = config::resolve_lang(lang(args.lang), cfg.lang, locale());
    let cat = Catalog::new(base, run_lang);
    let say = |id: &str, pairs: &[(&str, String)]| {
        let mut s = cat.template(id);
        for (k, v) in pairs {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        eprintln!("sakip-lint: {s}");
        ExitCode::from(2)
    };
    let rules = match args.rules.as_ref().or(cfg.rules.as_ref()) {
        Some(dir) => Rules::with_dir(dir),
        // The embedded rules are loaded already (compiling their patterns is not free).
        None => Ok(base.clone()),
    };
    let mut rules = match rules {
        Ok(r) => r,
        Err(e) => return rules_error(&e, &cat),
    };
    // The configuration's settings over the rule files'.
    for (code, level) in &cfg.severity {
        rules
            .checks
            .severity
            .insert(code.clone(), level.as_str().to_string());
    }
    if cfg.year.is_some() {
        rules.checks.year = cfg.year;
    }
    // Reading limits: flag, else configuration, else the rule files'. Zero would refuse
    // everything: it means "no file", which no one wants; treat it as 1.
    let limit =
        |flag: Option<u64>, config: Option<u64>, rule: u64| flag.or(config).unwrap_or(rule).max(1);
    rules.checks.max_cells = limit(args.max_cells, cfg.max_cells, rules.checks.max_cells);
    rules.checks.max_file_mb = limit(args.max_file_mb, cfg.max_file_mb, rules.checks.max_file_mb);
    rules.checks.max_inflated_mb = limit(
        args.max_inflated_mb,
        cfg.max_inflated_mb,
        rules.checks.max_inflated_mb,
    );
    rules.checks.max_seconds = limit(args.max_seconds, cfg.max_seconds, rules.checks.max_seconds);
    // Codes, prefixes or names; a code that names no rule would silently switch every
    // check off.
    let selectors = |items: Vec<String>| -> Result<Vec<String>, String> {
        items
            .into_iter()
            .map(|c| sakip_lint::checks::selector(&c).ok_or(c))
            .collect()
    };
    let (select, ignore) = match (selectors(args.select), selectors(args.ignore)) {
        (Ok(s), Ok(i)) => (s, i),
        (Err(code), _) | (_, Err(code)) => return say("cli.unknown_rule", &[("code", code)]),
    };
    // Flags win over the file.
    let select = if select.is_empty() {
        cfg.select.clone().unwrap_or_default()
    } else {
        select
    };
    let ignore = if ignore.is_empty() {
        cfg.ignore.clone().unwrap_or_default()
    } else {
        ignore
    };
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
        if !p.exists() {
            return say("baseline.not_found", &[("path", p.display().to_string())]);
        }
        match Baseline::load(p) {
            Ok(b) => rules.checks.baseline = Some(Arc::new(b)),
            Err(e) => {
                return say(
                    "baseline.invalid",
                    &[("path", p.display().to_string()), ("detail", e.to_string())],
                );
            }
        }
    }
    let recorder = rules.checks.baseline.clone();
    let opts = Options {
        rules,
        select,
        ignore,
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
    let bcfg = batch::Config {
        lint: &opts,
        cat: &cat,
        group: match args.group {
            GroupArg::Auto => Group::Auto,
            GroupArg::File => Group::File,
            GroupArg::Folder => Group::Folder,
            GroupArg::Unit => Group::Unit,
        },
        jobs: args.jobs,
        format: if human {
            batch::Format::Human { color }
        } else {
            batch::Format::Json
        },
        annotate: args.annotate.clone(),
        summary: args.summary.clone(),
        // A bar on stderr only while the report itself goes elsewhere (a file, a pipe):
        // on a terminal the streamed report shows the progress.
        progress: std::io::stderr().is_terminal() && !to_terminal,
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
        batch::run(&args.paths, &bcfg, &mut buffer)
    } else {
        batch::run(&args.paths, &bcfg, &mut out)
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
                (false, Format::Github) => report::github::from_json(&doc),
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
fn quiet_human(text: String, outcome: &batch::Outcome, cat: &Catalog) -> String {
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
