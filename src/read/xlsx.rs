//! `.xlsx` and `.xlsm`: calamine's cell stream, never its dense range, in up to three
//! passes per sheet (values with their number formats; formulas, and the positions of
//! error cells calamine rejects; merged ranges unless scanned already). Before calamine
//! opens a package that is not too large to hold twice, the package is read here with our
//! own zip and XML code ([`unpack_xlsx`]): the workbook and worksheet parts are inflated
//! once, the merged ranges scanned from those bytes, and calamine reads a copy of the
//! package where those parts are stored uncompressed. The package helpers (relationships,
//! sheet parts, attributes) also serve the layouts [`styles`](super::styles) reads.
//! [`xlsx_title_rows`] streams only the first rows of each sheet, for finding the unit a
//! workbook names cheaply.

use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Reader, Xlsx, XlsxError};

use crate::grid::{Grid, Pos, Range, Value};

use super::cells::{
    NumFmt, STOP_EVERY, SparseSheet, excel_formula, numfmt_of_style, range_of, stopped,
    value_from_dataref, worksheets_of,
};
use super::guard::{Budget, declared_inflated_size, run_guarded, too_many_records};
use super::timed::stop_requested;
use super::{Ctx, OpenFailure, SheetOutcome, SheetPart, SheetProblemKind, io_failure};

/// The first `rows` rows of every worksheet of an `.xlsx`, as texts per row (streamed:
/// the rest of each sheet is not parsed). For finding the unit a workbook names cheaply.
pub fn xlsx_title_rows(path: &Path, title_rows: u32) -> Option<Vec<Vec<Vec<String>>>> {
    // calamine panics on some damaged files (fuzzing found three): nothing here escapes.
    run_guarded(|| title_rows_unguarded(path, title_rows))
        .ok()
        .flatten()
}

fn title_rows_unguarded(path: &Path, title_rows: u32) -> Option<Vec<Vec<Vec<String>>>> {
    use calamine::{DataRef, Reader, Xlsx};
    // Only a zip package is an .xlsx: calamine's password probe panics on damaged OLE2.
    let mut head = [0u8; 4];
    let mut file = std::fs::File::open(path).ok()?;
    file.read_exact(&mut head).ok()?;
    if head != *b"PK\x03\x04" {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::BufReader::new(file)).ok()?;
    let names: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut out = Vec::new();
    for name in names {
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); title_rows as usize];
        if let Ok(mut reader) = wb.worksheet_cells_reader(&name) {
            while let Ok(Some(cell)) = reader.next_cell() {
                let (r, _) = cell.get_position();
                if r >= title_rows {
                    break;
                }
                let text = match cell.get_value() {
                    DataRef::String(s) => s.clone(),
                    DataRef::SharedString(s) => s.to_string(),
                    DataRef::Empty => continue,
                    DataRef::Int(i) => i.to_string(),
                    DataRef::Float(f) => f.to_string(),
                    DataRef::Bool(b) => b.to_string(),
                    _ => "#".to_string(),
                };
                if let Some(row) = rows.get_mut(r as usize) {
                    row.push(text);
                }
            }
        }
        out.push(rows);
    }
    Some(out)
}

pub(super) fn xlsx_open_failure(e: XlsxError) -> OpenFailure {
    match e {
        XlsxError::Password => OpenFailure::Encrypted,
        XlsxError::Io(io) => io_failure(io),
        other => OpenFailure::Corrupt(other.to_string()),
    }
}

/// An .xlsx or .xlsm whose bytes are `bytes`: calamine reads the unpacked copy of the
/// package (see [`unpack_xlsx`]) when `package`, its zip directory opened already,
/// unpacks, and the file as it is otherwise.
pub(super) fn read_xlsx_package<R: Read + Seek>(
    bytes: &[u8],
    package: Option<&mut zip::ZipArchive<R>>,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), OpenFailure> {
    match package.and_then(|zip| unpack_xlsx(zip, bytes.len())) {
        Some(unpacked) => read_xlsx(
            std::io::Cursor::new(&unpacked.bytes[..]),
            Some(unpacked.merges),
            budget,
            ctx,
        ),
        None => read_xlsx(std::io::Cursor::new(bytes), None, budget, ctx),
    }
}

