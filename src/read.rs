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
//!   `worksheet_range` (dense) is never called. An `.xlsx` package up to 256 MB inflated
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

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use calamine::{
    CellErrorType, Data, DataRef, ExcelDateTime, Ods, OdsError, Reader, SheetType, SheetVisible,
    Style, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxError,
};
use rust_decimal::Decimal;

use crate::figure::decimal_from_f64;
use crate::grid::{Cell, Grid, Pos, Range, Value, Workbook};

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

/// A spreadsheet file format, as chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Xlsb,
    Ods,
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
        }
    }

    /// xlsx and xlsm are the same container; everything else is its own family.
    fn same_family(self, other: Format) -> bool {
        let fam = |f: Format| match f {
            Format::Xlsx | Format::Xlsm => 0,
            Format::Xls => 1,
            Format::Xlsb => 2,
            Format::Ods => 3,
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
            ReadError::NotSpreadsheet { .. } => "read.not-spreadsheet",
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
            ReadError::Encrypted { .. } => String::new(),
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

/// The format a path names (by extension) and the first bytes of the file, for sniffing
/// what it really holds: the shared start of [`read_workbook`] and [`read_styles`].
fn open_head(path: &Path, max_bytes: u64) -> Result<(Format, [u8; 512], usize), ReadError> {
    let format = checked_format(path, max_bytes)?;
    let mut head = [0u8; 512];
    let head_len = {
        let mut f = File::open(path).map_err(|source| ReadError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        read_up_to(&mut f, &mut head).map_err(|source| ReadError::Io { source })?
    };
    if head_len == 0 {
        return Err(ReadError::Empty { format });
    }
    Ok((format, head, head_len))
}

/// The format a path names (by extension), once it is known to be a regular file within
/// the size limit.
fn checked_format(path: &Path, max_bytes: u64) -> Result<Format, ReadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_string);
    let format = ext
        .as_deref()
        .and_then(Format::from_extension)
        .ok_or_else(|| ReadError::UnsupportedFormat {
            extension: ext.clone(),
        })?;
    let open_err = |source: std::io::Error| ReadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(open_err)?;
    if !meta.is_file() {
        return Err(open_err(std::io::Error::other("not a regular file")));
    }
    if meta.len() > max_bytes {
        return Err(ReadError::Limit {
            limit: Limit::FileBytes,
            actual: meta.len(),
            max: max_bytes,
        });
    }
    Ok(format)
}

/// Is the file within the size limits of `opts` (on disk, and inflated for zip-based
/// workbooks)? The checks [`read_workbook`] makes before reading anything, for callers
/// that read a file some other way first.
pub fn within_limits(path: &Path, opts: &ReadOptions) -> Result<(), ReadError> {
    open_head(path, opts.max_file_bytes)?;
    let package = File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok());
    if let Some(mut zip) = package {
        let inflated = declared_inflated_size(&mut zip);
        if inflated > opts.max_inflated_bytes {
            return Err(ReadError::Limit {
                limit: Limit::InflatedBytes,
                actual: inflated,
                max: opts.max_inflated_bytes,
            });
        }
    }
    Ok(())
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
                Format::Xlsx | Format::Xlsm => match package
                    .as_mut()
                    .and_then(|zip| unpack_xlsx(zip, bytes.len()))
                {
                    Some(unpacked) => read_xlsx(
                        std::io::Cursor::new(&unpacked.bytes[..]),
                        Some(unpacked.merges),
                        &mut budget,
                        &mut ctx,
                    ),
                    None => read_xlsx(reader, None, &mut budget, &mut ctx),
                },
                Format::Xlsb => read_xlsb(reader, &mut budget, &mut ctx),
                Format::Ods => read_ods(reader, &mut budget, &mut ctx),
                Format::Xls => Ok(()),
            };
            if let Err(e) = opened {
                return Err(match e {
                    OpenFailure::Encrypted => ReadError::Encrypted { format },
                    OpenFailure::Io(source) => ReadError::Io { source },
                    OpenFailure::TooLarge(detail) => ReadError::TooLarge { format, detail },
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
        },
        problems: ctx.problems,
    })
}

/// The first `rows` rows of every worksheet of an `.xlsx`, as texts per row (streamed:
/// the rest of each sheet is not parsed). For finding the unit a workbook names cheaply.
pub fn xlsx_title_rows(path: &Path, title_rows: u32) -> Option<Vec<Vec<Vec<String>>>> {
    // calamine panics on some damaged files (fuzzing found three): nothing here escapes.
    run_guarded(|| title_rows_unguarded(path, title_rows))
        .ok()
        .flatten()
}

fn title_rows_unguarded(path: &Path, title_rows: u32) -> Option<Vec<Vec<Vec<String>>>> {
    use calamine::{DataRef, Reader, Xlsx};
    // Only a zip package is an .xlsx: calamine's password probe panics on damaged OLE2.
    let mut head = [0u8; 4];
    let mut file = std::fs::File::open(path).ok()?;
    file.read_exact(&mut head).ok()?;
    if head != *b"PK\x03\x04" {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::BufReader::new(file)).ok()?;
    let names: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut out = Vec::new();
    for name in names {
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); title_rows as usize];
        if let Ok(mut reader) = wb.worksheet_cells_reader(&name) {
            while let Ok(Some(cell)) = reader.next_cell() {
                let (r, _) = cell.get_position();
                if r >= title_rows {
                    break;
                }
                let text = match cell.get_value() {
                    DataRef::String(s) => s.clone(),
                    DataRef::SharedString(s) => s.to_string(),
                    DataRef::Empty => continue,
                    DataRef::Int(i) => i.to_string(),
                    DataRef::Float(f) => f.to_string(),
                    DataRef::Bool(b) => b.to_string(),
                    _ => "#".to_string(),
                };
                if let Some(row) = rows.get_mut(r as usize) {
                    row.push(text);
                }
            }
        }
        out.push(rows);
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Shared plumbing
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
enum OpenFailure {
    Encrypted,
    Io(std::io::Error),
    Corrupt(String),
    TooLarge(String),
}

/// Cell budget: per sheet and what is left for the workbook.
struct Budget {
    per_sheet: u64,
    total_left: u64,
}

impl Budget {
    fn new(opts: &ReadOptions) -> Self {
        Budget {
            per_sheet: opts.max_cells,
            total_left: opts.max_total_cells,
        }
    }

    /// The budget for the next sheet.
    fn current(&self) -> u64 {
        self.per_sheet.min(self.total_left)
    }

    fn spend(&mut self, cells: u64) {
        self.total_left = self.total_left.saturating_sub(cells);
    }
}

/// Rows and columns (from A1) needed to hold the cells seen so far.
#[derive(Debug, Clone, Copy, Default)]
struct Extent {
    rows: u64,
    cols: u64,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        self.rows = self.rows.max(u64::from(row) + 1);
        self.cols = self.cols.max(u64::from(col) + 1);
    }

    fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.cols)
    }

    fn too_large(&self, budget: u64) -> Option<SheetProblemKind> {
        let cells = self.cells();
        if cells > budget || self.rows > u64::from(u32::MAX) || self.cols > u64::from(u32::MAX) {
            Some(SheetProblemKind::TooLarge {
                rows: self.rows,
                cols: self.cols,
                cells,
                budget,
            })
        } else {
            None
        }
    }
}

fn too_many_records(ext: Extent, count: u64, budget: u64) -> SheetProblemKind {
    SheetProblemKind::TooLarge {
        rows: ext.rows,
        cols: ext.cols,
        cells: count,
        budget,
    }
}

/// Does this cell extend the grid? Blank text and formatted-but-empty cells do not.
fn meaningful(value: &Value, formula: bool) -> bool {
    formula || !value.is_empty()
}

/// A sheet gathered sparsely, turned into a dense grid once its extent is known.
struct SparseSheet {
    extent: Extent,
    cells: Vec<(u32, u32, Value)>,
    formulas: Vec<(u32, u32, String)>,
}

impl SparseSheet {
    /// Keep a streamed cell, refusing the sheet as soon as its extent or its number of
    /// records goes over the budget.
    fn accept(
        &mut self,
        row: u32,
        col: u32,
        value: Value,
        budget: u64,
    ) -> Result<(), SheetProblemKind> {
        if meaningful(&value, false) {
            self.extent.add(row, col);
            if let Some(kind) = self.extent.too_large(budget) {
                return Err(kind);
            }
        }
        if value != Value::Empty {
            self.cells.push((row, col, value));
            if self.cells.len() as u64 > budget {
                return Err(too_many_records(
                    self.extent,
                    self.cells.len() as u64,
                    budget,
                ));
            }
        }
        Ok(())
    }

    fn new() -> Self {
        SparseSheet {
            extent: Extent::default(),
            cells: Vec::new(),
            formulas: Vec::new(),
        }
    }

    fn into_grid(self, name: &str, hidden: bool) -> Grid {
        // The caller checked the extent against the budget, so both fit in u32.
        let height = u32::try_from(self.extent.rows).unwrap_or(0);
        let width = u32::try_from(self.extent.cols).unwrap_or(0);
        let mut grid = Grid::new(name, height, width);
        grid.hidden = hidden;
        for (row, col, value) in self.cells {
            let p = Pos::new(row, col);
            let formula = grid.get(p).formula.clone();
            grid.set(p, Cell { value, formula });
        }
        for (row, col, formula) in self.formulas {
            let p = Pos::new(row, col);
            let value = grid.value(p).clone();
            grid.set(
                p,
                Cell {
                    value,
                    formula: Some(formula),
                },
            );
        }
        grid
    }
}

fn run_guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("calamine panicked: {msg}")
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..).filter(|rest| !rest.is_empty()) {
        match r.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The little-endian `u16` at byte `at` of `b`, if `b` is long enough.
fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..)?.first_chunk().copied().map(u16::from_le_bytes)
}

/// The little-endian `u32` at byte `at` of `b`, if `b` is long enough.
fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..)?.first_chunk().copied().map(u32::from_le_bytes)
}

/// The little-endian `u64` at byte `at` of `b`, if `b` is long enough.
fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..)?.first_chunk().copied().map(u64::from_le_bytes)
}

/// UTF-16LE code units (a trailing odd byte is ignored).
fn utf16_units(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2).filter_map(|u| le_u16(u, 0)).collect()
}

enum Sniffed {
    Zip,
    Ole2,
    Other(Content),
}

fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(b"PK\x07\x08")
    {
        return Sniffed::Zip;
    }
    if head.starts_with(&ole::MAGIC) {
        return Sniffed::Ole2;
    }
    if head.starts_with(b"%PDF") {
        return Sniffed::Other(Content::Pdf);
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let printable = text
        .iter()
        .all(|&b| b >= 0x20 || b == b'\n' || b == b'\r' || b == b'\t' || b >= 0x80);
    let lower: Vec<u8> = text
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.windows(5).any(|w| w == b"<html")
    {
        Sniffed::Other(Content::Html)
    } else if lower.starts_with(b"<?xml") || (lower.starts_with(b"<") && printable) {
        Sniffed::Other(Content::Xml)
    } else if printable {
        Sniffed::Other(Content::Text)
    } else {
        Sniffed::Other(Content::Binary)
    }
}

