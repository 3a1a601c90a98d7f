//! `check` over many submissions: grouping, parallel linting, ordered streaming output,
//! annotated copies and the summary.
//!
//! # Design
//!
//! * **Plan** ([`submission::plan`]): the submissions, in a deterministic order, grouped by
//!   [`Group`]. With [`Group::Auto`] (the default) a folder of several workbooks is read
//!   once and split by unit afterwards ([`submission::split_by_unit`]), so nothing is read twice;
//!   [`Group::Unit`] needs every workbook's title rows before grouping and reads only the
//!   first rows of `.xlsx` files for it ([`submission::unit_of_file`]).
//! * **Parallel, isolated**: each planned submission is one task on a rayon pool of
//!   `--jobs` threads (8 MiB stacks, like the main thread). A panic while reading or
//!   checking is caught: the submission's files are reported as failed with the panic's
//!   message (`batch.panic`) and the batch goes on.
//! * **Ordered streaming, bounded memory**: at most `2 × threads + 2` submissions are in
//!   flight. Each task reads, checks, writes the annotated copies, renders its part of the
//!   report (human text or the JSON objects of `report::json`) and its summary row, and
//!   drops the workbooks before sending the result to the main thread; the main thread
//!   keeps a reorder buffer (a `BTreeMap` by index) and writes every result as soon as all
//!   before it are written. A task is started only while it is within the window of the
//!   next result to write, so memory does not grow with the number of submissions (only
//!   the summary's one row per submission, and the summary's findings sheet, do).
//! * **JSON** stays one document (DESIGN §6): `schema`, then `files` written as they come,
//!   `findings` kept in a spill buffer (memory up to 1 MiB, then an unlinked temporary
//!   file) and copied after the files, then `summary`.
//! * **Progress**: an indicatif bar on stderr when stderr is a terminal and there are more
//!   than 20 submissions; nothing otherwise. A caller may also be told ([`OnProgress`]).

use crate::catalog::Catalog;
use crate::doc::Doc;
use crate::finding::Message;
use crate::lint::{self, FileReport, FileStatus, Options, SubmissionReport};
use crate::report::summary::{self, FindingRow, SubmissionRow, SummaryError, SummaryWriter};
use crate::report::{self, Totals};
use crate::submission::{self, Group, Planned, Submission};
use std::collections::{BTreeMap, HashMap};
use std::io::{Seek, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

/// The report's format on stdout (or `--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human { color: bool },
    Json,
}

/// What a batch run needs.
pub struct Config<'a> {
    pub lint: &'a Options,
    pub cat: &'a Catalog<'a>,
    pub group: Group,
    /// Worker threads; 0: one per core.
    pub jobs: usize,
    pub format: Format,
    /// `--annotate OUT`: a folder for the annotated copies.
    pub annotate: Option<PathBuf>,
    /// `--summary FILE.xlsx|.csv`.
    pub summary: Option<PathBuf>,
    /// Show a progress bar (the caller checked that stderr is a terminal).
    pub progress: bool,
    /// Told how far the run is (`serve`'s page shows it).
    pub on_progress: Option<OnProgress>,
    /// A pool shared with other runs (`serve`: all requests share `--jobs` threads); `None`
    /// builds a pool of `jobs` threads for this run.
    pub pool: Option<Arc<rayon::ThreadPool>>,
}

/// Called with (submissions reported, submissions planned): once with 0 when the run is
/// planned, then after each submission is written.
#[derive(Clone)]
pub struct OnProgress(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnProgress")
    }
}

/// The threads of a run (`--jobs`, 0: one per core), 8 MiB stacks like the main thread.
pub fn thread_pool(jobs: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(8 << 20)
        .thread_name(|i| format!("sakip-lint-{i}"))
        .build()
        .map_err(|e| BatchError::Pool(e.to_string()))
}

/// What a run found, for the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub totals: Totals,
    pub submissions: usize,
}

