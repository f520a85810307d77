//! The daemon: the one process that opens a database directory's sled
//! store (sled allows one process per database) and serves it to clients
//! over `DIR/mlps.sock`, one thread per connection.
//!
//! `DIR/daemon.lock` holds an exclusive lock for the daemon's whole life,
//! so at most one daemon serves a directory: a second one, or several
//! started at once by clients that found no daemon, take the lock or go
//! away quietly. Only the lock holder may remove and bind the socket.
//!
//! A database is private to the user whose daemon serves it, or shared
//! with a Unix group: then the directory is the group's and setgid, so
//! whichever member's client starts the daemon can open the files the last
//! one wrote, and the daemon admits the group's members and nobody else.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

mod dispatch;
mod setup;

pub use dispatch::dispatch;
use setup::*;

use super::peer::{self, Peer};
use super::protocol::{self, DaemonStatus, FrameError, PeerStatus, Request, Response};
use crate::domain::model::{Client, Network};
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::store::audit::Actor;
use crate::store::codec;
use crate::store::{SledStore, StoredFinding};

/// How many changes a subscriber may fall behind before its feed is
/// closed (it then reloads).
const FEED_BACKLOG: usize = 1024;

/// How long a new connection may take to greet.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a daemon with no clients waits before it exits, by default.
pub use crate::domain::settings::DEFAULT_IDLE_SECS;

pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("mlps.sock")
}

pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join("daemon.lock")
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Exit after this long with no client connected.
    pub idle: Duration,
    /// Share the database with this Unix group. Without it, a directory
    /// that is already group-owned and setgid is shared with its group.
    pub group: Option<String>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            idle: Duration::from_secs(DEFAULT_IDLE_SECS),
            group: None,
        }
    }
}

/// How a `serve` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// Another daemon holds the directory; this one did nothing.
    AlreadyRunning { pid: Option<u32> },
    /// A client asked it to stop, or it got SIGTERM, SIGINT or SIGHUP.
    Stopped,
    /// No client for the idle time.
    Idle,
}

/// Serves the database in `dir` until stopped or idle. Returns once the
/// store is flushed and the socket is gone.
pub fn serve(dir: &Path, config: Config, options: ServeOptions) -> Result<Served> {
    let sharing = prepare_dir(dir, options.group.as_deref())?;
    // Whatever sled creates while shared is the group's to read and write.
    let _umask = sharing.as_ref().map(|_| Umask::set(0o007));
    let Some(lock) = take_lock(dir, sharing.as_ref())? else {
        return Ok(Served::AlreadyRunning {
            pid: std::fs::read_to_string(lock_path(dir))
                .ok()
                .and_then(|s| s.trim().parse().ok()),
        });
    };
    if let Some(sharing) = &sharing {
        share(dir, sharing)?;
    }
    let store = SledStore::open(dir, config)?;
    let (wake_rx, wake_tx) = UnixStream::pair()
        .and_then(|(rx, tx)| {
            rx.set_nonblocking(true)?;
            tx.set_nonblocking(true)?;
            Ok((rx, tx))
        })
        .map_err(|e| Error::runtime(format!("daemon wake-up channel: {e}")))?;
    let daemon = Arc::new(Daemon {
        store,
        dir: dir.to_path_buf(),
        owner: euid(),
        sharing,
        idle: options.idle,
        started: Instant::now(),
        state: Mutex::new(State {
            next_id: 0,
            clients: BTreeMap::new(),
            idle_since: Some(Instant::now()),
        }),
        stop: Arc::new(AtomicBool::new(false)),
        closing: AtomicBool::new(false),
        in_flight: RwLock::new(()),
        wake: wake_tx,
        config_seen: Mutex::new(config_stamp()),
        subscribers: Mutex::new(Vec::new()),
        snapshots: std::sync::atomic::AtomicUsize::new(0),
    });
    let signals = daemon.watch_signals()?;
    let outcome = bind(dir, daemon.sharing.as_ref())
        .and_then(|listener| daemon.accept_loop(&listener, &wake_rx));
    for id in signals {
        signal_hook::low_level::unregister(id);
    }
    // Whatever ended the loop, leave no socket behind and the store on disk.
    let _ = std::fs::remove_file(socket_path(dir));
    let flushed = daemon.shut_down();
    drop(lock);
    let outcome = outcome?;
    flushed?;
    Ok(outcome)
}

