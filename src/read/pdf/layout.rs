//! Glyphs into lines and words, page furniture (headers and footers) dropped, tables set
//! apart, and the body lines joined into paragraphs.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::tables::{self, Table};
use super::{Glyph, PageInk};
use crate::grid::{Grid, LineStart, Paragraph};
use crate::read::guard::Budget;

/// A word: glyphs with no space and no gap between them.
#[derive(Debug, Clone)]
pub(super) struct Word {
    pub(super) x0: f32,
    pub(super) x1: f32,
    pub(super) text: String,
}

/// A text line: words on one baseline, left to right.
#[derive(Debug, Clone, Default)]
pub(super) struct Line {
    /// Baseline, from the top of the page.
    pub(super) y: f32,
    pub(super) size: f32,
    pub(super) words: Vec<Word>,
    /// The line ends with a space glyph (a line broken at a space, not inside a word).
    pub(super) trailing_space: bool,
}

impl Line {
    pub(super) fn x0(&self) -> f32 {
        self.words.first().map_or(0.0, |w| w.x0)
    }
    pub(super) fn x1(&self) -> f32 {
        self.words.last().map_or(0.0, |w| w.x1)
    }
    pub(super) fn text(&self) -> String {
        let words: Vec<&str> = self.words.iter().map(|w| w.text.as_str()).collect();
        words.join(" ")
    }
}

/// Glyphs grouped into lines by baseline (within 40 % of the font size), each line's
/// glyphs left to right.
pub(super) fn group_lines(mut glyphs: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    let mut base = f32::NEG_INFINITY;
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if g.y - base <= 0.4 * g.size.max(1.0) => line.push(g),
            _ => {
                base = g.y;
                lines.push(vec![g]);
            }
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    lines
}

/// One line's glyphs (left to right) as words: split at space glyphs and at gaps wider
/// than a fifth of the font size.
pub(super) fn make_line(glyphs: &[Glyph], page: &PageInk) -> Line {
    let mut line = Line {
        y: glyphs.first().map_or(0.0, |g| g.y),
        size: glyphs.iter().map(|g| g.size).fold(0.0, f32::max),
        ..Line::default()
    };
    let mut open = false;
    for g in glyphs {
        let text = page.glyph_text(g);
        if text.trim().is_empty() {
            open = false;
            line.trailing_space = true;
            continue;
        }
        line.trailing_space = false;
        match line.words.last_mut() {
            // Drawn twice at the same place (a fake bold): once is enough.
            Some(w) if open && w.text.ends_with(text) && (g.x + g.w - w.x1).abs() < 0.5 => {}
            Some(w) if open && g.x - w.x1 <= 0.2 * g.size => {
                w.text.push_str(text);
                w.x1 = w.x1.max(g.x + g.w);
            }
            _ => line.words.push(Word {
                x0: g.x,
                x1: g.x + g.w,
                text: text.to_string(),
            }),
        }
        open = true;
    }
    line
}

/// The words of the document's text lines (lowercase, without the punctuation around
/// them), with how often each stands on a line: what tells a word broken at the edge of a
/// narrow cell ("Penyediaa" + "n") from two words wrapped at a space ("Persentase" +
/// "realisasi"), which look the same on the page.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    counts: HashMap<String, u32>,
}

impl Vocabulary {
    pub(super) fn of(pages: &[PageInk], grouped: &[Vec<Vec<Glyph>>]) -> Self {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for (page, lines) in pages.iter().zip(grouped) {
            for glyphs in lines {
                for w in make_line(glyphs, page).words {
                    // "Pemeliharaan/Rehabilitasi" holds the word "rehabilitasi" too.
                    let parts = w.text.split(|c: char| !c.is_alphanumeric());
                    let mut keys: Vec<String> = parts.map(Self::key).collect();
                    keys.push(Self::key(&w.text));
                    keys.sort();
                    keys.dedup();
                    for key in keys.into_iter().filter(|k| !k.is_empty()) {
                        *counts.entry(key).or_default() += 1;
                    }
                }
            }
        }
        Vocabulary { counts }
    }

    pub(super) fn key(word: &str) -> String {
        word.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    }

    /// How often `word` stands on a line of the document.
    pub(super) fn count(&self, word: &str) -> u32 {
        self.counts.get(&Self::key(word)).copied().unwrap_or(0)
    }
}

/// A line of a page as the layout sees it.
struct PageLine {
    line: Line,
    /// A page header or footer (repeated on most pages).
    furniture: bool,
    /// Its text belongs to a table (all of it).
    in_table: bool,
    /// 1-based on its page, furniture not counted.
    number: u32,
}

