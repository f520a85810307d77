//! Fuzzy jump: find a client, network or contact by typing a few letters of
//! its name, in English, in Chinese characters, in pinyin or in pinyin
//! initials.
//!
//! Every [`Entry`] computes its search keys once, when it is built:
//!
//! - the label folded with NFKC and lowercased (`ＡＣＭＥ` becomes `acme`);
//! - the label with every Han character spelt in toneless pinyin
//!   (`上海中心` becomes `shanghaizhongxin`), one key per combination of
//!   readings of the characters that have several (`银行` is both `yinhang`
//!   and `yinxing`);
//! - the same with only the first letter of each reading (`shzx`).
//!
//! The pinyin keys spell the run from the first Han character to the last
//! (`Acme · 阿克米` gives `akemi`, not `acme · akemi`): the text around it
//! is in the folded label already, and repeating it in every spelling
//! would multiply the index's memory. A query that runs from pinyin into
//! that text takes a space (`akm acme`).
//!
//! Each key keeps, for every one of its characters, the index of the label
//! character it came from, so a match on any key highlights the label.
//!
//! Readings: the `pinyin` crate lists every reading of a character but has
//! no word dictionary, so a small table of words common in company, place
//! and personal names ([`WORDS`], [`SURNAMES`]) chooses the preferred
//! reading (`银行` → `hang`, `重庆` → `chong`, `厦门` → `xia`); elsewhere the
//! crate's first reading is preferred. A character keeps at most
//! [`MAX_READINGS`] distinct readings. The combinations are generated in
//! order of how far they stray from the preferred readings (the sum of the
//! ranks of the readings used) and capped at [`MAX_VARIANTS`] keys per kind
//! (full pinyin, initials), so the preferred spelling and every
//! single-character deviation come first. A key that uses non-preferred
//! readings scores a little lower ([`READING_PENALTY`] per rank), so
//! `yinxing` still finds 招商银行 but ranks a real 银杏 above it.
//!
//! A query is NFKC-folded and lowercased too. White space separates terms
//! that must all match, each on any key (fzf style): `acme shop` finds
//! "Online shop — Acme Trading Ltd". An empty query finds nothing.
//!
//! Per keystroke, [`SearchIndex::search`] only scans the precomputed keys:
//! a letter mask and a subsequence test on one "superkey" per entry reject
//! most entries at once; plain string tests (equal, starts with, contains,
//! subsequence) give each remaining key its tier; `SkimMatcherV2` then
//! scores at most [`MAX_SCORED`] keys per term, and only on the entries
//! whose tiers can still reach the first `limit` hits; highlights are
//! computed for the returned hits only.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use pinyin::ToPinyinMulti;
use unicode_normalization::UnicodeNormalization;

use crate::domain::model::{Client, ClientId, Network, NetworkId};

/// At most this many full-pinyin keys, and as many initials keys, per entry.
pub const MAX_VARIANTS: usize = 32;

/// Pinyin keys spell at most this many characters of a label.
pub const MAX_PINYIN_CHARS: usize = 128;

/// At most this many distinct toneless readings per character (the
/// preferred one first).
pub const MAX_READINGS: usize = 3;

/// Score taken off a key per rank of non-preferred reading it uses.
pub const READING_PENALTY: i64 = 8;

/// Score of a term matched as the whole key.
const TIER_EXACT: i64 = 3;
/// Score of a term matched at the start of a key.
const TIER_PREFIX: i64 = 2;
/// Score of a term matched as a contiguous run of a key.
const TIER_CONTIGUOUS: i64 = 1;
/// One tier outweighs any fuzzy score of a realistic query.
const TIER_WEIGHT: i64 = 1 << 20;
/// At most this many keys of an entry, the best by tier and reading cost,
/// are scored by the fuzzy matcher for one term.
pub const MAX_SCORED: usize = 4;
/// At most this many entries, the best by tier, match span and label
/// length, are scored by the fuzzy matcher in one search.
const PRESCORED: usize = 256;

/// Words whose characters have several readings, with the reading they
/// have in the word (space separated, one per character).
pub const WORDS: &[(&str, &str)] = &[
    // 行: háng in banking and trades.
    ("银行", "yin hang"),
    ("分行", "fen hang"),
    ("支行", "zhi hang"),
    ("总行", "zong hang"),
    ("商行", "shang hang"),
    ("投行", "tou hang"),
    ("央行", "yang hang"),
    ("农行", "nong hang"),
    ("工行", "gong hang"),
    ("建行", "jian hang"),
    ("中行", "zhong hang"),
    ("交行", "jiao hang"),
    ("招行", "zhao hang"),
    ("车行", "che hang"),
    ("琴行", "qin hang"),
    ("同行", "tong hang"),
    ("行业", "hang ye"),
    ("行情", "hang qing"),
    ("行长", "hang zhang"),
    // 重: chóng.
    ("重庆", "chong qing"),
    ("重复", "chong fu"),
    ("重新", "chong xin"),
    ("重建", "chong jian"),
    ("重组", "chong zu"),
    // 长: cháng in places and lengths.
    ("长沙", "chang sha"),
    ("长春", "chang chun"),
    ("长江", "chang jiang"),
    ("长城", "chang cheng"),
    ("长安", "chang an"),
    ("长宁", "chang ning"),
    ("长兴", "chang xing"),
    ("长治", "chang zhi"),
    ("长白", "chang bai"),
    ("长虹", "chang hong"),
    ("长丰", "chang feng"),
    ("长征", "chang zheng"),
    ("长期", "chang qi"),
    ("长途", "chang tu"),
    ("长远", "chang yuan"),
    ("延长", "yan chang"),
    // Places.
    ("厦门", "xia men"),
    ("成都", "cheng du"),
    ("首都", "shou du"),
    ("京都", "jing du"),
    ("都市", "du shi"),
    ("都江", "du jiang"),
    ("西藏", "xi zang"),
    ("蚌埠", "beng bu"),
    ("六安", "lu an"),
    ("番禺", "pan yu"),
    ("乐清", "yue qing"),
    ("荥阳", "xing yang"),
    ("台州", "tai zhou"),
    // Trades and business words.
    ("音乐", "yin yue"),
    ("乐器", "yue qi"),
    ("乐团", "yue tuan"),
    ("会计", "kuai ji"),
    ("财会", "cai kuai"),
    ("空调", "kong tiao"),
    ("调节", "tiao jie"),
    ("调整", "tiao zheng"),
    ("调解", "tiao jie"),
    ("协调", "xie tiao"),
    ("便宜", "pian yi"),
    ("出差", "chu chai"),
    ("还款", "huan kuan"),
    ("效率", "xiao lv"),
    ("频率", "pin lv"),
    ("角色", "jue se"),
    ("供给", "gong ji"),
    ("尉迟", "yu chi"),
];

/// Surnames read differently from the character's first reading; used for
/// the first character of a contact's name.
pub const SURNAMES: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('查', "zha"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('朴', "piao"),
    ('翟', "zhai"),
    ('盖', "ge"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('乐', "yue"),
    ('重', "chong"),
    ('召', "shao"),
    ('秘', "bi"),
    ('种', "chong"),
    ('员', "yun"),
    ('繁', "po"),
    ('长', "chang"),
    ('尉', "yu"),
];

/// What a hit jumps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Client(ClientId),
    Network(NetworkId),
    /// The `index`-th contact of the client.
    Contact {
        client: ClientId,
        index: usize,
    },
}

