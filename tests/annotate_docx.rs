//! Annotated copies of Word reports (`src/report/annotate/docx.rs`): a small package is
//! written here (paragraphs, some empty; a table with gridSpan and vMerge; an author's
//! comment; an image; a header), annotated, and the copy unzipped and compared with it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::doc::Doc;
use sakip_lint::finding::{Arg, Finding, Location, Message, Related, Severity, TextPlace};
use sakip_lint::grid::{Paragraph, Pos};
use sakip_lint::report::annotate::{AnnotateError, Inputs, write_annotated_for};
use sakip_lint::rules::Rules;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn para(text: &str) -> String {
    format!("<w:p>{}</w:p>", run(text))
}

fn cell(props: &str, text: &str) -> String {
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/>{props}</w:tcPr>{}</w:tc>",
        para(text)
    )
}

/// The body: paragraphs 1–6 (2 and 4 empty), table 1 between paragraphs 5 and 6.
///
/// Table 1 (grid 3 columns):
/// row 0: A "Indikator" spanning A:B, C "Capaian" (vMerge restart)
/// row 1: A "Target", B "90", C (vMerge continue)
/// row 2: A "Realisasi", B "95", C "105,56"
fn document_xml() -> String {
    let image = format!(
        "<w:p><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
         <wp:extent cx=\"95250\" cy=\"95250\"/><wp:docPr id=\"1\" name=\"Logo\"/>\
         <a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">\
         <a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
         <pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
         <pic:nvPicPr><pic:cNvPr id=\"0\" name=\"logo.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
         <pic:blipFill><a:blip r:embed=\"rId5\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
         <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"95250\" cy=\"95250\"/></a:xfrm>\
         <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>\
         </a:graphic></wp:inline></w:drawing></w:r>{}</w:p>",
        run("Logo")
    );
    let table = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"6000\" w:type=\"dxa\"/></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"2000\"/></w:tblGrid>\
         <w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
        cell("<w:gridSpan w:val=\"2\"/>", "Indikator"),
        cell("<w:vMerge w:val=\"restart\"/>", "Capaian"),
        cell("", "Target"),
        cell("", "90"),
        cell("<w:vMerge/>", ""),
        cell("", "Realisasi"),
        cell("", "95"),
        cell("", "105,56"),
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\" \
         xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
         xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" mc:Ignorable=\"w14\">\
         <w:body>{p1}<w:p/>\
         <w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:commentRangeStart w:id=\"0\"/>{r3}<w:commentRangeEnd w:id=\"0\"/>\
         <w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"0\"/></w:r></w:p>\
         <w:p w14:paraId=\"0A0B0C0D\"/>{image}{table}{p6}\
         <w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId4\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr>\
         </w:body></w:document>",
        p1 = para("BAB I PENDAHULUAN"),
        r3 = run("Capaian kinerja tahun 2024 sebesar 105,56 persen."),
        p6 = para("Demikian laporan ini."),
    )
}

const AUTHOR_COMMENT: &str = "<w:comment w:id=\"0\" w:author=\"Bappeda\" w:date=\"2025-02-03T10:00:00Z\" w:initials=\"BP\"><w:p><w:r><w:t>Mohon dicek lagi.</w:t></w:r></w:p></w:comment>";

