//! The command line: clap subcommands over the same domain and store code
//! everything else uses.

pub mod agenda;
pub mod assess;
pub mod log;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::domain::grading::RuleSet;
use crate::domain::settings::Config;
use crate::error::{Error, Missing, Result};
use crate::formats::interchange;
use crate::server::remote::Endpoint;
use crate::store::{self, CaseStore, Database};
use crate::text::counted;

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
        /// The network: its id, its name, or CLIENT/NETWORK.
        network: String,
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
            let rules = match rules {
                Some(r) => r.into(),
                None => Config::load_default()?.settings.rules,
            };
            assess::run(&file, rules, json)
        }
        Some(Command::Keymap { action }) => {
            let keymap = crate::tui::keymap::Keymap::load(config::config_dir().as_deref())?;
            let text = match action {
                KeymapCommand::Check => match keymap.user_file() {
                    Some(path) => format!("keymap OK: {}\n", path.display()),
                    None => "keymap OK: defaults\n".to_string(),
                },
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
            daemon_command(command, &dir)
        }
        Some(command) => {
            if cli.demo {
                return Err(Error::input(
                    "--demo opens the case manager; give it without a subcommand",
                ));
            }
            let config = Config::load_default()?;
            run_on_store(
                command,
                &endpoint(remote.as_deref(), db.as_deref())?,
                config,
            )
        }
        None => {
            let config = Config::load_default()?;
            // A bad keymap stops here, before the terminal is taken over.
            let keymap = crate::tui::keymap::Keymap::load(config::config_dir().as_deref())?;
            let today = config::today(None)?;
            let demo_dir = if cli.demo {
                let dir = tempfile::Builder::new()
                    .prefix("mlps-demo-")
                    .tempdir()
                    .map_err(|e| {
                        Error::runtime(format!("could not create a demo database: {e}"))
                    })?;
                Some(dir)
            } else {
                None
            };
            if cli.demo && cli.remote.is_some() {
                return Err(Error::input(
                    "--demo works on a throwaway local database; leave out --remote",
                ));
            }
            let place = match &demo_dir {
                Some(d) => Endpoint::Local(d.path().to_path_buf()),
                None => endpoint(remote.as_deref(), db.as_deref())?,
            };
            let store = place.open_shared()?;
            let notices = say_notices(&store);
            if cli.demo {
                let doc = crate::demo::generate_with(30, 1, today, &config.settings);
                store.import(interchange::to_records("demo", &doc)?)?;
            }
            use std::io::IsTerminal;
            let result = if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                // Not a terminal (a pipe, cron): print the overview instead.
                overview(store.as_ref(), &config)
            } else {
                // Following changes starts before the first read, so none
                // falls between the two.
                let changes = place.subscribe().ok();
                // Reads that may wait (networks as clients are selected, jump
                // hits) go through a thread sharing the connection.
                let reads = crate::tui::reads::Reads::spawn(store.clone());
                crate::tui::session::Session::open(store, config, keymap, today, reads).and_then(
                    |mut session| {
                        session.follow(crate::tui::connection::Link::new(place.clone(), changes));
                        session.app.readonly = cli.readonly;
                        session.app.color =
                            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                        if !notices.is_empty() {
                            session.app.info(notices.join("; "));
                        }
                        let scratch = demo_dir.as_ref().map(|d| d.path().to_path_buf());
                        crate::tui::run(session, scratch)
                    },
                )
            };
            // The throwaway database's daemon goes with it.
            if let Some(d) = &demo_dir {
                let _ = crate::server::client::stop(d.path());
            }
            result
        }
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

