//! calamine's cells in our terms, for every format: values (numbers to [`Decimal`] through
//! their shortest round trip, dates and times as ISO text, Excel's spelling of errors),
//! what a number format says (percent, decimals), formula texts cleaned for display, and
//! the grid built from the cells: gathered sparsely while streaming ([`SparseSheet`], the
//! budget checked at every cell) or from calamine's dense ranges ([`grid_from_ranges`]).
//! See "Value mapping" in the module notes of [`read`](super).

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime, SheetType, SheetVisible, Style};
use rust_decimal::Decimal;

use crate::figure::decimal_from_f64;
use crate::grid::{Cell, Grid, Pos, Range, Value};

use super::SheetProblemKind;
use super::guard::{Extent, too_many_records};

// ---------------------------------------------------------------------------------------
// Sparse sheets (streamed: xlsx, xlsb)
// ---------------------------------------------------------------------------------------

/// Does this cell extend the grid? Blank text and formatted-but-empty cells do not.
fn meaningful(value: &Value, formula: bool) -> bool {
    formula || !value.is_empty()
}

/// A sheet gathered sparsely, turned into a dense grid once its extent is known.
pub(super) struct SparseSheet {
    pub(super) extent: Extent,
    pub(super) cells: Vec<(u32, u32, Value)>,
    pub(super) formulas: Vec<(u32, u32, String)>,
    /// Cells streamed so far, empty ones included (when to look at the stop flag).
    pub(super) streamed: u64,
}

/// How many streamed cells (or XML events) go between two looks at the stop flag.
pub(super) const STOP_EVERY: u64 = 4096;

/// The problem a read given up on its time limit returns (nobody waits for it any more:
/// the file is reported with the limit it hit).
pub(super) fn stopped() -> SheetProblemKind {
    SheetProblemKind::Unreadable {
        detail: STOPPED.into(),
    }
}

/// The detail of a read given up on its time limit.
pub(super) const STOPPED: &str = "stopped: the time limit for reading this file was reached";

impl SparseSheet {
    /// Keep a streamed cell, refusing the sheet as soon as its extent or its number of
    /// records goes over the budget.
    pub(super) fn accept(
        &mut self,
        row: u32,
        col: u32,
        value: Value,
        budget: u64,
    ) -> Result<(), SheetProblemKind> {
        self.streamed += 1;
        if self.streamed.is_multiple_of(STOP_EVERY) && super::timed::stop_requested() {
            return Err(stopped());
        }
        if meaningful(&value, false) {
            self.extent.add(row, col);
            if let Some(kind) = self.extent.too_large(budget) {
                return Err(kind);
            }
        }
        if value != Value::Empty {
            self.cells.push((row, col, value));
            if self.cells.len() as u64 > budget {
                return Err(too_many_records(
                    self.extent,
                    self.cells.len() as u64,
                    budget,
                ));
            }
        }
        Ok(())
    }

    pub(super) fn new() -> Self {
        SparseSheet {
            extent: Extent::default(),
            cells: Vec::new(),
            formulas: Vec::new(),
            streamed: 0,
        }
    }

    pub(super) fn into_grid(self, name: &str, hidden: bool) -> Grid {
        // The caller checked the extent against the budget, so both fit in u32.
        let height = u32::try_from(self.extent.rows).unwrap_or(0);
        let width = u32::try_from(self.extent.cols).unwrap_or(0);
        let mut grid = Grid::new(name, height, width);
        grid.hidden = hidden;
        for (row, col, value) in self.cells {
            let p = Pos::new(row, col);
            let formula = grid.get(p).formula.clone();
            grid.set(p, Cell { value, formula });
        }
        for (row, col, formula) in self.formulas {
            let p = Pos::new(row, col);
            let value = grid.value(p).clone();
            grid.set(
                p,
                Cell {
                    value,
                    formula: Some(formula),
                },
            );
        }
        grid
    }
}

pub(super) fn worksheets_of(sheets: &[calamine::Sheet]) -> Vec<(String, bool)> {
    sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/// What a number format says about how a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct NumFmt {
    pub(super) percent: bool,
    pub(super) decimals: Option<u32>,
}