/// The tables and paragraphs of the document's pages.
pub(super) fn read_layout(pages: &[PageInk], budget: &mut Budget) -> (Vec<Grid>, Vec<Paragraph>) {
    let mut page_lines: Vec<Vec<PageLine>> = Vec::with_capacity(pages.len());
    let mut page_tables: Vec<Vec<Table>> = Vec::with_capacity(pages.len());
    let grouped: Vec<Vec<Vec<Glyph>>> = pages
        .iter()
        .map(|page| group_lines(page.glyphs.clone()))
        .collect();
    let vocabulary = Vocabulary::of(pages, &grouped);
    for (page, grouped) in pages.iter().zip(grouped) {
        let boxes = tables::ruled_boxes(&page.segs);
        let mut in_boxes: Vec<Vec<Glyph>> = vec![Vec::new(); boxes.len()];
        let mut lines = Vec::new();
        for glyphs in grouped {
            let mut rest = Vec::new();
            for g in &glyphs {
                match boxes.iter().position(|b| b.contains(g)) {
                    Some(i) => {
                        if let Some(bucket) = in_boxes.get_mut(i) {
                            bucket.push(*g);
                        }
                    }
                    None => rest.push(*g),
                }
            }
            let line = if rest.is_empty() {
                make_line(&glyphs, page)
            } else {
                make_line(&rest, page)
            };
            if !line.words.is_empty() {
                lines.push(PageLine {
                    line,
                    furniture: false,
                    in_table: rest.is_empty(),
                    number: 0,
                });
            }
        }
        let found = boxes
            .iter()
            .zip(in_boxes)
            .filter_map(|(b, glyphs)| tables::fill_ruled(b, glyphs, page, &vocabulary))
            .collect();
        page_lines.push(lines);
        page_tables.push(found);
    }

    mark_furniture(pages, &mut page_lines);
    for (lines, found) in page_lines.iter_mut().zip(page_tables.iter_mut()) {
        let mut n = 0;
        for l in lines.iter_mut().filter(|l| !l.furniture) {
            n += 1;
            l.number = n;
        }
        // Unruled tables, from the body lines left.
        let body: Vec<usize> = (0..lines.len())
            .filter(|&i| lines.get(i).is_some_and(|l| !l.furniture && !l.in_table))
            .collect();
        let texts: Vec<&Line> = body
            .iter()
            .filter_map(|&i| lines.get(i).map(|l| &l.line))
            .collect();
        for (table, used) in tables::unruled(&texts) {
            for k in used {
                if let Some(l) = body.get(k).and_then(|&i| lines.get_mut(i)) {
                    l.in_table = true;
                }
            }
            found.push(table);
        }
        found.sort_by(|a, b| a.top.total_cmp(&b.top));
    }

    let grids = grids(&page_tables, budget);
    let paragraphs = paragraphs(&page_lines, &page_tables);
    (grids, paragraphs)
}

/// The tables as grids "Tabel 1", "Tabel 2" … in document order; one over the budget is
/// left out (its number is not reused).
fn grids(page_tables: &[Vec<Table>], budget: &mut Budget) -> Vec<Grid> {
    let mut grids = Vec::new();
    let on_pages = page_tables
        .iter()
        .enumerate()
        .flat_map(|(p, found)| found.iter().map(move |t| (p as u32 + 1, t)));
    for (i, (page, table)) in on_pages.enumerate() {
        let cells = u64::from(table.rows) * u64::from(table.cols);
        if cells > budget.current() {
            continue;
        }
        budget.spend(cells);
        let mut grid = table.to_grid(format!("Tabel {}", i + 1));
        grid.pages = vec![(0, page)];
        grids.push(grid);
    }
    grids
}

/// Text with digits left out and spaces collapsed: page furniture repeats in this form.
fn furniture_key(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Lines in the top or bottom eighth of a page whose text (digits aside) stands in that
/// band on at least half of the pages, and on two at least.
fn mark_furniture(pages: &[PageInk], page_lines: &mut [Vec<PageLine>]) {
    let in_band = |l: &PageLine, height: f32| {
        height > 0.0 && (l.line.y < 0.125 * height || l.line.y > 0.875 * height)
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (page, lines) in pages.iter().zip(page_lines.iter()) {
        let keys: HashSet<String> = lines
            .iter()
            .filter(|l| in_band(l, page.height) && !l.in_table)
            .map(|l| furniture_key(&l.line.text()))
            .collect();
        for key in keys {
            *seen.entry(key).or_default() += 1;
        }
    }
    let needed = pages.len().div_ceil(2).max(2);
    for (page, lines) in pages.iter().zip(page_lines.iter_mut()) {
        for l in lines.iter_mut() {
            if in_band(l, page.height)
                && !l.in_table
                && seen
                    .get(&furniture_key(&l.line.text()))
                    .is_some_and(|&n| n >= needed)
            {
                l.furniture = true;
            }
        }
    }
}

/// A line that starts a heading or a list item: a chapter, a table or figure caption, a
/// numbered or lettered item, a bullet.
static ITEM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(BAB\s|Bab\s|(Tabel|Gambar|Grafik|Diagram)\s+[0-9IVX]|[0-9]{1,2}(\.[0-9]{1,2})*[.)]\s|[0-9]{1,2}(\.[0-9]{1,2})+\s|[A-Za-z][.)]\s|[IVX]{1,5}\.\s|\([0-9a-z]{1,3}\)\s|[-•▪●◦·*➢✓]\s)",
    )
    .ok()
});

