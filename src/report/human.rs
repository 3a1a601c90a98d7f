//! Human output through miette: per finding the code, severity, message, `Sheet!A1`, a
//! snippet of the rows involved with the cells labelled, and help with the right value;
//! grouped by file and sheet.

use super::totals;
use crate::catalog::{Catalog, Lang};
use crate::finding::{Finding, Related, Severity, TextPlace};
use crate::lint::{FileStatus, SubmissionReport};
use crate::report::context::{place_in_file, place_text};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::fmt::Write;

pub fn render(reports: &[SubmissionReport], cat: &Catalog, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(110)
        .with_links(false);
    let mut out = String::new();
    for r in reports {
        for f in &r.files {
            if let FileStatus::Error { message } = &f.status {
                let _ = writeln!(out, "✖ {}: {}", f.path, cat.render(message));
            }
        }
        let mut current: Option<(String, String)> = None;
        for f in &r.findings {
            let key = (f.at.file.clone(), f.at.sheet.clone());
            if current.as_ref() != Some(&key) {
                // A report document's sentences have no sheet: the file alone.
                if key.1.is_empty() {
                    let _ = writeln!(out, "\n══ {}", key.0);
                } else {
                    let _ = writeln!(out, "\n══ {} › {}", key.0, key.1);
                }
                current = Some(key);
            }
            let report = diagnostic(f, cat);
            let _ = handler.render_report(&mut out, report.as_ref());
        }
    }
    let t = totals(reports);
    let line = match cat.lang {
        Lang::Id => format!(
            "\n{} berkas diperiksa ({} gagal dibaca): {} kesalahan, {} peringatan, {} info.",
            t.files, t.failed, t.error, t.warning, t.info
        ),
        Lang::En => format!(
            "\n{} files checked ({} unreadable): {} errors, {} warnings, {} infos.",
            t.files, t.failed, t.error, t.warning, t.info
        ),
    };
    // The summary line's words come from the catalogue when present.
    let summary = cat.template("summary.line");
    if summary != "summary.line" {
        let s = summary
            .replace("{files}", &t.files.to_string())
            .replace("{failed}", &t.failed.to_string())
            .replace("{error}", &t.error.to_string())
            .replace("{warning}", &t.warning.to_string())
            .replace("{info}", &t.info.to_string());
        let _ = writeln!(out, "\n{s}");
    } else {
        let _ = writeln!(out, "{line}");
    }
    out
}

fn diagnostic(f: &Finding, cat: &Catalog) -> miette::Report {
    // The snippet: one line per row involved, "  row 12 │ label │ C12: 2.522.565.500,00".
    let mut src = String::new();
    let mut labels = Vec::new();
    for line in &f.snippet {
        let prefix = if line.sheet != f.at.sheet || line.file != f.at.file {
            format!("{}!", line.sheet)
        } else {
            String::new()
        };
        let label: String = line.label.chars().take(48).collect();
        let _ = write!(src, "{prefix}{:>4} │ {label}", line.row + 1);
        for (p, text) in &line.cells {
            src.push_str(" │ ");
            let start = src.len();
            let _ = write!(src, "{p}: {}", shown(text, cat));
            let len = src.len() - start;
            let note = if line.file == f.at.file && line.sheet == f.at.sheet && *p == f.at.cell {
                match (&f.expected, &f.actual) {
                    (Some(e), _) => {
                        Some(format!("{} {}", cat.template("label.expected"), cat.arg(e)))
                    }
                    _ => Some(cat.template("label.here")),
                }
            } else {
                f.related
                    .iter()
                    .find(|r| r.at.cell == *p && r.at.sheet == line.sheet && r.at.file == line.file)
                    .map(|r| cat.render(&r.note))
            };
            labels.push(LabeledSpan::new(note, start, len));
        }
        src.push('\n');
    }
    let severity = match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let table = f
        .table
        .as_ref()
        .map(|t| format!(" [{t}]"))
        .unwrap_or_default();
    let heading = match &f.at.text {
        // "laporan.docx, paragraf 12  message", then the sentence with its figure
        // underlined, then the sentences it was compared with.
        Some(t) => {
            let mut h = format!(
                "{}{table}  {}",
                place_in_file(&f.at.file, t, cat),
                cat.render(&f.message)
            );
            push_quote(&mut h, t);
            for r in &f.related {
                if let Some(rt) = &r.at.text {
                    push_related(&mut h, r, rt, f, cat);
                }
            }
            h
        }
        None => {
            let mut h = format!(
                "{}!{}{table}  {}",
                f.at.sheet,
                f.at.cell,
                cat.render(&f.message)
            );
            for r in &f.related {
                if let Some(rt) = &r.at.text {
                    push_related(&mut h, r, rt, f, cat);
                }
            }
            h
        }
    };
    let mut d = MietteDiagnostic::new(heading)
        .with_code(f.code)
        .with_severity(severity)
        .with_labels(labels);
    let mut help = Vec::new();
    if let Some(e) = &f.expected {
        help.push(format!("{} {}", cat.template("help.expected"), cat.arg(e)));
    }
    if let Some(h) = &f.help {
        help.push(cat.render(h));
    }
    if !f.assumed.is_empty() {
        help.push(crate::report::json::assumed_text(f, cat));
    }
    if !help.is_empty() {
        d = d.with_help(help.join("; "));
    }
    miette::Report::new(d).with_source_code(NamedSource::new(
        format!("{} › {}", f.at.file, f.at.sheet),
        src,
    ))
}