/// An .xlsx read by calamine. `merges`: each worksheet's merged ranges, scanned already
/// (see [`unpack_xlsx`]); a sheet without them has calamine parse its part once more.
fn read_xlsx<RS: Read + Seek>(
    reader: RS,
    merges: Option<Vec<(String, Vec<Range>)>>,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), OpenFailure> {
    let mut wb: Xlsx<RS> = run_guarded(|| Xlsx::new(reader))
        .map_err(OpenFailure::Corrupt)?
        .map_err(xlsx_open_failure)?;
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        if stop_requested() {
            break;
        }
        let formulas = ctx.formulas;
        // The first sheet of that name: calamine reads that part for every sheet of a
        // name a workbook repeats.
        let scanned = merges.as_ref().and_then(|m| {
            m.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, ranges)| ranges.clone())
        });
        let outcome =
            run_guarded(|| xlsx_sheet(&mut wb, &name, hidden, budget.current(), formulas, scanned));
        ctx.take(&name, outcome, budget);
    }
    Ok(())
}

/// An .xlsx package rebuilt with the parts this reader needs inflated once.
struct Unpacked {
    /// The package, its worksheet and workbook parts stored uncompressed, every other
    /// part copied as it was.
    bytes: Vec<u8>,
    /// Each worksheet's name and merged ranges.
    merges: Vec<(String, Vec<Range>)>,
}

/// Inflate the workbook's relationships, the workbook part and every worksheet part
/// once: the merged ranges are scanned from those bytes, and calamine reads them from a
/// copy of the package where they are stored uncompressed. Otherwise each worksheet
/// would be inflated twice (calamine keeps its merge cells to a second XML pass, and
/// its part paths to itself) and the small parts read twice. The copy leaves out the
/// theme, which calamine parses on open for the colours of cell styles and falls back
/// without; the checks use values and number formats only (an annotated copy reads the
/// styles from the file itself). `None` (calamine then reads the file as it is) when
/// the package is too large to hold twice or anything in it does not fit this plan.
/// `packed_len`: the file's size.
fn unpack_xlsx<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    packed_len: usize,
) -> Option<Unpacked> {
    use zip::write::SimpleFileOptions;
    // An LKjIP lampiran inflates to a few MB; a larger package is streamed as it is,
    // which holds less in memory per worker.
    const UNPACK_LIMIT: u64 = 64 * 1024 * 1024;
    let inflated_len = declared_inflated_size(zip);
    if inflated_len > UNPACK_LIMIT {
        return None;
    }
    // calamine finds a part by its name lower-cased, the last of equal names winning;
    // the copy changes the parts' order, so names equal that way keep the file as it is.
    let mut names = std::collections::HashSet::with_capacity(zip.len());
    for i in 0..zip.len() {
        let name = zip.name_for_index(i)?.ok()?;
        if !names.insert(name.replace('\\', "/").to_ascii_lowercase()) {
            return None;
        }
    }
    let capacity = usize::try_from(inflated_len)
        .ok()?
        .saturating_add(packed_len);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(capacity)));
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .large_file(inflated_len > u64::from(u32::MAX) / 2);
    // Parts already in the copy, by index: each stored as soon as it is inflated.
    let mut written = vec![false; zip.len()];
    let mut store = |zip: &mut zip::ZipArchive<R>, index: usize, bytes: &[u8]| -> Option<()> {
        let done = written.get_mut(index)?;
        if !*done {
            let name = zip.name_for_index(index)?.ok()?.to_string();
            out.start_file(name, stored).ok()?;
            std::io::Write::write_all(&mut out, bytes).ok()?;
            *done = true;
        }
        Some(())
    };
    let sheets = xlsx_sheet_parts(zip, &mut |zip, name| {
        let (index, bytes) = zip_entry(zip, name, UNPACK_LIMIT)?;
        store(zip, index, &bytes)?;
        Some(bytes)
    })?;
    let mut merges = Vec::with_capacity(sheets.len());
    for (name, part) in sheets {
        // A part that cannot be inflated here has no scanned merges: calamine's own merge
        // pass reads them (or reports the sheet).
        let Some((index, xml)) = zip_entry(zip, &part, UNPACK_LIMIT) else {
            continue;
        };
        merges.push((name, scan_merges(&xml)));
        store(zip, index, &xml)?;
    }
    for i in 0..zip.len() {
        let name = zip
            .name_for_index(i)?
            .ok()?
            .replace('\\', "/")
            .to_ascii_lowercase();
        // The part calamine reads for theme colours: `<workbook folder>/theme/theme1.xml`.
        let theme = name.ends_with("/theme/theme1.xml");
        if !written.get(i).copied().unwrap_or(true) && !theme {
            out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?;
        }
    }
    let bytes = out.finish().ok()?.into_inner();
    Some(Unpacked { bytes, merges })
}

