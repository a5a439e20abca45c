//! Engine configuration, loadable from JSON.

use crate::email::EmailDomainRule;
use crate::error::{Error, Result};
use crate::identity::MatchingConfig;
use crate::model::PriorityMatrix;
use crate::phone::PhoneEquivalence;
use serde::{Deserialize, Serialize};

/// Format of generated human identifiers: prefix plus a zero-padded number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IdFormat {
    /// Text before the number (`C-`, `CS`).
    pub prefix: String,
    /// Minimum number of digits (zero-padded).
    pub width: u8,
    /// Number of the first identifier.
    pub start: u64,
}

impl IdFormat {
    /// The identifier for the `n`th issued value (1-based).
    ///
    /// ```
    /// let f = casebook::IdFormat { prefix: "CS".into(), width: 7, start: 1001 };
    /// assert_eq!(f.format(1), "CS0001001");
    /// ```
    pub fn format(&self, n: u64) -> String {
        let number = self.start.saturating_add(n.saturating_sub(1));
        format!(
            "{}{:0width$}",
            self.prefix,
            number,
            width = self.width as usize
        )
    }

    fn check(&self, what: &str) -> Result<()> {
        if self.prefix.chars().count() > 16 || self.prefix.chars().any(|c| c.is_whitespace()) {
            return Err(Error::InvalidInput(format!(
                "{what}: the prefix must be at most 16 characters without spaces"
            )));
        }
        if self.width == 0 || self.width > 18 {
            return Err(Error::InvalidInput(format!(
                "{what}: width must be 1 to 18"
            )));
        }
        Ok(())
    }
}

/// How parent and child cases move together (configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CaseHierarchy {
    /// A child case cannot be resolved, closed or cancelled while its
    /// parent is open.
    pub children_wait_for_parent: bool,
    /// Resolving a parent resolves its open children with it.
    pub resolve_children_with_parent: bool,
}

/// Engine configuration. Every field has a sensible default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Region (ISO 3166 alpha-2, e.g. `GB`) for phone numbers written without `+`.
    pub default_region: Option<String>,
    /// Numbers one country writes two ways (see [`PhoneEquivalence::defaults`]).
    pub phone_equivalences: Vec<PhoneEquivalence>,
    /// Per-domain e-mail matching rules (see [`EmailDomainRule::defaults`]).
    pub email_domain_rules: Vec<EmailDomainRule>,
    /// Customer ID format (default `C-000001`).
    pub customer_id_format: IdFormat,
    /// Case number format (default `CS0001001`).
    pub case_number_format: IdFormat,
    /// Priority from impact and urgency.
    pub priority_matrix: PriorityMatrix,
    /// Whether a contact may be associated with several cases (default: one).
    pub contact_multiple_cases: bool,
    /// How many recent contacts recognition returns with a known caller.
    pub recognition_recent_contacts: usize,
    /// Duplicate-detection rules and thresholds.
    pub matching: MatchingConfig,
    /// How parent and child cases move together.
    pub hierarchy: CaseHierarchy,
    /// The scale satisfaction feedback is scored on.
    pub feedback_scale: crate::model::FeedbackScale,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_region: None,
            phone_equivalences: PhoneEquivalence::defaults(),
            email_domain_rules: EmailDomainRule::defaults(),
            customer_id_format: IdFormat {
                prefix: "C-".into(),
                width: 6,
                start: 1,
            },
            case_number_format: IdFormat {
                prefix: "CS".into(),
                width: 7,
                start: 1001,
            },
            priority_matrix: PriorityMatrix::default(),
            contact_multiple_cases: false,
            recognition_recent_contacts: 5,
            matching: MatchingConfig::default(),
            hierarchy: CaseHierarchy::default(),
            feedback_scale: Default::default(),
        }
    }
}

impl Config {
    /// Parses a configuration from JSON (missing keys take their defaults).
    pub fn from_json(json: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(json)
            .map_err(|e| Error::InvalidInput(format!("configuration: {e}")))?;
        config.check()?;
        Ok(config)
    }

    /// Checks the configuration is usable.
    pub fn check(&self) -> Result<()> {
        self.customer_id_format.check("customer_id_format")?;
        self.case_number_format.check("case_number_format")?;
        self.priority_matrix.check()?;
        self.matching.check()?;
        self.feedback_scale.check()?;
        if let Some(region) = &self.default_region {
            check_region(region)?;
        }
        crate::phone::PhoneRules::new(self.default_region.as_deref(), &self.phone_equivalences)?;
        Ok(())
    }
}

/// Refuses a region that is not written as an ISO 3166 alpha-2 code: two
/// ASCII letters (either case) and nothing else, so `"gb "` and `"G B"` are
/// errors rather than guesses. Whether the code names a region is the phone
/// rules' check (`"ZZ"` is refused there).
///
/// ```
/// assert!(casebook::Config::from_json(r#"{"default_region": "GB"}"#).is_ok());
/// assert!(casebook::Config::from_json(r#"{"default_region": "gb "}"#).is_err());
/// assert!(casebook::Config::from_json(r#"{"default_region": "ZZ"}"#).is_err());
/// ```
pub(crate) fn check_region(region: &str) -> Result<()> {
    if region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "default_region `{}` is not a region code (expected ISO 3166 alpha-2, such as GB)",
        crate::error::quote(region)
    )))
}
