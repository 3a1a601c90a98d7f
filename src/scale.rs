//! Rating scales: the "Keterangan" tables that map a capaian (achievement %) or a
//! nilai (score) to a predikat/kategori.
//!
//! A band text such as "Lebih dari 75 % sd. 100 %" is parsed into a [`Band`] (an
//! interval with open/closed ends); a [`Scale`] is a list of labelled bands. The scale
//! can classify a value and find holes ([`Gap`]) and double coverage ([`Overlap`]) at
//! the scale's own resolution (the finest number of decimals its band texts use).
//!
//! Everything here is total: no input makes these functions panic.

use rust_decimal::{Decimal, RoundingStrategy};

/// One end of a band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

/// An interval of values, as written in one band text.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// None = unbounded below.
    pub low: Option<Bound>,
    /// None = unbounded above.
    pub high: Option<Bound>,
    /// Max decimals written in this band's numbers (resolution of the band text).
    pub decimals: u32,
}

impl Band {
    /// Is `x` inside the band (continuous semantics, open/closed ends respected)?
    pub fn contains(&self, x: Decimal) -> bool {
        let above_low = match self.low {
            None => true,
            Some(b) => x > b.value || (b.inclusive && x == b.value),
        };
        let below_high = match self.high {
            None => true,
            Some(b) => x < b.value || (b.inclusive && x == b.value),
        };
        above_low && below_high
    }
}

/// A band of a scale with its label (predikat/kategori).
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledBand {
    pub band: Band,
    pub label: String,
    /// Caller-defined position of the band in its source (e.g. the row index in the
    /// Keterangan table). Not used by this module; the indexes that [`Scale`] methods
    /// return are positions in [`Scale::bands`].
    pub index: usize,
}

/// A rating scale: its bands in the order the report lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub bands: Vec<LabeledBand>,
}

/// A hole in a scale: representable values that lie between two bands but in none.
/// `below`/`above` are positions in [`Scale::bands`] of the bands bordering the hole
/// (the band covering `from - resolution` and the one covering `to + resolution`);
/// `from`/`to` are the first and last representable values of the hole.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub below: usize,
    pub above: usize,
    pub from: Decimal,
    pub to: Decimal,
}

/// Representable values covered by two bands (`a < b`, positions in [`Scale::bands`]).
/// `from`/`to` are the first and last such values; when both bands are unbounded on the
/// same side the overlap is too, and `from` is `Decimal::MIN` / `to` is `Decimal::MAX`.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    pub a: usize,
    pub b: usize,
    pub from: Decimal,
    pub to: Decimal,
}

/// Max decimals a resolution can have (the scale limit of `Decimal`).
const MAX_DECIMALS: u32 = 28;

/// A band reduced to the representable values (multiples of the resolution) it holds:
/// first and last such value, None = unbounded on that side.
#[derive(Debug, Clone, Copy)]
struct Discrete {
    pos: usize,
    lo: Option<Decimal>,
    hi: Option<Decimal>,
}

/// Smallest multiple of 10^-d that is >= v (or > v when `strict`); None on overflow.
fn first_at_or_above(v: Decimal, d: u32, r: Decimal, strict: bool) -> Option<Decimal> {
    if strict {
        v.round_dp_with_strategy(d, RoundingStrategy::ToNegativeInfinity)
            .checked_add(r)
    } else {
        Some(v.round_dp_with_strategy(d, RoundingStrategy::ToPositiveInfinity))
    }
}

/// Largest multiple of 10^-d that is <= v (or < v when `strict`); None on overflow.
fn last_at_or_below(v: Decimal, d: u32, r: Decimal, strict: bool) -> Option<Decimal> {
    if strict {
        v.round_dp_with_strategy(d, RoundingStrategy::ToPositiveInfinity)
            .checked_sub(r)
    } else {
        Some(v.round_dp_with_strategy(d, RoundingStrategy::ToNegativeInfinity))
    }
}

impl Scale {
    /// Indexes (positions in `bands`) of the bands that contain x (0, 1 or several).
    pub fn classify(&self, x: Decimal) -> Vec<usize> {
        self.bands
            .iter()
            .enumerate()
            .filter(|(_, b)| b.band.contains(x))
            .map(|(i, _)| i)
            .collect()
    }

    /// Max decimals over all bands, capped at what `Decimal` can represent.
    fn decimals(&self) -> u32 {
        self.bands
            .iter()
            .map(|b| b.band.decimals)
            .max()
            .unwrap_or(0)
            .min(MAX_DECIMALS)
    }

    /// The scale's resolution: 10^-d where d is the max decimals over all its bands.
    pub fn resolution(&self) -> Decimal {
        Decimal::new(1, self.decimals())
    }

    /// The non-empty bands as ranges of representable values.
    fn discrete(&self) -> Vec<Discrete> {
        let d = self.decimals();
        let r = Decimal::new(1, d);
        let mut out = Vec::new();
        for (pos, lb) in self.bands.iter().enumerate() {
            let lo = match lb.band.low {
                None => None,
                Some(b) => match first_at_or_above(b.value, d, r, !b.inclusive) {
                    Some(v) => Some(v),
                    None => continue, // nothing representable above the bound
                },
            };
            let hi = match lb.band.high {
                None => None,
                Some(b) => match last_at_or_below(b.value, d, r, !b.inclusive) {
                    Some(v) => Some(v),
                    None => continue,
                },
            };
            if let (Some(l), Some(h)) = (lo, hi)
                && l > h
            {
                continue; // no representable value in the band
            }
            out.push(Discrete { pos, lo, hi });
        }
        out
    }

    /// Holes: representable values (multiples of the resolution) lying between bands
    /// (some band holds a smaller value, some band a larger one) that fall in no band.
    /// Each maximal hole is reported once, in ascending order. Values below the lowest
    /// band or above the highest are not holes.
    pub fn gaps(&self) -> Vec<Gap> {
        let r = self.resolution();
        let mut items = self.discrete();
        // None (unbounded below) sorts first, as it should.
        items.sort_by_key(|it| (it.lo, it.pos));
        let mut gaps = Vec::new();
        // Highest representable value covered so far, and the band covering it.
        let mut reach: Option<(Option<Decimal>, usize)> = None;
        for it in items {
            match reach {
                None => reach = Some((it.hi, it.pos)),
                Some((None, _)) => break, // everything above is covered
                Some((Some(reach_hi), reach_pos)) => {
                    if let Some(lo) = it.lo
                        && let (Some(from), Some(to)) = (reach_hi.checked_add(r), lo.checked_sub(r))
                        && from <= to
                    {
                        gaps.push(Gap {
                            below: reach_pos,
                            above: it.pos,
                            from,
                            to,
                        });
                    }
                    match it.hi {
                        None => reach = Some((None, it.pos)),
                        Some(h) if h > reach_hi => reach = Some((Some(h), it.pos)),
                        Some(_) => {}
                    }
                }
            }
        }
        gaps
    }

