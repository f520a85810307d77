//! The GB/T 22239-2019 control-point catalogue: categories, control points
//! and the extension sets, read once from the embedded `catalogue.toml`,
//! with the points that apply at a level and the lookup of a point by name.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::domain::labels::Label;
use crate::domain::model::Level;
use crate::domain::questionnaire::{Answers, Deployment, ObjectType};
use crate::id_enum;

/// The catalogue's text, embedded at build time.
pub const CATALOGUE_TOML: &str = include_str!("catalogue.toml");

id_enum!(
    /// An extension set of GB/T 22239-2019 (安全扩展要求).
    Extension {
        Cloud => "cloud",
        Mobile => "mobile",
        Iot => "iot",
        IndustrialControl => "industrial_control",
    }
);

id_enum!(
    /// Technical (技术要求) or management (管理要求) requirements.
    CategoryKind {
        Technical => "technical",
        Management => "management",
    }
);

/// One of the ten categories (安全类) of the general requirements.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id: `physical`, `computing`, ...
    pub id: String,
    pub zh: String,
    pub en: String,
    pub kind: CategoryKind,
}

impl Category {
    /// The category's name in both languages.
    pub fn label(&'static self) -> Label {
        Label::new(&self.en, &self.zh)
    }
}

/// A control point (控制点): a general one, or one of an extension set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlPoint {
    /// Stable id: `<category>.<point>` (`computing.identity_auth`), or
    /// `<extension>.<category>.<point>` (`cloud.computing.access_control`).
    /// Never renamed, never reused.
    pub id: String,
    /// The extension set the point belongs to; `None` for the general
    /// requirements.
    #[serde(default)]
    pub extension: Option<Extension>,
    /// The name as the standard names it.
    pub zh: String,
    /// An English name.
    pub en: String,
    /// What the point asks, in our own words (never the standard's text).
    pub asks_en: String,
    pub asks_zh: String,
    /// The levels (1-4) the point applies at; level 5 counts as level 4.
    pub levels: Vec<u8>,
    /// Other names the point goes by (a level's own wording, common
    /// variants), for the lookup.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl ControlPoint {
    /// The id of the point's category: the segment before the point's own.
    pub fn category_id(&self) -> &str {
        let mut parts = self.id.rsplitn(2, '.');
        parts.next();
        let rest = parts.next().unwrap_or("");
        rest.rsplit('.').next().unwrap_or(rest)
    }

    /// The point's category.
    pub fn category(&self) -> Option<&'static Category> {
        catalogue().category(self.category_id())
    }

    /// Whether the point applies at `level` (5 counts as 4).
    pub fn applies_at(&self, level: Level) -> bool {
        self.levels.contains(&catalogue_level(level))
    }

    /// The point's name in both languages.
    pub fn label(&'static self) -> Label {
        Label::new(&self.en, &self.zh)
    }

    /// What the point asks, in both languages.
    pub fn asks(&'static self) -> Label {
        Label::new(&self.asks_en, &self.asks_zh)
    }
}

/// The level whose column of the catalogue a level reads: level 5 is not
/// public and is treated like level 4.
pub fn catalogue_level(level: Level) -> u8 {
    level.get().min(4)
}

/// The whole catalogue, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    #[serde(rename = "point")]
    pub points: Vec<ControlPoint>,
}

