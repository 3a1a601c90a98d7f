//! `sakip-lint serve`: the run's settings as `check` gets them (configuration, `--rules`,
//! reading limits, language), then the page's server ([`sakip_lint::serve`]), its address
//! as the first line on stdout, and the browser opened on it.

use sakip_lint::catalog::Catalog;
use sakip_lint::config;
use sakip_lint::rules::Rules;
use sakip_lint::run;
use sakip_lint::serve::{Server, Settings};
use std::io::Write;
use std::process::{Command, ExitCode, Stdio};

use super::settings::{self, lang, load_config, locale, run_rules};
use crate::ServeArgs;

pub(crate) fn serve(args: ServeArgs, base: &Rules) -> ExitCode {
    let cfg = match load_config(&args.config, &[], base, lang(args.lang)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let run_lang = config::resolve_lang(lang(args.lang), cfg.lang, locale());
    let cat = Catalog::new(base, run_lang);
    let say = |id: &str, pairs: &[(&str, String)]| settings::say(&cat, id, pairs);
    let mut rules = match run_rules(args.rules.as_ref(), &cfg, &args.limits, base, &cat) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The configuration's baseline applies to the page as to `check`.
    if let Some(p) = &cfg.baseline {
        match settings::load_baseline(p, &cat) {
            Ok(b) => rules.checks.baseline = Some(b),
            Err(code) => return code,
        }
    }
    // A rule the configuration names that does not exist: say so now, not on every upload.
    if let Err(code) = run::options(rules.clone(), &cfg, run::Selection::default()) {
        return say("cli.unknown_rule", &[("code", code)]);
    }
    let jobs = match args.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let port = args.port.unwrap_or(0);
    let settings = Settings {
        rules,
        config: cfg,
        lang: run_lang,
        port,
        jobs,
        max_files: args.max_files.max(1),
        max_request_seconds: args.max_request_seconds.max(1),
    };
    let server = match Server::bind(settings) {
        Ok(s) => s,
        Err(e) => {
            return say(
                "serve.bind_failed",
                &[("port", port.to_string()), ("detail", e.to_string())],
            );
        }
    };
    let url = server.url();
    // The first line on stdout is the address (a fixed interface: scripts read it).
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{url}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    eprintln!("sakip-lint: {}", cat.template("serve.listening"));
    if !args.no_open {
        open_browser(&url);
    }
    server.run();
    ExitCode::SUCCESS
}

/// The default browser on `url`; failing to open one is no error (the address is printed).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = Command::new("cmd");
        // The empty string is `start`'s window title; the URL has no `&` for cmd to split.
        c.args(["/C", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = Command::new("xdg-open");
        c.arg(url);
        c
    };
    let _ = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
