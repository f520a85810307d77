//! The spreadsheet tracker: CSV decoding, parsing with every problem named
//! by row and column, and export that reads back to the same records.

use chrono::NaiveDate;
use mlps::domain::grading::RuleSet;
use mlps::domain::model::NewClient;
use mlps::domain::model::{
    Client, ClientId, Conclusion, Level, Milestone, Network, NetworkId, Stage,
};
use mlps::domain::questionnaire::{DataCategory, ObjectType};
use mlps::domain::settings::Settings;
use mlps::formats::spreadsheet::{self, COLUMNS, Problems};

use crate::support::d;

fn parse_ok(text: &str) -> Vec<NewClient> {
    match spreadsheet::parse("sheet.csv", text) {
        Ok(clients) => clients,
        Err(p) => panic!("unexpected problems:\n{p}"),
    }
}

fn parse_err(text: &str) -> Problems {
    match spreadsheet::parse("sheet.csv", text) {
        Ok(clients) => panic!("expected problems, got {clients:#?}"),
        Err(p) => p,
    }
}

/// The records as the store hands them to export.
fn as_database(clients: &[NewClient]) -> Vec<(Client, Vec<Network>)> {
    clients
        .iter()
        .map(|c| {
            (
                c.client.clone(),
                c.networks.iter().map(|n| n.network.clone()).collect(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Good and bad rows

const HEADER: &str = "client_id,client_name,client_name_zh,region,client_notes,contact_name,contact_email,\
network_id,network,object_type,pi_subjects,registered_users,expert_review,s_object,s_degree,s_justification";

/// (good, row): the header is row 1, so the i-th entry is row i + 2.
fn mixed_rows() -> Vec<(bool, &'static str)> {
    vec![
        // Row 2: a multi-line note, still one spreadsheet row.
        (
            true,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,10,Online shop,website,\"250,000\",,2025/1/5,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,11,ERP,,-5,,,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,12,CRM,,,99999999999999999999,,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,13,HR,,,,2026-02-30,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,14,Shop 2,shop,,,,,,",
        ),
        (
            false,
            "2,Beta Ltd,,Beijing,,Wang Fang,wang@,20,Portal,,,,,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shenzhen,\"two\nlines\",Li Wei,li@example.com,15,OA,,,,,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,10,Copy,,,,,,,",
        ),
        (
            false,
            "1,Acme Trading,阿克米贸易,Shanghai,\"two\nlines\",Li Wei,li@example.com,16,Payments,,,,,social_order,serious,",
        ),
        // Row 11: a second client, without an id, grouped by its names.
        (
            true,
            ",Gamma GmbH,,Suzhou,,,,,Plant network,industrial_control,0,,2025-03-01;2025/3/9,,,",
        ),
        (
            true,
            ",Gamma GmbH,,Suzhou,,,,,MES,,,,,national_security,general,MLPS office asked",
        ),
        // Row 13: a client without networks.
        (true, ",,德尔塔,Hangzhou,,,,,,,,,,,,"),
        (true, ",,,,,,,,,,,,,,,"),
    ]
}

fn sheet(rows: &[(bool, &str)], keep_bad: bool) -> String {
    let mut text = format!("{HEADER}\n");
    for (good, row) in rows {
        if *good || keep_bad {
            text.push_str(row);
            text.push('\n');
        }
    }
    text
}

#[test]
fn every_bad_row_is_named_with_its_column_and_reason() {
    let problems = parse_err(&sheet(&mixed_rows(), true));
    let expected: &[(usize, &str, &str)] = &[
        (3, "pi_subjects", "negative"),
        (
            4,
            "registered_users",
            "not a whole number from 0 to 18446744073709551615",
        ),
        (
            5,
            "expert_review",
            "\"2026-02-30\" is not a real calendar date",
        ),
        (6, "object_type", "unknown value \"shop\""),
        (7, "contact_email", "\"wang@\" is not an e-mail address"),
        (
            8,
            "region",
            "\"Shenzhen\" here, but row 2 of the same client has \"Shanghai\"",
        ),
        (9, "network_id", "network id 10 is also on row 2"),
        (10, "s_justification", "s_justification is empty"),
    ];
    for (row, column, says) in expected {
        assert!(
            problems.problems.iter().any(|p| p.row == *row
                && p.column.as_deref() == Some(*column)
                && p.message.contains(says)),
            "no problem at row {row}, column {column} saying {says:?}:\n{problems}"
        );
    }
    assert_eq!(
        problems.problems.len(),
        expected.len(),
        "exactly one problem per bad row:\n{problems}"
    );
    // The rendering puts the file, row and column first, one line each.
    let shown = problems.to_string();
    assert_eq!(shown.lines().count(), expected.len());
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("sheet.csv: row 3, column pi_subjects: ")),
        "{shown}"
    );
    let error = problems.into_error();
    assert_eq!(error.exit_code(), 2);
    assert_eq!(
        error.message(),
        format!("{shown}\n8 problems in sheet.csv; nothing was imported")
    );
}

#[test]
fn the_good_rows_alone_parse() {
    let clients = parse_ok(&sheet(&mixed_rows(), false));
    assert_eq!(clients.len(), 3);

    let acme = &clients[0];
    assert_eq!(acme.id, Some(ClientId(1)));
    assert_eq!(acme.client.name, "Acme Trading");
    assert_eq!(acme.client.name_zh, "阿克米贸易");
    assert_eq!(acme.client.notes, "two\nlines");
    assert_eq!(acme.client.contacts.len(), 1);
    assert_eq!(acme.client.contacts[0].email, "li@example.com");
    assert_eq!(acme.networks.len(), 1);
    let shop = &acme.networks[0];
    assert_eq!(shop.id, Some(NetworkId(10)));
    assert_eq!(shop.network.client, ClientId(1));
    assert_eq!(shop.network.answers.object_type, Some(ObjectType::Website));
    assert_eq!(shop.network.answers.pi_subjects, Some(250_000));
    assert_eq!(
        shop.network.answers.registered_users, None,
        "empty is unknown"
    );
    assert_eq!(
        shop.network.milestones,
        vec![Milestone::new(Stage::ExpertReview, d("2025-01-05"))]
    );

    let gamma = &clients[1];
    assert_eq!(gamma.id, None);
    assert_eq!(gamma.client.name, "Gamma GmbH");
    let names: Vec<&str> = gamma
        .networks
        .iter()
        .map(|n| n.network.name.as_str())
        .collect();
    assert_eq!(names, ["Plant network", "MES"]);
    let dates: Vec<NaiveDate> = gamma.networks[0]
        .network
        .milestones
        .iter()
        .map(|m| m.date)
        .collect();
    assert_eq!(dates, [d("2025-03-01"), d("2025-03-09")]);
    let o = gamma.networks[1]
        .network
        .overrides
        .business_information
        .as_ref()
        .expect("the S override");
    assert_eq!(o.justification, "MLPS office asked");

    let delta = &clients[2];
    assert_eq!(delta.client.name_zh, "德尔塔");
    assert!(delta.networks.is_empty(), "a client row without a network");
}

#[test]
fn rows_of_one_client_that_disagree_name_both_rows() {
    let text = "client_name,region,contact_name,network\n\
                Acme,Shanghai,\"Li Wei\nWang Fang\",Shop\n\
                Acme,Shanghai,Li Wei,ERP\n\
                Acme,,\"Li Wei\nWang Fang\",CRM\n";
    let problems = parse_err(text);
    let got: Vec<(usize, Option<&str>)> = problems
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [(3, Some("contact_name")), (4, Some("region"))],
        "{problems}"
    );
    assert!(
        problems.problems[1]
            .message
            .contains("is empty here, but row 2")
    );
}

#[test]
fn a_client_id_groups_rows_and_an_unmatched_name_does_not() {
    // The same name under two ids is two clients; a row without an id
    // that matches an id's names is the same client missing its id.
    let text = "client_id,client_name,network\n7,Branch,A\n8,Branch,B\n7,Branch,C\n,Branch,D\n";
    let problems = parse_err(text);
    assert_eq!(problems.problems.len(), 1, "{problems}");
    let p = &problems.problems[0];
    assert_eq!((p.row, p.column.as_deref()), (5, Some("client_id")));
    let clients = parse_ok("client_id,client_name,network\n7,Branch,A\n8,Branch,B\n7,Branch,C\n");
    let shape: Vec<(Option<u64>, usize)> = clients
        .iter()
        .map(|c| (c.id.map(|i| i.0), c.networks.len()))
        .collect();
    assert_eq!(shape, [(Some(7), 2), (Some(8), 1)]);
}

#[test]
fn evaluation_and_certificate_details_need_their_dates_and_must_agree() {
    let header = "client_name,network,evaluation_passed,evaluation_score,evaluation_conclusion,high_risks,certificate_issued,certificate_number,filed_level,data_categories,cii";
    let text = format!(
        "{header}\n\
         A,n1,,88,,,,X-1,,,\n\
         A,n2,2025-01-01,65,,,,,,,\n\
         A,n3,2025-01-01,95,excellent,1,,,,,\n\
         A,n4,2025-01-01,abc,,,,,7,pets,maybe\n\
         A,n5,2025-01-01,,,,2025-02-01,,,,\n"
    );
    let problems = parse_err(&text);
    let expected: &[(usize, &str, &str)] = &[
        (2, "evaluation_score", "evaluation_passed has no date"),
        (2, "certificate_number", "certificate_issued has no date"),
        (3, "evaluation_score", "below 70"),
        (4, "evaluation_score", "high risks remain"),
        (5, "evaluation_score", "not a score"),
        (5, "filed_level", "not a level"),
        (5, "data_categories", "unknown value \"pets\""),
        (5, "cii", "not yes or no"),
    ];
    for (row, column, says) in expected {
        assert!(
            problems.problems.iter().any(|p| p.row == *row
                && p.column.as_deref() == Some(*column)
                && p.message.contains(says)),
            "no problem at row {row}, column {column} saying {says:?}:\n{problems}"
        );
    }
    assert_eq!(problems.problems.len(), expected.len(), "{problems}");
}

#[test]
fn the_details_belong_to_the_latest_evaluation_and_certificate() {
    let text = "client_name,network,evaluation_passed,evaluation_score,evaluation_conclusion,medium_risks,certificate_issued,certificate_number,filed_level,data_categories,public_facing\n\
                A,n,2026-03-01;2024-03-01,86.5,良,2,2024-04-01;2026-04-01,31-0002,三级,\"personal, payment\",是\n";
    let clients = parse_ok(text);
    let n = &clients[0].networks[0].network;
    assert_eq!(n.filed_level, Level::new(3));
    assert_eq!(
        n.answers.data_categories,
        Some([DataCategory::Personal, DataCategory::Payment].into())
    );
    assert_eq!(n.answers.public_facing, Some(true));
    type Details = (NaiveDate, Option<f64>, Option<Conclusion>, Option<u32>);
    let evals: Vec<Details> = n
        .milestones
        .iter()
        .filter(|m| m.stage == Stage::EvaluationPassed)
        .map(|m| (m.date, m.score, m.conclusion, m.medium_risks))
        .collect();
    assert_eq!(
        evals,
        [
            (d("2024-03-01"), None, None, None),
            (d("2026-03-01"), Some(86.5), Some(Conclusion::Good), Some(2)),
        ]
    );
    let numbers: Vec<Option<&str>> = n
        .milestones
        .iter()
        .filter(|m| m.stage == Stage::CertificateIssued)
        .map(|m| m.number.as_deref())
        .collect();
    assert_eq!(numbers, [None, Some("31-0002")]);
}

// ---------------------------------------------------------------------------
// Dates, contacts, row numbers

#[test]
fn dates_in_both_forms_and_several_in_one_cell() {
    let text = "client_name,network,questionnaire_sent,self_assessment,expert_review\n\
                A,n,2025/1/5,2024-12-31; 2025/12/1 ;2026-06-30,2025/01/09\n";
    let clients = parse_ok(text);
    let got: Vec<(Stage, NaiveDate)> = clients[0].networks[0]
        .network
        .milestones
        .iter()
        .map(|m| (m.stage, m.date))
        .collect();
    assert_eq!(
        got,
        [
            (Stage::SelfAssessment, d("2024-12-31")),
            (Stage::QuestionnaireSent, d("2025-01-05")),
            (Stage::ExpertReview, d("2025-01-09")),
            (Stage::SelfAssessment, d("2025-12-01")),
            (Stage::SelfAssessment, d("2026-06-30")),
        ]
    );
    let problems =
        parse_err("client_name,network,expert_review\nA,n,2025-13-01\nA,m,1/5/2025;2025-02-29\n");
    let got: Vec<(usize, &str)> = problems
        .problems
        .iter()
        .map(|p| (p.row, p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "\"2025-13-01\" is not a real calendar date"),
            (
                3,
                "\"1/5/2025\" is not a date: expected YYYY-MM-DD or YYYY/MM/DD"
            ),
            (3, "\"2025-02-29\" is not a real calendar date"),
        ]
    );
}

#[test]
fn multi_line_contact_cells_are_one_contact_a_line() {
    let text = "client_name,contact_name,contact_role,contact_email,contact_phone\r\n\
                Acme,\"Li Wei\r\nWang Fang\r\n\",\"\r\nCFO\",\"li@example.com\",\"'+86 21 5555 0100\r\n+86 10 6666 0200\"\r\n";
    let clients = parse_ok(text);
    let contacts = &clients[0].client.contacts;
    assert_eq!(contacts.len(), 2);
    assert_eq!(
        (
            contacts[0].name.as_str(),
            contacts[0].role.as_str(),
            contacts[0].email.as_str(),
            contacts[0].phone.as_str()
        ),
        ("Li Wei", "", "li@example.com", "+86 21 5555 0100")
    );
    assert_eq!(
        (
            contacts[1].name.as_str(),
            contacts[1].role.as_str(),
            contacts[1].email.as_str(),
            contacts[1].phone.as_str()
        ),
        ("Wang Fang", "CFO", "", "+86 10 6666 0200")
    );
    // A role without a name on its line is a problem naming the contact.
    let problems = parse_err("client_name,contact_name,contact_role\nAcme,Li Wei,\"CTO\nCFO\"\n");
    assert_eq!(problems.problems.len(), 1);
    assert_eq!(problems.problems[0].column.as_deref(), Some("contact_name"));
    assert!(
        problems.problems[0].message.contains("contact 2"),
        "{problems}"
    );
}

#[test]
fn row_numbers_are_the_spreadsheets_across_multi_line_cells_and_empty_rows() {
    // Row 2 spans three lines; row 3 is empty; row 4 is a blank line; the
    // bad cell is on row 5.
    let text = "client_name,client_notes,network,pi_subjects\n\
                A,\"one\ntwo\nthree\",n,1\n\
                ,,,\n\
                \n\
                A,\"one\ntwo\nthree\",m,lots\n";
    let problems = parse_err(text);
    assert_eq!(problems.problems.len(), 1, "{problems}");
    assert_eq!(problems.problems[0].row, 5, "{problems}");
    // The same with CRLF line ends.
    let problems = parse_err(&text.replace('\n', "\r\n"));
    assert_eq!(problems.problems[0].row, 5, "{problems}");
}

#[test]
fn headers_forgive_case_spacing_and_order_and_semicolons() {
    let text = " Network ;CLIENT NAME;Pi-Subjects\nShop;Acme;12\n";
    let clients = parse_ok(text);
    assert_eq!(clients[0].client.name, "Acme");
    assert_eq!(clients[0].networks[0].network.name, "Shop");
    assert_eq!(clients[0].networks[0].network.answers.pi_subjects, Some(12));
}

// ---------------------------------------------------------------------------
// Decoding

const CHINESE_SHEET: &str = "client_name_zh,region,network,client_notes\n\
                             上海中心有限公司,上海,官网,\"续期提醒请同时抄送法务部。\n第二行\"\n";

#[test]
fn utf8_with_and_without_bom_and_gbk_read_the_same() {
    let plain = spreadsheet::decode("a.csv", CHINESE_SHEET.as_bytes()).unwrap();
    assert_eq!(plain.text, CHINESE_SHEET);
    assert_eq!(plain.note, None);

    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(CHINESE_SHEET.as_bytes());
    let bom = spreadsheet::decode("b.csv", &with_bom).unwrap();
    assert_eq!(bom.text, CHINESE_SHEET);
    assert_eq!(bom.note, None);

    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CHINESE_SHEET);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the GBK bytes are not UTF-8"
    );
    let read = spreadsheet::decode("c.csv", &gbk).unwrap();
    assert_eq!(read.text, CHINESE_SHEET);
    assert_eq!(
        read.note.as_deref(),
        Some("c.csv is not UTF-8; read it as GBK (GB18030)")
    );
    let clients = parse_ok(&read.text);
    assert_eq!(clients[0].client.name_zh, "上海中心有限公司");
    assert_eq!(
        clients[0].client.notes,
        "续期提醒请同时抄送法务部。\n第二行"
    );
}

