//! The one reading boundary's output: a sheet as a grid of typed cells.
//! After `read`, nothing knows which file format a cell came from.

use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;

/// A zero-based cell position. Displays as an A1 address without `$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    pub row: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(row: u32, col: u32) -> Self {
        Pos { row, col }
    }
}

/// Column letters for a zero-based column index (0 → A, 25 → Z, 26 → AA).
pub fn col_letters(col: u32) -> String {
    let (buf, len) = a1_bytes(col, None);
    String::from_utf8(buf.get(..len).unwrap_or_default().to_vec()).unwrap_or_default()
}

/// A column's letters and, when given, a 1-based row number, as ASCII in a buffer (no
/// allocation: cell names are written for every finding and note).
fn a1_bytes(col: u32, row: Option<u64>) -> ([u8; 32], usize) {
    let mut buf = [0u8; 32];
    let mut len = 0;
    // Letters come out last first; they are reversed in place below.
    let mut n = u64::from(col) + 1;
    while n > 0 {
        if let Some(b) = buf.get_mut(len) {
            *b = b'A' + ((n - 1) % 26) as u8;
        }
        len += 1;
        n = (n - 1) / 26;
    }
    if let Some(letters) = buf.get_mut(..len) {
        letters.reverse();
    }
    if let Some(mut r) = row {
        let start = len;
        loop {
            if let Some(b) = buf.get_mut(len) {
                *b = b'0' + (r % 10) as u8;
            }
            len += 1;
            r /= 10;
            if r == 0 {
                break;
            }
        }
        if let Some(digits) = buf.get_mut(start..len) {
            digits.reverse();
        }
    }
    (buf, len)
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (buf, len) = a1_bytes(self.col, Some(u64::from(self.row) + 1));
        f.write_str(std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default())
    }
}

/// Parse an A1 address (`$` allowed) into a position.
pub fn parse_a1(s: &str) -> Option<Pos> {
    let s = s.replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut col: u64 = 0;
    for c in letters.chars() {
        col = col * 26 + (c.to_ascii_uppercase() as u64 - 'A' as u64 + 1);
    }
    let row: u64 = digits.parse().ok()?;
    if row == 0 || col == 0 || row > u32::MAX as u64 || col > u32::MAX as u64 {
        return None;
    }
    Some(Pos::new((row - 1) as u32, (col - 1) as u32))
}

/// A rectangular range, inclusive on both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: Pos,
    pub end: Pos,
}

impl Range {
    pub fn contains(&self, p: Pos) -> bool {
        p.row >= self.start.row
            && p.row <= self.end.row
            && p.col >= self.start.col
            && p.col <= self.end.col
    }
}

/// A cell's value as the workbook stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    /// A numeric cell. `percent` is true when the cell's number format shows it as a
    /// percentage (so 0.9502 means 95,02 %). `decimals` is the number of decimals the
    /// number format displays, when the format is known.
    Number {
        value: Decimal,
        percent: bool,
        decimals: Option<u32>,
    },
    Text(String),
    Bool(bool),
    /// An error value such as `#DIV/0!` or `#REF!`, exactly as Excel shows it.
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The text a reader would see in the cell, without number formatting (borrowed
    /// for text: most cells read are words, and most readers only look).
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Value::Empty => Cow::Borrowed(""),
            Value::Number { value, percent, .. } => Cow::Owned(if *percent {
                // A percentage too large to show ×100 is shown as stored.
                match value.checked_mul(Decimal::ONE_HUNDRED) {
                    Some(shown) => format!("{}%", shown.normalize()),
                    None => value.normalize().to_string(),
                }
            } else {
                value.normalize().to_string()
            }),
            Value::Text(s) => Cow::Borrowed(s),
            Value::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Value::Error(e) => Cow::Borrowed(e),
        }
    }
}

/// One cell: its value and, when it is a formula, the formula text (without `=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub formula: Option<String>,
}

impl Cell {
    pub const EMPTY: Cell = Cell {
        value: Value::Empty,
        formula: None,
    };
}

/// A sheet read into memory. Positions are absolute (row 0 is the sheet's first row),
/// whatever the used range of the sheet is.
#[derive(Debug, Clone)]
pub struct Grid {
    pub name: String,
    pub hidden: bool,
    /// Number of rows and columns stored (from row 0 / column 0).
    pub height: u32,
    pub width: u32,
    cells: Vec<Cell>,
    pub merges: Vec<Range>,
    /// Column widths in characters, where the workbook states them (for annotated copies).
    pub col_widths: Vec<(u32, f64)>,
    /// The reader knows the cells' number formats (false for .ods/.xlsb): when false, a
    /// percentage may stand as a fraction (0.95) with nothing to say so.
    pub number_formats: bool,
    /// PDF only: where each page's piece of the table starts, as (first row of the piece
    /// in this grid, 1-based page). More than one entry when the table was joined across
    /// page breaks; empty for other formats.
    pub pages: Vec<(u32, u32)>,
    /// PDF reading only: the x (points) of each column's left edge and of the last one's
    /// right edge, by which pieces of a table on several pages are lined up. Empty
    /// elsewhere.
    pub(crate) col_edges: Vec<f32>,
}

