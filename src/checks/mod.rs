//! Checks: one module per family. A check reads tables and grids and pushes findings;
//! it never formats text (the catalogue does).

pub mod claims;
pub mod figures;
pub mod footing;
pub mod identity;
pub mod predikat;
pub mod relations;
pub mod structure;

use crate::doc::Doc;
use crate::finding::{Arg, Finding, Location, Message, Related, Severity};
use crate::grid::{Grid, Pos};
use crate::rules::Rules;
use crate::table::Table;

/// What every check sees: the submission's workbooks and the rules.
pub struct Context<'a> {
    pub docs: &'a [Doc],
    pub rules: &'a Rules,
    /// What several families use, worked out once per submission on first use.
    gathered: std::cell::OnceCell<crate::facts::Gathered>,
    stated_scales: std::cell::OnceCell<Vec<predikat::FoundScale>>,
}

impl<'a> Context<'a> {
    pub fn new(docs: &'a [Doc], rules: &'a Rules) -> Self {
        Context {
            docs,
            rules,
            gathered: std::cell::OnceCell::new(),
            stated_scales: std::cell::OnceCell::new(),
        }
    }

    /// The submission's facts (tables and sentences) and the report's claims.
    pub fn gathered(&self) -> &crate::facts::Gathered {
        self.gathered
            .get_or_init(|| crate::facts::gather(self.docs, self.rules))
    }

    /// Every scale a sheet of the submission states.
    pub fn stated_scales(&self) -> &[predikat::FoundScale] {
        self.stated_scales.get_or_init(|| {
            let mut stated = Vec::new();
            for (di, doc) in self.docs.iter().enumerate() {
                for (si, grid) in doc.sheets.iter().enumerate() {
                    stated.extend(predikat::scales_in_sheet(grid, di, si));
                }
            }
            stated
        })
    }
}

/// A rule's documentation: `sakip-lint rules` and `sakip-lint explain CODE` print it, and
/// docs/rules.md is generated from it. The texts are in the catalogue (rules/messages.toml)
/// under `rule.<CODE>.<section>`, one per [`SECTIONS`] entry, in both languages.
pub struct RuleDoc {
    pub code: &'static str,
    /// A stable kebab-case name (`total-row-mismatch`); `explain`, `--select`, `--ignore`
    /// and the configuration accept it wherever they accept the code.
    pub name: &'static str,
    pub family: &'static str,
    pub severity: Severity,
    /// Catalogue ids of the title and the explanation ("what it checks, why, example").
    pub title: &'static str,
    pub explain: &'static str,
}

/// Every rule, in code order.
pub fn all_rules() -> Vec<&'static RuleDoc> {
    let mut v: Vec<&'static RuleDoc> = Vec::new();
    v.extend(footing::RULES.iter());
    v.extend(relations::RULES.iter());
    v.extend(identity::RULES.iter());
    v.extend(predikat::RULES.iter());
    v.extend(structure::RULES.iter());
    v.extend(figures::RULES.iter());
    v.extend(claims::RULES.iter());
    v.sort_by_key(|r| r.code);
    v
}

/// The sections of a rule's documentation, in the order they are shown: what it checks
/// (the catalogue id in [`RuleDoc::explain`]), why it matters, an example from a real
/// report, how to fix it.
pub const SECTIONS: [&str; 4] = ["explain", "why", "example", "fix"];

impl RuleDoc {
    /// The catalogue id of one of [`SECTIONS`].
    pub fn section_id(&self, section: &str) -> String {
        if section == "explain" {
            self.explain.to_string()
        } else {
            format!("rule.{}.{section}", self.code)
        }
    }
}

/// A rule by its code (`SL101`, any case) or its name (`total-row-mismatch`).
pub fn rule(code_or_name: &str) -> Option<&'static RuleDoc> {
    let key = code_or_name.trim();
    all_rules()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// A `--select`/`--ignore` item as a code prefix: a rule name becomes its code; a code or
