//! The client side: [`RemoteStore`] is a `CaseStore` whose every call is
//! one request to the daemon, and [`connect_or_start`] finds the daemon of
//! a database directory or starts one, like tmux does.

use std::ffi::OsString;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::daemon::{lock_path, socket_path};
use super::protocol::{
    self, DaemonStatus, FrameError, ImportClient, ImportNetwork, Request, Response, WireHit,
};
use crate::domain::gaps::{ExtensionChoice, Finding, FindingId, FindingStatus};
use crate::domain::model::NewClient;
use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::error::{Error, Result};
use crate::store::audit::{LogEntry, LogQuery};
use crate::store::codec::{self, DueRecord, Record};
use crate::store::{CaseStore, DueItem, ImportSummary, Maintenance, StoredFinding};

/// How long `connect_or_start` waits for a daemon it started, and `stop`
/// for one to go. Only a failure waits this long; opening a large store
/// (a due index to rebuild) can take seconds.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a handshake may take: a daemon that accepts but never greets
/// is stuck, and saying so beats hanging.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// The database of one directory, through its daemon.
pub struct RemoteStore {
    /// The database directory; for a database on another machine,
    /// `user@host:DIR`, which messages show.
    dir: PathBuf,
    /// One request and its answer at a time.
    stream: Mutex<Box<dyn Transport>>,
    /// Set by [`RemoteStore::reconnecting`]: how to tell the user that the
    /// daemon went away and a new one took over.
    notice: Option<fn(&str)>,
    /// How this store's daemon was started, to start the next one alike.
    launcher: Option<Launcher>,
}

/// A two-way byte stream to a daemon: its Unix socket, or an SSH pipe to
/// `mlps serve --stdio` on another machine.
pub trait Transport: std::io::Read + std::io::Write + Send {
    /// Bounds how long a read may wait; not every transport can.
    fn set_read_timeout(&self, _timeout: Option<Duration>) -> std::io::Result<()> {
        Ok(())
    }
}

impl Transport for UnixStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        UnixStream::set_read_timeout(self, timeout)
    }
}

/// Why a connection was not made.
enum NotConnected {
    /// Nobody answers at the socket (none, stale, or a daemon that is just
    /// going away): starting one may help.
    NoDaemon(String),
    /// A daemon answered and refused, or something else is wrong: starting
    /// another would not help.
    Failed(Error),
}

/// Connects to the running daemon of `dir`.
pub fn connect(dir: &Path) -> Result<RemoteStore> {
    try_connect(dir).map_err(|e| match e {
        NotConnected::NoDaemon(why) => Error::runtime(format!(
            "no daemon is running for {} ({why})",
            dir.display()
        )),
        NotConnected::Failed(e) => e,
    })
}

/// Connects to the daemon of `dir`, starting one with this executable
/// when none answers.
pub fn connect_or_start(dir: &Path) -> Result<RemoteStore> {
    connect_or_start_with(dir, &Launcher::current()?)
}

/// How to start a daemon: `EXE serve --db DIR [--idle SECS]`.
#[derive(Debug, Clone)]
pub struct Launcher {
    exe: PathBuf,
    idle: Option<u64>,
    envs: Vec<(OsString, OsString)>,
}

impl Launcher {
    /// This executable. (Under `cargo test` that is the test binary, so
    /// tests name the `mlps` binary with [`Launcher::new`].)
    pub fn current() -> Result<Launcher> {
        let exe = std::env::current_exe().map_err(|e| {
            Error::runtime(format!("cannot find this program to start the daemon: {e}"))
        })?;
        Ok(Launcher::new(exe))
    }

    pub fn new(exe: impl Into<PathBuf>) -> Launcher {
        Launcher {
            exe: exe.into(),
            idle: None,
            envs: Vec::new(),
        }
    }

    /// The daemon's idle time, instead of its default.
    pub fn idle(mut self, secs: u64) -> Launcher {
        self.idle = Some(secs);
        self
    }

