//! Submissions: which workbooks the command line names, and how they group into
//! submissions — one workbook, the workbooks of one folder, or those naming one unit in
//! their titles (`--group`). Nothing here lints; `lint` takes one submission at a time.

use crate::doc::Doc;
use crate::finding::{Finding, Message};
use crate::grid::Pos;
use crate::read::{self, ReadOptions};
use crate::rules::Rules;
use std::path::{Path, PathBuf};

/// One unit's lampiran: one workbook, or the workbooks of one folder.
#[derive(Debug, Clone)]
pub struct Submission {
    pub name: String,
    pub files: Vec<PathBuf>,
}

/// What reading one file of a submission gave.
#[derive(Debug, Clone)]
pub enum FileStatus {
    Ok { sheets: usize },
    Error { message: Message },
}

#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub status: FileStatus,
}

/// The reading limits of a rule set (rules/checks.toml, sakip-lint.toml, flags).
pub fn read_options(rules: &Rules, formulas: bool) -> ReadOptions {
    const MB: u64 = 1024 * 1024;
    ReadOptions {
        max_cells: rules.checks.max_cells,
        max_file_bytes: rules.checks.max_file_mb.saturating_mul(MB),
        max_inflated_bytes: rules.checks.max_inflated_mb.saturating_mul(MB),
        formulas,
        ..ReadOptions::default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    NotFound(String),
}

pub fn is_workbook(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| read::Format::from_extension(e).is_some())
        && !p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("~$") || n.starts_with(".~lock"))
}

/// Submissions named by the command line: a workbook is one; a folder that directly
/// holds workbooks is one; folders are walked for more (`--group folder`).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Submission>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(Submission {
                name: p.display().to_string(),
                files: vec![p.clone()],
            });
        } else if p.is_dir() {
            let mut seen = std::collections::HashSet::new();
            walk(p, &mut out, &mut seen);
        } else {
            return Err(InputError::NotFound(p.display().to_string()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Submission>, seen: &mut std::collections::HashSet<PathBuf>) {
    // A folder reached twice (a symbolic link back up the tree) is walked once.
    if let Ok(real) = std::fs::canonicalize(dir)
        && !seen.insert(real)
    {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(Submission {
            name: dir.display().to_string(),
            files: vec![dir.to_path_buf()],
        });
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    let files: Vec<PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && is_workbook(p))
        .cloned()
        .collect();
    if !files.is_empty() {
        out.push(Submission {
            name: dir.display().to_string(),
            files,
        });
    }
    for d in entries.iter().filter(|p| p.is_dir()) {
        walk(d, out, seen);
    }
}

// ---------------------------------------------------------------------------------------
// Grouping a batch into submissions (`check DIR`, `--group`).

/// How the workbooks found under the command line's paths are grouped into submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Group {
    /// A folder is one submission, unless its workbooks name two or more different units
    /// in their titles: then one submission per unit, and a workbook naming none alone.
    /// Decided after reading the folder (no second read): see [`split_by_unit`].
    #[default]
    Auto,
    /// Every workbook alone.
    File,
    /// A folder is one submission (what [`discover`] gives).
    Folder,
    /// By the unit named in the titles, across the whole tree. A workbook naming no unit
    /// joins its folder's unit when that folder's other workbooks name exactly one, else
    /// stands alone. Needs a look at every workbook's title rows first ([`unit_of_file`]).
    Unit,
}

/// The unit a workbook names in its title rows ("KECAMATAN SUKAMAJU").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Lower case, spaces collapsed: what is compared ("kecamatan sukamaju").
    pub key: String,
    /// As first written in the workbook, spaces collapsed ("KECAMATAN SUKAMAJU").
    pub name: String,
}

/// A submission to check, and whether it is to be split by unit once read
/// ([`Group::Auto`] on a folder of several workbooks).
#[derive(Debug, Clone)]
pub struct Planned {
    pub sub: Submission,
    pub split_by_unit: bool,
}

/// Rows of a sheet read for the unit's name.
pub const TITLE_ROWS: u32 = 15;
/// A row with this many filled cells is a table's header or data: title rows end there.
const TABLE_ROW_CELLS: usize = 4;