/// For a zip file that calamine rejected (or that is named `.xls`): which spreadsheet it
/// really is, as an error.
fn zip_mismatch(path: &Path, format: Format) -> ReadError {
    const LIMIT: u64 = 256 * 1024 * 1024;
    let mut bytes = Vec::new();
    if let Ok(f) = File::open(path) {
        // Best effort: an unreadable file just gives no better diagnosis.
        let _ = f.take(LIMIT).read_to_end(&mut bytes);
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let actual = if has(b"xl/workbook.bin") {
        Some(Format::Xlsb)
    } else if has(b"xl/workbook.xml") {
        Some(Format::Xlsx)
    } else if has(b"application/vnd.oasis.opendocument.spreadsheet") {
        Some(Format::Ods)
    } else {
        None
    };
    match actual {
        Some(actual) if !actual.same_family(format) => ReadError::WrongExtension { format, actual },
        Some(_) => ReadError::Corrupt {
            format,
            detail: String::new(),
        },
        None if format == Format::Xls => ReadError::NotSpreadsheet {
            format,
            content: Content::Zip,
        },
        None => {
            // Not recognisably a spreadsheet; a truncated archive may have lost its names.
            if bytes.len() < 64 * 1024 {
                ReadError::Corrupt {
                    format,
                    detail: String::new(),
                }
            } else {
                ReadError::NotSpreadsheet {
                    format,
                    content: Content::Zip,
                }
            }
        }
    }
}

fn worksheets_of(sheets: &[calamine::Sheet]) -> Vec<(String, bool)> {
    sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/// What a number format says about how a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct NumFmt {
    percent: bool,
    decimals: Option<u32>,
}

/// Analyse a number format code (its first, positive section).
/// `0.00%` → percent, 2 decimals; `#,##0` → 0; `#,##0.00` → 2; `General`, `@`, dates and
/// fractions → no decimals.
fn number_format_info(code: &str) -> NumFmt {
    let chars: Vec<char> = code.chars().collect();
    let (mut percent, mut general, mut date, mut fraction, mut digits) =
        (false, false, false, false, false);
    let mut decimals: Option<u32> = None;
    let mut in_decimals = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            ';' => break,
            '"' => {
                while chars.get(i).is_some_and(|&q| q != '"') {
                    i += 1;
                }
                i += 1;
                in_decimals = false;
            }
            '\\' | '_' | '*' => {
                i += 1;
                in_decimals = false;
            }
            '[' => {
                while chars.get(i).is_some_and(|&q| q != ']') {
                    i += 1;
                }
                i += 1;
            }
            '%' => {
                percent = true;
                in_decimals = false;
            }
            '/' => fraction = true,
            '.' => {
                in_decimals = decimals.is_none();
                if in_decimals {
                    decimals = Some(0);
                }
            }
            '0' | '#' | '?' => {
                digits = true;
                if in_decimals {
                    decimals = decimals.map(|d| d + 1);
                }
            }
            ',' => {}
            'E' | 'e' if matches!(chars.get(i), Some('+' | '-')) => {
                i += 1;
                in_decimals = false;
            }
            'G' | 'g'
                if chars
                    .iter()
                    .skip(i - 1)
                    .take(7)
                    .collect::<String>()
                    .eq_ignore_ascii_case("general") =>
            {
                general = true;
                i += 6;
                in_decimals = false;
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                date = true;
                in_decimals = false;
            }
            _ => in_decimals = false,
        }
    }
    if general || date || fraction || !digits {
        return NumFmt {
            percent,
            decimals: None,
        };
    }
    NumFmt {
        percent,
        decimals: Some(decimals.unwrap_or(0)),
    }
}

fn numfmt_of_style(style: &Style) -> NumFmt {
    style
        .number_format
        .as_ref()
        .map(|nf| number_format_info(&nf.format_code))
        .unwrap_or_default()
}

/// The built-in number format codes shared by BIFF and OOXML (ECMA-376 18.8.30).
fn builtin_format_code(id: u16) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 | 6 => "#,##0 ;(#,##0)",
        7 | 8 => "#,##0.00;(#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        37 | 38 => "#,##0 ;(#,##0)",
        39 | 40 => "#,##0.00;(#,##0.00)",
        41 | 42 => "#,##0",
        43 | 44 => "#,##0.00",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

fn excel_error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#GETTING_DATA",
    }
}

/// Error literals as Excel and LibreOffice show them (for `.ods`, where errors are text).
fn is_error_literal(s: &str) -> bool {
    matches!(
        s,
        "#DIV/0!"
            | "#N/A"
            | "#NAME?"
            | "#NULL!"
            | "#NUM!"
            | "#REF!"
            | "#VALUE!"
            | "#GETTING_DATA"
            | "#SPILL!"
            | "#CALC!"
    ) || (s.starts_with("Err:") && s.len() == 7 && s[4..].bytes().all(|b| b.is_ascii_digit()))
}

fn number_f64(f: f64, fmt: NumFmt) -> Value {
    match decimal_from_f64(f) {
        Some(value) => Value::Number {
            value,
            percent: fmt.percent,
            decimals: fmt.decimals,
        },
        None => Value::Text(format!("{f}")),
    }
}

fn number_i64(i: i64, fmt: NumFmt) -> Value {
    Value::Number {
        value: Decimal::from(i),
        percent: fmt.percent,
        decimals: fmt.decimals,
    }
}

/// A date, time or duration as ISO 8601 text (durations as `[h]:mm:ss`).
fn datetime_text(dt: &ExcelDateTime) -> Value {
    let serial = dt.as_f64();
    if !serial.is_finite() {
        return Value::Text(format!("{serial}"));
    }
    if dt.is_duration() {
        // Whole seconds; the cast saturates for absurd values.
        let secs = (serial * 86_400.0).round() as i64;
        let sign = if secs < 0 { "-" } else { "" };
        let s = secs.unsigned_abs();
        return Value::Text(format!(
            "{sign}{}:{:02}:{:02}",
            s / 3600,
            (s / 60) % 60,
            s % 60
        ));
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let has_time = h != 0 || mi != 0 || s != 0;
    if (0.0..1.0).contains(&serial) {
        Value::Text(format!("{h:02}:{mi:02}:{s:02}"))
    } else if has_time {
        Value::Text(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
    } else {
        Value::Text(format!("{y:04}-{mo:02}-{d:02}"))
    }
}

fn value_from_dataref(d: &DataRef<'_>, fmt: NumFmt) -> Value {
    match d {
        DataRef::Int(i) => number_i64(*i, fmt),
        DataRef::Float(f) => number_f64(*f, fmt),
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => datetime_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
        DataRef::Error(e) => Value::Error(excel_error_text(e).to_string()),
        DataRef::Empty => Value::Empty,
    }
}

fn value_from_data(d: &Data, fmt: NumFmt) -> Value {
    match d {
        Data::Int(i) => number_i64(*i, fmt),
        Data::Float(f) => number_f64(*f, fmt),
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(excel_error_text(e).to_string()),
        Data::Empty => Value::Empty,
    }
}

/// An Excel formula as stored, cleaned for display: no `=`, no `_xlfn.`/`_xlws.` prefixes.
fn excel_formula(f: &str) -> Option<String> {
    let f = f.trim();
    let f = f.strip_prefix('=').unwrap_or(f);
    if f.is_empty() {
        return None;
    }
    Some(
        f.replace("_xlfn._xlws.", "")
            .replace("_xlfn.", "")
            .replace("_xlws.", ""),
    )
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

// ---------------------------------------------------------------------------------------
// xlsx / xlsm
// ---------------------------------------------------------------------------------------

fn xlsx_open_failure(e: XlsxError) -> OpenFailure {
    match e {
        XlsxError::Password => OpenFailure::Encrypted,
        XlsxError::Io(io) => io_failure(io),
        other => OpenFailure::Corrupt(other.to_string()),
    }
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

/// The total size of a zip package's parts once inflated, as its directory declares them.
fn declared_inflated_size<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> u64 {
    // From the central directory alone (no part is opened).
    (0..zip.len())
        .filter_map(|i| zip.by_index_data(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add)
}

/// An .xlsx read by calamine. `merges`: each worksheet's merged ranges, scanned already
/// (see [`unpack_xlsx`]); a sheet without them has calamine parse its part once more.
fn read_xlsx<RS: Read + Seek>(
    reader: RS,
    merges: Option<Vec<(String, Vec<Range>)>>,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), OpenFailure> {
    let mut wb: Xlsx<RS> = run_guarded(|| Xlsx::new(reader))
        .map_err(OpenFailure::Corrupt)?
        .map_err(xlsx_open_failure)?;
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        let formulas = ctx.formulas;
        // The first sheet of that name: calamine reads that part for every sheet of a
        // name a workbook repeats.
        let scanned = merges.as_ref().and_then(|m| {
            m.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, ranges)| ranges.clone())
        });
        let outcome =
            run_guarded(|| xlsx_sheet(&mut wb, &name, hidden, budget.current(), formulas, scanned));
        ctx.take(&name, outcome, budget);
    }
    Ok(())
}

/// An .xlsx package rebuilt with the parts this reader needs inflated once.
struct Unpacked {
    /// The package, its worksheet and workbook parts stored uncompressed, every other
    /// part copied as it was.
    bytes: Vec<u8>,
    /// Each worksheet's name and merged ranges.
    merges: Vec<(String, Vec<Range>)>,
}

/// Inflate the workbook's relationships, the workbook part and every worksheet part
/// once: the merged ranges are scanned from those bytes, and calamine reads them from a
/// copy of the package where they are stored uncompressed. Otherwise each worksheet
/// would be inflated twice (calamine keeps its merge cells to a second XML pass, and
/// its part paths to itself) and the small parts read twice. The copy leaves out the
/// theme, which calamine parses on open for the colours of cell styles and falls back
/// without; the checks use values and number formats only (an annotated copy reads the
/// styles from the file itself). `None` (calamine then reads the file as it is) when
/// the package is too large to hold twice or anything in it does not fit this plan.
/// `packed_len`: the file's size.
fn unpack_xlsx<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    packed_len: usize,
) -> Option<Unpacked> {
    use zip::write::SimpleFileOptions;
    // An LKjIP lampiran inflates to a few MB; a larger package is streamed as it is,
    // which holds less in memory per worker.
    const UNPACK_LIMIT: u64 = 64 * 1024 * 1024;
    let inflated_len = declared_inflated_size(zip);
    if inflated_len > UNPACK_LIMIT {
        return None;
    }
    // calamine finds a part by its name lower-cased, the last of equal names winning;
    // the copy changes the parts' order, so names equal that way keep the file as it is.
    let mut names = std::collections::HashSet::with_capacity(zip.len());
    for i in 0..zip.len() {
        let name = zip.name_for_index(i)?.ok()?;
        if !names.insert(name.replace('\\', "/").to_ascii_lowercase()) {
            return None;
        }
    }
    let capacity = usize::try_from(inflated_len)
        .ok()?
        .saturating_add(packed_len);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(capacity)));
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .large_file(inflated_len > u64::from(u32::MAX) / 2);
    // Parts already in the copy, by index: each stored as soon as it is inflated.
    let mut written = vec![false; zip.len()];
    let mut store = |zip: &mut zip::ZipArchive<R>, index: usize, bytes: &[u8]| -> Option<()> {
        let done = written.get_mut(index)?;
        if !*done {
            let name = zip.name_for_index(index)?.ok()?.to_string();
            out.start_file(name, stored).ok()?;
            std::io::Write::write_all(&mut out, bytes).ok()?;
            *done = true;
        }
        Some(())
    };
    let sheets = xlsx_sheet_parts(zip, &mut |zip, name| {
        let (index, bytes) = zip_entry(zip, name, UNPACK_LIMIT)?;
        store(zip, index, &bytes)?;
        Some(bytes)
    })?;
    let mut merges = Vec::with_capacity(sheets.len());
    for (name, part) in sheets {
        // A part that cannot be inflated here has no scanned merges: calamine's own merge
        // pass reads them (or reports the sheet).
        let Some((index, xml)) = zip_entry(zip, &part, UNPACK_LIMIT) else {
            continue;
        };
        merges.push((name, scan_merges(&xml)));
        store(zip, index, &xml)?;
    }
    for i in 0..zip.len() {
        let name = zip
            .name_for_index(i)?
            .ok()?
            .replace('\\', "/")
            .to_ascii_lowercase();
        // The part calamine reads for theme colours: `<workbook folder>/theme/theme1.xml`.
        let theme = name.ends_with("/theme/theme1.xml");
        if !written.get(i).copied().unwrap_or(true) && !theme {
            out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?;
        }
    }
    let bytes = out.finish().ok()?.into_inner();
    Some(Unpacked { bytes, merges })
}

type SheetOutcome = Result<(Grid, Vec<SheetProblemKind>), SheetProblemKind>;

