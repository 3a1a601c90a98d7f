//! Tables rebuilt from a page's drawing: ruled ones from their ruling lines (cells and
//! spans from where the lines run), unruled ones from columns of white space shared by
//! several consecutive lines.

use super::layout::{Line, Vocabulary, group_lines, make_line};
use super::{Glyph, PageInk, Seg};
use crate::grid::{Cell, Grid, Pos, Range, Value};

/// Ruling lines closer than this (points) are one line: a double border, or the same rule
/// drawn cell by cell.
pub(super) const SNAP: f32 = 3.0;
/// Largest ruled grid considered (rows × columns), to keep the cell walk small.
const MAX_RULED_CELLS: usize = 100_000;

/// A table as read: its text cells and merged ranges.
#[derive(Debug, Clone)]
pub(super) struct Table {
    /// Its top edge, from the top of the page.
    pub(super) top: f32,
    pub(super) rows: u32,
    pub(super) cols: u32,
    pub(super) cells: Vec<(u32, u32, String)>,
    pub(super) merges: Vec<Range>,
    /// The x of each column's left edge and of the last one's right edge.
    pub(super) edges: Vec<f32>,
}

impl Table {
    pub(super) fn to_grid(&self, name: String) -> Grid {
        let mut grid = Grid::new(name, self.rows, self.cols);
        // Text only: the figures are parsed downstream, as they read.
        grid.number_formats = false;
        for (r, c, text) in &self.cells {
            grid.set(
                Pos::new(*r, *c),
                Cell {
                    value: Value::Text(text.clone()),
                    formula: None,
                },
            );
        }
        grid.merges = self.merges.clone();
        grid.col_edges = self.edges.clone();
        grid
    }
}

/// A grid of ruling lines: the x of its vertical rules, the y of its horizontal ones, and
/// the rules themselves (to tell which cell borders are drawn).
#[derive(Debug)]
pub(super) struct RuledBox {
    xs: Vec<f32>,
    ys: Vec<f32>,
    vertical: Vec<Seg>,
    horizontal: Vec<Seg>,
}

/// Where a glyph stands for cell assignment: the middle of its advance, a third of the
/// font size above its baseline.
fn centre(g: &Glyph) -> (f32, f32) {
    (g.x + g.w / 2.0, g.y - 0.3 * g.size)
}

impl RuledBox {
    pub(super) fn contains(&self, g: &Glyph) -> bool {
        let (x, y) = centre(g);
        let inside = |v: f32, edges: &[f32]| match (edges.first(), edges.last()) {
            (Some(&a), Some(&b)) => v >= a && v <= b,
            _ => false,
        };
        inside(x, &self.xs) && inside(y, &self.ys)
    }

    /// The index of the band of `edges` holding `v`.
    fn band(v: f32, edges: &[f32]) -> usize {
        let n = edges.len().saturating_sub(1);
        edges.iter().take(n).rposition(|&e| e <= v).unwrap_or(0)
    }

    /// A vertical rule at edge `i` crossing the middle of row `r`.
    fn ruled_between_cols(&self, i: usize, r: usize) -> bool {
        let (Some(&x), Some(&a), Some(&b)) = (self.xs.get(i), self.ys.get(r), self.ys.get(r + 1))
        else {
            return false;
        };
        let mid = (a + b) / 2.0;
        self.vertical
            .iter()
            .any(|s| (s.x0 - x).abs() <= SNAP && s.y0 - 1.0 <= mid && mid <= s.y1 + 1.0)
    }

    /// A horizontal rule at edge `i` crossing the middle of column `c`.
    fn ruled_between_rows(&self, i: usize, c: usize) -> bool {
        let (Some(&y), Some(&a), Some(&b)) = (self.ys.get(i), self.xs.get(c), self.xs.get(c + 1))
        else {
            return false;
        };
        let mid = (a + b) / 2.0;
        self.horizontal
            .iter()
            .any(|s| (s.y0 - y).abs() <= SNAP && s.x0 - 1.0 <= mid && mid <= s.x1 + 1.0)
    }
}

