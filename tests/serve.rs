//! `sakip-lint serve` as a browser or a script meets it: the address line, the guards
//! (token, Host, Origin), the check answering what `check --format json` prints, the
//! limits named in their errors, zips, and the private folder gone after each request.
//! Plain HTTP over a `TcpStream`: no browser.

mod common;
use common::root;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server; killed when dropped. Its temporary folders go into `tmp`.
struct Server {
    child: Child,
    port: u16,
    token: String,
    first_line: String,
    tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first line a started server prints on stdout (its address).
fn address_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim_end().to_string()
}

fn start(extra: &[&str]) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sakip-lint"))
        .args(["serve", "--no-open", "--isolated"])
        .args(if extra.contains(&"--jobs") {
            &[][..]
        } else {
            &["--jobs", "1"][..]
        })
        .args(extra)
        .current_dir(root())
        .env("TMPDIR", tmp.path())
        .env("TMP", tmp.path())
        .env("TEMP", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first_line = address_line(&mut child);
    assert!(
        first_line.starts_with("http://"),
        "serve {extra:?} printed {first_line:?}"
    );
    let rest = first_line.strip_prefix("http://127.0.0.1:").unwrap_or("");
    let (port, token) = rest.split_once("/?token=").unwrap_or(("0", ""));
    Server {
        child,
        port: port.parse().unwrap_or(0),
        token: token.to_string(),
        first_line,
        tmp,
    }
}

/// An answer: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn send(port: u16, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        headers: head.to_lowercase(),
        body: raw[split + 4..].to_vec(),
    }
}

impl Server {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, target: &str, extra: &str) -> Answer {
        let req = format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\n{extra}\r\n",
            self.host()
        );
        send(self.port, req.as_bytes())
    }

    /// POST a form: fields, then files (name, bytes).
    fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(String, Vec<u8>)],
        extra: &str,
    ) -> Answer {
        let body = form(fields, files);
        let mut req = format!(
            "POST {path}{}token={} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n{extra}\r\n",
            if path.contains('?') { '&' } else { '?' },
            self.token,
            self.host(),
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(&body);
        send(self.port, &req)
    }

    /// The request folders left in the server's temporary folder.
    fn leftovers(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

const BOUNDARY: &str = "----sakipTestBoundary7MA4YWxk";

fn form(fields: &[(&str, &str)], files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, data) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn trawas_files() -> Vec<(String, Vec<u8>)> {
    let dir = root().join("fixtures/trawas-2024");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn check_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sakip-lint"))
        .args(["check", "--isolated", "--format", "json"])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The findings as compared between `check` and the page: everything but the folders of
/// the file names.
fn findings_key(doc: &serde_json::Value) -> Vec<String> {
    let base = |p: &serde_json::Value| {
        Path::new(p.as_str().unwrap_or_default())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let related: Vec<String> = f["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{}|{}|{}|{}",
                        base(&r["file"]),
                        r["sheet"],
                        r["cell"],
                        r["note"]
                    )
                })
                .collect();
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{:?}",
                f["code"],
                f["severity"],
                base(&f["file"]),
                f["sheet"],
                f["cell"],
                f["message"],
                f["expected"],
                f["actual"],
                related
            )
        })
        .collect()
}

