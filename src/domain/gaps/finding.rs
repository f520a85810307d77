//! Findings: the gaps the audit firm found under a network's control
//! points, with their risk, owner, due date, status and its history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::gaps::catalogue;
use crate::domain::model::FieldError;
use crate::id_enum;

id_enum!(
    /// What the audit firm found for the point (测评结果).
    ComplianceResult {
        /// 符合.
        Compliant => "compliant",
        /// 部分符合.
        Partial => "partial",
        /// 不符合.
        NonCompliant => "non_compliant",
        /// 不适用.
        NotApplicable => "not_applicable",
    }
);

id_enum!(
    /// The risk the audit firm gave the gap (风险等级).
    Risk {
        /// 高.
        High => "high",
        /// 中.
        Medium => "medium",
        /// 低.
        Low => "low",
    }
);

id_enum!(
    /// Where the fix stands: open → in progress → fixed → verified.
    FindingStatus {
        /// 待整改.
        Open => "open",
        /// 整改中.
        InProgress => "in_progress",
        /// 已整改 (the client says so).
        Fixed => "fixed",
        /// 已验证 (the consultant or the audit firm checked).
        Verified => "verified",
    }
);

impl FindingStatus {
    /// Fixed or verified: the gap is closed.
    pub fn is_closed(self) -> bool {
        matches!(self, FindingStatus::Fixed | FindingStatus::Verified)
    }
}

impl ComplianceResult {
    /// Partial or non-compliant: the point has a gap to fix.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            ComplianceResult::Partial | ComplianceResult::NonCompliant
        )
    }
}

/// Stable id of a finding, unique in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FindingId(pub u64);

/// One change of a finding's status, on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[serde(with = "crate::domain::calendar::date_serde")]
    pub date: NaiveDate,
    /// The status before; `None` for the finding's first status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<FindingStatus>,
    pub to: FindingStatus,
}

/// Longest description, owner and evidence, in characters.
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_OWNER: usize = 200;
pub const MAX_EVIDENCE: usize = 4000;
/// Most findings one network may hold: a gap list is a few hundred.
pub const MAX_FINDINGS: usize = 5000;

/// A gap the audit firm found under one control point of a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: FindingId,
    /// The control point's catalogue id (`computing.identity_auth`).
    pub control_point: String,
    /// What is wrong, in a line or two.
    pub description: String,
    pub result: ComplianceResult,
    pub risk: Risk,
    /// Who fixes it on the client side; may be empty.
    #[serde(default)]
    pub owner: String,
    /// When the fix is due; an obligation once set.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "optional_date"
    )]
    pub due: Option<NaiveDate>,
    pub status: FindingStatus,
    /// What shows the fix (a ticket, a screenshot's name, a config file).
    #[serde(default)]
    pub evidence: String,
    /// Every status change, oldest first; the last one's `to` is `status`.
    #[serde(default)]
    pub history: Vec<StatusChange>,
}

impl Finding {
    /// A new open finding, found on `found`.
    pub fn new(
        id: FindingId,
        control_point: &str,
        description: &str,
        result: ComplianceResult,
        risk: Risk,
        found: NaiveDate,
    ) -> Finding {
        Finding {
            id,
            control_point: control_point.to_string(),
            description: description.to_string(),
            result,
            risk,
            owner: String::new(),
            due: None,
            status: FindingStatus::Open,
            evidence: String::new(),
            history: vec![StatusChange {
                date: found,
                from: None,
                to: FindingStatus::Open,
            }],
        }
    }

    /// Moves the finding to `to` on `date`, recording the change; nothing
    /// changes when it already has that status. Any move is allowed (a
    /// verified fix can be reopened), but not to a date before the last
    /// change.
    pub fn set_status(&mut self, to: FindingStatus, date: NaiveDate) -> Result<(), FieldError> {
        if to == self.status {
            return Ok(());
        }
        if let Some(last) = self.history.last()
            && date < last.date
        {
            return Err(FieldError::new(
                "history",
                format!(
                    "a status change on {date} comes before the last one, on {}",
                    last.date
                ),
            ));
        }
        self.history.push(StatusChange {
            date,
            from: Some(self.status),
            to,
        });
        self.status = to;
        Ok(())
    }

    /// The date the finding was closed (fixed or verified) for the last
    /// time, if it is closed.
    pub fn closed_on(&self) -> Option<NaiveDate> {
        if !self.status.is_closed() {
            return None;
        }
        self.history
            .iter()
            .rev()
            .take_while(|c| c.to.is_closed())
            .last()
            .map(|c| c.date)
    }

    /// Whether the finding is still a gap to fix: partial or non-compliant
    /// and neither fixed nor verified.
    pub fn is_open_gap(&self) -> bool {
        self.result.is_gap() && !self.status.is_closed()
    }

    /// Whether the fix is late on `today`: an open gap past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open_gap() && self.due.is_some_and(|d| d < today)
    }

    /// Cleans the text fields and checks the finding. The error names the
    /// field: `control_point`, `description`, `owner`, `evidence`,
    /// `history[2].date`, ...
    pub fn validate(&mut self) -> Result<(), FieldError> {
        self.control_point = crate::text::clean_line(&self.control_point);
        self.description = crate::text::clean_multiline(&self.description)
            .trim()
            .to_string();
        self.owner = crate::text::clean_line(&self.owner);
        self.evidence = crate::text::clean_multiline(&self.evidence);
        if self.control_point.is_empty() {
            return Err(FieldError::new(
                "control_point",
                "a finding needs the control point it is under",
            ));
        }
        if catalogue::point(&self.control_point).is_none() {
            return Err(FieldError::new(
                "control_point",
                format!(
                    "{:?} is no control point of the catalogue (ids look like computing.identity_auth)",
                    self.control_point
                ),
            ));
        }
        if self.description.is_empty() {
            return Err(FieldError::new(
                "description",
                "a finding needs a description of the gap",
            ));
        }
        for (field, value, max) in [
            ("description", &self.description, MAX_DESCRIPTION),
            ("owner", &self.owner, MAX_OWNER),
            ("evidence", &self.evidence, MAX_EVIDENCE),
        ] {
            let n = value.chars().count();
            if n > max {
                return Err(FieldError::new(
                    field,
                    format!("{n} characters, more than the {max} allowed"),
                ));
            }
        }
        for (i, pair) in self.history.windows(2).enumerate() {
            if pair[1].date < pair[0].date {
                return Err(FieldError::new(
                    format!("history[{}].date", i + 1),
                    format!(
                        "{} comes before the change above it, on {}",
                        pair[1].date, pair[0].date
                    ),
                ));
            }
            if pair[1].from.is_some_and(|f| f != pair[0].to) {
                return Err(FieldError::new(
                    format!("history[{}].from", i + 1),
                    format!("the change above it left the finding {}", pair[0].to),
                ));
            }
        }
        if let Some(last) = self.history.last()
            && last.to != self.status
        {
            return Err(FieldError::new(
                "status",
                format!(
                    "the status is {} but the last change in the history is to {}",
                    self.status, last.to
                ),
            ));
        }
        Ok(())
    }
}

/// `Option<NaiveDate>` as an ISO date or nothing.
mod optional_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => crate::domain::calendar::date_serde::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "crate::domain::calendar::date_serde")] NaiveDate);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(d)| d))
    }
}