    /// Values (at the resolution) that fall in two bands: one entry per pair of bands
    /// that share at least one representable value, ordered by (a, b).
    pub fn overlaps(&self) -> Vec<Overlap> {
        let items = self.discrete();
        let mut out = Vec::new();
        for (i, x) in items.iter().enumerate() {
            for y in items.iter().skip(i + 1) {
                let from = match (x.lo, y.lo) {
                    (Some(p), Some(q)) => Some(p.max(q)),
                    (Some(p), None) | (None, Some(p)) => Some(p),
                    (None, None) => None,
                };
                let to = match (x.hi, y.hi) {
                    (Some(p), Some(q)) => Some(p.min(q)),
                    (Some(p), None) | (None, Some(p)) => Some(p),
                    (None, None) => None,
                };
                if let (Some(f), Some(t)) = (from, to)
                    && f > t
                {
                    continue;
                }
                out.push(Overlap {
                    a: x.pos,
                    b: y.pos,
                    from: from.unwrap_or(Decimal::MIN),
                    to: to.unwrap_or(Decimal::MAX),
                });
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Band text parsing
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A number and the decimals written.
    Num(Decimal, u32),
    Cmp(Cmp),
    /// "sd.", "s/d", "sampai dengan", "hingga", "-", "dan", ...
    To,
    /// "antara" (between), only valid first.
    Antara,
    /// A variable: "x", "P", "nilai", "capaian", ...
    Var,
    /// "ke atas", "atau lebih" after a number: at least.
    PostGe,
    /// "ke bawah", "atau kurang" after a number: at most.
    PostLe,
}

/// Word phrases (lowercase, single spaces), longest first within their meaning; the
/// scanner tries all and takes the longest match.
const PHRASES: &[(&str, Tok)] = &[
    ("lebih dari atau sama dengan", Tok::Cmp(Cmp::Ge)),
    ("lebih dari sama dengan", Tok::Cmp(Cmp::Ge)),
    ("lebih besar dari atau sama dengan", Tok::Cmp(Cmp::Ge)),
    ("lebih besar dari sama dengan", Tok::Cmp(Cmp::Ge)),
    ("lebih besar atau sama dengan", Tok::Cmp(Cmp::Ge)),
    ("lebih besar sama dengan", Tok::Cmp(Cmp::Ge)),
    ("sama dengan atau lebih dari", Tok::Cmp(Cmp::Ge)),
    ("minimal", Tok::Cmp(Cmp::Ge)),
    ("paling sedikit", Tok::Cmp(Cmp::Ge)),
    ("paling rendah", Tok::Cmp(Cmp::Ge)),
    ("lebih besar daripada", Tok::Cmp(Cmp::Gt)),
    ("lebih besar dari", Tok::Cmp(Cmp::Gt)),
    ("lebih tinggi dari", Tok::Cmp(Cmp::Gt)),
    ("lebih dari", Tok::Cmp(Cmp::Gt)),
    ("di atas", Tok::Cmp(Cmp::Gt)),
    ("diatas", Tok::Cmp(Cmp::Gt)),
    ("kurang dari atau sama dengan", Tok::Cmp(Cmp::Le)),
    ("kurang dari sama dengan", Tok::Cmp(Cmp::Le)),
    ("lebih kecil dari atau sama dengan", Tok::Cmp(Cmp::Le)),
    ("lebih kecil dari sama dengan", Tok::Cmp(Cmp::Le)),
    ("lebih kecil atau sama dengan", Tok::Cmp(Cmp::Le)),
    ("lebih kecil sama dengan", Tok::Cmp(Cmp::Le)),
    ("sama dengan atau kurang dari", Tok::Cmp(Cmp::Le)),
    ("maksimal", Tok::Cmp(Cmp::Le)),
    ("paling tinggi", Tok::Cmp(Cmp::Le)),
    ("paling banyak", Tok::Cmp(Cmp::Le)),
    ("lebih kecil daripada", Tok::Cmp(Cmp::Lt)),
    ("lebih kecil dari", Tok::Cmp(Cmp::Lt)),
    ("lebih rendah dari", Tok::Cmp(Cmp::Lt)),
    ("kurang dari", Tok::Cmp(Cmp::Lt)),
    ("di bawah", Tok::Cmp(Cmp::Lt)),
    ("dibawah", Tok::Cmp(Cmp::Lt)),
    ("sama dengan", Tok::Cmp(Cmp::Eq)),
    ("sampai dengan", Tok::To),
    ("sampai", Tok::To),
    ("hingga", Tok::To),
    ("s.d.", Tok::To),
    ("s.d", Tok::To),
    ("s. d.", Tok::To),
    ("s. d", Tok::To),
    ("s/d.", Tok::To),
    ("s/d", Tok::To),
    ("s d", Tok::To),
    ("sd.", Tok::To),
    ("sd", Tok::To),
    ("dan", Tok::To),
    ("antara", Tok::Antara),
    ("ke atas", Tok::PostGe),
    ("keatas", Tok::PostGe),
    ("atau lebih", Tok::PostGe),
    ("ke bawah", Tok::PostLe),
    ("kebawah", Tok::PostLe),
    ("atau kurang", Tok::PostLe),
];

/// Words naming the measured value in "90 < x ≤ 100" style texts (besides single letters).
const VAR_WORDS: &[&str] = &[
    "nilai",
    "capaian",
    "skor",
    "score",
    "realisasi",
    "persentase",
];

/// Words that carry no meaning for the range.
const NOISE_WORDS: &[&str] = &["persen", "poin"];

/// Lowercase, unify symbols and dashes, collapse whitespace.
fn normalize_band_text(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    let push = |c: char, out: &mut Vec<char>| {
        if c == ' ' && out.last().is_none_or(|&p| p == ' ') {
            return;
        }
        out.push(c);
    };
    for c in text.chars() {
        match c {
            '≤' | '⩽' | '≦' => {
                push('<', &mut out);
                push('=', &mut out);
            }
            '≥' | '⩾' | '≧' => {
                push('>', &mut out);
                push('=', &mut out);
            }
            '＜' | '‹' => push('<', &mut out),
            '＞' | '›' => push('>', &mut out),
            '＝' => push('=', &mut out),
            '–' | '—' | '−' | '‒' | '‑' | '‐' | '﹣' | '－' => push('-', &mut out),
            '％' | '﹪' => push('%', &mut out),
            c if c.is_whitespace() => push(' ', &mut out),
            c => {
                for l in c.to_lowercase() {
                    push(l, &mut out);
                }
            }
        }
    }
    if out.last() == Some(&' ') {
        out.pop();
    }
    out
}

/// Read a number at `chars[*i]` (an ASCII digit). Accepts "," or "." as the decimal
/// separator; several equal separators in groups of three are thousands separators
/// ("1.000.000"), and with both kinds the last one is the decimal separator
/// ("1.000,5"). Returns the value and the decimals written.
fn read_number(chars: &[char], i: &mut usize, negative: bool) -> Option<(Decimal, u32)> {
    let mut groups: Vec<Vec<char>> = vec![Vec::new()];
    let mut seps: Vec<char> = Vec::new();
    loop {
        while let Some(&c) = chars.get(*i) {
            if !c.is_ascii_digit() {
                break;
            }
            if let Some(g) = groups.last_mut() {
                g.push(c);
            }
            *i += 1;
        }
        match (chars.get(*i), chars.get(*i + 1)) {
            (Some(&s), Some(d)) if (s == '.' || s == ',') && d.is_ascii_digit() => {
                seps.push(s);
                groups.push(Vec::new());
                *i += 1;
            }
            _ => break,
        }
    }
    // One group more than separators: the last group follows the last separator.
    let (last_group, leading_groups) = groups.split_last()?;
    let (int_groups, frac): (&[Vec<char>], &[char]) = match seps.split_last() {
        None => (&groups, &[]),
        // One separator is the decimal one.
        Some((_, [])) => (leading_groups, last_group),
        Some((&last, earlier)) => {
            let all_same = earlier.iter().all(|&s| s == last);
            let (int_groups, frac, thousand_seps): (&[Vec<char>], &[char], &[char]) = if all_same {
                (&groups, &[], &seps)
            } else {
                (leading_groups, last_group, earlier)
            };
            let first_sep = thousand_seps.first().copied();
            if thousand_seps.iter().any(|&s| Some(s) != first_sep)
                || (!all_same && first_sep == Some(last))
                || int_groups.iter().skip(1).any(|g| g.len() != 3)
            {
                return None;
            }
            (int_groups, frac)
        }
    };
    let scale = u32::try_from(frac.len()).ok()?;
    if scale > MAX_DECIMALS {
        return None;
    }
    let mut mantissa: i128 = 0;
    for &c in int_groups.iter().flatten().chain(frac.iter()) {
        let digit = i128::from(c.to_digit(10)?);
        mantissa = mantissa.checked_mul(10)?.checked_add(digit)?;
    }
    if negative {
        mantissa = -mantissa;
    }
    let value = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    Some((value, scale))
}

/// Does `phrase` start at `chars[i]`, ending at a word boundary?
fn phrase_at(chars: &[char], i: usize, phrase: &str) -> Option<usize> {
    let mut j = i;
    for p in phrase.chars() {
        if chars.get(j) != Some(&p) {
            return None;
        }
        j += 1;
    }
    let ends_in_letter = phrase.chars().last().is_some_and(char::is_alphabetic);
    if ends_in_letter && chars.get(j).is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    Some(j - i)
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let chars = normalize_band_text(text);
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let after_number = matches!(toks.last(), Some(Tok::Num(..)));
        match c {
            ' ' | '%' | '.' | ',' | ';' | ':' => i += 1,
            '0'..='9' => {
                let (v, d) = read_number(&chars, &mut i, false)?;
                toks.push(Tok::Num(v, d));
            }
            '-' | '+' if !after_number && next.is_some_and(|n| n.is_ascii_digit()) => {
                i += 1;
                let (v, d) = read_number(&chars, &mut i, c == '-')?;
                toks.push(Tok::Num(v, d));
            }
            '-' | '~' if after_number => {
                toks.push(Tok::To);
                i += 1;
            }
            '<' => {
                match next {
                    Some('=') => {
                        toks.push(Tok::Cmp(Cmp::Le));
                        i += 2;
                    }
                    Some('>') => return None, // "not equal"
                    _ => {
                        toks.push(Tok::Cmp(Cmp::Lt));
                        i += 1;
                    }
                }
            }
            '>' => match next {
                Some('=') => {
                    toks.push(Tok::Cmp(Cmp::Ge));
                    i += 2;
                }
                _ => {
                    toks.push(Tok::Cmp(Cmp::Gt));
                    i += 1;
                }
            },
            '=' => match next {
                Some('<') => {
                    toks.push(Tok::Cmp(Cmp::Le));
                    i += 2;
                }
                Some('>') => {
                    toks.push(Tok::Cmp(Cmp::Ge));
                    i += 2;
                }
                Some('=') => {
                    toks.push(Tok::Cmp(Cmp::Eq));
                    i += 2;
                }
                _ => {
                    toks.push(Tok::Cmp(Cmp::Eq));
                    i += 1;
                }
            },
            c if c.is_alphabetic() => {
                let best = PHRASES
                    .iter()
                    .filter_map(|(p, t)| phrase_at(&chars, i, p).map(|len| (len, *t)))
                    .max_by_key(|(len, _)| *len);
                if let Some((len, t)) = best {
                    toks.push(t);
                    i += len;
                    continue;
                }
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                    i += 1;
                }
                let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
                if NOISE_WORDS.contains(&word.as_str()) {
                    continue;
                }
                if word.chars().count() == 1 || VAR_WORDS.contains(&word.as_str()) {
                    // "nilai capaian" is one variable.
                    if toks.last() != Some(&Tok::Var) {
                        toks.push(Tok::Var);
                    }
                    continue;
                }
                return None;
            }
            _ => return None,
        }
    }
    Some(toks)
}

/// What one clause (the text between "sd."/"-"/"dan" separators) says.
#[derive(Debug, Clone, Copy)]
enum Clause {
    Point(Decimal),
    Lower(Bound),
    Upper(Bound),
    Range(Bound, Bound),
}

/// "x <cmp> v" as a clause.
fn var_cmp_value(cmp: Cmp, value: Decimal) -> Clause {
    match cmp {
        Cmp::Gt => Clause::Lower(Bound {
            value,
            inclusive: false,
        }),
        Cmp::Ge => Clause::Lower(Bound {
            value,
            inclusive: true,
        }),
        Cmp::Lt => Clause::Upper(Bound {
            value,
            inclusive: false,
        }),
        Cmp::Le => Clause::Upper(Bound {
            value,
            inclusive: true,
        }),
        Cmp::Eq => Clause::Point(value),
    }
}

/// "v <cmp> x", i.e. "x <flipped cmp> v".
fn flip(cmp: Cmp) -> Cmp {
    match cmp {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        Cmp::Eq => Cmp::Eq,
    }
}

fn parse_clause(toks: &[Tok]) -> Option<Clause> {
    use Tok::*;
    match *toks {
        [Num(a, _)] => Some(Clause::Point(a)),
        [Cmp(c), Num(a, _)] | [Var, Cmp(c), Num(a, _)] => Some(var_cmp_value(c, a)),
        [Num(a, _), Cmp(c), Var] => Some(var_cmp_value(flip(c), a)),
        [Num(a, _), PostGe] => Some(Clause::Lower(Bound {
            value: a,
            inclusive: true,
        })),
        [Num(a, _), PostLe] => Some(Clause::Upper(Bound {
            value: a,
            inclusive: true,
        })),
        // "a < x ≤ b", "b ≥ x > a"
        [Num(a, _), Cmp(c1), Var, Cmp(c2), Num(b, _)] => {
            use self::Cmp::*;
            match (c1, c2) {
                (Lt | Le, Lt | Le) => Some(Clause::Range(
                    Bound {
                        value: a,
                        inclusive: c1 == Le,
                    },
                    Bound {
                        value: b,
                        inclusive: c2 == Le,
                    },
                )),
                (Gt | Ge, Gt | Ge) => Some(Clause::Range(
                    Bound {
                        value: b,
                        inclusive: c2 == Ge,
                    },
                    Bound {
                        value: a,
                        inclusive: c1 == Ge,
                    },
                )),
                _ => None,
            }
        }
        // "80,01 < 90", "91 % ≤ 100 %": the report means "from a to b", both inclusive.
        [Num(a, _), Cmp(self::Cmp::Lt | self::Cmp::Le), Num(b, _)] => Some(Clause::Range(
            Bound {
                value: a,
                inclusive: true,
            },
            Bound {
                value: b,
                inclusive: true,
            },
        )),
        _ => None,
    }
}

/// Parse one band text ("Lebih dari 75 % sd. 100 %", "88,31-100,00", "> 90,01",
/// "90 < x ≤ 100", "Kurang dari 55 %", "100 %", ...); None when it is not a range.
pub fn parse_band(text: &str) -> Option<Band> {
    let mut toks = tokenize(text)?;
    let decimals = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Num(_, d) => Some(*d),
            _ => None,
        })
        .max()?; // no number: not a range
    let antara = toks.first() == Some(&Tok::Antara);
    if antara {
        toks.remove(0);
    }
    if toks.contains(&Tok::Antara) {
        return None;
    }
    let clauses: Vec<&[Tok]> = toks.split(|t| *t == Tok::To).collect();
    let (low, high) = match clauses.as_slice() {
        [one] if !antara => match parse_clause(one)? {
            Clause::Point(v) => {
                let b = Bound {
                    value: v,
                    inclusive: true,
                };
                (Some(b), Some(b))
            }
            Clause::Lower(b) => (Some(b), None),
            Clause::Upper(b) => (None, Some(b)),
            Clause::Range(l, h) => (Some(l), Some(h)),
        },
        [first, second] => {
            let first = parse_clause(first)?;
            let second = parse_clause(second)?;
            match (first, second) {
                // "a - b": written the other way round ("100 - 91") it is the same range.
                (Clause::Point(a), Clause::Point(b)) => {
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    (
                        Some(Bound {
                            value: a,
                            inclusive: true,
                        }),
                        Some(Bound {
                            value: b,
                            inclusive: true,
                        }),
                    )
                }
                (Clause::Point(a), Clause::Upper(h)) => (
                    Some(Bound {
                        value: a,
                        inclusive: true,
                    }),
                    Some(h),
                ),
                (Clause::Lower(l), Clause::Point(b)) => (
                    Some(l),
                    Some(Bound {
                        value: b,
                        inclusive: true,
                    }),
                ),
                (Clause::Lower(l), Clause::Upper(h)) => (Some(l), Some(h)),
                _ => return None,
            }
        }
        _ => return None,
    };
    if let (Some(l), Some(h)) = (low, high)
        && (l.value > h.value || (l.value == h.value && !(l.inclusive && h.inclusive)))
    {
        return None; // empty
    }
    Some(Band {
        low,
        high,
        decimals,
    })
}

