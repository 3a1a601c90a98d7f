//! The annotated copy of a Word report (`.docx`/`.docm`): the input package patched, with
//! a Word comment on each finding of that file.
//!
//! Every part of the package is carried over byte for byte (its compressed data copied
//! raw: images, styles, numbering, headers, footers, a `.docm`'s `vbaProject.bin` — macros
//! are never run), except four:
//!
//! * `word/document.xml`, streamed event by event (never re-serialised through a tree; the
//!   root's namespace declarations are untouched): a `w:commentRangeStart` at the start of
//!   the finding's paragraph (after its `w:pPr`), a `w:commentRangeEnd` and a run holding
//!   the `w:commentReference` at its end. A finding in a table cell marks the first
//!   paragraph of the cell; a finding inside a merged area marks its top-left cell.
//! * the comments part (`word/comments.xml`): created, or, when the document has comments
//!   already, the new ones appended after the author's, with ids above every `w:id` of
//!   the document and its comments. Author "sakip-lint", initials "SL", a fixed date
//!   ([`COMMENT_DATE`]) so that a copy is the same on every run; the text is the note a
//!   workbook copy gives the finding's cell (severity, code, message, expected and found
//!   values, related places), one paragraph per line.
//! * `word/_rels/document.xml.rels` and `[Content_Types].xml`: the relationship to the
//!   comments part and its content type, added when absent.
//!
//! Numbering follows the reader: paragraph N is the N-th `w:p` child of `w:body` (the `w:p`
//! children of a top-level `w:sdt`'s `w:sdtContent` count as top level; empty paragraphs
//! count; paragraphs in tables do not); sheet "Tabel k" is the k-th top-level `w:tbl`, a
//! cell's column is the sum of the `w:gridSpan` of the cells before it in its row plus the
//! row's `w:gridBefore`, its row the index of its `w:tr`, and a `w:vMerge` cell without
//! `w:val="restart"` continues the cell above.
//!
//! A finding whose place is not in the document (a paragraph number past the last, a table
//! or cell that is not there) is a comment on the first body paragraph whose first line
//! (`annotate.place-not-found` in rules/messages.toml) says where it points. A finding of another file is not written in this copy.
//!
//! A PDF report gets no copy (nothing is patched into a PDF): the findings are in the report
//! only, and the caller skips `.pdf` documents.
//!
//! The main part is the one `_rels/.rels` names, found as the reader finds it
//! ([`read::docx_main_part`]: `word/document.xml` unless the package says otherwise, a
//! name that climbs out of the package refused), so that the copy marks the paragraphs
//! that were read. Every part is read within the inflated-size limit, whatever its size
//! in the zip directory says.
//!
//! Limits: a document bound to the main namespace only as the default namespace (no
//! prefix) is not supported (Word never writes one).

use super::package::*;
use super::*;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};
use std::io::{Read, Seek};

/// The comments' author and initials.
pub const COMMENT_AUTHOR: &str = "sakip-lint";
pub const COMMENT_INITIALS: &str = "SL";
/// The date of every comment: fixed, so that two runs give the same copy.
pub const COMMENT_DATE: &str = "2025-01-01T00:00:00Z";

const COMMENTS_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const MAIN_NS_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_REL_STRICT: &str =
    "http://purl.oclc.org/ooxml/officeDocument/relationships/comments";

/// A Word document by its extension (`.docx`, `.docm`, any case): its copy is a patched
/// package, not a workbook.
pub(super) fn is_word_file(path: &Path) -> bool {
    word_extension(path).is_some()
}

fn word_extension(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "docx" => Some("docx"),
        "docm" => Some("docm"),
        _ => None,
    }
}

/// Write the annotated copy of the Word document `doc` into `out_dir` (the copy of
/// `laporan.docx` is `OUT/laporan.docx`, named as workbook copies are), with a comment on
/// each finding of that file. Returns the path written.
pub(super) fn write_docx_copy(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &Inputs,
) -> Result<PathBuf, AnnotateError> {
    let source = Path::new(&doc.file);
    let ext = word_extension(source).unwrap_or("docx");
    let (name, output) = inputs.prepare_output(source, ext, out_dir)?;

    let package_err = |detail: String| AnnotateError::Package {
        path: output.clone(),
        detail,
    };
    let file = std::fs::File::open(source).map_err(|e| package_err(e.to_string()))?;
    let limit = inputs.read_options().max_inflated_bytes;
    let comments = comments_of(doc, findings, cat);
    let bytes = patch_package(std::io::BufReader::new(file), &comments, limit)
        .map_err(|e| package_err(format!("{}: {e}", source.display())))?;
    put_in_place(out_dir, &name, &output, source, inputs, &bytes)
}

/// Where a comment goes, as the finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// 1-based top-level paragraph.
    Paragraph(u32),
    /// 0-based top-level table and the cell's position in its grid.
    Cell { table: usize, pos: Pos },
    /// Neither (a sheet that is no "Tabel k", or no place at all).
    Nowhere,
}

/// One comment to write: where, the line saying so if the place is not found, and the
/// text's lines (one paragraph each).
#[derive(Debug, Clone)]
pub(super) struct Comment {
    pub(super) place: Place,
    pub(super) not_found: String,
    pub(super) lines: Vec<String>,
}

