//! The annotated copy of an `.xlsx`/`.xlsm` workbook: the author's own package, patched.
//!
//! Every part is carried over byte for byte (its compressed data copied raw: charts,
//! drawings, images, tables, pivot caches, themes, shared strings, printer settings, an
//! `.xlsm`'s `vbaProject.bin` — macros are never run), except the few the marks touch:
//!
//! * `xl/styles.xml`: one solid fill per mark colour appended to `<fills>`; for each marked
//!   cell a clone of its own `cellXfs` entry with that fill (one clone per original format
//!   and colour), so its number format, font, borders and alignment stay; the fonts, border
//!   and formats of the findings sheet; `count` attributes updated.
//! * the sheet XML of each marked sheet, streamed: only the `s` attribute of marked cells
//!   changes; a marked cell absent from the XML (an empty related cell) is inserted in
//!   column order (its row created in row order if absent); a `<legacyDrawing>` is added
//!   at its schema place when the sheet had no VML drawing.
//! * the sheet's comments part: the finding's note appended after a separator line
//!   ([`NOTE_SEPARATOR`]) to the author's own comment on that cell, a new comment
//!   elsewhere; created with its legacy VML drawing (the shape Excel and LibreOffice need to
//!   show a note) and relationships when the sheet had none.
//! * the new findings sheet (inline strings, links to the cells), first in the tab order,
//!   with its entries in `xl/workbook.xml` (every `localSheetId` and the `activeTab` /
//!   `firstSheet` of the book views shifted by one; the author's active sheet stays
//!   active), `xl/_rels/workbook.xml.rels` and `[Content_Types].xml`.
//!
//! A package that cannot be patched (a part we must touch missing or not well-formed, the
//! strict OOXML namespace, a part over the reading limit) gives the rebuilt copy instead,
//! which says why in the first row of its findings sheet and on stderr.
//!
//! Not handled: threaded comments (Excel 365) of a marked cell keep their thread; the note
//! goes to the legacy comment Excel shows beside it.

use super::docx::COMMENT_AUTHOR;
use super::package::*;
use super::*;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeSet;
use std::io::{Read, Seek};

/// The line between the author's comment and the notes of sakip-lint.
pub const NOTE_SEPARATOR: &str = "— sakip-lint —";

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const MAIN_NS_STRICT: &str = "http://purl.oclc.org/ooxml/spreadsheetml/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_WORKSHEET: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
const REL_COMMENTS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const REL_VML: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing";
const CT_WORKSHEET: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const REL_STYLES: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";
const CT_STYLES: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
/// The styles part given to a package that has none.
const MINIMAL_STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
    <styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
    <fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
    <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
    <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
    <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
    <cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>\
    <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";

/// An `.xlsx`/`.xlsm` by its extension: its copy is its own package, patched.
pub(super) fn is_package_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// Write the annotated copy of the workbook `doc` into `out_dir`: the package patched, or
/// (when it cannot be) the rebuilt copy saying why. Returns the path written.
pub(super) fn write_xlsx_copy(
    doc: &Doc,
    findings: &[Finding],
    out_dir: &Path,
    cat: &Catalog,
    inputs: &Inputs,
) -> Result<PathBuf, AnnotateError> {
    let source = Path::new(&doc.file);
    let (name, output) = inputs.prepare_output(source, copy_extension(source), out_dir)?;

    let patched = std::fs::File::open(source)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            let limit = inputs.read_options().max_inflated_bytes;
            patch_workbook(std::io::BufReader::new(f), doc, findings, cat, limit)
        });
    match patched {
        Ok(bytes) => put_in_place(out_dir, &name, &output, source, inputs, &bytes),
        Err(detail) => {
            let why = cat.render(
                &Message::new("annotate.fallback")
                    .text("file", source.display().to_string())
                    .text("detail", detail),
            );
            eprintln!("sakip-lint: {why}");
            let preface = format!("{why} {}", cat.template("annotate.rebuilt"));
            // The batch reads a workbook to be patched without its formula texts: the
            // rebuilt copy needs them, so read them now (the copy keeps what it can if
            // that read fails).
            let with_formulas = read::read_workbook(source, inputs.read_options())
                .ok()
                .filter(|r| r.workbook.sheets.len() == doc.sheets.len())
                .map(|r| Doc {
                    file: doc.file.clone(),
                    sheets: r.workbook.sheets,
                    tables: doc.tables.clone(),
                    paragraphs: doc.paragraphs.clone(),
                });
            rebuild(
                with_formulas.as_ref().unwrap_or(doc),
                findings,
                out_dir,
                cat,
                inputs,
                &preface,
            )
        }
    }
}

