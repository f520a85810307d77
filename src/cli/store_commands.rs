//! The commands that work on the database through its daemon: import,
//! export, report, backup, restore, renewals and due, log, doctor, demo.
//! Input is read and checked in full before the database is touched, so
//! bad input writes nothing at all.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::config;
use crate::domain::model::NewClient;
use crate::domain::settings::Config;
use crate::error::{Error, Missing, Result};
use crate::formats::interchange;
use crate::server::remote::Endpoint;
use crate::store::{self, CaseStore, Database};
use crate::text::counted;

use super::input::{self, GivenIds};
use super::{Command, ExportFormat, GapsCommand, agenda, io_error, log, say_notices};

/// What a command reads before it opens the database.
#[derive(Default)]
struct Input {
    /// An import's or the demo's records.
    records: Option<Vec<NewClient>>,
    /// A backup to restore, read and checked whole.
    backup: Option<(store::backup::Manifest, store::backup::Pairs)>,
    /// The agenda's today.
    today: Option<NaiveDate>,
    /// The log's first day, as a Unix time.
    since: Option<i64>,
    /// A gap list to import, read whole.
    gap_list: Option<Vec<u8>>,
}

/// Runs `command` on the database at `place`.
pub(super) fn run(
    command: Command,
    place: &Endpoint,
    config: Config,
    lang: crate::domain::labels::Lang,
) -> Result<()> {
    let Some(input) = read_input(&command, place, &config)? else {
        return Ok(());
    };
    let place = &access(&command, place)?;
    let store = open(place)?;
    let store = store.as_ref();
    let mut out = std::io::stdout().lock();
    let out = &mut out;
    let settings = &config.settings;
    match command {
        Command::Assess { .. }
        | Command::Keymap { .. }
        | Command::Serve { .. }
        | Command::Status
        | Command::Stop => {
            unreachable!("assess, keymap and the daemon commands are run elsewhere")
        }
        Command::Import { file, check, .. } => import(
            store,
            &file,
            check,
            input.records.unwrap_or_default(),
            place,
            out,
        ),
        Command::Export { format } => export(store, format, &config, out),
        Command::Report {
            query,
            format,
            output,
            today,
        } => report(
            store,
            &query,
            &format,
            output.as_deref(),
            today.as_deref(),
            (&config, lang),
            out,
        ),
        Command::Backup { dir } => write_backup(store, &dir, place, out),
        Command::Restore { dir, replace } => {
            let backup = input.backup.expect("read before opening, for restore");
            restore(store, &dir, replace, backup, place, out)
        }
        Command::Renewals(ref args) | Command::Due(ref args) => {
            let renewals_only = matches!(command, Command::Renewals(_));
            agenda::keep_freed_memory();
            let today = input.today.expect("read before opening, for the agenda");
            let found = match &args.query {
                Some(query) => Some(crate::service::lookup::resolve_in(store, query, lang)?),
                None => None,
            };
            let fit = agenda::Fit::stdout();
            agenda::print_agenda(
                store,
                today,
                args,
                renewals_only,
                settings,
                found.as_ref(),
                (fit, lang),
                out,
            )
        }
        Command::Triage(args) => {
            let today = input.today.expect("read before opening, for triage");
            let mut rows = crate::service::triage::rows(store, today, &config)?;
            if let Some(query) = &args.query {
                let found = crate::service::lookup::resolve_in(store, query, lang)?;
                rows.retain(|r| found.covers(r.client_id, r.network_id));
            }
            agenda::print_triage(&rows, today, &args, settings, lang, out)
        }
        Command::Show { query, .. } => {
            let today = input.today.expect("read before opening, for show");
            let found = crate::service::lookup::resolve_in(store, &query, lang)?;
            super::show::print(store, &found, today, &config, lang, out)
        }
        Command::Log { client, json, .. } => {
            let entries = crate::service::history::entries(store, input.since, client.as_deref())?;
            log::print(&entries, json, lang, out)
        }
        Command::Doctor { repair } => doctor(store, repair, place, lang, out),
        Command::Gaps(args) => {
            let today = input.today.expect("read before opening, for gaps");
            match args.action {
                None => {
                    let query = args.query.as_deref().unwrap_or_default();
                    let found = crate::service::lookup::resolve_in(store, query, lang)?;
                    let filter = super::gaps::Filter {
                        open: args.open,
                        high: args.high,
                    };
                    super::gaps::show(store, &found, today, &config, filter, args.json, lang, out)
                }
                Some(GapsCommand::Import {
                    file,
                    network,
                    check,
                    replace,
                    ..
                }) => {
                    let bytes = input.gap_list.unwrap_or_default();
                    super::gaps::import(
                        store,
                        (&file, &bytes),
                        &network,
                        (check, replace),
                        today,
                        &config,
                        lang,
                        out,
                    )
                }
                Some(GapsCommand::Export { query, output }) => {
                    super::gaps::export(store, &query, output.as_ref(), lang, out)
                }
            }
        }
        Command::Demo { .. } => {
            let s = store.import(input.records.unwrap_or_default())?;
            let findings = if s.findings > 0 {
                format!(" (with {})", counted(s.findings, "finding", "findings"))
            } else {
                String::new()
            };
            writeln!(
                out,
                "Added {} and {}{findings} to {}; saved.",
                counted(s.clients, "demo client", "demo clients"),
                counted(s.networks, "network", "networks"),
                place
            )
            .map_err(io_error)
        }
    }
}

