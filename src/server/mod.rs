//! The daemon that owns a database directory's store, and its clients.
//! sled lets one process open a database, so one small server process per
//! directory opens it and every mlps talks to it over `DIR/mlps.sock`,
//! starting it on demand (like tmux).

pub mod client;
pub mod daemon;
pub mod peer;
pub mod protocol;
pub mod remote;
