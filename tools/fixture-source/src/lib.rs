//! Reviewable text sources for test workbooks.
//!
//! A fixture set keeps its workbooks as plain TSV files so that a reviewer can
//! read every cell in a diff:
//!
//! ```text
//! fixtures/<set>/src/<workbook>/<NN>-<Sheet Name>.tsv
//! ```
//!
//! Each subdirectory of `src/` is one workbook; its `.tsv` files are the sheets
//! in `NN` order, named by the part after `NN-`. One line is one row, cells are
//! separated by TAB starting at column A, an empty line is an empty row. Lines
//! starting with `#!` are directives (`#! merge B1:C1`, `#! hidden`,
//! `#! width A:C 30`); their addresses count data rows only.
//!
//! How a cell becomes an Excel cell depends on the [`Form`] being built, see
//! [`NumberStyle`] and `fixtures/README.md`.

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Errors of loading a source set or writing a workbook from it.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: file name is not `NN-Sheet Name.tsv`")]
    BadFileName { path: PathBuf },
    #[error("bad cell address `{0}`")]
    BadAddress(String),
    #[error("sheet `{sheet}`: {message}")]
    Sheet { sheet: String, message: String },
    #[error("writing {path}: {source}")]
    Xlsx {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
}

/// One sheet of a source workbook, in source coordinates (row 0 = first data line).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceSheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    /// Merged ranges in A1 notation (`B1:C1`), source coordinates.
    pub merges: Vec<String>,
    pub hidden: bool,
    /// Column widths: (`A` or `A:C`, width in Excel character units).
    pub widths: Vec<(String, f64)>,
}

/// One workbook of a source set: a directory of `.tsv` sheets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceWorkbook {
    pub name: String,
    pub sheets: Vec<SourceSheet>,
}

/// How plain figures in the source are stored in the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// A figure is a number; a percent figure keeps percent units (`95,02%` → 95.02).
    Plain,
    /// Like `Plain`, but a percent figure is a fraction with a percent format
    /// (`95,02%` → 0.9502, `0.00%`): what Excel stores when "95,02%" is typed
    /// in an Indonesian locale.
    Fraction,
    /// Every cell is text exactly as in the source (numbers pasted from Word).
    Text,
}

/// The shape a source workbook is built into.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub numbers: NumberStyle,
    /// Titles inserted above every sheet's content, one per row in column A,
    /// followed by one empty row.
    pub title_rows: Vec<String>,
    /// Name the sheets `Sheet1`, `Sheet2`, … instead of their source names.
    pub generic_sheet_names: bool,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            numbers: NumberStyle::Fraction,
            title_rows: Vec::new(),
            generic_sheet_names: false,
        }
    }
}

// ---------------------------------------------------------------------------
// Loading

/// Load every workbook of a set: each subdirectory of `src_dir` is a workbook,
/// in name order.
pub fn load_set(src_dir: &Path) -> Result<Vec<SourceWorkbook>, SourceError> {
    let mut dirs = Vec::new();
    for entry in read_dir(src_dir)? {
        let path = entry.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    dirs.iter().map(|d| load_workbook(d)).collect()
}

/// Load one workbook directory: its `NN-Name.tsv` files in `NN` order. Other
/// files (no `.tsv` extension) are ignored.
pub fn load_workbook(dir: &Path) -> Result<SourceWorkbook, SourceError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut files: Vec<(u32, String, PathBuf)> = Vec::new();
    for entry in read_dir(dir)? {
        let path = entry.path();
        if !path.is_file() || path.extension().and_then(|e| e.to_str()) != Some("tsv") {
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (nn, sheet_name) = split_sheet_file_name(&stem)
            .ok_or_else(|| SourceError::BadFileName { path: path.clone() })?;
        files.push((nn, sheet_name, path));
    }
    files.sort();
    let mut sheets = Vec::new();
    for (_, sheet_name, path) in files {
        let text = fs::read_to_string(&path).map_err(|source| SourceError::Io {
            path: path.clone(),
            source,
        })?;
        sheets.push(parse_sheet(&sheet_name, &text, &path)?);
    }
    Ok(SourceWorkbook { name, sheets })
}

fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, SourceError> {
    let io = |source| SourceError::Io {
        path: dir.to_path_buf(),
        source,
    };
    fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)
}

