//! Family 4, cross-document identity: the same figure — (subject, measure, period,
//! version) — has one value everywhere in a submission. One finding per cell that
//! disagrees, at that cell, listing every place the figure appears and saying which value
//! the arithmetic, the majority or the more authoritative document supports.

use super::{Context, RuleDoc, finding, num, percent};
use crate::facts::{self, Fact, Subject};
use crate::figure;
use crate::finding::{Arg, Finding, Message, Related, Severity};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::rc::Rc;

pub const CONFLICT: RuleDoc = RuleDoc {
    code: "SL601",
    name: "cross-document-mismatch",
    family: "identity",
    severity: Severity::Error,
    title: "rule.SL601.title",
    explain: "rule.SL601.explain",
};
pub const TWO_WAYS: RuleDoc = RuleDoc {
    code: "SL602",
    name: "rounded-and-truncated",
    family: "identity",
    severity: Severity::Warning,
    title: "rule.SL602.title",
    explain: "rule.SL602.explain",
};
pub const COUNTS: RuleDoc = RuleDoc {
    code: "SL603",
    name: "item-count-mismatch",
    family: "identity",
    severity: Severity::Warning,
    title: "rule.SL603.title",
    explain: "rule.SL603.explain",
};
pub static RULES: [RuleDoc; 3] = [CONFLICT, TWO_WAYS, COUNTS];

/// Two facts show the same figure: equal, or one shows the other with fewer decimals
/// (rounded or truncated), or one is a bare fraction of the other's percentage.
fn same(a: &Fact, b: &Fact) -> bool {
    let (x, y) = (a.value.value, b.value.value);
    if x == y {
        return true;
    }
    let hundred = Decimal::ONE_HUNDRED;
    // A percentage too large to compute is no fraction of anything.
    let as_percent = |f: Decimal| f.checked_mul(hundred);
    if (a.maybe_fraction && as_percent(x) == Some(y))
        || (b.maybe_fraction && as_percent(y) == Some(x))
    {
        return true;
    }
    // 95,0 shows 95,02 with fewer decimals; a whole 82 is a target of its own, not 81,65.
    let (short, long) = if a.value.decimals < b.value.decimals {
        (a, b)
    } else {
        (b, a)
    };
    short.value.decimals >= 1
        && short.value.decimals < long.value.decimals
        && figure::agrees(short.value.value, short.value.decimals, long.value.value)
}

/// Facts that must agree, grouped: same subject, measure and period; a version compared
/// with its own kind, facts without a version with the final one (perubahan if any).
fn comparison_sets(facts: &[Fact]) -> Vec<Vec<&Fact>> {
    // Hashed, then sorted once: a tree would compare the subjects' names at every insert.
    let mut grouped: rustc_hash::FxHashMap<(&Subject, &str, Option<i32>), Vec<&Fact>> =
        rustc_hash::FxHashMap::default();
    for f in facts {
        grouped
            .entry((&f.subject, f.measure, f.period))
            .or_default()
            .push(f);
    }
    let mut groups: Vec<_> = grouped.into_iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut sets = Vec::new();
    for (_, group) in groups {
        let has = |v: &str| group.iter().any(|f| f.version == Some(v));
        let final_version = if has("perubahan") {
            Some("perubahan")
        } else if has("murni") {
            Some("murni")
        } else {
            None
        };
        let mut by_version: BTreeMap<Option<&str>, Vec<&Fact>> = BTreeMap::new();
        for &f in &group {
            let v = f.version.or(final_version);
            by_version.entry(v).or_default().push(f);
        }
        // A name repeated on two rows of one table (a tujuan and a sasaran both measured
        // by "IKM") is two levels of the plan, not one figure: only compare across tables.
        sets.extend(by_version.into_values().filter(|s| {
            let mut tables: Vec<(usize, usize)> = s.iter().map(|f| (f.doc, f.table)).collect();
            tables.sort();
            tables.dedup();
            tables.len() >= 2
        }));
    }
    sets
}

/// The value most places agree on among some facts (None when no clear majority).
fn consensus(set: &[&Fact]) -> Option<Decimal> {
    let clusters = cluster(set);
    let mut sizes: Vec<(usize, usize)> = clusters
        .iter()
        .enumerate()
        .map(|(k, c)| (places(c), k))
        .collect();
    sizes.sort_by(|a, b| b.cmp(a));
    let value_of = |k: usize| Some(clusters.get(k)?.first()?.value.value);
    match sizes.as_slice() {
        [(n, k)] if *n > 0 => value_of(*k),
        [(n1, k), (n2, _), ..] if n1 > n2 => value_of(*k),
        _ => None,
    }
}

