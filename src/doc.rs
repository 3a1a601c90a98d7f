//! A document: one workbook or report document of a submission, read (`read`) and with its tables found
//! (`table`). Below facts, checks and reports, which all take it as it is.

use crate::grid::{Grid, Paragraph};
use crate::table::Table;

/// One workbook of a submission, read and with its tables found.
pub struct Doc {
    /// The path as given by the user (shown in findings).
    pub file: String,
    pub sheets: Vec<Grid>,
    /// Tables of every sheet, in sheet order then row order.
    pub tables: Vec<Table>,
    /// A report document's body paragraphs (empty for a workbook); its tables are the
    /// sheets "Tabel 1", "Tabel 2" ….
    pub paragraphs: Vec<Paragraph>,
}

impl Doc {
    /// A report document (.docx, .pdf) rather than a workbook.
    pub fn is_report(&self) -> bool {
        !self.paragraphs.is_empty()
    }
}
