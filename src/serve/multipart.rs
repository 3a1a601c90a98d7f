//! `multipart/form-data` over a body already read whole (its size is capped before it is
//! read): the parts, each with its field name, its file name if any, and its bytes.
//! Written by hand: the maintained crates for it (`multer`) need an async runtime, and
//! the synchronous `multipart` crate is unmaintained.

/// One part of the form.
#[derive(Debug)]
pub struct Part<'a> {
    pub name: String,
    pub filename: Option<String>,
    pub data: &'a [u8],
}

/// Why a body is not a form this server reads.
#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// No boundary in the `Content-Type`, or not `multipart/form-data`.
    NotMultipart,
    /// The body does not follow its boundary.
    Malformed,
    /// More parts than allowed.
    TooManyParts,
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

/// The parts of `body`, at most `max_parts`.
pub fn parse<'a>(
    body: &'a [u8],
    boundary: &str,
    max_parts: usize,
) -> Result<Vec<Part<'a>>, FormError> {
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let start = memchr::memmem::find(body, delim.as_bytes()).ok_or(FormError::Malformed)?;
    let mut pos = start + delim.len();
    let mut parts = Vec::new();
    loop {
        let after = body.get(pos..).ok_or(FormError::Malformed)?;
        if after.starts_with(b"--") {
            return Ok(parts);
        }
        let after = after.strip_prefix(b"\r\n").ok_or(FormError::Malformed)?;
        pos += 2;
        let head_end = memchr::memmem::find(after, b"\r\n\r\n").ok_or(FormError::Malformed)?;
        let head = std::str::from_utf8(after.get(..head_end).unwrap_or_default())
            .map_err(|_| FormError::Malformed)?;
        let data_start = pos + head_end + 4;
        let rest = body.get(data_start..).ok_or(FormError::Malformed)?;
        let data_len =
            memchr::memmem::find(rest, next_delim.as_bytes()).ok_or(FormError::Malformed)?;
        let data = rest.get(..data_len).ok_or(FormError::Malformed)?;
        let (name, filename) = disposition(head).ok_or(FormError::Malformed)?;
        if parts.len() >= max_parts {
            return Err(FormError::TooManyParts);
        }
        parts.push(Part {
            name,
            filename,
            data,
        });
        pos = data_start + data_len + next_delim.len();
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

    #[test]
    fn parts_are_split_at_the_boundary_with_their_names() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nen\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a;b.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\nPK\r\n\x03--X\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ", 10).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "lang");
        assert_eq!(parts[0].data, b"en");
        assert_eq!(parts[1].filename.as_deref(), Some("a;b.xlsx"));
        assert_eq!(parts[1].data, b"PK\r\n\x03--X");
    }

    #[test]
    fn a_cut_body_and_too_many_parts_are_refused() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nabc";
        assert_eq!(parse(body, "b", 10).unwrap_err(), FormError::Malformed);
        let two = b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\n2\r\n--b--";
        assert_eq!(parse(two, "b", 1).unwrap_err(), FormError::TooManyParts);
        assert_eq!(parse(two, "b", 2).unwrap().len(), 2);
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
