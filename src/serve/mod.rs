//! `sakip-lint serve`: a page on 127.0.0.1 to drop files on, answering with the same run
//! as `check --format json` ([`crate::run`]).
//!
//! # Design
//!
//! * **Plain std networking**, one thread per connection (at most [`MAX_CONNECTIONS`],
//!   beyond that an immediate 503), HTTP/1.1 just as far as the page needs it
//!   ([`http`]). No async runtime: a check is CPU and disk work, and the connections are
//!   few and local.
//! * **Guards before anything else**: the `Host` header must name this server (a page
//!   elsewhere cannot reach it through DNS rebinding), an `Origin` header, when present,
//!   must be this server's (no cross-site POST), and the per-run token must be in the
//!   query. Then the body: its declared length within `--max-file-mb`, read by a deadline
//!   with a timeout per read, so a slow client holds only its own connection.
//! * **Checks on a bounded pool**: at most `--jobs` checks run at once (a semaphore held by
//!   the check's own thread until it ends), all on one shared pool of `--jobs` threads, so
//!   that the machine is never asked for more than `--jobs` cores; each runs under
//!   `catch_unwind`, and the request's time limit answers the client.
//! * **Progress**: `POST /api/check?progress=1` answers a JSON text sequence (RFC 7464,
//!   `application/json-seq`): `{"progress":{"done":N,"total":M}}` records as the
//!   submissions are checked, then the report itself, byte for byte the document
//!   `/api/check` answers (or `{"error": …}` if the run fails once it has started).
//! * **Isolation**: the files of a request live in a private temporary folder removed when
//!   its check ends ([`upload`]); nothing else is written.

pub mod http;
pub mod multipart;
pub mod upload;

use crate::batch::BatchError;
use crate::catalog::{Catalog, Lang};
use crate::config::Config;
use crate::rules::Rules;
use crate::run;
use crate::submission::Group;
use http::{Head, ReadFailure, Response};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Connections open at once; more get a 503 at once.
pub const MAX_CONNECTIONS: usize = 64;
/// A read that brings nothing for this long ends the request.
const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Time for the request head.
const HEAD_TIME: Duration = Duration::from_secs(30);

/// The page, texts injected at `/*STRINGS*/`.
const PAGE: &str = include_str!("page.html");

/// A run's settings, resolved by the command line.
pub struct Settings {
    /// The run's rules, limits applied (`--rules`, the configuration, the limit flags).
    pub rules: Rules,
    pub config: Config,
    /// The default language (`--lang`, configuration, locale); a request may ask for the
    /// other with `lang`.
    pub lang: Lang,
    /// 0: a free port.
    pub port: u16,
    /// Checks at once, and the threads all checks share; at least 1.
    pub jobs: usize,
    pub max_files: usize,
    pub max_request_seconds: u64,
}

/// What the request asks for besides the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Json,
    Annotated,
    Summary,
}

/// A counting semaphore: checks running at once.
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Permit<'a>(&'a Permits);

impl Permits {
    fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|p| p.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}

struct Shared {
    settings: Settings,
    port: u16,
    token: String,
    permits: Permits,
    /// The threads every check runs on.
    pool: Arc<rayon::ThreadPool>,
    connections: AtomicUsize,
}

