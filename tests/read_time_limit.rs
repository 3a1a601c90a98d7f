//! The per-file time limit really stops a read: a file still being read when its time is up
//! is reported with the limit, and its reading thread gives it up and ends within moments
//! instead of reading on beside the next files. Alone in its test binary, because it
//! counts the process's reading threads.

use sakip_lint::read::{self, Limit, ReadError, ReadOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// A legal but long .xlsx: one sheet of `rows` × 10 numbers, stored uncompressed.
fn write_long_xlsx(path: &Path, rows: u32) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Panjang" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", stored).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    )
    .unwrap();
    let mut row = String::new();
    for r in 1..=rows {
        row.clear();
        row.push_str(&format!("<row r=\"{r}\">"));
        for (c, col) in "ABCDEFGHIJ".chars().enumerate() {
            row.push_str(&format!(
                "<c r=\"{col}{r}\"><v>{}</v></c>",
                r * 10 + c as u32
            ));
        }
        row.push_str("</row>");
        zip.write_all(row.as_bytes()).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
}

/// A legal but long text PDF: `pages` pages of `lines` lines of 60 glyphs each.
fn write_long_pdf(path: &Path, pages: usize, lines: usize) {
    let mut out: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: String| {
        offsets.push(out.len());
        let n = offsets.len();
        out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    // 1: catalog, 2: pages, 3: font, then a page and its content per page.
    object(&mut out, "<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    object(
        &mut out,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
    );
    object(
        &mut out,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    );
    let mut content = String::from("BT /F1 6 Tf\n");
    for l in 0..lines {
        content.push_str(&format!(
            "1 0 0 1 20 {} Tm (Realisasi anggaran 2024 sebesar Rp 1.234.567,00 atau 95,02 persen) Tj\n",
            800 - (l % 130) * 6
        ));
    }
    content.push_str("ET");
    for i in 0..pages {
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            ),
        );
        object(
            &mut out,
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            ),
        );
    }
    let xref = out.len();
    let count = offsets.len() + 1;
    out.extend_from_slice(format!("xref\n0 {count}\n0000000000 65535 f \n").as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    std::fs::write(path, out).unwrap();
}

/// The tests count the process's reading threads: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Read `path` with a 1-second limit: the read must be reported over its time within 3 s,
/// and its reading thread must end within moments (1,5 s at most). How long it took to end.
fn stopped_after_its_time(path: &Path, opts: &ReadOptions) -> Duration {
    let before = read::reading_threads();
    let started = Instant::now();
    let late = read::read_in_time(path, opts, 1);
    assert!(
        matches!(
            late,
            Err(ReadError::Limit {
                limit: Limit::Seconds,
                max: 1,
                ..
            })
        ),
        "{late:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The reading thread was given up with its stop flag set: it must end within moments,
    // not when the whole file has been read.
    match thread_ended(before) {
        Ok(after) => after,
        Err(n) => panic!("{n} reading threads still run 1,5 s after the limit"),
    }
}

/// Wait (at most 1,5 s) for the reading threads to be back to `before`; how long it took.
fn thread_ended(before: usize) -> Result<Duration, usize> {
    let started = Instant::now();
    while read::reading_threads() > before && started.elapsed() < Duration::from_millis(1500) {
        std::thread::sleep(Duration::from_millis(10));
    }
    match read::reading_threads() {
        n if n == before => Ok(started.elapsed()),
        n => Err(n),
    }
}

#[test]
fn a_pdf_read_over_its_time_is_stopped_too() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laporan-panjang.pdf");
    // 1 000 pages of 2 000 glyph runs: within every PDF limit, many seconds to read.
    write_long_pdf(&path, 1000, 2000);
    let ended = stopped_after_its_time(&path, &ReadOptions::default());
    eprintln!("PDF reading thread ended {ended:?} after the time limit");
}

#[test]
fn a_read_over_its_time_is_stopped_not_left_running() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("panjang.xlsx");
    // 3 900 000 cells: under the default budget of 4 000 000 cells a sheet, so the read
    // is legal; it takes many seconds (tens in a debug build) when left to finish.
    write_long_xlsx(&path, 390_000);
    let opts = ReadOptions {
        formulas: false,
        ..ReadOptions::default()
    };
    let ended = stopped_after_its_time(&path, &opts);
    eprintln!("reading thread ended {ended:?} after the time limit");
    // The worker reads the next file at once, with a new reading thread.
    let next = read::read_in_time(
        Path::new("fixtures/clean-sukamaju/fraction/lra.xlsx"),
        &opts,
        5,
    );
    assert!(next.is_ok(), "{next:?}");
}
