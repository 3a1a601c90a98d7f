//! `--annotate OUT`: an annotated copy of each workbook of a submission.
//!
//! For an input workbook a new `.xlsx` is written under OUT (`OUT/lra.xlsx` for `lra.xls`;
//! inputs of one run that share a name are told apart by their folders, see
//! [`output_file_name`]). The copy holds:
//!
//! * a first sheet "Temuan" (or "Temuan (sakip-lint)" when the workbook has a "Temuan"
//!   already) listing the findings of that file: no, severity, code, sheet, cell (a link to
//!   the cell), message, expected, found, related cells; frozen header row and an autofilter;
//! * every sheet of the input, in order, hidden ones hidden: every value (numbers as
//!   numbers, text as text, booleans, error values), formulas with their cached results,
//!   merged ranges, column widths and row heights where the reader knows them, and the cell
//!   styles of `.xlsx` inputs (number format, font, fill, borders, alignment; for `.xls`
//!   the number formats) — see [`crate::read::read_styles`];
//! * each finding's cell filled by severity (error red, warning orange, info blue) with a
//!   note: the message, expected and found values, the related cells; cells named in
//!   `related` filled in a lighter shade of the same colour, with a short note.
//!
//! The input is never written: the copy goes to a temporary file in OUT and is renamed into
//! place, and an OUT path that is (or resolves to) an input file is refused.
//!
//! What is not kept: dates stay the ISO text the reader gives (`2024-12-31`), charts,
//! images, conditional formats, data validation, print settings, frozen panes and
//! comments of the input; a sheet the reader refused (too large) is an empty placeholder
//! carrying a note.

use crate::catalog::Catalog;
use crate::doc::Doc;
use crate::finding::{Finding, Message, Severity};
use crate::grid::{Grid, Pos, Value};
use crate::read::{self, CellStyle, FillPattern, HAlign, LineStyle, ReadOptions, StyleMap, VAlign};
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatDiagonalBorder, FormatPattern, FormatUnderline,
    Formula, Note, Url, Workbook, Worksheet,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The name of the findings sheet.
pub const FINDINGS_SHEET: &str = "Temuan";
/// Its name when the workbook already has a sheet called "Temuan".
pub const FINDINGS_SHEET_ALT: &str = "Temuan (sakip-lint)";

/// The fill of a finding's cell (`related == false`) or of a related cell, `0xRRGGBB`.
pub fn mark_colour(severity: Severity, related: bool) -> u32 {
    match (severity, related) {
        (Severity::Error, false) => 0xFF9C9C,
        (Severity::Error, true) => 0xFFE3E3,
        (Severity::Warning, false) => 0xFFC478,
        (Severity::Warning, true) => 0xFFEDD5,
        (Severity::Info, false) => 0x9CC9F2,
        (Severity::Info, true) => 0xDDECFA,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// The annotated copy would be written over (or through a link onto) an input file.
    #[error("refusing to write {}: it is the input file {}", output.display(), input.display())]
    WouldOverwrite { output: PathBuf, input: PathBuf },
    /// OUT could not be created or the copy could not be written or renamed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// rust_xlsxwriter refused the workbook.
    #[error("cannot build {}: {detail}", path.display())]
    Xlsx { path: PathBuf, detail: String },
}

impl AnnotateError {
    /// Stable id of the message for this error (for the message catalogue).
    pub fn message_id(&self) -> &'static str {
        match self {
            AnnotateError::WouldOverwrite { .. } => "annotate.would-overwrite",
            AnnotateError::Io { .. } => "annotate.io",
            AnnotateError::Xlsx { .. } => "annotate.xlsx",
        }
    }

    /// The error as a catalogue message (`cat.render(&e.message())`).
    pub fn message(&self) -> Message {
        let m = Message::new(self.message_id());
        match self {
            AnnotateError::WouldOverwrite { output, input } => m
                .text("output", output.display().to_string())
                .text("input", input.display().to_string()),
            AnnotateError::Io { path, source } => m
                .text("path", path.display().to_string())
                .text("detail", source.to_string()),
            AnnotateError::Xlsx { path, detail } => m
                .text("path", path.display().to_string())
                .text("detail", detail.clone()),
        }
    }
}

/// Write an annotated copy of `doc` (read from `doc.file`) into `out_dir`, marking the
/// findings that concern it; `inputs` are every input file of the run, never overwritten.
/// Returns the path written.
///
/// For many calls over one run, [`Inputs::new`] once and [`write_annotated_for`] are
/// cheaper (the inputs are resolved once, not per call).
pub fn write_annotated(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &[PathBuf],
) -> Result<PathBuf, AnnotateError> {
    // Successive calls of one run pass the same inputs: prepare them once.
    static LAST: std::sync::Mutex<Option<(Vec<PathBuf>, std::sync::Arc<Inputs>)>> =
        std::sync::Mutex::new(None);
    let cached = LAST.lock().ok().and_then(|last| {
        last.as_ref()
            .filter(|(p, _)| p == inputs)
            .map(|(_, i)| i.clone())
    });
    let prepared = cached.unwrap_or_else(|| {
        let prepared = std::sync::Arc::new(Inputs::new(inputs));
        if let Ok(mut last) = LAST.lock() {
            *last = Some((inputs.to_vec(), prepared.clone()));
        }
        prepared
    });
    write_annotated_for(doc, findings, out_dir, cat, &prepared)
}

/// [`write_annotated`] with the run's inputs prepared once.
pub fn write_annotated_for(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &Inputs,
) -> Result<PathBuf, AnnotateError> {
    let source = Path::new(&doc.file);
    let name = inputs.output_name(source);
    let output = out_dir.join(&name);
    inputs.check_not_input(&output, source)?;
    std::fs::create_dir_all(out_dir).map_err(|e| io_err(out_dir, e))?;
    // Once OUT exists, check again through its resolved path (symlinks, `..`).
    inputs.check_not_input(&output, source)?;

    // Styles are a nicety: a file whose styles cannot be read is copied without them.
    let styles = read::read_styles(source, &ReadOptions::default()).unwrap_or_default();
    let from_excel = matches!(
        source
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("xlsx" | "xlsm")
    );
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| AnnotateError::Xlsx {
        path: output.clone(),
        detail: e.to_string(),
    };
    let mut wb = build(doc, findings, cat, &styles, from_excel).map_err(xlsx_err)?;
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;

    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = out_dir.join(format!(
        ".{name}.{}-{}.sakip-lint.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(&tmp, e));
    }
    // The last check, just before the rename.
    if let Err(e) = inputs.check_not_input(&output, source) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&tmp, &output) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(&output, e));
    }
    Ok(output)
}

