//! `sakip-lint.toml`: a project's settings, found beside the workbooks.
//!
//! The file closest to the first input (its folder, then each parent folder) is used,
//! alone (files are not merged); `--config FILE` names one, `--isolated` uses none.
//! Command-line flags win over the file. Keys (every one optional):
//!
//! ```toml
//! select = ["SL1", "SL2"]           # codes, family prefixes or rule names
//! extend-select = ["SL7"]           # added to the selection (this file's or --select's)
//! ignore = ["SL503", "number-as-text"]
//! lang = "en"                       # "id" or "en"
//! rules = "aturan"                  # a rules folder, relative to this file
//! baseline = "temuan-lama.json"     # a baseline, relative to this file
//! year = 2024                       # the report's year when no title states it
//! max-cells = 4000000               # the reading limits (rules/checks.toml): cells per
//! max-file-mb = 200                  # sheet, MB on disk, MB once decompressed, seconds
//! max-inflated-mb = 1024             # to read one file
//! max-seconds = 120
//!
//! [severity]
//! SL206 = "warning"                 # a code, a prefix ("SL3") or a name
//! ```
//!
//! A key the file does not know, a value of the wrong type, an unknown rule or severity:
//! an error naming the file, the line and what is wrong.

use crate::catalog::Lang;
use crate::finding::{Message, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "sakip-lint.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    lang: Option<Spanned<String>>,
    rules: Option<String>,
    baseline: Option<String>,
    year: Option<Spanned<i64>>,
    max_cells: Option<Spanned<i64>>,
    max_file_mb: Option<Spanned<i64>>,
    max_inflated_mb: Option<Spanned<i64>>,
    max_seconds: Option<Spanned<i64>>,
}

/// A configuration file, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file read (None: no configuration).
    pub path: Option<PathBuf>,
    /// Code prefixes (rule names already turned into codes).
    pub select: Option<Vec<String>>,
    /// Added to the selection (`select`, or `--select` when given).
    pub extend_select: Vec<String>,
    pub ignore: Option<Vec<String>>,
    /// Severity per code, prefixes expanded (a code's own entry wins over its family's).
    pub severity: BTreeMap<String, Severity>,
    pub lang: Option<Lang>,
    /// Resolved against the file's folder.
    pub rules: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub year: Option<i32>,
    pub max_cells: Option<u64>,
    pub max_file_mb: Option<u64>,
    pub max_inflated_mb: Option<u64>,
    pub max_seconds: Option<u64>,
}

/// A configuration file that cannot be used: where, and a catalogue message saying what.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The text of that line.
    pub source_line: Option<String>,
    pub message: Message,
}

/// The configuration file for `inputs`: the first input's folder (the input itself when
/// it is a folder), then its parents; the closest file wins.
pub fn discover(inputs: &[PathBuf]) -> Option<PathBuf> {
    let first = inputs.first()?;
    let abs = std::path::absolute(first).ok()?;
    let start = if abs.is_dir() {
        abs
    } else {
        abs.parent()?.to_path_buf()
    };
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Read and check a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        source_line: None,
        message: Message::new("config.unreadable").text("detail", e.to_string()),
    })?;
    parse(path, &text)
}