fn xlsx_sheet<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    hidden: bool,
    budget: u64,
    formulas: bool,
    merges: Option<Vec<Range>>,
) -> SheetOutcome {
    let unreadable = |e: XlsxError| SheetProblemKind::Unreadable {
        detail: e.to_string(),
    };
    let mut sheet = SparseSheet::new();
    let mut partial = Vec::new();
    // Cells whose value calamine rejects (error literals it does not know, e.g. #SPILL!):
    // (index of the cell in stream order, the literal).
    let mut rejected: Vec<(usize, String)> = Vec::new();

    // Pass 1: values and number formats.
    {
        let mut reader = match wb.worksheet_cells_reader(name) {
            Ok(r) => r,
            Err(XlsxError::NotAWorksheet(_)) => return Ok((sparse_empty(name, hidden), partial)),
            Err(e) => return Err(unreadable(e)),
        };
        let formats: Vec<NumFmt> = reader.styles().iter().map(numfmt_of_style).collect();
        let mut seq = 0usize;
        loop {
            match reader.next_cell_with_style_id() {
                Ok(None) => break,
                Ok(Some((cell, style_id))) => {
                    seq += 1;
                    let (row, col) = cell.get_position();
                    let fmt = formats.get(style_id).copied().unwrap_or_default();
                    let value = value_from_dataref(cell.get_value(), fmt);
                    sheet.accept(row, col, value, budget)?;
                }
                // calamine stops inside the <v> of that cell; the next call resumes after it.
                Err(XlsxError::CellError(literal)) => {
                    rejected.push((seq, literal));
                    seq += 1;
                    if rejected.len() as u64 > budget {
                        return Err(too_many_records(
                            sheet.extent,
                            rejected.len() as u64,
                            budget,
                        ));
                    }
                }
                Err(e) => return Err(unreadable(e)),
            }
        }
    }

    // Pass 2: formulas (and the positions of the rejected cells), when wanted.
    if formulas || !rejected.is_empty() {
        let mut rejected_at = rejected.iter().peekable();
        let mut formula_error = None;
        match wb.worksheet_cells_reader(name) {
            Ok(mut reader) => {
                let mut seq = 0usize;
                loop {
                    match reader.next_formula() {
                        Ok(None) => break,
                        Ok(Some(cell)) => {
                            if (seq as u64).is_multiple_of(STOP_EVERY) && stop_requested() {
                                return Err(stopped());
                            }
                            let (row, col) = cell.get_position();
                            if let Some((_, literal)) = rejected_at.next_if(|(i, _)| *i == seq) {
                                sheet.cells.push((row, col, Value::Error(literal.clone())));
                                sheet.extent.add(row, col);
                            }
                            seq += 1;
                            if let Some(f) = excel_formula(cell.get_value()) {
                                sheet.extent.add(row, col);
                                sheet.formulas.push((row, col, f));
                                if sheet.formulas.len() as u64 > budget {
                                    return Err(too_many_records(
                                        sheet.extent,
                                        sheet.formulas.len() as u64,
                                        budget,
                                    ));
                                }
                            }
                        }
                        Err(e) => {
                            formula_error = Some(e.to_string());
                            break;
                        }
                    }
                }
            }
            Err(e) => formula_error = Some(e.to_string()),
        }
        if let Some(detail) = formula_error {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Formulas,
                detail,
            });
        }
        let lost: Vec<&str> = rejected_at.map(|(_, literal)| literal.as_str()).collect();
        if !lost.is_empty() {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Cells,
                detail: lost_cells_detail(&lost),
            });
        }
    }
    if let Some(kind) = sheet.extent.too_large(budget) {
        return Err(kind);
    }

    // Pass 3: merged ranges, unless scanned already.
    let merges = match merges.map_or_else(
        || {
            wb.merge_cells_by_sheet_name(name)
                .map(|d| d.iter().map(range_of).collect())
        },
        Ok,
    ) {
        Ok(merges) => merges,
        Err(e) => {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Merges,
                detail: e.to_string(),
            });
            Vec::new()
        }
    };
    let mut grid = sheet.into_grid(name, hidden);
    grid.merges = merges;
    Ok((grid, partial))
}

