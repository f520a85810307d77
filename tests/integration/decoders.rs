//! Random bytes fed to every decoder that reads what another process or
//! the disk wrote: the record codec, the protocol's frames and messages,
//! and stored search keys. Each must refuse garbage with an error, never
//! panic, and never allocate what a length inside the garbage claims.

use std::io::Cursor;

use mlps::domain::gaps::{
    ComplianceResult, ExtensionChoice, Finding, FindingId, FindingStatus, Risk, StatusChange,
};
use mlps::domain::model::{Client, ClientId, Network, NetworkId};
use mlps::domain::search::{Entry, SearchIndex, StoredEntry, Target};
use mlps::server::protocol::{self, Request, Response};
use mlps::store::StoredFinding;
use mlps::store::audit::LogEntry;
use mlps::store::codec::{self, DueRecord, SearchRecord};
use proptest::prelude::*;

fn every_record(bytes: &[u8]) {
    let _ = codec::decode::<Client>(bytes);
    let _ = codec::decode::<Network>(bytes);
    let _ = codec::decode::<LogEntry>(bytes);
    let _ = codec::decode::<DueRecord>(bytes);
    let _ = codec::decode::<SearchRecord>(bytes);
    let _ = codec::decode::<StoredFinding>(bytes);
    let _ = codec::decode::<ExtensionChoice>(bytes);
    let _ = codec::decode_key_list(bytes);
    let _ = codec::decode_u64(bytes);
}

/// Any finding record: every result, risk and status, dates across the
/// calendar's range, text of any characters.
fn any_finding() -> impl Strategy<Value = StoredFinding> {
    let date =
        (1i32..3_000_000).prop_map(|d| chrono::NaiveDate::from_num_days_from_ce_opt(d).unwrap());
    let status = prop::sample::select(FindingStatus::ALL.to_vec());
    (
        (any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()),
        (".{0,30}", ".{0,60}", ".{0,20}", ".{0,40}"),
        prop::sample::select(ComplianceResult::ALL.to_vec()),
        prop::sample::select(Risk::ALL.to_vec()),
        status.clone(),
        prop::option::of(date.clone()),
        prop::collection::vec((date, prop::option::of(status.clone()), status), 0..5),
    )
        .prop_map(
            |(
                (id, network, client, revision),
                (point, description, owner, evidence),
                result,
                risk,
                status,
                due,
                history,
            )| {
                StoredFinding {
                    network: NetworkId(network),
                    client: ClientId(client),
                    revision,
                    finding: Finding {
                        id: FindingId(id),
                        control_point: point,
                        description,
                        result,
                        risk,
                        owner,
                        due,
                        status,
                        evidence,
                        history: history
                            .into_iter()
                            .map(|(date, from, to)| StatusChange { date, from, to })
                            .collect(),
                    },
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A finding reads back as written; any cut or changed byte of its
    /// record is an error or another finding, never a panic.
    #[test]
    fn finding_records_round_trip_and_damage_is_refused(
        f in any_finding(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        with in any::<u8>(),
    ) {
        let bytes = codec::encode(&f);
        prop_assert_eq!(codec::decode::<StoredFinding>(&bytes).unwrap(), f);
        prop_assert!(codec::decode::<StoredFinding>(&bytes[..cut.index(bytes.len())]).is_err());
        let mut changed = bytes.clone();
        let at = flip.index(changed.len());
        changed[at] = with;
        let _ = codec::decode::<StoredFinding>(&changed);
    }

    #[test]
    fn records_refuse_garbage(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        every_record(&bytes);
    }

    /// With a valid version in front, the garbage reaches the body decoder.
    #[test]
    fn record_bodies_refuse_garbage(body in prop::collection::vec(any::<u8>(), 0..600)) {
        for version in [1u16, 2] {
            let mut bytes = version.to_be_bytes().to_vec();
            bytes.extend_from_slice(&body);
            every_record(&bytes);
        }
    }

    #[test]
    fn frames_refuse_garbage(bytes in prop::collection::vec(any::<u8>(), 0..1200)) {
        let _ = protocol::receive::<Request>(&mut Cursor::new(&bytes));
        let _ = protocol::receive::<Response>(&mut Cursor::new(&bytes));
        let _ = codec::decode_message::<Request>(&bytes);
        let _ = codec::decode_message::<Response>(&bytes);
    }

    /// A frame whose length is right and whose body is garbage.
    #[test]
    fn message_bodies_refuse_garbage(body in prop::collection::vec(any::<u8>(), 0..1200)) {
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(&body);
        let request = protocol::receive::<Request>(&mut Cursor::new(&bytes));
        prop_assert!(request.is_err() || request.as_ref().is_ok_and(|r| r.is_some()));
        let _ = protocol::receive::<Response>(&mut Cursor::new(&bytes));
    }

    /// A stored entry with any label loads and is searched without
    /// panicking.
    #[test]
    fn stored_search_entries_never_break_a_search(
        label in "\\PC{0,20}",
        kind in 0u8..3,
        query in "[a-z]{1,4}",
    ) {
        let stored = StoredEntry {
            target: Target::from_parts(kind, 1, 0).unwrap(),
            label,
            owner: None,
        };
        let mut index = SearchIndex::new();
        index.insert(Entry::from_stored(stored));
        let _ = index.search(&query, 10);
    }
}