/// Check the text of a configuration file read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let err = |offset: Option<usize>, message: Message| {
        let lc = offset.map(|o| crate::rules::line_col(text, o));
        ConfigError {
            path: path.to_path_buf(),
            line: lc.map(|x| x.0),
            column: lc.map(|x| x.1),
            source_line: lc.and_then(|(l, _)| crate::rules::line_text(text, l)),
            message,
        }
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        err(
            e.span().map(|s| s.start),
            Message::new("config.invalid").text("detail", e.message().trim().replace('\n', " ")),
        )
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let codes = |items: Option<Vec<Spanned<String>>>| -> Result<Option<Vec<String>>, ConfigError> {
        items
            .map(|v| {
                v.into_iter()
                    .map(|s| {
                        crate::checks::selector(s.get_ref()).ok_or_else(|| {
                            err(
                                Some(s.span().start),
                                Message::new("config.unknown_rule").text("code", s.get_ref()),
                            )
                        })
                    })
                    .collect()
            })
            .transpose()
    };
    let mut cfg = Config {
        path: Some(path.to_path_buf()),
        select: codes(raw.select)?,
        extend_select: codes(raw.extend_select)?.unwrap_or_default(),
        ignore: codes(raw.ignore)?,
        rules: raw.rules.map(|r| dir.join(r)),
        baseline: raw.baseline.map(|b| dir.join(b)),
        ..Config::default()
    };
    if let Some(l) = raw.lang {
        cfg.lang = Some(match l.get_ref().trim().to_ascii_lowercase().as_str() {
            "id" => Lang::Id,
            "en" => Lang::En,
            other => {
                return Err(err(
                    Some(l.span().start),
                    Message::new("config.bad_lang").text("value", other),
                ));
            }
        });
    }
    if let Some(y) = raw.year {
        let v = *y.get_ref();
        if !(1900..=2100).contains(&v) {
            return Err(err(
                Some(y.span().start),
                Message::new("config.bad_year").text("value", v.to_string()),
            ));
        }
        cfg.year = Some(v as i32);
    }
    // The reading limits: whole numbers above 0.
    for (key, raw_value, slot) in [
        ("max-cells", raw.max_cells, &mut cfg.max_cells),
        ("max-file-mb", raw.max_file_mb, &mut cfg.max_file_mb),
        (
            "max-inflated-mb",
            raw.max_inflated_mb,
            &mut cfg.max_inflated_mb,
        ),
        ("max-seconds", raw.max_seconds, &mut cfg.max_seconds),
    ] {
        if let Some(m) = raw_value {
            let v = *m.get_ref();
            let Ok(positive) = u64::try_from(v) else {
                return Err(err(
                    Some(m.span().start),
                    Message::new("config.bad_limit")
                        .text("key", key)
                        .text("value", v.to_string()),
                ));
            };
            if positive == 0 {
                return Err(err(
                    Some(m.span().start),
                    Message::new("config.bad_limit")
                        .text("key", key)
                        .text("value", v.to_string()),
                ));
            }
            *slot = Some(positive);
        }
    }
    // Prefixes first, then longer ones: a code's own entry wins over its family's.
    let mut entries: Vec<(String, Severity)> = Vec::new();
    for (k, v) in &raw.severity {
        let code = crate::checks::selector(k.get_ref()).ok_or_else(|| {
            err(
                Some(k.span().start),
                Message::new("config.unknown_rule").text("code", k.get_ref()),
            )
        })?;
        let level = Severity::parse(v.get_ref()).ok_or_else(|| {
            err(
                Some(v.span().start),
                Message::new("config.bad_severity").text("value", v.get_ref()),
            )
        })?;
        entries.push((code, level));
    }
    entries.sort_by_key(|(c, _)| c.len());
    for (prefix, level) in entries {
        for r in crate::checks::all_rules() {
            if r.code.starts_with(prefix.as_str()) {
                cfg.severity.insert(r.code.to_string(), level);
            }
        }
    }
    Ok(cfg)
}

/// The rules a run selects (empty: every rule), as ruff resolves them: `--select` replaces
/// the file's `select`, and each `extend-select` adds to the selection before it — the
/// file's to the file's `select`, `--extend-select` to whichever is in force. Added codes
/// matter only when something is selected: with no selection every rule runs already.
pub fn selection(cfg: &Config, flag_select: &[String], flag_extend: &[String]) -> Vec<String> {
    let mut select = if flag_select.is_empty() {
        match &cfg.select {
            Some(s) if !s.is_empty() => {
                let mut s = s.clone();
                s.extend(cfg.extend_select.iter().cloned());
                s
            }
            _ => Vec::new(),
        }
    } else {
        flag_select.to_vec()
    };
    if !select.is_empty() {
        select.extend(flag_extend.iter().cloned());
    }
    select.dedup();
    select
}

