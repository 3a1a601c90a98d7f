//! The one reading boundary: a spreadsheet file in, a [`Workbook`] of [`Grid`]s out.
//!
//! Everything format-specific lives here; after this module nothing knows whether a cell
//! came from `.xlsx`, `.xls` or `.ods`. `f64` appears only here, at the calamine boundary,
//! and is converted to [`Decimal`] through its shortest round-trip representation.
//!
//! # Value mapping
//!
//! * numbers (float or integer) → [`Value::Number`], with `percent`/`decimals` taken from the
//!   cell's number format where the format is known (see "Per format" below);
//! * text → [`Value::Text`]; booleans → [`Value::Bool`];
//! * error values → [`Value::Error`] with Excel's spelling (`#DIV/0!`, `#N/A`, `#NAME?`,
//!   `#NULL!`, `#NUM!`, `#REF!`, `#VALUE!`, `#GETTING_DATA`; in `.xlsx` also any other error
//!   literal Excel writes, such as `#SPILL!` or `#CALC!`, kept as written);
//! * dates and times are **text** in ISO 8601 form (`2024-12-31`, `2024-12-31 08:30:00`,
//!   `08:30:00`; durations `[h]:mm:ss`, e.g. `36:00:00`). A date is never a performance
//!   figure, so it must not be mistaken for one: the serial number 45657 is not kept;
//! * a float that does not fit a `Decimal` (beyond ±7.9e28, or not finite) → its text.
//!
//! Formulas: the cached value is the value; the formula text (without `=`) goes into
//! [`Cell::formula`]. `_xlfn.`/`_xlws.` prefixes are removed; `.ods` formulas are converted
//! from ODF (`of:=SUM([.B2:.B3])`) to A1 syntax (`SUM(B2:B3)`). A formula `.xls` calamine
//! cannot decode is left out (the cell keeps its value, `formula` is `None`).
//!
//! Positions are absolute (row 0 is sheet row 1). The grid spans row 0 / column 0 to the
//! last row / column holding a non-blank value or a formula; whitespace-only text and
//! formatted-but-empty cells do not extend it.
//!
//! Sheets: worksheets in workbook order, hidden ones included (`Grid::hidden`; "very hidden"
//! counts as hidden). Chart sheets, dialog sheets, macro sheets and VBA modules are skipped.
//!
//! # Per format (what calamine 0.38 gives)
//!
//! | | merges | number formats | formulas | hidden | extent before allocating |
//! |---|---|---|---|---|---|
//! | xlsx/xlsm | yes | yes (style API) | yes | yes | streamed cell by cell |
//! | xls | yes | yes (our own BIFF scan) | yes | yes | our own BIFF scan |
//! | xlsb | no | no | yes | yes | streamed cell by cell |
//! | ods | no | no | yes | yes | none (calamine builds every sheet on open) |
//!
//! Column widths are not exposed by calamine for any format: `Grid::col_widths` stays empty.
//! [`read_styles`] (used only for annotated copies) reads cell styles through calamine and
//! column widths / row heights from the package itself (xlsx) or the BIFF records (xls).
//!
//! # Budget and hostile files
//!
//! calamine allocates a dense range from the first to the last used cell, so one value at
//! `XFD1048576` asks for 17 billion cells and aborts the process. The grid here is also
//! dense. So the extent of every sheet is found first, without a dense allocation, and a
//! sheet whose `rows × columns` exceeds [`ReadOptions::max_cells`] (or what is left of
//! [`ReadOptions::max_total_cells`]) is refused with [`SheetProblemKind::TooLarge`] while
//! the other sheets are read.
//!
//! * `.xlsx`/`.xlsm`/`.xlsb`: cells are streamed (`worksheet_cells_reader`) into a sparse
//!   list; the stream stops as soon as the extent exceeds the budget. calamine's
//!   `worksheet_range` (dense) is never called. An `.xlsx` package up to 64 MB inflated
//!   has its worksheet and workbook parts inflated once here (the merged ranges are
//!   scanned from those bytes) and calamine reads a copy of the package where they are
//!   stored uncompressed (see `unpack_xlsx`).
//! * `.xls`: calamine parses every sheet densely when the file is opened, and trusts the
//!   Compound File structure (a cyclic sector chain makes it loop forever, allocating). So
//!   the Compound File is parsed here first, strictly (bounded, cycle-checked), the
//!   `Workbook` stream is scanned record by record for each sheet's extent and number
//!   formats, the cell records of refused sheets and every `DIMENSIONS` record (which
//!   calamine uses to reserve memory) are neutralised, and calamine is handed a fresh,
//!   well-formed Compound File holding only that stream.
//! * `.ods`: calamine parses the whole `content.xml` densely on open (it caps a sheet at
//!   100 million cells and then fails the file: [`ReadError::TooLarge`]); there is no
//!   cheaper way in without our own zip and XML readers. The budget is applied afterwards,
//!   to our grid only.
//! * A file starting with the OLE2 signature is never given to calamine's xlsx/xlsb reader
//!   (which would run its unchecked Compound File reader on it to look for encryption).
//! * Every call into calamine runs under `catch_unwind`: a panic in calamine becomes a
//!   [`ReadError::Corrupt`] or a [`SheetProblemKind::Unreadable`], not a crash (the panic
//!   message, and with `RUST_BACKTRACE` a backtrace, still reach stderr through the panic
//!   hook, which this module leaves alone).
//! * Errors in xlsx cells that calamine rejects (error literals it does not know, such as
//!   `#SPILL!`) do not lose the sheet: the cell stream resumes after the cell, and the
//!   cell's position is recovered from the formula pass.
//!
//! # Residual risks
//!
//! * Zip bombs: calamine inflates `sharedStrings.xml`, `styles.xml` and the workbook part
//!   of an xlsx/xlsb into memory on open, and a sheet's XML is streamed without a size
//!   limit (time, not memory). `.ods` `content.xml` is parsed whole, and its repeat counts
//!   (`table:number-columns-repeated`, `text:s text:c`) can make calamine allocate up to its
//!   own 100-million-cell cap (several GB) from a few bytes.
//! * A `.xls` is read whole into memory (its size), and calamine's dense range per sheet is
//!   bounded by the budget; formula decoding and other record parsing stay calamine's
//!   (panics there are caught).
//! * An abort (allocation failure, stack overflow) cannot be caught; the guards above are
//!   what prevents the known ones.
//!
//! # Layout
//!
//! This file is the boundary: what comes out ([`ReadResult`]: the [`Workbook`], and a
//! [`SheetProblem`] for each sheet not (fully) read), what goes in ([`ReadOptions`]: the
//! limits and the cell budget), what fails a file ([`ReadError`]), and [`read_workbook`],
//! which sniffs what a file holds and hands it to the reader of its format. Behind it, one
//! file per format and the parts they share; none of their types comes out:
//!
//! * `guard`: what every read checks first (an extension read here, a regular file within
//!   the size limits, a zip package within its inflated limit), sniffing what a file really
//!   holds, the cell budget and a sheet's extent against it, `catch_unwind` around calamine;
//! * `cells`: calamine's cells in our terms (values, number formats, formula texts) and the
//!   grid built from them, gathered while streaming or from a dense range;
//! * `xlsx`: `.xlsx`/`.xlsm`, with our own zip and XML reading of the package (the
//!   uncompressed copy, merged ranges, sheet parts) and the cheap [`xlsx_title_rows`];
//! * `xlsb`: `.xlsb`;
//! * `ods`: `.ods`, with ODF formulas turned into A1 syntax;
//! * `xls`: `.xls`, with the BIFF scan of its workbook stream;
//! * `ole`: the Compound File an `.xls` comes in (a strict reader, a minimal writer);
//! * `styles`: what only annotated copies read ([`read_styles`]): cell styles and the
//!   column/row layout;
//! * `docx`: a Word report (`.docx`/`.docm`): body paragraphs in order and its tables as
//!   grids "Tabel 1", "Tabel 2" … (spans expanded into merged ranges);
//! * `pdf`: a PDF report with a text layer: paragraphs from its text lines and tables
//!   rebuilt from the positions of words;
//! * `timed`: a read within its time limit ([`read_in_time`]), on a reading thread the
//!   caller can stop waiting for.
//!
//! [`Decimal`]: rust_decimal::Decimal
//! [`Cell::formula`]: crate::grid::Cell::formula
//! [`Value::Number`]: crate::grid::Value::Number
//! [`Value::Text`]: crate::grid::Value::Text
//! [`Value::Bool`]: crate::grid::Value::Bool
//! [`Value::Error`]: crate::grid::Value::Error