/// The comments for the findings of `doc`'s file, in the findings' order (numbered as the
/// workbook copies number their notes).
pub(super) fn comments_of(doc: &Doc, findings: &[Finding], cat: &Catalog) -> Vec<Comment> {
    findings
        .iter()
        .filter(|f| f.at.file == doc.file)
        .enumerate()
        .map(|(i, f)| {
            let (place, where_text) = match &f.at.text {
                Some(t) => (Place::Paragraph(t.paragraph), format!("¶{}", t.paragraph)),
                None => {
                    let table =
                        f.at.sheet
                            .strip_prefix("Tabel ")
                            .and_then(|k| k.parse::<usize>().ok())
                            .and_then(|k| k.checked_sub(1));
                    let place = match table {
                        Some(table) => Place::Cell {
                            table,
                            pos: f.at.cell,
                        },
                        None => Place::Nowhere,
                    };
                    (place, format!("{}!{}", f.at.sheet, f.at.cell))
                }
            };
            Comment {
                place,
                not_found: cat
                    .render(&Message::new("annotate.place-not-found").text("place", where_text)),
                lines: note_text(cat, doc, i + 1, f)
                    .split('\n')
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

/// The input package (`input`) with `comments` written in, as the bytes of a new package.
pub(super) fn patch_package<R: Read + Seek>(
    input: R,
    comments: &[Comment],
    limit: u64,
) -> Result<Vec<u8>, Fail> {
    let mut pkg = Package::open(input, limit)?;
    let document_part = read::docx_main_part(&mut pkg.zip)?;
    let doc_index = pkg
        .find(&document_part)
        .ok_or_else(|| format!("no {document_part}"))?;
    let types_index = pkg
        .find(CONTENT_TYPES)
        .ok_or_else(|| format!("no {CONTENT_TYPES}"))?;
    // The document's relationships and a new comments part sit in its folder.
    let folder = document_part
        .rsplit_once('/')
        .map_or(String::new(), |(f, _)| format!("{f}/"));
    let file = document_part
        .rsplit_once('/')
        .map_or(&*document_part, |(_, f)| f);
    let document_rels = format!("{folder}_rels/{file}.rels");
    let rels_index = pkg.find(&document_rels);

    let mut replaced: HashMap<usize, Vec<u8>> = HashMap::new();
    let mut added: Vec<(String, Vec<u8>)> = Vec::new();
    if !comments.is_empty() {
        let document = pkg.read(doc_index)?;
        let ns = Namespace::of(&document).map_err(|e| format!("{document_part}: {e}"))?;
        let rels = match rels_index {
            Some(i) => Some(pkg.read(i)?),
            None => None,
        };
        let existing_target = match &rels {
            Some(r) => comments_target(r, folder.trim_end_matches('/'))
                .map_err(|e| format!("{document_rels}: {e}"))?,
            None => None,
        };
        // The comments part: the one the document relates to, else a new one.
        let (comments_part, related) = match existing_target {
            Some(t) => (t, true),
            None => {
                let plain = format!("{folder}comments.xml");
                let taken = pkg.has(&plain);
                let part = if taken {
                    format!("{folder}comments-sakip-lint.xml")
                } else {
                    plain
                };
                (part, false)
            }
        };
        let comments_index = pkg.find(&comments_part).filter(|_| related);
        let old_comments = match comments_index {
            Some(i) => Some(pkg.read(i)?),
            None => None,
        };

        let old_ns = match &old_comments {
            Some(old) => Some(Namespace::of(old).map_err(|e| format!("{comments_part}: {e}"))?),
            None => None,
        };
        let layout = scan(&document, &ns).map_err(|e| format!("{document_part}: {e}"))?;
        let mut first_id = layout.max_id;
        if let (Some(old), Some(old_ns)) = (&old_comments, &old_ns) {
            let max = scan(old, old_ns)
                .map_err(|e| format!("{comments_part}: {e}"))?
                .max_id;
            first_id = first_id.max(max);
        }
        let first_id = first_id.map_or(0, |m| m.saturating_add(1));
        let anchors = anchor(comments, &layout);
        let patched = patch_document(&document, &ns, &anchors, first_id)
            .map_err(|e| format!("{document_part}: {e}"))?;
        replaced.insert(doc_index, patched);

        match (comments_index, &old_comments, &old_ns) {
            (Some(i), Some(old), Some(old_ns)) => {
                let new = comment_elements(comments, &anchors, old_ns, first_id);
                let patched = append_to_root(old, new.as_bytes())
                    .map_err(|e| format!("{comments_part}: {e}"))?;
                replaced.insert(i, patched);
            }
            _ => {
                let new = comment_elements(comments, &anchors, &ns.for_new_part(), first_id);
                added.push((
                    comments_part.clone(),
                    new_comments_part(&ns, &new).into_bytes(),
                ));
            }
        }

        if !related {
            let rel_type = if ns.strict {
                COMMENTS_REL_STRICT
            } else {
                COMMENTS_REL
            };
            let target = comments_part
                .strip_prefix(folder.as_str())
                .unwrap_or(&comments_part)
                .to_string();
            let (bytes, _) = add_relationship(rels.as_deref(), rel_type, &target)
                .map_err(|e| format!("{document_rels}: {e}"))?;
            match rels_index.filter(|_| rels.is_some()) {
                Some(i) => {
                    replaced.insert(i, bytes);
                }
                None => added.push((document_rels.clone(), bytes)),
            }
        }

        let types = pkg.read(types_index)?;
        let part_name = format!("/{comments_part}");
        if !has_override(&types, &part_name).map_err(|e| format!("{CONTENT_TYPES}: {e}"))? {
            let o = format!(
                "<Override PartName=\"{}\" ContentType=\"{COMMENTS_CONTENT_TYPE}\"/>",
                escape_text(&part_name)
            );
            let patched = append_to_root(&types, o.as_bytes())
                .map_err(|e| format!("{CONTENT_TYPES}: {e}"))?;
            replaced.insert(types_index, patched);
        }
    }

    pkg.write(&replaced, &added, doc_index)
}

/// The WordprocessingML names of a part, with the prefixes its root uses.
#[derive(Debug, Clone)]
pub(super) struct Namespace {
    /// The prefix of element names, with its colon ("w:"), or "" for the default namespace.
    elem: String,
    /// The prefix of attribute names, with its colon ("w:").
    attr: String,
    /// The strict (ISO 29500 strict) namespace rather than the transitional one.
    strict: bool,
}

impl Namespace {
    /// The prefixes the root element of `xml` binds the main namespace to (the root's own
    /// prefix for elements).
    fn of(xml: &[u8]) -> Result<Namespace, Fail> {
        let mut reader = Reader::from_reader(xml);
        loop {
            match reader.read_event().map_err(|e| e.to_string())? {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name();
                    let elem = match name.as_ref().find(':') {
                        Some(colon) => name.as_ref().get(..=colon).unwrap_or_default(),
                        None => "",
                    }
                    .to_string();
                    let mut attr = None;
                    let mut strict = false;
                    for a in e.attributes().flatten() {
                        let value = a.value.as_ref();
                        if value == MAIN_NS || value == MAIN_NS_STRICT {
                            strict = value == MAIN_NS_STRICT;
                            if let Some(p) = a.key.as_ref().strip_prefix("xmlns:") {
                                attr = Some(format!("{p}:"));
                            }
                        }
                    }
                    let attr = attr.unwrap_or_else(|| {
                        if elem.is_empty() {
                            "w:".to_string()
                        } else {
                            elem.clone()
                        }
                    });
                    return Ok(Namespace { elem, attr, strict });
                }
                Event::Eof => return Err("no root element".into()),
                _ => {}
            }
        }
    }

    /// The prefixes a new part written by us uses ("w:", declared on its root).
    fn for_new_part(&self) -> Namespace {
        Namespace {
            elem: "w:".into(),
            attr: "w:".into(),
            strict: self.strict,
        }
    }

    fn elem(&self, local: &str) -> String {
        format!("{}{local}", self.elem)
    }
}

/// The element names the walk over the body tells apart.
struct Names {
    body: String,
    p: String,
    p_pr: String,
    tbl: String,
    tr: String,
    tr_pr: String,
    tc: String,
    tc_pr: String,
    sdt: String,
    sdt_content: String,
    grid_before: String,
    grid_span: String,
    v_merge: String,
    val: String,
    id: String,
}

impl Names {
    fn new(ns: &Namespace) -> Names {
        Names {
            body: ns.elem("body"),
            p: ns.elem("p"),
            p_pr: ns.elem("pPr"),
            tbl: ns.elem("tbl"),
            tr: ns.elem("tr"),
            tr_pr: ns.elem("trPr"),
            tc: ns.elem("tc"),
            tc_pr: ns.elem("tcPr"),
            sdt: ns.elem("sdt"),
            sdt_content: ns.elem("sdtContent"),
            grid_before: ns.elem("gridBefore"),
            grid_span: ns.elem("gridSpan"),
            v_merge: ns.elem("vMerge"),
            val: format!("{}val", ns.attr),
            id: format!("{}id", ns.attr),
        }
    }
}

/// What the children of an element may be, for the numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The root, and anything outside the body.
    Outside,
    /// `w:body`: its paragraphs and tables are top level.
    Body,
    /// A top-level `w:sdt`.
    TopSdt,
    /// The `w:sdtContent` of a top-level `w:sdt`: paragraphs and tables top level, but no
    /// deeper `w:sdt`.
    TopSdtContent,
    /// A top-level or cell paragraph.
    Paragraph,
    /// A top-level table (and whatever wraps its rows).
    Table,
    Row,
    RowProperties,
    /// A cell of a top-level table (and whatever wraps its paragraphs).
    Cell,
    CellProperties,
    /// Nothing numbered inside (runs, properties, a nested table …).
    Other,
}

/// What an element is, for the numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Body,
    /// The N-th (1-based) top-level paragraph.
    TopParagraph(u32),
    /// A top-level table, a row and a cell of one (their indexes: [`Walker::cell`]).
    Table,
    Row,
    Cell,
    /// A paragraph of a cell of a top-level table; `first`: the first of its cell.
    CellParagraph {
        first: bool,
    },
    /// The `w:pPr` of a paragraph that is numbered or in a cell.
    ParagraphProperties,
    GridBefore,
    GridSpan,
    VMerge,
    Other,
}

/// The walk over `document.xml`: which element is which, by the numbering conventions.
struct Walker {
    names: Names,
    stack: Vec<Scope>,
    paragraphs: u32,
    /// Counters of the top-level table being walked: tables begun, rows begun in it,
    /// cells begun in its current row; whether the current cell has had a paragraph.
    tables: usize,
    rows: usize,
    cells: usize,
    cell_has_paragraph: bool,
}

impl Walker {
    fn new(ns: &Namespace) -> Walker {
        Walker {
            names: Names::new(ns),
            stack: Vec::new(),
            paragraphs: 0,
            tables: 0,
            rows: 0,
            cells: 0,
            cell_has_paragraph: false,
        }
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The current top-level table, row and cell (0-based), inside one.
    fn cell(&self) -> (usize, usize, usize) {
        (
            self.tables.saturating_sub(1),
            self.rows.saturating_sub(1),
            self.cells.saturating_sub(1),
        )
    }

    /// An element begins: what it is.
    fn enter(&mut self, name: &str) -> Kind {
        let parent = self.stack.last().copied().unwrap_or(Scope::Outside);
        let n = &self.names;
        let (kind, inner) = match parent {
            Scope::Outside if self.stack.len() == 1 && name == n.body => (Kind::Body, Scope::Body),
            Scope::Outside => (Kind::Other, Scope::Outside),
            Scope::Body | Scope::TopSdtContent if name == n.p => {
                self.paragraphs = self.paragraphs.saturating_add(1);
                (Kind::TopParagraph(self.paragraphs), Scope::Paragraph)
            }
            Scope::Body | Scope::TopSdtContent if name == n.tbl => {
                self.tables += 1;
                self.rows = 0;
                (Kind::Table, Scope::Table)
            }
            Scope::Body if name == n.sdt => (Kind::Other, Scope::TopSdt),
            Scope::TopSdt if name == n.sdt_content => (Kind::Other, Scope::TopSdtContent),
            Scope::Paragraph if name == n.p_pr => (Kind::ParagraphProperties, Scope::Other),
            Scope::Table if name == n.tr => {
                self.rows += 1;
                self.cells = 0;
                (Kind::Row, Scope::Row)
            }
            // Whatever wraps rows (or cells, or a cell's paragraphs) is looked through.
            Scope::Table if name != n.tbl => (Kind::Other, Scope::Table),
            Scope::Row if name == n.tc => {
                self.cells += 1;
                self.cell_has_paragraph = false;
                (Kind::Cell, Scope::Cell)
            }
            Scope::Row if name == n.tr_pr => (Kind::Other, Scope::RowProperties),
            Scope::Row if name != n.tbl && name != n.tr => (Kind::Other, Scope::Row),
            Scope::RowProperties if name == n.grid_before => (Kind::GridBefore, Scope::Other),
            Scope::Cell if name == n.tc_pr => (Kind::Other, Scope::CellProperties),
            Scope::Cell if name == n.p => {
                let first = !self.cell_has_paragraph;
                self.cell_has_paragraph = true;
                (Kind::CellParagraph { first }, Scope::Paragraph)
            }
            Scope::Cell if name != n.tbl && name != n.tc && name != n.tr => {
                (Kind::Other, Scope::Cell)
            }
            Scope::CellProperties if name == n.grid_span => (Kind::GridSpan, Scope::Other),
            Scope::CellProperties if name == n.v_merge => (Kind::VMerge, Scope::Other),
            _ => (Kind::Other, Scope::Other),
        };
        self.stack.push(inner);
        kind
    }

    /// An element ends.
    fn leave(&mut self) {
        self.stack.pop();
    }

    /// The number in an attribute (`w:val`, `w:id`) of an element.
    fn number(&self, e: &BytesStart, key: &str) -> Option<u64> {
        self.value(e, key)?.trim().parse().ok()
    }

    fn value(&self, e: &BytesStart, key: &str) -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .map(|a| a.value.into_owned())
    }
}

/// A cell of a top-level table as the first pass sees it.
#[derive(Debug, Clone, Copy, Default)]
struct CellShape {
    /// First grid column and how many it spans.
    col: u32,
    span: u32,
    /// A `w:vMerge` continuing the cell above.
    continues: bool,
    has_paragraph: bool,
}

#[derive(Debug, Default)]
struct RowShape {
    grid_before: u32,
    cells: Vec<CellShape>,
}

/// What the first pass finds: the numbering's extent and the largest `w:id`.
#[derive(Debug, Default)]
struct Layout {
    paragraphs: u32,
    /// Top-level tables: rows, each its cells (columns set once the row is read).
    tables: Vec<Vec<RowShape>>,
    max_id: Option<u64>,
}

impl Layout {
    /// The cell (row, index in its row) covering grid position `(row, col)` of table
    /// `table`.
    fn covering(&self, table: usize, row: usize, col: u32) -> Option<usize> {
        self.tables
            .get(table)?
            .get(row)?
            .cells
            .iter()
            .position(|c| c.col <= col && col < c.col.saturating_add(c.span))
    }

    /// The top-left cell of the merged area holding `pos` of table `table`, if there is a
    /// cell there: (row, index of the cell in its row).
    fn resolve(&self, table: usize, pos: Pos) -> Option<(usize, usize)> {
        let mut row = pos.row as usize;
        let mut index = self.covering(table, row, pos.col)?;
        loop {
            let cell = self.tables.get(table)?.get(row)?.cells.get(index)?;
            if !cell.continues || row == 0 {
                break;
            }
            match self.covering(table, row - 1, cell.col) {
                Some(above) => {
                    row -= 1;
                    index = above;
                }
                None => break,
            }
        }
        Some((row, index))
    }
}

/// The first pass over a part: its numbered paragraphs and tables, and the largest `w:id`.
fn scan(xml: &[u8], ns: &Namespace) -> Result<Layout, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut walker = Walker::new(ns);
    let mut layout = Layout::default();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if walker.stack.last() == Some(&Scope::Row) {
                    finish_row(&mut layout);
                }
                walker.leave();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if let Some(id) = walker.number(e, &walker.names.id) {
            layout.max_id = layout.max_id.max(Some(id));
        }
        let kind = walker.enter(e.name().as_ref());
        let row = layout.tables.last_mut().and_then(|t| t.last_mut());
        match kind {
            Kind::TopParagraph(n) => layout.paragraphs = n,
            Kind::Table => layout.tables.push(Vec::new()),
            Kind::Row => {
                if let Some(t) = layout.tables.last_mut() {
                    t.push(RowShape::default());
                }
            }
            Kind::GridBefore => {
                if let Some(r) = row {
                    r.grid_before = walker.number(e, &walker.names.val).unwrap_or(0) as u32;
                }
            }
            Kind::Cell => {
                if let Some(r) = row {
                    r.cells.push(CellShape {
                        span: 1,
                        ..CellShape::default()
                    });
                }
            }
            Kind::GridSpan => {
                if let Some(c) = row.and_then(|r| r.cells.last_mut()) {
                    let span = walker.number(e, &walker.names.val).unwrap_or(1);
                    c.span = u32::try_from(span).unwrap_or(u32::MAX).max(1);
                }
            }
            Kind::VMerge => {
                if let Some(c) = row.and_then(|r| r.cells.last_mut()) {
                    let val = walker.value(e, &walker.names.val);
                    c.continues = val.as_deref() != Some("restart");
                }
            }
            Kind::CellParagraph { .. } => {
                if let Some(c) = row.and_then(|r| r.cells.last_mut()) {
                    c.has_paragraph = true;
                }
            }
            _ => {}
        }
        if empty {
            if kind == Kind::Row {
                finish_row(&mut layout);
            }
            walker.leave();
        }
    }
    Ok(layout)
}

