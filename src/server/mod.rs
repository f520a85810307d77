//! The daemon that owns a database directory's store, and its clients.
//! sled lets one process open a database, so one small server process per
//! directory opens it and every mlps talks to it over `DIR/mlps.sock`,
//! starting it on demand (like tmux).

pub mod client;
pub mod daemon;
pub mod peer;
pub mod protocol;
pub mod remote;

/// Opens the database in `dir` through its daemon, starting one when none
/// runs: sled lets one process open a database, so the daemon owns it and
/// every command and case manager is its client.
pub fn open(dir: &std::path::Path) -> crate::error::Result<Box<dyn crate::store::Database>> {
    Ok(Box::new(open_local(dir)?))
}

/// [`open`], as the daemon's client itself.
pub fn open_local(dir: &std::path::Path) -> crate::error::Result<client::RemoteStore> {
    if dir.exists() && !dir.is_dir() {
        return Err(crate::error::Error::input(format!(
            "{} is a file, not a database directory",
            dir.display()
        )));
    }
    client::connect_or_start(dir)
}
