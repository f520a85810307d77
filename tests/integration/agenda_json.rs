//! `mlps renewals --json` and `mlps due --json` write their JSON by hand
//! (`cli::agenda::json`), streamed, and the daemon sends the rows as one
//! buffer (`protocol::DueNamedRows`): both must give exactly the bytes of
//! the serde forms they replaced, for any text a user may type.

use chrono::NaiveDate;
use mlps::domain::agenda::AgendaRow;
use mlps::domain::model::{ClientId, NetworkId};
use mlps::domain::timeline::{DueKind, DueStatus};
use mlps::server::protocol::DueNamedRows;
use mlps::store::codec;
use proptest::prelude::*;

/// What `--json` printed before: serde_json's pretty form, made inert.
fn by_serde(rows: &[AgendaRow]) -> Vec<u8> {
    let text = serde_json::to_string_pretty(rows).unwrap();
    let mut text = mlps::text::inert_json(&text);
    text.push('\n');
    text.into_bytes()
}

fn row(client: &str, network: &str, client_zh: &str, n: u64) -> AgendaRow {
    let due = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n % 4000);
    AgendaRow {
        client: client.into(),
        network: network.into(),
        level: (n % 5) as u8 + 1,
        max_level: n.is_multiple_of(3).then_some(4),
        kind: DueKind::ALL[n as usize % DueKind::ALL.len()],
        due,
        days_left: n as i64 - 2000,
        status: [DueStatus::Overdue, DueStatus::Due, DueStatus::Upcoming][n as usize % 3],
        client_id: ClientId(n * 7919),
        network_id: NetworkId(n * 104_729 + 1),
        client_zh: client_zh.into(),
    }
}

/// Text mixing what JSON and a terminal treat specially: quotes,
/// backslashes, control characters, DEL and C1 controls, bidi and
/// zero-width marks, line separators, tags, CJK, emoji.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Acme",
        " ",
        "\"",
        "\\",
        "\n",
        "\r",
        "\t",
        "\u{8}",
        "\u{c}",
        "\u{0}",
        "\u{1b}[31m",
        "\u{1f}",
        "\u{7f}",
        "\u{85}",
        "\u{9f}",
        "\u{ad}",
        "\u{600}",
        "\u{61c}",
        "\u{70f}",
        "\u{890}",
        "\u{8e2}",
        "\u{180e}",
        "\u{200b}",
        "\u{200f}",
        "\u{2028}",
        "\u{202e}",
        "\u{2066}",
        "\u{feff}",
        "\u{fffb}",
        "\u{110bd}",
        "\u{1d173}",
        "\u{e0001}",
        "\u{e007f}",
        "阿克米",
        "（北京）",
        "有限公司",
        "\u{3000}",
        "\u{e000}",
        "\u{efff}",
        "\u{f900}",
        "é",
        "😀",
        "/",
        "<script>",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn hand_written_json_is_serdes_bytes(
        names in prop::collection::vec((hostile(), hostile(), hostile(), any::<u64>()), 0..8)
    ) {
        let rows: Vec<AgendaRow> = names
            .iter()
            .map(|(c, n, z, k)| row(c, n, z, k % 1_000_000))
            .collect();
        let (mine, serdes) = (mlps::cli::agenda::json(&rows), by_serde(&rows));
        prop_assert_eq!(String::from_utf8_lossy(&mine), String::from_utf8_lossy(&serdes));
    }

    #[test]
    fn due_named_rows_are_the_old_list_on_the_wire(
        rows in prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 0..40), hostile(), hostile(), hostile()),
            0..20,
        )
    ) {
        let mut packed = DueNamedRows::default();
        for (record, client, zh, network) in &rows {
            packed.push(record, client, zh, network);
        }
        let old = codec::encode_message(&rows);
        prop_assert_eq!(&codec::encode_message(&packed), &old);
        let back: DueNamedRows = codec::decode_message(&old).unwrap();
        let back: Vec<_> = back
            .iter()
            .map(|(r, c, z, n)| (r.to_vec(), c.to_string(), z.to_string(), n.to_string()))
            .collect();
        prop_assert_eq!(back, rows);
    }
}

#[test]
fn empty_and_far_dates_read_as_serde_writes_them() {
    assert_eq!(mlps::cli::agenda::json(&[]), b"[]\n");
    let mut far = row("A", "B", "", 3);
    far.due = NaiveDate::from_ymd_opt(12_345, 6, 7).unwrap();
    let mut early = row("A", "B", "", 4);
    early.due = NaiveDate::from_ymd_opt(7, 1, 2).unwrap();
    early.days_left = i64::MIN;
    let rows = [far, early];
    assert_eq!(
        String::from_utf8_lossy(&mlps::cli::agenda::json(&rows)),
        String::from_utf8_lossy(&by_serde(&rows))
    );
}

/// A large agenda crosses several of the writer's 64 KiB pieces.
#[test]
fn a_large_agenda_is_written_whole() {
    let rows: Vec<AgendaRow> = (0..3000)
        .map(|n| {
            row(
                "Acme Media (Beijing) Co., Ltd.",
                "Mobile app backend",
                "阿克米文化传媒（北京）有限公司",
                n,
            )
        })
        .collect();
    let mut streamed = Vec::new();
    mlps::cli::agenda::write_json(&rows, &mut streamed).unwrap();
    assert!(streamed.len() > 3 * 64 * 1024);
    assert_eq!(streamed, by_serde(&rows));
}
