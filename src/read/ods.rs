//! `.ods`: calamine parses the whole `content.xml` densely when the file is opened (and
//! fails the file past its own cap of 100 million cells), so the budget is applied
//! afterwards, to our grid. Formulas are turned from ODF (`of:=SUM([.B2:.B3])`) into A1
//! syntax (`SUM(B2:B3)`); an error result, which LibreOffice stores as text, is an error
//! value where the cell has a formula. No number formats, no merged ranges.

use std::io::{Read, Seek};

use calamine::{Ods, OdsError, Reader};

use crate::grid::Grid;

use super::cells::{Dialect, NumFmt, grid_from_ranges, worksheets_of};
use super::guard::{Budget, run_guarded};
use super::{Ctx, OpenFailure, SheetProblemKind, io_failure};

pub(super) fn read_ods<RS: Read + Seek>(
    reader: RS,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), OpenFailure> {
    let mut wb: Ods<RS> = run_guarded(|| Ods::new(reader))
        .map_err(OpenFailure::Corrupt)?
        .map_err(|e| match e {
            OdsError::Password => OpenFailure::Encrypted,
            OdsError::Io(io) => io_failure(io),
            e @ OdsError::CellLimitExceeded { .. } => OpenFailure::TooLarge(e.to_string()),
            other => OpenFailure::Corrupt(other.to_string()),
        })?;
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        if super::timed::stop_requested() {
            break;
        }
        let outcome = run_guarded(|| -> Result<Grid, SheetProblemKind> {
            let values = wb
                .worksheet_range(&name)
                .map_err(|e| SheetProblemKind::Unreadable {
                    detail: e.to_string(),
                })?;
            let formulas = wb.worksheet_formula(&name).ok();
            let dialect = Dialect {
                fmt_at: &|_, _| NumFmt::default(),
                formula: ods_formula,
                errors_as_text: true,
            };
            grid_from_ranges(
                &name,
                hidden,
                &values,
                formulas.as_ref(),
                &dialect,
                budget.current(),
            )
        });
        match outcome {
            Ok(Ok(grid)) => {
                budget.spend(u64::from(grid.height) * u64::from(grid.width));
                ctx.sheets.push(grid);
            }
            Ok(Err(kind)) => ctx.problem(&name, kind),
            Err(detail) => ctx.problem(&name, SheetProblemKind::Unreadable { detail }),
        }
    }
    Ok(())
}

/// An ODF formula (`of:=SUM([.B2:.B3])`) in A1 syntax (`SUM(B2:B3)`).
fn ods_formula(f: &str) -> Option<String> {
    let f = f.trim();
    let body = match f.find(':') {
        Some(i)
            if f[..i].chars().all(|c| c.is_ascii_alphanumeric()) && f[i + 1..].starts_with('=') =>
        {
            &f[i + 1..]
        }
        _ => f,
    };
    let body = body.strip_prefix('=').unwrap_or(body);
    if body.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                for q in chars.by_ref() {
                    out.push(q);
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                let mut inner = String::new();
                let mut quoted = false;
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == '\'' {
                        quoted = !quoted;
                    } else if q == ']' && !quoted {
                        closed = true;
                        break;
                    }
                    inner.push(q);
                }
                if closed {
                    out.push_str(&ods_reference(&inner));
                } else {
                    out.push('[');
                    out.push_str(&inner);
                }
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `.A1` → `A1`; `.A1:.B2` → `A1:B2`; `$Sheet2.A1` → `Sheet2!A1`; `'My sheet'.A1` → `'My sheet'!A1`.
fn ods_reference(inner: &str) -> String {
    if inner.contains('#') {
        // External reference: leave it as ODF wrote it.
        return format!("[{inner}]");
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in inner.chars() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == ':' && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    let converted: Vec<String> = parts
        .iter()
        .map(|part| {
            // The sheet separator is the last '.' outside quotes.
            let mut quoted = false;
            let mut dot = None;
            for (i, c) in part.char_indices() {
                if c == '\'' {
                    quoted = !quoted;
                } else if c == '.' && !quoted {
                    dot = Some(i);
                }
            }
            match dot {
                Some(0) => part[1..].to_string(),
                Some(i) => {
                    let sheet = part[..i].strip_prefix('$').unwrap_or(&part[..i]);
                    format!("{sheet}!{}", &part[i + 1..])
                }
                None => part.clone(),
            }
        })
        .collect();
    converted.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_formulas() {
        assert_eq!(
            ods_formula("of:=SUM([.B2:.B3])").as_deref(),
            Some("SUM(B2:B3)")
        );
        assert_eq!(ods_formula("of:=[.A1]/[.$B$1]").as_deref(), Some("A1/$B$1"));
        assert_eq!(
            ods_formula("of:=[$Sheet2.A1]+1").as_deref(),
            Some("Sheet2!A1+1")
        );
        assert_eq!(
            ods_formula("of:=['My.Sheet'.A1:.B2]").as_deref(),
            Some("'My.Sheet'!A1:B2")
        );
        assert_eq!(
            ods_formula("of:=\"[x]\"&[.A1]").as_deref(),
            Some("\"[x]\"&A1")
        );
        assert_eq!(ods_formula(""), None);
    }
}