#[test]
fn bytes_that_are_not_text_are_refused_naming_the_offset() {
    // 0x81 0xFF at offset 21 is neither UTF-8 nor a GBK pair.
    let bytes = b"client_name,network\nA\x81\xFF,n\n";
    let e = spreadsheet::decode("bad.csv", bytes).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.message().starts_with("bad.csv: "), "{e}");
    assert!(e.message().contains("byte offset 21"), "{e}");

    // Random bytes, never a panic, always the file and an offset.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for round in 0..200 {
        let bytes: Vec<u8> = (0..64 + round)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        match spreadsheet::decode("noise.bin", &bytes) {
            Err(e) => {
                assert!(e.message().starts_with("noise.bin: "), "{e}");
                assert!(e.message().contains("byte offset "), "{e}");
            }
            Ok(decoded) => {
                // Text by chance: the parser must still cope.
                let _ = spreadsheet::parse("noise.bin", &decoded.text);
            }
        }
    }
    for (bytes, says) in [
        (&b"PK\x03\x04\x14\x00\x06\x00"[..], "Excel workbook"),
        (&b"\xFF\xFEc\x00l\x00"[..], "UTF-16"),
        (
            &b"client_name\nA\x00B\n"[..],
            "byte offset 13 is a NUL byte",
        ),
    ] {
        let e = spreadsheet::decode("x.csv", bytes).unwrap_err();
        assert!(e.message().contains(says), "{e}");
    }
}