impl Target {
    /// The target as numbers: kind (0 client, 1 network, 2 contact), id
    /// (the client's, for a contact) and the contact's index.
    pub fn parts(self) -> (u8, u64, u32) {
        match self {
            Target::Client(c) => (0, c.0, 0),
            Target::Network(n) => (1, n.0, 0),
            Target::Contact { client, index } => {
                (2, client.0, u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    }

    /// The target of [`Target::parts`]; `None` for an unknown kind.
    pub fn from_parts(kind: u8, id: u64, index: u32) -> Option<Target> {
        Some(match kind {
            0 => Target::Client(ClientId(id)),
            1 => Target::Network(NetworkId(id)),
            2 => Target::Contact {
                client: ClientId(id),
                index: index as usize,
            },
            _ => return None,
        })
    }
}

/// One search key: folded text and, per character of it, the index of the
/// label character it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    text: String,
    map: Box<[u32]>,
    /// Sum of the ranks of the non-preferred readings used; 0 for the
    /// folded label and the preferred spelling.
    cost: u32,
}

/// An entry's texts, packed in one allocation: its label, its superkey
/// and its keys one after the other, and per key where its text ends and
/// its reading cost. A label that is its folded form (the first key) but
/// for ASCII capitals among its first 64 characters is not kept twice:
/// which characters are capitals is. Which label character each key character came from
/// is not kept: it is worked out again (see [`compute_keys`]) for the
/// few entries a search returns, to highlight them, which keeps the index
/// small.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Keys {
    text: Box<str>,
    /// Where the label ends in `text` (at 0 when it is not there), and
    /// the superkey after it.
    label_end: u32,
    superkey_end: u32,
    /// The label is the first key with these characters (bit `i`:
    /// character `i`) in ASCII capitals, when `None` is not.
    capitals: Option<u64>,
    /// Per key, where its text ends in `text` and its reading cost: one
    /// `end << 8 | cost` when every end is below 2^24 and every cost
    /// below 256 (all but hostile labels), else two numbers (`wide`).
    refs: Box<[u32]>,
    wide: bool,
}

/// Ends at or past this do not fit a narrow ref.
const NARROW_END: usize = 1 << 24;

/// Which characters of `label` are ASCII capitals of those of `folded`
/// (bit `i`: character `i`), when every other character is the same and
/// none after the 64th is a capital; `None` otherwise.
fn capitals(label: &str, folded: &str) -> Option<u64> {
    let mut bits = 0u64;
    let mut folded = folded.chars();
    for (i, c) in label.chars().enumerate() {
        let f = folded.next()?;
        if c == f {
            continue;
        }
        if i < 64 && c.is_ascii_uppercase() && c.to_ascii_lowercase() == f {
            bits |= 1 << i;
        } else {
            return None;
        }
    }
    folded.next().is_none().then_some(bits)
}

impl Keys {
    fn pack(label: &str, superkey: &str, keys: &[Key]) -> Keys {
        let capitals = keys.first().and_then(|k| capitals(label, &k.text));
        let label = if capitals.is_some() { "" } else { label };
        let all = label.len() + superkey.len() + keys.iter().map(|k| k.text.len()).sum::<usize>();
        let mut text = String::with_capacity(all);
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        text.push_str(label);
        let label_end = clamp(text.len());
        text.push_str(superkey);
        let superkey_end = clamp(text.len());
        let wide = all >= NARROW_END || keys.iter().any(|k| k.cost > 255);
        let mut refs = Vec::with_capacity(keys.len() * (1 + usize::from(wide)));
        for key in keys {
            text.push_str(&key.text);
            if wide {
                refs.extend([clamp(text.len()), key.cost]);
            } else {
                refs.push(clamp(text.len()) << 8 | key.cost);
            }
        }
        Keys {
            text: text.into_boxed_str(),
            label_end,
            superkey_end,
            capitals,
            refs: refs.into_boxed_slice(),
            wide,
        }
    }

    fn label(&self) -> Cow<'_, str> {
        match self.capitals {
            None => Cow::Borrowed(&self.text[..self.label_end as usize]),
            Some(0) if self.len() > 0 => Cow::Borrowed(self.text(0)),
            Some(bits) => Cow::Owned(
                self.text(0)
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i < 64 && bits & (1 << i) != 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect(),
            ),
        }
    }

    fn superkey(&self) -> &str {
        &self.text[self.label_end as usize..self.superkey_end as usize]
    }

    fn len(&self) -> usize {
        if self.wide {
            self.refs.len() / 2
        } else {
            self.refs.len()
        }
    }

    /// Where key `i`'s text ends in `text`.
    fn end(&self, i: usize) -> usize {
        if self.wide {
            self.refs[2 * i] as usize
        } else {
            (self.refs[i] >> 8) as usize
        }
    }

    fn text(&self, i: usize) -> &str {
        let start = if i == 0 {
            self.superkey_end as usize
        } else {
            self.end(i - 1)
        };
        &self.text[start..self.end(i)]
    }

    fn cost(&self, i: usize) -> u32 {
        if self.wide {
            self.refs[2 * i + 1]
        } else {
            self.refs[i] & 0xff
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        (0..self.len()).map(|i| (self.text(i), self.cost(i)))
    }
}

/// A searchable item with its precomputed keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    target: Target,
    /// The client the entry belongs to, for [`SearchIndex::remove_client`].
    owner: Option<ClientId>,
    /// The label is a person's name (its first character read as a
    /// surname): what its keys are computed with.
    person: bool,
    label_chars: u32,
    /// Letters and digits present in any key, one bit each.
    mask: u64,
    /// How the keys start ([`head_bits`] of each, and of its first byte):
    /// a term whose head is not in here starts no key.
    heads: u128,
    /// Adjacent byte pairs of the keys, hashed to one of 512 bits: a term
    /// with a pair not in here is no substring of any key.
    pairs: Pairs,
    /// Lengths of the keys in bytes, one bit each (63 for longer ones): a
    /// term can match a key whole only if its length is here.
    lengths: u64,
    /// The label, the superkey (every key is a subsequence of it: each
    /// Han character followed by all its readings; a term that is not
    /// cannot match any key) and the keys.
    keys: Keys,
}

/// An entry as stored: what it jumps to, its label and its client. Its
/// keys are not stored but computed again when the index is loaded (on
/// every core, about as fast as reading them was, and the daemon keeps
/// neither the stored keys nor the database pages they filled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub target: Target,
    pub label: String,
    pub owner: Option<ClientId>,
}

impl Entry {
    /// An entry showing `label`; its keys are computed here, once.
    pub fn new(target: Target, label: impl Into<String>) -> Self {
        Self::build(target, label.into(), None, false)
    }

    fn build(target: Target, label: String, owner: Option<ClientId>, person: bool) -> Self {
        let (keys, superkey) = compute_keys(&label, person, INDEX_SPREAD);
        let keys = Keys::pack(&label, &superkey, &keys);
        let (mut heads, mut pairs, mut lengths) = (0u128, Pairs::default(), 0u64);
        for (text, _) in keys.iter() {
            let first = text.as_bytes().first();
            heads |= head_bits(text) | first.map_or(0, |f| 1u128 << (usize::from(*f) % 128));
            pairs = pairs.or(&Pairs::of(text));
            lengths |= length_bit(text.len());
        }
        Entry {
            target,
            label_chars: u32::try_from(label.chars().count()).unwrap_or(u32::MAX),
            owner,
            person,
            mask: letter_mask(&superkey),
            heads,
            pairs,
            lengths,
            keys,
        }
    }

    /// What is stored of the entry.
    pub fn stored(&self) -> StoredEntry {
        StoredEntry {
            target: self.target,
            label: self.label().into_owned(),
            owner: self.owner,
        }
    }

    /// The entry as it was stored, its keys computed again: the same
    /// entry [`Entry::of_client`] or [`Entry::network`] made (a contact's
    /// name is read as a person's).
    pub fn from_stored(s: StoredEntry) -> Self {
        let person = matches!(s.target, Target::Contact { .. });
        Self::build(s.target, s.label, s.owner, person)
    }

    /// A client: "Acme Trading Ltd · 阿克米贸易有限公司", or whichever name
    /// it has.
    pub fn client(client: &Client) -> Self {
        let label = match (client.name.is_empty(), client.name_zh.is_empty()) {
            (false, false) => format!("{} · {}", client.name, client.name_zh),
            (false, true) => client.name.clone(),
            _ => client.name_zh.clone(),
        };
        Self::build(Target::Client(client.id), label, Some(client.id), false)
    }

    /// A network: "Online shop — Acme Trading Ltd" (just the network's name
    /// when `client_name` is empty).
    pub fn network(network: &Network, client_name: &str) -> Self {
        Self::network_named(network.id, network.client, &network.name, client_name)
    }

    /// [`Entry::network`] from the network's id, client and name.
    pub fn network_named(id: NetworkId, client: ClientId, name: &str, client_name: &str) -> Self {
        let label = if client_name.is_empty() {
            name.to_string()
        } else {
            format!("{name} — {client_name}")
        };
        Self::build(Target::Network(id), label, Some(client), false)
    }

    /// A client's entry and its contacts' entries.
    pub fn of_client(client: &Client) -> Vec<Entry> {
        std::iter::once(Entry::client(client))
            .chain((0..client.contacts.len()).filter_map(|i| Entry::contact(client, i)))
            .collect()
    }