/// Facts grouped by the figure they show, in order of first appearance; every cluster
/// has one fact at least.
fn cluster<'a>(set: &[&'a Fact]) -> Vec<Vec<&'a Fact>> {
    let mut clusters: Vec<Vec<&Fact>> = Vec::new();
    for &f in set {
        match clusters
            .iter_mut()
            .find(|c| c.first().is_some_and(|first| same(first, f)))
        {
            Some(c) => c.push(f),
            None => clusters.push(vec![f]),
        }
    }
    clusters
}

/// Distinct tables a cluster appears in (the same figure twice in one row counts once).
fn places(c: &[&Fact]) -> usize {
    let mut t: Vec<(usize, usize)> = c.iter().map(|f| (f.doc, f.table)).collect();
    t.sort();
    t.dedup();
    t.len()
}

/// What the arithmetic says the figure should be, and the formula that says it.
fn arithmetic<'a>(
    ctx: &Context,
    facts: &'a [Fact],
    set: &[&Fact],
    absorption: Option<&String>,
) -> Option<(Decimal, Vec<Arg>)> {
    let f = set.first()?;
    let find = |subject: &Subject, measure: &str, kinds: Option<&str>| -> Vec<&Fact> {
        facts
            .iter()
            .filter(|o| {
                o.subject == *subject
                    && o.measure == measure
                    && o.period == f.period
                    && kinds.is_none_or(|k| &*o.kind == k)
            })
            .collect()
    };

    let is_absorption =
        matches!(&f.subject, Subject::Name(n) if Some(n) == absorption) && f.measure == "realisasi";
    if is_absorption || (f.subject == Subject::Total && f.measure == "penyerapan") {
        // The LRA: total realisasi / total anggaran × 100.
        let r = consensus(&find(&Subject::Total, "realisasi_anggaran", Some("lra")))?;
        let a = consensus(&find(&Subject::Total, "anggaran", Some("lra")))?;
        // A zero anggaran (or figures too large to divide) has no arithmetic.
        let exact = percent(r, a)?;
        return Some((
            exact,
            vec![
                num(r, 0),
                Arg::Text(" / ".into()),
                num(a, 0),
                Arg::Text(" × 100".into()),
            ],
        ));
    }
    if f.entity && f.measure == "penyerapan" && f.subject != Subject::Total {
        // A programme's absorption: its realisasi / its final pagu × 100.
        let not_murni = |v: Vec<&'a Fact>| {
            v.into_iter()
                .filter(|o| o.version != Some("murni"))
                .collect::<Vec<_>>()
        };
        let r = consensus(&find(&f.subject, "realisasi_anggaran", None))?;
        let a = consensus(&not_murni(find(&f.subject, "anggaran", None)))?;
        return Some((
            percent(r, a)?,
            vec![
                num(r, 0),
                Arg::Text(" / ".into()),
                num(a, 0),
                Arg::Text(" × 100".into()),
            ],
        ));
    }
    if f.measure == "capaian" {
        let t = consensus(&find(&f.subject, "target", None))?;
        let r = consensus(&find(&f.subject, "realisasi", None))?;
        let lower = ctx.rules.is_lower_better(&f.label);
        // A zero target (or figures too large to compute with) has no arithmetic.
        let exact = if lower {
            percent(Decimal::TWO.checked_mul(t)?.checked_sub(r)?, t)?
        } else {
            percent(r, t)?
        };
        let d = |x: Decimal| num(x, x.normalize().scale());
        let shown = if lower {
            vec![
                Arg::Text("(2 × ".into()),
                d(t),
                Arg::Text(" − ".into()),
                d(r),
                Arg::Text(") / ".into()),
                d(t),
                Arg::Text(" × 100".into()),
            ]
        } else {
            vec![
                d(r),
                Arg::Text(" / ".into()),
                d(t),
                Arg::Text(" × 100".into()),
            ]
        };
        return Some((exact, shown));
    }
    None
}

/// The authority rank of a document kind for a measure (lower is more authoritative).
fn authority(ctx: &Context, measure: &str, kind: &str) -> usize {
    let a = &ctx.rules.identity.authority;
    let list = a.get(measure).or_else(|| a.get("default"));
    list.and_then(|l| l.iter().position(|k| k == kind))
        .unwrap_or(usize::MAX / 2)
}

