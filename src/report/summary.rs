//! `--summary FILE.xlsx` (or `.csv`): the batch at a glance, for an evaluator.
//!
//! Sheet 1 — one row per submission: unit, location, files, status, errors, warnings,
//! infos, the most serious finding, notes; sorted by errors (then warnings, then name).
//! Sheet 2 — every finding (unit, file, sheet, cell, code, severity, message, and for a
//! sentence of a report document its paragraph or page and line and the quote), the cell
//! linked to the annotated copy when there is one. Sheet 3 — counts per rule across the
//! batch (errors, warnings, infos, submissions affected): which mistakes are common.
//! Headers come from the catalogue (`summary.*`), Bahasa Indonesia by default.
//!
//! Memory: the submission rows (a few strings each) and the per-rule counts are kept
//! until the end, since sheet 1 is sorted; findings are written to sheet 2 as they come
//! (rust_xlsxwriter keeps the sheet's cells until the file is saved — its
//! `constant_memory` feature, not enabled here, would flush them row by row). A `.csv`
//! summary is sheet 1 only (UTF-8, comma separated, RFC 4180 quoting, CRLF line ends)
//! and keeps no findings at all.

use crate::catalog::Catalog;
use crate::finding::{Finding, Severity};
use rust_xlsxwriter::{Color, Format, FormatBorder, Url, Workbook, XlsxError};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One submission's line of sheet 1.
#[derive(Debug, Clone, Default)]
pub struct SubmissionRow {
    /// The unit named in the workbooks' titles, else the folder or file name.
    pub unit: String,
    /// The folder or workbook the submission came from.
    pub location: String,
    pub files: usize,
    /// Workbooks that could not be read.
    pub failed: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    /// The most serious finding, "CODE Sheet!A1: message".
    pub worst: Option<String>,
    /// Annotated copies not written, and the like.
    pub notes: Vec<String>,
}

/// One finding's line of sheet 2.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// `file:///path#'Sheet'!A1` into the annotated copy.
    pub link: Option<String>,
    /// A sentence of a report document: "paragraf 12" or "halaman 3, baris 14", and the
    /// sentence (`sheet` and `cell` empty). Empty for a cell.
    pub place: String,
    pub quote: String,
}

