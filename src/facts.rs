//! Facts: every recognised figure as (subject, measure, period, version) = value, with
//! where it stands and which document it comes from. Cross-document identity compares
//! facts; `rules/identity.toml` and the aliases in `rules/indicators.toml` decide what
//! counts as the same figure.

use crate::doc::Doc;
use crate::figure::{Figure, Parsed};
use crate::finding::Location;
use crate::grid::Pos;
use crate::rules::{Kind, Rules};
use crate::table::{Column, Table};
use regex::Regex;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

/// What a figure is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A program / kegiatan / sub kegiatan by its kode segments ("7.1.1.2.1").
    Kode(String),
    /// An indicator or a budget line by its normalised name.
    Name(String),
    /// The unit's whole budget (a total row of a budget table).
    Total,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub subject: Subject,
    /// The subject as written where this fact stands (for messages).
    pub label: String,
    /// target, realisasi, capaian, anggaran, realisasi_anggaran, penyerapan, kemajuan,
    /// efisiensi, target_akhir.
    pub measure: &'static str,
    /// The year of the column (corrected when yearly headers run out of sequence), else
    /// the report's year.
    pub period: Option<i32>,
    /// "murni" (APBD, PK awal, Renja sebelum) or "perubahan" (P-APBD, Perubahan PK,
    /// Renja sesudah); None where the document has one version only.
    pub version: Option<&'static str>,
    /// The period is the report's year, and that year was inferred, not stated.
    pub year_guess: Option<ReportYear>,
    pub value: Figure,
    /// A bare number from a file without number formats: 0.95 may mean 95 %.
    pub maybe_fraction: bool,
    /// The subject is a programme, kegiatan or budget line (money and its absorption),
    /// not an indicator.
    pub entity: bool,
    /// The document kind of the table (rules/identity.toml): pk, renja, renstra, lra …
    pub kind: Rc<str>,
    /// The sheet (its index in the document) and cell where the fact stands: see
    /// [`Fact::at`].
    pub sheet: usize,
    pub cell: Pos,
    pub doc: usize,
    pub table: usize,
    pub row: usize,
    /// A figure a sentence of the report states (a claim): its paragraph and quote.
    /// `sheet` is then `usize::MAX`, and `table` a number of its own.
    pub text: Option<Rc<crate::finding::TextPlace>>,
}

impl Fact {
    /// Where the fact stands, for a finding.
    pub fn at(&self, docs: &[Doc]) -> Location {
        let doc = docs.get(self.doc);
        if let Some(t) = &self.text {
            return Location::sentence(
                doc.map(|d| d.file.clone()).unwrap_or_default(),
                (**t).clone(),
            );
        }
        Location {
            file: doc.map(|d| d.file.clone()).unwrap_or_default(),
            sheet: self.sheet_name(docs).to_string(),
            cell: self.cell,
            text: None,
        }
    }

    /// The name of the fact's sheet.
    pub fn sheet_name<'d>(&self, docs: &'d [Doc]) -> &'d str {
        docs.get(self.doc)
            .and_then(|d| d.sheets.get(self.sheet))
            .map_or("", |g| g.name.as_str())
    }

    /// Whether two facts stand in the same cell.
    pub fn same_cell(&self, other: &Fact) -> bool {
        (self.doc, self.sheet, self.cell) == (other.doc, other.sheet, other.cell)
    }
}

/// Where the report's year was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// A title or caption says it ("TAHUN 2024", "TA. 2024").
    Title,
    /// sakip-lint.toml `year`.
    Config,
    /// Inferred: the latest year that has a realisasi column.
    Realisasi,
    /// Inferred: the year the budget columns name (APBD 2024, P-APBD 2024).
    Budget,
}

/// The report's year and how it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportYear {
    pub year: i32,
    pub source: YearSource,
}

