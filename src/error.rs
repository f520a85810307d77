//! The two kinds of failure a user sees: bad input (exit 2) and a runtime
//! failure (exit 1). Both carry a complete sentence for stderr.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad usage or bad input: the message names the file and line:column,
    /// the JSON path or the field. Exit code 2.
    Input(String),
    /// Something failed while doing the work. Exit code 1.
    Runtime(String),
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
            Error::Input(_) => 2,
            Error::Runtime(_) => 1,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Input(m) | Error::Runtime(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A TOML error as `file:line:column: message`.
pub fn toml_error(file: &str, source: &str, err: &toml::de::Error) -> Error {
    let place = match err.span() {
        Some(span) => {
            let (line, col) = line_col(source, span.start);
            format!("{file}:{line}:{col}")
        }
        None => file.to_string(),
    };
    Error::Input(format!("{place}: {}", err.message().trim_end()))
}
