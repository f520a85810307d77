//! The mapping between protocol requests and `CaseStore` calls, kept apart
//! from the socket so it reads in one place.

use super::super::protocol::{self, ImportClient, Request, Response};
use crate::domain::gaps::{ExtensionChoice, FindingId};
use crate::domain::model::{Client, ClientId, Network, NetworkId, NewClient, NewNetwork};
use crate::error::{Error, Result};
use crate::store::codec::{self, DueRecord, Record};
use crate::store::{Database, StoredFinding};

pub(super) fn record<R: Record>(bytes: &[u8]) -> Result<R> {
    codec::decode(bytes).map_err(refused)
}

/// A request whose bytes do not decode.
fn refused(e: codec::CodecError) -> Error {
    Error::codec(format!("the request was refused: {e}"))
}

pub(super) fn records<R: Record>(list: &[R]) -> Vec<Vec<u8>> {
    list.iter().map(codec::encode).collect()
}

/// Runs one store request. Kept apart from the socket so the mapping
/// between messages and `CaseStore` calls reads in one place.
pub fn dispatch(store: &dyn Database, request: Request) -> Result<Response> {
    Ok(match request {
        Request::Clients => Response::Records(records(&store.clients()?)),
        Request::Client { id } => {
            Response::Found(store.client(ClientId(id))?.as_ref().map(codec::encode))
        }
        Request::NetworksOf { client } => {
            Response::Records(records(&store.networks_of(ClientId(client))?))
        }
        Request::Networks => Response::Records(records(&store.networks()?)),
        Request::Network { id } => {
            Response::Found(store.network(NetworkId(id))?.as_ref().map(codec::encode))
        }
        Request::CreateClient { record: r } => {
            Response::Record(codec::encode(&store.create_client(record::<Client>(&r)?)?))
        }
        Request::UpdateClient { record: r } => {
            Response::Record(codec::encode(&store.update_client(record::<Client>(&r)?)?))
        }
        Request::DeleteClient { id, revision } => {
            store.delete_client(ClientId(id), revision)?;
            Response::Done
        }
        Request::CreateNetwork { record: r } => Response::Record(codec::encode(
            &store.create_network(record::<Network>(&r)?)?,
        )),
        Request::UpdateNetwork { record: r } => Response::Record(codec::encode(
            &store.update_network(record::<Network>(&r)?)?,
        )),
        Request::DeleteNetwork { id, revision } => {
            store.delete_network(NetworkId(id), revision)?;
            Response::Done
        }
        Request::RestoreNetwork { record: r } => Response::Record(codec::encode(
            &store.restore_network(record::<Network>(&r)?)?,
        )),
        Request::Import { clients } => {
            let new = new_clients(clients)?;
            let summary = store.import(new)?;
            Response::Imported {
                clients: summary.clients as u64,
                networks: summary.networks as u64,
                findings: summary.findings as u64,
            }
        }
        Request::FindingsOf { network } => {
            Response::Records(records(&store.findings_of(NetworkId(network))?))
        }
        Request::Finding { id } => {
            Response::Found(store.finding(FindingId(id))?.as_ref().map(codec::encode))
        }
        Request::CreateFinding { record: r } => Response::Record(codec::encode(
            &store.create_finding(record::<StoredFinding>(&r)?)?,
        )),
        Request::UpdateFinding { record: r } => Response::Record(codec::encode(
            &store.update_finding(record::<StoredFinding>(&r)?)?,
        )),
        Request::DeleteFinding { id, revision } => {
            store.delete_finding(FindingId(id), revision)?;
            Response::Done
        }
        Request::SetFindingStatus { ids, status, date } => {
            let status = codec::status_of_code(status).map_err(refused)?;
            let date = codec::days_to_date(date).map_err(refused)?;
            let ids: Vec<FindingId> = ids.into_iter().map(FindingId).collect();
            Response::Records(records(&store.set_finding_status(&ids, status, date)?))
        }
        Request::ImportFindings {
            network,
            findings,
            replace,
        } => {
            let mut list = Vec::with_capacity(findings.len());
            for f in &findings {
                list.push(record::<StoredFinding>(f)?.finding);
            }
            let n = store.import_findings(NetworkId(network), list, replace)?;
            Response::Imported {
                clients: 0,
                networks: 0,
                findings: n as u64,
            }
        }
        Request::AllFindings => Response::Records(records(&store.all_findings()?)),
        Request::AllGapExtensions => Response::GapExtensions(
            store
                .all_gap_extensions()?
                .iter()
                .map(|(n, c)| (n.0, codec::encode(c)))
                .collect(),
        ),
        Request::GapExtensions { network } => {
            Response::Record(codec::encode(&store.gap_extensions(NetworkId(network))?))
        }
        Request::SetGapExtensions { network, record: r } => {
            store.set_gap_extensions(NetworkId(network), record::<ExtensionChoice>(&r)?)?;
            Response::Done
        }
        Request::DueUntil { until } => {
            let until = codec::days_to_date(until).map_err(refused)?;
            let due = store.due_until(until)?;
            Response::Records(
                due.iter()
                    .map(|d| codec::encode(&DueRecord::from(d)))
                    .collect(),
            )
        }
        Request::DueNamedUntil {
            until,
            renewals_only,
        } => {
            let until = codec::days_to_date(until).map_err(refused)?;
            // Straight from the store's index into one buffer: no row's
            // names are copied on their own.
            let mut rows = protocol::DueNamedRows::default();
            store.visit_due_named(
                until,
                renewals_only,
                &mut |item, client, client_zh, network| {
                    let record = codec::encode(&DueRecord::from(item));
                    rows.push(&record, client, client_zh, network);
                },
            )?;
            Response::DueNamed(rows)
        }
        Request::Log { query } => Response::Records(records(&store.log(&query)?)),
        Request::Doctor { repair } => Response::Checkup(store.doctor(repair)?),
        Request::Search { query, limit } => Response::Hits(
            store
                .search(&query, limit as usize)?
                .iter()
                .map(protocol::WireHit::of)
                .collect(),
        ),
        Request::Hello { .. }
        | Request::Stop
        | Request::StopIfIdle
        | Request::Status
        | Request::Notices
        | Request::DatabaseId
        | Request::Backup
        | Request::SnapshotPage
        | Request::RestorePairs { .. }
        | Request::RestoreCommit { .. }
        | Request::ImportBegin { .. }
        | Request::ImportChunk { .. }
        | Request::ImportCommit
        | Request::Subscribe => {
            return Err(Error::protocol("not a store request"));
        }
    })
}

/// The clients of an import, as the store takes them.
pub(super) fn new_clients(clients: Vec<ImportClient>) -> Result<Vec<NewClient>> {
    let mut new = Vec::with_capacity(clients.len());
    for c in clients {
        let mut networks = Vec::with_capacity(c.networks.len());
        for n in c.networks {
            let mut findings = Vec::with_capacity(n.findings.len());
            for f in &n.findings {
                findings.push(record::<StoredFinding>(f)?.finding);
            }
            networks.push(NewNetwork {
                id: n.id.map(NetworkId),
                network: record(&n.record)?,
                findings,
                gap_extensions: n
                    .gap_extensions
                    .as_deref()
                    .map(record::<ExtensionChoice>)
                    .transpose()?,
            });
        }
        new.push(NewClient {
            id: c.id.map(ClientId),
            client: record(&c.record)?,
            networks,
        });
    }
    Ok(new)
}