    /// The `index`-th contact of `client`: "王伟 · IT manager — Acme Trading
    /// Ltd"; `None` when there is no such contact.
    pub fn contact(client: &Client, index: usize) -> Option<Self> {
        let contact = client.contacts.get(index)?;
        let mut label = contact.name.clone();
        if !contact.role.is_empty() {
            label.push_str(" · ");
            label.push_str(&contact.role);
        }
        let owner = client.display_name();
        if !owner.is_empty() {
            label.push_str(" — ");
            label.push_str(owner);
        }
        Some(Self::build(
            Target::Contact {
                client: client.id,
                index,
            },
            label,
            Some(client.id),
            true,
        ))
    }

    pub fn target(&self) -> Target {
        self.target
    }

    /// What the list shows.
    pub fn label(&self) -> Cow<'_, str> {
        self.keys.label()
    }

    /// The search keys, folded label first (for tests and debugging).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(text, _)| text)
    }

    /// The keys `term` matches best, by tier (whole key, start,
    /// contiguous, scattered) and then reading cost, found with plain
    /// string tests; `None` when no key matches.
    fn rank(&self, term: &str) -> Option<Ranked> {
        self.rank_with(&Term::new(term))
    }

    /// [`Entry::rank`] with the term's searcher built once per search.
    fn rank_with(&self, t: &Term<'_>) -> Option<Ranked> {
        let term = t.text;
        if !is_subsequence(term, self.keys.superkey()) {
            return None;
        }
        let mut top: Option<(i64, u32)> = None;
        let mut keys = [0usize; MAX_SCORED];
        let mut count = 0;
        let mut span = usize::MAX;
        for (i, (text, cost)) in self.keys.iter().enumerate() {
            // The lowest tier that would make this key a candidate.
            let least = match top {
                None => 0,
                Some((t, c)) if cost < c || (cost == c && count < MAX_SCORED) => t,
                Some((t, _)) => t + 1,
            };
            let Some((tier, key_span)) = tier_of(text, t, least) else {
                continue;
            };
            let better = match top {
                None => true,
                Some((t, c)) => tier > t || (tier == t && cost < c),
            };
            if better {
                top = Some((tier, cost));
                keys[0] = i;
                count = 1;
                span = key_span;
            } else if top == Some((tier, cost)) && count < MAX_SCORED {
                keys[count] = i;
                count += 1;
                span = span.min(key_span);
            }
        }
        let (tier, cost) = top?;
        Some(Ranked {
            tier,
            cost,
            keys,
            count,
            span,
        })
    }

    /// The score of `term` on the best of the `ranked` keys, with that
    /// key's index.
    fn score(&self, matcher: &SkimMatcherV2, term: &str, ranked: &Ranked) -> Option<(i64, usize)> {
        let mut best: Option<(i64, usize)> = None;
        for &i in &ranked.keys[..ranked.count] {
            if let Some(fuzzy) = matcher.fuzzy_match(self.keys.text(i), term) {
                let score =
                    ranked.tier * TIER_WEIGHT + fuzzy - i64::from(ranked.cost) * READING_PENALTY;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, i));
                }
            }
        }
        best
    }

    /// The keys computed again from the label, with, per key character,
    /// the label character it came from: the same keys as the entry's
    /// (computed by the same code from the same label), for highlights.
    fn keys_with_maps(&self) -> Vec<Key> {
        compute_keys(&self.label(), self.person, MAPPED_SPREAD).0
    }

    /// Label character indices matched by `term` on key `key`. `maps`
    /// holds [`Entry::keys_with_maps`] once a key needs them: the folded
    /// label (key 0) needs only its folding, which costs far less.
    fn positions(
        &self,
        matcher: &SkimMatcherV2,
        term: &str,
        key: usize,
        maps: &mut Option<Vec<Key>>,
        out: &mut Vec<usize>,
    ) {
        let text = self.keys.text(key);
        let key_positions: Vec<usize> = match text.find(term) {
            Some(byte) => {
                let start = text[..byte].chars().count();
                (start..start + term.chars().count()).collect()
            }
            None => matcher
                .fuzzy_indices(text, term)
                .map(|(_, p)| p)
                .unwrap_or_default(),
        };
        let folded;
        let map: &[u32] = if key == 0 {
            folded = fold_chars(&self.label()).1;
            &folded
        } else {
            maps.get_or_insert_with(|| self.keys_with_maps())
                .get(key)
                .filter(|k| k.text == text)
                .map_or(&[], |k| &k.map)
        };
        out.extend(
            key_positions
                .into_iter()
                .filter_map(|p| map.get(p).map(|&l| l as usize)),
        );
    }
}

/// The keys of an entry that one term matches best.
struct Ranked {
    tier: i64,
    cost: u32,
    keys: [usize; MAX_SCORED],
    count: usize,
    /// Bytes from the first to the last matched character on the
    /// tightest of those keys (greedy, from the left).
    span: usize,
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub target: Target,
    /// The client the hit belongs to (itself, for a client).
    pub client: Option<ClientId>,
    pub label: String,
    /// Higher is better; only meaningful within one search.
    pub score: i64,
    /// Char indices (not bytes) in `label` to highlight, ascending, unique.
    pub positions: Vec<usize>,
}

impl Hit {
    /// How well the terms matched, apart from the fuzzy matcher: per term,
    /// 3 for a whole key, 2 for the start of a key, 1 for a run within a
    /// key, 0 for scattered letters, summed. Hits on the same tier differ
    /// only by the matcher's bonuses (a word start, a gap) and by reading
    /// costs, which say little about which one was meant.
    pub fn tier(&self) -> i64 {
        // The matcher's score and the reading penalty stay far below half
        // a tier's weight, either way.
        (self.score + TIER_WEIGHT / 2).div_euclid(TIER_WEIGHT)
    }
}

