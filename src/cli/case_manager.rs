//! `mlps` with no command: the case manager on the database (or on a
//! throwaway demo database), or, when not run in a terminal, an overview.

use crate::config;
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::server::remote::Endpoint;
use crate::store::CaseStore;

use super::{Cli, agenda, endpoint, say_notices};

/// Opens the case manager as `cli` asks.
pub(super) fn run(cli: &Cli) -> Result<()> {
    let (remote, db) = (cli.remote.clone(), cli.db.clone());
    let config = Config::load_default()?;
    // A bad keymap stops here, before the terminal is taken over.
    let keymap = crate::tui::keymap::Keymap::load(config::config_dir().as_deref())?;
    let today = config::today(None)?;
    let demo_dir = if cli.demo {
        let dir = tempfile::Builder::new()
            .prefix("mlps-demo-")
            .tempdir()
            .map_err(|e| Error::runtime(format!("could not create a demo database: {e}")))?;
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
        store.import(crate::demo::records(&doc, today, 1, &config.settings)?)?;
    }
    use std::io::IsTerminal;
    let result = if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        // Not a terminal (a pipe, cron): print the overview instead.
        agenda::overview(store.as_ref(), &config)
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
                session.app.lang = super::interface_lang(
                    cli.lang,
                    &session.app.config,
                    crate::domain::labels::Lang::Both,
                );
                session.app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
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