fn io_err(path: &Path, source: std::io::Error) -> AnnotateError {
    AnnotateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

// ---------------------------------------------------------------------------------------
// Output names and the never-over-an-input rule
// ---------------------------------------------------------------------------------------

/// The input files of a run, prepared for annotated copies: the name of each copy, and
/// what each input resolves to (so that no copy is written over one).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Every input: as given, made absolute lexically, resolved (symlinks), its identity.
    files: Vec<InputFile>,
    names: HashMap<PathBuf, String>,
    per_folder: bool,
}

#[derive(Debug, Clone)]
struct InputFile {
    given: PathBuf,
    lexical: PathBuf,
    canonical: Option<PathBuf>,
    id: Option<(u64, u64)>,
}

#[cfg(unix)]
fn file_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

impl Inputs {
    /// Inputs whose copies all go into one folder: copies of inputs that share a name are
    /// told apart (see [`output_file_name`]).
    pub fn new(inputs: &[PathBuf]) -> Inputs {
        Inputs::prepare(inputs, false)
    }

    /// Inputs whose copies go into one folder per input folder (a caller mirroring the
    /// input folders under OUT): names are told apart only among inputs of the same folder.
    pub fn per_folder(inputs: &[PathBuf]) -> Inputs {
        Inputs::prepare(inputs, true)
    }

    fn prepare(inputs: &[PathBuf], per_folder: bool) -> Inputs {
        let cwd = std::env::current_dir().unwrap_or_default();
        let files = inputs
            .iter()
            .map(|p| InputFile {
                given: p.clone(),
                lexical: lexical_absolute(&cwd, p),
                canonical: std::fs::canonicalize(p).ok(),
                id: file_id(p),
            })
            .collect();
        Inputs {
            files,
            names: names_of(inputs, per_folder),
            per_folder,
        }
    }

    /// The file name (in OUT) of the copy of `file`.
    pub fn output_name(&self, file: &Path) -> String {
        match self.names.get(file) {
            Some(n) => format!("{n}.xlsx"),
            None => {
                // Not among the inputs: name it as if it were.
                let mut all: Vec<PathBuf> = self.files.iter().map(|f| f.given.clone()).collect();
                all.push(file.to_path_buf());
                let names = names_of(&all, self.per_folder);
                format!(
                    "{}.xlsx",
                    names.get(file).cloned().unwrap_or_else(|| stem(file))
                )
            }
        }
    }

    /// Refuse an output path that is an input file (`source` included): the same path, the
    /// same path once resolved (symlinks, `..`), or (Unix) the same file under another
    /// name (a hard link).
    pub fn check_not_input(&self, output: &Path, source: &Path) -> Result<(), AnnotateError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let out_lexical = lexical_absolute(&cwd, output);
        // Where the output would be once its folder is resolved, and what is there now.
        let out_resolved = std::fs::canonicalize(output).ok().or_else(|| {
            let dir = output.parent().filter(|d| !d.as_os_str().is_empty())?;
            Some(std::fs::canonicalize(dir).ok()?.join(output.file_name()?))
        });
        let out_id = file_id(output);
        let source_file = InputFile {
            given: source.to_path_buf(),
            lexical: lexical_absolute(&cwd, source),
            canonical: std::fs::canonicalize(source).ok(),
            id: file_id(source),
        };
        for f in self.files.iter().chain(std::iter::once(&source_file)) {
            let hit = f.lexical == out_lexical
                || (f.canonical.is_some() && f.canonical == out_resolved)
                || (out_id.is_some() && f.id == out_id);
            if hit {
                return Err(AnnotateError::WouldOverwrite {
                    output: output.to_path_buf(),
                    input: f.given.clone(),
                });
            }
        }
        Ok(())
    }
}

/// The file name (in OUT) of the annotated copy of `file`, given every input of the run:
/// the input's name with `.xlsx` (`lra.xls` → `lra.xlsx`). Inputs sharing a name (case
/// insensitive, extension aside) are told apart by their parent folders, as few as needed
/// (`kec-a-lra.xlsx`, `kec-b-lra.xlsx`), then by their extension (`lra-xls.xlsx`), then
/// by a number in the order of their paths. Depends only on `file` and the set of
/// `inputs`, so every call of a run agrees.
pub fn output_file_name(file: &Path, inputs: &[PathBuf]) -> String {
    let mut all: Vec<PathBuf> = inputs.to_vec();
    all.push(file.to_path_buf());
    let names = names_of(&all, false);
    format!(
        "{}.xlsx",
        names.get(file).cloned().unwrap_or_else(|| stem(file))
    )
}

/// Names (without `.xlsx`) of every distinct input, told apart among all inputs or only
/// among those of the same folder.
fn names_of(inputs: &[PathBuf], per_folder: bool) -> HashMap<PathBuf, String> {
    let mut all: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    all.sort();
    all.dedup();
    let mut out = HashMap::new();
    if per_folder {
        let mut folders: BTreeMap<&Path, Vec<&Path>> = BTreeMap::new();
        for p in all {
            folders
                .entry(p.parent().unwrap_or(Path::new("")))
                .or_default()
                .push(p);
        }
        for group in folders.values() {
            for (p, n) in group.iter().zip(disambiguate(group)) {
                out.insert(p.to_path_buf(), n);
            }
        }
    } else {
        for (p, n) in all.iter().zip(disambiguate(&all)) {
            out.insert(p.to_path_buf(), n);
        }
    }
    out
}

fn stem(p: &Path) -> String {
    let s = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    sanitize_file_part(&s)
}

fn sanitize_file_part(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let out = out
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if out.is_empty() {
        "workbook".into()
    } else {
        out
    }
}

