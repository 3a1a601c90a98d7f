//! Family 2, row relations: a figure that must equal an expression of other figures in
//! its row (rules/relations.toml), e.g. capaian = realisasi / target × 100. A shown figure
//! agrees when it equals the exact value rounded half-up or truncated at its decimals.

pub mod change;

use super::{Context, RuleDoc, col_label, finding, loc, num, related, row_label};
use crate::expr::Expr;
use crate::figure::{self, Parsed};
use crate::finding::{Arg, Constraint, ConstraintKind, Finding, Message, Severity, Term};
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

/// The year a column stands for: its period, else the year its header names.
fn period_of(c: &Column) -> Option<i32> {
    c.period.or(c.year)
}

/// The column of a role used as an operand: money when the formula works on money (a
/// realisasi next to anggaran), else not; the one of the target's year when the target
/// names a year and the role has columns by year (none when the table has no column of
/// that year: another year's figure is never this year's operand), else the latest year
/// named, else the rightmost.
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
    // The target's own year (a table with one column per year: only that year); else the
    // latest year named (this year's realisasi, not last year's); else the rightmost.
    if let Some(y) = year
        && cols.iter().any(|c| period_of(c).is_some())
    {
        return cols.iter().rev().find(|c| period_of(c) == Some(y)).copied();
    }
    let latest = cols
        .iter()
        .filter(|c| period_of(c).is_some())
        .max_by_key(|c| period_of(c))
        .copied();
    latest.or(cols.last().copied())
}

/// A relation rule with its formulas parsed once for the whole submission.
struct Formula<'r> {
    rule: &'r crate::rules::RelationRule,
    expr: Expr,
    lower: Option<Expr>,
    /// Roles the formula names (each once).
    roles: Vec<String>,
    /// Roles either formula (or its lower-is-better variant) names (each once).
    either_roles: Vec<String>,
    /// The formula names a money role such as anggaran.
    money: bool,
}

/// Where a formula's operands are in one table, for one target column: the same for
/// every row, so found once.
struct Operands<'a> {
    /// Each role either formula names: its operand column, and every numeric column of
    /// the role (the terms of sum(role)).
    roles: Vec<(&'a str, Option<&'a Column>, Vec<&'a Column>)>,
    /// The columns the formula reads, in the order of its roles (the notes of a finding).
    used: Vec<&'a Column>,
}

impl<'a> Operands<'a> {
    /// Every role the formula reads has a column (a sum may have none).
    fn complete(&self, f: &Formula) -> bool {
        matches!(f.expr, Expr::Sum(_)) || f.roles.iter().all(|r| self.one(r).is_some())
    }

