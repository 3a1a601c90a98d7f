//! Claims: what a sentence of the report document says about a figure.
//!
//! Each paragraph of a report document is cut into sentences; each figure of a sentence
//! gets a role from the words before it (`rules/claims.toml`), and figures in order make
//! claims: an indicator's target / realisasi / capaian (with the predikat the sentence
//! gives), a budget's anggaran / realisasi / percentage, a year-on-year change, counts of
//! programmes, kegiatan and sub kegiatan, and figures that cannot be read. The subject is
//! found in the sentence by the same names and aliases as the facts of the tables.

use crate::doc::Doc;
use crate::facts::{Fact, Names, Subject};
use crate::figure::{self, Figure, Parsed};
use crate::finding::{Location, TextPlace};
use crate::grid::Paragraph;
use crate::rules::{ClaimRole, Rules};
use regex::Regex;
use std::sync::OnceLock;

/// A figure a sentence states, where it stands in its paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub value: Figure,
    /// Byte range of the figure's text in the paragraph.
    pub span: (usize, usize),
}

/// What a claim says.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimKind {
    /// An indicator's figures: "dengan target 88,31 terealisasi 88,85 sehingga capaian
    /// kinerjanya adalah 100,61 %", and the predikat it gives ("masuk dalam kategori …").
    Performance {
        target: Option<Stated>,
        realisasi: Option<Stated>,
        capaian: Option<Stated>,
        predikat: Option<(String, (usize, usize))>,
    },
    /// A budget's figures: "Anggaran sebesar Rp. X dengan realisasi Rp. Y atau Z %".
    Budget {
        anggaran: Option<Stated>,
        realisasi: Option<Stated>,
        persen: Option<Stated>,
    },
    /// "pada Tahun 2023 adalah 84,49 dan pada Tahun 2024 adalah 88,85. Ada kenaikan …
    /// sebesar 4,36".
    Change {
        earlier: (i32, Stated),
        later: (i32, Stated),
        change: Stated,
        decrease: bool,
    },
    /// "3 Program, 9 Kegiatan dan 23 Sub Kegiatan".
    Counts {
        counts: [u32; 3],
        span: (usize, usize),
    },
    /// A figure that cannot be read ("2.416.254.056,00,00").
    Malformed {
        text: String,
        reason: figure::Malformed,
        span: (usize, usize),
    },
}

/// A claim of one sentence of a report document.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The document (index in the submission) and paragraph (index in its paragraphs).
    pub doc: usize,
    pub paragraph: usize,
    /// The sentence's byte range in the paragraph.
    pub sentence: (usize, usize),
    /// What the claim is about, as the facts name it (None when no known name is found).
    pub subject: Option<(Subject, String)>,
    /// The year the sentence gives the figures ("Tahun 2024 adalah …"); else the report's.
    pub year: Option<i32>,
    pub kind: ClaimKind,
}

impl Claim {
    /// Where a figure of this claim stands, for a finding: the paragraph and sentence.
    pub fn at(&self, docs: &[Doc], figure: (usize, usize)) -> Location {
        let doc = docs.get(self.doc);
        let file = doc.map(|d| d.file.clone()).unwrap_or_default();
        let Some(p) = doc.and_then(|d| d.paragraphs.get(self.paragraph)) else {
            return Location::sentence(file, TextPlace::default());
        };
        Location::sentence(file, place(p, self.sentence, figure))
    }
}