// ---------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------

/// Lowercase, drop dots, collapse whitespace, trim stray punctuation.
fn normalize_part(s: &str) -> String {
    // One pass into one string: words joined by single spaces.
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().filter(|&c| c != '.') {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    let trimmed = out.trim_matches(|c: char| c == ',' || c == ':' || c == ';' || c.is_whitespace());
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

/// Split "Baik Sekali (BS)" into the name outside parentheses and the parenthesised
/// parts, all normalised. An unclosed "(" runs to the end.
fn label_parts(s: &str) -> (String, Vec<String>) {
    let mut name = String::new();
    let mut parens: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    current.clear();
                } else {
                    current.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    parens.push(normalize_part(&current));
                } else {
                    current.push(c);
                }
            }
            ')' => name.push(' '),
            c if depth > 0 => current.push(c),
            c => name.push(c),
        }
    }
    if depth > 0 {
        parens.push(normalize_part(&current));
    }
    parens.retain(|p| !p.is_empty());
    (normalize_part(&name), parens)
}

/// The names a label goes by: its name and its parenthesised abbreviations.
fn label_forms(s: &str) -> Vec<String> {
    let (name, parens) = label_parts(s);
    let mut forms = Vec::new();
    if !name.is_empty() {
        forms.push(name);
    }
    for p in parens {
        if !forms.contains(&p) {
            forms.push(p);
        }
    }
    forms
}

