//! Three-way merge of a record, field by field: what one edit changed
//! (from the version it was opened on, `base`, to `mine`) applied over the
//! version stored now (`theirs`), so a save never reverts a field someone
//! else changed meanwhile unless both changed it.
//!
//! Per field: when mine is the base value, theirs is kept; when theirs is
//! the base value, mine is taken; when both changed it to the same value,
//! that value; otherwise it is a conflict, settled by [`Winner`]. Contacts
//! and milestones are merged item by item, each compared as a whole value:
//! an item one side removed is removed, an item one side added is added,
//! an edited item is the old one removed and the new one added, and an item
//! both sides changed differently is a conflict.
//!
//! Field names are the dotted paths the audit log writes (`notes`,
//! `answers.pi_subjects`, `override.system_service`); a list item is named
//! by its list and the item (`milestones: evaluation_passed 2025-12-01`,
//! `contacts: Li Wei`).

use serde::Serialize;

use crate::domain::model::{Aspect, Client, Contact, HarmOverride, Milestone, Network};
use crate::domain::questionnaire::{QuestionId, QuestionKind};

/// Whose value a field that both sides changed takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Winner {
    Mine,
    Theirs,
}

/// A field both sides changed, each to another value (as a person reads
/// it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    pub field: String,
    pub theirs: String,
    pub yours: String,
}

/// The merged record, based on theirs (its id and revision are theirs).
#[derive(Debug, Clone, PartialEq)]
pub struct Merged<T> {
    pub record: T,
    /// The fields both sides changed, in field order.
    pub conflicts: Vec<FieldConflict>,
    /// The fields only theirs changed: their change is in `record`.
    pub theirs_kept: Vec<String>,
}

/// Merges one edit of a network over the stored version.
pub fn merge_network(
    base: &Network,
    mine: &Network,
    theirs: &Network,
    winner: Winner,
) -> Merged<Network> {
    network_shape().merge(base, mine, theirs, winner)
}

/// Merges one edit of a client (its contacts included) over the stored
/// version.
pub fn merge_client(
    base: &Client,
    mine: &Client,
    theirs: &Client,
    winner: Winner,
) -> Merged<Client> {
    client_shape().merge(base, mine, theirs, winner)
}

/// The fields a save changed (from `before` to `saved`) that held the
/// saved value in `was` and hold another one in `now`: the fields another
/// change, from `was` to `now`, replaced.
pub fn replaced_in_network(
    before: &Network,
    saved: &Network,
    was: &Network,
    now: &Network,
) -> Vec<String> {
    network_shape().replaced(before, saved, was, now)
}

/// [`replaced_in_network`] for a client.
pub fn replaced_in_client(
    before: &Client,
    saved: &Client,
    was: &Client,
    now: &Client,
) -> Vec<String> {
    client_shape().replaced(before, saved, was, now)
}

/// An item of a list merged as values.
trait Item: Clone + PartialEq + Serialize {
    /// How the item is named in a conflict.
    fn label(&self) -> String;
}

impl Item for Milestone {
    fn label(&self) -> String {
        format!("{} {}", self.stage, self.date)
    }
}

impl Item for Contact {
    fn label(&self) -> String {
        self.name.clone()
    }
}

type Same<R> = Box<dyn Fn(&R, &R) -> bool>;
type Show<R> = Box<dyn Fn(&R) -> String>;
type Take<R> = Box<dyn Fn(&mut R, &R)>;

/// One field of a record: whether two records hold the same value, the
/// value as a person reads it, and taking it from another record.
struct Field<R> {
    name: String,
    same: Same<R>,
    show: Show<R>,
    take: Take<R>,
}

/// A plain field `$f` of `$R`, shown by `$show`.
macro_rules! plain {
    ($R:ty, $f:ident, $show:expr) => {
        Field::<$R> {
            name: stringify!($f).to_string(),
            same: Box::new(|a: &$R, b: &$R| a.$f == b.$f),
            show: Box::new(|r: &$R| ($show)(&r.$f)),
            take: Box::new(|to: &mut $R, from: &$R| to.$f = from.$f.clone()),
        }
    };
}

/// The fields of a record and its one list.
struct Shape<R, T> {
    fields: Vec<Field<R>>,
    list_name: &'static str,
    list: fn(&R) -> &Vec<T>,
    list_mut: fn(&mut R) -> &mut Vec<T>,
}