/// `3 × #SPILL!, 1 × #CALC!`: the error values whose cells were lost, language-neutral.
fn lost_cells_detail(literals: &[&str]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for l in literals {
        match counts.iter_mut().find(|(x, _)| x == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    counts
        .iter()
        .map(|(l, n)| format!("{n} × {l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sparse_empty(name: &str, hidden: bool) -> Grid {
    SparseSheet::new().into_grid(name, hidden)
}

/// references resolved.
fn xml_attr(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of an element by local name (prefix dropped), values unescaped.
pub(super) fn xml_attrs(
    e: &quick_xml::events::BytesStart<'_>,
) -> Vec<(String, Option<String>, String)> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            (
                a.key.local_name().as_ref().to_string(),
                a.key.prefix().map(|p| p.as_ref().to_string()),
                xml_attr(&a.value),
            )
        })
        .collect()
}

pub(super) fn attr<'a>(
    attrs: &'a [(String, Option<String>, String)],
    name: &str,
) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _, _)| k == name)
        .map(|(_, _, v)| v.as_str())
}

pub(super) fn xml_true(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true"))
}

/// A zip entry by name (case-insensitive fallback), read whole up to `limit` bytes.
/// Its index, and its bytes.
pub(super) fn zip_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Option<(usize, Vec<u8>)> {
    let index = zip_index(zip, name)?;
    let file = zip.by_index(index).ok()?;
    let mut out = Vec::with_capacity(usize::try_from(file.size().min(limit)).ok()?);
    file.take(limit).read_to_end(&mut out).ok()?;
    Some((index, out))
}

/// The index of a zip entry by name, case-insensitively when the exact name is absent.
pub(super) fn zip_index<R: Read + Seek>(zip: &zip::ZipArchive<R>, name: &str) -> Option<usize> {
    zip.index_for_name(name).or_else(|| {
        let lower = name.to_ascii_lowercase();
        zip.file_names()
            .flatten()
            .position(|n| n.to_ascii_lowercase() == lower)
    })
}

/// The merged ranges of a worksheet part (`<mergeCell ref="A1:C2"/>`, any namespace
/// prefix), found by scanning its bytes. Markup cannot hide in cell text (a `<` there is
/// `&lt;`), so a byte scan finds exactly the elements an XML parser would.
fn scan_merges(part: &[u8]) -> Vec<Range> {
    const TAG: &[u8] = b"mergeCell";
    let mut merges = Vec::new();
    let mut from = 0;
    for at in memchr::memmem::find_iter(part, TAG) {
        if at < from {
            continue;
        }
        let Some(close) = memchr::memchr(b'>', part.get(at..).unwrap_or_default()) else {
            break;
        };
        let tag = part.get(at..at + close).unwrap_or_default();
        if opens_element(part, at)
            && tag.get(TAG.len()).is_some_and(u8::is_ascii_whitespace)
            && let Some(r) = ref_attr(tag).and_then(|v| range_a1(&v))
        {
            merges.push(r);
        }
        from = at + close + 1;
    }
    merges
}

/// `A1:C2` (or a single cell `B3`) as a range.
fn range_a1(s: &str) -> Option<Range> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (a, b) = (crate::grid::parse_a1(a)?, crate::grid::parse_a1(b)?);
    Some(Range {
        start: Pos::new(a.row.min(b.row), a.col.min(b.col)),
        end: Pos::new(a.row.max(b.row), a.col.max(b.col)),
    })
}

