//! Working on another machine's database: `mlps --remote user@host` runs
//! `ssh user@host mlps serve --stdio` and speaks the daemon protocol over
//! the SSH pipe, so the case manager draws locally while the database
//! stays on the shared box. On that box, `serve --stdio` relays between
//! the pipe and the database's daemon (starting it on demand), and the
//! daemon sees the SSH user as the peer of its socket.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use super::client::{self, Change, RemoteStore, Transport};
use crate::error::{Error, Missing, Result};

/// The ssh program; `MLPS_SSH` names another (a wrapper, or a test's).
fn ssh_program() -> String {
    std::env::var("MLPS_SSH")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "ssh".to_string())
}

/// The mlps program on the other machine; `MLPS_REMOTE_MLPS` names it when
/// it is not on the remote PATH.
fn remote_program() -> String {
    std::env::var("MLPS_REMOTE_MLPS")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "mlps".to_string())
}

/// A word for a POSIX shell, quoted: ssh hands the remote command to the
/// user's shell as one line.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@,+".contains(&b))
    {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A database on another machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// What ssh connects to: `user@host`, `host`, or an ssh config alias.
    pub target: String,
    /// The database directory there; `None`: that machine's default.
    pub db: Option<PathBuf>,
    /// Refuse to create a database there: a command that only reads asks
    /// for one that exists (a mistyped `--db` is not a new database).
    pub existing: bool,
}

impl Remote {
    /// Checks the target is something ssh reads as a host, not an option.
    pub fn new(target: &str, db: Option<&Path>) -> Result<Remote> {
        let target = target.trim();
        if target.is_empty() || target.starts_with('-') || target.chars().any(char::is_whitespace) {
            return Err(Error::input(format!(
                "--remote: {target:?} is not a host: expected user@host or an ssh host alias"
            )));
        }
        Ok(Remote {
            target: target.to_string(),
            db: db.map(Path::to_path_buf),
            existing: false,
        })
    }

    /// `user@host:DIR`, for messages.
    pub fn place(&self) -> String {
        match &self.db {
            Some(db) => format!("{}:{}", self.target, db.display()),
            None => format!("{}:(default database)", self.target),
        }
    }

    /// The command line run on the other machine.
    pub fn remote_command(&self) -> String {
        let mut words = vec![remote_program(), "serve".into(), "--stdio".into()];
        if let Some(db) = &self.db {
            words.push("--db".into());
            words.push(db.display().to_string());
        }
        if self.existing {
            words.push("--existing".into());
        }
        words
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Opens an SSH pipe to the database's daemon and greets it.
    pub fn connect(&self) -> Result<RemoteStore> {
        let mut pipe = SshPipe::open(self)?;
        let said = Arc::clone(&pipe.said);
        let heard_all = pipe.heard_all.take();
        client::over(Box::new(pipe), &self.place()).map_err(|e| {
            // What ssh or the remote mlps said is the useful part: wait
            // (briefly) until all of it is in, now that ssh has gone.
            if let Some(done) = heard_all {
                let _ = done.recv_timeout(std::time::Duration::from_secs(2));
            }
            let said = said.lock().unwrap_or_else(|p| p.into_inner());
            let last = said.lines().rev().find(|l| !l.trim().is_empty());
            match last {
                Some(line) => Error::runtime(format!(
                    "{}: {}",
                    e.message(),
                    crate::text::escape_for_terminal(line.trim())
                )),
                None => e,
            }
        })
    }
}

/// `ssh TARGET mlps serve --stdio` as a transport: requests go to its
/// stdin, answers come from its stdout.
struct SshPipe {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// What ssh and the remote side wrote to stderr, for messages.
    said: Arc<Mutex<String>>,
    /// Signalled once stderr has closed and `said` holds all of it.
    heard_all: Option<Receiver<()>>,
}

impl SshPipe {
    fn open(remote: &Remote) -> Result<SshPipe> {
        let program = ssh_program();
        let mut child = Command::new(&program)
            // No pseudo-terminal: the pipe carries binary frames.
            .arg("-T")
            .arg(&remote.target)
            .arg(remote.remote_command())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::runtime(format!("could not run {program}: {e}")))?;
        let said = Arc::new(Mutex::new(String::new()));
        let (heard, heard_all) = std::sync::mpsc::channel();
        if let Some(mut err) = child.stderr.take() {
            let said = Arc::clone(&said);
            // Kept short: only the last lines are ever shown.
            let _ = std::thread::Builder::new()
                .name("mlps-ssh-stderr".into())
                .spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = err.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        let mut s = said.lock().unwrap_or_else(|p| p.into_inner());
                        s.push_str(&String::from_utf8_lossy(&buf[..n]));
                        if s.len() > 16 * 1024 {
                            let cut = s.len() - 8 * 1024;
                            let cut = s.ceil_char_boundary(cut);
                            s.drain(..cut);
                        }
                    }
                    let _ = heard.send(());
                });
        }
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::runtime(format!(
                "{program}: no pipe to talk through"
            )));
        };
        Ok(SshPipe {
            child,
            stdin: Some(stdin),
            stdout,
            said,
            heard_all: Some(heard_all),
        })
    }
}

