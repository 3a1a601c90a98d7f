//! Rules an evaluator may change without recompiling: header vocabulary, row relations,
//! indicator polarity and aliases, default predikat scales, severities, messages.
//! The binary embeds `rules/*.toml` as defaults; `--rules DIR` replaces any file it holds.

use crate::finding::Severity;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

const VOCABULARY: &str = include_str!("../rules/vocabulary.toml");
const RELATIONS: &str = include_str!("../rules/relations.toml");
const INDICATORS: &str = include_str!("../rules/indicators.toml");
const SCALES: &str = include_str!("../rules/scales.toml");
const CHECKS: &str = include_str!("../rules/checks.toml");
const MESSAGES: &str = include_str!("../rules/messages.toml");
const IDENTITY: &str = include_str!("../rules/identity.toml");
const CLAIMS: &str = include_str!("../rules/claims.toml");

/// A rule file that cannot be used: which file, where in it, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// `file` is the path read (or `rules/NAME` for an embedded file); `line` and `column`
    /// count from 1; `source_line` is the text of that line, for showing it.
    #[error("{file}{}: {detail}", at(*line, *column))]
    Invalid {
        file: String,
        line: Option<usize>,
        column: Option<usize>,
        source_line: Option<String>,
        detail: String,
    },
    /// A `.toml` file in a rules folder that replaces no rule file (a misspelt name).
    #[error("{file}: unknown rule file; expected one of {expected}")]
    UnknownFile { file: String, expected: String },
}

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// Line and column (from 1, in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The text of line `line` (from 1).
pub fn line_text(text: &str, line: usize) -> Option<String> {
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end().to_string())
}

/// The names of the rule files (`rules/*.toml`), as a `--rules` folder names them.
pub const FILES: [&str; 8] = [
    "vocabulary.toml",
    "relations.toml",
    "indicators.toml",
    "scales.toml",
    "checks.toml",
    "messages.toml",
    "identity.toml",
    "claims.toml",
];

/// A rule file's text with the name of where it came from (a path, or `rules/NAME`).
type Labelled = (String, String);

/// The file a rule file's text came from, and the text (for locating mistakes).
struct Src<'a> {
    file: &'a str,
    text: &'a str,
}

impl Src<'_> {
    /// An error at a byte offset (None: the file as a whole).
    fn error(&self, offset: Option<usize>, detail: String) -> RulesError {
        let lc = offset.map(|o| line_col(self.text, o));
        RulesError::Invalid {
            file: self.file.to_string(),
            line: lc.map(|x| x.0),
            column: lc.map(|x| x.1),
            source_line: lc.and_then(|(l, _)| line_text(self.text, l)),
            detail,
        }
    }

    /// An error about a value written in the file: located at its first occurrence as a
    /// quoted string (the deserialised value has no position of its own).
    fn error_at_value(&self, value: &str, detail: String) -> RulesError {
        let offset = ['"', '\'']
            .iter()
            .find_map(|q| self.text.find(&format!("{q}{value}{q}")).map(|o| o + 1))
            .or_else(|| self.text.find(value));
        self.error(offset, detail)
    }
}

/// What a column's figures are, for adding up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Label,
    Number,
    Ratio,
    Money,
    Count,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub kind: Kind,
    /// Its header patterns (checked; matched through `Rules::match_role`'s one set).
    pub patterns: Vec<String>,
    /// Abbreviations and misspellings ("Tgt", "Real.", "realiasi"): a header read through
    /// one of these alone is a guess that findings on the column say they made.
    pub weak: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationRule {
    pub code: String,
    pub name: String,
    pub target: String,
    pub expr: String,
    #[serde(default)]
    pub lower_is_better: Option<String>,
}

