//! The mapping between protocol requests and `CaseStore` calls, kept apart
//! from the socket so it reads in one place.

use super::super::protocol::{self, Request, Response};
use crate::domain::model::{Client, ClientId, Network, NetworkId, NewClient, NewNetwork};
use crate::error::{Error, Result};
use crate::store::Database;
use crate::store::codec::{self, DueRecord, Record};

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
            let mut new = Vec::with_capacity(clients.len());
            for c in clients {
                let mut networks = Vec::with_capacity(c.networks.len());
                for n in c.networks {
                    networks.push(NewNetwork {
                        id: n.id.map(NetworkId),
                        network: record(&n.record)?,
                    });
                }
                new.push(NewClient {
                    id: c.id.map(ClientId),
                    client: record(&c.record)?,
                    networks,
                });
            }
            let summary = store.import(new)?;
            Response::Imported {
                clients: summary.clients as u64,
                networks: summary.networks as u64,
            }
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
            let named = store.due_named_until(until, renewals_only)?;
            Response::DueNamed(
                named
                    .into_iter()
                    .map(|n| {
                        let record = DueRecord::from(&n.item);
                        (codec::encode(&record), n.client, n.client_zh, n.network)
                    })
                    .collect(),
            )
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
        | Request::Subscribe => {
            return Err(Error::protocol("not a store request"));
        }
    })
}
