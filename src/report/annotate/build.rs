//! Building the copy: the order of its sheets, the "Temuan" sheet that lists the
//! findings, and the text of each finding's note.

use super::*;

/// What a cell of the copy carries besides its content.
#[derive(Default)]
pub(super) struct Mark {
    /// The most serious finding at this cell.
    pub(super) finding: Option<Severity>,
    /// The most serious finding naming this cell as related.
    pub(super) related: Option<Severity>,
    pub(super) notes: Vec<String>,
}

impl Mark {
    pub(super) fn colour(&self) -> Option<u32> {
        match (self.finding, self.related) {
            (Some(s), _) => Some(mark_colour(s, false)),
            (None, Some(s)) => Some(mark_colour(s, true)),
            _ => None,
        }
    }
}

/// The colour of each marked cell of a sheet; a mark on a merged cell also colours the
/// range's first cell, which is the one shown.
pub(super) fn colours_of(marks: &BTreeMap<Pos, Mark>, grid: Option<&Grid>) -> BTreeMap<Pos, u32> {
    let mut colour: BTreeMap<Pos, u32> = BTreeMap::new();
    for (p, m) in marks {
        if p.row > MAX_ROW || p.col > MAX_COL {
            continue;
        }
        if let Some(c) = m.colour() {
            colour.insert(*p, c);
            if let Some(r) = grid.and_then(|g| g.merge_at(*p))
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
    colour
}

pub(super) fn sheet_link(sheet: &str, cell: Pos) -> String {
    format!("internal:'{}'!{cell}", sheet.replace('\'', "''"))
}

pub(super) fn severity_word(cat: &Catalog, s: Severity) -> String {
    cat.template(match s {
        Severity::Error => "annotate.severity.error",
        Severity::Warning => "annotate.severity.warning",
        Severity::Info => "annotate.severity.info",
    })
}

/// The message as the JSON report shows it: table caption, message, help, assumptions.
pub(super) fn full_message(cat: &Catalog, f: &Finding) -> String {
    crate::report::json::message_text(f, cat)
}

/// Where a related cell is, as seen from the finding's sheet and file; a sentence of a
/// report document is its paragraph, "¶12".
pub(super) fn place(doc: &Doc, f: &Finding, at: &crate::finding::Location) -> String {
    let here = match &at.text {
        Some(t) => format!("¶{}", t.paragraph),
        None => format!("{}!{}", at.sheet, at.cell),
    };
    if at.file != doc.file {
        // The other workbook by its file name: the folder is the submission's.
        let file = Path::new(&at.file)
            .file_name()
            .map_or_else(|| at.file.clone(), |n| n.to_string_lossy().into_owned());
        format!("{file} › {here}")
    } else if at.text.is_some() || at.sheet != f.at.sheet {
        here
    } else {
        at.cell.to_string()
    }
}

pub(super) fn related_lines(cat: &Catalog, doc: &Doc, f: &Finding) -> Vec<String> {
    f.related
        .iter()
        .map(|r| format!("{} — {}", place(doc, f, &r.at), cat.render(&r.note)))
        .collect()
}

pub(super) fn note_text(cat: &Catalog, doc: &Doc, no: usize, f: &Finding) -> String {
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
pub(super) const MAX_TEXT: usize = 32_767;
pub(super) const MAX_NOTE: usize = 32_767 - 54;

pub(super) fn clip(s: &str, max_utf16: usize) -> String {
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
pub(super) fn sheet_names(original: &[String]) -> (String, Vec<String>) {
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
pub(super) enum Part<'a> {
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

pub(super) fn parts<'a>(doc: &'a Doc, findings: &[&Finding], styles: &StyleMap) -> Vec<Part<'a>> {
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

/// Marks and notes per sheet and cell: each finding's cell and, lighter, its related cells
/// of the same file, with the notes (numbered as the findings sheet numbers them).
pub(super) fn marks_of<'a>(
    doc: &Doc,
    mine: &[&'a Finding],
    cat: &Catalog,
) -> HashMap<&'a str, BTreeMap<Pos, Mark>> {
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

    marks
}

pub(super) fn build(
    doc: &Doc,
    findings: &[Finding],
    cat: &Catalog,
    styles: &StyleMap,
    from_excel: bool,
    preface: Option<&str>,
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

    let marks = marks_of(doc, &mine, cat);

    let mut wb = Workbook::new();
    let mut ws = findings_sheet(doc, &mine, cat, &findings_name, &written_of, preface)?;
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
                write_marks(&mut ws, sheet_marks, &BTreeMap::new())?;
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

pub(super) fn findings_sheet(
    doc: &Doc,
    mine: &[&Finding],
    cat: &Catalog,
    name: &str,
    written_of: &HashMap<&str, &str>,
    preface: Option<&str>,
) -> Result<Worksheet, rust_xlsxwriter::XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    // A first row saying what this rebuilt copy does not keep; the list starts below it.
    let top = u32::from(preface.is_some());
    if let Some(text) = preface {
        ws.write_string_with_format(0, 0, clip(text, MAX_TEXT), &Format::new().set_bold())?;
    }
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
        ws.write_string_with_format(top, c as u16, cat.template(id), &header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let mut severity_formats: HashMap<Severity, Format> = HashMap::new();
    for (i, f) in mine.iter().enumerate() {
        let row = (i + 1) as u32 + top;
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
        ws.write_string_with_format(top + 1, 5, cat.template("annotate.none"), &body)?;
        top + 1
    } else {
        (mine.len() as u32 + top).min(1_048_575)
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
    ws.set_freeze_panes(top + 1, 0)?;
    ws.autofilter(top, 0, last, (columns.len() - 1) as u16)?;
    ws.set_repeat_rows(top, top)?;
    print_setup(&mut ws);
    Ok(ws)
}

/// Printing: the input's page setup is not read, so every sheet prints landscape on A4,
/// one page wide.
pub(super) fn print_setup(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
}