/// Change columns between two years or two versions of one measure (relations.toml
/// `[change]`): which roles are change columns and the header words that say how.
#[derive(Debug, Clone, Default)]
pub struct ChangeRule {
    /// Roles of change columns.
    pub targets: Vec<String>,
    /// A header that says the change is a percentage of the earlier figure.
    pub percent: Vec<Regex>,
    /// Header words of an increase and of a decrease: a header that names only a
    /// decrease may show it as earlier − later.
    pub increase: Vec<Regex>,
    pub decrease: Vec<Regex>,
    /// Pairs of roles that are the earlier and the later version of one measure.
    pub versions: Vec<(String, String)>,
    /// Header words of the earlier and of the later version of a measure (one role).
    pub earlier: Vec<Regex>,
    pub later: Vec<Regex>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleRule {
    pub name: String,
    pub measure: String,
    pub bands: Vec<(String, String)>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Severity overrides by code.
    #[serde(default)]
    pub severity: HashMap<String, String>,
    /// Codes switched off by default.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Cells in a sheet above which the sheet is refused.
    #[serde(default = "default_max_cells")]
    pub max_cells: u64,
    /// A file larger than this on disk (MB) is refused.
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u64,
    /// A zip-based workbook whose parts would inflate to more than this (MB) is refused.
    #[serde(default = "default_max_inflated_mb")]
    pub max_inflated_mb: u64,
    /// A file still being read after this many seconds is reported and left.
    #[serde(default = "default_max_seconds")]
    pub max_seconds: u64,
    /// The report's year when no title states it ("TAHUN 2024"); sakip-lint.toml `year`.
    #[serde(default)]
    pub year: Option<i32>,
    /// Findings already known (`--baseline`), or the recorder of `--write-baseline`: set
    /// by the command line, never read from a rule file.
    #[serde(skip)]
    pub baseline: Option<std::sync::Arc<crate::baseline::Baseline>>,
}

fn default_max_cells() -> u64 {
    4_000_000
}

fn default_max_file_mb() -> u64 {
    200
}

fn default_max_inflated_mb() -> u64 {
    1024
}

fn default_max_seconds() -> u64 {
    120
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub roles: Vec<Role>,
    /// Row names that say their level (program, kegiatan, sub kegiatan), in depth order.
    pub levels: Vec<Regex>,
    /// Every role pattern in one set, for one pass per header text; `role_of[i]` is the
    /// role of pattern i.
    role_set: regex::RegexSet,
    role_of: Vec<usize>,
    /// Whether each pattern of `role_set` is one of its role's `weak` ones.
    weak_pattern: Vec<bool>,
    pub totals: Vec<Regex>,
    pub relations: Vec<RelationRule>,
    /// Change columns (relations.toml `[change]`); none when the file has no such section.
    pub change: ChangeRule,
    pub lower_is_better: Vec<Regex>,
    pub aliases: HashMap<String, Vec<String>>,
    pub scales: Vec<ScaleRule>,
    pub checks: CheckSettings,
    /// messages[lang][id] = template
    pub messages: HashMap<String, HashMap<String, String>>,
    pub identity: Identity,
    pub claims: ClaimRules,
    /// Alias names as compared (cleaned once per rule set, not once per submission):
    /// built by `facts::Names` on first use.
    pub(crate) name_aliases: std::sync::OnceLock<std::sync::Arc<HashMap<String, String>>>,
    /// Tells rule sets apart in the per-thread memos (a clone is the same rule set).
    id: u64,
}

/// Answers of one rule set to texts, kept per thread: a batch asks the same questions of
/// the same header and label texts in every submission, and a regex set is costly.
pub(crate) struct Memo<V> {
    rules: u64,
    /// FxHash: the keys are short texts of the workbook, hashed on every question.
    map: rustc_hash::FxHashMap<String, V>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            rules: 0,
            map: rustc_hash::FxHashMap::default(),
        }
    }
}

/// Entries a memo holds before it starts again (bounds memory on odd inputs).
const MEMO_LIMIT: usize = 20_000;