// ---------------------------------------------------------------------------
// Files that are no sheet

#[test]
fn empty_header_only_garbage_and_unknown_columns_are_clear_problems() {
    for empty in ["", "\u{feff}", " \n\n\r\n"] {
        let p = parse_err(empty);
        assert!(
            p.to_string().starts_with("sheet.csv: the file is empty"),
            "{p}"
        );
    }

    let p = parse_err("client_name,network\n");
    assert_eq!(p.problems.len(), 1);
    assert!(p.problems[0].message.contains("no data rows"), "{p}");

    let garbage = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xd8\xff,\"\x01\x02");
    let p = parse_err(&garbage);
    assert!(
        p.problems
            .iter()
            .any(|p| p.message.contains("neither client_name nor client_name_zh")),
        "{p}"
    );

    let p = parse_err("client_name,pi_subject,network\nAcme,12,Shop\n");
    assert_eq!(p.problems.len(), 1, "{p}");
    let u = &p.problems[0];
    assert_eq!((u.row, u.column.as_deref()), (1, Some("pi_subject")));
    assert!(u.message.contains("did you mean pi_subjects?"), "{p}");
    assert!(u.message.contains(&COLUMNS.join(", ")), "{p}");

    let p = parse_err("client_name,network,client_name\nAcme,Shop,Acme\n");
    assert!(p.problems[0].message.contains("twice"), "{p}");

    let p = parse_err("client_name,,network\nAcme,stray,Shop,extra\n");
    let cells: Vec<&str> = p.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(cells.len(), 2, "{p}");
    assert!(cells[0].starts_with("cell B2 holds \"stray\""), "{p}");
    assert!(cells[1].starts_with("cell D2 holds \"extra\""), "{p}");

    // A file that is no sheet gets a short answer, however wide.
    let wide = format!(
        "client_name,{}\nAcme,{}\n",
        "x,".repeat(50_000),
        "y,".repeat(90_000)
    );
    let p = parse_err(&wide);
    assert!(p.problems.len() <= 25, "{} problems", p.problems.len());
    assert!(
        p.to_string().contains("and 49990 more unknown columns"),
        "{p}"
    );
    assert!(
        p.to_string()
            .contains("more cells outside the named columns"),
        "{p}"
    );

    let p = parse_err("network,pi_subjects\nShop,1\n");
    assert!(
        p.to_string()
            .contains("row 1: the header row names neither"),
        "{p}"
    );
}

