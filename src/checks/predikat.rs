//! Family 3, predikat: each predikat/kategori label matches the scale that governs its
//! table (a scale table the workbook states, preferring one whose labels the column uses,
//! that rates the same measure, in the same sheet, nearest above; else a default from
//! rules/scales.toml); and every stated scale is free of holes and overlaps.

use super::{Context, RuleDoc, finding, loc, num, related, row_label};
use crate::doc::Doc;
use crate::figure::{self, Parsed};
use crate::finding::{Arg, Finding, Message, Severity};
use crate::grid::{Grid, Pos};
use crate::rules::normalize;
use crate::scale::{self, LabelForms, LabeledBand, Scale};
use crate::table::Table;

pub const LABEL: RuleDoc = RuleDoc {
    code: "SL301",
    name: "predikat-mismatch",
    family: "predikat",
    severity: Severity::Error,
    title: "rule.SL301.title",
    explain: "rule.SL301.explain",
};
pub const GAP: RuleDoc = RuleDoc {
    code: "SL302",
    name: "scale-gap",
    family: "predikat",
    severity: Severity::Warning,
    title: "rule.SL302.title",
    explain: "rule.SL302.explain",
};
pub const OVERLAP: RuleDoc = RuleDoc {
    code: "SL303",
    name: "scale-overlap",
    family: "predikat",
    severity: Severity::Warning,
    title: "rule.SL303.title",
    explain: "rule.SL303.explain",
};
pub const UNKNOWN: RuleDoc = RuleDoc {
    code: "SL304",
    name: "predikat-not-in-scale",
    family: "predikat",
    severity: Severity::Info,
    title: "rule.SL304.title",
    explain: "rule.SL304.explain",
};
pub static RULES: [RuleDoc; 4] = [LABEL, GAP, OVERLAP, UNKNOWN];

/// A scale found in a workbook (or a default one when `doc` is None).
pub struct FoundScale {
    pub doc: Option<usize>,
    pub sheet: usize,
    pub range_col: u32,
    /// Row of each band (same order as `scale.bands`).
    pub rows: Vec<u32>,
    pub scale: Scale,
    /// "capaian", "nilai" or "" when the header does not say.
    pub measure: String,
    pub name: String,
    /// The forms of each band's label, worked out when first matched.
    forms: std::cell::OnceCell<Vec<LabelForms>>,
}

impl FoundScale {
    /// The forms of each band's label (same order as `scale.bands`).
    fn forms(&self) -> &[LabelForms] {
        self.forms.get_or_init(|| {
            self.scale
                .bands
                .iter()
                .map(|b| LabelForms::of(&b.label))
                .collect()
        })
    }
}

/// Symbols and words of comparison, one of which every band text holds.
fn bound_re() -> Option<&'static regex::Regex> {
    static BOUND: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    BOUND
        .get_or_init(|| {
            regex::Regex::new(
                r"(?i)[-–—<>≤≥/%]|sd|s\.d|dari|sampai|hingga|antara|atas|bawah|lebih|kurang|minimal|maksimal|sama",
            )
            .ok()
        })
        .as_ref()
}

/// Does a text hold a symbol or a word of comparison ([`bound_re`])?
fn names_a_bound(t: &str) -> bool {
    if !t.is_ascii() {
        // Dashes, ≤, ≥, and the letters that fold to s or k (ſ, K): the regex.
        return bound_re().is_none_or(|re| re.is_match(t));
    }
    // Most cells are ASCII: one pass, each word tried only where its first letter stands.
    let b = t.as_bytes();
    (0..b.len()).any(|i| {
        let rest = b.get(i..).unwrap_or_default();
        let word = |w: &[u8]| {
            rest.get(..w.len())
                .is_some_and(|x| x.eq_ignore_ascii_case(w))
        };
        match rest.first().map(u8::to_ascii_lowercase) {
            Some(b'-' | b'<' | b'>' | b'/' | b'%') => true,
            Some(b's') => word(b"sd") || word(b"s.d") || word(b"sampai") || word(b"sama"),
            Some(b'd') => word(b"dari"),
            Some(b'h') => word(b"hingga"),
            Some(b'a') => word(b"antara") || word(b"atas"),
            Some(b'b') => word(b"bawah"),
            Some(b'l') => word(b"lebih"),
            Some(b'k') => word(b"kurang"),
            Some(b'm') => word(b"minimal") || word(b"maksimal"),
            _ => false,
        }
    })
}

