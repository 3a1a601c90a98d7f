//! Family 6, figures: malformed numbers, error values (#DIV/0!, #REF! …) and numbers
//! stored as text.

use super::{Context, RuleDoc, col_label, finding, loc, related};
use crate::figure::{self, Parsed};
use crate::finding::{Arg, Finding, Message, Severity};
use crate::grid::{Pos, Value};

pub const MALFORMED: RuleDoc = RuleDoc {
    code: "SL501",
    name: "malformed-number",
    family: "figure",
    severity: Severity::Error,
    title: "rule.SL501.title",
    explain: "rule.SL501.explain",
};
pub const ERROR_VALUE: RuleDoc = RuleDoc {
    code: "SL502",
    name: "error-value",
    family: "figure",
    severity: Severity::Error,
    title: "rule.SL502.title",
    explain: "rule.SL502.explain",
};
pub const AS_TEXT: RuleDoc = RuleDoc {
    code: "SL503",
    name: "number-as-text",
    family: "figure",
    severity: Severity::Info,
    title: "rule.SL503.title",
    explain: "rule.SL503.explain",
};
/// A sheet the tool could not read (too large, or unreadable): reported, not fatal.
pub const SHEET_SKIPPED: RuleDoc = RuleDoc {
    code: "SL001",
    name: "sheet-not-read",
    family: "input",
    severity: Severity::Warning,
    title: "rule.SL001.title",
    explain: "rule.SL001.explain",
};
/// A sheet read without some of its parts (formulas, merged ranges, some cells).
pub const SHEET_INCOMPLETE: RuleDoc = RuleDoc {
    code: "SL002",
    name: "sheet-read-in-part",
    family: "input",
    severity: Severity::Info,
    title: "rule.SL002.title",
    explain: "rule.SL002.explain",
};
pub static RULES: [RuleDoc; 5] = [
    SHEET_SKIPPED,
    SHEET_INCOMPLETE,
    MALFORMED,
    ERROR_VALUE,
    AS_TEXT,
];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for doc in ctx.docs {
        // Error values anywhere in any sheet.
        for (si, g) in doc.sheets.iter().enumerate() {
            for r in 0..g.height {
                for c in 0..g.width {
                    let p = Pos::new(r, c);
                    if let Value::Error(e) = g.value(p) {
                        let mut f = finding(
                            ctx,
                            &ERROR_VALUE,
                            Message::new("figure.error_value").text("error", e.clone()),
                            loc(doc, si, p),
                        );
                        f.actual = Some(Arg::Text(e.clone()));
                        if let Some(formula) = &g.get(p).formula {
                            f.help =
                                Some(Message::new("help.formula").text("formula", formula.clone()));
                        }
                        out.push(f);
                    }
                }
            }
        }
        for t in &doc.tables {
            let Some(g) = doc.sheets.get(t.sheet) else {
                continue;
            };
            for col in t.columns.iter().filter(|c| c.numeric) {
                let mut as_text: Vec<Pos> = Vec::new();
                // A shifted row's cells are not under their headers: a kode piece is no
                // figure of this column.
                for row in t.rows.iter().filter(|r| !r.misfit) {
                    let p = t.pos(row.row, col);
                    match figure::from_value(g.value(p)) {
                        Parsed::Malformed { reason } => {
                            let text = g.text(p);
                            if crate::scale::parse_band(&text).is_some() {
                                continue; // a range such as "80 s/d 100" is not a figure
                            }
                            let mut f = finding(
                                ctx,
                                &MALFORMED,
                                Message::new("figure.malformed")
                                    .text("text", text.clone())
                                    .arg(
                                        "reason",
                                        Arg::Msg(Box::new(Message::new(reason.message_id()))),
                                    ),
                                loc(doc, t.sheet, p),
                            );
                            f.actual = Some(Arg::Text(text));
                            out.push(f);
                        }
                        Parsed::Number(f) if f.from_text && f.suffix.is_none() => as_text.push(p),
                        _ => {}
                    }
                }
                // In a report document every figure is text: nothing to say about it.
                if let Some(first) = as_text.first().filter(|_| !doc.is_report()) {
                    let mut f = finding(
                        ctx,
                        &AS_TEXT,
                        Message::new("figure.as_text")
                            .text("column", col_label(g, t, col.col))
                            .arg(
                                "count",
                                Arg::Num {
                                    value: (as_text.len() as i64).into(),
                                    decimals: 0,
                                },
                            ),
                        loc(doc, t.sheet, *first),
                    );
                    f.related = as_text
                        .iter()
                        .skip(1)
                        .map(|p| related(doc, t.sheet, *p, Message::new("note.as_text")))
                        .collect();
                    out.push(f);
                }
            }
        }
    }
}