impl Read for SshPipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stdout.read(buf)
    }
}

impl Write for SshPipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.stdin {
            Some(w) => w.write(buf),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.stdin {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Transport for SshPipe {}

impl Drop for SshPipe {
    fn drop(&mut self) {
        // End of input lets the remote relay finish; then ssh goes.
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a session's database is: a directory here, or one on another
/// machine. A session keeps it to reconnect and to follow changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Local(PathBuf),
    Remote(Remote),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Local(dir) => write!(f, "{}", dir.display()),
            Endpoint::Remote(remote) => f.write_str(&remote.place()),
        }
    }
}

impl Endpoint {
    /// Opens the database as a store: through the local daemon (see
    /// [`crate::server::open`]) or over SSH.
    pub fn open(&self) -> Result<Box<dyn crate::store::Database>> {
        match self {
            Endpoint::Local(dir) => super::open(dir),
            Endpoint::Remote(remote) => Ok(Box::new(remote.connect()?)),
        }
    }

    /// [`Endpoint::open`], as a store several threads may share.
    pub fn open_shared(&self) -> Result<std::sync::Arc<RemoteStore>> {
        Ok(std::sync::Arc::new(match self {
            Endpoint::Local(dir) => super::open_local(dir)?,
            Endpoint::Remote(remote) => remote.connect()?,
        }))
    }

    /// Connects, starting the daemon when none runs (on the other machine,
    /// `serve --stdio` starts it).
    pub fn connect_or_start(&self) -> Result<RemoteStore> {
        match self {
            Endpoint::Local(dir) => client::connect_or_start(dir),
            Endpoint::Remote(remote) => remote.connect(),
        }
    }

    /// A feed of every change anyone makes, on a connection of its own.
    pub fn subscribe(&self) -> Result<Receiver<Change>> {
        match self {
            Endpoint::Local(dir) => client::subscribe(dir),
            Endpoint::Remote(remote) => client::follow(remote.connect()?),
        }
    }
}

/// `mlps serve --stdio`: relays between stdin/stdout and the daemon of
/// `dir`, starting one when none runs, until either side closes.
pub fn relay(dir: &Path, existing: bool) -> Result<()> {
    use std::os::unix::net::UnixStream;
    if existing && !crate::store::exists(dir) {
        return Err(Error::not_found(
            Missing::Path(dir.to_path_buf()),
            format!(
                "no database at {}: check --db, or create one with mlps import or mlps demo",
                dir.display()
            ),
        ));
    }
    // Make sure a daemon runs; the far end does its own greeting.
    let first = client::connect_or_start(dir)?;
    // The far end's stderr reaches the user's terminal.
    for n in first.take_notices() {
        eprintln!("mlps: {}", crate::text::clean_line(&n));
    }
    drop(first);
    let socket = crate::server::daemon::socket_path(dir);
    let stream = UnixStream::connect(&socket).map_err(|e| Error::io(&socket, e))?;
    let mut to_daemon = stream.try_clone().map_err(|e| Error::io(&socket, e))?;
    let upstream = std::thread::Builder::new()
        .name("mlps-relay-in".into())
        .spawn(move || {
            pump(&mut std::io::stdin().lock(), &mut to_daemon);
            // The daemon sees the end of the requests and closes in turn.
            let _ = to_daemon.shutdown(std::net::Shutdown::Write);
        })
        .map_err(|e| Error::runtime(format!("relay: {e}")))?;
    pump(&mut { stream }, &mut std::io::stdout().lock());
    drop(upstream);
    Ok(())
}

/// Copies until either side ends, each chunk passed on at once.
fn pump(from: &mut impl Read, to: &mut impl Write) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() || to.flush().is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_remote_shell() {
        assert_eq!(shell_quote("/srv/mlps"), "/srv/mlps");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("数据"), "'数据'");
    }

    #[test]
    fn a_target_that_looks_like_an_option_is_refused() {
        assert!(Remote::new("-oProxyCommand=evil", None).is_err());
        assert!(Remote::new("a b", None).is_err());
        assert!(Remote::new("", None).is_err());
        let r = Remote::new("ana@box", Some(Path::new("/srv/mlps db"))).unwrap();
        assert_eq!(r.place(), "ana@box:/srv/mlps db");
        assert!(
            r.remote_command()
                .ends_with("serve --stdio --db '/srv/mlps db'")
        );
    }
}
