//! Annotated copies (`src/report/annotate/`): every copy is read back — with the same
//! reader as the inputs (`read_workbook`, `read_styles`) and by unzipping it for the notes
//! and links — and compared with its input.

use sakip_lint::submission;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Format, FormatAlign, FormatBorder, FormatPattern, FormatUnderline, Formula, Workbook,
};
use sakip_lint::catalog::{Catalog, Lang};
use sakip_lint::finding::{Arg, Finding, Location, Message, Related, Severity};
use sakip_lint::grid::{Grid, Pos, Range, Value, parse_a1};
use sakip_lint::lint::{self, Options};
use sakip_lint::read::{self, ReadOptions, StyleMap};
use sakip_lint::report::annotate::{
    AnnotateError, FINDINGS_SHEET, FINDINGS_SHEET_ALT, Inputs, mark_colour, output_file_name,
    write_annotated, write_annotated_for,
};
use sakip_lint::rules::Rules;
use sakip_lint::submission::Submission;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options() -> Options {
    Options {
        rules: Rules::embedded().expect("embedded rules"),
        select: Vec::new(),
        ignore: Vec::new(),
    }
}

/// One annotated workbook: the input, the copy, and the findings of that input.
struct Copy {
    input: PathBuf,
    output: PathBuf,
    findings: Vec<Finding>,
}

impl Copy {
    /// Rows above the findings sheet's header: a rebuilt copy (an input that is no
    /// `.xlsx`/`.xlsm` package) opens with a row saying what it does not keep.
    fn top(&self) -> u32 {
        let ext = self
            .input
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        u32::from(ext != "xlsx" && ext != "xlsm")
    }
}

/// Lint every submission under `paths` and annotate every workbook into `out`.
fn annotate(paths: &[PathBuf], out: &Path, lang: Lang) -> Vec<Copy> {
    let opts = options();
    let cat = Catalog::new(&opts.rules, lang);
    let subs = submission::discover(paths).expect("inputs exist");
    let all: Vec<PathBuf> = subs.iter().flat_map(|s| s.files.clone()).collect();
    let inputs = Inputs::new(&all);
    let mut copies = Vec::new();
    for sub in &subs {
        let (docs, report) = lint::lint_docs(sub, &opts);
        assert_eq!(
            docs.len(),
            sub.files.len(),
            "every input of {} is readable",
            sub.name
        );
        for doc in &docs {
            let output = write_annotated_for(doc, &report.findings, out, &cat, &inputs)
                .unwrap_or_else(|e| panic!("annotating {}: {e}", doc.file));
            copies.push(Copy {
                input: PathBuf::from(&doc.file),
                output,
                findings: report
                    .findings
                    .iter()
                    .filter(|f| f.at.file == doc.file)
                    .cloned()
                    .collect(),
            });
        }
    }
    copies
}

fn read_grids(path: &Path) -> Vec<Grid> {
    let res = read::read_workbook(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert!(
        res.problems.is_empty(),
        "{}: {:?}",
        path.display(),
        res.problems
    );
    res.workbook.sheets
}

fn styles(path: &Path) -> StyleMap {
    read::read_styles(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("styles of {}: {e}", path.display()))
}

fn merges(g: &Grid) -> Vec<(Pos, Pos)> {
    let mut v: Vec<(Pos, Pos)> = g.merges.iter().map(|r: &Range| (r.start, r.end)).collect();
    v.sort();
    v
}

/// The copy holds the findings sheet first, then every input sheet with the same name,
/// visibility, values (and formulas) at the same addresses and the same merged ranges.
/// Returns the copy's grids.
fn assert_same_content(copy: &Copy) -> Vec<Grid> {
    let input = read_grids(&copy.input);
    let output = read_grids(&copy.output);
    let names_in: Vec<&str> = input.iter().map(|g| g.name.as_str()).collect();
    let names_out: Vec<&str> = output.iter().map(|g| g.name.as_str()).collect();
    let findings_name = if names_in
        .iter()
        .any(|n| n.eq_ignore_ascii_case(FINDINGS_SHEET))
    {
        FINDINGS_SHEET_ALT
    } else {
        FINDINGS_SHEET
    };
    assert_eq!(names_out[0], findings_name, "{}", copy.output.display());
    assert_eq!(
        &names_out[1..],
        &names_in[..],
        "{}: sheets and their order",
        copy.output.display()
    );
    assert!(!output[0].hidden);
    for (a, b) in input.iter().zip(&output[1..]) {
        let at = format!("{} › {}", copy.output.display(), a.name);
        assert_eq!(a.hidden, b.hidden, "{at}: hidden");
        assert_eq!(merges(a), merges(b), "{at}: merged ranges");
        for row in 0..a.height.max(b.height) {
            for col in 0..a.width.max(b.width) {
                let p = Pos::new(row, col);
                assert_eq!(a.value(p), b.value(p), "{at}!{p}: value");
                if let Some(f) = &a.get(p).formula {
                    assert_eq!(b.get(p).formula.as_ref(), Some(f), "{at}!{p}: formula");
                }
            }
        }
    }
    output
}

/// The parts of an xlsx, as text.
fn unzip(path: &Path) -> HashMap<String, String> {
    let file = std::fs::File::open(path).expect("open copy");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().expect("entry name").to_string(), s);
        }
    }
    out
}

