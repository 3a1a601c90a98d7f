//! `.xls`: the Compound File is parsed strictly by [`ole`], not calamine; the
//! `Workbook` stream is scanned here record by record ([`biff`]) for each sheet's extent,
//! record count and number formats; sheets over the budget have their cell records
//! neutralised, and every `DIMENSIONS` record too (calamine reserves memory by it); then
//! calamine reads a fresh Compound File holding only that stream, and its dense ranges
//! take their number formats from the scan.

use calamine::{Reader, SheetType, SheetVisible, Xls, XlsError};

use crate::grid::Grid;

use super::cells::{Dialect, NumFmt, excel_formula, grid_from_ranges, range_of};
use super::guard::{Budget, run_guarded, too_many_records};
use super::{Ctx, Format, ReadError, ReadOptions, SheetPart, SheetProblemKind, ole};

pub(super) fn read_xls(
    ole: &ole::Ole<'_>,
    opts: &ReadOptions,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), ReadError> {
    let format = Format::Xls;
    let corrupt = |detail: String| ReadError::Corrupt { format, detail };
    let entry = ole
        .find("Workbook")
        .or_else(|| ole.find("Book"))
        .ok_or_else(|| corrupt("no Workbook stream".into()))?;
    let mut stream = ole.stream(entry).map_err(corrupt)?;
    let scan = biff::scan(&stream, opts.max_cells);
    if scan.encrypted {
        return Err(ReadError::Encrypted { format });
    }
    if let Some(detail) = scan.error {
        return Err(corrupt(detail));
    }

    // Decide, sheet by sheet in workbook order, which sheets fit; neutralise the others.
    let mut verdicts: Vec<Option<SheetProblemKind>> = Vec::with_capacity(scan.sheets.len());
    let mut planned = Budget::new(opts);
    let mut neutralise: Vec<usize> = Vec::new();
    for sheet in &scan.sheets {
        neutralise.extend_from_slice(&sheet.dimensions);
        let b = planned.current();
        let verdict = if sheet.records > b {
            Some(too_many_records(sheet.extent, sheet.records, b))
        } else {
            sheet.extent.too_large(b)
        };
        if verdict.is_some() {
            neutralise.extend_from_slice(&sheet.cell_records);
        } else {
            planned.spend(sheet.extent.cells());
        }
        verdicts.push(verdict);
    }
    biff::neutralise(&mut stream, &neutralise);
    let clean = ole::write_single_stream("Workbook", &stream);

    let mut wb: Xls<std::io::Cursor<Vec<u8>>> =
        run_guarded(|| Xls::new(std::io::Cursor::new(clean)))
            .map_err(corrupt)?
            .map_err(|e| match e {
                XlsError::Password => ReadError::Encrypted { format },
                other => corrupt(other.to_string()),
            })?;

    let all: Vec<calamine::Sheet> = wb.sheets_metadata().to_vec();
    for (index, meta) in all.iter().enumerate() {
        if super::timed::stop_requested() {
            break;
        }
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let name = meta.name.clone();
        let hidden = meta.visible != SheetVisible::Visible;
        let Some(scanned) = scan.sheets.get(index) else {
            ctx.problem(
                &name,
                SheetProblemKind::Unreadable {
                    detail: "sheet not found in the workbook stream".into(),
                },
            );
            continue;
        };
        if let Some(Some(kind)) = verdicts.get(index) {
            ctx.problem(&name, kind.clone());
            continue;
        }
        let fmt_at = |row: u32, col: u32| -> NumFmt {
            scanned
                .ixfe
                .get(&(row, col))
                .map(|&ixfe| scan.numfmt(ixfe))
                .unwrap_or_default()
        };
        let outcome = run_guarded(
            || -> Result<(Grid, Vec<SheetProblemKind>), SheetProblemKind> {
                let values =
                    wb.worksheet_range(&name)
                        .map_err(|e| SheetProblemKind::Unreadable {
                            detail: e.to_string(),
                        })?;
                let mut partial = Vec::new();
                let formulas = match wb.worksheet_formula(&name) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        partial.push(SheetProblemKind::Incomplete {
                            part: SheetPart::Formulas,
                            detail: e.to_string(),
                        });
                        None
                    }
                };
                let dialect = Dialect {
                    fmt_at: &fmt_at,
                    formula: xls_formula,
                    errors_as_text: false,
                };
                let mut grid = grid_from_ranges(
                    &name,
                    hidden,
                    &values,
                    formulas.as_ref(),
                    &dialect,
                    budget.current(),
                )?;
                match wb.merge_cells_by_sheet_name(&name) {
                    Ok(dims) => grid.merges = dims.iter().map(range_of).collect(),
                    Err(e) => partial.push(SheetProblemKind::Incomplete {
                        part: SheetPart::Merges,
                        detail: e.to_string(),
                    }),
                }
                Ok((grid, partial))
            },
        );
        ctx.take(&name, outcome, budget);
    }
    Ok(())
}

