//! What an import reads and checks before the database is touched: the
//! file (JSON or CSV, or stdin), and the ids it gives that the database
//! already holds.

use std::io::Read;
use std::path::Path;

use crate::domain::model::NewClient;
use crate::error::{Error, Missing, Result};
use crate::formats::interchange;
use crate::store::CaseStore;
use crate::text::counted;

use super::ImportFormat;

/// The records of an import file, checked in full: a CSV lists every bad
/// row, with its column and reason.
pub(super) fn read_import(file: &str, format: Option<ImportFormat>) -> Result<Vec<NewClient>> {
    let format = format.unwrap_or(if file.to_ascii_lowercase().ends_with(".csv") {
        ImportFormat::Csv
    } else {
        ImportFormat::Json
    });
    match format {
        ImportFormat::Json => {
            let (name, text) = read_input(file)?;
            let doc = interchange::parse(&name, &text)?;
            interchange::to_records(&name, &doc)
        }
        ImportFormat::Csv => {
            let (name, bytes) = read_bytes(file)?;
            let decoded = crate::formats::spreadsheet::decode(&name, &bytes)?;
            if let Some(note) = &decoded.note {
                eprintln!("mlps: {note}");
            }
            crate::formats::spreadsheet::parse(&name, &decoded.text).map_err(|p| p.into_error())
        }
    }
}

fn read_bytes(file: &str) -> Result<(String, Vec<u8>)> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::runtime(format!("stdin: {e}")))?;
        return Ok(("<stdin>".to_string(), buf));
    }
    if Path::new(file).is_dir() {
        return Err(Error::input(format!(
            "{file} is a directory: expected a file"
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::not_found(Missing::Path(file.into()), format!("{file}: no such file"))
        }
        _ => Error::io(file, e),
    })?;
    Ok((file.to_string(), bytes))
}

fn read_input(file: &str) -> Result<(String, String)> {
    let (name, bytes) = read_bytes(file)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(format!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // A byte-order mark is not part of the document.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok((name, text))
}

pub(crate) fn read_file(path: &Path) -> Result<(String, String)> {
    read_input(&path.display().to_string())
}

/// `import --check`: what the file would bring in.
pub(super) fn say_checked(file: &str, records: &[NewClient]) -> Result<()> {
    let networks: usize = records.iter().map(|c| c.networks.len()).sum();
    let findings: usize = records
        .iter()
        .flat_map(|c| &c.networks)
        .map(|n| n.findings.len())
        .sum();
    let what = if findings > 0 {
        format!(
            "{}, {} and {}",
            counted(records.len(), "client", "clients"),
            counted(networks, "network", "networks"),
            counted(findings, "finding", "findings")
        )
    } else {
        format!(
            "{} and {}",
            counted(records.len(), "client", "clients"),
            counted(networks, "network", "networks")
        )
    };
    println!("{file}: no problems; it would import {what} (nothing was imported).");
    Ok(())
}

/// The ids an import file gives its clients and networks, with names.
pub(super) struct GivenIds {
    clients: Vec<(u64, String)>,
    networks: Vec<(u64, String)>,
    /// Finding ids, with their network's name.
    findings: Vec<(u64, String)>,
}

impl GivenIds {
    pub(super) fn of(records: &[NewClient]) -> GivenIds {
        let mut ids = GivenIds {
            clients: Vec::new(),
            networks: Vec::new(),
            findings: Vec::new(),
        };
        for c in records {
            if let Some(id) = c.id {
                ids.clients
                    .push((id.0, c.client.display_name().to_string()));
            }
            for n in &c.networks {
                if let Some(id) = n.id {
                    ids.networks.push((id.0, n.network.name.clone()));
                }
                for f in n.findings.iter().filter(|f| f.id.0 != 0) {
                    ids.findings.push((f.id.0, n.network.name.clone()));
                }
            }
        }
        ids
    }

    /// Refuses, naming them all, the ids that the database already holds:
    /// an import adds cases and never overwrites one.
    pub(super) fn check_free(&self, store: &dyn CaseStore, file: &str) -> Result<()> {
        use crate::domain::model::{ClientId, NetworkId};
        let mut taken = Vec::new();
        for (id, name) in &self.clients {
            if store.client(ClientId(*id))?.is_some() {
                taken.push(format!(
                    "{file}: client id {id} ({name}) is already in the database"
                ));
            }
        }
        for (id, name) in &self.networks {
            if store.network(NetworkId(*id))?.is_some() {
                taken.push(format!(
                    "{file}: network id {id} ({name}) is already in the database"
                ));
            }
        }
        for (id, name) in &self.findings {
            if store
                .finding(crate::domain::gaps::FindingId(*id))?
                .is_some()
            {
                taken.push(format!(
                    "{file}: finding id {id} (of network {name}) is already in the database"
                ));
            }
        }
        if taken.is_empty() {
            return Ok(());
        }
        let count = taken.len();
        Err(Error::input(format!(
            "{}\n{count} id{} already taken; an import adds cases and never overwrites one: \
             import into a new database (--db), or empty the id fields to add them as new \
             cases; nothing was imported",
            taken.join("\n"),
            if count == 1 { " is" } else { "s are" }
        )))
    }
}
