//! `multipart/form-data` read as it arrives: each file part written to a staging file as
//! its bytes come, the few small fields the server reads kept in memory under a cap, so
//! that an upload of any size holds no more than a buffer of it in memory.
//! Written by hand: the maintained crates for it (`multer`) need an async runtime, and
//! the synchronous `multipart` crate is unmaintained.

use super::http::{Body, ReadFailure};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Bytes asked of the body at once.
const CHUNK: usize = 64 * 1024;
/// Largest form field the server reads (`lang`, `select`, `ignore`): a list of rule codes
/// fits.
pub const MAX_FIELD: usize = 64 * 1024;
/// Largest head of a part (its `Content-Disposition`, `Content-Type`…).
const MAX_PART_HEAD: usize = 16 * 1024;

/// Why a body is not a form this server reads.
#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// No boundary in the `Content-Type`, or not `multipart/form-data`.
    NotMultipart,
    /// The body does not follow its boundary (cut short included), or a field is larger
    /// than its cap.
    Malformed,
    /// More parts than allowed.
    TooManyParts,
    /// The body could not be read (too slow, the client gone).
    Read(ReadFailure),
    /// A staging file could not be written.
    Io(String),
}

impl From<ReadFailure> for FormError {
    fn from(f: ReadFailure) -> Self {
        FormError::Read(f)
    }
}

impl From<std::io::Error> for FormError {
    fn from(e: std::io::Error) -> Self {
        FormError::Io(e.to_string())
    }
}

/// What is read of a form, and its limits.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// Parts of this name with a file name are the files, staged on disk; other parts
    /// with a file name are skipped.
    pub files: &'a str,
    /// Parts of these names without a file name are kept (the first of each name);
    /// other fields are skipped.
    pub fields: &'a [&'a str],
    /// Parts of any kind, skipped ones included.
    pub max_parts: usize,
    /// Largest kept field, in bytes.
    pub max_field: usize,
}

/// A form read: its files on disk, its kept fields.
#[derive(Debug, Default)]
pub struct Form {
    /// The file name as sent and the staging file holding its bytes, in the body's order.
    pub files: Vec<(String, PathBuf)>,
    fields: Vec<(String, Vec<u8>)>,
}

impl Form {
    /// The bytes of the kept field `name`.
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// The boundary of a `Content-Type: multipart/form-data; boundary=...` header.
pub fn boundary(content_type: &str) -> Result<String, FormError> {
    let mut params = content_type.split(';');
    let kind = params.next().unwrap_or_default().trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return Err(FormError::NotMultipart);
    }
    for p in params {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("boundary")
        {
            let b = v.trim().trim_matches('"');
            // RFC 2046: 1 to 70 characters.
            if b.is_empty() || b.len() > 70 {
                return Err(FormError::NotMultipart);
            }
            return Ok(b.to_string());
        }
    }
    Err(FormError::NotMultipart)
}