impl FindingRow {
    /// A finding's row, its message as the report shows it; `link` (into an annotated
    /// copy) is left out for a sentence, which has no cell to link to.
    pub fn new(f: &Finding, message: String, link: Option<String>, cat: &Catalog) -> FindingRow {
        let (sheet, cell, link, place, quote) = match &f.at.text {
            Some(t) => (
                String::new(),
                String::new(),
                None,
                crate::report::context::place_text(t, cat),
                t.quote.clone(),
            ),
            None => (
                f.at.sheet.clone(),
                f.at.cell.to_string(),
                link,
                String::new(),
                String::new(),
            ),
        };
        FindingRow {
            file: f.at.file.clone(),
            sheet,
            cell,
            code: f.code.to_string(),
            severity: f.severity,
            message,
            link,
            place,
            quote,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Xlsx(#[from] XlsxError),
}

#[derive(Debug, Default, Clone, Copy)]
struct RuleCount {
    error: usize,
    warning: usize,
    info: usize,
    submissions: usize,
}

enum Kind {
    Xlsx {
        workbook: Box<Workbook>,
        /// Next free row of the findings sheet.
        next_row: u32,
        links: usize,
        full: bool,
    },
    Csv,
}

/// Excel's limits: rows per sheet, hyperlinks per sheet, characters per cell.
const MAX_ROWS: u32 = 1_048_576;
const MAX_LINKS: usize = 65_530;
const MAX_CELL_CHARS: usize = 32_767;

const SHEET_SUBMISSIONS: usize = 0;
const SHEET_FINDINGS: usize = 1;
const SHEET_RULES: usize = 2;

pub struct SummaryWriter {
    path: PathBuf,
    kind: Kind,
    rows: Vec<SubmissionRow>,
    rules: BTreeMap<String, RuleCount>,
    header: Format,
}

/// Whether a path names a `.csv` summary (else `.xlsx`).
pub fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Whether a path has an extension a summary can be written as.
pub fn supported(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("xlsx"))
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        s.to_string()
    } else {
        s.chars().take(MAX_CELL_CHARS - 1).chain(['…']).collect()
    }
}

/// The severity as the catalogue says it.
pub fn severity_word(s: Severity, cat: &Catalog) -> String {
    cat.template(match s {
        Severity::Error => "summary.severity.error",
        Severity::Warning => "summary.severity.warning",
        Severity::Info => "summary.severity.info",
    })
}

impl SummaryWriter {
    /// Start a summary at `path` (`.csv` by extension, else `.xlsx`). Nothing is written
    /// to `path` before [`SummaryWriter::finish`].
    pub fn new(path: &Path, cat: &Catalog) -> Result<SummaryWriter, SummaryError> {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border_bottom(FormatBorder::Thin);
        let kind = if is_csv(path) {
            Kind::Csv
        } else {
            let mut workbook = Box::new(Workbook::new());
            // The fastest deflate: saving is the one step of a batch no core shares, and
            // the file comes out about half as large again, which costs nobody anything.
            workbook.set_zip_compression_level(1);
            // Sheets in order: SHEET_SUBMISSIONS, SHEET_FINDINGS, SHEET_RULES.
            // The findings sheet grows with the batch: written row by row to a temporary
            // file (constant memory) so that a regency's batch keeps little in memory.
            for name in [
                "summary.sheet.submissions",
                "summary.sheet.findings",
                "summary.sheet.rules",
            ] {
                let ws = if name == "summary.sheet.findings" {
                    workbook.add_worksheet_with_constant_memory()?
                } else {
                    workbook.add_worksheet()
                };
                ws.set_name(cat.template(name))?;
            }
            let ws = workbook.worksheet_from_index(SHEET_FINDINGS)?;
            let heads = findings_header(cat);
            for (c, h) in heads.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &header)?;
            }
            for (c, w) in [28.0, 30.0, 22.0, 8.0, 8.0, 11.0, 100.0, 18.0, 80.0]
                .iter()
                .enumerate()
            {
                ws.set_column_width(c as u16, *w)?;
            }
            ws.set_freeze_panes(1, 0)?;
            print_layout(ws)?;
            Kind::Xlsx {
                workbook,
                next_row: 1,
                links: 0,
                full: false,
            }
        };
        Ok(SummaryWriter {
            path: path.to_path_buf(),
            kind,
            rows: Vec::new(),
            rules: BTreeMap::new(),
            header,
        })
    }

    /// Whether [`SummaryWriter::add`] uses finding rows (not for `.csv`): callers may skip
    /// building them.
    pub fn wants_findings(&self) -> bool {
        matches!(self.kind, Kind::Xlsx { .. })
    }

    /// One submission, in the batch's order: its row, and its findings for sheet 2.
    pub fn add(
        &mut self,
        row: SubmissionRow,
        findings: &[FindingRow],
        cat: &Catalog,
    ) -> Result<(), SummaryError> {
        if let Kind::Xlsx {
            workbook,
            next_row,
            links,
            full,
        } = &mut self.kind
        {
            let mut codes: BTreeSet<&str> = BTreeSet::new();
            for f in findings {
                let c = self.rules.entry(f.code.clone()).or_default();
                match f.severity {
                    Severity::Error => c.error += 1,
                    Severity::Warning => c.warning += 1,
                    Severity::Info => c.info += 1,
                }
                codes.insert(&f.code);
            }
            for code in codes {
                if let Some(c) = self.rules.get_mut(code) {
                    c.submissions += 1;
                }
            }
            let ws = workbook.worksheet_from_index(SHEET_FINDINGS)?;
            for f in findings {
                if *full {
                    break;
                }
                let r = *next_row;
                if r == MAX_ROWS - 1 {
                    // The last row says the list stops here.
                    ws.write_string(r, 0, cat.template("summary.truncated"))?;
                    *full = true;
                    break;
                }
                ws.write_string(r, 0, clip(&row.unit))?;
                ws.write_string(r, 1, clip(&f.file))?;
                ws.write_string(r, 2, clip(&f.sheet))?;
                match &f.link {
                    Some(link) if *links < MAX_LINKS => {
                        ws.write_url_with_text(r, 3, Url::new(link.as_str()), f.cell.as_str())?;
                        *links += 1;
                    }
                    _ => {
                        ws.write_string(r, 3, &f.cell)?;
                    }
                }
                ws.write_string(r, 4, &f.code)?;
                ws.write_string(r, 5, severity_word(f.severity, cat))?;
                ws.write_string(r, 6, clip(&f.message))?;
                if !f.place.is_empty() {
                    ws.write_string(r, 7, &f.place)?;
                }
                if !f.quote.is_empty() {
                    ws.write_string(r, 8, clip(&f.quote))?;
                }
                *next_row += 1;
            }
        }
        self.rows.push(row);
        Ok(())
    }

    /// Sort sheet 1, write it and sheet 3, and save (to a temporary name, then renamed).
    pub fn finish(mut self, cat: &Catalog) -> Result<(), SummaryError> {
        self.rows.sort_by(|a, b| {
            b.error
                .cmp(&a.error)
                .then(b.warning.cmp(&a.warning))
                .then_with(|| a.unit.to_lowercase().cmp(&b.unit.to_lowercase()))
                .then_with(|| a.location.cmp(&b.location))
        });
        let tmp = temp_name(&self.path);
        let written = match &mut self.kind {
            Kind::Csv => write_csv(&tmp, &self.rows, cat),
            Kind::Xlsx {
                workbook, next_row, ..
            } => {
                let last_finding_row = next_row.saturating_sub(1);
                let ws = workbook.worksheet_from_index(SHEET_FINDINGS)?;
                ws.autofilter(0, 0, last_finding_row, 8)?;
                write_submissions(
                    workbook.worksheet_from_index(SHEET_SUBMISSIONS)?,
                    &self.rows,
                    &self.header,
                    cat,
                )?;
                write_rules(
                    workbook.worksheet_from_index(SHEET_RULES)?,
                    &self.rules,
                    &self.header,
                    cat,
                )?;
                workbook.save(&tmp).map_err(SummaryError::from)
            }
        };
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            SummaryError::Io(e)
        })
    }
}

