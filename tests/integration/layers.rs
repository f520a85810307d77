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