impl Outcome {
    /// DESIGN §6: 2 when nothing at all could be read, 1 with an error finding, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.totals.files == self.totals.failed {
            2
        } else if self.totals.error > 0 {
            1
        } else {
            0
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{0}")]
    Input(#[from] submission::InputError),
    #[error("no workbooks")]
    NoWorkbooks,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Summary(#[from] SummaryError),
    #[error("{0}")]
    Pool(String),
}

/// One submission's results, rendered by its task.
struct Done {
    name: String,
    human: String,
    json_files: Vec<String>,
    json_findings: Vec<String>,
    totals: Totals,
    row: SubmissionRow,
    finding_rows: Vec<FindingRow>,
    /// Lines for stderr (annotated copies not written).
    warnings: Vec<String>,
}

/// What every task shares.
struct Ctx<'a> {
    cfg: &'a Config<'a>,
    /// Every input file of the run (never overwritten by an annotated copy), prepared once;
    /// copies are named per folder since the folders are mirrored under OUT.
    inputs: report::annotate::Inputs,
    /// The command line's folders, for mirroring them under `--annotate OUT`.
    roots: Vec<PathBuf>,
    many_roots: bool,
    want_json: bool,
    want_rows: bool,
}

/// Run a batch: plan, lint in parallel, stream the report to `out` in order, write the
/// annotated copies and the summary.
pub fn run(paths: &[PathBuf], cfg: &Config, out: &mut dyn Write) -> Result<Outcome, BatchError> {
    let own_pool;
    let pool = match &cfg.pool {
        Some(p) => p.as_ref(),
        None => {
            own_pool = thread_pool(cfg.jobs)?;
            &own_pool
        }
    };
    let planned = pool.install(|| submission::plan(paths, cfg.group, &cfg.lint.rules))?;
    if planned.is_empty() {
        return Err(BatchError::NoWorkbooks);
    }
    let mut summary = match &cfg.summary {
        Some(p) => Some(SummaryWriter::new(p, cfg.cat)?),
        None => None,
    };
    let ctx = Ctx {
        cfg,
        // Resolving every input's path (for annotated copies' names and the guard against
        // writing over an input) only when copies are written.
        inputs: report::annotate::Inputs::per_folder(&if cfg.annotate.is_some() {
            planned
                .iter()
                .flat_map(|p| p.sub.files.clone())
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        })
        .reading_with(submission::read_options(&cfg.lint.rules, true)),
        roots: paths.iter().filter(|p| p.is_dir()).cloned().collect(),
        many_roots: paths.len() > 1,
        want_json: cfg.format == Format::Json,
        want_rows: summary.as_ref().is_some_and(|s| s.wants_findings()),
    };
    let progress = (cfg.progress && planned.len() > 20).then(|| {
        let pb = indicatif::ProgressBar::with_draw_target(
            Some(planned.len() as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}")
        {
            pb.set_style(style);
        }
        pb
    });
    let mut sink = Sink::new(cfg, out)?;
    let mut outcome = Outcome::default();

    let n = planned.len();
    let told = |done: usize| {
        if let Some(f) = &cfg.on_progress {
            (f.0)(done, n);
        }
    };
    told(0);
    let window = pool.current_num_threads() * 2 + 2;
    let (tx, rx) = mpsc::channel::<(usize, Result<Vec<Done>, String>)>();
    let ctx_ref = &ctx;
    let planned_ref = &planned;
    let streamed: Result<(), BatchError> = pool.in_place_scope(|s| {
        let spawn = |i: usize| {
            let guard = SendOnDrop {
                tx: tx.clone(),
                index: i,
                sent: false,
            };
            s.spawn(move |_| {
                let mut guard = guard;
                // Without its submission the guard reports the piece as failed when dropped.
                if let Some(planned) = planned_ref.get(i) {
                    guard.send(Ok(work(planned, ctx_ref)));
                }
            });
        };
        let mut next_spawn = 0;
        let mut next_emit = 0;
        let mut pending: BTreeMap<usize, Result<Vec<Done>, String>> = BTreeMap::new();
        while next_spawn < n && next_spawn < window {
            spawn(next_spawn);
            next_spawn += 1;
        }
        while next_emit < n {
            let Ok((i, r)) = rx.recv() else { break };
            pending.insert(i, r);
            while let Some(r) = pending.remove(&next_emit) {
                let dones = r.unwrap_or_else(|msg| {
                    planned_ref
                        .get(next_emit)
                        .map(|p| failed(&p.sub, &msg, ctx_ref))
                        .into_iter()
                        .collect()
                });
                for d in dones {
                    emit(
                        d,
                        &mut sink,
                        summary.as_mut(),
                        &mut outcome,
                        cfg,
                        progress.as_ref(),
                    )?;
                }
                next_emit += 1;
                told(next_emit);
                if let Some(pb) = &progress {
                    pb.inc(1);
                }
            }
            while next_spawn < n && next_spawn < next_emit + window {
                spawn(next_spawn);
                next_spawn += 1;
            }
        }
        Ok(())
    });
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    streamed?;
    sink.finish(&outcome.totals, cfg.cat)?;
    if let Some(s) = summary {
        s.finish(cfg.cat)?;
    }
    Ok(outcome)
}

/// Sends a task's result; if the task dies before sending, its drop says so, so that the
/// main thread never waits for a result that will not come.
struct SendOnDrop {
    tx: mpsc::Sender<(usize, Result<Vec<Done>, String>)>,
    index: usize,
    sent: bool,
}

impl SendOnDrop {
    fn send(&mut self, r: Result<Vec<Done>, String>) {
        self.sent = true;
        let _ = self.tx.send((self.index, r));
    }
}

impl Drop for SendOnDrop {
    fn drop(&mut self) {
        if !self.sent {
            let _ = self.tx.send((self.index, Err("panic".into())));
        }
    }
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// One planned submission: read, split by unit when asked, check, annotate, render.
fn work(p: &Planned, ctx: &Ctx) -> Vec<Done> {
    let rules = &ctx.cfg.lint.rules;
    let read = catch_unwind(AssertUnwindSafe(|| {
        let (docs, files, findings) = if ctx.cfg.annotate.is_some() {
            lint::read_docs_for_copies(&p.sub, rules)
        } else {
            lint::read_docs(&p.sub, rules)
        };
        if p.split_by_unit {
            submission::split_by_unit(&p.sub, docs, files, findings, rules)
        } else {
            let unit = submission::unit_of_docs(&docs, rules);
            vec![submission::Piece {
                sub: p.sub.clone(),
                docs,
                files,
                findings,
                unit,
            }]
        }
    }));
    match read {
        Err(payload) => vec![failed(&p.sub, &panic_text(payload), ctx)],
        Ok(pieces) => pieces
            .into_iter()
            .map(|piece| {
                let sub = piece.sub.clone();
                catch_unwind(AssertUnwindSafe(|| check_piece(piece, ctx)))
                    .unwrap_or_else(|payload| failed(&sub, &panic_text(payload), ctx))
            })
            .collect(),
    }
}

fn check_piece(piece: submission::Piece, ctx: &Ctx) -> Done {
    let opts = ctx.cfg.lint;
    // The library's one deliberate panic: a test hook, asked for by the environment.
    #[cfg(debug_assertions)]
    #[allow(clippy::panic)]
    if let Some(name) = std::env::var_os("SAKIP_LINT_PANIC_ON")
        && piece
            .sub
            .files
            .iter()
            .any(|f| f.file_name() == Some(name.as_os_str()))
    {
        // Debug builds only: lets the tests check that a panic stays in its submission.
        panic!("SAKIP_LINT_PANIC_ON: {}", name.to_string_lossy());
    }
    let submission::Piece {
        sub,
        docs,
        files,
        findings,
        unit,
    } = piece;
    let report = lint::check_docs(&sub, &docs, files, findings, opts);
    let unit = unit.map(|u| u.name);
    let annotated = annotate(&docs, &report, ctx);
    drop(docs);
    render(&sub, report, unit, annotated, ctx)
}

/// A submission whose task panicked: every file failed, with the panic's message.
fn failed(sub: &Submission, msg: &str, ctx: &Ctx) -> Done {
    let report = SubmissionReport {
        name: sub.name.clone(),
        files: sub
            .files
            .iter()
            .map(|f| FileReport {
                path: f.display().to_string(),
                status: FileStatus::Error {
                    message: Message::new("batch.panic").text("detail", msg),
                },
            })
            .collect(),
        findings: Vec::new(),
    };
    render(sub, report, None, Vec::new(), ctx)
}

/// Annotated copies of a submission's workbooks: per file, the copy written or the error.
fn annotate(
    docs: &[Doc],
    report: &SubmissionReport,
    ctx: &Ctx,
) -> Vec<(String, Result<PathBuf, String>)> {
    let Some(out) = &ctx.cfg.annotate else {
        return Vec::new();
    };
    docs.iter()
        // A PDF gets no copy: its findings are in the report only.
        .filter(|doc| {
            !Path::new(&doc.file)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        })
        .map(|doc| {
            let dir = annotate_dir(out, &ctx.roots, ctx.many_roots, Path::new(&doc.file));
            let written = std::fs::create_dir_all(&dir)
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    catch_unwind(AssertUnwindSafe(|| {
                        report::annotate::write_annotated_for(
                            doc,
                            &report.findings,
                            &dir,
                            ctx.cfg.cat,
                            &ctx.inputs,
                        )
                        .map_err(|e| e.to_string())
                    }))
                    .unwrap_or_else(|p| Err(panic_text(p)))
                });
            (doc.file.clone(), written)
        })
        .collect()
}

/// Where a workbook's annotated copy goes: its folder's place under the command-line
/// folder it was found in, mirrored under OUT (prefixed by that folder's name when the
/// command line names several paths); a workbook named directly goes to OUT itself.
pub fn annotate_dir(out: &Path, roots: &[PathBuf], many_roots: bool, file: &Path) -> PathBuf {
    let root = roots
        .iter()
        .filter(|r| file.starts_with(r))
        .max_by_key(|r| r.components().count());
    match root {
        None => out.to_path_buf(),
        Some(r) => {
            let rel = file
                .parent()
                .and_then(|p| p.strip_prefix(r).ok())
                .unwrap_or(Path::new(""));
            let base = match (many_roots, r.file_name()) {
                (true, Some(n)) => out.join(n),
                _ => out.to_path_buf(),
            };
            base.join(rel)
        }
    }
}

/// Where a submission came from: its workbook, or the folder holding all its workbooks.
fn location(sub: &Submission) -> PathBuf {
    match sub.files.as_slice() {
        [one] => one.clone(),
        files => {
            let mut common: Option<PathBuf> = None;
            for f in files {
                let parent = f.parent().unwrap_or(Path::new("")).to_path_buf();
                common = Some(match common {
                    None => parent,
                    Some(c) => c
                        .components()
                        .zip(parent.components())
                        .take_while(|(a, b)| a == b)
                        .map(|(a, _)| a)
                        .collect(),
                });
            }
            common.unwrap_or_default()
        }
    }
}

/// Render a checked submission for the chosen outputs; the findings are not kept.
fn render(
    sub: &Submission,
    report: SubmissionReport,
    unit: Option<String>,
    annotated: Vec<(String, Result<PathBuf, String>)>,
    ctx: &Ctx,
) -> Done {
    let cat = ctx.cfg.cat;
    let reports = std::slice::from_ref(&report);
    let totals = report::totals(reports);
    let human = match ctx.cfg.format {
        Format::Human { color } => {
            without_totals_line(report::human::render(reports, cat, color), &totals, cat)
        }
        Format::Json => String::new(),
    };
    let (mut json_files, mut json_findings) = (Vec::new(), Vec::new());
    let mut finding_rows = Vec::new();
    if ctx.want_json || ctx.want_rows {
        let links: HashMap<&str, &PathBuf> = annotated
            .iter()
            .filter_map(|(f, r)| r.as_ref().ok().map(|p| (f.as_str(), p)))
            .collect();
        for f in &report.findings {
            let message = report::json::message_text(f, cat);
            if ctx.want_json {
                json_findings.push(report::json::finding_text(f, &message, cat, JSON_PAD));
            }
            if ctx.want_rows {
                let link =
                    match (links.get(f.at.file.as_str()), &ctx.cfg.summary) {
                        (Some(p), Some(summary_path)) if f.at.text.is_none() => Some(
                            summary::link(summary_path, p, &f.at.sheet, &f.at.cell.to_string()),
                        ),
                        _ => None,
                    };
                finding_rows.push(FindingRow::new(f, message, link, cat));
            }
        }
        if ctx.want_json {
            json_files = report
                .files
                .iter()
                .map(|f| report::json::file_text(f, &sub.name, cat, JSON_PAD))
                .collect();
        }
    }
    let worst = report
        .findings
        .iter()
        .fold(
            None,
            |best: Option<&crate::finding::Finding>, f| match best {
                Some(b) if b.severity >= f.severity => Some(b),
                _ => Some(f),
            },
        )
        .map(|f| {
            format!(
                "{} {}: {}",
                f.code,
                report::context::at_text(&f.at, cat),
                cat.render(&f.message)
            )
        });
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    for (file, r) in &annotated {
        if let Err(e) = r {
            let line = cat
                .template("batch.annotate_failed")
                .replace("{file}", file)
                .replace("{detail}", e);
            notes.push(line.clone());
            warnings.push(line);
        }
    }
    let loc = location(sub);
    let fallback = loc
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| loc.display().to_string());
    let row = SubmissionRow {
        unit: unit.unwrap_or(fallback),
        location: loc.display().to_string(),
        files: totals.files,
        failed: totals.failed,
        error: totals.error,
        warning: totals.warning,
        info: totals.info,
        worst,
        notes,
    };
    Done {
        name: sub.name.clone(),
        human,
        json_files,
        json_findings,
        totals,
        row,
        finding_rows,
        warnings,
    }
}

