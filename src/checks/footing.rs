//! Family 1, footing and cross-footing: a total row equals the sum of its members; a
//! parent row (by kode, numbering or `- ` items) equals the sum of its children in every
//! money column. Row sums (Renstra end Rp, L + P = Jumlah) are row relations
//! (rules/relations.toml) and are documented here because they are footing.

use super::{Context, RuleDoc, col_label, finding, loc, num, related, row_label};
use crate::figure::Parsed;
use crate::finding::{Arg, Constraint, ConstraintKind, Finding, Message, Severity, Term};
use crate::grid::{Grid, Pos};
use crate::rules::Kind;
use crate::table::{Column, Table};
use rust_decimal::Decimal;

pub const TOTAL: RuleDoc = RuleDoc {
    code: "SL101",
    name: "total-row-mismatch",
    family: "footing",
    severity: Severity::Error,
    title: "rule.SL101.title",
    explain: "rule.SL101.explain",
};
pub const PARENT: RuleDoc = RuleDoc {
    code: "SL102",
    name: "parent-sum-mismatch",
    family: "footing",
    severity: Severity::Error,
    title: "rule.SL102.title",
    explain: "rule.SL102.explain",
};
pub const END_RP: RuleDoc = RuleDoc {
    code: "SL103",
    name: "renstra-end-rp-mismatch",
    family: "footing",
    severity: Severity::Error,
    title: "rule.SL103.title",
    explain: "rule.SL103.explain",
};
pub const GENDER: RuleDoc = RuleDoc {
    code: "SL104",
    name: "gender-sum-mismatch",
    family: "footing",
    severity: Severity::Error,
    title: "rule.SL104.title",
    explain: "rule.SL104.explain",
};
pub static RULES: [RuleDoc; 4] = [TOTAL, PARENT, END_RP, GENDER];

/// The sum of some cells of a column; None when a cell holds words or a malformed figure
/// (then the sum is not known), or when no cell holds a figure.
fn sum_cells(grid: &Grid, t: &Table, rows: &[usize], col: &Column) -> Option<(Decimal, u32)> {
    let mut total = Decimal::ZERO;
    let mut any = false;
    let mut dec = 0;
    for &i in rows {
        match &*t.row_figure_ref(grid, i, col) {
            Parsed::Number(f) => {
                total = total.checked_add(f.value)?;
                dec = dec.max(f.decimals);
                any = true;
            }
            Parsed::Nil => {}
            _ => return None,
        }
    }
    any.then_some((total, dec))
}

/// Columns a total row adds up: money and counts, and columns the vocabulary does not
/// name unless their header says they are a ratio, an average, a density or a percentage.
fn summable_for_totals(t: &Table, c: &Column) -> bool {
    let not_additive = [
        "rasio",
        "rata",
        "kepadatan",
        "persen",
        "%",
        "indeks",
        "tingkat",
        "proporsi",
    ];
    c.numeric
        && (t.is_money(c)
            || c.kind == Kind::Count
            || (c.kind == Kind::Number && !not_additive.iter().any(|w| c.header.contains(w))))
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for doc in ctx.docs {
        for t in &doc.tables {
            let Some(grid) = doc.sheets.get(t.sheet) else {
                continue;
            };
            totals(ctx, doc, grid, t, out);
            parents(ctx, doc, grid, t, out);
        }
    }
}

/// The rows a total adds up in one column: the top-level rows since the previous total;
/// a heading without a figure of its own in that column stands for its children.
fn members(grid: &Grid, t: &Table, rows: &[usize], col: &Column) -> Vec<usize> {
    let mut out = Vec::new();
    for &j in rows {
        let kids = t.children(j);
        if !kids.is_empty() && matches!(*t.row_figure_ref(grid, j, col), Parsed::Nil) {
            out.extend(members(grid, t, &kids, col));
        } else {
            out.push(j);
        }
    }
    out
}