/// Printed (or made a PDF): landscape, as wide as one page, the header on every page.
fn print_layout(ws: &mut rust_xlsxwriter::Worksheet) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "summary".into());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn submissions_header(cat: &Catalog) -> Vec<String> {
    [
        "summary.col.unit",
        "summary.col.location",
        "summary.col.files",
        "summary.col.status",
        "summary.col.errors",
        "summary.col.warnings",
        "summary.col.infos",
        "summary.col.worst",
        "summary.col.notes",
    ]
    .iter()
    .map(|k| cat.template(k))
    .collect()
}

fn findings_header(cat: &Catalog) -> Vec<String> {
    [
        "summary.col.unit",
        "summary.col.file",
        "summary.col.sheet",
        "summary.col.cell",
        "summary.col.code",
        "summary.col.severity",
        "summary.col.message",
        "summary.col.place",
        "summary.col.quote",
    ]
    .iter()
    .map(|k| cat.template(k))
    .collect()
}

fn rules_header(cat: &Catalog) -> Vec<String> {
    [
        "summary.col.code",
        "summary.col.rule",
        "summary.col.errors",
        "summary.col.warnings",
        "summary.col.infos",
        "summary.col.affected",
    ]
    .iter()
    .map(|k| cat.template(k))
    .collect()
}

/// "ok", or "2 gagal dibaca".
pub fn status_text(row: &SubmissionRow, cat: &Catalog) -> String {
    if row.failed == 0 {
        cat.template("summary.status.ok")
    } else {
        cat.template("summary.status.failed")
            .replace("{n}", &row.failed.to_string())
    }
}