/// Positions closer than [`SNAP`] merged (their mean), sorted.
fn snap(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, u32)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, n)) if v - *sum / *n as f32 <= SNAP => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(sum, n)| sum / n as f32).collect()
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = p;
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if let Some(slot) = parent.get_mut(ra.max(rb)) {
        *slot = ra.min(rb);
    }
}

/// Two rules touch (within [`SNAP`]).
fn touch(a: &Seg, b: &Seg) -> bool {
    a.x0 <= b.x1 + SNAP && b.x0 <= a.x1 + SNAP && a.y0 <= b.y1 + SNAP && b.y0 <= a.y1 + SNAP
}

/// The page's ruled grids: groups of touching rules with two horizontal and two vertical
/// positions at least, and more than one cell (a frame around text is no table).
pub(super) fn ruled_boxes(segs: &[Seg]) -> Vec<RuledBox> {
    let mut parent: Vec<usize> = (0..segs.len()).collect();
    for (i, a) in segs.iter().enumerate() {
        for (j, b) in segs.iter().enumerate().skip(i + 1) {
            if touch(a, b) {
                union(&mut parent, i, j);
            }
        }
    }
    let mut groups: Vec<(usize, Vec<Seg>)> = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let root = find(&mut parent, i);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(*s),
            None => groups.push((root, vec![*s])),
        }
    }
    let mut boxes = Vec::new();
    for (_, members) in groups {
        let (vertical, horizontal): (Vec<Seg>, Vec<Seg>) =
            members.into_iter().partition(|s| s.vertical());
        let xs = snap(vertical.iter().map(|s| (s.x0 + s.x1) / 2.0).collect());
        let ys = snap(horizontal.iter().map(|s| (s.y0 + s.y1) / 2.0).collect());
        let cells = xs.len().saturating_sub(1) * ys.len().saturating_sub(1);
        if xs.len() >= 2 && ys.len() >= 2 && (2..=MAX_RULED_CELLS).contains(&cells) {
            boxes.push(RuledBox {
                xs,
                ys,
                vertical,
                horizontal,
            });
        }
    }
    boxes
}

