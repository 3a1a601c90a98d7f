//! Header/table recognition and every check, on workbooks built in memory from arbitrary
//! cells: `find_tables` on each sheet, then `check_docs` (all check families) and the
//! human and JSON reports. Cell words come partly from a dictionary of the headers,
//! row labels and figures these reports use, so the recogniser actually finds tables.
#![no_main]

#[path = "../harness.rs"]
mod harness;

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use sakip_lint::grid::{Cell, Grid, Pos, Range, Value};

const MAX_ROWS: u32 = 40;
const MAX_COLS: u32 = 12;
const MAX_SHEETS: usize = 2;
const MAX_DOCS: usize = 2;
const MAX_MERGES: usize = 8;

/// Words of the headers, row labels, captions and figures of LKjIP tables.
const WORDS: &[&str] = &[
    "No",
    "No.",
    "Kode",
    "Indikator Kinerja",
    "Sasaran Strategis",
    "Tujuan",
    "Satuan",
    "Target",
    "Realisasi",
    "Capaian",
    "Capaian (%)",
    "%",
    "Jumlah",
    "Total",
    "Program",
    "Kegiatan",
    "Sub Kegiatan",
    "Uraian",
    "Anggaran",
    "Pagu",
    "Sisa",
    "Penyerapan (%)",
    "Predikat",
    "Keterangan",
    "Tahun 2023",
    "Tahun 2024",
    "Tahun 2025",
    "2024",
    "Target Akhir",
    "Kondisi Awal",
    "Efisiensi",
    "Kemajuan",
    "Rp",
    "(Rp)",
    "APBD",
    "P-APBD",
    "Sebelum",
    "Sesudah",
    "Laki-laki",
    "Perempuan",
    "Sangat Baik",
    "Baik",
    "Cukup",
    "Kurang",
    "A",
    "BB",
    "I",
    "II",
    "III",
    "a.",
    "b.",
    "1",
    "2",
    "3",
    "4",
    "5",
    "(1)",
    "(2)",
    "1.1",
    "1.2",
    "2.1",
    "1.01.02",
    "- Belanja Pegawai",
    "Tabel 3.1 Capaian Kinerja Sasaran",
    "Tabel 3.2 Realisasi Anggaran per Program",
    "Perjanjian Kinerja",
    "Rencana Kerja",
    "Rencana Strategis",
    "Pengukuran Kinerja",
    "Laporan Realisasi Anggaran",
    "Kecamatan Sukamaju",
    "Kecamatan Trawas",
    "Persentase layanan administrasi",
    "Indeks Kepuasan Masyarakat",
    "Nilai SAKIP",
    "90 ke atas",
    "> 90",
    "80 s/d 90",
    "< 60",
    "1.234.567,89",
    "Rp 1.000.000",
    "Rp. 2.543.009.000,00",
    "95,02 %",
    "82 (A)",
    "-",
    "1,234.56",
    "100",
    "100 %",
    "0,95",
    "12 dokumen",
    "(1.500.000)",
    "#DIV/0!",
];

const FILE_NAMES: &[&str] = &[
    "pk.xlsx",
    "renja.xlsx",
    "renstra.xlsx",
    "lra.xlsx",
    "pengukuran.xlsx",
    "lkjip-tabel.xlsx",
    "lampiran.xlsx",
];

const SHEET_NAMES: &[&str] = &[
    "PK",
    "Renja",
    "Renstra",
    "LRA",
    "Pengukuran",
    "Tabel 3.1",
    "Sheet1",
];

#[derive(Debug, Arbitrary)]
enum CellIn {
    Empty,
    Word(u8),
    /// Two dictionary words joined by a space or a line break.
    Words(u8, u8, bool),
    Text(String),
    Number {
        mantissa: i64,
        scale: u8,
        percent: bool,
        decimals: Option<u8>,
    },
    Bool(bool),
    Error,
}

#[derive(Debug, Arbitrary)]
struct SheetIn {
    name: Result<u8, String>,
    height: u8,
    width: u8,
    hidden: bool,
    number_formats: bool,
    cells: Vec<CellIn>,
    merges: Vec<(u8, u8, u8, u8)>,
}

