//! Family 7, the report's sentences: what a sentence of the report document says must
//! hold by its own arithmetic (capaian, budget percentage, a stated change), agree with
//! the other sentences (counts of programmes), with the scale the report states (a
//! predikat), and with the tables and lampiran (SL706, found by cross-document identity
//! with the sentence as one more place). A figure that cannot be read is SL501.

use super::{Context, RuleDoc, finding, num};
use crate::claims::{Claim, ClaimKind, Stated};
use crate::facts::{self, Subject};
use crate::figure;
use crate::finding::{Arg, Finding, Message, Related, Severity};
use rust_decimal::Decimal;

pub const CAPAIAN: RuleDoc = RuleDoc {
    code: "SL701",
    name: "sentence-capaian",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL701.title",
    explain: "rule.SL701.explain",
};
pub const PERSEN: RuleDoc = RuleDoc {
    code: "SL702",
    name: "sentence-budget-percent",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL702.title",
    explain: "rule.SL702.explain",
};
pub const CHANGE: RuleDoc = RuleDoc {
    code: "SL703",
    name: "sentence-change",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL703.title",
    explain: "rule.SL703.explain",
};
pub const COUNTS: RuleDoc = RuleDoc {
    code: "SL704",
    name: "sentence-counts",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL704.title",
    explain: "rule.SL704.explain",
};
pub const PREDIKAT: RuleDoc = RuleDoc {
    code: "SL705",
    name: "sentence-predikat",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL705.title",
    explain: "rule.SL705.explain",
};
pub const MISMATCH: RuleDoc = RuleDoc {
    code: "SL706",
    name: "sentence-table-mismatch",
    family: "laporan",
    severity: Severity::Error,
    title: "rule.SL706.title",
    explain: "rule.SL706.explain",
};
pub static RULES: [RuleDoc; 6] = [CAPAIAN, PERSEN, CHANGE, COUNTS, PREDIKAT, MISMATCH];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    if !ctx.docs.iter().any(crate::doc::Doc::is_report) {
        return;
    }
    let claims = &ctx.gathered().claims;
    let mut counts: Vec<&Claim> = Vec::new();
    for c in claims {
        match &c.kind {
            ClaimKind::Performance {
                target: Some(t),
                realisasi: Some(r),
                capaian: Some(cp),
                ..
            } if t.value.percent == r.value.percent => capaian(ctx, c, t, r, cp, out),
            ClaimKind::Budget {
                anggaran: Some(a),
                realisasi: Some(r),
                persen: Some(p),
            } => persen(ctx, c, a, r, p, out),
            ClaimKind::Change {
                earlier,
                later,
                change: d,
                decrease,
            } => change(ctx, c, earlier, later, d, *decrease, out),
            ClaimKind::Counts { .. } => counts.push(c),
            ClaimKind::Malformed { text, reason, span } => {
                let mut f = finding(
                    ctx,
                    &super::figures::MALFORMED,
                    Message::new("figure.malformed")
                        .text("text", text.clone())
                        .arg(
                            "reason",
                            Arg::Msg(Box::new(Message::new(reason.message_id()))),
                        ),
                    c.at(ctx.docs, *span),
                );
                f.actual = Some(Arg::Text(text.clone()));
                out.push(f);
            }
            _ => {}
        }
        // A predikat rates the capaian; without one, the value itself ("Nilai IKM … 88,74
        // dan masuk dalam kategori Sangat Baik") on a scale of values.
        if let ClaimKind::Performance {
            capaian,
            realisasi,
            predikat: Some((label, span)),
            ..
        } = &c.kind
        {
            match (capaian, realisasi) {
                (Some(cp), _) => predikat(ctx, c, cp, false, label, *span, out),
                (None, Some(r)) => predikat(ctx, c, r, true, label, *span, out),
                _ => {}
            }
        }
    }
    count_claims(ctx, &counts, out);
}

/// Whether a stated figure shows `exact` (rounded half up, or cut, to its decimals).
fn shows(stated: &Stated, exact: Decimal) -> bool {
    let d = stated.value.decimals;
    figure::agrees(stated.value.value, d, exact) || figure::truncate(exact, d) == stated.value.value
}

fn capaian(ctx: &Context, c: &Claim, t: &Stated, r: &Stated, cp: &Stated, out: &mut Vec<Finding>) {
    let (tv, rv) = (t.value.value, r.value.value);
    if tv.is_zero() {
        return;
    }
    let lower = c
        .subject
        .as_ref()
        .is_some_and(|(_, label)| !label.is_empty() && ctx.rules.is_lower_better(label));
    let hundred = Decimal::ONE_HUNDRED;
    let exact = if lower {
        (Decimal::TWO * tv - rv).checked_div(tv)
    } else {
        rv.checked_div(tv)
    }
    .and_then(|x| x.checked_mul(hundred));
    let Some(exact) = exact else { return };
    if shows(cp, exact) {
        return;
    }
    let d = cp.value.decimals;
    let formula = if lower {
        Message::new("claims.formula_capaian_lower")
    } else {
        Message::new("claims.formula_capaian")
    }
    .num("target", tv, t.value.decimals)
    .num("realisasi", rv, r.value.decimals);
    let mut f = finding(
        ctx,
        &CAPAIAN,
        Message::new("claims.capaian")
            .num("found", cp.value.value, d)
            .arg("formula", Arg::Msg(Box::new(formula)))
            .num("expected", figure::round_half_up(exact, d.max(2)), d.max(2)),
        c.at(ctx.docs, cp.span),
    );
    f.expected = Some(num(figure::round_half_up(exact, d.max(2)), d.max(2)));
    f.actual = Some(num(cp.value.value, d));
    out.push(f);
}

