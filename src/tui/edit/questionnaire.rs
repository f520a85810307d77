//! Questionnaire mode: the selected network's unanswered questions one at
//! a time, in questionnaire order, each answered with as few keys as it
//! takes (a digit or letter picks a choice, `y`/`n` a yes/no, digits
//! toggle flags, a count takes `k`/`m`), saved through the same save as
//! the answer form. Pure: the writes are asked for as effects, and the
//! next question comes once the store has said `Saved`; keys typed
//! meanwhile wait their turn.

use std::collections::VecDeque;

use crate::domain::labels::{self, Label};
use crate::domain::model::{Network, NetworkId};
use crate::domain::questionnaire::{QuestionId, QuestionKind};
use crate::domain::search::{Variants, fold, spellings};
use crate::error::{Error, Result};
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg};
use crate::tui::edit::forms::answer_form;
use crate::tui::edit::{FormTarget, Record, save, version_in_view};
use crate::tui::effect::{Effect, Purpose, Save, Stored};
use crate::tui::form::{Form, Value, Version};

/// Where questionnaire mode is.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub network: NetworkId,
    /// The questions to walk, in questionnaire order.
    pub questions: Vec<QuestionId>,
    /// The question shown: an index into `questions`.
    pub at: usize,
    /// Walking every question (after the open ones were done).
    pub all: bool,
    /// Past the last question: walk all of them, or leave.
    pub finished: bool,
    /// What is typed: the type-ahead of a choice list, a count or text.
    pub input: String,
    /// A choice list is being narrowed by `input`.
    pub typing: bool,
    /// The highlighted row of the (narrowed) choice list, or the flag
    /// under the cursor.
    pub cursor: usize,
    /// The flags of a flag-set question as ticked so far; `None` while
    /// unknown (moving alone leaves it unknown).
    pub flags: Option<Vec<bool>>,
    /// The save waiting for the store, with the answer form it was made
    /// from (a conflict opens that form's dialog).
    pub pending: Option<(Box<Form>, FormTarget)>,
    /// Keys typed while a save was on its way: played once it is in.
    pub queued: VecDeque<Msg>,
    /// Why the last answer was not taken.
    pub error: Option<String>,
    /// Answers saved since the mode opened.
    pub answered: usize,
}

/// One entry of a choice list.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The value as stored (`finance`, `3`, `yes`).
    pub id: &'static str,
    pub label: Label,
    /// What type-ahead matches: the id, the English and the Chinese, with
    /// the Chinese in pinyin and pinyin initials, folded.
    keys: Vec<String>,
}

const LEVEL_IDS: [&str; 6] = ["0", "1", "2", "3", "4", "5"];

/// The label of a level answer (hosted or provider level).
fn level_label(id: &str) -> Label {
    match id {
        "0" => Label::new("none (0)", "无"),
        "1" => Label::new("level 1", "第一级"),
        "2" => Label::new("level 2", "第二级"),
        "3" => Label::new("level 3", "第三级"),
        "4" => Label::new("level 4", "第四级"),
        _ => Label::new("level 5", "第五级"),
    }
}

/// The choices of a question answered from a list (one of, level,
/// yes/no) or by flags; empty for counts and text.
pub fn choices(q: QuestionId) -> Vec<Choice> {
    let ids: &[&'static str] = match q.question().kind {
        QuestionKind::OneOf(ids) | QuestionKind::SetOf(ids) => ids,
        QuestionKind::Level => &LEVEL_IDS,
        QuestionKind::Bool => &["yes", "no"],
        QuestionKind::Count | QuestionKind::Text => &[],
    };
    ids.iter()
        .map(|id| {
            let label = match q.question().kind {
                QuestionKind::Level => level_label(id),
                _ => labels::value(q, id).unwrap_or(Label::new(id, id)),
            };
            let mut keys = vec![fold(&id.replace('_', " "))];
            for text in [label.en, label.zh] {
                keys.extend(spellings(text, false, Variants::Preferred));
            }
            let keys = keys.iter().map(|k| fold(k).replace(' ', "")).collect();
            Choice { id, label, keys }
        })
        .collect()
}

