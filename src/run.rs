//! One `check` run as a function, for the command line and for `serve` alike: the rule
//! selection resolved from what a person typed, and the batch run with its JSON report.
//! Both callers go through here so that the page answers exactly what `check` prints.

use crate::batch::{self, BatchError, Outcome};
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::lint::Options;
use crate::rules::Rules;
use crate::submission::Group;
use std::io::Write;
use std::path::PathBuf;

/// Rule selectors as given (`--select`, `--extend-select`, `--ignore`, or the page's
/// fields): codes, prefixes such as `SL2`, or names.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub extend: Vec<String>,
    pub ignore: Vec<String>,
}

/// The options of a run: the selection over the configuration's. A word that names no
/// rule is returned as the error (it would silently switch every check off).
pub fn options(rules: Rules, cfg: &Config, sel: Selection) -> Result<Options, String> {
    let selectors = |items: Vec<String>| -> Result<Vec<String>, String> {
        items
            .into_iter()
            .map(|c| crate::checks::selector(&c).ok_or(c))
            .collect()
    };
    let select = selectors(sel.select)?;
    let extend = selectors(sel.extend)?;
    let ignore = selectors(sel.ignore)?;
    let select = config::selection(cfg, &select, &extend);
    let ignore = if ignore.is_empty() {
        cfg.ignore.clone().unwrap_or_default()
    } else {
        ignore
    };
    Ok(Options {
        rules,
        select,
        ignore,
    })
}

/// What a JSON run writes besides the report, and who is told of its progress.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// `--annotate OUT`.
    pub annotate: Option<PathBuf>,
    /// `--summary FILE`.
    pub summary: Option<PathBuf>,
    /// A progress bar on stderr (the caller checked that stderr is a terminal).
    pub progress: bool,
    /// Told how far the run is.
    pub on_progress: Option<batch::OnProgress>,
    /// Threads shared with other runs; `None`: `jobs` threads of the run's own.
    pub pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

/// `check --format json`: the batch over `paths`, its report (schema sakip-lint/1)
/// streamed to `out`.
pub fn json(
    paths: &[PathBuf],
    opts: &Options,
    cat: &Catalog,
    group: Group,
    jobs: usize,
    outputs: Outputs,
    out: &mut dyn Write,
) -> Result<Outcome, BatchError> {
    let cfg = batch::Config {
        lint: opts,
        cat,
        group,
        jobs,
        format: batch::Format::Json,
        annotate: outputs.annotate,
        summary: outputs.summary,
        progress: outputs.progress,
        on_progress: outputs.on_progress,
        pool: outputs.pool,
    };
    batch::run(paths, &cfg, out)
}