fn persen(ctx: &Context, c: &Claim, a: &Stated, r: &Stated, p: &Stated, out: &mut Vec<Finding>) {
    let Some(exact) = r
        .value
        .value
        .checked_div(a.value.value)
        .and_then(|x| x.checked_mul(Decimal::ONE_HUNDRED))
    else {
        return;
    };
    if shows(p, exact) {
        return;
    }
    let d = p.value.decimals.max(2);
    let mut f = finding(
        ctx,
        &PERSEN,
        Message::new("claims.persen")
            .num("found", p.value.value, p.value.decimals)
            .num("realisasi", r.value.value, r.value.decimals)
            .num("anggaran", a.value.value, a.value.decimals)
            .num("expected", figure::round_half_up(exact, d), d),
        c.at(ctx.docs, p.span),
    );
    f.expected = Some(num(figure::round_half_up(exact, d), d));
    f.actual = Some(num(p.value.value, p.value.decimals));
    out.push(f);
}

#[allow(clippy::too_many_arguments)]
fn change(
    ctx: &Context,
    c: &Claim,
    earlier: &(i32, Stated),
    later: &(i32, Stated),
    d: &Stated,
    decrease: bool,
    out: &mut Vec<Finding>,
) {
    let (a, b) = (&earlier.1, &later.1);
    // A percentage and a plain figure are not two values of one thing.
    if a.value.percent != b.value.percent && d.value.percent != a.value.percent {
        return;
    }
    let diff = b.value.value - a.value.value;
    let direction_ok = if decrease {
        diff <= Decimal::ZERO
    } else {
        diff >= Decimal::ZERO
    };
    if direction_ok && shows(d, diff.abs()) {
        return;
    }
    let dec = a.value.decimals.max(b.value.decimals);
    let mut f = finding(
        ctx,
        &CHANGE,
        Message::new(if direction_ok {
            "claims.change"
        } else {
            "claims.change_direction"
        })
        .num("found", d.value.value, d.value.decimals)
        .text("year_a", earlier.0.to_string())
        .num("a", a.value.value, a.value.decimals)
        .text("year_b", later.0.to_string())
        .num("b", b.value.value, b.value.decimals)
        .num("expected", diff.abs(), dec),
        c.at(ctx.docs, d.span),
    );
    f.expected = Some(num(diff.abs(), dec));
    f.actual = Some(num(d.value.value, d.value.decimals));
    f.related = [earlier, later]
        .iter()
        .map(|(y, s)| Related {
            at: c.at(ctx.docs, s.span),
            note: Message::new("note.year_value")
                .text("year", y.to_string())
                .num("value", s.value.value, s.value.decimals),
        })
        .collect();
    out.push(f);
}

