//! `--help` in the run's language: the help texts of the commands and their arguments
//! from the catalogue, and `--lang` read before clap reads the arguments.

use sakip_lint::catalog::{Catalog, Lang};

/// `--lang X` or `--lang=X` among the arguments, before clap reads them (for `--help`).
pub(crate) fn lang_in_args() -> Option<Lang> {
    let args: Vec<String> = std::env::args().collect();
    let value = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    })?;
    match value.as_str() {
        "id" => Some(Lang::Id),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The help texts of a command, its arguments and its subcommands from the catalogue:
/// `cli.help.about`, `cli.help.cmd.NAME`, `cli.help.arg.ID`, and the headings.
pub(crate) fn localize(cmd: clap::Command, cat: &Catalog) -> clap::Command {
    use clap::{Arg, ArgAction};
    let name = cmd.get_name().to_string();
    // clap's own -h/--help and -V/--version, made again so that their texts and headings
    // can be translated too.
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help),
        );
    if name == "sakip-lint" {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version),
        );
    }
    if let Some(usage) = cat.get("cli.help.heading.usage") {
        cmd = cmd.help_template(
            &*format!("{{about-with-newline}}\n{usage}: {{usage}}\n\n{{all-args}}{{after-help}}")
                .leak(),
        );
    }
    let about = if name == "sakip-lint" {
        cat.get("cli.help.about")
    } else {
        cat.get(&format!("cli.help.cmd.{name}"))
    };
    if let Some(a) = about {
        cmd = cmd.about(a);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = cat.get(&format!("cli.help.arg.{id}"));
        let (args_heading, options_heading) = (
            cat.get("cli.help.heading.args"),
            cat.get("cli.help.heading.options"),
        );
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let heading = if a.is_positional() {
                args_heading
            } else {
                options_heading
            };
            let a = match help {
                Some(h) => a.help(h),
                None => a,
            };
            match heading {
                Some(h) => a.help_heading(&*h.leak()),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        cmd = cmd.mut_subcommand(s.as_str(), |c| localize(c, cat));
    }
    if let Some(h) = cat.get("cli.help.heading.commands") {
        // clap keeps headings as `&'static str`; once per run.
        cmd = cmd.subcommand_help_heading(&*h.leak());
    }
    cmd
}