fn starts_item(text: &str) -> bool {
    ITEM.as_ref().is_some_and(|re| re.is_match(text))
}

/// All letters upper case (a heading such as "BAB II PERENCANAAN KINERJA").
fn all_caps(text: &str) -> bool {
    text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase)
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| c.is_whitespace() || "\"'”’)]".contains(c));
    t.ends_with(['.', '!', '?', ':'])
}

/// Body lines (not furniture, not in a table) joined into paragraphs.
fn paragraphs(page_lines: &[Vec<PageLine>], page_tables: &[Vec<Table>]) -> Vec<Paragraph> {
    let body = || {
        page_lines.iter().enumerate().flat_map(|(p, lines)| {
            lines
                .iter()
                .filter(|l| !l.furniture && !l.in_table)
                .map(move |l| (p, l))
        })
    };
    let right = body().map(|(_, l)| l.line.x1()).fold(0.0, f32::max);
    let left = body().map(|(_, l)| l.line.x0()).fold(right, f32::min);
    // The usual distance between baselines of consecutive body lines.
    let mut gaps: Vec<f32> = Vec::new();
    for lines in page_lines {
        let ys: Vec<&Line> = lines
            .iter()
            .filter(|l| !l.furniture && !l.in_table)
            .map(|l| &l.line)
            .collect();
        for pair in ys.windows(2) {
            if let [a, b] = pair {
                let gap = b.y - a.y;
                if gap > 0.0 && gap < 3.0 * a.size.max(1.0) {
                    gaps.push(gap);
                }
            }
        }
    }
    gaps.sort_by(f32::total_cmp);
    let spacing = gaps.get(gaps.len() / 2).copied();

    // Tables before each page, to count the tables above a line.
    let mut tables_before_page = Vec::with_capacity(page_tables.len());
    let mut count = 0u32;
    for found in page_tables {
        tables_before_page.push(count);
        count += found.len() as u32;
    }

    let mut out: Vec<Paragraph> = Vec::new();
    let mut prev: Option<(usize, &Line, u32)> = None;
    for (p, l) in body() {
        let line = &l.line;
        let text = line.text();
        let above = page_tables
            .get(p)
            .map_or(0, |t| t.iter().filter(|t| t.top < line.y).count() as u32);
        let tables_before = tables_before_page.get(p).copied().unwrap_or(0) + above;
        let starts_new = match prev {
            None => true,
            Some((pp, pl, pt)) => {
                let prev_text = pl.text();
                let short = pl.x1() < right - 2.0 * pl.size;
                // A numbered heading ("1.1 Latar Belakang") ends well before the margin.
                let heading = starts_item(&prev_text) && pl.x1() < left + 0.6 * (right - left);
                pt != tables_before
                    || starts_item(&text)
                    || all_caps(&prev_text) != all_caps(&text)
                    || heading
                    || short && ends_sentence(&prev_text)
                    // A short line, then one starting further left: the end of an
                    // indented block (a list item) and a new paragraph at the margin, even
                    // when the item ends without a full stop ("… × 100 % = 95,02 %").
                    || short && pp == p && line.x0() < pl.x0() - pl.size
                    || if pp == p {
                        spacing.is_some_and(|s| line.y - pl.y > 1.5 * s)
                    } else {
                        ends_sentence(&prev_text)
                    }
            }
        };
        let location = |offset| LineStart {
            offset,
            page: p as u32 + 1,
            line: l.number,
        };
        match out.last_mut() {
            Some(para) if !starts_new => {
                para.text.push(' ');
                para.lines.push(location(para.text.len()));
                para.text.push_str(&text);
            }
            _ => out.push(Paragraph {
                number: out.len() as u32 + 1,
                text,
                tables_before,
                lines: vec![location(0)],
            }),
        }
        prev = Some((p, line, tables_before));
    }
    out
}
