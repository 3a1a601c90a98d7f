//! Tables: header rows found by their words, column roles from rules/vocabulary.toml,
//! data rows, total rows and the row hierarchy (kode, numbering, `- ` items).
//! Nothing here knows a particular report: only the vocabulary does.

use crate::figure::{self, Parsed};
use crate::grid::{Grid, Pos, Value};
use crate::rules::{Kind, Rules, normalize};
use regex::Regex;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Column {
    pub col: u32,
    /// Normalised header text, group cells first: "tahun 2024 / target".
    pub header: String,
    pub role: Option<String>,
    pub kind: Kind,
    /// The year the header names, and the header cell that names it.
    pub year: Option<i32>,
    /// The year the column stands for: the header's year, corrected when the yearly
    /// headers of the table run out of sequence ("2022, 2024, 2024, 2025" → 2023).
    pub period: Option<i32>,
    pub year_cell: Option<Pos>,
    /// The lowest header cell of the column (where findings about the column point).
    pub header_cell: Pos,
    /// Numbers stored as fractions of 1 in a percent column whose format is unknown.
    pub fraction_percent: bool,
    /// Most filled cells of the column hold figures.
    pub numeric: bool,
    /// The column holds money (set once the table's roles are known).
    pub money: Option<bool>,
    /// The role was read from an abbreviated or misspelt header ("Tgt", "Real.").
    pub weak_role: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    Roman(u32),
    Upper(u32),
    Lower(u32),
    Digit(u32),
    /// "3.1", "1.1.2": a sub-number under a numbered row, with its number of parts.
    Dotted(u8),
    /// No number, but a name that says its level ("Program …", "Kegiatan …").
    Level(u8),
}

impl Numbering {
    fn class(self) -> u8 {
        match self {
            Numbering::Roman(_) => 0,
            Numbering::Upper(_) => 1,
            Numbering::Digit(_) => 2,
            Numbering::Lower(_) => 3,
            // 1.1 sits under 1, 1.1.1 under 1.1: each length is a level of its own.
            Numbering::Dotted(parts) => 4u8.saturating_add(parts),
            Numbering::Level(l) => 40u8.saturating_add(l),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub row: u32,
    /// The row's name: uraian / program / kegiatan, else the indicator, else the sasaran.
    pub name: String,
    pub indicator: String,
    /// The kode as written (parts joined with "."), and its numeric segments when well-formed.
    pub kode: Option<String>,
    pub kode_segments: Option<Vec<u32>>,
    pub kode_cell: Option<Pos>,
    pub numbering: Option<Numbering>,
    /// A "- item" under the row above it.
    pub dash: bool,
    pub total: bool,
    pub parent: Option<usize>,
    /// Placed in the hierarchy by position only (no kode of its own).
    pub uncertain: bool,
    /// The row's cells do not sit under their headers (shifted by a PDF paste): its
    /// figures are not read as figures, so no check computes with them.
    pub misfit: bool,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: usize,
    pub header_top: u32,
    pub header_bottom: u32,
    /// The row of column numbers (1 2 3 … or -1 -2 -3 …) under the header, if any.
    pub number_row: Option<u32>,
    /// The caption above the table ("Tabel 3.2 Realisasi Anggaran per Program").
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Every data cell read as a figure once (rows × columns, in order), since every
    /// check reads them again.
    figures: Vec<Parsed>,
    /// Children of each row, by index.
    kids: Vec<Vec<usize>>,
    /// Page breaks the table was read across: the first and last sheet row of each
    /// interruption (footer sentences, blank rows) between two of its parts.
    pub breaks: Vec<(u32, u32)>,
    /// Rows read one column to the right of their headers from a column on, as a PDF
    /// paste shifts them ("3.1 | Nilai SAKIP | 82 | …"): (sheet row, first shifted column),
    /// by row. See [`Table::pos`].
    pub shifts: Vec<(u32, u32)>,
}

impl Table {
    pub fn columns_with(&self, role: &str) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(move |c| c.role.as_deref() == Some(role))
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.columns_with(role).next().is_some()
    }

    /// The cell of sheet row `row` under column `col`: one to the right on a row the paste
    /// shifted (see `shifts`). Every check reads and points at cells through this.
    pub fn pos(&self, row: u32, col: &Column) -> Pos {
        self.pos_at(row, col.col)
    }

    /// [`Table::pos`] by column number.
    pub fn pos_at(&self, row: u32, col: u32) -> Pos {
        shifted_pos(&self.shifts, row, col)
    }

    /// Whether sheet row `row` was read shifted.
    pub fn is_shifted(&self, row: u32) -> bool {
        self.shifts.binary_search_by_key(&row, |s| s.0).is_ok()
    }

    /// The figure in a cell of this table, with the column's percent inference applied.
    pub fn figure(&self, grid: &Grid, row: u32, col: &Column) -> Parsed {
        self.figure_ref(grid, row, col).into_owned()
    }

    /// [`Table::row_figure`], borrowed from the table where it holds the cell (no copy);
    /// the two must agree.
    pub fn row_figure_ref(&self, grid: &Grid, i: usize, col: &Column) -> Cow<'_, Parsed> {
        self.rows.get(i).map_or(Cow::Owned(Parsed::Nil), |r| {
            self.figure_ref(grid, r.row, col)
        })
    }

    /// [`Table::figure`], borrowed from the table where it holds the cell (no copy).
    pub fn figure_ref(&self, grid: &Grid, row: u32, col: &Column) -> Cow<'_, Parsed> {
        let first = self.columns.first().map_or(0, |c| c.col);
        if let (Some(ri), Some(ci)) = (self.row_index(row), col.col.checked_sub(first))
            && let Some(p) = self.figures.get(ri * self.columns.len() + ci as usize)
        {
            return Cow::Borrowed(p);
        }
        Cow::Owned(self.parse_figure(grid, row, col))
    }

    /// The index of sheet row `row` among the table's rows.
    fn row_index(&self, row: u32) -> Option<usize> {
        // Rows are sorted and unique, and mostly consecutive: try the row's offset from the
        // first row before searching.
        let guess = self
            .rows
            .first()
            .and_then(|f| row.checked_sub(f.row))
            .map(|d| d as usize)
            .filter(|&i| self.rows.get(i).is_some_and(|r| r.row == row));
        guess.or_else(|| self.rows.binary_search_by_key(&row, |r| r.row).ok())
    }

    /// The figure of the table's `i`-th row in a column; a row the table does not have
    /// holds nothing.
    pub fn row_figure(&self, grid: &Grid, i: usize, col: &Column) -> Parsed {
        self.rows
            .get(i)
            .map_or(Parsed::Nil, |r| self.figure(grid, r.row, col))
    }

    fn parse_figure(&self, grid: &Grid, row: u32, col: &Column) -> Parsed {
        scale_fraction(figure::from_value(grid.value(self.pos(row, col))), col)
    }

    pub fn children(&self, i: usize) -> Vec<usize> {
        self.kids.get(i).cloned().unwrap_or_default()
    }

    /// Index every row's children (after the hierarchy is built or changed).
    fn index_children(&mut self) {
        let mut kids = vec![Vec::new(); self.rows.len()];
        for (j, r) in self.rows.iter().enumerate() {
            if let Some(p) = r.parent
                && let Some(k) = kids.get_mut(p)
            {
                k.push(j);
            }
        }
        self.kids = kids;
    }

    /// Does a column hold money? A realisasi column does when its header says Rp,
    /// anggaran or belanja, or when the table budgets money and sets no targets (an LRA).
    pub fn is_money(&self, col: &Column) -> bool {
        // Decided once when the table is read (see `money_of`), asked very often.
        col.money.unwrap_or_else(|| self.money_of(col))
    }

    fn money_of(&self, col: &Column) -> bool {
        // Searched only for the roles that ask: most columns are decided by role alone.
        let says_money = || {
            let h = &col.header;
            h.contains("rp")
                || h.contains("anggaran")
                || h.contains("belanja")
                || h.contains("pagu")
        };
        match (col.kind, col.role.as_deref()) {
            (Kind::Money, _) => true,
            // Percentages and scores are never money, whatever group they stand under.
            (
                _,
                Some(
                    "capaian" | "penyerapan" | "kemajuan" | "efisiensi" | "target" | "target_akhir"
                    | "baseline",
                ),
            ) => false,
            (_, Some("realisasi")) => {
                says_money()
                    || (!self.has_role("target")
                        && (self.has_role("anggaran")
                            || self.has_role("apbd")
                            || self.has_role("papbd")))
            }
            // "Pagu Indikatif (Rp) / Sebelum": a before/after pair of money.
            (_, Some("sebelum" | "sesudah")) => says_money(),
            _ => false,
        }
    }
}