fn predikat(
    ctx: &Context,
    c: &Claim,
    cp: &Stated,
    value_scale: bool,
    label: &str,
    span: (usize, usize),
    out: &mut Vec<Finding>,
) {
    // The scales the report states whose labels include this one, else the defaults.
    let mut scales: Vec<(crate::scale::Scale, String)> = Vec::new();
    for fs in ctx.stated_scales() {
        // A scale of values ("nilai") rates a value, the others a capaian.
        if (fs.measure == "nilai") == value_scale {
            scales.push((fs.scale.clone(), fs.name.clone()));
        }
    }
    // A scale of values rates one indicator (the IKM's, the SAKIP's …): only a scale whose
    // name names the claim's indicator (or an alias of it) is taken.
    let names = facts::Names::new(ctx.rules);
    let subject = match &c.subject {
        Some((Subject::Name(n), _)) => n.clone(),
        _ => String::new(),
    };
    let mut forms = vec![subject.clone()];
    forms.extend(
        names
            .alias_names()
            .into_iter()
            .filter(|(_, canonical)| *canonical == subject)
            .map(|(alias, _)| alias),
    );
    let rates_subject = |name: &str| {
        let words = format!(
            " {} ",
            names
                .words(name)
                .into_iter()
                .map(|(w, _)| w)
                .collect::<Vec<_>>()
                .join(" ")
        );
        !subject.is_empty() && forms.iter().any(|f| words.contains(&format!(" {f} ")))
    };
    scales.retain(|(_, name)| !value_scale || rates_subject(name));
    let with_label = |s: &crate::scale::Scale| {
        s.bands
            .iter()
            .any(|b| crate::scale::label_matches(&b.label, label))
    };
    let mut candidates: Vec<&crate::scale::Scale> = scales
        .iter()
        .map(|(s, _)| s)
        .filter(|s| with_label(s))
        .collect();
    let defaults: Vec<crate::scale::Scale> = super::predikat::default_scales_of(ctx, value_scale)
        .into_iter()
        .filter(|(_, name)| !value_scale || rates_subject(name))
        .map(|(s, _)| s)
        .collect();
    if candidates.is_empty() {
        candidates = defaults.iter().filter(|s| with_label(s)).collect();
    }
    let _ = Subject::Total;
    // Only one reading of the label: a label in two scales that disagree is not judged.
    let mut verdicts: Vec<Option<String>> = Vec::new();
    for s in candidates {
        let bands = s.classify(cp.value.value);
        let [only] = bands.as_slice() else {
            continue;
        };
        let Some(band) = s.bands.get(*only) else {
            continue;
        };
        verdicts.push(if crate::scale::label_matches(&band.label, label) {
            None
        } else {
            Some(band.label.clone())
        });
    }
    // The same scale stated twice (report and lampiran) is one reading.
    verdicts.sort();
    verdicts.dedup();
    let [Some(right)] = verdicts.as_slice() else {
        return;
    };
    let mut f = finding(
        ctx,
        &PREDIKAT,
        Message::new(if value_scale {
            "claims.predikat_value"
        } else {
            "claims.predikat"
        })
        .text("found", label.to_string())
        .num("capaian", cp.value.value, cp.value.decimals)
        .text("expected", right.clone()),
        c.at(ctx.docs, span),
    );
    f.expected = Some(Arg::Text(right.clone()));
    f.actual = Some(Arg::Text(label.to_string()));
    out.push(f);
}

/// Counts of programmes, kegiatan and sub kegiatan: the sentences agree with each other
/// and with the Renja (or PK) when the submission has one.
fn count_claims(ctx: &Context, counts: &[&Claim], out: &mut Vec<Finding>) {
    let value = |c: &Claim| match &c.kind {
        ClaimKind::Counts { counts, span } => Some((*counts, *span)),
        _ => None,
    };
    let table = super::identity::plan_counts(ctx);
    // The right counts: the Renja's (where it counts every level), else the sentences'
    // majority; with two sentences disagreeing and no table, the later one is reported.
    let stated: Vec<([u32; 3], (usize, usize), &Claim)> = counts
        .iter()
        .filter_map(|c| value(c).map(|(n, s)| (n, s, *c)))
        .collect();
    if stated.is_empty() {
        return;
    }
    let right = match table {
        Some(t) => Some(t),
        None => {
            let mut tally: Vec<([u32; 3], usize)> = Vec::new();
            for (n, _, _) in &stated {
                match tally.iter_mut().find(|(m, _)| m == n) {
                    Some(e) => e.1 += 1,
                    None => tally.push((*n, 1)),
                }
            }
            tally.sort_by_key(|t| std::cmp::Reverse(t.1));
            match tally.as_slice() {
                [(n, _)] => Some(*n),
                [(n, k1), (_, k2), ..] if k1 > k2 => Some(*n),
                _ => None,
            }
        }
    };
    let by_table = table.is_some();
    for (i, (n, span, c)) in stated.iter().enumerate() {
        let wrong = match right {
            Some(r) => *n != r,
            // No majority: every sentence after the first that differs from it.
            None => i > 0 && stated.first().is_some_and(|(m, _, _)| m != n),
        };
        if !wrong {
            continue;
        }
        let show = |v: [u32; 3]| {
            Message::new("claims.counts_list")
                .num("program", v[0].into(), 0)
                .num("kegiatan", v[1].into(), 0)
                .num("sub", v[2].into(), 0)
        };
        let other = right.or_else(|| stated.first().map(|(m, _, _)| *m));
        let mut f = finding(
            ctx,
            &COUNTS,
            Message::new(if by_table {
                "claims.counts_table"
            } else {
                "claims.counts_sentences"
            })
            .arg("found", Arg::Msg(Box::new(show(*n))))
            .arg(
                "expected",
                Arg::Msg(Box::new(
                    other.map(show).unwrap_or(Message::new("claims.none")),
                )),
            ),
            c.at(ctx.docs, *span),
        );
        if right.is_none() {
            f.severity = ctx
                .rules
                .severity(COUNTS.code, Severity::Warning)
                .min(Severity::Warning);
        }
        f.expected = right.map(|r| Arg::Msg(Box::new(show(r))));
        f.actual = Some(Arg::Msg(Box::new(show(*n))));
        f.related = stated
            .iter()
            .filter(|(_, s, o)| !(std::ptr::eq(*o, *c) && s == span))
            .map(|(m, s, o)| Related {
                at: o.at(ctx.docs, *s),
                note: Message::new("note.counts").arg("counts", Arg::Msg(Box::new(show(*m)))),
            })
            .collect();
        out.push(f);
    }
}