// ---------------------------------------------------------------------------
// Round trips

/// What the columns can say of a network: milestone notes, the details of
/// every evaluation and certificate but the latest, and known-empty text
/// answers are not in them; same-day milestones go in stage order.
fn expressible(n: &Network) -> Network {
    let mut n = n.clone();
    // The one `Network::last` picks: the last of the latest day.
    let last_index = |stage: Stage| {
        n.milestones
            .iter()
            .enumerate()
            .filter(|(_, m)| m.stage == stage)
            .max_by_key(|(_, m)| m.date)
            .map(|(i, _)| i)
    };
    let keep = [
        last_index(Stage::EvaluationPassed),
        last_index(Stage::CertificateIssued),
    ];
    let levelled = [
        last_index(Stage::FilingSubmitted),
        last_index(Stage::CertificateIssued),
    ];
    for (i, m) in n.milestones.iter_mut().enumerate() {
        m.note.clear();
        if !levelled.contains(&Some(i)) {
            m.level = None;
        }
        if !keep.contains(&Some(i)) {
            m.score = None;
            m.conclusion = None;
            m.high_risks = None;
            m.medium_risks = None;
            m.number = None;
        }
    }
    n.milestones.sort_by_key(|m| (m.date, m.stage));
    if n.answers.cloud_provider.as_deref() == Some("") {
        n.answers.cloud_provider = None;
    }
    if n.answers.architecture_notes.as_deref() == Some("") {
        n.answers.architecture_notes = None;
    }
    n
}

