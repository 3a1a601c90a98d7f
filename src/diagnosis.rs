//! One root cause, one finding. A wrong cell breaks every relation that reads it: a leaf
//! realisasi breaks its own sisa and %, and its parent's sum. Before reporting, the
//! broken relations (footing, row relations, same-figure conflicts, predikat labels) are
//! explained by as few cells as possible — a greedy hitting set over the relations, each
//! cell judged by whether one value of it would make all the relations it explains hold
//! (exact in Decimal; shown figures with the rounding tolerance of the checks). Each
//! chosen cell gets one finding, the other findings it explains attached as related
//! places; a cell that explains the same relations equally well is named beside it.
//! Findings without a relation (structure, scales, figures) are left as they are.

use crate::expr::Expr;
use crate::figure;
use crate::finding::{
    Arg, Constraint, ConstraintKind, Finding, Location, Message, Related, Severity,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A group of relations sharing cells larger than this is left as the checks reported
/// it: the greedy search is quadratic in the group, and such a sheet is broken beyond
/// what one root cause could explain.
const MAX_GROUP: usize = 400;
/// Cells a group's relations may read in all: a total over a long sheet breaks one
/// relation of many thousand cells, and the search is quadratic in cells.
const MAX_GROUP_CELLS: usize = 2_000;

/// What a correction puts in a cell: a figure, or another predikat label.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fix {
    Value(Decimal),
    Relabel,
}

/// The findings with their relations folded: one finding per root cause, the others
/// unchanged. The order is not kept (the caller sorts).
pub fn diagnose(findings: Vec<Finding>) -> Vec<Finding> {
    let (mut kept, taking): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity < Severity::Warning || f.constraint.is_none());
    if taking.len() < 2 {
        kept.extend(taking);
        return kept;
    }
    let mut owned: Vec<Constraint> = taking
        .iter()
        .filter_map(|f| f.constraint.as_deref().cloned())
        .collect();
    link_regroups(&mut owned);
    let constraints: Vec<&Constraint> = owned.iter().collect();
    let groups = components(&constraints);
    let mut plans: Vec<Plan> = Vec::new();
    let mut alone: Vec<usize> = Vec::new();
    for g in groups {
        let cells: usize = g
            .iter()
            .filter_map(|&i| constraints.get(i))
            .map(|c| c.cells.len())
            .sum();
        if g.len() < 2 || g.len() > MAX_GROUP || cells > MAX_GROUP_CELLS {
            alone.extend(g);
            continue;
        }
        let (found, left) = explain(&constraints, &g);
        plans.extend(found);
        alone.extend(left);
    }
    let mut slots: Vec<Option<Finding>> = taking.into_iter().map(Some).collect();
    for i in alone {
        if let Some(f) = slots.get_mut(i).and_then(Option::take) {
            kept.push(f);
        }
    }
    for p in plans {
        let members: Vec<Finding> = p
            .explains
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect();
        kept.extend(fold(p, members));
    }
    kept
}

/// A parent's sum that misses exactly the figure of a row whose kode hangs it elsewhere
/// is explained by that kode: the kode cell joins the sum as a member without a figure,
/// whose correction (the kode) makes the sum hold.
fn link_regroups(cs: &mut [Constraint]) {
    let moves: Vec<(u32, Constraint)> = cs
        .iter()
        .filter_map(|c| match c.kind {
            ConstraintKind::Regroup { parent_row } => Some((parent_row, c.clone())),
            _ => None,
        })
        .collect();
    for (parent_row, m) in moves {
        let Some(kode) = m.cells.first() else {
            continue;
        };
        for c in cs
            .iter_mut()
            .filter(|c| matches!(c.kind, ConstraintKind::Sum))
        {
            let Some(total) = c.cells.first() else {
                continue;
            };
            if total.at.file != kode.at.file
                || total.at.sheet != kode.at.sheet
                || total.at.cell.row != parent_row
                || c.cells.iter().any(|t| t.at == kode.at)
            {
                continue;
            }
            let moved = m
                .cells
                .iter()
                .skip(1)
                .find(|t| t.at.cell.col == total.at.cell.col);
            let (Some(moved), Some(found), Some(others)) = (moved, total.value, sum_except(c, 0))
            else {
                continue;
            };
            if c.cells.iter().any(|t| t.at == moved.at) {
                continue;
            }
            if others.checked_add(moved.value.unwrap_or(Decimal::ZERO)) == Some(found) {
                c.cells.push(crate::finding::Term {
                    at: kode.at.clone(),
                    value: None,
                    decimals: 0,
                });
            }
        }
    }
}

