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

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{file}: {detail}")]
    Invalid { file: String, detail: String },
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
    pub patterns: Vec<Regex>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RelationRule {
    pub code: String,
    pub name: String,
    pub target: String,
    pub expr: String,
    #[serde(default)]
    pub lower_is_better: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScaleRule {
    pub name: String,
    pub measure: String,
    pub bands: Vec<(String, String)>,
}

#[derive(Debug, Clone, Deserialize, Default)]
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
}

fn default_max_cells() -> u64 {
    4_000_000
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
    pub totals: Vec<Regex>,
    pub relations: Vec<RelationRule>,
    pub lower_is_better: Vec<Regex>,
    pub aliases: HashMap<String, Vec<String>>,
    pub scales: Vec<ScaleRule>,
    pub checks: CheckSettings,
    /// messages[lang][id] = template
    pub messages: HashMap<String, HashMap<String, String>>,
    pub identity: Identity,
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
    map: HashMap<String, V>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            rules: 0,
            map: HashMap::new(),
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
    static ROLES: std::cell::RefCell<Memo<Option<usize>>> = Default::default();
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
/// ("KECAMATAN SUKAMAJU", "Dinas Kesehatan"); see `lint::unit_in_text`.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub patterns: Vec<Regex>,
    /// A name ends before the first of these words after its first word.
    pub stop: Vec<String>,
    /// Rows matching one of these are not titles (source notes).
    pub ignore: Vec<Regex>,
}

