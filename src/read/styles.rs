//! What only annotated copies read ([`read_styles`]): the cell styles and the column/row
//! layout of a workbook, so that a copy keeps its look. `.xlsx`/`.xlsm` through calamine's
//! style API and the package's sheet XML (calamine does not expose widths and heights);
//! `.xls` number formats and layout from the BIFF records; nothing for `.xlsb` and `.ods`.
//! The checks never read these.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Reader, Style, Xlsx};

use crate::grid::Pos;

use super::cells::worksheets_of;
use super::guard::{Budget, Sniffed, open_head, run_guarded, sniff};
use super::xls::biff;
use super::xlsx::{
    attr, xlsx_open_failure, xlsx_sheet_parts, xml_attrs, xml_true, zip_entry, zip_index,
};
use super::{Format, OpenFailure, ReadError, ReadOptions, ole};

/// An RGB colour, `0xRRGGBB`.
pub type Rgb = u32;

/// Font underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Underline {
    #[default]
    None,
    Single,
    Double,
    SingleAccounting,
    DoubleAccounting,
}

/// A cell's font, as far as it is stated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FontStyle {
    pub name: Option<String>,
    /// Size in points.
    pub size: Option<f64>,
    pub bold: bool,
    pub italic: bool,
    pub underline: Underline,
    pub strikethrough: bool,
    /// `None`: automatic (black is reported as automatic).
    pub color: Option<Rgb>,
}

/// Fill patterns (ECMA-376 18.18.55), without `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FillPattern {
    Solid,
    MediumGray,
    DarkGray,
    LightGray,
    DarkHorizontal,
    DarkVertical,
    DarkDown,
    DarkUp,
    DarkGrid,
    DarkTrellis,
    LightHorizontal,
    LightVertical,
    LightDown,
    LightUp,
    LightGrid,
    LightTrellis,
    Gray125,
    Gray0625,
}

/// A cell's fill. For `Solid`, `foreground` is the cell's colour.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FillStyle {
    pub pattern: FillPattern,
    pub foreground: Option<Rgb>,
    pub background: Option<Rgb>,
}

/// Border line styles (ECMA-376 18.18.3), without `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineStyle {
    Thin,
    Medium,
    Dashed,
    Dotted,
    Thick,
    Double,
    Hair,
    MediumDashed,
    DashDot,
    MediumDashDot,
    DashDotDot,
    MediumDashDotDot,
    SlantDashDot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BorderLine {
    pub style: LineStyle,
    /// `None`: automatic.
    pub color: Option<Rgb>,
}

/// The visible borders of a cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BorderStyle {
    pub left: Option<BorderLine>,
    pub right: Option<BorderLine>,
    pub top: Option<BorderLine>,
    pub bottom: Option<BorderLine>,
    pub diagonal_down: Option<BorderLine>,
    pub diagonal_up: Option<BorderLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HAlign {
    #[default]
    General,
    Left,
    Center,
    Right,
    Fill,
    Justify,
    CenterContinuous,
    Distributed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VAlign {
    Top,
    Center,
    #[default]
    Bottom,
    Justify,
    Distributed,
}

/// A cell's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlignStyle {
    pub horizontal: HAlign,
    pub vertical: VAlign,
    pub wrap: bool,
    pub indent: u8,
    pub shrink: bool,
    /// As Excel stores it: 0–90 counter-clockwise, 91–180 clockwise (90 + degrees), 255
    /// stacked.
    pub rotation: u16,
}

/// The style of a cell: what of it the reader could see (`None`: not stated / default).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellStyle {
    /// The number format code as stored (`#,##0.00`, `0.00%`, `General` …).
    pub number_format: Option<String>,
    pub font: Option<FontStyle>,
    pub fill: Option<FillStyle>,
    pub borders: Option<BorderStyle>,
    pub alignment: Option<AlignStyle>,
}

/// Columns `first..=last` (zero-based) share a width and visibility.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColLayout {
    pub first: u32,
    pub last: u32,
    /// Width as the file stores it, in characters of the default font's widest digit
    /// (padding included, so Excel's "40" is stored as 40.71…); `None`: default width.
    pub width: Option<f64>,
    pub hidden: bool,
}