/// A column about the year before the report's ("Realisasi Tahun Lalu", "(N-1)").
pub fn is_last_year(header: &str) -> bool {
    // One pass, no allocation: asked of every figure column of every row.
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)tahun lalu|tahun sebelumnya|tahun yang lalu|n-1|n - 1").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(header))
}

/// A figure of a column that stores percentages as fractions of 1, in percent units.
fn scale_fraction(p: Parsed, col: &Column) -> Parsed {
    match p {
        Parsed::Number(mut f) if col.fraction_percent && !f.percent && !f.from_text => {
            // Such a column holds fractions of 1; a figure too large to scale stays as is.
            let Some(scaled) = f.value.checked_mul(Decimal::ONE_HUNDRED) else {
                return Parsed::Number(f);
            };
            f.value = scaled;
            f.decimals = f.decimals.saturating_sub(2);
            f.percent = true;
            Parsed::Number(f)
        }
        other => other,
    }
}

fn year_re() -> &'static Option<Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)").ok())
}

fn year_in(s: &str) -> Option<i32> {
    // Most header texts hold no 19xx/20xx at all: no regex for them.
    let may_hold_year = s.as_bytes().windows(4).any(|w| {
        matches!(w, [b'1', b'9', a, b] | [b'2', b'0', a, b] if a.is_ascii_digit() && b.is_ascii_digit())
    });
    if !may_hold_year {
        return None;
    }
    year_re()
        .as_ref()?
        .captures_iter(s)
        .last()
        .and_then(|c| c[1].parse().ok())
}

/// A text that reads as a figure other than a bare year.
fn is_figure_text(text: &str) -> bool {
    // Words never start a figure (except the Rp prefix): skip the parser for them.
    let t = text.trim_start();
    let starts_figure = t
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "-+(−.,".contains(c))
        || t.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("rp"));
    starts_figure && is_figure(figure::parse_text(text))
}

/// A cell that holds a figure other than a bare year.
fn is_figure_cell(v: &Value) -> bool {
    match v {
        Value::Text(t) => is_figure_text(t),
        v => is_figure(figure::from_value(v)),
    }
}

/// A figure other than a bare year.
fn is_figure(p: Parsed) -> bool {
    match p {
        Parsed::Number(f) => {
            let is_year = f.decimals == 0
                && !f.percent
                && f.suffix.is_none()
                && f.value >= Decimal::from(1900)
                && f.value <= Decimal::from(2100);
            !is_year
        }
        _ => false,
    }
}

fn cell_text(grid: &Grid, p: Pos) -> String {
    grid.shown(p).display().trim().to_string()
}

/// Whether [`cell_text`] would be empty, without copying the text.
fn cell_blank(grid: &Grid, p: Pos) -> bool {
    match grid.shown(p) {
        // A number always displays some digits.
        Value::Number { .. } => false,
        v => v.display().trim().is_empty(),
    }
}

/// A header row names at least two different column roles, holds no figure, and most
/// of its cells are header words (group cells such as "Tahun 2024" need not be).
fn is_header_start(grid: &Grid, r: u32, rules: &Rules) -> bool {
    let row = || {
        (0..grid.width)
            .map(move |c| grid.value(Pos::new(r, c)))
            .filter(|v| !v.is_empty())
    };
    // Cheap pass first: a row with a figure, or with fewer than two words, is no header.
    let mut filled = 0usize;
    for v in row() {
        if is_figure_cell(v) {
            return false;
        }
        filled += 1;
    }
    // Roles needed: two, and one for every three filled cells.
    let needed = filled.div_ceil(3).max(2);
    let mut roles: Vec<&str> = Vec::new();
    // Each word adds one role at most: stop as soon as the answer is certain (this runs
    // on every row of every sheet, and matching a role is the costly part).
    for (i, v) in row().enumerate() {
        if roles.len() >= needed {
            return true;
        }
        if roles.len() + (filled - i) < needed {
            return false;
        }
        let t = normalize(&v.display());
        if t.chars().count() <= 90
            && let Some(role) = rules.match_role(&t)
            && !roles.contains(&role.name.as_str())
        {
            roles.push(&role.name);
        }
    }
    roles.len() >= needed
}

/// The yearly group headers of a table ("Tahun 2022" … "Tahun 2026"), left to right,
/// each with the year written and the year the sequence calls for: the columns of the
/// role that repeats most by year, three years at least, one entry per header cell.
/// Empty when there is no such sequence or most headers do not fit one.
pub fn year_sequence(t: &Table) -> Vec<(Pos, i32, i32)> {
    let mut cells: Vec<(Pos, i32)> = Vec::new();
    for role in ["target", "rp", "realisasi", "anggaran"] {
        let mut these: Vec<(Pos, i32)> = Vec::new();
        for c in t.columns_with(role) {
            let (Some(y), Some(p)) = (c.year, c.year_cell) else {
                continue;
            };
            if !these.iter().any(|(q, _)| *q == p) {
                these.push((p, y));
            }
        }
        if these.len() > cells.len() {
            cells = these;
        }
    }
    if cells.len() < 3 {
        return Vec::new();
    }
    // The start year that explains most headers.
    let mut best = (0usize, 0i32);
    for (i, (_, y)) in cells.iter().enumerate() {
        let start = y - i as i32;
        let hits = cells
            .iter()
            .enumerate()
            .filter(|(j, (_, yy))| *yy == start + *j as i32)
            .count();
        if hits > best.0 {
            best = (hits, start);
        }
    }
    if best.0 * 2 <= cells.len() {
        return Vec::new();
    }
    cells
        .iter()
        .enumerate()
        .map(|(i, (p, y))| (*p, *y, best.1 + i as i32))
        .collect()
}

/// A row of consecutive column numbers under a header: 1 2 3 … or -1 -2 -3 … or (1) (2),
/// possibly with the column's formula after the number ("(6)=(5)/(4)x100").
fn is_number_row(grid: &Grid, r: u32) -> bool {
    let mut nums = Vec::new();
    for c in 0..grid.width {
        let v = grid.value(Pos::new(r, c));
        if v.is_empty() {
            continue;
        }
        let text = v.display();
        let t = text.trim().trim_start_matches(['(', '-', ' ']);
        let digits: String = t.chars().take_while(|ch| ch.is_ascii_digit()).collect();
        let rest = t[digits.len()..].trim_start_matches([')', ' ']);
        let formula_note = rest.is_empty()
            || rest.starts_with('=')
            || rest.starts_with('/')
            || rest.starts_with('x');
        match digits.parse::<i64>() {
            Ok(n) if formula_note => nums.push(n),
            _ => return false,
        }
    }
    nums.len() >= 3
        && nums
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.checked_add(1) == Some(*b)))
}