use std::path::{Path, PathBuf};

use crate::grid::{Grid, Workbook};

mod cells;
mod docx;
mod guard;
mod ods;
mod ole;
mod pdf;
mod styles;
mod timed;
mod xls;
mod xlsb;
mod xlsx;

/// A relationship's target as a part name of its package (shared with the annotated copies).
pub(crate) use xlsx::zip_join as package_path;

use guard::{Budget, Sniffed, checked_format, declared_inflated_size, sniff, zip_mismatch};
use ods::read_ods;
use xls::read_xls;
use xlsb::read_xlsb;
use xlsx::read_xlsx_package;

pub use docx::docx_main_part;
pub use guard::within_limits;
pub use styles::{
    AlignStyle, BorderLine, BorderStyle, CellStyle, ColLayout, FillPattern, FillStyle, FontStyle,
    HAlign, LineStyle, Rgb, RowLayout, SheetStyles, StyleMap, Underline, VAlign, read_styles,
};
pub use timed::{read_in_time, reading_threads};
pub use xlsx::xlsx_title_rows;

/// Whether the formula texts read from `path` are in Excel's own syntax (an `.xlsx` or
/// `.xlsm` package; others are converted and may not carry structured references).
pub fn formulas_in_excel_syntax(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .is_some_and(|f| matches!(f, Format::Xlsx | Format::Xlsm))
}