impl Choice {
    /// Whether type-ahead `query` (folded, without spaces) matches.
    pub fn matches(&self, query: &str) -> bool {
        query.is_empty() || self.keys.iter().any(|k| k.contains(query))
    }
}

/// The key that picks the `i`th entry of a list: 1-9, then a-z; a level
/// is picked by its own digit.
pub fn pick_key(q: QuestionId, i: usize) -> Option<char> {
    if q.question().kind == QuestionKind::Level {
        return LEVEL_IDS.get(i).and_then(|d| d.chars().next());
    }
    match i {
        0..=8 => char::from_digit(i as u32 + 1, 10),
        9..=34 => Some((b'a' + (i - 9) as u8) as char),
        _ => None,
    }
}

/// The entry `c` picks in a list of `n`.
fn picked(q: QuestionId, c: char, n: usize) -> Option<usize> {
    (0..n).find(|i| pick_key(q, *i) == Some(c))
}

impl Questionnaire {
    /// The question shown; `None` once finished.
    pub fn question(&self) -> Option<QuestionId> {
        if self.finished {
            None
        } else {
            self.questions.get(self.at).copied()
        }
    }

    /// The entries of the choice list shown, narrowed by the type-ahead:
    /// (index in the whole list, choice).
    pub fn shown(&self) -> Vec<(usize, Choice)> {
        let Some(q) = self.question() else {
            return Vec::new();
        };
        let all = choices(q);
        if matches!(q.question().kind, QuestionKind::SetOf(_)) || !self.typing {
            return all.into_iter().enumerate().collect();
        }
        let query = fold(&self.input).replace(' ', "");
        all.into_iter()
            .enumerate()
            .filter(|(_, c)| c.matches(&query))
            .collect()
    }

    /// Back to a question with nothing typed, its flags as answered.
    fn reset(&mut self, app: &App) {
        self.input.clear();
        self.typing = false;
        self.cursor = 0;
        self.error = None;
        self.flags = None;
        if let Some(q) = self.question()
            && matches!(q.question().kind, QuestionKind::SetOf(_))
            && let Some(n) = app.network(self.network)
            && let Some(set) = &n.answers.data_categories
        {
            self.flags = Some(
                choices(q)
                    .iter()
                    .map(|c| set.iter().any(|d| d.as_str() == c.id))
                    .collect(),
            );
        }
    }

    /// On to the next question, or to the end.
    fn advance(&mut self, app: &App) {
        self.at += 1;
        if self.at >= self.questions.len() {
            self.finished = true;
        }
        self.reset(app);
    }
}

/// Opens questionnaire mode on the selected network.
pub fn start(app: &mut App) {
    let Some(n) = app.selected_network() else {
        app.info(Label::new("select a network first", "请先选择一个定级对象").get(app.lang));
        return;
    };
    let questions = n.answers.unanswered();
    let mut q = Questionnaire {
        network: n.id,
        finished: questions.is_empty(),
        questions,
        at: 0,
        all: false,
        input: String::new(),
        typing: false,
        cursor: 0,
        flags: None,
        pending: None,
        queued: VecDeque::new(),
        error: None,
        answered: 0,
    };
    q.reset(app);
    app.mode = Mode::Questionnaire(Box::new(q));
}

/// What an answer becomes.
enum Given {
    Choice(usize),
    Flags(Vec<bool>),
    Text(String),
    Unknown,
}

