//! The one place the case manager reaches the database daemon: the feed
//! of other sessions' changes, where the database is, and finding it again
//! when the daemon went away. Everything else talks to a `CaseStore`.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

pub use crate::server::client::Change;
pub use crate::server::remote::Endpoint;

use crate::error::Result;
use crate::store::CaseStore;

/// A session's link to its database's daemon.
pub struct Link {
    pub endpoint: Endpoint,
    /// Other sessions' writes; `None` while cut off.
    pub changes: Option<Receiver<Change>>,
}

impl Link {
    pub fn new(endpoint: Endpoint, changes: Option<Receiver<Change>>) -> Link {
        Link { endpoint, changes }
    }

    /// Starts or finds the daemon and follows its changes again; the
    /// store to use from now on. Everything is read again after this, so
    /// no change falls between the two.
    pub fn reconnect(&mut self) -> Result<Arc<dyn CaseStore>> {
        self.changes = None;
        let store = self.endpoint.connect_or_start()?;
        self.changes = Some(self.endpoint.subscribe()?);
        Ok(Arc::new(store))
    }

    /// How the database is reached.
    pub fn kind(&self) -> crate::tui::effect::Link {
        match self.endpoint {
            Endpoint::Local(_) => crate::tui::effect::Link::Local,
            Endpoint::Remote(_) => crate::tui::effect::Link::Remote,
        }
    }
}