/// A row is read: its cells' grid columns.
fn finish_row(layout: &mut Layout) {
    if let Some(row) = layout.tables.last_mut().and_then(|t| t.last_mut()) {
        let mut col = row.grid_before;
        for c in &mut row.cells {
            c.col = col;
            col = col.saturating_add(c.span);
        }
    }
}

/// Where the comments go in the document: the paragraphs and cells, with the comments'
/// indexes; `fallback` lists the comments whose place is not found.
#[derive(Debug, Default)]
struct Anchors {
    paragraphs: HashMap<u32, Vec<usize>>,
    cells: HashMap<(usize, usize, usize), Vec<usize>>,
    /// Comments on a new paragraph at the start of the body (a body without a paragraph).
    new_paragraph: Vec<usize>,
    fallback: HashSet<usize>,
}

fn anchor(comments: &[Comment], layout: &Layout) -> Anchors {
    let mut a = Anchors::default();
    // The first body paragraph: top-level paragraph 1, else the first cell holding one.
    let first_cell = || {
        layout.tables.iter().enumerate().find_map(|(t, rows)| {
            rows.iter().enumerate().find_map(|(r, row)| {
                row.cells
                    .iter()
                    .position(|c| c.has_paragraph)
                    .map(|i| (t, r, i))
            })
        })
    };
    for (i, c) in comments.iter().enumerate() {
        match &c.place {
            Place::Paragraph(n) if (1..=layout.paragraphs).contains(n) => {
                a.paragraphs.entry(*n).or_default().push(i);
                continue;
            }
            Place::Cell { table, pos } => {
                let found = layout.resolve(*table, *pos).filter(|&(r, k)| {
                    layout
                        .tables
                        .get(*table)
                        .and_then(|t| t.get(r))
                        .and_then(|row| row.cells.get(k))
                        .is_some_and(|c| c.has_paragraph)
                });
                if let Some((r, k)) = found {
                    a.cells.entry((*table, r, k)).or_default().push(i);
                    continue;
                }
            }
            _ => {}
        }
        a.fallback.insert(i);
        if layout.paragraphs >= 1 {
            a.paragraphs.entry(1).or_default().push(i);
        } else if let Some(cell) = first_cell() {
            a.cells.entry(cell).or_default().push(i);
        } else {
            a.new_paragraph.push(i);
        }
    }
    a
}