/// The quote for a figure: its sentence, at most [`QUOTE_CHARS`] characters around the
/// figure, with the figure's byte range inside the quote.
pub fn place(p: &Paragraph, sentence: (usize, usize), figure: (usize, usize)) -> TextPlace {
    let text = p.text.as_str();
    let (mut from, mut to) = sentence;
    let chars = |a: usize, b: usize| text.get(a..b).map_or(0, |s| s.chars().count());
    if chars(from, to) > QUOTE_CHARS {
        // A window centred on the figure, moved to char boundaries.
        let half = QUOTE_CHARS / 2;
        let mut a = figure.0;
        let mut n = 0;
        while a > from && n < half {
            a = prev_boundary(text, a);
            n += 1;
        }
        let mut b = figure.0;
        let mut m = 0;
        while b < to && m < QUOTE_CHARS - n {
            b = next_boundary(text, b);
            m += 1;
        }
        // Whole words only: a cut word at either end reads as a typo in the quote.
        if a > from {
            let head = text.get(a..figure.0).unwrap_or_default();
            if let Some(space) = head.find(' ') {
                a += space + 1;
            }
        }
        let end = b.max(figure.1.min(to));
        if end < to {
            let tail_start = figure.1.min(end);
            let tail = text.get(tail_start..end).unwrap_or_default();
            if let Some(space) = tail.rfind(' ') {
                b = tail_start + space;
            }
        }
        from = a;
        to = b.max(figure.1.min(to));
    }
    let quote = text.get(from..to).unwrap_or_default().to_string();
    let rel = (
        figure.0.saturating_sub(from).min(quote.len()),
        figure.1.saturating_sub(from).min(quote.len()),
    );
    let (page, line) = match p.page_line(figure.0) {
        Some((pg, l)) => (Some(pg), Some(l)),
        None => (None, None),
    };
    TextPlace {
        paragraph: p.number,
        page,
        line,
        quote,
        figure: rel,
    }
}

/// The longest quote shown for a finding in a sentence.
pub const QUOTE_CHARS: usize = 300;

fn prev_boundary(s: &str, mut i: usize) -> usize {
    i = i.saturating_sub(1);
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_boundary(s: &str, mut i: usize) -> usize {
    i += 1;
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// The sentences of a paragraph, as byte ranges: cut after `.`, `!`, `?` or `;` followed
/// by a space and a capital letter, a quote or a bracket — not inside a figure
/// ("2.416.254.056,00") nor after "Rp." or "No.".
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if matches!(b, b'.' | b'!' | b'?') {
            let before = text.get(..i).unwrap_or_default();
            let word = before
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_lowercase();
            let abbreviation = matches!(
                word.as_str(),
                "rp" | "no" | "nomor" | "kab" | "ta" | "s.d" | "sd" | "dll" | "dsb" | "a.n" | "tgl"
            );
            let rest = text.get(i + 1..).unwrap_or_default();
            let after = rest.trim_start();
            let spaced = rest.len() > after.len();
            let next = after.chars().next();
            // "2. Berikutnya": a list number typed by hand ends no sentence.
            let number = text.get(start..i).is_some_and(|x| {
                !x.trim().is_empty() && x.trim().chars().all(|c| c.is_ascii_digit() || c == '.')
            });
            let cut = !abbreviation
                && !number
                && (next.is_none()
                    || (spaced
                        && next.is_some_and(|c| {
                            c.is_uppercase() || c.is_ascii_digit() || "\"“‘'(-–•".contains(c)
                        })));
            if cut {
                let end = i + 1;
                if text.get(start..end).is_some_and(|s| !s.trim().is_empty()) {
                    out.push((start, end));
                }
                start = end;
            }
        }
        i += 1;
    }
    if text.get(start..).is_some_and(|s| !s.trim().is_empty()) {
        out.push((start, text.len()));
    }
    // Leading spaces of each sentence are not part of it.
    out.into_iter()
        .map(|(a, b)| {
            let s = text.get(a..b).unwrap_or_default();
            (a + (s.len() - s.trim_start().len()), b)
        })
        .collect()
}

/// A figure in a sentence: its text, where it stands, what it reads as.
#[derive(Debug, Clone)]
struct Token {
    span: (usize, usize),
    parsed: Parsed,
    money: bool,
    /// A 4-digit year without a unit: not a figure of any claim.
    year: bool,
}

