//! What the patched copies of Word and Excel packages share: an OOXML package read part by
//! part within the reader's limits, written back with every untouched part's compressed
//! bytes copied raw, and the small XML edits of relationships and content types.

use quick_xml::events::Event;
use quick_xml::{Reader, Writer};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, Write};

/// Why a package could not be patched (said in the fallback or the error).
pub(super) type Fail = String;

pub(super) const CONTENT_TYPES: &str = "[Content_Types].xml";
pub(super) const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// An input package: its parts by name, read on demand.
pub(super) struct Package<R: Read + Seek> {
    pub(super) zip: zip::ZipArchive<R>,
    pub(super) names: Vec<String>,
    limit: u64,
}

impl<R: Read + Seek> Package<R> {
    /// Open `input`; parts are read within `limit` bytes (inflated) each.
    pub(super) fn open(input: R, limit: u64) -> Result<Self, Fail> {
        let zip = zip::ZipArchive::new(input).map_err(|e| e.to_string())?;
        let names: Vec<String> = zip
            .file_names()
            .map(|n| n.map(|n| n.into_owned()))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        Ok(Package { zip, names, limit })
    }

    /// The index of a part: the exact name first, then any case (part names are
    /// case-insensitive).
    pub(super) fn find(&self, wanted: &str) -> Option<usize> {
        self.names.iter().position(|n| n == wanted).or_else(|| {
            self.names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(wanted))
        })
    }

    /// Whether a part of that name (any case) exists.
    pub(super) fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// The bytes of part `index`, refused over the limit.
    pub(super) fn read(&mut self, index: usize) -> Result<Vec<u8>, Fail> {
        read_part(&mut self.zip, index, self.limit)
    }

    /// The bytes of the part named `name`, if it exists.
    pub(super) fn read_named(&mut self, name: &str) -> Result<Option<Vec<u8>>, Fail> {
        match self.find(name) {
            Some(i) => self.read(i).map(Some),
            None => Ok(None),
        }
    }

    /// The new package: every part in the input's order, its compressed bytes copied raw
    /// unless `replaced` holds new bytes for it, then the `added` parts. New parts carry
    /// the modification time of part `stamp_from` (so that two runs give the same bytes).
    pub(super) fn write(
        &mut self,
        replaced: &HashMap<usize, Vec<u8>>,
        added: &[(String, Vec<u8>)],
        stamp_from: usize,
    ) -> Result<Vec<u8>, Fail> {
        let modified = self
            .zip
            .by_index_raw(stamp_from)
            .ok()
            .and_then(|f| f.last_modified())
            .unwrap_or_default();
        // The fastest level: the parts rewritten are a few XML parts, and deflating them
        // at the default level was most of the time of a regency's copies.
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .last_modified_time(modified);
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..self.zip.len() {
            match replaced.get(&i) {
                Some(bytes) => {
                    let name = self.names.get(i).cloned().unwrap_or_default();
                    out.start_file(name, options).map_err(|e| e.to_string())?;
                    out.write_all(bytes).map_err(|e| e.to_string())?;
                }
                None => {
                    let part = self.zip.by_index_raw(i).map_err(|e| e.to_string())?;
                    out.raw_copy_file(part).map_err(|e| e.to_string())?;
                }
            }
        }
        for (name, bytes) in added {
            out.start_file(name.as_str(), options)
                .map_err(|e| e.to_string())?;
            out.write_all(bytes).map_err(|e| e.to_string())?;
        }
        let cursor = out.finish().map_err(|e| e.to_string())?;
        Ok(cursor.into_inner())
    }
}

/// The relationship targets of a `.rels` part: (Id, Type, Target) of each internal one,
/// the target resolved against the folder `base` into a part name.
pub(super) fn relationships(
    rels: &[u8],
    base: &str,
) -> Result<Vec<(String, String, String)>, Fail> {
    Ok(elements(rels, "Relationship")?
        .into_iter()
        .filter(|r| {
            !r.get("TargetMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("External"))
        })
        .map(|mut r| {
            let target = r.remove("Target").unwrap_or_default();
            (
                r.remove("Id").unwrap_or_default(),
                r.remove("Type").unwrap_or_default(),
                resolve_target(base, &target),
            )
        })
        .collect())
}

/// `rels` with a relationship added (a new `.rels` part when `rels` is None); returns the
/// new bytes and the id given.
pub(super) fn add_relationship(
    rels: Option<&[u8]>,
    rel_type: &str,
    target: &str,
) -> Result<(Vec<u8>, String), Fail> {
    match rels {
        Some(r) => {
            let id = new_rel_id(r)?;
            let rel = format!(
                "<Relationship Id=\"{id}\" Type=\"{rel_type}\" Target=\"{}\"/>",
                escape_text(target)
            );
            Ok((append_to_root(r, rel.as_bytes())?, id))
        }
        None => Ok((
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
                 <Relationships xmlns=\"{RELS_NS}\"><Relationship Id=\"rId1\" \
                 Type=\"{rel_type}\" Target=\"{}\"/></Relationships>",
                escape_text(target)
            )
            .into_bytes(),
            "rId1".to_string(),
        )),
    }
}