/// The parts of the test package: (name, bytes, stored rather than deflated).
fn package(with_comments: bool, macros: bool) -> Vec<(String, Vec<u8>, bool)> {
    let main_type = if macros {
        "application/vnd.ms-word.document.macroEnabled.main+xml"
    } else {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    };
    let mut types = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Default Extension=\"png\" ContentType=\"image/png\"/>\
         <Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"{main_type}\"/>\
         <Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
         <Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    );
    if with_comments {
        types.push_str("<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/>");
    }
    types.push_str("</Types>");
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>\
         <Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/image1.png\"/>",
    );
    if with_comments {
        rels.push_str("<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/>");
    }
    if macros {
        rels.push_str("<Relationship Id=\"rId9\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>");
    }
    rels.push_str("</Relationships>");
    let document = if with_comments {
        document_xml()
    } else {
        // Without the author's comment and its range.
        document_xml()
            .replace("<w:commentRangeStart w:id=\"0\"/>", "")
            .replace("<w:commentRangeEnd w:id=\"0\"/><w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"0\"/></w:r>", "")
    };
    let mut parts = vec![
        ("[Content_Types].xml".to_string(), types.into_bytes(), false),
        (
            "_rels/.rels".into(),
            b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>".to_vec(),
            false,
        ),
        ("word/document.xml".into(), document.into_bytes(), false),
        ("word/_rels/document.xml.rels".into(), rels.into_bytes(), false),
        (
            "word/styles.xml".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:styles xmlns:w=\"{W}\"><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style></w:styles>").into_bytes(),
            false,
        ),
        (
            "word/header1.xml".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:hdr xmlns:w=\"{W}\">{}</w:hdr>", para("LKjIP Kecamatan Trawas 2024")).into_bytes(),
            false,
        ),
        ("word/media/image1.png".into(), PNG.to_vec(), true),
    ];
    if with_comments {
        parts.push((
            "word/comments.xml".into(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:comments xmlns:w=\"{W}\">{AUTHOR_COMMENT}</w:comments>").into_bytes(),
            false,
        ));
    }
    if macros {
        parts.push((
            "word/vbaProject.bin".into(),
            b"\xD0\xCF\x11\xE0 not really a macro".to_vec(),
            true,
        ));
    }
    parts
}

fn write_package(path: &Path, parts: &[(String, Vec<u8>, bool)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes, stored) in parts {
        let method = if *stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Every part of a package: name → (compression, crc, inflated bytes), in order.
fn parts_of(path: &Path) -> Vec<(String, zip::CompressionMethod, u32, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (
                f.name().unwrap().to_string(),
                f.compression(),
                f.crc32(),
                bytes,
            )
        })
        .collect()
}

fn part(path: &Path, name: &str) -> String {
    parts_of(path)
        .into_iter()
        .find(|p| p.0 == name)
        .map(|p| String::from_utf8(p.3).unwrap())
        .unwrap_or_else(|| panic!("{name} in {}", path.display()))
}

/// The report document as the reader gives it (only `file` and `paragraphs` matter here).
fn doc(file: &Path) -> Doc {
    Doc {
        file: file.display().to_string(),
        sheets: Vec::new(),
        tables: Vec::new(),
        paragraphs: (1..=6)
            .map(|n| Paragraph {
                number: n,
                text: String::new(),
                tables_before: u32::from(n == 6),
                lines: Vec::new(),
            })
            .collect(),
    }
}

fn sentence(file: &str, paragraph: u32) -> Location {
    Location::sentence(
        file,
        TextPlace {
            paragraph,
            page: None,
            line: None,
            quote: "Capaian kinerja tahun 2024 sebesar 105,56 persen.".into(),
            figure: (35, 41),
        },
    )
}

fn finding(code: &'static str, error: &str, at: Location) -> Finding {
    Finding::new(
        code,
        Severity::Error,
        Message::new("figure.error_value").text("error", error),
        at,
    )
}

/// The findings: a sentence of paragraph 3 (with expected and found values and a related
/// table cell), empty paragraph 2, the continuation cell C2 of the vMerge (→ C1), B1 inside
/// the gridSpan A1:B1 (→ A1), B3, a paragraph past the last, a table that is not there,
/// and a finding of another file.
fn findings(file: &str) -> Vec<Finding> {
    let mut first = finding("SL101", "#P3", sentence(file, 3));
    first.expected = Some(Arg::num(Decimal::new(10556, 2), 2));
    first.actual = Some(Arg::num(Decimal::new(10565, 2), 2));
    first.related.push(Related {
        at: Location::cell(file, "Tabel 1", Pos::new(2, 2)),
        note: Message::new("note.value").text("value", "105,56"),
    });
    vec![
        first,
        finding("SL102", "#P2", sentence(file, 2)),
        finding(
            "SL103",
            "#C2",
            Location::cell(file, "Tabel 1", Pos::new(1, 2)),
        ),
        finding(
            "SL104",
            "#B1",
            Location::cell(file, "Tabel 1", Pos::new(0, 1)),
        ),
        finding(
            "SL105",
            "#B3",
            Location::cell(file, "Tabel 1", Pos::new(2, 1)),
        ),
        finding("SL106", "#P99", sentence(file, 99)),
        finding(
            "SL107",
            "#T4",
            Location::cell(file, "Tabel 4", Pos::new(0, 0)),
        ),
        finding("SL108", "#OTHER", sentence("lain.docx", 1)),
    ]
}