/// Characters of a quote per line: the heading's width (110) less miette's indentation,
/// so that miette does not wrap the quote's lines again.
const QUOTE_WIDTH: usize = 96;

/// A related sentence of another place: "juga: paragraf 3: note", then its quote.
fn push_related(h: &mut String, r: &Related, t: &TextPlace, f: &Finding, cat: &Catalog) {
    let place = if r.at.file == f.at.file {
        place_text(t, cat)
    } else {
        place_in_file(&r.at.file, t, cat)
    };
    let line = cat.render(
        &crate::finding::Message::new("place.related")
            .text("place", place)
            .text("note", cat.render(&r.note)),
    );
    h.push('\n');
    h.push_str(&line);
    push_quote(h, t);
}

/// The quote on lines of its own, indented, with the figure underlined `^^^`
/// on the line below the part of the quote that holds it.
fn push_quote(h: &mut String, t: &TextPlace) {
    for line in underlined(&t.quote, t.figure, QUOTE_WIDTH) {
        h.push_str("\n    ");
        h.push_str(&line);
    }
}

/// A quote cut into lines of at most `width` characters (at a space where there is one),
/// each line of the quote followed by a line of carets under the characters of the
/// figure (`figure` is a byte range of `quote`) when it holds some. Columns are
/// characters, not bytes; control characters show as spaces. A figure range that is not
/// inside the quote, or not on character boundaries, is not underlined.
pub fn underlined(quote: &str, figure: (usize, usize), width: usize) -> Vec<String> {
    let (a, b) = figure;
    let figure_ok = a < b && quote.get(a..b).is_some();
    let chars: Vec<(usize, char)> = quote
        .char_indices()
        .map(|(i, c)| (i, if c.is_control() { ' ' } else { c }))
        .collect();
    let width = width.max(1);
    let mut out = Vec::new();
    let mut rest: &[(usize, char)] = &chars;
    while !rest.is_empty() {
        let mut take = rest.len().min(width);
        if take < rest.len() {
            // Break after the last space of the window, unless there is none.
            let space = rest
                .get(..take)
                .and_then(|w| w.iter().rposition(|(_, c)| *c == ' '));
            if let Some(i) = space.filter(|i| *i > 0) {
                take = i + 1;
            }
        }
        let (line, tail) = rest.split_at(take);
        rest = tail;
        // The space a line is cut at is not shown, nor underlined.
        let shown = line
            .iter()
            .rposition(|(_, c)| *c != ' ')
            .map_or(0, |i| i + 1);
        let line = line.get(..shown).unwrap_or_default();
        out.push(line.iter().map(|(_, c)| *c).collect());
        if figure_ok && line.iter().any(|(i, _)| (a..b).contains(i)) {
            let carets: String = line
                .iter()
                .map(|(i, _)| if (a..b).contains(i) { '^' } else { ' ' })
                .collect();
            out.push(carets.trim_end().to_string());
        }
    }
    out
}

