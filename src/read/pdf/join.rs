//! A PDF table cut by page breaks, one grid per page, joined back into one grid: the
//! pieces of one table recognised, the header rows each page repeats dropped, and where
//! each page's piece starts kept on the grid (for the findings that rest on the join).

use super::tables::SNAP;
use crate::grid::Grid;

/// A PDF table cut by page breaks comes out as one grid per page: pieces with no
/// paragraph between them and as many columns are one table, rows appended. The header
/// rows a piece repeats at its top (as LibreOffice repeats a table's header on every page)
/// are dropped, so that table recognition sees one header; the grid keeps where each
/// page's piece starts ([`Grid::pages`]), which findings on it then state.
pub(in crate::read) fn join_page_pieces(
    tables: Vec<Grid>,
    paragraphs: Vec<crate::grid::Paragraph>,
) -> (Vec<Grid>, Vec<crate::grid::Paragraph>) {
    // A paragraph repeated word for word (digits aside) on three pages or more is page
    // furniture the reader's header/footer bands missed (a landscape page's footer): it
    // is dropped, and does not separate the pieces of a table.
    let shape = |t: &str| {
        t.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for p in &paragraphs {
        *seen.entry(shape(&p.text)).or_default() += 1;
    }
    let paragraphs: Vec<crate::grid::Paragraph> = paragraphs
        .into_iter()
        .filter(|p| {
            p.text.chars().count() > 400 || seen.get(&shape(&p.text)).is_none_or(|n| *n < 3)
        })
        .collect();
    // For each table, the index of the joined table it becomes.
    let mut joined: Vec<Grid> = Vec::new();
    // The first piece of the last joined table: its top rows are the header to look for.
    let mut first_piece: Option<Grid> = None;
    let mut index_of: Vec<u32> = Vec::new();
    for (k, t) in tables.into_iter().enumerate() {
        let text_between = paragraphs.iter().any(|p| p.tables_before as usize == k);
        let continues = k > 0
            && !text_between
            && joined
                .last()
                .is_some_and(|last| t.height > 0 && (last.width == t.width || lines_up(last, &t)));
        match (joined.last_mut(), &mut first_piece) {
            (Some(last), Some(first)) if continues => {
                let mut t = t;
                if last.width != t.width {
                    // Columns split differently on the two pages: every piece on the
                    // union of their column edges, a cell spanning the columns it covers.
                    let union = union_edges(&last.col_edges, &t.col_edges);
                    *last = on_edges(last, &union);
                    *first = on_edges(first, &union);
                    t = on_edges(&t, &union);
                }
                let repeated = repeated_header_rows(first, &t);
                let t = without_clipped_overflow(first, t, repeated);
                append_piece(last, &t, repeated);
            }
            _ => {
                let mut t = t;
                t.name = format!("Tabel {}", joined.len() + 1);
                first_piece = Some(t.clone());
                joined.push(t);
            }
        }
        index_of.push(joined.len() as u32);
    }
    let paragraphs = paragraphs
        .into_iter()
        .map(|mut p| {
            // Tables before this paragraph, counted after joining.
            p.tables_before = match (p.tables_before as usize).checked_sub(1) {
                Some(k) => index_of.get(k).copied().unwrap_or(p.tables_before),
                None => 0,
            };
            p
        })
        .collect();
    (joined, paragraphs)
}

/// A piece on the next page inside the same outer frame as the table so far, whose
/// columns are split differently (a rule one page draws and the other does not).
fn lines_up(last: &Grid, piece: &Grid) -> bool {
    let frame = |g: &Grid| match (g.col_edges.first(), g.col_edges.last()) {
        (Some(&a), Some(&b)) if g.col_edges.len() == g.width as usize + 1 => Some((a, b)),
        _ => None,
    };
    let next_page = match (last.pages.last(), piece.pages.first()) {
        (Some(&(_, a)), Some(&(_, b))) => b == a + 1,
        _ => false,
    };
    match (frame(last), frame(piece)) {
        (Some((a0, a1)), Some((b0, b1))) => {
            next_page && (a0 - b0).abs() <= SNAP && (a1 - b1).abs() <= SNAP
        }
        _ => false,
    }
}

/// The column edges of both, those closer than [`SNAP`] taken as one.
fn union_edges(a: &[f32], b: &[f32]) -> Vec<f32> {
    let mut all: Vec<f32> = a.iter().chain(b).copied().collect();
    all.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in all {
        match out.last() {
            Some(&last) if x - last <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

/// `g` laid on the column edges `union` (a superset of its own): each cell in the first
/// union column it covers, merged over all of them.
fn on_edges(g: &Grid, union: &[f32]) -> Grid {
    use crate::grid::{Pos, Range};
    let at = |x: f32| {
        union
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| (*a - x).abs().total_cmp(&(*b - x).abs()))
            .map_or(0, |(i, _)| i as u32)
    };
    let cols: Vec<u32> = g.col_edges.iter().map(|&x| at(x)).collect();
    let start = |c: u32| cols.get(c as usize).copied().unwrap_or(c);
    let end = |c: u32| start(c + 1).max(start(c) + 1) - 1;
    let width = union.len().saturating_sub(1) as u32;
    let mut out = Grid::new(g.name.clone(), g.height, width.max(g.width));
    out.number_formats = g.number_formats;
    out.pages = g.pages.clone();
    out.col_edges = union.to_vec();
    out.merges = g
        .merges
        .iter()
        .map(|m| Range {
            start: Pos::new(m.start.row, start(m.start.col)),
            end: Pos::new(m.end.row, end(m.end.col)),
        })
        .collect();
    for r in 0..g.height {
        for c in 0..g.width {
            let to = Pos::new(r, start(c));
            out.set(to, g.get(Pos::new(r, c)).clone());
            let merged = out.merges.iter().any(|m| m.contains(to));
            if end(c) > start(c) && !merged {
                out.merges.push(Range {
                    start: to,
                    end: Pos::new(r, end(c)),
                });
            }
        }
    }
    out.merges.sort_by_key(|m| (m.start.row, m.start.col));
    out
}

/// How many top rows of `piece` repeat the top rows of `first` (the table's first piece),
/// row for row. A repeated header row has its text in the same cells as the original,
/// each cell equal to it or cut short (the repeated row may be drawn shorter than its
/// text, which the PDF then clips, even inside a word broken over two lines), and most
/// cells equal; a data row does not repeat
/// the header's words in every filled cell.
pub(super) fn repeated_header_rows(first: &Grid, piece: &Grid) -> u32 {
    use crate::grid::Pos;
    let norm = |g: &Grid, r: u32, c: u32| {
        g.text(Pos::new(r, c))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let repeats = |r: u32| {
        let (mut filled, mut equal) = (0, 0);
        for c in 0..first.width {
            let (a, b) = (norm(first, r, c), norm(piece, r, c));
            if a.is_empty() != b.is_empty() {
                return false;
            }
            if a.is_empty() {
                continue;
            }
            filled += 1;
            if a == b {
                equal += 1;
            } else if !a.starts_with(&b) {
                return false;
            }
        }
        // (A title row over the whole table, one merged cell, repeats too.)
        equal >= 1 && 2 * equal >= filled
    };
    // A header is a few rows; the piece keeps one row at least.
    let most = first.height.min(piece.height.saturating_sub(1)).min(4);
    (0..most).take_while(|&r| repeats(r)).count() as u32
}

/// `piece` without the text a clipped repeated header cell spilled into the empty cell
/// under it. A header row repeated shorter than its text is clipped by the viewer, but the
/// next line of a cut cell is in the PDF just under the row's rule, in the piece's first
/// data row: where the cell there holds nothing but the start of what the repeated cell
/// lacks ("Kegiatan/ Sub" of "Urusan/ … Program/ Kegiatan/ Sub Kegiatan"), it is that
/// spill, and emptied. (Spill over a cell's own text is dropped by the PDF reader.)
pub(super) fn without_clipped_overflow(first: &Grid, mut piece: Grid, repeated: u32) -> Grid {
    use crate::grid::{Cell, Pos};
    let words = |g: &Grid, r: u32, c: u32| {
        g.text(Pos::new(r, c))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for c in 0..piece.width {
        // What the lowest cut header cell of this column lacks.
        let lacking = (0..repeated).rev().find_map(|r| {
            let (whole, cut) = (words(first, r, c), words(&piece, r, c));
            (!cut.is_empty() && whole.len() > cut.len() && whole.starts_with(&cut))
                .then(|| whole[cut.len()..].trim().to_string())
        });
        let below = words(&piece, repeated, c);
        if let Some(lacking) = lacking
            && !below.is_empty()
            && lacking.starts_with(&below)
        {
            piece.set(Pos::new(repeated, c), Cell::EMPTY);
        }
    }
    piece
}

/// `piece`'s rows from `skip` on appended under `last`, with its merged ranges; the row
/// where the piece starts and its page recorded in `last.pages`.
fn append_piece(last: &mut Grid, piece: &Grid, skip: u32) {
    use crate::grid::Pos;
    let top = last.height;
    let rows = piece.height.saturating_sub(skip);
    let mut g = Grid::new(last.name.clone(), top + rows, last.width);
    g.merges = last.merges.clone();
    g.number_formats = last.number_formats;
    g.pages = std::mem::take(&mut last.pages);
    g.col_edges = std::mem::take(&mut last.col_edges);
    for r in 0..top {
        for c in 0..last.width {
            g.set(Pos::new(r, c), last.get(Pos::new(r, c)).clone());
        }
    }
    for r in 0..rows {
        for c in 0..piece.width {
            g.set(
                Pos::new(top + r, c),
                piece.get(Pos::new(skip + r, c)).clone(),
            );
        }
    }
    for m in piece.merges.iter().filter(|m| m.start.row >= skip) {
        let mut m = *m;
        m.start.row = m.start.row - skip + top;
        m.end.row = m.end.row - skip + top;
        g.merges.push(m);
    }
    if let Some(&(_, page)) = piece.pages.first() {
        g.pages.push((top, page));
    }
    *last = g;
}
