//! Dates: calendar months clamped to the month end, and working days that
//! skip weekends and a configured holiday list.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// `date` plus `months` calendar months, the day clamped to the end of the
/// month: 2024-02-29 + 12 months = 2025-02-28.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    // chrono clamps to the month end; it fails only past year 262 143.
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` plus `days` calendar days.
pub fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Which days are working days: Monday to Friday, minus official holidays,
/// plus the weekend days officially made working days (调休). China sets
/// both every year, so they are data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.holidays.contains(&d) {
            return false;
        }
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day after `date` (`date` itself never counts).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            match d.succ_opt() {
                Some(next) => d = next,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// Parses a date written as YYYY-MM-DD, requiring a real calendar day.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let well_formed = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(format!("{s:?} is not a date: expected YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a real calendar date: expected YYYY-MM-DD"))
}

/// Serde for dates as "YYYY-MM-DD", with [`parse_date`]'s messages.
pub mod date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        // NaiveDate displays as YYYY-MM-DD, without parsing a format.
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_date(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2024-02-29"), 48), d("2028-02-29"));
        assert_eq!(add_months(d("2026-08-31"), 6), d("2027-02-28"));
        assert_eq!(add_months(d("2027-08-31"), 6), d("2028-02-29"));
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-03-31"), 1), d("2026-04-30"));
        assert_eq!(add_months(d("2026-05-31"), 24), d("2028-05-31"));
        assert_eq!(add_months(d("2026-12-15"), 2), d("2027-02-15"));
    }

    #[test]
    fn working_days_skip_weekends() {
        let cal = WorkCalendar::default();
        // Friday + 1 working day is Monday.
        assert_eq!(cal.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));
        // Saturday + 1 is Monday; Monday + 10 is the Monday two weeks on.
        assert_eq!(cal.add_working_days(d("2026-11-28"), 1), d("2026-11-30"));
        assert_eq!(cal.add_working_days(d("2026-11-30"), 10), d("2026-12-14"));
        assert_eq!(cal.add_working_days(d("2026-11-30"), 0), d("2026-11-30"));
    }

    #[test]
    fn working_days_skip_holidays_and_count_makeup_days() {
        let mut cal = WorkCalendar::default();
        // National Day week: 1-7 October 2026 off.
        for day in 1..=7 {
            cal.holidays
                .insert(NaiveDate::from_ymd_opt(2026, 10, day).unwrap());
        }
        // Wednesday 30 September + 1 working day: Thursday 8 October.
        assert_eq!(cal.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
        // A make-up Saturday counts.
        cal.workdays.insert(d("2026-10-10"));
        assert_eq!(cal.add_working_days(d("2026-10-09"), 1), d("2026-10-10"));
        // A holiday wins over a make-up mark on the same date.
        cal.holidays.insert(d("2026-10-10"));
        assert_eq!(cal.add_working_days(d("2026-10-09"), 1), d("2026-10-12"));
    }

    #[test]
    fn dates_must_be_real() {
        assert!(
            parse_date("2026-02-30")
                .unwrap_err()
                .contains("not a real calendar date")
        );
        assert!(
            parse_date("2026-2-3")
                .unwrap_err()
                .contains("expected YYYY-MM-DD")
        );
        assert!(parse_date("2026/02/03").is_err());
        assert_eq!(
            parse_date("2028-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        assert!(parse_date("2027-02-29").is_err());
    }
}
