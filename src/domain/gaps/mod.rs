//! Rectification against GB/T 22239-2019 (docs/rectification.md): the
//! control-point catalogue (`catalogue`, from the embedded
//! `catalogue.toml`), the findings of a network (`finding`), the predicted
//! evaluation result and the progress of the fixes (`predict`), and their
//! words in both languages (`labels`). Pure: no I/O, no clock; today and
//! the report date are arguments.

pub mod catalogue;
pub mod finding;
pub mod labels;
pub mod predict;

pub use catalogue::{
    Catalogue, Category, CategoryKind, ControlPoint, Extension, ExtensionChoice, PointLookup,
    Scope, applicable, catalogue, default_extensions, find_category, lookup_point, parse_scope,
    point,
};
pub use finding::{ComplianceResult, Finding, FindingId, FindingStatus, Risk, StatusChange};
pub use predict::{
    Conclusion, Prediction, Progress, Scheme, TEMPLATE_2025_FROM, predict, progress,
    rectification_done,
};
