//! The settings a firm may set differently (`config.toml`) and the
//! working-day calendar: what grading and dates are derived with. Pure
//! data; `crate::config` reads them from files.

use serde::Deserialize;

use crate::domain::calendar::WorkCalendar;
use crate::domain::grading::RuleSet;
use crate::domain::timeline::Intervals;
use crate::domain::triage::StallDays;

/// A daemon with no clients for this long exits, unless set otherwise.
pub const DEFAULT_IDLE_SECS: u64 = 300;

/// `config.toml`: everything a firm may set differently.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The rule set that decides the computed level.
    pub rules: RuleSet,
    /// An open obligation is `due` within this many days, else `upcoming`.
    pub due_soon_days: u32,
    /// `[intervals]`, also read as `[dates]`.
    #[serde(alias = "dates")]
    pub intervals: Intervals,
    /// `[stall_days]`: how long a case may rest at a stage before triage
    /// calls it stalled.
    pub stall_days: StallDays,
    pub daemon: DaemonSettings,
    /// `lang = "zh" | "en" | "both"`: the interface language (`--lang`
    /// overrides it; unset, the locale decides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<crate::domain::labels::Lang>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: RuleSet::default(),
            due_soon_days: 30,
            intervals: Intervals::default(),
            stall_days: StallDays::default(),
            daemon: DaemonSettings::default(),
            lang: None,
        }
    }
}

/// `[daemon]` in `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DaemonSettings {
    /// A daemon with no clients for this long exits (`mlps serve --idle`
    /// overrides it); 1 or more.
    pub idle_seconds: u64,
}

impl Default for DaemonSettings {
    fn default() -> Self {
        DaemonSettings {
            idle_seconds: DEFAULT_IDLE_SECS,
        }
    }
}

/// Settings plus the working-day calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub settings: Settings,
    pub calendar: WorkCalendar,
}
