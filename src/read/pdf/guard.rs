//! The checks that bound what lopdf and pdf-extract do with a hostile file.
//!
//! lopdf inflates a stream whole into memory (object and xref streams when the file is
//! loaded, page contents and forms when pdf-extract asks), and concatenates a page's
//! content streams, however often the page lists the same one. So before lopdf sees the
//! file every stream is inflated here once, with a cap per stream and per document, as
//! lopdf would (the same filters: Flate, LZW, ASCII85; a stream with any other filter
//! lopdf leaves as it is). Then each page's content is measured, and its forms walked:
//! pdf-extract follows `Do` into a form without a depth limit, so a form that draws itself
//! would overflow the stack.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;

use memchr::memmem;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::PdfFailure;

/// Most bytes one stream may inflate to, and all streams of a document together.
const MAX_STREAM_BYTES: u64 = 64 << 20;
const MAX_DOC_BYTES: u64 = 256 << 20;
/// Deepest nesting of forms drawn by a page.
const MAX_FORM_DEPTH: usize = 12;

/// Inflate every stream of the raw file within the caps, and look for an /Encrypt entry
/// outside the streams' data (a trailer or a cross-reference stream's dictionary).
pub(super) fn check_raw(bytes: &[u8]) -> Result<(), PdfFailure> {
    let keyword = memmem::Finder::new(b"stream");
    let end_keyword = memmem::Finder::new(b"endstream");
    let encrypt = memmem::Finder::new(b"/Encrypt");
    let mut pos = 0;
    let mut outside = 0;
    let mut total = 0u64;
    while let Some(found) = bytes.get(pos..).and_then(|rest| keyword.find(rest)) {
        let at = pos + found;
        pos = at + b"stream".len();
        if at >= 3 && bytes.get(at - 3..at) == Some(b"end") {
            continue;
        }
        let data = match bytes.get(pos..pos + 2) {
            Some([b'\r', b'\n', ..]) => pos + 2,
            Some([b'\n' | b'\r', ..]) => pos + 1,
            _ => continue,
        };
        let head = bytes.get(outside..at).unwrap_or_default();
        if encrypt.find(head).is_some() {
            return Err(PdfFailure::Encrypted);
        }
        // The stream's dictionary: back to the "obj" that opens it.
        let from = at.saturating_sub(8192).max(outside);
        let window = bytes.get(from..at).unwrap_or_default();
        let dict = memmem::rfind(window, b"obj")
            .and_then(|j| window.get(j..))
            .unwrap_or(window);
        let end = bytes
            .get(data..)
            .and_then(|rest| end_keyword.find(rest))
            .map_or(bytes.len(), |j| data + j);
        let content = bytes.get(data..end).unwrap_or_default();
        let filters = raw_filters(dict);
        let names: Vec<&[u8]> = filters.iter().map(Vec::as_slice).collect();
        total = total.saturating_add(decoded_len(&names, content)?);
        if total > MAX_DOC_BYTES {
            return Err(too_large_total());
        }
        outside = end;
        pos = end.max(pos);
    }
    if encrypt
        .find(bytes.get(outside..).unwrap_or_default())
        .is_some()
    {
        return Err(PdfFailure::Encrypted);
    }
    Ok(())
}

fn too_large_total() -> PdfFailure {
    PdfFailure::TooLarge(format!(
        "streams inflate to more than {} MB",
        MAX_DOC_BYTES >> 20
    ))
}

