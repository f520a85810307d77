//! The kinds of failure a user sees: bad input (exit 2), a runtime failure
//! (exit 1), and the kinds code acts on: a record changed meanwhile, ids
//! already taken, something that does not exist, a file that could not be
//! read or written, bytes that do not decode, a daemon that does not speak
//! the protocol. Each carries a complete sentence for stderr; code branches
//! on the kind, never on the sentence.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Bad usage or bad input: the message names the file and line:column,
    /// the JSON path or the field. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// Something failed while doing the work. Exit code 1.
    #[error("{0}")]
    Runtime(String),
    /// Whoever read the output went away (`| head`): stop quietly, exit 0.
    #[error("output closed")]
    OutputClosed,
    /// A write based on a revision that someone else has since replaced.
    /// Exit code 1.
    #[error("{}", .0.message)]
    Conflict(Box<Conflict>),
    /// An import gave ids the database already holds; nothing was
    /// written. Exit code 2.
    #[error("{}", .0.message)]
    Taken(Box<Taken>),
    /// A client, network, file or database that does not exist. Exit code
    /// 2 when the user named it, 1 when it should have been there (see
    /// [`NotFound::input`]).
    #[error("{}", .0.message)]
    NotFound(Box<NotFound>),
    /// A file or directory could not be read, written or made; `message`
    /// names `path`. Exit code 1.
    #[error("{message}")]
    Io { path: PathBuf, message: String },
    /// Stored or sent bytes that do not decode: a damaged record, or one
    /// written by a newer mlps. Exit code 1.
    #[error("{0}")]
    Codec(String),
    /// The daemon and its client do not understand each other: another
    /// protocol version, a bad frame, an unexpected answer, a connection
    /// lost. Exit code 1.
    #[error("{0}")]
    Protocol(String),
}

/// Ids an import gave that the database already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The whole sentence, for stderr.
    pub message: String,
    pub clients: Vec<u64>,
    pub networks: Vec<u64>,
}

/// Who changed a record after it was read, so a session can say so and
/// offer to reload or overwrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The whole sentence, for stderr.
    pub message: String,
    /// The revision the store holds now.
    pub revision: u64,
    /// Who wrote that revision, and when (Unix time), as the audit log has
    /// it; `None` where the log has no entry.
    pub by: Option<String>,
    pub at: Option<i64>,
}

/// Something looked for that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// The whole sentence, for stderr.
    pub message: String,
    pub what: Missing,
    /// The user named it and it never was there (bad input, exit 2), as
    /// opposed to a record deleted meanwhile or one a stored record points
    /// at (exit 1).
    pub input: bool,
}