/// The first `rows` rows of every worksheet, as texts per row, when the format offers a
/// cheap way in (an `.xlsx`/`.xlsm` package within the limits: only the first rows of
/// each sheet are parsed); None otherwise, and the caller reads the file whole.
pub fn title_rows(path: &Path, rows: u32, opts: &ReadOptions) -> Option<Vec<Vec<Vec<String>>>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    let mut head = [0u8; 4];
    let zip = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head == *b"PK\x03\x04";
    if !(zip
        && matches!(ext.as_deref(), Some("xlsx" | "xlsm"))
        && within_limits(path, opts).is_ok())
    {
        return None;
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| xlsx_title_rows(path, rows)))
        .ok()
        .flatten()
}

/// The texts of a report document's title page: its first `count` body paragraphs before
/// the first table. A `.docx`/`.docm` within the limits is streamed and only those
/// paragraphs parsed; a PDF is read whole within the time limit `max_seconds` (its reader
/// has no cheaper way in). None for a workbook, or a document that cannot be read.
pub fn title_paragraphs(
    path: &Path,
    count: u32,
    opts: &ReadOptions,
    max_seconds: u64,
) -> Option<Vec<String>> {
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)?;
    let title = |paragraphs: Vec<crate::grid::Paragraph>| {
        paragraphs
            .into_iter()
            .take_while(|p| p.tables_before == 0)
            .take(count as usize)
            .map(|p| p.text)
            .collect()
    };
    match format {
        Format::Docx | Format::Docm => {
            within_limits(path, opts).ok()?;
            let file = std::fs::File::open(path).ok()?;
            let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?;
            let paragraphs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                docx::read_title(&mut zip, count, opts.max_inflated_bytes)
            }))
            .ok()
            .flatten()?;
            Some(title(paragraphs))
        }
        Format::Pdf => {
            let res = read_in_time(path, opts, max_seconds).ok()?;
            Some(title(res.workbook.paragraphs))
        }
        _ => None,
    }
}

