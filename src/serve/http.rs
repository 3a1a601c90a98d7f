//! Just enough HTTP/1.1 for a page on the loopback address: a request head read within a
//! size cap and a deadline, a body of a declared length read within a cap and a deadline,
//! and a response closed after it is written (one request per connection, no keep-alive,
//! no chunked bodies: a streamed answer ends when the connection closes).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

/// Largest request head (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 100;

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadFailure {
    /// The head is larger than [`MAX_HEAD`] or has too many headers.
    HeadTooLarge,
    /// Not an HTTP/1.x request.
    Malformed,
    /// The client sent too slowly or stopped sending.
    TooSlow,
    /// The client went away.
    Closed,
}

/// A request's head.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// The query's pairs, undecoded but for `+` and `%XX`.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Read until the end of the head; returns it and the bytes of the body read with it.
pub fn read_head(
    stream: &mut TcpStream,
    deadline: Instant,
) -> Result<(Head, Vec<u8>), ReadFailure> {
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            let rest = buf.get(end + 4..).unwrap_or_default().to_vec();
            let text = std::str::from_utf8(buf.get(..end).unwrap_or_default())
                .map_err(|_| ReadFailure::Malformed)?;
            return Ok((parse_head(text)?, rest));
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadFailure::HeadTooLarge);
        }
        if Instant::now() > deadline {
            return Err(ReadFailure::TooSlow);
        }
        let n = read_some(stream, &mut chunk)?;
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// One read, its failures named: nothing more to read is `Closed`, the socket's read
/// timeout `TooSlow`.
pub(crate) fn read_some<R: Read + ?Sized>(
    stream: &mut R,
    chunk: &mut [u8],
) -> Result<usize, ReadFailure> {
    match stream.read(chunk) {
        Ok(0) => Err(ReadFailure::Closed),
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(ReadFailure::TooSlow)
        }
        Err(_) => Err(ReadFailure::Closed),
    }
}

fn parse_head(text: &str) -> Result<Head, ReadFailure> {
    let mut lines = text.split("\r\n");
    let first = lines.next().ok_or(ReadFailure::Malformed)?;
    let mut words = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(ReadFailure::Malformed);
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err(ReadFailure::Malformed);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(ReadFailure::Malformed)?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        if headers.len() > MAX_HEADERS {
            return Err(ReadFailure::HeadTooLarge);
        }
    }
    Ok(Head {
        method: method.to_string(),
        path: path.to_string(),
        query,
        headers,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| {
            bytes
                .get(j)
                .and_then(|c| (*c as char).to_digit(16))
                .map(|d| d as u8)
        };
        match b {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b),
            },
            b'+' => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A body of a declared length, read as it arrives: first the bytes read with the head,
/// then the stream, never past the length, every read by the deadline (and each within
/// the socket's read timeout), so that a slow client holds only its own connection.
pub(crate) struct Body<'a, R: Read + ?Sized> {
    stream: &'a mut R,
    start: Vec<u8>,
    /// Bytes of `start` already handed out.
    taken: usize,
    /// Bytes of the body not yet handed out, `start`'s included.
    left: u64,
    deadline: Instant,
}

impl<'a, R: Read + ?Sized> Body<'a, R> {
    /// A body of `len` bytes, `start` already read with the head.
    pub(crate) fn new(stream: &'a mut R, mut start: Vec<u8>, len: u64, deadline: Instant) -> Self {
        start.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Body {
            stream,
            start,
            taken: 0,
            left: len,
            deadline,
        }
    }

    /// The next bytes of the body into `buf`; 0 once the declared length is read.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, ReadFailure> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let n = if let Some(rest) = self.start.get(self.taken..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.len());
            buf.get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(rest.get(..n).unwrap_or_default());
            self.taken += n;
            n
        } else {
            if Instant::now() > self.deadline {
                return Err(ReadFailure::TooSlow);
            }
            let want = usize::try_from(self.left)
                .unwrap_or(usize::MAX)
                .min(buf.len());
            read_some(self.stream, buf.get_mut(..want).unwrap_or_default())?
        };
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}

/// Read and drop what the client still sends (at most `limit` bytes, until `deadline`),
/// so that an early answer (403, 413) reaches a browser still sending its body instead of
/// being lost to a connection reset.
pub fn drain(stream: &mut TcpStream, limit: usize, deadline: Instant) {
    let mut chunk = [0u8; 16 * 1024];
    let mut seen = 0;
    while seen < limit && Instant::now() < deadline {
        match read_some(stream, &mut chunk) {
            Ok(n) => seen += n,
            Err(_) => break,
        }
    }
}

/// An answer.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Extra headers, e.g. `Content-Disposition` for a download.
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            body,
            headers: Vec::new(),
        }
    }

    /// `{"error": "..."}`.
    pub fn error(status: u16, message: &str) -> Self {
        let body = serde_json::json!({ "error": message }).to_string();
        Response::new(status, "application/json; charset=utf-8", body.into_bytes())
    }

    pub fn write_to(&self, stream: &mut TcpStream) -> std::io::Result<()> {
        let head = head_text(
            self.status,
            self.content_type,
            Some(self.body.len()),
            &self.headers,
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(&self.body)?;
        stream.flush()
    }
}

/// A response's head; without a length the body ends when the connection closes.
fn head_text(
    status: u16,
    content_type: &str,
    length: Option<usize>,
    extra: &[(&'static str, String)],
) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n");
    if let Some(n) = length {
        head.push_str(&format!("Content-Length: {n}\r\n"));
    }
    head.push_str(
        "Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n",
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// An answer streamed as a JSON text sequence (RFC 7464, `application/json-seq`): a 200
/// head without a length (the connection's close ends the body), then records, each
/// RS, one JSON text, LF. A write that fails (the client went away) ends the writing,
/// not the work.
pub struct Sequence {
    broken: bool,
}

impl Sequence {
    pub fn start(stream: &mut TcpStream) -> Sequence {
        let head = head_text(200, "application/json-seq", None, &[]);
        Sequence {
            broken: stream.write_all(head.as_bytes()).is_err(),
        }
    }

    pub fn record(&mut self, stream: &mut TcpStream, json: &[u8]) {
        if self.broken {
            return;
        }
        let written = stream
            .write_all(b"\x1e")
            .and_then(|_| stream.write_all(json))
            .and_then(|_| stream.write_all(b"\n"))
            .and_then(|_| stream.flush());
        self.broken = written.is_err();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_is_parsed_with_its_query_and_lower_case_headers() {
        let h = parse_head("POST /api/check?token=ab%20c&lang=en HTTP/1.1\r\nHost: 127.0.0.1:8\r\nContent-Length: 3").unwrap();
        assert_eq!(h.method, "POST");
        assert_eq!(h.path, "/api/check");
        assert_eq!(h.query_value("token"), Some("ab c"));
        assert_eq!(h.query_value("lang"), Some("en"));
        assert_eq!(h.header("host"), Some("127.0.0.1:8"));
        assert_eq!(h.header("content-length"), Some("3"));
    }

    #[test]
    fn a_malformed_head_is_refused() {
        assert_eq!(parse_head("GET").unwrap_err(), ReadFailure::Malformed);
        assert_eq!(
            parse_head("GET http://x/ HTTP/1.1").unwrap_err(),
            ReadFailure::Malformed
        );
        assert_eq!(
            parse_head("GET / HTTP/1.1\r\nno colon").unwrap_err(),
            ReadFailure::Malformed
        );
    }
}
