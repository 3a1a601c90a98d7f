//! Family 2, row relations: a figure that must equal an expression of other figures in
//! its row (rules/relations.toml), e.g. capaian = realisasi / target × 100. A shown figure
//! agrees when it equals the exact value rounded half-up or truncated at its decimals.

use super::{Context, RuleDoc, col_label, finding, loc, num, related, row_label};
use crate::expr::Expr;
use crate::figure::{self, Parsed};
use crate::finding::{Finding, Message, Severity};
use crate::grid::{Grid, Pos};
use crate::table::{Column, Table};
use rust_decimal::Decimal;

pub const CAPAIAN: RuleDoc = RuleDoc {
    code: "SL201",
    name: "capaian-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL201.title",
    explain: "rule.SL201.explain",
};
pub const PERSEN: RuleDoc = RuleDoc {
    code: "SL202",
    name: "budget-percent-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL202.title",
    explain: "rule.SL202.explain",
};
pub const SELISIH: RuleDoc = RuleDoc {
    code: "SL203",
    name: "change-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL203.title",
    explain: "rule.SL203.explain",
};
pub const KEMAJUAN: RuleDoc = RuleDoc {
    code: "SL204",
    name: "progress-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL204.title",
    explain: "rule.SL204.explain",
};
pub const EFISIENSI: RuleDoc = RuleDoc {
    code: "SL205",
    name: "efficiency-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL205.title",
    explain: "rule.SL205.explain",
};
/// A figure that agrees only by truncation (the reports mix both): style, not an error.
pub const TRUNCATED: RuleDoc = RuleDoc {
    code: "SL206",
    name: "truncated-not-rounded",
    family: "relation",
    severity: Severity::Info,
    title: "rule.SL206.title",
    explain: "rule.SL206.explain",
};
pub const SISA: RuleDoc = RuleDoc {
    code: "SL207",
    name: "remaining-budget-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL207.title",
    explain: "rule.SL207.explain",
};
/// A relation added in rules/relations.toml with a code of its own.
pub const CUSTOM: RuleDoc = RuleDoc {
    code: "SL299",
    name: "custom-relation-mismatch",
    family: "relation",
    severity: Severity::Error,
    title: "rule.SL299.title",
    explain: "rule.SL299.explain",
};
pub static RULES: [RuleDoc; 8] = [
    CAPAIAN, PERSEN, SELISIH, KEMAJUAN, EFISIENSI, TRUNCATED, SISA, CUSTOM,
];

fn doc_for(code: &str) -> &'static RuleDoc {
    super::all_rules()
        .into_iter()
        .find(|r| r.code == code)
        .unwrap_or(&CUSTOM)
}

/// The column of a role used as an operand: money when the formula works on money (a
/// realisasi next to anggaran), else not; the one of the target's year when there is
/// one, else the rightmost.
fn operand<'a>(t: &'a Table, role: &str, year: Option<i32>, money: bool) -> Option<&'a Column> {
    let cols: Vec<&Column> = t.columns_with(role).filter(|c| c.numeric).collect();
    let fitting: Vec<&Column> = cols
        .iter()
        .copied()
        .filter(|c| t.is_money(c) == money)
        .collect();
    let cols = if fitting.is_empty() { cols } else { fitting };
    // Last year's column is this year's operand only when there is no other.
    let this_year: Vec<&Column> = cols
        .iter()
        .copied()
        .filter(|c| !crate::table::is_last_year(&c.header))
        .collect();
    let cols = if this_year.is_empty() {
        cols
    } else {
        this_year
    };
    // The target's own year; else the latest year named (this year's realisasi, not last
    // year's); else the rightmost.
    let latest = cols
        .iter()
        .filter(|c| c.year.is_some())
        .max_by_key(|c| c.year)
        .copied();
    year.and_then(|y| cols.iter().rev().find(|c| c.year == Some(y)).copied())
        .or(latest)
        .or(cols.last().copied())
}

