//! Reports and KPIs over cases: a definition (filters, group-by, measures)
//! checked when loaded, the facts of each case a store aggregates, and the
//! resulting table, exportable as CSV.

mod definition;
mod facts;
mod table;

pub use definition::{
    Dimension, DurationTime, Measure, ReportDefinition, ReportFilters, ReportPeriod,
};
pub use facts::case_facts;
pub use table::{report_table, ReportTable};
