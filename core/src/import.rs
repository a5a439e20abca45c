//! Streaming bulk import of profiles from JSON Lines or CSV.
//!
//! Every row is validated against the profile template exactly like
//! [`Casebook::create_profile`]; rows that fail are reported with their field
//! errors and the import goes on. Accepted rows are committed in batches, one
//! store transaction per batch, so a batch is either stored whole or not at
//! all, and memory stays flat however long the input is.
//!
//! ```
//! use casebook::import::{ImportFormat, ImportOptions};
//! let cb = casebook::Casebook::in_memory();
//! let input = "\
//! {\"given_name\": \"Ada\", \"family_name\": \"Lovelace\"}
//! {\"given_name\": \"\", \"family_name\": \"\"}
//! ";
//! let report = cb.import_profiles(input.as_bytes(), &ImportFormat::JsonLines,
//!                                 &ImportOptions::new("migration"), None)?;
//! assert_eq!(report.imported, 1);
//! assert_eq!(report.rejected, 1);
//! assert_eq!(report.rejections[0].row, 2);
//! # Ok::<(), casebook::Error>(())
//! ```

use crate::engine::{check_actor, Casebook};
use crate::error::{Error, ErrorCode, FieldError, Result};
use crate::model::{ContactKind, ContactPointInput, Identification, ProfileInput};
use crate::store::{Store, StoreExt, WriteTx};
use crate::template::{FieldKind, Template};
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvMapping {
    /// Header name to target.
    pub columns: BTreeMap<String, String>,
    /// Field separator (default `,`).
    pub delimiter: Option<char>,
}

/// Options of [`Casebook::import_profiles`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// Acting user recorded as creator.
    pub by: String,
    /// Rows per transaction (default 1000).
    pub batch_size: usize,
    /// Template for rows that name none.
    pub template: Option<String>,
    /// Also refuse rows that strongly match an existing profile (slower; off by default,
    /// since migrated data is usually cleaned afterwards with the duplicate report).
    pub reject_duplicates: bool,
    /// Most rejections kept with their details in the report (all are counted).
    pub max_reported_rejections: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            by: String::new(),
            batch_size: 1000,
            template: None,
            reject_duplicates: false,
            max_reported_rejections: 1000,
        }
    }
}

impl ImportOptions {
    /// Default options acting as `by`.
    pub fn new(by: impl Into<String>) -> Self {
        ImportOptions {
            by: by.into(),
            ..ImportOptions::default()
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
    pub fields: Vec<FieldError>,
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
}

/// A row read from the input: a profile to create, or why it cannot be one.
type Row = std::result::Result<ProfileInput, Error>;

/// Reads rows one at a time.
trait RowSource {
    fn next_row(&mut self) -> Result<Option<Row>>;
}

struct InputSource<I>(I);

impl<I: Iterator<Item = ProfileInput>> RowSource for InputSource<I> {
    fn next_row(&mut self) -> Result<Option<Row>> {
        Ok(self.0.next().map(Ok))
    }
}

struct JsonLinesSource<R> {
    reader: R,
    line: Vec<u8>,
}

impl<R: BufRead> RowSource for JsonLinesSource<R> {
    fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            self.line.clear();
            let read = std::io::Read::take(&mut self.reader, MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut self.line)
                .map_err(|e| Error::InvalidInput(format!("reading import input: {e}")))?;
            if read == 0 {
                return Ok(None);
            }
            if self.line.len() > MAX_LINE_BYTES && !self.line.ends_with(b"\n") {
                skip_rest_of_line(&mut self.reader)?;
                return Ok(Some(Err(Error::InvalidInput(format!(
                    "line longer than {MAX_LINE_BYTES} bytes"
                )))));
            }
            let text = match std::str::from_utf8(&self.line) {
                Ok(text) => text.trim(),
                Err(e) => {
                    return Ok(Some(Err(Error::InvalidInput(format!(
                        "line is not UTF-8: {e}"
                    )))))
                }
            };
            if text.is_empty() {
                continue;
            }
            return Ok(Some(serde_json::from_str::<ProfileInput>(text).map_err(
                |e| Error::InvalidInput(format!("not a profile JSON object: {e}")),
            )));
        }
    }
}