/// calamine writes "Unrecognised formula for cell …" for formulas it cannot decode.
fn xls_formula(f: &str) -> Option<String> {
    if f.starts_with("Unrecognised formula") {
        None
    } else {
        excel_formula(f)
    }
}

/// A scan of a BIFF `Workbook` stream: per sheet, its extent and the records to neutralise,
/// and the number formats. Mirrors the record walk of calamine 0.38's `Xls` reader.
pub(super) mod biff {
    use crate::read::cells::{NumFmt, builtin_format_code, number_format_info};
    use crate::read::guard::Extent;
    use crate::read::ole::{le_u16, le_u32, utf16_units};
    use crate::read::styles::{ColLayout, RowLayout};
    use std::collections::HashMap;

    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    const CONTINUE: u16 = 0x003C;
    const FILEPASS: u16 = 0x002F;
    const FORMAT: u16 = 0x041E;
    const XF: u16 = 0x00E0;
    const BOUNDSHEET: u16 = 0x0085;
    const DIMENSIONS: u16 = 0x0200;
    /// calamine ignores BLANK records: the type neutralised records get.
    const HARMLESS: u16 = 0x0201;

    #[derive(Debug, Default)]
    pub struct SheetScan {
        pub extent: Extent,
        /// Cells calamine would store (its sparse list before the dense range).
        pub records: u64,
        /// Offsets (in the stream) of the sheet's cell records.
        pub cell_records: Vec<usize>,
        /// Offsets of DIMENSIONS records (calamine reserves rows × cols for them).
        pub dimensions: Vec<usize>,
        /// XF index of numeric cells.
        pub ixfe: HashMap<(u32, u32), u16>,
    }

    #[derive(Debug, Default)]
    pub struct Scan {
        pub encrypted: bool,
        /// A structural problem calamine would trip on (e.g. a sheet offset past the end).
        pub error: Option<String>,
        pub sheets: Vec<SheetScan>,
        /// XF index → number format id.
        xf_formats: Vec<u16>,
        /// Number format id → code, for custom formats.
        formats: HashMap<u16, String>,
    }

    impl Scan {
        pub fn numfmt(&self, ixfe: u16) -> NumFmt {
            let Some(&ifmt) = self.xf_formats.get(usize::from(ixfe)) else {
                return NumFmt::default();
            };
            match self.formats.get(&ifmt) {
                Some(code) => number_format_info(code),
                None => builtin_format_code(ifmt)
                    .map(number_format_info)
                    .unwrap_or_default(),
            }
        }
    }

    impl Scan {
        /// The number format code of an XF index, when it is known.
        pub fn format_code(&self, ixfe: u16) -> Option<String> {
            let &ifmt = self.xf_formats.get(usize::from(ixfe))?;
            self.formats
                .get(&ifmt)
                .cloned()
                .or_else(|| builtin_format_code(ifmt).map(str::to_string))
        }
    }

    /// A `BOUNDSHEET` record: where a sheet starts, its name and kind.
    #[derive(Debug)]
    pub struct SheetInfo {
        pub offset: usize,
        pub name: String,
        pub hidden: bool,
        pub worksheet: bool,
    }