/// Names (without `.xlsx`) for sorted, distinct paths.
fn disambiguate(all: &[&Path]) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in all.iter().enumerate() {
        groups.entry(stem(p).to_lowercase()).or_default().push(i);
    }
    let mut names: Vec<String> = all.iter().map(|p| stem(p)).collect();
    let mut plain: HashSet<String> = HashSet::new();
    let mut crowded: Vec<usize> = Vec::new();
    for members in groups.values() {
        if let [only] = members.as_slice() {
            if let Some(name) = names.get(*only) {
                plain.insert(name.to_lowercase());
            }
        } else {
            crowded.extend(members.iter().copied());
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let parents: Vec<Vec<String>> = members
            .iter()
            .map(|&i| {
                all.get(i)
                    .and_then(|p| p.parent())
                    .map(|d| {
                        d.components()
                            .filter_map(|c| match c {
                                std::path::Component::Normal(s) => {
                                    Some(sanitize_file_part(&s.to_string_lossy()))
                                }
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        // As few parent folders as tell apart the members in different folders.
        let depth = parents.iter().map(Vec::len).max().unwrap_or(0);
        let folders = parents.iter().collect::<HashSet<_>>().len();
        let stems: Vec<&str> = members
            .iter()
            .map(|&i| names.get(i).map_or("", String::as_str))
            .collect();
        // Every member's name with its last `k` parent folders in front.
        let labels_at = |k: usize| -> Vec<String> {
            parents
                .iter()
                .zip(&stems)
                .map(|(ps, stem)| {
                    let from = ps.len().saturating_sub(k);
                    let mut parts: Vec<&str> = ps.iter().skip(from).map(String::as_str).collect();
                    parts.push(stem);
                    parts.join("-")
                })
                .collect()
        };
        let mut chosen: Vec<String> = labels_at(depth);
        for k in 0..=depth {
            let labels: Vec<String> = labels_at(k);
            let distinct: HashSet<String> = labels.iter().map(|l| l.to_lowercase()).collect();
            if distinct.len() == folders {
                chosen = labels;
                break;
            }
        }
        // Still equal (same folders): add the extension.
        let counts = count_lower(&chosen);
        for (c, &i) in chosen.iter_mut().zip(members) {
            if counts.get(&c.to_lowercase()).is_some_and(|&n| n > 1) {
                let ext = all
                    .get(i)
                    .and_then(|p| p.extension())
                    .map(|e| sanitize_file_part(&e.to_string_lossy()).to_lowercase())
                    .unwrap_or_default();
                if !ext.is_empty() {
                    c.push('-');
                    c.push_str(&ext);
                }
            }
        }
        for (c, &i) in chosen.into_iter().zip(members) {
            if let Some(name) = names.get_mut(i) {
                *name = c;
            }
        }
    }
    // Last resort, in path order: a number for a name already taken.
    let mut taken: HashSet<String> = plain;
    for &i in crowded.iter().collect::<std::collections::BTreeSet<_>>() {
        let Some(name) = names.get_mut(i) else {
            continue;
        };
        let base = name.clone();
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.to_lowercase()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        *name = candidate;
    }
    names
}

fn count_lower(v: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for s in v {
        *m.entry(s.to_lowercase()).or_insert(0) += 1;
    }
    m
}

/// A path made absolute and `.`/`..`-free without touching the file system.
fn lexical_absolute(cwd: &Path, p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Building the workbook
// ---------------------------------------------------------------------------------------

/// What a cell of the copy carries besides its content.
#[derive(Default)]
struct Mark {
    /// The most serious finding at this cell.
    finding: Option<Severity>,
    /// The most serious finding naming this cell as related.
    related: Option<Severity>,
    notes: Vec<String>,
}

impl Mark {
    fn colour(&self) -> Option<u32> {
        match (self.finding, self.related) {
            (Some(s), _) => Some(mark_colour(s, false)),
            (None, Some(s)) => Some(mark_colour(s, true)),
            _ => None,
        }
    }
}

fn sheet_link(sheet: &str, cell: Pos) -> String {
    format!("internal:'{}'!{cell}", sheet.replace('\'', "''"))
}

fn severity_word(cat: &Catalog, s: Severity) -> String {
    cat.template(match s {
        Severity::Error => "annotate.severity.error",
        Severity::Warning => "annotate.severity.warning",
        Severity::Info => "annotate.severity.info",
    })
}

/// The message as the JSON report shows it: table caption, message, help, assumptions.
fn full_message(cat: &Catalog, f: &Finding) -> String {
    crate::report::json::message_text(f, cat)
}

/// Where a related cell is, as seen from the finding's sheet and file.
fn place(doc: &Doc, f: &Finding, at: &crate::finding::Location) -> String {
    if at.file != doc.file {
        // The other workbook by its file name: the folder is the submission's.
        let file = Path::new(&at.file)
            .file_name()
            .map_or_else(|| at.file.clone(), |n| n.to_string_lossy().into_owned());
        format!("{file} › {}!{}", at.sheet, at.cell)
    } else if at.sheet != f.at.sheet {
        format!("{}!{}", at.sheet, at.cell)
    } else {
        at.cell.to_string()
    }
}

fn related_lines(cat: &Catalog, doc: &Doc, f: &Finding) -> Vec<String> {
    f.related
        .iter()
        .map(|r| format!("{} — {}", place(doc, f, &r.at), cat.render(&r.note)))
        .collect()
}

fn note_text(cat: &Catalog, doc: &Doc, no: usize, f: &Finding) -> String {
    let mut lines = vec![
        cat.render(
            &Message::new("annotate.note.heading")
                .text("no", no.to_string())
                .text("code", f.code)
                .text("severity", severity_word(cat, f.severity)),
        ),
        full_message(cat, f),
    ];
    if let Some(e) = &f.expected {
        lines
            .push(cat.render(&Message::new("annotate.note.expected").text("expected", cat.arg(e))));
    }
    if let Some(a) = &f.actual {
        lines.push(cat.render(&Message::new("annotate.note.actual").text("actual", cat.arg(a))));
    }
    let related = related_lines(cat, doc, f);
    if !related.is_empty() {
        lines.push(cat.template("annotate.note.related"));
        lines.extend(related.into_iter().map(|l| format!("• {l}")));
    }
    lines.join("\n")
}

/// Excel's limit for a cell's text and a note's (less room for the author prefix).
const MAX_TEXT: usize = 32_767;
const MAX_NOTE: usize = 32_767 - 54;

fn clip(s: &str, max_utf16: usize) -> String {
    let mut n = 0;
    let mut out = String::new();
    for c in s.chars() {
        n += c.len_utf16();
        if n > max_utf16.saturating_sub(1) {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// Sheet names Excel accepts, distinct (case-insensitive), the findings sheet's first.
fn sheet_names(original: &[String]) -> (String, Vec<String>) {
    let findings = if original
        .iter()
        .any(|n| n.to_lowercase() == FINDINGS_SHEET.to_lowercase())
    {
        FINDINGS_SHEET_ALT
    } else {
        FINDINGS_SHEET
    };
    let mut taken: HashSet<String> = HashSet::new();
    taken.insert(findings.to_lowercase());
    let mut out = Vec::new();
    for name in original {
        let mut base: String = name
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        base = base.trim_matches('\'').to_string();
        if base.trim().is_empty() || base.eq_ignore_ascii_case("history") {
            base = format!("Sheet{}", out.len() + 1);
        }
        let fit = |s: &str, room: usize| s.chars().take(room).collect::<String>();
        let mut candidate = fit(&base, 31);
        let mut n = 2;
        while !taken.insert(candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            candidate = format!("{}{suffix}", fit(&base, 31 - suffix.chars().count()));
            n += 1;
        }
        out.push(candidate);
    }
    (findings.to_string(), out)
}

/// The sheets of the copy after the findings sheet: the grids read, and placeholders for
/// the sheets the reader left out, in workbook order where the order is known.
enum Part<'a> {
    Grid(&'a Grid),
    Placeholder { name: String, hidden: bool },
}

impl Part<'_> {
    fn name(&self) -> &str {
        match self {
            Part::Grid(g) => &g.name,
            Part::Placeholder { name, .. } => name,
        }
    }
}

fn parts<'a>(doc: &'a Doc, findings: &[&Finding], styles: &StyleMap) -> Vec<Part<'a>> {
    let read: HashSet<&str> = doc.sheets.iter().map(|g| g.name.as_str()).collect();
    let mut out: Vec<Part> = Vec::new();
    let mut grids = doc.sheets.iter();
    if !styles.sheets.is_empty() {
        for s in &styles.sheets {
            if read.contains(s.name.as_str()) {
                // Grids in their own order up to this one.
                for g in grids.by_ref() {
                    let done = g.name == s.name;
                    out.push(Part::Grid(g));
                    if done {
                        break;
                    }
                }
            } else {
                out.push(Part::Placeholder {
                    name: s.name.clone(),
                    hidden: s.hidden,
                });
            }
        }
    }
    out.extend(grids.map(Part::Grid));
    // Sheets named by findings that are nowhere else (formats without a sheet list).
    for f in findings {
        if !f.at.sheet.is_empty() && !out.iter().any(|p| p.name() == f.at.sheet) {
            out.push(Part::Placeholder {
                name: f.at.sheet.clone(),
                hidden: false,
            });
        }
    }
    out
}

fn build(
    doc: &Doc,
    findings: &[Finding],
    cat: &Catalog,
    styles: &StyleMap,
    from_excel: bool,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.at.file == doc.file).collect();
    let parts = parts(doc, &mine, styles);
    let original: Vec<String> = parts.iter().map(|p| p.name().to_string()).collect();
    let (findings_name, written) = sheet_names(&original);
    let written_of: HashMap<&str, &str> = original
        .iter()
        .map(String::as_str)
        .zip(written.iter().map(String::as_str))
        .collect();

    // Marks and notes per sheet and cell.
    let mut marks: HashMap<&str, BTreeMap<Pos, Mark>> = HashMap::new();
    for (i, f) in mine.iter().enumerate() {
        let no = i + 1;
        let m = marks
            .entry(f.at.sheet.as_str())
            .or_default()
            .entry(f.at.cell)
            .or_default();
        m.finding = m.finding.max(Some(f.severity));
        m.notes.push(note_text(cat, doc, no, f));
        for r in &f.related {
            if r.at.file != doc.file || (r.at.sheet == f.at.sheet && r.at.cell == f.at.cell) {
                continue;
            }
            let m = marks
                .entry(r.at.sheet.as_str())
                .or_default()
                .entry(r.at.cell)
                .or_default();
            m.related = m.related.max(Some(f.severity));
            m.notes.push(
                cat.render(
                    &Message::new("annotate.note.related_to")
                        .text("no", no.to_string())
                        .text("code", f.code)
                        .text("cell", place(doc, f, &f.at))
                        .text("note", cat.render(&r.note)),
                ),
            );
        }
    }

    let mut wb = Workbook::new();
    let mut ws = findings_sheet(doc, &mine, cat, &findings_name, &written_of)?;
    ws.set_active(true);
    wb.push_worksheet(ws);
    let empty = BTreeMap::new();
    for (part, name) in parts.iter().zip(&written) {
        let sheet_marks = marks.get(part.name()).unwrap_or(&empty);
        let ws = match part {
            Part::Grid(g) => grid_sheet(g, name, styles, sheet_marks, from_excel)?,
            Part::Placeholder { hidden, .. } => {
                let mut ws = Worksheet::new();
                ws.set_name(name)?;
                ws.write_string(0, 0, cat.template("annotate.not_read"))?;
                ws.set_column_width(0, 80)?;
                write_marks(&mut ws, sheet_marks, &HashMap::new())?;
                if *hidden {
                    ws.set_hidden(true);
                }
                ws
            }
        };
        wb.push_worksheet(ws);
    }
    Ok(wb)
}

fn findings_sheet(
    doc: &Doc,
    mine: &[&Finding],
    cat: &Catalog,
    name: &str,
    written_of: &HashMap<&str, &str>,
) -> Result<Worksheet, rust_xlsxwriter::XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let border = |f: Format| {
        f.set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
    };
    let header = border(
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_pattern(FormatPattern::Solid)
            .set_background_color(Color::RGB(0xD9D9D9)),
    );
    let body = border(Format::new().set_align(FormatAlign::Top));
    let wrap = body.clone().set_text_wrap();
    let link = body
        .clone()
        .set_font_color(Color::RGB(0x0563C1))
        .set_underline(FormatUnderline::Single);
    const MESSAGE_WIDTH: f64 = 70.0;
    const RELATED_WIDTH: f64 = 42.0;
    const FIGURE_WIDTH: f64 = 15.0;
    let columns: [(&str, f64); 9] = [
        ("annotate.col.no", 5.0),
        ("annotate.col.severity", 11.0),
        ("annotate.col.code", 7.5),
        ("annotate.col.sheet", 16.0),
        ("annotate.col.cell", 7.0),
        ("annotate.col.message", MESSAGE_WIDTH),
        ("annotate.col.expected", FIGURE_WIDTH),
        ("annotate.col.actual", FIGURE_WIDTH),
        ("annotate.col.related", RELATED_WIDTH),
    ];
    for (c, (id, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, cat.template(id), &header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let mut severity_formats: HashMap<Severity, Format> = HashMap::new();
    for (i, f) in mine.iter().enumerate() {
        let row = (i + 1) as u32;
        if row >= 1_048_576 {
            break;
        }
        ws.write_number_with_format(row, 0, (i + 1) as f64, &body)?;
        let sev = severity_formats.entry(f.severity).or_insert_with(|| {
            body.clone()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(mark_colour(f.severity, false)))
        });
        ws.write_string_with_format(row, 1, severity_word(cat, f.severity), sev)?;
        ws.write_string_with_format(row, 2, f.code, &body)?;
        ws.write_string_with_format(row, 3, clip(&f.at.sheet, MAX_TEXT), &body)?;
        let cell = f.at.cell.to_string();
        match written_of.get(f.at.sheet.as_str()) {
            // Excel allows 65 530 links per sheet.
            Some(target) if row <= 65_530 => {
                let url = Url::new(sheet_link(target, f.at.cell)).set_text(&cell);
                ws.write_url_with_format(row, 4, url, &link)?;
            }
            _ => {
                ws.write_string_with_format(row, 4, &cell, &body)?;
            }
        }
        let message = full_message(cat, f);
        ws.write_string_with_format(row, 5, clip(&message, MAX_TEXT), &wrap)?;
        let expected = f.expected.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
        let actual = f.actual.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
        ws.write_string_with_format(row, 6, clip(&expected, MAX_TEXT), &wrap)?;
        ws.write_string_with_format(row, 7, clip(&actual, MAX_TEXT), &wrap)?;
        let related = related_lines(cat, doc, f).join("\n");
        ws.write_string_with_format(row, 8, clip(&related, MAX_TEXT), &wrap)?;
        // Row height for the wrapped text (rows of 15 pt).
        let lines = |s: &str, width: f64| -> usize {
            s.split('\n')
                // A column holds about 1.2 characters of text per unit of width.
                .map(|l| (l.chars().count() as f64 / (width * 1.2)).ceil().max(1.0) as usize)
                .sum()
        };
        let n = lines(&message, MESSAGE_WIDTH)
            .max(lines(&related, RELATED_WIDTH))
            .max(lines(&expected, FIGURE_WIDTH))
            .max(lines(&actual, FIGURE_WIDTH))
            .clamp(1, 27);
        if n > 1 {
            ws.set_row_height(row, 15.0 * n as f64)?;
        }
    }
    let last = if mine.is_empty() {
        ws.write_string_with_format(1, 5, cat.template("annotate.none"), &body)?;
        1
    } else {
        mine.len().min(1_048_575) as u32
    };
    // What the copy cannot hold as the input does, said where the reader looks first.
    let long_texts = doc
        .sheets
        .iter()
        .flat_map(|g| {
            (0..g.height).flat_map(move |r| (0..g.width).map(move |c| g.value(Pos::new(r, c))))
        })
        .filter(|v| matches!(v, Value::Text(t) if t.chars().count() > MAX_TEXT))
        .count();
    let big_merges = doc
        .sheets
        .iter()
        .flat_map(|g| &g.merges)
        .filter(|m| {
            u64::from(m.end.row - m.start.row + 1) * u64::from(m.end.col - m.start.col + 1)
                > MAX_MERGE_AREA
        })
        .count();
    if (long_texts > 0 || big_merges > 0) && last + 2 < 1_048_576 {
        let note = crate::finding::Message::new("annotate.losses")
            .num("texts", (long_texts as i64).into(), 0)
            .num("merges", (big_merges as i64).into(), 0);
        ws.write_string_with_format(last + 2, 5, cat.render(&note), &wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last, (columns.len() - 1) as u16)?;
    ws.set_repeat_rows(0, 0)?;
    print_setup(&mut ws);
    Ok(ws)
}

/// Printing: the input's page setup is not read, so every sheet prints landscape on A4,
/// one page wide.
fn print_setup(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
}

// ---------------------------------------------------------------------------------------
// One sheet of the input
// ---------------------------------------------------------------------------------------

const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;
/// Formatting kept beyond a sheet's last row / column with a value.
const REACH_ROWS: u32 = 200;
const REACH_COLS: u32 = 50;
/// Largest merged range copied, and largest total of merged cells per sheet.
const MAX_MERGE_AREA: u64 = 1_000_000;
const MAX_MERGED_CELLS: u64 = 4_000_000;

/// Excel's standard error values, which a formula can hold as a constant (`=#N/A`).
const ERROR_LITERALS: [&str; 7] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

fn number_f64(v: &rust_decimal::Decimal) -> Option<f64> {
    v.to_string().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A number format for a number whose style is not known, from what the reader saw.
fn fallback_num_format(v: &Value) -> Option<String> {
    let Value::Number {
        percent, decimals, ..
    } = v
    else {
        return None;
    };
    let dec = |d: u32| {
        if d == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(d.min(15) as usize))
        }
    };
    match (percent, decimals) {
        (true, Some(d)) => Some(format!("0{}%", dec(*d))),
        (true, None) => Some("0.00%".into()),
        (false, Some(d)) => Some(format!("0{}", dec(*d))),
        (false, None) => None,
    }
}

fn border_of(l: LineStyle) -> FormatBorder {
    match l {
        LineStyle::Thin => FormatBorder::Thin,
        LineStyle::Medium => FormatBorder::Medium,
        LineStyle::Dashed => FormatBorder::Dashed,
        LineStyle::Dotted => FormatBorder::Dotted,
        LineStyle::Thick => FormatBorder::Thick,
        LineStyle::Double => FormatBorder::Double,
        LineStyle::Hair => FormatBorder::Hair,
        LineStyle::MediumDashed => FormatBorder::MediumDashed,
        LineStyle::DashDot => FormatBorder::DashDot,
        LineStyle::MediumDashDot => FormatBorder::MediumDashDot,
        LineStyle::DashDotDot => FormatBorder::DashDotDot,
        LineStyle::MediumDashDotDot => FormatBorder::MediumDashDotDot,
        LineStyle::SlantDashDot => FormatBorder::SlantDashDot,
    }
}

fn pattern_of(p: FillPattern) -> FormatPattern {
    match p {
        FillPattern::Solid => FormatPattern::Solid,
        FillPattern::MediumGray => FormatPattern::MediumGray,
        FillPattern::DarkGray => FormatPattern::DarkGray,
        FillPattern::LightGray => FormatPattern::LightGray,
        FillPattern::DarkHorizontal => FormatPattern::DarkHorizontal,
        FillPattern::DarkVertical => FormatPattern::DarkVertical,
        FillPattern::DarkDown => FormatPattern::DarkDown,
        FillPattern::DarkUp => FormatPattern::DarkUp,
        FillPattern::DarkGrid => FormatPattern::DarkGrid,
        FillPattern::DarkTrellis => FormatPattern::DarkTrellis,
        FillPattern::LightHorizontal => FormatPattern::LightHorizontal,
        FillPattern::LightVertical => FormatPattern::LightVertical,
        FillPattern::LightDown => FormatPattern::LightDown,
        FillPattern::LightUp => FormatPattern::LightUp,
        FillPattern::LightGrid => FormatPattern::LightGrid,
        FillPattern::LightTrellis => FormatPattern::LightTrellis,
        FillPattern::Gray125 => FormatPattern::Gray125,
        FillPattern::Gray0625 => FormatPattern::Gray0625,
    }
}

/// A rust_xlsxwriter format for a cell: its style (if known), a number format when the
/// style has none, and the mark colour replacing the fill.
fn make_format(style: Option<&CellStyle>, num_format: Option<&str>, mark: Option<u32>) -> Format {
    let mut f = Format::new();
    if let Some(code) = num_format
        && !code.eq_ignore_ascii_case("general")
        && !code.is_empty()
    {
        f = f.set_num_format(code);
    }
    if let Some(s) = style {
        if let Some(font) = &s.font {
            if let Some(name) = font
                .name
                .as_deref()
                .filter(|n| !n.is_empty() && n.chars().count() <= 31)
            {
                f = f.set_font_name(name);
            }
            if let Some(size) = font
                .size
                .filter(|s| s.is_finite() && *s >= 1.0 && *s <= 409.0)
            {
                f = f.set_font_size(size);
            }
            if font.bold {
                f = f.set_bold();
            }
            if font.italic {
                f = f.set_italic();
            }
            if font.strikethrough {
                f = f.set_font_strikethrough();
            }
            f = match font.underline {
                read::Underline::None => f,
                read::Underline::Single => f.set_underline(FormatUnderline::Single),
                read::Underline::Double => f.set_underline(FormatUnderline::Double),
                read::Underline::SingleAccounting => {
                    f.set_underline(FormatUnderline::SingleAccounting)
                }
                read::Underline::DoubleAccounting => {
                    f.set_underline(FormatUnderline::DoubleAccounting)
                }
            };
            if let Some(c) = font.color {
                f = f.set_font_color(Color::RGB(c));
            }
        }
        if mark.is_none()
            && let Some(fill) = &s.fill
        {
            if fill.pattern == FillPattern::Solid {
                if let Some(c) = fill.foreground.or(fill.background) {
                    f = f
                        .set_pattern(FormatPattern::Solid)
                        .set_background_color(Color::RGB(c));
                }
            } else {
                f = f.set_pattern(pattern_of(fill.pattern));
                if let Some(c) = fill.foreground {
                    f = f.set_foreground_color(Color::RGB(c));
                }
                if let Some(c) = fill.background {
                    f = f.set_background_color(Color::RGB(c));
                }
            }
        }
        if let Some(b) = &s.borders {
            type Side<'a> = (
                &'a Option<read::BorderLine>,
                fn(Format, FormatBorder) -> Format,
                fn(Format, Color) -> Format,
            );
            let sides: [Side; 4] = [
                (&b.left, Format::set_border_left, |f, c| {
                    f.set_border_left_color(c)
                }),
                (&b.right, Format::set_border_right, |f, c| {
                    f.set_border_right_color(c)
                }),
                (&b.top, Format::set_border_top, |f, c| {
                    f.set_border_top_color(c)
                }),
                (&b.bottom, Format::set_border_bottom, |f, c| {
                    f.set_border_bottom_color(c)
                }),
            ];
            for (line, set, colour) in sides {
                if let Some(l) = line {
                    f = set(f, border_of(l.style));
                    if let Some(c) = l.color {
                        f = colour(f, Color::RGB(c));
                    }
                }
            }
            let diagonal = b.diagonal_down.or(b.diagonal_up);
            if let Some(l) = diagonal {
                let kind = match (b.diagonal_down.is_some(), b.diagonal_up.is_some()) {
                    (true, true) => FormatDiagonalBorder::BorderUpDown,
                    (true, false) => FormatDiagonalBorder::BorderDown,
                    _ => FormatDiagonalBorder::BorderUp,
                };
                f = f
                    .set_border_diagonal(border_of(l.style))
                    .set_border_diagonal_type(kind);
                if let Some(c) = l.color {
                    f = f.set_border_diagonal_color(Color::RGB(c));
                }
            }
        }
        if let Some(a) = &s.alignment {
            f = match a.horizontal {
                HAlign::General => f,
                HAlign::Left => f.set_align(FormatAlign::Left),
                HAlign::Center => f.set_align(FormatAlign::Center),
                HAlign::Right => f.set_align(FormatAlign::Right),
                HAlign::Fill => f.set_align(FormatAlign::Fill),
                HAlign::Justify => f.set_align(FormatAlign::Justify),
                HAlign::CenterContinuous => f.set_align(FormatAlign::CenterAcross),
                HAlign::Distributed => f.set_align(FormatAlign::Distributed),
            };
            f = match a.vertical {
                VAlign::Bottom => f,
                VAlign::Top => f.set_align(FormatAlign::Top),
                VAlign::Center => f.set_align(FormatAlign::VerticalCenter),
                VAlign::Justify => f.set_align(FormatAlign::VerticalJustify),
                VAlign::Distributed => f.set_align(FormatAlign::VerticalDistributed),
            };
            if a.wrap {
                f = f.set_text_wrap();
            }
            if a.shrink {
                f = f.set_shrink();
            }
            if a.indent > 0 {
                f = f.set_indent(a.indent.min(250));
            }
            match a.rotation {
                r @ 1..=90 => f = f.set_rotation(r as i16),
                r @ 91..=180 => f = f.set_rotation(-((r - 90) as i16)),
                255 => f = f.set_rotation(270),
                _ => {}
            }
        }
    }
    if let Some(c) = mark {
        f = f
            .set_pattern(FormatPattern::Solid)
            .set_background_color(Color::RGB(c));
    }
    f
}

/// A formula the copy can carry safely: quotes and brackets balanced; from a non-Excel
/// source, no `[` (an ODF reference the reader could not convert).
fn formula_ok(f: &str, from_excel: bool) -> bool {
    if f.is_empty() || f.chars().count() > 8192 || f.contains(['\n', '\r']) {
        return false;
    }
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut in_quote = false;
    for c in f.chars() {
        match c {
            '"' if !in_quote => in_string = !in_string,
            '\'' if !in_string => in_quote = !in_quote,
            '(' if !in_string && !in_quote => depth += 1,
            ')' if !in_string && !in_quote => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            '[' | ']' if !in_string && !in_quote && !from_excel => return false,
            _ => {}
        }
    }
    depth == 0 && !in_string && !in_quote
}

/// A formula's cached result as rust_xlsxwriter wants it.
fn formula_result(v: &Value) -> String {
    match v {
        Value::Empty => String::new(),
        Value::Number { value, .. } => number_f64(value).map(|f| f.to_string()).unwrap_or_default(),
        Value::Text(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        Value::Error(e) => e.clone(),
    }
}

/// Display width (characters) a number needs, roughly, with thousands separators.
fn number_width(v: &Value) -> f64 {
    let Value::Number {
        value,
        percent,
        decimals,
    } = v
    else {
        return 0.0;
    };
    let shown = if *percent {
        value
            .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
            .unwrap_or(*value)
    } else {
        *value
    };
    let d = decimals.unwrap_or(2).min(10);
    let int_digits = shown.abs().trunc().to_string().len();
    let groups = (int_digits.saturating_sub(1)) / 3;
    (int_digits
        + groups
        + if d > 0 { d as usize + 1 } else { 0 }
        + usize::from(*percent)
        + usize::from(shown.is_sign_negative())) as f64
        + 1.5
}

fn grid_sheet(
    g: &Grid,
    name: &str,
    styles: &StyleMap,
    marks: &BTreeMap<Pos, Mark>,
    from_excel: bool,
) -> Result<Worksheet, rust_xlsxwriter::XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    if g.hidden {
        ws.set_hidden(true);
    }
    print_setup(&mut ws);
    let st = styles.sheet(&g.name);
    // How far beyond its cells the copy of a sheet carries formatting (styled empty cells,
    // row heights, merged ranges): bounds the copy's size whatever the input states.
    let reach = (
        g.height.saturating_add(REACH_ROWS),
        g.width.saturating_add(REACH_COLS),
    );

    // Formats, shared by key: (style index, number format, mark colour).
    type FormatKey = (Option<u32>, Option<String>, Option<u32>);
    let mut formats: HashMap<FormatKey, Format> = HashMap::new();
    let mut format_at = |p: Pos, v: &Value, mark: Option<u32>| -> Format {
        let index = st.and_then(|s| s.style_index(p));
        let style = index.and_then(|i| styles.style(i));
        let num = match style.and_then(|s| s.number_format.clone()) {
            Some(code) => Some(code),
            None => fallback_num_format(v),
        };
        formats
            .entry((index, num.clone(), mark))
            .or_insert_with(|| make_format(style, num.as_deref(), mark))
            .clone()
    };

    // The colour of each marked cell; a mark on a merged cell also colours the range's
    // first cell, which is the one shown.
    let mut colour: HashMap<Pos, u32> = HashMap::new();
    for (p, m) in marks {
        if let Some(c) = m.colour() {
            colour.insert(*p, c);
            if let Some(r) = g.merge_at(*p)
                && r.start != *p
            {
                let strongest = m.finding.is_some();
                colour
                    .entry(r.start)
                    .and_modify(|old| {
                        if strongest {
                            *old = c
                        }
                    })
                    .or_insert(c);
            }
        }
    }

    // Column widths and hidden columns, as the file states them.
    let mut widths: HashMap<u32, f64> = HashMap::new();
    let mut hidden_cols: HashSet<u32> = HashSet::new();
    if let Some(s) = st {
        for c in &s.cols {
            if c.first > MAX_COL {
                continue;
            }
            let last = c.last.min(MAX_COL);
            if let Some(w) = c.width {
                let px = (w * 7.0).round().clamp(0.0, 1790.0) as u32;
                ws.set_column_range_width_pixels(c.first as u16, last as u16, px)?;
                if last - c.first <= 1024 {
                    for col in c.first..=last {
                        widths.insert(col, w);
                    }
                }
            }
            if c.hidden {
                ws.set_column_range_hidden(c.first as u16, last as u16)?;
                if last - c.first <= 1024 {
                    hidden_cols.extend(c.first..=last);
                }
            }
        }
        for r in &s.rows {
            if r.row > MAX_ROW.min(reach.0) {
                continue;
            }
            if let Some(h) = r.height {
                ws.set_row_height(r.row, h)?;
            }
            if r.hidden {
                ws.set_row_hidden(r.row)?;
            }
        }
    }
    if g.col_widths.iter().any(|(_, w)| *w > 0.0) {
        for &(col, w) in &g.col_widths {
            if col <= MAX_COL && !widths.contains_key(&col) {
                ws.set_column_width(col as u16, w)?;
                widths.insert(col, w + 0.71);
            }
        }
    }
    // Widen columns whose figures would not fit (they would show as ####); where no width
    // at all is known (.ods, .xlsb), also fit text up to 50 characters.
    let know_widths = st.is_some_and(|s| !s.cols.is_empty()) || !g.col_widths.is_empty();
    // Cells of ranges merged across columns (their text spans several columns).
    let mut wide: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut indexed = 0usize;
    for m in g.merges.iter().filter(|m| m.start.col != m.end.col) {
        for row in m.start.row..=m.end.row.min(g.height.saturating_sub(1)) {
            indexed += 1;
            if indexed > 4_000_000 {
                break;
            }
            wide.entry(row).or_default().push((m.start.col, m.end.col));
        }
    }
    let mut need: HashMap<u32, f64> = HashMap::new();
    for row in 0..g.height {
        let spans = wide.get(&row);
        for col in 0..g.width.min(MAX_COL + 1) {
            let p = Pos::new(row, col);
            if spans.is_some_and(|s| s.iter().any(|&(a, b)| (a..=b).contains(&col))) {
                continue;
            }
            let v = g.value(p);
            let w = match v {
                Value::Number { .. } => number_width(v),
                Value::Text(t) if !know_widths => {
                    (t.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64 + 1.0).min(50.0)
                }
                _ => 0.0,
            };
            if w > 0.0 {
                let e = need.entry(col).or_insert(0.0);
                *e = e.max(w);
            }
        }
    }
    for (col, w) in need {
        let current = widths.get(&col).copied().unwrap_or(9.14);
        if w > current && !hidden_cols.contains(&col) {
            ws.set_column_width(col as u16, w.min(60.0))?;
        }
    }

    // Merged ranges first: merge_range fills the range with blanks, the cells come after.
    // A range beyond what the sheet holds (a damaged or hostile file) is left unmerged.
    let mut merged_cells: u64 = 0;
    for m in &g.merges {
        if m.start == m.end || m.end.row > MAX_ROW.min(reach.0) || m.end.col > MAX_COL.min(reach.1)
        {
            continue;
        }
        let area = u64::from(m.end.row - m.start.row + 1) * u64::from(m.end.col - m.start.col + 1);
        merged_cells += area;
        if area > MAX_MERGE_AREA || merged_cells > MAX_MERGED_CELLS {
            continue;
        }
        let fmt = format_at(m.start, g.value(m.start), colour.get(&m.start).copied());
        // Overlapping ranges (a damaged file) are left unmerged.
        let _ = ws.merge_range(
            m.start.row,
            m.start.col as u16,
            m.end.row,
            m.end.col as u16,
            "",
            &fmt,
        );
    }

    // Styled cells without a value (borders, fills of empty cells), near the cells.
    if let Some(s) = st {
        for &(p, _) in &s.cells {
            if p.row > MAX_ROW.min(reach.0) || p.col > MAX_COL.min(reach.1) {
                continue;
            }
            let cell = g.get(p);
            if cell.value == Value::Empty && cell.formula.is_none() {
                let fmt = format_at(p, &Value::Empty, colour.get(&p).copied());
                ws.write_blank(p.row, p.col as u16, &fmt)?;
            }
        }
    }

    // The cells.
    for row in 0..g.height.min(MAX_ROW + 1) {
        for col in 0..g.width.min(MAX_COL + 1) {
            let p = Pos::new(row, col);
            let cell = g.get(p);
            let mark = colour.get(&p).copied();
            if cell.value == Value::Empty && cell.formula.is_none() {
                if mark.is_some() {
                    let fmt = format_at(p, &Value::Empty, mark);
                    ws.write_blank(row, col as u16, &fmt)?;
                }
                continue;
            }
            let fmt = format_at(p, &cell.value, mark);
            let c = col as u16;
            let formula = cell
                .formula
                .as_deref()
                .filter(|f| formula_ok(f, from_excel));
            match (formula, &cell.value) {
                (Some(f), v) => {
                    let formula = Formula::new(f).set_result(formula_result(v));
                    ws.write_formula_with_format(row, c, formula, &fmt)?;
                }
                (None, Value::Number { value, .. }) => match number_f64(value) {
                    Some(x) => {
                        ws.write_number_with_format(row, c, x, &fmt)?;
                    }
                    None => {
                        ws.write_string_with_format(row, c, value.to_string(), &fmt)?;
                    }
                },
                (None, Value::Text(s)) => {
                    ws.write_string_with_format(row, c, clip(s, MAX_TEXT), &fmt)?;
                }
                (None, Value::Bool(b)) => {
                    ws.write_boolean_with_format(row, c, *b, &fmt)?;
                }
                (None, Value::Error(e)) if ERROR_LITERALS.contains(&e.as_str()) => {
                    // An error constant: the formula `=#N/A` holds it as its value.
                    let formula = Formula::new(e).set_result(e.clone());
                    ws.write_formula_with_format(row, c, formula, &fmt)?;
                }
                (None, Value::Error(e)) => {
                    ws.write_string_with_format(row, c, e, &fmt)?;
                }
                (None, Value::Empty) => {
                    ws.write_blank(row, c, &fmt)?;
                }
            }
        }
    }

    // Marks outside the grid (a finding at A1 of an empty sheet) and the notes.
    let mut outside: HashMap<Pos, u32> = HashMap::new();
    for (p, c) in &colour {
        if p.row >= g.height || p.col >= g.width {
            outside.insert(*p, *c);
        }
    }
    for (p, c) in outside {
        if p.row <= MAX_ROW && p.col <= MAX_COL {
            let fmt = format_at(p, &Value::Empty, Some(c));
            ws.write_blank(p.row, p.col as u16, &fmt)?;
        }
    }
    write_marks(&mut ws, marks, &colour)?;
    Ok(ws)
}

/// The notes of the marked cells (and, for a placeholder sheet, their fills).
fn write_marks(
    ws: &mut Worksheet,
    marks: &BTreeMap<Pos, Mark>,
    coloured: &HashMap<Pos, u32>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (p, m) in marks {
        if p.row > MAX_ROW || p.col > MAX_COL {
            continue;
        }
        if !coloured.contains_key(p)
            && let Some(c) = m.colour()
        {
            let fmt = Format::new()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(c));
            ws.set_cell_format(p.row, p.col as u16, &fmt)?;
        }
        let text = clip(&m.notes.join("\n\n"), MAX_NOTE);
        let lines: usize = text
            .split('\n')
            .map(|l| (l.chars().count() / 55 + 1).max(1))
            .sum();
        let height = (lines as u32 * 14 + 12).clamp(60, 600);
        let note = Note::new(text)
            .set_author("sakip-lint")
            .add_author_prefix(false)
            .set_width(380)
            .set_height(height);
        ws.insert_note(p.row, p.col as u16, &note)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_stay_inside_out() {
        // Whatever the inputs are called, the copy's name is one plain file name.
        let inputs: Vec<PathBuf> = [
            "../../etc/passwd.xlsx",
            "a/..xlsx",
            "b/...xlsx",
            "c/nama:aneh|*?.xls",
            "d/\u{0}nul\u{7}.xlsx",
            "kec/../../lra.xlsx",
            "x/lra.xlsx",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        for p in &inputs {
            let name = output_file_name(p, &inputs);
            let as_path = Path::new(&name);
            assert_eq!(
                as_path.components().count(),
                1,
                "{name} is more than a name"
            );
            assert!(
                matches!(
                    as_path.components().next(),
                    Some(std::path::Component::Normal(_))
                ),
                "{name}"
            );
            assert!(name.ends_with(".xlsx") && !name.starts_with('.'), "{name}");
            assert!(
                !name
                    .chars()
                    .any(|c| c.is_control() || "/\\:|*?".contains(c))
            );
        }
    }
}