/// A ruled grid filled with the glyphs inside it: cells joined where no rule separates
/// them (a merged range when they make a rectangle), each cell's lines joined.
pub(super) fn fill_ruled(
    b: &RuledBox,
    glyphs: Vec<Glyph>,
    page: &PageInk,
    vocabulary: &Vocabulary,
) -> Option<Table> {
    if glyphs.is_empty() {
        return None;
    }
    let rows = b.ys.len().saturating_sub(1);
    let cols = b.xs.len().saturating_sub(1);
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !b.ruled_between_cols(c + 1, r) {
                union(&mut parent, r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !b.ruled_between_rows(r + 1, c) {
                union(&mut parent, r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    // Each group of joined cells: its first and last row and column, and its size.
    type Extent = (usize, usize, usize, usize, usize);
    let mut extent: Vec<Option<Extent>> = vec![None; rows * cols];
    for i in 0..rows * cols {
        let root = find(&mut parent, i);
        let (r, c) = (i / cols, i % cols);
        if let Some(slot) = extent.get_mut(root) {
            *slot = Some(match *slot {
                None => (r, c, r, c, 1),
                Some((r0, c0, r1, c1, n)) => (r0.min(r), c0.min(c), r1.max(r), c1.max(c), n + 1),
            });
        }
    }
    let mut buckets: Vec<Vec<Glyph>> = vec![Vec::new(); rows * cols];
    for g in glyphs {
        let (x, y) = centre(&g);
        let i = RuledBox::band(y, &b.ys) * cols + RuledBox::band(x, &b.xs);
        let root = find(&mut parent, i);
        if let Some(bucket) = buckets.get_mut(root) {
            bucket.push(g);
        }
    }
    let mut cells = Vec::new();
    let mut merges = Vec::new();
    for (root, bucket) in buckets.into_iter().enumerate() {
        let Some(Some((r0, c0, r1, c1, n))) = extent.get(root).copied() else {
            continue;
        };
        if n > 1 && n == (r1 - r0 + 1) * (c1 - c0 + 1) {
            merges.push(Range {
                start: Pos::new(r0 as u32, c0 as u32),
                end: Pos::new(r1 as u32, c1 as u32),
            });
        }
        if bucket.is_empty() {
            continue;
        }
        let width = match (b.xs.get(c0), b.xs.get(c1 + 1)) {
            (Some(a), Some(z)) => z - a,
            _ => 0.0,
        };
        let bucket = drop_clipped_lines(bucket, page);
        cells.push((
            r0 as u32,
            c0 as u32,
            cell_text(bucket, width, page, vocabulary),
        ));
    }
    merges.sort_by_key(|m| (m.start.row, m.start.col));
    Some(Table {
        top: b.ys.first().copied().unwrap_or(0.0),
        rows: rows as u32,
        cols: cols as u32,
        cells,
        merges,
        edges: b.xs.clone(),
    })
}

/// A cell's glyphs without the lines of another cell's text that the PDF clips away.
///
/// A row repeated at the top of a page (a table's header, as LibreOffice repeats it) may
/// be drawn shorter than its text: the text goes on below the row's bottom rule and the
/// viewer clips it, but its glyphs are in the content stream (pdf-extract does not apply
/// clipping paths). The cut line lands on the first line of the cell below, glyph over
/// glyph ("Sasaran" over "Jumlah" reads "SJuamsalarha n"). Two lines of one cell whose
/// glyphs overlap cannot both be visible: the higher one is the cut line (it is drawn
/// because its top reaches into the clipping area above the rule, while the cell's own
/// text starts below the rule, inside its padding), so it is dropped.
pub(super) fn drop_clipped_lines(glyphs: Vec<Glyph>, page: &PageInk) -> Vec<Glyph> {
    let inked = |g: &Glyph| !page.glyph_text(g).trim().is_empty() && g.w > 0.0;
    // Baselines: glyphs of one text line share theirs (a tenth of the font size aside).
    let mut baselines: Vec<f32> = Vec::new();
    let mut sorted: Vec<&Glyph> = glyphs.iter().filter(|g| inked(g)).collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y));
    for g in &sorted {
        match baselines.last() {
            Some(&y) if g.y - y <= 0.1 * g.size => {}
            _ => baselines.push(g.y),
        }
    }
    if baselines.len() < 2 {
        return glyphs;
    }
    let line_of = |g: &Glyph| baselines.iter().rposition(|&y| y <= g.y + 1e-3);
    let overlap = |a: &Glyph, b: &Glyph| {
        let common = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
        common >= 0.5 * a.w.min(b.w)
    };
    let mut cut = vec![false; baselines.len()];
    for (i, a) in sorted.iter().enumerate() {
        for b in sorted.iter().skip(i + 1) {
            // `b` is lower (sorted by baseline): on a line less than 0.6 font size down
            // (a line below in the same cell is a full line height down).
            if b.y - a.y >= 0.6 * a.size.max(b.size) {
                break;
            }
            let (Some(la), Some(lb)) = (line_of(a), line_of(b)) else {
                continue;
            };
            if la != lb
                && overlap(a, b)
                && let Some(c) = cut.get_mut(la)
            {
                *c = true;
            }
        }
    }
    if !cut.contains(&true) {
        return glyphs;
    }
    glyphs
        .into_iter()
        .filter(|g| line_of(g).is_none_or(|l| !cut.get(l).copied().unwrap_or(false)))
        .collect()
}

/// A cell's lines joined with a space, except where a word too long for the cell was
/// broken (a long figure such as "2.416.254.056,0" + "0"): the line filled the cell, ended
/// without a space, and letters or digits meet across the break. Between letters that is
/// also how two words wrapped at a space look ("Persentase" / "realisasi" in a narrow
/// column), so there the document decides: the pieces are two words only when each
/// stands elsewhere in the document and the joined word nowhere (a piece of one or two
/// letters is a fragment: "Pengka" + "t").
pub(super) fn cell_text(
    glyphs: Vec<Glyph>,
    width: f32,
    page: &PageInk,
    vocabulary: &Vocabulary,
) -> String {
    let mut text = String::new();
    let mut prev: Option<Line> = None;
    for glyphs in group_lines(glyphs) {
        let line = make_line(&glyphs, page);
        let piece = line.text();
        if piece.is_empty() {
            continue;
        }
        if let Some(p) = &prev {
            let end = text.chars().last();
            let start = piece.chars().next();
            let mut broken_word = !p.trailing_space
                && p.words.len() == 1
                && p.x1() - p.x0() >= 0.7 * width
                && end.is_some_and(char::is_alphanumeric)
                && start.is_some_and(char::is_alphanumeric);
            if broken_word
                && end.is_some_and(char::is_alphabetic)
                && start.is_some_and(char::is_alphabetic)
                && let (Some(before), Some(after)) = (p.words.last(), line.words.first())
            {
                let joined = format!("{}{}", before.text, after.text);
                broken_word = vocabulary.count(&joined) > 0
                    || vocabulary.count(&before.text) <= 1
                    || vocabulary.count(&after.text) <= 1
                    || Vocabulary::key(&after.text).chars().count() <= 2;
            }
            if !broken_word {
                text.push(' ');
            }
        }
        text.push_str(&piece);
        prev = Some(line);
    }
    text
}

/// Unruled tables among a page's body lines: three consecutive lines at least, each with
/// a gap of two font sizes between words, whose words leave columns of white space a font
/// size wide at least. Each line is a row. Returns the tables and the lines they used.
pub(super) fn unruled(lines: &[&Line]) -> Vec<(Table, Vec<usize>)> {
    let gapped = |l: &Line| {
        l.words
            .windows(2)
            .any(|w| matches!(w, [a, b] if b.x0 - a.x1 >= 2.0 * l.size))
    };
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !gapped(l) {
            continue;
        }
        let extends = runs.last().and_then(|run| run.last()).is_some_and(|&last| {
            last + 1 == i
                && lines
                    .get(last)
                    .is_some_and(|p| l.y - p.y <= 2.5 * p.size.max(l.size))
        });
        match runs.last_mut() {
            Some(run) if extends => run.push(i),
            _ => runs.push(vec![i]),
        }
    }
    let mut out = Vec::new();
    for run in runs.into_iter().filter(|r| r.len() >= 3) {
        let rows: Vec<&Line> = run.iter().filter_map(|&i| lines.get(i).copied()).collect();
        let size = rows.iter().map(|l| l.size).fold(1.0, f32::max);
        let mut spans: Vec<(f32, f32)> = rows
            .iter()
            .flat_map(|l| l.words.iter().map(|w| (w.x0, w.x1)))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut columns: Vec<(f32, f32)> = Vec::new();
        for (a, b) in spans {
            match columns.last_mut() {
                Some(col) if a - col.1 < size => col.1 = col.1.max(b),
                _ => columns.push((a, b)),
            }
        }
        if columns.len() < 2 {
            continue;
        }
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        for (r, l) in rows.iter().enumerate() {
            for w in &l.words {
                let mid = (w.x0 + w.x1) / 2.0;
                let c = columns
                    .iter()
                    .position(|&(a, b)| mid >= a && mid <= b)
                    .unwrap_or(0) as u32;
                match cells.last_mut() {
                    Some((cr, cc, text)) if *cr == r as u32 && *cc == c => {
                        text.push(' ');
                        text.push_str(&w.text);
                    }
                    _ => cells.push((r as u32, c, w.text.clone())),
                }
            }
        }
        let top = rows.first().map_or(0.0, |l| l.y - l.size);
        out.push((
            Table {
                top,
                rows: rows.len() as u32,
                cols: columns.len() as u32,
                cells,
                merges: Vec::new(),
                // Between two columns of words, the middle of the white space.
                edges: std::iter::once(columns.first().map_or(0.0, |c| c.0))
                    .chain(columns.windows(2).map(|w| match w {
                        [a, b] => (a.1 + b.0) / 2.0,
                        _ => 0.0,
                    }))
                    .chain(columns.last().map(|c| c.1))
                    .collect(),
            },
            run,
        ));
    }
    out
}