fn run_on_store(command: Command, place: &Endpoint, config: Config) -> Result<()> {
    let settings = config.settings.clone();
    let full_config = config.clone();
    // Input is read and checked in full before the database is touched, so
    // bad input writes nothing at all.
    let records = match &command {
        Command::Import {
            file,
            format,
            check,
        } => {
            let records = read_import(file, *format)?;
            // A check of a file for a database that is not there yet has
            // nothing more to look at (and must not create it).
            if *check
                && let Endpoint::Local(dir) = place
                && !store::exists(dir)
            {
                return say_checked(file, &records);
            }
            Some(records)
        }
        Command::Demo { clients, seed } => {
            let doc =
                crate::demo::generate_with(*clients, *seed, config::today(None)?, &config.settings);
            Some(interchange::to_records("demo", &doc)?)
        }
        _ => None,
    };
    // A backup is read and checked whole before anything is replaced.
    let restoring = match &command {
        Command::Restore { dir, .. } => Some(store::backup::read(dir)?),
        _ => None,
    };
    let today = match &command {
        Command::Renewals(args) | Command::Due(args) => Some(config::today(args.today.as_deref())?),
        _ => None,
    };
    let since = match &command {
        Command::Log {
            since: Some(date), ..
        } => Some(log::since(date)?),
        _ => None,
    };
    let reads_only = matches!(
        command,
        Command::Export { .. }
            | Command::Renewals(_)
            | Command::Due(_)
            | Command::Log { .. }
            | Command::Doctor { .. }
            | Command::Backup { .. }
            | Command::Report { .. }
    );
    let mut place = place.clone();
    if let Endpoint::Remote(remote) = &mut place {
        remote.existing = reads_only;
    }
    let place = &place;
    if let Endpoint::Local(dir) = place
        && reads_only
        && !store::exists(dir)
    {
        return Err(Error::not_found(
            Missing::Path(dir.clone()),
            format!(
                "no database at {}: check --db or MLPS_DB, or create one with mlps import or \
                 mlps demo",
                dir.display()
            ),
        ));
    }
    // A command outlives a daemon that dies under it: it starts a new one
    // and goes on where that is safe, and says so.
    let store: Box<dyn Database> = match place {
        Endpoint::Local(dir) => {
            let store = crate::server::open_local(dir)?;
            say_notices(&store);
            Box::new(store.reconnecting(|m| {
                let _ = writeln!(std::io::stderr(), "mlps: {m}");
            }))
        }
        Endpoint::Remote(_) => place.open()?,
    };
    let mut out = std::io::stdout().lock();
    match command {
        Command::Assess { .. }
        | Command::Keymap { .. }
        | Command::Serve { .. }
        | Command::Status
        | Command::Stop => {
            unreachable!("assess, keymap and the daemon commands are run elsewhere")
        }
        Command::Import {
            ref file, check, ..
        } => {
            let records = records.unwrap_or_default();
            let ids = GivenIds::of(&records);
            if check {
                ids.check_free(store.as_ref(), file)?;
                return say_checked(file, &records);
            }
            // The store refuses an id it holds; the file's own words for
            // which ones are looked up only then.
            let s = store.import(records).map_err(|e| match e {
                Error::Taken(_) => ids.check_free(store.as_ref(), file).err().unwrap_or(e),
                e => e,
            })?;
            writeln!(
                out,
                "Imported {} and {} into {}; saved.",
                counted(s.clients, "client", "clients"),
                counted(s.networks, "network", "networks"),
                place
            )
            .map_err(io_error)
        }
        Command::Export {
            format: ExportFormat::Json,
        } => {
            let doc = export_document(store.as_ref())?;
            out.write_all(interchange::to_json(&doc).as_bytes())
                .map_err(io_error)
        }
        Command::Export {
            format: ExportFormat::Csv,
        } => {
            let clients = all_records(store.as_ref())?;
            out.write_all(crate::formats::spreadsheet::write(&clients, settings.rules).as_bytes())
                .map_err(io_error)
        }
        Command::Export {
            format: ExportFormat::Ics,
        } => {
            let today = config::today(None)?;
            let rows = crate::service::agenda::rows(
                store.as_ref(),
                today,
                CALENDAR_DAYS,
                false,
                settings.due_soon_days,
            )?;
            let feed = crate::formats::calendar_feed::write(
                &store.database_id()?,
                &rows,
                chrono::Utc::now(),
            );
            out.write_all(feed.as_bytes()).map_err(io_error)
        }
        Command::Report {
            ref network,
            ref format,
            ref output,
            ref today,
        } => {
            let format: crate::formats::report::ReportFormat =
                format.parse().map_err(Error::input)?;
            let today = config::today(today.as_deref())?;
            let (client, network) = crate::service::report::find(store.as_ref(), network)?;
            let text =
                crate::formats::report::render(&client, &network, &full_config, today, format);
            match output {
                Some(path) => {
                    crate::service::report::write_atomically(path, text.as_bytes())?;
                    writeln!(
                        out,
                        "Wrote the report of {:?} to {}.",
                        network.name,
                        path.display()
                    )
                    .map_err(io_error)
                }
                None => out.write_all(text.as_bytes()).map_err(io_error),
            }
        }
        Command::Backup { ref dir } => write_backup(store.as_ref(), dir, place, &mut out),
        Command::Restore { ref dir, replace } => {
            let (manifest, pairs) = restoring.expect("read above for restore");
            let note = format!(
                "the backup in {} (taken {} of {})",
                dir.display(),
                manifest.created,
                manifest.source
            );
            let s = store.restore(pairs, replace, &note)?;
            write!(
                out,
                "Restored {} and {} ({} records) from {note} into {place}; saved.",
                counted(s.clients as usize, "client", "clients"),
                counted(s.networks as usize, "network", "networks"),
                s.keys
            )
            .map_err(io_error)?;
            if let Some(from) = s.upgraded_from {
                write!(out, " The backup was in format {from}; it was upgraded.")
                    .map_err(io_error)?;
            }
            if let Some(copy) = &s.copy {
                write!(out, " The database as it was is copied in {copy}.").map_err(io_error)?;
            }
            writeln!(out).map_err(io_error)
        }
        Command::Renewals(ref args) | Command::Due(ref args) => {
            let renewals_only = matches!(command, Command::Renewals(_));
            let today = today.expect("read above for agenda commands");
            print_agenda(
                store.as_ref(),
                today,
                args,
                renewals_only,
                &settings,
                &mut out,
            )
        }
        Command::Log {
            ref client, json, ..
        } => {
            let entries =
                crate::service::history::entries(store.as_ref(), since, client.as_deref())?;
            log::print(&entries, json, &mut out)
        }
        Command::Doctor { repair } => {
            let c = store.doctor(repair)?;
            for r in &c.repaired {
                writeln!(out, "repaired: {r}").map_err(io_error)?;
            }
            for p in &c.problems {
                writeln!(out, "problem: {p}").map_err(io_error)?;
            }
            let read = format!(
                "{}, {}, {} and {} index entries in {place}",
                counted(c.clients as usize, "client", "clients"),
                counted(c.networks as usize, "network", "networks"),
                counted(c.log_entries as usize, "log entry", "log entries"),
                c.index_entries
            );
            if c.problems.is_empty() {
                writeln!(out, "Checked {read}: no problems.").map_err(io_error)
            } else {
                out.flush().map_err(io_error)?;
                let hint = if repair {
                    "what is left are damaged records: restore them from a backup"
                } else {
                    "mlps doctor --repair rebuilds the indexes"
                };
                Err(Error::runtime(format!(
                    "checked {read}: {}; {hint}",
                    counted(c.problems.len(), "problem", "problems")
                )))
            }
        }
        Command::Demo { .. } => {
            let s = store.import(records.unwrap_or_default())?;
            writeln!(
                out,
                "Added {} and {} to {}; saved.",
                counted(s.clients, "demo client", "demo clients"),
                counted(s.networks, "network", "networks"),
                place
            )
            .map_err(io_error)
        }
    }
}