/// `07-Lamp 2 Renja` → (7, "Lamp 2 Renja").
fn split_sheet_file_name(stem: &str) -> Option<(u32, String)> {
    let (nn, name) = stem.split_once('-')?;
    if nn.is_empty() || !nn.chars().all(|c| c.is_ascii_digit()) || name.is_empty() {
        return None;
    }
    Some((nn.parse().ok()?, name.to_string()))
}

/// Parse the text of one `.tsv` source. `path` is only used in error messages.
pub fn parse_sheet(name: &str, text: &str, path: &Path) -> Result<SourceSheet, SourceError> {
    let mut sheet = SourceSheet {
        name: name.to_string(),
        ..SourceSheet::default()
    };
    let syntax = |line: usize, message: String| SourceError::Syntax {
        path: path.to_path_buf(),
        line,
        message,
    };
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let Some(directive) = line.strip_prefix("#!") else {
            sheet.rows.push(if line.is_empty() {
                Vec::new()
            } else {
                line.split('\t').map(str::to_string).collect()
            });
            continue;
        };
        let words: Vec<&str> = directive.split_whitespace().collect();
        match words.as_slice() {
            ["merge", range] => {
                parse_range(range).ok_or_else(|| syntax(i + 1, format!("bad range `{range}`")))?;
                sheet.merges.push(range.to_string());
            }
            ["hidden"] => sheet.hidden = true,
            ["width", cols, width] => {
                parse_col_span(cols)
                    .ok_or_else(|| syntax(i + 1, format!("bad column span `{cols}`")))?;
                let w: f64 = width
                    .parse()
                    .map_err(|_| syntax(i + 1, format!("bad width `{width}`")))?;
                sheet.widths.push((cols.to_string(), w));
            }
            _ => return Err(syntax(i + 1, format!("unknown directive `#!{directive}`"))),
        }
    }
    // The final newline (and any blank tail) makes no rows.
    while sheet
        .rows
        .last()
        .is_some_and(|r| r.iter().all(String::is_empty))
    {
        sheet.rows.pop();
    }
    Ok(sheet)
}

impl SourceSheet {
    /// Set the source text of one cell (A1 address in source coordinates),
    /// growing the rows and the row's cells as needed.
    pub fn set(&mut self, a1: &str, text: &str) -> Result<(), SourceError> {
        let (row, col) = parse_a1(a1).ok_or_else(|| SourceError::BadAddress(a1.to_string()))?;
        let (row, col) = (row as usize, col as usize);
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let Some(cells) = self.rows.get_mut(row) else {
            return Ok(());
        };
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        if let Some(cell) = cells.get_mut(col) {
            *cell = text.to_string();
        }
        Ok(())
    }

    /// The source text of one cell; empty for cells outside the rows.
    pub fn get(&self, a1: &str) -> Result<&str, SourceError> {
        let (row, col) = parse_a1(a1).ok_or_else(|| SourceError::BadAddress(a1.to_string()))?;
        Ok(self
            .rows
            .get(row as usize)
            .and_then(|r| r.get(col as usize))
            .map_or("", String::as_str))
    }

