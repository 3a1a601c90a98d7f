//! What a report shows around a finding: the rows it involves as the workbook shows
//! them (the snippet) and the caption of its table. Filled once the checks are done.
//! And how a report names a place: `Sheet!A1` for a cell, "paragraf 12" or "halaman 3,
//! baris 14" (from the catalogue) for a sentence of a report document.

use crate::catalog::Catalog;
use crate::doc::Doc;
use crate::finding::{Finding, Location, Message, TextPlace};
use crate::grid::Pos;

/// A sentence's place in words: "paragraf 12" (Word), "halaman 3, baris 14" (PDF).
pub fn place_text(t: &TextPlace, cat: &Catalog) -> String {
    let m = match (t.page, t.line) {
        (Some(page), Some(line)) => Message::new("place.page_line")
            .text("page", page.to_string())
            .text("line", line.to_string()),
        (Some(page), None) => Message::new("place.page").text("page", page.to_string()),
        _ => Message::new("place.paragraph").text("n", t.paragraph.to_string()),
    };
    cat.render(&m)
}

/// A place as a report names it within its file: `Sheet!A1`, or the sentence's place.
pub fn at_text(at: &Location, cat: &Catalog) -> String {
    match &at.text {
        Some(t) => place_text(t, cat),
        None => format!("{}!{}", at.sheet, at.cell),
    }
}

/// A sentence's place with its file: "laporan.docx, paragraf 12".
pub fn place_in_file(file: &str, t: &TextPlace, cat: &Catalog) -> String {
    cat.render(
        &Message::new("place.in_file")
            .text("file", file)
            .text("place", place_text(t, cat)),
    )
}

