//! List filters (`/` in the case manager): which clients, contacts and
//! networks a typed filter lets through.
//!
//! A record is matched on its [`FilterText`]: each of its fields folded
//! as the fuzzy jump folds (NFKC, lowercase) and, for the fields people
//! type in pinyin, spelt in pinyin and pinyin initials by the jump's own
//! key functions ([`crate::domain::search::spellings`]):
//!
//! - names (a client's English and Chinese names, a network's, a
//!   contact's) get the jump's cheapest spellings: the preferred readings
//!   (those of the words and surnames the jump knows, else the usual
//!   one), and each spelling that reads one character its next way
//!   (`yinxing` still finds 银行, `zhaoyang` 朝阳); a contact's first
//!   character is read as a surname;
//! - short descriptive fields (region, address, a contact's role) get the
//!   preferred readings only, one pinyin and one initials spelling;
//! - free text and codes (notes, credit code, e-mail, phone) are matched
//!   as written, folded; a phone number also without its spaces and
//!   dashes.
//!
//! The spellings are computed once per record ([`ClientText::of`],
//! [`network_text`]) and kept by the caller; a keystroke only runs
//! substring searches over them.
//!
//! The query is folded the same way and split on white space: every term
//! must be found, each anywhere in the record (`acme erp`, `上海 jianguolu`).
//! Unlike the jump, a term must match a contiguous run of a spelling: a
//! filter keeps the list's order, so scattered letters (which the jump
//! ranks last) would only let noise through.

use memchr::memmem::Finder;

use crate::domain::model::{Client, Contact, Network};
use crate::domain::search::{self, Variants};

/// How a field is spelt for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// Folded, and in pinyin and initials: the preferred readings, and
    /// each spelling with one character read its next way.
    Name,
    /// As [`Spelling::Name`], the first character read as a surname.
    Person,
    /// Folded, and the pinyin and initials of the preferred readings.
    Preferred,
    /// Folded only.
    AsWritten,
}

/// What a filter searches in one record: its fields and their spellings,
/// folded, one per line. A term holds no white space, so it never runs
/// from one spelling into the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterText(Box<str>);