/// Normalised label (lowercase, collapsed spaces, dots and parenthesised abbreviation
/// removed) for grouping: "Baik Sekali (BS)" → "baik sekali". A label that is only a
/// parenthesised text ("(BS)") normalises to that text ("bs").
pub fn normalize_label(s: &str) -> String {
    let (name, parens) = label_parts(s);
    if name.is_empty() {
        parens.join(" ")
    } else {
        name
    }
}

/// The forms of a label ([`label_forms`]), worked out once for a label matched often.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelForms(Vec<String>);

impl LabelForms {
    pub fn of(label: &str) -> LabelForms {
        LabelForms(label_forms(label))
    }

    /// Do two labels name each other ([`label_matches`])? Symmetric.
    pub fn matches(&self, other: &LabelForms) -> bool {
        let (s, c) = (&self.0, &other.0);
        if s.is_empty() || c.is_empty() {
            return false;
        }
        c.iter().all(|f| s.contains(f)) || s.iter().all(|f| c.contains(f))
    }
}

/// Does a label written in a table cell name this scale label? Case/space-insensitive.
/// A label goes by its name and its parenthesised abbreviations; it matches when all
/// the forms one side gives are forms of the other: scale label "Baik Sekali (BS)"
/// matches "Baik Sekali", "baik sekali", "BS", "Baik Sekali (BS)", but not "Baik",
/// nor "Baik Sekali (B)".
pub fn label_matches(scale_label: &str, cell_label: &str) -> bool {
    LabelForms::of(scale_label).matches(&LabelForms::of(cell_label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn inc(s: &str) -> Option<Bound> {
        Some(Bound {
            value: d(s),
            inclusive: true,
        })
    }

    fn exc(s: &str) -> Option<Bound> {
        Some(Bound {
            value: d(s),
            inclusive: false,
        })
    }

    fn band(low: Option<Bound>, high: Option<Bound>, decimals: u32) -> Band {
        Band {
            low,
            high,
            decimals,
        }
    }

    fn scale(rows: &[(&str, &str)]) -> Scale {
        Scale {
            bands: rows
                .iter()
                .enumerate()
                .map(|(i, (text, label))| LabeledBand {
                    band: parse_band(text).unwrap_or_else(|| panic!("unparsed: {text}")),
                    label: label.to_string(),
                    index: i,
                })
                .collect(),
        }
    }

    fn p(text: &str) -> Band {
        parse_band(text).unwrap_or_else(|| panic!("unparsed: {text}"))
    }

    // ---- notations -------------------------------------------------------

    #[test]
    fn capaian_table_notations() {
        assert_eq!(p("Lebih dari 100 %"), band(exc("100"), None, 0));
        assert_eq!(
            p("Lebih dari 75 % sd. 100 %"),
            band(exc("75"), inc("100"), 0)
        );
        assert_eq!(p("55 % sd. 75 %"), band(inc("55"), inc("75"), 0));
        assert_eq!(p("Kurang dari 55 %"), band(None, exc("55"), 0));
    }

    #[test]
    fn sd_kurang_dari() {
        assert_eq!(
            p("90% s.d kurang dari 100%"),
            band(inc("90"), exc("100"), 0)
        );
        assert_eq!(p("75% s.d kurang dari 90%"), band(inc("75"), exc("90"), 0));
        assert_eq!(p("Kurang dari 75 %"), band(None, exc("75"), 0));
        assert_eq!(p("Kurang dari 60"), band(None, exc("60"), 0));
    }

    #[test]
    fn symbols_between_numbers() {
        assert_eq!(p("> 90,01"), band(exc("90.01"), None, 2));
        assert_eq!(p("80,01 < 90"), band(inc("80.01"), inc("90"), 2));
        assert_eq!(p("70,01 < 80"), band(inc("70.01"), inc("80"), 2));
        assert_eq!(p("0 < 70,01"), band(inc("0"), inc("70.01"), 2));
        assert_eq!(p("91 % ≤ 100 %"), band(inc("91"), inc("100"), 0));
        assert_eq!(p("91 <= 100"), band(inc("91"), inc("100"), 0));
    }

    #[test]
    fn one_sided_symbols() {
        assert_eq!(p("≤ 50 %"), band(None, inc("50"), 0));
        assert_eq!(p("<= 50"), band(None, inc("50"), 0));
        assert_eq!(p("< 50"), band(None, exc("50"), 0));
        assert_eq!(p("≥ 90"), band(inc("90"), None, 0));
        assert_eq!(p(">= 90"), band(inc("90"), None, 0));
        assert_eq!(p("=> 90"), band(inc("90"), None, 0));
        assert_eq!(p("> 90"), band(exc("90"), None, 0));
        assert_eq!(p("＞90"), band(exc("90"), None, 0));
    }

    #[test]
    fn dashes() {
        assert_eq!(p("88,31-100,00"), band(inc("88.31"), inc("100.00"), 2));
        assert_eq!(p("25,00 – 64,99"), band(inc("25.00"), inc("64.99"), 2));
        assert_eq!(p("25,00 — 64,99"), band(inc("25.00"), inc("64.99"), 2));
        assert_eq!(p("1,00-2,5996"), band(inc("1.00"), inc("2.5996"), 4));
        assert_eq!(p("91 - 100"), band(inc("91"), inc("100"), 0));
        assert_eq!(p("0 – 100"), band(inc("0"), inc("100"), 0));
        assert_eq!(p("90 % - 100 %"), band(inc("90"), inc("100"), 0));
        assert_eq!(p("90 ~ 100"), band(inc("90"), inc("100"), 0));
        // Written high to low: same range.
        assert_eq!(p("100 - 91"), band(inc("91"), inc("100"), 0));
        // Negative numbers.
        assert_eq!(p("-10 - -5"), band(inc("-10"), inc("-5"), 0));
        assert_eq!(p("< -5"), band(None, exc("-5"), 0));
    }

    #[test]
    fn words() {
        assert_eq!(p("lebih besar dari 90"), band(exc("90"), None, 0));
        assert_eq!(p("Lebih Besar Dari 90"), band(exc("90"), None, 0));
        assert_eq!(p("di atas 100"), band(exc("100"), None, 0));
        assert_eq!(p("diatas 100"), band(exc("100"), None, 0));
        assert_eq!(p("di bawah 50"), band(None, exc("50"), 0));
        assert_eq!(p("lebih kecil dari 50"), band(None, exc("50"), 0));
        assert_eq!(
            p("lebih dari atau sama dengan 90"),
            band(inc("90"), None, 0)
        );
        assert_eq!(p("lebih dari sama dengan 90"), band(inc("90"), None, 0));
        assert_eq!(p("kurang dari sama dengan 50"), band(None, inc("50"), 0));
        assert_eq!(
            p("kurang dari atau sama dengan 50"),
            band(None, inc("50"), 0)
        );
        assert_eq!(p("90 ke atas"), band(inc("90"), None, 0));
        assert_eq!(p("50 ke bawah"), band(None, inc("50"), 0));
        assert_eq!(p("90 persen atau lebih"), band(inc("90"), None, 0));
    }

    #[test]
    fn range_words() {
        for t in [
            "50 sampai dengan 60",
            "50 s/d 60",
            "50 s.d. 60",
            "50 s.d 60",
            "50 sd 60",
            "50 sd. 60",
            "50 S.D. 60",
            "50 s. d. 60",
            "50 hingga 60",
            "50 sampai 60",
            "antara 50 dan 60",
            "Antara 50 % dan 60 %",
            "50%s/d60%",
        ] {
            assert_eq!(p(t), band(inc("50"), inc("60"), 0), "{t}");
        }
        assert_eq!(
            p("lebih dari 50 sampai dengan kurang dari 60"),
            band(exc("50"), exc("60"), 0)
        );
        assert_eq!(p("> 80 dan ≤ 90"), band(exc("80"), inc("90"), 0));
        assert_eq!(p("> 90 - 100"), band(exc("90"), inc("100"), 0));
        assert_eq!(p("≥ 90 s.d 100"), band(inc("90"), inc("100"), 0));
    }

    #[test]
    fn variable_between() {
        assert_eq!(p("90 < x ≤ 100"), band(exc("90"), inc("100"), 0));
        assert_eq!(p("90 < P ≤ 100"), band(exc("90"), inc("100"), 0));
        assert_eq!(p("90 <= x < 100"), band(inc("90"), exc("100"), 0));
        assert_eq!(
            p("90,5 < nilai capaian <= 100"),
            band(exc("90.5"), inc("100"), 1)
        );
        assert_eq!(p("100 ≥ x > 90"), band(exc("90"), inc("100"), 0));
        assert_eq!(p("x > 90"), band(exc("90"), None, 0));
        assert_eq!(p("P ≤ 50"), band(None, inc("50"), 0));
        assert_eq!(p("90 < x"), band(exc("90"), None, 0));
        assert_eq!(p("50 >= x"), band(None, inc("50"), 0));
        assert_eq!(p("x > 80 dan x ≤ 90"), band(exc("80"), inc("90"), 0));
        assert_eq!(p("x = 100"), band(inc("100"), inc("100"), 0));
        // Mixed directions do not make a range.
        assert_eq!(parse_band("90 < x > 100"), None);
    }

    #[test]
    fn single_point() {
        assert_eq!(p("100 %"), band(inc("100"), inc("100"), 0));
        assert_eq!(p("100"), band(inc("100"), inc("100"), 0));
        assert_eq!(p("100,00"), band(inc("100.00"), inc("100.00"), 2));
        assert_eq!(p("sama dengan 100"), band(inc("100"), inc("100"), 0));
    }

    #[test]
    fn decimals_and_separators() {
        assert_eq!(p("90.01 - 100"), band(inc("90.01"), inc("100"), 2));
        assert_eq!(p("> 90.01"), band(exc("90.01"), None, 2));
        assert_eq!(
            p("1.000.000 - 2.000.000"),
            band(inc("1000000"), inc("2000000"), 0)
        );
        assert_eq!(
            p("1.000,5 - 2.000,75"),
            band(inc("1000.5"), inc("2000.75"), 2)
        );
        assert_eq!(
            p("1,000.5 - 2,000.75"),
            band(inc("1000.5"), inc("2000.75"), 2)
        );
        assert_eq!(p("Lebih dari 100 %."), band(exc("100"), None, 0));
        assert_eq!(parse_band("1.00.0 - 2"), None);
        assert_eq!(parse_band("1.000,5,5"), None);
    }

    #[test]
    fn not_ranges() {
        for t in [
            "",
            "   ",
            "-",
            "Baik Sekali (BS)",
            "Kategori",
            "Rentang Capaian",
            "Tahun 2020",
            "Lebih dari",
            "sd. 100",
            "100 sd.",
            "50 - 60 - 70",
            "100 - 90 lebih",
            "90 > 100",
            "Lebih dari 100 sd. 90",
            "Lebih dari 100 sd. 100",
            "90 s.d kurang dari 90",
            "< 50 - 60",
            "50 <> 60",
            "(50 - 60)",
            "antara 50",
            "50 antara 60",
            "50 60",
            "0,1234567890123456789012345678901",
            "99999999999999999999999999999999999",
        ] {
            assert_eq!(parse_band(t), None, "{t:?}");
        }
    }

    #[test]
    fn contains_respects_ends() {
        let b = p("Lebih dari 75 % sd. 100 %");
        assert!(!b.contains(d("75")));
        assert!(b.contains(d("75.0001")));
        assert!(b.contains(d("100")));
        assert!(!b.contains(d("100.0001")));
        let b = p("Kurang dari 55");
        assert!(b.contains(d("-1000")));
        assert!(!b.contains(d("55")));
        let b = p("100 %");
        assert!(b.contains(d("100.00")));
        assert!(!b.contains(d("99.99")));
    }

    // ---- worked examples ---------------------------------------------------

    #[test]
    fn example1_single_hole_at_100() {
        let s = scale(&[
            ("Lebih dari 100 %", "Sangat Berhasil"),
            ("90% s.d kurang dari 100%", "Berhasil"),
            ("75% s.d kurang dari 90%", "Cukup"),
            ("Kurang dari 75 %", "Kurang"),
        ]);
        assert_eq!(s.resolution(), d("1"));
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 1,
                above: 0,
                from: d("100"),
                to: d("100")
            }]
        );
        assert_eq!(s.overlaps(), vec![]);
        assert!(s.classify(d("100")).is_empty());
        assert_eq!(s.classify(d("99")), vec![1]);
        assert_eq!(s.classify(d("101")), vec![0]);
        assert_eq!(s.classify(d("75")), vec![2]);
        assert_eq!(s.classify(d("74.9")), vec![3]);
    }

    #[test]
    fn example2_hole_at_90_01_overlap_at_70_01() {
        let s = scale(&[
            ("> 90,01", "Baik Sekali"),
            ("80,01 < 90", "Baik"),
            ("70,01 < 80", "Cukup"),
            ("0 < 70,01", "Kurang"),
        ]);
        assert_eq!(s.resolution(), d("0.01"));
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 1,
                above: 0,
                from: d("90.01"),
                to: d("90.01")
            }]
        );
        assert_eq!(s.classify(d("90.00")), vec![1]);
        assert!(s.classify(d("90.01")).is_empty());
        assert_eq!(s.classify(d("90.02")), vec![0]);
        assert_eq!(s.classify(d("80.00")), vec![2]);
        assert_eq!(s.classify(d("80.01")), vec![1]);
        assert_eq!(s.classify(d("70.01")), vec![2, 3]);
        assert_eq!(
            s.overlaps(),
            vec![Overlap {
                a: 2,
                b: 3,
                from: d("70.01"),
                to: d("70.01")
            }]
        );
    }

    #[test]
    fn example3_capaian_table_is_complete() {
        let s = scale(&[
            ("Lebih dari 100 %", "Baik Sekali (BS)"),
            ("Lebih dari 75 % sd. 100 %", "Baik (B)"),
            ("55 % sd. 75 %", "Cukup (C)"),
            ("Kurang dari 55 %", "Kurang (K)"),
        ]);
        assert_eq!(s.gaps(), vec![]);
        assert_eq!(s.overlaps(), vec![]);
        assert_eq!(s.classify(d("100")), vec![1]);
        assert_eq!(s.classify(d("100.01")), vec![0]);
        assert_eq!(s.classify(d("75")), vec![2]);
        assert_eq!(s.classify(d("75.5")), vec![1]);
        assert_eq!(s.classify(d("54.99")), vec![3]);
    }

    #[test]
    fn example4_hole_at_60() {
        let s = scale(&[
            ("91 - 100", "Sangat Tinggi"),
            ("81 - 90", "Tinggi"),
            ("71 - 80", "Sedang"),
            ("61 - 70", "Rendah"),
            ("Kurang dari 60", "Sangat Rendah"),
        ]);
        assert_eq!(s.resolution(), d("1"));
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 4,
                above: 3,
                from: d("60"),
                to: d("60")
            }]
        );
        assert_eq!(s.overlaps(), vec![]);
    }

    #[test]
    fn example5_two_decimal_scale_is_complete() {
        let s = scale(&[
            ("88,31-100,00", "A"),
            ("76,61-88,30", "B"),
            ("65,00-76,60", "C"),
            ("25,00 – 64,99", "D"),
        ]);
        assert_eq!(s.resolution(), d("0.01"));
        assert_eq!(s.gaps(), vec![]);
        assert_eq!(s.overlaps(), vec![]);
        assert_eq!(s.classify(d("88.30")), vec![1]);
        assert_eq!(s.classify(d("88.31")), vec![0]);
        assert!(s.classify(d("88.305")).is_empty());
    }

    #[test]
    fn example6_unparseable_is_none() {
        assert_eq!(parse_band("Sangat Baik"), None);
        assert_eq!(parse_band("Rentang Nilai"), None);
        assert_eq!(parse_band("lihat lampiran"), None);
    }

    #[test]
    fn wide_holes_and_overlaps() {
        let s = scale(&[("0 - 10", "A"), ("50 - 60", "B"), ("20 - 30", "C")]);
        assert_eq!(
            s.gaps(),
            vec![
                Gap {
                    below: 0,
                    above: 2,
                    from: d("11"),
                    to: d("19")
                },
                Gap {
                    below: 2,
                    above: 1,
                    from: d("31"),
                    to: d("49")
                },
            ]
        );
        // A band inside another: the hole after it is measured from the outer band.
        let s = scale(&[("0 - 100", "A"), ("10 - 20", "B"), ("110 - 120", "C")]);
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 0,
                above: 2,
                from: d("101"),
                to: d("109")
            }]
        );
        assert_eq!(
            s.overlaps(),
            vec![Overlap {
                a: 0,
                b: 1,
                from: d("10"),
                to: d("20")
            }]
        );
        // Two open-ended bands overlap without end.
        let s = scale(&[
            ("> 90", "A"),
            ("Lebih dari 100", "B"),
            ("< 10", "C"),
            ("≤ 20", "D"),
        ]);
        assert_eq!(
            s.overlaps(),
            vec![
                Overlap {
                    a: 0,
                    b: 1,
                    from: d("101"),
                    to: Decimal::MAX
                },
                Overlap {
                    a: 2,
                    b: 3,
                    from: Decimal::MIN,
                    to: d("9")
                },
            ]
        );
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 3,
                above: 0,
                from: d("21"),
                to: d("90")
            }]
        );
    }

    #[test]
    fn open_next_to_closed_is_contiguous() {
        let s = scale(&[("Lebih dari 100", "A"), ("90 - 100", "B")]);
        assert_eq!(s.gaps(), vec![]);
        assert_eq!(s.overlaps(), vec![]);
        let s = scale(&[("Lebih dari 100", "A"), ("90 - 99", "B")]);
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 1,
                above: 0,
                from: d("100"),
                to: d("100")
            }]
        );
    }

    #[test]
    fn mixed_resolution_uses_finest() {
        // "90 - 100" at 0,01: 90,00..100,00; "80 - 89,99" → contiguous.
        let s = scale(&[("90 - 100", "A"), ("80 - 89,99", "B")]);
        assert_eq!(s.resolution(), d("0.01"));
        assert_eq!(s.gaps(), vec![]);
        // One decimal alone: 89,9 then 90,0 is contiguous.
        let s = scale(&[("90 - 100", "A"), ("80 - 89,9", "B")]);
        assert_eq!(s.resolution(), d("0.1"));
        assert_eq!(s.gaps(), vec![]);
        // Another band written with two decimals makes 89,91..89,99 a hole.
        let s = scale(&[("90 - 100", "A"), ("80 - 89,9", "B"), ("0 - 79,99", "C")]);
        assert_eq!(s.resolution(), d("0.01"));
        assert_eq!(
            s.gaps(),
            vec![Gap {
                below: 1,
                above: 0,
                from: d("89.91"),
                to: d("89.99")
            }]
        );
    }

    #[test]
    fn edges_outside_bands_are_not_holes() {
        // "(0, 90]" at the bottom: 0 itself is below every band, not between bands.
        let s = scale(&[("> 90", "A"), ("0 < x ≤ 90", "B")]);
        assert_eq!(s.gaps(), vec![]);
        let empty = Scale { bands: vec![] };
        assert_eq!(empty.gaps(), vec![]);
        assert_eq!(empty.overlaps(), vec![]);
        assert_eq!(empty.resolution(), d("1"));
        assert!(empty.classify(d("1")).is_empty());
    }

    #[test]
    fn hand_built_bands_do_not_panic() {
        // Decimals out of range, bounds finer than the declared decimals, extremes.
        let s = Scale {
            bands: vec![
                LabeledBand {
                    band: Band {
                        low: Some(Bound {
                            value: Decimal::MAX,
                            inclusive: false,
                        }),
                        high: None,
                        decimals: 99,
                    },
                    label: "A".into(),
                    index: 0,
                },
                LabeledBand {
                    band: Band {
                        low: None,
                        high: Some(Bound {
                            value: Decimal::MIN,
                            inclusive: false,
                        }),
                        decimals: 0,
                    },
                    label: "B".into(),
                    index: 1,
                },
                LabeledBand {
                    band: Band {
                        low: exc("0.5"),
                        high: exc("1.5"),
                        decimals: 0,
                    },
                    label: "C".into(),
                    index: 2,
                },
            ],
        };
        let _ = s.resolution();
        let _ = s.gaps();
        let _ = s.overlaps();
        let _ = s.classify(Decimal::MAX);
        let s = Scale {
            bands: vec![LabeledBand {
                band: Band {
                    low: exc("0.5"),
                    high: exc("1.5"),
                    decimals: 0,
                },
                label: "C".into(),
                index: 0,
            }],
        };
        // At resolution 1, (0.5, 1.5) holds exactly 1.
        let t = Scale {
            bands: vec![s.bands[0].clone(), s.bands[0].clone()],
        };
        assert_eq!(
            t.overlaps(),
            vec![Overlap {
                a: 0,
                b: 1,
                from: d("1"),
                to: d("1")
            }]
        );
    }

    // ---- labels ---------------------------------------------------------------

    #[test]
    fn labels() {
        let bs = "Baik Sekali (BS)";
        for cell in [
            "Baik Sekali",
            "baik sekali",
            "BS",
            "bs",
            "Baik Sekali (BS)",
            " BAIK  SEKALI ",
            "B.S.",
            "(BS)",
        ] {
            assert!(label_matches(bs, cell), "{cell:?}");
        }
        for cell in [
            "Baik",
            "B",
            "Baik (B)",
            "Baik Sekali (B)",
            "Sekali",
            "",
            "()",
        ] {
            assert!(!label_matches(bs, cell), "{cell:?}");
        }
        assert!(!label_matches("Baik", "Baik Sekali"));
        assert!(label_matches("Baik (B)", "B"));
        assert!(label_matches("A", "A"));
        assert!(label_matches("A", "a"));
        assert!(!label_matches("A", "AA"));
        assert!(!label_matches("Berhasil", "Sangat Berhasil"));
        assert!(!label_matches("Sangat Berhasil", "Berhasil"));
        assert!(label_matches("Sangat Berhasil", "sangat\u{a0}berhasil"));
        // An abbreviation-only scale label matches a cell that gives both.
        assert!(label_matches("BS", "Baik Sekali (BS)"));
        assert!(!label_matches("", ""));
    }

    #[test]
    fn normalized_labels() {
        assert_eq!(normalize_label("Baik Sekali (BS)"), "baik sekali");
        assert_eq!(normalize_label("  BAIK\tSEKALI  "), "baik sekali");
        assert_eq!(normalize_label("Sangat Berhasil"), "sangat berhasil");
        assert_eq!(normalize_label("(BS)"), "bs");
        assert_eq!(normalize_label("Cukup (C"), "cukup");
        assert_eq!(normalize_label(""), "");
    }

    // ---- properties -------------------------------------------------------------

    /// Pieces band texts are made of, to exercise the grammar beyond random noise.
    fn band_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,4}([,.][0-9]{1,4})?",
            Just("-".to_string()),
            Just("–".to_string()),
            Just("%".to_string()),
            Just("<".to_string()),
            Just("≤".to_string()),
            Just(">".to_string()),
            Just("≥".to_string()),
            Just("=".to_string()),
            Just("x".to_string()),
            Just("sd.".to_string()),
            Just("s.d".to_string()),
            Just("s/d".to_string()),
            Just("lebih dari".to_string()),
            Just("kurang dari".to_string()),
            Just("sama dengan".to_string()),
            Just("antara".to_string()),
            Just("dan".to_string()),
            Just("ke atas".to_string()),
            Just(" ".to_string()),
            Just(".".to_string()),
            Just(",".to_string()),
        ]
    }

    proptest! {
        #[test]
        fn parse_band_never_panics(s in "\\PC*") {
            let _ = parse_band(&s);
        }

        #[test]
        fn parse_band_never_panics_on_band_like_text(
            pieces in prop::collection::vec(band_piece(), 0..8)
        ) {
            let text = pieces.join(" ");
            if let Some(b) = parse_band(&text) {
                // Whatever parses is a non-empty interval.
                if let (Some(l), Some(h)) = (b.low, b.high) {
                    prop_assert!(l.value < h.value || (l.value == h.value && l.inclusive && h.inclusive));
                }
            }
            let joined = pieces.concat();
            let _ = parse_band(&joined);
        }

        /// The one-pass normalize_part agrees with the plain definition.
        #[test]
        fn normalize_part_is_the_plain_definition(s in "[ a-zA-Z.,;:\\t\u{a0}\u{130}\u{3a3}()]{0,12}|\\PC*") {
            let lowered: String = s
                .chars()
                .filter(|&c| c != '.')
                .flat_map(char::to_lowercase)
                .collect();
            let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
            let plain = collapsed
                .trim_matches(|c: char| c == ',' || c == ':' || c == ';' || c.is_whitespace())
                .to_string();
            prop_assert_eq!(normalize_part(&s), plain);
        }

        #[test]
        fn labels_never_panic(a in "\\PC*", b in "\\PC*") {
            let _ = label_matches(&a, &b);
            let _ = normalize_label(&a);
            prop_assert!(label_matches(&a, &a) || label_forms(&a).is_empty());
        }

        /// gaps/overlaps agree with enumerating every integer (resolution 1).
        #[test]
        fn gaps_and_overlaps_match_brute_force(
            raw in prop::collection::vec(
                (
                    prop::option::of((0i64..30, any::<bool>())),
                    prop::option::of((0i64..30, any::<bool>())),
                ),
                1..5,
            )
        ) {
            let bands: Vec<LabeledBand> = raw
                .iter()
                .enumerate()
                .map(|(i, (lo, hi))| LabeledBand {
                    band: Band {
                        low: lo.map(|(v, inc)| Bound { value: Decimal::from(v), inclusive: inc }),
                        high: hi.map(|(v, inc)| Bound { value: Decimal::from(v), inclusive: inc }),
                        decimals: 0,
                    },
                    label: format!("L{i}"),
                    index: i,
                })
                .collect();
            let s = Scale { bands };
            let range: Vec<i64> = (-5..=35).collect();
            let covers = |i: usize, v: i64| s.bands[i].band.contains(Decimal::from(v));
            let n = s.bands.len();
            let covered = |v: i64| (0..n).any(|i| covers(i, v));
            // Expected holes: uncovered values with coverage both below and above.
            let mut holes: Vec<(i64, i64)> = Vec::new();
            for &v in &range {
                let lower = range.iter().any(|&u| u < v && covered(u));
                let upper = range.iter().any(|&u| u > v && covered(u));
                if !covered(v) && lower && upper {
                    match holes.last_mut() {
                        Some((_, to)) if *to == v - 1 => *to = v,
                        _ => holes.push((v, v)),
                    }
                }
            }
            let gaps = s.gaps();
            let got: Vec<(i64, i64)> = gaps
                .iter()
                .map(|g| (g.from.try_into().unwrap(), g.to.try_into().unwrap()))
                .collect();
            prop_assert_eq!(&got, &holes);
            for (g, (from, to)) in gaps.iter().zip(&holes) {
                prop_assert!(covers(g.below, from - 1));
                prop_assert!(covers(g.above, to + 1));
            }
            // Expected overlaps: pairs sharing a value; compare within the window.
            let mut expected = Vec::new();
            for a in 0..n {
                for b in a + 1..n {
                    let shared: Vec<i64> =
                        range.iter().copied().filter(|&v| covers(a, v) && covers(b, v)).collect();
                    if let (Some(&f), Some(&t)) = (shared.first(), shared.last()) {
                        expected.push((a, b, f, t));
                    }
                }
            }
            let clip = |x: Decimal| -> i64 {
                x.max(Decimal::from(-5)).min(Decimal::from(35)).try_into().unwrap()
            };
            let got: Vec<(usize, usize, i64, i64)> = s
                .overlaps()
                .iter()
                .map(|o| (o.a, o.b, clip(o.from), clip(o.to)))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
