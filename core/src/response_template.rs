//! Response templates: the messages agents and notifications send (an
//! e-mail to every customer on a case, a text message, a canned chat
//! reply), as data. A template is Jinja text rendered with `minijinja`
//! (with the filters `upper`, `lower`, `trim`, `capitalize`, `default`);
//! every placeholder it uses is checked when it is loaded, values are
//! escaped for the channel (HTML for e-mail bodies), and rendering runs on
//! a fuel budget, so a template cannot loop for ever.

use crate::error::{Entity, Error, Result};
use crate::model::{Case, Channel, Profile};
use crate::template::Fields;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Longest subject, in characters.
const MAX_SUBJECT: usize = 300;
/// Longest body, in characters.
const MAX_BODY: usize = 20_000;
/// Longest rendered body, in bytes.
const MAX_RENDERED: usize = 200_000;
/// Template instructions one rendering may run.
const FUEL: u64 = 200_000;

/// The values a template may name, besides custom fields
/// (`profile.fields.<key>`, `case.fields.<key>`).
pub const PLACEHOLDERS: [&str; 16] = [
    "agent",
    "profile.customer_id",
    "profile.given_name",
    "profile.family_name",
    "profile.display_name",
    "case.number",
    "case.status",
    "case.short_description",
    "case.description",
    "case.priority",
    "case.category",
    "case.product",
    "case.support_group",
    "case.assignee",
    "case.channel",
    "case.resolution",
];

/// The JSON shape of a response template, as an administrator writes it.
///
/// ```
/// use casebook::ResponseTemplateDef;
/// let def: ResponseTemplateDef = serde_json::from_str(r#"{
///     "id": "case_update", "name": "Case update", "channel": "email",
///     "subject": "Your case {{ case.number }}",
///     "body": "<p>Dear {{ profile.given_name }}, your case is {{ case.status }}.</p>"
/// }"#)?;
/// assert_eq!(def.id, "case_update");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponseTemplateDef {
    /// Template id: 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The channel it is written for: e-mail bodies are HTML (values
    /// escaped), other channels plain text.
    pub channel: Channel,
    /// Subject line (e-mail only, where it is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The message, with placeholders such as `{{ profile.given_name }}`,
    /// `{{ case.number }}`, `{{ case.fields.serial }}`.
    pub body: String,
}

/// A loaded version of a response template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResponseTemplate {
    /// Template id.
    pub id: String,
    /// Version (1, 2, ...): a changed definition loads as the next one.
    pub version: u32,
    /// Display name.
    pub name: String,
    /// The channel it is written for.
    pub channel: Channel,
    /// Subject line (e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The message text.
    pub body: String,
    /// The placeholders it uses, sorted.
    pub placeholders: Vec<String>,
}

/// A message rendered for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RenderedMessage {
    /// Subject line (e-mail), on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The message: HTML for e-mail, plain text otherwise.
    pub body: String,
}

/// The custom field keys templates may name, from the loaded profile and
/// case templates.
#[derive(Debug, Clone, Default)]
pub struct KnownFields {
    /// Field keys of profile templates.
    pub profile: BTreeSet<String>,
    /// Field keys of case templates.
    pub case: BTreeSet<String>,
}

fn fail(id: &str, message: String) -> Error {
    Error::InvalidDefinition {
        kind: Entity::ResponseTemplate,
        id: id.to_string(),
        message,
    }
}