fn text(s: &String) -> String {
    if s.is_empty() {
        "(none)".to_string()
    } else {
        format!("{s:?}")
    }
}

fn harm(o: Option<&HarmOverride>) -> String {
    match o {
        Some(o) => format!("{}/{}: {:?}", o.object, o.degree, o.justification),
        None => "(none)".to_string(),
    }
}

fn network_shape() -> Shape<Network, Milestone> {
    let mut fields = vec![
        plain!(Network, name, text),
        plain!(Network, notes, text),
        plain!(Network, filed_level, |l: &Option<
            crate::domain::model::Level,
        >| {
            l.map_or("(none)".to_string(), |l| l.to_string())
        }),
    ];
    for &q in QuestionId::ALL {
        let quoted = matches!(q.question().kind, QuestionKind::Text);
        fields.push(Field {
            name: format!("answers.{q}"),
            same: Box::new(move |a: &Network, b: &Network| {
                a.answers.display(q) == b.answers.display(q)
            }),
            show: Box::new(move |r: &Network| match r.answers.display(q) {
                Some(v) if quoted => format!("{v:?}"),
                Some(v) => v,
                None => "(unknown)".to_string(),
            }),
            take: Box::new(move |to: &mut Network, from: &Network| {
                to.answers.copy_answer(q, &from.answers)
            }),
        });
    }
    for &aspect in Aspect::ALL {
        fields.push(Field {
            name: format!("override.{aspect}"),
            same: Box::new(move |a: &Network, b: &Network| {
                a.overrides.get(aspect) == b.overrides.get(aspect)
            }),
            show: Box::new(move |r: &Network| harm(r.overrides.get(aspect))),
            take: Box::new(move |to: &mut Network, from: &Network| {
                let value = from.overrides.get(aspect).cloned();
                match aspect {
                    Aspect::BusinessInformation => to.overrides.business_information = value,
                    Aspect::SystemService => to.overrides.system_service = value,
                }
            }),
        });
    }
    Shape {
        fields,
        list_name: "milestones",
        list: |n| &n.milestones,
        list_mut: |n| &mut n.milestones,
    }
}

fn client_shape() -> Shape<Client, Contact> {
    Shape {
        fields: vec![
            plain!(Client, name, text),
            plain!(Client, name_zh, text),
            plain!(Client, region, text),
            plain!(Client, credit_code, text),
            plain!(Client, address, text),
            plain!(Client, notes, text),
        ],
        list_name: "contacts",
        list: |c| &c.contacts,
        list_mut: |c| &mut c.contacts,
    }
}

impl<R: Clone, T: Item> Shape<R, T> {
    fn merge(&self, base: &R, mine: &R, theirs: &R, winner: Winner) -> Merged<R> {
        let mut merged = Merged {
            record: theirs.clone(),
            conflicts: Vec::new(),
            theirs_kept: Vec::new(),
        };
        for f in &self.fields {
            let mine_changed = !(f.same)(base, mine);
            let theirs_changed = !(f.same)(base, theirs);
            match (mine_changed, theirs_changed) {
                (false, false) => {}
                (false, true) => merged.theirs_kept.push(f.name.clone()),
                (true, false) => (f.take)(&mut merged.record, mine),
                (true, true) if (f.same)(mine, theirs) => {}
                (true, true) => {
                    merged.conflicts.push(FieldConflict {
                        field: f.name.clone(),
                        theirs: (f.show)(theirs),
                        yours: (f.show)(mine),
                    });
                    if winner == Winner::Mine {
                        (f.take)(&mut merged.record, mine);
                    }
                }
            }
        }
        let list = merge_list(
            self.list_name,
            (self.list)(base),
            (self.list)(mine),
            (self.list)(theirs),
            winner,
            &mut merged.conflicts,
        );
        if list.theirs_kept {
            merged.theirs_kept.push(self.list_name.to_string());
        }
        *(self.list_mut)(&mut merged.record) = list.items;
        merged
    }

    fn replaced(&self, before: &R, saved: &R, was: &R, now: &R) -> Vec<String> {
        let mut out: Vec<String> = self
            .fields
            .iter()
            .filter(|f| !(f.same)(before, saved) && (f.same)(was, saved) && !(f.same)(now, saved))
            .map(|f| f.name.clone())
            .collect();
        // The items the save added or made: there before, gone now.
        let (before, saved) = ((self.list)(before), (self.list)(saved));
        let (was, now) = ((self.list)(was), (self.list)(now));
        for j in diff(before, saved).came {
            let x = &saved[j];
            if was.contains(x) && !now.contains(x) {
                out.push(format!("{}: {}", self.list_name, x.label()));
            }
        }
        out
    }
}