/// The totals line `human::render` ends with, for one submission.
fn totals_line(t: &Totals, cat: &Catalog) -> String {
    cat.template("summary.line")
        .replace("{files}", &t.files.to_string())
        .replace("{failed}", &t.failed.to_string())
        .replace("{error}", &t.error.to_string())
        .replace("{warning}", &t.warning.to_string())
        .replace("{info}", &t.info.to_string())
}

/// One submission's human report without the totals line (the batch writes one at the
/// end).
fn without_totals_line(text: String, t: &Totals, cat: &Catalog) -> String {
    let tail = format!("\n{}\n", totals_line(t, cat));
    if let Some(body) = text.strip_suffix(&tail) {
        return body.to_string();
    }
    // Whatever the last line is, it is the totals line.
    let trimmed = text.trim_end_matches('\n');
    match trimmed.rfind('\n') {
        Some(i) => trimmed[..i].trim_end_matches('\n').to_string(),
        None => String::new(),
    }
}

fn emit(
    d: Done,
    sink: &mut Sink,
    summary: Option<&mut SummaryWriter>,
    outcome: &mut Outcome,
    cfg: &Config,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<(), BatchError> {
    for w in &d.warnings {
        match progress {
            Some(pb) => pb.suspend(|| eprintln!("sakip-lint: {w}")),
            None => eprintln!("sakip-lint: {w}"),
        }
    }
    if let Some(pb) = progress {
        pb.set_message(d.name.clone());
    }
    sink.write(&d)?;
    let t = &mut outcome.totals;
    t.files += d.totals.files;
    t.failed += d.totals.failed;
    t.error += d.totals.error;
    t.warning += d.totals.warning;
    t.info += d.totals.info;
    outcome.submissions += 1;
    if let Some(s) = summary {
        s.add(d.row, &d.finding_rows, cfg.cat)?;
    }
    Ok(())
}

/// The report on stdout (or `--output`), written as results come.
enum Sink<'o> {
    Human {
        out: &'o mut dyn Write,
    },
    Json {
        out: &'o mut dyn Write,
        files: usize,
        findings: usize,
        spill: Spill,
    },
}