/// A caption: one text cell alone on its row.
fn is_caption(grid: &Grid, r: u32) -> Option<String> {
    let filled: Vec<u32> = (0..grid.width)
        .filter(|&c| !grid.value(Pos::new(r, c)).is_empty())
        .collect();
    let [only] = filled.as_slice() else {
        return None;
    };
    let v = grid.value(Pos::new(r, *only));
    // A lone figure is no caption; a numbered heading ("3.2 REALISASI ANGGARAN") is.
    let numbered_heading = matches!(figure::from_value(v), Parsed::Number(f) if f.suffix.as_deref().is_some_and(|s| s.split_whitespace().count() >= 2));
    if is_figure_cell(v) && !numbered_heading {
        return None;
    }
    let t = v.display().trim().to_string();
    (t.chars().count() >= 6).then_some(t)
}

/// A caption that reads like a sentence of the report's prose rather than a title.
fn is_sentence(t: &str) -> bool {
    t.trim_end().ends_with('.') || t.chars().count() > 120
}

/// Rows of a page break: at most this many between two parts of one table.
const MAX_BREAK_ROWS: u32 = 12;
/// Rows before a page break whose shape the rows after it must have.
const SHAPE_ROWS: usize = 50;

/// A lone fragment of wrapped text on its own row, inside the table's columns: one text
/// cell starting in lower case ("dan Ketertiban Umum", "masyarakat (Fasilitas)").
fn is_fragment(grid: &Grid, r: u32, span: (u32, u32)) -> bool {
    let mut filled = (0..grid.width).filter(|&c| !grid.value(Pos::new(r, c)).is_empty());
    let (Some(c), None) = (filled.next(), filled.next()) else {
        return false;
    };
    let Value::Text(t) = grid.value(Pos::new(r, c)) else {
        return false;
    };
    // "a. Belanja Operasi" is a lettered heading, not a fragment.
    let numbered = t
        .split_whitespace()
        .next()
        .is_some_and(|w| parse_numbering(w).is_some());
    c >= span.0
        && c <= span.1
        && !numbered
        && t.trim_start()
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
}

/// A row of a page break: blank, a lone line of text (a footer sentence, "Catatan :", a
/// wrapped fragment) that does not announce another table, or a row of column numbers.
fn is_break_row(grid: &Grid, r: u32, span: (u32, u32)) -> bool {
    if grid.row_is_empty(r) || is_number_row(grid, r) || is_fragment(grid, r, span) {
        return true;
    }
    is_caption(grid, r).is_some_and(|t| {
        let lower = t.trim_start().to_lowercase();
        let announces = [
            "tabel", "table", "lampiran", "bab ", "gambar", "grafik", "diagram",
        ]
        .iter()
        .any(|w| lower.starts_with(w));
        // "3.2 REALISASI ANGGARAN": a numbered heading (a footer's "1. Dokumen ini …" is a
        // sentence).
        let heading = t
            .split_whitespace()
            .next()
            .is_some_and(|w| parse_numbering(w).is_some())
            && t.chars().count() <= 80
            && !t.trim_end().ends_with('.');
        !announces && !heading
    })
}

/// Where a table goes on after a page break that starts at row `from`: the first row
/// after the break rows, when it has the table's shape — its cells within the table's
/// columns, in columns the rows before filled, and figures (in it or the next rows) only
/// where the rows before had figures. None when something else follows.
fn resume_after_break(
    grid: &Grid,
    starts: &[bool],
    data: &[u32],
    span: (u32, u32),
    from: u32,
    rules: &Rules,
) -> Option<u32> {
    // A table that has reached its total row ends there.
    let last_is_total = data.last().is_some_and(|&d| {
        (span.0..=span.1).any(|c| match grid.value(Pos::new(d, c)) {
            Value::Text(t) => rules.is_total_label(t),
            _ => false,
        })
    });
    if data.is_empty() || last_is_total {
        return None;
    }
    let mut r = from;
    while r < grid.height && is_break_row(grid, r, span) {
        if r - from >= MAX_BREAK_ROWS {
            return None;
        }
        r += 1;
    }
    if r >= grid.height || starts_header(starts, r) {
        return None;
    }
    // The shape of the rows before: which columns were ever filled, which held figures.
    let width = (span.1 - span.0 + 1) as usize;
    let mut filled = vec![false; width];
    let mut figures = vec![false; width];
    let mut numbers = vec![false; width];
    // The last rows are shape enough (and keep a sheet of many breaks linear).
    for &d in data.iter().rev().take(SHAPE_ROWS) {
        for c in span.0..=span.1 {
            let v = grid.value(Pos::new(d, c));
            let i = (c - span.0) as usize;
            if !v.is_empty()
                && let Some(f) = filled.get_mut(i)
            {
                *f = true;
                if is_figure_cell(v)
                    && let Some(g) = figures.get_mut(i)
                {
                    *g = true;
                }
                // A row number ("I", "A", "1."): a number may follow it there.
                if parse_numbering(&v.display()).is_some()
                    && let Some(n) = numbers.get_mut(i)
                {
                    *n = true;
                }
            }
        }
    }
    let fits = |row: u32| {
        let mut cells = 0;
        for c in 0..grid.width {
            let v = grid.value(Pos::new(row, c));
            if v.is_empty() {
                continue;
            }
            // One column past the last header is a row pasted shifted: it goes on in the
            // table (and is read as shifted, or not at all); further out is another table.
            if c == span.1.saturating_add(1) {
                cells += 1;
                continue;
            }
            let inside = c >= span.0 && c <= span.1;
            let i = c.saturating_sub(span.0) as usize;
            if !inside || !filled.get(i).copied().unwrap_or(false) {
                return None;
            }
            let number_allowed = figures.get(i).copied().unwrap_or(false)
                || numbers.get(i).copied().unwrap_or(false);
            if is_figure_cell(v) && !number_allowed {
                return None;
            }
            cells += 1;
        }
        Some(is_figure_row(grid, row, span, &figures)).filter(|_| cells >= 2)
    };
    // The first row must fit and hold a figure where figures stood (a row of words in the
    // table's columns may be the header of a table the vocabulary does not know).
    if !fits(r)? {
        return None;
    }
    let mut any_figure = false;
    let mut seen = 0;
    let mut q = r;
    while q < grid.height && seen < 3 {
        if !grid.row_is_empty(q) {
            if starts_header(starts, q) {
                break;
            }
            match fits(q) {
                Some(has) => any_figure |= has,
                None => break,
            }
            seen += 1;
        }
        q += 1;
    }
    any_figure.then_some(r)
}

/// Whether row `r` holds a figure in one of the columns marked in `figures`.
fn is_figure_row(grid: &Grid, r: u32, span: (u32, u32), figures: &[bool]) -> bool {
    figures.iter().enumerate().any(|(i, &f)| {
        f && u32::try_from(i)
            .ok()
            .and_then(|i| span.0.checked_add(i))
            .is_some_and(|c| is_figure_cell(grid.value(Pos::new(r, c))))
    })
}

/// Whether row `r` starts a header, by the flags [`find_tables`] worked out per row.
fn starts_header(starts: &[bool], r: u32) -> bool {
    starts.get(r as usize).copied().unwrap_or(false)
}