/// The figures of a text: optional "Rp", digits with `.`/`,` groups, optional `%`, and
/// a malformed run such as "2.416.254.056,00,00" whole.
fn tokens(text: &str) -> Vec<Token> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| Regex::new(r"(?i)(?:\brp\.?\s*)?\b\d+(?:[.,]\d+)*(?:\s*%)?").ok())
        .as_ref()
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in re.find_iter(text) {
        let s = m.as_str();
        // A figure glued to letters ("PIM IV", "A1") or kode-like ("7.01.01") is no claim.
        let before = text.get(..m.start()).and_then(|b| b.chars().next_back());
        if before.is_some_and(|c| c.is_alphabetic() || c == '/' || c == '-') {
            continue;
        }
        let after = text.get(m.end()..).and_then(|a| a.chars().next());
        if after.is_some_and(|c| c.is_alphanumeric() && !s.ends_with('%')) {
            continue;
        }
        // A term of a formula ("(2 × target − realisasi) / target × 100") states nothing.
        const OPERATORS: &str = "×x*/+−=(";
        let prev = text
            .get(..m.start())
            .map(str::trim_end)
            .and_then(|b| b.chars().next_back());
        let next = text
            .get(m.end()..)
            .map(str::trim_start)
            .and_then(|a| a.chars().next());
        if prev.is_some_and(|c| OPERATORS.contains(c) && c != 'x')
            || next.is_some_and(|c| OPERATORS.contains(c) && c != '(')
        {
            continue;
        }
        let digits = s.trim_start_matches(|c: char| !c.is_ascii_digit());
        let dots = digits.matches('.').count();
        let commas = digits.matches(',').count();
        // Kode (7.01.01.2.01) and dates are not figures: dots with groups not of three.
        let kode = dots >= 1 && commas == 0 && digits.split('.').skip(1).any(|g| g.len() != 3);
        if kode && dots >= 2 {
            continue;
        }
        let parsed = figure::parse_text(s);
        let money = s.to_lowercase().starts_with("rp")
            || (dots >= 2 && !s.ends_with('%'))
            || matches!(&parsed, Parsed::Number(f) if f.money);
        let year = !money
            && !s.contains('%')
            && digits.len() == 4
            && (digits.starts_with("19") || digits.starts_with("20"));
        out.push(Token {
            span: (m.start(), m.end()),
            parsed,
            money,
            year,
        });
    }
    out
}

/// The role of a figure from its lead (the words since the previous figure).
fn role_of(
    rules: &Rules,
    lead: &str,
    money: bool,
    after_money: bool,
) -> Option<(ClaimRole, Option<i32>)> {
    let c = &rules.claims;
    let lower = lead.to_lowercase();
    // The last `window` words of the lead.
    let words: Vec<(usize, &str)> = lower
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - lower.as_ptr() as usize, w))
        .collect();
    let from = words
        .len()
        .checked_sub(c.window)
        .and_then(|k| words.get(k))
        .map_or(0, |(o, _)| *o);
    let tail = lower.get(from..).unwrap_or_default();
    // A stated change wins anywhere in the lead: "kenaikan … capaian kinerja sebesar 4,36".
    if !money
        && c.roles
            .iter()
            .any(|(r, p)| *r == ClaimRole::Change && p.is_match(&lower))
    {
        return Some((ClaimRole::Change, None));
    }
    let mut best: Option<(usize, usize, ClaimRole)> = None;
    for (role, re) in &c.roles {
        let allowed = match role {
            ClaimRole::Anggaran | ClaimRole::RealisasiAnggaran => money,
            ClaimRole::Persen => !money && after_money,
            ClaimRole::Change => false,
            ClaimRole::Other => true,
            _ => !money,
        };
        if !allowed {
            continue;
        }
        for m in re.find_iter(tail) {
            let key = (m.end(), usize::MAX - m.start());
            if best.is_none_or(|(e, s, _)| key > (e, s)) {
                best = Some((key.0, key.1, *role));
            }
        }
    }
    let (end, from_end, role) = best?;
    let word = tail.get(usize::MAX - from_end..end).unwrap_or_default();
    // "pada Tahun 2023 adalah 84,49": a year after the role word makes it that year's value.
    let year = c
        .year
        .captures_iter(tail.get(end..).unwrap_or_default())
        .last()
        .and_then(|cap| cap.name("year")?.as_str().parse().ok());
    if word == "nilai" && year.is_none() {
        return None;
    }
    Some((role, year))
}

