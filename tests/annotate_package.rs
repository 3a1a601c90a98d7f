//! The annotated copy of an `.xlsx`/`.xlsm` is the author's package patched: checked part
//! by part on `tests/data/lra-lengkap.xlsx` (and `.xlsm`), written by
//! `examples/make_annotate_workbook.rs` — an LRA sheet with one fault (E4) on a cell that
//! has the author's note and a number format, plus validation, a conditional format, a
//! chart, an image, a defined name, print titles, frozen panes, protection, hyperlinks,
//! hidden and grouped rows, tab colours and page setup.

use regex::Regex;
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::finding::{Finding, Severity};
use sakip_lint::grid::{Grid, Pos, parse_a1};
use sakip_lint::lint::{self, Options};
use sakip_lint::read::{self, ReadOptions};
use sakip_lint::report::annotate::{Inputs, mark_colour, write_annotated_for};
use sakip_lint::rules::Rules;
use sakip_lint::submission::Submission;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Every part of a package: (uncompressed bytes, compressed size, CRC-32).
fn parts(path: &Path) -> BTreeMap<String, (Vec<u8>, u64, u32)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let meta = (f.compressed_size(), f.crc32());
        out.insert(f.name().unwrap().to_string(), (bytes, meta.0, meta.1));
    }
    out
}

fn text(parts: &BTreeMap<String, (Vec<u8>, u64, u32)>, name: &str) -> String {
    String::from_utf8(parts[name].0.clone()).unwrap()
}

/// Lint `input` alone and write its annotated copy into `out`.
fn annotate(input: &Path, out: &Path, lang: Lang) -> (PathBuf, Vec<Finding>) {
    let opts = Options {
        rules: Rules::embedded().unwrap(),
        select: Vec::new(),
        ignore: Vec::new(),
    };
    let cat = Catalog::new(&opts.rules, lang);
    let sub = Submission {
        name: input.display().to_string(),
        files: vec![input.to_path_buf()],
    };
    let (docs, report) = lint::lint_docs(&sub, &opts);
    let inputs = Inputs::new(&[input.to_path_buf()]);
    let copy = write_annotated_for(&docs[0], &report.findings, out, &cat, &inputs).unwrap();
    (copy, report.findings)
}

fn grids(path: &Path) -> Vec<Grid> {
    read::read_workbook(path, &ReadOptions::default())
        .unwrap()
        .workbook
        .sheets
}