impl ReportYear {
    /// What a finding resting on this year assumed (None when the year is stated).
    pub fn assumption(&self) -> Option<crate::finding::Message> {
        let id = match self.source {
            YearSource::Title | YearSource::Config => return None,
            YearSource::Realisasi => "assumed.year_realisasi",
            YearSource::Budget => "assumed.year_budget",
        };
        Some(crate::finding::Message::new(id).text("year", self.year.to_string()))
    }
}

/// The report's year: a title's, else the configured one, else the one the tables
/// imply ([`inferred_year`]). Never the first year in sight: a Renstra's "Tahun 2022"
/// column is a plan year, not the report's.
pub fn report_year(docs: &[Doc], configured: Option<i32>) -> Option<ReportYear> {
    let known = |year, source| ReportYear { year, source };
    title_year(docs)
        .map(|y| known(y, YearSource::Title))
        .or(configured.map(|y| known(y, YearSource::Config)))
        .or_else(|| inferred_year(docs))
}

/// The most frequent year of the titles: text cells of the first rows of a sheet or just
/// above a table, outside every table, that say "tahun 2024" or "TA. 2024". Sentences
/// (a law's "Tahun 2008" in a page footer) are not titles.
pub fn title_year(docs: &[Doc]) -> Option<i32> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE
        .get_or_init(|| Regex::new(r"(?i)(?:\btahun|\bt\.?a\.?)\s*((?:19|20)\d{2})\b").ok())
        .as_ref()?;
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    for d in docs {
        for (si, g) in d.sheets.iter().enumerate() {
            let tables: Vec<&Table> = d.tables.iter().filter(|t| t.sheet == si).collect();
            // The rows tables cover, as sorted intervals (one search per row asked).
            let mut spans: Vec<(u32, u32)> = tables
                .iter()
                .map(|t| {
                    (
                        t.header_top,
                        t.rows.last().map_or(t.header_bottom, |x| x.row),
                    )
                })
                .collect();
            spans.sort_unstable();
            let in_table = |r: u32| {
                let i = spans.partition_point(|s| s.0 <= r);
                // Tables may nest (a scale inside a report table): look back a few.
                spans
                    .get(i.saturating_sub(4)..i)
                    .is_some_and(|w| w.iter().any(|s| r <= s.1))
            };
            // The first rows of the sheet and the four rows above each table: where titles
            // and captions stand (a few dozen rows, however long the sheet).
            let mut candidates: Vec<u32> = (0..g.height.min(12)).collect();
            for t in &tables {
                candidates.extend(t.header_top.saturating_sub(4)..t.header_top);
            }
            candidates.sort_unstable();
            candidates.dedup();
            for r in candidates {
                if in_table(r) {
                    continue;
                }
                for c in 0..g.width.min(8) {
                    // Titles are text; a cheap test first: a year needs a digit.
                    let crate::grid::Value::Text(t) = g.value(Pos::new(r, c)) else {
                        continue;
                    };
                    if let Some(y) = title_text_year(re, t) {
                        *counts.entry(y).or_default() += 1;
                    }
                }
            }
        }
        // A report document's title page: its first short paragraphs before any table.
        for p in d
            .paragraphs
            .iter()
            .take_while(|p| p.tables_before == 0)
            .take(TITLE_PARAGRAPHS)
        {
            if let Some(y) = title_text_year(re, &p.text) {
                *counts.entry(y).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// Paragraphs of a report document's title page looked at for its year.
const TITLE_PARAGRAPHS: usize = 15;

/// The year a title text names ("LAPORAN KINERJA TAHUN 2024"), if it is a title: short,
/// not a sentence, no law's "Tahun 2008", no period "2021-2026".
fn title_text_year(re: &Regex, t: &str) -> Option<i32> {
    if t.len() > 120 || t.trim_end().ends_with('.') || !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let lower = t.to_lowercase();
    if ["pasal", "nomor", "no.", "undang"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return None;
    }
    // Once per cell; a period ("Renstra Tahun 2021-2026", "Tahun 2021 s/d
    // 2026") names no report year.
    re.captures_iter(t).find_map(|cap| {
        let end = cap.get(0)?.end();
        let after = t.get(end..).unwrap_or("").trim_start().to_lowercase();
        let period = ["-", "–", "—", "s/d", "s.d", "sd ", "sampai", "hingga"]
            .iter()
            .any(|w| after.starts_with(w));
        if period {
            None
        } else {
            cap.get(1)?.as_str().parse::<i32>().ok()
        }
    })
}

/// The report's year as the tables imply it when no title states it: the latest year
/// that has a realisasi column, and the year the budget columns name (APBD 2024). Plan
/// tables with a column group per year (a Renstra) say nothing about the report. None
/// when the two disagree or neither is there.
pub fn inferred_year(docs: &[Doc]) -> Option<ReportYear> {
    let mut realisasi: Option<i32> = None;
    let mut budget: Vec<i32> = Vec::new();
    for t in docs.iter().flat_map(|d| &d.tables) {
        if !crate::table::year_sequence(t).is_empty() {
            continue;
        }
        for c in &t.columns {
            let Some(y) = c.year else { continue };
            match c.role.as_deref() {
                Some("realisasi") => realisasi = realisasi.max(Some(y)),
                Some("apbd" | "papbd" | "anggaran") => budget.push(y),
                _ => {}
            }
        }
    }
    budget.sort_unstable();
    budget.dedup();
    let budget = match budget.as_slice() {
        [] => None,
        [one] => Some(*one),
        _ => return None,
    };
    let (year, source) = match (realisasi, budget) {
        (Some(r), Some(b)) if r != b => return None,
        (Some(r), _) => (r, YearSource::Realisasi),
        (None, Some(b)) => (b, YearSource::Budget),
        (None, None) => return None,
    };
    Some(ReportYear { year, source })
}

/// Names as compared: lower case, without numbering, units in parentheses, kode, the
/// unit's qualifiers (rules/identity.toml) and punctuation; aliases resolved.
pub struct Names {
    drop: Option<Regex>,
    qualifiers: Vec<Vec<String>>,
    abbreviations: HashMap<String, String>,
    aliases: std::sync::Arc<HashMap<String, String>>,
    /// The rule set's key for the per-thread memo of names already normalised (every
    /// submission of a batch repeats the same labels many times).
    rules_id: u64,
}

thread_local! {
    static NAMES: std::cell::RefCell<crate::rules::Memo<String>> = Default::default();
}

impl Names {
    pub fn new(rules: &Rules) -> Names {
        let mut names = Names {
            drop: rules.identity.name_pattern.clone(),
            qualifiers: rules.identity.qualifiers.clone(),
            abbreviations: rules.identity.abbreviations.clone(),
            aliases: Default::default(),
            rules_id: rules.id(),
        };
        names.aliases = rules
            .name_aliases
            .get_or_init(|| std::sync::Arc::new(names.aliases_of(rules)))
            .clone();
        names
    }

    /// Every alias name, cleaned, to the cleaned name it stands for.
    fn aliases_of(&self, rules: &Rules) -> HashMap<String, String> {
        let mut aliases = HashMap::new();
        // Every absorption indicator name is one subject.
        if let Some((first, rest)) = rules.identity.absorption.split_first() {
            let c = self.clean(first);
            for n in rest {
                aliases.insert(self.clean(n), c.clone());
            }
        }
        for (canonical, list) in &rules.aliases {
            let c = self.clean(canonical);
            for n in list {
                aliases.insert(self.clean(n), c.clone());
            }
        }
        aliases
    }

    fn clean(&self, s: &str) -> String {
        let lower = s.to_lowercase();
        let t = match &self.drop {
            Some(p) => p.replace_all(&lower, " ").into_owned(),
            None => lower,
        };
        let t: String = t
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut words: Vec<String> = Vec::new();
        for w in t.split_whitespace() {
            if w == "dan" {
                continue;
            }
            match self.abbreviations.get(w) {
                Some(full) => words.extend(full.split_whitespace().map(str::to_string)),
                None => words.push(w.to_string()),
            }
        }
        // The unit's own qualifier at the end of a name ("IKM Kecamatan").
        while let Some(q) = self
            .qualifiers
            .iter()
            .find(|q| words.len() > q.len() && words.ends_with(q))
        {
            words.truncate(words.len() - q.len());
        }
        words.join(" ")
    }

    /// The words of a text as names are compared (lower case, punctuation and "dan"
    /// dropped, abbreviations written out), each with the byte offset in `s` where the
    /// word it came from ends: for finding a name inside a sentence.
    pub fn words(&self, s: &str) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        let push = |from: usize, to: usize, out: &mut Vec<(String, usize)>| {
            let w = s.get(from..to).unwrap_or_default().to_lowercase();
            if w == "dan" {
                return;
            }
            match self.abbreviations.get(&w) {
                Some(full) => out.extend(full.split_whitespace().map(|x| (x.to_string(), to))),
                None => out.push((w, to)),
            }
        };
        for (i, c) in s.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(b)) => {
                    push(b, i, &mut out);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(b) = start {
            push(b, s.len(), &mut out);
        }
        out
    }

    /// Every alias name as compared, with the name it stands for.
    pub fn alias_names(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .aliases
            .iter()
            .map(|(a, c)| (a.clone(), c.clone()))
            .collect();
        v.sort();
        v
    }

    pub fn normalize(&self, s: &str) -> String {
        crate::rules::memo(&NAMES, self.rules_id, s, || {
            let c = self.clean(s);
            self.aliases.get(&c).cloned().unwrap_or(c)
        })
    }
}

/// What names a table: its caption (or the caption of the table above it in its sheet),
/// its sheet's name and its file's name, lower-cased.
fn table_words(doc: &Doc, ti: usize) -> String {
    let Some(t) = doc.tables.get(ti) else {
        return String::new();
    };
    let caption = doc
        .tables
        .iter()
        .take(ti + 1)
        .rev()
        .filter(|x| x.sheet == t.sheet)
        .find_map(|x| x.caption.clone())
        .unwrap_or_default();
    let sheet = doc
        .sheets
        .get(t.sheet)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let stem = std::path::Path::new(&doc.file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    format!("{caption} | {sheet} | {stem}").to_lowercase()
}

/// The document kind of a table: from the words that name it, else from the roles of its
/// columns (rules/identity.toml).
pub fn doc_kind(rules: &Rules, doc: &Doc, ti: usize) -> String {
    let Some(t) = doc.tables.get(ti) else {
        return "analisis".into();
    };
    let text = table_words(doc, ti);
    for k in &rules.identity.kinds {
        if k.yearly && crate::table::year_sequence(t).is_empty() {
            continue;
        }
        let by_words = !k.words.is_empty() && k.words.iter().any(|w| w.is_match(&text));
        let by_roles = !k.roles.is_empty()
            && k.roles.iter().all(|r| t.has_role(r))
            && !k.not_roles.iter().any(|r| t.has_role(r));
        let catch_all = k.words.is_empty() && k.roles.is_empty();
        if by_words || by_roles || catch_all {
            return k.name.clone();
        }
    }
    "analisis".into()
}

/// A table's version when the document as a whole is one (Perubahan PK).
fn table_version(doc: &Doc, ti: usize, kind: &str) -> Option<&'static str> {
    if kind != "pk" {
        return None;
    }
    let text = table_words(doc, ti);
    Some(if text.contains("perubahan") || text.contains("revisi") {
        "perubahan"
    } else {
        "murni"
    })
}

/// The canonical measure and version of a column, None for columns that are not facts.
fn measure_of(t: &Table, c: &Column, kind: &str) -> Option<(&'static str, Option<&'static str>)> {
    let money = t.is_money(c);
    Some(match c.role.as_deref()? {
        "target" => ("target", None),
        "sebelum" if money => ("anggaran", Some("murni")),
        "sesudah" if money => ("anggaran", Some("perubahan")),
        "sebelum" => ("target", Some("murni")),
        "sesudah" => ("target", Some("perubahan")),
        "apbd" => ("anggaran", Some("murni")),
        "papbd" => ("anggaran", Some("perubahan")),
        "anggaran" if money => ("anggaran", None),
        "realisasi" if money => ("realisasi_anggaran", None),
        "realisasi" => ("realisasi", None),
        "capaian" if kind == "lra" => ("penyerapan", None),
        "capaian" => ("capaian", None),
        "penyerapan" => ("penyerapan", None),
        "kemajuan" => ("kemajuan", None),
        "efisiensi" => ("efisiensi", None),
        "target_akhir" => ("target_akhir", None),
        _ => return None,
    })
}

fn is_money_measure(m: &str) -> bool {
    matches!(m, "anggaran" | "realisasi_anggaran")
}

/// The document kind of every table ([`doc_kind`]), by document and table.
pub fn doc_kinds(docs: &[Doc], rules: &Rules) -> Vec<Vec<Rc<str>>> {
    docs.iter()
        .map(|doc| {
            (0..doc.tables.len())
                .map(|ti| doc_kind(rules, doc, ti).into())
                .collect()
        })
        .collect()
}

/// Every fact of a submission.
pub fn collect(docs: &[Doc], rules: &Rules) -> Vec<Fact> {
    collect_with_kinds(docs, rules, &doc_kinds(docs, rules))
}

/// [`collect`], with the tables' kinds worked out already.
pub fn collect_with_kinds(docs: &[Doc], rules: &Rules, kinds: &[Vec<Rc<str>>]) -> Vec<Fact> {
    collect_parts(docs, rules, kinds).0
}

/// What the checks of a submission share: the kind of each table, every fact, and the
/// claims of its report's sentences (read against the tables' facts).
pub struct Gathered {
    pub kinds: Vec<Vec<Rc<str>>>,
    pub facts: Vec<Fact>,
    pub claims: Vec<crate::claims::Claim>,
}

/// Every fact of a submission and its report's claims, once.
pub fn gather(docs: &[Doc], rules: &Rules) -> Gathered {
    let kinds = doc_kinds(docs, rules);
    let (facts, claims) = collect_parts(docs, rules, &kinds);
    Gathered {
        kinds,
        facts,
        claims,
    }
}

/// The facts, and the claims extracted along the way (none without a report document).
fn collect_parts(
    docs: &[Doc],
    rules: &Rules,
    kinds: &[Vec<Rc<str>>],
) -> (Vec<Fact>, Vec<crate::claims::Claim>) {
    let names = Names::new(rules);
    // A title's year, else the configured one (sakip-lint.toml `year`), else the one the
    // tables imply (an assumption the findings say).
    let report = report_year(docs, rules.checks.year);
    let year = report.map(|r| r.year);
    let guess = report.filter(|r| r.assumption().is_some());
    // At most one fact per figure cell.
    let cells: usize = docs
        .iter()
        .flat_map(|d| &d.tables)
        .map(|t| t.rows.len() * t.columns.iter().filter(|c| c.numeric).count())
        .sum();
    let mut out = Vec::with_capacity(cells);
    for (di, doc) in docs.iter().enumerate() {
        for (ti, t) in doc.tables.iter().enumerate() {
            let Some(g) = doc.sheets.get(t.sheet) else {
                continue;
            };
            let Some(kind) = kinds.get(di).and_then(|k| k.get(ti)).cloned() else {
                continue;
            };
            // Per column: its measure and version, and whether its header speaks of last year.
            let fact_columns: Vec<(&Column, &'static str, Option<&'static str>, bool)> = t
                .columns
                .iter()
                .filter(|c| c.numeric && c.kind != Kind::Label)
                .filter_map(|c| {
                    let (measure, version) = measure_of(t, c, &kind)?;
                    let last_year = c.period.is_none() && crate::table::is_last_year(&c.header);
                    Some((c, measure, version, last_year))
                })
                .collect();
            let any_money = t.columns.iter().any(|c| t.is_money(c));
            let table_ver = table_version(doc, ti, &kind);
            // In a kode table, the one shallowest row with money figures is the unit's
            // total when it is the unit's own kode (Renja "7.01 KECAMATAN").
            let with_money: Vec<usize> = t
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kode_segments.is_some())
                .filter(|(_, r)| {
                    t.columns
                        .iter()
                        .filter(|c| c.numeric && t.is_money(c))
                        .any(|c| matches!(*t.figure_ref(g, r.row, c), Parsed::Number(_)))
                })
                .map(|(i, _)| i)
                .collect();
            let depth = |i: usize| {
                t.rows
                    .get(i)
                    .and_then(|r| r.kode_segments.as_ref())
                    .map_or(usize::MAX, |s| s.len())
            };
            let min_depth = with_money
                .iter()
                .map(|&i| depth(i))
                .min()
                .unwrap_or(usize::MAX);
            let tops: Vec<usize> = with_money
                .iter()
                .copied()
                .filter(|&i| depth(i) == min_depth)
                .collect();
            let unit_total = match tops.as_slice() {
                [top] if min_depth <= 2 && !t.children(*top).is_empty() => Some(*top),
                _ => None,
            };
            for (ri, row) in t.rows.iter().enumerate() {
                let row_text = |role: &str| {
                    t.columns_with(role)
                        .map(|c| g.text(t.pos(row.row, c)))
                        .find(|s| !s.is_empty())
                        .unwrap_or_default()
                };
                // A PK programme line says "APBD 2024" or "P APBD 2024" beside its anggaran.
                let note = row_text("keterangan").to_lowercase();
                let row_ver = if note.contains("p apbd")
                    || note.contains("revisi")
                    || note
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == "pak")
                    || note.contains("p-apbd")
                    || note.contains("papbd")
                    || note.contains("perubahan")
                {
                    Some("perubahan")
                } else if note.contains("apbd") {
                    Some("murni")
                } else {
                    None
                };
                for &(col, measure, col_ver, last_year) in &fact_columns {
                    let Parsed::Number(value) = t.figure(g, row.row, col) else {
                        continue;
                    };
                    // Money, and a budget absorption rate beside money, belong to the
                    // programme/kegiatan of the row; the other measures to its indicator.
                    let money = is_money_measure(measure) || (measure == "penyerapan" && any_money);
                    let (subject, label) = if row.total && money {
                        (Subject::Total, row.name.clone())
                    } else if money {
                        match &row.kode_segments {
                            Some(_) if unit_total == Some(ri) => (Subject::Total, row.name.clone()),
                            Some(s) => (
                                Subject::Kode(
                                    s.iter()
                                        .map(|x| x.to_string())
                                        .collect::<Vec<_>>()
                                        .join("."),
                                ),
                                row.name.clone(),
                            ),
                            None if !row.name.is_empty() => {
                                (Subject::Name(names.normalize(&row.name)), row.name.clone())
                            }
                            None => continue,
                        }
                    } else if !row.indicator.is_empty() {
                        (
                            Subject::Name(names.normalize(&row.indicator)),
                            row.indicator.clone(),
                        )
                    } else if !row.name.is_empty() && !row.total {
                        (Subject::Name(names.normalize(&row.name)), row.name.clone())
                    } else if row.total && &*kind == "lra" && measure == "penyerapan" {
                        (Subject::Total, row.name.clone())
                    } else {
                        continue;
                    };
                    if matches!(&subject, Subject::Name(n) if n.is_empty()) {
                        continue;
                    }
                    let raw = g.value(t.pos(row.row, col));
                    let maybe_fraction =
                        !g.number_formats && matches!(raw, crate::grid::Value::Number { .. });
                    let version = col_ver.or(if money { row_ver } else { None }).or(table_ver);
                    // The period rests on the report's year when the column names none.
                    let from_report_year =
                        measure != "target_akhir" && (last_year || col.period.is_none());
                    out.push(Fact {
                        subject,
                        label,
                        measure,
                        // The end of the Renstra period is one period, whatever year a table names.
                        // The end of the Renstra period is one period, whatever year a table
                        // names; "tahun lalu", "tahun sebelumnya", "N-1" is the year before.
                        period: if measure == "target_akhir" {
                            None
                        } else if last_year {
                            year.map(|y| y - 1)
                        } else {
                            col.period.or(year)
                        },
                        version,
                        year_guess: if from_report_year { guess } else { None },
                        value,
                        maybe_fraction,
                        entity: money,
                        kind: kind.clone(),
                        sheet: t.sheet,
                        cell: t.pos(row.row, col),
                        doc: di,
                        table: ti,
                        row: ri,
                        text: None,
                    });
                }
            }
        }
    }
    resolve_names_to_kode(&mut out, &names);
    // What the report's sentences state, as facts of their own.
    let mut claims = Vec::new();
    if docs.iter().any(Doc::is_report) {
        claims = crate::claims::extract(docs, rules, &out);
        let first = docs.iter().map(|d| d.tables.len()).sum::<usize>() + 1;
        out.extend(crate::claims::claim_facts(
            &claims, docs, year, guess, first,
        ));
    }
    // The LRA's total absorption is the realisasi of the absorption indicator.
    if let Some(indicator) = rules.identity.absorption.first() {
        let subject = Subject::Name(names.normalize(indicator));
        let derived: Vec<Fact> = out
            .iter()
            .filter(|f| {
                f.subject == Subject::Total && f.measure == "penyerapan" && &*f.kind == "lra"
            })
            .map(|f| Fact {
                subject: subject.clone(),
                measure: "realisasi",
                ..f.clone()
            })
            .collect();
        out.extend(derived);
    }
    (out, claims)
}