/// What a side did to one item of the base list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Left alone: at this index of the side's list.
    Kept(usize),
    Removed,
    /// Replaced by the item at this index of the side's list.
    Edited(usize),
}

/// How a list changed from the base: the fate of each base item, and the
/// items added (indices into the list).
struct Changes {
    fates: Vec<Fate>,
    added: Vec<usize>,
}

/// The base items not found in `list` (`gone`, base indices) and the
/// items of `list` not in the base (`came`), equal items matched in order.
struct Diff {
    kept: Vec<Option<usize>>,
    gone: Vec<usize>,
    came: Vec<usize>,
}

fn diff<T: PartialEq>(base: &[T], list: &[T]) -> Diff {
    let mut used = vec![false; list.len()];
    let mut kept = Vec::with_capacity(base.len());
    let mut gone = Vec::new();
    for (i, b) in base.iter().enumerate() {
        match (0..list.len()).find(|&j| !used[j] && list[j] == *b) {
            Some(j) => {
                used[j] = true;
                kept.push(Some(j));
            }
            None => {
                kept.push(None);
                gone.push(i);
            }
        }
    }
    let came = (0..list.len()).filter(|&j| !used[j]).collect();
    Diff { kept, gone, came }
}

/// The fate of each base item in `list`. A gone item is paired with a new
/// one of the same label first (an edit that kept the name, or the stage
/// and date), then with the remaining new ones in order; a gone item left
/// without one was removed, a new item left without one was added.
fn changes<T: Item>(base: &[T], list: &[T]) -> Changes {
    let d = diff(base, list);
    let mut fates: Vec<Fate> = d
        .kept
        .iter()
        .map(|k| k.map_or(Fate::Removed, Fate::Kept))
        .collect();
    let mut came = d.came;
    let mut unpaired = Vec::new();
    for &i in &d.gone {
        let label = base[i].label();
        match came.iter().position(|&j| list[j].label() == label) {
            Some(k) => fates[i] = Fate::Edited(came.remove(k)),
            None => unpaired.push(i),
        }
    }
    for i in unpaired {
        if came.is_empty() {
            break;
        }
        fates[i] = Fate::Edited(came.remove(0));
    }
    Changes { fates, added: came }
}

struct ListMerge<T> {
    items: Vec<T>,
    theirs_kept: bool,
}

fn merge_list<T: Item>(
    name: &str,
    base: &[T],
    mine: &[T],
    theirs: &[T],
    winner: Winner,
    conflicts: &mut Vec<FieldConflict>,
) -> ListMerge<T> {
    let m = changes(base, mine);
    let t = changes(base, theirs);
    // Their list, item by item; `None` is an item taken out.
    let mut slots: Vec<Option<T>> = theirs.iter().cloned().map(Some).collect();
    let mut extra: Vec<T> = Vec::new();
    let mut theirs_added: Vec<Option<usize>> = t.added.iter().copied().map(Some).collect();
    // Takes one of their additions equal to `x`, if there is one.
    let mut same_added = |x: &T| -> bool {
        match theirs_added
            .iter_mut()
            .find(|j| j.is_some_and(|j| theirs[j] == *x))
        {
            Some(j) => {
                *j = None;
                true
            }
            None => false,
        }
    };
    let mut theirs_kept = false;
    for (i, b) in base.iter().enumerate() {
        let (mf, tf) = (m.fates[i], t.fates[i]);
        match (mf, tf) {
            (Fate::Kept(_), Fate::Kept(_)) => {}
            (Fate::Kept(_), _) => theirs_kept = true,
            (_, Fate::Kept(at)) => {
                slots[at] = match mf {
                    Fate::Edited(x) => Some(mine[x].clone()),
                    _ => None,
                };
            }
            (Fate::Removed, Fate::Removed) => {}
            (Fate::Edited(x), Fate::Edited(y)) if mine[x] == theirs[y] => {}
            // They removed it and added what this side made of it.
            (Fate::Edited(x), Fate::Removed) if same_added(&mine[x]) => {}
            _ => {
                let describe = |fate: Fate, list: &[T]| match fate {
                    Fate::Edited(x) => changed_parts(b, &list[x]),
                    _ => "removed".to_string(),
                };
                conflicts.push(FieldConflict {
                    field: format!("{name}: {}", b.label()),
                    theirs: describe(tf, theirs),
                    yours: describe(mf, mine),
                });
                match winner {
                    Winner::Theirs => theirs_kept = true,
                    Winner::Mine => {
                        let yours = match mf {
                            Fate::Edited(x) => Some(mine[x].clone()),
                            _ => None,
                        };
                        match tf {
                            Fate::Edited(y) => slots[y] = yours,
                            _ => extra.extend(yours),
                        }
                    }
                }
            }
        }
    }
    for &x in &m.added {
        if !same_added(&mine[x]) {
            extra.push(mine[x].clone());
        }
    }
    theirs_kept |= theirs_added.iter().any(Option::is_some);
    let mut items: Vec<T> = slots.into_iter().flatten().collect();
    items.extend(extra);
    ListMerge { items, theirs_kept }
}