/// Where each comment's range is in a document.xml: comment id → (start place, end place),
/// a place being "p N" (top-level paragraph) or "t K r R c C" (the C-th `w:tc` of row R of
/// table K, 1-based K, 0-based R and C); also checks every reference follows its end.
fn ranges(xml: &str) -> BTreeMap<u64, (String, String)> {
    let mut reader = Reader::from_str(xml);
    let (mut paragraphs, mut tables, mut row, mut col) = (0u32, 0u32, 0usize, 0usize);
    let mut depth = 0usize;
    let mut table_depth: Option<usize> = None;
    let mut here = String::new();
    let mut starts: BTreeMap<u64, String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    let mut last_end: Option<u64> = None;
    loop {
        let event = reader.read_event().unwrap();
        let (e, empty) = match &event {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                depth -= 1;
                if table_depth == Some(depth) {
                    table_depth = None;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = e.name().as_ref().to_string();
        let id = || -> u64 {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == "w:id")
                .unwrap()
                .value
                .parse()
                .unwrap()
        };
        match (name.as_str(), table_depth) {
            // <w:document> is depth 0, <w:body> 1, its children 2.
            ("w:p", None) if depth == 2 => {
                paragraphs += 1;
                here = format!("p {paragraphs}");
            }
            ("w:tbl", None) if depth == 2 => {
                tables += 1;
                row = 0;
                table_depth = Some(depth);
            }
            ("w:tr", Some(t)) if depth == t + 1 => {
                row += 1;
                col = 0;
            }
            ("w:tc", Some(t)) if depth == t + 2 => {
                col += 1;
                here = format!("t {tables} r {} c {}", row - 1, col - 1);
            }
            ("w:commentRangeStart", _) => {
                starts.insert(id(), here.clone());
            }
            ("w:commentRangeEnd", _) => {
                let id = id();
                out.insert(id, (starts.remove(&id).unwrap(), here.clone()));
                last_end = Some(id);
            }
            ("w:commentReference", _) => assert_eq!(last_end.take(), Some(id())),
            _ => {}
        }
        if !empty {
            depth += 1;
        }
    }
    assert!(starts.is_empty(), "ranges without an end: {starts:?}");
    out
}

/// The comments of a comments.xml: id → (author, text with "\n" between paragraphs).
fn comments(xml: &str) -> BTreeMap<u64, (String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut out = BTreeMap::new();
    let mut current: Option<(u64, String, Vec<String>)> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == "w:comment" => {
                let get = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .unwrap()
                        .value
                        .into_owned()
                };
                current = Some((get("w:id").parse().unwrap(), get("w:author"), Vec::new()));
            }
            Event::Start(e) if e.name().as_ref() == "w:p" => {
                if let Some(c) = current.as_mut() {
                    c.2.push(String::new());
                }
            }
            Event::Text(t) => {
                if let Some(line) = current.as_mut().and_then(|c| c.2.last_mut()) {
                    line.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(line) = current.as_mut().and_then(|c| c.2.last_mut()) {
                    let ch = match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("entity {other}"),
                    };
                    line.push_str(ch);
                }
            }
            Event::End(e) if e.name().as_ref() == "w:comment" => {
                let (id, author, lines) = current.take().unwrap();
                out.insert(id, (author, lines.join("\n")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

struct Setup {
    _dir: tempfile::TempDir,
    input: PathBuf,
    out: PathBuf,
}

fn setup(name: &str, with_comments: bool, macros: bool) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("masuk").join(name);
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    write_package(&input, &package(with_comments, macros));
    let out = dir.path().join("keluar");
    Setup {
        _dir: dir,
        input,
        out,
    }
}

fn annotate(s: &Setup, findings: &[Finding], lang: Lang) -> Result<PathBuf, AnnotateError> {
    let rules = Rules::embedded().unwrap();
    let cat = Catalog::new(&rules, lang);
    let inputs = Inputs::new(std::slice::from_ref(&s.input));
    write_annotated_for(&doc(&s.input), findings, &s.out, &cat, &inputs)
}

const PATCHED: [&str; 4] = [
    "word/document.xml",
    "word/comments.xml",
    "word/_rels/document.xml.rels",
    "[Content_Types].xml",
];

#[test]
fn comments_mark_the_paragraphs_and_cells_and_nothing_else_changes() {
    let s = setup("laporan.docx", true, false);
    let before = std::fs::read(&s.input).unwrap();
    let file = s.input.display().to_string();
    let copy = annotate(&s, &findings(&file), Lang::Id).unwrap();
    assert_eq!(copy, s.out.join("laporan.docx"));
    assert_eq!(
        std::fs::read(&s.input).unwrap(),
        before,
        "the input is untouched"
    );

    // Every other part byte for byte, in the same order, compressed the same way.
    let (old, new) = (parts_of(&s.input), parts_of(&copy));
    let names = |p: &[(String, zip::CompressionMethod, u32, Vec<u8>)]| -> Vec<String> {
        p.iter().map(|x| x.0.clone()).collect()
    };
    assert_eq!(names(&old), names(&new));
    for (o, n) in old.iter().zip(&new) {
        if !PATCHED.contains(&o.0.as_str()) {
            assert_eq!(o, n, "{} is carried over unchanged", o.0);
        }
    }
    // The raw (compressed) data too.
    let raw = |p: &Path, name: &str| {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        let f = z.by_name(name).unwrap();
        (f.compressed_size(), f.crc32())
    };
    assert_eq!(
        raw(&s.input, "word/media/image1.png").0,
        raw(&copy, "word/media/image1.png").0
    );

    // The author's comment is still there, as it was; the new ones follow with higher ids.
    let comments_xml = part(&copy, "word/comments.xml");
    assert!(comments_xml.contains(AUTHOR_COMMENT), "{comments_xml}");
    let all = comments(&comments_xml);
    assert_eq!(all.get(&0).unwrap().0, "Bappeda");
    assert_eq!(all.len(), 1 + 7, "{all:?}");
    let ids: Vec<u64> = all.keys().copied().filter(|&id| id != 0).collect();
    assert_eq!(ids, (1..=7).collect::<Vec<u64>>());
    for (author, _) in all.values().skip(1) {
        assert_eq!(author, "sakip-lint");
    }
    assert!(
        comments_xml.contains("w:initials=\"SL\"")
            && comments_xml.contains("w:date=\"2025-01-01T00:00:00Z\"")
    );
    let text = |id: u64| all.get(&id).unwrap().1.clone();
    assert_eq!(
        text(1),
        format!(
            "Temuan #1: SL101 (kesalahan)\nSel berisi nilai galat #P3.\nSeharusnya: 105,56\n\
             Tertulis: 105,65\nSel terkait:\n• Tabel 1!C3 — nilai 105,56"
        )
    );
    assert!(text(2).starts_with("Temuan #2: SL102 (kesalahan)\nSel berisi nilai galat #P2."));
    assert!(
        text(6).starts_with("Tempat temuan ini tidak ada di dokumen (¶99)"),
        "{}",
        text(6)
    );
    assert!(text(6).contains("SL106"));
    assert!(
        text(7).starts_with("Tempat temuan ini tidak ada di dokumen (Tabel 4!A1)"),
        "{}",
        text(7)
    );
    assert!(
        !comments_xml.contains("#OTHER"),
        "another file's finding is not here"
    );

    // The ranges: around the right paragraph or cell.
    let document = part(&copy, "word/document.xml");
    let r = ranges(&document);
    let at = |id: u64| r.get(&id).unwrap().clone();
    let both = |s: &str| (s.to_string(), s.to_string());
    assert_eq!(at(0), both("p 3"), "the author's range is kept");
    assert_eq!(at(1), both("p 3"));
    assert_eq!(at(2), both("p 2"));
    assert_eq!(at(3), both("t 1 r 0 c 1"), "C2 continues the merge from C1");
    assert_eq!(at(4), both("t 1 r 0 c 0"), "B1 is inside A1:B1");
    assert_eq!(at(5), both("t 1 r 2 c 1"));
    assert_eq!(
        at(6),
        both("p 1"),
        "a paragraph past the last: on the first"
    );
    assert_eq!(
        at(7),
        both("p 1"),
        "a table not there: on the first paragraph"
    );
    // The empty paragraph is opened, the range follows a paragraph's properties, the root's
    // declarations are untouched.
    assert!(
        document.contains("<w:p><w:commentRangeStart w:id=\"2\"/><w:commentRangeEnd w:id=\"2\"/>")
    );
    assert!(document.contains("<w:pPr><w:jc w:val=\"both\"/></w:pPr><w:commentRangeStart w:id=\"1\"/><w:commentRangeStart w:id=\"0\"/>"));
    let original = document_xml();
    let root_end = original.find("<w:body>").unwrap();
    assert!(document.starts_with(&original[..root_end]));
    // Removing what was written in gives the original back.
    let mut stripped = document.clone();
    for id in 1..=7 {
        stripped = stripped
            .replace(&format!("<w:commentRangeStart w:id=\"{id}\"/>"), "")
            .replace(
                &format!("<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"{id}\"/></w:r>"),
                "",
            );
    }
    assert_eq!(stripped.replace("<w:p></w:p>", "<w:p/>"), original);

    // The comments part was related and typed already: nothing added.
    assert_eq!(
        part(&copy, "word/_rels/document.xml.rels"),
        part(&s.input, "word/_rels/document.xml.rels")
    );
    assert_eq!(
        part(&copy, "[Content_Types].xml"),
        part(&s.input, "[Content_Types].xml")
    );

    // The same input gives the same copy.
    let again = annotate(&s, &findings(&file), Lang::Id).unwrap();
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&copy).unwrap()
    );
}

#[test]
fn a_document_without_comments_gets_the_part_its_relationship_and_its_type() {
    let s = setup("Laporan Kinerja.DOCX", false, false);
    let file = s.input.display().to_string();
    let copy = annotate(&s, &findings(&file), Lang::En).unwrap();
    assert_eq!(copy, s.out.join("Laporan Kinerja.docx"));
    let names: Vec<String> = parts_of(&copy).into_iter().map(|p| p.0).collect();
    assert_eq!(names.last().map(String::as_str), Some("word/comments.xml"));
    let all = comments(&part(&copy, "word/comments.xml"));
    assert_eq!(
        all.keys().copied().collect::<Vec<_>>(),
        (0..7).collect::<Vec<u64>>()
    );
    assert!(
        all.get(&0)
            .unwrap()
            .1
            .starts_with("Finding #1: SL101 (error)\nThe cell holds the error value #P3."),
        "{:?}",
        all.get(&0)
    );
    assert!(
        all.get(&5)
            .unwrap()
            .1
            .starts_with("This finding's place is not in the document (¶99)")
    );
    let rels = part(&copy, "word/_rels/document.xml.rels");
    assert!(rels.ends_with("<Relationship Id=\"rId6\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>"), "{rels}");
    let types = part(&copy, "[Content_Types].xml");
    assert!(types.ends_with("<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/></Types>"), "{types}");
    let r = ranges(&part(&copy, "word/document.xml"));
    assert_eq!(r.get(&2).unwrap().0, "t 1 r 0 c 1");
    for (o, n) in parts_of(&s.input).iter().zip(parts_of(&copy).iter()) {
        if !PATCHED.contains(&o.0.as_str()) {
            assert_eq!(o, n);
        }
    }
}

#[test]
fn a_macro_document_stays_a_docm_with_its_macros_untouched() {
    let s = setup("laporan.docm", true, true);
    let file = s.input.display().to_string();
    let copy = annotate(&s, &findings(&file)[..1], Lang::Id).unwrap();
    assert_eq!(copy, s.out.join("laporan.docm"));
    let vba = |p: &Path| {
        parts_of(p)
            .into_iter()
            .find(|x| x.0 == "word/vbaProject.bin")
            .unwrap()
    };
    assert_eq!(vba(&s.input), vba(&copy));
}

#[test]
fn without_findings_of_its_own_the_copy_holds_the_input_parts() {
    let s = setup("laporan.docx", false, false);
    let copy = annotate(&s, &findings("lain.docx"), Lang::Id).unwrap();
    assert_eq!(parts_of(&s.input), parts_of(&copy));
}

#[test]
fn the_input_is_never_the_copy() {
    let s = setup("laporan.docx", true, false);
    let before = std::fs::read(&s.input).unwrap();
    let rules = Rules::embedded().unwrap();
    let cat = Catalog::new(&rules, Lang::Id);
    let inputs = Inputs::new(std::slice::from_ref(&s.input));
    let file = s.input.display().to_string();
    let err = write_annotated_for(
        &doc(&s.input),
        &findings(&file),
        s.input.parent().unwrap(),
        &cat,
        &inputs,
    )
    .unwrap_err();
    assert!(matches!(err, AnnotateError::WouldOverwrite { .. }), "{err}");
    assert_eq!(std::fs::read(&s.input).unwrap(), before);
}

#[test]
fn a_broken_package_is_an_error_not_a_panic() {
    let s = setup("laporan.docx", true, false);
    std::fs::write(&s.input, b"PK\x03\x04 not a zip").unwrap();
    let file = s.input.display().to_string();
    let err = annotate(&s, &findings(&file), Lang::Id).unwrap_err();
    assert!(matches!(err, AnnotateError::Package { .. }), "{err}");
    assert!(!s.out.join("laporan.docx").exists());
}

/// For `tests/annotate_docx_lo.sh`: with `SAKIP_DOCX_SAMPLE=DIR`, leave the input and its
/// copy in DIR.
#[test]
fn sample_for_libreoffice() {
    let Ok(dir) = std::env::var("SAKIP_DOCX_SAMPLE") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("masuk")).unwrap();
    let input = dir.join("masuk").join("laporan.docx");
    write_package(&input, &package(true, false));
    let s = Setup {
        _dir: tempfile::tempdir().unwrap(),
        input: input.clone(),
        out: dir.join("keluar"),
    };
    let file = input.display().to_string();
    annotate(&s, &findings(&file), Lang::Id).unwrap();
}