/// Reads the form in `body` up to its closing delimiter (and the epilogue after it, up to
/// the declared length). File parts are written to `staging/1`, `staging/2`… (the folder
/// must exist); on any error the staging files written are removed.
pub(crate) fn read_form<R: Read + ?Sized>(
    body: &mut Body<'_, R>,
    boundary: &str,
    staging: &Path,
    spec: Spec<'_>,
) -> Result<Form, FormError> {
    let mut form = Form::default();
    let read = Parser {
        input: Input {
            body,
            buf: Vec::with_capacity(2 * CHUNK),
            pos: 0,
        },
        delim: format!("--{boundary}").into_bytes(),
        next_delim: format!("\r\n--{boundary}").into_bytes(),
    }
    .run(staging, spec, &mut form);
    match read {
        Ok(()) => Ok(form),
        Err(e) => {
            // A cut or refused body keeps nothing.
            for (_, p) in form.files {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}

/// The body's bytes not yet consumed: `buf[pos..]`.
struct Input<'a, 'b, R: Read + ?Sized> {
    body: &'a mut Body<'b, R>,
    buf: Vec<u8>,
    pos: usize,
}

impl<R: Read + ?Sized> Input<'_, '_, R> {
    fn rest(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// More of the body after what is not yet consumed; false at its end.
    fn fill(&mut self) -> Result<bool, FormError> {
        self.buf.drain(..self.pos.min(self.buf.len()));
        self.pos = 0;
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = self.body.read(self.buf.get_mut(old..).unwrap_or_default());
        self.buf.truncate(old + *n.as_ref().unwrap_or(&0));
        Ok(n? > 0)
    }

    /// At least `n` bytes not yet consumed; false if the body ends before.
    fn want(&mut self, n: usize) -> Result<bool, FormError> {
        while self.rest().len() < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Where a part's bytes go.
enum Sink {
    File(BufWriter<File>),
    Field(Vec<u8>),
    Skip,
}

struct Parser<'a, 'b, R: Read + ?Sized> {
    input: Input<'a, 'b, R>,
    /// `--boundary`: the first delimiter, which needs no line break before it.
    delim: Vec<u8>,
    /// `CRLF--boundary`: the end of a part's bytes.
    next_delim: Vec<u8>,
}

impl<R: Read + ?Sized> Parser<'_, '_, R> {
    fn run(mut self, staging: &Path, spec: Spec<'_>, form: &mut Form) -> Result<(), FormError> {
        // The preamble, whatever precedes the first delimiter, is skipped.
        if !self.skip_to_delimiter()? {
            return Err(FormError::Malformed);
        }
        let mut parts = 0usize;
        loop {
            // After a delimiter: `--` closes the form, a line break opens a part.
            if !self.input.want(2)? {
                return Err(FormError::Malformed);
            }
            if self.input.rest().starts_with(b"--") {
                // The epilogue is read (to the declared length) and dropped.
                self.input.pos = self.input.buf.len();
                while self.input.fill()? {
                    self.input.pos = self.input.buf.len();
                }
                return Ok(());
            }
            if !self.input.rest().starts_with(b"\r\n") {
                return Err(FormError::Malformed);
            }
            self.input.pos += 2;
            let head = self.part_head()?;
            let (name, filename) = disposition(&head).ok_or(FormError::Malformed)?;
            if parts >= spec.max_parts {
                return Err(FormError::TooManyParts);
            }
            parts += 1;
            let mut sink = match filename {
                Some(filename) if name == spec.files => {
                    let path = staging.join((form.files.len() + 1).to_string());
                    let file = File::options().write(true).create_new(true).open(&path)?;
                    form.files.push((filename, path));
                    Sink::File(BufWriter::with_capacity(CHUNK, file))
                }
                None if spec.fields.contains(&name.as_str()) && form.field(&name).is_none() => {
                    Sink::Field(Vec::new())
                }
                _ => Sink::Skip,
            };
            self.part_data(&mut sink, spec.max_field)?;
            match sink {
                Sink::File(w) => {
                    w.into_inner()
                        .map_err(|e| FormError::Io(e.error().to_string()))?;
                }
                Sink::Field(v) => form.fields.push((name, v)),
                Sink::Skip => {}
            }
        }
    }

    /// Consumes up to and including the first `--boundary`; false if the body has none.
    fn skip_to_delimiter(&mut self) -> Result<bool, FormError> {
        let keep = self.delim.len() - 1;
        loop {
            if let Some(i) = memchr::memmem::find(self.input.rest(), &self.delim) {
                self.input.pos += i + self.delim.len();
                return Ok(true);
            }
            // What may be the delimiter's beginning stays.
            self.input.pos = self
                .input
                .buf
                .len()
                .saturating_sub(keep)
                .max(self.input.pos);
            if !self.input.fill()? {
                return Ok(false);
            }
        }
    }

    /// A part's head, up to and without the empty line ending it.
    fn part_head(&mut self) -> Result<String, FormError> {
        loop {
            if let Some(i) = memchr::memmem::find(self.input.rest(), b"\r\n\r\n") {
                let head = std::str::from_utf8(self.input.rest().get(..i).unwrap_or_default())
                    .map_err(|_| FormError::Malformed)?
                    .to_string();
                self.input.pos += i + 4;
                return Ok(head);
            }
            if self.input.rest().len() > MAX_PART_HEAD || !self.input.fill()? {
                return Err(FormError::Malformed);
            }
        }
    }

    /// A part's bytes into `sink`, up to and including the `CRLF--boundary` ending them.
    fn part_data(&mut self, sink: &mut Sink, max_field: usize) -> Result<(), FormError> {
        let keep = self.next_delim.len() - 1;
        loop {
            let rest = self.input.rest();
            let (end, found) = match memchr::memmem::find(rest, &self.next_delim) {
                Some(i) => (i, true),
                // What may be the delimiter's beginning stays for the next round.
                None => (rest.len().saturating_sub(keep), false),
            };
            let bytes = rest.get(..end).unwrap_or_default();
            match sink {
                Sink::File(w) => w.write_all(bytes)?,
                Sink::Field(v) => {
                    if v.len() + bytes.len() > max_field {
                        return Err(FormError::Malformed);
                    }
                    v.extend_from_slice(bytes);
                }
                Sink::Skip => {}
            }
            self.input.pos += end;
            if found {
                self.input.pos += self.next_delim.len();
                return Ok(());
            }
            if !self.input.fill()? {
                return Err(FormError::Malformed);
            }
        }
    }
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(v)
    })?;
    let mut name = None;
    let mut filename = None;
    for (k, v) in params(line) {
        match k.to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => filename = Some(v),
            _ => {}
        }
    }
    Some((name?, filename))
}

/// `form-data; name="files"; filename="a;b.xlsx"`: the parameters, quotes honoured
/// (browsers escape a quote inside as `%22` or `\"`).
fn params(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        // Skip to the next parameter.
        while chars.peek().is_some_and(|c| *c == ';' || c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return out;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                value.push(n);
                            }
                        }
                        '"' => break,
                        _ => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((key.trim().to_string(), value.replace("%22", "\"")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A client sending at most `step` bytes per read, then closing.
    struct Chunked {
        data: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    const SPEC: Spec<'static> = Spec {
        files: "files",
        fields: &["lang", "select", "ignore"],
        max_parts: 10,
        max_field: 64,
    };

    /// What a form read gives, files read back from their staging files.
    #[derive(Debug, PartialEq, Eq)]
    struct Got {
        files: Vec<(String, Vec<u8>)>,
        fields: Vec<(String, Vec<u8>)>,
    }

    /// `sent` read with `start` bytes come with the head and the rest `step` at a time, the
    /// body declared `len` long; also what is left in the staging folder.
    fn read_with(
        sent: &[u8],
        start: usize,
        step: usize,
        len: usize,
        boundary: &str,
        spec: Spec<'_>,
    ) -> (Result<Got, FormError>, usize) {
        let staging = tempfile::tempdir().unwrap();
        let mut client = Chunked {
            data: sent[start..].to_vec(),
            at: 0,
            step,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut body = Body::new(&mut client, sent[..start].to_vec(), len as u64, deadline);
        let got = read_form(&mut body, boundary, staging.path(), spec).map(|form| Got {
            files: form
                .files
                .iter()
                .map(|(n, p)| {
                    assert!(p.starts_with(staging.path()));
                    (n.clone(), std::fs::read(p).unwrap())
                })
                .collect(),
            fields: form.fields,
        });
        let left = std::fs::read_dir(staging.path()).unwrap().count();
        (got, left)
    }

    fn read(sent: &[u8], step: usize, boundary: &str, spec: Spec<'_>) -> Result<Got, FormError> {
        read_with(sent, 0, step, sent.len(), boundary, spec).0
    }

    fn owned(pairs: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
        pairs
            .iter()
            .map(|(n, d)| (n.to_string(), d.to_vec()))
            .collect()
    }

    #[test]
    fn parts_are_split_at_the_boundary_with_their_names() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nen\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a;b.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\r\n\x03--X\r\n--XyZ--\r\n";
        let got = read(body, 4096, "XyZ", SPEC).unwrap();
        assert_eq!(got.fields, owned(&[("lang", b"en")]));
        assert_eq!(got.files, owned(&[("a;b.xlsx", b"PK\r\n\x03--X")]));
    }

    /// Two files and two fields, the files holding what looks like the delimiter's
    /// beginning, line breaks at their ends, and nothing: read a few bytes at a time, the
    /// delimiter falls across reads at every position, and the result never changes.
    #[test]
    fn the_form_is_the_same_however_the_body_arrives() {
        let b = "b0uNd";
        let one: &[u8] = b"PK\x03\x04\r\n--b0uN\r\n-\r\n--b0u\r--b0uNd\r\r\n\r";
        let two: &[u8] = b"";
        let mut sent = Vec::new();
        sent.extend_from_slice(b"preamble to skip\r\n");
        sent.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nen\r\n")
                .as_bytes(),
        );
        sent.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"kec/lra.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        sent.extend_from_slice(one);
        sent.extend_from_slice(
            format!("\r\n--{b}\r\ncontent-disposition: form-data; name=\"other\"; filename=\"x.bin\"\r\n\r\nskipped\r\n").as_bytes(),
        );
        sent.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"select\"\r\n\r\nSL1,SL6\r\n")
                .as_bytes(),
        );
        sent.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=files; filename=\"kosong.xlsx\"\r\n\r\n").as_bytes(),
        );
        sent.extend_from_slice(two);
        sent.extend_from_slice(format!("\r\n--{b}--\r\nepilogue to skip").as_bytes());
        let expected = Got {
            files: owned(&[("kec/lra.xlsx", one), ("kosong.xlsx", two)]),
            fields: owned(&[("lang", b"en"), ("select", b"SL1,SL6")]),
        };
        let steps = (1..=80).chain([4096, 64 * 1024]);
        for step in steps {
            for start in [0, 1, 19, 40] {
                let (got, _) = read_with(&sent, start, step, sent.len(), b, SPEC);
                assert_eq!(got.as_ref(), Ok(&expected), "step {step}, start {start}");
            }
        }
        // The bytes after the declared length are never read: here they would break it.
        let mut longer = sent.clone();
        longer.extend_from_slice(b"\r\n--b0uNd\r\n");
        let (got, _) = read_with(&longer, 0, 7, sent.len(), b, SPEC);
        assert_eq!(got, Ok(expected));
    }

    #[test]
    fn a_cut_body_is_refused_and_keeps_nothing() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\nabcdef\r\n--b--";
        for cut in [3, 20, 70, body.len() - 8, body.len() - 2] {
            // The client stops sending before the length it declared.
            for step in [1, 2, 7, 4096] {
                let (got, left) = read_with(&body[..cut], 0, step, body.len(), "b", SPEC);
                assert_eq!(got, Err(FormError::Read(ReadFailure::Closed)), "cut {cut}");
                assert_eq!(left, 0, "cut {cut}");
            }
            // The declared length itself ends too soon.
            let (got, left) = read_with(&body[..cut], 0, 3, cut, "b", SPEC);
            assert_eq!(got, Err(FormError::Malformed), "cut {cut}");
            assert_eq!(left, 0);
        }
        let (got, left) = read_with(body, 0, 3, body.len(), "b", SPEC);
        assert_eq!(got.unwrap().files, owned(&[("a.xlsx", b"abcdef")]));
        assert_eq!(left, 1);
        // No delimiter at all, or something else than a line break after one.
        assert_eq!(read(b"hello", 2, "x", SPEC), Err(FormError::Malformed));
        assert_eq!(read(b"--x\r\n--x", 2, "x", SPEC), Err(FormError::Malformed));
        assert_eq!(read(b"--xyz", 2, "x", SPEC), Err(FormError::Malformed));
    }

    #[test]
    fn too_many_parts_are_refused() {
        let two = b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\n2\r\n--b--";
        let one = Spec {
            max_parts: 1,
            ..SPEC
        };
        assert_eq!(read(two, 5, "b", one), Err(FormError::TooManyParts));
        let (got, left) = read_with(
            two,
            0,
            5,
            two.len(),
            "b",
            Spec {
                max_parts: 2,
                ..SPEC
            },
        );
        assert_eq!(got.unwrap().files.len(), 1);
        assert_eq!(left, 1);
        // A part without a name is no form-data part.
        let nameless = b"--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--";
        assert_eq!(read(nameless, 5, "b", SPEC), Err(FormError::Malformed));
    }

    #[test]
    fn a_field_over_its_cap_is_refused_and_one_skipped_is_not_kept() {
        let field = |name: &str, len: usize| {
            format!(
                "--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n--b--",
                "x".repeat(len)
            )
        };
        let at_cap = read(field("ignore", 64).as_bytes(), 9, "b", SPEC).unwrap();
        assert_eq!(at_cap.fields[0].1.len(), 64);
        assert_eq!(
            read(field("ignore", 65).as_bytes(), 9, "b", SPEC),
            Err(FormError::Malformed)
        );
        // A field the server does not read is skipped, whatever its size.
        let other = read(field("other", 100_000).as_bytes(), 4096, "b", SPEC).unwrap();
        assert_eq!(
            other,
            Got {
                files: vec![],
                fields: vec![]
            }
        );
        // A part head without end is refused once over its cap.
        let endless = format!(
            "--b\r\nContent-Disposition: form-data; name=\"x\"{}",
            " ".repeat(40_000)
        );
        assert_eq!(
            read(endless.as_bytes(), 4096, "b", SPEC),
            Err(FormError::Malformed)
        );
    }

    #[test]
    fn a_client_too_slow_is_refused() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nen\r\n--b--";
        let staging = tempfile::tempdir().unwrap();
        let mut client = Chunked {
            data: body.to_vec(),
            at: 0,
            step: 1,
        };
        let past = Instant::now() - Duration::from_secs(1);
        let mut b = Body::new(&mut client, Vec::new(), body.len() as u64, past);
        assert_eq!(
            read_form(&mut b, "b", staging.path(), SPEC).unwrap_err(),
            FormError::Read(ReadFailure::TooSlow)
        );
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"----abc\"").unwrap(),
            "----abc"
        );
        assert_eq!(boundary("text/plain").unwrap_err(), FormError::NotMultipart);
        assert_eq!(
            boundary("multipart/form-data").unwrap_err(),
            FormError::NotMultipart
        );
    }
}