fn xlsx_sheet<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    hidden: bool,
    budget: u64,
    formulas: bool,
    merges: Option<Vec<Range>>,
) -> SheetOutcome {
    let unreadable = |e: XlsxError| SheetProblemKind::Unreadable {
        detail: e.to_string(),
    };
    let mut sheet = SparseSheet::new();
    let mut partial = Vec::new();
    // Cells whose value calamine rejects (error literals it does not know, e.g. #SPILL!):
    // (index of the cell in stream order, the literal).
    let mut rejected: Vec<(usize, String)> = Vec::new();

    // Pass 1: values and number formats.
    {
        let mut reader = match wb.worksheet_cells_reader(name) {
            Ok(r) => r,
            Err(XlsxError::NotAWorksheet(_)) => return Ok((sparse_empty(name, hidden), partial)),
            Err(e) => return Err(unreadable(e)),
        };
        let formats: Vec<NumFmt> = reader.styles().iter().map(numfmt_of_style).collect();
        let mut seq = 0usize;
        loop {
            match reader.next_cell_with_style_id() {
                Ok(None) => break,
                Ok(Some((cell, style_id))) => {
                    seq += 1;
                    let (row, col) = cell.get_position();
                    let fmt = formats.get(style_id).copied().unwrap_or_default();
                    let value = value_from_dataref(cell.get_value(), fmt);
                    sheet.accept(row, col, value, budget)?;
                }
                // calamine stops inside the <v> of that cell; the next call resumes after it.
                Err(XlsxError::CellError(literal)) => {
                    rejected.push((seq, literal));
                    seq += 1;
                    if rejected.len() as u64 > budget {
                        return Err(too_many_records(
                            sheet.extent,
                            rejected.len() as u64,
                            budget,
                        ));
                    }
                }
                Err(e) => return Err(unreadable(e)),
            }
        }
    }

    // Pass 2: formulas (and the positions of the rejected cells), when wanted.
    if formulas || !rejected.is_empty() {
        let mut rejected_at = rejected.iter().peekable();
        let mut formula_error = None;
        match wb.worksheet_cells_reader(name) {
            Ok(mut reader) => {
                let mut seq = 0usize;
                loop {
                    match reader.next_formula() {
                        Ok(None) => break,
                        Ok(Some(cell)) => {
                            let (row, col) = cell.get_position();
                            if let Some((_, literal)) = rejected_at.next_if(|(i, _)| *i == seq) {
                                sheet.cells.push((row, col, Value::Error(literal.clone())));
                                sheet.extent.add(row, col);
                            }
                            seq += 1;
                            if let Some(f) = excel_formula(cell.get_value()) {
                                sheet.extent.add(row, col);
                                sheet.formulas.push((row, col, f));
                                if sheet.formulas.len() as u64 > budget {
                                    return Err(too_many_records(
                                        sheet.extent,
                                        sheet.formulas.len() as u64,
                                        budget,
                                    ));
                                }
                            }
                        }
                        Err(e) => {
                            formula_error = Some(e.to_string());
                            break;
                        }
                    }
                }
            }
            Err(e) => formula_error = Some(e.to_string()),
        }
        if let Some(detail) = formula_error {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Formulas,
                detail,
            });
        }
        let lost: Vec<&str> = rejected_at.map(|(_, literal)| literal.as_str()).collect();
        if !lost.is_empty() {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Cells,
                detail: lost_cells_detail(&lost),
            });
        }
    }
    if let Some(kind) = sheet.extent.too_large(budget) {
        return Err(kind);
    }

    // Pass 3: merged ranges, unless scanned already.
    let merges = match merges.map_or_else(
        || {
            wb.merge_cells_by_sheet_name(name)
                .map(|d| d.iter().map(range_of).collect())
        },
        Ok,
    ) {
        Ok(merges) => merges,
        Err(e) => {
            partial.push(SheetProblemKind::Incomplete {
                part: SheetPart::Merges,
                detail: e.to_string(),
            });
            Vec::new()
        }
    };
    let mut grid = sheet.into_grid(name, hidden);
    grid.merges = merges;
    Ok((grid, partial))
}

/// `3 × #SPILL!, 1 × #CALC!`: the error values whose cells were lost, language-neutral.
fn lost_cells_detail(literals: &[&str]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for l in literals {
        match counts.iter_mut().find(|(x, _)| x == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    counts
        .iter()
        .map(|(l, n)| format!("{n} × {l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sparse_empty(name: &str, hidden: bool) -> Grid {
    SparseSheet::new().into_grid(name, hidden)
}

fn range_of(d: &calamine::Dimensions) -> Range {
    Range {
        start: Pos::new(d.start.0, d.start.1),
        end: Pos::new(d.end.0, d.end.1),
    }
}

// ---------------------------------------------------------------------------------------
// xlsb
// ---------------------------------------------------------------------------------------

fn read_xlsb<RS: Read + Seek>(
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

// ---------------------------------------------------------------------------------------
// Dense calamine ranges (xls, ods)
// ---------------------------------------------------------------------------------------

/// How the cells of a dense calamine range are to be understood.
struct Dialect<'a> {
    /// The number format of the cell at an absolute position.
    fmt_at: &'a dyn Fn(u32, u32) -> NumFmt,
    /// The formula text as the grid keeps it.
    formula: fn(&str) -> Option<String>,
    /// Error results are stored as text (LibreOffice's .ods).
    errors_as_text: bool,
}

/// Build a grid from calamine's dense ranges, budget first.
fn grid_from_ranges(
    name: &str,
    hidden: bool,
    values: &calamine::Range<Data>,
    formulas: Option<&calamine::Range<String>>,
    dialect: &Dialect<'_>,
    budget: u64,
) -> Result<Grid, SheetProblemKind> {
    let mut sheet = SparseSheet::new();
    let (r0, c0) = values.start().unwrap_or((0, 0));
    for (r, c, d) in values.used_cells() {
        let (Some(row), Some(col)) = (offset(r0, r), offset(c0, c)) else {
            continue;
        };
        let value = value_from_data(d, (dialect.fmt_at)(row, col));
        if meaningful(&value, false) {
            sheet.extent.add(row, col);
        }
        if value != Value::Empty {
            sheet.cells.push((row, col, value));
        }
    }
    if let Some(formulas) = formulas {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            let (Some(row), Some(col)) = (offset(r0, r), offset(c0, c)) else {
                continue;
            };
            if let Some(f) = (dialect.formula)(f) {
                sheet.extent.add(row, col);
                sheet.formulas.push((row, col, f));
            }
        }
    }
    if let Some(kind) = sheet.extent.too_large(budget) {
        return Err(kind);
    }
    if dialect.errors_as_text {
        // LibreOffice stores a formula's error result as text; with a formula, it is an error.
        let has_formula: std::collections::HashSet<(u32, u32)> =
            sheet.formulas.iter().map(|(r, c, _)| (*r, *c)).collect();
        for (r, c, v) in &mut sheet.cells {
            if let Value::Text(t) = v
                && has_formula.contains(&(*r, *c))
                && is_error_literal(t)
            {
                *v = Value::Error(std::mem::take(t));
            }
        }
    }
    Ok(sheet.into_grid(name, hidden))
}

fn offset(base: u32, rel: usize) -> Option<u32> {
    u32::try_from(rel).ok().and_then(|r| base.checked_add(r))
}

// ---------------------------------------------------------------------------------------
// ods
// ---------------------------------------------------------------------------------------

fn read_ods<RS: Read + Seek>(
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

// ---------------------------------------------------------------------------------------
// xls
// ---------------------------------------------------------------------------------------

fn read_xls(
    ole: &ole::Ole<'_>,
    opts: &ReadOptions,
    budget: &mut Budget,
    ctx: &mut Ctx,
) -> Result<(), ReadError> {
    let format = Format::Xls;
    let corrupt = |detail: String| ReadError::Corrupt { format, detail };
    let entry = ole
        .find("Workbook")
        .or_else(|| ole.find("Book"))
        .ok_or_else(|| corrupt("no Workbook stream".into()))?;
    let mut stream = ole.stream(entry).map_err(corrupt)?;
    let scan = biff::scan(&stream, opts.max_cells);
    if scan.encrypted {
        return Err(ReadError::Encrypted { format });
    }
    if let Some(detail) = scan.error {
        return Err(corrupt(detail));
    }

    // Decide, sheet by sheet in workbook order, which sheets fit; neutralise the others.
    let mut verdicts: Vec<Option<SheetProblemKind>> = Vec::with_capacity(scan.sheets.len());
    let mut planned = Budget::new(opts);
    let mut neutralise: Vec<usize> = Vec::new();
    for sheet in &scan.sheets {
        neutralise.extend_from_slice(&sheet.dimensions);
        let b = planned.current();
        let verdict = if sheet.records > b {
            Some(too_many_records(sheet.extent, sheet.records, b))
        } else {
            sheet.extent.too_large(b)
        };
        if verdict.is_some() {
            neutralise.extend_from_slice(&sheet.cell_records);
        } else {
            planned.spend(sheet.extent.cells());
        }
        verdicts.push(verdict);
    }
    biff::neutralise(&mut stream, &neutralise);
    let clean = ole::write_single_stream("Workbook", &stream);

    let mut wb: Xls<std::io::Cursor<Vec<u8>>> =
        run_guarded(|| Xls::new(std::io::Cursor::new(clean)))
            .map_err(corrupt)?
            .map_err(|e| match e {
                XlsError::Password => ReadError::Encrypted { format },
                other => corrupt(other.to_string()),
            })?;

    let all: Vec<calamine::Sheet> = wb.sheets_metadata().to_vec();
    for (index, meta) in all.iter().enumerate() {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let name = meta.name.clone();
        let hidden = meta.visible != SheetVisible::Visible;
        let Some(scanned) = scan.sheets.get(index) else {
            ctx.problem(
                &name,
                SheetProblemKind::Unreadable {
                    detail: "sheet not found in the workbook stream".into(),
                },
            );
            continue;
        };
        if let Some(Some(kind)) = verdicts.get(index) {
            ctx.problem(&name, kind.clone());
            continue;
        }
        let fmt_at = |row: u32, col: u32| -> NumFmt {
            scanned
                .ixfe
                .get(&(row, col))
                .map(|&ixfe| scan.numfmt(ixfe))
                .unwrap_or_default()
        };
        let outcome = run_guarded(
            || -> Result<(Grid, Vec<SheetProblemKind>), SheetProblemKind> {
                let values =
                    wb.worksheet_range(&name)
                        .map_err(|e| SheetProblemKind::Unreadable {
                            detail: e.to_string(),
                        })?;
                let mut partial = Vec::new();
                let formulas = match wb.worksheet_formula(&name) {
                    Ok(f) => Some(f),
                    Err(e) => {
                        partial.push(SheetProblemKind::Incomplete {
                            part: SheetPart::Formulas,
                            detail: e.to_string(),
                        });
                        None
                    }
                };
                let dialect = Dialect {
                    fmt_at: &fmt_at,
                    formula: xls_formula,
                    errors_as_text: false,
                };
                let mut grid = grid_from_ranges(
                    &name,
                    hidden,
                    &values,
                    formulas.as_ref(),
                    &dialect,
                    budget.current(),
                )?;
                match wb.merge_cells_by_sheet_name(&name) {
                    Ok(dims) => grid.merges = dims.iter().map(range_of).collect(),
                    Err(e) => partial.push(SheetProblemKind::Incomplete {
                        part: SheetPart::Merges,
                        detail: e.to_string(),
                    }),
                }
                Ok((grid, partial))
            },
        );
        ctx.take(&name, outcome, budget);
    }
    Ok(())
}

/// calamine writes "Unrecognised formula for cell …" for formulas it cannot decode.
fn xls_formula(f: &str) -> Option<String> {
    if f.starts_with("Unrecognised formula") {
        None
    } else {
        excel_formula(f)
    }
}

// ---------------------------------------------------------------------------------------
// Cell styles and sheet layout (for annotated copies)
// ---------------------------------------------------------------------------------------

/// An RGB colour, `0xRRGGBB`.
pub type Rgb = u32;

/// Font underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Underline {
    #[default]
    None,
    Single,
    Double,
    SingleAccounting,
    DoubleAccounting,
}

/// A cell's font, as far as it is stated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FontStyle {
    pub name: Option<String>,
    /// Size in points.
    pub size: Option<f64>,
    pub bold: bool,
    pub italic: bool,
    pub underline: Underline,
    pub strikethrough: bool,
    /// `None`: automatic (black is reported as automatic).
    pub color: Option<Rgb>,
}

/// Fill patterns (ECMA-376 18.18.55), without `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FillPattern {
    Solid,
    MediumGray,
    DarkGray,
    LightGray,
    DarkHorizontal,
    DarkVertical,
    DarkDown,
    DarkUp,
    DarkGrid,
    DarkTrellis,
    LightHorizontal,
    LightVertical,
    LightDown,
    LightUp,
    LightGrid,
    LightTrellis,
    Gray125,
    Gray0625,
}

/// A cell's fill. For `Solid`, `foreground` is the cell's colour.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FillStyle {
    pub pattern: FillPattern,
    pub foreground: Option<Rgb>,
    pub background: Option<Rgb>,
}