struct Daemon {
    store: SledStore,
    dir: PathBuf,
    /// The user this daemon runs as: always admitted.
    owner: u32,
    /// The group whose members are admitted too.
    sharing: Option<Sharing>,
    idle: Duration,
    started: Instant,
    state: Mutex<State>,
    /// Set by a Stop request or a signal; the accept loop ends.
    stop: Arc<AtomicBool>,
    /// Set once shutting down: requests that arrive later are refused
    /// rather than written to a store that is about to close.
    closing: AtomicBool,
    /// Requests hold it shared; shutting down takes it exclusively, so it
    /// waits for the requests in flight and no write is cut off.
    in_flight: RwLock<()>,
    /// A byte here wakes the accept loop to look at `stop` and the idle
    /// clock again.
    wake: UnixStream,
    /// When `config.toml` and `holidays.toml` were last changed, as last
    /// seen: a change is picked up by the next request.
    config_seen: Mutex<ConfigStamp>,
    /// Connections that asked for a feed of changes, each written by a
    /// thread of its own so that a slow reader never holds up a write.
    subscribers: Mutex<Vec<std::sync::mpsc::SyncSender<Response>>>,
    /// 1 while a backup's snapshot is held.
    snapshots: std::sync::atomic::AtomicUsize,
}

/// The most a connection may stage for a restore: far above any real
/// book, low enough that a runaway client cannot exhaust the machine.
const MAX_STAGED: usize = 4 << 30;

/// A backup's snapshot being read a page at a time by one connection.
struct Snapshot<'a> {
    pairs: std::vec::IntoIter<(sled::IVec, sled::IVec)>,
    _held: SnapshotHeld<'a>,
}

/// Marks the daemon's one snapshot as taken until dropped (read to the
/// end, or its connection gone).
struct SnapshotHeld<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for SnapshotHeld<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::SeqCst);
    }
}

/// What a write request touches, known before it runs; the response fills
/// in ids the store assigned.
enum Touched {
    Client(Option<u64>),
    Network(Option<u64>),
    Everything,
    /// Findings of a network, or the network's gap data as a whole.
    Findings {
        network: Option<u64>,
        finding: Option<u64>,
    },
}

impl Touched {
    fn of(request: &Request) -> Option<Touched> {
        match request {
            Request::CreateClient { .. } | Request::UpdateClient { .. } => {
                Some(Touched::Client(None))
            }
            Request::DeleteClient { id, .. } => Some(Touched::Client(Some(*id))),
            Request::CreateNetwork { .. }
            | Request::UpdateNetwork { .. }
            | Request::RestoreNetwork { .. } => Some(Touched::Network(None)),
            Request::DeleteNetwork { id, .. } => Some(Touched::Network(Some(*id))),
            Request::Import { .. } => Some(Touched::Everything),
            Request::CreateFinding { .. }
            | Request::UpdateFinding { .. }
            | Request::SetFindingStatus { .. } => Some(Touched::Findings {
                network: None,
                finding: None,
            }),
            Request::DeleteFinding { id, .. } => Some(Touched::Findings {
                network: None,
                finding: Some(*id),
            }),
            Request::ImportFindings { network, .. } | Request::SetGapExtensions { network, .. } => {
                Some(Touched::Findings {
                    network: Some(*network),
                    finding: None,
                })
            }
            _ => None,
        }
    }

