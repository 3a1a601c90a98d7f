//! `sakip-lint tables`: what the tool understood of each sheet — tables, header rows,
//! column roles, rows, totals and hierarchy. For users checking an unfamiliar layout.

use crate::catalog::Catalog;
use crate::doc::Doc;
use crate::grid::{Pos, col_letters};
use std::fmt::Write;

/// What the tool understood; columns whose header it does not understand (and therefore
/// never checks), rows shifted from their headers and page breaks read across are named
/// in the catalogue's words.
pub fn render(docs: &[Doc], cat: &Catalog) -> String {
    let mut out = String::new();
    for d in docs {
        let _ = writeln!(out, "{}", d.file);
        for t in &d.tables {
            let Some(g) = d.sheets.get(t.sheet) else {
                continue;
            };
            let _ = writeln!(
                out,
                "  {} rows {}–{} (header {}–{}{}){}",
                g.name,
                t.header_top + 1,
                t.rows
                    .last()
                    .map(|r| r.row + 1)
                    .unwrap_or(t.header_bottom + 1),
                t.header_top + 1,
                t.header_bottom + 1,
                t.number_row
                    .map(|r| format!(", column numbers {}", r + 1))
                    .unwrap_or_default(),
                t.caption
                    .as_ref()
                    .map(|c| format!(" — {c}"))
                    .unwrap_or_default()
            );
            for c in &t.columns {
                let _ = writeln!(
                    out,
                    "    {:<3} {:<14} {}{}{}{}",
                    col_letters(c.col),
                    c.role.as_deref().unwrap_or("?"),
                    if c.role.is_none() && !c.header.is_empty() {
                        format!("{} {}", c.header, cat.template("tables.unknown_header"))
                    } else {
                        c.header.clone()
                    },
                    c.year.map(|y| format!(" [{y}]")).unwrap_or_default(),
                    if c.numeric { " #" } else { "" },
                    if c.fraction_percent {
                        " (fraction %)"
                    } else {
                        ""
                    }
                );
            }
            for (i, r) in t.rows.iter().enumerate() {
                let depth = {
                    let mut d = 0;
                    let mut p = r.parent;
                    while let Some(parent) = p.and_then(|j| t.rows.get(j)) {
                        d += 1;
                        p = parent.parent;
                    }
                    d
                };
                let name: String = r.name.chars().take(60).collect();
                let _ = writeln!(
                    out,
                    "    {:>4} {}{}{}{}{}",
                    r.row + 1,
                    "  ".repeat(depth),
                    if r.total { "Σ " } else { "" },
                    r.kode
                        .as_ref()
                        .map(|k| format!("[{k}] "))
                        .unwrap_or_default(),
                    if name.is_empty() {
                        g.text(Pos::new(
                            r.row,
                            t.columns.first().map(|c| c.col).unwrap_or(0),
                        ))
                    } else {
                        name
                    },
                    if r.uncertain {
                        " (?)".to_string()
                    } else if r.misfit {
                        format!(" {}", cat.template("tables.shifted_row"))
                    } else if t.is_shifted(r.row) {
                        format!(" {}", cat.template("tables.realigned_row"))
                    } else {
                        String::new()
                    }
                );
                let _ = i;
            }
            // A PDF table joined from pieces on several pages: where each page starts
            // (once per grid, under its first table).
            let first_of_grid = d.tables.iter().position(|u| u.sheet == t.sheet)
                == d.tables.iter().position(|u| std::ptr::eq(u, t));
            if g.pages.len() > 1 && first_of_grid {
                let starts: Vec<String> = g
                    .pages
                    .iter()
                    .map(|(row, page)| format!("{}:{}", page, row + 1))
                    .collect();
                let _ = writeln!(
                    out,
                    "    {}",
                    cat.template("tables.pdf_pages")
                        .replace("{list}", &starts.join(", "))
                );
            }
            for (from, to) in &t.breaks {
                let _ = writeln!(
                    out,
                    "    {}",
                    cat.template("tables.break")
                        .replace("{from}", &(from + 1).to_string())
                        .replace("{to}", &(to + 1).to_string())
                );
            }
        }
    }
    out
}