/// Every claim of a submission's report documents. `facts` are the facts of the tables,
/// whose names the sentences are searched for.
pub fn extract(docs: &[Doc], rules: &Rules, facts: &[Fact]) -> Vec<Claim> {
    let names = Names::new(rules);
    let subjects = subject_phrases(&names, facts);
    // The unit's whole budget, as its tables name it ("JUMLAH", "Total Belanja").
    let total_label = facts
        .iter()
        .find(|f| f.subject == Subject::Total && !f.label.is_empty())
        .map(|f| f.label.clone());
    let mut out = Vec::new();
    for (di, doc) in docs.iter().enumerate() {
        for (pi, p) in doc.paragraphs.iter().enumerate() {
            paragraph_claims(rules, &names, &subjects, di, pi, p, &mut out);
        }
    }
    for c in &mut out {
        if let Some((Subject::Total, label)) = &mut c.subject {
            match &total_label {
                Some(l) => *label = l.clone(),
                // No table states the whole budget: nothing to compare with.
                None => c.subject = None,
            }
        }
    }
    out
}

/// A name to look for in sentences: its words, what it stands for, how a table writes it,
/// and whether it is a programme/kegiatan/budget line.
struct Phrase {
    words: Vec<String>,
    subject: Subject,
    label: String,
    entity: bool,
}