/// Relations linked by the cells they share (union-find), each group in finding order.
fn components(cs: &[&Constraint]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..cs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let gp = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = gp;
            }
            i = p;
        }
        i
    }
    let mut first: HashMap<&Location, usize> = HashMap::new();
    for (i, c) in cs.iter().enumerate() {
        for t in &c.cells {
            match first.get(&t.at) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
                None => {
                    first.insert(&t.at, i);
                }
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for i in 0..cs.len() {
        let r = root(&mut parent, i);
        let k = *index.entry(r).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        if let Some(g) = out.get_mut(k) {
            g.push(i);
        }
    }
    out
}

/// One root cause: the cell, the value that corrects it, the relations (indexes into the
/// findings) it explains, and other cells that explain the same relations as well.
#[derive(Debug)]
struct Plan {
    cell: Location,
    fix: Fix,
    decimals: u32,
    current: Option<Decimal>,
    explains: Vec<usize>,
    alternatives: Vec<Location>,
}

/// Greedy: the cell whose one correction makes the most broken relations hold (among
/// equals, the cell most of them report), until every relation is explained.
fn explain(cs: &[&Constraint], group: &[usize]) -> (Vec<Plan>, Vec<usize>) {
    // The cells in order of first appearance.
    let mut cells: Vec<&crate::finding::Term> = Vec::new();
    let mut seen: HashMap<&Location, ()> = HashMap::new();
    for &i in group {
        for t in cs.get(i).map(|c| c.cells.as_slice()).unwrap_or_default() {
            if seen.insert(&t.at, ()).is_none() {
                cells.push(t);
            }
        }
    }
    let mut open: Vec<usize> = group.to_vec();
    let mut plans = Vec::new();
    while !open.is_empty() {
        type Best<'a> = ((usize, usize), &'a crate::finding::Term, Fix, Vec<usize>);
        let mut best: Option<Best> = None;
        let mut ties: Vec<(&Location, Vec<usize>)> = Vec::new();
        for t in &cells {
            let touching: Vec<usize> = open
                .iter()
                .copied()
                .filter(|&i| {
                    cs.get(i)
                        .is_some_and(|c| c.cells.iter().any(|x| x.at == t.at))
                })
                .collect();
            if touching.is_empty() {
                continue;
            }
            let Some((fix, covered)) = best_fix(cs, &touching, &t.at) else {
                continue;
            };
            let primaries = covered
                .iter()
                .filter(|&&i| {
                    cs.get(i)
                        .and_then(|c| c.cells.first())
                        .is_some_and(|x| x.at == t.at)
                })
                .count();
            let score = (covered.len(), primaries);
            match &best {
                Some((s, _, _, cov)) if score == *s => {
                    if *cov == covered {
                        ties.push((&t.at, covered));
                    }
                }
                Some((s, ..)) if score < *s => {}
                _ => {
                    best = Some((score, t, fix, covered));
                    ties.clear();
                }
            }
        }
        let Some((_, t, fix, covered)) = best else {
            break;
        };
        open.retain(|i| !covered.contains(i));
        plans.push(Plan {
            cell: t.at.clone(),
            fix,
            decimals: t.decimals,
            current: t.value,
            alternatives: ties
                .into_iter()
                .filter(|(_, c)| *c == covered)
                .map(|(l, _)| l.clone())
                .collect(),
            explains: covered,
        });
    }
    (plans, open)
}

/// The correction of one cell that makes the most of these relations hold, and which.
fn best_fix(cs: &[&Constraint], touching: &[usize], at: &Location) -> Option<(Fix, Vec<usize>)> {
    let mut fixes: Vec<Fix> = Vec::new();
    for &i in touching {
        if let Some(c) = cs.get(i) {
            for v in candidates(c, at) {
                if !fixes.contains(&v) {
                    fixes.push(v);
                }
            }
        }
    }
    let mut best: Option<(Fix, Vec<usize>)> = None;
    for fix in fixes {
        let covered: Vec<usize> = touching
            .iter()
            .copied()
            .filter(|&i| cs.get(i).is_some_and(|c| holds(c, at, fix)))
            .collect();
        if !covered.is_empty() && best.as_ref().is_none_or(|(_, b)| covered.len() > b.len()) {
            best = Some((fix, covered));
        }
    }
    best
}