/// The second pass: `document.xml` copied event by event, the comment ranges and
/// references written in. Comment `i` gets the id `first_id + i`.
fn patch_document(
    xml: &[u8],
    ns: &Namespace,
    anchors: &Anchors,
    first_id: u64,
) -> Result<Vec<u8>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut walker = Walker::new(ns);
    let mut w = Writer::new(Vec::with_capacity(
        xml.len() + 512 * anchors.fallback.len() + 4096,
    ));
    let marks = Marks { ns, first_id };
    // A marked paragraph whose range starts are not written yet: its depth, whether its
    // `w:pPr` is open, its comments.
    let mut pending: Option<(usize, bool, &[usize])> = None;
    // Marked paragraphs open: their depth and comments (ends written at their end).
    let mut open: Vec<(usize, &[usize])> = Vec::new();
    let io = |e: std::io::Error| e.to_string();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                let kind = walker.enter(e.name().as_ref());
                let depth = walker.depth();
                if let Some((p_depth, _, ids)) = pending
                    && depth == p_depth + 1
                {
                    if kind == Kind::ParagraphProperties {
                        pending = Some((p_depth, true, ids));
                    } else {
                        marks.starts(w.get_mut(), ids);
                        pending = None;
                    }
                }
                w.write_event(Event::Start(e)).map_err(io)?;
                if let Some(ids) = marked(kind, &walker, anchors) {
                    pending = Some((depth, false, ids));
                    open.push((depth, ids));
                }
                if kind == Kind::Body && !anchors.new_paragraph.is_empty() {
                    marks.paragraph(w.get_mut(), &anchors.new_paragraph);
                }
            }
            Event::Empty(e) => {
                let kind = walker.enter(e.name().as_ref());
                let depth = walker.depth();
                walker.leave();
                if let Some((p_depth, _, ids)) = pending
                    && depth == p_depth + 1
                {
                    if kind == Kind::ParagraphProperties {
                        w.write_event(Event::Empty(e)).map_err(io)?;
                        marks.starts(w.get_mut(), ids);
                        pending = None;
                        continue;
                    }
                    marks.starts(w.get_mut(), ids);
                    pending = None;
                }
                let ids = marked(kind, &walker, anchors);
                let body_paragraph = kind == Kind::Body && !anchors.new_paragraph.is_empty();
                if ids.is_some() || body_paragraph {
                    // `<w:p/>` becomes `<w:p>…</w:p>`.
                    let name = e.name().as_ref().to_string();
                    w.write_event(Event::Start(e)).map_err(io)?;
                    match ids {
                        Some(ids) => {
                            marks.starts(w.get_mut(), ids);
                            marks.ends(w.get_mut(), ids);
                        }
                        None => marks.paragraph(w.get_mut(), &anchors.new_paragraph),
                    }
                    write_end(w.get_mut(), &name);
                } else {
                    w.write_event(Event::Empty(e)).map_err(io)?;
                }
            }
            Event::End(e) => {
                let depth = walker.depth();
                walker.leave();
                if let Some((p_depth, in_properties, ids)) = pending {
                    if in_properties && depth == p_depth + 1 {
                        // The end of the paragraph's `w:pPr`: the ranges start after it.
                        w.write_event(Event::End(e)).map_err(io)?;
                        marks.starts(w.get_mut(), ids);
                        pending = None;
                        continue;
                    }
                    if depth == p_depth {
                        marks.starts(w.get_mut(), ids);
                        pending = None;
                    }
                }
                if let Some(&(p_depth, ids)) = open.last()
                    && p_depth == depth
                {
                    marks.ends(w.get_mut(), ids);
                    open.pop();
                }
                w.write_event(Event::End(e)).map_err(io)?;
            }
            Event::Text(t) => {
                if let Some((p_depth, false, ids)) = pending
                    && walker.depth() == p_depth
                    && !t.trim().is_empty()
                {
                    marks.starts(w.get_mut(), ids);
                    pending = None;
                }
                w.write_event(Event::Text(t)).map_err(io)?;
            }
            Event::Eof => break,
            other => w.write_event(other).map_err(io)?,
        }
    }
    if !open.is_empty() || pending.is_some() {
        return Err("a marked paragraph does not end".into());
    }
    Ok(w.into_inner())
}