/// Analyse a number format code (its first, positive section).
/// `0.00%` → percent, 2 decimals; `#,##0` → 0; `#,##0.00` → 2; `General`, `@`, dates and
/// fractions → no decimals.
pub(super) fn number_format_info(code: &str) -> NumFmt {
    let chars: Vec<char> = code.chars().collect();
    let (mut percent, mut general, mut date, mut fraction, mut digits) =
        (false, false, false, false, false);
    let mut decimals: Option<u32> = None;
    let mut in_decimals = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            ';' => break,
            '"' => {
                while chars.get(i).is_some_and(|&q| q != '"') {
                    i += 1;
                }
                i += 1;
                in_decimals = false;
            }
            '\\' | '_' | '*' => {
                i += 1;
                in_decimals = false;
            }
            '[' => {
                while chars.get(i).is_some_and(|&q| q != ']') {
                    i += 1;
                }
                i += 1;
            }
            '%' => {
                percent = true;
                in_decimals = false;
            }
            '/' => fraction = true,
            '.' => {
                in_decimals = decimals.is_none();
                if in_decimals {
                    decimals = Some(0);
                }
            }
            '0' | '#' | '?' => {
                digits = true;
                if in_decimals {
                    decimals = decimals.map(|d| d + 1);
                }
            }
            ',' => {}
            'E' | 'e' if matches!(chars.get(i), Some('+' | '-')) => {
                i += 1;
                in_decimals = false;
            }
            'G' | 'g'
                if chars
                    .iter()
                    .skip(i - 1)
                    .take(7)
                    .collect::<String>()
                    .eq_ignore_ascii_case("general") =>
            {
                general = true;
                i += 6;
                in_decimals = false;
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                date = true;
                in_decimals = false;
            }
            _ => in_decimals = false,
        }
    }
    if general || date || fraction || !digits {
        return NumFmt {
            percent,
            decimals: None,
        };
    }
    NumFmt {
        percent,
        decimals: Some(decimals.unwrap_or(0)),
    }
}

pub(super) fn numfmt_of_style(style: &Style) -> NumFmt {
    style
        .number_format
        .as_ref()
        .map(|nf| number_format_info(&nf.format_code))
        .unwrap_or_default()
}

/// The built-in number format codes shared by BIFF and OOXML (ECMA-376 18.8.30).
pub(super) fn builtin_format_code(id: u16) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 | 6 => "#,##0 ;(#,##0)",
        7 | 8 => "#,##0.00;(#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        37 | 38 => "#,##0 ;(#,##0)",
        39 | 40 => "#,##0.00;(#,##0.00)",
        41 | 42 => "#,##0",
        43 | 44 => "#,##0.00",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

fn excel_error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }
}

/// Error literals as Excel and LibreOffice show them (for `.ods`, where errors are text).
fn is_error_literal(s: &str) -> bool {
    matches!(
        s,
        "#DIV/0!"
            | "#N/A"
            | "#NAME?"
            | "#NULL!"
            | "#NUM!"
            | "#REF!"
            | "#VALUE!"
            | "#GETTING_DATA"
            | "#SPILL!"
            | "#CALC!"
    ) || (s.starts_with("Err:") && s.len() == 7 && s[4..].bytes().all(|b| b.is_ascii_digit()))
}

fn number_f64(f: f64, fmt: NumFmt) -> Value {
    match decimal_from_f64(f) {
        Some(value) => Value::Number {
            value,
            percent: fmt.percent,
            decimals: fmt.decimals,
        },
        None => Value::Text(format!("{f}")),
    }
}

fn number_i64(i: i64, fmt: NumFmt) -> Value {
    Value::Number {
        value: Decimal::from(i),
        percent: fmt.percent,
        decimals: fmt.decimals,
    }
}