fn demo_database() -> Vec<(Client, Vec<Network>)> {
    let today = d("2026-05-01");
    let doc = mlps::demo::generate_with(12, 3, today, &Settings::default());
    let records = mlps::formats::interchange::to_records("demo", &doc).unwrap();
    let mut next_network = 1000;
    records
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut client = c.client;
            // Ids out of creation order, so export must sort them.
            client.id = ClientId(100 - i as u64);
            let networks = c
                .networks
                .into_iter()
                .map(|n| {
                    let mut n = n.network;
                    next_network += 1;
                    n.id = NetworkId(next_network);
                    n.client = client.id;
                    n
                })
                .collect();
            (client, networks)
        })
        .collect()
}

#[test]
fn export_reads_back_to_the_same_records() {
    let mut db = demo_database();
    // A client without networks, and text a spreadsheet would run.
    db.push((
        Client {
            id: ClientId(5),
            name: "=HYPERLINK(\"x\")".into(),
            notes: "'quoted' first\n  -indented".into(),
            ..Client::default()
        },
        Vec::new(),
    ));
    let csv = spreadsheet::write(&db, RuleSet::Conservative);
    let back = parse_ok(&csv);

    let mut expected = db.clone();
    expected.sort_by_key(|(c, _)| c.id);
    assert_eq!(back.len(), expected.len());
    let mut milestones = 0;
    let mut evaluations = 0;
    for (got, (client, networks)) in back.iter().zip(&expected) {
        assert_eq!(got.id, Some(client.id));
        assert_eq!(&got.client, client);
        let mut networks = networks.clone();
        networks.sort_by_key(|n| n.id);
        assert_eq!(got.networks.len(), networks.len(), "{}", client.name);
        for (g, n) in got.networks.iter().zip(&networks) {
            assert_eq!(g.id, Some(n.id));
            let mut g = g.network.clone();
            g.milestones.sort_by_key(|m| (m.date, m.stage));
            let n = expressible(n);
            assert_eq!(g.name, n.name);
            assert_eq!(g.notes, n.notes);
            assert_eq!(g.client, n.client);
            assert_eq!(g.answers, n.answers, "{}", n.name);
            assert_eq!(g.overrides, n.overrides, "{}", n.name);
            assert_eq!(g.filed_level, n.filed_level, "{}", n.name);
            assert_eq!(g.milestones, n.milestones, "{}", n.name);
            milestones += g.milestones.len();
            evaluations += g.milestones.iter().filter(|m| m.score.is_some()).count();
        }
    }
    assert!(
        milestones > 50 && evaluations > 3,
        "the demo exercises the columns"
    );
    // The same text again from what was read.
    assert_eq!(
        spreadsheet::write(&as_database(&back), RuleSet::Conservative),
        csv
    );
}

