//! Family 2, change columns (SL203): "Kenaikan/Penurunan", "Perubahan", "Selisih",
//! "Naik/Turun" between two years or two versions of one measure (rules/relations.toml
//! `[change]`), where no relation of rules/relations.toml applies to the column.
//!
//! The operands are the nearest figure column left of the change column and the nearest
//! column of the same measure for another year or version. The change is later − earlier
//! or (later − earlier) / earlier × 100: the one the header says ("%", "persen"), else the
//! one the figures of the row fit. A row that fits neither is reported, with the value of
//! the reading the header or the column's other rows support. A column none of whose rows
//! fits is not understood (it is some other difference) and is left alone.

use super::SELISIH;
use crate::checks::{Context, col_label, finding, loc, num, related, row_label};
use crate::doc::Doc;
use crate::figure::{self, Figure, Parsed};
use crate::finding::{Arg, Finding, Message};
use crate::grid::Grid;
use crate::rules::{ChangeRule, Kind};
use crate::table::{Column, Table, is_last_year};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// later − earlier
    Absolute,
    /// (later − earlier) / earlier × 100
    Percent,
}

/// The year a column stands for.
fn period_of(c: &Column) -> Option<i32> {
    c.period.or(c.year)
}

/// 0 for the earlier version of a measure, 1 for the later, by the header's words.
fn version_of(rules: &ChangeRule, c: &Column) -> Option<u8> {
    if rules.earlier.iter().any(|re| re.is_match(&c.header)) {
        Some(0)
    } else if rules.later.iter().any(|re| re.is_match(&c.header)) {
        Some(1)
    } else {
        None
    }
}

/// Which of two columns of one measure comes first: by year, by "last year", by version.
fn order<'a>(rules: &ChangeRule, x: &'a Column, y: &'a Column) -> Option<(&'a Column, &'a Column)> {
    let by = |a: Option<i32>, b: Option<i32>| match (a, b) {
        (Some(a), Some(b)) if a < b => Some((x, y)),
        (Some(a), Some(b)) if a > b => Some((y, x)),
        _ => None,
    };
    let x_last = is_last_year(&x.header);
    let y_last = is_last_year(&y.header);
    by(period_of(x), period_of(y))
        .or(match (x_last, y_last) {
            (true, false) => Some((x, y)),
            (false, true) => Some((y, x)),
            _ => None,
        })
        .or_else(|| {
            by(
                version_of(rules, x).map(i32::from),
                version_of(rules, y).map(i32::from),
            )
        })
}

/// The earlier and the later operand column of a change column.
fn operands<'a>(
    rules: &ChangeRule,
    t: &'a Table,
    target: &Column,
) -> Option<(&'a Column, &'a Column)> {
    let is_operand = |c: &&Column| {
        c.numeric
            && c.col < target.col
            && c.kind != Kind::Label
            && c.role
                .as_deref()
                .is_some_and(|r| !rules.targets.iter().any(|x| x == r))
    };
    let x = t.columns.iter().rev().find(is_operand)?;
    let xr = x.role.as_deref()?;
    for y in t.columns.iter().rev().filter(is_operand) {
        if y.col == x.col || t.is_money(x) != t.is_money(y) {
            continue;
        }
        let Some(yr) = y.role.as_deref() else {
            continue;
        };
        if yr == xr {
            if let Some(pair) = order(rules, x, y) {
                return Some(pair);
            }
            continue;
        }
        for (e, l) in &rules.versions {
            if xr == e && yr == l {
                return Some((x, y));
            }
            if xr == l && yr == e {
                return Some((y, x));
            }
        }
    }
    None
}

/// The change of `earlier` to `later` read one way (`flip`: earlier − later).
fn change(way: Way, earlier: Decimal, later: Decimal, flip: bool) -> Option<Decimal> {
    let diff = if flip {
        earlier.checked_sub(later)?
    } else {
        later.checked_sub(earlier)?
    };
    match way {
        Way::Absolute => Some(diff),
        Way::Percent => crate::checks::percent(diff, earlier),
    }
}

/// One row's figures: the change shown and its two operands.
struct Figures {
    i: usize,
    shown: Figure,
    earlier: Figure,
    later: Figure,
}

fn number(t: &Table, grid: &Grid, r: u32, c: &Column) -> Option<Figure> {
    match &*t.figure_ref(grid, r, c) {
        Parsed::Number(f) => Some(f.clone()),
        _ => None,
    }
}