/// Reads what the command needs before the database: `None` when that
/// settles it (an import checked against no database).
fn read_input(command: &Command, place: &Endpoint, config: &Config) -> Result<Option<Input>> {
    let mut input = Input::default();
    match command {
        Command::Import {
            file,
            format,
            check,
        } => {
            let records = input::read_import(file, *format)?;
            // A check of a file for a database that is not there yet has
            // nothing more to look at (and must not create it).
            if *check
                && let Endpoint::Local(dir) = place
                && !store::exists(dir)
            {
                input::say_checked(file, &records)?;
                return Ok(None);
            }
            input.records = Some(records);
        }
        Command::Demo { clients, seed } => {
            let today = config::today(None)?;
            let doc = crate::demo::generate_with(*clients, *seed, today, &config.settings);
            input.records = Some(crate::demo::records(&doc, today, *seed, &config.settings)?);
        }
        // A backup is read and checked whole before anything is replaced.
        Command::Restore { dir, .. } => input.backup = Some(store::backup::read(dir)?),
        Command::Renewals(args) | Command::Due(args) => {
            input.today = Some(config::today(args.today.as_deref())?)
        }
        Command::Triage(args) => input.today = Some(config::today(args.today.as_deref())?),
        Command::Show { today, .. } => input.today = Some(config::today(today.as_deref())?),
        Command::Gaps(args) => match &args.action {
            None => {
                if args.query.is_none() {
                    return Err(Error::input(
                        "mlps gaps: give a network or client (QUERY), or import FILE --network \
                         QUERY, or export QUERY",
                    ));
                }
                input.today = Some(config::today(args.today.as_deref())?)
            }
            Some(GapsCommand::Import { file, today, .. }) => {
                input.gap_list = Some(super::gaps::read_file(file)?);
                input.today = Some(config::today(today.as_deref())?)
            }
            Some(GapsCommand::Export { .. }) => input.today = Some(config::today(None)?),
        },
        Command::Log {
            since: Some(date), ..
        } => input.since = Some(log::since(date)?),
        _ => {}
    }
    Ok(Some(input))
}

/// The place, for this command: a command that only reads neither makes a
/// database nor starts a daemon on an empty directory.
fn access(command: &Command, place: &Endpoint) -> Result<Endpoint> {
    let reads_only = matches!(
        command,
        Command::Export { .. }
            | Command::Renewals(_)
            | Command::Due(_)
            | Command::Triage(_)
            | Command::Show { .. }
            | Command::Log { .. }
            | Command::Doctor { .. }
            | Command::Backup { .. }
            | Command::Report { .. }
    ) || matches!(command, Command::Gaps(args) if !matches!(
        args.action,
        Some(GapsCommand::Import { check: false, .. })
    ));
    let mut place = place.clone();
    if let Endpoint::Remote(remote) = &mut place {
        remote.existing = reads_only;
    }
    if let Endpoint::Local(dir) = &place
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
    Ok(place)
}

/// The database through its daemon. A command outlives a daemon that dies
/// under it: it starts a new one and goes on where that is safe, and says
/// so.
fn open(place: &Endpoint) -> Result<Box<dyn Database>> {
    Ok(match place {
        Endpoint::Local(dir) => {
            let store = crate::server::open_local(dir)?;
            say_notices(&store);
            Box::new(store.reconnecting(|m| {
                let _ = writeln!(std::io::stderr(), "mlps: {m}");
            }))
        }
        Endpoint::Remote(_) => place.open()?,
    })
}

/// `mlps import FILE [--check]`.
fn import(
    store: &dyn Database,
    file: &str,
    check: bool,
    records: Vec<NewClient>,
    place: &Endpoint,
    out: &mut impl Write,
) -> Result<()> {
    let ids = GivenIds::of(&records);
    if check {
        ids.check_free(store, file)?;
        return input::say_checked(file, &records);
    }
    // The store refuses an id it holds; the file's own words for which
    // ones are looked up only then.
    let s = store.import(records).map_err(|e| match e {
        Error::Taken(_) => ids.check_free(store, file).err().unwrap_or(e),
        e => e,
    })?;
    let what = if s.findings > 0 {
        format!(
            "{}, {} and {}",
            counted(s.clients, "client", "clients"),
            counted(s.networks, "network", "networks"),
            counted(s.findings, "finding", "findings")
        )
    } else {
        format!(
            "{} and {}",
            counted(s.clients, "client", "clients"),
            counted(s.networks, "network", "networks")
        )
    };
    writeln!(out, "Imported {what} into {place}; saved.").map_err(io_error)
}