/// Is the name at `at` the start of an element (`<name` or `<prefix:name`)?
fn opens_element(bytes: &[u8], at: usize) -> bool {
    let before = bytes.get(..at).unwrap_or_default();
    match before.last() {
        Some(b'<') => true,
        Some(b':') => {
            let prefix_start = before.iter().rposition(|b| {
                !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
            });
            prefix_start.is_some_and(|p| before.get(p) == Some(&b'<'))
        }
        _ => false,
    }
}

/// The unescaped value of the `ref` attribute in the text of a start tag.
fn ref_attr(tag: &[u8]) -> Option<String> {
    let mut rest = tag;
    while let Some(i) = memchr::memmem::find(rest, b"ref") {
        let before_ok = i > 0 && rest.get(i - 1).is_some_and(|b| b.is_ascii_whitespace());
        let after = rest.get(i + 3..).unwrap_or_default();
        let after_trim = after.trim_ascii_start();
        if before_ok && after_trim.first() == Some(&b'=') {
            let v = after_trim.get(1..).unwrap_or_default().trim_ascii_start();
            let quote = *v.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let body = v.get(1..)?;
            let end = memchr::memchr(quote, body)?;
            return Some(xml_attr(std::str::from_utf8(body.get(..end)?).ok()?));
        }
        rest = after;
    }
    None
}