fn band_text(grid: &Grid, p: Pos) -> Option<scale::Band> {
    let v = grid.value(p);
    // A band is short text with a number in it.
    let crate::grid::Value::Text(t) = v else {
        return None;
    };
    // (An ASCII digit is one byte of UTF-8 and no other character's.)
    if t.len() > 60 || !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // A range needs a bound: a symbol or a word of comparison (cheap test before parsing).
    if !names_a_bound(t) {
        return None;
    }
    // A plain figure is no band ("90 ke atas" reads as 90 with words after it: it is).
    if t.trim().is_empty()
        || matches!(figure::from_value(v), Parsed::Number(f) if f.suffix.is_none())
    {
        return None;
    }
    scale::parse_band(t)
}

fn measure_of(header: &str) -> String {
    let h = normalize(header);
    if h.contains("capaian")
        || h.contains('%')
        || h.contains("persen")
        || h.contains("realisasi")
        || h.contains("serapan")
    {
        "capaian".into()
    } else if h.contains("nilai") || h.contains("skor") || h.contains("interval") {
        "nilai".into()
    } else {
        String::new()
    }
}

/// Every scale stated in a sheet: a run of two or more band texts in a column with
/// labels beside them.
pub fn scales_in_sheet(grid: &Grid, doc: usize, sheet: usize) -> Vec<FoundScale> {
    let mut out = Vec::new();
    for c in 0..grid.width {
        let mut r = 0;
        while r < grid.height {
            let start = r;
            let mut bands = Vec::new();
            while r < grid.height {
                match band_text(grid, Pos::new(r, c)) {
                    Some(b) => bands.push((r, b)),
                    None => break,
                }
                r += 1;
            }
            if bands.len() >= 2 {
                let header = if start > 0 {
                    grid.text(Pos::new(start - 1, c))
                } else {
                    String::new()
                };
                // Labels: each text column to the right, up to an empty or numeric one.
                let mut lc = c + 1;
                while lc < grid.width {
                    let labels: Vec<String> = bands
                        .iter()
                        .map(|(br, _)| grid.text(Pos::new(*br, lc)))
                        .collect();
                    let ok = labels.iter().all(|l| {
                        !l.is_empty() && matches!(figure::parse_text(l), Parsed::NotNumber)
                    }) && bands
                        .iter()
                        .all(|(br, _)| band_text(grid, Pos::new(*br, lc)).is_none());
                    if ok {
                        let scale = Scale {
                            bands: bands
                                .iter()
                                .zip(labels)
                                .enumerate()
                                .map(|(i, ((_, b), label))| LabeledBand {
                                    band: b.clone(),
                                    label,
                                    index: i,
                                })
                                .collect(),
                        };
                        out.push(FoundScale {
                            doc: Some(doc),
                            sheet,
                            range_col: c,
                            rows: bands.iter().map(|(br, _)| *br).collect(),
                            scale,
                            measure: measure_of(&header),
                            name: header.clone(),
                            forms: Default::default(),
                        });
                    } else if labels.iter().all(|l| l.is_empty())
                        || bands
                            .first()
                            .is_some_and(|(br, _)| band_text(grid, Pos::new(*br, lc)).is_none())
                            && !labels.iter().all(|l| !l.is_empty())
                    {
                        break;
                    }
                    lc += 1;
                }
            }
            r = r.max(start + 1);
        }
    }
    out
}