/// Border line styles (ECMA-376 18.18.3), without `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineStyle {
    Thin,
    Medium,
    Dashed,
    Dotted,
    Thick,
    Double,
    Hair,
    MediumDashed,
    DashDot,
    MediumDashDot,
    DashDotDot,
    MediumDashDotDot,
    SlantDashDot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BorderLine {
    pub style: LineStyle,
    /// `None`: automatic.
    pub color: Option<Rgb>,
}

/// The visible borders of a cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BorderStyle {
    pub left: Option<BorderLine>,
    pub right: Option<BorderLine>,
    pub top: Option<BorderLine>,
    pub bottom: Option<BorderLine>,
    pub diagonal_down: Option<BorderLine>,
    pub diagonal_up: Option<BorderLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HAlign {
    #[default]
    General,
    Left,
    Center,
    Right,
    Fill,
    Justify,
    CenterContinuous,
    Distributed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VAlign {
    Top,
    Center,
    #[default]
    Bottom,
    Justify,
    Distributed,
}

/// A cell's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlignStyle {
    pub horizontal: HAlign,
    pub vertical: VAlign,
    pub wrap: bool,
    pub indent: u8,
    pub shrink: bool,
    /// As Excel stores it: 0–90 counter-clockwise, 91–180 clockwise (90 + degrees), 255
    /// stacked.
    pub rotation: u16,
}

/// The style of a cell: what of it the reader could see (`None`: not stated / default).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellStyle {
    /// The number format code as stored (`#,##0.00`, `0.00%`, `General` …).
    pub number_format: Option<String>,
    pub font: Option<FontStyle>,
    pub fill: Option<FillStyle>,
    pub borders: Option<BorderStyle>,
    pub alignment: Option<AlignStyle>,
}

/// Columns `first..=last` (zero-based) share a width and visibility.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColLayout {
    pub first: u32,
    pub last: u32,
    /// Width as the file stores it, in characters of the default font's widest digit
    /// (padding included, so Excel's "40" is stored as 40.71…); `None`: default width.
    pub width: Option<f64>,
    pub hidden: bool,
}

/// One row's height and visibility (only rows that state either).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowLayout {
    pub row: u32,
    /// Height in points, when set by hand (`customHeight`); `None`: automatic.
    pub height: Option<f64>,
    pub hidden: bool,
}

/// The styles and layout of one worksheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetStyles {
    pub name: String,
    pub hidden: bool,
    /// Cells with a style other than the default: position and index into
    /// [`StyleMap::palette`], sorted by position (row-major).
    pub cells: Vec<(Pos, u32)>,
    pub cols: Vec<ColLayout>,
    pub rows: Vec<RowLayout>,
    /// False when the budget stopped the scan or part of the sheet could not be read:
    /// what is here is then only part of the sheet's styles.
    pub complete: bool,
}

impl SheetStyles {
    /// The palette index of the style at `p`, if the cell has one.
    pub fn style_index(&self, p: Pos) -> Option<u32> {
        let key = (p.row, p.col);
        self.cells
            .binary_search_by(|(q, _)| (q.row, q.col).cmp(&key))
            .ok()
            .and_then(|i| self.cells.get(i))
            .map(|&(_, style)| style)
    }
}

/// The cell styles and layout of a workbook, worksheets in workbook order (including the
/// sheets [`read_workbook`] refused as too large, so their place is known).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyleMap {
    pub palette: Vec<CellStyle>,
    pub sheets: Vec<SheetStyles>,
}

impl StyleMap {
    pub fn sheet(&self, name: &str) -> Option<&SheetStyles> {
        self.sheets.iter().find(|s| s.name == name)
    }

    pub fn style(&self, index: u32) -> Option<&CellStyle> {
        self.palette.get(index as usize)
    }
}

/// Read the cell styles and the column/row layout of a workbook, for an annotated copy.
///
/// * `.xlsx`/`.xlsm`: every cell style calamine 0.38 exposes (number format, font, fill,
///   borders, alignment; theme and indexed colours resolved to RGB), and column widths,
///   hidden columns, custom row heights and hidden rows from the sheet XML (calamine does
///   not expose those; the sheet part is streamed up to `</sheetData>`).
/// * `.xls`: the number format of numeric cells (from the same BIFF scan as
///   [`read_workbook`]), column widths and row heights from `COLINFO`/`ROW` records.
/// * `.xlsb`, `.ods`: nothing (an empty map).
///
/// The budget is [`ReadOptions::max_cells`] styled cells (and row records) per sheet and
/// [`ReadOptions::max_total_cells`] per workbook; beyond it a sheet's scan stops and
/// [`SheetStyles::complete`] is false. A sheet whose styles cannot be read is kept with
/// what was read; only file-level failures are errors. Never panics (calamine runs under
/// `catch_unwind`).
pub fn read_styles(path: &Path, opts: &ReadOptions) -> Result<StyleMap, ReadError> {
    let (format, head_buf, head_len) = open_head(path, opts.max_file_bytes)?;
    let head = head_buf.get(..head_len).unwrap_or_default();
    let open_err = |source: std::io::Error| ReadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut budget = Budget::new(opts);
    match (sniff(head), format) {
        (Sniffed::Zip, Format::Xlsx | Format::Xlsm) => {
            let corrupt = |detail: String| ReadError::Corrupt { format, detail };
            let file = File::open(path).map_err(open_err)?;
            let mut wb: Xlsx<BufReader<File>> = run_guarded(|| Xlsx::new(BufReader::new(file)))
                .map_err(corrupt)?
                .map_err(|e| match xlsx_open_failure(e) {
                    OpenFailure::Encrypted => ReadError::Encrypted { format },
                    OpenFailure::Io(source) => ReadError::Io { source },
                    OpenFailure::TooLarge(detail) => ReadError::TooLarge { format, detail },
                    OpenFailure::Corrupt(detail) => corrupt(detail),
                })?;
            let file = File::open(path).map_err(open_err)?;
            let layouts = run_guarded(|| xlsx_layouts(BufReader::new(file), opts))
                .ok()
                .flatten();
            Ok(xlsx_styles(&mut wb, layouts, &mut budget))
        }
        (Sniffed::Ole2, Format::Xls) => {
            let bytes = std::fs::read(path).map_err(|source| ReadError::Io { source })?;
            let ole =
                ole::Ole::parse(&bytes).map_err(|detail| ReadError::Corrupt { format, detail })?;
            if ole.find("EncryptedPackage").is_some() {
                return Err(ReadError::Encrypted { format });
            }
            let entry = ole
                .find("Workbook")
                .or_else(|| ole.find("Book"))
                .ok_or_else(|| ReadError::Corrupt {
                    format,
                    detail: "no Workbook stream".into(),
                })?;
            let stream = ole
                .stream(entry)
                .map_err(|detail| ReadError::Corrupt { format, detail })?;
            match run_guarded(|| xls_styles(&stream, &mut budget)) {
                Ok(map) => Ok(map),
                Err(detail) => Err(ReadError::Corrupt { format, detail }),
            }
        }
        _ => Ok(StyleMap::default()),
    }
}

fn rgb_of(c: &calamine::Color) -> Rgb {
    (u32::from(c.red) << 16) | (u32::from(c.green) << 8) | u32::from(c.blue)
}

fn line_of(b: &calamine::Border) -> Option<BorderLine> {
    use calamine::BorderStyle as B;
    let style = match b.style {
        B::None => return None,
        B::Thin => LineStyle::Thin,
        B::Medium => LineStyle::Medium,
        B::Thick => LineStyle::Thick,
        B::Double => LineStyle::Double,
        B::Hair => LineStyle::Hair,
        B::Dashed => LineStyle::Dashed,
        B::Dotted => LineStyle::Dotted,
        B::MediumDashed => LineStyle::MediumDashed,
        B::DashDot => LineStyle::DashDot,
        B::MediumDashDot => LineStyle::MediumDashDot,
        B::DashDotDot => LineStyle::DashDotDot,
        B::MediumDashDotDot => LineStyle::MediumDashDotDot,
        B::SlantDashDot => LineStyle::SlantDashDot,
        _ => LineStyle::Thin,
    };
    Some(BorderLine {
        style,
        color: b.color.as_ref().map(rgb_of),
    })
}

/// calamine's style, in our terms.
fn cell_style_of(s: &Style) -> CellStyle {
    use calamine::{FillPattern as P, HorizontalAlignment as H, UnderlineStyle as U};
    use calamine::{TextRotation, VerticalAlignment as V};
    let font = s.font.as_ref().map(|f| FontStyle {
        name: f.name.clone(),
        size: f.size,
        bold: f.is_bold(),
        italic: f.is_italic(),
        underline: match f.underline {
            U::None => Underline::None,
            U::Single => Underline::Single,
            U::Double => Underline::Double,
            U::SingleAccounting => Underline::SingleAccounting,
            U::DoubleAccounting => Underline::DoubleAccounting,
            _ => Underline::Single,
        },
        strikethrough: f.has_strikethrough(),
        color: f.color.as_ref().filter(|c| !c.is_black()).map(rgb_of),
    });
    let fill = s.fill.as_ref().and_then(|f| {
        let pattern = match f.pattern {
            P::None => return None,
            P::Solid => FillPattern::Solid,
            P::DarkGray => FillPattern::DarkGray,
            P::MediumGray => FillPattern::MediumGray,
            P::LightGray => FillPattern::LightGray,
            P::Gray125 => FillPattern::Gray125,
            P::Gray0625 => FillPattern::Gray0625,
            P::DarkHorizontal => FillPattern::DarkHorizontal,
            P::DarkVertical => FillPattern::DarkVertical,
            P::DarkDown => FillPattern::DarkDown,
            P::DarkUp => FillPattern::DarkUp,
            P::DarkGrid => FillPattern::DarkGrid,
            P::DarkTrellis => FillPattern::DarkTrellis,
            P::LightHorizontal => FillPattern::LightHorizontal,
            P::LightVertical => FillPattern::LightVertical,
            P::LightDown => FillPattern::LightDown,
            P::LightUp => FillPattern::LightUp,
            P::LightGrid => FillPattern::LightGrid,
            P::LightTrellis => FillPattern::LightTrellis,
            _ => FillPattern::Solid,
        };
        Some(FillStyle {
            pattern,
            foreground: f.foreground_color.as_ref().map(rgb_of),
            background: f.background_color.as_ref().map(rgb_of),
        })
    });
    let borders = s
        .borders
        .as_ref()
        .filter(|b| b.has_visible_borders())
        .map(|b| BorderStyle {
            left: line_of(&b.left),
            right: line_of(&b.right),
            top: line_of(&b.top),
            bottom: line_of(&b.bottom),
            diagonal_down: line_of(&b.diagonal_down),
            diagonal_up: line_of(&b.diagonal_up),
        });
    let alignment = s.alignment.as_ref().map(|a| AlignStyle {
        horizontal: match a.horizontal {
            H::Left => HAlign::Left,
            H::Center => HAlign::Center,
            H::CenterContinuous => HAlign::CenterContinuous,
            H::Right => HAlign::Right,
            H::Justify => HAlign::Justify,
            H::Distributed => HAlign::Distributed,
            H::Fill => HAlign::Fill,
            _ => HAlign::General,
        },
        vertical: match a.vertical {
            V::Top => VAlign::Top,
            V::Center => VAlign::Center,
            V::Justify => VAlign::Justify,
            V::Distributed => VAlign::Distributed,
            _ => VAlign::Bottom,
        },
        wrap: a.wrap_text,
        indent: a.indent.unwrap_or(0),
        shrink: a.shrink_to_fit,
        rotation: match a.text_rotation {
            TextRotation::Degrees(d) if d <= 180 => d,
            TextRotation::Stacked => 255,
            _ => 0,
        },
    });
    CellStyle {
        number_format: s.number_format.as_ref().map(|n| n.format_code.clone()),
        font,
        fill,
        borders,
        alignment,
    }
}