/// Limits for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest sheet accepted, in cells of its dense grid (`rows × columns`, from A1).
    pub max_cells: u64,
    /// Largest total, over all sheets of the workbook, of the accepted grids' cells.
    pub max_total_cells: u64,
    /// Read the formula texts too (for annotated copies). The checks need only the
    /// cached values, and reading formulas is one more pass over every .xlsx sheet.
    pub formulas: bool,
    /// Largest file accepted, in bytes on disk.
    pub max_file_bytes: u64,
    /// Largest total of the parts of a zip-based workbook (.xlsx .xlsm .xlsb .ods) once
    /// inflated, as its directory declares them. The zip reader refuses a part that
    /// inflates to more than it declares, so this bounds what is inflated: a few MB that
    /// would inflate to gigabytes (a decompression bomb) are refused before reading.
    pub max_inflated_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_cells: 4_000_000,
            max_total_cells: 16_000_000,
            formulas: true,
            max_file_bytes: 200 * 1024 * 1024,
            max_inflated_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// A limit of [`ReadOptions`] (or of the batch) that a file exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The file's size on disk ([`ReadOptions::max_file_bytes`]).
    FileBytes,
    /// The declared inflated size of a zip-based workbook ([`ReadOptions::max_inflated_bytes`]).
    InflatedBytes,
    /// The time spent reading one file (the batch's per-file limit).
    Seconds,
}

/// A file format read, as chosen by the file's extension: a spreadsheet, or the report
/// document (.docx/.docm, .pdf; a Word 97 .doc is recognised to ask for a .docx).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Xlsb,
    Ods,
    Docx,
    Docm,
    Pdf,
    Doc,
}

impl Format {
    /// The format for an extension (without dot, any case).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "xlsm" => Some(Format::Xlsm),
            "xls" => Some(Format::Xls),
            "xlsb" => Some(Format::Xlsb),
            "ods" => Some(Format::Ods),
            "docx" => Some(Format::Docx),
            "docm" => Some(Format::Docm),
            "pdf" => Some(Format::Pdf),
            "doc" => Some(Format::Doc),
            _ => None,
        }
    }

    /// The usual extension, lowercase, without dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Docm => "docm",
            Format::Pdf => "pdf",
            Format::Doc => "doc",
        }
    }

    /// A report document rather than a spreadsheet.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Format::Docx | Format::Docm | Format::Pdf | Format::Doc
        )
    }

    /// xlsx and xlsm are the same container; everything else is its own family.
    fn same_family(self, other: Format) -> bool {
        let fam = |f: Format| match f {
            Format::Xlsx | Format::Xlsm => 0,
            Format::Xls => 1,
            Format::Xlsb => 2,
            Format::Ods => 3,
            Format::Docx | Format::Docm => 4,
            Format::Pdf => 5,
            Format::Doc => 6,
        };
        fam(self) == fam(other)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// What a file that is not the spreadsheet its extension promises looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// A zip archive that is no known spreadsheet (a `.docx`, a plain zip…).
    Zip,
    /// An OLE2 compound file that is no workbook (a `.doc`…).
    Ole2,
    Pdf,
    Html,
    Xml,
    Text,
    Binary,
}

impl Content {
    pub fn as_str(self) -> &'static str {
        match self {
            Content::Zip => "zip",
            Content::Ole2 => "ole2",
            Content::Pdf => "pdf",
            Content::Html => "html",
            Content::Xml => "xml",
            Content::Text => "text",
            Content::Binary => "binary",
        }
    }
}