/// How serious it is that `wrong` differs from the agreed value of `right`.
fn severity(ctx: &Context, wrong: &Fact, right: &[&Fact]) -> Severity {
    let id = &ctx.rules.identity;
    let pair = |a: &str, b: &str| -> Severity {
        id.links
            .iter()
            .find(|l| {
                l.measure == wrong.measure
                    && l.between.iter().any(|x| x == a)
                    && l.between.iter().any(|x| x == b)
                    && (a != b || l.between.iter().filter(|x| *x == a).count() > 1)
            })
            .and_then(|l| Severity::parse(&l.severity))
            .unwrap_or(Severity::Error)
    };
    // A plan that drifts from the agreement is judged against the agreement alone.
    if id.drift.plans.iter().any(|p| **p == *wrong.kind)
        && right.iter().any(|r| *r.kind == *id.drift.reference)
    {
        return pair(&wrong.kind, &id.drift.reference);
    }
    right
        .iter()
        .map(|r| pair(&wrong.kind, &r.kind))
        .max()
        .unwrap_or(Severity::Error)
}

fn measure_label(m: &str) -> Message {
    Message::new(match m {
        "target" => "measure.target",
        "realisasi" => "measure.realisasi",
        "capaian" => "measure.capaian",
        "anggaran" => "measure.anggaran",
        "realisasi_anggaran" => "measure.realisasi_anggaran",
        "penyerapan" => "measure.penyerapan",
        "kemajuan" => "measure.kemajuan",
        "efisiensi" => "measure.efisiensi",
        "target_akhir" => "measure.target_akhir",
        _ => "measure.other",
    })
}

fn kind_label(k: &str) -> Message {
    Message::new(match k {
        "pk" => "kind.pk",
        "renja" => "kind.renja",
        "renstra" => "kind.renstra",
        "lra" => "kind.lra",
        "sumber-daya" => "kind.sumber-daya",
        "pengukuran" => "kind.pengukuran",
        "laporan" => "kind.laporan",
        _ => "kind.analisis",
    })
}

/// How a row was recognised as a programme, kegiatan or sub kegiatan, from the surest
/// to the least sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Basis {
    /// Its kode has 3, 5 or 6 segments.
    Kode,
    /// Its name says its level ("Program …", "Kegiatan …", "[SUB KEGIATAN] …").
    Words,
    /// Its depth in the numbering (I → A → 1) under rows confirmed as programmes.
    Numbering,
}

impl Basis {
    const ALL: [Basis; 3] = [Basis::Kode, Basis::Words, Basis::Numbering];

    fn label(self) -> Message {
        Message::new(match self {
            Basis::Kode => "level.by_kode",
            Basis::Words => "level.by_words",
            Basis::Numbering => "level.by_numbering",
        })
    }
}

/// One level as one table lists it: how many items, and how they were recognised.
#[derive(Debug, Clone, Default)]
struct LevelCount {
    count: usize,
    /// Which [`Basis`] recognised at least one counted item, in [`Basis::ALL`] order.
    bases: [bool; 3],
}

impl LevelCount {
    /// "kode, kata penanda tingkat": how this table's items of the level were recognised.
    fn how(&self) -> Arg {
        let mut parts = Vec::new();
        for (b, _) in Basis::ALL.iter().zip(self.bases).filter(|(_, used)| *used) {
            if !parts.is_empty() {
                parts.push(Arg::Text(", ".into()));
            }
            parts.push(Arg::Msg(Box::new(b.label())));
        }
        Arg::Formula(parts)
    }
}

/// The level a row's name says (0 programme, 1 kegiatan, 2 sub kegiatan), by the level
/// words of the rules. A name taken from the indicator column says nothing of the level:
/// indicators such as "Kegiatan yang terlaksana" are no kegiatan.
fn level_by_words(r: &crate::table::Row, rules: &crate::rules::Rules) -> Option<usize> {
    if r.name.is_empty() || (!r.indicator.is_empty() && r.name == r.indicator) {
        return None;
    }
    let name = crate::rules::normalize(&r.name);
    rules
        .levels
        .iter()
        .rposition(|p| p.is_match(&name))
        .filter(|&l| l < 3)
}