    fn change(self, response: &Response) -> Response {
        if let Touched::Findings { network, finding } = self {
            let written: Vec<StoredFinding> = match response {
                Response::Record(bytes) => codec::decode(bytes).into_iter().collect(),
                Response::Records(list) => {
                    list.iter().filter_map(|b| codec::decode(b).ok()).collect()
                }
                _ => Vec::new(),
            };
            let mut networks: Vec<u64> = network.into_iter().collect();
            networks.extend(written.iter().map(|f| f.network.0));
            networks.sort_unstable();
            networks.dedup();
            let mut findings: Vec<u64> = finding.into_iter().collect();
            findings.extend(written.iter().map(|f| f.id().0));
            return Response::FindingsChanged { networks, findings };
        }
        let stored = |r: &Response| match r {
            Response::Record(bytes) => Some(bytes.clone()),
            _ => None,
        };
        let (clients, networks, everything) = match self {
            Touched::Client(Some(id)) => (vec![id], vec![], false),
            Touched::Network(Some(id)) => (vec![], vec![id], false),
            Touched::Client(None) => {
                match stored(response).and_then(|b| codec::decode::<Client>(&b).ok()) {
                    Some(c) => (vec![c.id.0], vec![], false),
                    None => (vec![], vec![], true),
                }
            }
            Touched::Network(None) => {
                match stored(response).and_then(|b| codec::decode::<Network>(&b).ok()) {
                    Some(n) => (vec![], vec![n.id.0], false),
                    None => (vec![], vec![], true),
                }
            }
            Touched::Everything | Touched::Findings { .. } => (vec![], vec![], true),
        };
        Response::Changed {
            clients,
            networks,
            everything,
        }
    }
}

/// The modification times of the config files (`None`: absent).
type ConfigStamp = Vec<Option<std::time::SystemTime>>;

fn config_stamp() -> ConfigStamp {
    let dir = crate::config::config_dir();
    ["config.toml", "holidays.toml"]
        .iter()
        .map(|f| {
            dir.as_ref()
                .and_then(|d| std::fs::metadata(d.join(f)).and_then(|m| m.modified()).ok())
        })
        .collect()
}

struct State {
    next_id: u64,
    clients: BTreeMap<u64, Connection>,
    /// When the last client left; `None` while any is connected.
    idle_since: Option<Instant>,
}

struct Connection {
    /// From the kernel at accept time; a later audit log records edits
    /// against it.
    peer: Peer,
    since: Instant,
    /// A second handle, so shutting down can close the connection under
    /// its thread.
    stream: UnixStream,
    /// A feed of changes (a case manager's second connection), not a
    /// session of its own.
    feed: bool,
}