/// `serve`, `status` and `stop`.
fn daemon_command(command: Command, dir: &Path) -> Result<()> {
    use crate::server::{client, daemon};
    let mut out = std::io::stdout().lock();
    match command {
        Command::Serve { idle, group, .. } => {
            let config = Config::load_default()?;
            let idle = idle.unwrap_or(config.settings.daemon.idle_seconds).max(1);
            let options = daemon::ServeOptions {
                idle: std::time::Duration::from_secs(idle),
                group: group.clone(),
            };
            if let daemon::Served::AlreadyRunning { pid } = daemon::serve(dir, config, options)? {
                let pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
                // Sharing is set up by the daemon that starts: a running
                // one that does not share with the group must go first.
                let running_group = || client::connect(dir).ok()?.status().ok()?.group;
                match group {
                    Some(g) if running_group().as_ref() != Some(&g) => eprintln!(
                        "mlps: a daemon already serves {}{pid} without sharing it with group {g}; \
                         stop it with `mlps stop --db {}` and run this again.",
                        dir.display(),
                        dir.display()
                    ),
                    _ => eprintln!(
                        "mlps: a daemon already serves {}{pid}; nothing to do.",
                        dir.display()
                    ),
                }
            }
            Ok(())
        }
        Command::Status => {
            let s = client::connect(dir)?.status()?;
            let shared = s
                .group
                .as_ref()
                .map(|g| format!(", shared with group {g}"))
                .unwrap_or_default();
            // A case manager has a second connection for live changes:
            // one session, shown once. This command is not one.
            let me = i32::try_from(std::process::id()).ok();
            let sessions: Vec<_> = s
                .clients
                .iter()
                .filter(|c| !c.feed && (c.pid.is_none() || c.pid != me))
                .collect();
            writeln!(
                out,
                "mlps daemon for {}: pid {}, mlps {} (protocol {}), up {} s, {}{shared}",
                s.database,
                s.pid,
                s.version,
                s.protocol,
                s.uptime_secs,
                counted(sessions.len(), "session", "sessions")
            )
            .map_err(io_error)?;
            for c in sessions {
                let pid = c.pid.map(|p| format!(", pid {p}")).unwrap_or_default();
                let live = s
                    .clients
                    .iter()
                    .any(|f| f.feed && f.pid.is_some() && f.pid == c.pid);
                let user = crate::sys::user_name(c.uid).unwrap_or_else(|| "(no name)".to_string());
                writeln!(
                    out,
                    "  {} (uid {}, gid {}){pid}, connected {} s{}",
                    crate::text::escape_for_terminal(&user),
                    c.uid,
                    c.gid,
                    c.connected_secs,
                    if live { ", following changes" } else { "" }
                )
                .map_err(io_error)?;
            }
            Ok(())
        }
        Command::Stop => {
            let said = match client::stop(dir)? {
                client::StopOutcome::Stopped => "Stopped the mlps daemon for",
                client::StopOutcome::NotRunning => "No mlps daemon was running for",
            };
            writeln!(out, "{said} {}.", dir.display()).map_err(io_error)
        }
        _ => unreachable!("only daemon commands come here"),
    }
}