/// Does the formula work on money (it names a money role such as anggaran)?
fn works_on_money(ctx: &Context, expr: &Expr) -> bool {
    expr.roles().iter().any(|r| {
        ctx.rules
            .role(r)
            .is_some_and(|role| role.kind == crate::rules::Kind::Money)
    })
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let parsed: Vec<(&crate::rules::RelationRule, Expr, Option<Expr>)> = ctx
        .rules
        .relations
        .iter()
        .filter_map(|r| {
            let e = Expr::parse(&r.expr).ok()?;
            let lower = r
                .lower_is_better
                .as_deref()
                .and_then(|s| Expr::parse(s).ok());
            Some((r, e, lower))
        })
        .collect();
    for doc in ctx.docs {
        for t in &doc.tables {
            let Some(grid) = doc.sheets.get(t.sheet) else {
                continue;
            };
            let mut done_targets: Vec<String> = Vec::new();
            for (rule, expr, lower) in &parsed {
                if done_targets.contains(&rule.target) {
                    continue;
                }
                let roles = expr.roles();
                if !t.has_role(&rule.target)
                    || !roles.iter().all(|r| t.columns_with(r).any(|c| c.numeric))
                {
                    continue;
                }
                done_targets.push(rule.target.clone());
                for target in t.columns_with(&rule.target).filter(|c| c.numeric) {
                    for i in 0..t.rows.len() {
                        check_row(
                            ctx,
                            doc,
                            grid,
                            t,
                            i,
                            target,
                            rule,
                            expr,
                            lower.as_ref(),
                            out,
                        );
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    ctx: &Context,
    doc: &super::Doc,
    grid: &Grid,
    t: &Table,
    i: usize,
    target: &Column,
    rule: &crate::rules::RelationRule,
    expr: &Expr,
    lower: Option<&Expr>,
    out: &mut Vec<Finding>,
) {
    let Some(row) = t.rows.get(i) else {
        return;
    };
    let r = row.row;
    let money = works_on_money(ctx, expr) || t.is_money(target);
    let operand =
        |t: &'_ Table, role: &str, year: Option<i32>| operand(t, role, year, money).cloned();
    let Parsed::Number(shown) = t.figure(grid, r, target) else {
        return;
    };
    let mut used: Vec<(Pos, String)> = Vec::new();
    let mut missing = false;
    let value_of = |role: &str| -> Option<Decimal> {
        let c = operand(t, role, target.year)?;
        t.figure(grid, r, &c).figure().map(|f| f.value)
    };
    let all_of = |role: &str| -> Vec<Decimal> {
        let vals: Vec<Option<Decimal>> = t
            .columns_with(role)
            .filter(|c| c.numeric)
            .map(|c| match t.figure(grid, r, c) {
                Parsed::Number(f) => Some(f.value),
                Parsed::Nil => Some(Decimal::ZERO),
                _ => None,
            })
            .collect();
        // An unknown term makes the sum unknown; a sum of nothing is not checked.
        if vals.iter().any(|v| v.is_none()) || vals.iter().all(|v| v.is_some_and(|x| x.is_zero())) {
            Vec::new()
        } else {
            vals.into_iter().flatten().collect()
        }
    };
    for role in expr.roles() {
        let cols: Vec<Column> = if matches!(expr, Expr::Sum(_)) {
            t.columns_with(&role)
                .filter(|c| c.numeric)
                .cloned()
                .collect()
        } else {
            operand(t, &role, target.year).into_iter().collect()
        };
        for c in &cols {
            let p = Pos::new(r, c.col);
            if !matches!(expr, Expr::Sum(_)) && t.figure(grid, r, c).figure().is_none() {
                missing = true;
            }
            used.push((p, col_label(grid, t, c.col)));
        }
    }
    if missing {
        return;
    }
    let lower_better = lower.is_some()
        && ctx
            .rules
            .is_lower_better(&format!("{} {}", row.indicator, row.name));
    let e = if lower_better {
        lower.unwrap_or(expr)
    } else {
        expr
    };
    let Some(exact) = e.eval(&value_of, &all_of) else {
        // Every operand is there, yet the formula cannot be computed: it divides by zero
        // (a target or budget of 0). A figure shown there cannot be right.
        if !matches!(expr, Expr::Sum(_)) && !shown.value.is_zero() {
            let rd = doc_for(&rule.code);
            let mut f = finding(
                ctx,
                rd,
                Message::new("relation.zero_divisor")
                    .text("row", row_label(t, i))
                    .text("column", col_label(grid, t, target.col))
                    .text("formula", rule.expr.clone())
                    .num("found", shown.value, shown.decimals),
                loc(doc, t.sheet, Pos::new(r, target.col)),
            );
            f.actual = Some(num(shown.value, shown.decimals));
            f.related = used
                .iter()
                .map(|(p, label)| {
                    related(
                        doc,
                        t.sheet,
                        *p,
                        Message::new("note.operand")
                            .text("column", label.clone())
                            .text("value", grid.text(*p)),
                    )
                })
                .collect();
            out.push(f);
        }
        return;
    };
    let expected = figure::round_half_up(exact, shown.decimals);
    if figure::agrees(shown.value, shown.decimals, exact) {
        if expected != shown.value {
            let mut f = finding(
                ctx,
                &TRUNCATED,
                Message::new("relation.truncated")
                    .text("row", row_label(t, i))
                    .text("column", col_label(grid, t, target.col))
                    .num("found", shown.value, shown.decimals)
                    .num("expected", expected, shown.decimals),
                loc(doc, t.sheet, Pos::new(r, target.col)),
            );
            f.expected = Some(num(expected, shown.decimals));
            f.actual = Some(num(shown.value, shown.decimals));
            out.push(f);
        }
        return;
    }
    let show_one = |role: &str| -> Option<crate::finding::Arg> {
        let c = operand(t, role, target.year)?;
        t.figure(grid, r, &c)
            .figure()
            .map(|f| num(f.value, f.decimals))
    };
    let show_all = |role: &str| -> Vec<crate::finding::Arg> {
        t.columns_with(role)
            .filter(|c| c.numeric)
            .filter_map(|c| {
                t.figure(grid, r, c)
                    .figure()
                    .map(|f| num(f.value, f.decimals))
            })
            .collect()
    };
    let formula = crate::finding::Arg::Formula(e.show(&show_one, &show_all));
    let rd = doc_for(&rule.code);
    let at = Pos::new(r, target.col);
    let mut f = finding(
        ctx,
        rd,
        Message::new(if lower_better {
            "relation.mismatch_lower"
        } else {
            "relation.mismatch"
        })
        .text("row", row_label(t, i))
        .text("column", col_label(grid, t, target.col))
        .arg("formula", formula)
        .num("found", shown.value, shown.decimals)
        .num("expected", expected, shown.decimals),
        loc(doc, t.sheet, at),
    );
    f.expected = Some(num(expected, shown.decimals));
    f.actual = Some(num(shown.value, shown.decimals));
    // The other polarity explains the figure: the indicator is lower-is-better but not
    // listed as such (or listed but is not).
    let other = if lower_better { Some(expr) } else { lower };
    if let Some(other_exact) = other.and_then(|o| o.eval(&value_of, &all_of))
        && figure::agrees(shown.value, shown.decimals, other_exact)
    {
        f.help = Some(Message::new(if lower_better {
            "hint.polarity_listed"
        } else {
            "hint.polarity_unlisted"
        }));
    }
    f.related = used
        .into_iter()
        .map(|(p, label)| {
            let v = crate::figure::from_value(grid.value(p));
            let note = Message::new("note.operand").text("column", label);
            let note = match v.figure() {
                Some(fig) => note.num("value", fig.value, fig.decimals),
                None => note,
            };
            related(doc, t.sheet, p, note)
        })
        .collect();
    out.push(f);
}
