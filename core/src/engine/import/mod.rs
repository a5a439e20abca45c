//! Streaming bulk import of profiles from JSON Lines or CSV.
//!
//! Every row is validated against the profile template exactly like
//! [`Casebook::create_profile`]; rows that fail are reported with their field
//! errors and the import goes on. Accepted rows are committed in batches, one
//! store transaction per batch, so a batch is either stored whole or not at
//! all, and memory stays flat however long the input is.
//!
//! ```
//! use casebook::{Actor, ImportFormat, ImportOptions};
//! let cb = casebook::Casebook::in_memory();
//! let input = "\
//! {\"given_name\": \"Ada\", \"family_name\": \"Lovelace\"}
//! {\"given_name\": \"\", \"family_name\": \"\"}
//! ";
//! let report = cb.import_profiles(&Actor::new("migration"), input.as_bytes(),
//!                                 &ImportFormat::JsonLines, &ImportOptions::default(), None)?;
//! assert_eq!(report.imported, 1);
//! assert_eq!(report.rejected, 1);
//! assert_eq!(report.rejections[0].row, 2);
//! # Ok::<(), casebook::Error>(())
//! ```

#[cfg(test)]
mod febrl_tests;
mod formats;
mod lenient;
mod rows;
#[cfg(test)]
mod tests;

use super::ids::Ids;
use super::Casebook;
use crate::actor::Actor;
use crate::error::{Error, ErrorCode, FieldError, Result};
use crate::model::ProfileInput;
use crate::store::{Store, WriteTx};
use crate::template::Template;
use jiff::Timestamp;
pub use lenient::DroppedValue;
use rows::{CsvSource, InputSource, JsonLinesSource, Row, RowSource};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::BufRead;

/// Longest JSON line accepted; longer lines are rejected without being buffered whole.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Input format of [`Casebook::import_profiles`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum ImportFormat {
    /// One [`ProfileInput`] JSON object per line; blank lines are skipped.
    JsonLines,
    /// A CSV file with a header row, mapped to profile fields by [`CsvMapping`].
    Csv(CsvMapping),
}

/// How CSV columns become profile fields.
///
/// `columns` maps a header name to a target:
///
/// | target | meaning |
/// |---|---|
/// | `given_name`, `family_name`, `date_of_birth`, `assigned_to` | the profile property |
/// | `phone`, `email`, `social`, `address`, `other` | a contact point of that kind; `phone:mobile` also sets its label |
/// | `account` | an account id |
/// | `identification:<kind>` | an identity document of that kind, e.g. `identification:passport` |
/// | `field:<key>` | a custom field of the template |
///
/// Columns not in the mapping are ignored; empty cells are treated as absent.
/// Values for a multiple-choice field are separated by `;`.
///
/// `formats` says how a column's cells are written, by header: a date layout
/// such as `%Y%m%d`, `%d/%m/%Y` or `%m/%d/%Y` (strftime-like; without one a
/// date must be `YYYY-MM-DD`), or `decimal_comma` for numbers like `1.234,5`.
/// A cell that does not fit its format is passed on as written, so it is
/// reported like any bad value.
///
/// `join` feeds one target from several columns: target to headers, in the
/// order given; the non-empty cells are joined with a single space. Two
/// headers mapped to the same target in `columns` make two values instead
/// (e.g. two phone numbers).
///
/// ```json
/// {"columns": {"given_name": "given_name", "date_of_birth": "date_of_birth"},
///  "formats": {"date_of_birth": "%Y%m%d"},
///  "join": {"address": ["street_number", "address_1", "suburb", "postcode"]}}
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvMapping {
    /// Header name to target.
    pub columns: BTreeMap<String, String>,
    /// Field separator (default `,`).
    pub delimiter: Option<char>,
    /// Header name to cell format (`%Y%m%d`-style date layout or `decimal_comma`).
    pub formats: BTreeMap<String, String>,
    /// Target to the headers joined, with spaces, into its one value.
    pub join: BTreeMap<String, Vec<String>>,
}

/// Options of [`Casebook::import_profiles`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// Rows per transaction (default 1000).
    pub batch_size: usize,
    /// Template for rows that name none.
    pub template: Option<String>,
    /// Also refuse rows that strongly match an existing profile (slower; off by default,
    /// since migrated data is usually cleaned afterwards with the duplicate report).
    pub reject_duplicates: bool,
    /// Most rejections kept with their details in the report (all are counted);
    /// the same bound applies to the dropped values listed.
    pub max_reported_rejections: usize,
    /// Store a row whose optional values are bad (an impossible date of birth,
    /// a bad phone, a bad custom field value) without those values, listing
    /// each in the report's `dropped`, instead of rejecting the row. A row
    /// that lacks a required value or has a bad name is still rejected.
    /// Off by default.
    pub lenient: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: 1000,
            template: None,
            reject_duplicates: false,
            max_reported_rejections: 1000,
            lenient: false,
        }
    }
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// Data row number, 1-based (the CSV header is not counted).
    pub row: usize,
    /// Stable error code.
    pub code: String,
    /// What was wrong.
    pub message: String,
    /// Every field problem, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_errors: Vec<FieldError>,
}