/// The whole database as an interchange document.
pub fn export_document(store: &dyn CaseStore) -> Result<interchange::Document> {
    Ok(interchange::from_records(all_records(store)?))
}

/// Every client with its networks, in id order.
fn all_records(
    store: &dyn CaseStore,
) -> Result<
    Vec<(
        crate::domain::model::Client,
        Vec<crate::domain::model::Network>,
    )>,
> {
    let mut by_client: std::collections::BTreeMap<_, Vec<_>> = std::collections::BTreeMap::new();
    for n in store.networks()? {
        by_client.entry(n.client).or_default().push(n);
    }
    Ok(store
        .clients()?
        .into_iter()
        .map(|c| {
            let networks = by_client.remove(&c.id).unwrap_or_default();
            (c, networks)
        })
        .collect())
}

fn print_agenda(
    store: &dyn CaseStore,
    today: chrono::NaiveDate,
    args: &AgendaArgs,
    renewals_only: bool,
    settings: &crate::domain::settings::Settings,
    out: &mut impl Write,
) -> Result<()> {
    let due_soon = settings.due_soon_days;
    let rows = crate::service::agenda::rows(store, today, args.within, renewals_only, due_soon)?;
    if args.json {
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::runtime(e.to_string()))?;
        let mut text = crate::text::inert_json(&text);
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    let what = if renewals_only {
        "Renewals"
    } else {
        "Open deadlines"
    };
    let until = crate::domain::calendar::add_days(today, args.within);
    writeln!(
        out,
        "{what} due by {until} (today {today}; overdue ones always shown)"
    )
    .map_err(io_error)?;
    if rows.is_empty() {
        writeln!(out, "Nothing is due.").map_err(io_error)?;
    } else {
        out.write_all(agenda::table(&rows).as_bytes())
            .map_err(io_error)?;
        let count = |s| rows.iter().filter(|r| r.status == s).count();
        use crate::domain::timeline::DueStatus;
        writeln!(
            out,
            "{} overdue, {} due within {due_soon} days, {} later.",
            count(DueStatus::Overdue),
            count(DueStatus::Due),
            count(DueStatus::Upcoming)
        )
        .map_err(io_error)?;
    }
    if !renewals_only {
        print_regrading(store, settings.rules, out)?;
    }
    Ok(())
}