/// A bound server, not yet serving.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Server {
    /// Binds 127.0.0.1 (never another address) and draws the token.
    pub fn bind(settings: Settings) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", settings.port))?;
        let port = listener.local_addr()?.port();
        let jobs = settings.jobs.max(1);
        let pool = crate::batch::thread_pool(jobs).map_err(std::io::Error::other)?;
        Ok(Server {
            listener,
            shared: Arc::new(Shared {
                settings,
                port,
                token: token()?,
                permits: Permits {
                    free: Mutex::new(jobs),
                    freed: Condvar::new(),
                },
                pool: Arc::new(pool),
                connections: AtomicUsize::new(0),
            }),
        })
    }

    /// The page's address: the first line `serve` prints.
    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?token={}",
            self.shared.port, self.shared.token
        )
    }

    /// Serves until the process ends.
    pub fn run(self) {
        for stream in self.listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let shared = Arc::clone(&self.shared);
            if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                shared.connections.fetch_sub(1, Ordering::SeqCst);
                let cat = Catalog::new(&shared.settings.rules, shared.settings.lang);
                let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
                let _ = Response::error(503, &cat.template("serve.busy")).write_to(&mut stream);
                continue;
            }
            let spawned = std::thread::Builder::new()
                .name("sakip-lint-serve".into())
                .spawn(move || {
                    // Whatever happens in a request, the server goes on.
                    let _ = catch_unwind(AssertUnwindSafe(|| connection(stream, &shared)));
                    shared.connections.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                self.shared.connections.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// 16 random bytes as hex, from the system's source (getrandom: the kernel's on Linux,
/// ProcessPrng on Windows, arc4random on macOS).
fn token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal without telling by its timing how much of the token was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn lang_of(v: Option<&str>, default: Lang) -> Lang {
    match v {
        Some("id") => Lang::Id,
        Some("en") => Lang::En,
        _ => default,
    }
}

/// `{name}` replaced in a catalogue template.
fn say(cat: &Catalog, id: &str, pairs: &[(&str, String)]) -> String {
    let mut s = cat.template(id);
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn connection(mut stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let default_cat = Catalog::new(&shared.settings.rules, shared.settings.lang);
    let (head, start) = match http::read_head(&mut stream, Instant::now() + HEAD_TIME) {
        Ok(h) => h,
        Err(ReadFailure::Closed) => return,
        Err(f) => {
            let (status, id) = match f {
                ReadFailure::HeadTooLarge => (431, "serve.head_too_large"),
                ReadFailure::TooSlow => (408, "serve.too_slow"),
                _ => (400, "serve.bad_request"),
            };
            let _ = Response::error(status, &default_cat.template(id)).write_to(&mut stream);
            return;
        }
    };
    let cat = Catalog::new(
        &shared.settings.rules,
        lang_of(head.query_value("lang"), shared.settings.lang),
    );
    let answer = match guard(&head, shared) {
        Err(id) => Answer::Whole(Response::error(403, &cat.template(id))),
        Ok(()) => route(&head, start, &mut stream, shared, &cat),
    };
    if let Answer::Whole(response) = answer {
        let _ = response.write_to(&mut stream);
    }
    // What a refused client still sends, read (briefly) so that it gets the answer.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    http::drain(
        &mut stream,
        64 << 20,
        Instant::now() + Duration::from_secs(2),
    );
}

/// DNS rebinding and cross-site requests: the Host must name this server, an Origin must
/// be this server's; then the token.
fn guard(head: &Head, shared: &Shared) -> Result<(), &'static str> {
    let port = shared.port;
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    let host_ok = head
        .header("host")
        .is_some_and(|h| hosts.iter().any(|x| x.eq_ignore_ascii_case(h)));
    if !host_ok {
        return Err("serve.forbidden_host");
    }
    if let Some(origin) = head.header("origin")
        && !hosts
            .iter()
            .any(|x| origin.eq_ignore_ascii_case(&format!("http://{x}")))
    {
        return Err("serve.forbidden_origin");
    }
    match head.query_value("token") {
        Some(t) if same(t, &shared.token) => Ok(()),
        _ => Err("serve.forbidden_token"),
    }
}

fn route(
    head: &Head,
    start: Vec<u8>,
    stream: &mut TcpStream,
    shared: &Arc<Shared>,
    cat: &Catalog,
) -> Answer {
    let want = match head.path.as_str() {
        "/api/check" => Some(Want::Json),
        "/api/annotate" => Some(Want::Annotated),
        "/api/summary" => Some(Want::Summary),
        _ => None,
    };
    let response = match (head.method.as_str(), head.path.as_str(), want) {
        ("GET", "/", _) => {
            Response::new(200, "text/html; charset=utf-8", page(cat).into_bytes()).with_csp()
        }
        ("GET", "/api/rules", _) => {
            let body = serde_json::to_vec_pretty(&crate::report::ruledocs::entries(cat))
                .unwrap_or_default();
            Response::new(200, "application/json; charset=utf-8", body)
        }
        ("POST", _, Some(want)) => return upload(head, start, stream, shared, cat, want),
        (_, "/" | "/api/rules", _) | (_, _, Some(_)) => {
            Response::error(405, &cat.template("serve.method"))
        }
        _ => Response::error(404, &cat.template("serve.not_found")),
    };
    Answer::Whole(response)
}

/// What a request gets: an answer written whole by the connection, or one the request
/// has already streamed.
enum Answer {
    Whole(Response),
    Streamed,
}

impl From<Response> for Answer {
    fn from(r: Response) -> Self {
        Answer::Whole(r)
    }
}

/// What a check's thread tells the connection.
enum Message {
    Progress { done: usize, total: usize },
    Done(Response),
}

impl Response {
    /// The page runs its own inline script and style and talks to this server only.
    fn with_csp(mut self) -> Self {
        self.headers.push((
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src data:; form-action 'none'; frame-ancestors 'none'"
                .into(),
        ));
        self
    }
}

/// The page with the texts of its language (`serve.page.*`) as a JSON object.
fn page(cat: &Catalog) -> String {
    let mut texts = serde_json::Map::new();
    if let Some(ids) = cat.ids_with_prefix("serve.page.") {
        for id in ids {
            let key = id.trim_start_matches("serve.page.").to_string();
            texts.insert(key, serde_json::Value::String(cat.template(&id)));
        }
    }
    texts.insert("lang".into(), cat.lang.code().into());
    // Inside a <script>: no "</" may close it early.
    let json = serde_json::Value::Object(texts)
        .to_string()
        .replace("</", "<\\/");
    PAGE.replace("/*STRINGS*/", &json).replace(
        "<html lang=\"id\">",
        &format!("<html lang=\"{}\">", cat.lang.code()),
    )
}

fn upload(
    head: &Head,
    start: Vec<u8>,
    stream: &mut TcpStream,
    shared: &Arc<Shared>,
    cat: &Catalog,
    want: Want,
) -> Answer {
    let s = &shared.settings;
    let max_mb = s.rules.checks.max_file_mb;
    let max_bytes = max_mb.saturating_mul(1024 * 1024);
    let Some(len) = head
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return Response::error(411, &cat.template("serve.length_required")).into();
    };
    if len > max_bytes {
        return Response::error(
            413,
            &say(cat, "serve.too_large", &[("max", max_mb.to_string())]),
        )
        .into();
    }
    let Ok(boundary) = multipart::boundary(head.header("content-type").unwrap_or_default()) else {
        return Response::error(400, &cat.template("serve.not_multipart")).into();
    };
    // The request's folder first: the body's files are written into it as they arrive,
    // and it goes (whatever was staged with it) on every way out.
    let work = match Work::create(cat) {
        Ok(w) => w,
        Err(r) => return r.into(),
    };
    let deadline = Instant::now() + Duration::from_secs(s.max_request_seconds);
    let mut body = http::Body::new(stream, start, len, deadline);
    let spec = multipart::Spec {
        files: "files",
        fields: &["lang", "select", "ignore"],
        max_parts: s.max_files + 16,
        max_field: multipart::MAX_FIELD,
    };
    let form = match multipart::read_form(&mut body, &boundary, &work.staging(), spec) {
        Ok(f) => f,
        Err(multipart::FormError::TooManyParts) => {
            return Response::error(
                413,
                &say(
                    cat,
                    "serve.too_many_files",
                    &[("max", s.max_files.to_string())],
                ),
            )
            .into();
        }
        Err(multipart::FormError::Read(_)) => {
            return Response::error(408, &cat.template("serve.too_slow")).into();
        }
        Err(multipart::FormError::Io(detail)) => {
            return Response::error(500, &say(cat, "serve.io", &[("detail", detail)])).into();
        }
        Err(_) => return Response::error(400, &cat.template("serve.not_multipart")).into(),
    };
    let field = |name: &str| {
        form.field(name)
            .map(|v| String::from_utf8_lossy(v).trim().to_string())
    };
    let lang = lang_of(
        field("lang").as_deref().or(head.query_value("lang")),
        s.lang,
    );
    let cat = Catalog::new(&s.rules, lang);
    let list = |v: Option<String>| -> Vec<String> {
        v.unwrap_or_default()
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    let selection = run::Selection {
        select: list(field("select")),
        extend: Vec::new(),
        ignore: list(field("ignore")),
    };
    if form.files.is_empty() {
        return Response::error(400, &cat.template("serve.no_files")).into();
    }
    let work = match work.prepare(&form.files, s, &cat) {
        Ok(w) => w,
        Err(r) => return r.into(),
    };
    let streaming = want == Want::Json && head.query_value("progress") == Some("1");
    check(work, lang, selection, want, streaming, stream, shared)
}

/// The check of a request's files, in a thread of its own once one of the `--jobs`
/// permits is free: the time limit (waiting included) answers the client; a check given
/// up before it starts is not run, one already running stops when its files' reading
/// limits stop it. Either way its folder is removed, and the permit held until the work
/// really ends. `streaming`: progress records, then the report (see the module's doc).
fn check(
    work: Work,
    lang: Lang,
    selection: run::Selection,
    want: Want,
    streaming: bool,
    stream: &mut TcpStream,
    shared: &Arc<Shared>,
) -> Answer {
    let s = &shared.settings;
    let cat = Catalog::new(&s.rules, lang);
    let (tx, rx) = std::sync::mpsc::channel();
    let abandoned = Arc::new(AtomicBool::new(false));
    let (shared2, abandoned2) = (Arc::clone(shared), Arc::clone(&abandoned));
    let told = tx.clone();
    let on_progress = streaming.then(|| {
        crate::batch::OnProgress(Arc::new(move |done, total| {
            let _ = told.send(Message::Progress { done, total });
        }))
    });
    let spawned = std::thread::Builder::new()
        .name("sakip-lint-check".into())
        .stack_size(8 << 20)
        .spawn(move || {
            let _permit = shared2.permits.acquire();
            if abandoned2.load(Ordering::SeqCst) {
                return;
            }
            let s = &shared2.settings;
            let cat = Catalog::new(&s.rules, lang);
            let pool = Arc::clone(&shared2.pool);
            let answer = catch_unwind(AssertUnwindSafe(|| {
                work.run(s, &cat, selection, want, on_progress, pool)
            }))
            .unwrap_or_else(|_| Response::error(500, &cat.template("serve.panic")));
            // The folder goes before the answer: when the client has it, nothing is left.
            drop(work);
            let _ = tx.send(Message::Done(answer));
        });
    if spawned.is_err() {
        return Response::error(503, &cat.template("serve.busy")).into();
    }
    let deadline = Instant::now() + Duration::from_secs(s.max_request_seconds);
    let mut progress: Option<http::Sequence> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let last = match rx.recv_timeout(left) {
            Ok(Message::Progress { done, total }) => {
                if streaming {
                    let record =
                        serde_json::json!({ "progress": { "done": done, "total": total } });
                    let seq = progress.get_or_insert_with(|| http::Sequence::start(stream));
                    seq.record(stream, record.to_string().as_bytes());
                }
                continue;
            }
            Ok(Message::Done(answer)) => answer,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                abandoned.store(true, Ordering::SeqCst);
                Response::error(
                    504,
                    &say(
                        &cat,
                        "serve.request_time",
                        &[("max", s.max_request_seconds.to_string())],
                    ),
                )
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                Response::error(500, &cat.template("serve.panic"))
            }
        };
        // Once records have gone, the answer is the last record (the report, or the
        // `{"error": …}` body of a failure).
        return match progress {
            Some(mut seq) => {
                seq.record(stream, &last.body);
                Answer::Streamed
            }
            None => Answer::Whole(last),
        };
    }
}