/// Every searchable item, updated one entry at a time.
pub struct SearchIndex {
    entries: Vec<Entry>,
    at: HashMap<Target, usize>,
    matcher: SkimMatcherV2,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Default for SearchIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl SearchIndex {
    pub fn new() -> Self {
        SearchIndex {
            entries: Vec::new(),
            at: HashMap::new(),
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }

    /// Every client, its contacts, and every network (labelled with its
    /// client's display name).
    pub fn build(clients: &[Client], networks: &[Network]) -> Self {
        let mut index = Self::new();
        for e in clients.iter().flat_map(Entry::of_client) {
            index.insert(e);
        }
        let names: HashMap<ClientId, &str> =
            clients.iter().map(|c| (c.id, c.display_name())).collect();
        for n in networks {
            let client_name = names.get(&n.client).copied().unwrap_or("");
            index.insert(Entry::network(n, client_name));
        }
        index
    }

    /// An index of `entries`; of two with the same target, the later
    /// one is kept (as [`SearchIndex::insert`] would).
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        let mut index = Self::new();
        index.at.reserve(entries.len());
        for (i, e) in entries.iter().enumerate() {
            index.at.insert(e.target, i);
        }
        if index.at.len() == entries.len() {
            index.entries = entries;
            return index;
        }
        index.at.clear();
        for e in entries {
            index.insert(e);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, target: Target) -> Option<&Entry> {
        self.at.get(&target).map(|&i| &self.entries[i])
    }

    /// Adds `entry`; an entry with the same target is replaced and
    /// returned.
    pub fn insert(&mut self, entry: Entry) -> Option<Entry> {
        match self.at.get(&entry.target) {
            Some(&i) => Some(std::mem::replace(&mut self.entries[i], entry)),
            None => {
                self.at.insert(entry.target, self.entries.len());
                self.entries.push(entry);
                None
            }
        }
    }

    /// Removes the entry of `target`, if any.
    pub fn remove(&mut self, target: Target) -> Option<Entry> {
        let i = self.at.remove(&target)?;
        let entry = self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.at.insert(moved.target, i);
        }
        Some(entry)
    }

    /// Removes a client with its contacts and networks; returns how many
    /// entries went.
    pub fn remove_client(&mut self, id: ClientId) -> usize {
        let before = self.entries.len();
        self.entries
            .retain(|e| e.owner != Some(id) && e.target != Target::Client(id));
        let removed = before - self.entries.len();
        if removed > 0 {
            self.at = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.target, i))
                .collect();
        }
        removed
    }

    /// After a client edit: `entries` (its own and its contacts', see
    /// [`Entry::of_client`]) replace the old ones, whose contact indices
    /// may have shifted. Its networks' entries are replaced by `networks`
    /// when given (their labels show its name), and kept otherwise.
    pub fn replace_client(
        &mut self,
        id: ClientId,
        entries: Vec<Entry>,
        networks: Option<Vec<Entry>>,
    ) {
        if networks.is_some() {
            self.remove_client(id);
        } else {
            let stale: Vec<Target> = self
                .entries
                .iter()
                .filter(|e| e.owner == Some(id) || e.target == Target::Client(id))
                .filter(|e| !matches!(e.target, Target::Network(_)))
                .map(|e| e.target)
                .collect();
            for t in stale {
                self.remove(t);
            }
        }
        for e in entries.into_iter().chain(networks.into_iter().flatten()) {
            self.insert(e);
        }
    }

    /// The best `limit` entries for `query`, best first: by score (a term
    /// matching a whole key, then a key's start, then a contiguous run, then
    /// scattered letters; within that, the fuzzy score), then the shorter
    /// label, then the label. Terms are separated by white space and must
    /// all match. An empty query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let folded = fold_str(query);
        let terms: Vec<&str> = folded.split_whitespace().collect();
        if terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        // Every entry's best possible tier, from its bit sets alone; then
        // the string tests on the most promising entries only, best
        // first, until no entry left could beat what they found. Tiers
        // outweigh fuzzy scores, so only the entries whose tiers can still
        // reach the first `limit` are scored by the fuzzy matcher.
        let estimates = estimate_pass(&self.entries, &terms);
        let mut tiers = verify(estimates, &terms, limit);
        if tiers.len() > limit {
            tiers.select_nth_unstable_by(limit - 1, |a, b| b.0.cmp(&a.0));
            let cut = tiers[limit - 1].0;
            tiers.retain(|(t, _, _)| *t >= cut);
        }
        // Many entries tied at the cut (a one-letter query): only the
        // tightest matches on the shortest labels go on to the fuzzy
        // matcher, which costs far more than the tests above.
        let prescored = PRESCORED.max(limit);
        if tiers.len() > prescored {
            tiers.select_nth_unstable_by(prescored - 1, |a, b| {
                b.0.cmp(&a.0)
                    .then(a.1.cmp(&b.1))
                    .then(a.2.label_chars.cmp(&b.2.label_chars))
            });
            tiers.truncate(prescored);
        }
        let tiers: Vec<(i64, &Entry)> = tiers.into_iter().map(|(t, _, e)| (t, e)).collect();
        let mut found: Vec<(i64, &Entry)> = Vec::with_capacity(tiers.len());
        'scored: for (_, entry) in tiers {
            let mut total = 0;
            for term in &terms {
                let best = entry
                    .rank(term)
                    .and_then(|r| entry.score(&self.matcher, term, &r));
                match best {
                    Some((score, _)) => total += score,
                    None => continue 'scored,
                }
            }
            found.push((total, entry));
        }
        let order = |a: &(i64, &Entry), b: &(i64, &Entry)| {
            b.0.cmp(&a.0)
                .then(a.1.label_chars.cmp(&b.1.label_chars))
                .then_with(|| a.1.label().cmp(&b.1.label()))
                .then(a.1.target.cmp(&b.1.target))
        };
        if found.len() > limit {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found
            .into_iter()
            .map(|(score, entry)| {
                let mut positions = Vec::new();
                let mut maps = None;
                for term in &terms {
                    let best = entry
                        .rank(term)
                        .and_then(|r| entry.score(&self.matcher, term, &r));
                    if let Some((_, key)) = best {
                        entry.positions(&self.matcher, term, key, &mut maps, &mut positions);
                    }
                }
                positions.sort_unstable();
                positions.dedup();
                Hit {
                    target: entry.target,
                    client: entry.owner,
                    label: entry.label().into_owned(),
                    score,
                    positions,
                }
            })
            .collect()
    }
}

/// NFKC, then lowercase.
fn fold_str(s: &str) -> String {
    // ASCII is its own NFKC form.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfkc().flat_map(char::to_lowercase).collect()
}

/// Text as a query is compared: NFKC, lowercase, white space runs as one
/// space, trimmed. Two names are the same name when this makes them equal.
pub fn fold(s: &str) -> String {
    fold_str(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The tier of `term` on `key`, `None` when it does not match at all or
/// only below tier `least` (the tests that cannot reach it are skipped).
/// A search term with what is prepared for it once per search.
struct Term<'t> {
    text: &'t str,
    /// Finds the term as a substring: built once, not per key.
    finder: memchr::memmem::Finder<'t>,
}

impl<'t> Term<'t> {
    fn new(text: &'t str) -> Self {
        Term {
            text,
            finder: memchr::memmem::Finder::new(text.as_bytes()),
        }
    }
}

/// A set of adjacent byte pairs, each hashed to one of 512 bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pairs([u64; 8]);

impl Pairs {
    fn of(s: &str) -> Pairs {
        let mut bits = [0u64; 8];
        for w in s.as_bytes().windows(2) {
            let h = (u32::from(w[0]) << 8 | u32::from(w[1])).wrapping_mul(0x9E37_79B1) >> 23;
            bits[(h >> 6) as usize] |= 1 << (h & 63);
        }
        Pairs(bits)
    }

    fn or(mut self, other: &Pairs) -> Pairs {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        self
    }

    /// Whether every pair of `self` may be in `of`.
    fn within(&self, of: &Pairs) -> bool {
        self.0.iter().zip(&of.0).all(|(a, b)| a & !b == 0)
    }
}

fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

/// The highest tier each term could reach on each entry, summed, from
/// the entry's bit sets: an upper bound, never below the true tier. An
/// entry some term cannot match at all is left out.
fn estimate_pass<'a>(entries: &'a [Entry], terms: &[&str]) -> Vec<(i64, &'a Entry)> {
    let masks: Vec<u64> = terms.iter().map(|t| letter_mask(t)).collect();
    let pairs: Vec<Pairs> = terms.iter().map(|t| Pairs::of(t)).collect();
    let heads: Vec<u128> = terms.iter().map(|t| head_bits(t)).collect();
    let lengths: Vec<u64> = terms.iter().map(|t| length_bit(t.len())).collect();
    let mut out = Vec::new();
    'entries: for entry in entries {
        let mut total = 0;
        for i in 0..terms.len() {
            if masks[i] & !entry.mask != 0 {
                continue 'entries;
            }
            total += if !pairs[i].within(&entry.pairs) {
                // No key holds it as a run: scattered at best.
                0
            } else if heads[i] & !entry.heads != 0 {
                TIER_CONTIGUOUS
            } else if lengths[i] & entry.lengths == 0 {
                TIER_PREFIX
            } else {
                TIER_EXACT
            };
        }
        out.push((total, entry));
    }
    out
}

/// How many estimated entries get the string tests at a time.
const BATCH: usize = 256;

/// The true total tier and match span of the most promising estimated
/// entries, tested a batch at a time, best estimate (then shortest label)
/// first, until `limit` found entries reach the best estimate left.
fn verify<'a>(
    mut estimates: Vec<(i64, &'a Entry)>,
    terms: &[&str],
    limit: usize,
) -> Vec<(i64, usize, &'a Entry)> {
    let prepared: Vec<Term<'_>> = terms.iter().map(|t| Term::new(t)).collect();
    let order = |a: &(i64, &Entry), b: &(i64, &Entry)| {
        b.0.cmp(&a.0).then(a.1.label_chars.cmp(&b.1.label_chars))
    };
    let mut found: Vec<(i64, usize, &'a Entry)> = Vec::new();
    while !estimates.is_empty() {
        let take = BATCH.min(estimates.len());
        if estimates.len() > take {
            estimates.select_nth_unstable_by(take - 1, order);
        }
        let rest = estimates.split_off(take);
        'entries: for (_, entry) in std::mem::replace(&mut estimates, rest) {
            let (mut total, mut span) = (0, 0);
            for term in &prepared {
                match entry.rank_with(term) {
                    Some(ranked) => {
                        total += ranked.tier;
                        span += ranked.span;
                    }
                    None => continue 'entries,
                }
            }
            found.push((total, span, entry));
        }
        let best_left = estimates.iter().map(|(t, _)| *t).max();
        let Some(best_left) = best_left else { break };
        if found.iter().filter(|(t, _, _)| *t >= best_left).count() >= limit {
            break;
        }
    }
    found
}

/// The first two bytes of `s` (its start, as the keys begin), hashed to
/// one of 128 bits; a one-byte term sets the bit its byte alone sets.
fn head_bits(s: &str) -> u128 {
    match s.as_bytes() {
        [a, b, ..] => 1u128 << ((usize::from(*a) * 31 + usize::from(*b)) % 128),
        [a] => 1u128 << (usize::from(*a) % 128),
        [] => 0,
    }
}

