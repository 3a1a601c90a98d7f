//! Findings: what a check reports. Checks build findings; reports format them.
//! A finding carries a message id and typed arguments, never formatted text, so the
//! same finding can be shown in Bahasa Indonesia or English.

use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// An argument of a message, formatted per language by the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    /// A number shown with exactly `decimals` decimals (Indonesian: 95,02; English: 95.02).
    Num {
        value: Decimal,
        decimals: u32,
    },
    /// A list of items joined by the catalogue (e.g. "a + b + c").
    Sum(Vec<(Decimal, u32)>),
    /// Another message, rendered in the same language (for hints and notes).
    Msg(Box<Message>),
    /// A formula with the figures put in: "78,33 / 74 × 100".
    Formula(Vec<Arg>),
}

impl Arg {
    pub fn num(value: Decimal, decimals: u32) -> Arg {
        Arg::Num { value, decimals }
    }
    pub fn text(s: impl Into<String>) -> Arg {
        Arg::Text(s.into())
    }
}

/// A message: an id in the catalogue and its named arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Message {
            id,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: Arg) -> Self {
        self.args.push((name, value));
        self
    }
    pub fn text(self, name: &'static str, value: impl Into<String>) -> Self {
        self.arg(name, Arg::Text(value.into()))
    }
    pub fn num(self, name: &'static str, value: Decimal, decimals: u32) -> Self {
        self.arg(name, Arg::Num { value, decimals })
    }
}

/// A place in a submission: file (as given on the command line), sheet, cell; or, in a
/// report document's text, the paragraph (and for a PDF the page and line) and the
/// sentence (`text`, with `sheet` empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub sheet: String,
    pub cell: crate::grid::Pos,
    pub text: Option<Box<TextPlace>>,
}

/// A place in a report document's body text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextPlace {
    /// 1-based paragraph of the body (a Word document; for a PDF the running number).
    pub paragraph: u32,
    /// PDF: 1-based page and line where the sentence starts.
    pub page: Option<u32>,
    pub line: Option<u32>,
    /// The sentence holding the figure, at most 300 characters.
    pub quote: String,
    /// The figure's byte range in `quote` (for underlining it).
    pub figure: (usize, usize),
}

impl Location {
    /// A cell of a sheet.
    pub fn cell(file: impl Into<String>, sheet: impl Into<String>, cell: crate::grid::Pos) -> Self {
        Location {
            file: file.into(),
            sheet: sheet.into(),
            cell,
            text: None,
        }
    }

    /// A sentence of a report document's body.
    pub fn sentence(file: impl Into<String>, place: TextPlace) -> Self {
        Location {
            file: file.into(),
            sheet: String::new(),
            cell: crate::grid::Pos::new(0, 0),
            text: Some(Box::new(place)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub at: Location,
    pub note: Message,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable rule code, e.g. "SL101".
    pub code: &'static str,
    pub severity: Severity,
    pub message: Message,
    pub at: Location,
    /// The value that would be right, and the value found, as the catalogue formats them.
    pub expected: Option<Arg>,
    pub actual: Option<Arg>,
    pub related: Vec<Related>,
    /// Extra advice (a hint such as "digits transposed?").
    pub help: Option<Message>,
    /// What the finding rests on that the workbook did not state (the report's year
    /// inferred from its columns, a table joined across a page break …): JSON `assumed`.
    pub assumed: Vec<Message>,
    /// The rows involved, as the workbook shows them (filled after the checks, for reports).
    pub snippet: Vec<SnippetLine>,
    /// The caption of the table the cell belongs to ("Tabel 3.2 Realisasi Anggaran per
    /// Program"), filled after the checks so that a reader knows which table is meant.
    pub table: Option<String>,
    /// The table around the finding's cell, as the sheet shows it (filled after the
    /// checks, for the page and JSON `around`); None for a sentence.
    pub around: Option<Around>,
    /// The relation the finding reports as broken, for the diagnosis that folds the
    /// findings of one wrong cell into one (src/diagnosis.rs); None for other findings.
    pub constraint: Option<Box<Constraint>>,
}

impl Finding {
    /// A finding with nothing but its code, severity, message and cell; the rest is filled
    /// by the check that makes it.
    pub fn new(code: &'static str, severity: Severity, message: Message, at: Location) -> Self {
        Finding {
            code,
            severity,
            message,
            at,
            expected: None,
            actual: None,
            related: Vec::new(),
            help: None,
            assumed: Vec::new(),
            snippet: Vec::new(),
            table: None,
            around: None,
            constraint: None,
        }
    }
}

/// A cell a broken relation reads, with the figure found there (None: no figure, such as
/// a predikat label).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub at: Location,
    pub value: Option<Decimal>,
    pub decimals: u32,
}

/// A relation between cells that a finding reports as broken. `cells[0]` is the
/// finding's own cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub cells: Vec<Term>,
    pub kind: ConstraintKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintKind {
    /// `cells[0]` is the sum of the other cells (an empty cell counts 0).
    Sum,
    /// `cells[0]`, shown with its decimals, agrees with `expr`; `roles[k]` is the role
    /// of `cells[k + 1]` and whether it is a term of `sum(role)`.
    Relation {
        expr: crate::expr::Expr,
        roles: Vec<(String, bool)>,
    },
    /// `cells[0]` shows the same figure as every other cell. When `computed`, the other
    /// cells' figure is what the arithmetic of other figures gives: they are not to be
    /// corrected to this one.
    Same { computed: bool },
    /// `cells[0]` is a label naming these bands; `cells[1]`, the value rated, must fall
    /// in one of them.
    Band { bands: Vec<crate::scale::Band> },
    /// `cells[0]` is a kode that hangs its row outside the parent it sits under (the
    /// row at sheet row `parent_row`); `cells[1..]` are the row's figures, which a sum
    /// of that parent misses while the kode is wrong.
    Regroup { parent_row: u32 },
}

/// A window of a sheet around a finding's cell: its table's header rows (the lowest two)
/// and the data rows next to the cell's (three at most), over the columns shown (all of a
/// narrow table; of a wide one, its label column and three columns either side of the
/// cell).
#[derive(Debug, Clone, PartialEq)]
pub struct Around {
    /// The columns shown, in order (0-based; gaps where a wide table is cut).
    pub columns: Vec<u32>,
    /// Header rows (0-based sheet row, one value per shown column).
    pub header: Vec<(u32, Vec<crate::grid::Value>)>,
    /// Data rows, likewise.
    pub rows: Vec<(u32, Vec<crate::grid::Value>)>,
}

/// One row of a finding's snippet: the row's label and the cells the finding involves.
#[derive(Debug, Clone, PartialEq)]
pub struct SnippetLine {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    pub label: String,
    pub cells: Vec<(crate::grid::Pos, crate::grid::Value)>,
}