/// The level a row's kode gives (3, 5, 6 segments).
fn level_by_kode(r: &crate::table::Row) -> Option<usize> {
    match r.kode_segments.as_ref().map(Vec::len) {
        Some(3) => Some(0),
        Some(5) => Some(1),
        Some(6) => Some(2),
        _ => None,
    }
}

/// Programmes, kegiatan and sub kegiatan listed in one table, each level only where its
/// rows are known to be of that level: by kode (3, 5, 6 segments), by the words of their
/// name ("Program …", "Kegiatan …", "[SUB KEGIATAN] …"), or by their depth in the
/// numbering (I → A → 1) when every top-level numbered row is a programme by kode or
/// words. Numbered sasaran or indicator rows (1, 2, 3 …) are no programmes. Where a level
/// has rows with a kode, only those count (once per kode): rows without one are further
/// lines of the same item.
fn level_counts(t: &crate::table::Table, rules: &crate::rules::Rules) -> [LevelCount; 3] {
    let depth = |i: usize| {
        let mut d = 0usize;
        let mut p = t.rows.get(i).and_then(|r| r.parent);
        while let Some(parent) = p.and_then(|j| t.rows.get(j)) {
            d += 1;
            p = parent.parent;
            if d > t.rows.len() {
                break;
            }
        }
        d
    };
    let sure = |r: &crate::table::Row| level_by_kode(r).or_else(|| level_by_words(r, rules));
    // The numbering is trusted only under top-level rows confirmed as programmes.
    let mut top = t
        .rows
        .iter()
        .enumerate()
        .filter(|(i, r)| !r.total && r.numbering.is_some() && depth(*i) == 0)
        .peekable();
    let numbering_trusted = top.peek().is_some() && top.all(|(_, r)| sure(r) == Some(0));

    let mut levels: [Vec<(Basis, &crate::table::Row)>; 3] = Default::default();
    for (i, r) in t.rows.iter().enumerate() {
        if r.total {
            continue;
        }
        let found = level_by_kode(r)
            .map(|l| (l, Basis::Kode))
            .or_else(|| level_by_words(r, rules).map(|l| (l, Basis::Words)))
            .or_else(|| {
                let d = depth(i);
                (numbering_trusted && r.numbering.is_some() && d < 3)
                    .then_some((d, Basis::Numbering))
            });
        if let Some((l, basis)) = found
            && let Some(rows) = levels.get_mut(l)
        {
            rows.push((basis, r));
        }
    }
    let mut out: [LevelCount; 3] = Default::default();
    for (rows, n) in levels.iter().zip(out.iter_mut()) {
        let by_kode = rows.iter().any(|(b, _)| *b == Basis::Kode);
        let mut kodes: rustc_hash::FxHashSet<&[u32]> = Default::default();
        let mut previous: Option<&str> = None;
        for (basis, r) in rows {
            if by_kode {
                // Once per kode; rows of the level without a kode are not counted.
                match r.kode_segments.as_deref() {
                    Some(k) if *basis == Basis::Kode && kodes.insert(k) => {}
                    _ => continue,
                }
            } else if r.numbering.is_none() && previous == Some(r.name.as_str()) {
                // The same name again, unnumbered: another line of the same item.
                continue;
            }
            previous = Some(r.name.as_str());
            n.count += 1;
            if let Some(used) = Basis::ALL
                .iter()
                .position(|b| b == basis)
                .and_then(|k| n.bases.get_mut(k))
            {
                *used = true;
            }
        }
    }
    out
}