/// A part's bytes, refused over `limit` (inflated).
pub(super) fn read_part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    limit: u64,
) -> Result<Vec<u8>, Fail> {
    let part = zip.by_index(index).map_err(|e| e.to_string())?;
    let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
    let too_large = || format!("{name} is larger than the reading limit ({limit} bytes)");
    if part.size() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    part.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The next event of a part's reader with the bytes it spans (`start..end`), for walks
/// that copy the part and insert text at those places.
pub(super) fn spanned_event<'a>(
    reader: &mut Reader<&'a [u8]>,
) -> Result<(usize, Event<'a>, usize), String> {
    let start = reader.buffer_position() as usize;
    let event = reader.read_event().map_err(|e| e.to_string())?;
    Ok((start, event, reader.buffer_position() as usize))
}

/// A part copied as it is walked, with text put in: what `xml` holds from `*copied` to the
/// place's start is copied to `out`, then `insert`; the copy goes on from the place's end
/// (the place is replaced; an empty place inserts).
pub(super) fn put_at(
    out: &mut Vec<u8>,
    xml: &[u8],
    copied: &mut usize,
    place: std::ops::Range<usize>,
    insert: &[u8],
) {
    out.extend_from_slice(xml.get(*copied..place.start).unwrap_or_default());
    *copied = place.end;
    out.extend_from_slice(insert);
}

pub(super) fn write_end(out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(format!("</{name}>").as_bytes());
}

/// Text for XML: escaped, and without the characters XML 1.0 cannot hold.
pub(super) fn escape_text(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect();
    quick_xml::escape::escape(&clean).into_owned()
}

/// `xml` with `insert` written just before the end of its root element (an empty root
/// `<x/>` becomes `<x>insert</x>`); everything else copied event by event.
pub(super) fn append_to_root(xml: &[u8], insert: &[u8]) -> Result<Vec<u8>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut w = Writer::new(Vec::with_capacity(xml.len() + insert.len()));
    let io = |e: std::io::Error| e.to_string();
    let mut depth = 0usize;
    let mut done = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                depth += 1;
                w.write_event(Event::Start(e)).map_err(io)?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && !done {
                    w.get_mut().extend_from_slice(insert);
                    done = true;
                }
                w.write_event(Event::End(e)).map_err(io)?;
            }
            Event::Empty(e) if depth == 0 && !done => {
                let name = e.name().as_ref().to_string();
                w.write_event(Event::Start(e)).map_err(io)?;
                w.get_mut().extend_from_slice(insert);
                write_end(w.get_mut(), &name);
                done = true;
            }
            Event::Eof => break,
            other => w.write_event(other).map_err(io)?,
        }
    }
    if done {
        Ok(w.into_inner())
    } else {
        Err("no root element".into())
    }
}

/// The attributes of every element named `local` (any prefix) in `xml`, by key.
pub(super) fn elements(xml: &[u8], local: &str) -> Result<Vec<HashMap<String, String>>, Fail> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                out.push(
                    e.attributes()
                        .flatten()
                        .map(|a| (a.key.as_ref().to_string(), a.value.into_owned()))
                        .collect(),
                );
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A relationship target, relative to the folder `base` or absolute, as a part name.
pub(super) fn resolve_target(base: &str, target: &str) -> String {
    crate::read::package_path(base, target)
}

/// A relationship id not used in `rels`: "rId" and one more than the largest number.
pub(super) fn new_rel_id(rels: &[u8]) -> Result<String, Fail> {
    let ids: HashSet<String> = elements(rels, "Relationship")?
        .into_iter()
        .filter_map(|mut r| r.remove("Id"))
        .collect();
    let mut n = ids
        .iter()
        .filter_map(|id| id.strip_prefix("rId")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    loop {
        let id = format!("rId{n}");
        if !ids.contains(&id) {
            return Ok(id);
        }
        n = n.saturating_add(1);
    }
}

/// Whether `[Content_Types].xml` has an Override for `part_name` (case-insensitive, as
/// part names are).
pub(super) fn has_override(types: &[u8], part_name: &str) -> Result<bool, Fail> {
    Ok(elements(types, "Override")?.iter().any(|o| {
        o.get("PartName")
            .is_some_and(|p| p.eq_ignore_ascii_case(part_name))
    }))
}