/// Lists the filed networks whose computed level differs from the filed
/// one: they must be re-graded and re-filed.
fn print_regrading(store: &dyn CaseStore, rules: RuleSet, out: &mut impl Write) -> Result<()> {
    let rows = crate::service::agenda::regrading_needed(store, rules)?;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nRe-grading needed (computed level differs from the filed one):"
    )
    .map_err(io_error)?;
    out.write_all(agenda::regrading_table(&rows, rules).as_bytes())
        .map_err(io_error)
}

fn overview(store: &dyn CaseStore, config: &Config) -> Result<()> {
    let clients = store.clients()?.len();
    let networks = store.networks()?.len();
    let today = config::today(None)?;
    let rows = crate::service::agenda::rows(store, today, 90, true, config.settings.due_soon_days)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{clients} clients, {networks} networks.").map_err(io_error)?;
    out.write_all(b"\n").map_err(io_error)?;
    if rows.is_empty() {
        writeln!(out, "No renewals due in the next 90 days.").map_err(io_error)?;
    } else {
        writeln!(out, "Renewals due in the next 90 days (overdue first):").map_err(io_error)?;
        out.write_all(agenda::table(&rows).as_bytes())
            .map_err(io_error)?;
    }
    print_regrading(store, config.settings.rules, &mut out)?;
    writeln!(
        out,
        "\nRun mlps in a terminal for the case manager; mlps --help lists the commands."
    )
    .map_err(io_error)
}

/// The records of an import file, checked in full: a CSV lists every bad
/// row, with its column and reason.
fn read_import(
    file: &str,
    format: Option<ImportFormat>,
) -> Result<Vec<crate::domain::model::NewClient>> {
    let format = format.unwrap_or(if file.to_ascii_lowercase().ends_with(".csv") {
        ImportFormat::Csv
    } else {
        ImportFormat::Json
    });
    match format {
        ImportFormat::Json => {
            let (name, text) = read_input(file)?;
            let doc = interchange::parse(&name, &text)?;
            interchange::to_records(&name, &doc)
        }
        ImportFormat::Csv => {
            let (name, bytes) = read_bytes(file)?;
            let decoded = crate::formats::spreadsheet::decode(&name, &bytes)?;
            if let Some(note) = &decoded.note {
                eprintln!("mlps: {note}");
            }
            crate::formats::spreadsheet::parse(&name, &decoded.text).map_err(|p| p.into_error())
        }
    }
}

fn read_bytes(file: &str) -> Result<(String, Vec<u8>)> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::runtime(format!("stdin: {e}")))?;
        return Ok(("<stdin>".to_string(), buf));
    }
    if Path::new(file).is_dir() {
        return Err(Error::input(format!(
            "{file} is a directory: expected a file"
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::not_found(Missing::Path(file.into()), format!("{file}: no such file"))
        }
        _ => Error::io(file, e),
    })?;
    Ok((file.to_string(), bytes))
}