/// A file-level failure: nothing of the workbook could be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The extension is none of xlsx, xlsm, xls, xlsb, ods.
    #[error("unsupported file type {}", extension.as_deref().map_or("(no extension)".to_string(), |e| format!(".{e}")))]
    UnsupportedFormat { extension: Option<String> },
    /// The file cannot be opened (missing, a directory, no permission).
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file has zero bytes.
    #[error("the .{format} file is empty (0 bytes)")]
    Empty { format: Format },
    /// The content is no spreadsheet at all (text, HTML, PDF, another document…).
    #[error("the .{format} file is not a spreadsheet (content looks like {})", content.as_str())]
    NotSpreadsheet { format: Format, content: Content },
    /// The content is a spreadsheet of another format than the extension says.
    #[error("the file is named .{format} but is a .{actual} workbook")]
    WrongExtension { format: Format, actual: Format },
    /// The workbook is password-protected (encrypted).
    #[error("the .{format} workbook is password-protected")]
    Encrypted { format: Format },
    /// The file is of the right kind but damaged (truncated, invalid structure…).
    #[error("the .{format} file is damaged: {detail}")]
    Corrupt { format: Format, detail: String },
    /// The file as a whole exceeds what can be read (calamine's own limits).
    #[error("the .{format} file is too large to read: {detail}")]
    TooLarge { format: Format, detail: String },
    /// Reading failed after the file was opened.
    #[error("I/O error reading the file: {source}")]
    Io { source: std::io::Error },
    /// A PDF without a text layer (a scan): nothing to read without OCR.
    #[error("the PDF has no text layer (a scan)")]
    Scanned,
    /// A Word 97 `.doc`: asked to be saved as `.docx`.
    #[error("a Word 97 .doc is not read; save it as .docx")]
    OldWord,
    /// The file exceeds a limit: `actual` (or more) against `max`, in bytes or seconds.
    #[error("the file exceeds the limit {limit:?}: {actual} > {max}")]
    Limit { limit: Limit, actual: u64, max: u64 },
}

impl ReadError {
    /// Stable id of the message for this error (for the message catalogue).
    pub fn message_id(&self) -> &'static str {
        match self {
            ReadError::UnsupportedFormat { .. } => "read.unsupported-format",
            ReadError::Open { .. } => "read.cannot-open",
            ReadError::Empty { .. } => "read.empty-file",
            ReadError::NotSpreadsheet { format, .. } if format.is_document() => "read.not-document",
            ReadError::NotSpreadsheet { .. } => "read.not-spreadsheet",
            ReadError::Scanned => "read.pdf-scanned",
            ReadError::OldWord => "read.old-word",
            ReadError::WrongExtension { .. } => "read.wrong-extension",
            ReadError::Encrypted { .. } => "read.encrypted",
            ReadError::Corrupt { .. } => "read.corrupt",
            ReadError::TooLarge { .. } => "read.too-large",
            ReadError::Io { .. } => "read.io",
            ReadError::Limit { limit, .. } => match limit {
                Limit::FileBytes => "read.limit-file-size",
                Limit::InflatedBytes => "read.limit-inflated",
                Limit::Seconds => "read.limit-seconds",
            },
        }
    }

    /// The underlying technical text (calamine's or the OS's error), or the variant's data
    /// when there is none.
    pub fn detail(&self) -> String {
        match self {
            ReadError::UnsupportedFormat { extension } => extension.clone().unwrap_or_default(),
            ReadError::Open { source, .. } | ReadError::Io { source } => source.to_string(),
            ReadError::Empty { .. } => String::new(),
            ReadError::NotSpreadsheet { content, .. } => content.as_str().to_string(),
            ReadError::WrongExtension { actual, .. } => actual.extension().to_string(),
            ReadError::Encrypted { .. } | ReadError::Scanned | ReadError::OldWord => String::new(),
            ReadError::Corrupt { detail, .. } | ReadError::TooLarge { detail, .. } => {
                detail.clone()
            }
            // Sizes in MB (what the command-line flags take), time in seconds.
            ReadError::Limit { limit, actual, max } => match limit {
                Limit::Seconds => format!("{actual} > {max}"),
                _ => format!("{} MB > {} MB", mb_up(*actual), max / (1024 * 1024)),
            },
        }
    }
}

/// A part of a sheet that could not be read while the rest of the sheet was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetPart {
    /// Formula texts: the grid has the cached values but `Cell::formula` is `None`.
    Formulas,
    /// Merged ranges: `Grid::merges` is empty.
    Merges,
    /// Some cells (e.g. error values whose position was lost) are missing.
    Cells,
}

/// What went wrong with one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetProblemKind {
    /// The sheet's grid (`rows × cols` from A1) exceeds `budget` cells; it was not read.
    /// When reading stopped early, `rows`/`cols` are what was seen so far (at least).
    /// `cells` is `rows × cols`, or the number of cell records when that is what exceeded.
    TooLarge {
        rows: u64,
        cols: u64,
        cells: u64,
        budget: u64,
    },
    /// The sheet could not be read at all; `detail` is calamine's error text.
    Unreadable { detail: String },
    /// The sheet was read, without `part`; `detail` is calamine's error text.
    Incomplete { part: SheetPart, detail: String },
}