impl Daemon {
    /// All or nothing: on failure no handler is left registered.
    fn watch_signals(&self) -> Result<Vec<signal_hook::SigId>> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut ids = Vec::new();
        let registered = [SIGTERM, SIGINT, SIGHUP]
            .into_iter()
            .try_for_each(|signal| {
                // The flag first: actions run in the order registered, so the
                // loop the pipe wakes already sees it set.
                ids.push(signal_hook::flag::register(signal, Arc::clone(&self.stop))?);
                let pipe = self.wake.try_clone()?;
                ids.push(signal_hook::low_level::pipe::register(signal, pipe)?);
                Ok::<(), std::io::Error>(())
            });
        match registered {
            Ok(()) => Ok(ids),
            Err(e) => {
                for id in ids {
                    signal_hook::low_level::unregister(id);
                }
                Err(Error::runtime(format!("daemon signals: {e}")))
            }
        }
    }

    fn wake(&self) {
        // A full channel already holds a wake-up, so a failed write is fine.
        let _ = (&self.wake).write(&[1]);
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn accept_loop(self: &Arc<Self>, listener: &UnixListener, wake: &UnixStream) -> Result<Served> {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Ok(Served::Stopped);
            }
            // Accepting happens only on this thread, so no client can
            // arrive between this check and the exit.
            let idle_left = self
                .lock_state()
                .idle_since
                .map(|since| self.idle.saturating_sub(since.elapsed()));
            if idle_left == Some(Duration::ZERO) {
                return Ok(Served::Idle);
            }
            // A removed socket (its directory deleted, or replaced by
            // hand) means nobody can reach this daemon any more.
            if !socket_path(&self.dir).exists() {
                return Ok(Served::Stopped);
            }
            let timeout = idle_left.map_or(1000, |left| {
                i32::try_from(left.as_millis() + 1)
                    .unwrap_or(i32::MAX)
                    .min(1000)
            });
            let [incoming, woken] =
                wait_readable([listener.as_raw_fd(), wake.as_raw_fd()], timeout)
                    .map_err(|e| Error::runtime(format!("daemon: waiting for clients: {e}")))?;
            if woken {
                let mut sink = [0u8; 64];
                while matches!((&*wake).read(&mut sink), Ok(n) if n > 0) {}
            }
            if incoming {
                self.accept_all(listener);
            }
        }
    }

    fn accept_all(self: &Arc<Self>, listener: &UnixListener) {
        loop {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // A client that gave up between connect and accept, or no
                // fds left: this client is lost, the daemon goes on.
                Err(e) => {
                    log(&format!("accepting a client: {e}"));
                    return;
                }
            };
            if let Err(e) = self.admit(stream) {
                log(&format!("a client was turned away: {e}"));
            }
        }
    }

    fn admit(self: &Arc<Self>, stream: UnixStream) -> std::io::Result<()> {
        // Accepted sockets inherit non-blocking mode on some systems.
        stream.set_nonblocking(false)?;
        let peer = peer::peer_of(&stream)?;
        if let Some(refusal) = self.refusal(&peer) {
            log(&format!("turned away uid {}: {refusal}", peer.uid));
            return refuse(stream, refusal);
        }
        let id = {
            let mut state = self.lock_state();
            let id = state.next_id;
            state.next_id += 1;
            state.clients.insert(
                id,
                Connection {
                    peer,
                    since: Instant::now(),
                    stream: stream.try_clone()?,
                    feed: false,
                },
            );
            state.idle_since = None;
            id
        };
        let daemon = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name(format!("mlps-client-{id}"))
            .spawn(move || {
                let _leaving = Leaving {
                    daemon: &daemon,
                    id,
                };
                // Changes on this connection are logged as the user the
                // kernel says is at the other end.
                let actor = Actor::of_uid(peer.uid);
                daemon.converse(stream, &actor, id);
            });
        if let Err(e) = spawned {
            self.leave(id);
            return Err(e);
        }
        Ok(())
    }

    /// Why `peer` may not use this database, if it may not: only this
    /// daemon's user and the sharing group's members may (root too is
    /// just another user here).
    fn refusal(&self, peer: &Peer) -> Option<String> {
        if peer.uid == self.owner {
            return None;
        }
        match &self.sharing {
            Some(sharing) if peer::in_group(peer, sharing.gid) => None,
            Some(sharing) => Some(format!(
                "user {} is not in group {} that shares this database",
                crate::sys::user_label(peer.uid),
                sharing.name
            )),
            None => Some(format!(
                "this database belongs to user {}",
                crate::sys::user_label(self.owner)
            )),
        }
    }

    fn leave(&self, id: u64) {
        let mut state = self.lock_state();
        state.clients.remove(&id);
        if state.clients.is_empty() {
            state.idle_since = Some(Instant::now());
            drop(state);
            self.wake();
        }
    }

    /// One connection: the handshake, then requests until it closes. A bad
    /// frame ends this connection only.
    fn converse(&self, mut stream: UnixStream, actor: &Actor, id: u64) {
        // A connection that never greets must not hold a thread (and the
        // daemon's idle exit) for ever.
        if stream.set_read_timeout(Some(HELLO_TIMEOUT)).is_err() {
            return;
        }
        let greeting = protocol::receive::<Request>(&mut stream);
        if stream.set_read_timeout(None).is_err() {
            return;
        }
        let compatible = match greeting {
            Ok(Some(Request::Hello { protocol, version })) => {
                protocol::check_hello("client", protocol, &version).is_ok()
            }
            Ok(Some(_)) => {
                let refusal = Error::protocol("the first message to the daemon must be Hello");
                let _ = protocol::send(&mut stream, &Response::refused(&refusal));
                return;
            }
            Ok(None) => return,
            Err(e) => return refuse_frame(&mut stream, &e),
        };
        // Always our Hello: a client of another protocol learns which one
        // this daemon speaks, and may still stop it.
        if protocol::send(&mut stream, &protocol::hello_response()).is_err() {
            return;
        }
        // A backup being read and a restore being sent, this connection's.
        let mut snapshot: Option<Snapshot<'_>> = None;
        let mut staged: Option<crate::store::sled_store::StagedRestore> = None;
        let mut staged_bytes = 0usize;
        // An import of many clients being sent, this connection's.
        let mut importing: Option<crate::store::sled_store::StagedImport> = None;
        loop {
            let request = match protocol::receive::<Request>(&mut stream) {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) if compatible => return refuse_frame(&mut stream, &e),
                // Another protocol's requests are expected not to decode.
                Err(_) => return,
            };
            let response = match request {
                Request::Stop => {
                    // Answer first: once the flag is set the daemon may
                    // close this connection at any moment.
                    let _ = protocol::send(&mut stream, &Response::Stopping);
                    self.stop.store(true, Ordering::SeqCst);
                    self.wake();
                    continue;
                }
                Request::StopIfIdle => {
                    let others = self
                        .lock_state()
                        .clients
                        .iter()
                        .filter(|(other, c)| **other != id && !c.feed)
                        .count();
                    if others == 0 {
                        let _ = protocol::send(&mut stream, &Response::Stopping);
                        self.stop.store(true, Ordering::SeqCst);
                        self.wake();
                        continue;
                    }
                    Response::refused(&Error::runtime(format!(
                        "the mlps daemon (version {}) for {} is in use by {others} other session{}",
                        protocol::VERSION,
                        self.dir.display(),
                        if others == 1 { "" } else { "s" }
                    )))
                }
                _ if !compatible => return,
                Request::Subscribe => {
                    // The answer goes out through the feed itself, queued
                    // ahead of every change broadcast after it: a client
                    // holding its answer has missed no later write.
                    let fed = stream.try_clone().map(|feed| self.feed(feed));
                    if !matches!(fed, Ok(true)) {
                        let refused =
                            Error::runtime("the mlps daemon could not start a change feed");
                        let _ = protocol::send(&mut stream, &Response::failed(&refused));
                        return;
                    }
                    if let Some(c) = self.lock_state().clients.get_mut(&id) {
                        c.feed = true;
                    }
                    continue;
                }
                Request::Backup => {
                    // One snapshot at a time: each holds the database.
                    let taken =
                        self.snapshots
                            .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst);
                    if snapshot.is_some() || taken.is_err() {
                        Response::failed(&Error::runtime(
                            "another backup is being taken; try again once it is done",
                        ))
                    } else {
                        match self.guarded(|| self.store.snapshot()) {
                            Ok(pairs) => {
                                let keys = pairs.len() as u64;
                                snapshot = Some(Snapshot {
                                    pairs: pairs.into_iter(),
                                    _held: SnapshotHeld(&self.snapshots),
                                });
                                Response::Snapshot { keys }
                            }
                            Err(e) => {
                                self.snapshots.store(0, Ordering::SeqCst);
                                Response::failed(&e)
                            }
                        }
                    }
                }
                Request::SnapshotPage => match snapshot.as_mut() {
                    // A page asked of a daemon that took no snapshot for
                    // this connection (a new one, after the old went away)
                    // must not read as the end of the backup.
                    None => Response::failed(&Error::runtime(
                        "no backup is being taken on this connection: the daemon that took the \
                         snapshot went away; run mlps backup again",
                    )),
                    Some(s) => {
                        let mut page = Vec::new();
                        let mut bytes = 0;
                        for (k, v) in s.pairs.by_ref() {
                            bytes += k.len() + v.len();
                            page.push((k.to_vec(), v.to_vec()));
                            if bytes >= crate::store::backup::PAGE_BYTES {
                                break;
                            }
                        }
                        if page.is_empty() {
                            snapshot = None;
                            crate::store::sled_store::release_memory();
                        }
                        Response::Pairs(page)
                    }
                },
                Request::RestorePairs { pairs } => {
                    // Written into a staging tree as they come: the daemon
                    // holds one page, not the backup.
                    staged_bytes += pairs.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
                    if staged_bytes > MAX_STAGED {
                        staged = None;
                        staged_bytes = 0;
                        Response::failed(&Error::input(format!(
                            "a restore is limited to {} GiB of records; nothing was restored",
                            MAX_STAGED >> 30
                        )))
                    } else {
                        let added = self.guarded(|| {
                            let restore = match staged.as_mut() {
                                Some(r) => r,
                                None => staged.insert(self.store.begin_restore()?),
                            };
                            restore.add(pairs)
                        });
                        match added {
                            Ok(()) => Response::Done,
                            Err(e) => {
                                staged = None;
                                staged_bytes = 0;
                                Response::failed(&e)
                            }
                        }
                    }
                }
                Request::ImportBegin {
                    records,
                    findings,
                    highest,
                } => {
                    importing = None;
                    let plan = crate::store::sled_store::ImportPlan {
                        records,
                        findings,
                        highest,
                    };
                    match self.guarded(|| self.store.begin_import(plan)) {
                        Ok(staged) => {
                            importing = Some(staged);
                            Response::Done
                        }
                        Err(e) => Response::failed(&e),
                    }
                }
                Request::ImportChunk { clients } => match importing.as_mut() {
                    None => Response::failed(&Error::protocol(
                        "no import is under way on this connection: the daemon that started it \
                         went away; nothing was imported, run the import again",
                    )),
                    Some(staged) => {
                        let added = self.guarded(|| {
                            let clients = dispatch::new_clients(clients)?;
                            self.store.acting(actor).stage_import(staged, clients)
                        });
                        match added {
                            Ok(()) => Response::Done,
                            Err(e) => {
                                importing = None;
                                Response::failed(&e)
                            }
                        }
                    }
                },
                Request::ImportCommit => match importing.take() {
                    None => Response::failed(&Error::protocol(
                        "no import is under way on this connection: the daemon that started it \
                         went away; nothing was imported, run the import again",
                    )),
                    Some(staged) => {
                        let done = self.guarded(|| self.store.acting(actor).commit_import(staged));
                        crate::store::sled_store::release_memory();
                        match done {
                            Ok(summary) => {
                                self.broadcast(Response::Changed {
                                    clients: vec![],
                                    networks: vec![],
                                    everything: true,
                                });
                                Response::Imported {
                                    clients: summary.clients as u64,
                                    networks: summary.networks as u64,
                                    findings: summary.findings as u64,
                                }
                            }
                            Err(e) => Response::failed(&e),
                        }
                    }
                },
                Request::RestoreCommit {
                    replace,
                    note,
                    keys,
                    digest,
                } => {
                    let restore = staged.take();
                    staged_bytes = 0;
                    let restored = self.guarded(|| {
                        let restore = match restore {
                            Some(r) => r,
                            None => self.store.begin_restore()?,
                        };
                        restore.commit(
                            &self.store,
                            replace,
                            actor,
                            &note,
                            Some((keys, digest.as_str())),
                        )
                    });
                    crate::store::sled_store::release_memory();
                    match restored {
                        Ok(summary) => {
                            self.broadcast(Response::Changed {
                                clients: vec![],
                                networks: vec![],
                                everything: true,
                            });
                            Response::Restored(summary)
                        }
                        Err(e) => Response::failed(&e),
                    }
                }
                request => {
                    let bulky = matches!(
                        request,
                        Request::Networks
                            | Request::AllFindings
                            | Request::Clients
                            | Request::Import { .. }
                            | Request::Log { .. }
                            | Request::Doctor { .. }
                    );
                    let response = self.answer(request, actor);
                    if bulky {
                        // Sent, then its memory handed back to the system.
                        let sent = protocol::send(&mut stream, &response);
                        drop(response);
                        crate::store::sled_store::release_memory();
                        match sent {
                            Ok(()) => continue,
                            Err(FrameError::TooLarge { .. }) => {
                                Response::failed(&Error::protocol(format!(
                                    "the daemon's answer is over the protocol's limit of {} bytes",
                                    protocol::MAX_FRAME
                                )))
                            }
                            Err(_) => return,
                        }
                    } else {
                        response
                    }
                }
            };
            match protocol::send(&mut stream, &response) {
                Ok(()) => {}
                // Nothing of it was sent, so the connection is still in step.
                Err(FrameError::TooLarge { len }) => {
                    let e = Error::protocol(format!(
                        "the daemon's answer is {len} bytes, over the protocol's limit of {} bytes",
                        protocol::MAX_FRAME
                    ));
                    if protocol::send(&mut stream, &Response::failed(&e)).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    }

    /// Runs `work` as a request in flight: refused once the daemon is
    /// stopping, and waited for by the shutdown.
    fn guarded<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let _in_flight = self.in_flight.read().unwrap_or_else(|p| p.into_inner());
        if self.closing.load(Ordering::SeqCst) {
            return Err(Error::runtime(
                "the mlps daemon is stopping; nothing was done, try again",
            ));
        }
        work()
    }

    fn answer(&self, request: Request, actor: &Actor) -> Response {
        let _in_flight = self.in_flight.read().unwrap_or_else(|p| p.into_inner());
        if self.closing.load(Ordering::SeqCst) {
            return Response::failed(&Error::runtime(
                "the mlps daemon is stopping; nothing was done, try again",
            ));
        }
        if let Err(e) = self.follow_config() {
            return Response::failed(&e);
        }
        let touched = Touched::of(&request);
        let answered = match request {
            Request::Status => Ok(Response::Status(self.status())),
            Request::Notices => Ok(Response::Notices(self.store.take_notices())),
            Request::DatabaseId => self.store.database_id().map(Response::DatabaseId),
            Request::Hello { .. } => Err(Error::protocol("Hello was already exchanged")),
            request => dispatch(&self.store.acting(actor), request),
        };
        if let (Some(touched), Ok(response)) = (touched, &answered) {
            self.broadcast(touched.change(response));
        }
        answered.unwrap_or_else(|e| Response::failed(&e))
    }

    /// Starts feeding changes to a subscribed connection. A feed that
    /// falls too far behind, or whose reader is gone, is closed: its
    /// client sees the end and reconnects, reading everything afresh.
    /// Its first message is `Subscribed`, queued under the subscribers'
    /// lock with the feed's registration, so no broadcast falls between
    /// the answer and the feed. Whether the feed started.
    fn feed(&self, mut stream: UnixStream) -> bool {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Response>(FEED_BACKLOG);
        let spawned = std::thread::Builder::new()
            .name("mlps-feed".into())
            .spawn(move || {
                let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                while let Ok(change) = rx.recv() {
                    if protocol::send(&mut stream, &change).is_err() {
                        break;
                    }
                }
                let _ = stream.shutdown(std::net::Shutdown::Both);
            });
        if spawned.is_err() {
            return false;
        }
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        if tx.try_send(Response::Subscribed).is_err() {
            return false;
        }
        subscribers.push(tx);
        true
    }

    /// Tells every subscriber what a write changed, without waiting for
    /// any of them; drops those gone or too far behind.
    fn broadcast(&self, change: Response) {
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subscribers.retain(|feed| feed.try_send(change.clone()).is_ok());
    }

    /// Picks up changed settings or holidays, so that every client sees
    /// dates derived from the files as they are now.
    fn follow_config(&self) -> Result<()> {
        let now = config_stamp();
        let mut seen = self.config_seen.lock().unwrap_or_else(|p| p.into_inner());
        if *seen != now {
            self.store.reconfigure(Config::load_default()?)?;
            *seen = now;
        }
        Ok(())
    }

    fn status(&self) -> DaemonStatus {
        let state = self.lock_state();
        DaemonStatus {
            pid: std::process::id(),
            uptime_secs: self.started.elapsed().as_secs(),
            database: self.dir.display().to_string(),
            version: protocol::VERSION.to_string(),
            protocol: protocol::PROTOCOL,
            group: self.sharing.as_ref().map(|s| s.name.clone()),
            clients: state
                .clients
                .values()
                .map(|c| PeerStatus {
                    uid: c.peer.uid,
                    gid: c.peer.gid,
                    pid: c.peer.pid,
                    connected_secs: c.since.elapsed().as_secs(),
                    feed: c.feed,
                })
                .collect(),
        }
    }

    /// Waits for requests in flight, refuses later ones, flushes, and
    /// closes every connection so their threads end.
    fn shut_down(&self) -> Result<()> {
        let _exclusive = self.in_flight.write().unwrap_or_else(|p| p.into_inner());
        self.closing.store(true, Ordering::SeqCst);
        let flushed = self.store.flush();
        for c in self.lock_state().clients.values() {
            let _ = c.stream.shutdown(std::net::Shutdown::Both);
        }
        flushed
    }
}