/// The Renja, the PK and the measurement lampiran list the same programmes, kegiatan and
/// sub kegiatan. A level is compared only between tables that both list it with
/// confidence (see [`level_counts`]); each table against the first Renja table that lists
/// the level.
fn counts(ctx: &Context, kinds: &[Vec<Rc<str>>], out: &mut Vec<Finding>) {
    let mut seen: Vec<(Rc<str>, crate::finding::Location, [LevelCount; 3])> = Vec::new();
    for (doc, doc_kinds) in ctx.docs.iter().zip(kinds) {
        for (t, kind) in doc.tables.iter().zip(doc_kinds) {
            // Tables of figures only: a scale ("Keterangan") on the same sheet is no list.
            if !matches!(&**kind, "renja" | "pengukuran" | "pk")
                || !t.columns.iter().any(|c| c.numeric)
            {
                continue;
            }
            let n = level_counts(t, ctx.rules);
            if n.iter().all(|x| x.count == 0) {
                continue;
            }
            seen.push((
                kind.clone(),
                super::loc(
                    doc,
                    t.sheet,
                    crate::grid::Pos::new(t.header_top, t.columns.first().map_or(0, |c| c.col)),
                ),
                n,
            ));
        }
    }
    let names = ["level.program", "level.kegiatan", "level.sub"];
    for (level, name) in names.iter().enumerate() {
        let listed = |n: &[LevelCount; 3]| n.get(level).filter(|x| x.count > 0).cloned();
        let Some((ref_at, reference)) = seen
            .iter()
            .filter(|(k, _, _)| &**k == "renja")
            .find_map(|(_, at, n)| Some((at, listed(n)?)))
        else {
            continue;
        };
        for (kind, at, n) in &seen {
            if &**kind == "renja" {
                continue;
            }
            // A table that does not list the level with confidence says nothing of it.
            let Some(found) = listed(n) else {
                continue;
            };
            if found.count == reference.count {
                continue;
            }
            out.push(count_finding(
                ctx,
                kind,
                name,
                (at, &found),
                (ref_at, &reference),
            ));
        }
    }
}

/// The programmes, kegiatan and sub kegiatan of the submission's plan: the first Renja
/// table that lists all three levels with confidence (see [`level_counts`]).
pub(crate) fn plan_counts(ctx: &Context) -> Option<[u32; 3]> {
    let kinds = facts::doc_kinds(ctx.docs, ctx.rules);
    for (doc, doc_kinds) in ctx.docs.iter().zip(&kinds) {
        for (t, kind) in doc.tables.iter().zip(doc_kinds) {
            if &**kind != "renja" || !t.columns.iter().any(|c| c.numeric) {
                continue;
            }
            let n = level_counts(t, ctx.rules);
            if n.iter().all(|x| x.count > 0) {
                let c = |k: usize| n.get(k).map_or(0, |x| u32::try_from(x.count).unwrap_or(0));
                return Some([c(0), c(1), c(2)]);
            }
        }
    }
    None
}