/// Handles a key in questionnaire mode.
pub fn key(app: &mut App, mut q: Box<Questionnaire>, msg: Msg, fx: &mut Vec<Effect>) -> Mode {
    // A save on its way: the key waits for it, so none is lost.
    if q.pending.is_some() {
        q.queued.push_back(msg);
        return Mode::Questionnaire(q);
    }
    if matches!(msg, Msg::Action(Action::Cancel | Action::Quit)) {
        leave(app, &q);
        return Mode::Normal;
    }
    let Some(question) = q.question() else {
        // Past the end: walk every question, or leave.
        return match msg {
            Msg::Char('a') | Msg::Action(Action::Submit) => {
                q.questions = QuestionId::ALL.to_vec();
                q.at = 0;
                q.all = true;
                q.finished = false;
                q.reset(app);
                Mode::Questionnaire(q)
            }
            Msg::Char('q') => {
                leave(app, &q);
                Mode::Normal
            }
            _ => Mode::Questionnaire(q),
        };
    };
    let kind = question.question().kind;
    q.error = None;
    let given = match msg {
        Msg::Action(Action::NextField) => {
            // Tab: on without saving.
            q.advance(app);
            return Mode::Questionnaire(q);
        }
        Msg::Action(Action::PrevField) => {
            if q.at > 0 {
                q.at -= 1;
            }
            q.reset(app);
            return Mode::Questionnaire(q);
        }
        Msg::Action(Action::ClearField) => Some(Given::Unknown),
        Msg::Backspace => {
            q.input.pop();
            if q.input.is_empty() {
                q.typing = false;
            }
            q.cursor = 0;
            None
        }
        Msg::Action(Action::Up) => {
            q.cursor = q.cursor.saturating_sub(1);
            None
        }
        Msg::Action(Action::Down) => {
            let n = match kind {
                QuestionKind::SetOf(ids) => ids.len(),
                _ => q.shown().len(),
            };
            q.cursor = (q.cursor + 1).min(n.saturating_sub(1));
            None
        }
        Msg::Action(Action::Toggle) => match kind {
            QuestionKind::SetOf(ids) => {
                let at = q.cursor;
                toggle(&mut q, ids.len(), at);
                None
            }
            QuestionKind::Text => {
                q.input.push(' ');
                None
            }
            _ if q.typing => {
                q.input.push(' ');
                None
            }
            _ => None,
        },
        Msg::Action(Action::Submit) => match kind {
            QuestionKind::SetOf(_) => match &q.flags {
                Some(f) => Some(Given::Flags(f.clone())),
                // Nothing ticked: the answer stays as it is.
                None => {
                    q.advance(app);
                    return Mode::Questionnaire(q);
                }
            },
            QuestionKind::Count => {
                if q.input.trim().is_empty() {
                    q.advance(app);
                    return Mode::Questionnaire(q);
                }
                match parse_count(&q.input) {
                    Some(v) => Some(Given::Text(v.to_string())),
                    None => {
                        q.error = Some(
                            Label::new(
                                "a whole number; k for thousands, m for millions (2m)",
                                "请输入整数；k 表示千，m 表示百万（如 2m）",
                            )
                            .get(app.lang)
                            .into_owned(),
                        );
                        None
                    }
                }
            }
            QuestionKind::Text => {
                let text = q.input.trim().to_string();
                if text.is_empty() {
                    q.advance(app);
                    return Mode::Questionnaire(q);
                }
                Some(Given::Text(text))
            }
            _ => q.shown().get(q.cursor).map(|(i, _)| Given::Choice(*i)),
        },
        Msg::Char(c) => typed(&mut q, question, c),
        _ => None,
    };
    match given {
        Some(given) => answer(app, q, question, given, fx),
        None => Mode::Questionnaire(q),
    }
}

/// Flips flag `i` of `n`: the set becomes known.
fn toggle(q: &mut Questionnaire, n: usize, i: usize) {
    let flags = q.flags.get_or_insert_with(|| vec![false; n]);
    if let Some(f) = flags.get_mut(i) {
        *f = !*f;
    }
}