/// The comments marking an element just entered, if it is a marked paragraph.
fn marked<'a>(kind: Kind, walker: &Walker, anchors: &'a Anchors) -> Option<&'a [usize]> {
    let ids = match kind {
        Kind::TopParagraph(n) => anchors.paragraphs.get(&n),
        Kind::CellParagraph { first: true } => anchors.cells.get(&walker.cell()),
        _ => None,
    }?;
    Some(ids.as_slice())
}

/// The markup written into the document.
struct Marks<'a> {
    ns: &'a Namespace,
    first_id: u64,
}

impl Marks<'_> {
    fn id(&self, comment: usize) -> u64 {
        self.first_id.saturating_add(comment as u64)
    }

    fn starts(&self, out: &mut Vec<u8>, comments: &[usize]) {
        let (e, a) = (&self.ns.elem, &self.ns.attr);
        for &c in comments {
            let id = self.id(c);
            out.extend_from_slice(format!("<{e}commentRangeStart {a}id=\"{id}\"/>").as_bytes());
        }
    }

    fn ends(&self, out: &mut Vec<u8>, comments: &[usize]) {
        let (e, a) = (&self.ns.elem, &self.ns.attr);
        for &c in comments {
            let id = self.id(c);
            out.extend_from_slice(
                format!(
                    "<{e}commentRangeEnd {a}id=\"{id}\"/><{e}r><{e}rPr><{e}rStyle \
                     {a}val=\"CommentReference\"/></{e}rPr><{e}commentReference \
                     {a}id=\"{id}\"/></{e}r>"
                )
                .as_bytes(),
            );
        }
    }

    /// A new paragraph carrying the comments (for a body without one).
    fn paragraph(&self, out: &mut Vec<u8>, comments: &[usize]) {
        let e = &self.ns.elem;
        out.extend_from_slice(format!("<{e}p>").as_bytes());
        self.starts(out, comments);
        self.ends(out, comments);
        out.extend_from_slice(format!("</{e}p>").as_bytes());
    }
}