#[test]
fn a_sheet_written_by_export_writes_back_unchanged() {
    let csv = spreadsheet::write(&demo_database(), RuleSet::Conservative);
    assert!(csv.starts_with('\u{feff}'), "a byte order mark for Excel");
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(header, COLUMNS.join(","));
    let once = spreadsheet::write(&as_database(&parse_ok(&csv)), RuleSet::Conservative);
    assert_eq!(once, csv);
    // Also after the sheet went through GBK, as Chinese Excel saves it.
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(csv.trim_start_matches('\u{feff}'));
    assert!(!unmappable);
    let decoded = spreadsheet::decode("gbk.csv", &gbk).unwrap();
    assert!(decoded.note.is_some());
    assert_eq!(
        spreadsheet::write(
            &as_database(&parse_ok(&decoded.text)),
            RuleSet::Conservative
        ),
        csv
    );
}

#[test]
fn formula_text_is_exported_inert_and_reads_back_as_written() {
    let client = Client {
        id: ClientId(1),
        name: "=HYPERLINK(\"x\")".into(),
        name_zh: "@SUM(1)".into(),
        region: "Acme".into(),
        ..Client::default()
    };
    let mut network = Network {
        id: NetworkId(2),
        client: ClientId(1),
        revision: 0,
        name: "+cmd".into(),
        notes: "-2+3".into(),
        answers: Default::default(),
        overrides: Default::default(),
        filed_level: None,
        milestones: vec![],
    };
    network.answers.cloud_provider = Some("=1+1".into());
    let csv = spreadsheet::write(
        &[(client.clone(), vec![network.clone()])],
        RuleSet::Conservative,
    );
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with("1,\"'=HYPERLINK(\"\"x\"\")\",'@SUM(1),Acme,"),
        "{row}"
    );
    assert!(row.contains(",2,'+cmd,'-2+3,"), "{row}");
    assert!(row.contains(",'=1+1,"), "{row}");
    let back = parse_ok(&csv);
    assert_eq!(back[0].client, client);
    assert_eq!(back[0].networks[0].network, network);
}