/// The rows a finding involves, as the workbook shows them: the finding's own row first,
/// then up to four rows of related cells in the same sheet.
pub(crate) fn snippet(f: &Finding, docs: &[Doc]) -> Vec<crate::finding::SnippetLine> {
    use crate::finding::SnippetLine;
    let mut lines: Vec<SnippetLine> = Vec::new();
    let places = std::iter::once(&f.at).chain(f.related.iter().map(|r| &r.at));
    for at in places {
        // A sentence has no rows: reports show its quote instead.
        if at.text.is_some() {
            continue;
        }
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

/// Columns of a sheet looked at for the window around a cell, besides the cell's own
/// neighbours.
const LOOKED_AT: u32 = 64;

/// The table around a finding's cell (see [`crate::finding::Around`]): the header rows of
/// the table holding it and the data rows nearest to it, or, outside any table, the sheet
/// rows around it.
pub(crate) fn around(f: &Finding, docs: &[Doc]) -> Option<crate::finding::Around> {
    if f.at.text.is_some() {
        return None;
    }
    let doc = docs.iter().find(|d| d.file == f.at.file)?;
    let si = doc.sheets.iter().position(|s| s.name == f.at.sheet)?;
    let g = doc.sheets.get(si)?;
    let at = f.at.cell;
    if at.row >= g.height || at.col >= g.width {
        return None;
    }
    let table = doc.tables.iter().find(|t| {
        t.sheet == si && {
            let last = t.rows.last().map(|r| r.row).unwrap_or(t.header_bottom);
            (t.header_top..=last).contains(&at.row)
        }
    });
    let last_row = g.height.saturating_sub(1);
    // The header rows shown (the lowest two, or from the cell if it is in the header), and
    // the rows data may be shown from and to.
    let (header, first, last): (Vec<u32>, u32, u32) = match table {
        Some(t) => {
            let top = t
                .header_bottom
                .saturating_sub(1)
                .max(t.header_top)
                .min(at.row);
            let first = match t.number_row {
                Some(n) if n > t.header_bottom => n + 1,
                _ => t.header_bottom + 1,
            };
            let last = t.rows.last().map(|r| r.row).unwrap_or(t.header_bottom);
            ((top..=t.header_bottom).collect(), first, last)
        }
        None => (Vec::new(), 0, last_row),
    };
    let rows: Vec<u32> = if at.row < first {
        (first..=last.min(first.saturating_add(1))).collect()
    } else {
        let lo = at.row.saturating_sub(1).max(first);
        (lo..=last.min(at.row.saturating_add(1))).collect()
    };
    let shown_rows: Vec<u32> = header.iter().chain(&rows).copied().collect();
    // The merged ranges the window meets, found once (a pasted sheet has hundreds).
    let (top, bottom) = (
        shown_rows.iter().min().copied().unwrap_or(at.row),
        shown_rows.iter().max().copied().unwrap_or(at.row),
    );
    let merges: Vec<&crate::grid::Range> = g
        .merges
        .iter()
        .filter(|m| m.start.row <= bottom && m.end.row >= top)
        .collect();
    let merge_at = |p: Pos| merges.iter().copied().find(|m| m.contains(p));
    let shown = |p: Pos| match merge_at(p) {
        Some(m) => g.value(m.start),
        None => g.value(p),
    };
    let filled = |c: u32| {
        shown_rows
            .iter()
            .any(|&r| !shown(Pos::new(r, c)).is_empty())
    };
    // Looked at: the sheet's first columns and the cell's neighbours, so that a sheet
    // stretched to column XFD costs no more than a table.
    let near = at.col.saturating_sub(3)..=at.col.saturating_add(3).min(g.width - 1);
    let mut columns: Vec<u32> = (0..g.width.min(LOOKED_AT))
        .chain(near.clone().filter(|&c| c >= LOOKED_AT))
        .filter(|&c| filled(c) || c == at.col)
        .collect();
    if columns.len() > 9 {
        // The row's label column, and the cell's neighbours.
        let label = (0..at.col.min(LOOKED_AT)).find(|&c| {
            let t = g.text(Pos::new(at.row, c));
            t.chars().filter(|ch| ch.is_alphabetic()).count() > 3
        });
        columns.retain(|c| near.contains(c) || Some(*c) == label);
    }
    // A merged cell (a year over its target and realisation columns, a sasaran over its
    // indicators' rows) once, where the window first meets it; a long text cut, the
    // window is for finding one's way (the row's whole label is in `rows`).
    let mut met = std::collections::HashSet::new();
    let mut values = |r: u32| -> Vec<crate::grid::Value> {
        columns
            .iter()
            .map(|&c| {
                let p = Pos::new(r, c);
                let v = match merge_at(p) {
                    Some(m) if !met.insert(m.start) => &crate::grid::Value::Empty,
                    _ => shown(p),
                };
                match v {
                    crate::grid::Value::Text(t) => crate::grid::Value::Text(cut(t, 80)),
                    other => other.clone(),
                }
            })
            .collect()
    };
    let header = header.iter().map(|&r| (r, values(r))).collect();
    let rows = rows.iter().map(|&r| (r, values(r))).collect();
    Some(crate::finding::Around {
        header,
        rows,
        columns,
    })
}

/// `text` cut to at most `max` characters at a word's end, with "…".
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let end = head
        .rfind(' ')
        .filter(|&i| i > max / 2)
        .unwrap_or(head.len());
    format!("{}…", head.get(..end).unwrap_or(&head).trim_end())
}

/// The caption of the table holding a cell; a table without a caption of its own (the
/// second part of a two-part table) takes the caption of the table above it.
pub(crate) fn caption_at(at: &Location, docs: &[Doc]) -> Option<String> {
    if at.text.is_some() {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Related, Severity};
    use crate::grid::{Cell, Grid, Paragraph, Value};

    fn sentence(paragraph: u32) -> TextPlace {
        TextPlace {
            paragraph,
            page: None,
            line: None,
            quote: "Realisasi anggaran mencapai 92,81 %.".into(),
            figure: (28, 35),
        }
    }

    /// A report document whose first table has a caption, and (oddly) a sheet with an
    /// empty name: a sentence's empty sheet must not find it.
    fn report_doc() -> Doc {
        let mut t = Grid::new("Tabel 1", 2, 2);
        t.set(
            Pos::new(0, 0),
            Cell {
                value: Value::Text("Uraian".into()),
                formula: None,
            },
        );
        let mut nameless = Grid::new("", 2, 2);
        nameless.set(
            Pos::new(0, 0),
            Cell {
                value: Value::Text("sampah".into()),
                formula: None,
            },
        );
        Doc {
            file: "laporan.docx".into(),
            sheets: vec![t, nameless],
            tables: Vec::new(),
            paragraphs: vec![Paragraph {
                number: 1,
                text: "Realisasi anggaran mencapai 92,81 %.".into(),
                tables_before: 0,
                lines: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_sentence_has_no_snippet_and_no_caption() {
        let docs = [report_doc()];
        let at = Location::sentence("laporan.docx", sentence(1));
        let mut f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            at.clone(),
        );
        f.related.push(Related {
            at: Location::sentence("laporan.docx", sentence(2)),
            note: Message::new("note.value"),
        });
        assert!(snippet(&f, &docs).is_empty());
        assert_eq!(caption_at(&at, &docs), None);
        // A related table cell of the same document still gives its row.
        f.related.push(Related {
            at: Location::cell("laporan.docx", "Tabel 1", Pos::new(0, 1)),
            note: Message::new("note.value"),
        });
        let lines = snippet(&f, &docs);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines.first().map(|l| l.sheet.as_str()), Some("Tabel 1"));
    }

    /// A sheet: a caption, a header (No | Uraian | Anggaran | Realisasi | % …), six data
    /// rows, and `extra` more figure columns to make it wide.
    fn number(n: i64) -> Value {
        Value::Number {
            value: rust_decimal::Decimal::from(n),
            percent: false,
            decimals: None,
        }
    }

    fn budget_doc(extra: u32) -> Doc {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let width = 5 + extra;
        let mut g = Grid::new("LRA", 9, width);
        let mut put = |r: u32, c: u32, v: Value| {
            g.set(
                Pos::new(r, c),
                Cell {
                    value: v,
                    formula: None,
                },
            )
        };
        put(0, 0, Value::Text("Tabel 3.2 Realisasi Anggaran".into()));
        for (c, h) in ["No", "Uraian", "Anggaran (Rp)", "Realisasi (Rp)", "%"]
            .iter()
            .enumerate()
        {
            put(1, c as u32, Value::Text((*h).into()));
        }
        for c in 5..width {
            put(1, c, Value::Text(format!("Catatan {c}")));
        }
        for r in 2..8u32 {
            put(r, 0, number(i64::from(r - 1)));
            put(r, 1, Value::Text(format!("Kegiatan nomor {}", r - 1)));
            put(r, 2, number(1000));
            put(r, 3, number(900));
            put(r, 4, number(90));
            for c in 5..width {
                put(r, c, Value::Text("ada".into()));
            }
        }
        let tables = crate::table::find_tables(&g, 0, &rules);
        Doc {
            file: "lra.xlsx".into(),
            sheets: vec![g],
            tables,
            paragraphs: Vec::new(),
        }
    }

    fn finding_at(row: u32, col: u32) -> Finding {
        Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::cell("lra.xlsx", "LRA", Pos::new(row, col)),
        )
    }

    #[test]
    fn around_a_cell_are_its_table_s_header_and_the_rows_next_to_it() {
        let docs = [budget_doc(0)];
        assert_eq!(docs[0].tables.len(), 1, "the test's table is read as one");
        let a = around(&finding_at(4, 3), &docs).expect("a window");
        assert_eq!(a.columns, vec![0, 1, 2, 3, 4]);
        // The header row (the caption above it is not a header), then rows 4 to 6.
        assert_eq!(a.header.iter().map(|h| h.0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(
            a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert_eq!(
            a.header[0].1[3],
            Value::Text("Realisasi (Rp)".into()),
            "one value per column shown"
        );
        // The first data row has no row above it in the table: the header is not repeated
        // as data.
        let a = around(&finding_at(2, 3), &docs).expect("a window");
        assert_eq!(a.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3]);
        // A sentence has none.
        let mut f = finding_at(4, 3);
        f.at = Location::sentence("laporan.docx", sentence(1));
        assert_eq!(around(&f, &docs), None);
    }

    #[test]
    fn a_merged_cell_shows_once_and_a_long_text_is_cut_at_a_word() {
        let mut doc = budget_doc(0);
        // "Kegiatan nomor 2" merged down over rows 3 to 5 (0-based 3..=5), a long label.
        if let Some(g) = doc.sheets.first_mut() {
            let long = "Meningkatnya tata kelola birokrasi pemerintahan yang efektif efisien dan akuntabel di kecamatan";
            g.set(
                Pos::new(3, 1),
                Cell {
                    value: Value::Text(long.into()),
                    formula: None,
                },
            );
            g.merges.push(crate::grid::Range {
                start: Pos::new(3, 1),
                end: Pos::new(5, 1),
            });
        }
        let a = around(&finding_at(4, 3), &[doc]).expect("a window");
        let labels: Vec<&Value> = a.rows.iter().map(|r| &r.1[1]).collect();
        assert_eq!(
            labels,
            vec![
                &Value::Text(
                    "Meningkatnya tata kelola birokrasi pemerintahan yang efektif efisien dan…"
                        .into()
                ),
                &Value::Empty,
                &Value::Empty
            ]
        );
        assert_eq!(cut("pendek", 80), "pendek");
    }

    #[test]
    fn a_wide_table_is_cut_to_its_label_and_the_cell_s_neighbours() {
        let docs = [budget_doc(12)];
        let a = around(&finding_at(4, 12), &docs).expect("a window");
        // The label column (Uraian), then three columns either side of the cell.
        assert_eq!(a.columns, vec![1, 9, 10, 11, 12, 13, 14, 15]);
        assert!(a.rows.iter().all(|r| r.1.len() == a.columns.len()));
        // A cell far out (a sheet stretched to column XFD): its neighbours and the
        // label, the columns in between not looked at.
        let far = budget_doc(16_379);
        let a = around(&finding_at(4, 16_000), &[far]).expect("a window");
        assert_eq!(
            a.columns,
            vec![1, 15_997, 15_998, 15_999, 16_000, 16_001, 16_002, 16_003]
        );
    }

    #[test]
    fn places_are_named_in_the_catalogue_s_words() {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let id = Catalog::new(&rules, crate::catalog::Lang::Id);
        let en = Catalog::new(&rules, crate::catalog::Lang::En);
        let word = sentence(12);
        assert_eq!(place_text(&word, &id), "paragraf 12");
        assert_eq!(place_text(&word, &en), "paragraph 12");
        let pdf = TextPlace {
            page: Some(3),
            line: Some(14),
            ..sentence(40)
        };
        assert_eq!(place_text(&pdf, &id), "halaman 3, baris 14");
        assert_eq!(place_text(&pdf, &en), "page 3, line 14");
        assert_eq!(
            place_in_file("a/laporan.pdf", &pdf, &id),
            "a/laporan.pdf, halaman 3, baris 14"
        );
        let cell = Location::cell("a.xlsx", "LRA", Pos::new(8, 4));
        assert_eq!(at_text(&cell, &id), "LRA!E9");
        assert_eq!(
            at_text(&Location::sentence("b.docx", word), &en),
            "paragraph 12"
        );
    }
}