/// A sheet that could not be (fully) read while the rest of the file could.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    pub sheet: String,
    pub kind: SheetProblemKind,
}

impl SheetProblem {
    /// Stable id of the message for this problem (for the message catalogue).
    pub fn message_id(&self) -> &'static str {
        match &self.kind {
            SheetProblemKind::TooLarge { .. } => "read.sheet-too-large",
            SheetProblemKind::Unreadable { .. } => "read.sheet-unreadable",
            SheetProblemKind::Incomplete {
                part: SheetPart::Formulas,
                ..
            } => "read.sheet-formulas-unreadable",
            SheetProblemKind::Incomplete {
                part: SheetPart::Merges,
                ..
            } => "read.sheet-merges-unreadable",
            SheetProblemKind::Incomplete {
                part: SheetPart::Cells,
                ..
            } => "read.sheet-cells-missing",
        }
    }

    /// The underlying technical text: calamine's error, or for `TooLarge` the numbers
    /// (`1048576 × 16384 = 17179869184 > 4000000`), language-neutral.
    pub fn detail(&self) -> String {
        match &self.kind {
            SheetProblemKind::TooLarge {
                rows,
                cols,
                cells,
                budget,
            } => {
                if rows.saturating_mul(*cols) == *cells {
                    format!("{rows} × {cols} = {cells} > {budget}")
                } else {
                    format!("{cells} > {budget}")
                }
            }
            SheetProblemKind::Unreadable { detail }
            | SheetProblemKind::Incomplete { detail, .. } => detail.clone(),
        }
    }
}

/// A workbook read, with the sheets that could not be (fully) read.
#[derive(Debug, Clone)]
pub struct ReadResult {
    pub workbook: Workbook,
    pub problems: Vec<SheetProblem>,
}