fn xlsx_styles<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    mut layouts: Option<Vec<(String, SheetLayout)>>,
    budget: &mut Budget,
) -> StyleMap {
    let mut map = StyleMap::default();
    for (name, hidden) in worksheets_of(wb.sheets_metadata()) {
        let cap = budget.current();
        let outcome = run_guarded(|| -> (Option<Vec<CellStyle>>, Vec<(Pos, u32)>, bool) {
            let Ok(mut reader) = wb.worksheet_cells_reader(&name) else {
                return (None, Vec::new(), false);
            };
            let palette: Vec<CellStyle> = reader.styles().iter().map(cell_style_of).collect();
            let mut cells = Vec::new();
            loop {
                match reader.next_style_id() {
                    Ok(None) => break (Some(palette), cells, true),
                    Ok(Some((row, col, id))) => {
                        if cells.len() as u64 >= cap {
                            break (Some(palette), cells, false);
                        }
                        cells.push((Pos::new(row, col), u32::try_from(id).unwrap_or(0)));
                    }
                    Err(_) => break (Some(palette), cells, false),
                }
            }
        });
        let (palette, mut cells, mut complete) = outcome.unwrap_or((None, Vec::new(), false));
        if map.palette.is_empty()
            && let Some(p) = palette
        {
            map.palette = p;
        }
        budget.spend(cells.len() as u64);
        cells.sort_by_key(|(p, _)| (p.row, p.col));
        cells.dedup_by_key(|(p, _)| (p.row, p.col));
        let layout = layouts
            .as_mut()
            .and_then(|l| l.iter_mut().find(|(n, _)| *n == name))
            .map(|(_, l)| std::mem::take(l));
        let layout = match layout {
            Some(l) => l,
            None => {
                complete = false;
                SheetLayout::default()
            }
        };
        map.sheets.push(SheetStyles {
            name,
            hidden,
            cells,
            cols: layout.cols,
            rows: layout.rows,
            complete: complete && layout.complete,
        });
    }
    map
}

/// Column and row layout of one sheet.
#[derive(Debug, Default)]
struct SheetLayout {
    cols: Vec<ColLayout>,
    rows: Vec<RowLayout>,
    complete: bool,
}

/// The value of an XML attribute with the five predefined entities and character
/// references resolved.
fn xml_attr(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of an element by local name (prefix dropped), values unescaped.
fn xml_attrs(e: &quick_xml::events::BytesStart<'_>) -> Vec<(String, Option<String>, String)> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            (
                a.key.local_name().as_ref().to_string(),
                a.key.prefix().map(|p| p.as_ref().to_string()),
                xml_attr(&a.value),
            )
        })
        .collect()
}

fn attr<'a>(attrs: &'a [(String, Option<String>, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _, _)| k == name)
        .map(|(_, _, v)| v.as_str())
}

fn xml_true(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true"))
}

/// A zip entry by name (case-insensitive fallback), read whole up to `limit` bytes.
/// Its index, and its bytes.
fn zip_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Option<(usize, Vec<u8>)> {
    let index = zip_index(zip, name)?;
    let file = zip.by_index(index).ok()?;
    let mut out = Vec::with_capacity(usize::try_from(file.size().min(limit)).ok()?);
    file.take(limit).read_to_end(&mut out).ok()?;
    Some((index, out))
}

/// The index of a zip entry by name, case-insensitively when the exact name is absent.
fn zip_index<R: Read + Seek>(zip: &zip::ZipArchive<R>, name: &str) -> Option<usize> {
    zip.index_for_name(name).or_else(|| {
        let lower = name.to_ascii_lowercase();
        zip.file_names()
            .flatten()
            .position(|n| n.to_ascii_lowercase() == lower)
    })
}

/// The merged ranges of a worksheet part (`<mergeCell ref="A1:C2"/>`, any namespace
/// prefix), found by scanning its bytes. Markup cannot hide in cell text (a `<` there is
/// `&lt;`), so a byte scan finds exactly the elements an XML parser would.
fn scan_merges(part: &[u8]) -> Vec<Range> {
    const TAG: &[u8] = b"mergeCell";
    let mut merges = Vec::new();
    let mut from = 0;
    for at in memchr::memmem::find_iter(part, TAG) {
        if at < from {
            continue;
        }
        let Some(close) = memchr::memchr(b'>', part.get(at..).unwrap_or_default()) else {
            break;
        };
        let tag = part.get(at..at + close).unwrap_or_default();
        if opens_element(part, at)
            && tag.get(TAG.len()).is_some_and(u8::is_ascii_whitespace)
            && let Some(r) = ref_attr(tag).and_then(|v| range_a1(&v))
        {
            merges.push(r);
        }
        from = at + close + 1;
    }
    merges
}

/// `A1:C2` (or a single cell `B3`) as a range.
fn range_a1(s: &str) -> Option<Range> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (a, b) = (crate::grid::parse_a1(a)?, crate::grid::parse_a1(b)?);
    Some(Range {
        start: Pos::new(a.row.min(b.row), a.col.min(b.col)),
        end: Pos::new(a.row.max(b.row), a.col.max(b.col)),
    })
}

/// Is the name at `at` the start of an element (`<name` or `<prefix:name`)?
fn opens_element(bytes: &[u8], at: usize) -> bool {
    let before = bytes.get(..at).unwrap_or_default();
    match before.last() {
        Some(b'<') => true,
        Some(b':') => {
            let prefix_start = before.iter().rposition(|b| {
                !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
            });
            prefix_start.is_some_and(|p| before.get(p) == Some(&b'<'))
        }
        _ => false,
    }
}

/// The unescaped value of the `ref` attribute in the text of a start tag.
fn ref_attr(tag: &[u8]) -> Option<String> {
    let mut rest = tag;
    while let Some(i) = memchr::memmem::find(rest, b"ref") {
        let before_ok = i > 0 && rest.get(i - 1).is_some_and(|b| b.is_ascii_whitespace());
        let after = rest.get(i + 3..).unwrap_or_default();
        let after_trim = after.trim_ascii_start();
        if before_ok && after_trim.first() == Some(&b'=') {
            let v = after_trim.get(1..).unwrap_or_default().trim_ascii_start();
            let quote = *v.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let body = v.get(1..)?;
            let end = memchr::memchr(quote, body)?;
            return Some(xml_attr(std::str::from_utf8(body.get(..end)?).ok()?));
        }
        rest = after;
    }
    None
}