#[derive(Debug, Clone, Deserialize, Default)]
struct UnitsFile {
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    stop: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Drift {
    pub plans: Vec<String>,
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
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
pub struct Link {
    pub measure: String,
    pub between: Vec<String>,
    pub severity: String,
}

#[derive(Deserialize)]
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
struct NamesFile {
    drop: Vec<String>,
    #[serde(default)]
    qualifiers: Vec<String>,
    #[serde(default)]
    abbreviations: HashMap<String, String>,
}

#[derive(Deserialize)]
struct VocabularyFile {
    role: Vec<RoleFile>,
    totals: TotalsFile,
    #[serde(default)]
    levels: Option<TotalsFile>,
}
#[derive(Deserialize)]
struct RoleFile {
    name: String,
    kind: Kind,
    patterns: Vec<String>,
}
#[derive(Deserialize)]
struct TotalsFile {
    patterns: Vec<String>,
}
#[derive(Deserialize)]
struct RelationsFile {
    relation: Vec<RelationRule>,
}
#[derive(Deserialize)]
struct IndicatorsFile {
    polarity: PolarityFile,
    #[serde(default)]
    aliases: HashMap<String, Vec<String>>,
}
#[derive(Deserialize)]
struct PolarityFile {
    lower_is_better: Vec<String>,
}
#[derive(Deserialize)]
struct ScalesFile {
    scale: Vec<ScaleRule>,
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, RulesError> {
    toml::from_str(text).map_err(|e| RulesError::Invalid {
        file: file.into(),
        detail: e.to_string(),
    })
}

fn regexes(file: &str, pats: &[String]) -> Result<Vec<Regex>, RulesError> {
    pats.iter()
        .map(|p| {
            Regex::new(p).map_err(|e| RulesError::Invalid {
                file: file.into(),
                detail: e.to_string(),
            })
        })
        .collect()
}

impl Rules {
    /// The embedded defaults.
    pub fn embedded() -> Result<Rules, RulesError> {
        Self::from_texts(&|name| match name {
            "vocabulary.toml" => Some(VOCABULARY.to_string()),
            "relations.toml" => Some(RELATIONS.to_string()),
            "indicators.toml" => Some(INDICATORS.to_string()),
            "scales.toml" => Some(SCALES.to_string()),
            "checks.toml" => Some(CHECKS.to_string()),
            "messages.toml" => Some(MESSAGES.to_string()),
            "identity.toml" => Some(IDENTITY.to_string()),
            _ => None,
        })
    }

    /// The defaults, with every file present in `dir` replacing the embedded one.
    pub fn with_dir(dir: &Path) -> Result<Rules, RulesError> {
        let embedded = Self::embedded_text;
        Self::from_texts(&|name| {
            let p = dir.join(name);
            match std::fs::read_to_string(&p) {
                Ok(s) => Some(s),
                Err(_) => embedded(name),
            }
        })
    }

    fn embedded_text(name: &str) -> Option<String> {
        match name {
            "vocabulary.toml" => Some(VOCABULARY.into()),
            "relations.toml" => Some(RELATIONS.into()),
            "indicators.toml" => Some(INDICATORS.into()),
            "scales.toml" => Some(SCALES.into()),
            "checks.toml" => Some(CHECKS.into()),
            "messages.toml" => Some(MESSAGES.into()),
            "identity.toml" => Some(IDENTITY.into()),
            _ => None,
        }
    }

    fn from_texts(get: &dyn Fn(&str) -> Option<String>) -> Result<Rules, RulesError> {
        let text = |n: &str| get(n).unwrap_or_default();
        let vocab: VocabularyFile = parse("vocabulary.toml", &text("vocabulary.toml"))?;
        let mut roles = Vec::new();
        for r in vocab.role {
            roles.push(Role {
                patterns: regexes("vocabulary.toml", &r.patterns)?,
                name: r.name,
                kind: r.kind,
            });
        }
        let totals = regexes("vocabulary.toml", &vocab.totals.patterns)?;
        let levels = regexes(
            "vocabulary.toml",
            &vocab.levels.map(|l| l.patterns).unwrap_or_default(),
        )?;
        let mut all_patterns = Vec::new();
        let mut role_of = Vec::new();
        for (i, r) in roles.iter().enumerate() {
            for p in &r.patterns {
                all_patterns.push(p.as_str().to_string());
                role_of.push(i);
            }
        }
        let role_set = regex::RegexSet::new(&all_patterns).map_err(|e| RulesError::Invalid {
            file: "vocabulary.toml".into(),
            detail: e.to_string(),
        })?;
        let relations: RelationsFile = parse("relations.toml", &text("relations.toml"))?;
        for r in &relations.relation {
            crate::expr::Expr::parse(&r.expr).map_err(|e| RulesError::Invalid {
                file: "relations.toml".into(),
                detail: format!("{}: {e}", r.name),
            })?;
        }
        let ind: IndicatorsFile = parse("indicators.toml", &text("indicators.toml"))?;
        let scales: ScalesFile = parse("scales.toml", &text("scales.toml"))?;
        let checks: CheckSettings = parse("checks.toml", &text("checks.toml"))?;
        let idf: IdentityFile = parse("identity.toml", &text("identity.toml"))?;
        let mut kinds = Vec::new();
        for k in idf.kind {
            kinds.push(DocKind {
                words: regexes("identity.toml", &k.words)?,
                name: k.name,
                roles: k.roles,
                not_roles: k.not_roles,
                yearly: k.yearly,
            });
        }
        let identity = Identity {
            kinds,
            authority: idf.authority,
            links: idf.link,
            name_pattern: name_pattern(&regexes("identity.toml", &idf.names.drop)?),
            qualifiers: idf
                .names
                .qualifiers
                .iter()
                .map(|q| q.split_whitespace().map(str::to_string).collect())
                .collect(),
            abbreviations: idf.names.abbreviations.clone(),
            drop: regexes("identity.toml", &idf.names.drop)?,
            drift: idf.drift,
            absorption: idf.absorption.indicators,
            units: {
                let uf = match idf.units {
                    Some(u) => u,
                    None => parse::<IdentityFile>("identity.toml", IDENTITY)?
                        .units
                        .unwrap_or_default(),
                };
                Units {
                    patterns: regexes("identity.toml", &uf.patterns)?,
                    stop: uf.stop.iter().map(|w| w.to_lowercase()).collect(),
                    ignore: regexes("identity.toml", &uf.ignore)?,
                }
            },
        };
        let messages: HashMap<String, HashMap<String, String>> =
            parse("messages.toml", &text("messages.toml"))?;
        Ok(Rules {
            levels,
            roles,
            role_set,
            role_of,
            totals,
            relations: relations.relation,
            lower_is_better: regexes("indicators.toml", &ind.polarity.lower_is_better)?,
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
        let first = memo(&ROLES, self.id, header, || {
            self.role_set
                .matches(header)
                .iter()
                .map(|i| self.role_of.get(i).copied().unwrap_or(usize::MAX))
                .min()
        })?;
        self.roles.get(first)
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
    // One pass, one allocation: this runs on every header and label cell.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || "%.,/-()<>".contains(c) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