/// Bytes as MB, rounded up (so that a file over the limit never shows as equal to it).
fn mb_up(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// Read a spreadsheet file. See the module documentation for what is read and how.
pub fn read_workbook(path: &Path, opts: &ReadOptions) -> Result<ReadResult, ReadError> {
    let format = checked_format(path, opts.max_file_bytes)?;
    // The whole file in memory, once (it is within `max_file_bytes`): the zip directory,
    // calamine and the merge scan then read it without a system call each.
    let bytes = std::fs::read(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let head = bytes.get(..bytes.len().min(512)).unwrap_or_default();
    if head.is_empty() {
        return Err(ReadError::Empty { format });
    }

    let mut budget = Budget::new(opts);
    if format.is_document() {
        return read_document(path, format, &bytes, opts, &mut budget);
    }
    let mut ctx = Ctx {
        sheets: Vec::new(),
        problems: Vec::new(),
        formulas: opts.formulas,
    };
    match sniff(head) {
        Sniffed::Zip => {
            if format == Format::Xls {
                return Err(zip_mismatch(path, format));
            }
            // The package's directory first: what it declares bounds what is inflated.
            let mut package = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).ok();
            if let Some(zip) = &mut package {
                let inflated = declared_inflated_size(zip);
                if inflated > opts.max_inflated_bytes {
                    return Err(ReadError::Limit {
                        limit: Limit::InflatedBytes,
                        actual: inflated,
                        max: opts.max_inflated_bytes,
                    });
                }
            }
            let reader = std::io::Cursor::new(&bytes[..]);
            let opened = match format {
                Format::Xlsx | Format::Xlsm => {
                    read_xlsx_package(&bytes, package.as_mut(), &mut budget, &mut ctx)
                }
                Format::Xlsb => read_xlsb(reader, &mut budget, &mut ctx),
                Format::Ods => read_ods(reader, &mut budget, &mut ctx),
                _ => Ok(()),
            };
            if let Err(e) = opened {
                return Err(match e {
                    OpenFailure::Encrypted => ReadError::Encrypted { format },
                    OpenFailure::Io(source) => ReadError::Io { source },
                    OpenFailure::TooLarge(detail) => ReadError::TooLarge { format, detail },
                    OpenFailure::Inflated(actual) => ReadError::Limit {
                        limit: Limit::InflatedBytes,
                        actual,
                        max: opts.max_inflated_bytes,
                    },
                    OpenFailure::Corrupt(detail) => match zip_mismatch(path, format) {
                        ReadError::Corrupt { .. } => ReadError::Corrupt { format, detail },
                        other => other,
                    },
                });
            }
        }
        Sniffed::Ole2 => {
            let ole =
                ole::Ole::parse(&bytes).map_err(|detail| ReadError::Corrupt { format, detail })?;
            if ole.find("EncryptedPackage").is_some() {
                return Err(ReadError::Encrypted { format });
            }
            let is_workbook = ole.find("Workbook").is_some() || ole.find("Book").is_some();
            match format {
                Format::Xls if is_workbook => read_xls(&ole, opts, &mut budget, &mut ctx)?,
                Format::Xls => {
                    return Err(ReadError::NotSpreadsheet {
                        format,
                        content: Content::Ole2,
                    });
                }
                _ if is_workbook => {
                    return Err(ReadError::WrongExtension {
                        format,
                        actual: Format::Xls,
                    });
                }
                _ => {
                    return Err(ReadError::NotSpreadsheet {
                        format,
                        content: Content::Ole2,
                    });
                }
            }
        }
        Sniffed::Other(content) => return Err(ReadError::NotSpreadsheet { format, content }),
    }

    // calamine gives no number formats for these: a 95 % may be stored as 0.95.
    if matches!(format, Format::Ods | Format::Xlsb) {
        for g in &mut ctx.sheets {
            g.number_formats = false;
        }
    }
    Ok(ReadResult {
        workbook: Workbook {
            path: path.to_path_buf(),
            sheets: ctx.sheets,
            paragraphs: Vec::new(),
        },
        problems: ctx.problems,
    })
}

/// Read a report document (.docx/.docm, .pdf): its tables as sheets, its paragraphs.
fn read_document(
    path: &Path,
    format: Format,
    bytes: &[u8],
    opts: &ReadOptions,
    budget: &mut Budget,
) -> Result<ReadResult, ReadError> {
    let head = bytes.get(..bytes.len().min(512)).unwrap_or_default();
    let sniffed = sniff(head);
    let (sheets, paragraphs) = match (format, sniffed) {
        (Format::Doc, Sniffed::Zip) | (Format::Docx | Format::Docm, Sniffed::Zip) => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
                ReadError::Corrupt {
                    format,
                    detail: e.to_string(),
                }
            })?;
            let inflated = declared_inflated_size(&mut zip);
            if inflated > opts.max_inflated_bytes {
                return Err(ReadError::Limit {
                    limit: Limit::InflatedBytes,
                    actual: inflated,
                    max: opts.max_inflated_bytes,
                });
            }
            // A zip of something else (an .xlsx renamed, photos): not a damaged document.
            if !docx::is_word_package(&mut zip) {
                return Err(match zip_mismatch(path, Format::Docx) {
                    ReadError::WrongExtension { actual, .. } => {
                        ReadError::WrongExtension { format, actual }
                    }
                    _ => ReadError::NotSpreadsheet {
                        format,
                        content: Content::Zip,
                    },
                });
            }
            match docx::read_docx(&mut zip, budget, opts.max_inflated_bytes) {
                Ok(read) => read,
                Err(OpenFailure::Inflated(actual)) => {
                    return Err(ReadError::Limit {
                        limit: Limit::InflatedBytes,
                        actual,
                        max: opts.max_inflated_bytes,
                    });
                }
                Err(OpenFailure::Corrupt(detail)) => {
                    return Err(match zip_mismatch(path, Format::Docx) {
                        ReadError::WrongExtension { actual, .. } => {
                            ReadError::WrongExtension { format, actual }
                        }
                        _ => ReadError::Corrupt { format, detail },
                    });
                }
                Err(OpenFailure::Encrypted) => return Err(ReadError::Encrypted { format }),
                Err(OpenFailure::Io(source)) => return Err(ReadError::Io { source }),
                Err(OpenFailure::TooLarge(detail)) => {
                    return Err(ReadError::TooLarge { format, detail });
                }
            }
        }
        (Format::Doc, _) => return Err(ReadError::OldWord),
        (Format::Docx | Format::Docm, Sniffed::Ole2) => {
            let ole =
                ole::Ole::parse(bytes).map_err(|detail| ReadError::Corrupt { format, detail })?;
            return Err(if ole.find("EncryptedPackage").is_some() {
                ReadError::Encrypted { format }
            } else if ole.find("WordDocument").is_some() {
                ReadError::OldWord
            } else if ole.find("Workbook").is_some() || ole.find("Book").is_some() {
                ReadError::WrongExtension {
                    format,
                    actual: Format::Xls,
                }
            } else {
                ReadError::NotSpreadsheet {
                    format,
                    content: Content::Ole2,
                }
            });
        }
        (Format::Pdf, Sniffed::Other(Content::Pdf)) => {
            let (tables, paragraphs) = pdf::read_pdf(bytes, budget).map_err(|e| match e {
                pdf::PdfFailure::Encrypted => ReadError::Encrypted { format },
                pdf::PdfFailure::Scanned => ReadError::Scanned,
                pdf::PdfFailure::Corrupt(detail) => ReadError::Corrupt { format, detail },
                pdf::PdfFailure::TooLarge(detail) => ReadError::TooLarge { format, detail },
            })?;
            pdf::join_page_pieces(tables, paragraphs)
        }
        (Format::Pdf, Sniffed::Zip) => return Err(zip_mismatch(path, format)),
        (_, Sniffed::Other(content)) => {
            return Err(ReadError::NotSpreadsheet { format, content });
        }
        (_, Sniffed::Zip) => return Err(zip_mismatch(path, format)),
        (_, Sniffed::Ole2) => {
            return Err(ReadError::NotSpreadsheet {
                format,
                content: Content::Ole2,
            });
        }
    };
    Ok(ReadResult {
        workbook: Workbook {
            path: path.to_path_buf(),
            sheets,
            paragraphs,
        },
        problems: Vec::new(),
    })
}