fn skip_rest_of_line(reader: &mut impl BufRead) -> Result<()> {
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| Error::InvalidInput(format!("reading import input: {e}")))?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(end) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(end + 1);
            return Ok(());
        }
        let len = buf.len();
        reader.consume(len);
    }
}

/// Where one CSV column goes.
#[derive(Debug, Clone)]
enum Target {
    GivenName,
    FamilyName,
    DateOfBirth,
    AssignedTo,
    ContactPoint(ContactKind, Option<String>),
    Account,
    Identification(String),
    Field { key: String, multiple: bool },
}

impl Target {
    fn parse(spec: &str, template: Option<&Template>) -> Result<Target> {
        let (head, tail) = match spec.split_once(':') {
            Some((head, tail)) => (head.trim(), Some(tail.trim())),
            None => (spec.trim(), None),
        };
        let bad = |why: &str| Error::InvalidInput(format!("CSV mapping target `{spec}`: {why}"));
        let kind = match head {
            "given_name" | "family_name" | "date_of_birth" | "assigned_to" | "account"
                if tail.is_some() =>
            {
                return Err(bad("takes no `:` suffix"))
            }
            "given_name" => return Ok(Target::GivenName),
            "family_name" => return Ok(Target::FamilyName),
            "date_of_birth" => return Ok(Target::DateOfBirth),
            "assigned_to" => return Ok(Target::AssignedTo),
            "account" => return Ok(Target::Account),
            "identification" => {
                return match tail {
                    Some(kind) if !kind.is_empty() => Ok(Target::Identification(kind.into())),
                    _ => Err(bad(
                        "name the document kind, e.g. `identification:passport`",
                    )),
                }
            }
            "field" => {
                let key = tail
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| bad("name the template field, e.g. `field:segment`"))?;
                let template = template.ok_or_else(|| {
                    bad("custom fields need a template (set `template` in the import options)")
                })?;
                let field = template
                    .field(key)
                    .ok_or_else(|| bad(&format!("template `{}` has no such field", template.id)))?;
                let multiple = matches!(field.kind, FieldKind::Choice { multiple: true, .. });
                return Ok(Target::Field {
                    key: key.into(),
                    multiple,
                });
            }
            "phone" => ContactKind::Phone,
            "email" => ContactKind::Email,
            "social" => ContactKind::Social,
            "address" => ContactKind::Address,
            "other" => ContactKind::Other,
            _ => return Err(bad("unknown target")),
        };
        Ok(Target::ContactPoint(
            kind,
            tail.filter(|l| !l.is_empty()).map(String::from),
        ))
    }
}

struct CsvSource<R: std::io::Read> {
    reader: csv::Reader<R>,
    columns: Vec<(usize, Target)>,
    record: csv::StringRecord,
    template: Option<String>,
}