/// A cell as a reader would see it, numbers in the report's language.
/// A cell's value as the reports show it (numbers in the catalogue's format).
pub(crate) fn shown(v: &crate::grid::Value, cat: &Catalog) -> String {
    use crate::grid::Value;
    match v {
        Value::Number {
            value,
            percent: true,
            decimals,
        } => {
            // A percentage too large to show ×100 is shown as stored.
            let x = value
                .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
                .unwrap_or(*value);
            format!(
                "{}%",
                cat.num(x, decimals.unwrap_or_else(|| x.normalize().scale()))
            )
        }
        Value::Number {
            value, decimals, ..
        } => cat.num(
            *value,
            decimals.unwrap_or_else(|| value.normalize().scale()),
        ),
        other => other.display().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Arg, Location, Message, Related};
    use crate::grid::Pos;
    use rust_decimal::Decimal;

    fn place(paragraph: u32, page: Option<(u32, u32)>, quote: &str, figure: &str) -> TextPlace {
        let start = quote.find(figure).unwrap_or(0);
        TextPlace {
            paragraph,
            page: page.map(|p| p.0),
            line: page.map(|p| p.1),
            quote: quote.into(),
            figure: (start, start + figure.len()),
        }
    }

    fn report(findings: Vec<Finding>) -> Vec<SubmissionReport> {
        vec![SubmissionReport {
            name: "kec".into(),
            files: Vec::new(),
            findings,
        }]
    }

    fn sentence_finding(file: &str, t: TextPlace) -> Finding {
        let mut f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::sentence(file, t),
        );
        f.expected = Some(Arg::num(Decimal::new(9502, 2), 2));
        f
    }

    #[test]
    fn a_sentence_is_shown_with_its_paragraph_and_the_figure_underlined() {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, Lang::Id);
        let quote = "Penyerapan anggaran “tahun ini” mencapai 92,81 % dari pagu.";
        let mut f = sentence_finding("laporan.docx", place(12, None, quote, "92,81 %"));
        f.related.push(Related {
            at: Location::sentence(
                "laporan.pdf",
                place(7, Some((3, 14)), "Serapan 95,02 %.", "95,02 %"),
            ),
            note: Message::new("note.value").num("value", Decimal::new(9502, 2), 2),
        });
        let out = render(&report(vec![f]), &cat, false);
        assert!(out.contains("══ laporan.docx\n"), "{out}");
        assert!(out.contains("laporan.docx, paragraf 12  "), "{out}");
        assert!(!out.contains("!A1"), "{out}");
        // The caret line stands under the figure, counted in characters (the curly
        // quotes are three bytes each).
        let lines: Vec<&str> = out.lines().collect();
        let q = lines
            .iter()
            .position(|l| l.contains("Penyerapan anggaran"))
            .unwrap_or(usize::MAX);
        let (Some(text), Some(carets)) = (lines.get(q), lines.get(q + 1)) else {
            panic!("no quote in {out}");
        };
        let col = |s: &str, pat: &str| {
            s.find(pat)
                .map(|i| s.get(..i).unwrap_or("").chars().count())
        };
        assert_eq!(col(text, "92,81"), col(carets, "^"), "{out}");
        assert_eq!(
            carets.trim().chars().filter(|c| *c == '^').count(),
            7,
            "{out}"
        );
        assert!(out.contains("laporan.pdf, halaman 3, baris 14"), "{out}");
        assert!(!out.contains("Sheet"), "{out}");
        let en = render(
            &report(vec![sentence_finding(
                "r.pdf",
                place(2, Some((1, 5)), "x 1 %", "1 %"),
            )]),
            &Catalog::new(&rules, Lang::En),
            false,
        );
        assert!(en.contains("r.pdf, page 1, line 5  "), "{en}");
    }

    #[test]
    fn a_cell_finding_is_still_named_by_sheet_and_cell() {
        let rules = crate::rules::Rules::embedded().expect("rules");
        let cat = Catalog::new(&rules, Lang::Id);
        let f = Finding::new(
            "SL202",
            Severity::Error,
            Message::new("relation.mismatch"),
            Location::cell("lra.xlsx", "LRA", Pos::new(8, 4)),
        );
        let out = render(&report(vec![f]), &cat, false);
        assert!(out.contains("══ lra.xlsx › LRA\n"), "{out}");
        assert!(out.contains("LRA!E9  "), "{out}");
    }

    #[test]
    fn underlines_by_characters_and_wraps_long_quotes() {
        // Multi-byte characters before the figure: carets by characters.
        let q = "Ωmega “é” 12,5 %";
        let a = q.find("12,5").unwrap_or(0);
        assert_eq!(
            underlined(q, (a, a + "12,5 %".len()), 80),
            [q.to_string(), "          ^^^^^^".to_string()]
        );
        // A long quote is cut at spaces; the carets follow the line holding the figure.
        let long = format!("{} 95,02 % akhir", "kata ".repeat(30));
        let a = long.find("95,02").unwrap_or(0);
        let lines = underlined(&long, (a, a + 5), 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        let i = lines
            .iter()
            .position(|l| l.contains("95,02"))
            .unwrap_or(usize::MAX);
        let carets = lines.get(i + 1).cloned().unwrap_or_default();
        let text = lines.get(i).cloned().unwrap_or_default();
        assert_eq!(text.find("95,02"), carets.find('^'));
        assert_eq!(carets.trim(), "^^^^^");
        // A figure across a line break is underlined on both lines.
        let lines = underlined("aaaa bbbb", (2, 7), 5);
        assert_eq!(lines, ["aaaa", "  ^^", "bbbb", "^^"]);
        // A range outside the quote, or inside a character, underlines nothing.
        assert_eq!(underlined("é 1", (1, 3), 80), ["é 1"]);
        assert_eq!(underlined("a 1", (2, 99), 80), ["a 1"]);
        assert_eq!(underlined("", (0, 0), 80), Vec::<String>::new());
        // Control characters keep their column as a space.
        assert_eq!(underlined("a\tb 7", (4, 5), 80), ["a b 7", "    ^"]);
    }
}