/// Progress of a running import, reported after each committed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    /// Rows read so far.
    pub rows: usize,
    /// Profiles created so far.
    pub imported: usize,
    /// Rows rejected so far.
    pub rejected: usize,
    /// Batches committed so far.
    pub batches: usize,
}

/// Outcome of [`Casebook::import_profiles`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Profiles created.
    pub imported: usize,
    /// Rows rejected.
    pub rejected: usize,
    /// Batches committed.
    pub batches: usize,
    /// Customer IDs of the first and last profile created.
    pub first_customer_id: Option<String>,
    /// See `first_customer_id`.
    pub last_customer_id: Option<String>,
    /// Details of the first `max_reported_rejections` rejected rows.
    pub rejections: Vec<Rejection>,
    /// Values a lenient import left out of rows it stored (all are counted).
    #[serde(default)]
    pub values_dropped: usize,
    /// The first `max_reported_rejections` of those values.
    #[serde(default)]
    pub dropped: Vec<DroppedValue>,
}

impl<S: Store> Casebook<S> {
    /// Imports profiles from a stream, validating each row against its
    /// template and committing in batches of `options.batch_size`.
    ///
    /// Rejected rows are counted and reported (with their field errors) and
    /// the import continues. `progress`, if given, is called after every
    /// committed batch. An error is returned only when the import cannot go on
    /// (unreadable input, a bad CSV mapping, a storage failure); batches
    /// committed before it stay committed and the error names the last row
    /// stored.
    pub fn import_profiles(
        &self,
        actor: &Actor,
        input: impl BufRead,
        format: &ImportFormat,
        options: &ImportOptions,
        progress: Option<&mut dyn FnMut(&ImportProgress)>,
    ) -> Result<ImportReport> {
        let by = actor.check()?;
        let template = self.import_template(options)?;
        let mut source: Box<dyn RowSource + '_> = match format {
            ImportFormat::JsonLines => Box::new(JsonLinesSource {
                reader: input,
                line: Vec::new(),
            }),
            ImportFormat::Csv(mapping) => {
                Box::new(CsvSource::new(input, mapping, template.as_ref())?)
            }
        };
        self.run_import(by, source.as_mut(), options, progress)
    }

    /// Imports profiles already in memory (from another system or a
    /// generator), with the same validation, batching and report as
    /// [`Casebook::import_profiles`].
    pub fn import_inputs(
        &self,
        actor: &Actor,
        inputs: impl IntoIterator<Item = ProfileInput>,
        options: &ImportOptions,
        progress: Option<&mut dyn FnMut(&ImportProgress)>,
    ) -> Result<ImportReport> {
        let by = actor.check()?;
        self.import_template(options)?;
        self.run_import(by, &mut InputSource(inputs.into_iter()), options, progress)
    }

    /// Checks the options before anything is read; the default template, if named.
    fn import_template(&self, options: &ImportOptions) -> Result<Option<Template>> {
        if options.batch_size == 0 {
            return Err(Error::InvalidInput(
                "the import batch size must be at least 1".into(),
            ));
        }
        options
            .template
            .as_ref()
            .map(|id| self.template(id, None))
            .transpose()
    }

    fn run_import(
        &self,
        by: &str,
        source: &mut dyn RowSource,
        options: &ImportOptions,
        mut progress: Option<&mut dyn FnMut(&ImportProgress)>,
    ) -> Result<ImportReport> {
        let mut report = ImportReport {
            rows: 0,
            imported: 0,
            rejected: 0,
            batches: 0,
            first_customer_id: None,
            last_customer_id: None,
            rejections: Vec::new(),
            values_dropped: 0,
            dropped: Vec::new(),
        };
        let mut batch: Vec<(usize, Row)> = Vec::with_capacity(options.batch_size);
        let mut finished = false;
        while !finished {
            batch.clear();
            while batch.len() < options.batch_size {
                match source.next_row().map_err(|e| self.stopped(e, &report))? {
                    Some(mut row) => {
                        report.rows += 1;
                        if let (Ok(input), Some(template)) = (&mut row, &options.template) {
                            input.template.get_or_insert_with(|| template.clone());
                        }
                        batch.push((report.rows, row));
                    }
                    None => {
                        finished = true;
                        break;
                    }
                }
            }
            if batch.is_empty() {
                break;
            }
            // Read before the transaction, so a body run again gets the same instants.
            let instants: Vec<Timestamp> = batch.iter().map(|_| self.now()).collect();
            let outcomes = self
                .write_bulk(|tx, ids| self.import_batch(tx, ids, by, &batch, options, &instants))
                .map_err(|e| self.stopped(e, &report))?;
            report.batches += 1;
            for (row, outcome) in batch.iter().map(|(row, _)| *row).zip(outcomes) {
                match outcome {
                    Ok((customer_id, dropped)) => {
                        report.imported += 1;
                        report.values_dropped += dropped.len();
                        for error in dropped {
                            if report.dropped.len() < options.max_reported_rejections {
                                report.dropped.push(DroppedValue {
                                    row,
                                    field: error.field,
                                    code: error.code,
                                    message: error.message,
                                });
                            }
                        }
                        if report.first_customer_id.is_none() {
                            report.first_customer_id = Some(customer_id.clone());
                        }
                        report.last_customer_id = Some(customer_id);
                    }
                    Err(error) => {
                        report.rejected += 1;
                        if report.rejections.len() < options.max_reported_rejections {
                            report.rejections.push(Rejection {
                                row,
                                code: error.code().as_str().into(),
                                message: error.to_string(),
                                field_errors: error.field_errors().to_vec(),
                            });
                        }
                    }
                }
            }
            if let Some(progress) = progress.as_mut() {
                progress(&ImportProgress {
                    rows: report.rows,
                    imported: report.imported,
                    rejected: report.rejected,
                    batches: report.batches,
                });
            }
        }
        Ok(report)
    }

    /// One batch in one transaction: each row's customer ID or why it was rejected.
    fn import_batch(
        &self,
        tx: &mut dyn WriteTx,
        ids: &mut Ids<'_>,
        by: &str,
        batch: &[(usize, Row)],
        options: &ImportOptions,
        instants: &[Timestamp],
    ) -> Result<Vec<RowOutcome>> {
        let mut outcomes = Vec::with_capacity(batch.len());
        for ((_, row), now) in batch.iter().zip(instants) {
            let input = match row {
                Ok(input) => input,
                Err(e) => {
                    outcomes.push(Err(e.clone()));
                    continue;
                }
            };
            let mut attempt = std::borrow::Cow::Borrowed(input);
            let mut dropped = Vec::new();
            let mut passes = 0;
            let outcome = loop {
                match self.create_profile_in(tx, ids, by, &attempt, options.reject_duplicates, *now)
                {
                    // A later pass catches what an earlier change revealed; the
                    // bound keeps an error that names no stored value from looping.
                    Err(e) if options.lenient && !e.field_errors().is_empty() && passes < 3 => {
                        passes += 1;
                        let acted = lenient::drop_bad_values(attempt.to_mut(), e.field_errors());
                        if acted.is_empty() {
                            break Err(e);
                        }
                        dropped.extend(acted);
                    }
                    other => break other,
                }
            };
            match outcome {
                Ok(profile) => outcomes.push(Ok((profile.customer_id, dropped))),
                // Only problems of the row itself reject it; anything else
                // (storage, internal) aborts the batch so nothing half-done is kept.
                Err(e) if is_row_problem(&e) => outcomes.push(Err(e)),
                Err(e) => return Err(e),
            }
        }
        Ok(outcomes)
    }

    fn stopped(&self, error: Error, report: &ImportReport) -> Error {
        let stored = match &report.last_customer_id {
            Some(id) => format!("{} profile(s) were stored, the last {id}", report.imported),
            None => "no profile was stored".into(),
        };
        match error {
            Error::InvalidInput(m) => Error::InvalidInput(format!(
                "import stopped after row {}: {m}; {stored}",
                report.rows
            )),
            Error::Storage(e) => crate::error::StorageError::new(
                e.kind(),
                format!(
                    "import stopped after row {}: {}; {stored}",
                    report.rows,
                    e.message()
                ),
            )
            .with_source(e)
            .into(),
            other => other,
        }
    }
}

/// A row's customer ID and the values left out of it, or why it was rejected.
type RowOutcome = std::result::Result<(String, Vec<FieldError>), Error>;

fn is_row_problem(error: &Error) -> bool {
    matches!(
        error.code(),
        ErrorCode::InvalidInput
            | ErrorCode::ValidationFailed
            | ErrorCode::NotFound
            | ErrorCode::DuplicateSuspected
    )
}