impl<R: std::io::Read> CsvSource<R> {
    fn new(reader: R, mapping: &CsvMapping, template: Option<&Template>) -> Result<Self> {
        let delimiter = match mapping.delimiter {
            None => b',',
            Some(c) if c.is_ascii() => c as u8,
            Some(c) => {
                return Err(Error::InvalidInput(format!(
                    "CSV delimiter `{c}` must be an ASCII character"
                )))
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(reader);
        let headers = reader
            .headers()
            .map_err(|e| Error::InvalidInput(format!("CSV header row: {e}")))?
            .clone();
        if mapping.columns.is_empty() {
            return Err(Error::InvalidInput("the CSV mapping maps no column".into()));
        }
        let mut columns = Vec::new();
        for (header, spec) in &mapping.columns {
            let index = headers
                .iter()
                .position(|h| h.trim() == header.trim())
                .ok_or_else(|| {
                    Error::InvalidInput(format!("the CSV input has no column `{header}`"))
                })?;
            columns.push((index, Target::parse(spec, template)?));
        }
        columns.sort_by_key(|(index, _)| *index);
        Ok(CsvSource {
            reader,
            columns,
            record: csv::StringRecord::new(),
            template: template.map(|t| t.id.clone()),
        })
    }

    fn row(&self) -> ProfileInput {
        let mut input = ProfileInput {
            template: self.template.clone(),
            ..ProfileInput::default()
        };
        for (index, target) in &self.columns {
            let Some(cell) = self.record.get(*index).map(str::trim) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            match target {
                Target::GivenName => input.given_name = cell.into(),
                Target::FamilyName => input.family_name = cell.into(),
                Target::DateOfBirth => input.date_of_birth = Some(cell.into()),
                Target::AssignedTo => input.assigned_to = Some(cell.into()),
                Target::Account => input.accounts.push(cell.into()),
                Target::Identification(kind) => input.identifications.push(Identification {
                    kind: kind.clone(),
                    value: cell.into(),
                    issuer: None,
                }),
                Target::ContactPoint(kind, label) => input.contact_points.push(ContactPointInput {
                    kind: *kind,
                    value: cell.into(),
                    label: label.clone(),
                    primary: false,
                }),
                Target::Field { key, multiple } => {
                    let value = if *multiple {
                        Value::Array(
                            cell.split(';')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(|s| Value::String(s.into()))
                                .collect(),
                        )
                    } else {
                        Value::String(cell.into())
                    };
                    input.fields.insert(key.clone(), value);
                }
            }
        }
        input
    }
}

impl<R: std::io::Read> RowSource for CsvSource<R> {
    fn next_row(&mut self) -> Result<Option<Row>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(Ok(self.row()))),
            // A malformed row (bad UTF-8) is that row's problem; an I/O error ends the import.
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                Err(Error::InvalidInput(format!("reading import input: {e}")))
            }
            Err(e) => Ok(Some(Err(Error::InvalidInput(format!("CSV row: {e}"))))),
        }
    }
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
        input: impl BufRead,
        format: &ImportFormat,
        options: &ImportOptions,
        progress: Option<&mut dyn FnMut(&ImportProgress)>,
    ) -> Result<ImportReport> {
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
        self.run_import(source.as_mut(), options, progress)
    }

    /// Imports profiles already in memory (from another system or a
    /// generator), with the same validation, batching and report as
    /// [`Casebook::import_profiles`].
    pub fn import_inputs(
        &self,
        inputs: impl IntoIterator<Item = ProfileInput>,
        options: &ImportOptions,
        progress: Option<&mut dyn FnMut(&ImportProgress)>,
    ) -> Result<ImportReport> {
        self.import_template(options)?;
        self.run_import(&mut InputSource(inputs.into_iter()), options, progress)
    }

    /// Checks the options before anything is read; the default template, if named.
    fn import_template(&self, options: &ImportOptions) -> Result<Option<Template>> {
        check_actor(&options.by)?;
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
            let outcomes = self
                .store()
                .write_bulk_with(|tx| self.import_batch(tx, &batch, options))
                .map_err(|e| self.stopped(e, &report))?;
            report.batches += 1;
            for (row, outcome) in batch.iter().map(|(row, _)| *row).zip(outcomes) {
                match outcome {
                    Ok(customer_id) => {
                        report.imported += 1;
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
                                fields: error.field_errors().to_vec(),
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
        batch: &[(usize, Row)],
        options: &ImportOptions,
    ) -> Result<Vec<std::result::Result<String, Error>>> {
        let mut outcomes = Vec::with_capacity(batch.len());
        for (_, row) in batch {
            let input = match row {
                Ok(input) => input,
                Err(e) => {
                    outcomes.push(Err(e.clone()));
                    continue;
                }
            };
            match self.create_profile_in(tx, &options.by, input, options.reject_duplicates) {
                Ok(profile) => outcomes.push(Ok(profile.customer_id)),
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
            Error::Storage(m) => Error::Storage(format!(
                "import stopped after row {}: {m}; {stored}",
                report.rows
            )),
            other => other,
        }
    }
}

fn is_row_problem(error: &Error) -> bool {
    matches!(
        error.code(),
        ErrorCode::InvalidInput
            | ErrorCode::ValidationFailed
            | ErrorCode::NotFound
            | ErrorCode::DuplicateSuspected
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Casebook;

    fn engine() -> Casebook {
        let cb = Casebook::in_memory();
        cb.load_template(
            "admin",
            r#"{"id": "retail", "kind": "profile", "name": "Retail", "fields": [
                {"key": "segment", "type": "choice", "required": true,
                 "options": [{"key": "private", "label": "Private"}, {"key": "business", "label": "Business"}]},
                {"key": "interests", "type": "choice", "multiple": true,
                 "options": [{"key": "tv", "label": "TV"}, {"key": "mobile", "label": "Mobile"}]},
                {"key": "score", "type": "integer", "min": 0, "max": 10}]}"#,
        )
        .unwrap();
        cb
    }

    fn csv_mapping() -> ImportFormat {
        ImportFormat::Csv(CsvMapping {
            columns: [
                ("First", "given_name"),
                ("Last", "family_name"),
                ("Mobile", "phone:mobile"),
                ("Mail", "email"),
                ("Segment", "field:segment"),
                ("Interests", "field:interests"),
                ("Score", "field:score"),
                ("Passport", "identification:passport"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
            delimiter: None,
        })
    }

    #[test]
    fn csv_rows_are_mapped_validated_and_rejected_with_field_errors() {
        let cb = engine();
        let csv = "First,Last,Mobile,Mail,Segment,Interests,Score,Passport,Ignored\n\
                   Ada,Lovelace,+44 7911 123456,ada@Example.org,private,tv; mobile,7,X123,zzz\n\
                   Bob,,not a phone,bob@,vip,,11,,\n\
                   \"Grace, Jr\",Hopper,,,business,,,,\n";
        let options = ImportOptions {
            template: Some("retail".into()),
            ..ImportOptions::new("migration")
        };
        let report = cb
            .import_profiles(csv.as_bytes(), &csv_mapping(), &options, None)
            .unwrap();
        assert_eq!(
            (report.rows, report.imported, report.rejected),
            (3, 2, 1),
            "{report:#?}"
        );
        let rejected = &report.rejections[0];
        assert_eq!(rejected.row, 2);
        assert_eq!(rejected.code, "validation_failed");
        let fields: Vec<&str> = rejected.fields.iter().map(|f| f.field.as_str()).collect();
        for expected in [
            "contact_points[0].value",
            "contact_points[1].value",
            "segment",
            "score",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing in {fields:?}"
            );
        }
        let ada = cb.profile("C-000001").unwrap();
        assert_eq!(ada.contact_points[0].value, "+447911123456");
        assert_eq!(ada.contact_points[0].label.as_deref(), Some("mobile"));
        assert_eq!(ada.contact_points[1].value, "ada@example.org");
        assert_eq!(ada.fields["interests"], serde_json::json!(["tv", "mobile"]));
        assert_eq!(ada.identifications[0].value, "X123");
        assert_eq!(cb.profile("C-000002").unwrap().given_name, "Grace, Jr");
    }

    #[test]
    fn json_lines_reject_bad_rows_and_continue_across_batches() {
        let cb = engine();
        let mut lines = String::new();
        for i in 0..25 {
            match i % 5 {
                3 => lines.push_str("{not json\n"),
                4 => lines.push_str("{\"given_name\": \"X\", \"family_name\": \"Y\", \"fields\": {\"segment\": \"nope\"}}\n\n"),
                _ => lines.push_str(&format!(
                    "{{\"given_name\": \"P{i}\", \"family_name\": \"Q\", \"fields\": {{\"segment\": \"private\"}}}}\n"
                )),
            }
        }
        let options = ImportOptions {
            template: Some("retail".into()),
            batch_size: 4,
            ..ImportOptions::new("migration")
        };
        let mut seen = Vec::new();
        let report = cb
            .import_profiles(
                lines.as_bytes(),
                &ImportFormat::JsonLines,
                &options,
                Some(&mut |p: &ImportProgress| seen.push(*p)),
            )
            .unwrap();
        assert_eq!(
            (report.rows, report.imported, report.rejected),
            (25, 15, 10)
        );
        assert_eq!(report.batches, 7);
        assert_eq!(seen.len(), 7);
        assert_eq!(seen.last().map(|p| p.imported), Some(15));
        assert!(seen.windows(2).all(|w| w[0].rows < w[1].rows));
        assert_eq!(report.rejections[0].row, 4);
        assert_eq!(report.rejections[0].code, "invalid_input");
        assert_eq!(report.rejections[1].code, "validation_failed");
        assert_eq!(report.first_customer_id.as_deref(), Some("C-000001"));
        assert_eq!(report.last_customer_id.as_deref(), Some("C-000015"));
        assert_eq!(cb.check_invariants().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn overlong_and_non_utf8_lines_are_rejected_rows() {
        let cb = engine();
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"given_name\": \"A\", \"family_name\": \"B\"}\n");
        input.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES + 10));
        input.extend_from_slice(b"\n\xff\xfe\n{\"given_name\": \"C\", \"family_name\": \"D\"}");
        let report = cb
            .import_profiles(
                input.as_slice(),
                &ImportFormat::JsonLines,
                &ImportOptions::new("migration"),
                None,
            )
            .unwrap();
        assert_eq!((report.rows, report.imported, report.rejected), (4, 2, 2));
        assert!(report.rejections[0].message.contains("longer than"));
        assert!(report.rejections[1].message.contains("UTF-8"));
    }

    #[test]
    fn bad_mappings_and_options_are_refused_before_anything_is_stored() {
        let cb = engine();
        let csv = "First,Last\nAda,Lovelace\n";
        let mapping = |target: &str| {
            ImportFormat::Csv(CsvMapping {
                columns: [("First".to_string(), target.to_string())].into(),
                delimiter: None,
            })
        };
        let options = ImportOptions::new("migration");
        for target in [
            "nickname",
            "field:segment",
            "identification",
            "given_name:x",
        ] {
            let err = cb
                .import_profiles(csv.as_bytes(), &mapping(target), &options, None)
                .unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{target}");
        }
        let missing_column = ImportFormat::Csv(CsvMapping {
            columns: [("Surname".to_string(), "family_name".to_string())].into(),
            delimiter: None,
        });
        let err = cb
            .import_profiles(csv.as_bytes(), &missing_column, &options, None)
            .unwrap_err();
        assert!(err.to_string().contains("Surname"));
        let zero = ImportOptions {
            batch_size: 0,
            ..options.clone()
        };
        assert!(cb
            .import_profiles(csv.as_bytes(), &mapping("given_name"), &zero, None)
            .is_err());
        let unknown_template = ImportOptions {
            template: Some("nope".into()),
            ..options
        };
        let err = cb
            .import_profiles(
                csv.as_bytes(),
                &mapping("given_name"),
                &unknown_template,
                None,
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert_eq!(cb.store().read_with(|tx| tx.profile_count()).unwrap(), 0);
    }

    #[test]
    fn duplicate_rejection_is_optional() {
        let cb = engine();
        let row = "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\", \"fields\": {\"segment\": \"private\"}, \"contact_points\": [{\"kind\": \"email\", \"value\": \"ada@example.org\"}], \"date_of_birth\": \"1985-12-10\"}\n";
        let twice = format!("{row}{row}");
        let strict = ImportOptions {
            template: Some("retail".into()),
            reject_duplicates: true,
            ..ImportOptions::new("migration")
        };
        let report = cb
            .import_profiles(twice.as_bytes(), &ImportFormat::JsonLines, &strict, None)
            .unwrap();
        assert_eq!((report.imported, report.rejected), (1, 1), "{report:#?}");
        assert_eq!(report.rejections[0].code, "duplicate_suspected");
        let lenient = ImportOptions {
            reject_duplicates: false,
            ..strict
        };
        let report = cb
            .import_profiles(twice.as_bytes(), &ImportFormat::JsonLines, &lenient, None)
            .unwrap();
        assert_eq!((report.imported, report.rejected), (2, 0));
    }
}