impl<'o> Sink<'o> {
    fn new(cfg: &Config, out: &'o mut dyn Write) -> Result<Sink<'o>, BatchError> {
        Ok(match cfg.format {
            Format::Human { .. } => Sink::Human { out },
            Format::Json => {
                out.write_all(b"{\n  \"schema\": \"sakip-lint/1\",\n  \"files\": [")?;
                Sink::Json {
                    out,
                    files: 0,
                    findings: 0,
                    spill: Spill::new(SPILL_BYTES),
                }
            }
        })
    }

    fn write(&mut self, d: &Done) -> Result<(), BatchError> {
        match self {
            Sink::Human { out } => out.write_all(d.human.as_bytes())?,
            Sink::Json {
                out,
                files,
                findings,
                spill,
            } => {
                for f in &d.json_files {
                    let sep = if *files == 0 { "\n" } else { ",\n" };
                    out.write_all(sep.as_bytes())?;
                    out.write_all(f.as_bytes())?;
                    *files += 1;
                }
                for f in &d.json_findings {
                    let sep = if *findings == 0 { "\n" } else { ",\n" };
                    spill.write_all(sep.as_bytes())?;
                    spill.write_all(f.as_bytes())?;
                    *findings += 1;
                }
            }
        }
        Ok(())
    }

    fn finish(self, t: &Totals, cat: &Catalog) -> Result<(), BatchError> {
        match self {
            Sink::Human { out } => {
                writeln!(out, "\n{}", totals_line(t, cat))?;
                out.flush()?;
            }
            Sink::Json {
                out,
                files,
                findings,
                spill,
            } => {
                out.write_all(if files == 0 { b"]" } else { b"\n  ]" })?;
                out.write_all(b",\n  \"findings\": [")?;
                spill.copy_to(out)?;
                out.write_all(if findings == 0 { b"]" } else { b"\n  ]" })?;
                let text = report::json::totals_text(t, "  ");
                write!(out, ",\n  \"summary\": {text}\n}}\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// The depth of the entries of `files` and `findings` in the JSON report.
const JSON_PAD: &str = "    ";

/// Findings kept in memory up to this size, then in a temporary file.
const SPILL_BYTES: usize = 1 << 20;

/// A byte buffer that moves to an (unlinked where possible) temporary file once it grows
/// past `limit`: the JSON findings, written after the files.
pub struct Spill {
    mem: Vec<u8>,
    file: Option<(std::io::BufWriter<std::fs::File>, Option<PathBuf>)>,
    limit: usize,
}

impl Spill {
    pub fn new(limit: usize) -> Spill {
        Spill {
            mem: Vec::new(),
            file: None,
            limit,
        }
    }

    /// Whether the buffer has moved to a file.
    pub fn spilled(&self) -> bool {
        self.file.is_some()
    }

    fn open_temp() -> std::io::Result<(std::fs::File, Option<PathBuf>)> {
        let dir = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for k in 0..100u32 {
            let p = dir.join(format!(
                "sakip-lint-{}-{nanos}-{k}.json",
                std::process::id()
            ));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&p)
            {
                Ok(f) => {
                    // Unlinked at once where the system allows (Unix): nothing is left
                    // behind, whatever happens to the process.
                    let keep = std::fs::remove_file(&p).is_err().then_some(p);
                    return Ok((f, keep));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("no temporary file"))
    }

    /// Write the buffer's content to `out`, and free it.
    pub fn copy_to(mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self.file.take() {
            None => out.write_all(&self.mem),
            Some((w, keep)) => {
                let mut f = w.into_inner().map_err(|e| e.into_error())?;
                f.seek(std::io::SeekFrom::Start(0))?;
                let copied = std::io::copy(&mut f, out).map(|_| ());
                drop(f);
                if let Some(p) = keep {
                    let _ = std::fs::remove_file(p);
                }
                copied
            }
        }
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() && self.mem.len() + buf.len() > self.limit {
            let (f, keep) = Spill::open_temp()?;
            let mut w = std::io::BufWriter::new(f);
            w.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some((w, keep));
        }
        match &mut self.file {
            Some((w, _)) => w.write(buf),
            None => {
                self.mem.extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some((w, _)) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some((_, Some(p))) = &self.file {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spill_keeps_small_output_in_memory_and_moves_large_output_to_a_file() {
        let mut s = Spill::new(16);
        s.write_all(b"0123456789").unwrap();
        assert!(!s.spilled());
        s.write_all(b"abcdefghij").unwrap();
        assert!(s.spilled());
        s.write_all(b"KLM").unwrap();
        let mut out = Vec::new();
        s.copy_to(&mut out).unwrap();
        assert_eq!(out, b"0123456789abcdefghijKLM");
    }

    #[test]
    fn annotated_copies_mirror_the_folders() {
        let roots = vec![PathBuf::from("batch")];
        let out = Path::new("ann");
        assert_eq!(
            annotate_dir(out, &roots, false, Path::new("batch/kec-a/lra.xlsx")),
            PathBuf::from("ann/kec-a")
        );
        assert_eq!(
            annotate_dir(out, &roots, true, Path::new("batch/a/b/x.xlsx")),
            PathBuf::from("ann/batch/a/b")
        );
        assert_eq!(
            annotate_dir(out, &roots, false, Path::new("elsewhere/x.xlsx")),
            PathBuf::from("ann")
        );
    }

    #[test]
    fn human_totals_line_is_cut_once() {
        let rules = crate::rules::Rules::embedded().unwrap();
        let cat = Catalog::new(&rules, crate::catalog::Lang::Id);
        let t = Totals {
            files: 1,
            ..Totals::default()
        };
        let text = format!("body\n\n{}\n", totals_line(&t, &cat));
        assert_eq!(without_totals_line(text, &t, &cat), "body\n");
    }
}