/// Check the change columns of one table; `done` are the target roles a relation of
/// rules/relations.toml has already checked in it.
pub(super) fn check_table(
    ctx: &Context,
    doc: &Doc,
    grid: &Grid,
    t: &Table,
    done: &[&str],
    out: &mut Vec<Finding>,
) {
    let rules = &ctx.rules.change;
    for target in t.columns.iter().filter(|c| {
        c.numeric
            && c.role
                .as_deref()
                .is_some_and(|r| rules.targets.iter().any(|x| x == r) && !done.contains(&r))
    }) {
        if let Some((earlier, later)) = operands(rules, t, target) {
            check_column(ctx, doc, grid, t, target, earlier, later, out);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_column(
    ctx: &Context,
    doc: &Doc,
    grid: &Grid,
    t: &Table,
    target: &Column,
    earlier_col: &Column,
    later_col: &Column,
    out: &mut Vec<Finding>,
) {
    let rules = &ctx.rules.change;
    let says = |res: &[regex::Regex], h: &str| res.iter().any(|re| re.is_match(h));
    let says_percent = says(&rules.percent, &target.header);
    let decrease_only =
        says(&rules.decrease, &target.header) && !says(&rules.increase, &target.header);
    let rows: Vec<Figures> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !row.misfit)
        .filter_map(|(i, row)| {
            Some(Figures {
                i,
                shown: number(t, grid, row.row, target)?,
                earlier: number(t, grid, row.row, earlier_col)?,
                later: number(t, grid, row.row, later_col)?,
            })
        })
        .collect();
    // A change in percentage points of two percentages may sit under a "%" header.
    let percent_operands = [earlier_col, later_col].iter().any(|c| {
        matches!(
            c.role.as_deref(),
            Some("capaian" | "penyerapan" | "kemajuan" | "efisiensi")
        ) || says(&rules.percent, &c.header)
    }) || rows.iter().any(|f| f.earlier.percent || f.later.percent);
    let ways: &[Way] = if !says_percent {
        &[Way::Absolute, Way::Percent]
    } else if percent_operands {
        &[Way::Percent, Way::Absolute]
    } else {
        &[Way::Percent]
    };
    let fits = |f: &Figures, way: Way| {
        let agrees = |flip| {
            change(way, f.earlier.value, f.later.value, flip)
                .is_some_and(|x| figure::agrees(f.shown.value, f.shown.decimals, x))
        };
        agrees(false) || (decrease_only && agrees(true))
    };
    let fitting = |way: Way| rows.iter().filter(|f| fits(f, way)).count();
    let (absolute, percent) = (fitting(Way::Absolute), fitting(Way::Percent));
    let fit_any = rows
        .iter()
        .filter(|f| ways.iter().any(|&w| fits(f, w)))
        .count();
    let misfits = rows.len().saturating_sub(fit_any);
    // No row fits: the column is some other difference; as many misfits as fits: not
    // sure enough of the reading to say which rows are wrong.
    if misfits == 0 || fit_any == 0 || fit_any < misfits {
        return;
    }
    // The header's reading (unless it may be percentage points), else the one most other
    // rows fit (a tie: the header's, else the plain difference).
    let way = if (says_percent && !percent_operands)
        || percent > absolute
        || (percent == absolute && says_percent)
    {
        Way::Percent
    } else {
        Way::Absolute
    };
    for f in rows.iter().filter(|f| !ways.iter().any(|&w| fits(f, w))) {
        let Some(exact) = change(way, f.earlier.value, f.later.value, false) else {
            continue;
        };
        let Some(row) = t.rows.get(f.i) else {
            continue;
        };
        let r = row.row;
        let d = f.shown.decimals;
        let expected = figure::round_half_up(exact, d);
        let e = num(f.earlier.value, f.earlier.decimals);
        let l = num(f.later.value, f.later.decimals);
        let minus = Arg::Text(" − ".into());
        let formula = match way {
            Way::Absolute => vec![l, minus, e],
            Way::Percent => vec![
                Arg::Text("(".into()),
                l,
                minus,
                e.clone(),
                Arg::Text(") / ".into()),
                e,
                Arg::Text(" × 100".into()),
            ],
        };
        let at = t.pos(r, target);
        let mut finding = finding(
            ctx,
            &SELISIH,
            Message::new("relation.mismatch")
                .text("row", row_label(t, f.i))
                .text("column", col_label(grid, t, target.col))
                .arg("formula", Arg::Formula(formula))
                .num("found", f.shown.value, d)
                .num("expected", expected, d),
            loc(doc, t.sheet, at),
        );
        finding.expected = Some(num(expected, d));
        finding.actual = Some(num(f.shown.value, d));
        finding.related = [(earlier_col, &f.earlier), (later_col, &f.later)]
            .into_iter()
            .map(|(c, fig)| {
                related(
                    doc,
                    t.sheet,
                    t.pos(r, c),
                    Message::new("note.operand")
                        .text("column", col_label(grid, t, c.col))
                        .num("value", fig.value, fig.decimals),
                )
            })
            .collect();
        out.push(finding);
    }
}