fn subject_phrases(names: &Names, facts: &[Fact]) -> Vec<Phrase> {
    let aliases = names.alias_names();
    let mut out: Vec<Phrase> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Many facts share a label (a row's figures, every year): its phrases once.
    let mut labels_seen = std::collections::HashSet::new();
    for f in facts {
        if f.subject == Subject::Total || !labels_seen.insert((f.label.as_str(), f.entity)) {
            continue;
        }
        let canonical = names.normalize(&f.label);
        let mut forms = vec![canonical.clone()];
        if !f.entity {
            forms.extend(
                aliases
                    .iter()
                    .filter(|(_, c)| *c == canonical)
                    .map(|(a, _)| a.clone()),
            );
        }
        for form in forms {
            let words: Vec<String> = form.split_whitespace().map(str::to_string).collect();
            // One word ("ikm") is a name only when it is an alias: a lone common word is not.
            if words.is_empty() || (words.len() < 2 && form == canonical) {
                continue;
            }
            if seen.insert((words.clone(), f.entity)) {
                out.push(Phrase {
                    words,
                    subject: f.subject.clone(),
                    label: f.label.clone(),
                    entity: f.entity,
                });
            }
        }
    }
    out
}

/// How far before a figure its subject is looked for, in bytes: a real sentence names its
/// subject well within this, and a "sentence" of millions of figures (a hostile or broken
/// document) then costs linear time, not quadratic.
const SUBJECT_WINDOW: usize = 600;

/// The text of `sentence` before byte `end`, at most [`SUBJECT_WINDOW`] bytes of it
/// (starting at a character boundary).
fn near_before(sentence: &str, end: usize) -> &str {
    let before = sentence.get(..end).unwrap_or_default();
    let mut from = before.len().saturating_sub(SUBJECT_WINDOW);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    before.get(from..).unwrap_or_default()
}

/// The name that ends last in `text` (the longest when two end together), among the
/// entities or the indicators.
fn subject_in(
    names: &Names,
    phrases: &[Phrase],
    text: &str,
    entity: bool,
) -> Option<(Subject, String)> {
    let words = names.words(text);
    let mut best: Option<(usize, usize, &Phrase)> = None;
    for ph in phrases.iter().filter(|p| p.entity == entity) {
        let n = ph.words.len();
        if n > words.len() {
            continue;
        }
        for i in 0..=(words.len() - n) {
            let hit = words
                .get(i..i + n)
                .is_some_and(|w| w.iter().zip(&ph.words).all(|((a, _), b)| a == b));
            if hit {
                let end = words.get(i + n - 1).map_or(0, |(_, e)| *e);
                if best.is_none_or(|(e, len, _)| (end, n) > (e, len)) {
                    best = Some((end, n, ph));
                }
            }
        }
    }
    best.map(|(_, _, ph)| (ph.subject.clone(), ph.label.clone()))
}

#[allow(clippy::too_many_arguments)]
fn paragraph_claims(
    rules: &Rules,
    names: &Names,
    phrases: &[Phrase],
    di: usize,
    pi: usize,
    p: &Paragraph,
    out: &mut Vec<Claim>,
) {
    let text = p.text.as_str();
    let lower = text.to_lowercase();
    // Counts: a pattern on the lower-case text (same byte offsets for these words).
    if lower.len() == text.len() {
        for cap in rules.claims.counts.captures_iter(&lower) {
            let n = |k: &str| cap.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
            if let (Some(a), Some(b), Some(c), Some(m)) =
                (n("program"), n("kegiatan"), n("sub"), cap.get(0))
            {
                out.push(Claim {
                    doc: di,
                    paragraph: pi,
                    sentence: sentence_of(text, m.start()),
                    subject: None,
                    year: None,
                    kind: ClaimKind::Counts {
                        counts: [a, b, c],
                        span: (m.start(), m.end()),
                    },
                });
            }
        }
    }
    // Year values of the paragraph, for a change stated in a later sentence.
    let mut year_values: Vec<(i32, Stated)> = Vec::new();
    for s in sentences(text) {
        let sentence = text.get(s.0..s.1).unwrap_or_default();
        let toks = tokens(sentence);
        let mut prev_end = 0;
        let mut last_money = false;
        // The role of the last figure, and of the last year's value.
        let mut last_role: Option<ClaimRole> = None;
        let mut last_year_role: Option<ClaimRole> = None;
        let mut current: Option<Claim> = None;
        let mut claim_start = 0;
        // Lower-cased once per sentence, when a claim needs it.
        let mut sentence_lower: Option<String> = None;
        let flush = |c: &mut Option<Claim>, out: &mut Vec<Claim>| {
            if let Some(c) = c.take() {
                out.push(c);
            }
        };
        for t in &toks {
            // A year stays in the lead of the next figure ("pada tahun 2023 adalah 84,49").
            if t.year {
                continue;
            }
            let lead = sentence.get(prev_end..t.span.0).unwrap_or_default();
            prev_end = t.span.1;
            let abs = (s.0 + t.span.0, s.0 + t.span.1);
            let figure = match &t.parsed {
                Parsed::Number(f) => f.clone(),
                Parsed::Malformed { reason } => {
                    // Only a figure the sentence gives a role to is reported.
                    if role_of(rules, lead, t.money, last_money).is_some() || t.money {
                        out.push(Claim {
                            doc: di,
                            paragraph: pi,
                            sentence: s,
                            subject: None,
                            year: None,
                            kind: ClaimKind::Malformed {
                                text: text.get(abs.0..abs.1).unwrap_or_default().to_string(),
                                reason: *reason,
                                span: abs,
                            },
                        });
                    }
                    last_money = false;
                    continue;
                }
                _ => continue,
            };
            let lead_year = || {
                rules
                    .claims
                    .year
                    .captures_iter(&lead.to_lowercase())
                    .last()
                    .and_then(|cap| cap.name("year")?.as_str().parse::<i32>().ok())
            };
            let found = role_of(rules, lead, t.money, last_money)
                // "… pada Tahun 2023 adalah 86,12 dan pada Tahun 2024 adalah 88,74": the
                // second year's value takes the role of the first.
                .or_else(|| {
                    last_year_role
                        .filter(|_| !t.money)
                        .and_then(|r| Some((r, Some(lead_year()?))))
                })
                // "… sebesar Rp. X, Program B sebesar Rp. Y": a list of budgets.
                .or_else(|| {
                    (t.money && last_role == Some(ClaimRole::Anggaran))
                        .then_some((ClaimRole::Anggaran, None))
                });
            let Some((role, year)) = found else {
                last_money = false;
                last_year_role = None;
                continue;
            };
            let stated = Stated {
                value: figure,
                span: abs,
            };
            if let Some(y) = year
                && !t.money
                && !matches!(role, ClaimRole::Change | ClaimRole::Other)
            {
                // "Nilai IKM … Tahun 2024 adalah 88,74" states that year's realisasi.
                if role == ClaimRole::Realisasi {
                    flush(&mut current, out);
                    let mut c = new_claim(di, pi, s, performance());
                    c.year = Some(y);
                    let before = near_before(sentence, t.span.0);
                    c.subject = subject_in(names, phrases, before, false);
                    current = Some(c);
                    claim_start = t.span.0;
                    if let Some(k) = slots(&mut current, false) {
                        set_if_none(k.1, stated.clone());
                    }
                }
                year_values.push((y, stated));
                last_money = false;
                last_year_role = Some(role);
                last_role = Some(role);
                continue;
            }
            last_year_role = None;
            last_role = Some(role);
            last_money = t.money;
            match role {
                ClaimRole::Other => {}
                ClaimRole::Target => {
                    flush(&mut current, out);
                    current = Some(new_claim(di, pi, s, performance()));
                    claim_start = t.span.0;
                    if let Some(k) = slots(&mut current, false) {
                        set_if_none(k.0, stated);
                    }
                }
                ClaimRole::Realisasi | ClaimRole::Capaian => {
                    let fits = current.as_ref().is_some_and(|c| match &c.kind {
                        ClaimKind::Performance {
                            realisasi, capaian, ..
                        } => match role {
                            ClaimRole::Realisasi => realisasi.is_none() && capaian.is_none(),
                            _ => capaian.is_none(),
                        },
                        _ => false,
                    });
                    if !fits {
                        flush(&mut current, out);
                        current = Some(new_claim(di, pi, s, performance()));
                        claim_start = t.span.0;
                    }
                    if role == ClaimRole::Realisasi {
                        if let Some(k) = slots(&mut current, false) {
                            set_if_none(k.1, stated);
                        }
                    } else {
                        if let Some(k) = slots(&mut current, false) {
                            set_if_none(k.2, stated);
                        }
                    }
                }
                ClaimRole::Anggaran => {
                    flush(&mut current, out);
                    current = Some(new_claim(di, pi, s, budget()));
                    claim_start = t.span.0;
                    if let Some(k) = slots(&mut current, true) {
                        set_if_none(k.0, stated);
                    }
                }
                ClaimRole::RealisasiAnggaran => {
                    let fits = current.as_ref().is_some_and(|c| {
                        matches!(
                            &c.kind,
                            ClaimKind::Budget {
                                realisasi: None,
                                persen: None,
                                ..
                            }
                        )
                    });
                    if !fits {
                        flush(&mut current, out);
                        current = Some(new_claim(di, pi, s, budget()));
                        claim_start = t.span.0;
                    }
                    if let Some(k) = slots(&mut current, true) {
                        set_if_none(k.1, stated);
                    }
                }
                ClaimRole::Persen => {
                    if let Some(k) = slots(&mut current, true) {
                        set_if_none(k.2, stated);
                    }
                }
                ClaimRole::Change => {
                    // The two latest year values of the paragraph, in year order.
                    let n = year_values.len();
                    if let (Some(a), Some(b)) = (
                        n.checked_sub(2).and_then(|k| year_values.get(k)),
                        n.checked_sub(1).and_then(|k| year_values.get(k)),
                    ) && a.0 != b.0
                    {
                        let (earlier, later) = if a.0 < b.0 { (a, b) } else { (b, a) };
                        let decrease = rules
                            .claims
                            .decrease
                            .iter()
                            .any(|d| d.is_match(&lead.to_lowercase()));
                        out.push(Claim {
                            doc: di,
                            paragraph: pi,
                            sentence: s,
                            subject: None,
                            year: None,
                            kind: ClaimKind::Change {
                                earlier: earlier.clone(),
                                later: later.clone(),
                                change: stated,
                                decrease,
                            },
                        });
                        year_values.clear();
                    }
                }
            }
            // The subject: the name ending last before the claim's first figure.
            if let Some(c) = &mut current
                && c.subject.is_none()
            {
                let entity = matches!(c.kind, ClaimKind::Budget { .. });
                let before = near_before(sentence, claim_start);
                c.subject = subject_in(names, phrases, before, entity).or_else(|| {
                    let lower = sentence_lower.get_or_insert_with(|| sentence.to_lowercase());
                    let total = entity && !rules.claims.not_total.iter().any(|r| r.is_match(lower));
                    total.then(|| (Subject::Total, String::new()))
                });
            }
        }
        // The predikat a performance sentence gives after its capaian.
        if let Some(c) = &mut current
            && let ClaimKind::Performance {
                capaian,
                realisasi,
                predikat,
                ..
            } = &mut c.kind
            && let Some(cap) = capaian.as_ref().or(realisasi.as_ref())
        {
            let from = cap.span.1.saturating_sub(s.0);
            let rest = sentence.get(from..).unwrap_or_default();
            let rest_lower = rest.to_lowercase();
            if rest_lower.len() == rest.len()
                && let Some(m) = rules
                    .claims
                    .predikat
                    .captures(&rest_lower)
                    .and_then(|cap| cap.name("label"))
            {
                let label = rest.get(m.start()..m.end()).unwrap_or_default().trim();
                *predikat = Some((
                    label.to_string(),
                    (s.0 + from + m.start(), s.0 + from + m.end()),
                ));
            }
        }
        flush(&mut current, out);
    }
}

fn sentence_of(text: &str, at: usize) -> (usize, usize) {
    sentences(text)
        .into_iter()
        .find(|(a, b)| *a <= at && at < *b)
        .unwrap_or((0, text.len()))
}

type PerfParts<'a> = (
    &'a mut Option<Stated>,
    &'a mut Option<Stated>,
    &'a mut Option<Stated>,
);

