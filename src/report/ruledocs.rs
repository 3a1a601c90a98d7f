//! The rule registry as text: `sakip-lint rules` (one line per rule), `sakip-lint explain`
//! (a rule's whole documentation) and docs/rules.md (the reference, both languages). The
//! words come from the catalogue; the rules from [`crate::checks::all_rules`].

use crate::catalog::Catalog;
use crate::checks::{RuleDoc, SECTIONS, all_rules};
use std::fmt::Write;

/// `sakip-lint rules`: code, name, default severity and title, one rule a line.
pub fn list(cat: &Catalog) -> String {
    let rules = all_rules();
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6} {:<width$} {:<8} {}",
        cat.template("rules.col.code"),
        cat.template("rules.col.name"),
        cat.template("rules.col.severity"),
        cat.template("rules.col.title"),
    );
    for r in rules {
        let _ = writeln!(
            out,
            "{:<6} {:<width$} {:<8} {}",
            r.code,
            r.name,
            r.severity.as_str(),
            cat.template(r.title)
        );
    }
    out
}

/// One rule for `serve`'s `GET /api/rules`: its code, name, default severity, title, and
/// its explanation (the `explain` section) and whole documentation in the run's language.
#[derive(Debug, serde::Serialize)]
pub struct Entry {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub title: String,
    pub explain: String,
    pub doc: String,
}

/// Every rule as [`Entry`], in code order.
pub fn entries(cat: &Catalog) -> Vec<Entry> {
    all_rules()
        .into_iter()
        .map(|r| Entry {
            code: r.code,
            name: r.name,
            severity: r.severity.as_str(),
            title: cat.template(r.title),
            explain: cat.template(&r.section_id("explain")),
            doc: explain(r, cat),
        })
        .collect()
}

/// `sakip-lint explain CODE`: the title, the family and default severity, then every
/// section (what it checks, why it matters, an example, how to fix).
pub fn explain(r: &RuleDoc, cat: &Catalog) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {} — {}", r.code, r.name, cat.template(r.title));
    let _ = writeln!(
        out,
        "{}: {} · {}: {}",
        cat.template("rules.family"),
        r.family,
        cat.template("rules.severity"),
        r.severity.as_str()
    );
    for s in SECTIONS {
        let _ = writeln!(out, "\n{}", cat.template(&format!("rules.section.{s}")));
        for line in cat.template(&r.section_id(s)).lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// docs/rules.md: an index, then every rule's documentation in each catalogue given (the
/// first one's words head the page).
pub fn markdown(cats: &[&Catalog]) -> String {
    let Some(first) = cats.first() else {
        return String::new();
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", first.template("rules.md.title"));
    for c in cats {
        let _ = writeln!(out, "{}\n", c.template("rules.md.intro"));
    }
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        first.template("rules.col.code"),
        first.template("rules.col.name"),
        first.template("rules.col.severity"),
        first.template("rules.col.title"),
    );
    for r in all_rules() {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} |",
            r.code,
            r.code.to_ascii_lowercase(),
            r.name,
            r.severity.as_str(),
            first.template(r.title).replace('|', "\\|")
        );
    }
    for r in all_rules() {
        let _ = writeln!(out, "\n## {}\n", r.code);
        let _ = writeln!(
            out,
            "`{}` · {}: {} · {}: {}",
            r.name,
            first.template("rules.family"),
            r.family,
            first.template("rules.severity"),
            r.severity.as_str()
        );
        for c in cats {
            let _ = writeln!(
                out,
                "\n### {} ({})\n",
                c.template(r.title),
                c.template("rules.md.language")
            );
            for s in SECTIONS {
                let text = c.template(&r.section_id(s)).replace('\n', " ");
                let _ = writeln!(
                    out,
                    "- **{}:** {text}",
                    c.template(&format!("rules.section.{s}"))
                );
            }
        }
    }
    out
}