/// The `w:comment` elements of `comments`, ids from `first_id`, with `ns`'s prefixes.
fn comment_elements(
    comments: &[Comment],
    anchors: &Anchors,
    ns: &Namespace,
    first_id: u64,
) -> String {
    let (e, a) = (&ns.elem, &ns.attr);
    let mut out = String::new();
    for (i, c) in comments.iter().enumerate() {
        let id = first_id.saturating_add(i as u64);
        out.push_str(&format!(
            "<{e}comment {a}id=\"{id}\" {a}author=\"{COMMENT_AUTHOR}\" \
             {a}date=\"{COMMENT_DATE}\" {a}initials=\"{COMMENT_INITIALS}\">"
        ));
        let mut lines: Vec<String> = Vec::new();
        if anchors.fallback.contains(&i) {
            lines.push(c.not_found.clone());
        }
        lines.extend(c.lines.iter().cloned());
        for (k, line) in lines.iter().enumerate() {
            out.push_str(&format!(
                "<{e}p><{e}pPr><{e}pStyle {a}val=\"CommentText\"/></{e}pPr>"
            ));
            if k == 0 {
                out.push_str(&format!(
                    "<{e}r><{e}rPr><{e}rStyle {a}val=\"CommentReference\"/></{e}rPr>\
                     <{e}annotationRef/></{e}r>"
                ));
            }
            out.push_str(&format!(
                "<{e}r><{e}t xml:space=\"preserve\">{}</{e}t></{e}r></{e}p>",
                escape_text(line)
            ));
        }
        out.push_str(&format!("</{e}comment>"));
    }
    out
}