fn totals(ctx: &Context, doc: &crate::doc::Doc, grid: &Grid, t: &Table, out: &mut Vec<Finding>) {
    let mut start = 0;
    let mut subtotals: Vec<usize> = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        if !row.total {
            continue;
        }
        let top: Vec<usize> = (start..i)
            .filter(|&j| {
                t.rows
                    .get(j)
                    .is_some_and(|r| r.parent.is_none() && !r.total)
            })
            .collect();
        let numbered: Vec<usize> = top
            .iter()
            .copied()
            .filter(|&j| t.rows.get(j).is_some_and(|r| r.numbering.is_some()))
            .collect();
        for col in t.columns.iter().filter(|c| summable_for_totals(t, c)) {
            let Parsed::Number(total) = t.row_figure(grid, i, col) else {
                continue;
            };
            // Ways the report may mean its total: every top-level row, only the numbered
            // ones, or the subtotals above (a grand total).
            let mut groupings = Vec::new();
            if !top.is_empty() {
                groupings.push(members(grid, t, &top, col));
            }
            if !numbered.is_empty() && numbered.len() < top.len() {
                groupings.push(members(grid, t, &numbered, col));
            }
            if !subtotals.is_empty() && (top.is_empty() || subtotals.len() >= 2) {
                let mut g = subtotals.clone();
                g.extend(top.iter().copied());
                groupings.push(g);
            }
            let sums: Vec<Option<(Decimal, u32)>> = groupings
                .iter()
                .map(|g| sum_cells(grid, t, g, col))
                .collect();
            if sums.is_empty()
                || sums.iter().any(|s| s.is_none_or(|(v, _)| v == total.value))
                || groupings
                    .iter()
                    .any(|g| corrected_sum(grid, t, g, col) == Some(total.value))
            {
                continue;
            }
            let (Some(Some((expected, dec))), Some(used)) =
                (sums.first().copied(), groupings.first())
            else {
                continue;
            };
            let dec = dec.max(total.decimals);
            let at = t.pos(row.row, col);
            let mut f = finding(
                ctx,
                &TOTAL,
                Message::new("footing.total")
                    .text("row", row_label(t, i))
                    .text("column", col_label(grid, t, col.col))
                    .num("found", total.value, dec)
                    .num("expected", expected, dec)
                    .arg("terms", terms(grid, t, used, col)),
                loc(doc, t.sheet, at),
            );
            f.expected = Some(num(expected, dec));
            f.actual = Some(num(total.value, dec));
            f.related = row_cells(doc, t, used, col, "note.member");
            f.help = crate::hints::difference(expected, total.value);
            f.constraint = sum_constraint(doc, grid, t, at, Some(&total), used, col);
            out.push(f);
        }
        subtotals.push(i);
        start = i + 1;
    }
}

/// The sum of some rows with each row that has items of its own taken at its items' sum:
/// when a kegiatan disagrees with its sub kegiatan, the programme is judged by the sub
/// kegiatan, and only the kegiatan is reported.
fn corrected_sum(grid: &Grid, t: &Table, rows: &[usize], col: &Column) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    for &j in rows {
        let kids = t.children(j);
        let own = match &*t.row_figure_ref(grid, j, col) {
            Parsed::Number(f) => Some(f.value),
            Parsed::Nil => Some(Decimal::ZERO),
            _ => None,
        };
        let value = if kids.is_empty() {
            own
        } else {
            corrected_sum(grid, t, &kids, col).or(own)
        };
        total = total.checked_add(value?)?;
    }
    Some(total)
}

/// "The cell at `at` is the sum of these rows' cells", for the diagnosis.
fn sum_constraint(
    doc: &crate::doc::Doc,
    grid: &Grid,
    t: &Table,
    at: Pos,
    found: Option<&crate::figure::Figure>,
    rows: &[usize],
    col: &Column,
) -> Option<Box<Constraint>> {
    let mut cells = vec![Term {
        at: loc(doc, t.sheet, at),
        value: found.map(|f| f.value),
        decimals: found.map_or(0, |f| f.decimals),
    }];
    for &j in rows {
        let r = t.rows.get(j)?;
        let (value, decimals) = match &*t.row_figure_ref(grid, j, col) {
            Parsed::Number(f) => (f.value, f.decimals),
            _ => (Decimal::ZERO, 0),
        };
        cells.push(Term {
            at: loc(doc, t.sheet, t.pos(r.row, col)),
            value: Some(value),
            decimals,
        });
    }
    Some(Box::new(Constraint {
        cells,
        kind: ConstraintKind::Sum,
    }))
}

/// The cells of some rows in one column, each noted with its row (for `related`).
fn row_cells(
    doc: &crate::doc::Doc,
    t: &Table,
    rows: &[usize],
    col: &Column,
    note: &'static str,
) -> Vec<crate::finding::Related> {
    rows.iter()
        .filter_map(|&j| {
            Some(related(
                doc,
                t.sheet,
                t.pos(t.rows.get(j)?.row, col),
                Message::new(note).text("row", row_label(t, j)),
            ))
        })
        .collect()
}