impl Grid {
    pub fn new(name: impl Into<String>, height: u32, width: u32) -> Self {
        Grid {
            name: name.into(),
            hidden: false,
            height,
            width,
            cells: vec![Cell::EMPTY; height as usize * width as usize],
            merges: Vec::new(),
            col_widths: Vec::new(),
            number_formats: true,
            pages: Vec::new(),
            col_edges: Vec::new(),
        }
    }

    pub fn get(&self, p: Pos) -> &Cell {
        if p.row < self.height && p.col < self.width {
            self.cells
                .get(p.row as usize * self.width as usize + p.col as usize)
                .unwrap_or(&Cell::EMPTY)
        } else {
            &Cell::EMPTY
        }
    }

    pub fn value(&self, p: Pos) -> &Value {
        &self.get(p).value
    }

    pub fn set(&mut self, p: Pos, cell: Cell) {
        if p.row < self.height && p.col < self.width {
            let w = self.width as usize;
            if let Some(c) = self.cells.get_mut(p.row as usize * w + p.col as usize) {
                *c = cell;
            }
        }
    }

    /// Trimmed text of a cell (numbers displayed plainly), for header matching.
    pub fn text(&self, p: Pos) -> String {
        self.value(p).display().trim().to_string()
    }

    /// The merged range that covers `p`, if any.
    pub fn merge_at(&self, p: Pos) -> Option<&Range> {
        self.merges.iter().find(|r| r.contains(p))
    }

    /// The value shown at `p`: for a cell inside a merged range, the value of the range's
    /// top-left cell.
    pub fn shown(&self, p: Pos) -> &Value {
        match self.merge_at(p) {
            Some(r) => self.value(r.start),
            None => self.value(p),
        }
    }

    pub fn row_is_empty(&self, row: u32) -> bool {
        (0..self.width).all(|c| self.value(Pos::new(row, c)).is_empty())
    }
}

/// A workbook read into memory: its sheets in workbook order. A report document (.docx,
/// .pdf) reads into the same shape: its tables as sheets named "Tabel 1", "Tabel 2" … and
/// its body text as paragraphs.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub path: std::path::PathBuf,
    pub sheets: Vec<Grid>,
    /// The body's paragraphs in order (empty for a spreadsheet).
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph of a report document's body, as the reader sees it: numbered-list
/// prefixes dropped, tracked insertions kept and deletions dropped, a sentence cut by a
/// line or page break (PDF) joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based, counting the body's top-level paragraphs (tables not counted). For a PDF,
    /// the paragraphs' running number.
    pub number: u32,
    pub text: String,
    /// How many of the body's tables come before this paragraph (a caption above table k
    /// has `tables_before == k - 1`).
    pub tables_before: u32,
    /// PDF only: where the lines of the paragraph start, in text order, so that a sentence
    /// at a byte offset can be given its page and line. Empty for a Word document.
    pub lines: Vec<LineStart>,
}

/// Where a line of a PDF paragraph starts: the byte offset in [`Paragraph::text`] and the
/// 1-based page and line on that page (page headers and footers not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineStart {
    pub offset: usize,
    pub page: u32,
    pub line: u32,
}

impl Paragraph {
    /// The page and line (PDF) where the text at byte `offset` stands.
    pub fn page_line(&self, offset: usize) -> Option<(u32, u32)> {
        self.lines
            .iter()
            .take_while(|l| l.offset <= offset)
            .last()
            .or(self.lines.first())
            .map(|l| (l.page, l.line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        for (r, c, s) in [
            (0, 0, "A1"),
            (8, 4, "E9"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (99, 701, "ZZ100"),
            (0, 702, "AAA1"),
        ] {
            assert_eq!(Pos::new(r, c).to_string(), s);
            assert_eq!(parse_a1(s), Some(Pos::new(r, c)));
        }
        assert_eq!(parse_a1("$B$3"), Some(Pos::new(2, 1)));
        assert_eq!(parse_a1("3B"), None);
        assert_eq!(parse_a1("B0"), None);
    }

    #[test]
    fn a_percentage_too_large_to_scale_is_shown_as_stored() {
        let v = Value::Number {
            value: Decimal::MAX,
            percent: true,
            decimals: None,
        };
        assert_eq!(v.display(), Decimal::MAX.normalize().to_string());
        let small = Value::Number {
            value: Decimal::new(9502, 4),
            percent: true,
            decimals: None,
        };
        assert_eq!(small.display(), "95.02%");
    }

    /// The cell name as first written: letters by repeated division, then the row.
    fn a1_reference(row: u32, col: u32) -> String {
        let mut n = u64::from(col) + 1;
        let mut letters = Vec::new();
        while n > 0 {
            letters.push(b'A' + ((n - 1) % 26) as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        format!(
            "{}{}",
            String::from_utf8(letters).unwrap(),
            u64::from(row) + 1
        )
    }

    proptest::proptest! {
        #[test]
        fn cell_names_over_the_whole_range(row in proptest::num::u32::ANY, col in proptest::num::u32::ANY) {
            proptest::prop_assert_eq!(Pos::new(row, col).to_string(), a1_reference(row, col));
            proptest::prop_assert_eq!(Pos::new(row, 0).to_string(), a1_reference(row, 0));
            proptest::prop_assert_eq!(Pos::new(0, col).to_string(), a1_reference(0, col));
        }
    }
}