    /// The sheet back in source syntax (directives first).
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        if self.hidden {
            out.push_str("#! hidden\n");
        }
        for (cols, w) in &self.widths {
            out.push_str(&format!("#! width {cols} {w}\n"));
        }
        for m in &self.merges {
            out.push_str(&format!("#! merge {m}\n"));
        }
        for row in &self.rows {
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Addresses

/// `B3` → (row 2, col 1), zero-based. No `$`.
fn parse_a1(s: &str) -> Option<(u32, u16)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let col = parse_col(letters)?;
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > 1_048_576 {
        return None;
    }
    Some((row - 1, col))
}

/// `A` → 0, `AA` → 26.
fn parse_col(letters: &str) -> Option<u16> {
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.bytes() {
        col = col * 26 + u32::from(c - b'A' + 1);
    }
    if col > 16_384 {
        return None;
    }
    u16::try_from(col - 1).ok()
}

/// `B1:C2` → ((0,1),(1,2)); first ≤ last required.
fn parse_range(s: &str) -> Option<((u32, u16), (u32, u16))> {
    let (a, b) = s.split_once(':')?;
    let first = parse_a1(a)?;
    let last = parse_a1(b)?;
    (first.0 <= last.0 && first.1 <= last.1).then_some((first, last))
}

/// `A:C` or `B` → (first col, last col).
fn parse_col_span(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (first, last) = (parse_col(a)?, parse_col(b)?);
    (first <= last).then_some((first, last))
}

// ---------------------------------------------------------------------------
// Figures

/// A source cell that reads as a plain Indonesian figure.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainFigure {
    /// The value in the units written (`95,02%` → 95.02).
    pub value: Decimal,
    /// Digits after the decimal comma.
    pub decimals: usize,
    /// Written with `.` thousands groups.
    pub thousands: bool,
    pub percent: bool,
    /// Width of an integer part written with leading zeros (`0001` → 4), else 0.
    pub zero_padded: usize,
}