    /// An environment variable for the daemon, on top of this process's.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Launcher {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Starts a detached daemon; the receiver gets its exit status.
    fn start(&self, dir: &Path) -> Result<Receiver<(ExitStatus, String)>> {
        let mut command = Command::new(&self.exe);
        command.arg("serve").arg("--db").arg(dir);
        if let Some(secs) = self.idle {
            command.arg("--idle").arg(secs.to_string());
        }
        command
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Read by the reaper, so a daemon that cannot start can say why.
            .stderr(Stdio::piped())
            // Holds no mount busy; `dir` is absolute.
            .current_dir("/");
        // SAFETY: setsid is async-signal-safe and touches no memory of the
        // parent, as code between fork and exec must.
        unsafe {
            command.pre_exec(|| {
                // Its own session: the terminal's Ctrl-C and hangup do not
                // reach it, and it outlives the client that started it.
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| {
            Error::io_said(
                &self.exe,
                format!(
                    "could not start the mlps daemon ({}): {e}",
                    self.exe.display()
                ),
            )
        })?;
        let (tx, rx) = mpsc::channel();
        // Reaps the daemon whenever it exits, so it never lingers as a
        // zombie of a long-lived client, and reports how it ended.
        std::thread::Builder::new()
            .name("mlps-daemon-reaper".into())
            .spawn(move || {
                // Until the daemon exits or closes stderr; a running daemon
                // keeps this thread waiting, which costs nothing.
                let mut said = String::new();
                if let Some(mut err) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut said);
                }
                if let Ok(status) = child.wait() {
                    let _ = tx.send((status, said));
                }
            })
            .map_err(|e| Error::runtime(format!("could not watch the mlps daemon: {e}")))?;
        Ok(rx)
    }
}