fn performance() -> ClaimKind {
    ClaimKind::Performance {
        target: None,
        realisasi: None,
        capaian: None,
        predikat: None,
    }
}

fn budget() -> ClaimKind {
    ClaimKind::Budget {
        anggaran: None,
        realisasi: None,
        persen: None,
    }
}

fn new_claim(doc: usize, paragraph: usize, sentence: (usize, usize), kind: ClaimKind) -> Claim {
    Claim {
        doc,
        paragraph,
        sentence,
        subject: None,
        year: None,
        kind,
    }
}

fn set_if_none(slot: &mut Option<Stated>, v: Stated) {
    if slot.is_none() {
        *slot = Some(v);
    }
}

/// The three figures of the claim being read — a performance claim's target, realisasi,
/// capaian, or a budget claim's anggaran, realisasi, persen — when it is of that kind.
fn slots(c: &mut Option<Claim>, budget: bool) -> Option<PerfParts<'_>> {
    match &mut c.as_mut()?.kind {
        ClaimKind::Performance {
            target,
            realisasi,
            capaian,
            ..
        } if !budget => Some((target, realisasi, capaian)),
        ClaimKind::Budget {
            anggaran,
            realisasi,
            persen,
        } if budget => Some((anggaran, realisasi, persen)),
        _ => None,
    }
}