/// The submissions of a run, grouped as `group` says, in a deterministic order: the
/// command line's order, folders walked in name order, a folder's own workbooks before
/// its sub-folders; a group comes where its first workbook does.
pub fn plan(paths: &[PathBuf], group: Group, rules: &Rules) -> Result<Vec<Planned>, InputError> {
    let folders = discover(paths)?;
    Ok(match group {
        Group::Folder => folders
            .into_iter()
            .map(|sub| Planned {
                sub,
                split_by_unit: false,
            })
            .collect(),
        Group::Auto => folders
            .into_iter()
            .map(|sub| Planned {
                split_by_unit: sub.files.len() > 1,
                sub,
            })
            .collect(),
        Group::File => folders
            .into_iter()
            .flat_map(|s| s.files)
            .map(|f| Planned {
                sub: Submission {
                    name: f.display().to_string(),
                    files: vec![f],
                },
                split_by_unit: false,
            })
            .collect(),
        Group::Unit => group_by_unit(folders, rules),
    })
}

fn group_by_unit(folders: Vec<Submission>, rules: &Rules) -> Vec<Planned> {
    use rayon::prelude::*;
    let all: Vec<(usize, PathBuf)> = folders
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.files.iter().map(move |f| (i, f.clone())))
        .collect();
    // The title rows of every workbook, in parallel (on the caller's rayon pool).
    let mut units: Vec<Option<Unit>> = all
        .par_iter()
        .map(|(_, f)| unit_of_file(f, rules))
        .collect();
    // A workbook naming no unit takes its folder's, when the folder names exactly one.
    let mut of_folder: Vec<Vec<usize>> = vec![Vec::new(); folders.len()];
    for (k, (fi, _)) in all.iter().enumerate() {
        if let Some(files) = of_folder.get_mut(*fi) {
            files.push(k);
        }
    }
    for idx in &of_folder {
        let named: Vec<&Unit> = idx
            .iter()
            .filter_map(|&k| units.get(k).and_then(Option::as_ref))
            .collect();
        let keys: std::collections::BTreeSet<&str> = named.iter().map(|u| u.key.as_str()).collect();
        if keys.len() == 1
            && let Some(u) = named.first().map(|&u| u.clone())
        {
            for &k in idx {
                if let Some(unit @ None) = units.get_mut(k) {
                    *unit = Some(u.clone());
                }
            }
        }
    }
    let mut out: Vec<Planned> = Vec::new();
    let mut by_key: std::collections::HashMap<String, usize> = Default::default();
    for ((_, f), u) in all.into_iter().zip(units) {
        match u {
            Some(u) => match by_key.get(&u.key) {
                Some(&i) => {
                    if let Some(planned) = out.get_mut(i) {
                        planned.sub.files.push(f);
                    }
                }
                None => {
                    by_key.insert(u.key.clone(), out.len());
                    out.push(Planned {
                        sub: Submission {
                            name: u.name,
                            files: vec![f],
                        },
                        split_by_unit: false,
                    });
                }
            },
            None => out.push(Planned {
                sub: Submission {
                    name: f.display().to_string(),
                    files: vec![f],
                },
                split_by_unit: false,
            }),
        }
    }
    out
}

/// One part of a submission split by unit, with what was read of it.
pub struct Piece {
    pub sub: Submission,
    pub docs: Vec<Doc>,
    pub files: Vec<FileReport>,
    pub findings: Vec<Finding>,
    /// The unit its workbooks name (as [`unit_of_docs`] gives it).
    pub unit: Option<Unit>,
}