/// The attributes of the `i`-th `<xf>` of `<cellXfs>`.
fn cell_xf(styles: &str, i: usize) -> BTreeMap<String, String> {
    let list = Regex::new(r"(?s)<cellXfs[^>]*>(.*?)</cellXfs>").unwrap();
    let xf = Regex::new(r"<xf ([^>]*?)/?>").unwrap();
    let attr = Regex::new(r#"(\w+)="([^"]*)""#).unwrap();
    let inner = list.captures(styles).unwrap()[1].to_string();
    let one = xf.captures_iter(&inner).nth(i).unwrap()[1].to_string();
    attr.captures_iter(&one)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The `fgColor rgb` of the `i`-th `<fill>`.
fn fill_rgb(styles: &str, i: usize) -> Option<String> {
    let list = Regex::new(r"(?s)<fills[^>]*>(.*?)</fills>").unwrap();
    let fill = Regex::new(r"(?s)<fill>(.*?)</fill>").unwrap();
    let rgb = Regex::new(r#"<fgColor rgb="([0-9A-F]{8})""#).unwrap();
    let inner = list.captures(styles).unwrap()[1].to_string();
    let one = fill.captures_iter(&inner).nth(i)?[1].to_string();
    rgb.captures(&one).map(|c| c[1].to_string())
}

/// The `s` of a cell in a sheet's XML.
fn style_of(sheet: &str, cell: &str) -> usize {
    let re = Regex::new(&format!(r#"<c r="{cell}"[^>]*? s="(\d+)""#)).unwrap();
    re.captures(sheet).map_or(0, |c| c[1].parse().unwrap())
}

fn check_copy(input: &Path, ext: &str) {
    let out = tempfile::tempdir().unwrap();
    let (copy, findings) = annotate(input, out.path(), Lang::Id);
    assert_eq!(
        copy.extension().unwrap(),
        ext,
        "the copy keeps its extension"
    );
    assert_eq!(copy, out.path().join(input.file_name().unwrap()));

    // The one fault of the workbook, at the cell with the author's note.
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!((f.code, f.severity), ("SL202", Severity::Error));
    assert_eq!(
        (f.at.sheet.as_str(), f.at.cell.to_string().as_str()),
        ("LRA", "E4")
    );
    let related: BTreeSet<String> = f.related.iter().map(|r| r.at.cell.to_string()).collect();
    assert_eq!(
        related,
        BTreeSet::from(["C4".to_string(), "D4".to_string()])
    );

    let a = parts(input);
    let b = parts(&copy);
    // Every input part is there; all but the listed ones byte for byte (and stored as
    // they were: same compressed size and CRC).
    let changed: BTreeSet<&str> = [
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
    ]
    .into_iter()
    .collect();
    for (name, (bytes, size, crc)) in &a {
        let (got, got_size, got_crc) = b.get(name).unwrap_or_else(|| panic!("{name} lost"));
        if changed.contains(name.as_str()) {
            assert_ne!(got, bytes, "{name} was to be patched");
        } else {
            assert_eq!(got, bytes, "{name} changed");
            assert_eq!((got_size, got_crc), (size, crc), "{name} recompressed");
        }
    }
    let added: Vec<&String> = b.keys().filter(|n| !a.contains_key(*n)).collect();
    assert_eq!(
        added,
        ["xl/worksheets/sheet3.xml"],
        "only the Temuan sheet is new"
    );
    if ext == "xlsm" {
        assert!(a.contains_key("xl/vbaProject.bin"));
        assert!(
            text(&b, "[Content_Types].xml")
                .contains("application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        );
    }

    // The author's note and the finding's, one after the other in the same comment.
    let comments = text(&b, "xl/comments1.xml");
    let e4 = Regex::new(r#"(?s)<comment ref="E4"[^>]*>(.*?)</comment>"#)
        .unwrap()
        .captures(&comments)
        .unwrap()[1]
        .to_string();
    let author = e4
        .find("Catatan penyusun: persentase dari SIPD")
        .expect("the author's note kept");
    let separator = e4.find("— sakip-lint —").expect("the separator");
    let ours = e4
        .find("Temuan #1: SL202 (kesalahan)")
        .expect("the finding's note");
    assert!(author < separator && separator < ours, "{e4}");
    assert!(
        e4.contains("Seharusnya: 95,92") && e4.contains("Tertulis: 95,29"),
        "{e4}"
    );
    for cell in ["C4", "D4"] {
        assert!(
            comments.contains(&format!("<comment ref=\"{cell}\"")),
            "related note at {cell}"
        );
    }
    let vml = text(&b, "xl/drawings/vmlDrawing1.vml");
    for (row, col) in [(3, 2), (3, 3), (3, 4)] {
        assert!(
            vml.contains(&format!("<x:Row>{row}</x:Row><x:Column>{col}</x:Column>")),
            "a note shape at ({row}, {col})"
        );
    }

    // What the author made is still in the copy's XML.
    let lra = text(&b, "xl/worksheets/sheet1.xml");
    let second = text(&b, "xl/worksheets/sheet2.xml");
    let workbook = text(&b, "xl/workbook.xml");
    for (what, xml, needle) in [
        ("validation", &lra, r#"<dataValidation type="list""#),
        (
            "conditional format",
            &lra,
            "<conditionalFormatting sqref=\"E3:E10\">",
        ),
        ("chart/image drawing", &lra, "<drawing r:id="),
        (
            "frozen pane",
            &lra,
            r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#,
        ),
        ("hyperlink", &lra, r#"<hyperlink ref="B12""#),
        ("hidden row", &lra, r#"<row r="13" spans="1:6" hidden="1">"#),
        ("grouped rows", &lra, r#"outlineLevel="1""#),
        ("tab colour", &lra, r#"<tabColor rgb="FF00B050"/>"#),
        (
            "page setup",
            &lra,
            r#"<pageSetup paperSize="9" orientation="landscape""#,
        ),
        ("protection", &second, "<sheetProtection"),
        (
            "defined name",
            &workbook,
            r#"<definedName name="Pagu">LRA!$C$10</definedName>"#,
        ),
        (
            "print titles",
            &workbook,
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="1">LRA!$1:$2</definedName>"#,
        ),
        (
            "print titles",
            &workbook,
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="2">'Realisasi per Program'!$2:$2</definedName>"#,
        ),
    ] {
        assert!(xml.contains(needle), "{what} lost: {needle}");
    }
    for part in [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/media/image1.png",
    ] {
        assert!(b.contains_key(part), "{part}");
    }
    // The sheet's XML: only the `s` of the three marked cells changed.
    let orig = text(&a, "xl/worksheets/sheet1.xml");
    let unstyled = |xml: &str| {
        Regex::new(r#"(<c r="(?:C4|D4|E4)"[^>]*?) s="\d+""#)
            .unwrap()
            .replace_all(xml, "$1")
            .to_string()
            .replace("<legacyDrawing r:id=\"rId3\"/>", "")
    };
    assert_eq!(unstyled(&lra), unstyled(&orig));

    // Each marked cell's new format is a clone of its own with the mark's fill.
    let (sa, sb) = (text(&a, "xl/styles.xml"), text(&b, "xl/styles.xml"));
    for (cell, colour) in [
        ("E4", mark_colour(Severity::Error, false)),
        ("C4", mark_colour(Severity::Error, true)),
        ("D4", mark_colour(Severity::Error, true)),
    ] {
        let old = cell_xf(&sa, style_of(&orig, cell));
        let new = cell_xf(&sb, style_of(&lra, cell));
        assert_ne!(style_of(&orig, cell), style_of(&lra, cell));
        for key in ["numFmtId", "fontId", "borderId", "applyNumberFormat"] {
            assert_eq!(old.get(key), new.get(key), "{cell}: {key}");
        }
        assert_eq!(new["applyFill"], "1");
        let fill: usize = new["fillId"].parse().unwrap();
        assert_eq!(
            fill_rgb(&sb, fill),
            Some(format!("FF{colour:06X}")),
            "{cell}: fill"
        );
    }
    assert_eq!(
        style_of(&lra, "C4"),
        style_of(&lra, "D4"),
        "one clone per format and colour"
    );
    let num_fmt = cell_xf(&sb, style_of(&lra, "E4"))["numFmtId"].clone();
    assert!(
        sb.contains(&format!(
            "<numFmt numFmtId=\"{num_fmt}\" formatCode=\"0.00\"/>"
        )),
        "E4 still shows 0.00"
    );

    // The Temuan sheet: first, linked to the finding's cell; the author's sheet stays active.
    assert!(
        workbook.contains(r#"<sheets><sheet name="Temuan" sheetId="3" r:id="#),
        "{workbook}"
    );
    assert!(workbook.contains(r#"activeTab="1""#));
    let temuan = text(&b, "xl/worksheets/sheet3.xml");
    assert!(
        temuan.contains(r#"<hyperlink ref="E2" location="'LRA'!E4" display="E4"/>"#),
        "{temuan}"
    );
    let types = text(&b, "[Content_Types].xml");
    assert!(types.contains(r#"<Override PartName="/xl/worksheets/sheet3.xml""#));

    // Read back by our own reader: the Temuan sheet, then the same values as the input.
    let (gin, gout) = (grids(input), grids(&copy));
    assert_eq!(gout[0].name, "Temuan");
    assert_eq!(gout[0].text(Pos::new(1, 2)), "SL202");
    assert_eq!(gout.len(), gin.len() + 1);
    for (x, y) in gin.iter().zip(&gout[1..]) {
        assert_eq!(x.name, y.name);
        for row in 0..x.height.max(y.height) {
            for col in 0..x.width.max(y.width) {
                let p = Pos::new(row, col);
                assert_eq!(x.value(p), y.value(p), "{}!{p}", x.name);
                assert_eq!(x.get(p).formula, y.get(p).formula, "{}!{p}", x.name);
            }
        }
    }
    // And the styles read back: E4's fill is the error colour, its number format kept.
    let map = read::read_styles(&copy, &ReadOptions::default()).unwrap();
    let lra_styles = map.sheet("LRA").unwrap();
    let e4 = map
        .style(lra_styles.style_index(parse_a1("E4").unwrap()).unwrap())
        .unwrap();
    assert_eq!(
        e4.fill.as_ref().and_then(|f| f.foreground),
        Some(mark_colour(Severity::Error, false))
    );
    assert_eq!(e4.number_format.as_deref(), Some("0.00"));
}

#[test]
fn an_xlsx_copy_is_its_package_patched() {
    check_copy(&data("lra-lengkap.xlsx"), "xlsx");
}

#[test]
fn an_xlsm_copy_keeps_its_macros_and_extension() {
    check_copy(&data("lra-lengkap.xlsm"), "xlsm");
}

#[test]
fn a_copy_is_the_same_on_every_run_and_in_english_too() {
    let input = data("lra-lengkap.xlsx");
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, _) = annotate(&input, one.path(), Lang::Id);
    let (b, _) = annotate(&input, two.path(), Lang::Id);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let en = tempfile::tempdir().unwrap();
    let (c, _) = annotate(&input, en.path(), Lang::En);
    let p = parts(&c);
    assert!(text(&p, "xl/comments1.xml").contains("Finding #1: SL202 (error)"));
    assert!(text(&p, "xl/worksheets/sheet3.xml").contains(">Severity</t>"));
}

/// A package that cannot be patched (its comments part not well-formed) gives the rebuilt
/// copy, which says so in the first row of its Temuan sheet.
#[test]
fn a_package_that_cannot_be_patched_falls_back_to_the_rebuilt_copy() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("rusak-komentar.xlsx");
    {
        let mut src =
            zip::ZipArchive::new(std::fs::File::open(data("lra-lengkap.xlsx")).unwrap()).unwrap();
        let mut dst = zip::ZipWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name == "xl/comments1.xml" {
                bytes = b"<comments><authors></commentList></comments>".to_vec();
            }
            dst.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut dst, &bytes).unwrap();
        }
        dst.finish().unwrap();
    }
    let out = dir.path().join("out");
    let (copy, _) = annotate(&input, &out, Lang::En);
    let g = grids(&copy);
    assert_eq!(g[0].name, "Temuan");
    let first = g[0].text(Pos::new(0, 0));
    assert!(
        first.contains("could not be patched") && first.contains("rebuilt"),
        "{first}"
    );
    assert_eq!(g[0].text(Pos::new(1, 0)), "No", "the header comes next");
    // The batch reads a workbook to be patched without formula texts; the rebuilt copy
    // reads them itself, so the fallback keeps the author's formulas.
    let gin = grids(&input);
    let with_formula = gin
        .iter()
        .flat_map(|g| {
            (0..g.height).flat_map(move |r| (0..g.width).map(move |c| (g, Pos::new(r, c))))
        })
        .filter(|(g, p)| g.get(*p).formula.is_some())
        .count();
    assert!(with_formula > 0, "the test workbook has formulas");
    for (x, y) in gin.iter().zip(&g[1..]) {
        for row in 0..x.height {
            for col in 0..x.width {
                let p = Pos::new(row, col);
                assert_eq!(x.get(p).formula, y.get(p).formula, "{}!{p}", x.name);
            }
        }
    }
}
