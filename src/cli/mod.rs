//! The command line: clap subcommands over the same domain and store code
//! everything else uses.

pub mod agenda;
pub mod assess;
mod case_manager;
mod daemon;
mod gaps;
mod input;
pub mod log;
mod show;
mod store_commands;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::domain::grading::RuleSet;
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::server::remote::Endpoint;

/// mlps: the MLPS 2.0 (网络安全等级保护) case manager.
#[derive(Debug, Parser)]
#[command(name = "mlps", version, about, long_about = None)]
pub struct Cli {
    /// Database directory (default: $MLPS_DB, else the platform's data
    /// directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub db: Option<PathBuf>,

    /// Work on a throwaway database filled with demo data.
    #[arg(long)]
    pub demo: bool,

    /// Open the case manager without any editing.
    #[arg(long)]
    pub readonly: bool,

    /// Work on the database of another machine, over `ssh USER@HOST mlps
    /// serve --stdio` (--db then names the directory there).
    #[arg(long, global = true, value_name = "USER@HOST")]
    pub remote: Option<String>,

    /// Interface language: zh, en or both (default: `lang` in
    /// config.toml, else LC_ALL / LANG; the case manager then shows both,
    /// printed tables English).
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::domain::labels::Lang>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade one answers file (TOML, or JSON when named *.json), with no
    /// database.
    Assess {
        file: PathBuf,
        /// Rule set for the level matrix (default: `rules` in config.toml,
        /// else conservative).
        #[arg(long, value_enum)]
        rules: Option<RulesArg>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import an interchange JSON document or a spreadsheet tracker (CSV,
    /// one row per network), from a file or - for stdin: all of it, or
    /// nothing.
    Import {
        file: String,
        /// The file's format (default: csv for a name ending in .csv, else
        /// json).
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// Check only: list every problem (row, column and reason for a
        /// CSV) and import nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write the whole database to stdout.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Renewals (self-assessments and evaluations) due soon; overdue ones
    /// always included.
    Renewals(AgendaArgs),
    /// Every open derived date: filing deadlines, expected certificates,
    /// case-done dates, renewals and certificate expiry.
    Due(AgendaArgs),
    /// The networks that need attention, most urgent first, each with its
    /// next action: overdue and due dates, re-grading, stalled cases,
    /// provisional levels, facts the filing lacks.
    Triage(TriageArgs),
    /// One client or network in summary: details, contacts, networks with
    /// their level, next date and status, open questions, next actions.
    Show {
        /// An id (CLIENT_ID or CLIENT_ID/NETWORK_ID), a name, or a few
        /// letters of one (English, Chinese, pinyin or initials).
        query: String,
        /// Date to count from (default: $MLPS_TODAY, else today), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Rectification: a network's gap list (or every network's of a
    /// client) by category and control point, with the predicted
    /// evaluation result and the progress; `gaps import` reads an audit
    /// firm's gap list CSV, `gaps export` writes the action plan.
    Gaps(GapsArgs),
    /// Add deterministic, realistic demo data to the database.
    Demo {
        /// Number of clients (1 to 100 000).
        #[arg(long, default_value_t = 30, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=crate::demo::MAX_CLIENTS as u64))]
        clients: usize,
        /// Seed: the same seed and date give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check or print the keymap (the defaults merged with keymap.toml in
    /// the config directory).
    Keymap {
        #[command(subcommand)]
        action: KeymapCommand,
    },
    /// Serve the database to other mlps processes over DIR/mlps.sock
    /// (normally started on demand).
    Serve {
        /// Exit after this many seconds with no client connected.
        #[arg(
            long,
            value_name = "SECONDS",
            value_parser = clap::value_parser!(u64).range(1..)
        )]
        idle: Option<u64>,
        /// Share the database with the members of this Unix group: the
        /// directory becomes the group's (mode 2770) and its members may
        /// connect. Only the directory's owner or root may share it.
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Speak the protocol on stdin/stdout instead, relaying to this
        /// database's daemon (started when none runs): what `mlps --remote`
        /// runs over ssh.
        #[arg(long, conflicts_with = "group")]
        stdio: bool,
        /// With --stdio: refuse to create the database when it is missing.
        #[arg(long, requires = "stdio")]
        existing: bool,
    },
    /// Who changed what, and when: the audit log, oldest first.
    Log {
        /// Only changes on or after this day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only changes to clients whose name (English or Chinese, now or
        /// then) contains NAME, and to their networks.
        #[arg(long, value_name = "NAME")]
        client: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Check that every record reads and every index agrees with the
    /// records; changes nothing. Exit 1 when something is wrong.
    Doctor {
        /// Rebuild the indexes found wrong, then check again.
        #[arg(long)]
        repair: bool,
    },
    /// One network's grading report: details, answers, the level with its
    /// reasoning, the timeline, and the filing form's fields.
    Report {
        /// The network: its id (or CLIENT_ID/NETWORK_ID), its name,
        /// CLIENT/NETWORK, or a few letters of a name (English, Chinese,
        /// pinyin or initials) matched like the fuzzy jump; a client with
        /// one network stands for it.
        #[arg(value_name = "QUERY")]
        query: String,
        #[arg(long, default_value = "md", value_parser = ["md", "html"])]
        format: String,
        /// Write it to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Date of the report and of the statuses (default: $MLPS_TODAY,
        /// else today), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Write a consistent copy of the whole database (records, audit log,
    /// indexes) into DIR, a new or empty folder, while it is in use.
    Backup { dir: PathBuf },
    /// Replace the database with a backup made by mlps backup (or a copy
    /// the database kept in DIR/backups). The database as it was is copied
    /// under its backups folder first.
    Restore {
        dir: PathBuf,
        /// Replace a database that holds clients.
        #[arg(long)]
        replace: bool,
    },
    /// Show the database daemon's pid, uptime and clients.
    Status,
    /// Stop the database daemon (the next mlps starts it again).
    Stop,
}

#[derive(Debug, Subcommand)]
pub enum KeymapCommand {
    /// Check the keymap; exit 2 with the place of the first problem.
    Check,
    /// Print the keymap in effect, in the format of keymap.toml.
    Print,
}

#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// Only this client's or network's: an id (CLIENT_ID or
    /// CLIENT_ID/NETWORK_ID), a name, or a few letters of one (English,
    /// Chinese, pinyin or initials) matched like the fuzzy jump. A query
    /// that fits several equally is refused, listing them (exit 2).
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Days ahead to include.
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub within: u32,
    /// Date to count from (default: $MLPS_TODAY, else today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// Only this client's or network's, matched as `renewals` matches it.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Date to count from (default: $MLPS_TODAY, else today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print a JSON array.
    #[arg(long, conflicts_with = "brief")]
    pub json: bool,
    /// One line of counts for a login message or a cron mail; nothing
    /// when nothing is overdue, due, to re-grade or stalled.
    #[arg(long)]
    pub brief: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GapsArgs {
    #[command(subcommand)]
    pub action: Option<GapsCommand>,
    /// The network, or a client (every network of it): an id
    /// (CLIENT_ID or CLIENT_ID/NETWORK_ID), a name, or a few letters of
    /// one, matched like the fuzzy jump.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Print a JSON array, one object per network, with ids.
    #[arg(long)]
    pub json: bool,
    /// Only gaps neither fixed nor verified.
    #[arg(long)]
    pub open: bool,
    /// Only high-risk findings.
    #[arg(long)]
    pub high: bool,
    /// Date to count from (default: $MLPS_TODAY, else today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum GapsCommand {
    /// Read an audit firm's gap list (CSV, UTF-8 or GBK) into a network:
    /// every row good, or nothing imported and every bad cell named.
    Import {
        file: PathBuf,
        /// The network the gap list is for (as QUERY above; a client with
        /// one network stands for it).
        #[arg(long, value_name = "QUERY")]
        network: String,
        /// Check only: say what would be imported, write nothing.
        #[arg(long)]
        check: bool,
        /// Replace the network's findings instead of adding to them.
        #[arg(long)]
        replace: bool,
        /// The day the findings' history starts (default: $MLPS_TODAY,
        /// else today), YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },
    /// Write a network's findings as a gap list CSV (the client's action
    /// plan), in the language of --lang (default English).
    Export {
        /// The network (as QUERY above).
        #[arg(value_name = "QUERY")]
        query: String,
        /// Write it to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesArg {
    Conservative,
    Gbt22240,
}

impl From<RulesArg> for RuleSet {
    fn from(r: RulesArg) -> RuleSet {
        match r {
            RulesArg::Conservative => RuleSet::Conservative,
            RulesArg::Gbt22240 => RuleSet::Gbt22240,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// The interchange JSON document.
    Json,
    /// The spreadsheet tracker: one row per network.
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// The interchange JSON document.
    Json,
    /// The spreadsheet tracker, in the columns import reads.
    Csv,
    /// Every open deadline and renewal as an iCalendar feed.
    Ics,
}

fn parse_lang(s: &str) -> std::result::Result<crate::domain::labels::Lang, String> {
    crate::domain::labels::Lang::parse(s)
        .ok_or_else(|| format!("unknown language {s:?}, expected one of: zh, en, both"))
}

/// The interface language `--lang`, `config.toml` and the locale ask
/// for; `default` when none does.
pub(crate) fn interface_lang(
    flag: Option<crate::domain::labels::Lang>,
    config: &Config,
    default: crate::domain::labels::Lang,
) -> crate::domain::labels::Lang {
    let env = |name| std::env::var(name).ok();
    crate::domain::labels::Lang::resolve(
        flag,
        config.settings.lang,
        env("LC_ALL").as_deref(),
        env("LANG").as_deref(),
        default,
    )
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
        }
    };
    // A panic is reported by the hook; the exit code stays in 0/1/2.
    let outcome = std::panic::catch_unwind(move || run(cli))
        .unwrap_or_else(|_| Err(Error::Runtime(String::new())));
    match outcome {
        Ok(()) => 0,
        Err(Error::OutputClosed) => 0,
        Err(Error::Runtime(m)) if m.is_empty() => 1,
        Err(e) => {
            eprintln!(
                "mlps: {}",
                crate::text::escape_for_terminal(e.message()).replace("\\u{a}", "\n")
            );
            e.exit_code()
        }
    }
}

/// No panic trace reaches a user: one sentence, and exit code 1.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "mlps: internal error{place}: {what}. Nothing more was written; please report this."
        );
    }));
}

fn run(cli: Cli) -> Result<()> {
    let (remote, db) = (cli.remote.clone(), cli.db.clone());
    match cli.command {
        Some(Command::Assess { file, rules, json }) => {
            let config = Config::load_default()?;
            let rules = match rules {
                Some(r) => r.into(),
                None => config.settings.rules,
            };
            let lang = interface_lang(cli.lang, &config, crate::domain::labels::Lang::En);
            assess::run(&file, rules, json, lang)
        }
        Some(Command::Keymap { action }) => {
            let keymap = crate::tui::keymap::Keymap::load(config::config_dir().as_deref())?;
            let text = match action {
                KeymapCommand::Check => {
                    // A config.toml that does not read is config's
                    // problem, not the keymap's: the language then
                    // comes from --lang and the locale.
                    let config = Config::load_default().unwrap_or_default();
                    let lang = interface_lang(cli.lang, &config, crate::domain::labels::Lang::En);
                    let file = keymap.user_file().map(|p| p.display().to_string());
                    format!(
                        "{}\n",
                        crate::domain::labels::cli::keymap_ok(lang, file.as_deref())
                    )
                }
                KeymapCommand::Print => keymap.to_toml(),
            };
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(io_error)
        }
        Some(command @ (Command::Serve { .. } | Command::Status | Command::Stop)) => {
            if cli.demo {
                return Err(Error::input(
                    "--demo opens the case manager; give it without a subcommand",
                ));
            }
            if cli.remote.is_some() {
                return Err(Error::input(
                    "--remote works with the case manager and the database commands; \
                     run serve, status and stop on that machine (ssh HOST mlps status)",
                ));
            }
            let dir = config::db_dir(cli.db.as_deref())?;
            if let Command::Serve {
                stdio: true,
                existing,
                ..
            } = command
            {
                return crate::server::remote::relay(&dir, existing);
            }
            daemon::run(command, &dir)
        }
        Some(command) => {
            if cli.demo {
                return Err(Error::input(
                    "--demo opens the case manager; give it without a subcommand",
                ));
            }
            let config = Config::load_default()?;
            let place = endpoint(remote.as_deref(), db.as_deref())?;
            let lang = interface_lang(cli.lang, &config, crate::domain::labels::Lang::En);
            store_commands::run(command, &place, config, lang)
        }
        None => case_manager::run(&cli),
    }
}

/// Where the database is: `--remote`, else `--db` / `MLPS_DB` / the
/// default directory.
fn endpoint(remote: Option<&str>, db: Option<&Path>) -> Result<Endpoint> {
    match remote {
        Some(target) => Ok(Endpoint::Remote(crate::server::remote::Remote::new(
            target, db,
        )?)),
        None => Ok(Endpoint::Local(config::db_dir(db)?)),
    }
}

/// A failed write of the output; `OutputClosed` when the reader went
/// away.
pub(crate) fn io_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (e.g. `| head`): nothing to report, but
        // the stack still unwinds so temporary files are removed.
        return Error::OutputClosed;
    }
    Error::runtime(format!("writing output: {e}"))
}

/// Prints what the daemon has to say once (to stderr, beside the
/// command's own output), and returns it for a case manager to show too.
fn say_notices(store: &crate::server::client::RemoteStore) -> Vec<String> {
    let notices = store.take_notices();
    for n in &notices {
        let _ = writeln!(std::io::stderr(), "mlps: {}", crate::text::clean_line(n));
    }
    notices
}