/// The input package with the marks of `findings` (those of `doc`'s file) written in.
pub(super) fn patch_workbook<R: Read + Seek>(
    input: R,
    doc: &Doc,
    findings: &[Finding],
    cat: &Catalog,
    limit: u64,
) -> Result<Vec<u8>, Fail> {
    let mut pkg = Package::open(input, limit)?;
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.at.file == doc.file).collect();
    let marks = marks_of(doc, &mine, cat);

    // The workbook part, through the package relationships.
    let root_rels = pkg.read_named("_rels/.rels")?;
    let wb_name = match &root_rels {
        Some(r) => relationships(r, "")?
            .into_iter()
            .find(|(_, t, _)| t.ends_with("/officeDocument"))
            .map(|(_, _, target)| target),
        None => None,
    }
    .unwrap_or_else(|| "xl/workbook.xml".to_string());
    let wb_index = pkg
        .find(&wb_name)
        .ok_or_else(|| format!("no workbook part {wb_name}"))?;
    let wb_xml = pkg.read(wb_index)?;
    let wb_prefix = main_prefix(&wb_xml).map_err(|e| format!("{wb_name}: {e}"))?;
    let (wb_dir, _) = split_part(&wb_name);
    let wb_rels_name = rels_name(&wb_name);
    let wb_rels_index = pkg
        .find(&wb_rels_name)
        .ok_or_else(|| format!("no {wb_rels_name}"))?;
    let wb_rels = pkg.read(wb_rels_index)?;
    let rels = relationships(&wb_rels, wb_dir).map_err(|e| format!("{wb_rels_name}: {e}"))?;
    let sheets = workbook_sheets(&wb_xml).map_err(|e| format!("{wb_name}: {e}"))?;
    // The styles part; a package without one (Excel always writes it) gets a minimal one.
    let styles_name = rels
        .iter()
        .find(|(_, t, _)| t.ends_with("/styles"))
        .map(|(_, _, target)| target.clone())
        .filter(|n| pkg.has(n));
    let (styles_index, styles_name, styles_xml) = match styles_name {
        Some(n) => {
            let i = pkg.find(&n).ok_or_else(|| format!("no {n}"))?;
            (Some(i), n.clone(), pkg.read(i)?)
        }
        None => (
            None,
            format!("{wb_dir}/styles-sakip-lint.xml"),
            MINIMAL_STYLES.as_bytes().to_vec(),
        ),
    };
    let mut styles = Styles::scan(&styles_xml).map_err(|e| format!("{styles_name}: {e}"))?;
    let types_index = pkg
        .find(CONTENT_TYPES)
        .ok_or_else(|| format!("no {CONTENT_TYPES}"))?;
    let mut types_insert = String::new();
    let types_xml = pkg.read(types_index)?;
    let mut vml_default =
        has_default(&types_xml, "vml").map_err(|e| format!("{CONTENT_TYPES}: {e}"))?;

    let mut replaced: HashMap<usize, Vec<u8>> = HashMap::new();
    let mut added: Vec<(String, Vec<u8>)> = Vec::new();
    let free_name =
        |pkg: &Package<R>, added: &[(String, Vec<u8>)], pattern: &dyn Fn(usize) -> String| {
            (1..)
                .map(pattern)
                .find(|n| !(pkg.has(n) || added.iter().any(|(a, _)| a.eq_ignore_ascii_case(n))))
                .unwrap_or_default()
        };
    let mut vml_map_id = max_vml_map_id(&mut pkg)?;

    // Each marked sheet: its cells' formats cloned with the mark's fill, its XML patched,
    // its notes written.
    let grids: HashMap<&str, &Grid> = doc.sheets.iter().map(|g| (g.name.as_str(), g)).collect();
    let mut sheet_names: Vec<&str> = marks.keys().copied().collect();
    sheet_names.sort();
    for sheet in sheet_names {
        let Some(sheet_marks) = marks.get(sheet) else {
            continue;
        };
        let Some(entry) = sheets.iter().find(|s| s.name == sheet) else {
            continue;
        };
        let Some((_, _, part)) = rels
            .iter()
            .find(|(id, t, _)| *id == entry.rid && t.ends_with("/worksheet"))
        else {
            continue;
        };
        let part = part.clone();
        let index = pkg.find(&part).ok_or_else(|| format!("no {part}"))?;
        let xml = pkg.read(index)?;
        let colours = colours_of(sheet_marks, grids.get(sheet).copied());
        let wanted: BTreeSet<Pos> = colours.keys().copied().collect();
        let own = cell_styles(&xml, &wanted).map_err(|e| format!("{part}: {e}"))?;
        let new_s: BTreeMap<Pos, u32> = colours
            .iter()
            .map(|(p, c)| {
                (
                    *p,
                    styles.clone_with_fill(own.get(p).copied().unwrap_or(0), *c),
                )
            })
            .collect();

        // The comments and the VML drawing the sheet relates to, if any.
        let (dir, _) = split_part(&part);
        let sheet_rels_name = rels_name(&part);
        let sheet_rels_index = pkg.find(&sheet_rels_name);
        let sheet_rels = match sheet_rels_index {
            Some(i) => Some(pkg.read(i)?),
            None => None,
        };
        let targets = match &sheet_rels {
            Some(r) => relationships(r, dir).map_err(|e| format!("{sheet_rels_name}: {e}"))?,
            None => Vec::new(),
        };
        let comments_part = targets
            .iter()
            .find(|(_, t, _)| t.ends_with("/comments"))
            .map(|(_, _, p)| p.clone())
            .filter(|p| pkg.has(p));
        let vml_part = targets
            .iter()
            .find(|(_, t, _)| t.ends_with("/vmlDrawing"))
            .map(|(_, _, p)| p.clone())
            .filter(|p| pkg.has(p));
        let notes: BTreeMap<Pos, String> = sheet_marks
            .iter()
            .filter(|(p, _)| p.row <= MAX_ROW && p.col <= MAX_COL)
            .map(|(p, m)| (*p, clip(&m.notes.join("\n\n"), MAX_NOTE)))
            .collect();
        let mut sheet_rels_now = sheet_rels.clone();
        let mut new_rels: Vec<(&str, String)> = Vec::new();
        let new_refs: Vec<Pos> = match &comments_part {
            Some(cp) => {
                let ci = pkg.find(cp).ok_or_else(|| format!("no {cp}"))?;
                let old = pkg.read(ci)?;
                let (bytes, fresh) =
                    merge_comments(&old, &notes).map_err(|e| format!("{cp}: {e}"))?;
                replaced.insert(ci, bytes);
                fresh
            }
            None => {
                let cp = free_name(&pkg, &added, &|k| format!("{wb_dir}/comments{k}.xml"));
                added.push((cp.clone(), new_comments(&notes).into_bytes()));
                types_insert.push_str(&format!(
                    "<Override PartName=\"/{}\" ContentType=\"{CT_COMMENTS}\"/>",
                    esc(&cp)
                ));
                new_rels.push((REL_COMMENTS, relative_target(dir, &cp)));
                notes.keys().copied().collect()
            }
        };
        let mut legacy_rid = None;
        match &vml_part {
            Some(vp) => {
                let vi = pkg.find(vp).ok_or_else(|| format!("no {vp}"))?;
                let old = pkg.read(vi)?;
                replaced.insert(vi, append_shapes(&old, &new_refs, &notes));
            }
            None => {
                let vp = free_name(&pkg, &added, &|k| {
                    format!("{wb_dir}/drawings/vmlDrawing{k}.vml")
                });
                vml_map_id = vml_map_id.saturating_add(1);
                // A new drawing: a shape for every note (a comment merged into one
                // without a shape would not show either).
                let cells: Vec<Pos> = notes.keys().copied().collect();
                added.push((vp.clone(), new_vml(vml_map_id, &cells, &notes).into_bytes()));
                if !vml_default {
                    types_insert.push_str(&format!(
                        "<Default Extension=\"vml\" ContentType=\"{CT_VML}\"/>"
                    ));
                    vml_default = true;
                }
                new_rels.push((REL_VML, relative_target(dir, &vp)));
            }
        }
        for (kind, target) in new_rels {
            let (bytes, id) = add_relationship(sheet_rels_now.as_deref(), kind, &target)
                .map_err(|e| format!("{sheet_rels_name}: {e}"))?;
            if kind == REL_VML {
                legacy_rid = Some(id);
            }
            sheet_rels_now = Some(bytes);
        }
        if sheet_rels_now != sheet_rels
            && let Some(bytes) = sheet_rels_now
        {
            match sheet_rels_index {
                Some(i) => {
                    replaced.insert(i, bytes);
                }
                None => added.push((sheet_rels_name.clone(), bytes)),
            }
        }
        let patched =
            patch_sheet(&xml, &new_s, legacy_rid.as_deref()).map_err(|e| format!("{part}: {e}"))?;
        replaced.insert(index, patched);
    }

    // The findings sheet.
    let findings_name = findings_sheet_name(&sheets);
    let look = styles.findings_look();
    let sheet_part = free_name(&pkg, &added, &|k| {
        format!("{wb_dir}/worksheets/sheet{k}.xml")
    });
    let known: HashSet<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    let (sheet_xml, last_row) = findings_sheet_xml(doc, &mine, cat, &known, &look);
    added.push((sheet_part.clone(), sheet_xml.into_bytes()));
    types_insert.push_str(&format!(
        "<Override PartName=\"/{}\" ContentType=\"{CT_WORKSHEET}\"/>",
        esc(&sheet_part)
    ));
    let (mut wb_rels_now, rid) = add_relationship(
        Some(&wb_rels),
        REL_WORKSHEET,
        &relative_target(wb_dir, &sheet_part),
    )
    .map_err(|e| format!("{wb_rels_name}: {e}"))?;
    let styles = styles
        .patch(&styles_xml)
        .map_err(|e| format!("{styles_name}: {e}"))?;
    match styles_index {
        Some(i) => {
            replaced.insert(i, styles);
        }
        None => {
            (wb_rels_now, _) = add_relationship(
                Some(&wb_rels_now),
                REL_STYLES,
                &relative_target(wb_dir, &styles_name),
            )
            .map_err(|e| format!("{wb_rels_name}: {e}"))?;
            types_insert.push_str(&format!(
                "<Override PartName=\"/{}\" ContentType=\"{CT_STYLES}\"/>",
                esc(&styles_name)
            ));
            added.push((styles_name.clone(), styles));
        }
    }
    replaced.insert(wb_rels_index, wb_rels_now);
    let patched = patch_workbook_part(&wb_xml, &wb_prefix, &sheets, &findings_name, &rid, last_row)
        .map_err(|e| format!("{wb_name}: {e}"))?;
    replaced.insert(wb_index, patched);
    let types = append_to_root(&types_xml, types_insert.as_bytes())
        .map_err(|e| format!("{CONTENT_TYPES}: {e}"))?;
    replaced.insert(types_index, types);
    pkg.write(&replaced, &added, wb_index)
}

/// `xl/workbook.xml` → ("xl", "workbook.xml").
fn split_part(part: &str) -> (&str, &str) {
    match part.rfind('/') {
        Some(i) => (
            part.get(..i).unwrap_or(""),
            part.get(i + 1..).unwrap_or(part),
        ),
        None => ("", part),
    }
}

/// The relationships part of `part`: `xl/_rels/workbook.xml.rels`.
fn rels_name(part: &str) -> String {
    match split_part(part) {
        ("", file) => format!("_rels/{file}.rels"),
        (dir, file) => format!("{dir}/_rels/{file}.rels"),
    }
}

/// The target of a relationship from a part in folder `from_dir` to `part`, relative.
fn relative_target(from_dir: &str, part: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = part.split('/').filter(|s| !s.is_empty()).collect();
    let common = from
        .iter()
        .zip(&to)
        .take(to.len().saturating_sub(1))
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(to.iter().skip(common));
    out.join("/")
}

/// The prefix (with its colon, or "") of the SpreadsheetML elements of a part, from its
/// root; the strict namespace is refused.
fn main_prefix(xml: &[u8]) -> Result<String, Fail> {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    if a.value.as_ref() == MAIN_NS_STRICT {
                        return Err("strict OOXML (ISO 29500 strict) is not patched".into());
                    }
                }
                let name = e.name();
                let name = name.as_ref().to_string();
                let prefix = match name.find(':') {
                    Some(i) => name.get(..=i).unwrap_or("").to_string(),
                    None => String::new(),
                };
                let bound = e.attributes().flatten().any(|a| {
                    a.value.as_ref() == MAIN_NS
                        && match prefix.strip_suffix(':') {
                            Some(p) => a.key.as_ref() == format!("xmlns:{p}"),
                            None => a.key.as_ref() == "xmlns",
                        }
                });
                if !bound {
                    return Err("the root is not in the SpreadsheetML namespace".into());
                }
                return Ok(prefix);
            }
            Event::Eof => return Err("no root element".into()),
            _ => {}
        }
    }
}

