//! A template's JSON definition and its compilation: each field spec into a
//! field, then the checks between fields.

use super::names::{is_identifier, reserved_keys};
use super::validate::KeyTable;
use super::values::{normalize_value, parse_date};
use super::{
    ChoiceOption, Condition, FieldDef, FieldKind, PatternRegex, Template, TemplateKind,
    ValidationContext,
};
use crate::error::{Error, Result};
use crate::matcher::{Matcher, MatcherOptions};
use crate::phone::PhoneRules;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

const MAX_FIELDS: usize = 500;
const MAX_REGEX_SIZE: usize = 1 << 20;
/// Bounds the DFA of a pattern field; fixed formats need a few KiB.
const PATTERN_DFA_BYTES: usize = 1 << 16;

impl Template {
    /// Checks a parsed definition and compiles it.
    pub fn from_def(def: TemplateDef) -> Result<Template> {
        let template_id = def.id.clone();
        let fail = |field: Option<&str>, message: String| Error::InvalidTemplate {
            template: template_id.clone(),
            field: field.map(str::to_string),
            message,
        };
        if !is_identifier(&def.id, true) {
            return Err(fail(
                None,
                "the id must be 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`".into(),
            ));
        }
        if def.name.trim().is_empty() {
            return Err(fail(None, "the template needs a name".into()));
        }
        if def.fields.len() > MAX_FIELDS {
            return Err(fail(
                None,
                format!("at most {MAX_FIELDS} fields are allowed"),
            ));
        }
        let reserved = reserved_keys(def.kind);
        let mut seen = HashSet::new();
        let mut fields = Vec::with_capacity(def.fields.len());
        for raw in &def.fields {
            if !is_identifier(&raw.key, false) {
                return Err(fail(
                    Some(&raw.key),
                    "a field key must start with a-z and hold only a-z, 0-9 and `_` (at most 64 characters)"
                        .into(),
                ));
            }
            if reserved.contains(&raw.key.as_str()) {
                return Err(fail(
                    Some(&raw.key),
                    format!(
                        "`{}` is a built-in property of a {:?} record; choose another key",
                        raw.key, def.kind
                    )
                    .to_lowercase(),
                ));
            }
            if raw.identifies.is_some() && def.kind == TemplateKind::Case {
                return Err(fail(
                    Some(&raw.key),
                    "`identifies` applies to the phone fields of a profile template only".into(),
                ));
            }
            if !seen.insert(raw.key.as_str()) {
                return Err(fail(Some(&raw.key), "the field key is used twice".into()));
            }
            let field = raw
                .compile()
                .map_err(|message| fail(Some(&raw.key), message))?;
            fields.push(field);
        }
        if def.name_required.is_some() && def.kind == TemplateKind::Case {
            return Err(fail(
                None,
                "`name_required` applies to profile templates only".into(),
            ));
        }
        let keys = KeyTable::new(&fields);
        let mut template = Template {
            id: def.id,
            version: def.version.unwrap_or(0),
            kind: def.kind,
            name: def.name.trim().to_string(),
            description: def.description,
            name_required: def.name_required.unwrap_or(true),
            fields,
            keys,
        };
        template.check_cross_field(&fail)?;
        Ok(template)
    }

