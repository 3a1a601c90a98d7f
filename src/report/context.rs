//! What a report shows around a finding: the rows it involves as the workbook shows
//! them (the snippet) and the caption of its table. Filled once the checks are done.

use crate::doc::Doc;
use crate::finding::{Finding, Location};
use crate::grid::Pos;

/// The rows a finding involves, as the workbook shows them: the finding's own row first,
/// then up to four rows of related cells in the same sheet.
pub(crate) fn snippet(f: &Finding, docs: &[Doc]) -> Vec<crate::finding::SnippetLine> {
    use crate::finding::SnippetLine;
    let mut lines: Vec<SnippetLine> = Vec::new();
    let places = std::iter::once(&f.at).chain(f.related.iter().map(|r| &r.at));
    for at in places {
        let Some(doc) = docs.iter().find(|d| d.file == at.file) else {
            continue;
        };
        let Some(g) = doc.sheets.iter().find(|s| s.name == at.sheet) else {
            continue;
        };
        let text = g.value(at.cell).clone();
        if let Some(l) = lines
            .iter_mut()
            .find(|l| l.file == at.file && l.sheet == at.sheet && l.row == at.cell.row)
        {
            if !l.cells.iter().any(|(p, _)| *p == at.cell) {
                l.cells.push((at.cell, text));
            }
            continue;
        }
        if lines.len() >= 5 {
            continue;
        }
        // The row's label: its first cell with words in it.
        let label = (0..g.width)
            .map(|c| g.text(Pos::new(at.cell.row, c)))
            .find(|t| {
                t.chars().any(|ch| ch.is_alphabetic())
                    && !matches!(
                        crate::figure::parse_text(t),
                        crate::figure::Parsed::Number(_)
                    )
            })
            .unwrap_or_default();
        lines.push(SnippetLine {
            file: at.file.clone(),
            sheet: at.sheet.clone(),
            row: at.cell.row,
            label,
            cells: vec![(at.cell, text)],
        });
    }
    for l in &mut lines {
        l.cells.sort_by_key(|(p, _)| p.col);
    }
    lines
}

/// The caption of the table holding a cell; a table without a caption of its own (the
/// second part of a two-part table) takes the caption of the table above it.
pub(crate) fn caption_at(at: &Location, docs: &[Doc]) -> Option<String> {
    let doc = docs.iter().find(|d| d.file == at.file)?;
    let si = doc.sheets.iter().position(|s| s.name == at.sheet)?;
    let tables: Vec<&crate::table::Table> = doc.tables.iter().filter(|t| t.sheet == si).collect();
    let i = tables.iter().position(|t| {
        let last = t.rows.last().map(|r| r.row).unwrap_or(t.header_bottom);
        (t.header_top..=last).contains(&at.cell.row)
    })?;
    tables
        .get(..=i)?
        .iter()
        .rev()
        .find_map(|t| t.caption.clone())
}