/// [`Group::Auto`] after reading a folder: when its workbooks name two or more different
/// units, one piece per unit (in the order of their first workbook) and one per workbook
/// naming none (or unreadable); else the folder whole. Nothing is read again.
pub fn split_by_unit(
    sub: &Submission,
    docs: Vec<Doc>,
    files: Vec<FileReport>,
    findings: Vec<Finding>,
    rules: &Rules,
) -> Vec<Piece> {
    let units: Vec<Option<Unit>> = sub
        .files
        .iter()
        .map(|p| {
            let shown = p.display().to_string();
            docs.iter()
                .find(|d| d.file == shown)
                .and_then(|d| unit_of_doc(d, rules))
        })
        .collect();
    let keys: std::collections::BTreeSet<&str> =
        units.iter().flatten().map(|u| u.key.as_str()).collect();
    if keys.len() < 2 {
        return vec![Piece {
            sub: sub.clone(),
            docs,
            files,
            findings,
            unit: most_named(units),
        }];
    }
    // Which piece each file goes to.
    let mut piece_of: Vec<usize> = Vec::new();
    let mut names: Vec<(Submission, Option<Unit>)> = Vec::new();
    let mut by_key: std::collections::HashMap<&str, usize> = Default::default();
    for (p, u) in sub.files.iter().zip(&units) {
        let i = match u {
            Some(u) => *by_key.entry(u.key.as_str()).or_insert_with(|| {
                names.push((
                    Submission {
                        name: format!("{} › {}", sub.name, u.name),
                        files: Vec::new(),
                    },
                    Some(u.clone()),
                ));
                names.len() - 1
            }),
            None => {
                names.push((
                    Submission {
                        name: p.display().to_string(),
                        files: Vec::new(),
                    },
                    None,
                ));
                names.len() - 1
            }
        };
        if let Some((piece, _)) = names.get_mut(i) {
            piece.files.push(p.clone());
        }
        piece_of.push(i);
    }
    let shown: Vec<String> = sub.files.iter().map(|p| p.display().to_string()).collect();
    let which = |file: &str| {
        shown
            .iter()
            .position(|s| s == file)
            .and_then(|k| piece_of.get(k).copied())
            .unwrap_or(0)
    };
    let mut pieces: Vec<Piece> = names
        .into_iter()
        .map(|(sub, unit)| Piece {
            sub,
            docs: Vec::new(),
            files: Vec::new(),
            findings: Vec::new(),
            unit,
        })
        .collect();
    for d in docs {
        if let Some(piece) = pieces.get_mut(which(&d.file)) {
            piece.docs.push(d);
        }
    }
    for f in files {
        if let Some(piece) = pieces.get_mut(which(&f.path)) {
            piece.files.push(f);
        }
    }
    for f in findings {
        if let Some(piece) = pieces.get_mut(which(&f.at.file)) {
            piece.findings.push(f);
        }
    }
    pieces
}

/// The unit a sentence of a title names, by `[units]` of rules/identity.toml.
pub fn unit_in_text(text: &str, units: &crate::rules::Units) -> Option<Unit> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Offsets into the lower-case text serve the original only when lower-casing keeps them.
    let lower = collapsed.to_lowercase();
    let original = if lower.len() == collapsed.len() {
        collapsed.as_str()
    } else {
        lower.as_str()
    };
    if units.ignore.iter().any(|r| r.is_match(&lower)) {
        return None;
    }
    let mut from = 0;
    while from < lower.len() {
        let m = units
            .patterns
            .iter()
            .filter_map(|r| r.find_at(&lower, from))
            .min_by_key(|m| (m.start(), std::cmp::Reverse(m.end())))?;
        if let Some(u) = unit_at(&lower, original, m.start(), m.end(), units) {
            return Some(u);
        }
        from = lower[m.start()..]
            .char_indices()
            .nth(1)
            .map(|(k, _)| m.start() + k)
            .unwrap_or(lower.len());
    }
    None
}

/// The unit named by a pattern's match `lower[start..end]`, cut at the stop words.
fn unit_at(
    lower: &str,
    original: &str,
    start: usize,
    end: usize,
    units: &crate::rules::Units,
) -> Option<Unit> {
    let matched = lower.get(start..end)?;
    // Word spans within the match.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut pos = start;
    for w in matched.split(' ') {
        if !w.is_empty() {
            words.push((pos, pos + w.len()));
        }
        pos += w.len() + 1;
    }
    let single_word_match = words.len() == 1;
    // "Kantor Kecamatan Sukamaju": the second word starts a unit's name of its own.
    if let Some(&(second, _)) = words.get(1)
        && let Some(inner) = units
            .patterns
            .iter()
            .filter_map(|r| r.find_at(lower, second))
            .filter(|m| m.start() == second)
            .max_by_key(|m| m.end())
        && let Some(u) = unit_at(lower, original, inner.start(), inner.end(), units)
    {
        return Some(u);
    }
    let is_stop = |w: &str| {
        let w = w.trim_matches(|c: char| c == '.' || c == ' ');
        units.stop.iter().any(|s| s.trim_matches('.') == w)
    };
    let word = |k: usize| words.get(k).and_then(|&(s, e)| lower.get(s..e));
    let mut kept = 1;
    while let Some(w) = word(kept)
        && !is_stop(w)
    {
        kept += 1;
    }
    // Stray dots ("KECAMATAN SUKAMAJU .") and a dangling "dan" are not words of the name.
    while kept > 1 && word(kept - 1).is_some_and(|w| w.chars().all(|c| c == '.') || w == "dan") {
        kept -= 1;
    }
    if kept < 2 && !single_word_match {
        return None;
    }
    let (Some(&(s, _)), Some(&(_, e))) = (words.first(), words.get(kept - 1)) else {
        return None;
    };
    let key = lower.get(s..e)?.trim_end_matches('.').trim().to_string();
    // Lower-casing may change a text's length ("İ"); then the name is shown lower-cased.
    let name = original
        .get(s..e)
        .unwrap_or(&key)
        .trim_end_matches('.')
        .trim()
        .to_string();
    (!key.is_empty()).then_some(Unit { key, name })
}