/// The filter names after `/Filter` in a raw dictionary: one name or an array of names
/// (`#xx` escapes decoded, as lopdf does). An indirect filter is no filter to lopdf.
fn raw_filters(dict: &[u8]) -> Vec<Vec<u8>> {
    let Some(at) = memmem::find(dict, b"/Filter") else {
        return Vec::new();
    };
    let rest = dict.get(at + b"/Filter".len()..).unwrap_or_default();
    let rest = rest.trim_ascii_start();
    let (body, array) = match rest.first() {
        Some(b'[') => (rest.get(1..).unwrap_or_default(), true),
        _ => (rest, false),
    };
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        match b {
            b'/' => {
                let mut name = Vec::new();
                i += 1;
                while let Some(&c) = body.get(i) {
                    if c.is_ascii_whitespace() || b"/[]<>()%".contains(&c) {
                        break;
                    }
                    if c == b'#'
                        && let Some(hex) = body.get(i + 1..i + 3)
                        && let Some(v) = std::str::from_utf8(hex)
                            .ok()
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    {
                        name.push(v);
                        i += 3;
                        continue;
                    }
                    name.push(c);
                    i += 1;
                }
                names.push(name);
                if !array {
                    break;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => break,
        }
    }
    names
}

/// How many bytes a stream inflates to through its filters, or TooLarge past the cap.
fn decoded_len(filters: &[&[u8]], content: &[u8]) -> Result<u64, PdfFailure> {
    Ok(decode(filters, content)?.len() as u64)
}

/// A stream's content through its filters, as lopdf decodes it, within the cap.
fn decode<'a>(filters: &[&[u8]], content: &'a [u8]) -> Result<Cow<'a, [u8]>, PdfFailure> {
    let mut data = Cow::Borrowed(content);
    for filter in filters {
        let next = match *filter {
            b"FlateDecode" => inflate(&data)?,
            b"LZWDecode" => unlzw(&data)?,
            b"ASCII85Decode" => un_ascii85(&data),
            // lopdf decodes no other filter: the stream stays as it is.
            _ => break,
        };
        data = Cow::Owned(next);
    }
    Ok(data)
}

fn too_large_stream() -> PdfFailure {
    PdfFailure::TooLarge(format!(
        "a stream inflates to more than {} MB",
        MAX_STREAM_BYTES >> 20
    ))
}

/// zlib, then raw deflate after the 2-byte header when zlib gives nothing (as lopdf does).
fn inflate(input: &[u8]) -> Result<Vec<u8>, PdfFailure> {
    let mut out = Vec::new();
    let zlib = flate2::read::ZlibDecoder::new(input)
        .take(MAX_STREAM_BYTES + 1)
        .read_to_end(&mut out);
    if zlib.is_err() && out.is_empty() {
        let raw = input.get(2..).unwrap_or_default();
        // A failure keeps what was inflated, as lopdf does.
        let _ = flate2::read::DeflateDecoder::new(raw)
            .take(MAX_STREAM_BYTES + 1)
            .read_to_end(&mut out);
    }
    if out.len() as u64 > MAX_STREAM_BYTES {
        return Err(too_large_stream());
    }
    Ok(out)
}

fn unlzw(mut input: &[u8]) -> Result<Vec<u8>, PdfFailure> {
    let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let r = decoder.decode_bytes(input, &mut buf);
        out.extend_from_slice(buf.get(..r.consumed_out).unwrap_or_default());
        if out.len() as u64 > MAX_STREAM_BYTES {
            return Err(too_large_stream());
        }
        input = input.get(r.consumed_in..).unwrap_or_default();
        match r.status {
            Ok(weezl::LzwStatus::Ok) if r.consumed_in > 0 || r.consumed_out > 0 => {}
            _ => break,
        }
    }
    Ok(out)
}

/// ASCII85 never grows its input; only its output feeds a later filter.
fn un_ascii85(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let (mut group, mut n) = (0u32, 0);
    for &c in input {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group.wrapping_mul(85).wrapping_add(u32::from(c - b'!'));
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&group.to_be_bytes());
                    (group, n) = (0, 0);
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for _ in n..5 {
            group = group.wrapping_mul(85).wrapping_add(84);
        }
        out.extend(group.to_be_bytes().iter().take(n - 1));
    }
    out
}