    fn check_cross_field(&mut self, fail: &dyn Fn(Option<&str>, String) -> Error) -> Result<()> {
        // Defaults must pass their own field; conditions must name another field
        // and a value that field accepts. Checked with a fixed date and no
        // region so a default cannot depend on when it is loaded.
        let ctx = ValidationContext::new(Date::constant(9999, 12, 31));
        for i in 0..self.fields.len() {
            let field = &self.fields[i];
            if let Some(condition) = &field.required_when {
                if condition.field == field.key {
                    return Err(fail(
                        Some(&field.key),
                        "`required_when` cannot name the field itself".into(),
                    ));
                }
                let Some(other) = self.field(&condition.field) else {
                    return Err(fail(
                        Some(&field.key),
                        format!(
                            "`required_when` names `{}`, which is not a field of this template",
                            condition.field
                        ),
                    ));
                };
                let probe = match (&other.kind, &condition.equals) {
                    (FieldKind::Choice { multiple: true, .. }, v @ Value::String(_)) => {
                        Value::Array(vec![v.clone()])
                    }
                    (_, v) => v.clone(),
                };
                if let Err(e) = normalize_value(other, &probe, &ctx) {
                    return Err(fail(
                        Some(&field.key),
                        format!(
                            "`required_when` value is not a valid value of `{}`: {}",
                            other.key, e.message
                        ),
                    ));
                }
            }
            if let Some(default) = field.default.clone() {
                let date_ctx = match &field.kind {
                    FieldKind::Date {
                        not_in_future: true,
                        ..
                    } => ValidationContext::new(Date::constant(1, 1, 1)),
                    _ => ctx.clone(),
                };
                match normalize_value(field, &default, &date_ctx) {
                    Ok(value) => self.fields[i].default = Some(value),
                    Err(e) => {
                        let key = field.key.clone();
                        return Err(fail(
                            Some(&key),
                            format!(
                                "the default value fails the field's own rules: {}",
                                e.message
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Template {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        TemplateDef::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let def = TemplateDef::deserialize(deserializer)?;
        Template::from_def(def).map_err(serde::de::Error::custom)
    }
}

/// The JSON shape of a template, as an administrator writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateDef {
    /// Template id.
    pub id: String,
    /// Version; leave it out when loading (the engine assigns it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// `profile` or `case`.
    pub kind: TemplateKind,
    /// Display name.
    pub name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether a profile needs a given or a family name (default `true`);
    /// `false` lets a profile be stored without a name (e.g. one known only
    /// by a number, or imported from a source with gaps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_required: Option<bool>,
    /// The fields.
    pub fields: Vec<FieldSpec>,
}

impl From<&Template> for TemplateDef {
    fn from(t: &Template) -> Self {
        TemplateDef {
            id: t.id.clone(),
            version: (t.version > 0).then_some(t.version),
            kind: t.kind,
            name: t.name.clone(),
            description: t.description.clone(),
            name_required: (!t.name_required).then_some(false),
            fields: t.fields.iter().map(FieldSpec::from).collect(),
        }
    }
}

/// The JSON shape of one field (flat: common flags plus kind-specific
/// settings). Its JSON Schema (feature `schema`, `spec_schema.rs`) is one
/// object per `type`, each with only the settings that apply to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FieldSpec {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub searchable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub pii: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only_after_create: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Phone fields of a profile template: whether recognition and phone
    /// search find the profile by this number (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifies: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_places: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in_future: Option<bool>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl FieldSpec {
    fn compile(&self) -> std::result::Result<FieldDef, String> {
        let allowed: &[&str] = match self.kind.as_str() {
            "text" => &["min_length", "max_length", "multiline"],
            "choice" => &["options", "multiple"],
            "pattern" => &["regex", "hint"],
            "email" | "boolean" => &[],
            "phone" => &["region", "identifies"],
            "integer" => &["min", "max"],
            "decimal" => &["min", "max", "decimal_places"],
            "date" => &["min", "max", "not_in_future"],
            other => {
                return Err(format!(
                    "unknown field type `{other}` (expected text, choice, pattern, email, phone, integer, decimal, date or boolean)"
                ))
            }
        };
        let present = [
            ("min_length", self.min_length.is_some()),
            ("max_length", self.max_length.is_some()),
            ("multiline", self.multiline.is_some()),
            ("options", self.options.is_some()),
            ("multiple", self.multiple.is_some()),
            ("regex", self.regex.is_some()),
            ("hint", self.hint.is_some()),
            ("region", self.region.is_some()),
            ("identifies", self.identifies.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("decimal_places", self.decimal_places.is_some()),
            ("not_in_future", self.not_in_future.is_some()),
        ];
        for (name, is_set) in present {
            if is_set && !allowed.contains(&name) {
                return Err(format!("`{name}` does not apply to a {} field", self.kind));
            }
        }
        let kind = match self.kind.as_str() {
            "text" => {
                let multiline = self.multiline.unwrap_or(false);
                if let (Some(min), Some(max)) = (self.min_length, self.max_length) {
                    if min > max {
                        return Err(format!("min_length {min} is greater than max_length {max}"));
                    }
                }
                if self.max_length == Some(0) {
                    return Err("max_length must be at least 1".into());
                }
                FieldKind::Text {
                    min_length: self.min_length,
                    max_length: self.max_length,
                    multiline,
                }
            }
            "choice" => {
                let options = self.options.clone().unwrap_or_default();
                if options.is_empty() {
                    return Err("a choice field needs at least one option".into());
                }
                let mut keys = HashSet::new();
                for option in &options {
                    if option.key.trim().is_empty() || option.key.trim() != option.key {
                        return Err(
                            "option keys must be non-empty and have no surrounding spaces".into(),
                        );
                    }
                    if !keys.insert(option.key.as_str()) {
                        return Err(format!("option `{}` is listed twice", option.key));
                    }
                }
                FieldKind::Choice {
                    options,
                    multiple: self.multiple.unwrap_or(false),
                }
            }
            "pattern" => {
                let source = self
                    .regex
                    .clone()
                    .ok_or("a pattern field needs a `regex`")?;
                let hint = self.hint.clone().filter(|h| !h.trim().is_empty()).ok_or(
                    "a pattern field needs a `hint` naming the expected format, e.g. AA999999A",
                )?;
                let compiled = regex::RegexBuilder::new(&format!("^(?:{source})$"))
                    .size_limit(MAX_REGEX_SIZE)
                    .build()
                    .map_err(|e| format!("the regex does not compile: {e}"))?;
                let compiled = Matcher::new(compiled, MatcherOptions::default(), PATTERN_DFA_BYTES);
                FieldKind::Pattern {
                    regex: PatternRegex { source, compiled },
                    hint,
                }
            }
            "email" => FieldKind::Email,
            "phone" => {
                let rules = match &self.region {
                    Some(region) => Some(PhoneRules::new(Some(region), &[]).map_err(|_| {
                        format!("`{region}` is not a region code (expected e.g. GB, US, DE)")
                    })?),
                    None => None,
                };
                FieldKind::Phone {
                    region: self.region.clone(),
                    rules,
                    identifies: self.identifies.unwrap_or(true),
                }
            }
            "integer" => {
                let bound =
                    |v: &Option<Value>, name: &str| -> std::result::Result<Option<i64>, String> {
                        match v {
                            None => Ok(None),
                            Some(v) => v
                                .as_i64()
                                .map(Some)
                                .ok_or(format!("`{name}` must be a whole number")),
                        }
                    };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is greater than max {b}"));
                    }
                }
                FieldKind::Integer { min, max }
            }
            "decimal" => {
                let bound =
                    |v: &Option<Value>, name: &str| -> std::result::Result<Option<f64>, String> {
                        match v {
                            None => Ok(None),
                            Some(v) => v
                                .as_f64()
                                .map(Some)
                                .ok_or(format!("`{name}` must be a number")),
                        }
                    };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is greater than max {b}"));
                    }
                }
                if self.decimal_places.is_some_and(|p| p > 12) {
                    return Err("decimal_places must be at most 12".into());
                }
                FieldKind::Decimal {
                    min,
                    max,
                    decimal_places: self.decimal_places,
                }
            }
            "date" => {
                let bound = |v: &Option<Value>,
                             name: &str|
                 -> std::result::Result<Option<Date>, String> {
                    match v {
                        None => Ok(None),
                        Some(Value::String(s)) => parse_date(s)
                            .map(Some)
                            .ok_or(format!("`{name}` must be a date in the form YYYY-MM-DD")),
                        Some(_) => Err(format!("`{name}` must be a date in the form YYYY-MM-DD")),
                    }
                };
                let (min, max) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
                if let (Some(a), Some(b)) = (min, max) {
                    if a > b {
                        return Err(format!("min {a} is after max {b}"));
                    }
                }
                FieldKind::Date {
                    min,
                    max,
                    not_in_future: self.not_in_future.unwrap_or(false),
                }
            }
            _ => FieldKind::Boolean,
        };
        if self.required && self.required_when.is_some() {
            return Err("use either `required` or `required_when`, not both".into());
        }
        let label = self
            .label
            .clone()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| humanize(&self.key));
        Ok(FieldDef {
            key: self.key.clone(),
            label,
            kind,
            required: self.required,
            required_when: self.required_when.clone(),
            default: self.default.clone(),
            searchable: self.searchable,
            pii: self.pii,
            read_only_after_create: self.read_only_after_create,
            help: self.help.clone(),
        })
    }
}

impl From<&FieldDef> for FieldSpec {
    fn from(f: &FieldDef) -> Self {
        let mut spec = FieldSpec {
            key: f.key.clone(),
            label: Some(f.label.clone()),
            kind: f.kind.name().to_string(),
            required: f.required,
            required_when: f.required_when.clone(),
            default: f.default.clone(),
            searchable: f.searchable,
            pii: f.pii,
            read_only_after_create: f.read_only_after_create,
            help: f.help.clone(),
            ..FieldSpec::default()
        };
        match &f.kind {
            FieldKind::Text {
                min_length,
                max_length,
                multiline,
            } => {
                spec.min_length = *min_length;
                spec.max_length = *max_length;
                spec.multiline = multiline.then_some(true);
            }
            FieldKind::Choice { options, multiple } => {
                spec.options = Some(options.clone());
                spec.multiple = multiple.then_some(true);
            }
            FieldKind::Pattern { regex, hint } => {
                spec.regex = Some(regex.source.clone());
                spec.hint = Some(hint.clone());
            }
            FieldKind::Email | FieldKind::Boolean => {}
            FieldKind::Phone {
                region, identifies, ..
            } => {
                spec.region = region.clone();
                spec.identifies = (!identifies).then_some(false);
            }
            FieldKind::Integer { min, max } => {
                spec.min = min.map(Value::from);
                spec.max = max.map(Value::from);
            }
            FieldKind::Decimal {
                min,
                max,
                decimal_places,
            } => {
                spec.min = min.map(Value::from);
                spec.max = max.map(Value::from);
                spec.decimal_places = *decimal_places;
            }
            FieldKind::Date {
                min,
                max,
                not_in_future,
            } => {
                spec.min = min.map(|d| Value::String(d.to_string()));
                spec.max = max.map(|d| Value::String(d.to_string()));
                spec.not_in_future = not_in_future.then_some(true);
            }
        }
        spec
    }
}

fn humanize(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