/// a family prefix (`SL2`) is upper-cased. `None` when it names no rule.
pub fn selector(item: &str) -> Option<String> {
    if let Some(r) = all_rules()
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(item.trim()))
    {
        return Some(r.code.to_string());
    }
    let code = item.trim().to_ascii_uppercase();
    (!code.is_empty()
        && all_rules()
            .iter()
            .any(|r| r.code.starts_with(code.as_str())))
    .then_some(code)
}

/// Run every check family over a submission.
pub fn run_all(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    figures::check(ctx, &mut out);
    footing::check(ctx, &mut out);
    relations::check(ctx, &mut out);
    predikat::check(ctx, &mut out);
    structure::check(ctx, &mut out);
    identity::check(ctx, &mut out);
    claims::check(ctx, &mut out);
    note_assumptions(ctx, &mut out);
    out
}

/// What a finding rests on that the workbook did not state, said on the finding (JSON
/// `assumed`): its cells on both sides of a page break its table was read across, its
/// cells on a later page of a PDF table joined from several pages, a row
/// read shifted from its headers, a column named by an abbreviated or misspelt header.
/// The last two make it no more than a warning.
fn note_assumptions(ctx: &Context, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        let Some(doc) = ctx.docs.iter().find(|d| d.file == f.at.file) else {
            continue;
        };
        let Some(sheet) = doc.sheets.iter().position(|g| g.name == f.at.sheet) else {
            continue;
        };
        // The table the finding stands in, and its cells in that table.
        let inside = |t: &&Table, p: Pos| {
            let last = t.rows.last().map_or(t.header_bottom, |r| r.row);
            let (first_col, last_col) = (
                t.columns.first().map_or(0, |c| c.col),
                t.columns.last().map_or(0, |c| c.col),
            );
            // A row read shifted reaches one column past the last header.
            t.sheet == sheet
                && (t.header_top..=last).contains(&p.row)
                && (first_col..=last_col.saturating_add(1)).contains(&p.col)
        };
        let Some(table) = doc.tables.iter().find(|t| inside(t, f.at.cell)) else {
            continue;
        };
        let rows = std::iter::once(f.at.cell.row).chain(
            f.related
                .iter()
                .filter(|r| r.at.file == f.at.file && r.at.sheet == f.at.sheet)
                .filter(|r| inside(&table, r.at.cell))
                .map(|r| r.at.cell.row),
        );
        let (lo, hi) = rows.fold((u32::MAX, 0), |(lo, hi), r| (lo.min(r), hi.max(r)));
        // A row read shifted from its headers (the finding's or an operand's): an
        // assumption of the finding's, which is then no more than a likely mistake.
        if table.is_shifted(f.at.cell.row) {
            f.assumed.push(
                Message::new("assumed.row_shifted").text("row", (f.at.cell.row + 1).to_string()),
            );
            f.severity = f.severity.min(Severity::Warning);
        } else if let Some(r) = f
            .related
            .iter()
            .filter(|r| r.at.file == f.at.file && r.at.sheet == f.at.sheet)
            .map(|r| r.at.cell.row)
            .find(|&r| table.is_shifted(r))
        {
            f.assumed
                .push(Message::new("assumed.row_shifted").text("row", (r + 1).to_string()));
            f.severity = f.severity.min(Severity::Warning);
        }
        // A column whose header was read through an abbreviation or a misspelling.
        let cols = std::iter::once(f.at.cell).chain(
            f.related
                .iter()
                .filter(|r| r.at.file == f.at.file && r.at.sheet == f.at.sheet)
                .map(|r| r.at.cell)
                .filter(|p| inside(&table, *p)),
        );
        let mut weak: Vec<&crate::table::Column> = Vec::new();
        for p in cols {
            let shift = u32::from(table.is_shifted(p.row) && table.pos_at(p.row, p.col) != p);
            let col = p.col.saturating_sub(shift);
            if let Some(c) = table.columns.iter().find(|c| c.col == col && c.weak_role)
                && !weak.iter().any(|w| w.col == c.col)
            {
                weak.push(c);
            }
        }
        for c in weak {
            let role = c.role.as_deref().unwrap_or_default();
            let role = match role_label(role) {
                Some(id) => Arg::Msg(Box::new(Message::new(id))),
                None => Arg::Text(role.to_string()),
            };
            f.assumed.push(
                Message::new("assumed.weak_header")
                    .text("header", c.header.clone())
                    .arg("role", role),
            );
            f.severity = f.severity.min(Severity::Warning);
        }
        // A PDF table joined from pieces on several pages: a finding reaching into a
        // later page's rows reads them by the first page's column headers.
        if let Some(grid) = doc.sheets.get(sheet)
            && let (Some(&(_, first)), Some(&(_, last))) = (grid.pages.first(), grid.pages.last())
            && grid.pages.len() > 1
            && grid.pages.iter().skip(1).any(|&(start, _)| hi >= start)
        {
            f.assumed.push(
                Message::new("assumed.pdf_pages")
                    .text("from", first.to_string())
                    .text("to", last.to_string()),
            );
        }
        let crossed = table
            .breaks
            .iter()
            .find(|(from, to)| lo < *from && hi > *to);
        if let Some((from, to)) = crossed {
            f.assumed.push(
                Message::new("assumed.table_joined")
                    .text("from", (from + 1).to_string())
                    .text("to", (to + 1).to_string()),
            );
        }
    }
}

