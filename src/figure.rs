//! Reading a cell as a figure: a number with what surrounded it (`Rp`, `%`, a unit).
//!
//! Cell text in these workbooks is typed by hand or pasted from Word/PDF, so the text
//! parser is forgiving about layout but strict about separators: a figure that cannot be
//! read unambiguously is reported as [`Parsed::Malformed`], never guessed.
//!
//! Indonesian is the default locale: `.` groups thousands and `,` separates decimals,
//! except where the text can only be English (see [`parse_text`]).
//!
//! Money and percentages are [`Decimal`]; `f64` appears only in [`decimal_from_f64`].

use rust_decimal::{Decimal, RoundingStrategy};

use crate::grid::Value;

/// A number read from a cell, with what surrounded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The value; for a percentage, in percent units (95,02 % → 95.02), whatever the storage.
    pub value: Decimal,
    /// Decimals as displayed (text "2.543.009.000,00" → 2; "95,02%" → 2; "17000000" → 0).
    /// For a numeric cell: the number format's decimals when known, else the scale of the
    /// normalized value.
    pub decimals: u32,
    /// Shown with a % sign (in text) or a percent number format (numeric cell).
    pub percent: bool,
    /// Had an `Rp`/`Rp.` prefix.
    pub money: bool,
    /// Text after the number: a unit or category, trimmed, e.g. "Inovasi", "dokumen", "(A)",
    /// "(Tinggi)", "pelayan an", "Tenaga Kerja", "Orang/Bulan". None if nothing.
    pub suffix: Option<String>,
    /// True when the figure came from a text cell (a number stored as text).
    pub from_text: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Number(Figure),
    /// "-", "–", "—" (nil), or an empty cell.
    Nil,
    /// Looks like a figure but cannot be read unambiguously; `reason` says why.
    Malformed {
        reason: Malformed,
    },
    /// Not a figure: words, a sentence, or words with figures that are not one figure
    /// (quantities with their units: "12 laporan 4 kali", "1 paket 250 orang").
    NotNumber,
}

