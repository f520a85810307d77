//! Finding the network a user named (`mlps report QUERY`), and writing
//! its report to a file, as the command and the case manager's report key
//! both do.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::model::{Client, Network};
use crate::domain::settings::Config;
use crate::error::{Error, Missing, Result};
use crate::formats::report::{self, ReportFormat};
use crate::service::lookup;
use crate::store::CaseStore;

/// The network `query` names (`mlps report QUERY`): its id or
/// `CLIENT_ID/NETWORK_ID`, its name, `CLIENT/NETWORK` (names compared
/// without regard to case; a client by its English or Chinese name), or a
/// query matched like the fuzzy jump, as [`lookup`] finds them. A client
/// found with one network gives that network. Several candidates, or a
/// client with several networks, are refused (exit 2) listing them with
/// their ids.
pub fn find(store: &dyn CaseStore, query: &str) -> Result<(Client, Network)> {
    lookup::resolve_network(store, query).map_err(|e| match e {
        Error::NotFound(n) if matches!(n.what, Missing::Query(_)) => {
            let query = crate::text::clean_line(query);
            Error::not_found(
                n.what,
                format!(
                    "no network is named {query:?}, and no client or network matches it: give \
                     a network's id (mlps renewals and mlps export show them), its name, \
                     CLIENT/NETWORK, or a few letters of a name (English, Chinese, pinyin or \
                     initials)"
                ),
            )
        }
        e => e,
    })
}

/// Writes the report into `dir` under its own file name, whole or not at
/// all (written aside, then renamed), and returns the path.
pub fn write_file(
    store: &dyn CaseStore,
    dir: &Path,
    client: &Client,
    network: &Network,
    config: &Config,
    today: chrono::NaiveDate,
    format: ReportFormat,
) -> Result<PathBuf> {
    let path = dir.join(report::file_name(network, format));
    let text = render(store, client, network, config, today, format)?;
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// The network's report as [`report::render_with_findings`] writes it: with
/// the rectification plan when the network has findings, under the
/// extension sets its answers and the consultant's choice give.
pub fn render(
    store: &dyn CaseStore,
    client: &Client,
    network: &Network,
    config: &Config,
    today: chrono::NaiveDate,
    format: ReportFormat,
) -> Result<String> {
    let findings: Vec<_> = store
        .findings_of(network.id)?
        .into_iter()
        .map(|f| f.finding)
        .collect();
    if findings.is_empty() {
        return Ok(report::render(client, network, config, today, format));
    }
    let extensions = store.gap_extensions(network.id)?.resolve(&network.answers);
    let plan = report::Rectification {
        findings: &findings,
        extensions: &extensions,
    };
    Ok(report::render_with_findings(
        client,
        network,
        config,
        today,
        format,
        Some(&plan),
    ))
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