fn read_input(file: &str) -> Result<(String, String)> {
    let (name, bytes) = read_bytes(file)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(format!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // A byte-order mark is not part of the document.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok((name, text))
}

pub(crate) fn read_file(path: &Path) -> Result<(String, String)> {
    read_input(&path.display().to_string())
}

/// `1 client`, `2 clients`.
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

/// How far ahead the calendar feed lists obligations: all of them.
const CALENDAR_DAYS: u32 = 100 * 366;

/// `mlps backup DIR`: the daemon's snapshot, written into a new backup
/// folder; a backup cut off half-way is removed (it would not restore
/// anyway: its manifest is written last).
fn write_backup(
    store: &dyn Database,
    dir: &Path,
    place: &Endpoint,
    out: &mut impl Write,
) -> Result<()> {
    let existed = dir.exists();
    let mut writer = store::backup::Writer::create(dir)?;
    let written = store
        .backup(&mut |pairs| {
            for (k, v) in pairs {
                writer.add(&k, &v)?;
            }
            Ok(())
        })
        .and_then(|()| writer.finish(&place.to_string()));
    let manifest = match written {
        Ok(m) => m,
        Err(e) => {
            if existed {
                // The folder was empty: it is left so again.
                let _ = std::fs::remove_file(dir.join(store::backup::RECORDS));
                let _ =
                    std::fs::remove_file(dir.join(format!(".{}.partial", store::backup::MANIFEST)));
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
            return Err(e);
        }
    };
    writeln!(
        out,
        "Backed up {} and {} ({} records) of {place} into {}; saved.",
        counted(manifest.clients as usize, "client", "clients"),
        counted(manifest.networks as usize, "network", "networks"),
        manifest.keys,
        dir.display()
    )
    .map_err(io_error)
}

/// `import --check`: what the file would bring in.
fn say_checked(file: &str, records: &[crate::domain::model::NewClient]) -> Result<()> {
    let networks: usize = records.iter().map(|c| c.networks.len()).sum();
    println!(
        "{file}: no problems; it would import {} and {} (nothing was imported).",
        counted(records.len(), "client", "clients"),
        counted(networks, "network", "networks")
    );
    Ok(())
}

/// The ids an import file gives its clients and networks, with names.
struct GivenIds {
    clients: Vec<(u64, String)>,
    networks: Vec<(u64, String)>,
}

impl GivenIds {
    fn of(records: &[crate::domain::model::NewClient]) -> GivenIds {
        let mut ids = GivenIds {
            clients: Vec::new(),
            networks: Vec::new(),
        };
        for c in records {
            if let Some(id) = c.id {
                ids.clients
                    .push((id.0, c.client.display_name().to_string()));
            }
            for n in &c.networks {
                if let Some(id) = n.id {
                    ids.networks.push((id.0, n.network.name.clone()));
                }
            }
        }
        ids
    }

    /// Refuses, naming them all, the ids that the database already holds:
    /// an import adds cases and never overwrites one.
    fn check_free(&self, store: &dyn CaseStore, file: &str) -> Result<()> {
        use crate::domain::model::{ClientId, NetworkId};
        let mut taken = Vec::new();
        for (id, name) in &self.clients {
            if store.client(ClientId(*id))?.is_some() {
                taken.push(format!(
                    "{file}: client id {id} ({name}) is already in the database"
                ));
            }
        }
        for (id, name) in &self.networks {
            if store.network(NetworkId(*id))?.is_some() {
                taken.push(format!(
                    "{file}: network id {id} ({name}) is already in the database"
                ));
            }
        }
        if taken.is_empty() {
            return Ok(());
        }
        let count = taken.len();
        Err(Error::input(format!(
            "{}\n{count} id{} already taken; an import adds cases and never overwrites one: \
             import into a new database (--db), or empty the id fields to add them as new \
             cases; nothing was imported",
            taken.join("\n"),
            if count == 1 { " is" } else { "s are" }
        )))
    }
}
