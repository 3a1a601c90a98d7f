//! The command line. Everything else is the library.

use clap::{Parser, Subcommand, ValueEnum};
use sakip_lint::batch;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::lint::{self, Group, Options};
use sakip_lint::report;
use sakip_lint::rules::Rules;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sakip-lint",
    version,
    about = "Memeriksa lampiran LKjIP (SAKIP): jumlah, persentase, predikat dan struktur tabel."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check workbooks or folders of workbooks.
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value = "id")]
        lang: LangArg,
    },
    /// Show the tables the tool recognises in workbooks (header rows, column roles, rows).
    Tables { paths: Vec<PathBuf> },
    /// Explain one rule.
    Explain {
        code: String,
        #[arg(long, value_enum, default_value = "id")]
        lang: LangArg,
    },
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
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "id")]
    lang: LangArg,
    /// Only these rule codes (or prefixes such as SL2).
    #[arg(long, num_args = 1, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rule codes (or prefixes).
    #[arg(long, num_args = 1, value_delimiter = ',')]
    ignore: Vec<String>,
    /// A folder whose .toml files replace the built-in rules of the same name.
    #[arg(long)]
    rules: Option<PathBuf>,
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
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    }
}

fn main() -> ExitCode {
    // calamine panics on some damaged files; the reader catches them and reports the file.
    // Keep the message to one line (no backtrace noise for the user).
    std::panic::set_hook(Box::new(|info| eprintln!("sakip-lint: {info}")));
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { lang: l } => {
            let Ok(rules) = Rules::embedded() else {
                return ExitCode::from(2);
            };
            let cat = Catalog::new(&rules, lang(l));
            for r in sakip_lint::checks::all_rules() {
                println!(
                    "{}  {:<8} {:<10} {}",
                    r.code,
                    r.severity.as_str(),
                    r.family,
                    cat.template(r.title)
                );
            }
            ExitCode::SUCCESS
        }
        Command::Tables { paths } => {
            let Ok(rules) = Rules::embedded() else {
                return ExitCode::from(2);
            };
            let Ok(subs) = lint::discover(&paths) else {
                return ExitCode::from(2);
            };
            for s in &subs {
                print!("{}", report::tables::render(&lint::read_docs(s, &rules).0));
            }
            ExitCode::SUCCESS
        }
        Command::Explain { code, lang: l } => {
            let Ok(rules) = Rules::embedded() else {
                return ExitCode::from(2);
            };
            let cat = Catalog::new(&rules, lang(l));
            match sakip_lint::checks::rule(&code) {
                Some(r) => {
                    println!(
                        "{} — {} ({}, {})\n\n{}",
                        r.code,
                        cat.template(r.title),
                        r.family,
                        r.severity.as_str(),
                        cat.template(r.explain)
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "{}",
                        cat.template("cli.unknown_rule").replace("{code}", &code)
                    );
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let rules = match &args.rules {
        Some(dir) => Rules::with_dir(dir),
        None => Rules::embedded(),
    };
    let rules = match rules {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sakip-lint: rules: {e}");
            return ExitCode::from(2);
        }
    };
    let cat_rules = rules.clone();
    let cat = Catalog::new(&cat_rules, lang(args.lang));
    let upper = |v: Vec<String>| {
        v.into_iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .collect::<Vec<_>>()
    };
    let (select, ignore) = (upper(args.select), upper(args.ignore));
    // A code that names no rule would silently switch every check off.
    for code in select.iter().chain(&ignore) {
        if !sakip_lint::checks::all_rules()
            .iter()
            .any(|r| r.code.starts_with(code.as_str()))
        {
            eprintln!(
                "sakip-lint: {}",
                cat.template("cli.unknown_rule").replace("{code}", code)
            );
            return ExitCode::from(2);
        }
    }
    let opts = Options {
        rules,
        select,
        ignore,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let fail = |id: &str, path: &std::path::Path, detail: &str| {
        eprintln!(
            "sakip-lint: {}",
            cat.template(id)
                .replace("{path}", &path.display().to_string())
                .replace("{detail}", detail)
        );
        ExitCode::from(2)
    };
    if let Some(p) = &args.summary
        && !report::summary::supported(p)
    {
        return fail("cli.summary_extension", p, "");
    }
    // No output of this run may replace a file it checks.
    let inputs: Vec<PathBuf> = match lint::discover(&args.paths) {
        Ok(subs) => subs.into_iter().flat_map(|s| s.files).collect(),
        Err(e) => {
            eprintln!(
                "sakip-lint: {}",
                cat.template("cli.not_found")
                    .replace("{path}", &e.to_string())
            );
            return ExitCode::from(2);
        }
    };
    if inputs.is_empty() {
        eprintln!("sakip-lint: {}", cat.template("cli.no_workbooks"));
        return ExitCode::from(2);
    }
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    for out in [&args.output, &args.summary].into_iter().flatten() {
        if inputs.iter().any(|i| same(i, out)) {
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
    let cfg = batch::Config {
        lint: &opts,
        cat: &cat,
        group: match args.group {
            GroupArg::Auto => Group::Auto,
            GroupArg::File => Group::File,
            GroupArg::Folder => Group::Folder,
            GroupArg::Unit => Group::Unit,
        },
        jobs: args.jobs,
        format: match args.format {
            Format::Human => batch::Format::Human { color },
            Format::Json | Format::Sarif => batch::Format::Json,
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
            Err(e) => {
                eprintln!("sakip-lint: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    // SARIF is built from the whole JSON report (one document for the tools that read it).
    let sarif = args.format == Format::Sarif;
    let mut buffer: Vec<u8> = Vec::new();
    let ran = if sarif {
        batch::run(&args.paths, &cfg, &mut buffer)
    } else {
        batch::run(&args.paths, &cfg, &mut out)
    };
    if sarif && ran.is_ok() {
        let doc = serde_json::from_slice::<serde_json::Value>(&buffer).unwrap_or_default();
        let text =
            serde_json::to_string_pretty(&report::sarif::from_json(&doc, &cat)).unwrap_or_default();
        if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
            eprintln!("sakip-lint: {e}");
            return ExitCode::from(2);
        }
    }
    match ran {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(batch::BatchError::NoWorkbooks) => {
            eprintln!("sakip-lint: {}", cat.template("cli.no_workbooks"));
            ExitCode::from(2)
        }
        Err(batch::BatchError::Input(e)) => {
            eprintln!(
                "sakip-lint: {}",
                cat.template("cli.not_found")
                    .replace("{path}", &e.to_string())
            );
            ExitCode::from(2)
        }
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
