//! Per-column formats of a CSV import: how a cell is read before it is
//! mapped (dates in another order, numbers with a decimal comma).

use crate::error::{Error, Result};
use jiff::civil::Date;

/// How one CSV cell is read, from a `formats` entry of the mapping.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CellFormat {
    /// A date in a strftime-like layout (`%Y%m%d`, `%d/%m/%Y`, ...), stored as ISO.
    Date(String),
    /// A number written with a decimal comma (`1.234,5`), stored with a point.
    DecimalComma,
}

impl CellFormat {
    /// Reads a format name: `decimal_comma`, or a date layout holding `%`.
    pub(super) fn parse(header: &str, spec: &str) -> Result<CellFormat> {
        let spec = spec.trim();
        if spec == "decimal_comma" {
            return Ok(CellFormat::DecimalComma);
        }
        if spec.contains('%') {
            // Try the layout once on a known date, so a layout jiff cannot read
            // fails here instead of on every row.
            let sample = Date::constant(2001, 2, 3);
            if let Err(e) = jiff::fmt::strtime::format(spec, sample) {
                return Err(Error::InvalidInput(format!(
                    "CSV format of `{header}`: `{spec}`: {e}"
                )));
            }
            return Ok(CellFormat::Date(spec.into()));
        }
        Err(Error::InvalidInput(format!(
            "CSV format of `{header}`: `{spec}` is neither `decimal_comma` nor a date layout such as `%Y%m%d`"
        )))
    }

    /// The cell as the profile form expects it. A cell that does not fit the
    /// format is passed on unchanged, so validation reports it like any bad value.
    pub(super) fn apply(&self, cell: &str) -> String {
        match self {
            CellFormat::Date(layout) => match Date::strptime(layout, cell) {
                Ok(date) => date.to_string(),
                Err(_) => cell.into(),
            },
            CellFormat::DecimalComma => {
                let compact: String = cell
                    .chars()
                    .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
                    .collect();
                compact.replace(',', ".")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_other_layouts_become_iso_and_impossible_ones_pass_unchanged() {
        let ymd = CellFormat::parse("dob", "%Y%m%d").unwrap();
        assert_eq!(ymd.apply("19540927"), "1954-09-27");
        assert_eq!(ymd.apply("19371233"), "19371233");
        let dmy = CellFormat::parse("dob", "%d/%m/%Y").unwrap();
        assert_eq!(dmy.apply("03/02/2001"), "2001-02-03");
        let mdy = CellFormat::parse("dob", "%m/%d/%Y").unwrap();
        assert_eq!(mdy.apply("03/02/2001"), "2001-03-02");
    }

    #[test]
    fn decimal_comma_numbers_read_with_a_point() {
        let f = CellFormat::parse("amount", "decimal_comma").unwrap();
        assert_eq!(f.apply("1.234,5"), "1234.5");
        assert_eq!(f.apply("7"), "7");
    }

    #[test]
    fn unknown_formats_are_refused() {
        assert!(CellFormat::parse("x", "yyyymmdd").is_err());
        assert!(CellFormat::parse("x", "%Q").is_err());
    }
}