/// A date, time or duration as ISO 8601 text (durations as `[h]:mm:ss`).
fn datetime_text(dt: &ExcelDateTime) -> Value {
    let serial = dt.as_f64();
    if !serial.is_finite() {
        return Value::Text(format!("{serial}"));
    }
    if dt.is_duration() {
        // Whole seconds; the cast saturates for absurd values.
        let secs = (serial * 86_400.0).round() as i64;
        let sign = if secs < 0 { "-" } else { "" };
        let s = secs.unsigned_abs();
        return Value::Text(format!(
            "{sign}{}:{:02}:{:02}",
            s / 3600,
            (s / 60) % 60,
            s % 60
        ));
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let has_time = h != 0 || mi != 0 || s != 0;
    if (0.0..1.0).contains(&serial) {
        Value::Text(format!("{h:02}:{mi:02}:{s:02}"))
    } else if has_time {
        Value::Text(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
    } else {
        Value::Text(format!("{y:04}-{mo:02}-{d:02}"))
    }
}

pub(super) fn value_from_dataref(d: &DataRef<'_>, fmt: NumFmt) -> Value {
    match d {
        DataRef::Int(i) => number_i64(*i, fmt),
        DataRef::Float(f) => number_f64(*f, fmt),
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
        DataRef::Error(e) => Value::Error(excel_error_text(e).to_string()),
        DataRef::Empty => Value::Empty,
    }
}

fn value_from_data(d: &Data, fmt: NumFmt) -> Value {
    match d {
        Data::Int(i) => number_i64(*i, fmt),
        Data::Float(f) => number_f64(*f, fmt),
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(excel_error_text(e).to_string()),
        Data::Empty => Value::Empty,
    }
}

/// An Excel formula as stored, cleaned for display: no `=`, no `_xlfn.`/`_xlws.` prefixes.
pub(super) fn excel_formula(f: &str) -> Option<String> {
    let f = f.trim();
    let f = f.strip_prefix('=').unwrap_or(f);
    if f.is_empty() {
        return None;
    }
    Some(
        f.replace("_xlfn._xlws.", "")
            .replace("_xlfn.", "")
            .replace("_xlws.", ""),
    )
}

pub(super) fn range_of(d: &calamine::Dimensions) -> Range {
    Range {
        start: Pos::new(d.start.0, d.start.1),
        end: Pos::new(d.end.0, d.end.1),
    }
}

// ---------------------------------------------------------------------------------------
// Dense calamine ranges (xls, ods)
// ---------------------------------------------------------------------------------------

/// How the cells of a dense calamine range are to be understood.
pub(super) struct Dialect<'a> {
    /// The number format of the cell at an absolute position.
    pub(super) fmt_at: &'a dyn Fn(u32, u32) -> NumFmt,
    /// The formula text as the grid keeps it.
    pub(super) formula: fn(&str) -> Option<String>,
    /// Error results are stored as text (LibreOffice's .ods).
    pub(super) errors_as_text: bool,
}

/// Build a grid from calamine's dense ranges, budget first.
pub(super) fn grid_from_ranges(
    name: &str,
    hidden: bool,
    values: &calamine::Range<Data>,
    formulas: Option<&calamine::Range<String>>,
    dialect: &Dialect<'_>,
    budget: u64,
) -> Result<Grid, SheetProblemKind> {
    let mut sheet = SparseSheet::new();
    let (r0, c0) = values.start().unwrap_or((0, 0));
    for (r, c, d) in values.used_cells() {
        let (Some(row), Some(col)) = (offset(r0, r), offset(c0, c)) else {
            continue;
        };
        let value = value_from_data(d, (dialect.fmt_at)(row, col));
        if meaningful(&value, false) {
            sheet.extent.add(row, col);
        }
        if value != Value::Empty {
            sheet.cells.push((row, col, value));
        }
    }
    if let Some(formulas) = formulas {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            let (Some(row), Some(col)) = (offset(r0, r), offset(c0, c)) else {
                continue;
            };
            if let Some(f) = (dialect.formula)(f) {
                sheet.extent.add(row, col);
                sheet.formulas.push((row, col, f));
            }
        }
    }
    if let Some(kind) = sheet.extent.too_large(budget) {
        return Err(kind);
    }
    if dialect.errors_as_text {
        // LibreOffice stores a formula's error result as text; with a formula, it is an error.
        let has_formula: std::collections::HashSet<(u32, u32)> =
            sheet.formulas.iter().map(|(r, c, _)| (*r, *c)).collect();
        for (r, c, v) in &mut sheet.cells {
            if let Value::Text(t) = v
                && has_formula.contains(&(*r, *c))
                && is_error_literal(t)
            {
                *v = Value::Error(std::mem::take(t));
            }
        }
    }
    Ok(sheet.into_grid(name, hidden))
}

pub(super) fn offset(base: u32, rel: usize) -> Option<u32> {
    u32::try_from(rel).ok().and_then(|r| base.checked_add(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        let f = |code: &str| {
            let n = number_format_info(code);
            (n.percent, n.decimals)
        };
        assert_eq!(f("General"), (false, None));
        assert_eq!(f("0.00%"), (true, Some(2)));
        assert_eq!(f("0%"), (true, Some(0)));
        assert_eq!(f("#,##0.00%"), (true, Some(2)));
        assert_eq!(f("#,##0"), (false, Some(0)));
        assert_eq!(f("#,##0.00"), (false, Some(2)));
        assert_eq!(f("0.0"), (false, Some(1)));
        assert_eq!(f("#,##0.00_);(#,##0.00)"), (false, Some(2)));
        assert_eq!(
            f("_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)"),
            (false, Some(2))
        );
        assert_eq!(f("\"Rp\"#,##0"), (false, Some(0)));
        assert_eq!(f("[$Rp-421]#,##0.00"), (false, Some(2)));
        assert_eq!(f("0.00\" %\""), (false, Some(2)));
        assert_eq!(f("[Red]0.0%"), (true, Some(1)));
        assert_eq!(f("@"), (false, None));
        assert_eq!(f("# ?/?"), (false, None));
        assert_eq!(f("0.00E+00"), (false, Some(2)));
        assert_eq!(f("[>=100][Magenta]General"), (false, None));
    }

    #[test]
    fn excel_formulas() {
        assert_eq!(
            excel_formula("_xlfn.IFS(A1>0,1)").as_deref(),
            Some("IFS(A1>0,1)")
        );
        assert_eq!(excel_formula("=A1").as_deref(), Some("A1"));
        assert_eq!(excel_formula(" "), None);
    }

    #[test]
    fn dates_as_text() {
        use calamine::ExcelDateTimeType;
        let d = ExcelDateTime::new(45657.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("2024-12-31".into()));
        let d = ExcelDateTime::new(45657.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("2024-12-31 12:00:00".into()));
        let d = ExcelDateTime::new(0.25, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("06:00:00".into()));
        let d = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(datetime_text(&d), Value::Text("36:00:00".into()));
    }
}