#[test]
fn filing_levels_failed_evaluations_and_the_provisional_level_have_columns() {
    let client = Client {
        id: ClientId(1),
        name: "Acme".into(),
        ..Client::default()
    };
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut filing = Milestone::new(Stage::FilingSubmitted, day("2025-03-01"));
    filing.level = Some(Level::L3);
    let mut failed = Milestone::new(Stage::EvaluationFailed, day("2025-09-01"));
    failed.high_risks = Some(2);
    let network = Network {
        id: NetworkId(2),
        client: ClientId(1),
        revision: 0,
        name: "Portal".into(),
        notes: String::new(),
        answers: Default::default(),
        overrides: Default::default(),
        filed_level: Some(Level::L3),
        milestones: vec![filing, failed],
    };
    let csv = spreadsheet::write(&[(client, vec![network])], RuleSet::Conservative);
    let header: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("filing_submitted"), "2025-03-01");
    assert_eq!(cell("filing_level"), "3");
    assert_eq!(cell("evaluation_failed"), "2025-09-01");
    // Nothing answered: level 1 from the answers given, up to 5.
    assert_eq!((cell("computed_level"), cell("max_level")), ("1", "5"));
    let back = parse_ok(&csv);
    let n = &back[0].networks[0].network;
    assert_eq!(
        n.last(Stage::FilingSubmitted).unwrap().level,
        Some(Level::L3)
    );
    assert_eq!(
        n.last(Stage::EvaluationFailed).unwrap().date,
        day("2025-09-01")
    );

    // A filing level with no filing, and a filed level the filing
    // contradicts, are named by column.
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
    cells[at("filing_submitted")] = String::new();
    let text = format!("{}\n{}\n", header.join(","), cells.join(","));
    let problems = parse_err(&text).to_string();
    assert!(problems.contains("filing_level"), "{problems}");
    assert!(
        problems.contains("filing_submitted has no date"),
        "{problems}"
    );
    let mut cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
    cells[at("filed_level")] = "2".into();
    let text = format!("{}\n{}\n", header.join(","), cells.join(","));
    let problems = parse_err(&text).to_string();
    assert!(problems.contains("filed_level"), "{problems}");
    assert!(problems.contains("follows the latest filing"), "{problems}");
}