impl Catalogue {
    /// Parses a catalogue and checks it: ids unique and well formed, every
    /// point in a known category with names, paraphrases and levels 1-4.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let cat: Catalogue = toml::from_str(text).map_err(|e| e.to_string())?;
        cat.check()?;
        Ok(cat)
    }

    fn check(&self) -> Result<(), String> {
        let mut ids = BTreeSet::new();
        for c in &self.categories {
            if !is_id_word(&c.id) || !ids.insert(c.id.as_str()) {
                return Err(format!("category {:?}: a bad or repeated id", c.id));
            }
            if c.zh.trim().is_empty() || c.en.trim().is_empty() {
                return Err(format!("category {}: needs both names", c.id));
            }
        }
        let mut point_ids = BTreeSet::new();
        // A name is the point's within its set and category, or lookups
        // could never tell the two apart.
        let mut names = BTreeSet::new();
        for p in &self.points {
            let segments: Vec<&str> = p.id.split('.').collect();
            let expected = if p.extension.is_some() { 3 } else { 2 };
            if segments.len() != expected || !segments.iter().all(|s| is_id_word(s)) {
                return Err(format!(
                    "point {:?}: expected {expected} snake_case segments",
                    p.id
                ));
            }
            if let Some(ext) = p.extension
                && segments[0] != ext.as_str()
            {
                return Err(format!("point {}: must start with {ext}.", p.id));
            }
            if !point_ids.insert(p.id.as_str()) {
                return Err(format!("point {}: the id is repeated", p.id));
            }
            if self.category(p.category_id()).is_none() {
                return Err(format!("point {}: no category {:?}", p.id, p.category_id()));
            }
            if !names.insert((p.extension, p.category_id().to_string(), fold(&p.zh))) {
                return Err(format!(
                    "point {}: another point of its category is called {}",
                    p.id, p.zh
                ));
            }
            for (field, value) in [
                ("zh", &p.zh),
                ("en", &p.en),
                ("asks_en", &p.asks_en),
                ("asks_zh", &p.asks_zh),
            ] {
                if value.trim().is_empty() {
                    return Err(format!("point {}: {field} is empty", p.id));
                }
            }
            if p.levels.is_empty() || p.levels.iter().any(|l| !(1..=4).contains(l)) {
                return Err(format!("point {}: levels must be some of 1-4", p.id));
            }
        }
        Ok(())
    }

    /// A category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// A control point by id.
    pub fn point(&self, id: &str) -> Option<&ControlPoint> {
        self.points.iter().find(|p| p.id == id)
    }
}

fn is_id_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The embedded catalogue, parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // The file is part of the build and checked by the tests: a broken
        // one is a bug of the build, not bad input.
        Catalogue::parse(CATALOGUE_TOML).expect("the embedded control-point catalogue is valid")
    })
}

/// A control point by id.
pub fn point(id: &str) -> Option<&'static ControlPoint> {
    catalogue().point(id)
}

/// The control points that apply to a network of `level` with the given
/// extension sets: the general points of the level, then each chosen
/// extension's, in catalogue order. Level 5 reads as level 4.
pub fn applicable(level: Level, extensions: &BTreeSet<Extension>) -> Vec<&'static ControlPoint> {
    catalogue()
        .points
        .iter()
        .filter(|p| p.applies_at(level))
        .filter(|p| p.extension.is_none_or(|e| extensions.contains(&e)))
        .collect()
}

/// The extension sets a network's answers call for: cloud when it is
/// deployed on a cloud (or hybrid) or is a cloud platform; mobile for a
/// mobile app backend (the questionnaire has no wireless-access question,
/// so the consultant removes it when the app has no wireless side); IoT
/// and industrial control for those object types. The consultant can add
/// or remove a set per network.
pub fn default_extensions(answers: &Answers) -> BTreeSet<Extension> {
    let mut out = BTreeSet::new();
    if matches!(
        answers.deployment,
        Some(Deployment::Cloud | Deployment::Hybrid)
    ) || answers.object_type == Some(ObjectType::CloudPlatform)
    {
        out.insert(Extension::Cloud);
    }
    match answers.object_type {
        Some(ObjectType::MobileAppBackend) => {
            out.insert(Extension::Mobile);
        }
        Some(ObjectType::Iot) => {
            out.insert(Extension::Iot);
        }
        Some(ObjectType::IndustrialControl) => {
            out.insert(Extension::IndustrialControl);
        }
        _ => {}
    }
    out
}

/// A network's own choice of extension sets, kept as changes to the
/// defaults so that a later answer (moving to the cloud) still counts:
/// the sets in `added` apply whatever the answers say, the sets in
/// `removed` never do.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionChoice {
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub added: BTreeSet<Extension>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub removed: BTreeSet<Extension>,
}

impl ExtensionChoice {
    /// The sets that apply to a network with these answers.
    pub fn resolve(&self, answers: &Answers) -> BTreeSet<Extension> {
        let mut out = default_extensions(answers);
        out.extend(self.added.iter().copied());
        out.retain(|e| !self.removed.contains(e));
        out
    }

