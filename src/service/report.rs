//! Finding the network a user named (`mlps report NETWORK`), and writing
//! its report to a file, as the command and the case manager's report key
//! both do.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::model::{Client, Network, NetworkId};
use crate::domain::settings::Config;
use crate::error::{Error, Missing, Result};
use crate::formats::report::{self, ReportFormat};
use crate::store::CaseStore;

/// The network `spec` names: its id, its name, or `CLIENT/NETWORK` (names
/// compared without regard to case; a client by its English or Chinese
/// name). A name that fits several networks is refused, listing them.
pub fn find(store: &dyn CaseStore, spec: &str) -> Result<(Client, Network)> {
    let spec = crate::text::clean_line(spec);
    if let Ok(id) = spec.parse::<u64>()
        && let Some(n) = store.network(NetworkId(id))?
    {
        let c = store.client(n.client)?.ok_or_else(|| {
            Error::gone(
                Missing::Client(n.client.0),
                format!("network {id} has no client"),
            )
        })?;
        return Ok((c, n));
    }
    let same = |a: &str, b: &str| !a.is_empty() && a.to_lowercase() == b.to_lowercase();
    let (client_part, network_part) = match spec.rsplit_once('/') {
        Some((c, n)) => (Some(c.trim().to_string()), n.trim().to_string()),
        None => (None, spec.clone()),
    };
    let mut found = Vec::new();
    for c in store.clients()? {
        if let Some(want) = &client_part
            && !same(&c.name, want)
            && !same(&c.name_zh, want)
        {
            continue;
        }
        for n in store.networks_of(c.id)? {
            if same(&n.name, &network_part) {
                found.push((c.clone(), n));
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::not_found(
            Missing::NetworkNamed(spec.clone()),
            format!(
                "no network {} {spec:?}: give its id (mlps export shows them), its name, \
             or CLIENT/NETWORK",
                if spec.parse::<u64>().is_ok() {
                    "has the id or name"
                } else {
                    "is named"
                }
            ),
        )),
        _ => Err(Error::input(format!(
            "{} networks are named {spec:?}; give one of their ids: {}",
            found.len(),
            found
                .iter()
                .map(|(c, n)| format!("{} ({} / {})", n.id.0, c.display_name(), n.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Writes the report into `dir` under its own file name, whole or not at
/// all (written aside, then renamed), and returns the path.
pub fn write_file(
    dir: &Path,
    client: &Client,
    network: &Network,
    config: &Config,
    today: chrono::NaiveDate,
    format: ReportFormat,
) -> Result<PathBuf> {
    let path = dir.join(report::file_name(network, format));
    let text = report::render(client, network, config, today, format);
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// Writes `bytes` to `path` through a temporary file beside it, so a
/// reader never sees half of it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let failed = |e: std::io::Error| Error::io(path, e);
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}
