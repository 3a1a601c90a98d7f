//! Family 5, structure: year headers strictly consecutive; kode well-formed and
//! consistent with its parent; the unit of an end-of-period target the same as the
//! yearly unit; a parent row left empty while its children carry figures (reported by
//! the footing pass, which already walks parents and children).

use super::{Context, RuleDoc, finding, loc, num, related, row_label};
use crate::doc::Doc;
use crate::figure::Parsed;
use crate::finding::{Arg, Finding, Message, Severity};
use crate::grid::{Grid, Pos};
use crate::table::Table;
use rust_decimal::Decimal;

pub const YEARS: RuleDoc = RuleDoc {
    code: "SL401",
    name: "year-sequence",
    family: "structure",
    severity: Severity::Warning,
    title: "rule.SL401.title",
    explain: "rule.SL401.explain",
};
pub const KODE: RuleDoc = RuleDoc {
    code: "SL402",
    name: "kode-invalid",
    family: "structure",
    severity: Severity::Warning,
    title: "rule.SL402.title",
    explain: "rule.SL402.explain",
};
pub const UNIT: RuleDoc = RuleDoc {
    code: "SL403",
    name: "end-target-unit-mismatch",
    family: "structure",
    severity: Severity::Warning,
    title: "rule.SL403.title",
    explain: "rule.SL403.explain",
};
pub const EMPTY_PARENT: RuleDoc = RuleDoc {
    code: "SL404",
    name: "empty-parent",
    family: "structure",
    severity: Severity::Warning,
    title: "rule.SL404.title",
    explain: "rule.SL404.explain",
};
pub const MISFIT: RuleDoc = RuleDoc {
    code: "SL405",
    name: "row-shifted",
    family: "structure",
    severity: Severity::Info,
    title: "rule.SL405.title",
    explain: "rule.SL405.explain",
};
pub static RULES: [RuleDoc; 5] = [YEARS, KODE, UNIT, EMPTY_PARENT, MISFIT];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for doc in ctx.docs {
        for t in &doc.tables {
            let Some(grid) = doc.sheets.get(t.sheet) else {
                continue;
            };
            years(ctx, doc, grid, t, out);
            kodes(ctx, doc, t, out);
            units(ctx, doc, grid, t, out);
            misfits(ctx, doc, t, out);
        }
    }
}

/// Rows shifted from their headers (a PDF paste): said once per table, as info, since
/// their figures are left unchecked.
fn misfits(ctx: &Context, doc: &Doc, t: &Table, out: &mut Vec<Finding>) {
    let rows: Vec<u32> = t.rows.iter().filter(|r| r.misfit).map(|r| r.row).collect();
    let (Some(&first), Some(col)) = (rows.first(), t.columns.first().map(|c| c.col)) else {
        return;
    };
    let mut f = finding(
        ctx,
        &MISFIT,
        Message::new("structure.misfit").num("count", (rows.len() as i64).into(), 0),
        loc(doc, t.sheet, Pos::new(first, col)),
    );
    f.related = rows
        .iter()
        .skip(1)
        .map(|&r| related(doc, t.sheet, Pos::new(r, col), Message::new("note.misfit")))
        .collect();
    out.push(f);
}