/// A new comments part holding `elements`.
fn new_comments_part(ns: &Namespace, elements: &str) -> String {
    let uri = if ns.strict { MAIN_NS_STRICT } else { MAIN_NS };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <w:comments xmlns:w=\"{uri}\">{elements}</w:comments>"
    )
}

/// The comments part the document's relationships name, if any: its name in the package.
fn comments_target(rels: &[u8], folder: &str) -> Result<Option<String>, Fail> {
    for r in elements(rels, "Relationship")? {
        let is_comments = r.get("Type").is_some_and(|t| t.ends_with("/comments"));
        let external = r
            .get("TargetMode")
            .is_some_and(|m| m.eq_ignore_ascii_case("External"));
        if let (true, false, Some(target)) = (is_comments, external, r.get("Target")) {
            return Ok(Some(resolve_target(folder, target)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    fn ns() -> Namespace {
        Namespace {
            elem: "w:".into(),
            attr: "w:".into(),
            strict: false,
        }
    }

    fn body(inner: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
             <w:document xmlns:w=\"{W}\" xmlns:x=\"urn:x\"><w:body>{inner}<w:sectPr/></w:body></w:document>"
        )
    }

    fn comment(place: Place) -> Comment {
        Comment {
            place,
            not_found: "not found".into(),
            lines: vec!["line".into()],
        }
    }

    fn patched(inner: &str, places: Vec<Place>) -> String {
        let xml = body(inner);
        let layout = scan(xml.as_bytes(), &ns()).unwrap();
        let comments: Vec<Comment> = places.into_iter().map(comment).collect();
        let anchors = anchor(&comments, &layout);
        String::from_utf8(patch_document(xml.as_bytes(), &ns(), &anchors, 10).unwrap()).unwrap()
    }

    #[test]
    fn without_comments_the_document_is_copied_byte_for_byte() {
        let xml = body(
            "<w:p w:rsidR=\"00A1\" ><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:t xml:space=\"preserve\"> a &amp; b &#x3C; </w:t></w:r></w:p>\
             <!-- note --><w:p/><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><![CDATA[x]]>",
        );
        let out = patch_document(xml.as_bytes(), &ns(), &Anchors::default(), 0).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), xml);
    }

    #[test]
    fn a_paragraph_range_starts_after_its_properties() {
        let out = patched(
            "<w:p><w:r><w:t>one</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:t>two</w:t></w:r></w:p>",
            vec![Place::Paragraph(2)],
        );
        assert!(out.contains(
            "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:commentRangeStart w:id=\"10\"/><w:r><w:t>two</w:t></w:r>\
             <w:commentRangeEnd w:id=\"10\"/><w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"10\"/></w:r></w:p>"
        ), "{out}");
    }

    #[test]
    fn an_empty_paragraph_is_opened() {
        let out = patched("<w:p/><w:p w:rsidR=\"1\"/>", vec![Place::Paragraph(2)]);
        assert!(
            out.contains("<w:p/><w:p w:rsidR=\"1\"><w:commentRangeStart w:id=\"10\"/><w:commentRangeEnd w:id=\"10\"/>"),
            "{out}"
        );
    }

    #[test]
    fn sdt_paragraphs_count_and_table_paragraphs_do_not() {
        let inner = "<w:p/><w:sdt><w:sdtPr/><w:sdtContent><w:p/><w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt></w:sdtContent></w:sdt>\
                     <w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p><w:r><w:t>third</w:t></w:r></w:p>";
        let layout = scan(body(inner).as_bytes(), &ns()).unwrap();
        assert_eq!(layout.paragraphs, 3);
        let out = patched(inner, vec![Place::Paragraph(3)]);
        assert!(
            out.contains("<w:p><w:commentRangeStart w:id=\"10\"/><w:r><w:t>third</w:t>"),
            "{out}"
        );
    }

    #[test]
    fn merged_cells_resolve_to_their_top_left() {
        // Row 0: A (span 2), C restart; row 1: gridBefore 1, B, C continue; row 2: A..C.
        let inner = "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p/></w:tc>\
                     <w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc></w:tr>\
                     <w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr><w:tc><w:p/></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>\
                     <w:tr><w:tc><w:p/></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/>";
        let layout = scan(body(inner).as_bytes(), &ns()).unwrap();
        assert_eq!(layout.resolve(0, Pos::new(1, 2)), Some((0, 1)));
        assert_eq!(layout.resolve(0, Pos::new(0, 1)), Some((0, 0)));
        assert_eq!(layout.resolve(0, Pos::new(1, 1)), Some((1, 0)));
        assert_eq!(layout.resolve(0, Pos::new(1, 0)), None);
        assert_eq!(layout.resolve(0, Pos::new(2, 1)), Some((2, 1)));
        assert_eq!(layout.tables.len(), 1);
        let out = patched(
            inner,
            vec![Place::Cell {
                table: 0,
                pos: Pos::new(1, 2),
            }],
        );
        assert!(
            out.contains("<w:p><w:commentRangeStart w:id=\"10\"/><w:r><w:t>C</w:t></w:r><w:commentRangeEnd w:id=\"10\"/>"),
            "{out}"
        );
        // In a cell opening with a nested table, the cell's own paragraph is marked.
        let out = patched(
            inner,
            vec![Place::Cell {
                table: 0,
                pos: Pos::new(2, 1),
            }],
        );
        assert!(
            out.contains("</w:tbl><w:p><w:commentRangeStart w:id=\"10\"/>"),
            "{out}"
        );
    }

    #[test]
    fn places_not_found_go_to_the_first_paragraph() {
        let out = patched(
            "<w:p><w:r><w:t>first</w:t></w:r></w:p><w:p/>",
            vec![
                Place::Paragraph(9),
                Place::Cell {
                    table: 3,
                    pos: Pos::new(0, 0),
                },
                Place::Nowhere,
            ],
        );
        assert!(out.contains(
            "<w:p><w:commentRangeStart w:id=\"10\"/><w:commentRangeStart w:id=\"11\"/><w:commentRangeStart w:id=\"12\"/><w:r><w:t>first</w:t>"
        ), "{out}");
        // A body with no paragraph at all gets one.
        let out = patched("", vec![Place::Paragraph(1)]);
        assert!(
            out.contains("<w:body><w:p><w:commentRangeStart w:id=\"10\"/>"),
            "{out}"
        );
    }

    #[test]
    fn root_appends_and_targets() {
        assert_eq!(
            append_to_root(b"<?xml version=\"1.0\"?><a x=\"1\"/>", b"<b/>").unwrap(),
            b"<?xml version=\"1.0\"?><a x=\"1\"><b/></a>"
        );
        assert_eq!(
            append_to_root(b"<a><c/></a>", b"<b/>").unwrap(),
            b"<a><c/><b/></a>"
        );
        assert_eq!(resolve_target("word", "comments.xml"), "word/comments.xml");
        assert_eq!(resolve_target("word", "/word/c.xml"), "word/c.xml");
        assert_eq!(resolve_target("word", "../x/c.xml"), "x/c.xml");
        let rels = br#"<Relationships xmlns="urn:r"><Relationship Id="rId3" Type="t"/><Relationship Id="rId4x" Type="t"/></Relationships>"#;
        assert_eq!(new_rel_id(rels).unwrap(), "rId4");
        assert_eq!(escape_text("a<b\u{1}&"), "a&lt;b&amp;");
    }
}