/// Find every table of a sheet.
pub fn find_tables(grid: &Grid, sheet: usize, rules: &Rules) -> Vec<Table> {
    // Whether each row starts a header, worked out once per row.
    let starts: Vec<bool> = (0..grid.height)
        .map(|r| is_header_start(grid, r, rules))
        .collect();
    let starts = starts.as_slice();
    let mut tables: Vec<Table> = Vec::new();
    let mut r = 0;
    while r < grid.height {
        if !starts_header(starts, r) {
            r += 1;
            continue;
        }
        let (table, next) = read_table(grid, sheet, r, rules, starts);
        r = next.max(r + 1);
        if table.rows.is_empty() {
            continue;
        }
        // A table split over pages with its header repeated: the same columns, and the
        // part before has no total row yet. Its rows continue the table.
        if let Some(prev) = tables.last_mut() {
            let same_header = prev.columns.len() == table.columns.len()
                && prev
                    .columns
                    .iter()
                    .zip(&table.columns)
                    .all(|(a, b)| a.col == b.col && a.header == b.header);
            if same_header && !prev.rows.iter().any(|row| row.total) {
                // The repeated header (and whatever stood before it) is a page break.
                if let (Some(before), Some(after)) = (prev.rows.last(), table.rows.first()) {
                    prev.breaks
                        .push((before.row + 1, after.row.saturating_sub(1)));
                }
                prev.breaks.extend(table.breaks);
                prev.shifts.extend(table.shifts);
                prev.rows.extend(table.rows);
                prev.figures.extend(table.figures);
                build_hierarchy(prev);
                continue;
            }
        }
        tables.push(table);
    }
    tables
}

fn read_table(grid: &Grid, sheet: usize, top: u32, rules: &Rules, starts: &[bool]) -> (Table, u32) {
    // The anchor: the first filled column of the header's first row.
    let anchor = (0..grid.width)
        .find(|&c| !grid.value(Pos::new(top, c)).is_empty())
        .unwrap_or(0);
    let mut bottom = top;
    // Rows under the first one belong to the header while they hold words or years only,
    // and nothing in the anchor column (or only the anchor's own merged cell).
    while bottom + 1 < grid.height && bottom < top + 3 {
        let r = bottom + 1;
        if grid.row_is_empty(r)
            || starts_header(starts, r) && !continues_header(grid, top, r, anchor)
        {
            break;
        }
        if !continues_header(grid, top, r, anchor) {
            break;
        }
        bottom = r;
    }
    // Header merges may reach below the rows found so far.
    for m in &grid.merges {
        if m.start.row >= top && m.start.row <= bottom && m.end.row > bottom && m.end.row <= top + 3
        {
            bottom = m.end.row;
        }
    }
    let mut first_data = bottom + 1;
    let number_row =
        (first_data < grid.height && is_number_row(grid, first_data)).then_some(first_data);
    if number_row.is_some() {
        first_data += 1;
    }
    let columns = build_columns(grid, top, bottom, rules);
    // The caption: among the one-cell rows just above the header, a "Tabel …" line;
    // else the topmost title that is not a sentence of prose (a report title often spans
    // several rows: "REKAPITULASI …", "KABUPATEN …", "PERANGKAT DAERAH …"); else the
    // nearest line.
    let mut lines: Vec<String> = Vec::new();
    let mut r = top;
    while r > 0 && top - r < 4 {
        r -= 1;
        if grid.row_is_empty(r) {
            continue;
        }
        match is_caption(grid, r) {
            Some(c) => lines.push(c.trim_end_matches([':', ' ']).to_string()),
            None => break,
        }
    }
    let caption = lines
        .iter()
        .find(|l| l.to_lowercase().starts_with("tabel"))
        .or_else(|| lines.iter().rev().find(|l| !is_sentence(l)))
        .or(lines.first())
        .cloned();

    // Data rows run until the next header, two empty rows, or a caption after an empty row
    // — unless that stop is a page break pasted from a PDF (footer sentences, blank rows,
    // a wrapped fragment, a column-number row) after which rows of the same shape go on.
    let span = (
        columns.first().map_or(0, |c| c.col),
        columns.last().map_or(0, |c| c.col),
    );
    let mut data = Vec::new();
    let mut breaks = Vec::new();
    let mut r = first_data;
    let mut empties = 0;
    while r < grid.height {
        if grid.row_is_empty(r) {
            empties += 1;
            if empties >= 2 {
                match resume_after_break(grid, starts, &data, span, r + 1, rules) {
                    Some(next) => {
                        breaks.push((r + 1 - empties, next - 1));
                        (r, empties) = (next, 0);
                        continue;
                    }
                    None => break,
                }
            }
            r += 1;
            continue;
        }
        if starts_header(starts, r) {
            break;
        }
        // A lone fragment of wrapped text ("dan Ketertiban Umum") continues the row above.
        if !data.is_empty() && (is_fragment(grid, r, span) || is_number_row(grid, r)) {
            breaks.push((r, r));
            r += 1;
            continue;
        }
        if empties > 0 && is_caption(grid, r).is_some() {
            match resume_after_break(grid, starts, &data, span, r, rules) {
                Some(next) => {
                    breaks.push((r - empties, next - 1));
                    (r, empties) = (next, 0);
                    continue;
                }
                None => break,
            }
        }
        empties = 0;
        data.push(r);
        r += 1;
    }
    let mut table = Table {
        sheet,
        header_top: top,
        header_bottom: bottom,
        number_row,
        caption,
        columns,
        rows: Vec::new(),
        figures: Vec::new(),
        kids: Vec::new(),
        breaks,
        shifts: Vec::new(),
    };
    for (cell, _, expected) in year_sequence(&table) {
        for c in table
            .columns
            .iter_mut()
            .filter(|c| c.year_cell == Some(cell))
        {
            c.period = Some(expected);
        }
    }
    // Every data cell read as a figure once: for the column inference, then (scaled for
    // fraction percentages) as the table's figures.
    let raw: Vec<Parsed> = data
        .iter()
        .flat_map(|&r| {
            table
                .columns
                .iter()
                .map(move |c| figure::from_value(grid.value(Pos::new(r, c.col))))
        })
        .collect();
    infer_numeric(grid, &mut table, &data, &raw);
    let money: Vec<bool> = table.columns.iter().map(|c| table.money_of(c)).collect();
    for (c, m) in table.columns.iter_mut().zip(money) {
        c.money = Some(m);
    }
    let row_columns = RowColumns::of(&table);
    table.rows = data
        .iter()
        .map(|&r| read_row(grid, &row_columns, r, rules))
        .collect();
    // `raw` is row by row, one figure per column.
    // Most tables have no fraction column: their figures are `raw` as it is.
    table.figures = if table.columns.iter().any(|c| c.fraction_percent) {
        raw.into_iter()
            .zip(table.columns.iter().cycle())
            .map(|(p, col)| scale_fraction(p, col))
            .collect()
    } else {
        raw
    };
    mark_misfits(grid, &mut table);
    mark_unlabelled_total(grid, &mut table);
    // Neither kode nor numbering: rows named "Program …", "Kegiatan …" give the levels.
    if !table
        .rows
        .iter()
        .any(|r| r.numbering.is_some() || r.kode_segments.is_some())
    {
        for row in &mut table.rows {
            let name = normalize(&row.name);
            if let Some(l) = rules.levels.iter().rposition(|p| p.is_match(&name)) {
                row.numbering = Some(Numbering::Level(u8::try_from(l).unwrap_or(u8::MAX)));
            }
        }
    }
    build_hierarchy(&mut table);
    (table, r)
}