/// One row's height and visibility (only rows that state either).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowLayout {
    pub row: u32,
    /// Height in points, when set by hand (`customHeight`); `None`: automatic.
    pub height: Option<f64>,
    pub hidden: bool,
}

/// The styles and layout of one worksheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetStyles {
    pub name: String,
    pub hidden: bool,
    /// Cells with a style other than the default: position and index into
    /// [`StyleMap::palette`], sorted by position (row-major).
    pub cells: Vec<(Pos, u32)>,
    pub cols: Vec<ColLayout>,
    pub rows: Vec<RowLayout>,
    /// False when the budget stopped the scan or part of the sheet could not be read:
    /// what is here is then only part of the sheet's styles.
    pub complete: bool,
}

impl SheetStyles {
    /// The palette index of the style at `p`, if the cell has one.
    pub fn style_index(&self, p: Pos) -> Option<u32> {
        let key = (p.row, p.col);
        self.cells
            .binary_search_by(|(q, _)| (q.row, q.col).cmp(&key))
            .ok()
            .and_then(|i| self.cells.get(i))
            .map(|&(_, style)| style)
    }
}

/// The cell styles and layout of a workbook, worksheets in workbook order (including the
/// sheets [`read_workbook`] refused as too large, so their place is known).
///
/// [`read_workbook`]: super::read_workbook
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyleMap {
    pub palette: Vec<CellStyle>,
    pub sheets: Vec<SheetStyles>,
}

impl StyleMap {
    pub fn sheet(&self, name: &str) -> Option<&SheetStyles> {
        self.sheets.iter().find(|s| s.name == name)
    }

    pub fn style(&self, index: u32) -> Option<&CellStyle> {
        self.palette.get(index as usize)
    }
}

/// Read the cell styles and the column/row layout of a workbook, for an annotated copy.
///
/// * `.xlsx`/`.xlsm`: every cell style calamine 0.38 exposes (number format, font, fill,
///   borders, alignment; theme and indexed colours resolved to RGB), and column widths,
///   hidden columns, custom row heights and hidden rows from the sheet XML (calamine does
///   not expose those; the sheet part is streamed up to `</sheetData>`).
/// * `.xls`: the number format of numeric cells (from the same BIFF scan as
///   [`read_workbook`]), column widths and row heights from `COLINFO`/`ROW` records.
/// * `.xlsb`, `.ods`: nothing (an empty map).
///
/// The budget is [`ReadOptions::max_cells`] styled cells (and row records) per sheet and
/// [`ReadOptions::max_total_cells`] per workbook; beyond it a sheet's scan stops and
/// [`SheetStyles::complete`] is false. A sheet whose styles cannot be read is kept with
/// what was read; only file-level failures are errors. Never panics (calamine runs under
/// `catch_unwind`).
///
/// [`read_workbook`]: super::read_workbook
pub fn read_styles(path: &Path, opts: &ReadOptions) -> Result<StyleMap, ReadError> {
    let (format, head_buf, head_len) = open_head(path, opts.max_file_bytes)?;
    let head = head_buf.get(..head_len).unwrap_or_default();
    let open_err = |source: std::io::Error| ReadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut budget = Budget::new(opts);
    match (sniff(head), format) {
        (Sniffed::Zip, Format::Xlsx | Format::Xlsm) => {
            let corrupt = |detail: String| ReadError::Corrupt { format, detail };
            let file = File::open(path).map_err(open_err)?;
            let mut wb: Xlsx<BufReader<File>> = run_guarded(|| Xlsx::new(BufReader::new(file)))
                .map_err(corrupt)?
                .map_err(|e| match xlsx_open_failure(e) {
                    OpenFailure::Encrypted => ReadError::Encrypted { format },
                    OpenFailure::Io(source) => ReadError::Io { source },
                    OpenFailure::TooLarge(detail) => ReadError::TooLarge { format, detail },
                    OpenFailure::Inflated(actual) => ReadError::Limit {
                        limit: super::Limit::InflatedBytes,
                        actual,
                        max: opts.max_inflated_bytes,
                    },
                    OpenFailure::Corrupt(detail) => corrupt(detail),
                })?;
            let file = File::open(path).map_err(open_err)?;
            let layouts = run_guarded(|| xlsx_layouts(BufReader::new(file), opts))
                .ok()
                .flatten();
            Ok(xlsx_styles(&mut wb, layouts, &mut budget))
        }
        (Sniffed::Ole2, Format::Xls) => {
            let bytes = std::fs::read(path).map_err(|source| ReadError::Io { source })?;
            let ole =
                ole::Ole::parse(&bytes).map_err(|detail| ReadError::Corrupt { format, detail })?;
            if ole.find("EncryptedPackage").is_some() {
                return Err(ReadError::Encrypted { format });
            }
            let entry = ole
                .find("Workbook")
                .or_else(|| ole.find("Book"))
                .ok_or_else(|| ReadError::Corrupt {
                    format,
                    detail: "no Workbook stream".into(),
                })?;
            let stream = ole
                .stream(entry)
                .map_err(|detail| ReadError::Corrupt { format, detail })?;
            match run_guarded(|| xls_styles(&stream, &mut budget)) {
                Ok(map) => Ok(map),
                Err(detail) => Err(ReadError::Corrupt { format, detail }),
            }
        }
        _ => Ok(StyleMap::default()),
    }
}