    /// Every sheet of the workbook globals, in order (chart and macro sheets included, as
    /// [`scan`] lists them).
    pub fn boundsheets(stream: &[u8]) -> Vec<SheetInfo> {
        let mut out = Vec::new();
        let mut biff8 = true;
        for (_, typ, data) in records(stream, 0) {
            match typ {
                BOF => {
                    let version = le_u16(data, 0).unwrap_or(0x0600);
                    biff8 = !matches!(version, 0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500);
                }
                BOUNDSHEET => {
                    let offset = le_u32(data, 0).unwrap_or(0) as usize;
                    let hidden = data.get(4).is_some_and(|b| b & 3 != 0);
                    let worksheet = data.get(5).is_some_and(|&b| b == 0);
                    let cch = usize::from(data.get(6).copied().unwrap_or(0));
                    let name = if biff8 {
                        let flags = data.get(7).copied().unwrap_or(0);
                        if flags & 1 == 1 {
                            let units = utf16_units(data.get(8..8 + 2 * cch).unwrap_or(&[]));
                            String::from_utf16_lossy(&units)
                        } else {
                            data.get(8..8 + cch)
                                .unwrap_or(&[])
                                .iter()
                                .map(|&b| char::from(b))
                                .collect()
                        }
                    } else {
                        data.get(7..7 + cch)
                            .unwrap_or(&[])
                            .iter()
                            .map(|&b| char::from(b))
                            .collect()
                    };
                    out.push(SheetInfo {
                        offset,
                        name,
                        hidden,
                        worksheet,
                    });
                }
                EOF => break,
                _ => {}
            }
        }
        out
    }