/// `f(key)`, remembered per thread and rule set.
pub(crate) fn memo<V: Clone + 'static>(
    cell: &'static std::thread::LocalKey<std::cell::RefCell<Memo<V>>>,
    rules: u64,
    key: &str,
    f: impl FnOnce() -> V,
) -> V {
    let hit = cell.with_borrow_mut(|m| {
        if m.rules != rules {
            m.rules = rules;
            m.map.clear();
        }
        m.map.get(key).cloned()
    });
    if let Some(v) = hit {
        return v;
    }
    let v = f();
    cell.with_borrow_mut(|m| {
        if m.map.len() >= MEMO_LIMIT {
            m.map.clear();
        }
        m.map.insert(key.to_string(), v.clone());
    });
    v
}

thread_local! {
    static ROLES: std::cell::RefCell<Memo<Option<(usize, bool)>>> = Default::default();
    static TOTALS: std::cell::RefCell<Memo<bool>> = Default::default();
    static LOWER_BETTER: std::cell::RefCell<Memo<bool>> = Default::default();
}

static NEXT_RULES_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// rules/identity.toml: document kinds, authority, severities between documents, names.
#[derive(Debug, Clone)]
pub struct Identity {
    pub kinds: Vec<DocKind>,
    /// authority[measure] = document kinds, most authoritative first ("default" for others).
    pub authority: HashMap<String, Vec<String>>,
    pub links: Vec<Link>,
    /// Words dropped from names before comparing them.
    pub drop: Vec<Regex>,
    /// `drop` with leading numbering, units in parentheses and kode, as one pattern
    /// (compiled once: names are cleaned for every fact).
    pub name_pattern: Option<Regex>,
    /// Qualifier words dropped at the end of a name, each as its words.
    pub qualifiers: Vec<Vec<String>>,
    /// Short words compared written out.
    pub abbreviations: HashMap<String, String>,
    pub drift: Drift,
    pub absorption: Vec<String>,
    /// How a workbook's title rows name its unit (batch grouping).
    pub units: Units,
}

