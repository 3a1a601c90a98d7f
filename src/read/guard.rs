//! What stands between a file and the format readers: the checks every read makes first
//! (an extension this module reads, a regular file within [`ReadOptions::max_file_bytes`],
//! a zip package whose declared parts inflate within [`ReadOptions::max_inflated_bytes`]),
//! sniffing what the file really holds (zip, OLE2, or something else, and for a zip
//! calamine rejected which spreadsheet it is), the cell budget and a sheet's extent against
//! it, and `catch_unwind` around every call into calamine. See "Budget and hostile files"
//! in the module notes of [`read`](super).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::{Content, Format, Limit, ReadError, ReadOptions, SheetProblemKind, ole};

/// The format a path names (by extension) and the first bytes of the file, for sniffing
/// what it really holds: the shared start of [`read_workbook`] and [`read_styles`].
///
/// [`read_workbook`]: super::read_workbook
/// [`read_styles`]: super::read_styles
pub(super) fn open_head(
    path: &Path,
    max_bytes: u64,
) -> Result<(Format, [u8; 512], usize), ReadError> {
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
pub(super) fn checked_format(path: &Path, max_bytes: u64) -> Result<Format, ReadError> {
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

/// workbooks)? The checks [`read_workbook`] makes before reading anything, for callers
/// that read a file some other way first.
///
/// [`read_workbook`]: super::read_workbook
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

/// Cell budget: per sheet and what is left for the workbook.
pub(super) struct Budget {
    pub(super) per_sheet: u64,
    pub(super) total_left: u64,
}

impl Budget {
    pub(super) fn new(opts: &ReadOptions) -> Self {
        Budget {
            per_sheet: opts.max_cells,
            total_left: opts.max_total_cells,
        }
    }

    /// The budget for the next sheet.
    pub(super) fn current(&self) -> u64 {
        self.per_sheet.min(self.total_left)
    }

    pub(super) fn spend(&mut self, cells: u64) {
        self.total_left = self.total_left.saturating_sub(cells);
    }
}

/// Rows and columns (from A1) needed to hold the cells seen so far.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Extent {
    pub(super) rows: u64,
    pub(super) cols: u64,
}

impl Extent {
    pub(super) fn add(&mut self, row: u32, col: u32) {
        self.rows = self.rows.max(u64::from(row) + 1);
        self.cols = self.cols.max(u64::from(col) + 1);
    }

    pub(super) fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.cols)
    }

    pub(super) fn too_large(&self, budget: u64) -> Option<SheetProblemKind> {
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

pub(super) fn too_many_records(ext: Extent, count: u64, budget: u64) -> SheetProblemKind {
    SheetProblemKind::TooLarge {
        rows: ext.rows,
        cols: ext.cols,
        cells: count,
        budget,
    }
}

pub(super) fn run_guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
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

pub(super) enum Sniffed {
    Zip,
    Ole2,
    Other(Content),
}

pub(super) fn sniff(head: &[u8]) -> Sniffed {
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
pub(super) fn zip_mismatch(path: &Path, format: Format) -> ReadError {
    const LIMIT: u64 = 256 * 1024 * 1024;
    let mut bytes = Vec::new();
    if let Ok(f) = File::open(path) {
        // Best effort: an unreadable file just gives no better diagnosis.
        let _ = f.take(LIMIT).read_to_end(&mut bytes);
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let actual = if has(b"word/document.xml") {
        Some(Format::Docx)
    } else if has(b"xl/workbook.bin") {
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

/// The total size of a zip package's parts once inflated, as its directory declares them.
pub(super) fn declared_inflated_size<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> u64 {
    // From the central directory alone (no part is opened).
    (0..zip.len())
        .filter_map(|i| zip.by_index_data(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

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