fn continues_header(grid: &Grid, top: u32, r: u32, anchor: u32) -> bool {
    let anchor_pos = Pos::new(r, anchor);
    let anchor_free = grid.value(anchor_pos).is_empty()
        || grid
            .merge_at(anchor_pos)
            .is_some_and(|m| m.start.row >= top && m.start.row < r);
    if !anchor_free {
        return false;
    }
    let mut filled = 0;
    for c in 0..grid.width {
        let v = grid.value(Pos::new(r, c));
        if v.is_empty() {
            continue;
        }
        if is_figure_cell(v) || v.display().chars().count() > 80 {
            return false;
        }
        filled += 1;
    }
    filled > 0
}

fn build_columns(grid: &Grid, top: u32, bottom: u32, rules: &Rules) -> Vec<Column> {
    let filled = |c: u32| (top..=bottom).any(|r| !cell_blank(grid, Pos::new(r, c)));
    let (Some(first), Some(last)) = (
        (0..grid.width).find(|&c| filled(c)),
        (0..grid.width).rev().find(|&c| filled(c)),
    ) else {
        return Vec::new();
    };
    let mut cols = Vec::new();
    for c in first..=last {
        let mut parts: Vec<(String, Pos)> = Vec::with_capacity((bottom - top + 1) as usize);
        for r in top..=bottom {
            let p = Pos::new(r, c);
            let mut text = cell_text(grid, p);
            let mut at = grid.merge_at(p).map(|m| m.start).unwrap_or(p);
            // A group header typed once over unmerged cells ("Tahun 2022" over "Target | Rp"):
            // an empty upper cell above a filled lower cell takes the group to its left.
            if text.is_empty() && r < bottom && !cell_blank(grid, Pos::new(r + 1, c)) {
                let mut lc = c;
                while lc > first {
                    lc -= 1;
                    let lp = Pos::new(r, lc);
                    if cell_blank(grid, Pos::new(r + 1, lc)) {
                        break;
                    }
                    let lt = cell_text(grid, lp);
                    if !lt.is_empty() {
                        text = lt;
                        at = grid.merge_at(lp).map(|m| m.start).unwrap_or(lp);
                        break;
                    }
                }
            }
            if !text.is_empty() && parts.last().map(|x| &x.0) != Some(&text) {
                parts.push((text, at));
            }
        }
        let header = normalize(
            &parts
                .iter()
                .map(|p| p.0.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
        );
        // The whole header first ("tahun 2024 / rp", "kondisi akhir / target"), else its
        // lowest cell alone ("jenis kelamin / laki-laki" is laki-laki).
        // The leaf is normalised only when the whole header names no role, and asked only
        // when it differs from the whole header (a one-cell header is its own leaf).
        let leaf_role = || match parts.as_slice() {
            [_, .., last] => rules.match_role_weak(&normalize(&last.0)),
            _ => None,
        };
        let matched = if header.is_empty() {
            None
        } else {
            rules.match_role_weak(&header).or_else(leaf_role)
        };
        let weak_role = matched.is_some_and(|(_, weak)| weak);
        let mut role = matched.map(|(r, _)| r);
        // "Kode" typed once over the unmerged urusan | bidang | program | kegiatan | sub
        // kegiatan columns: a blank header right of a kode column is kode too.
        if header.is_empty()
            && cols
                .last()
                .is_some_and(|p: &Column| p.role.as_deref() == Some("kode"))
        {
            role = rules.role("kode");
        }
        let year_part = parts
            .iter()
            .rev()
            .find_map(|(t, p)| Some((year_in(t)?, *p)));
        cols.push(Column {
            col: c,
            role: role.map(|r| r.name.clone()),
            kind: role.map(|r| r.kind).unwrap_or(Kind::Number),
            year: year_part.map(|(y, _)| y),
            period: year_part.map(|(y, _)| y),
            year_cell: year_part.map(|(_, p)| p),
            header_cell: parts.last().map(|p| p.1).unwrap_or(Pos::new(bottom, c)),
            header,
            fraction_percent: false,
            numeric: false,
            money: None,
            weak_role,
        });
    }
    cols
}

fn kode_segments(kode: &str) -> Option<Vec<u32>> {
    // Sized once: collecting into an Option would grow the vector part by part.
    let mut segs = Vec::with_capacity(kode.bytes().filter(|&b| b == b'.').count() + 1);
    for s in kode.split('.') {
        segs.push(s.trim().parse::<u32>().ok()?);
    }
    (!segs.is_empty()).then_some(segs)
}

fn roman(s: &str) -> Option<u32> {
    let vals = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        _ => None,
    };
    if s.is_empty() || s.len() > 6 {
        return None;
    }
    let ds: Option<Vec<u32>> = s.chars().map(vals).collect();
    let ds = ds?;
    let mut total = 0;
    for (i, d) in ds.iter().enumerate() {
        if ds.get(i + 1).is_some_and(|n| n > d) {
            total -= *d as i64
        } else {
            total += *d as i64
        }
    }
    (total > 0).then_some(total as u32)
}

pub fn parse_numbering(s: &str) -> Option<Numbering> {
    let t = s.trim().trim_end_matches(['.', ')']).trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<u32>() {
        return Some(Numbering::Digit(n));
    }
    if t.split('.').count() >= 2
        && t.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Some(Numbering::Dotted(
            u8::try_from(t.split('.').count()).unwrap_or(u8::MAX),
        ));
    }
    if let Some(n) = roman(t) {
        // A lone "I"/"V"/"X" could be a letter; it is roman when written in capitals.
        return Some(Numbering::Roman(n));
    }
    let mut cs = t.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        if c.is_ascii_uppercase() {
            return Some(Numbering::Upper(c as u32 - 'A' as u32 + 1));
        }
        if c.is_ascii_lowercase() {
            return Some(Numbering::Lower(c as u32 - 'a' as u32 + 1));
        }
    }
    None
}

/// The text before the first ". ", as `split_once(". ")` finds it, by a search for the
/// dot alone (cheaper than a substring search, and names hold few dots).
fn before_dot_space(s: &str) -> Option<&str> {
    let (i, _) = s
        .match_indices('.')
        .find(|&(i, _)| s.as_bytes().get(i + 1) == Some(&b' '))?;
    s.get(..i)
}

fn strip_dash(s: &str) -> Option<&str> {
    let t = s.trim_start();
    // Most names start with a letter: no prefix to try.
    if !t.starts_with(['-', '–', '—', '•']) {
        return None;
    }
    for d in ["- ", "– ", "— ", "• ", "-", "–"] {
        if let Some(rest) = t.strip_prefix(d)
            && rest
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic())
        {
            return Some(rest.trim_start());
        }
    }
    None
}

/// The first of some columns' trimmed texts in row `r` that passes `keep`, copied once.
fn first_text(grid: &Grid, r: u32, cols: &[u32], keep: impl Fn(&str) -> bool) -> String {
    cols.iter()
        .find_map(|&c| {
            let shown = grid.value(Pos::new(r, c)).display();
            let t = shown.trim();
            keep(t).then(|| t.to_string())
        })
        .unwrap_or_default()
}

/// The first of some columns' trimmed texts in row `r` that holds a letter, copied once.
fn first_words(grid: &Grid, r: u32, cols: &[u32]) -> String {
    cols.iter()
        .find_map(|&c| match grid.value(Pos::new(r, c)) {
            // A number displays digits, sign, point and % only: not worth formatting.
            Value::Number { .. } => None,
            v => {
                let shown = v.display();
                let t = shown.trim();
                t.chars().any(char::is_alphabetic).then(|| t.to_string())
            }
        })
        .unwrap_or_default()
}

/// The columns [`read_row`] reads, by role, found once per table rather than once per row.
struct RowColumns {
    kode: Vec<u32>,
    no: Vec<u32>,
    indikator: Vec<u32>,
    uraian: Vec<u32>,
    sasaran: Vec<u32>,
    /// Label columns other than predikat, where a row's name may stand.
    labels: Vec<u32>,
}