/// A page's content (every stream it lists, repeats counted) within the document cap,
/// and its forms nested at most [`MAX_FORM_DEPTH`] deep, none drawing itself.
pub(super) fn check_page(
    doc: &Document,
    page: ObjectId,
    sizes: &mut HashMap<ObjectId, u64>,
) -> Result<(), PdfFailure> {
    let mut total = 0u64;
    for id in doc.get_page_contents(page) {
        let len = match sizes.get(&id) {
            Some(&len) => len,
            None => {
                let len = match doc.get_object(id).and_then(Object::as_stream) {
                    Ok(stream) => match stream.filters() {
                        Ok(filters) => decoded_len(&filters, &stream.content)?,
                        Err(_) => stream.content.len() as u64,
                    },
                    Err(_) => 0,
                };
                sizes.insert(id, len);
                len
            }
        };
        total = total.saturating_add(len);
        if total > MAX_DOC_BYTES {
            return Err(too_large_total());
        }
    }
    let page_dict = doc
        .get_dictionary(page)
        .map_err(|e| PdfFailure::Corrupt(e.to_string()))?;
    let resources = inherited_resources(doc, page_dict);
    let mut walk = FormWalk::default();
    walk.check(doc, resources, None, 0)
}

/// A page's /Resources, from the page or the nearest ancestor that has them.
fn inherited_resources<'a>(doc: &'a Document, mut node: &'a Dictionary) -> Option<&'a Dictionary> {
    for _ in 0..64 {
        if let Ok(res) = node.get_deref(b"Resources", doc).and_then(Object::as_dict) {
            return Some(res);
        }
        node = node
            .get_deref(b"Parent", doc)
            .and_then(Object::as_dict)
            .ok()?;
    }
    None
}

/// The walk over the XObjects a page draws, as pdf-extract draws them: `Do` runs any
/// XObject's content (an image's bytes too) with its own resources or its parent's.
#[derive(Default)]
struct FormWalk {
    /// The XObjects being drawn, outermost first.
    path: HashSet<ObjectId>,
    /// XObjects with their own resources already found to end.
    done: HashSet<ObjectId>,
}

impl FormWalk {
    /// `content` is the drawing stream (None for the page: all its XObjects count).
    fn check(
        &mut self,
        doc: &Document,
        resources: Option<&Dictionary>,
        content: Option<&[u8]>,
        depth: usize,
    ) -> Result<(), PdfFailure> {
        let Some(xobjects) = resources
            .and_then(|r| r.get_deref(b"XObject", doc).ok())
            .and_then(|x| x.as_dict().ok())
        else {
            return Ok(());
        };
        for (name, value) in xobjects.iter() {
            if content.is_some_and(|c| !draws(c, name)) {
                continue;
            }
            let Ok(id) = value.as_reference() else {
                continue;
            };
            if self.done.contains(&id) {
                continue;
            }
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            if depth >= MAX_FORM_DEPTH || self.path.contains(&id) {
                return Err(PdfFailure::Corrupt(format!(
                    "XObject {} {} draws itself or nests too deep",
                    id.0, id.1
                )));
            }
            let own = stream
                .dict
                .get_deref(b"Resources", doc)
                .and_then(Object::as_dict)
                .ok();
            let data = match stream.filters() {
                Ok(filters) => decode(&filters, &stream.content)?,
                Err(_) => Cow::Borrowed(stream.content.as_slice()),
            };
            self.path.insert(id);
            self.check(doc, own.or(resources), Some(&data), depth + 1)?;
            self.path.remove(&id);
            if own.is_some() {
                self.done.insert(id);
            }
        }
        Ok(())
    }
}

/// Whether a content stream paints the XObject `name` (`/name Do`).
fn draws(content: &[u8], name: &[u8]) -> bool {
    let mut needle = Vec::with_capacity(name.len() + 1);
    needle.push(b'/');
    needle.extend_from_slice(name);
    memmem::find_iter(content, &needle).any(|at| {
        let after = content.get(at + needle.len()..).unwrap_or_default();
        let starts_delim = after
            .first()
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'D');
        starts_delim && after.trim_ascii_start().starts_with(b"Do")
    })
}