/// The tier of `term` on `key`, when it is at least `least`, with the
/// span the match covers.
fn tier_of(key: &str, t: &Term<'_>, least: i64) -> Option<(i64, usize)> {
    let term = t.text;
    let tier = if least > TIER_EXACT {
        return None;
    } else if key.starts_with(term) {
        if key.len() == term.len() {
            (TIER_EXACT, term.len())
        } else {
            (TIER_PREFIX, term.len())
        }
    } else if least <= TIER_CONTIGUOUS && t.finder.find(key.as_bytes()).is_some() {
        (TIER_CONTIGUOUS, term.len())
    } else if least <= 0
        && let Some(span) = subsequence_span(term, key)
    {
        (0, span)
    } else {
        return None;
    };
    (tier.0 >= least).then_some(tier)
}

/// Bytes of `hay` from the first to the last character of a greedy,
/// leftmost match of `needle` as a subsequence; `None` when it is not one.
fn subsequence_span(needle: &str, hay: &str) -> Option<usize> {
    let mut start = None;
    let mut rest = hay.char_indices();
    let mut end = 0;
    for n in needle.chars() {
        let (at, h) = rest.by_ref().find(|(_, h)| *h == n)?;
        start.get_or_insert(at);
        end = at + h.len_utf8();
    }
    Some(end - start.unwrap_or(0))
}

/// Whether the characters of `needle` appear in `hay` in order.
fn is_subsequence(needle: &str, hay: &str) -> bool {
    if needle.is_ascii() {
        let hay = hay.as_bytes();
        let mut at = 0;
        needle.bytes().all(|n| match memchr::memchr(n, &hay[at..]) {
            Some(i) => {
                at += i + 1;
                true
            }
            None => false,
        })
    } else {
        let mut hay = hay.chars();
        needle.chars().all(|n| hay.any(|h| h == n))
    }
}

/// One bit per ASCII letter and digit present.
fn letter_mask(s: &str) -> u64 {
    s.bytes().fold(0, |m, b| match b {
        b'a'..=b'z' => m | 1 << (b - b'a'),
        b'0'..=b'9' => m | 1 << (26 + b - b'0'),
        _ => m,
    })
}

/// A folded label character: plain text, or a character with readings
/// (the crate's and the tables' own strings, but for `ü` respelt).
enum Piece {
    Text,
    Han(Vec<Cow<'static, str>>),
}

/// The toneless readings of `c`, crate order, distinct; `ü` is written
/// `v` (as typed on pinyin keyboards), with the `u` spelling after.
fn readings(c: char) -> Option<Vec<Cow<'static, str>>> {
    let multi = c.to_pinyin_multi()?;
    let mut out: Vec<Cow<'static, str>> = Vec::new();
    let mut extra: Vec<Cow<'static, str>> = Vec::new();
    for p in multi {
        let plain: &'static str = p.plain();
        if plain.contains('ü') {
            push_new(&mut out, Cow::Owned(plain.replace('ü', "v")));
            push_new(&mut extra, Cow::Owned(plain.replace('ü', "u")));
        } else {
            push_new(&mut out, Cow::Borrowed(plain));
        }
    }
    for e in extra {
        push_new(&mut out, e);
    }
    (!out.is_empty()).then_some(out)
}

fn push_new<S: AsRef<str> + PartialEq>(v: &mut Vec<S>, s: S) {
    if !s.as_ref().is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

/// Moves `reading` to the front of `list` (adding it if missing).
fn prefer(list: &mut Vec<Cow<'static, str>>, reading: &'static str) {
    match list.iter().position(|r| r == reading) {
        Some(i) => {
            let r = list.remove(i);
            list.insert(0, r);
        }
        None => list.insert(0, Cow::Borrowed(reading)),
    }
}

/// How many pinyin spellings of each kind (full, initials) [`spellings`]
/// gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variants {
    /// The preferred readings only: one of each kind.
    Preferred,
    /// The preferred readings, and each spelling that reads one
    /// character its next way (the index's cheapest keys): as many as
    /// the text has characters with several readings, plus one.
    OneOff,
}

/// The spellings of `text` a list filter matches (see
/// [`crate::domain::filter`]): the text folded (NFKC, lowercase) first,
/// then, when it holds Chinese characters, its pinyin and its pinyin
/// initials as the index's keys spell them, as many as `variants` says.
/// `person` reads the first character as a surname.
pub fn spellings(text: &str, person: bool, variants: Variants) -> Vec<String> {
    let spread = match variants {
        Variants::Preferred => Spread {
            cap: 1,
            max_cost: 0,
            maps: false,
        },
        Variants::OneOff => Spread {
            cap: MAX_VARIANTS,
            max_cost: 1,
            maps: false,
        },
    };
    compute_keys(text, person, spread)
        .0
        .into_iter()
        .map(|k| k.text)
        .collect()
}

/// Which combinations of readings become keys: at most `cap` of each
/// kind, none costing more than `max_cost`.
#[derive(Debug, Clone, Copy)]
struct Spread {
    cap: usize,
    max_cost: u32,
    /// Whether each key says which label character each of its
    /// characters came from (highlights need it; the index does not).
    maps: bool,
}

/// The index's keys: the [`MAX_VARIANTS`] cheapest of each kind.
const INDEX_SPREAD: Spread = Spread {
    cap: MAX_VARIANTS,
    max_cost: u32::MAX,
    maps: false,
};

/// The index's keys with their maps, for highlights.
const MAPPED_SPREAD: Spread = Spread {
    maps: true,
    ..INDEX_SPREAD
};

/// The spelling [`WORDS`] gives the word of characters `a` and `b` (the
/// first entry of the list, should it have the word twice).
fn word_at(a: char, b: char) -> Option<&'static str> {
    static BY_PAIR: std::sync::OnceLock<HashMap<(char, char), &'static str>> =
        std::sync::OnceLock::new();
    let by_pair = BY_PAIR.get_or_init(|| {
        let mut map = HashMap::new();
        for (word, spelling) in WORDS {
            let mut wc = word.chars();
            if let (Some(a), Some(b)) = (wc.next(), wc.next()) {
                map.entry((a, b)).or_insert(*spelling);
            }
        }
        map
    });
    by_pair.get(&(a, b)).copied()
}

/// The keys of `label`, folded label first, and their superkey; the
/// pinyin keys as `spread` says.
fn compute_keys(label: &str, person: bool, spread: Spread) -> (Vec<Key>, String) {
    let (chars, map) = fold_chars(label);
    let keys = vec![Key {
        text: chars.iter().collect(),
        map: if spread.maps {
            map.clone().into_boxed_slice()
        } else {
            Box::default()
        },
        cost: 0,
    }];
    add_pinyin_keys(keys, chars, &map, person, spread)
}