/// What `x` holds that `base` does not, field by field: `score 85,
/// note "..."`.
fn changed_parts<T: Serialize>(base: &T, x: &T) -> String {
    use serde_json::Value;
    let (Ok(Value::Object(b)), Ok(Value::Object(v))) =
        (serde_json::to_value(base), serde_json::to_value(x))
    else {
        return serde_json::to_string(x).unwrap_or_default();
    };
    let mut keys: Vec<&String> = v.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let parts: Vec<String> = keys
        .into_iter()
        .filter(|k| v.get(*k) != b.get(*k))
        .map(|k| match v.get(k) {
            Some(value) => format!("{k} {value}"),
            None => format!("{k} (none)"),
        })
        .collect();
    if parts.is_empty() {
        "the same".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::model::{ClientId, Degree, HarmedObject, Level, NetworkId, Stage};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 12, d).unwrap()
    }

    fn network() -> Network {
        let answers = crate::domain::questionnaire::Answers {
            pi_subjects: Some(1_000),
            ..Default::default()
        };
        Network {
            id: NetworkId(7),
            client: ClientId(1),
            revision: 3,
            name: "官网".into(),
            notes: "Hosted in Shanghai.".into(),
            answers,
            overrides: Default::default(),
            filed_level: Level::new(2),
            milestones: vec![
                Milestone::new(Stage::QuestionnaireSent, day(1)),
                Milestone::new(Stage::FilingSubmitted, day(10)),
            ],
        }
    }

    fn names(m: &Merged<Network>) -> (Vec<&str>, Vec<&str>) {
        (
            m.conflicts.iter().map(|c| c.field.as_str()).collect(),
            m.theirs_kept.iter().map(String::as_str).collect(),
        )
    }

    #[test]
    fn fields_changed_on_one_side_are_taken_from_that_side() {
        type Edit = fn(&mut Network);
        type Case<'a> = (&'a str, Edit, Edit, &'a [&'a str], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                "notes theirs, level mine",
                |n| n.filed_level = Level::new(3),
                |n| n.notes.push_str(" Moved to Beijing."),
                &[],
                &["notes"],
            ),
            (
                "an answer each",
                |n| n.answers.pi_subjects = Some(5),
                |n| n.answers.cii = Some(true),
                &[],
                &["answers.cii"],
            ),
            (
                "the same change on both sides",
                |n| n.name = "Website".into(),
                |n| n.name = "Website".into(),
                &[],
                &[],
            ),
            (
                "an override each",
                |n| {
                    n.overrides.system_service = Some(HarmOverride {
                        object: HarmedObject::SocialOrder,
                        degree: Degree::General,
                        justification: "mine".into(),
                    })
                },
                |n| n.answers.sector = Some(crate::domain::questionnaire::Sector::Finance),
                &[],
                &["answers.sector"],
            ),
            (
                "the same field, differently",
                |n| n.notes = "Mine.".into(),
                |n| n.notes = "Theirs.".into(),
                &["notes"],
                &[],
            ),
            (
                "the same answer, differently",
                |n| n.answers.pi_subjects = Some(5),
                |n| n.answers.pi_subjects = None,
                &["answers.pi_subjects"],
                &[],
            ),
        ];
        for (what, edit_mine, edit_theirs, conflicts, kept) in cases {
            let base = network();
            let (mut mine, mut theirs) = (base.clone(), base.clone());
            edit_mine(&mut mine);
            edit_theirs(&mut theirs);
            theirs.revision = 4;
            let m = merge_network(&base, &mine, &theirs, Winner::Mine);
            assert_eq!(names(&m), (conflicts.to_vec(), kept.to_vec()), "{what}");
            assert_eq!(m.record.revision, 4, "{what}: based on theirs");
            // Every field one side changed has that side's value; mine wins
            // the conflicts here.
            let mut expected = theirs.clone();
            edit_mine(&mut expected);
            assert_eq!(m.record, expected, "{what}");
            // With theirs winning, the conflicts keep their values.
            let t = merge_network(&base, &mine, &theirs, Winner::Theirs);
            if conflicts.is_empty() {
                assert_eq!(t.record, m.record, "{what}");
            } else {
                assert_eq!(t.record, theirs, "{what}");
            }
        }
    }

    #[test]
    fn a_conflict_shows_both_values() {
        let base = network();
        let (mut mine, mut theirs) = (base.clone(), base.clone());
        mine.filed_level = Level::new(3);
        theirs.filed_level = None;
        mine.answers.architecture_notes = Some("two sites".into());
        theirs.answers.architecture_notes = Some("one site".into());
        let m = merge_network(&base, &mine, &theirs, Winner::Mine);
        assert_eq!(
            m.conflicts,
            vec![
                FieldConflict {
                    field: "filed_level".into(),
                    theirs: "(none)".into(),
                    yours: "3".into(),
                },
                FieldConflict {
                    field: "answers.architecture_notes".into(),
                    theirs: "\"one site\"".into(),
                    yours: "\"two sites\"".into(),
                },
            ]
        );
    }

    #[test]
    fn milestones_merge_item_by_item() {
        let evaluation = {
            let mut m = Milestone::new(Stage::EvaluationPassed, day(20));
            m.score = Some(85.0);
            m
        };
        type Edit = fn(&mut Vec<Milestone>);
        let cases: Vec<(&str, Edit, Edit, Vec<&str>, bool)> = vec![
            (
                "each adds one",
                |l| l.push(Milestone::new(Stage::ExpertReview, day(5))),
                |l| l.push(Milestone::new(Stage::GapAnalysis, day(15))),
                vec![],
                true,
            ),
            (
                "mine edits one, theirs adds one before it",
                |l| l[2].note = "mine".into(),
                |l| l.insert(0, Milestone::new(Stage::ExpertReview, day(1))),
                vec![],
                true,
            ),
            (
                "mine removes one, theirs edits another",
                |l| {
                    l.remove(0);
                },
                |l| l[1].note = "theirs".into(),
                vec![],
                true,
            ),
            (
                "both add the same",
                |l| l.push(Milestone::new(Stage::ExpertReview, day(5))),
                |l| l.push(Milestone::new(Stage::ExpertReview, day(5))),
                vec![],
                false,
            ),
            (
                "both edit the same one",
                |l| l[2].score = Some(90.0),
                |l| l[2].score = Some(80.0),
                vec!["milestones: evaluation_passed 2025-12-20"],
                false,
            ),
            (
                "mine edits one theirs removed",
                |l| l[2].score = Some(90.0),
                |l| {
                    l.remove(2);
                },
                vec!["milestones: evaluation_passed 2025-12-20"],
                false,
            ),
            (
                "mine removes one theirs edited",
                |l| {
                    l.remove(2);
                },
                |l| l[2].note = "theirs".into(),
                vec!["milestones: evaluation_passed 2025-12-20"],
                false,
            ),
            (
                "both remove the same",
                |l| {
                    l.remove(2);
                },
                |l| {
                    l.remove(2);
                },
                vec![],
                false,
            ),
        ];
        for (what, edit_mine, edit_theirs, conflicts, kept) in cases {
            let mut base = network();
            base.milestones.push(evaluation.clone());
            let (mut mine, mut theirs) = (base.clone(), base.clone());
            edit_mine(&mut mine.milestones);
            edit_theirs(&mut theirs.milestones);
            let m = merge_network(&base, &mine, &theirs, Winner::Mine);
            let (got, got_kept) = names(&m);
            assert_eq!(got, conflicts, "{what}");
            assert_eq!(got_kept.contains(&"milestones"), kept, "{what}");
            let has = |list: &[Milestone], x: &Milestone| list.iter().filter(|m| *m == x).count();
            // What one side added is there once, what one side removed is
            // gone (their side's changes only count without a conflict).
            let (b, y, t) = (&base.milestones, &mine.milestones, &theirs.milestones);
            let mut sides = vec![(y, b), (b, y)];
            if conflicts.is_empty() {
                sides.extend([(t, b), (b, t)]);
            }
            for (from, without) in sides {
                let count = usize::from(from != b);
                for x in from.iter().filter(|x| !without.contains(x)) {
                    assert_eq!(has(&m.record.milestones, x), count, "{what}: {x:?}");
                }
            }
            if conflicts.is_empty() {
                // Nothing else.
                let len = t.len()
                    + y.iter()
                        .filter(|x| !b.contains(x) && !t.contains(x))
                        .count()
                    - b.iter().filter(|x| !y.contains(x) && t.contains(x)).count();
                assert_eq!(m.record.milestones.len(), len, "{what}");
            } else {
                // Theirs winning keeps their list as it is.
                let t = merge_network(&base, &mine, &theirs, Winner::Theirs);
                assert_eq!(t.record.milestones, theirs.milestones, "{what}");
            }
        }
    }

    #[test]
    fn a_conflict_on_an_item_says_what_each_side_made_of_it() {
        let mut base = network();
        let mut eval = Milestone::new(Stage::EvaluationPassed, day(20));
        eval.score = Some(85.0);
        base.milestones.push(eval);
        let (mut mine, mut theirs) = (base.clone(), base.clone());
        mine.milestones[2].score = Some(90.0);
        theirs.milestones.remove(2);
        let m = merge_network(&base, &mine, &theirs, Winner::Mine);
        assert_eq!(
            m.conflicts,
            vec![FieldConflict {
                field: "milestones: evaluation_passed 2025-12-20".into(),
                theirs: "removed".into(),
                yours: "score 90.0".into(),
            }]
        );
        assert!(m.record.milestones.contains(&mine.milestones[2]));
    }

    #[test]
    fn contacts_merge_item_by_item_and_client_fields_by_field() {
        let li = |email: &str| Contact {
            name: "Li Wei".into(),
            role: "IT".into(),
            email: email.into(),
            phone: String::new(),
        };
        let wang = Contact {
            name: "Wang Fang".into(),
            ..Contact::default()
        };
        let base = Client {
            id: ClientId(1),
            revision: 1,
            name: "Acme".into(),
            contacts: vec![li("li@acme.cn"), wang.clone()],
            ..Client::default()
        };
        // Disjoint: mine edits Li, theirs edits the notes and removes Wang.
        let mut mine = base.clone();
        mine.contacts[0] = li("wei.li@acme.cn");
        let mut theirs = base.clone();
        theirs.notes = "Pays late.".into();
        theirs.contacts.remove(1);
        let m = merge_client(&base, &mine, &theirs, Winner::Mine);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        assert_eq!(m.theirs_kept, ["notes", "contacts"]);
        assert_eq!(m.record.contacts, vec![li("wei.li@acme.cn")]);
        assert_eq!(m.record.notes, "Pays late.");
        // Both edit Li.
        theirs.contacts[0] = li("li.wei@acme.cn");
        let m = merge_client(&base, &mine, &theirs, Winner::Mine);
        assert_eq!(
            m.conflicts,
            vec![FieldConflict {
                field: "contacts: Li Wei".into(),
                theirs: "email \"li.wei@acme.cn\"".into(),
                yours: "email \"wei.li@acme.cn\"".into(),
            }]
        );
        assert_eq!(m.record.contacts, vec![li("wei.li@acme.cn")]);
        let t = merge_client(&base, &mine, &theirs, Winner::Theirs);
        assert_eq!(t.record.contacts, vec![li("li.wei@acme.cn")]);
    }

    #[test]
    fn replaced_names_the_saved_fields_another_change_took_away() {
        let before = network();
        let mut saved = before.clone();
        saved.notes = "Mine.".into();
        saved.milestones[1].note = "mine".into();
        // Someone changes another field: nothing of the save replaced.
        let mut other = saved.clone();
        other.filed_level = Level::new(4);
        assert!(replaced_in_network(&before, &saved, &saved, &other).is_empty());
        // Someone changes the notes and the edited milestone.
        let mut now = other.clone();
        now.notes = "Theirs.".into();
        now.milestones[1].note = "theirs".into();
        assert_eq!(
            replaced_in_network(&before, &saved, &other, &now),
            ["notes", "milestones: filing_submitted 2025-12-10"]
        );
        // Told once: from then on the saved value was already gone.
        let mut later = now.clone();
        later.name = "Web".into();
        assert!(replaced_in_network(&before, &saved, &now, &later).is_empty());
    }
}