fn write_submissions(
    ws: &mut rust_xlsxwriter::Worksheet,
    rows: &[SubmissionRow],
    header: &Format,
    cat: &Catalog,
) -> Result<(), XlsxError> {
    for (c, h) in submissions_header(cat).iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, header)?;
    }
    for (c, w) in [30.0, 36.0, 8.0, 14.0, 11.0, 11.0, 8.0, 90.0, 40.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    let red = Format::new()
        .set_font_color(Color::RGB(0xC00000))
        .set_bold();
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, clip(&r.unit))?;
        ws.write_string(row, 1, clip(&r.location))?;
        ws.write_number(row, 2, r.files as f64)?;
        if r.failed > 0 {
            ws.write_string_with_format(row, 3, status_text(r, cat), &red)?;
        } else {
            ws.write_string(row, 3, status_text(r, cat))?;
        }
        if r.error > 0 {
            ws.write_number_with_format(row, 4, r.error as f64, &red)?;
        } else {
            ws.write_number(row, 4, r.error as f64)?;
        }
        ws.write_number(row, 5, r.warning as f64)?;
        ws.write_number(row, 6, r.info as f64)?;
        // One line per submission (wrapped text needs row heights LibreOffice does not
        // recompute on opening).
        if let Some(w) = &r.worst {
            ws.write_string(row, 7, clip(w))?;
        }
        if !r.notes.is_empty() {
            ws.write_string(row, 8, clip(&r.notes.join("; ")))?;
        }
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, rows.len() as u32, 8)?;
    print_layout(ws)?;
    Ok(())
}

