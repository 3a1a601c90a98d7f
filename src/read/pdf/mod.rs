//! A PDF report with a text layer: paragraphs from its text lines (a sentence cut by a
//! line or page break joined; page headers and footers repeated on most pages dropped)
//! and tables rebuilt from the positions of words (rows by baseline, columns by gaps and
//! ruling lines) into grids named "Tabel 1", "Tabel 2" ….
//!
//! pdf-extract (on lopdf) parses the file, decodes the fonts and runs the content streams;
//! it hands over every glyph with its text matrix and every stroked or filled path. What it
//! does not bound is done here first (see `guard`): lopdf inflates streams without a size
//! limit and pdf-extract recurses into form XObjects without a depth limit, so every stream
//! is inflated once here with a cap before lopdf sees the file, each page's content is
//! measured, and a page whose forms nest too deep or draw themselves is skipped. Every call
//! into pdf-extract/lopdf runs under `catch_unwind`.
//!
//! * `guard`: the checks before and around pdf-extract (stream sizes, encryption, forms);
//! * `layout`: glyphs into lines and words, headers/footers, paragraphs;
//! * `tables`: ruled tables (from the rules) and unruled ones (from gaps) into grids;
//! * `join`: a table's pieces on consecutive pages joined into one grid, the header rows
//!   repeated on each page dropped.

mod guard;
mod join;
mod layout;
mod tables;

pub(super) use join::join_page_pieces;

use std::collections::HashMap;

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use super::guard::{Budget, run_guarded};
use crate::grid::{Grid, Paragraph};

/// Why a PDF could not be read.
#[derive(Debug)]
pub(super) enum PdfFailure {
    Encrypted,
    /// No text layer: a scan.
    Scanned,
    Corrupt(String),
    TooLarge(String),
}

/// Most pages read (a report has a few hundred).
const MAX_PAGES: usize = 2_000;
/// Most glyphs kept from one page, and from the whole document.
const MAX_PAGE_GLYPHS: usize = 200_000;
const MAX_DOC_GLYPHS: usize = 4_000_000;
/// Most ruling segments kept from one page (table detection compares them pairwise).
const MAX_PAGE_SEGMENTS: usize = 4_000;

/// One glyph as drawn: its baseline origin (x right, y down from the top of the page),
/// advance width and font size in points; its text is `text[start..end]` of its page.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    x: f32,
    y: f32,
    w: f32,
    size: f32,
    start: u32,
    end: u32,
}

/// A horizontal or vertical ruling line (y down from the top of the page).
#[derive(Debug, Clone, Copy)]
struct Seg {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Seg {
    fn horizontal(&self) -> bool {
        self.y1 - self.y0 <= 1.5 && self.x1 - self.x0 >= 4.0
    }
    fn vertical(&self) -> bool {
        self.x1 - self.x0 <= 1.5 && self.y1 - self.y0 >= 4.0
    }
}

/// What one page draws: its glyphs and ruling lines.
#[derive(Debug, Default, Clone)]
struct PageInk {
    height: f32,
    text: String,
    glyphs: Vec<Glyph>,
    segs: Vec<Seg>,
}

impl PageInk {
    fn glyph_text(&self, g: &Glyph) -> &str {
        self.text
            .get(g.start as usize..g.end as usize)
            .unwrap_or_default()
    }
}

/// Read a PDF's tables and paragraphs.
pub(super) fn read_pdf(
    bytes: &[u8],
    budget: &mut Budget,
) -> Result<(Vec<Grid>, Vec<Paragraph>), PdfFailure> {
    guard::check_raw(bytes)?;
    let doc = run_guarded(|| pdf_extract::Document::load_mem(bytes))
        .map_err(PdfFailure::Corrupt)?
        .map_err(|e| PdfFailure::Corrupt(e.to_string()))?;
    if doc.trailer.get(b"Encrypt").is_ok() || doc.is_encrypted() {
        return Err(PdfFailure::Encrypted);
    }
    let pages = run_guarded(|| doc.get_pages()).map_err(PdfFailure::Corrupt)?;
    if pages.len() > MAX_PAGES {
        return Err(PdfFailure::TooLarge(format!(
            "{} pages (at most {MAX_PAGES} are read)",
            pages.len()
        )));
    }

    let mut inked = Vec::with_capacity(pages.len());
    let mut failures = Vec::new();
    let mut glyphs_left = MAX_DOC_GLYPHS;
    let mut sizes = HashMap::new();
    for (&number, &id) in &pages {
        if super::timed::stop_requested() {
            return Err(PdfFailure::Corrupt(super::cells::STOPPED.into()));
        }
        if let Err(why) = guard::check_page(&doc, id, &mut sizes) {
            match why {
                PdfFailure::Corrupt(detail) => {
                    failures.push(format!("page {number}: {detail}"));
                    inked.push(PageInk::default());
                    continue;
                }
                other => return Err(other),
            }
        }
        let mut dev = Collector::new(glyphs_left.min(MAX_PAGE_GLYPHS));
        let run = run_guarded(|| pdf_extract::output_doc_page(&doc, &mut dev, number));
        if dev.stopped {
            return Err(PdfFailure::Corrupt(super::cells::STOPPED.into()));
        }
        if dev.over {
            return Err(PdfFailure::TooLarge(format!(
                "page {number} draws more than {} glyphs",
                dev.max_glyphs
            )));
        }
        match run {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(format!("page {number}: {e}")),
            Err(panic) => failures.push(format!("page {number}: {panic}")),
        }
        glyphs_left = glyphs_left.saturating_sub(dev.page.glyphs.len());
        inked.push(dev.page);
    }
    if inked.iter().all(|p| p.glyphs.is_empty()) {
        return Err(match failures.into_iter().next() {
            Some(first) => PdfFailure::Corrupt(first),
            None if pages.is_empty() => PdfFailure::Corrupt("no pages".into()),
            None => PdfFailure::Scanned,
        });
    }
    Ok(layout::read_layout(&inked, budget))
}

/// pdf-extract's output device: collects one page's glyphs and ruling lines.
struct Collector {
    page: PageInk,
    /// The page's top in user space (its MediaBox's upper y), to measure y downwards.
    top: f64,
    max_glyphs: usize,
    /// Set when the page drew more glyphs than allowed (the run is stopped).
    over: bool,
    /// Glyphs and paths seen (when to look at the read's stop flag).
    drawn: u64,
    /// Set when the read's time was up (the run is stopped).
    stopped: bool,
}

impl Collector {
    fn new(max_glyphs: usize) -> Self {
        Collector {
            page: PageInk::default(),
            top: 0.0,
            max_glyphs,
            over: false,
            drawn: 0,
            stopped: false,
        }
    }

