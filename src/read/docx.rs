//! A Word report (`.docx`/`.docm`): the main document part read in body order into
//! paragraphs and tables. Macros are never run (only XML parts are read).
//!
//! What counts, so that a finding's "paragraph 12" or "Tabel 3, C4" is the same place for
//! the reader, the annotated copy and the person looking:
//! * paragraph N is the N-th `w:p` directly in `w:body` (or in a top-level content
//!   control's `w:sdtContent`), empty ones included; paragraphs in tables are not counted;
//! * table k is the k-th top-level `w:tbl`; a table nested in a cell is part of that
//!   cell's text;
//! * a cell's column is the sum of the `w:gridSpan`s before it in its row plus the row's
//!   `w:gridBefore`; a `w:gridSpan` becomes a merged range across, a `w:vMerge` chain a
//!   merged range down, with the text at its top-left.
//!
//! Text is what Word shows with tracked changes accepted: inserted runs kept, `w:del` and
//! `w:moveFrom` dropped; field codes (`w:instrText`), headers, footers, footnotes and
//! comments are not body text; a `w:tab` or a line break is a space. Numbered-list
//! numbers are Word's (`w:numPr`), not text, so they never reach the paragraph.

use std::io::{Read, Seek};

use quick_xml::events::Event;

use super::OpenFailure;
use super::guard::Budget;
use super::xlsx::{attr, xml_attrs, zip_entry};
use crate::grid::{Cell, Grid, Paragraph, Pos, Range, Value};

/// Read a Word document's body: its tables (as grids "Tabel 1" …) and paragraphs. The
/// main part is inflated within `max_inflated` bytes whatever the zip directory declares
/// (a part whose declared size lies is refused by the zip reader, or stopped here).
pub(super) fn read_docx<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    budget: &mut Budget,
    max_inflated: u64,
) -> Result<(Vec<Grid>, Vec<Paragraph>), OpenFailure> {
    if super::xlsx::zip_index(zip, "EncryptedPackage").is_some() {
        return Err(OpenFailure::Encrypted);
    }
    let part = docx_main_part(zip).map_err(OpenFailure::Corrupt)?;
    let index = super::xlsx::zip_index(zip, &part)
        .ok_or_else(|| OpenFailure::Corrupt(format!("no {part} in the package")))?;
    let file = zip
        .by_index(index)
        .map_err(|e| OpenFailure::Corrupt(format!("{part}: {e}")))?;
    let mut xml = Vec::with_capacity(usize::try_from(file.size().min(1 << 26)).unwrap_or(0));
    file.take(max_inflated.saturating_add(1))
        .read_to_end(&mut xml)
        .map_err(|e| OpenFailure::Corrupt(format!("{part}: {e}")))?;
    if xml.len() as u64 > max_inflated {
        return Err(OpenFailure::Inflated(xml.len() as u64));
    }
    parse_body(&xml[..], budget, None)
}

/// Whether a zip package is a Word document at all (a main document part, or any part
/// under `word/`, or a WordprocessingML content type): otherwise it is a zip of something
/// else named .docx, not a damaged document.
pub(super) fn is_word_package<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    if zip
        .file_names()
        .flatten()
        .any(|n| n.len() > 5 && n.get(..5).is_some_and(|w| w.eq_ignore_ascii_case("word/")))
    {
        return true;
    }
    zip_entry(zip, "[Content_Types].xml", 1 << 20)
        .is_some_and(|(_, b)| memchr::memmem::find(&b, b"wordprocessingml").is_some())
}

