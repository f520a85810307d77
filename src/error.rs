//! The kinds of failure a user sees: bad input (exit 2), a runtime failure
//! (exit 1), and the kinds code acts on (a record changed meanwhile, ids
//! already taken). Each carries a complete sentence for stderr; code
//! branches on the kind, never on the sentence.

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

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(msg: impl Into<String>) -> Error {
        Error::Input(msg.into())
    }

    pub fn runtime(msg: impl Into<String>) -> Error {
        Error::Runtime(msg.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Taken(_) => 2,
            Error::Runtime(_) | Error::Conflict(_) => 1,
            Error::OutputClosed => 0,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Input(m) | Error::Runtime(m) => m,
            Error::OutputClosed => "output closed",
            Error::Conflict(c) => &c.message,
            Error::Taken(t) => &t.message,
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