    /// Makes `ext` apply (`on`) or not, whatever the answers say; a set
    /// is in at most one of `added` and `removed`.
    pub fn set(&mut self, ext: Extension, on: bool) {
        if on {
            self.removed.remove(&ext);
            self.added.insert(ext);
        } else {
            self.added.remove(&ext);
            self.removed.insert(ext);
        }
    }

    /// Back to what the answers say for `ext`.
    pub fn reset(&mut self, ext: Extension) {
        self.added.remove(&ext);
        self.removed.remove(&ext);
    }
}

/// A name folded for comparison: NFKC, lower case, without white space,
/// punctuation and the joining words 和 / 与 / and, so that
/// `数据备份与恢复`, `数据备份恢复` and `Data backup & recovery` meet.
pub fn fold(s: &str) -> String {
    let lower: String = s.nfkc().collect::<String>().to_lowercase();
    let spaced: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() && c != '和' && c != '与' {
                c
            } else {
                ' '
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .filter(|w| *w != "and")
        .collect::<Vec<_>>()
        .concat()
}

/// A category by id or by name (Chinese or English, folded).
pub fn find_category(name: &str) -> Option<&'static Category> {
    let q = fold(name);
    if q.is_empty() {
        return None;
    }
    catalogue()
        .categories
        .iter()
        .find(|c| fold(&c.id) == q || fold(&c.zh) == q || fold(&c.en) == q)
}

/// What a control-point name finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointLookup {
    /// Exactly one point.
    Found(&'static ControlPoint),
    /// Several points share the name (访问控制 is in four categories): give
    /// the category too.
    Ambiguous(Vec<&'static ControlPoint>),
    /// None: the nearest names, best first (possibly none).
    NotFound {
        did_you_mean: Vec<&'static ControlPoint>,
    },
}

/// At most this many "did you mean" suggestions.
pub const MAX_SUGGESTIONS: usize = 5;

/// Where to look for a point: a category, an extension set, both or
/// neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    pub category: Option<&'static Category>,
    pub extension: Option<Extension>,
}

/// Reads a gap list's category cell: a category (`安全计算环境`,
/// `computing`), an extension set (`云计算`, `cloud`, `云计算安全扩展要求`),
/// or both (`云计算 安全计算环境`, `cloud computing`). `None` when it names
/// neither; an empty cell is the whole catalogue.
pub fn parse_scope(text: &str) -> Option<Scope> {
    let mut rest = fold(text);
    if rest.is_empty() {
        return Some(Scope::default());
    }
    let mut extension = None;
    for e in Extension::ALL {
        let l = crate::domain::gaps::labels::extension(*e);
        // Longest first, so that `industrialcontrol` goes before a shorter
        // word inside it.
        let mut words = [fold(e.as_str()), fold(l.en), fold(l.zh)];
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        if let Some(w) = words.iter().find(|w| rest.contains(w.as_str())) {
            rest = rest.replacen(w.as_str(), "", 1);
            extension = Some(*e);
            break;
        }
    }
    for filler in [
        "安全扩展要求",
        "扩展要求",
        "扩展",
        "securityextension",
        "extension",
    ] {
        rest = rest.replace(filler, "");
    }
    let category = if rest.is_empty() {
        None
    } else {
        Some(find_category(&rest)?)
    };
    if category.is_none() && extension.is_none() {
        return None;
    }
    Some(Scope {
        category,
        extension,
    })
}

