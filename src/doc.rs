//! A document: one workbook of a submission, read (`read`) and with its tables found
//! (`table`). Below facts, checks and reports, which all take it as it is.

use crate::grid::Grid;
use crate::table::Table;

/// One workbook of a submission, read and with its tables found.
pub struct Doc {
    /// The path as given by the user (shown in findings).
    pub file: String,
    pub sheets: Vec<Grid>,
    /// Tables of every sheet, in sheet order then row order.
    pub tables: Vec<Table>,
}