/// [`connect_or_start`] with a given way of starting the daemon.
///
/// Clients that find no daemon at once each start one; the daemon lock
/// lets exactly one of those serve, the others exit quietly, and every
/// client connects to the winner.
pub fn connect_or_start_with(dir: &Path, launcher: &Launcher) -> Result<RemoteStore> {
    let dir = std::path::absolute(dir)
        .map_err(|e| Error::io_said(dir, format!("database directory {}: {e}", dir.display())))?;
    let deadline = Instant::now() + START_TIMEOUT;
    let mut started: Option<Receiver<(ExitStatus, String)>> = None;
    let mut lost_race = false;
    let mut pause = Duration::from_millis(2);
    loop {
        let why = match try_connect(&dir) {
            Ok(mut store) => {
                store.launcher = Some(launcher.clone());
                return Ok(store);
            }
            Err(NotConnected::Failed(e)) => return Err(e),
            Err(NotConnected::NoDaemon(why)) => why,
        };
        if let Some(exited) = &started {
            match exited.try_recv() {
                Ok((status, _)) if status.success() => {
                    // It found another daemon holding the lock.
                    started = None;
                    lost_race = true;
                }
                Ok((status, said)) => {
                    // The daemon's own sentence ("mlps: ..."), when it gave one.
                    let said = said
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("");
                    let said = said.strip_prefix("mlps: ").unwrap_or(said);
                    return Err(if said.is_empty() {
                        Error::runtime(format!(
                            "the mlps daemon for {} could not start ({status}); \
                             run `mlps serve --db {}` to see why",
                            dir.display(),
                            dir.display()
                        ))
                    } else if status.code() == Some(2) {
                        Error::input(said.to_string())
                    } else {
                        Error::runtime(said.to_string())
                    });
                }
                Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => {}
            }
        }
        // After losing a race, start another only once the lock is free:
        // the winner may still be opening the store, or be on its way out.
        if started.is_none() && !(lost_race && daemon_lock_held(&dir)) {
            started = Some(launcher.start(&dir)?);
        }
        if Instant::now() >= deadline {
            return Err(Error::runtime(format!(
                "no mlps daemon answered at {} within {} s ({why})",
                socket_path(&dir).display(),
                START_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Whether a daemon (running, starting or stopping) holds `dir`'s lock.
fn daemon_lock_held(dir: &Path) -> bool {
    let Ok(file) = std::fs::File::open(lock_path(dir)) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

fn open_socket(dir: &Path) -> Result<UnixStream, NotConnected> {
    let path = socket_path(dir);
    UnixStream::connect(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
            NotConnected::NoDaemon(format!("{}: {e}", path.display()))
        }
        std::io::ErrorKind::PermissionDenied => {
            NotConnected::Failed(Error::io_said(&path, not_yours(dir, &path, &e)))
        }
        _ => NotConnected::Failed(Error::io(&path, e)),
    })
}

/// Why the socket of `dir` is closed to this user: a database shared with
/// a group this user is not in, or another user's private one.
fn not_yours(dir: &Path, socket: &Path, e: &std::io::Error) -> String {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return format!("{}: {e}", socket.display());
    };
    let owner = crate::sys::user_label(meta.uid());
    if meta.mode() & 0o2070 == 0o2070 {
        format!(
            "{}: {e}: the database is shared with group {}, and you are not in it \
             (ask {owner} or an administrator to add you)",
            socket.display(),
            crate::sys::group_name(meta.gid())
        )
    } else {
        format!(
            "{}: {e}: the database belongs to user {owner}",
            socket.display()
        )
    }
}

/// Sends our Hello and reads the daemon's: its protocol and version.
fn greet(stream: &mut dyn Transport, dir: &Path) -> Result<(u32, String), NotConnected> {
    let said = |e: String| format!("the mlps daemon for {}: {e}", dir.display());
    // It turned this client away, and said why.
    let refused = |e: String| NotConnected::Failed(Error::runtime(said(e)));
    // It did not greet as a daemon does.
    let failed = |e: String| NotConnected::Failed(Error::protocol(said(e)));
    stream
        .set_read_timeout(Some(HELLO_TIMEOUT))
        .map_err(|e| failed(e.to_string()))?;
    let answer = protocol::send(&mut *stream, &protocol::hello_request())
        .and_then(|()| protocol::receive::<Response>(&mut *stream));
    stream
        .set_read_timeout(None)
        .map_err(|e| failed(e.to_string()))?;
    match answer {
        Ok(Some(Response::Hello { protocol, version })) => Ok((protocol, version)),
        Ok(Some(Response::Failed { message, .. })) => Err(refused(message)),
        Ok(Some(other)) => Err(failed(format!("answered Hello with {other:?}"))),
        // Closed before greeting: a daemon on its way out.
        Ok(None) | Err(FrameError::Truncated { .. }) => {
            Err(NotConnected::NoDaemon("it closed the connection".into()))
        }
        Err(FrameError::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
            ) =>
        {
            Err(NotConnected::NoDaemon(format!(
                "it closed the connection: {e}"
            )))
        }
        Err(FrameError::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(failed(format!(
                "no greeting within {} s; it may be stuck",
                HELLO_TIMEOUT.as_secs()
            )))
        }
        Err(e) => Err(failed(e.to_string())),
    }
}

fn try_connect(dir: &Path) -> Result<RemoteStore, NotConnected> {
    let mut stream = open_socket(dir)?;
    let (protocol, version) = greet(&mut stream, dir)?;
    if let Err(e) =
        protocol::check_hello(&format!("daemon for {}", dir.display()), protocol, &version)
    {
        return Err(replace_older(stream, dir, protocol, &e));
    }
    // Same protocol, older release: replaced when nobody uses it, so that
    // an upgrade takes effect; otherwise it serves on until it goes idle.
    if protocol::older_release(&version) {
        protocol::send(&mut stream, &Request::StopIfIdle)
            .map_err(|e| NotConnected::NoDaemon(e.to_string()))?;
        match protocol::receive::<Response>(&mut stream) {
            Ok(Some(Response::Stopping)) => {
                // Its Stopping is read; what is left is the wait.
                drop(stream);
                let deadline = Instant::now() + START_TIMEOUT;
                while daemon_lock_held(dir) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(5));
                }
                return Err(NotConnected::NoDaemon(format!(
                    "the idle daemon of mlps {version} was stopped to be replaced"
                )));
            }
            Ok(Some(Response::Failed { .. })) => {}
            Ok(_) | Err(_) => {
                return Err(NotConnected::NoDaemon(
                    "the daemon closed the connection".into(),
                ));
            }
        }
    }
    Ok(RemoteStore {
        dir: dir.to_path_buf(),
        stream: Mutex::new(Box::new(stream)),
        notice: None,
        launcher: None,
    })
}

/// A store over any transport, once the daemon at its end has greeted in
/// this build's protocol. `place` names it in messages.
pub fn over(mut transport: Box<dyn Transport>, place: &str) -> Result<RemoteStore> {
    let place = PathBuf::from(place);
    let (protocol, version) = greet(&mut *transport, &place).map_err(|e| match e {
        NotConnected::NoDaemon(why) => Error::runtime(format!(
            "no mlps daemon answered at {} ({why})",
            place.display()
        )),
        NotConnected::Failed(e) => e,
    })?;
    protocol::check_hello(
        &format!("daemon for {}", place.display()),
        protocol,
        &version,
    )
    .map_err(Error::protocol)?;
    Ok(RemoteStore {
        dir: place,
        stream: Mutex::new(transport),
        notice: None,
        launcher: None,
    })
}

/// A daemon of another protocol answered. One older than this build that
/// nobody else is using is stopped, so that the caller starts a current
/// one; otherwise the refusal says what to do.
fn replace_older(
    mut stream: UnixStream,
    dir: &Path,
    protocol: u32,
    mismatch: &str,
) -> NotConnected {
    let stop_hint = format!(
        "stop it with `mlps stop --db {}` (it restarts on demand)",
        dir.display()
    );
    if protocol > protocol::PROTOCOL {
        return NotConnected::Failed(Error::protocol(format!(
            "{mismatch}: a newer mlps serves this database; use that version, or {stop_hint}"
        )));
    }
    let asked = protocol::send(&mut stream, &Request::StopIfIdle).map_err(|e| e.to_string());
    match asked.and_then(|()| wait_stopped(&mut stream, dir, true)) {
        Ok(()) => NotConnected::NoDaemon(format!(
            "an idle daemon of an older mlps ({mismatch}) was stopped to be replaced"
        )),
        Err(why) => NotConnected::Failed(Error::protocol(format!(
            "{mismatch}. It was left running: {why}. When its sessions have quit, run this \
             again, or {stop_hint}"
        ))),
    }
}

/// After a stop request: reads the answer and waits until the daemon has
/// closed the connection and let go of the directory.
/// `answered`: only a daemon that said Stopping counts as stopping (one
/// that does not know the request just closes the connection).
fn wait_stopped(stream: &mut UnixStream, dir: &Path, answered: bool) -> Result<(), String> {
    stream
        .set_read_timeout(Some(START_TIMEOUT))
        .map_err(|e| e.to_string())?;
    // The daemon answers Stopping, then closes every connection once its
    // requests in flight are done and the store is flushed.
    let mut stopping = false;
    loop {
        match protocol::receive::<Response>(stream) {
            Ok(Some(Response::Stopping)) => stopping = true,
            Ok(Some(Response::Failed { message, .. })) => return Err(message),
            Ok(Some(_)) => {}
            Ok(None) | Err(FrameError::Truncated { .. }) => break,
            Err(FrameError::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                ) =>
            {
                break;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    if answered && !stopping {
        return Err("it closed the connection without stopping".into());
    }
    // The lock goes when the process exits, just after the connections.
    let deadline = Instant::now() + START_TIMEOUT;
    while daemon_lock_held(dir) {
        if Instant::now() >= deadline {
            return Err("it closed its connections but is still running".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// What `stop` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOutcome {
    NotRunning,
    Stopped,
}

/// Stops the daemon of `dir`, whatever its version, and returns once it
/// has let go of the directory.
pub fn stop(dir: &Path) -> Result<StopOutcome> {
    let failed = |e: String| {
        Error::runtime(format!(
            "stopping the mlps daemon for {}: {e}",
            dir.display()
        ))
    };
    let mut stream = match open_socket(dir) {
        Ok(s) => s,
        Err(NotConnected::NoDaemon(_)) => return Ok(StopOutcome::NotRunning),
        Err(NotConnected::Failed(e)) => return Err(e),
    };
    // Hello and Stop never change shape, so any protocol will do here.
    match greet(&mut stream, dir) {
        Ok(_) => {}
        Err(NotConnected::NoDaemon(_)) => return Ok(StopOutcome::NotRunning),
        Err(NotConnected::Failed(e)) => return Err(e),
    }
    protocol::send(&mut stream, &Request::Stop).map_err(|e| failed(e.to_string()))?;
    wait_stopped(&mut stream, dir, false).map_err(failed)?;
    Ok(StopOutcome::Stopped)
}

fn damaged(e: codec::CodecError) -> Error {
    Error::codec(format!("the mlps daemon sent a damaged record: {e}"))
}

fn decode<R: Record>(bytes: &[u8]) -> Result<R> {
    codec::decode(bytes).map_err(damaged)
}

fn decode_all<R: Record>(list: &[Vec<u8>]) -> Result<Vec<R>> {
    list.iter().map(|b| decode(b)).collect()
}

impl RemoteStore {
    /// The database directory this store serves.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lost(&self, e: &FrameError) -> Error {
        Error::protocol(format!(
            "lost the connection to the mlps daemon for {}: {e}",
            self.dir.display()
        ))
    }

    /// When the daemon of this (local) database goes away, connect to a
    /// new one (starting it) and go on, telling the user through
    /// `notice`: a request that never reached the old daemon is sent
    /// again, and so is a read whose answer was lost. A write whose answer
    /// was lost is not: it may have been saved, so the error says so.
    pub fn reconnecting(mut self, notice: fn(&str)) -> RemoteStore {
        self.notice = Some(notice);
        self
    }

    /// Replaces a lost connection with one to a new daemon.
    fn reconnect(&self, stream: &mut Box<dyn Transport>) -> Result<()> {
        let fresh = match &self.launcher {
            Some(launcher) => connect_or_start_with(&self.dir, launcher)?,
            None => connect_or_start(&self.dir)?,
        };
        *stream = fresh.stream.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(say) = self.notice {
            say(&format!(
                "the database daemon for {} went away; reconnected to a new one",
                self.dir.display()
            ));
        }
        Ok(())
    }

    /// One request and its answer; a refusal comes back as the error it
    /// was in the daemon, bad input or runtime failure alike.
    fn call(&self, request: &Request) -> Result<Response> {
        let mut stream = self.stream.lock().unwrap_or_else(|p| p.into_inner());
        let gone = |e: &FrameError| {
            matches!(e, FrameError::Io(io) if matches!(
                io.kind(),
                std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::NotConnected
            )) || matches!(e, FrameError::Truncated { .. })
        };
        match protocol::send(&mut *stream, request) {
            Ok(()) => {}
            Err(FrameError::TooLarge { len }) => {
                return Err(Error::protocol(format!(
                    "the request is {len} bytes, over the daemon protocol's limit of {} bytes; \
                     nothing was sent",
                    protocol::MAX_FRAME
                )));
            }
            // Nobody read it: sending it to a new daemon is safe.
            Err(e) if gone(&e) && self.notice.is_some() => {
                self.reconnect(&mut stream)?;
                protocol::send(&mut *stream, request).map_err(|e| self.lost(&e))?;
            }
            Err(e) => return Err(self.lost(&e)),
        }
        let mut answer = protocol::receive::<Response>(&mut *stream);
        let unanswered = match &answer {
            Ok(None) => true,
            Err(e) => gone(e),
            Ok(Some(_)) => false,
        };
        if unanswered && self.notice.is_some() {
            if !request.reads_only() {
                return Err(Error::protocol(format!(
                    "the mlps daemon for {} went away before confirming the {}; it may or may \
                     not have been saved: check with `mlps log` before doing it again",
                    self.dir.display(),
                    request.kind()
                )));
            }
            self.reconnect(&mut stream)?;
            protocol::send(&mut *stream, request).map_err(|e| self.lost(&e))?;
            answer = protocol::receive::<Response>(&mut *stream);
        }
        match answer {
            Ok(Some(Response::Failed {
                input: true,
                message,
            })) => Err(Error::Input(message)),
            Ok(Some(Response::Failed { message, .. })) => Err(Error::Runtime(message)),
            Ok(Some(Response::Error(e))) => Err(e.into()),
            Ok(Some(response)) => Ok(response),
            Ok(None) => Err(Error::protocol(format!(
                "the mlps daemon for {} closed the connection",
                self.dir.display()
            ))),
            Err(e) => Err(self.lost(&e)),
        }
    }

    fn unexpected(&self, request: &str, response: &Response) -> Error {
        Error::protocol(format!(
            "the mlps daemon for {} answered {request} with {}",
            self.dir.display(),
            response.kind()
        ))
    }

    fn records<R: Record>(&self, request: Request) -> Result<Vec<R>> {
        match self.call(&request)? {
            Response::Records(list) => decode_all(&list),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn found<R: Record>(&self, request: Request) -> Result<Option<R>> {
        match self.call(&request)? {
            Response::Found(found) => found.as_deref().map(decode).transpose(),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    /// A create, update or restore: the record as the daemon stored it.
    fn write<R: Record>(&self, request: Request) -> Result<R> {
        match self.call(&request)? {
            Response::Record(bytes) => decode(&bytes),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn done(&self, request: Request) -> Result<()> {
        match self.call(&request)? {
            Response::Done => Ok(()),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    /// What the daemon has to say once (an upgrade of the database's
    /// format, say): the first caller gets it, later ones nothing. A
    /// failure to ask is not worth failing a command for, so it is none.
    pub fn take_notices(&self) -> Vec<String> {
        match self.call(&Request::Notices) {
            Ok(Response::Notices(lines)) => lines,
            _ => Vec::new(),
        }
    }

    /// The daemon's pid, uptime, clients and database.
    pub fn status(&self) -> Result<DaemonStatus> {
        match self.call(&Request::Status)? {
            Response::Status(s) => Ok(s),
            other => Err(self.unexpected("Status", &other)),
        }
    }
}

impl CaseStore for RemoteStore {
    fn clients(&self) -> Result<Vec<Client>> {
        self.records(Request::Clients)
    }

    fn client(&self, id: ClientId) -> Result<Option<Client>> {
        self.found(Request::Client { id: id.0 })
    }

    fn networks_of(&self, client: ClientId) -> Result<Vec<Network>> {
        self.records(Request::NetworksOf { client: client.0 })
    }

    fn networks(&self) -> Result<Vec<Network>> {
        self.records(Request::Networks)
    }

    fn network(&self, id: NetworkId) -> Result<Option<Network>> {
        self.found(Request::Network { id: id.0 })
    }

    fn create_client(&self, client: Client) -> Result<Client> {
        let record = codec::encode(&client);
        self.write(Request::CreateClient { record })
    }

    fn update_client(&self, client: Client) -> Result<Client> {
        let record = codec::encode(&client);
        self.write(Request::UpdateClient { record })
    }

    fn delete_client(&self, id: ClientId, revision: Option<u64>) -> Result<()> {
        self.done(Request::DeleteClient { id: id.0, revision })
    }

    fn create_network(&self, network: Network) -> Result<Network> {
        let record = codec::encode(&network);
        self.write(Request::CreateNetwork { record })
    }

    fn update_network(&self, network: Network) -> Result<Network> {
        let record = codec::encode(&network);
        self.write(Request::UpdateNetwork { record })
    }

    fn delete_network(&self, id: NetworkId, revision: Option<u64>) -> Result<()> {
        self.done(Request::DeleteNetwork { id: id.0, revision })
    }

    fn restore_network(&self, network: Network) -> Result<Network> {
        let record = codec::encode(&network);
        self.write(Request::RestoreNetwork { record })
    }

    fn import(&self, clients: Vec<NewClient>) -> Result<ImportSummary> {
        use crate::store::sled_store::{IMPORT_CHUNK, ImportPlan, ONE_BATCH_MAX};
        let imported = |response: Response, kind: &str| match response {
            Response::Imported {
                clients,
                networks,
                findings,
            } => Ok(ImportSummary {
                clients: clients as usize,
                networks: networks as usize,
                findings: findings as usize,
            }),
            other => Err(self.unexpected(kind, &other)),
        };
        if clients.len() <= ONE_BATCH_MAX {
            let clients = clients.iter().map(import_client).collect();
            return imported(self.call(&Request::Import { clients })?, "Import");
        }
        // Many clients go a chunk at a time, staged by the daemon beside
        // the database and put in at the end: neither side holds the
        // whole import encoded.
        let plan = ImportPlan::of(&clients);
        self.done(Request::ImportBegin {
            records: plan.records,
            findings: plan.findings,
            highest: plan.highest,
        })?;
        for chunk in clients.chunks(IMPORT_CHUNK) {
            self.done(Request::ImportChunk {
                clients: chunk.iter().map(import_client).collect(),
            })?;
        }
        imported(self.call(&Request::ImportCommit)?, "ImportCommit")
    }

    fn findings_of(&self, network: NetworkId) -> Result<Vec<StoredFinding>> {
        self.records(Request::FindingsOf { network: network.0 })
    }

    fn finding(&self, id: FindingId) -> Result<Option<StoredFinding>> {
        self.found(Request::Finding { id: id.0 })
    }

    fn all_findings(&self) -> Result<Vec<StoredFinding>> {
        self.records(Request::AllFindings)
    }

    fn all_gap_extensions(&self) -> Result<Vec<(NetworkId, ExtensionChoice)>> {
        match self.call(&Request::AllGapExtensions)? {
            Response::GapExtensions(list) => list
                .into_iter()
                .map(|(n, bytes)| Ok((NetworkId(n), decode(&bytes)?)))
                .collect(),
            other => Err(self.unexpected("AllGapExtensions", &other)),
        }
    }

    fn create_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        let record = codec::encode(&finding);
        self.write(Request::CreateFinding { record })
    }

    fn update_finding(&self, finding: StoredFinding) -> Result<StoredFinding> {
        let record = codec::encode(&finding);
        self.write(Request::UpdateFinding { record })
    }

    fn delete_finding(&self, id: FindingId, revision: Option<u64>) -> Result<()> {
        self.done(Request::DeleteFinding { id: id.0, revision })
    }

    fn set_finding_status(
        &self,
        ids: &[FindingId],
        status: FindingStatus,
        date: NaiveDate,
    ) -> Result<Vec<StoredFinding>> {
        self.records(Request::SetFindingStatus {
            ids: ids.iter().map(|f| f.0).collect(),
            status: codec::status_code(status),
            date: codec::date_to_days(date),
        })
    }

    fn import_findings(
        &self,
        network: NetworkId,
        findings: Vec<Finding>,
        replace: bool,
    ) -> Result<usize> {
        let request = Request::ImportFindings {
            network: network.0,
            findings: findings
                .into_iter()
                .map(|f| codec::encode(&StoredFinding::new(network, f)))
                .collect(),
            replace,
        };
        match self.call(&request)? {
            Response::Imported { findings, .. } => Ok(findings as usize),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn gap_extensions(&self, network: NetworkId) -> Result<ExtensionChoice> {
        self.write(Request::GapExtensions { network: network.0 })
    }

    fn set_gap_extensions(&self, network: NetworkId, choice: ExtensionChoice) -> Result<()> {
        self.done(Request::SetGapExtensions {
            network: network.0,
            record: codec::encode(&choice),
        })
    }

    fn visit_due_named(
        &self,
        until: NaiveDate,
        renewals_only: bool,
        visit: &mut dyn FnMut(&DueItem, &str, &str, &str),
    ) -> Result<()> {
        let request = Request::DueNamedUntil {
            renewals_only,
            until: codec::date_to_days(until),
        };
        match self.call(&request)? {
            Response::DueNamed(rows) => {
                for (bytes, client, client_zh, network) in rows.iter() {
                    let d: DueRecord = decode(bytes)?;
                    visit(&DueItem::from(&d), client, client_zh, network);
                }
                Ok(())
            }
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn due_named_until(
        &self,
        until: NaiveDate,
        renewals_only: bool,
    ) -> Result<Vec<crate::store::NamedDue>> {
        let request = Request::DueNamedUntil {
            renewals_only,
            until: codec::date_to_days(until),
        };
        match self.call(&request)? {
            Response::DueNamed(rows) => rows
                .iter()
                .map(|(bytes, client, client_zh, network)| {
                    let d: DueRecord = decode(bytes)?;
                    let item = DueItem::from(&d);
                    Ok(crate::store::NamedDue {
                        item,
                        client: client.to_string(),
                        client_zh: client_zh.to_string(),
                        network: network.to_string(),
                    })
                })
                .collect(),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn log(&self, query: &LogQuery) -> Result<Vec<LogEntry>> {
        self.records(Request::Log {
            query: query.clone(),
        })
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<crate::domain::search::Hit>> {
        let request = Request::Search {
            query: query.to_string(),
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
        };
        match self.call(&request)? {
            Response::Hits(hits) => Ok(hits.into_iter().filter_map(WireHit::hit).collect()),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn due_until(&self, until: NaiveDate) -> Result<Vec<DueItem>> {
        let request = Request::DueUntil {
            until: codec::date_to_days(until),
        };
        let due: Vec<DueRecord> = self.records(request)?;
        Ok(due.iter().map(DueItem::from).collect())
    }
}

impl Maintenance for RemoteStore {
    fn backup(
        &self,
        page: &mut dyn FnMut(crate::store::backup::Pairs) -> Result<()>,
    ) -> Result<()> {
        let keys = match self.call(&Request::Backup)? {
            Response::Snapshot { keys } => keys,
            other => return Err(self.unexpected("Backup", &other)),
        };
        let mut received = 0u64;
        loop {
            match self.call(&Request::SnapshotPage)? {
                Response::Pairs(pairs) if pairs.is_empty() => break,
                Response::Pairs(pairs) => {
                    received += pairs.len() as u64;
                    page(pairs)?;
                }
                other => return Err(self.unexpected("SnapshotPage", &other)),
            }
        }
        // Every pair of the snapshot, or the backup is not one.
        if received != keys {
            return Err(Error::runtime(format!(
                "the backup received {received} of the snapshot's {keys} records; \
                 it is not complete, so it was not kept"
            )));
        }
        Ok(())
    }

    fn restore(
        &self,
        pairs: crate::store::backup::Pairs,
        replace: bool,
        note: &str,
    ) -> Result<crate::store::backup::RestoreSummary> {
        let mut tally = crate::store::backup::Tally::default();
        let mut sorted = pairs;
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in &sorted {
            tally.add(k, v)?;
        }
        let pairs = sorted;
        let mut chunk = Vec::new();
        let mut bytes = 0;
        let send = |chunk: Vec<(Vec<u8>, Vec<u8>)>| match self
            .call(&Request::RestorePairs { pairs: chunk })?
        {
            Response::Done => Ok(()),
            other => Err(self.unexpected("RestorePairs", &other)),
        };
        for (k, v) in pairs {
            bytes += k.len() + v.len();
            chunk.push((k, v));
            if bytes >= crate::store::backup::PAGE_BYTES {
                send(std::mem::take(&mut chunk))?;
                bytes = 0;
            }
        }
        if !chunk.is_empty() {
            send(chunk)?;
        }
        let request = Request::RestoreCommit {
            replace,
            note: note.to_string(),
            keys: tally.keys,
            digest: tally.digest(),
        };
        match self.call(&request)? {
            Response::Restored(summary) => Ok(summary),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }

    fn database_id(&self) -> Result<String> {
        match self.call(&Request::DatabaseId)? {
            Response::DatabaseId(id) => Ok(id),
            other => Err(self.unexpected("DatabaseId", &other)),
        }
    }

    fn doctor(&self, repair: bool) -> Result<crate::store::Checkup> {
        let request = Request::Doctor { repair };
        match self.call(&request)? {
            Response::Checkup(checkup) => Ok(checkup),
            other => Err(self.unexpected(request.kind(), &other)),
        }
    }
}

/// What another client's write changed, as the daemon reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These records were written or deleted.
    Records {
        clients: Vec<ClientId>,
        networks: Vec<NetworkId>,
    },
    /// Too much to list (an import): read everything again.
    Everything,
    /// Findings were written or deleted: those of `networks` (their
    /// extension sets too), and `findings` by id.
    Findings {
        networks: Vec<NetworkId>,
        findings: Vec<FindingId>,
    },
    /// The feed ended: the daemon stopped or went away.
    Lost,
}

/// A feed of every change made to the database of `dir`, by anyone, read
/// on a thread of its own. The daemon must be running (the caller holds a
/// connection to it).
pub fn subscribe(dir: &Path) -> Result<Receiver<Change>> {
    follow(connect(dir)?)
}

/// Turns a connection into a feed of changes, read on a thread of its own.
pub fn follow(store: RemoteStore) -> Result<Receiver<Change>> {
    let dir = store.dir.clone();
    let answer = store.call(&Request::Subscribe)?;
    if answer != Response::Subscribed {
        return Err(Error::protocol(format!(
            "the mlps daemon for {} answered {} to Subscribe",
            dir.display(),
            answer.kind()
        )));
    }
    let mut stream = store.stream.into_inner().unwrap_or_else(|p| p.into_inner());
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("mlps-changes".into())
        .spawn(move || {
            loop {
                let change = match protocol::receive::<Response>(&mut stream) {
                    Ok(Some(Response::Changed {
                        clients,
                        networks,
                        everything,
                    })) => {
                        if everything {
                            Change::Everything
                        } else {
                            Change::Records {
                                clients: clients.into_iter().map(ClientId).collect(),
                                networks: networks.into_iter().map(NetworkId).collect(),
                            }
                        }
                    }
                    Ok(Some(Response::FindingsChanged { networks, findings })) => {
                        Change::Findings {
                            networks: networks.into_iter().map(NetworkId).collect(),
                            findings: findings.into_iter().map(FindingId).collect(),
                        }
                    }
                    Ok(Some(_)) => continue,
                    Ok(None) | Err(_) => {
                        let _ = tx.send(Change::Lost);
                        return;
                    }
                };
                if tx.send(change).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| Error::runtime(format!("could not follow changes: {e}")))?;
    Ok(rx)
}

/// A client of an import, as the protocol carries it.
fn import_client(c: &NewClient) -> ImportClient {
    ImportClient {
        id: c.id.map(|id| id.0),
        record: codec::encode(&c.client),
        networks: c
            .networks
            .iter()
            .map(|n| ImportNetwork {
                id: n.id.map(|id| id.0),
                record: codec::encode(&n.network),
                findings: n
                    .findings
                    .iter()
                    .map(|f| codec::encode(&StoredFinding::new(n.network.id, f.clone())))
                    .collect(),
                gap_extensions: n.gap_extensions.as_ref().map(codec::encode),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A daemon of another protocol: it greets, and answers Stop.
    fn foreign_daemon(dir: &Path) -> std::thread::JoinHandle<Vec<Request>> {
        let listener = UnixListener::bind(socket_path(dir)).unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut heard = Vec::new();
            while let Ok(Some(request)) = protocol::receive::<Request>(&mut stream) {
                let answer = match request {
                    Request::Hello { .. } => Response::Hello {
                        protocol: protocol::PROTOCOL + 98,
                        version: "9.0.0".into(),
                    },
                    Request::Stop => Response::Stopping,
                    _ => break,
                };
                heard.push(request);
                protocol::send(&mut stream, &answer).unwrap();
                if matches!(answer, Response::Stopping) {
                    break;
                }
            }
            heard
        })
    }

    #[test]
    fn a_daemon_of_another_protocol_is_refused_naming_both_versions() {
        let dir = tempfile::tempdir().unwrap();
        let daemon = foreign_daemon(dir.path());
        let Err(e) = connect(dir.path()) else {
            panic!("connected to a daemon of another protocol");
        };
        let m = e.message();
        assert!(m.contains("mlps 9.0.0"), "{m}");
        assert!(
            m.contains(&format!("protocol {}", protocol::PROTOCOL + 98)),
            "{m}"
        );
        assert!(m.contains(&format!("mlps {}", protocol::VERSION)), "{m}");
        assert!(
            m.contains(&format!("protocol {}", protocol::PROTOCOL)),
            "{m}"
        );
        assert!(m.contains("mlps stop"), "{m}");
        assert_eq!(daemon.join().unwrap(), vec![protocol::hello_request()]);
    }

    #[test]
    fn stop_works_across_protocols() {
        let dir = tempfile::tempdir().unwrap();
        let daemon = foreign_daemon(dir.path());
        assert_eq!(stop(dir.path()).unwrap(), StopOutcome::Stopped);
        assert_eq!(
            daemon.join().unwrap(),
            vec![protocol::hello_request(), Request::Stop]
        );
    }

    #[test]
    fn no_socket_means_not_running() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(stop(dir.path()).unwrap(), StopOutcome::NotRunning);
        let e = connect(dir.path()).err().unwrap();
        assert!(e.message().contains("no daemon is running"), "{e}");
    }
}