fn rgb_of(c: &calamine::Color) -> Rgb {
    (u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue)
}

fn line_of(b: &calamine::Border) -> Option<BorderLine> {
    use calamine::BorderStyle as B;
    let style = match b.style {
        B::None => return None,
        B::Thin => LineStyle::Thin,
        B::Medium => LineStyle::Medium,
        B::Thick => LineStyle::Thick,
        B::Double => LineStyle::Double,
        B::Hair => LineStyle::Hair,
        B::Dashed => LineStyle::Dashed,
        B::Dotted => LineStyle::Dotted,
        B::MediumDashed => LineStyle::MediumDashed,
        B::DashDot => LineStyle::DashDot,
        B::MediumDashDot => LineStyle::MediumDashDot,
        B::DashDotDot => LineStyle::DashDotDot,
        B::MediumDashDotDot => LineStyle::MediumDashDotDot,
        B::SlantDashDot => LineStyle::SlantDashDot,
        _ => LineStyle::Thin,
    };
    Some(BorderLine {
        style,
        color: b.color.as_ref().map(rgb_of),
    })
}

/// calamine's style, in our terms.
fn cell_style_of(s: &Style) -> CellStyle {
    use calamine::{FillPattern as P, HorizontalAlignment as H, UnderlineStyle as U};
    use calamine::{TextRotation, VerticalAlignment as V};
    let font = s.font.as_ref().map(|f| FontStyle {
        name: f.name.clone(),
        size: f.size,
        bold: f.is_bold(),
        italic: f.is_italic(),
        underline: match f.underline {
            U::None => Underline::None,
            U::Single => Underline::Single,
            U::Double => Underline::Double,
            U::SingleAccounting => Underline::SingleAccounting,
            U::DoubleAccounting => Underline::DoubleAccounting,
            _ => Underline::Single,
        },
        strikethrough: f.has_strikethrough(),
        color: f.color.as_ref().filter(|c| !c.is_black()).map(rgb_of),
    });
    let fill = s.fill.as_ref().and_then(|f| {
        let pattern = match f.pattern {
            P::None => return None,
            P::Solid => FillPattern::Solid,
            P::DarkGray => FillPattern::DarkGray,
            P::MediumGray => FillPattern::MediumGray,
            P::LightGray => FillPattern::LightGray,
            P::Gray125 => FillPattern::Gray125,
            P::Gray0625 => FillPattern::Gray0625,
            P::DarkHorizontal => FillPattern::DarkHorizontal,
            P::DarkVertical => FillPattern::DarkVertical,
            P::DarkDown => FillPattern::DarkDown,
            P::DarkUp => FillPattern::DarkUp,
            P::DarkGrid => FillPattern::DarkGrid,
            P::DarkTrellis => FillPattern::DarkTrellis,
            P::LightHorizontal => FillPattern::LightHorizontal,
            P::LightVertical => FillPattern::LightVertical,
            P::LightDown => FillPattern::LightDown,
            P::LightUp => FillPattern::LightUp,
            P::LightGrid => FillPattern::LightGrid,
            P::LightTrellis => FillPattern::LightTrellis,
            _ => FillPattern::Solid,
        };
        Some(FillStyle {
            pattern,
            foreground: f.foreground_color.as_ref().map(rgb_of),
            background: f.background_color.as_ref().map(rgb_of),
        })
    });
    let borders = s
        .borders
        .as_ref()
        .filter(|b| b.has_visible_borders())
        .map(|b| BorderStyle {
            left: line_of(&b.left),
            right: line_of(&b.right),
            top: line_of(&b.top),
            bottom: line_of(&b.bottom),
            diagonal_down: line_of(&b.diagonal_down),
            diagonal_up: line_of(&b.diagonal_up),
        });
    let alignment = s.alignment.as_ref().map(|a| AlignStyle {
        horizontal: match a.horizontal {
            H::Left => HAlign::Left,
            H::Center => HAlign::Center,
            H::CenterContinuous => HAlign::CenterContinuous,
            H::Right => HAlign::Right,
            H::Justify => HAlign::Justify,
            H::Distributed => HAlign::Distributed,
            H::Fill => HAlign::Fill,
            _ => HAlign::General,
        },
        vertical: match a.vertical {
            V::Top => VAlign::Top,
            V::Center => VAlign::Center,
            V::Justify => VAlign::Justify,
            V::Distributed => VAlign::Distributed,
            _ => VAlign::Bottom,
        },
        wrap: a.wrap_text,
        indent: a.indent.unwrap_or(0),
        shrink: a.shrink_to_fit,
        rotation: match a.text_rotation {
            TextRotation::Degrees(d) if d <= 180 => d,
            TextRotation::Stacked => 255,
            _ => 0,
        },
    });
    CellStyle {
        number_format: s.number_format.as_ref().map(|n| n.format_code.clone()),
        font,
        fill,
        borders,
        alignment,
    }
}