/// The main part is the one `_rels/.rels` names, wherever it is: the copy marks that
/// part (the one the reader read), and the comments part and its relationship go into its
/// folder. A main part named outside the package is refused, not looked for on disk.
#[test]
fn the_main_part_is_found_through_the_package_relationships() {
    let s = setup("pindah.docx", false, false);
    let moved: Vec<(String, Vec<u8>, bool)> = package(false, false)
        .into_iter()
        .map(|(name, bytes, stored)| {
            let name = name.replacen("word/", "isi/", 1);
            let bytes = if name == "_rels/.rels" || name == "[Content_Types].xml" {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace("word/", "isi/")
                    .into_bytes()
            } else {
                bytes
            };
            (name, bytes, stored)
        })
        .collect();
    write_package(&s.input, &moved);
    let read = sakip_lint::read::read_workbook(&s.input, &Default::default()).unwrap();
    assert!(!read.workbook.paragraphs.is_empty());
    let file = s.input.display().to_string();
    let copy = annotate(&s, &findings(&file), Lang::En).unwrap();
    let names: Vec<String> = parts_of(&copy).into_iter().map(|p| p.0).collect();
    assert!(names.iter().all(|n| !n.starts_with("word/")), "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some("isi/comments.xml"));
    let rels = part(&copy, "isi/_rels/document.xml.rels");
    assert!(
        rels.contains("/comments\" Target=\"comments.xml\"/>"),
        "{rels}"
    );
    let types = part(&copy, "[Content_Types].xml");
    assert!(
        types.contains("<Override PartName=\"/isi/comments.xml\""),
        "{types}"
    );
    let r = ranges(&part(&copy, "isi/document.xml"));
    assert_eq!(r.get(&0).unwrap().0, "p 3");
    assert_eq!(r.get(&2).unwrap().0, "t 1 r 0 c 1");

    let escaping: Vec<(String, Vec<u8>, bool)> = package(false, false)
        .into_iter()
        .map(|(name, bytes, stored)| {
            let bytes = if name == "_rels/.rels" {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace(
                        "Target=\"word/document.xml\"",
                        "Target=\"../../word/document.xml\"",
                    )
                    .into_bytes()
            } else {
                bytes
            };
            (name, bytes, stored)
        })
        .collect();
    write_package(&s.input, &escaping);
    match annotate(&s, &findings(&file), Lang::En) {
        Err(AnnotateError::Package { detail, .. }) => {
            assert!(detail.contains("outside the package"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}
