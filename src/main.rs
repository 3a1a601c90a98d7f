//! The command line. Everything else is the library.

use clap::{Parser, Subcommand, ValueEnum};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::finding::Severity;
use sakip_lint::lint::{self, Options};
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
    #[arg(long, num_args = 1.., value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rule codes (or prefixes).
    #[arg(long, num_args = 1.., value_delimiter = ',')]
    ignore: Vec<String>,
    /// A folder whose .toml files replace the built-in rules of the same name.
    #[arg(long)]
    rules: Option<PathBuf>,
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
    let subs = match lint::discover(&args.paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "sakip-lint: {}",
                cat.template("cli.not_found")
                    .replace("{path}", &e.to_string())
            );
            return ExitCode::from(2);
        }
    };
    if subs.is_empty() {
        eprintln!("sakip-lint: {}", cat.template("cli.no_workbooks"));
        return ExitCode::from(2);
    }
    let opts = Options {
        rules,
        select: args.select,
        ignore: args.ignore,
    };
    let reports: Vec<_> = subs
        .iter()
        .map(|s| lint::lint_submission(s, &opts))
        .collect();
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = match args.format {
        Format::Human => report::human::render(&reports, &cat, color),
        Format::Json => {
            serde_json::to_string_pretty(&report::json::render(&reports, &cat)).unwrap_or_default()
                + "\n"
        }
    };
    let written = match &args.output {
        Some(p) => std::fs::write(p, text.as_bytes()),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    if let Err(e) = written {
        eprintln!("sakip-lint: {e}");
        return ExitCode::from(2);
    }
    let totals = report::totals(&reports);
    if totals.files == totals.failed {
        return ExitCode::from(2);
    }
    if reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