fn xlsx_styles<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    mut layouts: Option<Vec<(String, SheetLayout)>>,
    budget: &mut Budget,
) -> StyleMap {
    let mut map = StyleMap::default();
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        let cap = budget.current();
        let outcome = run_guarded(|| -> (Option<Vec<CellStyle>>, Vec<(Pos, u32)>, bool) {
            let Ok(mut reader) = wb.worksheet_cells_reader(&name) else {
                return (None, Vec::new(), false);
            };
            let palette: Vec<CellStyle> = reader.styles().iter().map(cell_style_of).collect();
            let mut cells = Vec::new();
            loop {
                match reader.next_style_id() {
                    Ok(None) => break (Some(palette), cells, true),
                    Ok(Some((row, col, id))) => {
                        if cells.len() as u64 >= cap {
                            break (Some(palette), cells, false);
                        }
                        cells.push((Pos::new(row, col), u32::try_from(id).unwrap_or(0)));
                    }
                    Err(_) => break (Some(palette), cells, false),
                }
            }
        });
        let (palette, mut cells, mut complete) = outcome.unwrap_or((None, Vec::new(), false));
        if map.palette.is_empty()
            && let Some(p) = palette
        {
            map.palette = p;
        }
        budget.spend(cells.len() as u64);
        cells.sort_by_key(|(p, _)| (p.row, p.col));
        cells.dedup_by_key(|(p, _)| (p.row, p.col));
        let layout = layouts
            .as_mut()
            .and_then(|l| l.iter_mut().find(|(n, _)| *n == name))
            .map(|(_, l)| std::mem::take(l));
        let layout = match layout {
            Some(l) => l,
            None => {
                complete = false;
                SheetLayout::default()
            }
        };
        map.sheets.push(SheetStyles {
            name,
            hidden,
            cells,
            cols: layout.cols,
            rows: layout.rows,
            complete: complete && layout.complete,
        });
    }
    map
}

/// Column and row layout of one sheet.
#[derive(Debug, Default)]
struct SheetLayout {
    cols: Vec<ColLayout>,
    rows: Vec<RowLayout>,
    complete: bool,
}