/// Values of the cell `at` that make one relation hold, as far as they are cheap to
/// find: the reported value of the relation's own cell, a member solved from its sum,
/// an operand solved from a formula linear in it or in its inverse, the agreed figure.
fn candidates(c: &Constraint, at: &Location) -> Vec<Fix> {
    let Some(k) = c.cells.iter().position(|t| t.at == *at) else {
        return Vec::new();
    };
    let value = |i: usize| c.cells.get(i).and_then(|t| t.value);
    let mut out = Vec::new();
    match &c.kind {
        ConstraintKind::Sum => {
            let others = sum_except(c, k);
            if k == 0 {
                out.extend(others.map(Fix::Value));
            } else if value(k).is_none() {
                // A kode linked by [`link_regroups`].
                out.push(Fix::Relabel);
            } else if let (Some(total), Some(others)) = (value(0), others) {
                out.extend(total.checked_sub(others).map(Fix::Value));
            }
        }
        ConstraintKind::Relation { expr, roles } => {
            if k == 0 {
                if let (Some(exact), Some(t)) = (evaluate(c, expr, roles, None), c.cells.first()) {
                    out.push(Fix::Value(figure::round_half_up(exact, t.decimals)));
                }
            } else if let Some(target) = value(0) {
                out.extend(invert(c, expr, roles, at, target).map(Fix::Value));
            }
        }
        ConstraintKind::Same { computed } => {
            if k == 0 {
                let right = c.cells.iter().skip(1).max_by_key(|t| t.decimals);
                out.extend(right.and_then(|t| t.value).map(Fix::Value));
            } else if c.cells.len() == 2 && !computed {
                out.extend(value(0).map(Fix::Value));
            }
        }
        ConstraintKind::Band { .. } | ConstraintKind::Regroup { .. } => {
            if k == 0 {
                out.push(Fix::Relabel);
            }
        }
    }
    out
}

/// The sum of a Sum relation's members but the k-th.
fn sum_except(c: &Constraint, k: usize) -> Option<Decimal> {
    let mut s = Decimal::ZERO;
    for (i, t) in c.cells.iter().enumerate().skip(1) {
        if i != k {
            s = s.checked_add(t.value.unwrap_or(Decimal::ZERO))?;
        }
    }
    Some(s)
}

/// The formula's value with the cell `at` set to `x` (None: every cell as found).
fn evaluate(
    c: &Constraint,
    expr: &Expr,
    roles: &[(String, bool)],
    put: Option<(&Location, Decimal)>,
) -> Option<Decimal> {
    let value = |i: usize| -> Option<Decimal> {
        let t = c.cells.get(i)?;
        match put {
            Some((at, x)) if t.at == *at => Some(x),
            _ => t.value,
        }
    };
    let one = |role: &str| {
        let j = roles.iter().position(|(r, sum)| r == role && !sum)?;
        value(j + 1)
    };
    let sum = |role: &str| {
        let mut s = Decimal::ZERO;
        let mut nonzero = false;
        for (j, _) in roles
            .iter()
            .enumerate()
            .filter(|(_, (r, sum))| r == role && *sum)
        {
            let v = value(j + 1)?;
            nonzero |= !v.is_zero();
            s = s.checked_add(v)?;
        }
        nonzero.then_some(s)
    };
    expr.eval(&one, &sum)
}

/// Nearly equal: the probes below divide, so they are compared at 12 significant digits.
fn near(a: Decimal, b: Decimal) -> bool {
    let scale = a.abs().max(Decimal::ONE);
    a.checked_sub(b)
        .and_then(|d| d.abs().checked_div(scale))
        .is_some_and(|r| r < Decimal::new(1, 12))
}