/// Year group headers ("Tahun 2022" … "Tahun 2026") must run one year apart.
fn years(ctx: &Context, doc: &Doc, grid: &Grid, t: &Table, out: &mut Vec<Finding>) {
    let cells = crate::table::year_sequence(t);
    for (p, y, expected) in cells.iter().copied() {
        if y == expected {
            continue;
        }
        let mut f = finding(
            ctx,
            &YEARS,
            Message::new("structure.year")
                .text("header", grid.text(p))
                .arg("found", Arg::Text(y.to_string()))
                .arg("expected", Arg::Text(expected.to_string()))
                .text(
                    "sequence",
                    cells
                        .iter()
                        .map(|(_, y, _)| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            loc(doc, t.sheet, p),
        );
        f.expected = Some(Arg::Text(expected.to_string()));
        f.actual = Some(Arg::Text(y.to_string()));
        f.related = cells
            .iter()
            .filter(|(q, _, _)| *q != p)
            .map(|(q, yy, _)| {
                related(
                    doc,
                    t.sheet,
                    *q,
                    Message::new("note.year").text("year", yy.to_string()),
                )
            })
            .collect();
        out.push(f);
    }
}

/// Kode well-formed; a row named "Program …" carries a program kode (three segments);
/// a kode extends the kode of the nearest row above it that is one level up.
fn kodes(ctx: &Context, doc: &Doc, t: &Table, out: &mut Vec<Finding>) {
    // Walking down the table: the last row seen with a kode of each length, and the last
    // row that interrupts the coding (a named row without kode, a malformed kode), so the
    // nearest row above with a shorter kode is found without scanning back.
    let mut last_by_len: Vec<Option<usize>> = Vec::new();
    let mut barrier: Option<usize> = None;
    for (i, row) in t.rows.iter().enumerate() {
        if row.misfit {
            continue;
        }
        let (Some(kode), Some(cell)) = (&row.kode, row.kode_cell) else {
            if row.kode.is_none() && !row.name.is_empty() {
                barrier = Some(i);
            }
            continue;
        };
        let Some(segs) = &row.kode_segments else {
            barrier = Some(i);
            let mut f = finding(
                ctx,
                &KODE,
                Message::new("structure.kode_malformed")
                    .text("kode", kode.clone())
                    .text("row", row_label(t, i)),
                loc(doc, t.sheet, cell),
            );
            f.actual = Some(Arg::Text(kode.clone()));
            out.push(f);
            continue;
        };
        let n = segs.len();
        let above = last_by_len
            .iter()
            .take(n)
            .filter_map(|x| *x)
            .max()
            .filter(|&j| barrier.is_none_or(|b| j > b));
        if last_by_len.len() <= n {
            last_by_len.resize(n + 1, None);
        }
        if let Some(last) = last_by_len.get_mut(n) {
            *last = Some(i);
        }
        let lname = row.name.to_lowercase();
        if lname.starts_with("program ") && n != 3 && n > 2 {
            let mut f = finding(
                ctx,
                &KODE,
                Message::new("structure.kode_level")
                    .text("kode", kode.clone())
                    .text("row", row_label(t, i)),
                loc(doc, t.sheet, cell),
            );
            f.actual = Some(Arg::Text(kode.clone()));
            out.push(f);
            continue;
        }
        // The nearest row above with a shorter kode must be a prefix of this one.
        let Some((j, up)) = above.and_then(|j| Some((j, t.rows.get(j)?))) else {
            continue;
        };
        let Some(asegs) = &up.kode_segments else {
            continue;
        };
        if !segs.starts_with(asegs) && asegs.len() >= 3 {
            let mut f = finding(
                ctx,
                &KODE,
                Message::new("structure.kode_parent")
                    .text("kode", kode.clone())
                    .text("row", row_label(t, i))
                    .text("parent", up.kode.clone().unwrap_or_default())
                    .text("parent_row", row_label(t, j)),
                loc(doc, t.sheet, cell),
            );
            f.actual = Some(Arg::Text(kode.clone()));
            if let Some(pc) = up.kode_cell {
                f.related.push(related(
                    doc,
                    t.sheet,
                    pc,
                    Message::new("note.parent_kode")
                        .text("kode", up.kode.clone().unwrap_or_default()),
                ));
            }
            f.constraint = regroup(doc, t, i, cell, up.row);
            out.push(f);
        }
    }
}

/// "Row i belongs under the row at `parent_row`", with the row's money figures, for the
/// diagnosis: a parent sum that misses them is explained by this kode.
fn regroup(
    doc: &Doc,
    t: &Table,
    i: usize,
    kode_cell: Pos,
    parent_row: u32,
) -> Option<Box<crate::finding::Constraint>> {
    use crate::finding::Term;
    let grid = doc.sheets.get(t.sheet)?;
    let row = t.rows.get(i)?;
    let mut cells = vec![Term {
        at: loc(doc, t.sheet, kode_cell),
        value: None,
        decimals: 0,
    }];
    for col in t.columns.iter().filter(|c| c.numeric && t.is_money(c)) {
        if let crate::figure::Parsed::Number(f) = &*t.row_figure_ref(grid, i, col) {
            cells.push(Term {
                at: loc(doc, t.sheet, t.pos(row.row, col)),
                value: Some(f.value),
                decimals: f.decimals,
            });
        }
    }
    Some(Box::new(crate::finding::Constraint {
        cells,
        kind: crate::finding::ConstraintKind::Regroup { parent_row },
    }))
}

fn unit_of(f: &crate::figure::Figure) -> Option<String> {
    if f.percent {
        return Some("%".into());
    }
    let s = f.suffix.as_ref()?;
    // A category in parentheses ("82 (A)") is not a unit.
    if s.starts_with('(') {
        return None;
    }
    let u: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '%' || *c == '/')
        .collect();
    (!u.is_empty()).then_some(u)
}

/// The end-of-period target is counted in the unit of the yearly targets.
fn units(ctx: &Context, doc: &Doc, grid: &Grid, t: &Table, out: &mut Vec<Finding>) {
    let Some(end) = t.columns_with("target_akhir").next() else {
        return;
    };
    let yearly: Vec<_> = t
        .columns_with("target")
        .filter(|c| c.year.is_some())
        .collect();
    if yearly.is_empty() {
        return;
    }
    for (i, row) in t.rows.iter().enumerate() {
        if row.misfit {
            continue;
        }
        let Parsed::Number(ef) = t.figure(grid, row.row, end) else {
            continue;
        };
        let Some(eu) = unit_of(&ef) else { continue };
        let units: Vec<(Pos, String, Decimal, u32, u32)> = yearly
            .iter()
            .filter_map(|c| match t.figure(grid, row.row, c) {
                Parsed::Number(f) => {
                    unit_of(&f).map(|u| (t.pos(row.row, c), u, f.value, f.decimals, c.col))
                }
                _ => None,
            })
            .collect();
        let Some(first) = units.first() else { continue };
        if units.iter().any(|u| u.1 != first.1) || first.1 == eu || first.1 == "%" || eu == "%" {
            continue;
        }
        let yearly_text = grid.text(first.0);
        let at = t.pos(row.row, end);
        let mut f = finding(
            ctx,
            &UNIT,
            Message::new("structure.unit")
                .text("row", row_label(t, i))
                .text("end", grid.text(at))
                .text("yearly", yearly_text.clone()),
            loc(doc, t.sheet, at),
        );
        let yearly_unit = yearly
            .iter()
            .find(|c| c.col == first.4)
            .and_then(|c| {
                t.figure_ref(grid, first.0.row, c)
                    .figure()
                    .and_then(|f| f.suffix.clone())
            })
            .unwrap_or_else(|| first.1.clone());
        f.expected = Some(Arg::Text(format!(
            "{} {}",
            ef.value.normalize(),
            yearly_unit
        )));
        f.actual = Some(Arg::Text(grid.text(at)));
        f.related = units
            .iter()
            .map(|(p, _, v, d, _)| {
                related(
                    doc,
                    t.sheet,
                    *p,
                    Message::new("note.value").arg("value", num(*v, *d)),
                )
            })
            .collect();
        out.push(f);
    }
}
