//! The one place the case manager reaches the database daemon: the feed
//! of other sessions' changes, where the database is, and finding it again
//! when the daemon went away. Everything else talks to a `CaseStore`.

pub use crate::server::client::Change;
pub use crate::server::remote::Endpoint;

use crate::tui::app::App;

/// How long a session cut off from its database waits between attempts
/// to reach it again.
const RECONNECT_PAUSE: std::time::Duration = std::time::Duration::from_secs(3);

/// The daemon went away (stopped, or killed): start or find a new one,
/// follow its changes and read everything again, saying so.
pub(crate) fn reconnect(app: &mut App) {
    app.changes = None;
    let Some(endpoint) = app.endpoint.clone() else {
        app.error("lost the database daemon: other sessions' edits no longer show; restart mlps");
        return;
    };
    let client = app.selected_client().map(|c| c.id);
    let network = app.selected_network().map(|n| n.id);
    // Reading everything happens after the feed is back, so no change
    // falls between the two.
    let connected = endpoint.connect_or_start().and_then(|store| {
        let changes = endpoint.subscribe()?;
        Ok((changes, store))
    });
    match connected.and_then(|(changes, store)| {
        let store: std::sync::Arc<dyn crate::store::CaseStore> = std::sync::Arc::new(store);
        app.store = std::sync::Arc::clone(&store);
        if matches!(app.reads, crate::tui::reads::Reads::Thread { .. }) {
            // The old reader's connection went with the daemon.
            app.reads = crate::tui::reads::Reads::spawn(store);
        }
        app.changes = Some(changes);
        app.reload()
    }) {
        Ok(()) => {
            app.reconnect_at = None;
            if let Some(client) = client {
                super::edit::reselect(app, client, network);
            }
            app.info(match endpoint {
                Endpoint::Local(_) => "the database daemon restarted; reconnected and reloaded",
                Endpoint::Remote(_) => {
                    "the connection to the database was lost; reconnected and reloaded"
                }
            });
        }
        Err(e) => {
            app.changes = None;
            app.reconnect_at = Some(std::time::Instant::now() + RECONNECT_PAUSE);
            app.error(format!(
                "lost the database and could not reconnect (trying again every {} s; \
                 nothing can be saved until then): {}",
                RECONNECT_PAUSE.as_secs(),
                e.message()
            ))
        }
    }
}
