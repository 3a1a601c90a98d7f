//! A Word report (`.docx`/`.docm`; macros are never run, only `word/document.xml` is read).

use super::OpenFailure;
use super::guard::Budget;
use crate::grid::{Grid, Paragraph};

/// Read a Word document's body: its tables and paragraphs.
pub(super) fn read_docx<R: std::io::Read + std::io::Seek>(
    _zip: &mut zip::ZipArchive<R>,
    _budget: &mut Budget,
) -> Result<(Vec<Grid>, Vec<Paragraph>), OpenFailure> {
    Err(OpenFailure::Corrupt("not built yet".into()))
}
