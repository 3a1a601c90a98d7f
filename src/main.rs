//! The command line: its definition (clap) and the dispatch of each command; `cli/` holds
//! the rest of it. Everything else is the library.

mod cli;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use cli::check::check;
use cli::help::{lang_in_args, localize};
use cli::settings::{lang, load_config, locale};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::config;
use sakip_lint::report;
use sakip_lint::rules::Rules;
use std::path::PathBuf;
use std::process::ExitCode;

/// A batch makes many small allocations (cell texts, names, findings); mimalloc serves
/// them in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Tables(Box<TablesArgs>),
    /// A local web page (127.0.0.1 only) to drop files on.
    Serve(Box<ServeArgs>),
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
    /// Workbooks (.xlsx .xlsm .xls .xlsb .ods), report documents (.docx .docm .pdf) or folders.
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
    /// Add these rules to the selection (of --select, else of the configuration).
    #[arg(long, num_args = 1, value_delimiter = ',')]
    extend_select: Vec<String>,
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
    #[command(flatten)]
    limits: LimitArgs,
}

/// The reading limits, over the configuration's and the rule files'.
#[derive(clap::Args)]
struct LimitArgs {
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

#[derive(clap::Args)]
struct ServeArgs {
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Do not open the page in the browser.
    #[arg(long)]
    no_open: bool,
    /// Language of the page (default: configuration, then locale, then id).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Checks run at once, all sharing this many threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    /// A folder whose .toml files replace the built-in rules of the same name.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    /// Files per upload, counting those in a zip.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_files: usize,
    /// Seconds a check of one upload may take before the page is told so.
    #[arg(long, value_name = "S", default_value_t = 600)]
    max_request_seconds: u64,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(clap::Args)]
struct TablesArgs {
    /// Workbooks, report documents or folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Language of the messages (default: configuration, then locale, then id).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// A folder whose .toml files replace the built-in rules of the same name.
    #[arg(long)]
    rules: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The embedded rules: the catalogue of the command line itself. They are compiled in and
/// tested, so this does not fail in practice; if it does, say so and stop.
fn embedded() -> Result<Rules, ExitCode> {
    Rules::embedded().map_err(|e| {
        eprintln!("sakip-lint: {e}");
        ExitCode::from(2)
    })
}

/// Started with no arguments by someone who never opens a terminal: a double-click on the
/// program (Windows: in the console window it opens; elsewhere: from a file manager or a
/// desktop launcher, standard input not a terminal). Such a start is `sakip-lint serve`:
/// the page opens in the browser, and closing the window stops it. Typed with no
/// arguments in a terminal (not on Windows), it shows the usage as before.
fn started_without_a_terminal() -> bool {
    use std::io::IsTerminal;
    std::env::args_os().len() == 1 && (cfg!(windows) || !std::io::stdin().is_terminal())
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
    let command = localize(Cli::command(), &Catalog::new(&base, help_lang));
    let matches = if started_without_a_terminal() {
        command.get_matches_from(["sakip-lint", "serve"])
    } else {
        command.get_matches()
    };
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
        Command::Tables(args) => cli::tables::tables(*args, &base),
        Command::Serve(args) => cli::serve::serve(*args, &base),
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