/// rules/identity.toml `[units]`: the words that name a unit in title rows
/// ("KECAMATAN SUKAMAJU", "Dinas Kesehatan"); see `submission::unit_in_text`.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub patterns: Vec<Regex>,
    /// A name ends before the first of these words after its first word.
    pub stop: Vec<String>,
    /// Rows matching one of these are not titles (source notes).
    pub ignore: Vec<Regex>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    stop: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Drift {
    pub plans: Vec<String>,
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AbsorptionFile {
    indicators: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DocKind {
    pub name: String,
    pub words: Vec<Regex>,
    pub roles: Vec<String>,
    pub not_roles: Vec<String>,
    /// The table must have yearly column groups (Tahun 2022 … Tahun 2026).
    pub yearly: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub measure: String,
    pub between: Vec<String>,
    pub severity: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityFile {
    kind: Vec<KindFile>,
    authority: HashMap<String, Vec<String>>,
    #[serde(default)]
    link: Vec<Link>,
    names: NamesFile,
    #[serde(default)]
    drift: Drift,
    #[serde(default)]
    absorption: AbsorptionFile,
    /// Absent in an older identity.toml given with `--rules`: the embedded one is used.
    #[serde(default)]
    units: Option<UnitsFile>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindFile {
    name: String,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    not_roles: Vec<String>,
    #[serde(default)]
    yearly: bool,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesFile {
    drop: Vec<String>,
    #[serde(default)]
    qualifiers: Vec<String>,
    #[serde(default)]
    abbreviations: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    role: Vec<RoleFile>,
    totals: TotalsFile,
    #[serde(default)]
    levels: Option<TotalsFile>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    name: String,
    kind: Kind,
    patterns: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotalsFile {
    patterns: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationsFile {
    relation: Vec<RelationRule>,
    #[serde(default)]
    change: Option<ChangeFile>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeFile {
    targets: Vec<String>,
    #[serde(default)]
    percent: Vec<String>,
    #[serde(default)]
    increase: Vec<String>,
    #[serde(default)]
    decrease: Vec<String>,
    #[serde(default)]
    versions: Vec<(String, String)>,
    #[serde(default)]
    earlier: Vec<String>,
    #[serde(default)]
    later: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorsFile {
    polarity: PolarityFile,
    #[serde(default)]
    aliases: HashMap<String, Vec<String>>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolarityFile {
    lower_is_better: Vec<String>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScalesFile {
    scale: Vec<ScaleRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    window: usize,
    roles: HashMap<String, Vec<String>>,
    decrease: Vec<String>,
    year: Vec<String>,
    not_total: Vec<String>,
    counts: String,
    predikat: String,
}

/// What a figure is in a sentence of the report (rules/claims.toml `[roles]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimRole {
    Target,
    Realisasi,
    Capaian,
    Anggaran,
    RealisasiAnggaran,
    Persen,
    Change,
    /// A figure of another measure: read, so that it is no claim.
    Other,
}

impl ClaimRole {
    const ALL: [(&'static str, ClaimRole); 8] = [
        ("target", ClaimRole::Target),
        ("realisasi", ClaimRole::Realisasi),
        ("capaian", ClaimRole::Capaian),
        ("anggaran", ClaimRole::Anggaran),
        ("realisasi_anggaran", ClaimRole::RealisasiAnggaran),
        ("persen", ClaimRole::Persen),
        ("change", ClaimRole::Change),
        ("other", ClaimRole::Other),
    ];
}

/// How the report's sentences state figures (rules/claims.toml).
#[derive(Debug, Clone)]
pub struct ClaimRules {
    /// Words before a figure looked at for its role.
    pub window: usize,
    /// Each role's patterns as one whole-word pattern, in the file's role order.
    pub roles: Vec<(ClaimRole, Regex)>,
    pub decrease: Vec<Regex>,
    pub year: Regex,
    pub not_total: Vec<Regex>,
    pub counts: Regex,
    pub predikat: Regex,
}

fn claim_rules(src: &Src) -> Result<ClaimRules, RulesError> {
    let f: ClaimsFile = parse(src)?;
    let mut roles = Vec::new();
    for (name, pats) in &f.roles {
        let role = ClaimRole::ALL
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                src.error_at_value(
                    name,
                    format!(
                        "[roles] {name}: the roles are {}",
                        ClaimRole::ALL.map(|(n, _)| n).join(", ")
                    ),
                )
            })?;
        let mut pats = checked_patterns(src, pats)?;
        // Longest first: at one position the longer phrase ("tingkat kemajuan capaian
        // kinerja") is the one matched.
        pats.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let whole = format!(r"\b(?:{})\b", pats.join("|"));
        let re = Regex::new(&whole).map_err(|e| src.error(None, e.to_string()))?;
        roles.push((role, re));
    }
    // A stable order (the file's table has none): the order of ClaimRole::ALL.
    roles.sort_by_key(|(r, _)| ClaimRole::ALL.iter().position(|(_, x)| x == r));
    let one = |p: &str| Regex::new(p).map_err(|e| src.error_at_value(p, e.to_string()));
    Ok(ClaimRules {
        window: f.window.max(1),
        roles,
        decrease: regexes(src, &f.decrease)?,
        year: one(&f.year.join("|"))?,
        not_total: regexes(src, &f.not_total)?,
        counts: one(&f.counts)?,
        predikat: one(&f.predikat)?,
    })
}

fn parse<T: for<'de> Deserialize<'de>>(src: &Src) -> Result<T, RulesError> {
    toml::from_str(src.text).map_err(|e| {
        src.error(
            e.span().map(|s| s.start),
            e.message().trim().replace('\n', " "),
        )
    })
}

/// Patterns checked without being compiled one by one (they are compiled together, as a
/// set): a mistake is still reported at its line. (A pattern too large to compile passes
/// this check and is reported by the set, without its line.)
fn checked_patterns(src: &Src, pats: &[String]) -> Result<Vec<String>, RulesError> {
    for p in pats {
        regex_syntax::Parser::new().parse(p).map_err(|e| {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or_default().trim().to_string();
            src.error_at_value(p, format!("'{p}': {last}"))
        })?;
    }
    Ok(pats.to_vec())
}

fn regexes(src: &Src, pats: &[String]) -> Result<Vec<Regex>, RulesError> {
    pats.iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                let detail = e.to_string();
                let last = detail.lines().last().unwrap_or_default().trim().to_string();
                src.error_at_value(p, format!("'{p}': {last}"))
            })
        })
        .collect()
}

impl Rules {
    /// The embedded defaults.
    pub fn embedded() -> Result<Rules, RulesError> {
        Self::from_texts(&|name| Ok((format!("rules/{name}"), Self::embedded_text(name))))
    }

    /// The defaults, with every file present in `dir` replacing the embedded one. A `.toml`
    /// file in `dir` that names no rule file, a file that cannot be read, and a mistake in
    /// a file are errors (never skipped silently).
    pub fn with_dir(dir: &Path) -> Result<Rules, RulesError> {
        let entries = std::fs::read_dir(dir).map_err(|e| RulesError::Invalid {
            file: dir.display().to_string(),
            line: None,
            column: None,
            source_line: None,
            detail: e.to_string(),
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if p.extension().is_some_and(|e| e == "toml") && !FILES.contains(&name.as_str()) {
                return Err(RulesError::UnknownFile {
                    file: p.display().to_string(),
                    expected: FILES.join(", "),
                });
            }
        }
        Self::from_texts(&|name| {
            let p = dir.join(name);
            if !p.exists() {
                return Ok((format!("rules/{name}"), Self::embedded_text(name)));
            }
            let label = p.display().to_string();
            match std::fs::read_to_string(&p) {
                Ok(s) => Ok((label, s)),
                Err(e) => Err(RulesError::Invalid {
                    file: label,
                    line: None,
                    column: None,
                    source_line: None,
                    detail: e.to_string(),
                }),
            }
        })
    }

    fn embedded_text(name: &str) -> String {
        match name {
            "vocabulary.toml" => VOCABULARY,
            "relations.toml" => RELATIONS,
            "indicators.toml" => INDICATORS,
            "scales.toml" => SCALES,
            "checks.toml" => CHECKS,
            "messages.toml" => MESSAGES,
            "identity.toml" => IDENTITY,
            "claims.toml" => CLAIMS,
            _ => "",
        }
        .to_string()
    }

    fn from_texts(get: &dyn Fn(&str) -> Result<Labelled, RulesError>) -> Result<Rules, RulesError> {
        let files: HashMap<&str, (String, String)> = FILES
            .iter()
            .map(|n| get(n).map(|x| (*n, x)))
            .collect::<Result<_, _>>()?;
        // Every name of FILES is in `files`; one that were not would read as empty.
        let src = |n: &'static str| {
            files
                .get(n)
                .map_or(Src { file: n, text: "" }, |(file, text)| Src { file, text })
        };
        let vocab_src = src("vocabulary.toml");
        let vocab: VocabularyFile = parse(&vocab_src)?;
        let mut roles = Vec::new();
        for r in vocab.role {
            roles.push(Role {
                patterns: checked_patterns(&vocab_src, &r.patterns)?,
                weak: checked_patterns(&vocab_src, &r.weak)?,
                name: r.name,
                kind: r.kind,
            });
        }
        let totals = regexes(&vocab_src, &vocab.totals.patterns)?;
        let levels = regexes(
            &vocab_src,
            &vocab.levels.map(|l| l.patterns).unwrap_or_default(),
        )?;
        let mut all_patterns = Vec::new();
        let mut role_of = Vec::new();
        let mut weak_pattern = Vec::new();
        for (i, r) in roles.iter().enumerate() {
            for (p, weak) in r
                .patterns
                .iter()
                .map(|p| (p, false))
                .chain(r.weak.iter().map(|p| (p, true)))
            {
                all_patterns.push(p.clone());
                role_of.push(i);
                weak_pattern.push(weak);
            }
        }
        let role_set = regex::RegexSet::new(&all_patterns)
            .map_err(|e| vocab_src.error(None, e.to_string()))?;
        let rel_src = src("relations.toml");
        let relations: RelationsFile = parse(&rel_src)?;
        for r in &relations.relation {
            for expr in std::iter::once(&r.expr).chain(r.lower_is_better.as_ref()) {
                crate::expr::Expr::parse(expr).map_err(|e| {
                    rel_src.error_at_value(expr, format!("{} = \"{expr}\": {e}", r.name))
                })?;
            }
        }
        let change = match &relations.change {
            Some(c) => ChangeRule {
                targets: c.targets.clone(),
                percent: regexes(&rel_src, &c.percent)?,
                increase: regexes(&rel_src, &c.increase)?,
                decrease: regexes(&rel_src, &c.decrease)?,
                versions: c.versions.clone(),
                earlier: regexes(&rel_src, &c.earlier)?,
                later: regexes(&rel_src, &c.later)?,
            },
            None => ChangeRule::default(),
        };
        let ind_src = src("indicators.toml");
        let ind: IndicatorsFile = parse(&ind_src)?;
        let scales_src = src("scales.toml");
        let scales: ScalesFile = parse(&scales_src)?;
        for s in &scales.scale {
            if !matches!(s.measure.as_str(), "capaian" | "nilai") {
                return Err(scales_src.error_at_value(
                    &s.measure,
                    format!(
                        "{}: measure \"{}\" is neither \"capaian\" nor \"nilai\"",
                        s.name, s.measure
                    ),
                ));
            }
            for (band, _) in &s.bands {
                if crate::scale::parse_band(band).is_none() {
                    return Err(scales_src.error_at_value(
                        band,
                        format!("{}: band \"{band}\" is not a range", s.name),
                    ));
                }
            }
        }
        let checks_src = src("checks.toml");
        let checks: CheckSettings = parse(&checks_src)?;
        for (code, level) in &checks.severity {
            if Severity::parse(level).is_none() {
                return Err(checks_src.error_at_value(
                    level,
                    format!(
                        "{code} = \"{level}\": the severity is \"error\", \"warning\" or \"info\""
                    ),
                ));
            }
        }
        let id_src = src("identity.toml");
        let idf: IdentityFile = parse(&id_src)?;
        let mut kinds = Vec::new();
        for k in idf.kind {
            kinds.push(DocKind {
                words: regexes(&id_src, &k.words)?,
                name: k.name,
                roles: k.roles,
                not_roles: k.not_roles,
                yearly: k.yearly,
            });
        }
        let drop = regexes(&id_src, &idf.names.drop)?;
        let identity = Identity {
            kinds,
            authority: idf.authority,
            links: idf.link,
            name_pattern: name_pattern(&drop),
            qualifiers: idf
                .names
                .qualifiers
                .iter()
                .map(|q| q.split_whitespace().map(str::to_string).collect())
                .collect(),
            abbreviations: idf.names.abbreviations.clone(),
            drop,
            drift: idf.drift,
            absorption: idf.absorption.indicators,
            units: {
                let uf = match idf.units {
                    Some(u) => u,
                    None => parse::<IdentityFile>(&Src {
                        file: "rules/identity.toml",
                        text: IDENTITY,
                    })?
                    .units
                    .unwrap_or_default(),
                };
                Units {
                    patterns: regexes(&id_src, &uf.patterns)?,
                    stop: uf.stop.iter().map(|w| w.to_lowercase()).collect(),
                    ignore: regexes(&id_src, &uf.ignore)?,
                }
            },
        };
        let messages: HashMap<String, HashMap<String, String>> = parse(&src("messages.toml"))?;
        let claims = claim_rules(&src("claims.toml"))?;
        Ok(Rules {
            claims,
            levels,
            roles,
            role_set,
            role_of,
            weak_pattern,
            totals,
            relations: relations.relation,
            change,
            lower_is_better: regexes(&ind_src, &ind.polarity.lower_is_better)?,
            aliases: ind.aliases,
            scales: scales.scale,
            checks,
            messages,
            identity,
            name_aliases: std::sync::OnceLock::new(),
            id: NEXT_RULES_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The role of a column whose normalised header text is `header`.
    pub fn match_role(&self, header: &str) -> Option<&Role> {
        self.match_role_weak(header).map(|(r, _)| r)
    }

    /// [`Rules::match_role`], and whether only the role's `weak` patterns (abbreviations,
    /// misspellings) name it.
    pub fn match_role_weak(&self, header: &str) -> Option<(&Role, bool)> {
        let (first, weak) = memo(&ROLES, self.id, header, || {
            // Most texts asked about name no role: one pass that stops early says so
            // before the pass that finds every pattern.
            if !self.role_set.is_match(header) {
                return None;
            }
            let hits: Vec<(usize, bool)> = self
                .role_set
                .matches(header)
                .iter()
                .map(|i| {
                    (
                        self.role_of.get(i).copied().unwrap_or(usize::MAX),
                        self.weak_pattern.get(i).copied().unwrap_or(false),
                    )
                })
                .collect();
            let first = hits.iter().map(|h| h.0).min()?;
            let weak = hits.iter().all(|&(r, w)| r != first || w);
            Some((first, weak))
        })?;
        self.roles.get(first).map(|r| (r, weak))
    }

    pub fn is_total_label(&self, label: &str) -> bool {
        memo(&TOTALS, self.id, label, || {
            let l = normalize(label);
            !l.is_empty() && self.totals.iter().any(|p| p.is_match(&l))
        })
    }

    pub fn is_lower_better(&self, indicator: &str) -> bool {
        memo(&LOWER_BETTER, self.id, indicator, || {
            let l = normalize(indicator);
            self.lower_is_better.iter().any(|p| p.is_match(&l))
        })
    }

    /// This rule set's key in per-thread memos.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The severity of a code: the override in checks.toml, else the rule's default.
    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.checks
            .severity
            .get(code)
            .and_then(|s| Severity::parse(s))
            .unwrap_or(default)
    }
}

/// Everything a name loses before it is compared, as one pattern: the unit's qualifiers,
/// leading numbering, units in parentheses, kode.
fn name_pattern(drop: &[Regex]) -> Option<Regex> {
    let mut parts: Vec<String> = drop.iter().map(|d| format!("(?:{})", d.as_str())).collect();
    parts.push(r"(?:^\s*(\d+(\.\d+)*\.?|[a-z]\.|[ivx]+\.|-)\s+)".into());
    parts.push(r"(?:\([^)]*\))".into());
    parts.push(r"(?:\b\d+(\.\d+){2,}\b)".into());
    Regex::new(&parts.join("|")).ok()
}

/// Lower case, punctuation other than `%`/`.`/`,`/`/`/`-` turned into spaces, spaces collapsed.
pub fn normalize(s: &str) -> String {
    // One pass, one allocation: this runs on every header and label cell. ASCII (nearly
    // every character of a workbook) skips the Unicode tables.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut put = |c: char, keep: bool| {
        if keep {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            let c = c.to_ascii_lowercase();
            put(c, c.is_ascii_alphanumeric() || KEPT_PUNCTUATION.contains(c));
        } else {
            for l in c.to_lowercase() {
                put(l, l.is_alphanumeric());
            }
        }
    }
    out
}

/// The punctuation [`normalize`] keeps.
const KEPT_PUNCTUATION: &str = "%.,/-()<>";

#[cfg(test)]
mod tests {
    use super::*;

    /// [`normalize`] as first written, without the ASCII path.
    fn normalize_reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pending_space = false;
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() || KEPT_PUNCTUATION.contains(c) {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            } else {
                pending_space = true;
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn normalize_ascii_path_changes_nothing(s in "\\PC*|[ -~İıẞÀ-ÿ]*") {
            proptest::prop_assert_eq!(normalize(&s), normalize_reference(&s));
        }
    }

    #[test]
    fn a_bad_header_pattern_is_reported_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let vocabulary = VOCABULARY.replacen(r"'^nomor$'", r"'^nomor($'", 1);
        assert_ne!(vocabulary, VOCABULARY);
        std::fs::write(dir.path().join("vocabulary.toml"), vocabulary).unwrap();
        let err = Rules::with_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("vocabulary.toml:20:"), "{err}");
        assert!(err.contains("^nomor($"), "{err}");
    }

    #[test]
    fn embedded_rules_load() {
        let r = Rules::embedded().unwrap();
        assert!(r.roles.len() > 20);
        assert!(r.messages.contains_key("id") && r.messages.contains_key("en"));
    }

    #[test]
    fn header_roles() {
        let r = Rules::embedded().unwrap();
        let role = |h: &str| r.match_role(&normalize(h)).map(|x| x.name.clone());
        assert_eq!(role("Tahun 2022 / Target").as_deref(), Some("target"));
        assert_eq!(role("Tahun 2022 / Rp").as_deref(), Some("rp"));
        assert_eq!(
            role("Kondisi Kinerja pada akhir periode / Target").as_deref(),
            Some("target_akhir")
        );
        assert_eq!(
            role("Kondisi Kinerja pada akhir periode / Rp").as_deref(),
            Some("rp_akhir")
        );
        assert_eq!(
            role("Pagu Indikatif (Rp.) / APBD 2024").as_deref(),
            Some("apbd")
        );
        assert_eq!(
            role("Pagu Indikatif (Rp.) / PAPBD 2024").as_deref(),
            Some("papbd")
        );
        assert_eq!(
            role("Pagu Indikatif (Rp.) / BERTAMBAH / BERKURANG").as_deref(),
            Some("selisih")
        );
        assert_eq!(role("Target / Sebelum").as_deref(), Some("sebelum"));
        assert_eq!(role("Kenaikan/Penurunan").as_deref(), Some("kenaikan"));
        assert_eq!(role("Kenaikan (%)").as_deref(), Some("kenaikan"));
        assert_eq!(role("Naik / Turun").as_deref(), Some("kenaikan"));
        assert_eq!(role("Perubahan (%)").as_deref(), Some("kenaikan"));
        assert_eq!(role("Target Perubahan").as_deref(), Some("target"));
        assert_eq!(role("Anggaran Perubahan").as_deref(), Some("anggaran"));
        assert_eq!(role("Perubahan / Target").as_deref(), Some("target"));
        assert_eq!(role("Pagu (Rp.)").as_deref(), Some("anggaran"));
        assert_eq!(role("Realisasi (Rp.)").as_deref(), Some("realisasi"));
        assert_eq!(role("% Capaian").as_deref(), Some("capaian"));
        assert_eq!(role("%").as_deref(), Some("capaian"));
        assert_eq!(role("TINGKAT CAPAIAN").as_deref(), Some("predikat"));
        assert_eq!(role("% PENYERAPAN ANGGARAN").as_deref(), Some("penyerapan"));
        assert_eq!(
            role("Data Capaian pada awal Perencanaan").as_deref(),
            Some("baseline")
        );
        assert_eq!(
            role("Realisasi Nasional").as_deref(),
            Some("realisasi_lain")
        );
        assert_eq!(
            role("Target Akhir RENSTRA (2026)").as_deref(),
            Some("target_akhir")
        );
        assert_eq!(role("Rentang Capaian").as_deref(), Some("range"));
        assert_eq!(role("Laki-Laki").as_deref(), Some("laki"));
        assert!(r.is_total_label("JUMLAH"));
        assert!(r.is_total_label("Jumlah Seluruh Anggaran"));
        assert!(!r.is_total_label("Jumlah Dokumen Perencanaan"));
    }
}