impl FilterText {
    /// The text of `fields`, each spelt as it says; empty fields add
    /// nothing.
    pub fn of(fields: &[(&str, Spelling)]) -> FilterText {
        let mut text = String::new();
        for &(field, spelling) in fields {
            if field.trim().is_empty() {
                continue;
            }
            let lines = match spelling {
                Spelling::AsWritten => vec![search::fold(field)],
                Spelling::Name => search::spellings(field, false, Variants::OneOff),
                Spelling::Person => search::spellings(field, true, Variants::OneOff),
                Spelling::Preferred => search::spellings(field, false, Variants::Preferred),
            };
            for line in lines {
                text.push_str(&line);
                text.push('\n');
            }
        }
        FilterText(text.into_boxed_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Bytes of text held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A client as filters see it: its own fields, and each contact's (the
/// contacts pane filters on those alone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientText {
    own: FilterText,
    contacts: Box<[FilterText]>,
}

impl ClientText {
    /// Names, region, credit code, address and notes, and the contacts.
    pub fn of(c: &Client) -> ClientText {
        use Spelling::*;
        ClientText {
            own: FilterText::of(&[
                (&c.name, Name),
                (&c.name_zh, Name),
                (&c.region, Preferred),
                (&c.credit_code, AsWritten),
                (&c.address, Preferred),
                (&c.notes, AsWritten),
            ]),
            contacts: c.contacts.iter().map(contact_text).collect(),
        }
    }

    /// The text of the `i`-th contact.
    pub fn contact(&self, i: usize) -> Option<&FilterText> {
        self.contacts.get(i)
    }

    /// Bytes of text held, the contacts' included.
    pub fn len(&self) -> usize {
        self.own.len() + self.contacts.iter().map(FilterText::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A contact: name (read as a person's), role, e-mail and phone.
pub fn contact_text(k: &Contact) -> FilterText {
    use Spelling::*;
    let digits: String = k
        .phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let digits = if digits == k.phone { "" } else { &digits };
    FilterText::of(&[
        (&k.name, Person),
        (&k.role, Preferred),
        (&k.email, AsWritten),
        (&k.phone, AsWritten),
        (digits, AsWritten),
    ])
}

/// A network: its name and notes.
pub fn network_text(n: &Network) -> FilterText {
    FilterText::of(&[(&n.name, Spelling::Name), (&n.notes, Spelling::AsWritten)])
}

/// A typed filter: its terms, folded, each ready to be searched for.
#[derive(Debug, Clone)]
pub struct Filter {
    terms: Vec<Finder<'static>>,
}

impl Filter {
    pub fn new(query: &str) -> Filter {
        Filter {
            terms: search::fold(query)
                .split_whitespace()
                .map(|t| Finder::new(t.as_bytes()).into_owned())
                .collect(),
        }
    }

    /// No terms: everything passes.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether every term is in `text`.
    pub fn matches(&self, text: &FilterText) -> bool {
        self.terms
            .iter()
            .all(|t| t.find(text.as_str().as_bytes()).is_some())
    }

    /// Whether every term is in the client's own text or in one of its
    /// contacts'.
    pub fn matches_client(&self, c: &ClientText) -> bool {
        self.terms.iter().all(|t| {
            t.find(c.own.as_str().as_bytes()).is_some()
                || c.contacts
                    .iter()
                    .any(|k| t.find(k.as_str().as_bytes()).is_some())
        })
    }

    /// Whether every term is in `label`, folded (no pinyin): the fixed
    /// rows of the answers and timeline panes.
    pub fn matches_label(&self, label: &str) -> bool {
        if self.is_empty() {
            return true;
        }
        let folded = search::fold(label);
        self.terms
            .iter()
            .all(|t| t.find(folded.as_bytes()).is_some())
    }

    /// Whether whatever this filter lets through, `wider` lets through
    /// too: each of `wider`'s terms is part of one of these (typing on
    /// at the end of a filter narrows it), so the list can be filtered
    /// again from what `wider` let through.
    pub fn narrows(&self, wider: &Filter) -> bool {
        wider.terms.iter().all(|w| {
            self.terms
                .iter()
                .any(|t| memchr::memmem::find(t.needle(), w.needle()).is_some())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ClientId;

    fn client() -> Client {
        Client {
            id: ClientId(1),
            revision: 1,
            name: "Yuhe Water Co., Ltd.".into(),
            name_zh: "重庆玉河水务有限公司".into(),
            region: "重庆".into(),
            credit_code: "91500103XEJDHQ34Y0".into(),
            address: "重庆市建国路112号".into(),
            contacts: vec![
                Contact {
                    name: "曾伟".into(),
                    role: "运维经理".into(),
                    email: "zeng.wei@yuhe.example".into(),
                    phone: "+86 23 5555-0765".into(),
                },
                Contact {
                    name: "Ｌｉ Ｎａ".into(),
                    role: "Legal Counsel".into(),
                    ..Contact::default()
                },
            ],
            notes: "Renewal reminders go to the legal department too.\n续期提醒请抄送法务部。"
                .into(),
        }
    }

    fn passes(query: &str) -> bool {
        Filter::new(query).matches_client(&ClientText::of(&client()))
    }

    #[test]
    fn a_client_matches_on_every_field_and_spelling() {
        for q in [
            // English, Chinese, full pinyin, initials, preferred readings.
            "yuhe",
            "water",
            "玉河",
            "chongqingyuheshuiwu",
            "cqyhsw",
            "zhongqing",
            "yhsw",
            // Region and address, in pinyin too.
            "重庆市",
            "jianguolu",
            "cqsjgl",
            "112号",
            // Credit code, in any case.
            "91500103xejdhq34y0",
            "XEJDHQ",
            // Notes, across their lines.
            "legal department",
            "法务部",
            // Contacts: name (surname reading), role, e-mail, phone.
            "zengwei",
            "zw",
            "曾伟",
            "yunweijingli",
            "zeng.wei@",
            "5555-0765",
            "862355550765",
            "li na",
            "counsel",
            // Full-width letters fold.
            "ＹＵＨＥ",
            // Terms in different fields.
            "yuhe zengwei jianguolu",
        ] {
            assert!(passes(q), "{q:?}");
        }
    }

    #[test]
    fn what_is_not_there_or_only_scattered_does_not_match() {
        for q in [
            "xyz",
            "yuhe xyz",
            // Scattered letters: the jump finds them, a filter does not.
            "yhe",
            "ywt",
            // Pinyin does not run from one field into the next.
            "gongsichongqing",
            // Notes are matched as written, not in pinyin.
            "fawubu",
        ] {
            assert!(!passes(q), "{q:?}");
        }
    }

    #[test]
    fn an_empty_filter_lets_everything_through() {
        for q in ["", "   ", "\u{3000}"] {
            let f = Filter::new(q);
            assert!(f.is_empty());
            assert!(f.matches_client(&ClientText::default()));
            assert!(f.matches_label("anything"));
        }
    }

    #[test]
    fn contacts_have_texts_of_their_own() {
        let text = ClientText::of(&client());
        let f = Filter::new("zengwei");
        assert!(f.matches(text.contact(0).unwrap()));
        assert!(!f.matches(text.contact(1).unwrap()));
        assert!(text.contact(2).is_none());
        // A term of the client's own fields is not in a contact's.
        assert!(!Filter::new("yuhe water").matches(text.contact(1).unwrap()));
        assert!(text.len() > "yuhe water co., ltd.".len());
    }

    #[test]
    fn networks_match_on_name_pinyin_and_notes() {
        let n = Network {
            id: crate::domain::model::NetworkId(10),
            client: ClientId(1),
            revision: 1,
            name: "网上银行 Online banking".into(),
            notes: "Pen test booked for March.".into(),
            answers: Default::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: Vec::new(),
        };
        let text = network_text(&n);
        for q in [
            "wangshangyinhang",
            "wsyh",
            "银行",
            "online",
            "pen test",
            "MARCH",
        ] {
            assert!(Filter::new(q).matches(&text), "{q:?}");
        }
        // 行 as háng is preferred, xíng is still there (as in the jump).
        assert!(Filter::new("yinxing").matches(&text));
        // One character read otherwise: 朝 as zhāo as well as cháo.
        let place = FilterText::of(&[("北京朝阳医院", Spelling::Name)]);
        for q in ["chaoyang", "zhaoyang", "bjcyyy", "bjzyyy"] {
            assert!(Filter::new(q).matches(&place), "{q:?}");
        }
        // Two characters read otherwise at once are not: 长行 (no word
        // the jump knows) is zhangxing, changxing or zhanghang.
        let two = FilterText::of(&[("长行", Spelling::Name)]);
        for q in ["zhangxing", "changxing", "zhanghang"] {
            assert!(Filter::new(q).matches(&two), "{q:?}");
        }
        assert!(!Filter::new("changhang").matches(&two));
        assert!(!Filter::new("crm").matches(&text));
    }

    #[test]
    fn labels_match_folded() {
        let f = Filter::new("pi sub");
        assert!(f.matches_label("PI subjects"));
        assert!(!f.matches_label("registered users"));
        assert!(Filter::new("ｓｕｂ").matches_label("pi_subjects"));
    }

    #[test]
    fn typing_on_narrows() {
        let narrows = |now: &str, before: &str| Filter::new(now).narrows(&Filter::new(before));
        assert!(narrows("yuh", "yu"));
        assert!(narrows("yu he", "yu"));
        assert!(narrows("yu he", "yu h"));
        assert!(narrows("yu", ""));
        assert!(narrows("he yu", "yu"));
        // Deleting, or changing a term, does not.
        assert!(!narrows("yu", "yuh"));
        assert!(!narrows("", "yu"));
        assert!(!narrows("ya", "yu"));
        // Folding is taken into account: É folds to é, which holds no e.
        assert!(!narrows("é", "e"));
    }
}