/// An environment where templates named `body.html` are escaped as HTML
/// and every other is plain text.
fn environment<'s>() -> Environment<'s> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|name| {
        if name == HTML_BODY {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    // The few filters a customer message needs, instead of minijinja's
    // whole built-in library (a tenth of the WebAssembly module).
    env.add_filter("upper", |text: &str| text.to_uppercase());
    env.add_filter("lower", |text: &str| text.to_lowercase());
    env.add_filter("trim", |text: &str| text.trim().to_string());
    env.add_filter("capitalize", capitalize);
    env.add_filter("default", |value: Value, fallback: Option<Value>| {
        if value.is_undefined() || value.is_none() || value.as_str() == Some("") {
            fallback.unwrap_or_else(|| Value::from(""))
        } else {
            value
        }
    });
    env
}

/// The first letter upper case, the rest lower case (`jinja`'s `capitalize`).
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

const HTML_BODY: &str = "body.html";
const TEXT_BODY: &str = "body.txt";
const SUBJECT: &str = "subject.txt";

impl ResponseTemplate {
    /// Checks a definition: its id and name, the subject's presence for
    /// e-mail, its syntax, and that every placeholder is one a message can
    /// fill (`fields` lists the custom fields that exist).
    pub fn from_def(def: ResponseTemplateDef, fields: &KnownFields) -> Result<ResponseTemplate> {
        let id = def.id.clone();
        let bad = |message: String| fail(&id, message);
        if !crate::template::is_identifier(&def.id, true) {
            return Err(bad(
                "the id must be 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`".into(),
            ));
        }
        if def.name.trim().is_empty() {
            return Err(bad("the template needs a name".into()));
        }
        match (&def.subject, def.channel) {
            (None, Channel::Email) => return Err(bad("an e-mail template needs a subject".into())),
            (Some(_), channel) if channel != Channel::Email => {
                return Err(bad(format!(
                    "only e-mail has a subject, not {}",
                    serde_json::to_value(channel)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                )))
            }
            _ => {}
        }
        if def.body.trim().is_empty() {
            return Err(bad("the template needs a body".into()));
        }
        if def.body.chars().count() > MAX_BODY {
            return Err(bad(format!(
                "the body is longer than {MAX_BODY} characters"
            )));
        }
        let mut placeholders = BTreeSet::new();
        if let Some(subject) = &def.subject {
            if subject.chars().count() > MAX_SUBJECT || subject.contains(['\r', '\n']) {
                return Err(bad(format!(
                    "the subject must be one line of at most {MAX_SUBJECT} characters"
                )));
            }
            placeholders.extend(used_placeholders(&id, "subject", subject)?);
        }
        placeholders.extend(used_placeholders(&id, "body", &def.body)?);
        for name in &placeholders {
            if !is_known(name, fields) {
                return Err(bad(format!(
                    "`{{{{ {name} }}}}` is not a value a message can fill: use {}, or profile.fields.<key> and case.fields.<key> of a loaded template",
                    PLACEHOLDERS.join(", ")
                )));
            }
        }
        Ok(ResponseTemplate {
            id: def.id,
            version: 0,
            name: def.name.trim().to_string(),
            channel: def.channel,
            subject: def.subject,
            body: def.body,
            placeholders: placeholders.into_iter().collect(),
        })
    }

    /// The definition it was loaded from.
    pub fn def(&self) -> ResponseTemplateDef {
        ResponseTemplateDef {
            id: self.id.clone(),
            name: self.name.clone(),
            channel: self.channel,
            subject: self.subject.clone(),
            body: self.body.clone(),
        }
    }

    /// Whether another version says the same.
    pub fn same_definition(&self, other: &ResponseTemplate) -> bool {
        self.def() == other.def()
    }

    /// A renderer for many recipients (the template compiled once).
    pub fn renderer(&self) -> Result<Renderer<'_>> {
        let mut env = environment();
        let id = &self.id;
        if let Some(subject) = &self.subject {
            env.add_template(SUBJECT, subject)
                .map_err(|e| fail(id, format!("the subject does not compile: {e}")))?;
        }
        env.add_template(self.body_name(), &self.body)
            .map_err(|e| fail(id, format!("the body does not compile: {e}")))?;
        Ok(Renderer {
            template: self,
            env,
        })
    }

    fn body_name(&self) -> &'static str {
        if self.channel == Channel::Email {
            HTML_BODY
        } else {
            TEXT_BODY
        }
    }
}

/// A response template ready to render, message after message.
pub struct Renderer<'t> {
    template: &'t ResponseTemplate,
    env: Environment<'t>,
}

