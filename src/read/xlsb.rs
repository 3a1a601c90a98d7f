//! `.xlsb`: calamine's cell stream, values then formulas. calamine gives no number formats
//! and no merged ranges for this format; a cell whose error code it rejects is counted as
//! a lost cell ([`SheetPart::Cells`]).

use std::io::{Read, Seek};

use calamine::{Reader, Xlsb, XlsbError};

use super::cells::{NumFmt, SparseSheet, excel_formula, value_from_dataref, worksheets_of};
use super::guard::{Budget, run_guarded, too_many_records};
use super::{Ctx, OpenFailure, SheetOutcome, SheetPart, SheetProblemKind, io_failure};

pub(super) fn read_xlsb<RS: Read + Seek>(
    reader: RS,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), OpenFailure> {
    let mut wb: Xlsb<RS> = run_guarded(|| Xlsb::new(reader))
        .map_err(OpenFailure::Corrupt)?
        .map_err(|e| match e {
            XlsbError::Password => OpenFailure::Encrypted,
            XlsbError::Io(io) => io_failure(io),
            other => OpenFailure::Corrupt(other.to_string()),
        })?;
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        if super::timed::stop_requested() {
            break;
        }
        let outcome = run_guarded(|| xlsb_sheet(&mut wb, &name, hidden, budget.current()));
        ctx.take(&name, outcome, budget);
    }
    Ok(())
}

fn xlsb_sheet<RS: Read + Seek>(
    wb: &mut Xlsb<RS>,
    name: &str,
    hidden: bool,
    budget: u64,
) -> SheetOutcome {
    let unreadable = |e: XlsbError| SheetProblemKind::Unreadable {
        detail: e.to_string(),
    };
    let mut sheet = SparseSheet::new();
    let mut partial = Vec::new();
    let mut skipped = 0u64;
    {
        let mut reader = wb.worksheet_cells_reader(name).map_err(unreadable)?;
        loop {
            match reader.next_cell() {
                Ok(None) => break,
                Ok(Some(cell)) => {
                    let (row, col) = cell.get_position();
                    let value = value_from_dataref(cell.get_value(), NumFmt::default());
                    sheet.accept(row, col, value, budget)?;
                }
                // The record was read whole before its error code was rejected.
                Err(XlsbError::CellError(_)) => {
                    skipped += 1;
                    if skipped > budget {
                        return Err(too_many_records(sheet.extent, skipped, budget));
                    }
                }
                Err(e) => return Err(unreadable(e)),
            }
        }
    }
    if skipped > 0 {
        partial.push(SheetProblemKind::Incomplete {
            part: SheetPart::Cells,
            detail: format!("{skipped} × #?"),
        });
    }
    let formulas: Result<(), XlsbError> = (|| {
        let mut reader = wb.worksheet_cells_reader(name)?;
        while let Some(cell) = reader.next_formula()? {
            if let Some(f) = excel_formula(cell.get_value()) {
                let (row, col) = cell.get_position();
                sheet.extent.add(row, col);
                sheet.formulas.push((row, col, f));
                if sheet.formulas.len() as u64 > budget {
                    break;
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = formulas {
        sheet.formulas.clear();
        partial.push(SheetProblemKind::Incomplete {
            part: SheetPart::Formulas,
            detail: e.to_string(),
        });
    }
    if let Some(kind) = sheet.extent.too_large(budget) {
        return Err(kind);
    }
    if sheet.formulas.len() as u64 > budget {
        return Err(too_many_records(
            sheet.extent,
            sheet.formulas.len() as u64,
            budget,
        ));
    }
    Ok((sheet.into_grid(name, hidden), partial))
}