/// realisasi / target × 100 of a row (lower-is-better indicators: (2t − r) / t × 100),
/// when the table has both.
fn computed_capaian(
    ctx: &Context,
    grid: &Grid,
    t: &Table,
    i: usize,
) -> Option<rust_decimal::Decimal> {
    let row = t.rows.get(i)?;
    let r = row.row;
    let value = |role: &str| {
        t.columns_with(role)
            .filter(|c| c.numeric && !t.is_money(c))
            .max_by_key(|c| c.year)
            .and_then(|c| t.figure_ref(grid, r, c).figure().map(|f| f.value))
    };
    let (target, realisasi) = (value("target")?, value("realisasi")?);
    // A zero target (or figures too large to compute with) has no capaian.
    if ctx
        .rules
        .is_lower_better(&format!("{} {}", row.indicator, row.name))
    {
        let reversed = rust_decimal::Decimal::TWO
            .checked_mul(target)?
            .checked_sub(realisasi)?;
        super::percent(reversed, target)
    } else {
        super::percent(realisasi, target)
    }
}

/// The data table a scale directly follows in its sheet (its "Keterangan"), if any.
fn owner_of<'a>(doc: &'a Doc, fs: &FoundScale, stated: &[FoundScale]) -> Option<&'a Table> {
    let first = *fs.rows.first()?;
    let is_scale_table = |t: &Table| {
        stated.iter().any(|s| {
            s.sheet == t.sheet && s.rows.iter().any(|r| t.rows.iter().any(|x| x.row == *r))
        })
    };
    // The cheap tests first: a table of the sheet that ends above the scale.
    doc.tables
        .iter()
        .filter(|t| t.sheet == fs.sheet && t.rows.last().is_some_and(|r| r.row < first))
        .filter(|t| !is_scale_table(t))
        .max_by_key(|t| t.rows.last().map(|r| r.row))
        .filter(|t| {
            // Nothing but captions and blank rows between the table and the scale.
            let end = t.rows.last().map(|r| r.row).unwrap_or(0);
            first - end <= 6
        })
}

fn default_scales(ctx: &Context) -> Vec<FoundScale> {
    ctx.rules
        .scales
        .iter()
        .filter_map(|s| {
            let bands: Option<Vec<LabeledBand>> = s
                .bands
                .iter()
                .enumerate()
                .map(|(i, (text, label))| {
                    scale::parse_band(text).map(|band| LabeledBand {
                        band,
                        label: label.clone(),
                        index: i,
                    })
                })
                .collect();
            Some(FoundScale {
                doc: None,
                sheet: 0,
                range_col: 0,
                rows: Vec::new(),
                scale: Scale { bands: bands? },
                measure: s.measure.clone(),
                name: s.name.clone(),
                forms: Default::default(),
            })
        })
        .collect()
}

/// The default scales (rules/scales.toml) that rate a value ("nilai") or else a capaian,
/// for a sentence's predikat.
pub fn default_scales_of(ctx: &Context, value: bool) -> Vec<(Scale, String)> {
    default_scales(ctx)
        .into_iter()
        .filter(|s| (s.measure == "nilai") == value)
        .map(|s| (s.scale, s.name))
        .collect()
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let stated = ctx.stated_scales();
    scale_shape(ctx, stated, out);
    // The default scales only for a submission with labels to rate.
    let defaults = std::cell::OnceCell::new();
    for (di, doc) in ctx.docs.iter().enumerate() {
        for t in &doc.tables {
            if let Some(grid) = doc.sheets.get(t.sheet) {
                labels(ctx, di, doc, grid, t, stated, &defaults, out);
            }
        }
    }
}