#[test]
fn the_first_line_is_the_address_with_a_random_token() {
    let a = start(&[]);
    let b = start(&[]);
    for s in [&a, &b] {
        assert!(
            s.first_line.starts_with("http://127.0.0.1:"),
            "{}",
            s.first_line
        );
        assert!(s.port > 0);
        assert_eq!(s.token.len(), 32, "{}", s.first_line);
        assert!(s.token.chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_ne!(a.token, b.token);
    let page = a.get(&format!("/?token={}", a.token), "");
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    // The texts are injected in the run's language, nothing is loaded from the network.
    assert!(html.contains("Letakkan berkas di sini"), "{html}");
    assert!(!html.contains("/*STRINGS*/"));
    assert!(!html.contains("https://"));
    assert!(page.headers.contains("content-security-policy"));
    let en = a.get(&format!("/?token={}&lang=en", a.token), "");
    assert!(String::from_utf8_lossy(&en.body).contains("Drop files here"));
}

#[test]
fn the_check_answers_what_check_prints_for_the_trawas_fixture() {
    let s = start(&[]);
    let answer = s.post("/api/check", &[], &trawas_files(), "");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    // Byte for byte the document `check` prints from inside the fixture's folder.
    let out = Command::new(env!("CARGO_BIN_EXE_sakip-lint"))
        .args(["check", "--isolated", "--format", "json", "."])
        .current_dir(root().join("fixtures/trawas-2024"))
        .output()
        .unwrap();
    let expected = String::from_utf8_lossy(&out.stdout).replace("\"./", "\"");
    assert_eq!(String::from_utf8_lossy(&answer.body), expected);
    let got = answer.json();
    let cli = check_json(&["fixtures/trawas-2024"]);
    assert_eq!(got["schema"], "sakip-lint/1");
    assert_eq!(got["summary"], cli["summary"]);
    assert_eq!(findings_key(&got), findings_key(&cli));
    assert!(got["summary"]["error"].as_u64().unwrap() > 0);
    // The budget's absorption: 92,81 written where 95,02 is right.
    assert!(
        got["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["expected"] == "95,02"
                && f["actual"] == "92,81"
                && f["file"] == "lkjip-tabel.xlsx"
                && f["cell"].is_string()),
        "no 95,02/92,81 finding"
    );
    // Nothing of the request is left.
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
}

#[test]
fn the_language_and_the_selection_follow_the_form_fields() {
    let s = start(&[]);
    let answer = s.post(
        "/api/check",
        &[("lang", "en"), ("select", "SL6")],
        &trawas_files(),
        "",
    );
    assert_eq!(answer.status, 200);
    let cli = check_json(&["fixtures/trawas-2024", "--lang", "en", "--select", "SL6"]);
    let got = answer.json();
    assert_eq!(findings_key(&got), findings_key(&cli));
    assert!(!findings_key(&got).is_empty());
    assert!(
        got["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"].as_str().unwrap().starts_with("SL6"))
    );
    let bad = s.post("/api/check", &[("select", "SL999x")], &trawas_files(), "");
    assert_eq!(bad.status, 400);
    assert!(bad.error().contains("SL999x"), "{}", bad.error());
}

#[test]
fn requests_without_the_token_or_from_elsewhere_are_refused() {
    let s = start(&[]);
    let files = trawas_files();
    let first = vec![files[0].clone()];
    // No token, a wrong one.
    assert_eq!(s.get("/", "").status, 403);
    assert_eq!(s.get("/api/rules", "").status, 403);
    assert_eq!(s.get("/api/rules?token=00", "").status, 403);
    let body = form(&[], &first);
    let req = format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        s.host(),
        body.len()
    );
    let mut raw = req.into_bytes();
    raw.extend_from_slice(&body);
    let no_token = send(s.port, &raw);
    assert_eq!(no_token.status, 403);
    assert!(no_token.error().contains("token"), "{}", no_token.error());
    // A page elsewhere posting with the right token (it cannot know it, but even so).
    let foreign = s.post("/api/check", &[], &first, "Origin: http://evil.example\r\n");
    assert_eq!(foreign.status, 403);
    assert!(foreign.error().contains("Origin"));
    let null_origin = s.post("/api/check", &[], &first, "Origin: null\r\n");
    assert_eq!(null_origin.status, 403);
    // DNS rebinding: the right token, another host name.
    let req = format!(
        "GET /api/rules?token={} HTTP/1.1\r\nHost: evil.example:{}\r\n\r\n",
        s.token, s.port
    );
    let rebound = send(s.port, req.as_bytes());
    assert_eq!(rebound.status, 403);
    assert!(rebound.error().contains("Host"));
    // The page's own origin is welcome.
    let own = s.post(
        "/api/check",
        &[],
        &first,
        &format!("Origin: http://127.0.0.1:{}\r\n", s.port),
    );
    assert_eq!(own.status, 200);
    let rules = s.get(&format!("/api/rules?token={}", s.token), "");
    assert_eq!(rules.status, 200);
    let list = rules.json();
    let sl101 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "SL101")
        .unwrap();
    for k in ["name", "severity", "title", "explain"] {
        assert!(!sl101[k].as_str().unwrap().is_empty(), "{k}");
    }
}

