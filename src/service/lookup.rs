//! Finding the client or network a user means from a few words on the
//! command line (`mlps renewals QUERY`, `mlps due QUERY`, `mlps report
//! QUERY`): written once, for every command that takes a QUERY.
//!
//! In this order, the first rule that finds anything decides:
//!
//! 1. **An id**: `ID` (a client's or a network's), or
//!    `CLIENT_ID/NETWORK_ID` as the agenda tables print it.
//! 2. **An exact name**: `CLIENT/NETWORK` (the client by its English or
//!    Chinese name), or a client's English or Chinese name, or a
//!    network's name, compared after folding (NFKC, case, runs of white
//!    space). Exact names are looked for among the fuzzy jump's best
//!    [`LIMIT`] hits: an entry whose label holds every word of the query
//!    is among them unless more than [`LIMIT`] entries match better.
//! 3. **The fuzzy jump** (English, Chinese, pinyin, initials; see
//!    [`crate::domain::search`]). The hits on the best *tier* (how each
//!    term matched: the whole of a key, its start, a run within it,
//!    scattered letters; [`Hit::tier`]) are the candidates; the fuzzy
//!    matcher's score within a tier is not trusted to tell them apart.
//!
//! Candidates are then gathered by what they stand for: a contact stands
//! for its client, and a client's networks (whose labels carry the
//! client's name) go with the client when the client itself is a
//! candidate. One left: it is used. Several: none is (exit 2), and they
//! are listed with their ids. None: exit 2, naming the query.

use std::collections::HashSet;

use crate::domain::labels::{Label, Lang};

use crate::domain::model::{Client, ClientId, Network, NetworkId};
use crate::domain::search::{self, Hit, Target};
use crate::error::{Error, Missing, Result};
use crate::store::CaseStore;

/// How many fuzzy-jump hits a lookup reads.
pub const LIMIT: usize = 200;

/// At most this many candidates are listed when a query is ambiguous.
pub const LISTED: usize = 20;

/// What a query found: a client, or a network with its client.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Client(Client),
    /// The network boxed: a network is much larger than a client.
    Network {
        client: Client,
        network: Box<Network>,
    },
}

impl Found {
    pub fn client(&self) -> &Client {
        match self {
            Found::Client(c) | Found::Network { client: c, .. } => c,
        }
    }

    pub fn network(&self) -> Option<&Network> {
        match self {
            Found::Client(_) => None,
            Found::Network { network, .. } => Some(network),
        }
    }

    /// Whether an obligation of this client and network belongs to what
    /// was found: any network of a client found, or the network found.
    pub fn covers(&self, client: ClientId, network: NetworkId) -> bool {
        match self {
            Found::Client(c) => c.id == client,
            Found::Network { network: n, .. } => n.id == network,
        }
    }

    /// The id as the agenda tables print it: `CLIENT_ID` for a client,
    /// `CLIENT_ID/NETWORK_ID` for a network; a query that gives it back
    /// finds the same record.
    pub fn id(&self) -> String {
        match self {
            Found::Client(c) => c.id.0.to_string(),
            Found::Network { client, network } => format!("{}/{}", client.id.0, network.id.0),
        }
    }

    /// `client 9 Chongqing Yuxin Commercial Bank Co., Ltd. 重庆渝信商业银行股份有限公司`,
    /// `network 9/10 Core banking system — Chongqing Yuxin ...`.
    pub fn describe(&self) -> String {
        match self {
            Found::Client(c) => format!("client {} {}", self.id(), names(c)),
            Found::Network { client, network } => {
                format!("network {} {} — {}", self.id(), network.name, names(client))
            }
        }
    }
}

/// A client's English and Chinese names, side by side (whichever it has).
pub fn names(c: &Client) -> String {
    match (c.name.is_empty(), c.name_zh.is_empty()) {
        (false, false) => format!("{} {}", c.name, c.name_zh),
        (false, true) => c.name.clone(),
        _ => c.name_zh.clone(),
    }
}