#[derive(Debug, Arbitrary)]
struct DocIn {
    name: u8,
    sheets: Vec<SheetIn>,
}

#[derive(Debug)]
struct Input {
    docs: Vec<DocIn>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(1..=MAX_DOCS)?;
        let mut docs = Vec::with_capacity(n);
        for _ in 0..n {
            docs.push(DocIn::arbitrary(u)?);
        }
        Ok(Input { docs })
    }
}

fn pick<'s>(list: &[&'s str], i: u8) -> &'s str {
    list[i as usize % list.len()]
}

fn value(c: &CellIn) -> Value {
    match c {
        CellIn::Empty => Value::Empty,
        CellIn::Word(i) => Value::Text(pick(WORDS, *i).to_string()),
        CellIn::Words(a, b, newline) => Value::Text(format!(
            "{}{}{}",
            pick(WORDS, *a),
            if *newline { "\n" } else { " " },
            pick(WORDS, *b)
        )),
        CellIn::Text(s) => Value::Text(s.chars().take(200).collect()),
        CellIn::Number {
            mantissa,
            scale,
            percent,
            decimals,
        } => Value::Number {
            value: Decimal::try_from_i128_with_scale(i128::from(*mantissa), u32::from(*scale % 29))
                .unwrap_or(Decimal::ZERO),
            percent: *percent,
            decimals: decimals.map(|d| u32::from(d % 12)),
        },
        CellIn::Bool(b) => Value::Bool(*b),
        CellIn::Error => Value::Error("#DIV/0!".to_string()),
    }
}

fn grid(s: &SheetIn) -> Grid {
    let name = match &s.name {
        Ok(i) => pick(SHEET_NAMES, *i).to_string(),
        Err(n) => n.chars().take(31).collect(),
    };
    let height = u32::from(s.height) % (MAX_ROWS + 1);
    let width = u32::from(s.width) % (MAX_COLS + 1);
    let mut g = Grid::new(name, height, width);
    g.hidden = s.hidden;
    g.number_formats = s.number_formats;
    if width > 0 {
        for (i, c) in s.cells.iter().take((height * width) as usize).enumerate() {
            let i = i as u32;
            g.set(
                Pos::new(i / width, i % width),
                Cell {
                    value: value(c),
                    formula: None,
                },
            );
        }
    }
    for &(r0, c0, r1, c1) in s.merges.iter().take(MAX_MERGES) {
        if height == 0 || width == 0 {
            break;
        }
        let (r0, r1) = (u32::from(r0) % height, u32::from(r1) % height);
        let (c0, c1) = (u32::from(c0) % width, u32::from(c1) % width);
        g.merges.push(Range {
            start: Pos::new(r0.min(r1), c0.min(c1)),
            end: Pos::new(r0.max(r1), c0.max(c1)),
        });
    }
    g
}

fn stats() -> bool {
    static STATS: OnceLock<bool> = OnceLock::new();
    *STATS.get_or_init(|| std::env::var_os("SAKIP_FUZZ_STATS").is_some())
}

fuzz_target!(|input: Input| {
    let workbooks: Vec<(String, Vec<Grid>)> = input
        .docs
        .iter()
        .map(|d| {
            let sheets = d.sheets.iter().take(MAX_SHEETS).map(grid).collect();
            (pick(FILE_NAMES, d.name).to_string(), sheets)
        })
        .collect();
    let (report, docs) = harness::tables(workbooks);
    if stats() {
        // One line per input, to see how many inputs the recogniser finds tables in:
        // `SAKIP_FUZZ_STATS=1 target/…/tables -runs=0 corpus/tables 2>&1 | grep ^tables`.
        let n: usize = docs.iter().map(|d| d.tables.len()).sum();
        let rows: usize = docs
            .iter()
            .flat_map(|d| &d.tables)
            .map(|t| t.rows.len())
            .sum();
        eprintln!("tables={n} rows={rows} findings={}", report.findings.len());
    }
});