/// A request's files on disk: `parts/` the body's files as they arrive, `in/` what was
/// uploaded (moved or extracted from `parts/`), `out/` what the run writes.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    /// A file system failure, as the client is told it.
    fn io_error(cat: &Catalog, e: std::io::Error) -> Response {
        Response::error(500, &say(cat, "serve.io", &[("detail", e.to_string())]))
    }

    /// The request's private folder, empty.
    fn create(cat: &Catalog) -> Result<Work, Response> {
        let dir = tempfile::Builder::new()
            .prefix("sakip-lint-serve-")
            .tempdir()
            .map_err(|e| Work::io_error(cat, e))?;
        for sub in ["parts", "in", "out"] {
            std::fs::create_dir(dir.path().join(sub)).map_err(|e| Work::io_error(cat, e))?;
        }
        Ok(Work { dir })
    }

    /// Where the form reader stages the body's files.
    fn staging(&self) -> PathBuf {
        self.dir.path().join("parts")
    }

    /// The staged files saved into `in/` (zips extracted), `parts/` then removed.
    fn prepare(
        self,
        files: &[(String, PathBuf)],
        s: &Settings,
        cat: &Catalog,
    ) -> Result<Work, Response> {
        let limits = upload::Limits {
            max_files: s.max_files,
            max_inflated_bytes: s.rules.checks.max_inflated_mb.saturating_mul(1024 * 1024),
        };
        upload::save(&self.input(), files, limits).map_err(|e| {
            use upload::UploadError as U;
            match e {
                U::TooManyFiles { max } => Response::error(
                    413,
                    &say(cat, "serve.too_many_files", &[("max", max.to_string())]),
                ),
                U::ZipUnsafe { zip, entry } => Response::error(
                    400,
                    &say(cat, "serve.zip_unsafe", &[("zip", zip), ("entry", entry)]),
                ),
                U::ZipTooLarge { zip, max_mb } => Response::error(
                    413,
                    &say(
                        cat,
                        "serve.zip_too_large",
                        &[("zip", zip), ("max", max_mb.to_string())],
                    ),
                ),
                U::ZipInvalid { zip, detail } => Response::error(
                    400,
                    &say(
                        cat,
                        "serve.zip_invalid",
                        &[("zip", zip), ("detail", detail)],
                    ),
                ),
                U::Io { detail } => {
                    Response::error(500, &say(cat, "serve.io", &[("detail", detail)]))
                }
            }
        })?;
        std::fs::remove_dir_all(self.staging()).map_err(|e| Work::io_error(cat, e))?;
        Ok(self)
    }

    fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    fn run(
        &self,
        s: &Settings,
        cat: &Catalog,
        selection: run::Selection,
        want: Want,
        on_progress: Option<crate::batch::OnProgress>,
        pool: Arc<rayon::ThreadPool>,
    ) -> Response {
        let opts = match run::options(s.rules.clone(), &s.config, selection) {
            Ok(o) => o,
            Err(code) => {
                return Response::error(400, &say(cat, "cli.unknown_rule", &[("code", code)]));
            }
        };
        let out = self.dir.path().join("out");
        let (annotate, summary) = match want {
            Want::Json => (None, None),
            Want::Annotated => (Some(out.join("annotated")), None),
            Want::Summary => (None, Some(out.join("ringkasan.xlsx"))),
        };
        let outputs = run::Outputs {
            annotate,
            summary,
            progress: false,
            on_progress,
            pool: Some(pool),
        };
        let input = self.input();
        // The report goes to a file (a regency's is tens of MB), read back once with the
        // private folder taken out; a download's report goes nowhere.
        let report = out.join("report.json");
        let run_to = |w: &mut dyn std::io::Write| {
            run::json(
                std::slice::from_ref(&input),
                &opts,
                cat,
                Group::Auto,
                s.jobs,
                outputs.clone(),
                w,
            )
        };
        let ran = match want {
            Want::Json => std::fs::File::create(&report)
                .map_err(BatchError::from)
                .and_then(|f| {
                    let mut w = std::io::BufWriter::new(f);
                    let ran = run_to(&mut w)?;
                    w.flush()?;
                    Ok(ran)
                }),
            Want::Annotated | Want::Summary => run_to(&mut std::io::sink()),
        };
        if let Err(e) = ran {
            let text = match e {
                BatchError::NoWorkbooks => cat.template("cli.no_workbooks"),
                other => say(cat, "serve.io", &[("detail", other.to_string())]),
            };
            return Response::error(400, &text);
        }
        match want {
            Want::Json => match std::fs::File::open(&report).and_then(|f| {
                let size = f.metadata().map_or(0, |m| m.len() as usize);
                relative_report(std::io::BufReader::new(f), &input, size)
            }) {
                Ok(body) => Response::new(200, "application/json; charset=utf-8", body),
                Err(e) => Response::error(500, &say(cat, "serve.io", &[("detail", e.to_string())])),
            },
            Want::Summary => match std::fs::read(out.join("ringkasan.xlsx")) {
                Ok(bytes) => download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "ringkasan.xlsx",
                ),
                Err(e) => Response::error(500, &say(cat, "serve.io", &[("detail", e.to_string())])),
            },
            Want::Annotated => match zip_folder(&out.join("annotated")) {
                Ok(bytes) => download(bytes, "application/zip", "beranotasi.zip"),
                Err(e) => Response::error(500, &say(cat, "serve.io", &[("detail", e)])),
            },
        }
    }
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut r = Response::new(200, content_type, bytes);
    r.headers.push((
        "Content-Disposition",
        format!("attachment; filename=\"{name}\""),
    ));
    r
}