impl RowColumns {
    fn of(table: &Table) -> Self {
        let with = |role: &str| table.columns_with(role).map(|c| c.col).collect();
        RowColumns {
            kode: with("kode"),
            no: with("no"),
            indikator: with("indikator"),
            uraian: with("uraian"),
            sasaran: with("sasaran"),
            labels: table
                .columns
                .iter()
                .filter(|c| c.kind == Kind::Label && c.role.as_deref() != Some("predikat"))
                .map(|c| c.col)
                .collect(),
        }
    }
}

fn read_row(grid: &Grid, cols: &RowColumns, r: u32, rules: &Rules) -> Row {
    let text_of = |cs: &[u32]| first_words(grid, r, cs);
    let mut kode_parts = Vec::new();
    let mut kode_cell = None;
    let mut kode_words = false;
    for &c in &cols.kode {
        let shown = grid.value(Pos::new(r, c)).display();
        let t = shown.trim();
        // Words in a kode column ("JUMLAH") are a label, not a kode.
        if t.chars().any(|ch| ch.is_ascii_digit()) {
            kode_cell.get_or_insert(Pos::new(r, c));
            kode_parts.push(t.replace(' ', ""));
        }
        kode_words = kode_words || rules.is_total_label(&shown);
    }
    let kode = (!kode_parts.is_empty()).then(|| kode_parts.join("."));
    let no = first_text(grid, r, &cols.no, |t| !t.is_empty());
    let mut indicator = text_of(&cols.indikator);
    if indicator.is_empty() {
        // "3.1 | Nilai SAKIP Kecamatan": a sub-number in the indicator column and the
        // indicator's words pasted one cell to its right.
        indicator = cols
            .indikator
            .iter()
            .find_map(|&c| {
                let no = cell_text(grid, Pos::new(r, c));
                let words = first_words(grid, r, &[c.checked_add(1)?]);
                (matches!(parse_numbering(&no), Some(Numbering::Dotted(_))) && !words.is_empty())
                    .then(|| format!("{no} {words}"))
            })
            .unwrap_or_default();
    }
    let mut name = text_of(&cols.uraian);
    if name.is_empty() {
        name = indicator.clone();
    }
    if name.is_empty() {
        name = text_of(&cols.sasaran);
    }
    if name.is_empty() {
        // Any text in a label column, e.g. "Jumlah Seluruh Anggaran" typed in the No column.
        name = first_text(grid, r, &cols.labels, |t| {
            !t.is_empty() && parse_numbering(t).is_none() && !is_figure_text(t)
        });
    }
    let stripped = strip_dash(&name).map(str::to_string);
    let dash = stripped.is_some();
    if let Some(rest) = stripped {
        name = rest;
    }
    let mut numbering = parse_numbering(&no);
    if numbering.is_none() {
        // "a. Perencanaan Kinerja": the number inside the label.
        let re_lbl = before_dot_space(&name)
            .and_then(|h| parse_numbering(h).filter(|n| matches!(n, Numbering::Lower(_))));
        numbering = re_lbl;
    }
    // An empty text is no total label: no need to ask.
    let is_total = |t: &str| !t.is_empty() && rules.is_total_label(t);
    let total = is_total(&no) || is_total(&name) || kode_words;
    Row {
        row: r,
        indicator,
        kode_segments: kode.as_deref().and_then(kode_segments),
        kode,
        kode_cell,
        numbering,
        dash,
        total,
        name,
        parent: None,
        uncertain: false,
        misfit: false,
    }
}

/// Rows whose cells do not sit under their headers, as a PDF paste shifts them: a figure
/// just right of the table's last column, or a name column holding only a number or a
/// kode piece ("3.1", "2.01") while a figure column holds words. Their cells are read as
/// words, never as operands of a sum or a formula.
fn mark_misfits(grid: &Grid, table: &mut Table) {
    let Some(last) = table.columns.last().map(|c| c.col) else {
        return;
    };
    let names: Vec<u32> = table
        .columns
        .iter()
        .filter(|c| matches!(c.role.as_deref(), Some("uraian" | "indikator" | "sasaran")))
        .map(|c| c.col)
        .collect();
    // Columns meant for figures: those that hold them, and those the header names for a
    // measure (shifted rows may have filled them with words).
    let figure_cols: Vec<u32> = table
        .columns
        .iter()
        .filter(|c| c.numeric || (c.role.is_some() && c.kind != Kind::Label))
        .map(|c| c.col)
        .collect();
    let width = table.columns.len();
    let figure_beyond = |r: u32| {
        last.checked_add(1)
            .filter(|&c| c < grid.width)
            .is_some_and(|c| is_figure_cell(grid.value(Pos::new(r, c))))
    };
    // A figure right of the last header on most rows is a column without a header, not a
    // shift: only the exceptions are shifted.
    // (Counted over the rows whose names are names: a sub-number or kode piece in the
    // name column is a shift of its own.)
    let piece_in_names = |r: u32| {
        names.iter().any(|&c| {
            let v = grid.value(Pos::new(r, c));
            !v.is_empty() && !v.display().chars().any(char::is_alphabetic)
        })
    };
    let plain_rows: Vec<u32> = table
        .rows
        .iter()
        .map(|r| r.row)
        .filter(|&r| !piece_in_names(r))
        .collect();
    let beyond_rows = plain_rows.iter().filter(|&&r| figure_beyond(r)).count();
    // (Three rows at least: one or two rows say nothing of a column.)
    let unheaded_column = plain_rows.len() >= 3 && beyond_rows * 2 > plain_rows.len();
    let mut shifts: Vec<(usize, u32, u32)> = Vec::new();
    for (ri, row) in table.rows.iter_mut().enumerate() {
        let r = row.row;
        let beyond = figure_beyond(r);
        let name_piece = || piece_in_names(r);
        let words_in_figures = || {
            figure_cols
                .iter()
                .any(|&c| match grid.value(Pos::new(r, c)) {
                    Value::Text(t) => {
                        t.split_whitespace()
                            .filter(|w| w.chars().all(char::is_alphabetic))
                            .count()
                            >= 2
                            && matches!(figure::parse_text(t), Parsed::NotNumber)
                    }
                    _ => false,
                })
        };
        // A figure right of the last header shifts the row unless the column has figures
        // on most rows (then it is a column without a header) and the names are names.
        let shifted_out = beyond && (!unheaded_column || name_piece());
        if shifted_out || (name_piece() && words_in_figures()) {
            match realigned(grid, r, &names, &figure_cols, last) {
                // A sub-number split from its name ("3.1 | Nilai SAKIP | 82 | …"): the
                // cells from the name on stand one column right of their headers.
                Some(from) => shifts.push((ri, r, from)),
                None => {
                    row.misfit = true;
                    for p in table.figures.iter_mut().skip(ri * width).take(width) {
                        *p = Parsed::NotNumber;
                    }
                }
            }
        }
    }
    for &(ri, r, from) in &shifts {
        table.shifts.push((r, from));
        for (ci, col) in table.columns.iter().enumerate() {
            if col.col >= from
                && let Some(p) = table.figures.get_mut(ri * width + ci)
            {
                let at = Pos::new(r, col.col.saturating_add(1));
                *p = scale_fraction(figure::from_value(grid.value(at)), col);
            }
        }
    }
    // The words a shifted row left in a figure column do not make it a column of words:
    // judged again by the rows that fit (the realigned ones as realigned).
    if table.rows.iter().any(|r| r.misfit) || !table.shifts.is_empty() {
        for (ci, col) in table.columns.iter_mut().enumerate() {
            if col.numeric || col.kind == Kind::Label {
                continue;
            }
            let (mut filled, mut numbers) = (0, 0);
            for (ri, row) in table.rows.iter().enumerate().filter(|(_, r)| !r.misfit) {
                match table.figures.get(ri * width + ci) {
                    Some(Parsed::Number(_)) => (filled, numbers) = (filled + 1, numbers + 1),
                    _ if grid
                        .value(shifted_pos(&table.shifts, row.row, col.col))
                        .is_empty() => {}
                    Some(Parsed::Nil) => (filled, numbers) = (filled + 1, numbers + 1),
                    _ => filled += 1,
                }
            }
            col.numeric = filled > 0 && numbers * 2 >= filled;
        }
    }
}