/// Text or an attribute value for XML: `&`, `<`, `>` and `"` escaped (an apostrophe stays,
/// as Excel writes it), the characters XML 1.0 cannot hold left out.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(i) => name.get(i + 1..).unwrap_or(name),
        None => name,
    }
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            quick_xml::escape::unescape(&a.value)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A `<sheet>` of the workbook.
#[derive(Debug, Clone)]
struct SheetEntry {
    name: String,
    sheet_id: u64,
    rid: String,
}

fn workbook_sheets(xml: &[u8]) -> Result<Vec<SheetEntry>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == "sheet" => {
                let mut entry = SheetEntry {
                    name: String::new(),
                    sheet_id: 0,
                    rid: String::new(),
                };
                for a in e.attributes().flatten() {
                    let v = quick_xml::escape::unescape(&a.value)
                        .map_err(|e| e.to_string())?
                        .into_owned();
                    match a.key.as_ref() {
                        "name" => entry.name = v,
                        "sheetId" => entry.sheet_id = v.parse().unwrap_or(0),
                        k if local(k) == "id" && k.contains(':') => entry.rid = v,
                        _ => {}
                    }
                }
                out.push(entry);
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The findings sheet's name: "Temuan", or "Temuan (sakip-lint)" when taken, numbered if
/// that is taken too.
fn findings_sheet_name(sheets: &[SheetEntry]) -> String {
    let taken = |n: &str| {
        sheets
            .iter()
            .any(|s| s.name.to_lowercase() == n.to_lowercase())
    };
    if !taken(FINDINGS_SHEET) {
        return FINDINGS_SHEET.to_string();
    }
    let mut candidate = FINDINGS_SHEET_ALT.to_string();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{FINDINGS_SHEET_ALT} {n}");
        n += 1;
    }
    candidate
}

/// A `<c>` element's cell: its `r`, or (left out, as some writers do) the cell after the
/// row's previous one.
fn cell_pos(e: &BytesStart, row: u32, last_col: &mut Option<u32>) -> Pos {
    let p = attr(e, "r")
        .and_then(|v| crate::grid::parse_a1(&v))
        .unwrap_or_else(|| Pos::new(row, last_col.map_or(0, |c| c.saturating_add(1))));
    *last_col = Some(p.col);
    p
}