/// Holes and overlaps, once per range column.
fn scale_shape(ctx: &Context, stated: &[FoundScale], out: &mut Vec<Finding>) {
    let mut seen: Vec<(usize, usize, u32, u32)> = Vec::new();
    for fs in stated {
        let (Some(di), Some(&first_band)) = (fs.doc, fs.rows.first()) else {
            continue;
        };
        let key = (di, fs.sheet, fs.range_col, first_band);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (Some(doc), Some(grid)) = (
            ctx.docs.get(di),
            ctx.docs.get(di).and_then(|d| d.sheets.get(fs.sheet)),
        ) else {
            continue;
        };
        let dec = fs
            .scale
            .bands
            .iter()
            .map(|b| b.band.decimals)
            .max()
            .unwrap_or(0);
        // The cell of a band's range, and its text ("> 90 - 100").
        let cell = |i: usize| fs.rows.get(i).map(|&r| Pos::new(r, fs.range_col));
        let text = |i: usize| cell(i).map(|p| grid.text(p)).unwrap_or_default();
        // A hole or an overlap: reported at one band's cell, naming the band beside it.
        let band_finding =
            |rule: &RuleDoc, id: &'static str, at_band: usize, other: usize, from, to| {
                let mut f = finding(
                    ctx,
                    rule,
                    Message::new(id)
                        .num("from", from, dec)
                        .num("to", to, dec)
                        .text("below", text(at_band))
                        .text("above", text(other)),
                    loc(doc, fs.sheet, cell(at_band)?),
                );
                f.related = vec![related(
                    doc,
                    fs.sheet,
                    cell(other)?,
                    Message::new("note.band").text("band", text(other)),
                )];
                Some(f)
            };
        for g in fs.scale.gaps() {
            let id = if g.from == g.to {
                "scale.gap_point"
            } else {
                "scale.gap"
            };
            out.extend(band_finding(&GAP, id, g.below, g.above, g.from, g.to));
        }
        for o in fs.scale.overlaps() {
            let id = if o.from == o.to {
                "scale.overlap_point"
            } else {
                "scale.overlap"
            };
            out.extend(band_finding(&OVERLAP, id, o.b, o.a, o.from, o.to));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn labels(
    ctx: &Context,
    di: usize,
    doc: &Doc,
    grid: &Grid,
    t: &Table,
    stated: &[FoundScale],
    defaults: &std::cell::OnceCell<Vec<FoundScale>>,
    out: &mut Vec<Finding>,
) {
    let Some(pcol) = t.columns_with("predikat").next() else {
        return;
    };
    // A scale table names its own bands: its labels are the scale, not ratings.
    let first = t.rows.first().map(|r| r.row).unwrap_or(0);
    let last = t.rows.last().map(|r| r.row).unwrap_or(0);
    if stated.iter().any(|fs| {
        fs.doc == Some(di)
            && fs.sheet == t.sheet
            && fs.rows.iter().any(|r| (first..=last).contains(r))
    }) {
        return;
    }
    // The measure rated: capaian, else a score.
    let value_col = t
        .columns_with("capaian")
        .filter(|c| c.numeric)
        .last()
        .map(|c| (c, "capaian"))
        .or_else(|| {
            t.columns_with("nilai")
                .filter(|c| c.numeric)
                .last()
                .map(|c| (c, "nilai"))
        });
    let Some((vcol, measure)) = value_col else {
        return;
    };
    let mut rows = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        let label = grid.text(t.pos(row.row, pcol));
        if label.is_empty() || matches!(figure::parse_text(&label), Parsed::Nil) {
            continue;
        }
        if let Parsed::Number(mut v) = t.figure(grid, row.row, vcol) {
            // A capaian that contradicts its own target and realisasi is reported by
            // SL201; the label is judged by the capaian those figures give.
            if let Some(exact) = computed_capaian(ctx, grid, t, i)
                && measure == "capaian"
                && !figure::agrees(v.value, v.decimals, exact)
            {
                v.value = figure::round_half_up(exact, v.decimals.max(2));
            }
            rows.push((i, label, v));
        }
    }
    if rows.is_empty() {
        return;
    }
    // The column's distinct labels, each read once (its forms and its normalised text),
    // and each row's label by its place among them.
    let mut texts: Vec<&str> = rows.iter().map(|(_, l, _)| l.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    let forms: Vec<LabelForms> = texts.iter().map(|l| LabelForms::of(l)).collect();
    let row_text: Vec<Option<usize>> = rows
        .iter()
        .map(|(_, l, _)| texts.binary_search(&l.as_str()).ok())
        .collect();
    // Does a scale name the k-th distinct label?
    let knows = |fs: &FoundScale, k: Option<usize>| {
        k.and_then(|k| forms.get(k))
            .is_some_and(|c| fs.forms().iter().any(|f| f.matches(c)))
    };
    // How many of the column's distinct labels a scale names, labels counted by their
    // normalised text.
    let normalized: Vec<String> = texts.iter().map(|l| scale::normalize_label(l)).collect();
    let mut distinct = normalized.clone();
    distinct.sort();
    distinct.dedup();
    let slots: Vec<Option<usize>> = normalized
        .iter()
        .map(|n| distinct.binary_search(n).ok())
        .collect();
    let named = |fs: &FoundScale| {
        let mut seen = vec![false; distinct.len()];
        for (k, slot) in slots.iter().enumerate() {
            if let Some(s) = slot.and_then(|s| seen.get_mut(s))
                && !*s
                && knows(fs, Some(k))
            {
                *s = true;
            }
        }
        seen.iter().filter(|&&s| s).count()
    };
    // Rank: same measure, same workbook and sheet, nearest above.
    let rank = |fs: &FoundScale| -> (u8, u8, u64, u8) {
        // A scale of another measure (nilai for a capaian) only as a last resort.
        let conflict = u8::from(!fs.measure.is_empty() && fs.measure != measure);
        let unknown = u8::from(fs.measure.is_empty());
        let same = match fs.doc {
            Some(d) if d == di && fs.sheet == t.sheet => 0,
            Some(d) if d == di => 1,
            Some(_) => 2,
            None => 3,
        };
        // In the same sheet, the scale nearest the table: just above its header or just
        // below its last row (a "Keterangan" under the table).
        let dist = if same == 0 {
            let first = fs.rows.first().copied().unwrap_or(0);
            let last_band = fs.rows.last().copied().unwrap_or(0);
            let table_end = t.rows.last().map(|r| r.row).unwrap_or(t.header_bottom);
            // A "Keterangan" scale explains the table right above it: another table's
            // scale comes last.
            let owner = owner_of(doc, fs, stated);
            if owner.is_some_and(|o| !std::ptr::eq(o, t)) {
                1_000_000 + (first as i64 - t.header_top as i64).unsigned_abs()
            } else if last_band < t.header_top {
                2 * (t.header_top - last_band) as u64
            } else if first > table_end {
                2 * (first - table_end) as u64 + 1
            } else {
                0
            }
        } else {
            (fs.sheet as i64 - t.sheet as i64).unsigned_abs()
        };
        (conflict, same, dist, unknown)
    };
    // The governing scale names the most of the column's labels; among equals, the best
    // ranked. Labels it does not name are reported once (SL304) and not rated.
    let governing = stated
        .iter()
        .chain(defaults.get_or_init(|| default_scales(ctx)))
        .map(|fs| (fs, named(fs)))
        .filter(|(_, n)| *n > 0)
        .min_by_key(|(fs, n)| (distinct.len() - n, rank(fs)))
        .map(|(fs, _)| fs);
    let unknown = rows
        .iter()
        .zip(&row_text)
        .find(|(_, k)| governing.is_none_or(|fs| !knows(fs, **k)));
    if let Some(((i, label, _), _)) = unknown
        && let Some(row) = t.rows.get(*i)
    {
        let mut f = finding(
            ctx,
            &UNKNOWN,
            Message::new("predikat.no_scale")
                .text("label", label.clone())
                .text("row", row_label(t, *i)),
            loc(doc, t.sheet, t.pos(row.row, pcol)),
        );
        f.actual = Some(Arg::Text(label.clone()));
        out.push(f);
    }
    let Some(fs) = governing else { return };
    for ((i, label, v), &k) in rows.iter().zip(&row_text) {
        let hits = fs.scale.classify(v.value);
        let cell = k.and_then(|k| forms.get(k));
        let names = |b: usize| {
            fs.forms()
                .get(b)
                .zip(cell)
                .is_some_and(|(f, c)| f.matches(c))
        };
        if !knows(fs, k) || hits.iter().any(|&b| names(b)) {
            continue;
        }
        // The first band the value falls in, its range cell in the scale's sheet.
        let (Some(&hit), Some(row)) = (hits.first(), t.rows.get(*i)) else {
            continue;
        };
        let Some(band) = fs.scale.bands.get(hit) else {
            continue;
        };
        let r = row.row;
        let band_cell = fs.rows.get(hit).map(|&br| Pos::new(br, fs.range_col));
        let scale_doc = fs.doc.and_then(|d| ctx.docs.get(d));
        let band_desc = match fs.doc {
            Some(_) => scale_doc
                .and_then(|d| d.sheets.get(fs.sheet))
                .zip(band_cell)
                .map(|(g, p)| g.text(p))
                .unwrap_or_default(),
            None => fs.name.clone(),
        };
        let mut f = finding(
            ctx,
            &LABEL,
            Message::new("predikat.mismatch")
                .text("row", row_label(t, *i))
                .num("value", v.value, v.decimals)
                .text("found", label.clone())
                .text("expected", band.label.clone())
                .text("band", band_desc),
            loc(doc, t.sheet, t.pos(r, pcol)),
        );
        f.expected = Some(Arg::Text(band.label.clone()));
        f.actual = Some(Arg::Text(label.clone()));
        f.related.push(related(
            doc,
            t.sheet,
            t.pos(r, vcol),
            Message::new("note.value").num("value", v.value, v.decimals),
        ));
        if let (Some(sdoc), Some(at)) = (scale_doc, band_cell) {
            f.related.push(related(
                sdoc,
                fs.sheet,
                at,
                Message::new("note.band").text("band", band.label.clone()),
            ));
        }
        // "The label names the band the value falls in", for the diagnosis.
        let named: Vec<scale::Band> = fs
            .scale
            .bands
            .iter()
            .enumerate()
            .filter(|(b, _)| names(*b))
            .map(|(_, b)| b.band.clone())
            .collect();
        f.constraint = Some(Box::new(crate::finding::Constraint {
            cells: vec![
                crate::finding::Term {
                    at: loc(doc, t.sheet, t.pos(r, pcol)),
                    value: None,
                    decimals: 0,
                },
                crate::finding::Term {
                    at: loc(doc, t.sheet, t.pos(r, vcol)),
                    value: Some(v.value),
                    decimals: v.decimals,
                },
            ],
            kind: crate::finding::ConstraintKind::Band { bands: named },
        }));
        let _ = num;
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Cell, Value};
    use proptest::prelude::*;

    proptest! {
        /// The hand scan of ASCII texts says what the regex says.
        #[test]
        fn bound_scan_is_the_regex(
            s in "([ a-zA-Z0-9.,/%<>=-]|sd|S.D|s\\.d|dari|Sampai|hingga|antara|atas|BAWAH|lebih|kurang|minimal|MaksimaL|sama|\u{17f}|\u{212a}|–|≤){0,10}"
        ) {
            prop_assert_eq!(names_a_bound(&s), bound_re().unwrap().is_match(&s));
        }
    }

    /// The cheap pre-test lets every notation of a band through, and plain figures not.
    #[test]
    fn band_cells_pass_the_pre_test() {
        let bands = [
            "Lebih dari 100 %",
            "Lebih dari 75 % sd. 100 %",
            "55 % sd. 75 %",
            "90% s.d kurang dari 100%",
            "Kurang dari 55 %",
            "> 90,01",
            "80,01 < 90",
            "0 < 70,01",
            "91 % ≤ 100 %",
            "≤ 50 %",
            "88,31-100,00",
            "25,00 – 64,99",
            "91 - 100",
            "Kurang dari 60",
            "≥ 90",
            "90 ke atas",
            "50 ke bawah",
            "100 atau lebih",
            "minimal 90",
            "antara 50 dan 60",
            "80 s/d 100",
        ];
        let one_cell = |text: &str| {
            let mut g = Grid::new("S", 1, 1);
            g.set(
                Pos::new(0, 0),
                Cell {
                    value: Value::Text(text.into()),
                    formula: None,
                },
            );
            g
        };
        for text in bands {
            assert!(
                band_text(&one_cell(text), Pos::new(0, 0)).is_some(),
                "{text}"
            );
        }
        for text in ["95,02", "2024", "Baik Sekali", "4 Inovasi"] {
            assert!(
                band_text(&one_cell(text), Pos::new(0, 0)).is_none(),
                "{text}"
            );
        }
    }
}