/// The cell of `row` under column `col`, given a table's shifted rows.
fn shifted_pos(shifts: &[(u32, u32)], row: u32, col: u32) -> Pos {
    match shifts.binary_search_by_key(&row, |s| s.0) {
        Ok(i) if shifts.get(i).is_some_and(|s| col >= s.1) => Pos::new(row, col.saturating_add(1)),
        _ => Pos::new(row, col),
    }
}

/// Where row `r` reads right when shifted: a name column holding only a sub-number
/// ("3.1"), the name in the cell right of it, and, with every cell from that name on read
/// one column to the right, words in no figure column and nothing right of the last
/// column. The first column read shifted (the one right of the sub-number), else None.
fn realigned(grid: &Grid, r: u32, names: &[u32], figure_cols: &[u32], last: u32) -> Option<u32> {
    let no = names.iter().copied().find(|&c| {
        matches!(
            parse_numbering(&cell_text(grid, Pos::new(r, c))),
            Some(Numbering::Dotted(_))
        )
    })?;
    let from = no.checked_add(1)?;
    let name = grid.value(Pos::new(r, from));
    if !name.display().chars().any(char::is_alphabetic) {
        return None;
    }
    let words = |c: u32| match grid.value(Pos::new(r, c)) {
        Value::Text(t) => matches!(figure::parse_text(t), Parsed::NotNumber),
        _ => false,
    };
    let fits = figure_cols
        .iter()
        .filter(|&&c| c >= from)
        .all(|&c| c.checked_add(1).is_some_and(|a| !words(a)));
    let past_end = last
        .checked_add(2)
        .is_some_and(|c| c < grid.width && !grid.value(Pos::new(r, c)).is_empty());
    (fits && !past_end).then_some(from)
}

/// The last row of a table with figures but no words at all is its total.
fn mark_unlabelled_total(grid: &Grid, table: &mut Table) {
    let Some(last) = table.rows.last() else {
        return;
    };
    if table.rows.len() < 2 || last.total || !last.name.is_empty() || last.kode.is_some() {
        return;
    }
    let r = last.row;
    let has_label_text = table
        .columns
        .iter()
        .filter(|c| c.kind == Kind::Label)
        .any(|c| !grid.value(Pos::new(r, c.col)).is_empty());
    let money_figures = table
        .columns
        .iter()
        .filter(|c| table.is_money(c))
        .any(|c| matches!(table.figure(grid, r, c), Parsed::Number(_)));
    if !has_label_text
        && money_figures
        && let Some(l) = table.rows.last_mut()
    {
        l.total = true;
    }
}

/// Which columns hold figures, and which percent columns store fractions of 1.
fn infer_numeric(grid: &Grid, table: &mut Table, rows: &[u32], raw: &[Parsed]) {
    let money_table = table.columns.iter().any(|c| c.kind == Kind::Money);
    let width = table.columns.len();
    for (ci, col) in table.columns.iter_mut().enumerate() {
        let (mut filled, mut numbers, mut percent_fmt, mut small, mut fractional) = (0, 0, 0, 0, 0);
        for (ri, &r) in rows.iter().enumerate() {
            let p = raw.get(ri * width + ci);
            // A figure's cell is filled: only other cells need the emptiness test.
            if !matches!(p, Some(Parsed::Number(_))) && grid.value(Pos::new(r, col.col)).is_empty()
            {
                continue;
            }
            filled += 1;
            match p {
                Some(Parsed::Number(f)) => {
                    numbers += 1;
                    if f.percent {
                        percent_fmt += 1;
                    }
                    if !f.from_text && f.value.abs() <= Decimal::from(2) {
                        small += 1;
                        if !f.value.fract().is_zero() {
                            fractional += 1;
                        }
                    }
                }
                Some(Parsed::Nil) => numbers += 1,
                _ => {}
            }
        }
        col.numeric = filled > 0 && numbers * 2 >= filled && col.kind != Kind::Label;
        // "Realisasi (%)" beside money is the budget realisation rate, not a realisasi.
        if col.role.as_deref() == Some("realisasi")
            && (col.header.contains('%') || col.header.contains("persen"))
            && money_table
        {
            col.role = Some("capaian".into());
            col.kind = Kind::Ratio;
        }
        // A column the vocabulary does not name that holds words names the rows
        // ("Golongan", "Jenis Belanja").
        if col.role.is_none() && filled > 0 && !col.numeric {
            col.kind = Kind::Label;
        }
        // The header is searched only for a column of small fractional numbers.
        let percent_role = || {
            matches!(
                col.role.as_deref(),
                Some("capaian" | "penyerapan" | "kemajuan" | "efisiensi")
            ) || col.header.contains('%')
                || col.header.contains("persen")
        };
        col.fraction_percent =
            percent_fmt == 0 && numbers > 0 && small == numbers && fractional > 0 && percent_role();
    }
}

fn build_hierarchy(table: &mut Table) {
    place_rows(table);
    table.index_children();
}

