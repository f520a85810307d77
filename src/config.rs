//! Where things live and the user's settings: database and config
//! directories, `config.toml` (rule set and intervals), `holidays.toml`
//! (the working-day calendar), and today's date.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::calendar::{WorkCalendar, parse_date};
use crate::domain::settings::{Config, Settings};
use crate::error::{Error, Result, toml_error};

/// The database directory: `--db`, else `$MLPS_DB`, else the platform's
/// data directory.
pub fn db_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("MLPS_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::runtime(
                "no home directory to keep the database in: set MLPS_DB or pass --db DIR",
            )
        })
}

/// The config directory: `$MLPS_CONFIG_DIR`, else the platform's.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MLPS_CONFIG_DIR").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "mlps")
}

/// Today: `--today`, else `$MLPS_TODAY`, else the local date.
pub fn today(flag: Option<&str>) -> Result<NaiveDate> {
    if let Some(s) = flag {
        return parse_date(s).map_err(|m| Error::input(format!("--today: {m}")));
    }
    match std::env::var("MLPS_TODAY") {
        Ok(s) if !s.is_empty() => {
            parse_date(&s).map_err(|m| Error::input(format!("MLPS_TODAY: {m}")))
        }
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

impl Config {
    /// Reads `config.toml` and `holidays.toml` from `dir`; a missing file
    /// means the defaults, a bad one is an error naming file, line and
    /// column.
    pub fn load(dir: Option<&Path>) -> Result<Config> {
        let Some(dir) = dir else {
            return Ok(Config::default());
        };
        let settings = match read_optional(&dir.join("config.toml"))? {
            Some((name, text)) => {
                let settings: Settings =
                    toml::from_str(&text).map_err(|e| toml_error(&name, &text, &e))?;
                if settings.intervals.certificate_extension_months.is_some() {
                    let at = text
                        .lines()
                        .position(|l| l.trim_start().starts_with("certificate_extension_months"))
                        .map_or(String::new(), |i| format!("{}:1:", i + 1));
                    return Err(Error::input(format!(
                        "{name}:{at} intervals.certificate_extension_months is no longer used: a \
                         certificate now stays valid at least until the level's next renewal; \
                         remove it (intervals.certificate_validity_months sets the validity \
                         from issue, 0 turns the expiry off)"
                    )));
                }
                settings
            }
            None => Settings::default(),
        };
        let calendar = match read_optional(&dir.join("holidays.toml"))? {
            Some((name, text)) => parse_holidays(&name, &text)?,
            None => WorkCalendar::default(),
        };
        Ok(Config { settings, calendar })
    }

    /// Loads from the configured directory.
    pub fn load_default() -> Result<Config> {
        Config::load(config_dir().as_deref())
    }
}

/// A UTF-8 file's name and text, `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<(String, String)>> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|t| Some((name.clone(), t)))
            .map_err(|e| {
                Error::input(format!(
                    "{name}: not UTF-8 text (byte {})",
                    e.utf8_error().valid_up_to()
                ))
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidaysFile {
    #[serde(default)]
    holidays: Vec<toml::Spanned<String>>,
    #[serde(default)]
    workdays: Vec<toml::Spanned<String>>,
}

/// `holidays.toml`: `holidays` lists days off, `workdays` the weekend days
/// made working days. Each entry is `YYYY-MM-DD` or an inclusive range
/// `YYYY-MM-DD..YYYY-MM-DD`.
pub fn parse_holidays(file: &str, text: &str) -> Result<WorkCalendar> {
    let parsed: HolidaysFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let mut cal = WorkCalendar::default();
    for (entries, set) in [
        (&parsed.holidays, &mut cal.holidays),
        (&parsed.workdays, &mut cal.workdays),
    ] {
        for entry in entries {
            let at = |msg: String| {
                let (line, col) = crate::error::line_col(text, entry.span().start);
                Error::input(format!("{file}:{line}:{col}: {msg}"))
            };
            let value = entry.get_ref().trim();
            let (from, to) = match value.split_once("..") {
                Some((a, b)) => (
                    parse_date(a.trim()).map_err(at)?,
                    parse_date(b.trim()).map_err(at)?,
                ),
                None => {
                    let d = parse_date(value).map_err(at)?;
                    (d, d)
                }
            };
            if to < from {
                return Err(at(format!("range {value:?} ends before it starts")));
            }
            if (to - from).num_days() > 366 {
                return Err(at(format!("range {value:?} is longer than a year")));
            }
            set.extend(from.iter_days().take_while(|d| *d <= to));
        }
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::grading::RuleSet;

    #[test]
    fn holidays_accept_days_and_ranges() {
        let cal = parse_holidays(
            "holidays.toml",
            "holidays = [\"2026-10-01..2026-10-03\", \"2026-01-01\"]\nworkdays = [\"2026-09-27\"]\n",
        )
        .unwrap();
        assert_eq!(cal.holidays.len(), 4);
        assert_eq!(cal.workdays.len(), 1);
    }

    #[test]
    fn bad_holiday_names_file_line_and_column() {
        let err = parse_holidays(
            "h.toml",
            "holidays = [\n  \"2026-01-01\",\n  \"2026-02-30\",\n]\n",
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().starts_with("h.toml:3:3: "), "{err}");
        assert!(err.message().contains("2026-02-30"), "{err}");
    }

    #[test]
    fn unknown_setting_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "rules = \"conservative\"\n[intervals]\nrenewal_months_level9 = 3\n",
        )
        .unwrap();
        let err = Config::load(Some(dir.path())).unwrap_err();
        assert!(err.message().contains("config.toml:3:1"), "{err}");
        assert!(err.message().contains("renewal_months_level9"), "{err}");
    }

    #[test]
    fn dates_is_another_name_for_intervals_and_the_old_extension_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "[dates]\ncertificate_validity_months = 0\n").unwrap();
        let c = Config::load(Some(dir.path())).unwrap();
        assert_eq!(c.settings.intervals.certificate_validity_months, 0);
        // The name earlier releases documented still reads.
        std::fs::write(&config, "[intervals]\ncertificate_valid_months = 24\n").unwrap();
        let c = Config::load(Some(dir.path())).unwrap();
        assert_eq!(c.settings.intervals.certificate_validity_months, 24);
        std::fs::write(
            &config,
            "[intervals]\nrenewal_months_level2 = 24\ncertificate_extension_months = 12\n",
        )
        .unwrap();
        let err = Config::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("config.toml:3:1: "), "{err}");
        assert!(
            err.message()
                .contains("certificate_extension_months is no longer used"),
            "{err}"
        );
    }

    #[test]
    fn settings_change_intervals() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "rules = \"gbt22240\"\n[intervals]\nrenewal_months_level2 = 12\n",
        )
        .unwrap();
        let c = Config::load(Some(dir.path())).unwrap();
        assert_eq!(c.settings.rules, RuleSet::Gbt22240);
        assert_eq!(c.settings.intervals.renewal_months_level2, 12);
        assert_eq!(c.settings.intervals.renewal_months_level3, 12);
    }
}