/// The main document part, as the package's relationships name it (`word/document.xml`
/// unless they say otherwise), as a part name. A target that climbs out of the package
/// (`../../x`) is refused: the reader and the annotated copy read parts only from inside
/// the package, and must agree on which part is the body.
pub fn docx_main_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<String, String> {
    let rels = zip_entry(zip, "_rels/.rels", 1 << 20)
        .map(|(_, b)| b)
        .unwrap_or_default();
    let mut xml = quick_xml::Reader::from_reader(&rels[..]);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let a = xml_attrs(&e);
                if attr(&a, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
                    && let Some(target) = attr(&a, "Target")
                {
                    return part_name(target).ok_or_else(|| {
                        format!("the main document part {target:?} lies outside the package")
                    });
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    Ok("word/document.xml".to_string())
}

/// A relationship target of the package root as a part name (`.` and `..` resolved);
/// None when it climbs above the root or names nothing.
fn part_name(target: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in target.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A cell of a Word table as read: where it starts, how far it spans, its text.
struct TableCell {
    col: u32,
    span: u32,
    /// `w:vMerge`: None (no merge), Some(true) restarts a merge, Some(false) continues one.
    vmerge: Option<bool>,
    text: String,
    /// The grid columns a row skips (`w:gridBefore`), not a cell.
    filler: bool,
}

/// What the parser is inside of, from the body down.
#[derive(Default)]
struct State {
    paragraphs: Vec<Paragraph>,
    tables: Vec<Grid>,
    /// Top-level paragraphs seen (empty ones counted).
    paragraph_count: u32,
    /// The top-level paragraph being read.
    paragraph: Option<String>,
    /// Table nesting: 0 outside tables, 1 in a top-level table, more in nested ones.
    table_depth: u32,
    rows: Vec<Vec<TableCell>>,
    cell: Option<TableCell>,
    /// Text of the current cell's paragraphs, joined by line breaks.
    cell_paragraph: String,
    /// Depth of `w:del`/`w:moveFrom`/`mc:Fallback`/`w:instrText`… whose text is not shown.
    hidden: u32,
    /// Inside a `w:t` (or `w:delText` when hidden) whose text is collected.
    in_text: bool,
    /// Depth of `w:tabs` (tab stops, not tabs) around: kept as a count so that a tab deep
    /// in nested tables costs no walk up the open elements.
    in_tabs: u32,
    /// The open elements, as how deep they are: their count, and how many of them from
    /// the root are `w:document`, `w:body`, then only `w:sdt`/`w:sdtContent` (the elements
    /// that hold the body's top level). Counts, not names, so that deep nesting costs
    /// nothing per element.
    depth: usize,
    top_depth: usize,
}

impl State {
    /// Whether an element opening now is at the body's top level: body > p, or body > sdt
    /// > sdtContent > p (any depth of top-level controls).
    fn at_top_level(&self) -> bool {
        self.depth >= 2 && self.top_depth == self.depth
    }

    fn enter(&mut self, name: &[u8]) {
        let holds_top = match self.depth {
            0 => name == b"document",
            1 => name == b"body",
            _ => name == b"sdt" || name == b"sdtContent",
        };
        if holds_top && self.top_depth == self.depth {
            self.top_depth += 1;
        }
        self.depth += 1;
    }

    fn leave(&mut self) {
        if self.top_depth == self.depth {
            self.top_depth = self.top_depth.saturating_sub(1);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Where text being read goes: the cell's paragraph, else the top-level paragraph.
    fn push_text(&mut self, s: &str) {
        if self.hidden > 0 {
            return;
        }
        if self.table_depth > 0 {
            self.cell_paragraph.push_str(s);
        } else if let Some(p) = &mut self.paragraph {
            p.push_str(s);
        }
    }
}

/// The title page of a Word document: its first `count` top-level paragraphs before the
/// first table, streamed from the package (the rest of the main part is not inflated).
/// None when the package is no Word document or its main part cannot be read.
pub(super) fn read_title<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    count: u32,
    max_inflated: u64,
) -> Option<Vec<Paragraph>> {
    if !is_word_package(zip) {
        return None;
    }
    let part = docx_main_part(zip).ok()?;
    let index = super::xlsx::zip_index(zip, &part)?;
    let file = zip.by_index(index).ok()?;
    let xml = std::io::BufReader::new(file.take(max_inflated));
    let mut budget = Budget {
        per_sheet: 0,
        total_left: 0,
    };
    parse_body(xml, &mut budget, Some(count))
        .ok()
        .map(|(_, paragraphs)| paragraphs)
}

/// The body of a main part. With `title: Some(n)`, only the title page: reading stops at
/// the first top-level table or after the n-th top-level paragraph (no table is kept).
fn parse_body<X: std::io::BufRead>(
    xml: X,
    budget: &mut Budget,
    title: Option<u32>,
) -> Result<(Vec<Grid>, Vec<Paragraph>), OpenFailure> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut st = State::default();
    let mut buf = Vec::new();
    let mut saw_body = false;
    let mut events = 0u64;
    loop {
        events += 1;
        if events.is_multiple_of(super::cells::STOP_EVERY) && super::timed::stop_requested() {
            return Err(OpenFailure::Corrupt(super::cells::STOPPED.into()));
        }
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| OpenFailure::Corrupt(format!("word/document.xml: {e}")))?;
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let name = local.as_ref().as_bytes();
                if name == b"body" {
                    saw_body = true;
                }
                let top = st.at_top_level();
                open(&mut st, name, &e, top);
                st.enter(name);
            }
            Event::Empty(e) => {
                let local = e.local_name();
                let name = local.as_ref().as_bytes();
                let top = st.at_top_level();
                open(&mut st, name, &e, top);
                close(&mut st, name, budget);
            }
            Event::End(e) => {
                let local = e.local_name();
                st.leave();
                close(&mut st, local.as_ref().as_bytes(), budget);
            }
            Event::Text(t) if st.in_text => {
                let text = t.xml10_content();
                st.push_text(&text);
            }
            Event::GeneralRef(r) if st.in_text => {
                // An entity reference in a w:t: the predefined ones and character references.
                let shown = match &*r {
                    "amp" => Some("&".to_string()),
                    "lt" => Some("<".to_string()),
                    "gt" => Some(">".to_string()),
                    "quot" => Some("\"".to_string()),
                    "apos" => Some("'".to_string()),
                    _ => r.resolve_char_ref().ok().flatten().map(|c| c.to_string()),
                };
                if let Some(s) = shown {
                    st.push_text(&s);
                }
            }
            Event::CData(t) if st.in_text => {
                st.push_text(&t);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        if let Some(n) = title
            && (st.table_depth > 0 || st.paragraph_count > n)
        {
            return Ok((Vec::new(), st.paragraphs));
        }
    }
    if !saw_body {
        return Err(OpenFailure::Corrupt("word/document.xml has no body".into()));
    }
    Ok((st.tables, st.paragraphs))
}

/// An element opens.
fn open(st: &mut State, name: &[u8], e: &quick_xml::events::BytesStart<'_>, top: bool) {
    match name {
        b"del" | b"moveFrom" | b"Fallback" | b"instrText" | b"delText" | b"delInstrText" => {
            st.hidden += 1
        }
        b"p" if top && st.table_depth == 0 => {
            st.paragraph_count += 1;
            st.paragraph = Some(String::new());
        }
        b"tbl" => {
            st.table_depth += 1;
            if st.table_depth == 1 {
                st.rows.clear();
            } else {
                // A nested table's text joins its cell's text.
                sep(&mut st.cell_paragraph, '\n');
            }
        }
        b"tr" if st.table_depth == 1 => st.rows.push(Vec::new()),
        b"gridBefore" if st.table_depth == 1 => {
            let a = xml_attrs(e);
            let n = attr(&a, "val")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0);
            // Cells of this row start after the skipped grid columns.
            if let Some(row) = st.rows.last_mut()
                && row.is_empty()
            {
                row.push(TableCell {
                    col: 0,
                    span: n.min(1024),
                    vmerge: None,
                    text: String::new(),
                    filler: true,
                });
            }
        }
        b"tc" if st.table_depth == 1 => {
            let col = st.rows.last().map_or(0, |r| {
                r.iter().map(|c| c.span).fold(0u32, u32::saturating_add)
            });
            st.cell = Some(TableCell {
                col,
                span: 1,
                vmerge: None,
                text: String::new(),
                filler: false,
            });
            st.cell_paragraph.clear();
        }
        b"gridSpan" if st.table_depth == 1 => {
            let a = xml_attrs(e);
            if let (Some(c), Some(n)) = (
                &mut st.cell,
                attr(&a, "val").and_then(|v| v.parse::<u32>().ok()),
            ) {
                c.span = n.clamp(1, 1024);
            }
        }
        b"vMerge" if st.table_depth == 1 => {
            let a = xml_attrs(e);
            if let Some(c) = &mut st.cell {
                c.vmerge = Some(attr(&a, "val") == Some("restart"));
            }
        }
        b"t" => st.in_text = st.hidden == 0,
        b"tabs" => st.in_tabs += 1,
        b"tab" | b"br" | b"cr" if st.hidden == 0 && st.in_tabs == 0 => st.push_text(" "),
        b"noBreakHyphen" => st.push_text("-"),
        _ => {}
    }
}

/// An element closes.
fn close(st: &mut State, name: &[u8], budget: &mut Budget) {
    match name {
        b"del" | b"moveFrom" | b"Fallback" | b"instrText" | b"delText" | b"delInstrText" => {
            st.hidden = st.hidden.saturating_sub(1)
        }
        b"t" => st.in_text = false,
        b"tabs" => st.in_tabs = st.in_tabs.saturating_sub(1),
        b"p" if st.table_depth > 0 => {
            // A paragraph in a cell: the cell's text gets a line break between paragraphs.
            let text = std::mem::take(&mut st.cell_paragraph);
            let text = text.trim();
            if let Some(c) = &mut st.cell
                && !text.is_empty()
            {
                sep(&mut c.text, '\n');
                c.text.push_str(text);
            }
        }
        b"p" if st.table_depth == 0 && st.at_top_level() => {
            if let Some(text) = st.paragraph.take() {
                let text = collapse_spaces(&text);
                if !text.is_empty() {
                    st.paragraphs.push(Paragraph {
                        number: st.paragraph_count,
                        text,
                        tables_before: st.tables.len() as u32,
                        lines: Vec::new(),
                    });
                }
            }
        }
        b"tc" if st.table_depth == 1 => {
            if let (Some(mut c), Some(row)) = (st.cell.take(), st.rows.last_mut()) {
                c.text = c.text.trim().to_string();
                row.push(c);
            }
        }
        b"tbl" => {
            st.table_depth = st.table_depth.saturating_sub(1);
            if st.table_depth == 0 {
                let rows = std::mem::take(&mut st.rows);
                let name = format!("Tabel {}", st.tables.len() + 1);
                if let Some(g) = table_grid(name, rows, budget) {
                    st.tables.push(g);
                } else {
                    // Over the cell budget: an empty placeholder keeps the numbering.
                    st.tables
                        .push(Grid::new(format!("Tabel {}", st.tables.len() + 1), 0, 0));
                }
            }
        }
        _ => {}
    }
}

/// A Word table's rows as a grid: spans expanded into merged ranges, text at the top-left.
fn table_grid(name: String, rows: Vec<Vec<TableCell>>, budget: &mut Budget) -> Option<Grid> {
    let height = u32::try_from(rows.len()).ok()?;
    let width = rows
        .iter()
        .map(|r| r.iter().map(|c| c.span).fold(0u32, u32::saturating_add))
        .max()
        .unwrap_or(0);
    let cells = u64::from(height) * u64::from(width);
    if cells > budget.current() {
        return None;
    }
    budget.spend(cells);
    let mut g = Grid::new(name, height, width);
    // Open vertical merges by column: the range started at a restart cell.
    let mut open_down: std::collections::HashMap<u32, usize> = Default::default();
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32;
        for c in row.into_iter().filter(|c| !c.filler) {
            match c.vmerge {
                Some(false) => {
                    // Continues the merge above: extend it (its text is the restart cell's).
                    if let Some(&k) = open_down.get(&c.col)
                        && let Some(m) = g.merges.get_mut(k)
                    {
                        m.end.row = r;
                    }
                    continue;
                }
                Some(true) => {
                    open_down.insert(c.col, g.merges.len());
                    g.merges.push(Range {
                        start: Pos::new(r, c.col),
                        end: Pos::new(r, c.col + c.span - 1),
                    });
                }
                None => {
                    open_down.remove(&c.col);
                    if c.span > 1 {
                        g.merges.push(Range {
                            start: Pos::new(r, c.col),
                            end: Pos::new(r, c.col + c.span - 1),
                        });
                    }
                }
            }
            if !c.text.is_empty() {
                g.set(
                    Pos::new(r, c.col),
                    Cell {
                        value: Value::Text(c.text),
                        formula: None,
                    },
                );
            }
        }
    }
    // A restart that nothing continued, one column wide, is no merge.
    g.merges.retain(|m| m.start != m.end);
    Some(g)
}