/// `base` + `target` as a zip path (`xl/` + `worksheets/sheet1.xml`; an absolute target
/// `/xl/…` is taken from the root; `..` resolved).
pub(crate) fn zip_join(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Relationship id → target, from a `.rels` part.
fn xml_rels(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut xml = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "Relationship" =>
            {
                let a = xml_attrs(&e);
                if let (Some(id), Some(target)) = (attr(&a, "Id"), attr(&a, "Target")) {
                    out.push((id.to_string(), target.to_string()));
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Every worksheet's name and zip part (`xl/worksheets/sheet1.xml`), in workbook order, as
/// the package's relationships give them (calamine keeps these paths to itself).
/// `read` gives a part's bytes by name.
pub(super) fn xlsx_sheet_parts<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    read: &mut impl FnMut(&mut zip::ZipArchive<R>, &str) -> Option<Vec<u8>>,
) -> Option<Vec<(String, String)>> {
    use quick_xml::events::Event;
    let root_rels = read(zip, "_rels/.rels").unwrap_or_default();
    let workbook_part = xml_rels(&root_rels)
        .into_iter()
        .map(|(_, t)| zip_join("", &t))
        .find(|t| t.to_ascii_lowercase().ends_with("workbook.xml"))
        .unwrap_or_else(|| "xl/workbook.xml".to_string());
    let dir = workbook_part
        .rfind('/')
        .map_or(String::new(), |i| workbook_part[..i].to_string());
    let file = workbook_part
        .rsplit('/')
        .next()
        .unwrap_or("workbook.xml")
        .to_string();
    let rels_part = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let rels = xml_rels(&read(zip, &rels_part)?);
    let workbook = read(zip, &workbook_part)?;

    let mut sheets: Vec<(String, String)> = Vec::new();
    {
        let mut xml = quick_xml::Reader::from_reader(&workbook[..]);
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                    let a = xml_attrs(&e);
                    let name = attr(&a, "name").map(str::to_string);
                    let rid = a
                        .iter()
                        .find(|(k, p, _)| k == "id" && p.is_some())
                        .map(|(_, _, v)| v.clone());
                    if let (Some(name), Some(rid)) = (name, rid)
                        && let Some((_, target)) = rels.iter().find(|(id, _)| *id == rid)
                    {
                        sheets.push((name, zip_join(&dir, target)));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }

    Some(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::ReadOptions;

    /// The sheets of an .xlsx as read: from the unpacked package (merges scanned), or
    /// from the file as it is (calamine's own merge pass).
    fn sheets_read(path: &Path, unpacked: bool) -> Vec<Grid> {
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut budget = Budget::new(&ReadOptions::default());
        let mut ctx = Ctx {
            sheets: Vec::new(),
            problems: Vec::new(),
            formulas: true,
        };
        if unpacked {
            let u = unpack_xlsx(&mut zip, bytes.len()).expect("unpacks");
            read_xlsx(
                std::io::Cursor::new(&u.bytes[..]),
                Some(u.merges),
                &mut budget,
                &mut ctx,
            )
        } else {
            read_xlsx(
                std::io::Cursor::new(&bytes[..]),
                None,
                &mut budget,
                &mut ctx,
            )
        }
        .is_ok_and(|()| ctx.problems.is_empty())
        .then_some(())
        .expect("read without problems");
        ctx.sheets
    }

    #[test]
    fn an_unpacked_package_reads_as_the_file_itself() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut merged = 0;
        for dir in [
            "read",
            "trawas-2024",
            "trawas-2024-bab",
            "clean-sukamaju/plain",
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_none_or(|x| x != "xlsx") {
                    continue;
                }
                let (a, b) = (sheets_read(&p, true), sheets_read(&p, false));
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", p.display());
                merged += a.iter().filter(|g| !g.merges.is_empty()).count();
            }
        }
        assert!(merged > 5, "{merged} sheets with merges");
    }

    /// `path`'s package rebuilt: `edit` may replace an entry's bytes (by name), `first`
    /// is copied once more ahead of everything under another name.
    fn repacked(
        path: &Path,
        first: Option<(&str, &str)>,
        edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    ) -> Vec<u8> {
        use std::io::Write;
        let bytes = std::fs::read(path).unwrap();
        let mut src = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        if let Some((name, renamed)) = first {
            out.raw_copy_file_rename(src.by_name(name).unwrap(), renamed)
                .unwrap();
        }
        for i in 0..src.len() {
            let name = src.name_for_index(i).unwrap().unwrap().to_string();
            let mut part = Vec::new();
            src.by_index(i).unwrap().read_to_end(&mut part).unwrap();
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&edit(&name, part)).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn names_equal_but_for_case_keep_the_file_as_it_is() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trawas-2024-bab/lkjip.xlsx");
        let plain = repacked(&path, None, |_, b| b);
        let twin = repacked(
            &path,
            Some(("xl/worksheets/sheet2.xml", "XL/WORKSHEETS/SHEET1.XML")),
            |_, b| b,
        );
        let unpack = |b: &[u8]| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
            unpack_xlsx(&mut zip, b.len()).is_some()
        };
        assert!(unpack(&plain));
        assert!(!unpack(&twin));
    }

    #[test]
    fn sheets_of_one_name_get_the_merges_calamine_reads() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trawas-2024-bab/lkjip.xlsx");
        let same = repacked(&path, None, |name, b| {
            if name != "xl/workbook.xml" {
                return b;
            }
            let text = String::from_utf8(b).unwrap();
            let re = regex::Regex::new(r#"<sheet name="[^"]*""#).unwrap();
            re.replace_all(&text, r#"<sheet name="A""#)
                .into_owned()
                .into_bytes()
        });
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("same.xlsx");
        std::fs::write(&file, same).unwrap();
        let (a, b) = (sheets_read(&file, true), sheets_read(&file, false));
        assert!(a.len() > 1 && a.iter().all(|g| g.name == "A"));
        assert!(a.iter().any(|g| !g.merges.is_empty()));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn merges_by_byte_scan() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCell ref="Z9:Z10"/&gt;</t></is></c></row></sheetData>
<mergeCells count="3"><mergeCell ref="A1:C1"/><x:mergeCell  ref = 'B2:B4' /><mergeCell ref="D5"/><mergeCells/></mergeCells></worksheet>"#;
        let want = vec![
            range_a1("A1:C1").unwrap(),
            range_a1("B2:B4").unwrap(),
            range_a1("D5:D5").unwrap(),
        ];
        // The text in a cell is never a merge.
        assert_eq!(scan_merges(xml), want);
        assert_eq!(range_a1("C3:A1"), range_a1("A1:C3"));
        assert!(scan_merges(b"<mergeCell ref=\"??\"/>").is_empty());
    }
}