/// Column widths and row heights of every worksheet, by sheet name, read from the
/// package's XML (calamine keeps them to itself).
fn xlsx_layouts<R: Read + Seek>(
    reader: R,
    opts: &ReadOptions,
) -> Option<Vec<(String, SheetLayout)>> {
    use quick_xml::events::Event;
    const PART_LIMIT: u64 = 64 * 1024 * 1024;
    let mut zip = zip::ZipArchive::new(reader).ok()?;
    let sheets = xlsx_sheet_parts(&mut zip, &mut |zip, name| {
        zip_entry(zip, name, PART_LIMIT).map(|(_, b)| b)
    })?;

    let mut out = Vec::new();
    for (name, part) in sheets {
        let mut layout = SheetLayout::default();
        let index = zip_index(&zip, &part);
        let Some(file) = index.and_then(|i| zip.by_index(i).ok()) else {
            out.push((name, layout));
            continue;
        };
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
        let mut buf = Vec::new();
        let mut in_data = false;
        loop {
            let ev = xml.read_event_into(&mut buf);
            match ev {
                Ok(Event::Start(ref e) | Event::Empty(ref e)) => match e.local_name().as_ref() {
                    // Excel has 16 384 columns: more column records are noise.
                    "col" if !in_data && layout.cols.len() < 16_384 => {
                        let a = xml_attrs(e);
                        let min: Option<u32> = attr(&a, "min").and_then(|v| v.parse().ok());
                        let max: Option<u32> = attr(&a, "max").and_then(|v| v.parse().ok());
                        if let (Some(min), Some(max)) = (min, max)
                            && min >= 1
                            && max >= min
                        {
                            let width = attr(&a, "width")
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|w| w.is_finite() && *w >= 0.0 && *w <= 255.0);
                            let hidden = xml_true(attr(&a, "hidden"));
                            if width.is_some() || hidden {
                                layout.cols.push(ColLayout {
                                    first: min - 1,
                                    last: max - 1,
                                    width,
                                    hidden,
                                });
                            }
                        }
                    }
                    "sheetData" => in_data = true,
                    "row" if in_data => {
                        let a = xml_attrs(e);
                        let r = attr(&a, "r")
                            .and_then(|v| v.parse::<u32>().ok())
                            .unwrap_or(0);
                        let height = if xml_true(attr(&a, "customHeight")) {
                            attr(&a, "ht")
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|h| h.is_finite() && *h >= 0.0 && *h <= 409.0)
                        } else {
                            None
                        };
                        let hidden = xml_true(attr(&a, "hidden"));
                        if r >= 1 && (height.is_some() || hidden) {
                            if layout.rows.len() as u64 >= opts.max_cells {
                                break;
                            }
                            layout.rows.push(RowLayout {
                                row: r - 1,
                                height,
                                hidden,
                            });
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(ref e)) if e.local_name().as_ref() == "sheetData" => {
                    layout.complete = true;
                    break;
                }
                Ok(Event::Eof) => {
                    layout.complete = true;
                    break;
                }
                Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
        out.push((name, layout));
    }
    Some(out)
}

/// Number formats of numeric cells, column widths and row heights of an `.xls`.
fn xls_styles(stream: &[u8], budget: &mut Budget) -> StyleMap {
    let scan = biff::scan(stream, budget.per_sheet);
    let mut map = StyleMap::default();
    if scan.encrypted || scan.error.is_some() {
        return map;
    }
    let mut codes: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    // Palette entry 0 is the default style, never referenced.
    map.palette.push(CellStyle::default());
    for (sheet, info) in scan.sheets.iter().zip(biff::boundsheets(stream)) {
        if !info.worksheet {
            continue;
        }
        let cap = budget.current();
        let mut cells = Vec::new();
        let mut complete = true;
        for (&(row, col), &ixfe) in &sheet.ixfe {
            let Some(code) = scan.format_code(ixfe) else {
                continue;
            };
            if code.eq_ignore_ascii_case("general") {
                continue;
            }
            if cells.len() as u64 >= cap {
                complete = false;
                break;
            }
            let next = map.palette.len() as u32;
            let index = *codes.entry(code.clone()).or_insert_with(|| {
                map.palette.push(CellStyle {
                    number_format: Some(code),
                    ..CellStyle::default()
                });
                next
            });
            cells.push((Pos::new(row, col), index));
        }
        budget.spend(cells.len() as u64);
        cells.sort_by_key(|(p, _)| (p.row, p.col));
        let layout = biff::layout(stream, info.offset, budget.per_sheet);
        map.sheets.push(SheetStyles {
            name: info.name,
            hidden: info.hidden,
            cells,
            cols: layout.0,
            rows: layout.1,
            complete: complete && sheet.records <= budget.per_sheet,
        });
    }
    map
}