/// Unregisters a connection however its thread ends, panics included.
struct Leaving<'a> {
    daemon: &'a Daemon,
    id: u64,
}

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.daemon.leave(self.id);
    }
}

/// A note for whoever runs `mlps serve` in a terminal. Unlike `eprintln!`
/// it cannot panic when stderr has gone (a closed terminal).
fn log(message: &str) {
    let _ = writeln!(std::io::stderr(), "mlps serve: {message}");
}

/// Answers a turned-away client's first message (its Hello) with why, on
/// a thread of its own that is not counted as a client, then closes.
fn refuse(mut stream: UnixStream, refusal: String) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    std::thread::Builder::new()
        .name("mlps-refused".into())
        .spawn(move || {
            // Read first: closing on an unread Hello could reset the
            // connection before the client reads why.
            if let Ok(None) = protocol::receive::<Request>(&mut stream) {
                return;
            }
            let _ = protocol::send(&mut stream, &Response::refused(&Error::runtime(refusal)));
        })?;
    Ok(())
}

/// Tells the client why its connection is being closed, where the stream
/// still allows a reply.
fn refuse_frame(stream: &mut UnixStream, e: &FrameError) {
    if matches!(e, FrameError::Garbage(_) | FrameError::TooLarge { .. }) {
        let refusal = Error::protocol(format!("the daemon closed the connection: {e}"));
        let _ = protocol::send(stream, &Response::refused(&refusal));
    }
}

/// Blocks until one of `fds` is readable or `timeout_ms` passes (-1:
/// forever); which ones are readable. A signal just returns early.
fn wait_readable(fds: [i32; 2], timeout_ms: i32) -> std::io::Result<[bool; 2]> {
    let mut polled = fds.map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    // SAFETY: `polled` is a valid array of two pollfd for the whole call.
    let rc = unsafe { libc::poll(polled.as_mut_ptr(), 2, timeout_ms) };
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        return match e.kind() {
            std::io::ErrorKind::Interrupted => Ok([false, false]),
            _ => Err(e),
        };
    }
    Ok(polled.map(|p| p.revents != 0))
}