/// One of several things a query fits equally well.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub found: Found,
    /// The contact whose name the query matched, when it found the client
    /// through one.
    pub contact: Option<String>,
}

/// What a lookup came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Found(Found),
    /// Several candidates, none better than the others (at most
    /// [`LISTED`], best first), and how many there were in all.
    Ambiguous {
        candidates: Vec<Candidate>,
        total: usize,
    },
    /// Nothing matches.
    Nothing,
}

/// Looks `query` up by the rules of this module's documentation.
pub fn lookup(store: &dyn CaseStore, query: &str) -> Result<Lookup> {
    let query = crate::text::clean_line(query);
    if query.is_empty() {
        return Err(Error::input(
            "give a client or network to look up: its id, its name, or a few letters of it \
             (English, Chinese, pinyin or initials)",
        ));
    }
    let by_id = by_id(store, &query)?;
    if !by_id.is_empty() {
        return settle(store, by_id);
    }
    let by_path = by_path(store, &query)?;
    if !by_path.is_empty() {
        return settle(store, by_path);
    }
    let hits = store.search(&query, LIMIT)?;
    let Some(best) = hits.first().map(Hit::tier) else {
        return Ok(Lookup::Nothing);
    };
    let exact = exact_names(store, &hits, &query)?;
    if !exact.is_empty() {
        return settle(store, gather(&exact));
    }
    let top: Vec<&Hit> = hits.iter().filter(|h| h.tier() == best).collect();
    settle(store, gather(&top))
}

/// [`lookup`], with an ambiguous or fruitless query as the error a
/// command reports (exit 2): the candidates with their ids, or the query.
pub fn resolve(store: &dyn CaseStore, query: &str) -> Result<Found> {
    resolve_in(store, query, Lang::En)
}

/// [`resolve`], its refusals in `lang` (the printed commands' language):
/// in Chinese the sentence and the candidates' kinds in Chinese, in both
/// the English sentence, the Chinese one, then the candidates.
pub fn resolve_in(store: &dyn CaseStore, query: &str, lang: Lang) -> Result<Found> {
    match lookup(store, query)? {
        Lookup::Found(found) => Ok(found),
        Lookup::Ambiguous { candidates, total } => {
            Err(Error::input(ambiguous_in(query, &candidates, total, lang)))
        }
        Lookup::Nothing => Err(nothing_in(query, lang)),
    }
}

/// The network a query names: a network found, or the only network of a
/// client found. A client with several networks is refused (exit 2),
/// listing them with their ids; one with none too.
pub fn resolve_network(store: &dyn CaseStore, query: &str) -> Result<(Client, Network)> {
    match resolve(store, query)? {
        Found::Network { client, network } => Ok((client, *network)),
        Found::Client(client) => {
            let mut networks = store.networks_of(client.id)?;
            match networks.len() {
                1 => Ok((client, networks.remove(0))),
                0 => Err(Error::input(format!(
                    "{:?} finds client {} {}, which has no networks",
                    crate::text::clean_line(query),
                    client.id.0,
                    names(&client)
                ))),
                n => {
                    let total = networks.len();
                    let listed: Vec<Candidate> = networks
                        .into_iter()
                        .take(LISTED)
                        .map(|network| Candidate {
                            found: Found::Network {
                                client: client.clone(),
                                network: Box::new(network),
                            },
                            contact: None,
                        })
                        .collect();
                    Err(Error::input(format!(
                        "{:?} finds client {} {}, which has {n} networks; give one by its id:\n{}",
                        crate::text::clean_line(query),
                        client.id.0,
                        names(&client),
                        listing(&listed, total, false)
                    )))
                }
            }
        }
    }
}

/// The error for a query that matches nothing (exit 2).
pub fn nothing(query: &str) -> Error {
    nothing_in(query, Lang::En)
}