/// The operand value that gives the target, for a formula of the form a + b·x or
/// a + b / x in the operand (every formula of rules/relations.toml is one or the other).
fn invert(
    c: &Constraint,
    expr: &Expr,
    roles: &[(String, bool)],
    at: &Location,
    target: Decimal,
) -> Option<Decimal> {
    let f = |x: i64| evaluate(c, expr, roles, Some((at, Decimal::from(x))));
    if let (Some(f0), Some(f1), Some(f2)) = (f(0), f(1), f(2)) {
        let slope = f1.checked_sub(f0)?;
        if !slope.is_zero() && near(f2.checked_sub(f1)?, slope) {
            return target.checked_sub(f0)?.checked_div(slope);
        }
        return None;
    }
    let (f1, f2, f4) = (f(1)?, f(2)?, f(4)?);
    let q = f1.checked_sub(f2)?.checked_mul(Decimal::TWO)?;
    let p = f1.checked_sub(q)?;
    if q.is_zero() || !near(f4, p.checked_add(q.checked_div(Decimal::from(4))?)?) {
        return None;
    }
    let d = target.checked_sub(p)?;
    if d.is_zero() {
        return None;
    }
    q.checked_div(d)
}

/// Does the relation hold once the cell `at` is corrected with `fix`?
fn holds(c: &Constraint, at: &Location, fix: Fix) -> bool {
    let Some(k) = c.cells.iter().position(|t| t.at == *at) else {
        return false;
    };
    let x = match fix {
        Fix::Value(x) => x,
        Fix::Relabel => {
            return match c.kind {
                ConstraintKind::Band { .. } | ConstraintKind::Regroup { .. } => k == 0,
                ConstraintKind::Sum => k > 0 && c.cells.get(k).is_some_and(|t| t.value.is_none()),
                _ => false,
            };
        }
    };
    let value = |i: usize| -> Option<Decimal> {
        if i == k {
            Some(x)
        } else {
            c.cells.get(i).and_then(|t| t.value)
        }
    };
    match &c.kind {
        ConstraintKind::Sum => match (value(0), sum_except(c, 0)) {
            (Some(total), Some(_)) => {
                let mut s = Decimal::ZERO;
                for i in 1..c.cells.len() {
                    match s.checked_add(value(i).unwrap_or(Decimal::ZERO)) {
                        Some(v) => s = v,
                        None => return false,
                    }
                }
                total == s
            }
            _ => false,
        },
        ConstraintKind::Relation { expr, roles } => {
            let (Some(shown), Some(t)) = (value(0), c.cells.first()) else {
                return false;
            };
            let put = (k > 0).then_some((at, x));
            evaluate(c, expr, roles, put)
                .is_some_and(|exact| figure::agrees(shown, t.decimals, exact))
        }
        ConstraintKind::Same { computed } => {
            let (Some(a), Some(first)) = (value(0), c.cells.first()) else {
                return false;
            };
            if *computed && k > 0 {
                return false;
            }
            (1..c.cells.len()).all(|i| {
                let (Some(b), Some(t)) = (value(i), c.cells.get(i)) else {
                    return false;
                };
                same_figure(a, first.decimals, b, t.decimals)
            })
        }
        ConstraintKind::Band { bands } => k == 1 && bands.iter().any(|b| b.contains(x)),
        ConstraintKind::Regroup { .. } => false,
    }
}

/// The same figure, as the identity check compares: equal, a fraction of the other's
/// percentage, or shown with fewer decimals (rounded or truncated).
fn same_figure(a: Decimal, da: u32, b: Decimal, db: u32) -> bool {
    if a == b
        || a.checked_mul(Decimal::ONE_HUNDRED) == Some(b)
        || b.checked_mul(Decimal::ONE_HUNDRED) == Some(a)
    {
        return true;
    }
    let ((s, ds), l) = if da < db { ((a, da), b) } else { ((b, db), a) };
    ds >= 1 && ds < da.max(db) && figure::agrees(s, ds, l)
}