fn write_rules(
    ws: &mut rust_xlsxwriter::Worksheet,
    rules: &BTreeMap<String, RuleCount>,
    header: &Format,
    cat: &Catalog,
) -> Result<(), XlsxError> {
    for (c, h) in rules_header(cat).iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, header)?;
    }
    for (c, w) in [8.0, 70.0, 11.0, 11.0, 8.0, 14.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    // The commonest mistakes first: most submissions affected, then most findings.
    let mut list: Vec<(&String, &RuleCount)> = rules.iter().collect();
    list.sort_by(|a, b| {
        let total = |c: &RuleCount| c.error + c.warning + c.info;
        b.1.submissions
            .cmp(&a.1.submissions)
            .then(total(b.1).cmp(&total(a.1)))
            .then(a.0.cmp(b.0))
    });
    for (i, (code, c)) in list.iter().enumerate() {
        let row = i as u32 + 1;
        let title = crate::checks::rule(code)
            .map(|r| cat.template(r.title))
            .unwrap_or_default();
        ws.write_string(row, 0, code.as_str())?;
        ws.write_string(row, 1, title)?;
        ws.write_number(row, 2, c.error as f64)?;
        ws.write_number(row, 3, c.warning as f64)?;
        ws.write_number(row, 4, c.info as f64)?;
        ws.write_number(row, 5, c.submissions as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, list.len() as u32, 5)?;
    print_layout(ws)?;
    Ok(())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(path: &Path, rows: &[SubmissionRow], cat: &Catalog) -> Result<(), SummaryError> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let line = |fields: Vec<String>| {
        fields
            .iter()
            .map(|f| csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    out.write_all(line(submissions_header(cat)).as_bytes())?;
    for r in rows {
        out.write_all(
            line(vec![
                r.unit.clone(),
                r.location.clone(),
                r.files.to_string(),
                status_text(r, cat),
                r.error.to_string(),
                r.warning.to_string(),
                r.info.to_string(),
                r.worst.clone().unwrap_or_default(),
                r.notes.join("; "),
            ])
            .as_bytes(),
        )?;
    }
    out.flush()?;
    Ok(())
}

/// A link into an annotated copy, relative to the summary's folder when both are on the
/// same tree: `file:///../annotated/kec-a/lra.xlsx#'Tabel 3.2'!F6`.
pub fn link(summary: &Path, annotated: &Path, sheet: &str, cell: &str) -> String {
    let dir = match summary.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let target = relative_to(dir, annotated);
    let path = target.to_string_lossy().replace('\\', "/");
    format!("file:///{path}#'{}'!{cell}", sheet.replace('\'', "''"))
}

fn relative_to(dir: &Path, target: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (dir, target) = (abs(dir), abs(target));
    let d: Vec<_> = dir.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = d.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target;
    }
    let mut out = PathBuf::new();
    for _ in common..d.len() {
        out.push("..");
    }
    for c in t.iter().skip(common) {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_follows_rfc_4180() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn links_are_relative_to_the_summary() {
        let l = link(
            Path::new("/tmp/x/summary.xlsx"),
            Path::new("/tmp/x/annotated/kec-a/lra.xlsx"),
            "Tabel 3.2",
            "F6",
        );
        assert_eq!(l, "file:///annotated/kec-a/lra.xlsx#'Tabel 3.2'!F6");
        let l = link(
            Path::new("/tmp/x/out/summary.xlsx"),
            Path::new("/tmp/x/ann/a.xlsx"),
            "Bob's",
            "A1",
        );
        assert_eq!(l, "file:///../ann/a.xlsx#'Bob''s'!A1");
        // A summary named without a folder is in the current one.
        let l = link(
            Path::new("ringkasan.xlsx"),
            Path::new("ann/kec/a.xlsx"),
            "S",
            "B2",
        );
        assert_eq!(l, "file:///ann/kec/a.xlsx#'S'!B2");
    }

    #[test]
    fn the_findings_sheet_names_a_sentence_s_place_and_quote() {
        use crate::finding::{Location, Message, TextPlace};
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, crate::catalog::Lang::Id);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ringkasan.xlsx");
        let place = |paragraph, page: Option<(u32, u32)>| TextPlace {
            paragraph,
            page: page.map(|p| p.0),
            line: page.map(|p| p.1),
            quote: "Realisasi “anggaran” 92,81 %.".into(),
            figure: (0, 0),
        };
        let finding = |at| {
            Finding::new(
                "SL202",
                Severity::Error,
                Message::new("relation.mismatch"),
                at,
            )
        };
        let link = Some("file:///x.xlsx#'LRA'!E9".to_string());
        let rows = [
            FindingRow::new(
                &finding(Location::sentence("laporan.docx", place(12, None))),
                "m1".into(),
                link.clone(),
                &cat,
            ),
            FindingRow::new(
                &finding(Location::sentence("laporan.pdf", place(40, Some((3, 14))))),
                "m2".into(),
                None,
                &cat,
            ),
            FindingRow::new(
                &finding(Location::cell(
                    "lra.xlsx",
                    "LRA",
                    crate::grid::Pos::new(8, 4),
                )),
                "m3".into(),
                None,
                &cat,
            ),
        ];
        // A sentence has no cell to link to.
        assert_eq!(rows.first().and_then(|r| r.link.clone()), None);
        let mut w = SummaryWriter::new(&path, &cat).expect("writer");
        w.add(SubmissionRow::default(), &rows, &cat).expect("add");
        w.finish(&cat).expect("saved");
        let mut wb: Xlsx<_> = open_workbook(&path).expect("opens");
        let sheet = wb.worksheet_range("Temuan").expect("Temuan");
        let text = |r: u32, c: u32| match sheet.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        assert_eq!(text(0, 7), "Paragraf / Halaman");
        assert_eq!(text(0, 8), "Kutipan");
        assert_eq!((text(1, 2), text(1, 3)), (String::new(), String::new()));
        assert_eq!(text(1, 7), "paragraf 12");
        assert_eq!(text(1, 8), "Realisasi “anggaran” 92,81 %.");
        assert_eq!(text(2, 7), "halaman 3, baris 14");
        assert_eq!((text(3, 2), text(3, 3)), ("LRA".into(), "E9".into()));
        assert_eq!((text(3, 7), text(3, 8)), (String::new(), String::new()));
    }
}