/// A typed character: a pick, a flag, or text.
fn typed(q: &mut Questionnaire, question: QuestionId, c: char) -> Option<Given> {
    if c.is_control() {
        return None;
    }
    match question.question().kind {
        QuestionKind::Bool => match c {
            'y' | 'Y' | '1' => Some(Given::Choice(0)),
            'n' | 'N' | '2' => Some(Given::Choice(1)),
            _ => None,
        },
        QuestionKind::SetOf(ids) => {
            if let Some(i) = picked(question, c, ids.len()) {
                toggle(q, ids.len(), i);
                q.cursor = i;
            }
            None
        }
        QuestionKind::Count => {
            if c.is_ascii_digit() || matches!(c, 'k' | 'K' | 'm' | 'M' | '.' | ',' | ' ' | '_') {
                q.input.push(c);
            }
            None
        }
        QuestionKind::Text => {
            q.input.push(c);
            None
        }
        QuestionKind::OneOf(_) | QuestionKind::Level => {
            if !q.typing {
                if c == '/' {
                    // Type-ahead from a letter that would pick.
                    q.typing = true;
                    return None;
                }
                if let Some(i) = picked(question, c, choices(question).len()) {
                    return Some(Given::Choice(i));
                }
                if c.is_ascii_digit() {
                    return None;
                }
            } else if let Some(i) = c.to_digit(10).filter(|d| *d >= 1) {
                // In a narrowed list, a digit picks among what is left.
                return q
                    .shown()
                    .get(i as usize - 1)
                    .map(|(i, _)| Given::Choice(*i));
            }
            // Narrowing: the first match is highlighted, so Enter takes
            // the only one left.
            q.typing = true;
            q.input.push(c);
            q.cursor = 0;
            None
        }
    }
}

/// A count as typed: digits (spaces, commas and underscores group them),
/// then `k` (thousands) or `m` (millions): `250k`, `2m`, `1.5m`.
pub fn parse_count(text: &str) -> Option<u64> {
    let t: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .collect::<String>()
        .to_ascii_lowercase();
    let (digits, times) = match t.strip_suffix('k') {
        Some(d) => (d, 1_000u64),
        None => match t.strip_suffix('m') {
            Some(d) => (d, 1_000_000u64),
            None => (t.as_str(), 1),
        },
    };
    if digits.is_empty() {
        return None;
    }
    match digits.split_once('.') {
        None => digits.parse::<u64>().ok()?.checked_mul(times),
        Some((whole, frac)) => {
            if frac.is_empty() || frac.len() > 6 || !frac.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let scale = 10u64.pow(frac.len() as u32);
            let whole: u64 = if whole.is_empty() {
                0
            } else {
                whole.parse().ok()?
            };
            let frac: u64 = frac.parse().ok()?;
            let total = whole
                .checked_mul(scale)?
                .checked_add(frac)?
                .checked_mul(times)?;
            (total % scale == 0).then_some(total / scale)
        }
    }
}

/// Saves an answer through the answer form's save: the same checks, and
/// on a conflict the same dialog.
fn answer(
    app: &mut App,
    mut q: Box<Questionnaire>,
    question: QuestionId,
    given: Given,
    fx: &mut Vec<Effect>,
) -> Mode {
    let Some(network) = app.network(q.network).cloned() else {
        q.error = Some(
            Label::new("the network no longer exists", "该定级对象已不存在")
                .get(app.lang)
                .into_owned(),
        );
        return Mode::Questionnaire(q);
    };
    let mut form = answer_form(&network.answers, question, app.lang);
    form.base = version_in_view(app, Record::Network(network.id));
    let field = &mut form.fields[0];
    match given {
        Given::Unknown => field.clear(),
        Given::Choice(i) => {
            // The answer form's options are the list's ids, in its order
            // (levels 0 to 5 too).
            field.value = match question.question().kind {
                QuestionKind::Bool => Value::Bool(Some(i == 0)),
                _ => Value::Choice(Some(i)),
            }
        }
        Given::Flags(f) => field.value = Value::Flags(Some(f)),
        Given::Text(t) => field.value = Value::Text(t),
    }
    field.check();
    if let Some(e) = field.error.clone() {
        q.error = Some(e);
        return Mode::Questionnaire(q);
    }
    let target = FormTarget::Answer(network.id, question);
    match save::submit(app, &form, &target) {
        Ok(Some(effect)) => {
            fx.push(effect);
            q.pending = Some((Box::new(form), target));
            Mode::Questionnaire(q)
        }
        // The same answer as stored: nothing to wait for.
        Ok(None) => {
            q.advance(app);
            Mode::Questionnaire(q)
        }
        Err(problem) if problem.changed => {
            // As the answer form does: the dialog shows the stored version.
            fx.push(Effect::Fetch(
                Record::Network(network.id),
                Purpose::Conflict,
            ));
            Mode::Form {
                form: Box::new(form),
                target,
            }
        }
        Err(problem) => {
            q.error = Some(problem.message);
            Mode::Questionnaire(q)
        }
    }
}