/// Read a plain figure: optional `-`, digits with optional `.` thousands groups
/// of 3, optional `,` decimals, optional `%` (a space before it allowed).
/// Anything else (`82 (A)`, `Rp. 1.000`, `-`, `7.01.01`) is not a figure.
pub fn plain_figure(s: &str) -> Option<PlainFigure> {
    let (body, percent) = match s.strip_suffix('%') {
        Some(b) => (b.strip_suffix(' ').unwrap_or(b), true),
        None => (s, false),
    };
    let (negative, body) = match body.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let (int_part, dec_part) = match body.split_once(',') {
        Some((i, d)) => (i, Some(d)),
        None => (body, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(d) = dec_part
        && !all_digits(d)
    {
        return None;
    }
    let groups: Vec<&str> = int_part.split('.').collect();
    let thousands = groups.len() > 1;
    if let Some((first, rest)) = groups.split_first()
        && thousands
    {
        // Thousands separators: 1 to 3 digits, then groups of three.
        let first_ok = all_digits(first) && first.len() <= 3;
        if !first_ok || !rest.iter().all(|g| g.len() == 3 && all_digits(g)) {
            return None;
        }
    } else if !all_digits(int_part) {
        return None;
    }
    let digits: String = groups.concat();
    let decimals = dec_part.map_or(0, str::len);
    let mut text = String::new();
    if negative {
        text.push('-');
    }
    text.push_str(&digits);
    if let Some(d) = dec_part {
        text.push('.');
        text.push_str(d);
    }
    let value = Decimal::from_str(&text).ok()?;
    let zero_padded = if !thousands && digits.len() > 1 && digits.starts_with('0') {
        digits.len()
    } else {
        0
    };
    Some(PlainFigure {
        value,
        decimals,
        thousands,
        percent,
        zero_padded,
    })
}

/// A cell value ready to be written.
#[derive(Debug, Clone, PartialEq)]
enum CellValue {
    Text(String),
    Number(f64, String),
}

fn decimal_to_f64(d: Decimal) -> Option<f64> {
    d.normalize().to_string().parse().ok()
}

/// Convert source text under a number style (not for `'` or `=` cells).
fn convert(text: &str, style: NumberStyle) -> CellValue {
    if style == NumberStyle::Text {
        return CellValue::Text(text.to_string());
    }
    let Some(fig) = plain_figure(text) else {
        return CellValue::Text(text.to_string());
    };
    let decimals = if fig.decimals > 0 {
        format!(".{}", "0".repeat(fig.decimals))
    } else {
        String::new()
    };
    let (value, format) = if fig.percent && style == NumberStyle::Fraction {
        (fig.value / Decimal::ONE_HUNDRED, format!("0{decimals}%"))
    } else if fig.thousands {
        (fig.value, format!("#,##0{decimals}"))
    } else if fig.zero_padded > 0 {
        (
            fig.value,
            format!("{}{decimals}", "0".repeat(fig.zero_padded)),
        )
    } else {
        (fig.value, format!("0{decimals}"))
    };
    match decimal_to_f64(value) {
        Some(v) => CellValue::Number(v, format),
        None => CellValue::Text(text.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Writing

/// The fixed creation date of every generated workbook, so that regenerating
/// gives byte-identical files.
fn fixed_properties() -> Result<DocProperties, XlsxError> {
    let date = ExcelDateTime::from_ymd(2025, 1, 1)?;
    Ok(DocProperties::new()
        .set_creation_datetime(&date)
        .set_author("sakip-lint fixtures"))
}

/// Write one source workbook as `.xlsx` in the given form.
pub fn write_xlsx(wb: &SourceWorkbook, form: &Form, out: &Path) -> Result<(), SourceError> {
    let xlsx = |source| SourceError::Xlsx {
        path: out.to_path_buf(),
        source,
    };
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties().map_err(xlsx)?);
    let offset = if form.title_rows.is_empty() {
        0
    } else {
        form.title_rows.len() as u32 + 1
    };
    for (i, sheet) in wb.sheets.iter().enumerate() {
        let sheet_err = |message: String| SourceError::Sheet {
            sheet: sheet.name.clone(),
            message,
        };
        let ws = workbook.add_worksheet();
        let name = if form.generic_sheet_names {
            format!("Sheet{}", i + 1)
        } else {
            sheet.name.clone()
        };
        ws.set_name(&name).map_err(xlsx)?;
        if sheet.hidden {
            ws.set_hidden(true);
        }
        for (cols, width) in &sheet.widths {
            let (first, last) =
                parse_col_span(cols).ok_or_else(|| sheet_err(format!("bad columns `{cols}`")))?;
            for c in first..=last {
                ws.set_column_width(c, *width).map_err(xlsx)?;
            }
        }
        for (r, title) in form.title_rows.iter().enumerate() {
            ws.write_string(r as u32, 0, title).map_err(xlsx)?;
        }
        // Merges first: merge_range blanks the covered cells, then the first
        // cell is overwritten with its typed value below.
        let plain = Format::new();
        for m in &sheet.merges {
            let ((r1, c1), (r2, c2)) =
                parse_range(m).ok_or_else(|| sheet_err(format!("bad merge `{m}`")))?;
            if (r1, c1) == (r2, c2) {
                continue;
            }
            ws.merge_range(r1 + offset, c1, r2 + offset, c2, "", &plain)
                .map_err(xlsx)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r)
                .ok()
                .and_then(|r| r.checked_add(offset))
                .ok_or_else(|| sheet_err("too many rows".into()))?;
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let c = u16::try_from(c).map_err(|_| sheet_err("too many columns".into()))?;
                write_cell(ws, r, c, text, form.numbers).map_err(xlsx)?;
            }
        }
    }
    workbook.save(out).map_err(xlsx)
}

fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    style: NumberStyle,
) -> Result<(), XlsxError> {
    if let Some(rest) = text.strip_prefix('\'') {
        ws.write_string(row, col, rest)?;
        return Ok(());
    }
    if text.starts_with('=') {
        let (formula, cached) = match text.rsplit_once('|') {
            Some((f, c)) => (f, Some(c)),
            None => (text, None),
        };
        let mut f = Formula::new(formula);
        let mut format = None;
        if let Some(cached) = cached {
            match convert(cached, style) {
                // rust_xlsxwriter stores a result that parses as f64 as a
                // number; text results like "1.234,5" stay strings.
                CellValue::Text(t) => f = f.set_result(t),
                CellValue::Number(v, fmt) => {
                    f = f.set_result(v.to_string());
                    format = Some(Format::new().set_num_format(fmt));
                }
            }
        }
        match format {
            Some(fmt) => ws.write_formula_with_format(row, col, f, &fmt)?,
            None => ws.write_formula(row, col, f)?,
        };
        return Ok(());
    }
    match convert(text, style) {
        CellValue::Text(t) => {
            ws.write_string(row, col, t)?;
        }
        CellValue::Number(v, fmt) => {
            ws.write_number_with_format(row, col, v, &Format::new().set_num_format(fmt))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    const SAMPLE: &str = "#! merge B1:C1\n#! width A:C 20\nNo\tHeader\t\n1\t2.788\t95,02%\n\
-3.817.500\t95,02 %\t'100\n=SUM(A2:A3)|5512\t7.01.01\t82 (A)\n\n0,00\t0001\t-\n";

    fn sample() -> SourceWorkbook {
        let sheet = parse_sheet("Data", SAMPLE, Path::new("sample.tsv")).expect("sample parses");
        let mut hidden = sheet.clone();
        hidden.name = "Hidden".into();
        hidden.hidden = true;
        SourceWorkbook {
            name: "sample".into(),
            sheets: vec![sheet, hidden],
        }
    }

    fn read_back(wb: &SourceWorkbook, form: &Form) -> Vec<(String, calamine::Range<Data>)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.xlsx");
        write_xlsx(wb, form, &path).expect("write");
        let mut x: Xlsx<_> = open_workbook(&path).expect("open");
        x.worksheets()
    }

    fn at(r: &calamine::Range<Data>, row: u32, col: u32) -> Data {
        r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    fn float(d: &Data) -> f64 {
        match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn parses_rows_and_directives() {
        let s = parse_sheet("Data", SAMPLE, Path::new("x.tsv")).expect("parses");
        assert_eq!(s.merges, vec!["B1:C1"]);
        assert_eq!(s.widths, vec![("A:C".to_string(), 20.0)]);
        assert_eq!(s.rows.len(), 6);
        assert_eq!(s.rows[0], vec!["No", "Header", ""]);
        assert!(s.rows[4].is_empty());
        assert_eq!(s.get("C2").ok(), Some("95,02%"));
        assert!(parse_sheet("x", "#! frobnicate\n", Path::new("x.tsv")).is_err());
        assert!(parse_sheet("x", "#! merge C1:B1\n", Path::new("x.tsv")).is_err());
    }

    #[test]
    fn figures() {
        let f = |s| plain_figure(s).map(|f| f.value.to_string());
        assert_eq!(f("2788").as_deref(), Some("2788"));
        assert_eq!(f("2.543.009.000,00").as_deref(), Some("2543009000.00"));
        assert_eq!(f("-3.817.500").as_deref(), Some("-3817500"));
        assert_eq!(f("95,02%").as_deref(), Some("95.02"));
        assert_eq!(f("95,02 %").as_deref(), Some("95.02"));
        assert_eq!(f("0,00").as_deref(), Some("0.00"));
        for not in [
            "82 (A)",
            "4 Inovasi",
            "Rp. 31.000.000,00",
            "-",
            "7.01.01",
            "2.01",
            "",
            "%",
            "1,",
            "12.34.567",
        ] {
            assert_eq!(plain_figure(not), None, "{not}");
        }
    }

    #[test]
    fn set_grows() {
        let mut s = SourceSheet::default();
        s.set("C3", "x").expect("set");
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.rows[2], vec!["", "", "x"]);
        assert!(s.set("3C", "x").is_err());
    }

    #[test]
    fn writes_fraction_style() {
        let form = Form::default();
        let sheets = read_back(&sample(), &form);
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].0, "Data");
        let r = &sheets[0].1;
        assert_eq!(r.start(), Some((0, 0)));
        assert_eq!(at(r, 0, 1), Data::String("Header".into()));
        assert_eq!(float(&at(r, 1, 1)), 2788.0);
        assert!((float(&at(r, 1, 2)) - 0.9502).abs() < 1e-12);
        assert_eq!(float(&at(r, 2, 0)), -3_817_500.0);
        assert!((float(&at(r, 2, 1)) - 0.9502).abs() < 1e-12);
        assert_eq!(at(r, 2, 2), Data::String("100".into()));
        assert_eq!(float(&at(r, 3, 0)), 5512.0);
        assert_eq!(at(r, 3, 1), Data::String("7.01.01".into()));
        assert_eq!(at(r, 3, 2), Data::String("82 (A)".into()));
        assert_eq!(float(&at(r, 5, 0)), 0.0);
        assert_eq!(float(&at(r, 5, 1)), 1.0);
        assert_eq!(at(r, 5, 2), Data::String("-".into()));
    }

    #[test]
    fn writes_plain_style_with_titles() {
        let form = Form {
            numbers: NumberStyle::Plain,
            title_rows: vec!["LAMPIRAN".into(), "KECAMATAN SUKAMAJU".into()],
            generic_sheet_names: true,
        };
        let sheets = read_back(&sample(), &form);
        assert_eq!(sheets[0].0, "Sheet1");
        assert_eq!(sheets[1].0, "Sheet2");
        let r = &sheets[0].1;
        assert_eq!(at(r, 0, 0), Data::String("LAMPIRAN".into()));
        assert_eq!(at(r, 1, 0), Data::String("KECAMATAN SUKAMAJU".into()));
        assert_eq!(at(r, 2, 0), Data::Empty);
        assert_eq!(at(r, 3, 1), Data::String("Header".into()));
        assert!((float(&at(r, 4, 2)) - 95.02).abs() < 1e-12);
        assert_eq!(float(&at(r, 6, 0)), 5512.0);
    }

    #[test]
    fn writes_text_style() {
        let form = Form {
            numbers: NumberStyle::Text,
            ..Form::default()
        };
        let sheets = read_back(&sample(), &form);
        let r = &sheets[0].1;
        assert_eq!(at(r, 1, 1), Data::String("2.788".into()));
        assert_eq!(at(r, 1, 2), Data::String("95,02%".into()));
        assert_eq!(at(r, 2, 0), Data::String("-3.817.500".into()));
        assert_eq!(at(r, 5, 1), Data::String("0001".into()));
    }

    #[test]
    fn merges_and_hidden_survive() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.xlsx");
        let form = Form {
            title_rows: vec!["T".into()],
            ..Form::default()
        };
        write_xlsx(&sample(), &form, &path).expect("write");
        let mut x: Xlsx<_> = open_workbook(&path).expect("open");
        let regions = x.merge_cells_by_sheet_name("Data").expect("merged regions");
        let dims: Vec<_> = regions.iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(dims, vec![((2, 1), (2, 2))]);
        let meta = x.sheets_metadata();
        assert_eq!(meta[1].visible, calamine::SheetVisible::Hidden);
    }

    #[test]
    fn deterministic_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
        write_xlsx(&sample(), &Form::default(), &a).expect("write a");
        write_xlsx(&sample(), &Form::default(), &b).expect("write b");
        assert_eq!(fs::read(&a).expect("a"), fs::read(&b).expect("b"));
    }

    #[test]
    fn load_set_orders_sheets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wb = dir.path().join("renja");
        fs::create_dir(&wb).expect("mkdir");
        fs::write(wb.join("10-Second.tsv"), "b\n").expect("write");
        fs::write(wb.join("02-First Sheet.tsv"), "a\n").expect("write");
        fs::write(wb.join("notes.md"), "ignored").expect("write");
        let set = load_set(dir.path()).expect("load");
        assert_eq!(set.len(), 1);
        assert_eq!(set[0].name, "renja");
        let names: Vec<_> = set[0].sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["First Sheet", "Second"]);
        fs::write(wb.join("Third.tsv"), "c\n").expect("write");
        assert!(load_set(dir.path()).is_err());
    }
}
