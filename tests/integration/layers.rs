//! The layers of `docs/architecture.md`, enforced: every `crate::` path in
//! the source is read, and a path into a layer its file may not use fails
//! the test, naming the file, the line and the import.

use std::path::{Path, PathBuf};

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Support,
    Domain,
    Formats,
    Config,
    Store,
    Server,
    Service,
    Demo,
    Tui,
    Cli,
    Root,
}

use Layer::*;

/// The layer a source file belongs to, by its path under `src/`.
fn layer_of_file(rel: &str) -> Layer {
    let first = rel.split('/').next().unwrap_or("");
    match first.trim_end_matches(".rs") {
        "text" | "error" | "sys" => Support,
        "domain" => Domain,
        "formats" => Formats,
        "config" => Config,
        "store" => Store,
        "server" => Server,
        "service" => Service,
        "demo" => Demo,
        "tui" => Tui,
        "cli" => Cli,
        "lib" | "main" => Root,
        other => {
            panic!("src/{rel}: {other} is in no layer; add it to docs/architecture.md and here")
        }
    }
}

/// The layer a `crate::` path leads into, by its first segment.
fn layer_of_path(segment: &str) -> Option<Layer> {
    Some(match segment {
        "text" | "error" | "sys" => Support,
        // `#[macro_export]` puts the domain's id macro at the crate root.
        "domain" | "id_enum" => Domain,
        "formats" => Formats,
        "config" => Config,
        "store" => Store,
        "server" => Server,
        "service" => Service,
        "demo" => Demo,
        "tui" => Tui,
        "cli" => Cli,
        _ => return None,
    })
}

/// What a layer may import, apart from itself.
fn allowed(from: Layer) -> &'static [Layer] {
    match from {
        Support => &[],
        Domain => &[Support],
        Formats => &[Support, Domain],
        Config => &[Support, Domain],
        Store => &[Support, Domain, Formats, Config],
        Server => &[Support, Domain, Formats, Config, Store],
        Service => &[Support, Domain, Formats, Config, Store],
        Demo => &[Support, Domain, Formats, Config],
        // The case manager reaches the daemon in one file only.
        Tui => &[Support, Domain, Formats, Config, Store, Service],
        Cli | Root => &[
            Support, Domain, Formats, Config, Store, Server, Service, Demo, Tui,
        ],
    }
}

/// The one file of the case manager that may use `server`.
const TUI_TO_SERVER: &str = "tui/connection.rs";

/// Every rule `source` (the text of `src/<rel>`) breaks, as
/// `src/<rel>:LINE: ...` sentences.
fn violations(rel: &str, source: &str) -> Vec<String> {
    let from = layer_of_file(rel);
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        // A comment at the end of the line is not code either.
        let code = code.split(" //").next().unwrap_or(code);
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let segment: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &after[segment.len()..];
            let Some(to) = layer_of_path(&segment) else {
                continue;
            };
            let ok = to == from
                || allowed(from).contains(&to)
                || (from == Tui && to == Server && rel == TUI_TO_SERVER);
            if !ok {
                out.push(format!(
                    "src/{rel}:{}: imports crate::{segment}, but {from:?} may not use {to:?} \
                     (docs/architecture.md)",
                    n + 1
                ));
            }
        }
    }
    out
}

/// The case manager's files that `update` runs through: they may do no
/// I/O (docs/architecture.md, "A pure update"). What they need from the
/// store or the file system they ask for as effects.
const UPDATE_SIDE: &[&str] = &[
    "tui/app.rs",
    "tui/update.rs",
    "tui/edit/",
    "tui/effect.rs",
    "tui/form.rs",
    "tui/gaps.rs",
    "tui/commands.rs",
    "tui/action.rs",
    "tui/words.rs",
];

/// What I/O looks like in source: a store, files, the environment, the
/// clock, threads, the terminal, the daemon, and the session that does the
/// I/O for `update`. (`service::history` only formats log entries.)
const IO: &[&str] = &[
    "CaseStore",
    "std::fs",
    "std::env",
    "std::net",
    "std::process",
    "std::thread",
    "std::io::",
    "Instant::now",
    "SystemTime",
    "Local::now",
    "Utc::now",
    "directories::",
    "crossterm::",
    "tempfile::",
    "crate::config",
    "crate::server",
    "crate::tui::session",
    "crate::tui::reads::Reads",
    "crate::tui::connection::Link",
    "crate::service::agenda",
    "crate::service::report",
];