/// [`nothing`] in `lang`.
pub fn nothing_in(query: &str, lang: Lang) -> Error {
    let query = crate::text::clean_line(query);
    let message = crate::domain::labels::cli::sentence(
        lang,
        || {
            format!(
                "no client or network matches {query:?}: give an id (CLIENT_ID or \
                 CLIENT_ID/NETWORK_ID, as mlps renewals prints them), a name, or a few letters of \
                 one (English, Chinese, pinyin or initials)"
            )
        },
        || crate::domain::labels::cli::nothing_matches_zh(&format!("{query:?}")),
    );
    Error::not_found(Missing::Query(query.clone()), message)
}

/// The sentence for an ambiguous query: how many of what, then one line
/// per candidate with its id and names.
pub fn ambiguous(query: &str, candidates: &[Candidate], total: usize) -> String {
    ambiguous_in(query, candidates, total, Lang::En)
}

/// [`ambiguous`] in `lang`.
pub fn ambiguous_in(query: &str, candidates: &[Candidate], total: usize, lang: Lang) -> String {
    let clients = candidates
        .iter()
        .filter(|c| matches!(c.found, Found::Client(_)))
        .count();
    let networks = candidates.len() - clients;
    let what = match (clients, networks) {
        (_, 0) => crate::text::counted(total, "client", "clients"),
        (0, _) => crate::text::counted(total, "network", "networks"),
        _ => format!("{total} clients and networks"),
    };
    let query = format!("{:?}", crate::text::clean_line(query));
    let zh_what = match (clients, networks) {
        (_, 0) => "个客户",
        (0, _) => "个定级对象",
        _ => "个客户和定级对象",
    };
    let head = crate::domain::labels::cli::sentence(
        lang,
        || format!("{query} matches {what} equally well; give one by its id, or more of its name:"),
        || crate::domain::labels::cli::ties_zh(&query, total, zh_what),
    );
    format!("{head}\n{}", listing_in(candidates, total, true, lang))
}

/// One line per candidate: kind, id, names (a network's with its
/// client's, unless `with_client` is false); and how many more there were.
fn listing(candidates: &[Candidate], total: usize, with_client: bool) -> String {
    listing_in(candidates, total, with_client, Lang::En)
}

/// [`listing`] with the kinds (`client`, `network`, `contact`, `and N
/// more`) in `lang`.
fn listing_in(candidates: &[Candidate], total: usize, with_client: bool, lang: Lang) -> String {
    use crate::domain::labels::cli::{AND_MORE, CLIENT_WORD, CONTACT_WORD, NETWORK_WORD};
    let kind_w = [CLIENT_WORD, NETWORK_WORD]
        .iter()
        .map(|l| crate::text::width(&l.get(lang)))
        .max()
        .unwrap_or(0)
        + 2;
    let kind = |l: Label| crate::text::pad(&l.get(lang), kind_w);
    let width = candidates
        .iter()
        .map(|c| c.found.id().len())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<String> = candidates
        .iter()
        .map(|Candidate { found: c, contact }| match c {
            Found::Client(client) => {
                let by = contact
                    .as_ref()
                    .map(|name| format!(" ({} {name})", CONTACT_WORD.get(lang)))
                    .unwrap_or_default();
                format!(
                    "  {}{:<width$}  {}{by}",
                    kind(CLIENT_WORD),
                    c.id(),
                    names(client)
                )
            }
            Found::Network { network, .. } if !with_client => {
                format!(
                    "  {}{:<width$}  {}",
                    kind(NETWORK_WORD),
                    c.id(),
                    network.name
                )
            }
            Found::Network { client, network } => format!(
                "  {}{:<width$}  {} — {}",
                kind(NETWORK_WORD),
                c.id(),
                network.name,
                names(client)
            ),
        })
        .collect();
    if total > candidates.len() {
        let more = total - candidates.len();
        lines.push(format!(
            "  … {}",
            AND_MORE.get(lang).replace('N', &more.to_string())
        ));
    }
    lines.join("\n")
}

/// What a hit stands for, before its records are read: a client (with
/// the index of the contact it was found by, if that is how), or a
/// network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Client(ClientId, Option<usize>),
    Network(NetworkId),
}