impl Renderer<'_> {
    /// The message for one profile (on a case, or none), sent by `agent`.
    pub fn render(
        &self,
        profile: &Profile,
        case: Option<&Case>,
        agent: &str,
    ) -> Result<RenderedMessage> {
        let context = MessageContext::new(profile, case, agent);
        let id = &self.template.id;
        let run = |name: &str, what: &str| -> Result<String> {
            let text = self
                .env
                .get_template(name)
                .and_then(|t| t.render(&context))
                .map_err(|e| fail(id, format!("the {what} cannot be rendered: {e}")))?;
            if text.len() > MAX_RENDERED {
                return Err(fail(
                    id,
                    format!("the rendered {what} is longer than {MAX_RENDERED} bytes"),
                ));
            }
            Ok(text)
        };
        let subject = match &self.template.subject {
            // A value with a line break must not start a header of its own.
            Some(_) => Some(one_line(&run(SUBJECT, "subject")?)),
            None => None,
        };
        let body = run(self.template.body_name(), "body")?;
        Ok(RenderedMessage { subject, body })
    }
}

/// Text on one line: line breaks become spaces, the ends are trimmed.
fn one_line(text: &str) -> String {
    let joined: String = text
        .chars()
        .map(|c| if matches!(c, '\r' | '\n') { ' ' } else { c })
        .collect();
    joined.trim().to_string()
}

/// Whether a template may name `name`.
fn is_known(name: &str, fields: &KnownFields) -> bool {
    if PLACEHOLDERS.contains(&name) || name == "profile.fields" || name == "case.fields" {
        return true;
    }
    let custom = |prefix: &str, keys: &BTreeSet<String>| {
        name.strip_prefix(prefix)
            .is_some_and(|key| keys.contains(key))
    };
    custom("profile.fields.", &fields.profile) || custom("case.fields.", &fields.case)
}

/// The values a template's text looks up, as dotted paths.
fn used_placeholders(id: &str, what: &str, source: &str) -> Result<BTreeSet<String>> {
    let env = environment();
    let compiled = env
        .template_from_str(source)
        .map_err(|e| fail(id, format!("the {what} does not compile: {e}")))?;
    // The engine's own functions (`range`, `dict`, ...) are not values.
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    Ok(compiled
        .undeclared_variables(true)
        .into_iter()
        .filter(|name| !globals.contains(name.split('.').next().unwrap_or_default()))
        .collect())
}

/// What a template sees.
#[derive(Serialize)]
struct MessageContext<'a> {
    agent: &'a str,
    profile: ProfileValues<'a>,
    case: Option<CaseValues<'a>>,
}

#[derive(Serialize)]
struct ProfileValues<'a> {
    customer_id: &'a str,
    given_name: &'a str,
    family_name: &'a str,
    display_name: String,
    fields: &'a Fields,
}

#[derive(Serialize)]
struct CaseValues<'a> {
    number: &'a str,
    status: &'a str,
    short_description: &'a str,
    description: &'a str,
    priority: u8,
    category: Option<&'a str>,
    product: Option<&'a str>,
    support_group: Option<&'a str>,
    assignee: Option<&'a str>,
    channel: Option<Channel>,
    /// The resolution notes, when shared with the customer.
    resolution: Option<&'a str>,
    fields: &'a Fields,
}

impl<'a> MessageContext<'a> {
    fn new(profile: &'a Profile, case: Option<&'a Case>, agent: &'a str) -> Self {
        MessageContext {
            agent,
            profile: ProfileValues {
                customer_id: &profile.customer_id,
                given_name: &profile.given_name,
                family_name: &profile.family_name,
                display_name: profile.display_name(),
                fields: &profile.fields,
            },
            case: case.map(|c| CaseValues {
                number: &c.number,
                status: c.status.as_str(),
                short_description: &c.short_description,
                description: &c.description,
                priority: c.priority.0,
                category: c.category.as_deref(),
                product: c.product.as_deref(),
                support_group: c.support_group.as_deref(),
                assignee: c.assignee.as_deref(),
                channel: c.channel,
                resolution: shared_resolution(c),
                fields: &c.fields,
            }),
        }
    }
}

/// The resolution notes a customer may read, if any.
fn shared_resolution(case: &Case) -> Option<&str> {
    let resolution = case.resolution.as_ref()?;
    resolution
        .share_with_requester
        .then_some(resolution.notes.as_str())
}

#[cfg(test)]
mod tests;