/// One finding for a root cause: the finding the checks made at the cell (the most
/// serious), else a new one saying which value would make the relations hold; every
/// other finding it explains attached as a related place.
fn fold(p: Plan, mut members: Vec<Finding>) -> Vec<Finding> {
    if members.is_empty() {
        return members;
    }
    if members.len() == 1 && p.alternatives.is_empty() && members.iter().all(|f| f.at == p.cell) {
        return members;
    }
    let severity = members
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Error);
    let own = members
        .iter()
        .enumerate()
        .filter(|(_, f)| f.at == p.cell)
        .min_by_key(|(_, f)| (std::cmp::Reverse(f.severity), f.code))
        .map(|(i, _)| i);
    let mut root = match own {
        Some(i) => members.remove(i),
        None => {
            let Fix::Value(x) = p.fix else {
                return members;
            };
            let Some(code) = members.iter().map(|f| f.code).min() else {
                return members;
            };
            let decimals = p.decimals.max(x.normalize().scale().min(2));
            let found = p.current.unwrap_or(Decimal::ZERO);
            let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
            let mut root = Finding::new(
                code,
                severity,
                Message::new("diagnosis.root")
                    .num("found", found, p.decimals)
                    .num("expected", x, decimals)
                    .num("count", Decimal::from(count), 0),
                p.cell.clone(),
            );
            root.expected = Some(Arg::num(x, decimals));
            root.actual = Some(Arg::num(found, p.decimals));
            root
        }
    };
    root.severity = root.severity.max(severity);
    let mut first: Vec<Related> = Vec::new();
    for m in members {
        for a in m.assumed {
            if !root.assumed.contains(&a) {
                root.assumed.push(a);
            }
        }
        first.push(Related {
            at: m.at,
            note: Message::new("note.therefore")
                .text("code", m.code)
                .arg("message", Arg::Msg(Box::new(m.message))),
        });
    }
    for a in &p.alternatives {
        first.push(Related {
            at: a.clone(),
            note: Message::new("note.alternative"),
        });
    }
    // The folded places first (the snippet shows the first rows), each cell once.
    root.related.retain(|r| !first.iter().any(|x| x.at == r.at));
    first.append(&mut root.related);
    root.related = first;
    if !p.alternatives.is_empty() {
        let cells = p
            .alternatives
            .iter()
            .map(|a| format!("{}!{}", a.sheet, a.cell))
            .collect::<Vec<_>>()
            .join(", ");
        let alt = Message::new("help.alternative").text("cells", cells);
        root.help = Some(match root.help.take() {
            Some(h) => Message::new("help.join")
                .arg("first", Arg::Msg(Box::new(h)))
                .arg("second", Arg::Msg(Box::new(alt))),
            None => alt,
        });
    }
    vec![root]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Term;
    use crate::grid::Pos;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn at(sheet: &str, a1: &str) -> Location {
        let col = u32::from(a1.as_bytes()[0] - b'A');
        let row: u32 = a1[1..].parse().unwrap();
        Location {
            file: "lampiran.xlsx".into(),
            sheet: sheet.into(),
            cell: Pos::new(row - 1, col),
            text: None,
        }
    }

    fn term(sheet: &str, a1: &str, v: &str) -> Term {
        let value = d(v);
        Term {
            at: at(sheet, a1),
            value: Some(value),
            decimals: value.scale(),
        }
    }

    fn broken(code: &'static str, kind: ConstraintKind, cells: Vec<Term>) -> Finding {
        let mut f = Finding::new(
            code,
            Severity::Error,
            Message::new("footing.parent"),
            cells[0].at.clone(),
        );
        f.constraint = Some(Box::new(Constraint { cells, kind }));
        f
    }

    fn relation(expr: &str, roles: &[&str]) -> ConstraintKind {
        ConstraintKind::Relation {
            expr: Expr::parse(expr).unwrap(),
            roles: roles.iter().map(|r| (r.to_string(), false)).collect(),
        }
    }

    fn places(f: &Finding) -> Vec<String> {
        f.related
            .iter()
            .map(|r| format!("{}!{}", r.at.sheet, r.at.cell))
            .collect()
    }

    /// A leaf realisasi E2 typed 250 instead of 200 breaks its parent's sum E1, its own
    /// sisa G2 and its own % F2: one finding at E2. A same-figure conflict in another
    /// sheet is a second, independent fault: a second finding, unchanged.
    #[test]
    fn two_faults_in_independent_places_give_two_findings() {
        let s = "Tabel 3.2";
        let findings = vec![
            broken(
                "SL102",
                ConstraintKind::Sum,
                vec![
                    term(s, "E1", "300"),
                    term(s, "E2", "250"),
                    term(s, "E3", "100"),
                ],
            ),
            broken(
                "SL202",
                relation("realisasi / anggaran * 100", &["realisasi", "anggaran"]),
                vec![
                    term(s, "F2", "66.67"),
                    term(s, "E2", "250"),
                    term(s, "D2", "300"),
                ],
            ),
            broken(
                "SL207",
                relation("anggaran - realisasi", &["anggaran", "realisasi"]),
                vec![
                    term(s, "G2", "100"),
                    term(s, "D2", "300"),
                    term(s, "E2", "250"),
                ],
            ),
            broken(
                "SL601",
                ConstraintKind::Same { computed: false },
                vec![
                    term("PK", "C5", "57"),
                    term("Pengukuran", "E9", "75"),
                    term("Renja", "D4", "75"),
                ],
            ),
        ];
        let mut out = diagnose(findings);
        out.sort_by(|a, b| a.at.cmp(&b.at));
        assert_eq!(out.len(), 2, "{out:#?}");
        let root = out.iter().find(|f| f.at.sheet == s).unwrap();
        assert_eq!(root.at, at(s, "E2"));
        assert_eq!(root.code, "SL102");
        assert_eq!(root.message.id, "diagnosis.root");
        assert_eq!(root.expected, Some(Arg::num(d("200"), 0)));
        let p = places(root);
        for c in ["E1", "F2", "G2"] {
            assert!(p.contains(&format!("{s}!{c}")), "{p:?}");
        }
        assert!(root.related.iter().all(|r| r.note.id == "note.therefore"));
        let other = out.iter().find(|f| f.at.sheet == "PK").unwrap();
        assert!(other.related.is_empty() && other.code == "SL601");
    }

    /// The pagu D2 wrong instead: the same relations point at D2 (the % and the sisa
    /// agree on D2 = 250 only when D2 is the wrong one), not at the realisasi.
    #[test]
    fn the_value_that_satisfies_every_relation_decides() {
        let s = "Tabel 3.2";
        let findings = vec![
            broken(
                "SL202",
                relation("realisasi / anggaran * 100", &["realisasi", "anggaran"]),
                vec![
                    term(s, "F2", "80.00"),
                    term(s, "E2", "200"),
                    term(s, "D2", "300"),
                ],
            ),
            broken(
                "SL207",
                relation("anggaran - realisasi", &["anggaran", "realisasi"]),
                vec![
                    term(s, "G2", "50"),
                    term(s, "D2", "300"),
                    term(s, "E2", "200"),
                ],
            ),
        ];
        let out = diagnose(findings);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].at, at(s, "D2"));
        assert_eq!(out[0].expected, Some(Arg::num(d("250"), 0)));
    }

    /// Two cells explain the same broken sums equally well: one finding, naming the
    /// other cell as the alternative rather than picking one silently.
    #[test]
    fn an_ambiguous_case_gives_one_finding_naming_the_alternative() {
        let s = "LRA";
        let findings = vec![
            broken(
                "SL101",
                ConstraintKind::Sum,
                vec![term(s, "C9", "10"), term(s, "C3", "3"), term(s, "C4", "3")],
            ),
            broken(
                "SL101",
                ConstraintKind::Sum,
                vec![
                    term(s, "D9", "14"),
                    term(s, "C3", "3"),
                    term(s, "C4", "3"),
                    term(s, "D5", "4"),
                ],
            ),
        ];
        let out = diagnose(findings);
        assert_eq!(out.len(), 1, "{out:#?}");
        let f = &out[0];
        assert_eq!(f.at, at(s, "C3"));
        let help = f.help.as_ref().unwrap();
        assert_eq!(help.id, "help.alternative");
        assert_eq!(help.args, vec![("cells", Arg::text("LRA!C4"))]);
        assert!(
            f.related
                .iter()
                .any(|r| r.at == at(s, "C4") && r.note.id == "note.alternative")
        );
        let p = places(f);
        assert!(p.contains(&"LRA!C9".to_string()) && p.contains(&"LRA!D9".to_string()));
    }

    /// A relation alone stays as the check reported it, at its own cell.
    #[test]
    fn a_lone_broken_relation_is_untouched() {
        let s = "Capaian";
        let f = broken(
            "SL201",
            relation("realisasi / target * 100", &["realisasi", "target"]),
            vec![
                term(s, "F13", "101.59"),
                term(s, "E13", "96.85"),
                term(s, "D13", "95"),
            ],
        );
        let g = broken(
            "SL201",
            relation("realisasi / target * 100", &["realisasi", "target"]),
            vec![
                term(s, "F14", "90.00"),
                term(s, "E14", "80"),
                term(s, "D14", "100"),
            ],
        );
        let out = diagnose(vec![f.clone(), g.clone()]);
        assert_eq!(out, vec![f, g]);
    }
}