/// Leaves the mode, saying how many answers it saved.
fn leave(app: &mut App, q: &Questionnaire) {
    app.info(format!(
        "{} · {} {}",
        Label::new("questionnaire left", "已退出问卷").get(app.lang),
        q.answered,
        Label::new("answers saved", "个答案已保存").get(app.lang)
    ));
}

/// Whether questionnaire mode waits for the save of `target`.
pub(crate) fn waits_for(app: &App, target: Option<&FormTarget>) -> bool {
    match (&app.mode, target) {
        (Mode::Questionnaire(q), Some(t)) => q.pending.as_ref().is_some_and(|(_, p)| p == t),
        _ => false,
    }
}

/// The store's answer to the mode's save: on to the next question, and
/// the keys typed meanwhile played; a refusal said in the mode; a
/// conflict opens the answer form's dialog.
pub(crate) fn saved(
    app: &mut App,
    done: Save,
    result: Result<Version>,
    stored: Option<Result<Stored>>,
) -> Vec<Effect> {
    let Mode::Questionnaire(mut q) = std::mem::replace(&mut app.mode, Mode::Normal) else {
        return Vec::new();
    };
    let Some((form, target)) = q.pending.take() else {
        app.mode = Mode::Questionnaire(q);
        return Vec::new();
    };
    match result {
        Ok(version) => {
            save::wrote(app, done.before, version, &done.what);
            q.answered += 1;
            q.advance(app);
            app.mode = Mode::Questionnaire(q);
            replay(app)
        }
        Err(e) => {
            let gone = matches!(stored, Some(Ok(Stored { version: None, .. })));
            if matches!(e, Error::Conflict(_)) || gone {
                app.error(e.message().to_string());
                let stored = stored.unwrap_or_else(|| Err(e.clone()));
                app.mode = save::conflict(app, form, target, stored);
            } else {
                // The keys typed after it were for the next question.
                q.queued.clear();
                q.error = Some(e.message().to_string());
                app.mode = Mode::Questionnaire(q);
            }
            Vec::new()
        }
    }
}

/// Plays the keys that waited for a save, until one asks for another.
fn replay(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    loop {
        let next = match &mut app.mode {
            Mode::Questionnaire(q) if q.pending.is_none() => q.queued.pop_front(),
            _ => None,
        };
        let Some(msg) = next else { break };
        let Mode::Questionnaire(q) = std::mem::replace(&mut app.mode, Mode::Normal) else {
            break;
        };
        app.mode = key(app, q, msg, &mut fx);
    }
    fx
}

/// Pasted text: typed into a count, a text answer or the type-ahead.
pub(crate) fn paste(q: &mut Questionnaire, text: &str) {
    let Some(question) = q.question() else {
        return;
    };
    if q.pending.is_some() {
        return;
    }
    match question.question().kind {
        QuestionKind::Count | QuestionKind::Text => q.input.push_str(text),
        QuestionKind::OneOf(_) | QuestionKind::Level => {
            q.typing = true;
            q.input.push_str(text);
            q.cursor = 0;
        }
        _ => {}
    }
}

/// The network's current answer to `question`, as the mode shows it.
pub fn current(app: &App, n: &Network, question: QuestionId) -> String {
    match n.answers.display(question) {
        None => labels::UNKNOWN.get(app.lang).into_owned(),
        Some(v) => match question.question().kind {
            QuestionKind::OneOf(_) | QuestionKind::Bool => labels::value(question, &v)
                .map(|l| l.get(app.lang).into_owned())
                .unwrap_or(v),
            QuestionKind::Level => level_label(&v).get(app.lang).into_owned(),
            QuestionKind::SetOf(_) if v == "none" => Label::new("none of these", "以上都不是")
                .get(app.lang)
                .into_owned(),
            QuestionKind::SetOf(_) => n
                .answers
                .data_categories
                .iter()
                .flatten()
                .filter_map(|d| labels::value(question, d.as_str()))
                .map(|l| l.get(app.lang).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
            _ => v,
        },
    }
}