/// What was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Client(u64),
    Network(u64),
    /// A network asked for by name (or an id that matches none), as given.
    NetworkNamed(String),
    /// A file, or a database directory.
    Path(PathBuf),
    /// A client or network looked up by a query (`mlps renewals QUERY`)
    /// that matches none, as given.
    Query(String),
    /// A finding, by id.
    Finding(u64),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(msg: impl Into<String>) -> Error {
        Error::Input(msg.into())
    }

    pub fn runtime(msg: impl Into<String>) -> Error {
        Error::Runtime(msg.into())
    }

    /// A file-system failure at `path`: `PATH: what the system said`.
    pub fn io(path: impl AsRef<Path>, err: impl std::fmt::Display) -> Error {
        let path = path.as_ref();
        Error::Io {
            message: format!("{}: {err}", path.display()),
            path: path.to_path_buf(),
        }
    }

    /// A file-system failure at `path`, in a sentence of its own (which
    /// names the path).
    pub fn io_said(path: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }

    pub fn codec(msg: impl Into<String>) -> Error {
        Error::Codec(msg.into())
    }

    pub fn protocol(msg: impl Into<String>) -> Error {
        Error::Protocol(msg.into())
    }

    /// Something the user named that does not exist (exit 2).
    pub fn not_found(what: Missing, message: impl Into<String>) -> Error {
        Error::NotFound(Box::new(NotFound {
            message: message.into(),
            what,
            input: true,
        }))
    }

    /// Something that should exist and does not: deleted since it was
    /// read, or pointed at by a stored record (exit 1).
    pub fn gone(what: Missing, message: impl Into<String>) -> Error {
        Error::NotFound(Box::new(NotFound {
            message: message.into(),
            what,
            input: false,
        }))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Taken(_) => 2,
            Error::NotFound(n) => {
                if n.input {
                    2
                } else {
                    1
                }
            }
            Error::Runtime(_)
            | Error::Conflict(_)
            | Error::Io { .. }
            | Error::Codec(_)
            | Error::Protocol(_) => 1,
            Error::OutputClosed => 0,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Input(m) | Error::Runtime(m) | Error::Codec(m) | Error::Protocol(m) => m,
            Error::OutputClosed => "output closed",
            Error::Conflict(c) => &c.message,
            Error::Taken(t) => &t.message,
            Error::NotFound(n) => &n.message,
            Error::Io { message, .. } => message,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A TOML error as `file:line:column: key: message`, naming the key of
/// the line the error points at when the message does not.
pub fn toml_error(file: &str, source: &str, err: &toml::de::Error) -> Error {
    let message = err.message().trim_end();
    let Some(span) = err.span() else {
        return Error::Input(format!("{file}: {message}"));
    };
    let (line, col) = line_col(source, span.start);
    let key = key_on_line(source, span.start).filter(|k| !message.contains(k.as_str()));
    match key {
        Some(k) => Error::Input(format!("{file}:{line}:{col}: {k}: {message}")),
        None => Error::Input(format!("{file}:{line}:{col}: {message}")),
    }
}

/// The key of a `key = value` line holding byte `offset`.
fn key_on_line(source: &str, offset: usize) -> Option<String> {
    let offset = source.floor_char_boundary(offset.min(source.len()));
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let (key, _) = source[start..end].split_once('=')?;
    let key = key.trim().trim_matches('"');
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c));
    plain.then(|| key.to_string())
}

/// Line and column of the `key = ...` line for `key`, for checks made
/// after parsing.
pub fn locate_key(source: &str, key: &str) -> Option<(usize, usize)> {
    for (i, line) in source.split('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let col = line.len() - trimmed.len();
            return Some((i + 1, line[..col].chars().count() + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_exit_code() {
        let conflict = Error::Conflict(Box::new(Conflict {
            message: "changed meanwhile".into(),
            revision: 2,
            by: None,
            at: None,
        }));
        let taken = Error::Taken(Box::new(Taken {
            message: "client id 7 already exists".into(),
            clients: vec![7],
            networks: vec![],
        }));
        let cases = [
            (Error::input("bad"), 2),
            (Error::runtime("failed"), 1),
            (Error::OutputClosed, 0),
            (conflict, 1),
            (taken, 2),
            (
                Error::not_found(Missing::Client(7), "client 7 does not exist"),
                2,
            ),
            (
                Error::gone(Missing::Network(8), "network 8 no longer exists"),
                1,
            ),
            (Error::io("/tmp/x", "Permission denied"), 1),
            (Error::codec("record is damaged"), 1),
            (Error::protocol("lost the connection"), 1),
        ];
        for (e, code) in cases {
            assert_eq!(e.exit_code(), code, "{e:?}");
        }
    }

    #[test]
    fn the_message_is_the_whole_sentence_of_every_kind() {
        let io = Error::io("/srv/mlps 上海", "Permission denied (os error 13)");
        assert_eq!(
            io.message(),
            "/srv/mlps 上海: Permission denied (os error 13)"
        );
        assert_eq!(io.to_string(), io.message());
        match &io {
            Error::Io { path, .. } => assert_eq!(path, Path::new("/srv/mlps 上海")),
            other => panic!("{other:?}"),
        }
        let said = Error::io_said("/srv", "database directory /srv: gone");
        assert_eq!(said.message(), "database directory /srv: gone");
        let missing = Error::gone(Missing::Client(3), "client \"Acme\" no longer exists");
        assert_eq!(missing.to_string(), "client \"Acme\" no longer exists");
        for e in [
            Error::codec("c"),
            Error::protocol("p"),
            Error::input("i"),
            Error::runtime("r"),
        ] {
            assert_eq!(e.to_string(), e.message());
        }
        assert_eq!(Error::OutputClosed.message(), "output closed");
    }
}