    /// Column widths (`COLINFO`) and row heights (`ROW`) of the sheet starting at `pos`;
    /// at most `cap` rows.
    pub fn layout(stream: &[u8], pos: usize, cap: u64) -> (Vec<ColLayout>, Vec<RowLayout>) {
        const COLINFO: u16 = 0x007D;
        const ROW: u16 = 0x0208;
        let mut cols = Vec::new();
        let mut rows = Vec::new();
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (_, typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                COLINFO => {
                    let (Some(first), Some(last), Some(dx)) =
                        (le_u16(data, 0), le_u16(data, 2), le_u16(data, 4))
                    else {
                        continue;
                    };
                    let hidden = le_u16(data, 8).is_some_and(|g| g & 1 == 1);
                    if last >= first {
                        cols.push(ColLayout {
                            first: u32::from(first),
                            last: u32::from(last),
                            width: Some(f64::from(dx) / 256.0),
                            hidden,
                        });
                    }
                }
                ROW => {
                    let (Some(row), Some(miy), Some(grbit)) =
                        (le_u16(data, 0), le_u16(data, 6), le_u16(data, 12))
                    else {
                        continue;
                    };
                    let hidden = grbit & 0x20 != 0;
                    let custom = grbit & 0x40 != 0 && miy & 0x8000 == 0;
                    let height = custom.then(|| f64::from(miy & 0x7FFF) / 20.0);
                    if (height.is_some() || hidden) && (rows.len() as u64) < cap {
                        rows.push(RowLayout {
                            row: u32::from(row),
                            height,
                            hidden,
                        });
                    }
                }
                EOF => break,
                _ => {}
            }
        }
        (cols, rows)
    }

    /// BIFF records as calamine's `RecordIter` splits them: CONTINUE records following a
    /// record are skipped with it. Yields (offset of the record header, type, data).
    struct Records<'a> {
        s: &'a [u8],
        off: usize,
        failed: bool,
    }

    impl<'a> Iterator for Records<'a> {
        type Item = (usize, u16, &'a [u8]);
        fn next(&mut self) -> Option<Self::Item> {
            let rest = self.s.get(self.off..)?;
            if rest.len() < 4 {
                self.failed = !rest.is_empty();
                return None;
            }
            let typ = le_u16(rest, 0)?;
            let len = usize::from(le_u16(rest, 2)?);
            let Some(data) = rest.get(4..4 + len) else {
                self.failed = true;
                return None;
            };
            let start = self.off;
            self.off += 4 + len;
            // Skip the CONTINUE records that follow (`off` stays within `s`: it only moves
            // past bytes that were there).
            while let Some(rest) = self.s.get(self.off..) {
                if !(rest.len() > 4 && le_u16(rest, 0) == Some(CONTINUE)) {
                    break;
                }
                let len = usize::from(le_u16(rest, 2).unwrap_or(0));
                if rest.len() < len + 4 {
                    self.failed = true;
                    self.off = self.s.len();
                    break;
                }
                self.off += len + 4;
            }
            Some((start, typ, data))
        }
    }

    fn records(s: &[u8], off: usize) -> Records<'_> {
        Records {
            s,
            off,
            failed: false,
        }
    }

    /// `cap`: beyond this many cell records a sheet is refused anyway, so its number
    /// formats are no longer recorded.
    pub fn scan(stream: &[u8], cap: u64) -> Scan {
        let mut scan = Scan::default();
        let mut biff8 = true;
        let mut positions = Vec::new();
        for (_, typ, data) in records(stream, 0) {
            match typ {
                FILEPASS => {
                    scan.encrypted = true;
                    return scan;
                }
                BOF => {
                    let version = le_u16(data, 0).unwrap_or(0x0600);
                    let dt = le_u16(data, 2).unwrap_or(0);
                    biff8 = match version {
                        0x0600 => true,
                        0 => dt != 0x1000,
                        0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
                        _ => true,
                    };
                }
                FORMAT => {
                    if let Some((ifmt, code)) = parse_format(data, biff8) {
                        scan.formats.insert(ifmt, code);
                    }
                }
                XF => scan.xf_formats.push(le_u16(data, 2).unwrap_or(0)),
                BOUNDSHEET => positions.push(le_u32(data, 0).unwrap_or(0) as usize),
                EOF => break,
                _ => {}
            }
        }
        for pos in positions {
            if pos > stream.len() {
                scan.error = Some(format!(
                    "sheet offset {pos} beyond the workbook stream ({} bytes)",
                    stream.len()
                ));
                return scan;
            }
            scan.sheets.push(scan_sheet(stream, pos, cap));
        }
        scan
    }

    fn scan_sheet(stream: &[u8], pos: usize, cap: u64) -> SheetScan {
        let mut sheet = SheetScan::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        let record_format = |sheet: &mut SheetScan, row: u32, col: u32, ixfe: Option<u16>| {
            if sheet.records > cap {
                sheet.ixfe = HashMap::new();
            } else if let Some(ixfe) = ixfe {
                sheet.ixfe.insert((row, col), ixfe);
            }
        };
        let cell = |sheet: &mut SheetScan, off: usize, row: u16, col: u16, ixfe: Option<u16>| {
            sheet.extent.add(u32::from(row), u32::from(col));
            sheet.records += 1;
            sheet.cell_records.push(off);
            record_format(sheet, u32::from(row), u32::from(col), ixfe);
        };
        for (off, typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let (row, col) = (le_u16(data, 0).unwrap_or(0), le_u16(data, 2).unwrap_or(0));
            match typ {
                BOF => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                DIMENSIONS => sheet.dimensions.push(off),
                // NUMBER, RK, FORMULA: numeric, with an XF index.
                0x0203 | 0x027E | 0x0006 => cell(&mut sheet, off, row, col, le_u16(data, 4)),
                // LABEL, RSTRING, BOOLERR, LABELSST.
                0x0204 | 0x00D6 | 0x0205 | 0x00FD => cell(&mut sheet, off, row, col, None),
                // STRING (a formula's text result, at the formula's position).
                0x0207 => sheet.cell_records.push(off),
                // MULRK: row, first column, 6-byte (XF, RK) pairs, last column.
                0x00BD => {
                    let pairs = data.len().saturating_sub(6) / 6;
                    for i in 0..pairs {
                        let c = u32::from(col) + i as u32;
                        let ixfe = le_u16(data, 4 + 6 * i);
                        sheet.extent.add(u32::from(row), c);
                        sheet.records += 1;
                        record_format(&mut sheet, u32::from(row), c, ixfe);
                    }
                    sheet.cell_records.push(off);
                }
                EOF => break,
                _ => {}
            }
        }
        sheet
    }

    fn parse_format(data: &[u8], biff8: bool) -> Option<(u16, String)> {
        let ifmt = le_u16(data, 0)?;
        let code = if biff8 {
            let cch = usize::from(le_u16(data, 2)?);
            let flags = *data.get(4)?;
            if flags & 1 == 1 {
                let units = utf16_units(data.get(5..5 + 2 * cch)?);
                String::from_utf16_lossy(&units)
            } else {
                data.get(5..5 + cch)?
                    .iter()
                    .map(|&b| char::from(b))
                    .collect()
            }
        } else {
            let cch = usize::from(*data.get(2)?);
            data.get(3..3 + cch)?
                .iter()
                .map(|&b| char::from(b))
                .collect()
        };
        Some((ifmt, code))
    }

    /// Turn the records at these offsets into records calamine ignores.
    pub fn neutralise(stream: &mut [u8], offsets: &[usize]) {
        for &off in offsets {
            if let Some(typ) = stream.get_mut(off..).and_then(<[u8]>::first_chunk_mut::<2>) {
                *typ = HARMLESS.to_le_bytes();
            }
        }
    }
}