/// The label folded (NFKC, lowercase) one character at a time, with, per
/// folded character, the label character it came from: the first key
/// and its map.
fn fold_chars(label: &str) -> (Vec<char>, Vec<u32>) {
    // Fold each label character on its own so every folded character
    // knows where it came from.
    let mut chars: Vec<char> = Vec::new();
    let mut map: Vec<u32> = Vec::new();
    for (i, c) in label.chars().enumerate() {
        // ASCII and the CJK Unified Ideographs are their own NFKC forms
        // (and the ideographs their own lowercase): no need to ask.
        if c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c) {
            chars.push(c.to_ascii_lowercase());
            map.push(u32::try_from(i).unwrap_or(u32::MAX));
            continue;
        }
        for n in std::iter::once(c).nfkc() {
            for l in n.to_lowercase() {
                chars.push(l);
                map.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
    }
    (chars, map)
}

/// [`compute_keys`] after the folded label: its pinyin keys, and the
/// superkey.
fn add_pinyin_keys(
    mut keys: Vec<Key>,
    chars: Vec<char>,
    map: &[u32],
    person: bool,
    spread: Spread,
) -> (Vec<Key>, String) {
    let mut pieces: Vec<Piece> = chars
        .iter()
        .map(|&c| readings(c).map_or(Piece::Text, Piece::Han))
        .collect();
    if !pieces.iter().any(|p| matches!(p, Piece::Han(_))) {
        let superkey = keys[0].text.clone();
        return (keys, superkey);
    }

    // Preferred readings: known words, then a person's surname.
    // Words are taken greedily left to right, so 银行长沙 is 银行 + 长沙,
    // not 银 + 行长 + 沙.
    let mut surname_free = true;
    let mut i = 0;
    while i + 1 < chars.len() {
        // Every word starts with a character that has readings.
        if matches!(pieces[i], Piece::Text) {
            i += 1;
            continue;
        }
        let Some(spelling) = word_at(chars[i], chars[i + 1]) else {
            i += 1;
            continue;
        };
        for (k, reading) in spelling.split(' ').enumerate() {
            if let Some(Piece::Han(list)) = pieces.get_mut(i + k) {
                prefer(list, reading);
            }
        }
        if i == 0 {
            surname_free = false;
        }
        i += 2;
    }
    if person
        && surname_free
        && let (Some(&first), Some(Piece::Han(list))) = (chars.first(), pieces.first_mut())
        && let Some((_, reading)) = SURNAMES.iter().find(|(c, _)| *c == first)
    {
        prefer(list, reading);
    }
    for p in &mut pieces {
        if let Piece::Han(list) = p {
            list.truncate(MAX_READINGS);
        }
    }

    // Full pinyin.
    let choices: Vec<Vec<&str>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Han(list) => list.iter().map(|r| r.as_ref()).collect(),
            Piece::Text => Vec::new(),
        })
        .collect();
    // Pinyin keys spell the run from the first Han character to the
    // last: the text around it is in the folded label already, and
    // repeating it in every spelling would only cost memory.
    let lo = pieces
        .iter()
        .position(|p| matches!(p, Piece::Han(_)))
        .unwrap_or(0);
    let hi = pieces
        .iter()
        .rposition(|p| matches!(p, Piece::Han(_)))
        .map_or(pieces.len(), |i| i + 1);
    // A very long name (pasted text, or hostile input) gets pinyin keys
    // for its first characters only: enough to find it, and bounded work.
    let span = lo..hi.min(lo + MAX_PINYIN_CHARS);
    let (run, run_map) = (&chars[span.clone()], &map[span.clone()]);
    add_variants(&mut keys, run, run_map, &choices[span.clone()], spread);

    // Initials: the distinct first letters of the readings.
    let initials: Vec<Vec<&str>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Han(list) => {
                let mut v: Vec<&str> = Vec::new();
                for r in list {
                    let first = r.chars().next().map_or(0, char::len_utf8);
                    push_new(&mut v, &r[..first]);
                }
                v
            }
            Piece::Text => Vec::new(),
        })
        .collect();
    add_variants(&mut keys, run, run_map, &initials[span], spread);

    let mut superkey = String::new();
    for (c, piece) in chars.iter().zip(&pieces) {
        superkey.push(*c);
        if let Piece::Han(list) = piece {
            list.iter().for_each(|r| superkey.push_str(r));
        }
    }
    (keys, superkey)
}

/// Adds the keys `spread` allows (the index takes [`MAX_VARIANTS`])
/// spelling each character by one of its `choices` (plain characters have
/// none), cheapest combinations first; a key equal to one already there is
/// skipped.
fn add_variants(
    keys: &mut Vec<Key>,
    chars: &[char],
    map: &[u32],
    choices: &[Vec<&str>],
    spread: Spread,
) {
    let counts: Vec<usize> = choices.iter().map(|c| c.len().max(1)).collect();
    for (picks, cost) in combinations_upto(&counts, spread.cap, spread.max_cost) {
        let mut text = String::new();
        let mut key_map = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            match choices[i].get(picks[i]) {
                Some(reading) => {
                    text.push_str(reading);
                    if spread.maps {
                        key_map.extend(std::iter::repeat_n(map[i], reading.chars().count()));
                    }
                }
                None => {
                    text.push(c);
                    if spread.maps {
                        key_map.push(map[i]);
                    }
                }
            }
        }
        if !keys.iter().any(|k| k.text == text) {
            keys.push(Key {
                text,
                map: key_map.into_boxed_slice(),
                cost,
            });
        }
    }
}

/// [`combinations_upto`] at any cost.
#[cfg(test)]
fn combinations(counts: &[usize], cap: usize) -> Vec<(Vec<usize>, u32)> {
    combinations_upto(counts, cap, u32::MAX)
}