/// The records of the candidates: one found, or several listed.
fn settle(store: &dyn CaseStore, candidates: Vec<Pick>) -> Result<Lookup> {
    let mut total = candidates.len();
    let mut found = Vec::new();
    for c in candidates.into_iter().take(LISTED) {
        match read(store, c)? {
            Some(f) => found.push(f),
            // Deleted since the search: not a candidate after all.
            None => total -= 1,
        }
    }
    Ok(match (found.len(), total) {
        (0, 0) => Lookup::Nothing,
        (1, 1) => Lookup::Found(found.remove(0).found),
        _ => Lookup::Ambiguous {
            candidates: found,
            total,
        },
    })
}

fn read(store: &dyn CaseStore, c: Pick) -> Result<Option<Candidate>> {
    Ok(match c {
        Pick::Client(id, contact) => store.client(id)?.map(|client| Candidate {
            contact: contact
                .and_then(|i| client.contacts.get(i))
                .map(|c| c.name.clone()),
            found: Found::Client(client),
        }),
        Pick::Network(id) => match store.network(id)? {
            Some(network) => store.client(network.client)?.map(|client| Candidate {
                found: Found::Network {
                    client,
                    network: Box::new(network),
                },
                contact: None,
            }),
            None => None,
        },
    })
}

/// Rule 1: `ID` or `CLIENT_ID/NETWORK_ID`.
fn by_id(store: &dyn CaseStore, query: &str) -> Result<Vec<Pick>> {
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let mut out = Vec::new();
    if let Some(id) = number(query) {
        if store.client(ClientId(id))?.is_some() {
            out.push(Pick::Client(ClientId(id), None));
        }
        if store.network(NetworkId(id))?.is_some() {
            out.push(Pick::Network(NetworkId(id)));
        }
    } else if let Some((c, n)) = query.split_once('/')
        && let (Some(c), Some(n)) = (number(c), number(n))
        && let Some(network) = store.network(NetworkId(n))?
        && network.client == ClientId(c)
    {
        out.push(Pick::Network(network.id));
    }
    Ok(out)
}

/// Rule 2, `CLIENT/NETWORK`: the client by its exact English or Chinese
/// name, its network by its exact name.
fn by_path(store: &dyn CaseStore, query: &str) -> Result<Vec<Pick>> {
    let Some((client_part, network_part)) = query.rsplit_once('/') else {
        return Ok(Vec::new());
    };
    let (client_part, network_part) = (search::fold(client_part), search::fold(network_part));
    if client_part.is_empty() || network_part.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for hit in store.search(&client_part, LIMIT)? {
        let Target::Client(id) = hit.target else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        let Some(client) = store.client(id)? else {
            continue;
        };
        if search::fold(&client.name) != client_part && search::fold(&client.name_zh) != client_part
        {
            continue;
        }
        for n in store.networks_of(id)? {
            if search::fold(&n.name) == network_part {
                out.push(Pick::Network(n.id));
            }
        }
    }
    Ok(out)
}

/// Rule 2, a name: the hits whose client or network has exactly that
/// name (contacts' names do not count), best first, gathered.
fn exact_names(store: &dyn CaseStore, hits: &[Hit], query: &str) -> Result<Vec<Hit>> {
    let want = search::fold(query);
    let mut out = Vec::new();
    for hit in hits {
        // Labels are `NAME · 中文名` or `NAME — CLIENT`: an exact name
        // is the whole label, or begins or ends it.
        let label = search::fold(&hit.label);
        if label != want
            && !label.starts_with(&format!("{want} "))
            && !label.ends_with(&format!(" {want}"))
        {
            continue;
        }
        let exact = match hit.target {
            Target::Client(id) => store
                .client(id)?
                .is_some_and(|c| search::fold(&c.name) == want || search::fold(&c.name_zh) == want),
            Target::Network(id) => store
                .network(id)?
                .is_some_and(|n| search::fold(&n.name) == want),
            Target::Contact { .. } => false,
        };
        if exact {
            out.push(hit.clone());
        }
    }
    Ok(out)
}