    /// Every few thousand glyphs or paths: has the read run out of time?
    fn time_is_up(&mut self) -> Result<(), OutputError> {
        self.drawn += 1;
        if self.drawn.is_multiple_of(super::cells::STOP_EVERY) && super::timed::stop_requested() {
            self.stopped = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        Ok(())
    }

    fn add_seg(&mut self, (ax, ay): (f64, f64), (bx, by): (f64, f64)) {
        if self.page.segs.len() >= MAX_PAGE_SEGMENTS {
            return;
        }
        let (ay, by) = (self.top - ay, self.top - by);
        let seg = Seg {
            x0: ax.min(bx) as f32,
            y0: ay.min(by) as f32,
            x1: ax.max(bx) as f32,
            y1: ay.max(by) as f32,
        };
        let finite = [seg.x0, seg.y0, seg.x1, seg.y1]
            .iter()
            .all(|v| v.is_finite() && v.abs() < 1e6);
        if finite && (seg.horizontal() || seg.vertical()) {
            self.page.segs.push(seg);
        }
    }

    /// A path's straight lines, and the edges of its rectangles, as ruling segments.
    /// A filled rectangle counts only when thin (a rule drawn as a bar), not as shading.
    fn add_path(&mut self, ctm: &Transform, path: &Path, filled: bool) {
        let at = |x: f64, y: f64| {
            (
                ctm.m11 * x + ctm.m21 * y + ctm.m31,
                ctm.m12 * x + ctm.m22 * y + ctm.m32,
            )
        };
        let mut current = None;
        let mut start = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    current = Some(at(x, y));
                    start = current;
                }
                PathOp::LineTo(x, y) => {
                    let to = at(x, y);
                    if let Some(from) = current
                        && !filled
                    {
                        self.add_seg(from, to);
                    }
                    current = Some(to);
                }
                PathOp::CurveTo(_, _, _, _, x, y) => current = Some(at(x, y)),
                PathOp::Rect(x, y, w, h) => {
                    let (a, b, c, d) = (at(x, y), at(x + w, y), at(x + w, y + h), at(x, y + h));
                    if filled {
                        let thin = |p: (f64, f64), q: (f64, f64)| {
                            (p.0 - q.0).abs().min((p.1 - q.1).abs()) <= 1.5
                        };
                        if thin(a, c) {
                            // A bar: its centre line.
                            let mid = |p: (f64, f64), q: (f64, f64)| {
                                ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
                            };
                            if (a.0 - c.0).abs() <= 1.5 {
                                self.add_seg(mid(a, b), mid(c, d));
                            } else {
                                self.add_seg(mid(a, d), mid(b, c));
                            }
                        }
                    } else {
                        self.add_seg(a, b);
                        self.add_seg(b, c);
                        self.add_seg(c, d);
                        self.add_seg(d, a);
                    }
                    current = Some(a);
                    start = current;
                }
                PathOp::Close => {
                    if let (Some(from), Some(to)) = (current, start)
                        && !filled
                    {
                        self.add_seg(from, to);
                    }
                    current = start;
                }
            }
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.top = if media_box.ury.is_finite() {
            media_box.ury
        } else {
            0.0
        };
        let height = media_box.ury - media_box.lly;
        self.page.height = if height.is_finite() && height > 0.0 {
            height.min(1e6) as f32
        } else {
            0.0
        };
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        self.time_is_up()?;
        if self.page.glyphs.len() >= self.max_glyphs {
            self.over = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        // Upright text only: rotated or mirrored glyphs (stamps, vertical labels) are left
        // out of lines and tables.
        if trm.m12.abs() > 1e-3 || trm.m21.abs() > 1e-3 || trm.m11 <= 0.0 || trm.m22 <= 0.0 {
            return Ok(());
        }
        let size = font_size.abs() * trm.m22;
        let (x, y) = (trm.m31, self.top - trm.m32);
        let w = width * font_size.abs() * trm.m11;
        let sane = |v: f64| v.is_finite() && v.abs() < 1e6;
        if !(sane(x) && sane(y) && sane(w) && sane(size)) || size <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let start = self.page.text.len() as u32;
        self.page.text.push_str(text);
        self.page.glyphs.push(Glyph {
            x: x as f32,
            y: y as f32,
            w: w as f32,
            size: size as f32,
            start,
            end: self.page.text.len() as u32,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.time_is_up()?;
        self.add_path(ctm, path, false);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.time_is_up()?;
        self.add_path(ctm, path, true);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