// ---------------------------------------------------------------------------------------
// What a format reader hands back
// ---------------------------------------------------------------------------------------

/// Sheets and problems gathered while reading.
struct Ctx {
    sheets: Vec<Grid>,
    problems: Vec<SheetProblem>,
    formulas: bool,
}

impl Ctx {
    /// What reading one sheet gave: its grid, counted against the budget, with what of it
    /// could not be read; or why it was left out (a panic in calamine among them).
    fn take(&mut self, sheet: &str, outcome: Result<SheetOutcome, String>, budget: &mut Budget) {
        match outcome {
            Ok(Ok((grid, partial))) => {
                budget.spend(u64::from(grid.height) * u64::from(grid.width));
                for kind in partial {
                    self.problem(sheet, kind);
                }
                self.sheets.push(grid);
            }
            Ok(Err(kind)) => self.problem(sheet, kind),
            Err(detail) => self.problem(sheet, SheetProblemKind::Unreadable { detail }),
        }
    }

    fn problem(&mut self, sheet: &str, kind: SheetProblemKind) {
        self.problems.push(SheetProblem {
            sheet: sheet.to_string(),
            kind,
        });
    }
}

/// Why a calamine reader could not be opened.
#[derive(Debug)]
enum OpenFailure {
    Encrypted,
    Io(std::io::Error),
    Corrupt(String),
    TooLarge(String),
    /// A part inflated past the inflated-size limit (at least this many bytes) although
    /// the zip directory declared less.
    Inflated(u64),
}

/// An I/O error from inside an archive that opened: unless the OS reported it, it is
/// damage (bad deflate data, unsupported compression method…), not I/O.
fn io_failure(io: std::io::Error) -> OpenFailure {
    if io.raw_os_error().is_some() {
        OpenFailure::Io(io)
    } else {
        OpenFailure::Corrupt(io.to_string())
    }
}

/// What reading one sheet gave: its grid with what of it could not be read, or why it
/// was left out.
type SheetOutcome = Result<(Grid, Vec<SheetProblemKind>), SheetProblemKind>;