/// The hits as what they stand for, in their order: a contact as its
/// client; a network as itself, unless its client is a candidate too.
fn gather<H: std::borrow::Borrow<Hit>>(hits: &[H]) -> Vec<Pick> {
    let clients: HashSet<ClientId> = hits
        .iter()
        .filter_map(|h| match h.borrow().target {
            Target::Client(c) | Target::Contact { client: c, .. } => Some(c),
            Target::Network(_) => None,
        })
        .collect();
    let mut out: Vec<Pick> = Vec::new();
    for h in hits {
        let h = h.borrow();
        let pick = match h.target {
            Target::Client(c) => Pick::Client(c, None),
            Target::Contact { client, index } => Pick::Client(client, Some(index)),
            Target::Network(n) => {
                if h.client.is_some_and(|c| clients.contains(&c)) {
                    continue;
                }
                Pick::Network(n)
            }
        };
        // One pick per client: found by itself rather than by a contact,
        // where it was found both ways.
        let same = out.iter().position(|p| match (p, &pick) {
            (Pick::Client(a, _), Pick::Client(b, _)) => a == b,
            (a, b) => a == b,
        });
        match same {
            None => out.push(pick),
            Some(i) if matches!(pick, Pick::Client(_, None)) => out[i] = pick,
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(target: Target, client: u64) -> Hit {
        Hit {
            target,
            client: Some(ClientId(client)),
            label: String::new(),
            score: 0,
            positions: Vec::new(),
        }
    }

    fn client(id: u64) -> Target {
        Target::Client(ClientId(id))
    }

    fn network(id: u64) -> Target {
        Target::Network(NetworkId(id))
    }

    fn contact(client: u64) -> Target {
        Target::Contact {
            client: ClientId(client),
            index: 0,
        }
    }

    #[test]
    fn hits_are_gathered_by_what_they_stand_for() {
        let c = |id| Pick::Client(ClientId(id), None);
        let n = |id| Pick::Network(NetworkId(id));
        // A client's name is in its networks' and contacts' labels: they
        // all match it as well, and stand for the client.
        let bank = [
            hit(network(12), 9),
            hit(contact(9), 9),
            hit(client(9), 9),
            hit(network(10), 9),
        ];
        assert_eq!(gather(&bank), [c(9)]);
        // A contact alone stands for its client, and says so.
        assert_eq!(
            gather(&[hit(contact(9), 9), hit(contact(9), 9)]),
            [Pick::Client(ClientId(9), Some(0))]
        );
        // Two clients, each with its networks: two candidates.
        let two = [
            hit(network(56), 55),
            hit(client(74), 74),
            hit(client(55), 55),
            hit(network(75), 74),
        ];
        assert_eq!(gather(&two), [c(74), c(55)]);
        // Networks without their client are candidates of their own, even
        // of one client.
        assert_eq!(
            gather(&[hit(network(10), 9), hit(network(11), 9)]),
            [n(10), n(11)]
        );
        assert_eq!(
            gather(&[hit(network(18), 16), hit(client(5), 5)]),
            [n(18), c(5)]
        );
    }

    #[test]
    fn what_was_found_covers_its_obligations() {
        let c = Client {
            id: ClientId(9),
            name: "Chongqing Yuxin".into(),
            name_zh: "重庆渝信".into(),
            ..Client::default()
        };
        let n = Network {
            id: NetworkId(10),
            client: c.id,
            revision: 1,
            name: "Core banking".into(),
            notes: String::new(),
            answers: Default::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: Vec::new(),
        };
        let client = Found::Client(c.clone());
        let network = Found::Network {
            client: c,
            network: Box::new(n),
        };
        assert!(client.covers(ClientId(9), NetworkId(11)));
        assert!(!client.covers(ClientId(8), NetworkId(10)));
        assert!(network.covers(ClientId(9), NetworkId(10)));
        assert!(!network.covers(ClientId(9), NetworkId(11)));
        assert_eq!((client.id(), network.id()), ("9".into(), "9/10".into()));
        assert_eq!(client.describe(), "client 9 Chongqing Yuxin 重庆渝信");
    }
}