/// A programme named in one document and coded in another is one subject: names that
/// stand beside a kode somewhere in the submission resolve to that kode.
fn resolve_names_to_kode(facts: &mut [Fact], names: &Names) {
    let mut by_name: HashMap<String, String> = HashMap::new();
    for f in facts.iter() {
        if let Subject::Kode(k) = &f.subject {
            let n = names.normalize(&f.label);
            if !n.is_empty() {
                by_name.entry(n).or_insert_with(|| k.clone());
            }
        }
    }
    for f in facts.iter_mut() {
        if let Subject::Name(n) = &f.subject
            && f.entity
            && let Some(k) = by_name.get(n)
        {
            f.subject = Subject::Kode(k.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_compared_without_qualifiers_and_with_aliases() {
        let rules = Rules::embedded().unwrap();
        let n = Names::new(&rules);
        assert_eq!(n.normalize("IKM Kecamatan"), "indeks kepuasan masyarakat");
        assert_eq!(
            n.normalize("3.3 Indeks Profesionalitas ASN"),
            "indeks profesionalitas asn"
        );
        assert_eq!(
            n.normalize("IP ASN Perangkat Daerah"),
            "indeks profesionalitas asn"
        );
        assert_eq!(
            n.normalize("Nilai SAKIP Perangkat Daerah(nilai)"),
            n.normalize("3.1 Nilai SAKIP Kecamatan")
        );
        assert_eq!(
            n.normalize("Persentase realisasi anggaran Perangkat Daerah(%)"),
            "persentase realisasi anggaran"
        );
        assert_eq!(
            n.normalize("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"),
            n.normalize("Program Penunjang Urusan Pemerintahan Daerah")
        );
        assert_eq!(
            n.normalize("[SUB KEGIATAN] 7.01.06.2.01.0002 Fasilitasi Administrasi"),
            "fasilitasi administrasi"
        );
        assert_eq!(n.normalize("- Belanja Pegawai"), "belanja pegawai");
    }
}
