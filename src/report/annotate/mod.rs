//! `--annotate OUT`: an annotated copy of each workbook of a submission.
//!
//! A Word report (`.docx`/`.docm`) is not rebuilt as a workbook: its copy is its own
//! package with a Word comment on each finding (see [`docx`]); a PDF report gets no copy.
//!
//! An `.xlsx`/`.xlsm` workbook's copy is its own package, patched (see [`xlsx`]): every
//! part the marks do not touch is carried over byte for byte — the author's comments,
//! data validation, conditional formats, charts, images, frozen panes, defined names,
//! print titles, protection, hyperlinks, hidden and grouped rows and columns, tab colours,
//! page setup, an `.xlsm`'s macros (never run) — and the copy keeps the input's extension
//! (`OUT/lra.xlsm` for `lra.xlsm`). Inputs of one run that share a name are told apart by
//! their folders, see [`output_file_name`].
//!
//! Every copy holds:
//!
//! * a first sheet "Temuan" (or "Temuan (sakip-lint)" when the workbook has a "Temuan"
//!   already) listing the findings of that file: no, severity, code, sheet, cell (a link to
//!   the cell), message, expected, found, related cells; frozen header row and an autofilter;
//! * each finding's cell filled by severity (error red, warning orange, info blue) with a
//!   note: the message, expected and found values, the related cells; cells named in
//!   `related` filled in a lighter shade of the same colour, with a short note. In a
//!   patched copy the fill is a clone of the cell's own format (number format, font,
//!   borders, alignment kept), and a note on a cell the author already commented is added
//!   after a separator line, the author's text kept.
//!
//! An `.xls`, `.ods` or `.xlsb` input — or an `.xlsx` whose package cannot be patched
//! (said on stderr and in the copy) — gets a new `.xlsx` rebuilt cell by cell (see
//! [`write_rebuilt_for`]; `OUT/lra.xlsx` for `lra.xls`): every sheet in order, hidden ones
//! hidden, every value (numbers as numbers, text as text, booleans, error values),
//! formulas with their cached results, merged ranges, column widths and row heights where
//! the reader knows them, and the cell styles the reader gives (see
//! [`crate::read::read_styles`]). Its Temuan sheet opens with a row saying what it does not
//! keep (catalogue `annotate.rebuilt`): dates stay the ISO text the reader gives
//! (`2024-12-31`); charts, images, conditional formats, data validation, print settings,
//! frozen panes, comments, defined names, protection, hyperlinks and macros of the input
//! are lost; a sheet the reader refused (too large) is an empty placeholder carrying a
//! note.
//!
//! The input is never written: the copy goes to a temporary file in OUT and is renamed into
//! place, and an OUT path that is (or resolves to) an input file is refused.

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
    /// A Word document's package could not be patched (a part missing, unreadable, over
    /// the reading limit, or not well-formed XML); `path` is the copy not written.
    #[error("cannot build {}: {detail}", path.display())]
    Package { path: PathBuf, detail: String },
}

impl AnnotateError {
    /// Stable id of the message for this error (for the message catalogue).
    pub fn message_id(&self) -> &'static str {
        match self {
            AnnotateError::WouldOverwrite { .. } => "annotate.would-overwrite",
            AnnotateError::Io { .. } => "annotate.io",
            AnnotateError::Xlsx { .. } | AnnotateError::Package { .. } => "annotate.xlsx",
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
            AnnotateError::Xlsx { path, detail } | AnnotateError::Package { path, detail } => m
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

/// Is the copy of this file its own package patched (`.xlsx`, `.xlsm`, `.docx`, `.docm`),
/// so that reading it needs no formula texts?
pub fn copy_is_patched(path: &Path) -> bool {
    docx::is_word_file(path) || xlsx::is_package_workbook(path)
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
    if docx::is_word_file(source) {
        return docx::write_docx_copy(doc, findings, out_dir, cat, inputs);
    }
    if xlsx::is_package_workbook(source) {
        return xlsx::write_xlsx_copy(doc, findings, out_dir, cat, inputs);
    }
    write_rebuilt_for(doc, findings, out_dir, cat, inputs)
}

/// The copy rebuilt cell by cell with rust_xlsxwriter from what the reader gives (the copy
/// of `.xls`, `.ods`, `.xlsb` inputs; for `.xlsx`/`.xlsm` only when the package cannot be
/// patched). Its findings sheet opens with a row saying what such a copy does not keep.
/// Callable for any workbook (benchmarks compare it with the patched copy).
#[doc(hidden)]
pub fn write_rebuilt_for(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &Inputs,
) -> Result<PathBuf, AnnotateError> {
    rebuild(
        doc,
        findings,
        out_dir,
        cat,
        inputs,
        &cat.template("annotate.rebuilt"),
    )
}

/// [`write_rebuilt_for`] with `preface` as the findings sheet's first row.
fn rebuild(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &Inputs,
    preface: &str,
) -> Result<PathBuf, AnnotateError> {
    let source = Path::new(&doc.file);
    let (name, output) = inputs.prepare_output(source, "xlsx", out_dir)?;

    // Styles are a nicety: a file whose styles cannot be read is copied without them.
    let styles = read::read_styles(source, inputs.read_options()).unwrap_or_default();
    let from_excel = read::formulas_in_excel_syntax(source);
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| AnnotateError::Xlsx {
        path: output.clone(),
        detail: e.to_string(),
    };
    let mut wb = build(doc, findings, cat, &styles, from_excel, Some(preface)).map_err(xlsx_err)?;
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    put_in_place(out_dir, &name, &output, source, inputs, &bytes)
}

/// Write `bytes` to a new temporary file in `out_dir`, then rename it to `output` (named
/// `name`), checking once more just before that `output` is no input.
fn put_in_place(
    out_dir: &Path,
    name: &str,
    output: &Path,
    source: &Path,
    inputs: &Inputs,
    bytes: &[u8],
) -> Result<PathBuf, AnnotateError> {
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
        // Not forced to disk copy by copy: an fsync each tripled the time of a regency's
        // copies, and a copy is made again by running again (the input is never touched).
        f.write_all(bytes)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(&tmp, e));
    }
    // The last check, just before the rename.
    if let Err(e) = inputs.check_not_input(output, source) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&tmp, output) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(output, e));
    }
    Ok(output.to_path_buf())
}

fn io_err(path: &Path, source: std::io::Error) -> AnnotateError {
    AnnotateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

mod build;
mod docx;
mod names;
mod package;
mod sheet;
mod xlsx;

use build::*;
pub use names::{Inputs, copy_extension, output_file_name};
use sheet::*;

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