fn count_finding(
    ctx: &Context,
    kind: &str,
    level: &'static str,
    (at, found): (&crate::finding::Location, &LevelCount),
    (ref_at, reference): (&crate::finding::Location, &LevelCount),
) -> Finding {
    let num = |n: usize| Arg::Num {
        value: i64::try_from(n).unwrap_or(i64::MAX).into(),
        decimals: 0,
    };
    let mut f = finding(
        ctx,
        &COUNTS,
        Message::new("identity.counts")
            .arg("level", Arg::Msg(Box::new(Message::new(level))))
            .arg("kind", Arg::Msg(Box::new(kind_label(kind))))
            .arg("found", num(found.count))
            .arg("how", found.how())
            .arg("expected", num(reference.count))
            .arg("ref_how", reference.how()),
        at.clone(),
    );
    f.expected = Some(num(reference.count));
    f.actual = Some(num(found.count));
    f.related = vec![Related {
        at: ref_at.clone(),
        note: Message::new("note.same_figure")
            .arg("kind", Arg::Msg(Box::new(kind_label("renja"))))
            .arg("value", num(reference.count)),
    }];
    f
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    // A figure repeated needs two tables at least.
    if ctx.docs.iter().map(|d| d.tables.len()).sum::<usize>() < 2 {
        return;
    }
    let gathered = ctx.gathered();
    let kinds = &gathered.kinds;
    counts(ctx, kinds, out);
    let facts = &gathered.facts;
    let absorption = ctx
        .rules
        .identity
        .absorption
        .first()
        .map(|a| facts::Names::new(ctx.rules).normalize(a));
    for set in comparison_sets(facts) {
        let Some(first) = set.first() else {
            continue;
        };
        let clusters = cluster(&set);
        if clusters.len() < 2 {
            continue;
        }
        let arith = arithmetic(ctx, facts, &set, absorption.as_ref());
        // Which value is right: the one the arithmetic supports; else the one most
        // places show; else the one the most authoritative document shows.
        let supported: Vec<usize> = match &arith {
            Some((exact, _)) => clusters
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.first()
                        .is_some_and(|f| figure::agrees(f.value.value, f.value.decimals, *exact))
                })
                .map(|(k, _)| k)
                .collect(),
            None => Vec::new(),
        };
        let measure = &first.measure;
        let best_authority = |c: &[&Fact]| {
            c.iter()
                .map(|f| authority(ctx, measure, &f.kind))
                .min()
                .unwrap_or(usize::MAX)
        };
        let right = if let [only] = supported.as_slice() {
            *only
        } else {
            // Clusters are in order of first appearance, so the last key, the cluster's
            // number, prefers the figure seen first.
            let Some((k, _)) = clusters
                .iter()
                .enumerate()
                .filter(|(k, _)| supported.is_empty() || supported.contains(k))
                .min_by_key(|(k, c)| (std::cmp::Reverse(places(c)), best_authority(c), *k))
            else {
                continue;
            };
            k
        };
        let Some(right_facts) = clusters.get(right) else {
            continue;
        };
        let Some(right_value) = right_facts
            .iter()
            .max_by_key(|f| f.value.decimals)
            .map(|f| f.value.clone())
        else {
            continue;
        };
        let others = set.len().saturating_sub(right_facts.len());
        for (k, c) in clusters.iter().enumerate() {
            if k == right {
                continue;
            }
            for &w in c {
                out.push(conflict(
                    ctx,
                    facts,
                    &set,
                    w,
                    right_facts,
                    &right_value,
                    arith.as_ref(),
                    others,
                ));
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn conflict(
    ctx: &Context,
    facts: &[Fact],
    set: &[&Fact],
    w: &Fact,
    right: &[&Fact],
    right_value: &figure::Figure,
    arith: Option<&(Decimal, Vec<Arg>)>,
    _others: usize,
) -> Finding {
    let dec = w.value.decimals;
    let expected_shown = figure::round_half_up(
        right_value.value,
        dec.max(right_value.decimals)
            .min(right_value.decimals.max(dec)),
    );
    // Shown two ways: the arithmetic's exact value truncated here, rounded elsewhere.
    let two_ways = arith.is_some_and(|(exact, _)| {
        figure::truncate(*exact, dec) == w.value.value
            && figure::round_half_up(*exact, dec) != w.value.value
    });
    // A sentence of the report against the tables is the report family's own rule.
    let rule = if two_ways {
        &TWO_WAYS
    } else if w.text.is_some() {
        &super::claims::MISMATCH
    } else {
        &CONFLICT
    };
    let period = w
        .period
        .map(|p| {
            Arg::Msg(Box::new(
                Message::new("identity.period").text("year", p.to_string()),
            ))
        })
        .unwrap_or(Arg::Text(String::new()));
    let support = match arith {
        Some((exact, formula))
            if figure::agrees(right_value.value, right_value.decimals, *exact) =>
        {
            Arg::Msg(Box::new(
                Message::new("identity.by_arithmetic")
                    .arg("formula", Arg::Formula(formula.clone()))
                    .num(
                        "exact",
                        figure::round_half_up(*exact, right_value.decimals),
                        right_value.decimals,
                    ),
            ))
        }
        _ => Arg::Msg(Box::new(Message::new("identity.by_places").arg(
            "count",
            Arg::Num {
                value: (right.len() as i64).into(),
                decimals: 0,
            },
        ))),
    };
    let mut f = finding(
        ctx,
        rule,
        Message::new(if two_ways {
            "identity.two_ways"
        } else {
            "identity.conflict"
        })
        .arg("measure", Arg::Msg(Box::new(measure_label(w.measure))))
        .text("subject", w.label.clone())
        .arg("period", period)
        .num("found", w.value.value, dec)
        .num("expected", right_value.value, right_value.decimals)
        .arg("support", support)
        .arg("here", Arg::Msg(Box::new(kind_label(&w.kind))))
        .arg("there", kinds_list(right)),
        w.at(ctx.docs),
    );
    if !two_ways {
        f.severity = ctx.rules.severity(rule.code, severity(ctx, w, right));
    }
    let _ = expected_shown;
    f.expected = Some(num(right_value.value, right_value.decimals));
    f.actual = Some(num(w.value.value, dec));
    f.related = set
        .iter()
        .filter(|o| !o.same_cell(w))
        .map(|o| Related {
            at: o.at(ctx.docs),
            note: Message::new("note.same_figure")
                .arg("kind", Arg::Msg(Box::new(kind_label(&o.kind))))
                .num("value", o.value.value, o.value.decimals),
        })
        .collect();
    f.help = hint(ctx.docs, facts, w, right_value);
    // "This cell shows the figure the agreed places show", for the diagnosis.
    let term = |o: &Fact| crate::finding::Term {
        at: o.at(ctx.docs),
        value: Some(o.value.value),
        decimals: o.value.decimals,
    };
    f.constraint = Some(Box::new(crate::finding::Constraint {
        cells: std::iter::once(term(w))
            .chain(right.iter().filter(|o| !o.same_cell(w)).map(|o| term(o)))
            .collect(),
        kind: crate::finding::ConstraintKind::Same {
            computed: arith.is_some_and(|(exact, _)| {
                figure::agrees(right_value.value, right_value.decimals, *exact)
            }),
        },
    }));
    // A year only inferred: say so, and claim no more than a likely mistake.
    if let Some(assumed) = std::iter::once(w)
        .chain(right.iter().copied())
        .find_map(|o| o.year_guess.and_then(|g| g.assumption()))
    {
        f.assumed.push(assumed);
        f.severity = f.severity.min(Severity::Warning);
    }
    f
}

/// "Perjanjian Kinerja, Pengukuran Kinerja, tabel analisis": the documents of the agreed value.
fn kinds_list(facts: &[&Fact]) -> Arg {
    let mut kinds: Vec<&str> = Vec::new();
    for f in facts {
        if !kinds.contains(&&*f.kind) {
            kinds.push(&f.kind);
        }
    }
    let mut parts = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        if i > 0 {
            parts.push(Arg::Text(", ".into()));
        }
        parts.push(Arg::Msg(Box::new(kind_label(k))));
    }
    Arg::Formula(parts)
}

/// Why the figure may be wrong: digits transposed, last year's figure, another
/// subject's or another column's figure, the same figure rounded differently.
fn hint(
    docs: &[crate::doc::Doc],
    facts: &[Fact],
    w: &Fact,
    right: &figure::Figure,
) -> Option<Message> {
    if let Some(h) = crate::hints::difference(right.value, w.value.value) {
        return Some(h);
    }
    let v = w.value.value;
    let d = w.value.decimals.min(right.decimals);
    let last_digit_apart = figure::round_half_up(v, d)
        .checked_sub(figure::round_half_up(right.value, d))
        .is_some_and(|diff| Decimal::try_new(1, d).is_ok_and(|unit| diff.abs() == unit));
    if d > 0 && last_digit_apart {
        return Some(Message::new("hint.last_digit"));
    }
    let place = |o: &Fact| format!("{}!{}", o.sheet_name(docs), o.cell);
    // Trivial values (0, 100, small whole numbers) say nothing about where they came from.
    let telling = v.fract() != Decimal::ZERO || v.abs() > Decimal::from(1000);
    if !telling {
        return None;
    }
    // A capaian computed from a realisasi that another place contradicts.
    if w.measure == "capaian" {
        let of = |m: &'static str| {
            facts
                .iter()
                .filter(move |o| o.subject == w.subject && o.measure == m && o.period == w.period)
        };
        // A realisasi that some other place contradicts (another value for the same figure).
        let contradicted = |r: &Fact| of("realisasi").any(|o| o.value.value != r.value.value);
        for t in of("target") {
            for r in of("realisasi") {
                let capaian = percent(r.value.value, t.value.value);
                if contradicted(r)
                    && capaian.is_some_and(|c| figure::agrees(v, w.value.decimals, c))
                {
                    return Some(
                        Message::new("hint.from_other_realisasi")
                            .num("realisasi", r.value.value, r.value.decimals)
                            .text("place", place(r)),
                    );
                }
            }
        }
    }
    if let Some(o) = facts.iter().find(|o| {
        o.subject == w.subject
            && o.measure == w.measure
            && o.period.is_some()
            && w.period.is_some()
            && o.period < w.period
            && o.value.value == v
    }) {
        return Some(
            Message::new("hint.last_year")
                .text("year", o.period.map(|p| p.to_string()).unwrap_or_default())
                .text("place", place(o)),
        );
    }
    if let Some(o) = facts
        .iter()
        .find(|o| o.subject != w.subject && o.measure == w.measure && o.value.value == v)
    {
        return Some(
            Message::new("hint.other_subject")
                .text("subject", o.label.clone())
                .text("place", place(o)),
        );
    }
    if let Some(o) = facts
        .iter()
        .find(|o| o.subject == w.subject && o.measure != w.measure && o.value.value == v)
    {
        return Some(
            Message::new("hint.other_measure")
                .arg("measure", Arg::Msg(Box::new(measure_label(o.measure))))
                .text("place", place(o)),
        );
    }
    None
}