impl Parsed {
    /// The figure, when the cell holds one.
    pub fn figure(&self) -> Option<&Figure> {
        match self {
            Parsed::Number(f) => Some(f),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// More than one decimal separator, e.g. "2.416.254.056,00,00".
    SeveralDecimalSeparators,
    /// Thousands groups not of three digits, e.g. "2.41.254", or a dotted code such as
    /// "7.01.01.2.01".
    BadGrouping,
    /// Both separators mixed in an impossible order, e.g. "1,234.567,89".
    MixedSeparators,
    /// Any other reason:
    /// - a separator at the start or end of the number (".5", "1.500.", "2.543. 009");
    /// - a first thousands group with a leading zero ("0.500": English 0.5 or a typo?);
    /// - exponent notation ("2,42E+09", what Excel shows for a too-narrow column: digits lost);
    /// - more than one number (" 2 543 009", "2024 - 2025", "80 s/d 100", "5 (50%)"):
    ///   text after the number that starts with a digit, separator or sign, or that holds
    ///   a word starting with a digit — unless the text is quantities with their units
    ///   ("12 laporan 4 kali"), which is [`Parsed::NotNumber`];
    /// - an accounting `(` without its `)`, or both a minus sign and parentheses;
    /// - a number too large or with too many decimals for `Decimal` (28 significant digits).
    Other,
}

impl Malformed {
    /// The catalogue id of the message explaining this reason.
    pub fn message_id(self) -> &'static str {
        match self {
            Malformed::SeveralDecimalSeparators => "figure.malformed.several_decimal_separators",
            Malformed::BadGrouping => "figure.malformed.bad_grouping",
            Malformed::MixedSeparators => "figure.malformed.mixed_separators",
            Malformed::Other => "figure.malformed.other",
        }
    }
}

/// Characters that stand for "nil" when alone in a cell, and are also minus signs.
const DASHES: [char; 4] = ['-', '–', '—', '−'];

/// Longest suffix (unit or category) accepted after a number. Longer text after a number is
/// a sentence or a numbered label ("3.1 Nilai SAKIP Kecamatan Sukamaju yang …") → NotNumber.
const MAX_SUFFIX_WORDS: usize = 4;
const MAX_SUFFIX_CHARS: usize = 40;

/// Trim, drop zero-width characters, and collapse every run of whitespace (including
/// non-breaking spaces, tabs and line breaks) into one ASCII space.
fn normalize(s: &str) -> std::borrow::Cow<'_, str> {
    // Most cells are already clean: borrow them.
    let clean = s.chars().all(|c| !c.is_whitespace() || c == ' ')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.chars().any(is_zero_width);
    if clean {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_zero_width(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Length in chars of an `Rp`/`Rp.` prefix at the start of `chars` (case-insensitive), 0 if
/// none. "Rp" followed by a letter (a word such as "Rpx") is not a prefix.
fn rp_prefix_len(chars: &[char]) -> usize {
    match (chars.first(), chars.get(1)) {
        (Some('R' | 'r'), Some('P' | 'p')) => {}
        _ => return 0,
    }
    match chars.get(2) {
        Some('.') => 3,
        Some(c) if c.is_alphabetic() => 0,
        _ => 2,
    }
}

/// Nil: dashes only, optionally with an `Rp` prefix or a `%` sign ("-", "– ", "Rp -", "- %").
fn is_nil(norm: &str) -> bool {
    // Without allocating: this runs on every text cell that holds a digit-free value.
    let mut chars = norm.chars();
    let mut rest = norm;
    if matches!(chars.next(), Some('R' | 'r')) && matches!(chars.next(), Some('P' | 'p')) {
        match chars.next() {
            Some('.') => rest = norm.get(3..).unwrap_or_default(),
            Some(c) if c.is_alphabetic() => {}
            _ => rest = norm.get(2..).unwrap_or_default(),
        }
    }
    let core = rest.strip_suffix('%').unwrap_or(rest);
    let mut saw_dash = false;
    for c in core.chars() {
        if DASHES.contains(&c) {
            saw_dash = true;
        } else if c != ' ' {
            return false;
        }
    }
    saw_dash
}

/// Could the text be a number by its start: after spaces and the prefixes the parser
/// takes (signs, an opening parenthesis, `Rp`/`Rp.`), a digit or a separator? A cheap,
/// generous test: false only where [`parse_text`] would find no number.
fn starts_like_number(s: &str) -> bool {
    let mut chars = s
        .chars()
        .filter(|c| !c.is_whitespace() && !is_zero_width(*c))
        .peekable();
    for _ in 0..4 {
        match chars.peek() {
            Some(c) if DASHES.contains(c) || matches!(c, '+' | '(') => {
                chars.next();
            }
            Some('R' | 'r') => {
                chars.next();
                if !matches!(chars.next(), Some('P' | 'p')) {
                    return false;
                }
                if chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            _ => break,
        }
    }
    chars
        .peek()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
}

/// Characters that take no room (zero-width spaces and joiners, BOM, soft hyphen).
fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
    )
}

/// A character that a nil text ("-", "Rp -", "- %") or whitespace can hold.
fn could_be_nil_char(c: char) -> bool {
    c.is_whitespace()
        || DASHES.contains(&c)
        || is_zero_width(c)
        || matches!(c, 'R' | 'r' | 'P' | 'p' | '.' | '%')
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    i
}

/// Parse the text of a cell.
///
/// Layout (after trimming and collapsing whitespace):
/// `[sign] [(] [Rp|Rp.] [sign] [(] number [,-] [%] [)] [%] [suffix]`, the prefixes in any
/// order, each at most once; spaces are allowed between the parts.
/// - sign: `-`, `−` (U+2212) or `+`; `(…)` is an accounting negative. Note that a lone
///   "(5)" therefore reads as −5: rows that number the columns "(1) (2) (3)" must be
///   recognised by the table reader, not here.
/// - `,-` after a money amount ("Rp 1.500.000,-") means "no decimals" and is accepted.
/// - the suffix is the trimmed rest (a unit or category), at most 4 words and 40 chars;
///   longer text is a sentence or numbered label → NotNumber. A suffix that starts with a
///   digit, separator or sign, or that contains a word starting with a digit, means more
///   than one number → Malformed(Other); except quantities with their units, each number
///   well-formed and followed by a word ("12 laporan 4 kali", "1 paket 250 orang",
///   "1 paket (250 orang)"), after a first number without sign, `(`, `Rp` or `%`: words
///   with figures, not one figure → NotNumber.
///
/// Separators in the number (Indonesian default):
/// - both `.` and `,`: the one that occurs last is the decimal separator and must occur
///   once (else SeveralDecimalSeparators), the other groups thousands and must occur only
///   before it (else MixedSeparators);
/// - only `.`: several dots → grouping; one dot followed by exactly 3 digits → grouping
///   (`1.500` = 1500); otherwise a decimal point (`95.02`, `3.5324`);
/// - only `,`: one comma → decimal (`82,30`; so English `1,500` reads as 1,5); several
///   commas → English grouping (`2,543,009`);
/// - grouping: first group of 1–3 digits, each later group exactly 3 (else BadGrouping,
///   e.g. the code `7.01.01.2.01`).
///
/// Text that does not start with a number (after the prefixes) is NotNumber, including
/// comparisons such as "≥ 80 %" and words such as "APBD 2024".
pub fn parse_text(s: &str) -> Parsed {
    // Most text cells are words. A text that does not start like a number (labels with a
    // number inside: "Tahun 2024", "Program …") or holds no digit can only be nil (dashes,
    // with an optional Rp or %) or not a number; decide that without allocating. The start
    // is tested first: words fail it at their first letter, before any scan for a digit.
    let may_be_number = starts_like_number(s) && s.bytes().any(|b| b.is_ascii_digit());
    if !may_be_number && !s.chars().all(could_be_nil_char) {
        return Parsed::NotNumber;
    }
    // The same text is read again by several stages (table, figure and predikat checks)
    // and in many submissions: remember what it was.
    crate::rules::memo(&PARSED, 0, s, || parse_full(s))
}

thread_local! {
    static PARSED: std::cell::RefCell<crate::rules::Memo<Parsed>> = Default::default();
}

/// [`parse_text`] without its quick rejections.
fn parse_full(s: &str) -> Parsed {
    let norm = normalize(s);
    if norm.is_empty() || is_nil(&norm) {
        return Parsed::Nil;
    }
    let chars: Vec<char> = norm.chars().collect();

    // Prefixes: sign, accounting parenthesis, Rp — in any order, each at most once.
    let mut i = 0;
    let mut sign: Option<bool> = None; // Some(true) = minus
    let mut paren = false;
    let mut money = false;
    loop {
        i = skip_spaces(&chars, i);
        match chars.get(i) {
            Some('-' | '−') if sign.is_none() => {
                sign = Some(true);
                i += 1;
            }
            Some('+') if sign.is_none() => {
                sign = Some(false);
                i += 1;
            }
            Some('(') if !paren => {
                paren = true;
                i += 1;
            }
            Some(_) if !money => {
                let n = rp_prefix_len(chars.get(i..).unwrap_or_default());
                if n == 0 {
                    break;
                }
                money = true;
                i += n;
            }
            _ => break,
        }
    }

    // The number itself: a run of digits and separators starting with a digit.
    let body_start = i;
    match chars.get(i) {
        Some(c) if c.is_ascii_digit() => {}
        Some('.' | ',') if chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
            return malformed(Malformed::Other);
        }
        _ => return Parsed::NotNumber,
    }
    while chars
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
    {
        i += 1;
    }
    let mut body: &[char] = chars.get(body_start..i).unwrap_or_default();
    // "Rp 1.500.000,-": a separator and a dash right after the number mean no decimals.
    if let Some((&last, rest)) = body.split_last()
        && (last == ',' || last == '.')
        && chars.get(i).is_some_and(|c| DASHES.contains(c))
    {
        body = rest;
        i += 1;
    }
    let after_body = i;

    // Percent sign and the accounting closing parenthesis, in either order.
    let mut percent = false;
    let mut closed = false;
    for _ in 0..2 {
        let j = skip_spaces(&chars, i);
        match chars.get(j) {
            Some('%') if !percent => {
                percent = true;
                i = j + 1;
            }
            Some(')') if paren && !closed => {
                closed = true;
                i = j + 1;
            }
            _ => {}
        }
    }
    let rest_at: usize = chars
        .get(..i)
        .unwrap_or_default()
        .iter()
        .map(|c| c.len_utf8())
        .sum();
    let rest = norm.get(rest_at..).unwrap_or_default().trim();

    // A long rest is a sentence or a numbered label, whatever the number looks like.
    if rest.split_whitespace().count() > MAX_SUFFIX_WORDS || rest.chars().count() > MAX_SUFFIX_CHARS
    {
        return Parsed::NotNumber;
    }
    // Exponent notation right after the number ("2,42E+09").
    if is_exponent(chars.get(after_body..).unwrap_or_default()) {
        return malformed(Malformed::Other);
    }
    if paren && (!closed || sign.is_some()) {
        return malformed(Malformed::Other);
    }
    if body.last().is_some_and(|c| *c == '.' || *c == ',') {
        return malformed(Malformed::Other);
    }
    let stripped = after_body - body_start != body.len();
    let body: String = body.iter().collect();
    if suffix_holds_number(rest) {
        // "12 laporan 4 kali": several quantities, each with its unit, are words with
        // figures, not one figure. Signs, money, percent and ",-" keep the figure reading.
        let plain = sign.is_none() && !paren && !money && !percent && !stripped;
        if plain && reads_as_number(&body) && is_more_quantities(rest) {
            return Parsed::NotNumber;
        }
        return malformed(Malformed::Other);
    }

    let (int_digits, frac_digits) = match interpret(&body) {
        Ok(parts) => parts,
        Err(reason) => return malformed(reason),
    };
    let Some(mut value) = build_decimal(&int_digits, &frac_digits) else {
        return malformed(Malformed::Other);
    };
    if (sign == Some(true) || paren) && !value.is_zero() {
        value.set_sign_negative(true);
    }
    Parsed::Number(Figure {
        value,
        decimals: frac_digits.len() as u32,
        percent,
        money,
        suffix: if rest.is_empty() {
            None
        } else {
            Some(rest.to_string())
        },
        from_text: true,
    })
}

fn malformed(reason: Malformed) -> Parsed {
    Parsed::Malformed { reason }
}

/// `e`/`E`, an optional sign and a digit, right after the number.
fn is_exponent(after: &[char]) -> bool {
    if !matches!(after.first(), Some('e' | 'E')) {
        return false;
    }
    let k = if matches!(after.get(1), Some('+' | '-' | '−')) {
        2
    } else {
        1
    };
    after.get(k).is_some_and(|c| c.is_ascii_digit())
}

/// The text after a number holds another number: it starts with a digit, a separator or a
/// sign, or one of its words starts (after opening punctuation) with a digit.
fn suffix_holds_number(rest: &str) -> bool {
    let Some(first) = rest.chars().next() else {
        return false;
    };
    if first.is_ascii_digit()
        || first == '.'
        || first == ','
        || first == '+'
        || DASHES.contains(&first)
    {
        return true;
    }
    rest.split_whitespace().any(|w| {
        w.trim_start_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// A run of digits and separators that reads as one number ("250", "1.500", "2,5").
fn reads_as_number(run: &str) -> bool {
    run.starts_with(|c: char| c.is_ascii_digit())
        && !run.ends_with(['.', ','])
        && interpret(run).is_ok_and(|(int, frac)| build_decimal(&int, &frac).is_some())
}

/// The text after a first quantity is its unit and more quantities, each with its unit:
/// "laporan 4 kali", "paket 250 orang", "paket (250 orang)", "Bimtek 3kali". That is, a
/// word first, then groups of a number (well-formed, alone or glued to its unit) and the
/// words of its unit, the last group with a unit too. Paired parentheses count as spaces.
/// Not so: "s/d 100" (a number without unit), "(50%)", "- 2025", "543 009".
fn is_more_quantities(rest: &str) -> bool {
    if rest.matches('(').count() != rest.matches(')').count() {
        return false;
    }
    let mut numbers = 0;
    // The last number (or the first quantity, before `rest`) has a unit word after it.
    let mut has_unit = false;
    for word in rest.split([' ', '(', ')']).filter(|w| !w.is_empty()) {
        let run_end = word
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(word.len());
        let (Some(run), Some(unit)) = (word.get(..run_end), word.get(run_end..)) else {
            return false;
        };
        if run.is_empty() {
            if !unit.starts_with(char::is_alphabetic) {
                return false;
            }
            has_unit = true;
        } else {
            if !has_unit || !reads_as_number(run) {
                return false;
            }
            numbers += 1;
            has_unit = unit.starts_with(char::is_alphabetic);
            if !unit.is_empty() && !has_unit {
                return false;
            }
        }
    }
    numbers > 0 && has_unit
}

/// Split a run of digits and separators (starting and ending with a digit) into integer
/// digits and decimal digits.
fn interpret(body: &str) -> Result<(String, String), Malformed> {
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    match (dots, commas) {
        (0, 0) => Ok((body.to_string(), String::new())),
        (_, 0) | (0, _) => {
            let (sep, n) = if commas == 0 {
                ('.', dots)
            } else {
                (',', commas)
            };
            if n == 1 {
                let (int, frac) = body.split_once(sep).ok_or(Malformed::Other)?;
                if sep == '.' && frac.len() == 3 {
                    Ok((ungroup(body, '.')?, String::new()))
                } else {
                    Ok((int.to_string(), frac.to_string()))
                }
            } else {
                Ok((ungroup(body, sep)?, String::new()))
            }
        }
        _ => {
            // Both present: the last separator is the decimal one.
            let dec = body
                .chars()
                .rev()
                .find(|c| *c == '.' || *c == ',')
                .ok_or(Malformed::Other)?;
            let group = if dec == '.' { ',' } else { '.' };
            let first_dec = body.find(dec).ok_or(Malformed::Other)?;
            let last_group = body.rfind(group).ok_or(Malformed::Other)?;
            if last_group > first_dec {
                return Err(Malformed::MixedSeparators);
            }
            if body.matches(dec).count() > 1 {
                return Err(Malformed::SeveralDecimalSeparators);
            }
            let (int, frac) = body.split_once(dec).ok_or(Malformed::Other)?;
            Ok((ungroup(int, group)?, frac.to_string()))
        }
    }
}

/// Remove thousands separators, checking the groups: first of 1–3 digits without a leading
/// zero, the others of exactly 3.
fn ungroup(s: &str, sep: char) -> Result<String, Malformed> {
    let mut groups = s.split(sep);
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 {
        return Err(Malformed::BadGrouping);
    }
    let mut out = first.to_string();
    let mut later = 0;
    for g in groups {
        if g.len() != 3 || !g.chars().all(|c| c.is_ascii_digit()) {
            return Err(Malformed::BadGrouping);
        }
        out.push_str(g);
        later += 1;
    }
    if later > 0 && first.starts_with('0') {
        return Err(Malformed::Other);
    }
    Ok(out)
}

/// Build a Decimal from ASCII integer and decimal digits, None when it does not fit.
fn build_decimal(int_digits: &str, frac_digits: &str) -> Option<Decimal> {
    let scale = u32::try_from(frac_digits.len()).ok()?;
    if scale > 28 {
        return None;
    }
    let mut m: i128 = 0;
    for c in int_digits.chars().chain(frac_digits.chars()) {
        let d = c.to_digit(10)?;
        m = m.checked_mul(10)?.checked_add(i128::from(d))?;
    }
    Decimal::try_from_i128_with_scale(m, scale).ok()
}

/// Read a cell value as a figure.
///
/// A numeric cell gives a figure with `from_text == false`; with a percent number format the
/// stored fraction is shown in percent units (0.9502 → 95.02, `percent == true`). Its
/// `decimals` are the format's decimals when known, else the scale of the normalized value.
/// Text goes through [`parse_text`]; an empty cell is Nil; booleans and errors are NotNumber.
pub fn from_value(v: &Value) -> Parsed {
    match v {
        Value::Empty => Parsed::Nil,
        Value::Number {
            value,
            percent,
            decimals,
        } => {
            let shown = if *percent {
                value.checked_mul(Decimal::ONE_HUNDRED)
            } else {
                Some(*value)
            };
            let Some(shown) = shown else {
                return malformed(Malformed::Other);
            };
            let shown = shown.normalize();
            Parsed::Number(Figure {
                value: shown,
                decimals: decimals.unwrap_or(shown.scale()),
                percent: *percent,
                money: false,
                suffix: None,
                from_text: false,
            })
        }
        Value::Text(s) => parse_text(s),
        Value::Bool(_) | Value::Error(_) => Parsed::NotNumber,
    }
}

/// Does a shown figure agree with an exact value? True when `shown` equals `exact` rounded
/// half-up OR truncated (toward zero) to `decimals` places (reports do both).
pub fn agrees(shown: Decimal, decimals: u32, exact: Decimal) -> bool {
    shown == round_half_up(exact, decimals) || shown == truncate(exact, decimals)
}

/// Round half-up (away from zero at .5) to `d` decimals.
pub fn round_half_up(x: Decimal, d: u32) -> Decimal {
    x.round_dp_with_strategy(d, RoundingStrategy::MidpointAwayFromZero)
}

/// Truncate toward zero to `d` decimals.
pub fn truncate(x: Decimal, d: u32) -> Decimal {
    x.round_dp_with_strategy(d, RoundingStrategy::ToZero)
}

/// Format for people: Indonesian "2.543.009.000,00" / "95,02" (lang "id", the default for
/// any lang not starting with "en") or English "2,543,009,000.00" / "95.02" (lang "en",
/// "en-US", …), with exactly `decimals` decimals, half-up, minus sign for negatives (none
/// when the rounded value is zero).
pub fn format_number(x: Decimal, decimals: u32, lang: &str) -> String {
    let (group, point) = if lang.to_ascii_lowercase().starts_with("en") {
        (',', '.')
    } else {
        ('.', ',')
    };
    let r = round_half_up(x, decimals);
    let plain = r.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));

    let mut out = String::new();
    if r.is_sign_negative() && !r.is_zero() {
        out.push('-');
    }
    let n = int.len();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (n - k) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push(point);
        let mut written = 0u32;
        for c in frac.chars().take(decimals as usize) {
            out.push(c);
            written += 1;
        }
        for _ in written..decimals {
            out.push('0');
        }
    }
    out
}

/// Convert an f64 read from a spreadsheet to Decimal without binary noise. This is the only
/// place f64 is allowed.
///
/// Uses the shortest representation that round-trips (the digits Rust's `{}` Display prints;
/// we format with `{:e}`, which yields the same digits with an explicit exponent, so 1e300
/// does not become a 301-digit string): 0.9502 → 0.9502, 2416254056.0 → 2416254056,
/// 1e-7 → 0.0000001, 1.5e20 → 150000000000000000000. The value is the f64's shortest
/// representation, not the sum a person meant: 0.1 + 0.2 → 0.30000000000000004.
///
/// None for NaN, infinities and magnitudes beyond Decimal's range (about 7.9e28). Values
/// with more than 28 decimals are rounded half-up to 28 (so 1e-30 → 0); -0.0 → 0.
pub fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(Decimal::ZERO);
    }
    // Whole numbers below 2^53 (most money) are exact as integers: no formatting needed.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return Some(Decimal::from(f as i64));
    }
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e')?;
    let exp: i64 = exp.parse().ok()?;
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut m: i128 = 0;
    for c in int.chars().chain(frac.chars()) {
        m = m
            .checked_mul(10)?
            .checked_add(i128::from(c.to_digit(10)?))?;
    }
    let mut scale: i64 = i64::try_from(frac.len()).ok()? - exp;
    if scale < 0 {
        let k = u32::try_from(-scale).ok()?;
        m = m.checked_mul(10i128.checked_pow(k)?)?;
        scale = 0;
    }
    if scale > 28 {
        let drop = scale - 28;
        if drop > 38 {
            m = 0;
        } else {
            let p = 10i128.checked_pow(u32::try_from(drop).ok()?)?;
            let (q, r) = (m / p, m % p);
            m = if r.checked_mul(2)? >= p { q + 1 } else { q };
        }
        scale = 28;
    }
    let mut d = Decimal::try_from_i128_with_scale(m, u32::try_from(scale).ok()?).ok()?;
    if negative && !d.is_zero() {
        d.set_sign_negative(true);
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn num(s: &str) -> Figure {
        match parse_text(s) {
            Parsed::Number(f) => f,
            other => panic!("{s:?} → {other:?}, expected a number"),
        }
    }

    fn check(s: &str, value: &str, decimals: u32) -> Figure {
        let f = num(s);
        assert_eq!(f.value, dec(value), "value of {s:?}");
        assert_eq!(f.decimals, decimals, "decimals of {s:?}");
        assert!(f.from_text);
        f
    }

    fn bad(s: &str) -> Malformed {
        match parse_text(s) {
            Parsed::Malformed { reason } => reason,
            other => panic!("{s:?} → {other:?}, expected malformed"),
        }
    }

    #[test]
    fn plain_and_grouped_numbers() {
        let f = check("17000000", "17000000", 0);
        assert!(!f.percent && !f.money && f.suffix.is_none());
        check("2024", "2024", 0);
        check("0", "0", 0);
        check("1.500", "1500", 0);
        check("1.500.000", "1500000", 0);
        check("2.543.009.000,00", "2543009000", 2);
        check("2,543,009,000.00", "2543009000", 2);
        check("2,543,009", "2543009", 0);
        check("95.02", "95.02", 2);
        check("3.5324", "3.5324", 4);
        check("82,30", "82.30", 2);
        check("1,5996", "1.5996", 4);
        check("1,500", "1.5", 3);
        check("  12   ", "12", 0);
        check("1.234,5", "1234.5", 1);
    }

    #[test]
    fn separators_malformed() {
        assert_eq!(
            bad("2.416.254.056,00,00"),
            Malformed::SeveralDecimalSeparators
        );
        assert_eq!(bad("2.41.254"), Malformed::BadGrouping);
        assert_eq!(bad("1,234.567,89"), Malformed::MixedSeparators);
        assert_eq!(bad("7.01.01.2.01"), Malformed::BadGrouping);
        assert_eq!(bad("1234.567"), Malformed::BadGrouping);
        assert_eq!(bad("2,41,254"), Malformed::BadGrouping);
        assert_eq!(bad("1..500"), Malformed::BadGrouping);
        assert_eq!(bad("0.500"), Malformed::Other);
        assert_eq!(bad("1.500."), Malformed::Other);
        assert_eq!(bad(",5"), Malformed::Other);
        assert_eq!(bad("2,42E+09"), Malformed::Other);
        assert_eq!(bad("1e5"), Malformed::Other);
        assert_eq!(bad("2 543 009"), Malformed::Other);
        assert_eq!(bad("2.543. 009"), Malformed::Other);
        assert_eq!(bad("2024 - 2025"), Malformed::Other);
        assert_eq!(bad("80 s/d 100"), Malformed::Other);
        assert_eq!(bad("(5"), Malformed::Other);
        assert_eq!(bad("-(5)"), Malformed::Other);
        assert_eq!(bad("99999999999999999999999999999999"), Malformed::Other);
        assert_eq!(bad("0,00000000000000000000000000001"), Malformed::Other);
    }

    #[test]
    fn money_percent_and_signs() {
        for s in [
            "Rp 1.500.000",
            "Rp. 1.500.000",
            "Rp.1.500.000",
            "rp1.500.000",
            "RP. 1.500.000,-",
        ] {
            let f = check(s, "1500000", 0);
            assert!(f.money, "{s}");
            assert!(f.suffix.is_none(), "{s}");
        }
        let f = check("Rp 2.543.009.000,00", "2543009000", 2);
        assert!(f.money);
        let f = check("95,02%", "95.02", 2);
        assert!(f.percent && !f.money && f.suffix.is_none());
        let f = check("95,02 %", "95.02", 2);
        assert!(f.percent);
        let f = check("100 %", "100", 0);
        assert!(f.percent && f.suffix.is_none());
        check("-5", "-5", 0);
        check("−5,5", "-5.5", 1);
        check("+5,2%", "5.2", 1);
        check("- 1.500", "-1500", 0);
        let f = check("(1.500.000)", "-1500000", 0);
        assert!(!f.money);
        for s in [
            "Rp (1.500.000)",
            "(Rp 1.500.000)",
            "-Rp 1.500.000",
            "Rp -1.500.000",
            "Rp. - 1.500.000,-",
        ] {
            let f = check(s, "-1500000", 0);
            assert!(f.money, "{s}");
        }
        let f = check("(5,2%)", "-5.2", 1);
        assert!(f.percent);
        let f = check("(5,2)%", "-5.2", 1);
        assert!(f.percent);
        let f = check("-0", "0", 0);
        assert!(!f.value.is_sign_negative());
        // Non-breaking spaces and line breaks from Word.
        let f = check("Rp\u{a0}1.500.000", "1500000", 0);
        assert!(f.money);
        check("95,02\u{a0}%", "95.02", 2);
    }

    #[test]
    fn suffixes() {
        let cases = [
            ("4 Inovasi", "4", 0, "Inovasi"),
            ("28 dokumen", "28", 0, "dokumen"),
            ("82 (A)", "82", 0, "(A)"),
            ("84,25 (Tinggi)", "84.25", 2, "(Tinggi)"),
            ("5 pelayan an", "5", 0, "pelayan an"),
            ("12 bulan", "12", 0, "bulan"),
            ("4 Tenaga  Kerja", "4", 0, "Tenaga Kerja"),
            ("16 Orang/Bulan", "16", 0, "Orang/Bulan"),
            ("4Inovasi", "4", 0, "Inovasi"),
            ("100 m2", "100", 0, "m2"),
            ("95 % (Tinggi)", "95", 0, "(Tinggi)"),
        ];
        for (s, v, d, suffix) in cases {
            let f = check(s, v, d);
            assert_eq!(f.suffix.as_deref(), Some(suffix), "{s}");
        }
        assert!(num("95 % (Tinggi)").percent);
        // A sentence or numbered label after a number is not a figure.
        assert_eq!(
            parse_text("3.1 Nilai SAKIP Kecamatan Sukamaju yang sangat panjang"),
            Parsed::NotNumber
        );
        assert_eq!(
            parse_text("7.01.01.2.01 Program Penunjang Urusan Pemerintahan Daerah"),
            Parsed::NotNumber
        );
        assert_eq!(
            parse_text("5 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            Parsed::NotNumber
        );
    }

    #[test]
    fn quantities_with_units_are_words() {
        // Several quantities, each with its unit (words possibly broken by the PDF): words
        // with figures, not one figure, so neither a number (no operand of capaian) nor a
        // malformed one.
        for s in [
            "12 laporan 4 kali",
            "1 paket 250 orang",
            "1 paket (250 orang)",
            "2 Bimtek 40 orang",
            "5 pelayan an 2 kali",
            "4 Tenaga Kerja 2 orang",
            "12 bulan 1 laporan",
            "1.500 orang 2,5 jam",
            "4Inovasi 2inovasi",
            "2 Bimtek 3kali",
            "  12  laporan\u{a0}4 kali ",
        ] {
            assert_eq!(parse_text(s), Parsed::NotNumber, "{s:?}");
            assert_eq!(parse_full(s), Parsed::NotNumber, "{s:?}");
        }
        // One quantity with its unit stays a figure with a suffix.
        for (s, v, suffix) in [
            ("5 pelayan an", "5", "pelayan an"),
            ("2 Bimtek", "2", "Bimtek"),
            ("4 Tenaga Kerja", "4", "Tenaga Kerja"),
            ("1 paket (peralatan)", "1", "paket (peralatan)"),
            ("82 (A)", "82", "(A)"),
        ] {
            assert_eq!(num(s).value, dec(v), "{s:?}");
            assert_eq!(num(s).suffix.as_deref(), Some(suffix), "{s:?}");
        }
        // What looks like one number and cannot be one stays malformed, with its reason.
        assert_eq!(
            bad("2.416.254.056,00,00"),
            Malformed::SeveralDecimalSeparators
        );
        assert_eq!(bad("1.2.3,4"), Malformed::BadGrouping);
        assert_eq!(bad("95,,02"), Malformed::BadGrouping);
        // Several numbers that are not quantities with units stay malformed: a number
        // without its unit, a second number in parentheses or with %, a range, a number
        // split by spaces, a malformed number among the quantities, a first figure with a
        // sign, Rp or % (a figure, with something after it that cannot be there).
        for s in [
            "80 s/d 100",
            "12 laporan 4",
            "5 (50%)",
            "5 orang (50%)",
            "5 orang 50%",
            "2024 - 2025",
            "12 laporan - 4 kali",
            "2 543 009",
            "2 543 009 orang",
            "12 laporan 4,,5 kali",
            "12 laporan 4. kali",
            "2.41.254 laporan 4 kali",
            "12 laporan (4 kali",
            "-12 laporan 4 kali",
            "(12) laporan 4 kali",
            "(1 paket) (250 orang)",
            "Rp. 1.500.000 paket 2 kali",
            "95 % dokumen 2 kali",
            "1.500,- paket 2 kali",
        ] {
            assert_eq!(bad(s), Malformed::Other, "{s:?}");
        }
        // Longer text was a sentence before and still is.
        assert_eq!(
            parse_text("1 paket 250 orang 12 kali setahun"),
            Parsed::NotNumber
        );
    }

    #[test]
    fn words_and_nil() {
        for s in [
            "Nilai",
            "Baik Sekali",
            "APBD 2024",
            "Rp",
            "%",
            "(A)",
            "N/A",
            "≥ 80 %",
            "Rpx 5",
            "Rupiah 5",
        ] {
            assert_eq!(parse_text(s), Parsed::NotNumber, "{s}");
        }
        for s in [
            "", "   ", "-", "–", "—", " - ", "--", "Rp -", "Rp. –", "- %", "\u{a0}",
        ] {
            assert_eq!(parse_text(s), Parsed::Nil, "{s:?}");
        }
    }

    #[test]
    fn message_ids() {
        assert_eq!(
            Malformed::SeveralDecimalSeparators.message_id(),
            "figure.malformed.several_decimal_separators"
        );
        assert_eq!(
            Malformed::BadGrouping.message_id(),
            "figure.malformed.bad_grouping"
        );
        assert_eq!(
            Malformed::MixedSeparators.message_id(),
            "figure.malformed.mixed_separators"
        );
        assert_eq!(Malformed::Other.message_id(), "figure.malformed.other");
    }

    #[test]
    fn from_value_cases() {
        let v = Value::Number {
            value: dec("0.9502"),
            percent: true,
            decimals: None,
        };
        let Parsed::Number(f) = from_value(&v) else {
            panic!()
        };
        assert_eq!(f.value, dec("95.02"));
        assert_eq!(f.decimals, 2);
        assert!(f.percent && !f.from_text && !f.money);

        let v = Value::Number {
            value: dec("0.9502"),
            percent: true,
            decimals: Some(1),
        };
        let Parsed::Number(f) = from_value(&v) else {
            panic!()
        };
        assert_eq!(f.value, dec("95.02"));
        assert_eq!(f.decimals, 1);

        let v = Value::Number {
            value: dec("2416254056.00"),
            percent: false,
            decimals: None,
        };
        let Parsed::Number(f) = from_value(&v) else {
            panic!()
        };
        assert_eq!(f.value, dec("2416254056"));
        assert_eq!(f.decimals, 0);
        assert!(!f.percent);

        let v = Value::Number {
            value: dec("2416254056"),
            percent: false,
            decimals: Some(2),
        };
        assert_eq!(from_value(&v).figure().map(|f| f.decimals), Some(2));

        let v = Value::Number {
            value: Decimal::MAX,
            percent: true,
            decimals: None,
        };
        assert_eq!(
            from_value(&v),
            Parsed::Malformed {
                reason: Malformed::Other
            }
        );

        let Parsed::Number(f) = from_value(&Value::Text("95,02 %".into())) else {
            panic!()
        };
        assert!(f.from_text && f.percent);
        assert_eq!(from_value(&Value::Empty), Parsed::Nil);
        assert_eq!(from_value(&Value::Text(" – ".into())), Parsed::Nil);
        assert_eq!(from_value(&Value::Bool(true)), Parsed::NotNumber);
        assert_eq!(
            from_value(&Value::Error("#DIV/0!".into())),
            Parsed::NotNumber
        );
    }

    #[test]
    fn agreement_and_rounding() {
        let exact = dec("100.3659");
        assert!(agrees(dec("100.37"), 2, exact));
        assert!(agrees(dec("100.36"), 2, exact));
        assert!(!agrees(dec("100.35"), 2, exact));
        assert!(agrees(dec("100"), 0, exact));
        assert!(agrees(dec("100.3659"), 4, exact));
        assert!(agrees(dec("-2.5"), 1, dec("-2.45")));
        assert!(agrees(dec("-2.4"), 1, dec("-2.45")));

        assert_eq!(round_half_up(dec("2.5"), 0), dec("3"));
        assert_eq!(round_half_up(dec("-2.5"), 0), dec("-3"));
        assert_eq!(round_half_up(dec("2.45"), 1), dec("2.5"));
        assert_eq!(truncate(dec("2.99"), 0), dec("2"));
        assert_eq!(truncate(dec("-2.99"), 1), dec("-2.9"));
        assert_eq!(round_half_up(dec("1.5"), 3), dec("1.5"));
    }

    #[test]
    fn formatting() {
        assert_eq!(
            format_number(dec("2543009000"), 2, "id"),
            "2.543.009.000,00"
        );
        assert_eq!(
            format_number(dec("2543009000"), 2, "en"),
            "2,543,009,000.00"
        );
        assert_eq!(format_number(dec("95.02"), 2, "id"), "95,02");
        assert_eq!(format_number(dec("95.02"), 2, "en"), "95.02");
        assert_eq!(format_number(dec("95.025"), 2, "id"), "95,03");
        assert_eq!(format_number(dec("-1500"), 0, "id"), "-1.500");
        assert_eq!(format_number(dec("-0.001"), 2, "id"), "0,00");
        assert_eq!(format_number(dec("999.5"), 0, "id"), "1.000");
        assert_eq!(format_number(dec("123"), 0, "id"), "123");
        assert_eq!(format_number(dec("0.5"), 4, "en-US"), "0.5000");
        assert_eq!(format_number(dec("1"), 30, "id").len(), 32);
    }

    #[test]
    fn f64_conversion() {
        assert_eq!(decimal_from_f64(0.9502), Some(dec("0.9502")));
        assert_eq!(decimal_from_f64(2416254056.0), Some(dec("2416254056")));
        assert_eq!(decimal_from_f64(1e-7), Some(dec("0.0000001")));
        assert_eq!(decimal_from_f64(1.5e20), Some(dec("150000000000000000000")));
        assert_eq!(decimal_from_f64(-1234.5), Some(dec("-1234.5")));
        // The shortest round-trip representation of 0.1 + 0.2 is not 0.3; that is fine.
        assert_eq!(
            decimal_from_f64(0.1 + 0.2),
            Some(dec("0.30000000000000004"))
        );
        assert_eq!(decimal_from_f64(0.0), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(-0.0), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(1e-30), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(f64::INFINITY), None);
        assert_eq!(decimal_from_f64(f64::NEG_INFINITY), None);
        assert_eq!(decimal_from_f64(1e29), None);
        assert_eq!(decimal_from_f64(f64::MAX), None);
        assert_eq!(decimal_from_f64(f64::MIN_POSITIVE), Some(Decimal::ZERO));
    }

    /// A money amount: up to 10^13 with 0 or 2 decimals, either sign.
    fn money() -> impl Strategy<Value = (Decimal, u32)> {
        (
            prop_oneof![Just(0u32), Just(2u32)],
            0i64..=10_000_000_000_000,
            any::<bool>(),
            0i64..100,
        )
            .prop_map(|(d, units, neg, cents)| {
                let m = if d == 0 { units } else { units * 100 + cents };
                let x = Decimal::new(if neg { -m } else { m }, d);
                (x, d)
            })
    }

    /// A percentage: up to 10^6 with 0–4 decimals, either sign.
    fn percentage() -> impl Strategy<Value = (Decimal, u32)> {
        (0u32..=4, 0i64..=10_000_000_000, any::<bool>())
            .prop_map(|(d, m, neg)| (Decimal::new(if neg { -m } else { m }, d), d))
    }

    /// English forms that the Indonesian default reads differently: exactly one separator
    /// followed by exactly three digits ("1,500" reads as 1,5; "95.020" as 95020).
    fn english_ambiguous(s: &str) -> bool {
        let seps: Vec<usize> = s.match_indices(['.', ',']).map(|(i, _)| i).collect();
        seps.len() == 1 && s.len() - seps[0] - 1 == 3
    }

    fn round_trips(
        s: &str,
        x: Decimal,
        d: u32,
        money: bool,
        percent: bool,
    ) -> Result<(), TestCaseError> {
        match parse_text(s) {
            Parsed::Number(f) => {
                prop_assert_eq!(f.value, x, "{}", s);
                prop_assert_eq!(f.decimals, d, "{}", s);
                prop_assert_eq!(f.money, money, "{}", s);
                prop_assert_eq!(f.percent, percent, "{}", s);
                prop_assert_eq!(f.suffix, None, "{}", s);
                Ok(())
            }
            other => Err(TestCaseError::fail(format!("{s:?} → {other:?}"))),
        }
    }

    proptest! {
        #[test]
        fn money_round_trip_id((x, d) in money()) {
            let s = format_number(x, d, "id");
            round_trips(&s, x, d, false, false)?;
            round_trips(&format!("Rp. {s}"), x, d, true, false)?;
            round_trips(&format!("Rp {s}"), x, d, true, false)?;
        }

        #[test]
        fn money_round_trip_en((x, d) in money()) {
            let s = format_number(x, d, "en");
            prop_assume!(!english_ambiguous(&s));
            round_trips(&s, x, d, false, false)?;
            round_trips(&format!("Rp. {s}"), x, d, true, false)?;
        }

        #[test]
        fn percent_round_trip_id((x, d) in percentage()) {
            let s = format_number(x, d, "id");
            round_trips(&s, x, d, false, false)?;
            round_trips(&format!("{s} %"), x, d, false, true)?;
            round_trips(&format!("{s}%"), x, d, false, true)?;
        }

        #[test]
        fn percent_round_trip_en((x, d) in percentage()) {
            let s = format_number(x, d, "en");
            prop_assume!(!english_ambiguous(&s));
            round_trips(&s, x, d, false, false)?;
            round_trips(&format!("{s} %"), x, d, false, true)?;
        }

        #[test]
        fn quick_rejections_change_nothing(
            s in "[ \t\u{A0}\u{200B}()+%.,Rrp\\-−–a-z0-9]{0,14}"
        ) {
            prop_assert_eq!(parse_text(&s), parse_full(&s), "{:?}", s);
        }

        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = parse_text(&s);
            let _ = from_value(&Value::Text(s));
        }

        #[test]
        fn parse_never_panics_on_figure_like(s in "[-−+( Rp.]{0,3}[0-9.,]{0,30}[-,.%) eE+]{0,4}[A-Za-z0-9 ()%]{0,12}") {
            let _ = parse_text(&s);
        }

        #[test]
        fn shown_values_agree(m in any::<i64>(), scale in 0u32..=10, d in 0u32..=6) {
            let x = Decimal::new(m, scale);
            prop_assert!(agrees(round_half_up(x, d), d, x));
            prop_assert!(agrees(truncate(x, d), d, x));
        }

        #[test]
        fn f64_round_trips(f in any::<f64>()) {
            match decimal_from_f64(f) {
                Some(x) if f.is_finite() && (f == 0.0 || f.abs() >= 1e-12) => {
                    let back: f64 = x.to_string().parse().unwrap();
                    prop_assert_eq!(back, f);
                }
                Some(_) => prop_assert!(f.is_finite()),
                None => prop_assert!(!f.is_finite() || f.abs() >= 7.9e28),
            }
        }
    }
}