#[test]
fn a_broken_file_gets_its_message_and_the_server_goes_on() {
    let s = start(&[]);
    let junk = b"this is no workbook at all".to_vec();
    let answer = s.post(
        "/api/check",
        &[],
        &[("rusak.xlsx".into(), junk.clone())],
        "",
    );
    assert_eq!(answer.status, 200);
    let got = answer.json();
    let file = &got["files"][0];
    assert_eq!(file["path"], "rusak.xlsx");
    assert_eq!(file["status"], "error");
    // The message `check` gives the same bytes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rusak.xlsx"), &junk).unwrap();
    let cli = check_json(&[dir.path().join("rusak.xlsx").to_str().unwrap()]);
    assert_eq!(file["error"], cli["files"][0]["error"]);
    assert!(!file["error"].as_str().unwrap().is_empty());
    // Garbage instead of HTTP, then a form that is not one: answered, and the server
    // still serves.
    let garbage = send(s.port, b"\x00\x01 nonsense\r\n\r\n");
    assert_eq!(garbage.status, 400);
    let req = format!(
        "POST /api/check?token={} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 5\r\n\r\nhello",
        s.token,
        s.host()
    );
    assert_eq!(send(s.port, req.as_bytes()).status, 400);
    let again = s.post("/api/check", &[], &trawas_files(), "");
    assert_eq!(again.status, 200);
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
}

#[test]
fn an_oversize_upload_is_refused_naming_the_limit() {
    let s = start(&["--max-file-mb", "1"]);
    let req = format!(
        "POST /api/check?token={} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        s.token,
        s.host(),
        2 * 1024 * 1024
    );
    let mut raw = req.into_bytes();
    raw.extend(std::iter::repeat_n(b'x', 256 * 1024));
    let answer = send(s.port, &raw);
    assert_eq!(answer.status, 413);
    let e = answer.error();
    assert!(e.contains("--max-file-mb") && e.contains("1 MB"), "{e}");
    // Too many files: named too.
    let s = start(&["--max-files", "2"]);
    let answer = s.post("/api/check", &[], &trawas_files(), "");
    assert_eq!(answer.status, 413);
    assert!(answer.error().contains("--max-files"), "{}", answer.error());
    assert!(s.leftovers().is_empty());
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A zip of the Trawas workbooks once per folder named.
fn regency_zip(folders: &[String]) -> Vec<u8> {
    let files = trawas_files();
    let entries: Vec<(String, &[u8])> = folders
        .iter()
        .flat_map(|k| {
            files
                .iter()
                .map(move |(n, d)| (format!("{k}/{n}"), d.as_slice()))
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    zip_of(&refs)
}

fn kecamatan(n: usize) -> Vec<String> {
    (0..n).map(|k| format!("kec-{k}")).collect()
}

#[test]
fn a_zip_of_a_folder_is_checked_as_a_folder_and_one_escaping_is_refused() {
    let s = start(&[]);
    let files = trawas_files();
    let entries: Vec<(String, &[u8])> = files
        .iter()
        .map(|(n, d)| (format!("kabupaten/trawas/{n}"), d.as_slice()))
        .collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    let answer = s.post(
        "/api/check",
        &[],
        &[("mojokerto.zip".into(), zip_of(&refs))],
        "",
    );
    assert_eq!(answer.status, 200);
    let got = answer.json();
    assert_eq!(
        got["files"][0]["path"],
        "mojokerto/kabupaten/trawas/lkjip-tabel.xlsx"
    );
    assert_eq!(
        findings_key(&got),
        findings_key(&check_json(&["fixtures/trawas-2024"]))
    );

    let evil = zip_of(&[("ok.xlsx", b"x"), ("../evil.xlsx", b"x")]);
    let answer = s.post("/api/check", &[], &[("evil.zip".into(), evil)], "");
    assert_eq!(answer.status, 400);
    assert!(
        answer.error().contains("../evil.xlsx"),
        "{}",
        answer.error()
    );
    let absolute = zip_of(&[("/tmp/evil.xlsx", b"x")]);
    assert_eq!(
        s.post("/api/check", &[], &[("abs.zip".into(), absolute)], "")
            .status,
        400
    );
    // Nothing written next to the request's folder, and the folder itself gone.
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
    let bomb = zip_of(&[("big.xlsx", &vec![0u8; 3 * 1024 * 1024])]);
    let small = start(&["--max-inflated-mb", "2"]);
    let answer = small.post("/api/check", &[], &[("bomb.zip".into(), bomb)], "");
    assert_eq!(answer.status, 413);
    assert!(
        answer.error().contains("--max-inflated-mb"),
        "{}",
        answer.error()
    );
}

#[test]
fn a_client_that_stalls_does_not_hold_up_the_others() {
    let s = start(&[]);
    // Declares a body and sends almost none of it, then waits.
    let mut stalled = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    let head = format!(
        "POST /api/check?token={} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 1000000\r\n\r\n--{BOUNDARY}\r\n",
        s.token,
        s.host()
    );
    stalled.write_all(head.as_bytes()).unwrap();
    let half_head = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    let started = Instant::now();
    let answer = s.post("/api/check", &[], &trawas_files(), "");
    assert_eq!(answer.status, 200);
    assert!(started.elapsed() < Duration::from_secs(15));
    drop((stalled, half_head));
}

#[test]
fn annotated_copies_and_the_summary_are_downloads() {
    let s = start(&[]);
    let files = trawas_files();
    let zip = s.post("/api/annotate", &[], &files, "");
    assert_eq!(zip.status, 200);
    assert!(zip.headers.contains("content-type: application/zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    assert_eq!(archive.len(), files.len());
    let mut names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    expected.sort();
    assert_eq!(names, expected);
    let summary = s.post("/api/summary", &[], &files, "");
    assert_eq!(summary.status, 200);
    assert!(summary.body.starts_with(b"PK"));
    assert!(s.leftovers().is_empty());
}

#[test]
fn requests_at_once_are_all_answered_alike() {
    let s = start(&["--jobs", "2"]);
    let answers: Vec<Answer> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| s.post("/api/check", &[], &trawas_files(), "")))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for a in &answers {
        assert_eq!(a.status, 200);
        assert_eq!(a.body, answers[0].body);
    }
    assert!(s.leftovers().is_empty());
}

/// The server's checking threads (rayon's, named `sakip-lint-N`), by thread id.
#[cfg(target_os = "linux")]
fn checking_threads(pid: u32) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| {
            let t = t.ok()?;
            let name = std::fs::read_to_string(t.path().join("comm")).ok()?;
            let n = name.trim().strip_prefix("sakip-lint-")?;
            n.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| t.file_name().to_string_lossy().into_owned())
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn checks_at_once_share_jobs_threads() {
    // Four uploads of a regency of 20 submissions with `--jobs 2`: however many checks
    // run at once, the checking threads are the 2 of the shared pool (a pool per check
    // would be 2 more threads per check).
    let s = start(&["--jobs", "2"]);
    let files = trawas_files();
    let upload = [("kabupaten.zip".to_string(), regency_zip(&kecamatan(20)))];
    let pid = s.child.id();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (seen, answers) = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut seen: std::collections::HashMap<String, usize> = Default::default();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                for tid in checking_threads(pid) {
                    *seen.entry(tid).or_default() += 1;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            seen
        });
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| s.post("/api/check", &[], &upload, "")))
            .collect();
        let answers: Vec<Answer> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        (watcher.join().unwrap(), answers)
    });
    for a in &answers {
        assert_eq!(a.status, 200);
        assert_eq!(a.json()["summary"]["files"], 20 * files.len());
    }
    // A thread starts with its parent's name until it names itself: one seen only once
    // or twice is such a moment, not a checking thread.
    let lasting: Vec<_> = seen.iter().filter(|(_, n)| **n >= 3).collect();
    assert_eq!(lasting.len(), 2, "checking threads: {seen:?}");
}