/// The facts the claims state, for comparison with the tables (cross-document identity):
/// an indicator's target and realisasi (its capaian only when the sentence gives no
/// target and realisasi, since it follows from them), a budget's anggaran and realisasi
/// (its percentage likewise only alone). `period` is the report's year.
pub fn claim_facts(
    claims: &[Claim],
    docs: &[Doc],
    period: Option<i32>,
    guess: Option<crate::facts::ReportYear>,
    first_table: usize,
) -> Vec<Fact> {
    let kind: std::rc::Rc<str> = "laporan".into();
    let mut out = Vec::new();
    for (ci, c) in claims.iter().enumerate() {
        let Some((subject, label)) = &c.subject else {
            continue;
        };
        let mut push = |measure: &'static str, s: &Stated, entity: bool| {
            let at = c.at(docs, s.span);
            out.push(Fact {
                subject: subject.clone(),
                label: label.clone(),
                measure,
                period: c.year.or(period),
                version: None,
                year_guess: if c.year.is_some() { None } else { guess },
                value: s.value.clone(),
                maybe_fraction: false,
                entity,
                kind: kind.clone(),
                sheet: usize::MAX,
                cell: crate::grid::Pos::new(c.paragraph as u32, s.span.0 as u32),
                doc: c.doc,
                table: first_table + ci,
                row: 0,
                text: at.text.map(|t| std::rc::Rc::new(*t)),
            });
        };
        match &c.kind {
            ClaimKind::Performance {
                target,
                realisasi,
                capaian,
                ..
            } => {
                // "target 4 Inovasi … terealisasi 100 %" says fully realised, not 100.
                let comparable = match (target, realisasi) {
                    (Some(t), Some(r)) => t.value.percent == r.value.percent,
                    _ => true,
                };
                if let Some(t) = target {
                    push("target", t, false);
                }
                if let Some(r) = realisasi.as_ref().filter(|_| comparable) {
                    push("realisasi", r, false);
                }
                if let (Some(cp), None, None) = (capaian, target, realisasi) {
                    push("capaian", cp, false);
                }
            }
            ClaimKind::Budget {
                anggaran,
                realisasi,
                persen,
            } => {
                if let Some(a) = anggaran {
                    push("anggaran", a, true);
                }
                if let Some(r) = realisasi {
                    push("realisasi_anggaran", r, true);
                }
                if let (Some(p), None, None) = (persen, anggaran, realisasi) {
                    push("penyerapan", p, true);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sentence_is_quoted_in_whole_words_around_its_figure() {
        let words = "kegiatan pelayanan administrasi perkantoran kecamatan ".repeat(8);
        let text = format!("{words}dengan realisasi 95,02 % dari anggaran {words}selesai.");
        let at = text.find("95,02").unwrap();
        let p = Paragraph {
            number: 4,
            text: text.clone(),
            tables_before: 0,
            lines: Vec::new(),
        };
        let t = place(&p, (0, text.len()), (at, at + 5));
        assert!(t.quote.chars().count() <= QUOTE_CHARS, "{}", t.quote);
        // Where the quote stands in the sentence: a space (or the sentence's end) on each side.
        let start = text.find(&t.quote).unwrap();
        let end = start + t.quote.len();
        assert!(
            start == 0 || text.as_bytes()[start - 1] == b' ',
            "{:?}",
            t.quote
        );
        assert!(
            end == text.len() || text.as_bytes()[end] == b' ',
            "{:?}",
            t.quote
        );
        assert_eq!(&t.quote[t.figure.0..t.figure.1], "95,02");
    }

    #[test]
    fn sentences_are_not_cut_inside_figures_or_after_rp() {
        let t = "Anggaran sebesar Rp. 2.543.009.000,00 dengan realisasi 95,02 %. Ada kenaikan 4,9 %. 2. Berikutnya";
        let s: Vec<&str> = sentences(t).iter().map(|(a, b)| &t[*a..*b]).collect();
        assert_eq!(
            s,
            vec![
                "Anggaran sebesar Rp. 2.543.009.000,00 dengan realisasi 95,02 %.",
                "Ada kenaikan 4,9 %.",
                "2. Berikutnya"
            ]
        );
    }

    #[test]
    fn tokens_skip_kode_and_words_with_digits() {
        let t = "Kode 7.01.01 PIM IV target 91% Rp. 2.416.254.056,00,00 tahun 2024";
        let toks: Vec<&str> = tokens(t).iter().map(|k| &t[k.span.0..k.span.1]).collect();
        assert_eq!(toks, vec!["91%", "Rp. 2.416.254.056,00,00", "2024"]);
    }
}