    fn new(t: &'a Table, target: &Column, f: &'a Formula) -> Operands<'a> {
        let money = f.money || t.is_money(target);
        let roles: Vec<(&str, Option<&Column>, Vec<&Column>)> = f
            .either_roles
            .iter()
            .map(|role| {
                (
                    role.as_str(),
                    operand(t, role, period_of(target), money),
                    t.columns_with(role).filter(|c| c.numeric).collect(),
                )
            })
            .collect();
        let is_sum = matches!(f.expr, Expr::Sum(_));
        let mut used = Vec::new();
        for role in &f.roles {
            if let Some((_, one, all)) = roles.iter().find(|(r, _, _)| r == role) {
                if is_sum {
                    used.extend(all.iter().copied());
                } else {
                    used.extend(one.iter().copied());
                }
            }
        }
        Operands { roles, used }
    }

    /// The operand column of a role.
    fn one(&self, role: &str) -> Option<&'a Column> {
        self.roles
            .iter()
            .find(|(r, _, _)| *r == role)
            .and_then(|(_, c, _)| *c)
    }

    /// Every numeric column of a role.
    fn all(&self, role: &str) -> &[&'a Column] {
        self.roles
            .iter()
            .find(|(r, _, _)| *r == role)
            .map_or(&[], |(_, _, cols)| cols.as_slice())
    }
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let formulas: Vec<Formula> = ctx
        .rules
        .relations
        .iter()
        .filter_map(|rule| {
            let expr = Expr::parse(&rule.expr).ok()?;
            let lower = rule
                .lower_is_better
                .as_deref()
                .and_then(|s| Expr::parse(s).ok());
            let roles = expr.roles();
            let mut either_roles = roles.clone();
            for r in lower.iter().flat_map(Expr::roles) {
                if !either_roles.contains(&r) {
                    either_roles.push(r);
                }
            }
            let money = roles.iter().any(|r| {
                ctx.rules
                    .role(r)
                    .is_some_and(|role| role.kind == crate::rules::Kind::Money)
            });
            Some(Formula {
                rule,
                expr,
                lower,
                roles,
                either_roles,
                money,
            })
        })
        .collect();
    // "indicator name" of a row, for the lower-is-better list (one buffer for all rows).
    let mut key = String::new();
    for doc in ctx.docs {
        for t in &doc.tables {
            let Some(grid) = doc.sheets.get(t.sheet) else {
                continue;
            };
            let mut done_targets: Vec<&str> = Vec::new();
            for f in &formulas {
                if done_targets.contains(&f.rule.target.as_str()) {
                    continue;
                }
                if !t.has_role(&f.rule.target)
                    || !f.roles.iter().all(|r| t.columns_with(r).any(|c| c.numeric))
                {
                    continue;
                }
                done_targets.push(&f.rule.target);
                for target in t.columns_with(&f.rule.target).filter(|c| c.numeric) {
                    let ops = Operands::new(t, target, f);
                    // A year whose operands the table does not hold is not checked.
                    if !ops.complete(f) {
                        continue;
                    }
                    for i in 0..t.rows.len() {
                        check_row(ctx, doc, grid, t, i, target, f, &ops, &mut key, out);
                    }
                }
            }
            change::check_table(ctx, doc, grid, t, &done_targets, out);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    ctx: &Context,
    doc: &crate::doc::Doc,
    grid: &Grid,
    t: &Table,
    i: usize,
    target: &Column,
    formula: &Formula,
    ops: &Operands,
    key: &mut String,
    out: &mut Vec<Finding>,
) {
    let Some(row) = t.rows.get(i) else {
        return;
    };
    let (rule, expr, lower) = (formula.rule, &formula.expr, formula.lower.as_ref());
    let r = row.row;
    let Parsed::Number(shown) = t.figure(grid, r, target) else {
        return;
    };
    let value_of = |role: &str| -> Option<Decimal> {
        let c = ops.one(role)?;
        t.figure_ref(grid, r, c).figure().map(|f| f.value)
    };
    // An unknown term makes the sum unknown; a sum of nothing (or of zeros) is not
    // checked.
    let sum_of = |role: &str| -> Option<Decimal> {
        let mut sum = Decimal::ZERO;
        let mut nonzero = false;
        for c in ops.all(role) {
            let v = match t.figure(grid, r, c) {
                Parsed::Number(f) => f.value,
                Parsed::Nil => Decimal::ZERO,
                _ => return None,
            };
            nonzero |= !v.is_zero();
            sum = sum.checked_add(v)?;
        }
        nonzero.then_some(sum)
    };
    // The cells the formula reads, with their column labels (for notes).
    let used = || -> Vec<(Pos, String)> {
        ops.used
            .iter()
            .map(|c| (t.pos(r, c), col_label(grid, t, c.col)))
            .collect()
    };
    if !matches!(expr, Expr::Sum(_))
        && ops
            .used
            .iter()
            .any(|c| t.figure_ref(grid, r, c).figure().is_none())
    {
        return;
    }
    let lower_better = lower.is_some() && {
        key.clear();
        key.push_str(&row.indicator);
        key.push(' ');
        key.push_str(&row.name);
        ctx.rules.is_lower_better(key)
    };
    let e = if lower_better {
        lower.unwrap_or(expr)
    } else {
        expr
    };
    let Some(exact) = e.eval(&value_of, &sum_of) else {
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
                loc(doc, t.sheet, t.pos(r, target)),
            );
            f.actual = Some(num(shown.value, shown.decimals));
            f.related = used()
                .into_iter()
                .map(|(p, label)| {
                    related(
                        doc,
                        t.sheet,
                        p,
                        Message::new("note.operand")
                            .text("column", label)
                            .text("value", grid.text(p)),
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
                loc(doc, t.sheet, t.pos(r, target)),
            );
            f.expected = Some(num(expected, shown.decimals));
            f.actual = Some(num(shown.value, shown.decimals));
            out.push(f);
        }
        return;
    }
    let show_one = |role: &str| -> Option<crate::finding::Arg> {
        let c = ops.one(role)?;
        t.figure(grid, r, c)
            .figure()
            .map(|f| num(f.value, f.decimals))
    };
    let show_all = |role: &str| -> Vec<crate::finding::Arg> {
        ops.all(role)
            .iter()
            .filter_map(|c| {
                t.figure(grid, r, c)
                    .figure()
                    .map(|f| num(f.value, f.decimals))
            })
            .collect()
    };
    let formula = crate::finding::Arg::Formula(show(e, &show_one, &show_all));
    let rd = doc_for(&rule.code);
    let at = t.pos(r, target);
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
    if let Some(other_exact) = other.and_then(|o| o.eval(&value_of, &sum_of))
        && figure::agrees(shown.value, shown.decimals, other_exact)
    {
        f.help = Some(Message::new(if lower_better {
            "hint.polarity_listed"
        } else {
            "hint.polarity_unlisted"
        }));
    }
    f.related = used()
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
    f.constraint = relation_constraint(doc, grid, t, r, target, &shown, e, ops);
    out.push(f);
}

/// "The target cell agrees with the formula over its operand cells", for the diagnosis.
#[allow(clippy::too_many_arguments)]
fn relation_constraint(
    doc: &crate::doc::Doc,
    grid: &Grid,
    t: &Table,
    r: u32,
    target: &Column,
    shown: &crate::figure::Figure,
    e: &Expr,
    ops: &Operands,
) -> Option<Box<Constraint>> {
    let term = |c: &Column, sum: bool| {
        let (value, decimals) = match &*t.figure_ref(grid, r, c) {
            Parsed::Number(f) => (Some(f.value), f.decimals),
            Parsed::Nil if sum => (Some(Decimal::ZERO), 0),
            _ => (None, 0),
        };
        Term {
            at: loc(doc, t.sheet, t.pos(r, c)),
            value,
            decimals,
        }
    };
    let mut cells = vec![Term {
        at: loc(doc, t.sheet, t.pos(r, target)),
        value: Some(shown.value),
        decimals: shown.decimals,
    }];
    let mut roles = Vec::new();
    let is_sum = matches!(e, Expr::Sum(_));
    for role in e.roles() {
        if is_sum {
            for c in ops.all(&role) {
                cells.push(term(c, true));
                roles.push((role.clone(), true));
            }
        } else {
            cells.push(term(ops.one(&role)?, false));
            roles.push((role, false));
        }
    }
    Some(Box::new(Constraint {
        cells,
        kind: ConstraintKind::Relation {
            expr: e.clone(),
            roles,
        },
    }))
}

/// An expression with each role replaced by its value, for messages: "78,33 / 74 × 100".
fn show(
    e: &crate::expr::Expr,
    one: &dyn Fn(&str) -> Option<Arg>,
    all: &dyn Fn(&str) -> Vec<Arg>,
) -> Vec<Arg> {
    let mut out = Vec::new();
    show_into(e, one, all, &mut out, 0);
    out
}

fn show_into(
    e: &crate::expr::Expr,
    one: &dyn Fn(&str) -> Option<Arg>,
    all: &dyn Fn(&str) -> Vec<Arg>,
    out: &mut Vec<Arg>,
    parent_prec: u8,
) {
    match e {
        crate::expr::Expr::Num(n) => out.push(Arg::Num {
            value: *n,
            decimals: n.scale(),
        }),
        crate::expr::Expr::Role(r) => out.push(one(r).unwrap_or_else(|| Arg::Text(r.clone()))),
        crate::expr::Expr::Sum(r) => {
            let items = all(r);
            for (i, a) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(Arg::Text(" + ".into()));
                }
                out.push(a);
            }
        }
        crate::expr::Expr::Neg(a) => {
            out.push(Arg::Text("-".into()));
            show_into(a, one, all, out, 3);
        }
        crate::expr::Expr::Bin(a, op, b) => {
            let prec = if matches!(op, '+' | '-') { 1 } else { 2 };
            if prec < parent_prec {
                out.push(Arg::Text("(".into()));
            }
            show_into(a, one, all, out, prec);
            let sym = match op {
                '*' => " × ",
                '/' => " / ",
                '+' => " + ",
                _ => " − ",
            };
            out.push(Arg::Text(sym.into()));
            show_into(b, one, all, out, prec + 1);
            if prec < parent_prec {
                out.push(Arg::Text(")".into()));
            }
        }
    }
}