/// The catalogue's word for a column role that a header may abbreviate.
fn role_label(role: &str) -> Option<&'static str> {
    Some(match role {
        "target" => "role.target",
        "realisasi" => "role.realisasi",
        "anggaran" => "role.anggaran",
        "capaian" => "role.capaian",
        "penyerapan" => "role.penyerapan",
        _ => return None,
    })
}

/// Helpers shared by the check modules.
pub(crate) fn loc(doc: &Doc, sheet: usize, cell: Pos) -> Location {
    Location {
        file: doc.file.clone(),
        sheet: doc
            .sheets
            .get(sheet)
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        cell,
        text: None,
    }
}

pub(crate) fn related(doc: &Doc, sheet: usize, cell: Pos, note: Message) -> Related {
    Related {
        at: loc(doc, sheet, cell),
        note,
    }
}

pub(crate) fn finding(ctx: &Context, rule: &RuleDoc, message: Message, at: Location) -> Finding {
    Finding::new(
        rule.code,
        ctx.rules.severity(rule.code, rule.severity),
        message,
        at,
    )
}

/// A label for a row in messages: its name, else its kode, else its row number.
pub(crate) fn row_label(t: &Table, i: usize) -> String {
    let Some(r) = t.rows.get(i) else {
        return String::new();
    };
    let base = if !r.name.is_empty() {
        r.name.clone()
    } else if let Some(k) = &r.kode {
        k.clone()
    } else {
        format!("{}", r.row + 1)
    };
    let short: String = base.chars().take(70).collect();
    if short.len() < base.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// A column label for messages (public for the facts layer).
/// A column label for messages: the header as written (upper header joined).
pub(crate) fn col_label(grid: &Grid, t: &Table, col: u32) -> String {
    let mut parts: Vec<String> = Vec::new();
    for r in t.header_top..=t.header_bottom {
        let s = grid
            .shown(Pos::new(r, col))
            .display()
            .trim()
            .replace('\n', " ");
        if !s.is_empty() && !parts.contains(&s) {
            parts.push(s);
        }
    }
    if parts.is_empty() {
        crate::grid::col_letters(col)
    } else {
        parts.join(" / ")
    }
}

pub(crate) fn num(value: rust_decimal::Decimal, decimals: u32) -> Arg {
    Arg::Num { value, decimals }
}

/// `part / whole × 100`, or None when the whole is zero or the figures overflow.
pub(crate) fn percent(
    part: rust_decimal::Decimal,
    whole: rust_decimal::Decimal,
) -> Option<rust_decimal::Decimal> {
    part.checked_div(whole)?
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
}