/// Finds a control point by id, or by name (Chinese, English or an alias,
/// folded), among `candidates` (usually the points that apply to the
/// network), optionally within a category cell (see [`parse_scope`]). A
/// name both a general point and an extension point bear (身份鉴别) means
/// the general one unless the cell names the extension. A near miss gives
/// the nearest names: by edit distance on the folded names, then by the
/// fuzzy jump's matcher for abbreviations.
pub fn lookup_point(
    name: &str,
    category: Option<&str>,
    candidates: &[&'static ControlPoint],
) -> PointLookup {
    let q = fold(name);
    let scope = match category.map(parse_scope) {
        None => Some(Scope::default()),
        Some(s) => s,
    };
    let in_scope = |p: &&&'static ControlPoint| match scope {
        None => false,
        Some(s) => {
            s.category.is_none_or(|c| p.category_id() == c.id)
                && s.extension.is_none_or(|e| p.extension == Some(e))
        }
    };
    if q.is_empty() {
        return PointLookup::NotFound {
            did_you_mean: Vec::new(),
        };
    }
    if let Some(p) = candidates.iter().find(|p| p.id == name.trim()) {
        return PointLookup::Found(p);
    }
    let mut exact: Vec<&'static ControlPoint> = candidates
        .iter()
        .filter(in_scope)
        .filter(|p| names(p).any(|n| fold(n) == q))
        .copied()
        .collect();
    if exact.iter().any(|p| p.extension.is_none()) {
        exact.retain(|p| p.extension.is_none());
    }
    match exact.len() {
        1 => return PointLookup::Found(exact[0]),
        n if n > 1 => return PointLookup::Ambiguous(exact),
        _ => {}
    }
    PointLookup::NotFound {
        did_you_mean: suggestions(&q, candidates.iter().filter(in_scope).copied()),
    }
}

fn names(p: &ControlPoint) -> impl Iterator<Item = &str> {
    [p.zh.as_str(), p.en.as_str()]
        .into_iter()
        .chain(p.aliases.iter().map(String::as_str))
}

fn suggestions(
    q: &str,
    candidates: impl Iterator<Item = &'static ControlPoint>,
) -> Vec<&'static ControlPoint> {
    let matcher = SkimMatcherV2::default();
    let q_len = q.chars().count();
    // (distance, -fuzzy score, catalogue order) per candidate that is near.
    let mut scored: Vec<(usize, i64, usize, &'static ControlPoint)> = Vec::new();
    for (i, p) in candidates.enumerate() {
        let mut best: Option<(usize, i64)> = None;
        for n in names(p) {
            let f = fold(n);
            let d = edit_distance(q, &f);
            let limit = (q_len.max(f.chars().count()) / 3).max(1);
            let contains = f.contains(q) || q.contains(f.as_str());
            let fuzzy = matcher.fuzzy_match(&f, q).unwrap_or(0);
            if d <= limit || contains || fuzzy > 0 {
                let key = (if contains { d.min(1) } else { d }, -fuzzy);
                best = Some(best.map_or(key, |b| b.min(key)));
            }
        }
        if let Some((d, s)) = best {
            scored.push((d, s, i, p));
        }
    }
    scored.sort_by_key(|(d, s, i, _)| (*d, *s, *i));
    let mut out: Vec<&'static ControlPoint> = Vec::new();
    for (_, _, _, p) in scored {
        if !out.iter().any(|o| o.id == p.id) {
            out.push(p);
        }
        if out.len() == MAX_SUGGESTIONS {
            break;
        }
    }
    out
}

pub use crate::text::edit_distance;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_one_spelling() {
        assert_eq!(fold("数据备份与恢复"), "数据备份恢复");
        assert_eq!(fold(" Data Backup & Recovery "), "databackuprecovery");
        assert_eq!(fold("Data backup and recovery"), "databackuprecovery");
        assert_eq!(fold("ＡＢＣ－１"), "abc1");
        assert_eq!(fold("\u{1b}[0m"), "0m");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("身份鉴别", "身份鉴定"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn category_cells_name_a_category_an_extension_or_both() {
        let s = parse_scope("安全计算环境").unwrap();
        assert_eq!(
            (s.category.map(|c| c.id.as_str()), s.extension),
            (Some("computing"), None)
        );
        let s = parse_scope("云计算安全扩展要求").unwrap();
        assert_eq!((s.category, s.extension), (None, Some(Extension::Cloud)));
        let s = parse_scope("Industrial control / boundary").unwrap();
        assert_eq!(
            (s.category.map(|c| c.id.as_str()), s.extension),
            (Some("boundary"), Some(Extension::IndustrialControl))
        );
        assert_eq!(parse_scope(""), Some(Scope::default()));
        assert_eq!(parse_scope("kitchen"), None);
        assert_eq!(parse_scope("cloud kitchen"), None);
    }

    #[test]
    fn the_embedded_catalogue_parses() {
        let c = Catalogue::parse(CATALOGUE_TOML).unwrap();
        assert_eq!(c.categories.len(), 10);
        assert_eq!(c.points.len(), 71 + 16 + 9 + 8 + 9);
    }
}