/// Each row's parent: by kode where rows have one, else by numbering and `- ` items.
fn place_rows(table: &mut Table) {
    let n = table.rows.len();
    for row in &mut table.rows {
        row.parent = None;
        row.uncertain = false;
    }
    if table.rows.iter().any(|r| r.kode_segments.is_some()) {
        // The nearest earlier row with each kode, and the koded rows around each row, so
        // that a long table (an LRA of many thousand lines) is placed in linear time.
        // Keyed by the rows' own kode segments, borrowed (no copy per row): the parents
        // found go to `placed` first and into the rows once all are found.
        let mut latest: std::collections::HashMap<&[u32], usize> = std::collections::HashMap::new();
        let mut prev_koded = vec![None; n];
        let mut last = None;
        for (i, (slot, row)) in prev_koded.iter_mut().zip(&table.rows).enumerate() {
            *slot = last;
            if row.kode_segments.is_some() {
                last = Some(i);
            }
        }
        let mut next_koded = vec![None; n];
        let mut next = None;
        for (i, (slot, row)) in next_koded.iter_mut().zip(&table.rows).enumerate().rev() {
            *slot = next;
            if row.kode_segments.is_some() {
                next = Some(i);
            }
        }
        // (parent, uncertain) of each placed row; rows left out keep no parent.
        let mut placed: Vec<Option<(Option<usize>, bool)>> = vec![None; n];
        for (i, row) in table.rows.iter().enumerate() {
            if row.total {
                continue;
            }
            // Rows before this one are placed already: their parents are final.
            let segs_of = |j: usize| {
                table
                    .rows
                    .get(j)
                    .and_then(|r| r.kode_segments.as_deref())
                    .unwrap_or_default()
            };
            let parent_of = |j: usize| placed.get(j).copied().flatten().and_then(|(p, _)| p);
            let (parent, uncertain) = if let Some(segs) = row.kode_segments.as_deref() {
                // The longest proper prefix among earlier rows; the nearest on a tie.
                let parent = (1..segs.len())
                    .rev()
                    .find_map(|l| latest.get(segs.get(..l)?).copied());
                latest.insert(segs, i);
                (parent, false)
            } else if row.kode.is_none() {
                // No kode: a sibling of the next koded row when that row is a child of the
                // previous one, else a sibling of the previous koded row.
                let prev = prev_koded.get(i).copied().flatten();
                let next = next_koded.get(i).copied().flatten();
                let parent = match (prev, next) {
                    (Some(p), Some(nx)) => {
                        let (ps, ns) = (segs_of(p), segs_of(nx));
                        if ns.len() > ps.len() && ns.starts_with(ps) {
                            Some(p)
                        } else {
                            parent_of(p)
                        }
                    }
                    (Some(p), None) => parent_of(p),
                    _ => None,
                };
                (parent, true)
            } else {
                continue;
            };
            if let Some(slot) = placed.get_mut(i) {
                *slot = Some((parent, uncertain));
            }
        }
        for (row, p) in table.rows.iter_mut().zip(placed) {
            if let Some((parent, uncertain)) = p {
                row.parent = parent;
                row.uncertain = uncertain;
            }
        }
        return;
    }
    // Numbering: the order in which numbering styles first appear gives their depth.
    let mut classes: Vec<u8> = Vec::new();
    for r in &table.rows {
        if let Some(nb) = r.numbering
            && !classes.contains(&nb.class())
        {
            classes.push(nb.class());
        }
    }
    let depth = |nb: Numbering| classes.iter().position(|&c| c == nb.class()).unwrap_or(0);
    let mut last_numbered: Vec<(usize, usize)> = Vec::new(); // (depth, row index) stack
    let mut last_head: Option<usize> = None;
    for (i, row) in table.rows.iter_mut().enumerate() {
        if row.total {
            last_numbered.clear();
            last_head = None;
            continue;
        }
        if row.dash {
            row.parent = last_head;
            continue;
        }
        if let Some(nb) = row.numbering {
            let d = depth(nb);
            while last_numbered.last().is_some_and(|&(ld, _)| ld >= d) {
                last_numbered.pop();
            }
            row.parent = last_numbered.last().map(|&(_, j)| j);
            last_numbered.push((d, i));
        }
        last_head = Some(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Cell;

    fn grid(rows: &[&[&str]]) -> Grid {
        let w = rows.iter().map(|r| r.len()).max().unwrap_or(0) as u32;
        let mut g = Grid::new("T", rows.len() as u32, w);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if !t.is_empty() {
                    g.set(
                        Pos::new(r as u32, c as u32),
                        Cell {
                            value: Value::Text(t.to_string()),
                            formula: None,
                        },
                    );
                }
            }
        }
        g
    }

    #[test]
    fn finds_header_roles_numbering_and_totals() {
        let rules = Rules::embedded().unwrap();
        let g = grid(&[
            &["Tabel 1 Sumber Daya"],
            &[],
            &["No", "URAIAN", "ANGGARAN", "REALISASI", "%"],
            &["1", "Belanja Operasi", "300", "150", "50"],
            &["", "- Belanja Pegawai", "100", "50", "50"],
            &["", "- Belanja Barang", "200", "100", "50"],
            &["2", "Belanja Modal", "10", "5", "50"],
            &["", "", "310", "155", "50"],
        ]);
        let t = find_tables(&g, 0, &rules);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.caption.as_deref(), Some("Tabel 1 Sumber Daya"));
        let roles: Vec<_> = t
            .columns
            .iter()
            .map(|c| c.role.clone().unwrap_or_default())
            .collect();
        assert_eq!(roles, ["no", "uraian", "anggaran", "realisasi", "capaian"]);
        assert_eq!(t.rows.len(), 5);
        assert_eq!(t.rows[1].parent, Some(0));
        assert!(t.rows[1].dash);
        assert_eq!(t.rows[3].parent, None);
        assert!(t.rows[4].total);
    }

    #[test]
    fn two_row_header_with_groups_and_number_row() {
        let rules = Rules::embedded().unwrap();
        let g = grid(&[
            &[
                "Kode",
                "Program dan Kegiatan",
                "Tahun 2022",
                "",
                "Tahun 2023",
                "",
                "Kondisi Kinerja pada akhir periode",
                "",
            ],
            &["", "", "Target", "Rp", "Target", "Rp", "Target", "Rp"],
            &["-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8"],
            &[
                "7.01.01",
                "Program A",
                "5 dokumen",
                "100",
                "5 dokumen",
                "200",
                "10 dokumen",
                "300",
            ],
            &[
                "7.01.01.2.01",
                "Kegiatan B",
                "5 dokumen",
                "100",
                "5 dokumen",
                "200",
                "10 dokumen",
                "300",
            ],
        ]);
        let t = &find_tables(&g, 0, &rules)[0];
        assert_eq!(t.header_bottom, 1);
        assert_eq!(t.number_row, Some(2));
        let c: Vec<_> = t
            .columns
            .iter()
            .map(|c| (c.role.clone().unwrap_or_default(), c.year))
            .collect();
        assert_eq!(c[2], ("target".into(), Some(2022)));
        assert_eq!(c[3], ("rp".into(), Some(2022)));
        assert_eq!(c[5], ("rp".into(), Some(2023)));
        assert_eq!(c[6].0, "target_akhir");
        assert_eq!(c[7].0, "rp_akhir");
        assert_eq!(t.rows[1].parent, Some(0));
    }

    #[test]
    fn a_table_split_over_pages_with_its_header_repeated_is_one_table() {
        let rules = Rules::embedded().unwrap();
        let g = grid(&[
            &["No", "Desa", "Laki-laki", "Perempuan", "Jumlah"],
            &["1", "Sukamaju", "10", "12", "22"],
            &["2", "Sukasari", "5", "5", "10"],
            &[],
            &["No", "Desa", "Laki-laki", "Perempuan", "Jumlah"],
            &["3", "Sukamulya", "1", "2", "3"],
            &["TOTAL", "", "16", "19", "35"],
        ]);
        let t = find_tables(&g, 0, &rules);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rows.len(), 4);
        assert!(t[0].rows[3].total);
    }

    proptest::proptest! {
        #[test]
        fn year_in_quick_rejection_changes_nothing(
            s in "([0-9]{0,3}(19|20)[0-9]{1,3}[ /a-zé()-]{0,2}){0,4}|[0-9 /a-zé()-]{0,24}|\\PC{0,16}"
        ) {
            let by_regex = year_re()
                .as_ref()
                .and_then(|re| re.captures_iter(&s).last())
                .and_then(|c| c[1].parse::<i32>().ok());
            proptest::prop_assert_eq!(year_in(&s), by_regex);
        }
    }

    proptest::proptest! {
        #[test]
        fn before_dot_space_is_split_once(s in "[a-c. )-]{0,12}|\\PC{0,16}") {
            proptest::prop_assert_eq!(before_dot_space(&s), s.split_once(". ").map(|(h, _)| h));
        }
    }

    #[test]
    fn numbering_levels() {
        assert_eq!(parse_numbering("II"), Some(Numbering::Roman(2)));
        assert_eq!(parse_numbering("B"), Some(Numbering::Upper(2)));
        assert_eq!(parse_numbering("12"), Some(Numbering::Digit(12)));
        assert_eq!(parse_numbering("a."), Some(Numbering::Lower(1)));
        assert_eq!(parse_numbering("3.1"), Some(Numbering::Dotted(2)));
        assert_eq!(parse_numbering("1.1.2"), Some(Numbering::Dotted(3)));
        assert_eq!(parse_numbering("Program"), None);
    }
}