/// The report with the request's private folder taken out of every path: the files are
/// named as they were uploaded (a zip's entries under the zip's name), the folder itself
/// is `.` (as `check .` names it, e.g. a submission of loose files). Replaced in the text,
/// as JSON escapes it, so that the document stays byte for byte what `check` writes; line
/// by line (a JSON string holds no line break), so that only the answer is held whole.
fn relative_report(
    mut report: impl std::io::BufRead,
    input: &Path,
    size: usize,
) -> std::io::Result<Vec<u8>> {
    let escaped = |p: String| {
        let e = serde_json::to_string(&p).unwrap_or_default();
        e.trim_matches('"').to_string()
    };
    let folder = escaped(input.display().to_string());
    let prefix = escaped(format!("{}{}", input.display(), std::path::MAIN_SEPARATOR));
    let quoted_folder = format!("\"{folder}");
    // The answer is never longer than the report.
    let mut out = Vec::with_capacity(size);
    let mut line = Vec::new();
    while report.read_until(b'\n', &mut line)? > 0 {
        if memchr::memmem::find(&line, folder.as_bytes()).is_some() {
            // Once every path inside it is cut, what still names the folder names it
            // alone (a string starting with it: the folder, or "folder › unit").
            let text = String::from_utf8_lossy(&line)
                .replace(&prefix, "")
                .replace(&quoted_folder, "\".");
            out.extend_from_slice(text.as_bytes());
        } else {
            out.extend_from_slice(&line);
        }
        line.clear();
    }
    Ok(out)
}