/// The unit one sheet's title rows name: the first rows (at most [`TITLE_ROWS`]) up to the
/// first with four or more filled cells, each row's filled cells read as one text.
pub fn unit_in_rows<I>(rows: I, units: &crate::rules::Units) -> Option<Unit>
where
    I: IntoIterator<Item = Vec<String>>,
{
    for cells in rows.into_iter().take(TITLE_ROWS as usize) {
        let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
        if filled.len() >= TABLE_ROW_CELLS {
            break;
        }
        if filled.is_empty() {
            continue;
        }
        let text = filled
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(u) = unit_in_text(&text, units) {
            return Some(u);
        }
    }
    None
}

/// The unit most of a workbook's sheets name (ties: the first sheet's), from sheets'
/// title rows.
fn most_named(per_sheet: impl IntoIterator<Item = Option<Unit>>) -> Option<Unit> {
    let mut counts: Vec<(Unit, usize)> = Vec::new();
    for u in per_sheet.into_iter().flatten() {
        match counts.iter_mut().find(|(c, _)| c.key == u.key) {
            Some((_, n)) => *n += 1,
            None => counts.push((u, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(u, _)| u)
}

fn grid_rows(g: &crate::grid::Grid) -> impl Iterator<Item = Vec<String>> + '_ {
    (0..g.height.min(TITLE_ROWS)).map(move |r| {
        (0..g.width)
            .map(|c| g.value(Pos::new(r, c)))
            .filter(|v| !v.is_empty())
            .map(|v| v.display().into_owned())
            .collect()
    })
}

/// The unit a workbook already read names in its title rows; for a report document, the
/// unit its title page names (its first paragraphs before the first table).
pub fn unit_of_doc(doc: &Doc, rules: &Rules) -> Option<Unit> {
    let units = &rules.identity.units;
    if doc.is_report() {
        return unit_of_title(
            doc.paragraphs
                .iter()
                .take_while(|p| p.tables_before == 0)
                .take(TITLE_ROWS as usize)
                .map(|p| p.text.as_str()),
            units,
        );
    }
    most_named(doc.sheets.iter().map(|g| unit_in_rows(grid_rows(g), units)))
}

/// The unit of a report document's title page: the first of its paragraphs that names
/// one ("PEMERINTAH KABUPATEN MOJOKERTO KECAMATAN TRAWAS TAHUN 2024").
fn unit_of_title<'a>(
    paragraphs: impl IntoIterator<Item = &'a str>,
    units: &crate::rules::Units,
) -> Option<Unit> {
    paragraphs
        .into_iter()
        .find_map(|text| unit_in_text(text, units))
}

/// The unit most of a submission's workbooks name (ties: the first workbook's).
pub fn unit_of_docs(docs: &[Doc], rules: &Rules) -> Option<Unit> {
    most_named(docs.iter().map(|d| unit_of_doc(d, rules)))
}

/// The unit a workbook names, for [`Group::Unit`] before anything is checked. `.xlsx` and
/// `.xlsm` are streamed and only their first [`TITLE_ROWS`] rows of each sheet read (the
/// shared strings are still loaded); other formats are read whole through
/// [`read::read_workbook`] (calamine gives no cheaper way in), so a unit batch of `.xls`/
/// `.ods` files reads them twice. A report document names the unit of its title page: a
/// `.docx` is streamed only up to its first table or [`TITLE_ROWS`] paragraphs, a PDF is
/// read whole. An unreadable file names no unit.
pub fn unit_of_file(path: &Path, rules: &Rules) -> Option<Unit> {
    let units = &rules.identity.units;
    let is_document = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(read::Format::from_extension)
        .is_some_and(|f| f.is_document());
    if is_document {
        let opts = read_options(rules, false);
        let title = read::title_paragraphs(path, TITLE_ROWS, &opts, rules.checks.max_seconds)?;
        return unit_of_title(title.iter().map(String::as_str), units);
    }
    if let Some(sheets) = read::title_rows(path, TITLE_ROWS, &read_options(rules, false)) {
        return most_named(sheets.into_iter().map(|rows| unit_in_rows(rows, units)));
    }
    let opts = read_options(rules, false);
    let res = read::read_in_time(path, &opts, rules.checks.max_seconds).ok()?;
    most_named(
        res.workbook
            .sheets
            .iter()
            .map(|g| unit_in_rows(grid_rows(g), units)),
    )
}