/// The cell format index of each of `wanted` in a sheet's XML: the cell's `s`; for a cell
/// absent from the XML its row's style (a `customFormat` row), else its column's, else 0.
fn cell_styles(xml: &[u8], wanted: &BTreeSet<Pos>) -> Result<HashMap<Pos, u32>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut out: HashMap<Pos, u32> = HashMap::new();
    let mut cols: Vec<(u32, u32, u32)> = Vec::new();
    let mut rows: HashMap<u32, u32> = HashMap::new();
    let mut row: Option<u32> = None;
    let mut last_row: Option<u32> = None;
    let mut last_col: Option<u32> = None;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                "col" => {
                    let n = |k| attr(&e, k).and_then(|v| v.parse::<u32>().ok());
                    if let (Some(min), Some(max), Some(s)) = (n("min"), n("max"), n("style")) {
                        cols.push((min.saturating_sub(1), max.saturating_sub(1), s));
                    }
                }
                "row" => {
                    let r = attr(&e, "r")
                        .and_then(|v| v.parse::<u32>().ok())
                        .map(|r| r.saturating_sub(1))
                        .unwrap_or_else(|| last_row.map_or(0, |r| r.saturating_add(1)));
                    last_row = Some(r);
                    row = Some(r);
                    last_col = None;
                    let custom = attr(&e, "customFormat").is_some_and(|v| v == "1" || v == "true");
                    if let (true, Some(s)) = (custom, attr(&e, "s").and_then(|v| v.parse().ok())) {
                        rows.insert(r, s);
                    }
                }
                "c" => {
                    let r = row.unwrap_or(0);
                    let p = cell_pos(&e, r, &mut last_col);
                    if wanted.contains(&p) {
                        let s = attr(&e, "s").and_then(|v| v.parse().ok()).unwrap_or(0);
                        out.insert(p, s);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    for p in wanted {
        if out.contains_key(p) {
            continue;
        }
        let s = rows.get(&p.row).copied().or_else(|| {
            cols.iter()
                .find(|(a, b, _)| (*a..=*b).contains(&p.col))
                .map(|c| c.2)
        });
        out.insert(*p, s.unwrap_or(0));
    }
    Ok(out)
}

/// Children of `<worksheet>` that come after `<legacyDrawing>` (CT_Worksheet order).
const AFTER_LEGACY: [&str; 8] = [
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

/// A sheet's XML with the `s` of the cells of `new_s` set (cells and rows inserted where
/// absent) and, with `legacy_rid`, a `<legacyDrawing>` at its place. Everything else is
/// copied byte for byte.
fn patch_sheet(
    xml: &[u8],
    new_s: &BTreeMap<Pos, u32>,
    legacy_rid: Option<&str>,
) -> Result<Vec<u8>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let prefix = main_prefix(xml)?;
    let rel_prefix = rel_prefix(xml);
    let mut out: Vec<u8> = Vec::with_capacity(xml.len() + 64 * new_s.len() + 256);
    let mut copied = 0usize;
    let mut pending: BTreeMap<Pos, u32> = new_s.clone();
    let mut depth = 0usize;
    let mut in_data = false;
    let mut row: Option<u32> = None;
    let mut last_row: Option<u32> = None;
    let mut last_col: Option<u32> = None;
    let mut legacy_done = legacy_rid.is_none();
    let legacy = |out: &mut Vec<u8>| {
        if let Some(id) = legacy_rid {
            match &rel_prefix {
                Some(r) => out.extend_from_slice(
                    format!("<{prefix}legacyDrawing {r}:id=\"{}\"/>", esc(id)).as_bytes(),
                ),
                None => out.extend_from_slice(
                    format!(
                        "<{prefix}legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{}\"/>",
                        esc(id)
                    )
                    .as_bytes(),
                ),
            }
        }
    };
    let cell = |p: Pos, s: u32| format!("<{prefix}c r=\"{p}\" s=\"{s}\"/>");
    // The pending cells of rows before `before` (all with None), as new rows.
    let rows_before = |pending: &mut BTreeMap<Pos, u32>, before: Option<u32>| -> String {
        let mut s = String::new();
        let mut current: Option<u32> = None;
        while let Some((&p, &st)) = pending.first_key_value() {
            if before.is_some_and(|b| p.row >= b) {
                break;
            }
            if current != Some(p.row) {
                if current.is_some() {
                    s.push_str(&format!("</{prefix}row>"));
                }
                s.push_str(&format!("<{prefix}row r=\"{}\">", p.row + 1));
                current = Some(p.row);
            }
            s.push_str(&cell(p, st));
            pending.pop_first();
        }
        if current.is_some() {
            s.push_str(&format!("</{prefix}row>"));
        }
        s
    };
    // The pending cells of row `r` before column `before` (all with None).
    let cells_before = |pending: &mut BTreeMap<Pos, u32>, r: u32, before: Option<u32>| -> String {
        let mut s = String::new();
        while let Some((&p, &st)) = pending.first_key_value() {
            if p.row != r || before.is_some_and(|b| p.col >= b) {
                break;
            }
            s.push_str(&cell(p, st));
            pending.pop_first();
        }
        s
    };
    loop {
        let (start, event, end) = spanned_event(&mut reader)?;
        let raw = |out: &mut Vec<u8>, copied: &mut usize| {
            out.extend_from_slice(xml.get(*copied..start).unwrap_or_default());
            *copied = end;
        };
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = xml.get(..end).is_some_and(|b| b.ends_with(b"/>"));
                let name = e.name();
                let l = local(name.as_ref());
                if depth == 1 && !legacy_done && AFTER_LEGACY.contains(&l) {
                    put_at(&mut out, xml, &mut copied, start..start, b"");
                    legacy(&mut out);
                    legacy_done = true;
                }
                if depth == 1 && l == "sheetData" {
                    if empty {
                        raw(&mut out, &mut copied);
                        let tag = name.as_ref().to_string();
                        out.extend_from_slice(
                            String::from_utf8_lossy(xml.get(start..end - 2).unwrap_or_default())
                                .trim_end()
                                .as_bytes(),
                        );
                        out.push(b'>');
                        out.extend_from_slice(rows_before(&mut pending, None).as_bytes());
                        out.extend_from_slice(format!("</{tag}>").as_bytes());
                    } else {
                        in_data = true;
                    }
                } else if in_data && depth == 2 && l == "row" {
                    let r = attr(&e, "r")
                        .and_then(|v| v.parse::<u32>().ok())
                        .map(|r| r.saturating_sub(1))
                        .unwrap_or_else(|| last_row.map_or(0, |r| r.saturating_add(1)));
                    last_row = Some(r);
                    last_col = None;
                    let before = rows_before(&mut pending, Some(r));
                    if !before.is_empty() {
                        put_at(&mut out, xml, &mut copied, start..start, before.as_bytes());
                    }
                    if empty {
                        let cells = cells_before(&mut pending, r, None);
                        if !cells.is_empty() {
                            raw(&mut out, &mut copied);
                            let tag = name.as_ref().to_string();
                            out.extend_from_slice(
                                String::from_utf8_lossy(
                                    xml.get(start..end - 2).unwrap_or_default(),
                                )
                                .trim_end()
                                .as_bytes(),
                            );
                            out.push(b'>');
                            out.extend_from_slice(cells.as_bytes());
                            out.extend_from_slice(format!("</{tag}>").as_bytes());
                        }
                    } else {
                        row = Some(r);
                    }
                } else if in_data && depth == 3 && l == "c" {
                    let r = row.unwrap_or(0);
                    let p = cell_pos(&e, r, &mut last_col);
                    let before = cells_before(&mut pending, r, Some(p.col));
                    if !before.is_empty() {
                        put_at(&mut out, xml, &mut copied, start..start, before.as_bytes());
                    }
                    if let Some(s) = pending.remove(&p) {
                        raw(&mut out, &mut copied);
                        out.extend_from_slice(&with_style(&e, s, empty));
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                let name = e.name();
                let l = local(name.as_ref());
                if in_data && depth == 3 && l == "row" {
                    let cells = cells_before(&mut pending, row.unwrap_or(0), None);
                    if !cells.is_empty() {
                        put_at(&mut out, xml, &mut copied, start..start, cells.as_bytes());
                    }
                    row = None;
                } else if in_data && depth == 2 && l == "sheetData" {
                    let rows = rows_before(&mut pending, None);
                    put_at(&mut out, xml, &mut copied, start..start, rows.as_bytes());
                    in_data = false;
                } else if depth == 1 && !legacy_done {
                    put_at(&mut out, xml, &mut copied, start..start, b"");
                    legacy(&mut out);
                    legacy_done = true;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.extend_from_slice(xml.get(copied..).unwrap_or_default());
    if !pending.is_empty() || !legacy_done {
        return Err("no sheetData or no root end".into());
    }
    Ok(out)
}

/// The prefix a part's root binds the relationships namespace to, if any.
fn rel_prefix(xml: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                return e.attributes().flatten().find_map(|a| {
                    let key = a.key.as_ref();
                    (a.value.as_ref() == REL_NS)
                        .then(|| key.strip_prefix("xmlns:"))
                        .flatten()
                        .map(str::to_string)
                });
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A start tag with its `s` attribute set to `s` (added when absent), the others as
/// written.
fn with_style(e: &BytesStart, s: u32, empty: bool) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(b'<');
    out.extend_from_slice(e.name().as_ref().as_bytes());
    let mut done = false;
    for a in e.attributes().with_checks(false).flatten() {
        out.push(b' ');
        out.extend_from_slice(a.key.as_ref().as_bytes());
        out.extend_from_slice(b"=\"");
        if a.key.as_ref() == "s" {
            out.extend_from_slice(s.to_string().as_bytes());
            done = true;
        } else {
            out.extend_from_slice(a.value.as_bytes());
        }
        out.push(b'"');
    }
    if !done {
        out.extend_from_slice(format!(" s=\"{s}\"").as_bytes());
    }
    out.extend_from_slice(if empty { b"/>" } else { b">" });
    out
}

/// A `cellXfs` entry: its attributes (raw values) and its inner XML.
type Xf = (Vec<(String, String)>, Vec<u8>);

/// What `styles.xml` holds and what the copy adds to it.
struct Styles {
    fonts: usize,
    fills: usize,
    borders: usize,
    /// Every `cellXfs` entry.
    xfs: Vec<Xf>,
    prefix: String,
    new_fonts: Vec<String>,
    new_fills: Vec<u32>,
    new_borders: Vec<String>,
    new_xfs: Vec<String>,
    clones: HashMap<(u32, u32), u32>,
}

/// The cell formats of the findings sheet.
struct Look {
    header: u32,
    body: u32,
    wrap: u32,
    link: u32,
    severity: HashMap<Severity, u32>,
}

impl Styles {
    fn scan(xml: &[u8]) -> Result<Styles, Fail> {
        let prefix = main_prefix(xml)?;
        let mut reader = Reader::from_reader(xml);
        let mut s = Styles {
            fonts: 0,
            fills: 0,
            borders: 0,
            xfs: Vec::new(),
            prefix,
            new_fonts: Vec::new(),
            new_fills: Vec::new(),
            new_borders: Vec::new(),
            new_xfs: Vec::new(),
            clones: HashMap::new(),
        };
        let mut path: Vec<String> = Vec::new();
        let mut seen = [false; 4];
        let mut open_xf: Option<(Vec<(String, String)>, usize)> = None;
        loop {
            let (before, event, after) = spanned_event(&mut reader)?;
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = xml.get(..after).is_some_and(|b| b.ends_with(b"/>"));
                    let l = local(e.name().as_ref()).to_string();
                    let parent = path.last().map(String::as_str);
                    if path.len() == 1 {
                        for (i, n) in ["fonts", "fills", "borders", "cellXfs"].iter().enumerate() {
                            if l.as_str() == *n
                                && let Some(flag) = seen.get_mut(i)
                            {
                                *flag = true;
                            }
                        }
                    }
                    match (parent, l.as_str()) {
                        (Some("fonts"), "font") => s.fonts += 1,
                        (Some("fills"), "fill") => s.fills += 1,
                        (Some("borders"), "border") => s.borders += 1,
                        (Some("cellXfs"), "xf") => {
                            let attrs: Vec<(String, String)> = e
                                .attributes()
                                .with_checks(false)
                                .flatten()
                                .map(|a| (a.key.as_ref().to_string(), a.value.to_string()))
                                .collect();
                            if empty {
                                s.xfs.push((attrs, Vec::new()));
                            } else {
                                open_xf = Some((attrs, after));
                            }
                        }
                        _ => {}
                    }
                    if !empty {
                        path.push(l);
                    }
                }
                Event::End(e) => {
                    if local(e.name().as_ref()) == "xf"
                        && path.len() == 3
                        && let Some((attrs, from)) = open_xf.take()
                    {
                        s.xfs
                            .push((attrs, xml.get(from..before).unwrap_or_default().to_vec()));
                    }
                    path.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !seen.iter().all(|&b| b) || s.xfs.is_empty() {
            return Err("no fonts, fills, borders or cellXfs".into());
        }
        Ok(s)
    }

    /// The fill id of a solid fill of colour `rgb`, appended once.
    fn fill(&mut self, rgb: u32) -> u32 {
        let k = match self.new_fills.iter().position(|&c| c == rgb) {
            Some(k) => k,
            None => {
                self.new_fills.push(rgb);
                self.new_fills.len() - 1
            }
        };
        (self.fills + k) as u32
    }

    fn push_xf(&mut self, xf: String) -> u32 {
        self.new_xfs.push(xf);
        (self.xfs.len() + self.new_xfs.len() - 1) as u32
    }

    /// The index of a clone of cell format `xf` (0 when out of range) with a solid fill
    /// of colour `rgb`: one clone per format and colour.
    fn clone_with_fill(&mut self, xf: u32, rgb: u32) -> u32 {
        let xf = if (xf as usize) < self.xfs.len() {
            xf
        } else {
            0
        };
        if let Some(&i) = self.clones.get(&(xf, rgb)) {
            return i;
        }
        let fill = self.fill(rgb);
        let (attrs, inner) = self.xfs.get(xf as usize).cloned().unwrap_or_default();
        let p = self.prefix.clone();
        let mut tag = format!("<{p}xf");
        for (k, v) in attrs
            .iter()
            .filter(|(k, _)| k != "fillId" && k != "applyFill")
        {
            tag.push_str(&format!(" {k}=\"{v}\""));
        }
        tag.push_str(&format!(" fillId=\"{fill}\" applyFill=\"1\""));
        let xf_xml = if inner.is_empty() {
            format!("{tag}/>")
        } else {
            format!("{tag}>{}</{p}xf>", String::from_utf8_lossy(&inner))
        };
        let i = self.push_xf(xf_xml);
        self.clones.insert((xf, rgb), i);
        i
    }

    /// The formats of the findings sheet: header (bold, grey, wrapped), body, wrapped
    /// body, link (blue, underlined), and the body filled per severity; thin grey borders.
    fn findings_look(&mut self) -> Look {
        let p = self.prefix.clone();
        let bold = self.fonts + self.new_fonts.len();
        self.new_fonts
            .push(format!("<{p}font><{p}b/><{p}sz val=\"11\"/><{p}name val=\"Calibri\"/><{p}family val=\"2\"/></{p}font>"));
        let link_font = self.fonts + self.new_fonts.len();
        self.new_fonts.push(format!(
            "<{p}font><{p}u/><{p}sz val=\"11\"/><{p}color rgb=\"FF0563C1\"/><{p}name val=\"Calibri\"/><{p}family val=\"2\"/></{p}font>"
        ));
        let border = self.borders + self.new_borders.len();
        let side =
            |s: &str| format!("<{p}{s} style=\"thin\"><{p}color rgb=\"FFBFBFBF\"/></{p}{s}>");
        self.new_borders.push(format!(
            "<{p}border>{}{}{}{}<{p}diagonal/></{p}border>",
            side("left"),
            side("right"),
            side("top"),
            side("bottom")
        ));
        let grey = self.fill(0xD9D9D9);
        let xf = |font: usize, fill: u32, wrap: bool| {
            format!(
                "<{p}xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"{border}\" xfId=\"0\" \
                 applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\">\
                 <{p}alignment vertical=\"top\"{}/></{p}xf>",
                if wrap { " wrapText=\"1\"" } else { "" }
            )
        };
        let header = self.push_xf(xf(bold, grey, true));
        let body = self.push_xf(xf(0, 0, false));
        let wrap = self.push_xf(xf(0, 0, true));
        let link = self.push_xf(xf(link_font, 0, false));
        let mut severity = HashMap::new();
        for s in [Severity::Error, Severity::Warning, Severity::Info] {
            let fill = self.fill(mark_colour(s, false));
            severity.insert(s, self.push_xf(xf(0, fill, false)));
        }
        Look {
            header,
            body,
            wrap,
            link,
            severity,
        }
    }

    /// `styles.xml` with the new fonts, fills, borders and cell formats appended to their
    /// lists and the lists' `count` updated.
    fn patch(&self, xml: &[u8]) -> Result<Vec<u8>, Fail> {
        let p = &self.prefix;
        let fills: String = self
            .new_fills
            .iter()
            .map(|c| {
                format!(
                    "<{p}fill><{p}patternFill patternType=\"solid\"><{p}fgColor rgb=\"FF{c:06X}\"/>\
                     <{p}bgColor indexed=\"64\"/></{p}patternFill></{p}fill>"
                )
            })
            .collect();
        let lists: [(&str, usize, String); 4] = [
            (
                "fonts",
                self.fonts + self.new_fonts.len(),
                self.new_fonts.concat(),
            ),
            ("fills", self.fills + self.new_fills.len(), fills),
            (
                "borders",
                self.borders + self.new_borders.len(),
                self.new_borders.concat(),
            ),
            (
                "cellXfs",
                self.xfs.len() + self.new_xfs.len(),
                self.new_xfs.concat(),
            ),
        ];
        let mut reader = Reader::from_reader(xml);
        let mut out = Vec::with_capacity(xml.len() + 4096);
        let mut copied = 0usize;
        let mut depth = 0usize;
        loop {
            let (start, event, end) = spanned_event(&mut reader)?;
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = xml.get(..end).is_some_and(|b| b.ends_with(b"/>"));
                    if depth == 1
                        && let Some((_, count, insert)) = lists
                            .iter()
                            .find(|(n, _, _)| *n == local(e.name().as_ref()))
                    {
                        put_at(&mut out, xml, &mut copied, start..end, b"");
                        let mut tag = e.to_owned();
                        tag.clear_attributes();
                        tag.push_attribute(("count", count.to_string().as_str()));
                        for a in e.attributes().with_checks(false).flatten() {
                            if a.key.as_ref() != "count" {
                                tag.push_attribute(a);
                            }
                        }
                        out.push(b'<');
                        out.extend_from_slice(tag.as_bytes());
                        out.push(b'>');
                        if empty {
                            out.extend_from_slice(insert.as_bytes());
                            out.extend_from_slice(b"</");
                            out.extend_from_slice(e.name().as_ref().as_bytes());
                            out.push(b'>');
                        }
                    }
                    if !empty {
                        depth += 1;
                    }
                }
                Event::End(e) => {
                    if depth == 2
                        && let Some((_, _, insert)) = lists
                            .iter()
                            .find(|(n, _, _)| *n == local(e.name().as_ref()))
                    {
                        put_at(&mut out, xml, &mut copied, start..start, insert.as_bytes());
                    }
                    depth = depth.saturating_sub(1);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out.extend_from_slice(xml.get(copied..).unwrap_or_default());
        Ok(out)
    }
}

/// Whether `[Content_Types].xml` has a Default for the extension `ext`.
fn has_default(types: &[u8], ext: &str) -> Result<bool, Fail> {
    let mut reader = Reader::from_reader(types);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e)
                if local(e.name().as_ref()) == "Default"
                    && attr(&e, "Extension").is_some_and(|x| x.eq_ignore_ascii_case(ext)) =>
            {
                return Ok(true);
            }
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

/// The largest shape-id block (`o:idmap data`) of the package's VML drawings, so that a
/// new drawing's shape ids clash with none.
fn max_vml_map_id<R: Read + Seek>(pkg: &mut Package<R>) -> Result<u64, Fail> {
    let vml: Vec<usize> = pkg
        .names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.to_ascii_lowercase().ends_with(".vml"))
        .map(|(i, _)| i)
        .collect();
    let re =
        regex::bytes::Regex::new(r#"idmap[^>]*?data="([0-9, ]+)""#).map_err(|e| e.to_string())?;
    let mut max = 0u64;
    for i in vml {
        let bytes = pkg.read(i)?;
        for c in re.captures_iter(&bytes) {
            let data =
                String::from_utf8_lossy(c.get(1).map_or(&b""[..], |m| m.as_bytes())).into_owned();
            for n in data.split(',').filter_map(|n| n.trim().parse::<u64>().ok()) {
                max = max.max(n);
            }
        }
    }
    Ok(max)
}

/// The rich-text run of a note written by sakip-lint.
fn note_run(text: &str) -> String {
    format!(
        "<r><rPr><sz val=\"9\"/><rFont val=\"Tahoma\"/><family val=\"2\"/></rPr>\
         <t xml:space=\"preserve\">{}</t></r>",
        esc(text)
    )
}

fn new_comment(p: Pos, author: usize, text: &str) -> String {
    format!(
        "<comment ref=\"{p}\" authorId=\"{author}\"><text>{}</text></comment>",
        note_run(text)
    )
}

/// A new comments part holding the notes.
fn new_comments(notes: &BTreeMap<Pos, String>) -> String {
    let list: String = notes.iter().map(|(p, t)| new_comment(*p, 0, t)).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <comments xmlns=\"{MAIN_NS}\"><authors><author>{COMMENT_AUTHOR}</author></authors>\
         <commentList>{list}</commentList></comments>"
    )
}

/// The author's comments part with the notes written in: appended after
/// [`NOTE_SEPARATOR`] to a comment already on the cell, a new comment elsewhere (author
/// "sakip-lint" added to the authors). Returns the part and the cells of new comments.
fn merge_comments(xml: &[u8], notes: &BTreeMap<Pos, String>) -> Result<(Vec<u8>, Vec<Pos>), Fail> {
    let prefix = main_prefix(xml)?;
    // Which cells have a comment, and how many authors there are.
    let mut authors = 0usize;
    let mut existing: HashSet<Pos> = HashSet::new();
    {
        let mut reader = Reader::from_reader(xml);
        loop {
            match reader.read_event().map_err(|e| e.to_string())? {
                Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                    "author" => authors += 1,
                    "comment" => {
                        if let Some(p) = attr(&e, "ref").and_then(|r| crate::grid::parse_a1(&r)) {
                            existing.insert(p);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
    }
    let fresh: Vec<Pos> = notes
        .keys()
        .filter(|p| !existing.contains(p))
        .copied()
        .collect();
    let p = &prefix;
    let run = |text: &str| {
        note_run(text)
            .replace("<r>", &format!("<{p}r>"))
            .replace("</r>", &format!("</{p}r>"))
            .replace("<rPr>", &format!("<{p}rPr>"))
            .replace("</rPr>", &format!("</{p}rPr>"))
            .replace("<sz ", &format!("<{p}sz "))
            .replace("<rFont ", &format!("<{p}rFont "))
            .replace("<family ", &format!("<{p}family "))
            .replace("<t ", &format!("<{p}t "))
            .replace("</t>", &format!("</{p}t>"))
    };
    let new_list: String = fresh
        .iter()
        .filter_map(|q| notes.get(q).map(|t| (q, t)))
        .map(|(q, t)| {
            format!(
                "<{p}comment ref=\"{q}\" authorId=\"{authors}\"><{p}text>{}</{p}text></{p}comment>",
                run(t)
            )
        })
        .collect();
    let author = format!("<{p}author>{COMMENT_AUTHOR}</{p}author>");

    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len() + 1024);
    let mut copied = 0usize;
    let mut path: Vec<String> = Vec::new();
    let mut current: Option<Pos> = None;
    let mut appended = false;
    let mut authors_done = false;
    let mut list_done = false;
    // The note of a commented cell, as a run after the author's text.
    let note_of = |c: Option<Pos>| {
        c.and_then(|c| notes.get(&c))
            .map(|t| run(&format!("\n\n{NOTE_SEPARATOR}\n{t}")))
    };
    let expand =
        |out: &mut Vec<u8>, copied: &mut usize, start: usize, end: usize, name: &[u8], s: &str| {
            out.extend_from_slice(xml.get(*copied..start).unwrap_or_default());
            *copied = end;
            out.extend_from_slice(
                String::from_utf8_lossy(xml.get(start..end - 2).unwrap_or_default())
                    .trim_end()
                    .as_bytes(),
            );
            out.push(b'>');
            out.extend_from_slice(s.as_bytes());
            out.extend_from_slice(b"</");
            out.extend_from_slice(name);
            out.push(b'>');
        };
    loop {
        let (start, event, end) = spanned_event(&mut reader)?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = xml.get(..end).is_some_and(|b| b.ends_with(b"/>"));
                let l = local(e.name().as_ref()).to_string();
                // What this element gets: text before it, or (an empty element, which
                // becomes a start and an end tag) text inside it.
                let action = match l.as_str() {
                    "comment" => {
                        current = attr(&e, "ref").and_then(|r| crate::grid::parse_a1(&r));
                        appended = false;
                        None
                    }
                    "rPh" | "phoneticPr"
                        if path.last().is_some_and(|x| x == "text") && !appended =>
                    {
                        note_of(current).map(|t| (false, t))
                    }
                    "text" if empty => note_of(current).map(|t| (true, t)),
                    "authors" if empty => Some((true, author.clone())),
                    "commentList" if empty => Some((true, new_list.clone())),
                    _ => None,
                };
                if let Some((inside, text)) = action {
                    match l.as_str() {
                        "authors" => authors_done = true,
                        "commentList" => list_done = true,
                        _ => appended = true,
                    }
                    if inside {
                        expand(
                            &mut out,
                            &mut copied,
                            start,
                            end,
                            e.name().as_ref().as_bytes(),
                            &text,
                        );
                    } else {
                        put_at(&mut out, xml, &mut copied, start..start, text.as_bytes());
                    }
                }
                if !empty {
                    path.push(l);
                }
            }
            Event::End(e) => {
                // Text before the end tag.
                let text = match local(e.name().as_ref()) {
                    "text" if !appended => note_of(current).inspect(|_| appended = true),
                    "authors" => {
                        authors_done = true;
                        Some(author.clone())
                    }
                    "commentList" => {
                        list_done = true;
                        Some(new_list.clone())
                    }
                    "comment" => {
                        current = None;
                        None
                    }
                    _ => None,
                };
                if let Some(text) = text {
                    put_at(&mut out, xml, &mut copied, start..start, text.as_bytes());
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.extend_from_slice(xml.get(copied..).unwrap_or_default());
    if !authors_done || !list_done {
        return Err("no authors or commentList".into());
    }
    Ok((out, fresh))
}

const SHAPETYPE: &str = "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" \
     path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/>\
     <v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>";

/// The VML shape of a note at `p` (hidden until the cell is pointed at), id `id`.
fn note_shape(id: u64, p: Pos, text: &str) -> String {
    let lines: usize = text.split('\n').map(|l| l.chars().count() / 55 + 1).sum();
    let height = (lines * 14 + 12).clamp(60, 600);
    let rows = (height / 20).max(4) as u32;
    format!(
        "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;\
         margin-left:59.25pt;margin-top:1.5pt;width:285pt;height:{height}px;z-index:{id};\
         visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\">\
         <v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>\
         <v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\">\
         <div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\">\
         <x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {}, 2, {}, 15, {}, 16</x:Anchor>\
         <x:AutoFill>False</x:AutoFill><x:Row>{}</x:Row><x:Column>{}</x:Column></x:ClientData></v:shape>",
        p.col + 1,
        p.row.saturating_sub(1),
        p.col + 6,
        p.row.saturating_sub(1) + rows,
        p.row,
        p.col
    )
}

/// A new VML drawing with a note shape for each of `cells`, its shape ids in block `map_id`.
fn new_vml(map_id: u64, cells: &[Pos], notes: &BTreeMap<Pos, String>) -> String {
    let shapes: String = cells
        .iter()
        .enumerate()
        .map(|(k, p)| {
            note_shape(
                map_id.saturating_mul(1024).saturating_add(1 + k as u64),
                *p,
                notes.get(p).map_or("", String::as_str),
            )
        })
        .collect();
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\">\
         <o:idmap v:ext=\"edit\" data=\"{map_id}\"/></o:shapelayout>{SHAPETYPE}{shapes}</xml>"
    )
}

/// An existing VML drawing with note shapes for `cells` added before its end (VML written
/// by Excel is not always well-formed XML, so the bytes are spliced, not parsed); the
/// note shape type is added when the drawing lacks it.
fn append_shapes(vml: &[u8], cells: &[Pos], notes: &BTreeMap<Pos, String>) -> Vec<u8> {
    if cells.is_empty() {
        return vml.to_vec();
    }
    let text = String::from_utf8_lossy(vml);
    let re = regex::Regex::new(r"_x0000_s(\d+)").ok();
    let max_id = re
        .map(|re| {
            re.captures_iter(&text)
                .filter_map(|c| c.get(1)?.as_str().parse::<u64>().ok())
                .max()
                .unwrap_or(1024)
        })
        .unwrap_or(1024);
    let mut insert = String::new();
    if !text.contains("_x0000_t202\"") {
        insert.push_str(SHAPETYPE);
    }
    for (k, p) in cells.iter().enumerate() {
        insert.push_str(&note_shape(
            max_id.saturating_add(1 + k as u64),
            *p,
            notes.get(p).map_or("", String::as_str),
        ));
    }
    match memchr::memmem::rfind(vml, b"</xml>") {
        Some(at) => {
            let mut out = vml.get(..at).unwrap_or_default().to_vec();
            out.extend_from_slice(insert.as_bytes());
            out.extend_from_slice(vml.get(at..).unwrap_or_default());
            out
        }
        None => vml.to_vec(),
    }
}

/// The findings sheet as SpreadsheetML (inline strings) and its last row (0-based).
fn findings_sheet_xml(
    doc: &Doc,
    mine: &[&Finding],
    cat: &Catalog,
    known: &HashSet<&str>,
    look: &Look,
) -> (String, u32) {
    const WIDTHS: [f64; 9] = [5.0, 11.0, 7.5, 16.0, 7.0, 70.0, 15.0, 15.0, 42.0];
    const IDS: [&str; 9] = [
        "annotate.col.no",
        "annotate.col.severity",
        "annotate.col.code",
        "annotate.col.sheet",
        "annotate.col.cell",
        "annotate.col.message",
        "annotate.col.expected",
        "annotate.col.actual",
        "annotate.col.related",
    ];
    let text_cell = |p: Pos, s: u32, t: &str| {
        format!(
            "<c r=\"{p}\" s=\"{s}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            esc(&clip(t, MAX_TEXT))
        )
    };
    let mut rows = String::new();
    rows.push_str("<row r=\"1\">");
    for (c, id) in IDS.iter().enumerate() {
        rows.push_str(&text_cell(
            Pos::new(0, c as u32),
            look.header,
            &cat.template(id),
        ));
    }
    rows.push_str("</row>");
    let mut links = String::new();
    let max_rows = mine.len().min(1_048_575);
    for (i, f) in mine.iter().take(max_rows).enumerate() {
        let r = (i + 1) as u32;
        let message = full_message(cat, f);
        let expected = f.expected.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
        let actual = f.actual.as_ref().map(|a| cat.arg(a)).unwrap_or_default();
        let related = related_lines(cat, doc, f).join("\n");
        let lines = |s: &str, width: f64| -> usize {
            s.split('\n')
                .map(|l| (l.chars().count() as f64 / (width * 1.2)).ceil().max(1.0) as usize)
                .sum()
        };
        let n = lines(&message, 70.0)
            .max(lines(&related, 42.0))
            .max(lines(&expected, 15.0))
            .max(lines(&actual, 15.0))
            .clamp(1, 27);
        if n > 1 {
            rows.push_str(&format!(
                "<row r=\"{}\" ht=\"{}\" customHeight=\"1\">",
                r + 1,
                15 * n
            ));
        } else {
            rows.push_str(&format!("<row r=\"{}\">", r + 1));
        }
        rows.push_str(&format!(
            "<c r=\"{}\" s=\"{}\"><v>{}</v></c>",
            Pos::new(r, 0),
            look.body,
            i + 1
        ));
        let sev = look.severity.get(&f.severity).copied().unwrap_or(look.body);
        rows.push_str(&text_cell(
            Pos::new(r, 1),
            sev,
            &severity_word(cat, f.severity),
        ));
        rows.push_str(&text_cell(Pos::new(r, 2), look.body, f.code));
        rows.push_str(&text_cell(Pos::new(r, 3), look.body, &f.at.sheet));
        let cell = f.at.cell.to_string();
        // Excel allows 65 530 links per sheet.
        if known.contains(f.at.sheet.as_str()) && r <= 65_530 {
            rows.push_str(&text_cell(Pos::new(r, 4), look.link, &cell));
            links.push_str(&format!(
                "<hyperlink ref=\"{}\" location=\"{}\" display=\"{}\"/>",
                Pos::new(r, 4),
                esc(&format!("'{}'!{cell}", f.at.sheet.replace('\'', "''"))),
                esc(&cell)
            ));
        } else {
            rows.push_str(&text_cell(Pos::new(r, 4), look.body, &cell));
        }
        rows.push_str(&text_cell(Pos::new(r, 5), look.wrap, &message));
        rows.push_str(&text_cell(Pos::new(r, 6), look.wrap, &expected));
        rows.push_str(&text_cell(Pos::new(r, 7), look.wrap, &actual));
        rows.push_str(&text_cell(Pos::new(r, 8), look.wrap, &related));
        rows.push_str("</row>");
    }
    let last = if mine.is_empty() {
        rows.push_str("<row r=\"2\">");
        rows.push_str(&text_cell(
            Pos::new(1, 5),
            look.body,
            &cat.template("annotate.none"),
        ));
        rows.push_str("</row>");
        1
    } else {
        max_rows as u32
    };
    let cols: String = WIDTHS
        .iter()
        .enumerate()
        .map(|(c, w)| {
            format!(
                "<col min=\"{n}\" max=\"{n}\" width=\"{:.2}\" customWidth=\"1\"/>",
                w + 0.71,
                n = c + 1
            )
        })
        .collect();
    let range = format!("A1:{}", Pos::new(last, 8));
    let hyperlinks = if links.is_empty() {
        String::new()
    } else {
        format!("<hyperlinks>{links}</hyperlinks>")
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetPr filterMode=\"false\">\
         <pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"{range}\"/><sheetViews>\
         <sheetView workbookViewId=\"0\">\
         <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
         <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
         <sheetFormatPr defaultRowHeight=\"15\"/><cols>{cols}</cols><sheetData>{rows}</sheetData>\
         <autoFilter ref=\"{range}\"/>{hyperlinks}\
         <pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>\
         <pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/></worksheet>"
    );
    (xml, last)
}

/// Children of `<workbook>` that come after `<definedNames>` (CT_Workbook order).
const AFTER_DEFINED_NAMES: [&str; 10] = [
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
];

/// `xl/workbook.xml` with the findings sheet first in `<sheets>` (relationship `rid`), every
/// `localSheetId` and the book views' `activeTab`/`firstSheet` shifted by one, and the
/// findings sheet's autofilter and print titles as defined names.
fn patch_workbook_part(
    xml: &[u8],
    prefix: &str,
    sheets: &[SheetEntry],
    name: &str,
    rid: &str,
    last_row: u32,
) -> Result<Vec<u8>, Fail> {
    let p = prefix;
    let rel = rel_prefix(xml);
    let sheet_id = sheets
        .iter()
        .map(|s| s.sheet_id)
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    let id_attr = match &rel {
        Some(r) => format!("{r}:id=\"{}\"", esc(rid)),
        None => format!("xmlns:r=\"{REL_NS}\" r:id=\"{}\"", esc(rid)),
    };
    let sheet = format!(
        "<{p}sheet name=\"{}\" sheetId=\"{sheet_id}\" {id_attr}/>",
        esc(name)
    );
    let quoted = format!("'{}'", name.replace('\'', "''"));
    let names = format!(
        "<{p}definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">{}</{p}definedName>\
         <{p}definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">{}</{p}definedName>",
        esc(&format!("{quoted}!$A$1:$I${}", last_row + 1)),
        esc(&format!("{quoted}!$1:$1"))
    );
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len() + 512);
    let mut copied = 0usize;
    let mut depth = 0usize;
    let mut sheets_done = false;
    let mut names_done = false;
    // The definedNames element, for a workbook that has none.
    let names_element = format!("<{p}definedNames>{names}</{p}definedNames>");
    loop {
        let (start, event, end) = spanned_event(&mut reader)?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = xml.get(..end).is_some_and(|b| b.ends_with(b"/>"));
                let l = local(e.name().as_ref()).to_string();
                if depth == 1 && !names_done && AFTER_DEFINED_NAMES.contains(&l.as_str()) {
                    put_at(
                        &mut out,
                        xml,
                        &mut copied,
                        start..start,
                        names_element.as_bytes(),
                    );
                    names_done = true;
                }
                match l.as_str() {
                    "sheets" if depth == 1 && !empty => {
                        put_at(&mut out, xml, &mut copied, end..end, sheet.as_bytes());
                        sheets_done = true;
                    }
                    "workbookView" | "definedName" => {
                        let keys: &[&str] = if l == "workbookView" {
                            &["activeTab", "firstSheet"]
                        } else {
                            &["localSheetId"]
                        };
                        let shifted = shift_attrs(&e, keys, empty);
                        put_at(&mut out, xml, &mut copied, start..end, &shifted);
                    }
                    "definedNames" if depth == 1 && empty => {
                        put_at(
                            &mut out,
                            xml,
                            &mut copied,
                            start..end,
                            names_element.as_bytes(),
                        );
                        names_done = true;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                let name = e.name();
                let l = local(name.as_ref());
                if depth == 2 && l == "definedNames" && !names_done {
                    put_at(&mut out, xml, &mut copied, start..start, names.as_bytes());
                    names_done = true;
                } else if depth == 1 && !names_done {
                    put_at(
                        &mut out,
                        xml,
                        &mut copied,
                        start..start,
                        names_element.as_bytes(),
                    );
                    names_done = true;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.extend_from_slice(xml.get(copied..).unwrap_or_default());
    if !sheets_done {
        return Err("no sheets".into());
    }
    Ok(out)
}

/// A start tag with the numeric attributes `keys` raised by one; a book view without
/// `activeTab` (the first sheet active) gets `activeTab="1"`, so that the author's active
/// sheet stays the one shown (and the only one selected).
fn shift_attrs(e: &BytesStart, keys: &[&str], empty: bool) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(b'<');
    out.extend_from_slice(e.name().as_ref().as_bytes());
    if keys.contains(&"activeTab") && attr(e, "activeTab").is_none() {
        out.extend_from_slice(b" activeTab=\"1\"");
    }
    for a in e.attributes().with_checks(false).flatten() {
        out.push(b' ');
        out.extend_from_slice(a.key.as_ref().as_bytes());
        out.extend_from_slice(b"=\"");
        let shifted = keys
            .contains(&a.key.as_ref())
            .then(|| a.value.trim().parse::<u64>().ok())
            .flatten();
        match shifted {
            Some(n) => out.extend_from_slice(n.saturating_add(1).to_string().as_bytes()),
            None => out.extend_from_slice(a.value.as_bytes()),
        }
        out.push(b'"');
    }
    out.extend_from_slice(if empty { b"/>" } else { b">" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                      xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";

    fn sheet(data: &str, tail: &str) -> String {
        format!("{WS}<sheetData>{data}</sheetData>{tail}</worksheet>")
    }

    fn patched(xml: &str, cells: &[(&str, u32)], legacy: Option<&str>) -> String {
        let map: BTreeMap<Pos, u32> = cells
            .iter()
            .map(|(a, s)| (crate::grid::parse_a1(a).unwrap(), *s))
            .collect();
        String::from_utf8(patch_sheet(xml.as_bytes(), &map, legacy).unwrap()).unwrap()
    }

    #[test]
    fn only_the_style_of_marked_cells_changes() {
        let xml = sheet(
            "<row r=\"2\" spans=\"1:3\"><c r=\"A2\" s=\"3\" t=\"s\"><v>0</v></c><c r=\"B2\"><v>1</v></c></row>",
            "<pageMargins left=\"0.7\"/>",
        );
        assert_eq!(
            patched(&xml, &[], None),
            xml,
            "nothing to mark: the same bytes"
        );
        let out = patched(&xml, &[("A2", 9), ("B2", 10)], None);
        assert_eq!(
            out,
            xml.replace("<c r=\"A2\" s=\"3\"", "<c r=\"A2\" s=\"9\"")
                .replace("<c r=\"B2\">", "<c r=\"B2\" s=\"10\">")
        );
    }

    #[test]
    fn absent_cells_and_rows_are_inserted_in_order() {
        let xml = sheet(
            "<row r=\"2\"><c r=\"B2\"><v>1</v></c></row><row r=\"5\"/>",
            "",
        );
        let out = patched(
            &xml,
            &[("A1", 1), ("A2", 2), ("D2", 3), ("C5", 4), ("A7", 5)],
            None,
        );
        assert_eq!(
            out,
            sheet(
                "<row r=\"1\"><c r=\"A1\" s=\"1\"/></row><row r=\"2\"><c r=\"A2\" s=\"2\"/><c r=\"B2\"><v>1</v></c>\
                 <c r=\"D2\" s=\"3\"/></row><row r=\"5\"><c r=\"C5\" s=\"4\"/></row><row r=\"7\"><c r=\"A7\" s=\"5\"/></row>",
                ""
            )
        );
        // An empty sheetData is opened.
        let xml = format!("{WS}<sheetData/></worksheet>");
        assert_eq!(
            patched(&xml, &[("B3", 7)], None),
            format!(
                "{WS}<sheetData><row r=\"3\"><c r=\"B3\" s=\"7\"/></row></sheetData></worksheet>"
            )
        );
    }

    #[test]
    fn legacy_drawing_goes_to_its_schema_place() {
        let xml = sheet(
            "",
            "<pageMargins/><drawing r:id=\"rId1\"/><tableParts count=\"0\"/><extLst/>",
        );
        let out = patched(&xml, &[], Some("rId5"));
        assert!(
            out.contains("<drawing r:id=\"rId1\"/><legacyDrawing r:id=\"rId5\"/><tableParts"),
            "{out}"
        );
        let out = patched(&sheet("", "<pageMargins/>"), &[], Some("rId2"));
        assert!(
            out.ends_with("<pageMargins/><legacyDrawing r:id=\"rId2\"/></worksheet>"),
            "{out}"
        );
    }

    #[test]
    fn cell_styles_fall_back_to_row_and_column() {
        let xml = format!(
            "{WS}<cols><col min=\"2\" max=\"3\" width=\"9\" style=\"4\"/></cols><sheetData>\
             <row r=\"1\" s=\"6\" customFormat=\"1\"><c r=\"A1\" s=\"2\"/></row></sheetData></worksheet>"
        );
        let wanted: BTreeSet<Pos> = ["A1", "B1", "C2", "E2"]
            .iter()
            .map(|a| crate::grid::parse_a1(a).unwrap())
            .collect();
        let got = cell_styles(xml.as_bytes(), &wanted).unwrap();
        let at = |a: &str| got[&crate::grid::parse_a1(a).unwrap()];
        assert_eq!((at("A1"), at("B1"), at("C2"), at("E2")), (2, 6, 4, 0));
    }

    #[test]
    fn styles_clone_a_format_with_the_fill() {
        let xml = "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
                   <fonts count=\"1\"><font/></fonts><fills count=\"2\"><fill/><fill/></fills>\
                   <borders count=\"1\"><border/></borders><cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>\
                   <xf numFmtId=\"4\" fontId=\"0\" fillId=\"1\" borderId=\"0\" applyNumberFormat=\"1\"><alignment wrapText=\"1\"/></xf></cellXfs></styleSheet>";
        let mut s = Styles::scan(xml.as_bytes()).unwrap();
        assert_eq!(s.clone_with_fill(1, 0xFF9C9C), 2);
        assert_eq!(
            s.clone_with_fill(1, 0xFF9C9C),
            2,
            "one clone per format and colour"
        );
        assert_eq!(s.clone_with_fill(7, 0xFF9C9C), 3, "out of range: format 0");
        let out = String::from_utf8(s.patch(xml.as_bytes()).unwrap()).unwrap();
        assert!(out.contains("<fills count=\"3\">"), "{out}");
        assert!(out.contains("<cellXfs count=\"4\">"), "{out}");
        assert!(out.contains(
            "<xf numFmtId=\"4\" fontId=\"0\" borderId=\"0\" applyNumberFormat=\"1\" fillId=\"2\" applyFill=\"1\"><alignment wrapText=\"1\"/></xf></cellXfs>"
        ) || out.contains("fillId=\"2\" applyFill=\"1\"><alignment wrapText=\"1\"/></xf><xf"), "{out}");
        assert!(out.contains("<fgColor rgb=\"FFFF9C9C\"/>"), "{out}");
    }

    #[test]
    fn author_comments_keep_their_text() {
        let xml = "<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>Budi</author></authors>\
                   <commentList><comment ref=\"B2\" authorId=\"0\"><text><r><t>Catatan penyusun</t></r></text></comment></commentList></comments>";
        let notes: BTreeMap<Pos, String> = [("B2", "temuan 1"), ("C3", "temuan 2")]
            .iter()
            .map(|(a, t)| (crate::grid::parse_a1(a).unwrap(), t.to_string()))
            .collect();
        let (out, fresh) = merge_comments(xml.as_bytes(), &notes).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(fresh, vec![crate::grid::parse_a1("C3").unwrap()]);
        assert!(
            out.contains("<author>Budi</author><author>sakip-lint</author>"),
            "{out}"
        );
        assert!(
            out.contains("<r><t>Catatan penyusun</t></r><r><rPr>"),
            "{out}"
        );
        assert!(
            out.contains(&format!("\n\n{NOTE_SEPARATOR}\ntemuan 1</t>")),
            "{out}"
        );
        assert!(out.contains("<comment ref=\"C3\" authorId=\"1\">"), "{out}");
    }

    #[test]
    fn workbook_gets_the_sheet_and_shifted_indexes() {
        let xml = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                   xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
                   <bookViews><workbookView activeTab=\"1\"/></bookViews><sheets><sheet name=\"A\" sheetId=\"3\" r:id=\"rId1\"/></sheets>\
                   <definedNames><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">A!$1:$2</definedName></definedNames>\
                   <calcPr calcId=\"1\"/></workbook>";
        let sheets = workbook_sheets(xml.as_bytes()).unwrap();
        assert_eq!(sheets[0].rid, "rId1");
        let out = patch_workbook_part(xml.as_bytes(), "", &sheets, "Temuan", "rId9", 3).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("<workbookView activeTab=\"2\"/>"), "{out}");
        assert!(
            out.contains(
                "<sheets><sheet name=\"Temuan\" sheetId=\"4\" r:id=\"rId9\"/><sheet name=\"A\""
            ),
            "{out}"
        );
        assert!(out.contains("localSheetId=\"1\">A!$1:$2"), "{out}");
        assert!(out.contains("'Temuan'!$A$1:$I$4</definedName>"), "{out}");
        assert_eq!(
            relative_target("xl/worksheets", "xl/comments1.xml"),
            "../comments1.xml"
        );
        assert_eq!(
            relative_target("xl", "xl/worksheets/sheet9.xml"),
            "worksheets/sheet9.xml"
        );
        assert_eq!(
            rels_name("xl/worksheets/sheet1.xml"),
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
    }
}