fn sep(s: &mut String, c: char) {
    if !s.is_empty() && !s.ends_with(c) {
        s.push(c);
    }
}

/// Runs of spaces (from tabs, breaks and the author's spacing) as one, trimmed.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}<w:sectPr/></w:body></w:document>"#
        )
        .into_bytes()
    }

    fn read(inner: &str) -> (Vec<Grid>, Vec<Paragraph>) {
        let opts = super::super::ReadOptions::default();
        let mut budget = Budget::new(&opts);
        parse_body(&body(inner)[..], &mut budget, None).unwrap()
    }

    #[test]
    fn paragraphs_in_order_with_tracked_changes_accepted() {
        let (tables, paras) = read(concat!(
            r#"<w:p><w:r><w:t>Realisasi </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>95,</w:t></w:r><w:r><w:t>02 %</w:t></w:r></w:p>"#,
            r#"<w:p/>"#,
            r#"<w:p><w:ins><w:r><w:t xml:space="preserve">baru </w:t></w:r></w:ins><w:del><w:r><w:delText>lama </w:delText></w:r></w:del><w:r><w:t>teks</w:t><w:tab/><w:t>&amp; lagi</w:t></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>7</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#,
        ));
        let texts: Vec<(u32, &str, u32)> = paras
            .iter()
            .map(|p| (p.number, p.text.as_str(), p.tables_before))
            .collect();
        assert_eq!(
            texts,
            vec![
                (1, "Realisasi 95,02 %", 0),
                (3, "baru teks & lagi", 0),
                (4, "7", 1)
            ]
        );
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].name, "Tabel 1");
    }

    #[test]
    fn spans_become_merged_ranges() {
        let cell = |t: &str, pr: &str| {
            format!(r#"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"#)
        };
        let xml = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("No", r#"<w:vMerge w:val="restart"/>"#),
            cell("Target", r#"<w:gridSpan w:val="2"/>"#),
            cell("", "<w:vMerge/>"),
            cell("2023", ""),
            cell("2024", ""),
            cell("1", ""),
            cell("88,31", ""),
            cell("91%", ""),
        );
        let (tables, paras) = read(&xml);
        assert!(paras.is_empty());
        let g = &tables[0];
        assert_eq!((g.height, g.width), (3, 3));
        assert_eq!(g.text(Pos::new(0, 1)), "Target");
        assert_eq!(g.text(Pos::new(1, 2)), "2024");
        assert_eq!(g.text(Pos::new(2, 2)), "91%");
        assert_eq!(
            g.merges,
            vec![
                Range {
                    start: Pos::new(0, 0),
                    end: Pos::new(1, 0)
                },
                Range {
                    start: Pos::new(0, 1),
                    end: Pos::new(0, 2)
                },
            ]
        );
    }

    #[test]
    fn a_nested_table_is_text_of_its_cell_and_paragraphs_inside_tables_do_not_count() {
        let xml = concat!(
            r#"<w:p><w:r><w:t>satu</w:t></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>luar</w:t></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>dalam</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            r#"<w:p/></w:tc></w:tr></w:tbl>"#,
            r#"<w:sdt><w:sdtContent><w:p><w:r><w:t>dua</w:t></w:r></w:p></w:sdtContent></w:sdt>"#,
        );
        let (tables, paras) = read(xml);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].text(Pos::new(0, 0)), "luar\ndalam");
        let numbers: Vec<u32> = paras.iter().map(|p| p.number).collect();
        assert_eq!(numbers, vec![1, 2]);
    }

    #[test]
    fn malformed_xml_is_corrupt_not_a_panic() {
        let opts = super::super::ReadOptions::default();
        let mut budget = Budget::new(&opts);
        assert!(matches!(
            parse_body(
                &b"<w:document><w:body><w:p></w:body>"[..],
                &mut budget,
                None
            ),
            Err(OpenFailure::Corrupt(_))
        ));
        assert!(matches!(
            parse_body(&b"<x/>"[..], &mut budget, None),
            Err(OpenFailure::Corrupt(_))
        ));
    }
}