/// The language the locale asks for: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is
/// set and not empty decides — `id…` Indonesian, `C`/`POSIX` no preference, anything else
/// English. `get` reads a variable (`std::env::var` in the program).
pub fn locale_lang(get: &dyn Fn(&str) -> Option<String>) -> Option<Lang> {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| get(v))
        .find(|v| !v.trim().is_empty())?;
    let v = value.trim().to_ascii_lowercase();
    if v.starts_with("id") {
        Some(Lang::Id)
    } else if v == "c" || v == "posix" || v.starts_with("c.") {
        None
    } else {
        Some(Lang::En)
    }
}

/// The language of a run: the flag, else the configuration, else the locale, else
/// Indonesian (the users are Indonesian civil servants).
pub fn resolve_lang(flag: Option<Lang>, config: Option<Lang>, locale: Option<Lang>) -> Lang {
    flag.or(config).or(locale).unwrap_or(Lang::Id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/proj/sakip-lint.toml"), text)
    }

    #[test]
    fn every_key_is_read() {
        let c = parse_str(
            "select = [\"SL1\", \"capaian-mismatch\"]\nignore = [\"sl503\"]\nlang = \"en\"\n\
             rules = \"aturan\"\nbaseline = \"b.json\"\nyear = 2024\nmax-cells = 1000\n\
             [severity]\nSL3 = \"info\"\nSL301 = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(c.select, Some(vec!["SL1".into(), "SL201".into()]));
        assert_eq!(c.ignore, Some(vec!["SL503".into()]));
        assert_eq!(c.lang, Some(Lang::En));
        assert_eq!(c.rules, Some(PathBuf::from("/proj/aturan")));
        assert_eq!(c.baseline, Some(PathBuf::from("/proj/b.json")));
        assert_eq!((c.year, c.max_cells), (Some(2024), Some(1000)));
        assert_eq!(c.severity["SL301"], Severity::Warning);
        assert_eq!(c.severity["SL302"], Severity::Info);
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            ("lang = \"id\"\nselct = [\"SL1\"]\n", 2, "config.invalid"),
            ("select = \"SL1\"\n", 1, "config.invalid"),
            ("\n\nignore = [\"SL999\"]\n", 3, "config.unknown_rule"),
            ("lang = \"fr\"\n", 1, "config.bad_lang"),
            ("[severity]\nSL101 = \"fatal\"\n", 2, "config.bad_severity"),
            ("[severity]\n\nnope = \"error\"\n", 3, "config.unknown_rule"),
            ("year = 24000\n", 1, "config.bad_year"),
            ("year = \"2024\"\n", 1, "config.invalid"),
        ];
        for (text, line, id) in cases {
            let e = parse_str(text).unwrap_err();
            assert_eq!((e.line, e.message.id), (Some(line), id), "{text}");
            assert!(e.source_line.is_some());
        }
    }

    #[test]
    fn language_from_flag_config_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            locale_lang(&env(&[("LANG", "id_ID.UTF-8")])),
            Some(Lang::Id)
        );
        assert_eq!(
            locale_lang(&env(&[("LANG", "en_US.UTF-8")])),
            Some(Lang::En)
        );
        assert_eq!(
            locale_lang(&env(&[("LANG", "id_ID.UTF-8"), ("LC_ALL", "en_GB.UTF-8")])),
            Some(Lang::En)
        );
        assert_eq!(locale_lang(&env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(locale_lang(&env(&[("LC_ALL", ""), ("LANG", "")])), None);
        assert_eq!(resolve_lang(None, None, None), Lang::Id);
        assert_eq!(resolve_lang(None, Some(Lang::En), Some(Lang::Id)), Lang::En);
        assert_eq!(resolve_lang(Some(Lang::Id), Some(Lang::En), None), Lang::Id);
    }
}