fn terms(grid: &Grid, t: &Table, rows: &[usize], col: &Column) -> Arg {
    Arg::Sum(
        rows.iter()
            .filter_map(|&j| match &*t.row_figure_ref(grid, j, col) {
                Parsed::Number(f) => Some((f.value, f.decimals)),
                Parsed::Nil => Some((Decimal::ZERO, 0)),
                _ => None,
            })
            .collect(),
    )
}

fn parents(ctx: &Context, doc: &crate::doc::Doc, grid: &Grid, t: &Table, out: &mut Vec<Finding>) {
    for (i, row) in t.rows.iter().enumerate() {
        if row.total || row.uncertain {
            continue;
        }
        let kids = t.children(i);
        if kids.is_empty() {
            continue;
        }
        let certain: Vec<usize> = kids
            .iter()
            .copied()
            .filter(|&k| t.rows.get(k).is_some_and(|kid| !kid.uncertain))
            .collect();
        let has_uncertain = certain.len() < kids.len();
        // A change column (sesudah − sebelum) is derived: a parent's wrong APBD already
        // shows in the APBD column, and its change then follows from its own row.
        let derived = |c: &Column| {
            let pair = (t.has_role("apbd") && t.has_role("papbd"))
                || (t.columns_with("sebelum").any(|x| t.is_money(x))
                    && t.columns_with("sesudah").any(|x| t.is_money(x)));
            c.role.as_deref() == Some("selisih") && pair
        };
        for col in t
            .columns
            .iter()
            .filter(|c| c.numeric && t.is_money(c) && !derived(c))
        {
            let at = t.pos(row.row, col);
            let all = sum_cells(grid, t, &kids, col);
            match t.row_figure(grid, i, col) {
                Parsed::Number(p) => {
                    let Some((expected, dec)) = all else { continue };
                    let sure = sum_cells(grid, t, &certain, col);
                    if expected == p.value
                        || sure.is_some_and(|(v, _)| v == p.value)
                        || has_uncertain
                        || corrected_sum(grid, t, &kids, col) == Some(p.value)
                    {
                        // A child that disagrees with its own items is reported there; the
                        // parent agrees with what that child's items say it should be.
                        continue;
                    }
                    let dec = dec.max(p.decimals);
                    let mut f = finding(
                        ctx,
                        &PARENT,
                        Message::new("footing.parent")
                            .text("row", row_label(t, i))
                            .text("column", col_label(grid, t, col.col))
                            .num("found", p.value, dec)
                            .num("expected", expected, dec)
                            .arg("terms", terms(grid, t, &kids, col)),
                        loc(doc, t.sheet, at),
                    );
                    f.expected = Some(num(expected, dec));
                    f.actual = Some(num(p.value, dec));
                    f.related = row_cells(doc, t, &kids, col, "note.child");
                    f.help = crate::hints::difference(expected, p.value);
                    f.constraint = sum_constraint(doc, grid, t, at, Some(&p), &kids, col);
                    out.push(f);
                }
                Parsed::Nil if !has_uncertain => {
                    // A parent left empty while its children carry figures; a heading with
                    // no figure at all ("BELANJA OPERASI" above its items) is not a parent
                    // left empty.
                    let deep_enough = row.kode_segments.as_ref().is_none_or(|s| s.len() >= 3);
                    let has_figures = t
                        .columns
                        .iter()
                        .filter(|c| c.numeric)
                        .any(|c| matches!(*t.figure_ref(grid, row.row, c), Parsed::Number(_)));
                    if !has_figures {
                        continue;
                    }
                    let Some((expected, dec)) = all else { continue };
                    if !deep_enough || expected.is_zero() || !grid.value(at).is_empty() {
                        continue;
                    }
                    let mut f = finding(
                        ctx,
                        &super::structure::EMPTY_PARENT,
                        Message::new("structure.empty_parent")
                            .text("row", row_label(t, i))
                            .text("column", col_label(grid, t, col.col))
                            .num("expected", expected, dec),
                        loc(doc, t.sheet, at),
                    );
                    f.expected = Some(num(expected, dec));
                    f.related = row_cells(doc, t, &kids, col, "note.child");
                    f.constraint = sum_constraint(doc, grid, t, at, None, &kids, col);
                    out.push(f);
                }
                _ => {}
            }
        }
    }
}