/// Every use of I/O in a file of the update side, as `src/<rel>:LINE: ...`.
fn io_in_update(rel: &str, source: &str) -> Vec<String> {
    if !UPDATE_SIDE.iter().any(|f| rel.starts_with(f)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Tests at the end of a file may touch files.
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    for (n, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let trimmed = trimmed.split(" //").next().unwrap_or(trimmed);
        for io in IO {
            if trimmed.contains(io) {
                out.push(format!(
                    "src/{rel}:{}: uses {io}, but update does no I/O: ask for it as an \
                     Effect (docs/architecture.md)",
                    n + 1
                ));
            }
        }
    }
    out
}

#[test]
fn update_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src.join("tui"), &mut files);
    let mut broken = Vec::new();
    let mut read = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        read += usize::from(UPDATE_SIDE.iter().any(|f| rel.starts_with(f)));
        broken.extend(io_in_update(&rel, &text));
    }
    assert!(read >= 10, "read {read} files of the update side");
    assert!(broken.is_empty(), "I/O in update:\n{}", broken.join("\n"));
}

#[test]
fn io_on_the_update_side_is_named_with_its_file_and_line() {
    for (rel, line, says) in [
        (
            "tui/app.rs",
            "use crate::store::CaseStore;",
            Some("uses CaseStore"),
        ),
        (
            "tui/edit/save.rs",
            "    std::fs::write(&path, text)?;",
            Some("uses std::fs"),
        ),
        (
            "tui/edit/undo.rs",
            "    let now = std::time::Instant::now();",
            Some("uses Instant::now"),
        ),
        (
            "tui/commands.rs",
            "use crate::tui::session::Session;",
            Some("uses crate::tui::session"),
        ),
        // The session and the connection are where the I/O goes.
        ("tui/session.rs", "use crate::store::CaseStore;", None),
        ("tui/connection.rs", "use crate::store::CaseStore;", None),
        ("tui/app.rs", "/// Not [`crate::store::CaseStore`].", None),
    ] {
        let text = format!("//! A file.\n\n{line}\n");
        let found = io_in_update(rel, &text);
        match says {
            None => assert_eq!(found, Vec::<String>::new(), "{rel}: {line}"),
            Some(says) => {
                assert_eq!(found.len(), 1, "{rel}: {found:?}");
                assert!(
                    found[0].starts_with(&format!("src/{rel}:3: {says}")),
                    "{}",
                    found[0]
                );
            }
        }
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_import_points_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "read {} files", files.len());
    let mut broken = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        broken.extend(violations(&rel, &text));
    }
    assert!(
        broken.is_empty(),
        "imports against the layers:\n{}",
        broken.join("\n")
    );
}

#[test]
fn a_wrong_import_is_named_with_its_file_and_line() {
    // The imports the layers were made to remove, each written back.
    let cases = [
        (
            "store/audit.rs",
            "use crate::server::peer::user_label;",
            "Store may not use Server",
        ),
        (
            "formats/calendar_feed.rs",
            "use crate::cli::agenda::AgendaRow;",
            "Formats may not use Cli",
        ),
        (
            "config.rs",
            "    idle: crate::server::daemon::DEFAULT_IDLE_SECS,",
            "Config may not use Server",
        ),
        (
            "domain/model.rs",
            "use crate::store::sled_store::MAX_ID;",
            "Domain may not use Store",
        ),
        (
            "tui/app.rs",
            "use crate::server::client::Change;",
            "Tui may not use Server",
        ),
        (
            "text.rs",
            "use crate::domain::model::Level;",
            "Support may not use Domain",
        ),
        (
            "server/daemon.rs",
            "use crate::tui::app::App;",
            "Server may not use Tui",
        ),
    ];
    for (rel, line, says) in cases {
        let text = format!("//! A file.\n\n{line}\n");
        let found = violations(rel, &text);
        assert_eq!(found.len(), 1, "{rel}: {found:?}");
        assert!(
            found[0].starts_with(&format!("src/{rel}:3: imports crate::")),
            "{}",
            found[0]
        );
        assert!(found[0].contains(says), "{}", found[0]);
    }
    // What is allowed stays quiet, and comments are not imports.
    for (rel, line) in [
        (
            "tui/connection.rs",
            "pub use crate::server::client::Change;",
        ),
        ("cli/mod.rs", "use crate::tui::app::App;"),
        ("store/codec.rs", "use crate::domain::model::Network;"),
        ("formats/report.rs", "use crate::domain::settings::Config;"),
        ("domain/grading.rs", "/// See [`crate::store::CaseStore`]."),
        (
            "domain/grading.rs",
            "let x = 1; // crate::store would be wrong here",
        ),
    ] {
        assert_eq!(violations(rel, line), Vec::<String>::new(), "{rel}: {line}");
    }
}