/// `mlps export --format json|csv|ics`.
fn export(
    store: &dyn Database,
    format: ExportFormat,
    config: &Config,
    out: &mut impl Write,
) -> Result<()> {
    let text = match format {
        ExportFormat::Json => interchange::to_json(&export_document(store)?),
        ExportFormat::Csv => {
            crate::formats::spreadsheet::write(&all_records(store)?, config.settings.rules)
        }
        ExportFormat::Ics => {
            let today = config::today(None)?;
            let rows = crate::service::agenda::rows(
                store,
                today,
                CALENDAR_DAYS,
                false,
                config.settings.due_soon_days,
            )?;
            crate::formats::calendar_feed::write(&store.database_id()?, &rows, chrono::Utc::now())
        }
    };
    out.write_all(text.as_bytes()).map_err(io_error)
}

/// `mlps report QUERY [--format] [--output FILE] [--today]`.
fn report(
    store: &dyn Database,
    query: &str,
    format: &str,
    output: Option<&Path>,
    today: Option<&str>,
    (config, lang): (&Config, crate::domain::labels::Lang),
    out: &mut impl Write,
) -> Result<()> {
    let format: crate::formats::report::ReportFormat = format.parse().map_err(Error::input)?;
    let today = config::today(today)?;
    let (client, network) = crate::service::report::find(store, query)?;
    let text = crate::service::report::render(store, &client, &network, config, today, format)?;
    match output {
        Some(path) => {
            crate::service::report::write_atomically(path, text.as_bytes())?;
            let line = crate::domain::labels::cli::report_written(
                lang,
                (
                    &format!("{:?}", network.name),
                    &crate::text::escape_for_terminal(&network.name),
                ),
                &path.display().to_string(),
            );
            writeln!(out, "{line}").map_err(io_error)
        }
        None => out.write_all(text.as_bytes()).map_err(io_error),
    }
}

/// `mlps restore DIR [--replace]`: the backup read before the database
/// was opened.
fn restore(
    store: &dyn Database,
    dir: &Path,
    replace: bool,
    (manifest, pairs): (store::backup::Manifest, store::backup::Pairs),
    place: &Endpoint,
    out: &mut impl Write,
) -> Result<()> {
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
        write!(out, " The backup was in format {from}; it was upgraded.").map_err(io_error)?;
    }
    if let Some(copy) = &s.copy {
        write!(out, " The database as it was is copied in {copy}.").map_err(io_error)?;
    }
    writeln!(out).map_err(io_error)
}

/// `mlps doctor [--repair]`: what was checked, repaired and found.
fn doctor(
    store: &dyn Database,
    repair: bool,
    place: &Endpoint,
    lang: crate::domain::labels::Lang,
    out: &mut impl Write,
) -> Result<()> {
    use crate::domain::labels::cli;
    let c = store.doctor(repair)?;
    // What was repaired and found is the store's own report, in English.
    for r in &c.repaired {
        writeln!(out, "{}: {r}", cli::REPAIRED.get(lang)).map_err(io_error)?;
    }
    for p in &c.problems {
        writeln!(out, "{}: {p}", cli::PROBLEM.get(lang)).map_err(io_error)?;
    }
    let findings = if c.findings > 0 {
        format!(", {}", counted(c.findings as usize, "finding", "findings"))
    } else {
        String::new()
    };
    let read = format!(
        "{}, {}{findings}, {} and {} index entries in {place}",
        counted(c.clients as usize, "client", "clients"),
        counted(c.networks as usize, "network", "networks"),
        counted(c.log_entries as usize, "log entry", "log entries"),
        c.index_entries
    );
    if c.problems.is_empty() {
        let counts = (
            c.clients as usize,
            c.networks as usize,
            c.findings as usize,
            c.log_entries as usize,
            c.index_entries as usize,
        );
        let line = cli::doctor_clean(lang, counts, &place.to_string());
        return writeln!(out, "{line}").map_err(io_error);
    }
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

/// The whole database as an interchange document.
fn export_document(store: &dyn CaseStore) -> Result<interchange::Document> {
    let mut doc = interchange::from_records(all_records(store)?);
    let findings = store
        .all_findings()?
        .into_iter()
        .map(|f| (f.network, f.finding))
        .collect();
    interchange::add_gaps(&mut doc, findings, store.all_gap_extensions()?);
    Ok(doc)
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