#[test]
fn a_check_over_its_time_is_answered_naming_the_limit() {
    // 150 copies of the Trawas submission on one thread: seconds of work even in release.
    let s = start(&["--max-request-seconds", "1"]);
    let started = Instant::now();
    let answer = s.post(
        "/api/check",
        &[("lang", "en")],
        &[("regency.zip".into(), regency_zip(&kecamatan(150)))],
        "",
    );
    assert_eq!(
        answer.status,
        504,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(
        answer.error().contains("--max-request-seconds"),
        "{}",
        answer.error()
    );
    assert!(
        answer.error().contains("limit"),
        "English asked: {}",
        answer.error()
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Started with no arguments and no terminal (a double-click from a file manager; on
/// Windows any start without arguments): the page is served, as `serve` would. Typed
/// without arguments in a terminal it would show the usage; here stdin is not one.
#[test]
fn no_arguments_and_no_terminal_start_the_page() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sakip-lint"))
        .current_dir(root())
        // The browser that xdg-open would start: one that does nothing.
        .env("BROWSER", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = address_line(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    let rest = line.strip_prefix("http://127.0.0.1:").unwrap_or("");
    let (port, token) = rest.split_once("/?token=").unwrap_or(("", ""));
    assert!(
        port.parse::<u16>().is_ok() && token.len() == 32,
        "printed {line:?}"
    );
}

/// A folder dropped on the page comes as files named with their path inside it
/// ("kabupaten/trawas/lra.xlsx"): its sub-folders are the submissions, as `check` makes
/// them, and a name that would leave the upload loses its folders.
#[test]
fn files_of_a_dropped_folder_keep_their_folders() {
    let s = start(&[]);
    let mut files: Vec<(String, Vec<u8>)> = trawas_files()
        .into_iter()
        .map(|(n, d)| (format!("kabupaten/trawas/{n}"), d))
        .collect();
    files.push((
        "kabupaten/rusak/lra.xlsx".into(),
        b"bukan buku kerja".to_vec(),
    ));
    files.push(("../../luar.xlsx".into(), b"x".to_vec()));
    let answer = s.post("/api/check", &[], &files, "");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let got = answer.json();
    let paths: Vec<&str> = got["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"kabupaten/trawas/lkjip-tabel.xlsx"),
        "{paths:?}"
    );
    assert!(paths.contains(&"kabupaten/rusak/lra.xlsx"), "{paths:?}");
    assert!(paths.contains(&"luar.xlsx"), "{paths:?}");
    // The Trawas folder is checked as `check` checks it: the same findings.
    assert_eq!(
        findings_key(&got),
        findings_key(&check_json(&["fixtures/trawas-2024"]))
    );
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
}

#[test]
fn a_check_with_progress_streams_records_then_the_same_report() {
    let s = start(&[]);
    // Three kecamatan folders: three submissions.
    let upload = [("kabupaten.zip".to_string(), regency_zip(&kecamatan(3)))];
    let plain = s.post("/api/check", &[], &upload, "");
    assert_eq!(plain.status, 200);

    let req = |path: &str| s.post(path, &[], &upload, "");
    let streamed = req("/api/check?progress=1");
    assert_eq!(streamed.status, 200);
    assert!(
        streamed
            .headers
            .contains("content-type: application/json-seq"),
        "{}",
        streamed.headers
    );
    assert!(!streamed.headers.contains("content-length"));
    // RFC 7464: every record is RS, one JSON text, LF.
    let body = String::from_utf8(streamed.body.clone()).unwrap();
    let records: Vec<&str> = body.split('\u{1e}').skip(1).collect();
    assert!(body.starts_with('\u{1e}'));
    assert!(records.iter().all(|r| r.ends_with('\n')));
    let (last, progress) = records.split_last().unwrap();
    let steps: Vec<(u64, u64)> = progress
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(r).unwrap();
            (
                v["progress"]["done"].as_u64().unwrap(),
                v["progress"]["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(steps, vec![(0, 3), (1, 3), (2, 3), (3, 3)]);
    // The last record is byte for byte the report `/api/check` answers.
    // (less the record's own LF).
    let report = last.strip_suffix('\n').unwrap();
    assert!(
        report.as_bytes() == plain.body.as_slice(),
        "the last record is not the report"
    );

    // A failure before the run starts is a plain answer, as without progress.
    let bad = s.post("/api/check?progress=1", &[("select", "SL999")], &upload, "");
    assert_eq!(bad.status, 400);
    assert!(bad.error().contains("SL999"), "{}", bad.error());
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
}

/// The server's peak resident memory (VmHWM), in KiB.
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A body of 60 MB (the Trawas workbooks and a large file the check does not read) goes
/// to disk as it arrives: the server's peak memory grows by far less than the body, and
/// the answer is the one the workbooks alone get.
#[cfg(target_os = "linux")]
#[test]
fn a_large_upload_is_streamed_to_disk_not_held_in_memory() {
    let s = start(&[]);
    let files = trawas_files();
    // The check's own memory, reached once before measuring.
    let small = s.post("/api/check", &[], &files, "");
    assert_eq!(small.status, 200);
    let before = peak_kib(s.child.id());
    let body_mib = 60;
    let mut big = files.clone();
    big.push(("pindaian-lampiran.bin".into(), vec![b'x'; body_mib << 20]));
    let answer = s.post("/api/check", &[], &big, "");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let after = peak_kib(s.child.id());
    let growth_mib = after.saturating_sub(before) / 1024;
    assert!(
        growth_mib < 25,
        "peak memory grew by {growth_mib} MiB ({before} -> {after} KiB) for a {body_mib} MiB body"
    );
    assert_eq!(answer.json()["findings"], small.json()["findings"]);
    assert!(s.leftovers().is_empty(), "{:?}", s.leftovers());
}
