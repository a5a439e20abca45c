//! Where import rows come from: profile inputs already in memory, JSON
//! Lines, or CSV through a column mapping.

use super::formats::CellFormat;
use super::{CsvMapping, MAX_LINE_BYTES};
use crate::error::{Error, Result};
use crate::model::{ContactKind, ContactPointInput, Identification, ProfileInput};
use crate::template::{FieldKind, Template};
use serde_json::Value;
use std::io::BufRead;

/// A row read from the input: a profile to create, or why it cannot be one.
pub(super) type Row = std::result::Result<ProfileInput, Error>;

/// Reads rows one at a time.
pub(super) trait RowSource {
    fn next_row(&mut self) -> Result<Option<Row>>;
}

pub(super) struct InputSource<I>(pub(super) I);

impl<I: Iterator<Item = ProfileInput>> RowSource for InputSource<I> {
    fn next_row(&mut self) -> Result<Option<Row>> {
        Ok(self.0.next().map(Ok))
    }
}

pub(super) struct JsonLinesSource<R> {
    pub(super) reader: R,
    pub(super) line: Vec<u8>,
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

/// One target and the cells that feed it (several for a `join`), in order.
struct Column {
    cells: Vec<(usize, Option<CellFormat>)>,
    target: Target,
}

pub(super) struct CsvSource<R: std::io::Read> {
    reader: csv::Reader<R>,
    columns: Vec<Column>,
    record: csv::StringRecord,
    template: Option<String>,
}

impl<R: std::io::Read> CsvSource<R> {
    pub(super) fn new(
        reader: R,
        mapping: &CsvMapping,
        template: Option<&Template>,
    ) -> Result<Self> {
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
        if mapping.columns.is_empty() && mapping.join.is_empty() {
            return Err(Error::InvalidInput("the CSV mapping maps no column".into()));
        }
        let index_of = |header: &str| {
            headers
                .iter()
                .position(|h| h.trim() == header.trim())
                .ok_or_else(|| {
                    Error::InvalidInput(format!("the CSV input has no column `{header}`"))
                })
        };
        let mut formats = std::collections::BTreeMap::new();
        for (header, spec) in &mapping.formats {
            formats.insert(index_of(header)?, CellFormat::parse(header, spec)?);
        }
        let cell = |header: &str| -> Result<(usize, Option<CellFormat>)> {
            let index = index_of(header)?;
            Ok((index, formats.get(&index).cloned()))
        };
        let mut columns = Vec::new();
        for (header, spec) in &mapping.columns {
            columns.push(Column {
                cells: vec![cell(header)?],
                target: Target::parse(spec, template)?,
            });
        }
        for (spec, joined) in &mapping.join {
            if joined.is_empty() {
                return Err(Error::InvalidInput(format!(
                    "CSV join into `{spec}` names no column"
                )));
            }
            columns.push(Column {
                cells: joined.iter().map(|h| cell(h)).collect::<Result<_>>()?,
                target: Target::parse(spec, template)?,
            });
        }
        columns.sort_by_key(|c| c.cells.first().map(|(index, _)| *index));
        Ok(CsvSource {
            reader,
            columns,
            record: csv::StringRecord::new(),
            template: template.map(|t| t.id.clone()),
        })
    }

    /// The value of a column: its cells read by their formats, the non-empty
    /// ones joined with a space.
    fn value(&self, column: &Column) -> String {
        let mut value = String::new();
        for (index, format) in &column.cells {
            let Some(cell) = self.record.get(*index).map(str::trim) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            if !value.is_empty() {
                value.push(' ');
            }
            match format {
                Some(format) => value.push_str(&format.apply(cell)),
                None => value.push_str(cell),
            }
        }
        value
    }

    fn row(&self) -> ProfileInput {
        let mut input = ProfileInput {
            template: self.template.clone(),
            ..ProfileInput::default()
        };
        for column in &self.columns {
            let value = self.value(column);
            let cell = value.as_str();
            if cell.is_empty() {
                continue;
            }
            match &column.target {
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