fn xml_text(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Sheet name → (its part, the notes on it: cell → text).
fn sheets_and_notes(
    parts: &HashMap<String, String>,
) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    let rels_of = |xml: &str| -> HashMap<String, (String, String)> {
        let re = regex::Regex::new(r#"<Relationship ([^>]*)/>"#).unwrap();
        let attr = |s: &str, name: &str| {
            regex::Regex::new(&format!(r#"\b{name}="([^"]*)""#))
                .unwrap()
                .captures(s)
                .map(|c| c[1].to_string())
                .unwrap_or_default()
        };
        re.captures_iter(xml)
            .map(|c| {
                (
                    attr(&c[1], "Id"),
                    (attr(&c[1], "Type"), attr(&c[1], "Target")),
                )
            })
            .collect()
    };
    let wb_rels = rels_of(&parts["xl/_rels/workbook.xml.rels"]);
    let sheet_re = regex::Regex::new(
        r#"<sheet name="([^"]*)" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"/>"#,
    )
    .unwrap();
    let comment_re =
        regex::Regex::new(r#"(?s)<comment ref="([A-Z]+\d+)"[^>]*>(.*?)</comment>"#).unwrap();
    let t_re = regex::Regex::new(r#"(?s)<t(?: [^>]*)?>(.*?)</t>"#).unwrap();
    let mut out = BTreeMap::new();
    for c in sheet_re.captures_iter(&parts["xl/workbook.xml"]) {
        let name = xml_text(&c[1]);
        let target = &wb_rels[&c[2]].1;
        let part = format!("xl/{target}");
        let file = part.rsplit('/').next().unwrap().to_string();
        let mut notes = BTreeMap::new();
        if let Some(rels) = parts.get(&format!("xl/worksheets/_rels/{file}.rels")) {
            for (kind, target) in rels_of(rels).values() {
                if kind.ends_with("/comments") {
                    let comments = &parts[&format!("xl/{}", target.trim_start_matches("../"))];
                    for cm in comment_re.captures_iter(comments) {
                        let text: String = t_re
                            .captures_iter(&cm[2])
                            .map(|t| xml_text(&t[1]))
                            .collect();
                        notes.insert(cm[1].to_string(), text);
                    }
                }
            }
        }
        out.insert(name, (part, notes));
    }
    out
}

/// The fill colour of a cell of the copy, as the reader sees it.
fn fill_at(map: &StyleMap, sheet: &str, p: Pos) -> Option<u32> {
    let s = map.sheet(sheet)?;
    let style = map.style(s.style_index(p)?)?;
    let fill = style.fill.as_ref()?;
    fill.foreground.or(fill.background)
}

/// Every finding of the copy is listed on the findings sheet (code, sheet, cell, a link to
/// the cell), has a note at its cell and the fill of its severity; related cells of the
/// same file carry the lighter fill and a note.
fn assert_marks(copy: &Copy, output: &[Grid], lang_words: [&str; 3]) {
    let listing = &output[0];
    let parts = unzip(&copy.output);
    let sheets = sheets_and_notes(&parts);
    let out_styles = styles(&copy.output);
    let at = copy.output.display().to_string();
    let top = copy.top();
    if top == 1 {
        let first = listing.text(Pos::new(0, 0));
        assert!(
            first.starts_with("Salinan ini dibangun ulang")
                || first.starts_with("This copy was rebuilt"),
            "{at}: a rebuilt copy says what it does not keep: {first}"
        );
    }

    if copy.findings.is_empty() {
        assert_eq!(
            listing.height,
            2 + top,
            "{at}: header and the 'no findings' row"
        );
        assert!(!listing.text(Pos::new(1 + top, 5)).is_empty());
        assert!(sheets.values().all(|(_, n)| n.is_empty()), "{at}: no notes");
    } else {
        assert_eq!(
            listing.height as usize,
            copy.findings.len() + 1 + top as usize,
            "{at}: one row per finding"
        );
    }
    let findings_part = &sheets[&listing.name].0;
    let sheet_xml = &parts[findings_part];
    let pane = format!(
        r#"<pane ySplit="{}" topLeftCell="A{}" activePane="bottomLeft" state="frozen"/>"#,
        top + 1,
        top + 2
    );
    assert!(sheet_xml.contains(&pane), "{at}: frozen header");
    assert!(
        parts["xl/workbook.xml"].contains("_xlnm._FilterDatabase"),
        "{at}: autofilter"
    );

    let mut strongest: HashMap<(String, Pos), Severity> = HashMap::new();
    let mut related: HashMap<(String, Pos), Severity> = HashMap::new();
    for (i, f) in copy.findings.iter().enumerate() {
        let row = (i + 1) as u32 + top;
        assert_eq!(
            listing.value(Pos::new(row, 0)),
            &Value::Number {
                value: Decimal::from(i + 1),
                percent: false,
                decimals: None
            }
        );
        let word = match f.severity {
            Severity::Error => lang_words[0],
            Severity::Warning => lang_words[1],
            Severity::Info => lang_words[2],
        };
        assert_eq!(listing.text(Pos::new(row, 1)), word, "{at} row {}", row + 1);
        assert_eq!(
            listing.text(Pos::new(row, 2)),
            f.code,
            "{at} row {}",
            row + 1
        );
        assert_eq!(
            listing.text(Pos::new(row, 3)),
            f.at.sheet,
            "{at} row {}",
            row + 1
        );
        assert_eq!(
            listing.text(Pos::new(row, 4)),
            f.at.cell.to_string(),
            "{at} row {}",
            row + 1
        );
        let link = format!(
            r#"<hyperlink ref="E{}" location="'{}'!{}""#,
            row + 1,
            f.at.sheet.replace('&', "&amp;").replace('\'', "''"),
            f.at.cell
        );
        assert!(sheet_xml.contains(&link), "{at}: link {link}");
        assert!(!listing.text(Pos::new(row, 5)).is_empty(), "{at}: message");

        let note = sheets[&f.at.sheet].1.get(&f.at.cell.to_string());
        let note = note.unwrap_or_else(|| panic!("{at}: no note at {}!{}", f.at.sheet, f.at.cell));
        assert!(
            note.contains(&format!("#{}:", i + 1)) && note.contains(f.code),
            "{at}: note at {}: {note}",
            f.at.cell
        );
        let key = (f.at.sheet.clone(), f.at.cell);
        let s = strongest.entry(key).or_insert(f.severity);
        *s = (*s).max(f.severity);
        for r in f.related.iter().filter(|r| r.at.file == f.at.file) {
            let key = (r.at.sheet.clone(), r.at.cell);
            let s = related.entry(key).or_insert(f.severity);
            *s = (*s).max(f.severity);
            assert!(
                sheets[&r.at.sheet].1.contains_key(&r.at.cell.to_string()),
                "{at}: note at related {}!{}",
                r.at.sheet,
                r.at.cell
            );
        }
    }
    for ((sheet, p), sev) in &strongest {
        assert_eq!(
            fill_at(&out_styles, sheet, *p),
            Some(mark_colour(*sev, false)),
            "{at}: fill at {sheet}!{p}"
        );
    }
    for ((sheet, p), sev) in &related {
        if !strongest.contains_key(&(sheet.clone(), *p)) {
            assert_eq!(
                fill_at(&out_styles, sheet, *p),
                Some(mark_colour(*sev, true)),
                "{at}: fill at related {sheet}!{p}"
            );
        }
    }
    // Nothing else is marked (but the cells of a merged range holding a mark: the range is
    // shown as one cell).
    let in_marked_merge = |sheet: &str, p: Pos| -> bool {
        let Some(r) = output
            .iter()
            .find(|g| g.name == sheet)
            .and_then(|g| g.merge_at(p))
        else {
            return false;
        };
        strongest
            .keys()
            .chain(related.keys())
            .any(|(s, q)| s == sheet && r.contains(*q))
    };
    for s in &out_styles.sheets[1..] {
        for &(p, i) in &s.cells {
            let fill = out_styles
                .style(i)
                .and_then(|st| st.fill.as_ref())
                .and_then(|f| f.foreground);
            if let Some(c) = fill
                && [Severity::Error, Severity::Warning, Severity::Info]
                    .iter()
                    .any(|&sev| c == mark_colour(sev, false) || c == mark_colour(sev, true))
            {
                let key = (s.name.clone(), p);
                assert!(
                    strongest.contains_key(&key)
                        || related.contains_key(&key)
                        || in_marked_merge(&s.name, p),
                    "{at}: unexpected mark at {}!{p}",
                    s.name
                );
            }
        }
    }
}

/// The input's cell styles are the copy's, fill aside where the copy marks a cell; its
/// column widths are kept (or widened for figures that would not fit).
fn assert_styles_kept(copy: &Copy) {
    let a = styles(&copy.input);
    let b = styles(&copy.output);
    let at = copy.output.display().to_string();
    assert_eq!(b.sheets.len(), a.sheets.len() + 1, "{at}");
    let marked: Vec<(String, Pos)> = copy
        .findings
        .iter()
        .flat_map(|f| std::iter::once(&f.at).chain(f.related.iter().map(|r| &r.at)))
        .map(|l| (l.sheet.clone(), l.cell))
        .collect();
    for (sa, sb) in a.sheets.iter().zip(&b.sheets[1..]) {
        assert_eq!(sa.name, sb.name);
        for &(p, i) in &sa.cells {
            let mut want = a.style(i).cloned().unwrap_or_default();
            let mut got = sb
                .style_index(p)
                .and_then(|j| b.style(j))
                .cloned()
                .unwrap_or_default();
            if marked.contains(&(sa.name.clone(), p)) {
                want.fill = None;
                got.fill = None;
            }
            if want.number_format.as_deref() == Some("General") {
                want.number_format = None;
            }
            if got.number_format.as_deref() == Some("General") {
                got.number_format = None;
            }
            assert_eq!(got, want, "{at} › {}!{p}: style", sa.name);
        }
        for c in &sa.cols {
            let Some(w) = c.width else { continue };
            for col in c.first..=c.last.min(c.first + 50) {
                let got = sb
                    .cols
                    .iter()
                    .find(|d| (d.first..=d.last).contains(&col))
                    .and_then(|d| d.width);
                assert!(
                    got.is_some_and(|g| g >= w - 0.01),
                    "{at} › {}: column {col} width {w} → {got:?}",
                    sa.name
                );
            }
        }
        assert_eq!(sa.rows, sb.rows, "{at} › {}: row heights", sa.name);
    }
}

#[test]
fn trawas_copies_keep_every_value_and_mark_every_finding() {
    let out = tempfile::tempdir().unwrap();
    let copies = annotate(&[root().join("fixtures/trawas-2024")], out.path(), Lang::Id);
    assert_eq!(copies.len(), 6);
    let mut total = 0;
    for copy in &copies {
        let name = copy.input.file_name().unwrap().to_str().unwrap();
        assert_eq!(copy.output, out.path().join(name), "named after the input");
        let output = assert_same_content(copy);
        assert_marks(copy, &output, ["kesalahan", "peringatan", "info"]);
        assert_styles_kept(copy);
        total += copy.findings.len();
    }
    assert!(
        total >= 50,
        "the Trawas fixture has its known mistakes ({total})"
    );
    // Nothing but the copies is left in OUT (no temporary files).
    let mut left: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "lkjip-tabel.xlsx",
            "lra.xlsx",
            "pengukuran.xlsx",
            "pk.xlsx",
            "renja.xlsx",
            "renstra.xlsx"
        ]
    );
}

#[test]
fn a_clean_form_is_copied_whole_with_its_findings_sheet() {
    let out = tempfile::tempdir().unwrap();
    let copies = annotate(
        &[root().join("fixtures/clean-sukamaju/fraction")],
        out.path(),
        Lang::Id,
    );
    assert_eq!(copies.len(), 6);
    let mut without = 0;
    for copy in &copies {
        // A clean form has no errors and no warnings (infos such as SL503 may remain).
        assert!(
            copy.findings.iter().all(|f| f.severity == Severity::Info),
            "{}: {:?}",
            copy.input.display(),
            copy.findings.iter().map(|f| f.code).collect::<Vec<_>>()
        );
        let output = assert_same_content(copy);
        assert_marks(copy, &output, ["kesalahan", "peringatan", "info"]);
        if copy.findings.is_empty() {
            assert_eq!(
                output[0].text(Pos::new(1, 5)),
                "Tidak ada temuan untuk berkas ini."
            );
            without += 1;
        }
        assert_styles_kept(copy);
    }
    assert!(
        without >= 3,
        "most workbooks of the clean form have no finding at all"
    );
}

#[test]
fn xls_and_ods_inputs_are_annotated_as_xlsx() {
    let out = tempfile::tempdir().unwrap();
    let read_dir = root().join("fixtures/read");
    let inputs: Vec<PathBuf> = ["contoh.xls", "contoh.ods", "contoh.xlsx"]
        .iter()
        .map(|n| read_dir.join(n))
        .collect();
    let copies = annotate(&inputs, out.path(), Lang::En);
    let names: Vec<String> = copies
        .iter()
        .map(|c| c.output.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["contoh-xls.xlsx", "contoh-ods.xlsx", "contoh-xlsx.xlsx"],
        "one run, one stem: told apart by extension"
    );
    for copy in &copies {
        let output = assert_same_content(copy);
        assert_marks(copy, &output, ["error", "warning", "info"]);
    }
    // The xls's number formats survive; so do its column widths where it states them.
    let xls = styles(&copies[0].input);
    let copy = styles(&copies[0].output);
    assert!(!xls.sheets.is_empty());
    for (a, b) in xls.sheets.iter().zip(&copy.sheets[1..]) {
        for &(p, i) in &a.cells {
            let want = xls.style(i).and_then(|s| s.number_format.clone());
            let got = b
                .style_index(p)
                .and_then(|j| copy.style(j))
                .and_then(|s| s.number_format.clone());
            assert_eq!(got, want, "{}!{p}", a.name);
        }
    }

    // Whole clean submissions in both formats.
    for form in ["xls", "ods"] {
        let out = tempfile::tempdir().unwrap();
        let copies = annotate(
            &[root().join("fixtures/clean-sukamaju").join(form)],
            out.path(),
            Lang::Id,
        );
        assert_eq!(copies.len(), 6);
        for copy in &copies {
            assert_eq!(copy.output.extension().unwrap(), "xlsx");
            let output = assert_same_content(copy);
            assert_marks(copy, &output, ["kesalahan", "peringatan", "info"]);
        }
    }
}

#[test]
fn an_out_folder_that_would_overwrite_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kecamatan");
    std::fs::create_dir(&dir).unwrap();
    let input = dir.join("lra.xlsx");
    std::fs::copy(root().join("fixtures/trawas-2024/lra.xlsx"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let opts = options();
    let cat = Catalog::new(&opts.rules, Lang::Id);
    let sub = Submission {
        name: dir.display().to_string(),
        files: vec![input.clone()],
    };
    let (docs, report) = lint::lint_docs(&sub, &opts);
    let inputs = vec![input.clone()];

    // OUT is the input's folder, the same folder through `..`, or holds a link to the input.
    let through_parent = tmp.path().join("kecamatan/../kecamatan");
    let linked = tmp.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, linked.join("lra.xlsx")).unwrap();
    let hard = tmp.path().join("hard");
    std::fs::create_dir(&hard).unwrap();
    std::fs::hard_link(&input, hard.join("lra.xlsx")).unwrap();
    let mut outs = vec![dir.clone(), through_parent, hard];
    if cfg!(unix) {
        outs.push(linked);
    }
    for out in outs {
        let err =
            write_annotated(&docs[0], &report.findings, &out, &cat, &inputs).expect_err("refused");
        assert!(matches!(err, AnnotateError::WouldOverwrite { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("lra.xlsx"),
            "the error names the file: {text}"
        );
        assert_eq!(err.message_id(), "annotate.would-overwrite");
        let shown = cat.render(&err.message());
        assert!(
            shown.contains("lra.xlsx") && shown.contains("--annotate"),
            "{shown}"
        );
        assert_eq!(
            std::fs::read(&input).unwrap(),
            before,
            "the input is untouched"
        );
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left.len(),
            1,
            "no temporary file left in {}: {left:?}",
            out.display()
        );
    }

    // Another folder is fine, and a second run replaces the copy.
    let out = tmp.path().join("out");
    let first = write_annotated(&docs[0], &report.findings, &out, &cat, &inputs).unwrap();
    let again = write_annotated(&docs[0], &report.findings, &out, &cat, &inputs).unwrap();
    assert_eq!(first, again);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn copies_of_inputs_sharing_a_name_are_told_apart() {
    let p = |s: &str| PathBuf::from(s);
    let inputs = vec![
        p("kab/trawas/lra.xlsx"),
        p("kab/pacet/lra.xlsx"),
        p("kab/pacet/lra.xls"),
        p("kab/pacet/renja.xlsx"),
        p("lain/trawas/lra.xlsx"),
        p("Renstra.ods"),
    ];
    let names: Vec<String> = inputs
        .iter()
        .map(|i| output_file_name(i, &inputs))
        .collect();
    assert_eq!(
        names,
        [
            "kab-trawas-lra.xlsx",
            "kab-pacet-lra-xlsx.xlsx",
            "kab-pacet-lra-xls.xlsx",
            "renja.xlsx",
            "lain-trawas-lra.xlsx",
            "Renstra.xlsx",
        ]
    );
    // The order of the inputs does not matter.
    let mut reversed = inputs.clone();
    reversed.reverse();
    for (i, n) in inputs.iter().zip(&names) {
        assert_eq!(&output_file_name(i, &reversed), n);
    }
    // Per folder (a caller mirroring the input folders under OUT): only same-folder
    // inputs are told apart.
    let per = Inputs::per_folder(&inputs);
    let names: Vec<String> = inputs.iter().map(|i| per.output_name(i)).collect();
    assert_eq!(
        names,
        [
            "lra.xlsx",
            "lra-xlsx.xlsx",
            "lra-xls.xlsx",
            "renja.xlsx",
            "lra.xlsx",
            "Renstra.xlsx"
        ]
    );
}

/// A styled workbook (fonts, fills, borders, alignment, number formats, widths, heights,
/// hidden rows, columns and sheets, formulas, booleans, errors, a sheet called "Temuan"),
/// annotated with findings made here, in English.
#[test]
fn styles_layout_and_notes_of_a_styled_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("gaya.xlsx");
    {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Data").unwrap();
        let title = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_font_color(0xC00000)
            .set_align(FormatAlign::Center);
        ws.merge_range(0, 0, 0, 3, "Judul tabel", &title).unwrap();
        let head = Format::new()
            .set_text_wrap()
            .set_pattern(FormatPattern::Solid)
            .set_background_color(0xDDEBF7)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        for (c, h) in ["Uraian", "Anggaran", "Capaian", "Persen"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(1, c as u16, *h, &head).unwrap();
        }
        ws.write_string_with_format(1, 4, "Miring", &head.clone().set_rotation(45))
            .unwrap();
        let money = Format::new()
            .set_num_format("#,##0.00")
            .set_italic()
            .set_border(FormatBorder::Medium)
            .set_border_color(0x00B050);
        ws.write_string(2, 0, "Program A").unwrap();
        ws.write_number_with_format(2, 1, 2_214_049_000.0, &money)
            .unwrap();
        ws.write_number_with_format(2, 2, 0.9178, &Format::new().set_num_format("0.00%"))
            .unwrap();
        ws.write_formula_with_format(
            2,
            3,
            Formula::new("C3*100").set_result("91.78"),
            &Format::new().set_num_format("0.00"),
        )
        .unwrap();
        ws.write_blank(2, 4, &Format::new().set_border(FormatBorder::Double))
            .unwrap();
        ws.write_boolean(3, 0, true).unwrap();
        ws.write_formula(3, 1, Formula::new("1/0").set_result("#DIV/0!"))
            .unwrap();
        ws.write_string_with_format(
            3,
            2,
            "garis",
            &Format::new().set_underline(FormatUnderline::Double),
        )
        .unwrap();
        ws.write_string_with_format(
            3,
            3,
            "coret",
            &Format::new()
                .set_font_strikethrough()
                .set_font_name("Arial"),
        )
        .unwrap();
        ws.write_formula(3, 4, Formula::new("A5&\"x\"").set_result("teks"))
            .unwrap();
        ws.write_string(4, 0, "baris tinggi").unwrap();
        ws.set_row_height(4, 30).unwrap();
        ws.write_string(5, 0, "baris tersembunyi").unwrap();
        ws.set_row_hidden(5).unwrap();
        ws.write_number(5, 5, 7).unwrap();
        ws.set_column_width(0, 30).unwrap();
        ws.set_column_hidden(5).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("Temuan").unwrap();
        ws.write_string(0, 0, "catatan penyusun sendiri").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("Rahasia").unwrap();
        ws.write_number(0, 0, 42).unwrap();
        ws.set_hidden(true);
        wb.save(&input).unwrap();
    }
    let opts = options();
    let cat = Catalog::new(&opts.rules, Lang::En);
    let sub = Submission {
        name: input.display().to_string(),
        files: vec![input.clone()],
    };
    let (docs, _) = lint::lint_docs(&sub, &opts);
    let doc = &docs[0];
    let loc = |sheet: &str, a1: &str| Location {
        file: doc.file.clone(),
        sheet: sheet.into(),
        cell: parse_a1(a1).unwrap(),
        text: None,
    };
    let finding = |code: &'static str, severity, at: Location, related: Vec<Related>| Finding {
        code,
        severity,
        message: Message::new("figure.error_value").text("error", code),
        at,
        expected: Some(Arg::num(Decimal::new(9431, 2), 2)),
        actual: Some(Arg::num(Decimal::new(9178, 2), 2)),
        related,
        help: None,
        assumed: Vec::new(),
        snippet: Vec::new(),
        table: Some("Tabel 3.2".into()),
        around: None,
        constraint: None,
    };
    let note = |v: i64| Message::new("note.value").num("value", Decimal::new(v, 0), 0);
    let findings = vec![
        finding(
            "SL202",
            Severity::Error,
            loc("Data", "B3"),
            vec![Related {
                at: loc("Data", "C3"),
                note: note(1),
            }],
        ),
        finding(
            "SL101",
            Severity::Warning,
            loc("Data", "D4"),
            vec![
                Related {
                    at: loc("Data", "B3"),
                    note: note(2),
                },
                Related {
                    at: loc("Data", "A6"),
                    note: note(3),
                },
                Related {
                    at: Location {
                        file: "lain.xlsx".into(),
                        sheet: "X".into(),
                        cell: Pos::new(0, 0),
                        text: None,
                    },
                    note: note(4),
                },
            ],
        ),
        finding("SL503", Severity::Info, loc("Temuan", "A1"), Vec::new()),
        finding("SL001", Severity::Warning, loc("Data", "B2"), Vec::new()),
    ];
    let out = tmp.path().join("out");
    let output = write_annotated(doc, &findings, &out, &cat, std::slice::from_ref(&input)).unwrap();
    let copy = Copy {
        input: input.clone(),
        output: output.clone(),
        findings: findings.clone(),
    };
    let grids = assert_same_content(&copy);
    assert_eq!(grids[0].name, FINDINGS_SHEET_ALT);
    assert_eq!(
        grids[1].get(parse_a1("B4").unwrap()).value,
        Value::Error("#DIV/0!".into())
    );
    assert_eq!(
        grids[1].get(parse_a1("E4").unwrap()).value,
        Value::Text("teks".into())
    );
    assert_eq!(grids[1].value(parse_a1("A4").unwrap()), &Value::Bool(true));
    assert_marks(&copy, &grids, ["error", "warning", "info"]);
    assert_styles_kept(&copy);

    // What the styles look like after the round trip.
    let map = styles(&output);
    let style = |sheet: &str, a1: &str| {
        let s = map.sheet(sheet).unwrap();
        map.style(s.style_index(parse_a1(a1).unwrap()).unwrap())
            .unwrap()
            .clone()
    };
    let a1 = style("Data", "A1");
    let font = a1.font.unwrap();
    assert!(font.bold && font.size == Some(14.0) && font.color == Some(0xC00000));
    assert_eq!(a1.alignment.unwrap().horizontal, read::HAlign::Center);
    let b3 = style("Data", "B3");
    assert_eq!(b3.number_format.as_deref(), Some("#,##0.00"));
    assert!(b3.font.unwrap().italic);
    let border = b3.borders.unwrap();
    assert_eq!(border.left.unwrap().style, read::LineStyle::Medium);
    assert_eq!(border.left.unwrap().color, Some(0x00B050));
    assert_eq!(
        b3.fill.unwrap().foreground,
        Some(mark_colour(Severity::Error, false))
    );
    assert_eq!(
        style("Data", "C3").fill.unwrap().foreground,
        Some(mark_colour(Severity::Error, true))
    );
    assert_eq!(
        style("Data", "A6").fill.unwrap().foreground,
        Some(mark_colour(Severity::Warning, true))
    );
    assert_eq!(
        style("Data", "B2").fill.unwrap().foreground,
        Some(mark_colour(Severity::Warning, false)),
        "a mark replaces the fill"
    );
    assert!(
        style("Data", "B2").alignment.unwrap().wrap,
        "the rest of the style stays"
    );
    assert_eq!(style("Data", "C2").fill.unwrap().foreground, Some(0xDDEBF7));
    assert_eq!(style("Data", "E2").alignment.unwrap().rotation, 45);
    assert_eq!(
        style("Data", "E3").borders.unwrap().top.unwrap().style,
        read::LineStyle::Double
    );
    assert_eq!(
        style("Data", "C4").font.unwrap().underline,
        read::Underline::Double
    );
    assert_eq!(
        style("Data", "D4").font.unwrap().name.as_deref(),
        Some("Arial")
    );
    let data = map.sheet("Data").unwrap();
    assert!(
        data.cols
            .iter()
            .any(|c| c.first == 0 && c.width.is_some_and(|w| (w - 30.71).abs() < 0.01))
    );
    assert!(
        data.cols
            .iter()
            .any(|c| (c.first..=c.last).contains(&5) && c.hidden)
    );
    assert!(
        data.rows
            .iter()
            .any(|r| r.row == 4 && r.height == Some(30.0))
    );
    assert!(data.rows.iter().any(|r| r.row == 5 && r.hidden));
    assert!(map.sheet("Rahasia").unwrap().hidden);

    // The notes, in English: message, expected, found, related cells (other sheets and
    // files named as such); related cells say which finding they belong to.
    let parts = unzip(&output);
    let notes = sheets_and_notes(&parts);
    let b3 = &notes["Data"].1["B3"];
    assert!(
        b3.starts_with("Finding #1: SL202 (error)\nTabel 3.2: "),
        "{b3}"
    );
    assert!(
        b3.contains("Expected: 94.31") && b3.contains("Found: 91.78"),
        "{b3}"
    );
    assert!(b3.contains("Related cells:\n• C3 — value 1"), "{b3}");
    assert!(
        b3.contains("Related to finding #2 (SL101) at D4: value 2"),
        "{b3}"
    );
    let d4 = &notes["Data"].1["D4"];
    assert!(d4.contains("• lain.xlsx › X!A1 — value 4"), "{d4}");
    assert!(
        notes["Temuan"].1.contains_key("A1"),
        "the user's own Temuan sheet carries its mark"
    );
    let listing = &parts[&notes[FINDINGS_SHEET_ALT].0];
    assert!(listing.contains(r#"location="'Temuan'!A1""#));
    assert_eq!(grids[0].text(Pos::new(0, 5)), "Finding");
    assert_eq!(grids[0].text(Pos::new(1, 6)), "94.31");
    assert_eq!(grids[0].text(Pos::new(1, 7)), "91.78");
}

#[test]
fn every_annotate_message_is_in_both_languages() {
    let rules = Rules::embedded().unwrap();
    let mut src = String::new();
    for e in std::fs::read_dir(root().join("src/report/annotate")).unwrap() {
        src.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    let re = regex::Regex::new(r#""(annotate\.[a-z_.-]+)""#).unwrap();
    let ids: Vec<&str> = re
        .captures_iter(&src)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(ids.len() > 15);
    for lang in ["id", "en"] {
        for id in &ids {
            assert!(rules.messages[lang].contains_key(*id), "{lang} lacks {id}");
        }
    }
}

/// A sheet the reader refused (a value at XFD1048576) keeps its place in the copy, as a
/// placeholder carrying the finding that says why.
#[test]
fn a_sheet_too_large_to_read_keeps_its_place() {
    let out = tempfile::tempdir().unwrap();
    let bad = root().join("fixtures/bad");
    let inputs = vec![bad.join("sel-jauh.xlsx"), bad.join("sel-jauh.xls")];
    let opts = options();
    let cat = Catalog::new(&opts.rules, Lang::Id);
    let prepared = Inputs::new(&inputs);
    let far = regex::Regex::new(r#"<c r="([A-Z]+[0-9]+)""#).unwrap();
    for input in &inputs {
        let sub = Submission {
            name: input.display().to_string(),
            files: vec![input.clone()],
        };
        let (docs, report) = lint::lint_docs(&sub, &opts);
        let refused: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.code == "SL001")
            .collect();
        assert_eq!(refused.len(), 1, "{}", input.display());
        let output =
            write_annotated_for(&docs[0], &report.findings, out.path(), &cat, &prepared).unwrap();
        if input.extension().is_some_and(|e| e == "xlsx") {
            // The patched copy keeps the sheet whole, far cell included, with the note.
            let parts = unzip(&output);
            let notes = sheets_and_notes(&parts);
            let names: Vec<&String> = notes.keys().collect();
            let all: Vec<String> = styles(input)
                .sheets
                .iter()
                .map(|s| s.name.clone())
                .collect();
            assert_eq!(names.len(), all.len() + 1);
            let (part, sheet_notes) = &notes[&refused[0].at.sheet];
            assert!(sheet_notes["A1"].contains("SL001"));
            let original = unzip(input);
            let cells = |xml: &str| -> Vec<String> {
                far.captures_iter(xml).map(|c| c[1].to_string()).collect()
            };
            assert_eq!(cells(&parts[part]), cells(&original[part]));
            continue;
        }
        let all: Vec<String> = styles(input)
            .sheets
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let grids = read_grids(&output);
        let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names[0], FINDINGS_SHEET);
        assert_eq!(
            &names[1..],
            &all.iter().map(String::as_str).collect::<Vec<_>>()[..],
            "{}",
            output.display()
        );
        let placeholder = grids
            .iter()
            .find(|g| g.name == refused[0].at.sheet)
            .unwrap();
        assert!(
            placeholder
                .text(Pos::new(0, 0))
                .starts_with("Lembar ini tidak dibaca oleh sakip-lint")
        );
        let notes = sheets_and_notes(&unzip(&output));
        assert!(notes[&refused[0].at.sheet].1["A1"].contains("SL001"));
        for g in &docs[0].sheets {
            let copy = grids.iter().find(|h| h.name == g.name).unwrap();
            for row in 0..g.height {
                for col in 0..g.width {
                    let p = Pos::new(row, col);
                    assert_eq!(g.value(p), copy.value(p), "{}!{p}", g.name);
                }
            }
        }
    }
}

/// What the rebuilt copy cannot hold as the input does is said on its Temuan sheet; the
/// patched copy of an `.xlsx` keeps the range as the author wrote it.
#[test]
fn a_merge_too_large_to_copy_is_noted_on_the_findings_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in").join("besar.xlsx");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Lembar").unwrap();
    ws.merge_range(0, 0, 61, 16_383, "Judul", &rust_xlsxwriter::Format::new())
        .unwrap();
    ws.write_string(62, 0, "isi").unwrap();
    wb.save(&input).unwrap();
    let out = dir.path().join("out");
    let copies = annotate(&[input.parent().unwrap().to_path_buf()], &out, Lang::Id);
    let (a, b) = (unzip(&input), unzip(&copies[0].output));
    let sheet = "xl/worksheets/sheet1.xml";
    assert!(a[sheet].contains(r#"<mergeCell ref="A1:XFD62"/>"#));
    assert_eq!(a[sheet], b[sheet], "the sheet is copied as it is");

    let opts = options();
    let cat = Catalog::new(&opts.rules, Lang::Id);
    let sub = Submission {
        name: input.display().to_string(),
        files: vec![input.clone()],
    };
    let (docs, report) = lint::lint_docs(&sub, &opts);
    let rebuilt_dir = dir.path().join("rebuilt");
    let rebuilt = sakip_lint::report::annotate::write_rebuilt_for(
        &docs[0],
        &report.findings,
        &rebuilt_dir,
        &cat,
        &Inputs::new(std::slice::from_ref(&input)),
    )
    .unwrap();
    let mut x: calamine::Xlsx<_> = calamine::open_workbook(&rebuilt).unwrap();
    let r = calamine::Reader::worksheet_range(&mut x, "Temuan").unwrap();
    let texts: Vec<String> = r.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        texts.iter().any(|t| t.contains("1 sel gabungan")),
        "{texts:?}"
    );
    assert_eq!(texts[0], cat.template("annotate.rebuilt"));
}