/// Up to `cap` choices of one option per position (`counts[i]` options at
/// position `i`), with their cost (the sum of the option indices), in
/// increasing cost, none costing more than `max_cost`.
fn combinations_upto(counts: &[usize], cap: usize, max_cost: u32) -> Vec<(Vec<usize>, u32)> {
    if max_cost <= 1 {
        // The first option everywhere, then each position's second one,
        // the last position first (the order of the walk below), without
        // walking every position for every combination.
        let mut out = vec![(vec![0; counts.len()], 0)];
        if max_cost == 1 {
            for (i, _) in counts.iter().enumerate().rev().filter(|(_, n)| **n > 1) {
                let mut picks = vec![0; counts.len()];
                picks[i] = 1;
                out.push((picks, 1));
            }
        }
        out.truncate(cap);
        return out;
    }
    // The largest cost still reachable from each position on.
    let mut room = vec![0usize; counts.len() + 1];
    for i in (0..counts.len()).rev() {
        room[i] = room[i + 1] + counts[i].saturating_sub(1);
    }
    let mut out = Vec::new();
    let mut current = vec![0; counts.len()];
    let most = room[0].min(usize::try_from(max_cost).unwrap_or(usize::MAX));
    for cost in 0..=most {
        walk(counts, &room, 0, cost, cost, &mut current, &mut out, cap);
        if out.len() >= cap {
            break;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    counts: &[usize],
    room: &[usize],
    pos: usize,
    left: usize,
    cost: usize,
    current: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, u32)>,
    cap: usize,
) {
    if out.len() >= cap || left > room[pos] {
        return;
    }
    if pos == counts.len() {
        out.push((current.clone(), u32::try_from(cost).unwrap_or(u32::MAX)));
        return;
    }
    for pick in 0..counts[pos].min(left + 1) {
        current[pos] = pick;
        walk(counts, room, pos + 1, left - pick, cost, current, out, cap);
    }
    current[pos] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Contact;

    #[test]
    fn a_hit_says_how_its_terms_matched() {
        let i = index(&["Acme Trading", "Nacme", "A c m e", "acme"]);
        let tiers: Vec<(i64, String)> = i
            .search("acme", 10)
            .into_iter()
            .map(|h| (h.tier(), h.label))
            .collect();
        assert_eq!(
            tiers,
            [
                (3, "acme".to_string()),
                (2, "Acme Trading".to_string()),
                (1, "Nacme".to_string()),
                (0, "A c m e".to_string()),
            ]
        );
        // Summed over the terms; a reading penalty stays within its tier.
        let i = index(&["Online shop — Acme", "银行"]);
        assert_eq!(i.search("online shop", 1)[0].tier(), 3);
        assert_eq!(i.search("yinxing", 1)[0].tier(), 3);
        assert_eq!(fold("  ＡＣＭＥ\tTrading  Ltd "), "acme trading ltd");
    }

    fn client(id: u64, name: &str, name_zh: &str) -> Client {
        Client {
            id: ClientId(id),
            revision: 0,
            name: name.to_string(),
            name_zh: name_zh.to_string(),
            ..Client::default()
        }
    }

    fn index(labels: &[&str]) -> SearchIndex {
        let mut index = SearchIndex::new();
        for (i, l) in labels.iter().enumerate() {
            index.insert(Entry::new(Target::Client(ClientId(i as u64)), *l));
        }
        index
    }

    fn labels(index: &SearchIndex, query: &str) -> Vec<String> {
        index
            .search(query, 10)
            .into_iter()
            .map(|h| h.label)
            .collect()
    }

    /// The highlighted characters of the first hit.
    fn highlighted(index: &SearchIndex, query: &str) -> String {
        let hit = &index.search(query, 1)[0];
        let chars: Vec<char> = hit.label.chars().collect();
        hit.positions.iter().map(|&p| chars[p]).collect()
    }

    const SHANGHAI: &str = "上海中心数据服务有限公司";

    #[test]
    fn initials_find_shanghai_and_highlight_it() {
        let index = index(&[SHANGHAI, "北京数据服务有限公司", "Acme Trading Ltd"]);
        assert_eq!(labels(&index, "shzx"), vec![SHANGHAI]);
        let hit = &index.search("shzx", 1)[0];
        assert_eq!(hit.positions, vec![0, 1, 2, 3]);
        assert_eq!(highlighted(&index, "shzx"), "上海中心");
    }

    #[test]
    fn full_pinyin_finds_shanghai() {
        let index = index(&[SHANGHAI, "北京数据服务有限公司"]);
        assert_eq!(labels(&index, "shanghai")[0], SHANGHAI);
        assert_eq!(highlighted(&index, "shanghai"), "上海");
        assert_eq!(highlighted(&index, "zhongxin"), "中心");
        // Both companies are 数据服务.
        assert_eq!(labels(&index, "shujufuwu").len(), 2);
        // Chinese characters match the label itself.
        assert_eq!(labels(&index, "中心"), vec![SHANGHAI]);
    }

    #[test]
    fn yinhang_finds_the_bank_and_yinxing_prefers_a_real_yinxing() {
        let index = index(&["招商银行", "银杏酒店管理有限公司", "Acme Trading Ltd"]);
        assert_eq!(labels(&index, "yinhang"), vec!["招商银行"]);
        assert_eq!(highlighted(&index, "yinhang"), "银行");
        assert_eq!(labels(&index, "yh"), vec!["招商银行"]);
        assert_eq!(highlighted(&index, "yh"), "银行");
        assert_eq!(labels(&index, "zsyh"), vec!["招商银行"]);
        let yinxing = labels(&index, "yinxing");
        assert_eq!(yinxing[0], "银杏酒店管理有限公司");
        // Every reading is still searchable.
        assert!(yinxing.contains(&"招商银行".to_string()));

        // On the bank alone, the word's reading scores above the other.
        let bank = self::index(&["招商银行"]);
        assert!(bank.search("yinhang", 1)[0].score > bank.search("yinxing", 1)[0].score);
    }

    #[test]
    fn chongqing_and_cq_find_chongqing() {
        let index = index(&["重庆小面餐饮有限公司", "中青旅控股", "招商银行"]);
        assert_eq!(labels(&index, "chongqing")[0], "重庆小面餐饮有限公司");
        assert_eq!(highlighted(&index, "chongqing"), "重庆");
        assert_eq!(labels(&index, "cq")[0], "重庆小面餐饮有限公司");
        assert_eq!(highlighted(&index, "cq"), "重庆");
        // The default reading 重 = zhong still works.
        assert!(labels(&index, "zhongqing").contains(&"重庆小面餐饮有限公司".to_string()));
    }

    #[test]
    fn english_words_match() {
        let index = index(&["Acme Trading Ltd", "Bright Trade Co", "Online shop"]);
        assert_eq!(labels(&index, "acme"), vec!["Acme Trading Ltd"]);
        assert_eq!(labels(&index, "trading")[0], "Acme Trading Ltd");
        assert_eq!(highlighted(&index, "trading"), "Trading");
        assert_eq!(labels(&index, "ACME"), vec!["Acme Trading Ltd"]);
    }

    #[test]
    fn full_width_query_and_label_fold() {
        let index = index(&["Acme Trading Ltd", "ＢＥＴＡ Systems"]);
        assert_eq!(labels(&index, "ＡＣＭＥ"), vec!["Acme Trading Ltd"]);
        assert_eq!(labels(&index, "beta"), vec!["ＢＥＴＡ Systems"]);
        assert_eq!(highlighted(&index, "beta"), "ＢＥＴＡ");
        // A full-width space separates terms.
        assert_eq!(labels(&index, "acme　ltd"), vec!["Acme Trading Ltd"]);
    }

    #[test]
    fn mixed_label_matches_on_either_part() {
        let c = client(1, "Acme Trading Ltd", "阿克米贸易有限公司");
        let mut index = SearchIndex::build(std::slice::from_ref(&c), &[]);
        index.insert(Entry::new(Target::Client(ClientId(2)), "Bright 明亮科技"));
        let label = "Acme Trading Ltd · 阿克米贸易有限公司";
        for q in ["acme", "阿克米", "akemi", "akm", "maoyi", "acme akemi"] {
            assert_eq!(labels(&index, q), vec![label], "query {q:?}");
        }
        assert_eq!(highlighted(&index, "akemi"), "阿克米");
        assert_eq!(highlighted(&index, "acme akm"), "Acme阿克米");
        assert_eq!(labels(&index, "mingliang")[0], "Bright 明亮科技");
    }

    #[test]
    fn positions_count_chars_not_bytes() {
        let index = index(&["北京 Acme 上海 Trading"]);
        let hit = &index.search("trading", 1)[0];
        assert_eq!(hit.positions, (11..=17).collect::<Vec<_>>());
        assert_eq!(highlighted(&index, "trading"), "Trading");
        assert_eq!(highlighted(&index, "shanghai"), "上海");
        assert_eq!(highlighted(&index, "acme"), "Acme");
        // Letters of one syllable all point at its character.
        assert_eq!(highlighted(&index, "beij"), "北京");
        // A fuzzy (scattered) match maps each letter back.
        assert_eq!(highlighted(&index, "bjsh"), "北京上海");
        // Pinyin spells the Chinese run only: text around it is matched
        // by a term of its own.
        assert_eq!(highlighted(&index, "bj td"), "北京Td");
        assert!(index.search("bjtd", 1).is_empty());
    }

    #[test]
    fn spaces_separate_terms_that_must_all_match() {
        let index = index(&[
            "Online shop — Acme Trading Ltd",
            "Online shop — Bright Trade Co",
            "ERP — Acme Trading Ltd",
        ]);
        assert_eq!(
            labels(&index, "acme shop"),
            vec!["Online shop — Acme Trading Ltd"]
        );
        assert_eq!(
            labels(&index, "shop acme"),
            vec!["Online shop — Acme Trading Ltd"]
        );
        assert!(labels(&index, "acme nothing").is_empty());
        assert!(index.search("", 10).is_empty());
        assert!(index.search("   ", 10).is_empty());
        assert!(index.search("acme", 0).is_empty());
    }

    #[test]
    fn exact_prefix_beats_scattered() {
        let index = index(&[
            "Cloud Archive Manager Enterprise",
            "Acme",
            "Acme Trading Ltd",
            "Big Acme",
        ]);
        assert_eq!(
            labels(&index, "acme"),
            vec![
                "Acme",
                "Acme Trading Ltd",
                "Big Acme",
                "Cloud Archive Manager Enterprise"
            ]
        );
        let hits = index.search("acme", 10);
        assert!(hits[2].score > hits[3].score);
    }

    #[test]
    fn ties_go_to_the_shorter_then_smaller_label() {
        let index = index(&["Acme Zeta", "Acme Beta", "Acme"]);
        assert_eq!(
            labels(&index, "acme"),
            vec!["Acme", "Acme Beta", "Acme Zeta"]
        );
        assert_eq!(labels(&index, "acme").len(), index.search("acme", 3).len());
        assert_eq!(index.search("acme", 2).len(), 2);
        assert_eq!(index.search("acme", 2)[1].label, "Acme Beta");
    }

    #[test]
    fn no_match_is_empty() {
        let index = index(&[SHANGHAI, "Acme Trading Ltd"]);
        assert!(index.search("xyzzy", 10).is_empty());
        assert!(index.search("北京", 10).is_empty());
        assert!(SearchIndex::new().search("acme", 10).is_empty());
    }

    #[test]
    fn insert_remove_replace() {
        let mut index = index(&["Acme Trading Ltd", "Bright Trade Co", "Cobalt Ltd"]);
        assert_eq!(index.len(), 3);
        let acme = Target::Client(ClientId(0));
        assert!(index.remove(acme).is_some());
        assert!(index.remove(acme).is_none());
        assert_eq!(index.len(), 2);
        assert!(index.search("acme", 10).is_empty());
        // The entry moved by the removal is still addressable.
        let cobalt = Target::Client(ClientId(2));
        assert_eq!(
            index.get(cobalt).map(|e| e.label().into_owned()),
            Some("Cobalt Ltd".to_string())
        );

        // Inserting an indexed target replaces its entry.
        assert!(
            index
                .insert(Entry::new(cobalt, "上海钴业有限公司"))
                .is_some()
        );
        assert_eq!(index.len(), 2);
        assert!(index.search("cobalt", 10).is_empty());
        assert_eq!(index.search("shgy", 10)[0].target, cobalt);

        assert!(index.insert(Entry::new(acme, "Acme")).is_none());
        assert!(index.insert(Entry::new(acme, "Acme Two")).is_some());
        assert_eq!(index.len(), 3);
        assert_eq!(labels(&index, "acme"), vec!["Acme Two"]);
    }

    #[test]
    fn build_from_the_model() {
        let mut acme = client(1, "Acme Trading Ltd", "阿克米贸易有限公司");
        acme.contacts = vec![
            Contact {
                name: "曾伟".into(),
                role: "IT manager".into(),
                ..Contact::default()
            },
            Contact {
                name: "Li Na".into(),
                ..Contact::default()
            },
        ];
        let bank = client(2, "", "招商银行重庆分行");
        let network = |id: u64, owner: u64, name: &str| Network {
            id: NetworkId(id),
            client: ClientId(owner),
            revision: 0,
            name: name.to_string(),
            notes: String::new(),
            answers: Default::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: Vec::new(),
        };
        let networks = vec![network(10, 1, "Online shop"), network(11, 2, "网上银行")];
        let mut index = SearchIndex::build(&[acme.clone(), bank.clone()], &networks);
        assert_eq!(index.len(), 6);

        let hits = index.search("shop", 10);
        assert_eq!(hits[0].target, Target::Network(NetworkId(10)));
        assert_eq!(hits[0].label, "Online shop — Acme Trading Ltd");
        let hits = index.search("wsyh", 10);
        assert_eq!(hits[0].label, "网上银行 — 招商银行重庆分行");
        let hits = index.search("zengwei", 10);
        assert_eq!(
            hits[0].target,
            Target::Contact {
                client: ClientId(1),
                index: 0
            }
        );
        assert_eq!(hits[0].label, "曾伟 · IT manager — Acme Trading Ltd");
        assert_eq!(
            labels(&index, "cqfh"),
            vec!["招商银行重庆分行", "网上银行 — 招商银行重庆分行"]
        );
        assert_eq!(Entry::contact(&acme, 2), None);

        // Renaming a client relabels its networks and contacts.
        acme.name = "Acme Group".into();
        acme.contacts.remove(0);
        let relabelled = networks
            .iter()
            .filter(|n| n.client == acme.id)
            .map(|n| Entry::network(n, acme.display_name()))
            .collect();
        index.replace_client(acme.id, Entry::of_client(&acme), Some(relabelled));
        assert_eq!(index.len(), 5);
        assert_eq!(labels(&index, "shop"), vec!["Online shop — Acme Group"]);
        assert_eq!(labels(&index, "li na")[0], "Li Na — Acme Group");
        assert!(index.search("zengwei", 10).is_empty());

        assert_eq!(index.remove_client(ClientId(2)), 2);
        assert_eq!(index.len(), 3);
        assert!(index.search("yinhang", 10).is_empty());
        assert_eq!(index.search("acme", 10).len(), 3);
    }

    #[test]
    fn keys_are_capped_and_cheapest_first() {
        // Many characters with several readings.
        let e = Entry::new(
            Target::Client(ClientId(1)),
            "重庆银行长沙分行数据服务有限公司",
        );
        let keys: Vec<&str> = e.keys().collect();
        assert!(keys.len() <= 1 + 2 * MAX_VARIANTS);
        assert_eq!(keys[0], "重庆银行长沙分行数据服务有限公司");
        assert_eq!(
            keys[1],
            "chongqingyinhangchangshafenhangshujufuwuyouxiangongsi"
        );
        assert!(keys.contains(&"cqyhcsfhsjfwyxgs"));
        assert!(keys.contains(&"zhongqingyinhangchangshafenhangshujufuwuyouxiangongsi"));
        // Each character's key letters point back at it.
        let maps = e.keys_with_maps();
        assert_eq!(maps[1].text, e.keys.text(1));
        let map = &maps[1].map;
        assert_eq!(map.len(), e.keys.text(1).chars().count());
        assert_eq!(map[..5], [0, 0, 0, 0, 0]);
        assert_eq!(map[5..9], [1, 1, 1, 1]);
        // The keys computed again are the entry's, one for one.
        let texts: Vec<&str> = maps.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(texts, keys);
        // Stored and loaded again, it is the same entry.
        assert_eq!(Entry::from_stored(e.stored()), e);

        let english = Entry::new(Target::Client(ClientId(2)), "Acme Trading Ltd");
        assert_eq!(english.keys().count(), 1);
    }

    #[test]
    fn an_entry_packs_its_label_superkey_and_keys_and_maps_them_again() {
        for (label, person) in [
            ("Acme Trading Ltd · 阿克米贸易有限公司", false),
            ("曾伟 · IT manager — Ａｃｍｅ Trading", true),
            ("", false),
            ("ＡＣＭＥ ﬁne Straße", false),
            ("ERP — Acme Trading Ltd", false),
            ("online shop — acme", false),
            (&format!("{}Z Online", "x".repeat(70)), false),
            ("Kelvin \u{212A} ERP", false),
        ] {
            let target = if person {
                Target::Contact {
                    client: ClientId(1),
                    index: 0,
                }
            } else {
                Target::Client(ClientId(1))
            };
            let e = Entry::build(target, label.into(), None, person);
            let (keys, superkey) = compute_keys(label, person, MAPPED_SPREAD);
            assert_eq!(e.label(), label);
            assert_eq!(e.keys.superkey(), superkey);
            assert_eq!(
                e.keys().collect::<Vec<_>>(),
                keys.iter().map(|k| k.text.as_str()).collect::<Vec<_>>()
            );
            let costs: Vec<u32> = e.keys.iter().map(|(_, c)| c).collect();
            assert_eq!(costs, keys.iter().map(|k| k.cost).collect::<Vec<_>>());
            // What highlights are worked out with: the same keys, and
            // the folding alone for the first.
            assert_eq!(e.keys_with_maps(), keys);
            assert_eq!(*fold_chars(label).1, *keys[0].map);
            assert_eq!(Entry::from_stored(e.stored()), e);
        }
        // A label that is its folded form but for ASCII capitals is kept
        // once; others as they are.
        let e = Entry::new(Target::Client(ClientId(1)), "ERP — Acme Trading Ltd");
        assert_eq!(
            (e.keys.label_end, e.keys.capitals),
            (0, Some(1 | 1 << 1 | 1 << 2 | 1 << 6 | 1 << 11 | 1 << 19))
        );
        let e = Entry::new(Target::Client(ClientId(1)), "Ａcme");
        assert_eq!((e.keys.label_end, e.keys.capitals), (6, None));
    }

    #[test]
    fn packed_keys_read_back_narrow_and_wide() {
        let key = |text: &str, cost: u32| Key {
            text: text.into(),
            map: Box::default(),
            cost,
        };
        for (top, wide) in [(255, false), (256, true)] {
            let keys = [key("Ab", 0), key("yinhang", 1), key("", top), key("yh", 3)];
            let k = Keys::pack("Label", "super", &keys);
            assert_eq!(k.wide, wide);
            assert_eq!(k.len(), 4);
            assert_eq!((k.label().as_ref(), k.superkey()), ("Label", "super"));
            let back: Vec<(&str, u32)> = k.iter().collect();
            assert_eq!(back, [("Ab", 0), ("yinhang", 1), ("", top), ("yh", 3)]);
        }
    }

    #[test]
    fn a_very_long_chinese_label_gets_bounded_keys() {
        let label = "银行".repeat(5_000);
        let e = Entry::new(Target::Client(ClientId(1)), label.as_str());
        assert_eq!(e.keys().next(), Some(label.as_str()));
        assert!(e.keys().skip(1).all(|k| k.len() <= MAX_PINYIN_CHARS * 6));
        let index = {
            let mut i = SearchIndex::new();
            i.insert(e);
            i
        };
        assert_eq!(index.search("yinhangyinhang", 1).len(), 1);
    }

    #[test]
    fn combinations_go_by_cost_and_stop_at_the_cap() {
        let all = combinations(&[2, 1, 3], 100);
        assert_eq!(all.len(), 6);
        let costs: Vec<u32> = all.iter().map(|(_, c)| *c).collect();
        assert_eq!(costs, vec![0, 1, 1, 2, 2, 3]);
        assert_eq!(all[0].0, vec![0, 0, 0]);
        assert_eq!(combinations(&[3; 20], 32).len(), 32);
        assert_eq!(combinations(&[], 32), vec![(vec![], 0)]);
        // Cost 0 and 1 without the walk: the walk's first combinations.
        for counts in [&[2, 1, 3][..], &[3; 20], &[1, 1], &[], &[2, 2, 2, 2, 2, 2]] {
            for cap in [1, 3, 32] {
                for max_cost in [0, 1] {
                    let walked: Vec<_> = combinations(counts, 1000)
                        .into_iter()
                        .filter(|(_, c)| *c <= max_cost)
                        .take(cap)
                        .collect();
                    assert_eq!(
                        combinations_upto(counts, cap, max_cost),
                        walked,
                        "{counts:?} cap {cap} cost {max_cost}"
                    );
                }
            }
        }
    }

    #[test]
    fn u_umlaut_is_typed_as_v_or_u() {
        let index = index(&["绿地集团"]);
        assert_eq!(labels(&index, "lvdi"), vec!["绿地集团"]);
        assert_eq!(labels(&index, "ludi"), vec!["绿地集团"]);
    }
}