/// `base` + `target` as a zip path (`xl/` + `worksheets/sheet1.xml`; an absolute target
/// `/xl/…` is taken from the root; `..` resolved).
fn zip_join(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Relationship id → target, from a `.rels` part.
fn xml_rels(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut xml = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "Relationship" =>
            {
                let a = xml_attrs(&e);
                if let (Some(id), Some(target)) = (attr(&a, "Id"), attr(&a, "Target")) {
                    out.push((id.to_string(), target.to_string()));
                }
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Every worksheet's name and zip part (`xl/worksheets/sheet1.xml`), in workbook order, as
/// the package's relationships give them (calamine keeps these paths to itself).
/// `read` gives a part's bytes by name.
fn xlsx_sheet_parts<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    read: &mut impl FnMut(&mut zip::ZipArchive<R>, &str) -> Option<Vec<u8>>,
) -> Option<Vec<(String, String)>> {
    use quick_xml::events::Event;
    let root_rels = read(zip, "_rels/.rels").unwrap_or_default();
    let workbook_part = xml_rels(&root_rels)
        .into_iter()
        .map(|(_, t)| zip_join("", &t))
        .find(|t| t.to_ascii_lowercase().ends_with("workbook.xml"))
        .unwrap_or_else(|| "xl/workbook.xml".to_string());
    let dir = workbook_part
        .rfind('/')
        .map_or(String::new(), |i| workbook_part[..i].to_string());
    let file = workbook_part
        .rsplit('/')
        .next()
        .unwrap_or("workbook.xml")
        .to_string();
    let rels_part = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let rels = xml_rels(&read(zip, &rels_part)?);
    let workbook = read(zip, &workbook_part)?;

    let mut sheets: Vec<(String, String)> = Vec::new();
    {
        let mut xml = quick_xml::Reader::from_reader(&workbook[..]);
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                    let a = xml_attrs(&e);
                    let name = attr(&a, "name").map(str::to_string);
                    let rid = a
                        .iter()
                        .find(|(k, p, _)| k == "id" && p.is_some())
                        .map(|(_, _, v)| v.clone());
                    if let (Some(name), Some(rid)) = (name, rid)
                        && let Some((_, target)) = rels.iter().find(|(id, _)| *id == rid)
                    {
                        sheets.push((name, zip_join(&dir, target)));
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }

    Some(sheets)
}

/// Column widths and row heights of every worksheet, by sheet name, read from the
/// package's XML (calamine keeps them to itself).
fn xlsx_layouts<R: Read + Seek>(
    reader: R,
    opts: &ReadOptions,
) -> Option<Vec<(String, SheetLayout)>> {
    use quick_xml::events::Event;
    const PART_LIMIT: u64 = 64 * 1024 * 1024;
    let mut zip = zip::ZipArchive::new(reader).ok()?;
    let sheets = xlsx_sheet_parts(&mut zip, &mut |zip, name| {
        zip_entry(zip, name, PART_LIMIT).map(|(_, b)| b)
    })?;

    let mut out = Vec::new();
    for (name, part) in sheets {
        let mut layout = SheetLayout::default();
        let index = zip_index(&zip, &part);
        let Some(file) = index.and_then(|i| zip.by_index(i).ok()) else {
            out.push((name, layout));
            continue;
        };
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
        let mut buf = Vec::new();
        let mut in_data = false;
        loop {
            let ev = xml.read_event_into(&mut buf);
            match ev {
                Ok(Event::Start(ref e) | Event::Empty(ref e)) => match e.local_name().as_ref() {
                    // Excel has 16 384 columns: more column records are noise.
                    "col" if !in_data && layout.cols.len() < 16_384 => {
                        let a = xml_attrs(e);
                        let min: Option<u32> = attr(&a, "min").and_then(|v| v.parse().ok());
                        let max: Option<u32> = attr(&a, "max").and_then(|v| v.parse().ok());
                        if let (Some(min), Some(max)) = (min, max)
                            && min >= 1
                            && max >= min
                        {
                            let width = attr(&a, "width")
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|w| w.is_finite() && *w >= 0.0 && *w <= 255.0);
                            let hidden = xml_true(attr(&a, "hidden"));
                            if width.is_some() || hidden {
                                layout.cols.push(ColLayout {
                                    first: min - 1,
                                    last: max - 1,
                                    width,
                                    hidden,
                                });
                            }
                        }
                    }
                    "sheetData" => in_data = true,
                    "row" if in_data => {
                        let a = xml_attrs(e);
                        let r = attr(&a, "r")
                            .and_then(|v| v.parse::<u32>().ok())
                            .unwrap_or(0);
                        let height = if xml_true(attr(&a, "customHeight")) {
                            attr(&a, "ht")
                                .and_then(|v| v.parse::<f64>().ok())
                                .filter(|h| h.is_finite() && *h >= 0.0 && *h <= 409.0)
                        } else {
                            None
                        };
                        let hidden = xml_true(attr(&a, "hidden"));
                        if r >= 1 && (height.is_some() || hidden) {
                            if layout.rows.len() as u64 >= opts.max_cells {
                                break;
                            }
                            layout.rows.push(RowLayout {
                                row: r - 1,
                                height,
                                hidden,
                            });
                        }
                    }
                    _ => {}
                },
                Ok(Event::End(ref e)) if e.local_name().as_ref() == "sheetData" => {
                    layout.complete = true;
                    break;
                }
                Ok(Event::Eof) => {
                    layout.complete = true;
                    break;
                }
                Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
        out.push((name, layout));
    }
    Some(out)
}

/// Number formats of numeric cells, column widths and row heights of an `.xls`.
fn xls_styles(stream: &[u8], budget: &mut Budget) -> StyleMap {
    let scan = biff::scan(stream, budget.per_sheet);
    let mut map = StyleMap::default();
    if scan.encrypted || scan.error.is_some() {
        return map;
    }
    let mut codes: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    // Palette entry 0 is the default style, never referenced.
    map.palette.push(CellStyle::default());
    for (sheet, info) in scan.sheets.iter().zip(biff::boundsheets(stream)) {
        if !info.worksheet {
            continue;
        }
        let cap = budget.current();
        let mut cells = Vec::new();
        let mut complete = true;
        for (&(row, col), &ixfe) in &sheet.ixfe {
            let Some(code) = scan.format_code(ixfe) else {
                continue;
            };
            if code.eq_ignore_ascii_case("general") {
                continue;
            }
            if cells.len() as u64 >= cap {
                complete = false;
                break;
            }
            let next = map.palette.len() as u32;
            let index = *codes.entry(code.clone()).or_insert_with(|| {
                map.palette.push(CellStyle {
                    number_format: Some(code),
                    ..CellStyle::default()
                });
                next
            });
            cells.push((Pos::new(row, col), index));
        }
        budget.spend(cells.len() as u64);
        cells.sort_by_key(|(p, _)| (p.row, p.col));
        let layout = biff::layout(stream, info.offset, budget.per_sheet);
        map.sheets.push(SheetStyles {
            name: info.name,
            hidden: info.hidden,
            cells,
            cols: layout.0,
            rows: layout.1,
            complete: complete && sheet.records <= budget.per_sheet,
        });
    }
    map
}

/// A scan of a BIFF `Workbook` stream: per sheet, its extent and the records to neutralise,
/// and the number formats. Mirrors the record walk of calamine 0.38's `Xls` reader.
mod biff {
    use super::{
        ColLayout, Extent, NumFmt, RowLayout, builtin_format_code, le_u16, le_u32,
        number_format_info, utf16_units,
    };
    use std::collections::HashMap;

    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    const CONTINUE: u16 = 0x003C;
    const FILEPASS: u16 = 0x002F;
    const FORMAT: u16 = 0x041E;
    const XF: u16 = 0x00E0;
    const BOUNDSHEET: u16 = 0x0085;
    const DIMENSIONS: u16 = 0x0200;
    /// calamine ignores BLANK records: the type neutralised records get.
    const HARMLESS: u16 = 0x0201;

    #[derive(Debug, Default)]
    pub struct SheetScan {
        pub extent: Extent,
        /// Cells calamine would store (its sparse list before the dense range).
        pub records: u64,
        /// Offsets (in the stream) of the sheet's cell records.
        pub cell_records: Vec<usize>,
        /// Offsets of DIMENSIONS records (calamine reserves rows × cols for them).
        pub dimensions: Vec<usize>,
        /// XF index of numeric cells.
        pub ixfe: HashMap<(u32, u32), u16>,
    }

    #[derive(Debug, Default)]
    pub struct Scan {
        pub encrypted: bool,
        /// A structural problem calamine would trip on (e.g. a sheet offset past the end).
        pub error: Option<String>,
        pub sheets: Vec<SheetScan>,
        /// XF index → number format id.
        xf_formats: Vec<u16>,
        /// Number format id → code, for custom formats.
        formats: HashMap<u16, String>,
    }

    impl Scan {
        pub fn numfmt(&self, ixfe: u16) -> NumFmt {
            let Some(&ifmt) = self.xf_formats.get(usize::from(ixfe)) else {
                return NumFmt::default();
            };
            match self.formats.get(&ifmt) {
                Some(code) => number_format_info(code),
                None => builtin_format_code(ifmt)
                    .map(number_format_info)
                    .unwrap_or_default(),
            }
        }
    }

    impl Scan {
        /// The number format code of an XF index, when it is known.
        pub fn format_code(&self, ixfe: u16) -> Option<String> {
            let &ifmt = self.xf_formats.get(usize::from(ixfe))?;
            self.formats
                .get(&ifmt)
                .cloned()
                .or_else(|| builtin_format_code(ifmt).map(str::to_string))
        }
    }

    /// A `BOUNDSHEET` record: where a sheet starts, its name and kind.
    #[derive(Debug)]
    pub struct SheetInfo {
        pub offset: usize,
        pub name: String,
        pub hidden: bool,
        pub worksheet: bool,
    }

    /// Every sheet of the workbook globals, in order (chart and macro sheets included, as
    /// [`scan`] lists them).
    pub fn boundsheets(stream: &[u8]) -> Vec<SheetInfo> {
        let mut out = Vec::new();
        let mut biff8 = true;
        for (_, typ, data) in records(stream, 0) {
            match typ {
                BOF => {
                    let version = le_u16(data, 0).unwrap_or(0x0600);
                    biff8 = !matches!(version, 0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500);
                }
                BOUNDSHEET => {
                    let offset = le_u32(data, 0).unwrap_or(0) as usize;
                    let hidden = data.get(4).is_some_and(|b| b & 3 != 0);
                    let worksheet = data.get(5).is_some_and(|&b| b == 0);
                    let cch = usize::from(data.get(6).copied().unwrap_or(0));
                    let name = if biff8 {
                        let flags = data.get(7).copied().unwrap_or(0);
                        if flags & 1 == 1 {
                            let units = utf16_units(data.get(8..8 + 2 * cch).unwrap_or(&[]));
                            String::from_utf16_lossy(&units)
                        } else {
                            data.get(8..8 + cch)
                                .unwrap_or(&[])
                                .iter()
                                .map(|&b| char::from(b))
                                .collect()
                        }
                    } else {
                        data.get(7..7 + cch)
                            .unwrap_or(&[])
                            .iter()
                            .map(|&b| char::from(b))
                            .collect()
                    };
                    out.push(SheetInfo {
                        offset,
                        name,
                        hidden,
                        worksheet,
                    });
                }
                EOF => break,
                _ => {}
            }
        }
        out
    }

    /// Column widths (`COLINFO`) and row heights (`ROW`) of the sheet starting at `pos`;
    /// at most `cap` rows.
    pub fn layout(stream: &[u8], pos: usize, cap: u64) -> (Vec<ColLayout>, Vec<RowLayout>) {
        const COLINFO: u16 = 0x007D;
        const ROW: u16 = 0x0208;
        let mut cols = Vec::new();
        let mut rows = Vec::new();
        let mut seen_bof = false;
        let mut depth = 0usize;
        for (_, typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                COLINFO => {
                    let (Some(first), Some(last), Some(dx)) =
                        (le_u16(data, 0), le_u16(data, 2), le_u16(data, 4))
                    else {
                        continue;
                    };
                    let hidden = le_u16(data, 8).is_some_and(|g| g & 1 == 1);
                    if last >= first {
                        cols.push(ColLayout {
                            first: u32::from(first),
                            last: u32::from(last),
                            width: Some(f64::from(dx) / 256.0),
                            hidden,
                        });
                    }
                }
                ROW => {
                    let (Some(row), Some(miy), Some(grbit)) =
                        (le_u16(data, 0), le_u16(data, 6), le_u16(data, 12))
                    else {
                        continue;
                    };
                    let hidden = grbit & 0x20 != 0;
                    let custom = grbit & 0x40 != 0 && miy & 0x8000 == 0;
                    let height = custom.then(|| f64::from(miy & 0x7FFF) / 20.0);
                    if (height.is_some() || hidden) && (rows.len() as u64) < cap {
                        rows.push(RowLayout {
                            row: u32::from(row),
                            height,
                            hidden,
                        });
                    }
                }
                EOF => break,
                _ => {}
            }
        }
        (cols, rows)
    }

    /// BIFF records as calamine's `RecordIter` splits them: CONTINUE records following a
    /// record are skipped with it. Yields (offset of the record header, type, data).
    struct Records<'a> {
        s: &'a [u8],
        off: usize,
        failed: bool,
    }

    impl<'a> Iterator for Records<'a> {
        type Item = (usize, u16, &'a [u8]);
        fn next(&mut self) -> Option<Self::Item> {
            let rest = self.s.get(self.off..)?;
            if rest.len() < 4 {
                self.failed = !rest.is_empty();
                return None;
            }
            let typ = le_u16(rest, 0)?;
            let len = usize::from(le_u16(rest, 2)?);
            let Some(data) = rest.get(4..4 + len) else {
                self.failed = true;
                return None;
            };
            let start = self.off;
            self.off += 4 + len;
            // Skip the CONTINUE records that follow (`off` stays within `s`: it only moves
            // past bytes that were there).
            while let Some(rest) = self.s.get(self.off..) {
                if !(rest.len() > 4 && le_u16(rest, 0) == Some(CONTINUE)) {
                    break;
                }
                let len = usize::from(le_u16(rest, 2).unwrap_or(0));
                if rest.len() < len + 4 {
                    self.failed = true;
                    self.off = self.s.len();
                    break;
                }
                self.off += len + 4;
            }
            Some((start, typ, data))
        }
    }

    fn records(s: &[u8], off: usize) -> Records<'_> {
        Records {
            s,
            off,
            failed: false,
        }
    }

    /// `cap`: beyond this many cell records a sheet is refused anyway, so its number
    /// formats are no longer recorded.
    pub fn scan(stream: &[u8], cap: u64) -> Scan {
        let mut scan = Scan::default();
        let mut biff8 = true;
        let mut positions = Vec::new();
        for (_, typ, data) in records(stream, 0) {
            match typ {
                FILEPASS => {
                    scan.encrypted = true;
                    return scan;
                }
                BOF => {
                    let version = le_u16(data, 0).unwrap_or(0x0600);
                    let dt = le_u16(data, 2).unwrap_or(0);
                    biff8 = match version {
                        0x0600 => true,
                        0 => dt != 0x1000,
                        0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
                        _ => true,
                    };
                }
                FORMAT => {
                    if let Some((ifmt, code)) = parse_format(data, biff8) {
                        scan.formats.insert(ifmt, code);
                    }
                }
                XF => scan.xf_formats.push(le_u16(data, 2).unwrap_or(0)),
                BOUNDSHEET => positions.push(le_u32(data, 0).unwrap_or(0) as usize),
                EOF => break,
                _ => {}
            }
        }
        for pos in positions {
            if pos > stream.len() {
                scan.error = Some(format!(
                    "sheet offset {pos} beyond the workbook stream ({} bytes)",
                    stream.len()
                ));
                return scan;
            }
            scan.sheets.push(scan_sheet(stream, pos, cap));
        }
        scan
    }

    fn scan_sheet(stream: &[u8], pos: usize, cap: u64) -> SheetScan {
        let mut sheet = SheetScan::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        let record_format = |sheet: &mut SheetScan, row: u32, col: u32, ixfe: Option<u16>| {
            if sheet.records > cap {
                sheet.ixfe = HashMap::new();
            } else if let Some(ixfe) = ixfe {
                sheet.ixfe.insert((row, col), ixfe);
            }
        };
        let cell = |sheet: &mut SheetScan, off: usize, row: u16, col: u16, ixfe: Option<u16>| {
            sheet.extent.add(u32::from(row), u32::from(col));
            sheet.records += 1;
            sheet.cell_records.push(off);
            record_format(sheet, u32::from(row), u32::from(col), ixfe);
        };
        for (off, typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let (row, col) = (le_u16(data, 0).unwrap_or(0), le_u16(data, 2).unwrap_or(0));
            match typ {
                BOF => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                DIMENSIONS => sheet.dimensions.push(off),
                // NUMBER, RK, FORMULA: numeric, with an XF index.
                0x0203 | 0x027E | 0x0006 => cell(&mut sheet, off, row, col, le_u16(data, 4)),
                // LABEL, RSTRING, BOOLERR, LABELSST.
                0x0204 | 0x00D6 | 0x0205 | 0x00FD => cell(&mut sheet, off, row, col, None),
                // STRING (a formula's text result, at the formula's position).
                0x0207 => sheet.cell_records.push(off),
                // MULRK: row, first column, 6-byte (XF, RK) pairs, last column.
                0x00BD => {
                    let pairs = data.len().saturating_sub(6) / 6;
                    for i in 0..pairs {
                        let c = u32::from(col) + i as u32;
                        let ixfe = le_u16(data, 4 + 6 * i);
                        sheet.extent.add(u32::from(row), c);
                        sheet.records += 1;
                        record_format(&mut sheet, u32::from(row), c, ixfe);
                    }
                    sheet.cell_records.push(off);
                }
                EOF => break,
                _ => {}
            }
        }
        sheet
    }

    fn parse_format(data: &[u8], biff8: bool) -> Option<(u16, String)> {
        let ifmt = le_u16(data, 0)?;
        let code = if biff8 {
            let cch = usize::from(le_u16(data, 2)?);
            let flags = *data.get(4)?;
            if flags & 1 == 1 {
                let units = utf16_units(data.get(5..5 + 2 * cch)?);
                String::from_utf16_lossy(&units)
            } else {
                data.get(5..5 + cch)?
                    .iter()
                    .map(|&b| char::from(b))
                    .collect()
            }
        } else {
            let cch = usize::from(*data.get(2)?);
            data.get(3..3 + cch)?
                .iter()
                .map(|&b| char::from(b))
                .collect()
        };
        Some((ifmt, code))
    }

    /// Turn the records at these offsets into records calamine ignores.
    pub fn neutralise(stream: &mut [u8], offsets: &[usize]) {
        for &off in offsets {
            if let Some(typ) = stream.get_mut(off..).and_then(<[u8]>::first_chunk_mut::<2>) {
                *typ = HARMLESS.to_le_bytes();
            }
        }
    }
}

/// A strict reader and a minimal writer for OLE2 compound files (MS-CFB), enough to take
/// the workbook stream out of an `.xls` safely and give calamine a well-formed file.
mod ole {
    pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
    const FREESECT: u32 = 0xFFFF_FFFF;
    const FATSECT: u32 = 0xFFFF_FFFD;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    const MAXREGSECT: u32 = 0xFFFF_FFFA;
    const NOSTREAM: u32 = 0xFFFF_FFFF;
    const MINI_CUTOFF: u64 = 4096;

    #[derive(Debug, Clone)]
    pub struct Entry {
        pub name: String,
        start: u32,
        size: u64,
    }

    pub struct Ole<'a> {
        data: &'a [u8],
        sector_size: usize,
        fat: Vec<u32>,
        minifat: Vec<u32>,
        ministream: Vec<u8>,
        entries: Vec<Entry>,
    }

    use super::{le_u16, le_u32, le_u64, utf16_units};

    // Past the end reads as 0 (the header, sectors and directory entries these read are
    // fixed-size, so that only happens on a short file, which `parse` refuses first).
    fn u16_at(d: &[u8], i: usize) -> u16 {
        le_u16(d, i).unwrap_or(0)
    }

    fn u32_at(d: &[u8], i: usize) -> u32 {
        le_u32(d, i).unwrap_or(0)
    }

    fn u64_at(d: &[u8], i: usize) -> u64 {
        le_u64(d, i).unwrap_or(0)
    }

    impl<'a> Ole<'a> {
        /// Parse strictly: every chain is bounded and checked for cycles.
        pub fn parse(data: &'a [u8]) -> Result<Ole<'a>, String> {
            if data.len() < 512 || !data.starts_with(&MAGIC) {
                return Err("not an OLE2 compound file".into());
            }
            let sector_size = match u16_at(data, 30) {
                9 => 512usize,
                12 => 4096usize,
                s => return Err(format!("invalid sector shift {s}")),
            };
            if u16_at(data, 32) != 6 {
                return Err("invalid mini sector shift".into());
            }
            // Sector i starts at (i + 1) * sector_size; a partial last sector is allowed.
            let sectors = data.len().saturating_sub(sector_size).div_ceil(sector_size);
            let mut ole = Ole {
                data,
                sector_size,
                fat: Vec::new(),
                minifat: Vec::new(),
                ministream: Vec::new(),
                entries: Vec::new(),
            };

            // DIFAT: 109 ids in the header, then a chain of DIFAT sectors.
            let mut difat: Vec<u32> = (0..109).map(|i| u32_at(data, 76 + 4 * i)).collect();
            let mut next = u32_at(data, 68);
            let mut hops = 0usize;
            while next < MAXREGSECT {
                hops += 1;
                if hops > sectors {
                    return Err("DIFAT chain longer than the file".into());
                }
                let sector = ole.sector(next)?;
                let ids: Vec<u32> = (0..sector_size / 4)
                    .map(|i| u32_at(&sector, 4 * i))
                    .collect();
                let (last, body) = ids.split_last().ok_or("empty DIFAT sector")?;
                difat.extend_from_slice(body);
                next = *last;
            }
            let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
            if fat_sectors.len() > sectors {
                return Err("more FAT sectors than sectors in the file".into());
            }
            let mut fat = Vec::with_capacity(fat_sectors.len() * sector_size / 4);
            for id in fat_sectors {
                let sector = ole.sector(id)?;
                fat.extend((0..sector_size / 4).map(|i| u32_at(&sector, 4 * i)));
            }
            ole.fat = fat;

            // Directory.
            let dir = ole.chain(u32_at(data, 48), u64::MAX, false)?;
            let entries: Vec<Entry> = dir
                .chunks_exact(128)
                .map(|e| {
                    let units = utf16_units(e.get(..64).unwrap_or_default());
                    let mut name = String::from_utf16_lossy(&units);
                    if let Some(nul) = name.find('\0') {
                        name.truncate(nul);
                    }
                    let size = if sector_size == 512 {
                        u64::from(u32_at(e, 120))
                    } else {
                        u64_at(e, 120)
                    };
                    Entry {
                        name,
                        start: u32_at(e, 116),
                        size,
                    }
                })
                .collect();
            let root = entries.first().cloned().ok_or("empty directory")?;
            ole.entries = entries;

            // Mini stream and mini FAT.
            let minifat_sectors = u64::from(u32_at(data, 64));
            if minifat_sectors > 0 {
                ole.ministream = ole.chain(root.start, root.size, false)?;
                let minifat = ole.chain(
                    u32_at(data, 60),
                    minifat_sectors.saturating_mul(sector_size as u64),
                    false,
                )?;
                ole.minifat = minifat
                    .chunks_exact(4)
                    .filter_map(|id| le_u32(id, 0))
                    .collect();
            }
            Ok(ole)
        }

        /// One sector, zero-padded when the file ends inside it.
        fn sector(&self, id: u32) -> Result<Vec<u8>, String> {
            let start = (id as usize)
                .checked_add(1)
                .and_then(|i| i.checked_mul(self.sector_size));
            let rest = start
                .and_then(|s| self.data.get(s..))
                .filter(|rest| !rest.is_empty())
                .ok_or_else(|| format!("sector {id} beyond the end of the file"))?;
            let mut v = rest.get(..self.sector_size).unwrap_or(rest).to_vec();
            v.resize(self.sector_size, 0);
            Ok(v)
        }

        /// The bytes of a chain of regular (or mini) sectors, up to `len` bytes.
        fn chain(&self, start: u32, len: u64, mini: bool) -> Result<Vec<u8>, String> {
            let table = if mini { &self.minifat } else { &self.fat };
            let mut visited = vec![false; table.len()];
            let mut out = Vec::new();
            let mut id = start;
            while id != ENDOFCHAIN && (out.len() as u64) < len {
                let idx = id as usize;
                // `visited` is as long as `table`: both are there or neither.
                let (Some(seen), Some(&next)) = (visited.get_mut(idx), table.get(idx)) else {
                    return Err(format!("sector {id} outside the allocation table"));
                };
                if *seen {
                    return Err(format!("sector chain loops at {id}"));
                }
                *seen = true;
                if mini {
                    let from = idx.checked_mul(64).ok_or("mini sector overflow")?;
                    let bytes = self
                        .ministream
                        .get(from..)
                        .and_then(|rest| rest.get(..64))
                        .ok_or_else(|| format!("mini sector {id} beyond the mini stream"))?;
                    out.extend_from_slice(bytes);
                } else {
                    out.extend_from_slice(&self.sector(id)?);
                }
                id = next;
            }
            if (out.len() as u64) > len {
                out.truncate(len as usize);
            }
            Ok(out)
        }

        /// The first directory entry with this name (ASCII case-insensitive), as calamine looks.
        pub fn find(&self, name: &str) -> Option<&Entry> {
            self.entries
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(name))
        }

        pub fn stream(&self, entry: &Entry) -> Result<Vec<u8>, String> {
            if entry.size < MINI_CUTOFF {
                self.chain(entry.start, entry.size, true)
            } else {
                self.chain(entry.start, entry.size, false)
            }
        }
    }

    /// A version-3 compound file holding one stream, without a mini stream (the stream is
    /// zero-padded to 4096 bytes when shorter).
    pub fn write_single_stream(name: &str, stream: &[u8]) -> Vec<u8> {
        const SS: usize = 512;
        const PER: usize = SS / 4;
        let mut body = stream.to_vec();
        if (body.len() as u64) < MINI_CUTOFF {
            body.resize(MINI_CUTOFF as usize, 0);
        }
        let n = body.len().div_ceil(SS);
        // FAT sectors f and DIFAT sectors d such that the FAT covers every sector.
        let mut f = 1usize;
        let mut d;
        loop {
            d = if f > 109 {
                (f - 109).div_ceil(PER - 1)
            } else {
                0
            };
            if f * PER >= n + 1 + f + d {
                break;
            }
            f += 1;
        }
        let dir_sector = n as u32;
        let fat_first = n + 1;
        let difat_first = fat_first + f;
        let total = difat_first + d;
        let mut out = Vec::with_capacity((total + 1) * SS);

        // Header.
        out.extend_from_slice(&MAGIC);
        out.resize(24, 0); // CLSID
        // Minor and major version, byte order, sector shift, mini sector shift.
        for v in [0x003Eu16, 3, 0xFFFE, 9, 6] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.resize(44, 0); // reserved; directory sector count (0 in version 3)
        let difat_start = if d > 0 {
            difat_first as u32
        } else {
            ENDOFCHAIN
        };
        for v in [
            f as u32,           // FAT sectors
            dir_sector,         // first directory sector
            0,                  // transaction signature
            MINI_CUTOFF as u32, // mini stream cutoff
            ENDOFCHAIN,         // first mini FAT sector
            0,                  // mini FAT sectors
            difat_start,        // first DIFAT sector
            d as u32,           // DIFAT sectors
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        // The first 109 FAT sector ids.
        for i in 0..109 {
            let id = if i < f {
                (fat_first + i) as u32
            } else {
                FREESECT
            };
            out.extend_from_slice(&id.to_le_bytes());
        }

        // Stream sectors.
        out.extend_from_slice(&body);
        out.resize(SS * (1 + n), 0);

        // Directory sector: root, the stream, two unused entries.
        let entry = |name: &str, typ: u8, child: u32, start: u32, size: u64| {
            let units: Vec<u16> = name.encode_utf16().take(31).collect();
            let mut e = Vec::with_capacity(128);
            for u in &units {
                e.extend_from_slice(&u.to_le_bytes());
            }
            e.resize(64, 0);
            e.extend_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            e.push(typ);
            e.push(1); // black
            for v in [NOSTREAM, NOSTREAM, child] {
                e.extend_from_slice(&v.to_le_bytes()); // left, right sibling, child
            }
            e.resize(116, 0); // CLSID, state bits, times
            e.extend_from_slice(&start.to_le_bytes());
            e.extend_from_slice(&size.to_le_bytes());
            e
        };
        out.extend(entry("Root Entry", 5, 1, ENDOFCHAIN, 0));
        out.extend(entry(name, 2, NOSTREAM, 0, body.len() as u64));
        for _ in 0..2 {
            // Unused: no name, siblings and child NOSTREAM.
            let mut e = vec![0u8; 68];
            e.resize(80, 0xFF);
            e.resize(128, 0);
            out.extend(e);
        }

        // FAT sectors: the stream's chain, the directory, the FAT and DIFAT sectors.
        for i in 0..f * PER {
            let id = if i + 1 < n {
                (i + 1) as u32
            } else if i <= n {
                ENDOFCHAIN // the stream's last sector, and the directory
            } else if i < difat_first {
                FATSECT
            } else if i < total {
                DIFSECT
            } else {
                FREESECT
            };
            out.extend_from_slice(&id.to_le_bytes());
        }
        // DIFAT sectors: FAT sector ids beyond the 109 in the header, then the next pointer.
        let extra: Vec<u32> = (109..f).map(|i| (fat_first + i) as u32).collect();
        for k in 0..d {
            let next = if k + 1 < d {
                (difat_first + k + 1) as u32
            } else {
                ENDOFCHAIN
            };
            let ids = extra
                .iter()
                .copied()
                .skip(k * (PER - 1))
                .chain(std::iter::repeat(FREESECT))
                .take(PER - 1)
                .chain([next]);
            for id in ids {
                out.extend_from_slice(&id.to_le_bytes());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheets of an .xlsx as read: from the unpacked package (merges scanned), or
    /// from the file as it is (calamine's own merge pass).
    fn sheets_read(path: &Path, unpacked: bool) -> Vec<Grid> {
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut budget = Budget::new(&ReadOptions::default());
        let mut ctx = Ctx {
            sheets: Vec::new(),
            problems: Vec::new(),
            formulas: true,
        };
        if unpacked {
            let u = unpack_xlsx(&mut zip, bytes.len()).expect("unpacks");
            read_xlsx(
                std::io::Cursor::new(&u.bytes[..]),
                Some(u.merges),
                &mut budget,
                &mut ctx,
            )
        } else {
            read_xlsx(
                std::io::Cursor::new(&bytes[..]),
                None,
                &mut budget,
                &mut ctx,
            )
        }
        .is_ok_and(|()| ctx.problems.is_empty())
        .then_some(())
        .expect("read without problems");
        ctx.sheets
    }

    #[test]
    fn an_unpacked_package_reads_as_the_file_itself() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut merged = 0;
        for dir in [
            "read",
            "trawas-2024",
            "trawas-2024-bab",
            "clean-sukamaju/plain",
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_none_or(|x| x != "xlsx") {
                    continue;
                }
                let (a, b) = (sheets_read(&p, true), sheets_read(&p, false));
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", p.display());
                merged += a.iter().filter(|g| !g.merges.is_empty()).count();
            }
        }
        assert!(merged > 5, "{merged} sheets with merges");
    }

    /// `path`'s package rebuilt: `edit` may replace an entry's bytes (by name), `first`
    /// is copied once more ahead of everything under another name.
    fn repacked(
        path: &Path,
        first: Option<(&str, &str)>,
        edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    ) -> Vec<u8> {
        use std::io::Write;
        let bytes = std::fs::read(path).unwrap();
        let mut src = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        if let Some((name, renamed)) = first {
            out.raw_copy_file_rename(src.by_name(name).unwrap(), renamed)
                .unwrap();
        }
        for i in 0..src.len() {
            let name = src.name_for_index(i).unwrap().unwrap().to_string();
            let mut part = Vec::new();
            src.by_index(i).unwrap().read_to_end(&mut part).unwrap();
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&edit(&name, part)).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn names_equal_but_for_case_keep_the_file_as_it_is() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trawas-2024-bab/lkjip.xlsx");
        let plain = repacked(&path, None, |_, b| b);
        let twin = repacked(
            &path,
            Some(("xl/worksheets/sheet2.xml", "XL/WORKSHEETS/SHEET1.XML")),
            |_, b| b,
        );
        let unpack = |b: &[u8]| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
            unpack_xlsx(&mut zip, b.len()).is_some()
        };
        assert!(unpack(&plain));
        assert!(!unpack(&twin));
    }

    #[test]
    fn sheets_of_one_name_get_the_merges_calamine_reads() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/trawas-2024-bab/lkjip.xlsx");
        let same = repacked(&path, None, |name, b| {
            if name != "xl/workbook.xml" {
                return b;
            }
            let text = String::from_utf8(b).unwrap();
            let re = regex::Regex::new(r#"<sheet name="[^"]*""#).unwrap();
            re.replace_all(&text, r#"<sheet name="A""#)
                .into_owned()
                .into_bytes()
        });
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("same.xlsx");
        std::fs::write(&file, same).unwrap();
        let (a, b) = (sheets_read(&file, true), sheets_read(&file, false));
        assert!(a.len() > 1 && a.iter().all(|g| g.name == "A"));
        assert!(a.iter().any(|g| !g.merges.is_empty()));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn merges_by_byte_scan() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCell ref="Z9:Z10"/&gt;</t></is></c></row></sheetData>
<mergeCells count="3"><mergeCell ref="A1:C1"/><x:mergeCell  ref = 'B2:B4' /><mergeCell ref="D5"/><mergeCells/></mergeCells></worksheet>"#;
        let want = vec![
            range_a1("A1:C1").unwrap(),
            range_a1("B2:B4").unwrap(),
            range_a1("D5:D5").unwrap(),
        ];
        // The text in a cell is never a merge.
        assert_eq!(scan_merges(xml), want);
        assert_eq!(range_a1("C3:A1"), range_a1("A1:C3"));
        assert!(scan_merges(b"<mergeCell ref=\"??\"/>").is_empty());
    }

    #[test]
    fn number_formats() {
        let f = |code: &str| {
            let n = number_format_info(code);
            (n.percent, n.decimals)
        };
        assert_eq!(f("General"), (false, None));
        assert_eq!(f("0.00%"), (true, Some(2)));
        assert_eq!(f("0%"), (true, Some(0)));
        assert_eq!(f("#,##0.00%"), (true, Some(2)));
        assert_eq!(f("#,##0"), (false, Some(0)));
        assert_eq!(f("#,##0.00"), (false, Some(2)));
        assert_eq!(f("0.0"), (false, Some(1)));
        assert_eq!(f("#,##0.00_);(#,##0.00)"), (false, Some(2)));
        assert_eq!(
            f("_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)"),
            (false, Some(2))
        );
        assert_eq!(f("\"Rp\"#,##0"), (false, Some(0)));
        assert_eq!(f("[$Rp-421]#,##0.00"), (false, Some(2)));
        assert_eq!(f("0.00\" %\""), (false, Some(2)));
        assert_eq!(f("[Red]0.0%"), (true, Some(1)));
        assert_eq!(f("@"), (false, None));
        assert_eq!(f("# ?/?"), (false, None));
        assert_eq!(f("0.00E+00"), (false, Some(2)));
        assert_eq!(f("[>=100][Magenta]General"), (false, None));
    }

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

    #[test]
    fn excel_formulas() {
        assert_eq!(
            excel_formula("_xlfn.IFS(A1>0,1)").as_deref(),
            Some("IFS(A1>0,1)")
        );
        assert_eq!(excel_formula("=A1").as_deref(), Some("A1"));
        assert_eq!(excel_formula(" "), None);
    }

    #[test]
    fn ole_round_trip() {
        for len in [0usize, 10, 4095, 4096, 5000, 200_000, 8_000_000] {
            let stream: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = ole::write_single_stream("Workbook", &stream);
            let parsed = ole::Ole::parse(&file).expect("parse");
            let entry = parsed.find("workbook").expect("entry");
            let back = parsed.stream(entry).expect("stream");
            assert_eq!(&back[..len], &stream[..], "len {len}");
            assert!(back[len..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn ole_rejects_cycles() {
        let mut file = ole::write_single_stream("Workbook", &[1u8; 5000]);
        // Stream sectors 0..=9, the directory in sector 10, the FAT in sector 11, i.e. at
        // file offset (11 + 1) * 512. Point sector 3 back to sector 1.
        let fat = 12 * 512;
        file[fat + 3 * 4..fat + 3 * 4 + 4].copy_from_slice(&1u32.to_le_bytes());
        let parsed = ole::Ole::parse(&file).expect("parse");
        let entry = parsed.find("Workbook").expect("entry");
        assert!(parsed.stream(entry).is_err());
        // A directory chain that loops on itself.
        file[fat + 10 * 4..fat + 10 * 4 + 4].copy_from_slice(&10u32.to_le_bytes());
        assert!(ole::Ole::parse(&file).is_err());
    }

    /// A stream under 4096 bytes lives in the mini stream.
    #[test]
    fn ole_mini_stream() {
        let le = |v: u32| v.to_le_bytes();
        // Sectors: 0 directory, 1 FAT, 2 mini FAT, 3 mini stream (two 64-byte mini sectors).
        let mut f = vec![0u8; 512 * 5];
        f[..8].copy_from_slice(&ole::MAGIC);
        f[26..28].copy_from_slice(&3u16.to_le_bytes());
        f[30..32].copy_from_slice(&9u16.to_le_bytes());
        f[32..34].copy_from_slice(&6u16.to_le_bytes());
        f[44..48].copy_from_slice(&le(1));
        f[48..52].copy_from_slice(&le(0));
        f[56..60].copy_from_slice(&le(4096));
        f[60..64].copy_from_slice(&le(2));
        f[64..68].copy_from_slice(&le(1));
        f[68..72].copy_from_slice(&le(0xFFFF_FFFE));
        f[76..80].copy_from_slice(&le(1));
        for i in 1..109 {
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&le(0xFFFF_FFFF));
        }
        let sector = |i: usize| 512 * (i + 1);
        let name = |slot: &mut [u8], n: &str| {
            for (i, u) in n.encode_utf16().enumerate() {
                slot[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
        };
        let d = sector(0);
        name(&mut f[d..d + 64], "Root Entry");
        f[d + 116..d + 120].copy_from_slice(&le(3));
        f[d + 120..d + 124].copy_from_slice(&le(128));
        name(&mut f[d + 128..d + 192], "Workbook");
        f[d + 128 + 116..d + 128 + 120].copy_from_slice(&le(0));
        f[d + 128 + 120..d + 128 + 124].copy_from_slice(&le(100));
        let fat = sector(1);
        for (i, v) in [0xFFFF_FFFEu32, 0xFFFF_FFFD, 0xFFFF_FFFE, 0xFFFF_FFFE]
            .iter()
            .enumerate()
        {
            f[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&le(*v));
        }
        for i in 4..128 {
            f[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&le(0xFFFF_FFFF));
        }
        let minifat = sector(2);
        f[minifat..minifat + 4].copy_from_slice(&le(1));
        f[minifat + 4..minifat + 8].copy_from_slice(&le(0xFFFF_FFFE));
        let mini = sector(3);
        for i in 0..128 {
            f[mini + i] = i as u8;
        }
        let parsed = ole::Ole::parse(&f).expect("parse");
        let entry = parsed.find("Workbook").expect("entry");
        let stream = parsed.stream(entry).expect("stream");
        assert_eq!(stream, (0..100u8).collect::<Vec<_>>());
        // A mini FAT that loops before the stream's size is reached.
        f[minifat..minifat + 4].copy_from_slice(&le(0));
        let parsed = ole::Ole::parse(&f).expect("parse");
        assert!(
            parsed
                .stream(parsed.find("Workbook").expect("entry"))
                .is_err()
        );
    }

    #[test]
    fn dates_as_text() {
        use calamine::ExcelDateTimeType;
        let d = ExcelDateTime::new(45657.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("2024-12-31".into()));
        let d = ExcelDateTime::new(45657.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("2024-12-31 12:00:00".into()));
        let d = ExcelDateTime::new(0.25, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&d), Value::Text("06:00:00".into()));
        let d = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(datetime_text(&d), Value::Text("36:00:00".into()));
    }

    #[test]
    fn sniffing() {
        assert!(matches!(
            sniff(b"<!DOCTYPE html><html>"),
            Sniffed::Other(Content::Html)
        ));
        assert!(matches!(
            sniff(b"hello, world\n"),
            Sniffed::Other(Content::Text)
        ));
        assert!(matches!(sniff(b"%PDF-1.7"), Sniffed::Other(Content::Pdf)));
        assert!(matches!(sniff(b"PK\x03\x04rest"), Sniffed::Zip));
        assert!(matches!(sniff(&ole::MAGIC), Sniffed::Ole2));
        assert!(matches!(
            sniff(b"\x00\x01\x02\x03"),
            Sniffed::Other(Content::Binary)
        ));
    }
}
