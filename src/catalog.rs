//! The message catalogue: every user-facing text, in Bahasa Indonesia and English,
//! from rules/messages.toml. Templates name their arguments in braces: "{row}".

use crate::figure::format_number;
use crate::finding::{Arg, Message};
use crate::rules::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

pub struct Catalog<'a> {
    rules: &'a Rules,
    pub lang: Lang,
}

impl<'a> Catalog<'a> {
    pub fn new(rules: &'a Rules, lang: Lang) -> Self {
        Catalog { rules, lang }
    }

    /// The template for an id, falling back to Indonesian, then to the id itself.
    pub fn template(&self, id: &str) -> String {
        let get = |l: &str| self.rules.messages.get(l).and_then(|m| m.get(id)).cloned();
        get(self.lang.code())
            .or_else(|| get("id"))
            .unwrap_or_else(|| id.to_string())
    }

    /// The template for an id in this language, if the catalogue has it.
    pub fn get(&self, id: &str) -> Option<String> {
        self.rules
            .messages
            .get(self.lang.code())
            .and_then(|m| m.get(id))
            .cloned()
    }

    /// The ids of this language's templates that start with `prefix`, sorted (the
    /// Indonesian ones when this language has none).
    pub fn ids_with_prefix(&self, prefix: &str) -> Option<Vec<String>> {
        let messages = self
            .rules
            .messages
            .get(self.lang.code())
            .or_else(|| self.rules.messages.get("id"))?;
        let mut ids: Vec<String> = messages
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        ids.sort();
        Some(ids)
    }

    pub fn render(&self, m: &Message) -> String {
        let template = self.template(m.id);
        if m.args.is_empty() {
            return template;
        }
        // One pass over the template: "{name}" becomes the argument of that name; braces
        // around anything else stay as written.
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            let (before, from_brace) = rest.split_at(open);
            out.push_str(before);
            let arg = from_brace.find('}').and_then(|close| {
                let name = from_brace.get(1..close)?;
                let (_, a) = m.args.iter().find(|(n, _)| *n == name)?;
                Some((a, close))
            });
            match arg {
                Some((a, close)) => {
                    out.push_str(&self.arg(a));
                    rest = from_brace.get(close + 1..).unwrap_or_default();
                }
                None => {
                    out.push('{');
                    rest = from_brace.get(1..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }

    pub fn arg(&self, a: &Arg) -> String {
        match a {
            Arg::Text(s) => s.clone(),
            Arg::Num { value, decimals } => self.num(*value, *decimals),
            Arg::Sum(items) => items
                .iter()
                .map(|(v, d)| self.num(*v, *d))
                .collect::<Vec<_>>()
                .join(" + "),
            Arg::Msg(m) => self.render(m),
            Arg::Formula(parts) => parts.iter().map(|p| self.arg(p)).collect::<String>(),
        }
    }

    pub fn num(&self, value: rust_decimal::Decimal, decimals: u32) -> String {
        if value == rust_decimal::Decimal::MAX {
            return "∞".into();
        }
        if value == rust_decimal::Decimal::MIN {
            return "-∞".into();
        }
        format_number(value, decimals, self.lang.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn every_id_used_in_code_is_in_both_languages() {
        let rules = Rules::embedded().unwrap();
        let mut ids = Vec::new();
        let re = regex::Regex::new(r#"Message::new\("([a-z_.A-Z0-9]+)"\)|"((?:rule|rules|read|figure\.malformed|identity|hint|measure|kind|level|summary|batch|annotate|cli|config|baseline|stats|serve)\.[a-zA-Z0-9_.-]+)""#).unwrap();
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .unwrap()
            .chain(std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/checks")).unwrap())
            .chain(std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/report")).unwrap())
            .chain(std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/serve")).unwrap())
        {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for c in re.captures_iter(&text) {
                    let id = c.get(1).or(c.get(2)).unwrap().as_str();
                    // File names and prefixes ("serve.page.") are no message ids.
                    if ![".toml", ".xlsx", ".csv", ".json", "."]
                        .iter()
                        .any(|x| id.ends_with(x))
                    {
                        ids.push(id.to_string());
                    }
                }
            }
        }
        for r in crate::checks::all_rules() {
            ids.push(r.title.into());
            ids.push(r.explain.into());
        }
        ids.sort();
        ids.dedup();
        assert!(ids.len() > 30);
        for lang in ["id", "en"] {
            let missing: Vec<_> = ids
                .iter()
                .filter(|id| !rules.messages[lang].contains_key(id.as_str()))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        let rules = Rules::embedded().unwrap();
        let m = Message::new("note.value").num("value", Decimal::new(254300900000, 2), 2);
        assert!(
            Catalog::new(&rules, Lang::Id)
                .render(&m)
                .contains("2.543.009.000,00")
        );
        assert!(
            Catalog::new(&rules, Lang::En)
                .render(&m)
                .contains("2,543,009,000.00")
        );
    }
}