/// Every file under `dir`, zipped with paths relative to it.
fn zip_folder(dir: &Path) -> Result<Vec<u8>, String> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p
                .strip_prefix(dir)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            w.start_file(name, options).map_err(|e| e.to_string())?;
            let bytes = std::fs::read(&p).map_err(|e| e.to_string())?;
            w.write_all(&bytes).map_err(|e| e.to_string())?;
        }
    }
    w.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comparison_needs_every_byte() {
        assert!(same("abcd", "abcd"));
        assert!(!same("abcd", "abce"));
        assert!(!same("abc", "abcd"));
        assert_eq!(token().unwrap().len(), 32);
        assert_ne!(token().unwrap(), token().unwrap());
    }

    #[test]
    fn every_text_the_page_uses_is_in_both_languages() {
        let rules = Rules::embedded().unwrap();
        let re = regex::Regex::new(r"\bT\.([a-z_]+)").unwrap();
        let mut used: Vec<&str> = re
            .captures_iter(PAGE)
            .map(|c| c.get(1).unwrap().as_str())
            .filter(|k| *k != "lang")
            .collect();
        // Looked up by severity: T[f.severity].
        used.extend(["error", "warning", "info"]);
        assert!(used.len() > 20);
        for lang in ["id", "en"] {
            for k in &used {
                let id = format!("serve.page.{k}");
                assert!(rules.messages[lang].contains_key(&id), "{lang} lacks {id}");
            }
        }
        let html = page(&Catalog::new(&rules, Lang::En));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("\"drop\":\"Drop files here, or click to choose\""));
    }

    #[test]
    fn the_private_folder_leaves_the_report() {
        let input = Path::new("/tmp/x/in");
        let doc = r#"{"files":[{"path":"/tmp/x/in/a/b.xlsx","submission":"/tmp/x/in/a"},
            {"path":"/tmp/x/in/c.xlsx","submission":"/tmp/x/in"},
            {"path":"/tmp/x/in/d.xlsx","submission":"/tmp/x/in › KECAMATAN D"}],"findings":[]}"#;
        let v: serde_json::Value =
            serde_json::from_slice(&relative_report(doc.as_bytes(), input, 0).unwrap()).unwrap();
        assert_eq!(v["files"][0]["path"], "a/b.xlsx");
        assert_eq!(v["files"][0]["submission"], "a");
        assert_eq!(v["files"][1]["path"], "c.xlsx");
        assert_eq!(v["files"][1]["submission"], ".");
        assert_eq!(v["files"][2]["submission"], ". › KECAMATAN D");
        let text = relative_report(doc.as_bytes(), input, 0).unwrap();
        assert!(memchr::memmem::find(&text, b"/tmp/x").is_none());
    }
}
