//! Intake rules: data that decides what an inbound message does (join the
//! case it belongs to, open a case, or only be logged), ordered, the first
//! matching rule deciding.

use crate::error::{Entity, Error, Result};
use crate::model::{Channel, Level};
use crate::template::Fields;
use crate::text;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most rules one definition holds.
pub(crate) const MAX_RULES: usize = 1_000;
/// Most words or phrases one condition lists.
const MAX_TERMS: usize = 200;

/// What a message does when a rule (or the default) decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntakeAction {
    /// Join the case it belongs to; otherwise open a new case.
    #[default]
    Open,
    /// Join the case it belongs to; otherwise only log it.
    Join,
    /// Only log it (on the case it belongs to, if any, without reopening it).
    Log,
}

/// What a reply to a resolved case does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnResolved {
    /// Reopen it (resolved to in progress).
    #[default]
    Reopen,
    /// Join it, leaving it resolved.
    Join,
    /// Open a follow-up case linked to it.
    FollowUp,
}

/// What a reply to a closed or cancelled case does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnClosed {
    /// Open a follow-up case linked to it.
    #[default]
    FollowUp,
    /// Only log the message on it.
    Log,
}

/// What opening a case does about a sender no profile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnknownSender {
    /// Open the case without a requester and hand back a profile draft.
    #[default]
    Draft,
    /// Create a profile from the draft and link it as requester, unless it
    /// strongly matches existing profiles (then: as `draft`, naming them).
    CreateProfile,
}

/// Whether the sender is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SenderCondition {
    /// Exactly one profile holds the sender's address.
    Known,
    /// No profile, or several, hold it.
    Unknown,
}

/// When a rule applies: every condition given must hold (an empty list or
/// a missing condition holds always). Words and phrases are matched on
/// folded words (`Invoice` matches `invoice`, `remboursé` matches `rembourse`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RuleCondition {
    /// The message came on one of these channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// It was sent to one of these addresses (any case; `*@example.com`
    /// matches a domain).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// The sender is known or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<SenderCondition>,
    /// The sender's profile holds one of these accounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// The subject holds one of these words or phrases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_any: Vec<String>,
    /// The body holds one of these words or phrases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body_any: Vec<String>,
    /// The subject or the body holds one of these words or phrases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords_any: Vec<String>,
    /// Neither the subject nor the body holds any of these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords_none: Vec<String>,
    /// The body has at most this many words (a short "thank you").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_max_words: Option<usize>,
    /// A machine sent it (auto-reply, bounce) or a person did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic: Option<bool>,
    /// It belongs to an existing case (by thread, case number or conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub belongs_to_case: Option<bool>,
}

/// The case a rule opens: the template and the fields it fills.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CaseSpec {
    /// Case template (its latest version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Impact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<Level>,
    /// Urgency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Level>,
    /// Support group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_group: Option<String>,
    /// Assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Custom field values (a web form's own values take precedence).
    #[serde(skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
}

/// One intake rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeRule {
    /// Name, unique in the definition (results name the rule that decided).
    pub name: String,
    /// When it applies.
    #[serde(default)]
    pub when: RuleCondition,
    /// What the message does.
    pub action: IntakeAction,
    /// The case it opens.
    #[serde(default)]
    pub case: CaseSpec,
    /// What opening a case does about an unknown sender.
    #[serde(default)]
    pub unknown_sender: UnknownSender,
}

/// The intake rules as loaded: ordered rules, the default for a message no
/// rule matches, and how replies find and treat their case.
///
/// ```
/// let rules = casebook::IntakeRulesDef::from_json(r#"{
///   "rules": [
///     {"name": "thanks", "when": {"subject_any": ["thank you"], "body_max_words": 20}, "action": "log"},
///     {"name": "billing", "when": {"keywords_any": ["invoice", "refund"]}, "action": "open",
///      "case": {"category": "billing", "urgency": "medium"}}
///   ]
/// }"#)?;
/// assert_eq!(rules.rules.len(), 2);
/// # Ok::<(), casebook::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeRulesDef {
    /// Version, set by the engine when the rules are loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// A regular expression finding a case number in a subject; its first
    /// group (or the whole match) is the number. Default: the configured
    /// case-number prefix and digits in square brackets (`[CS0001001]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number_pattern: Option<String>,
    /// A reply to a resolved case.
    #[serde(default)]
    pub on_resolved: OnResolved,
    /// A reply to a closed or cancelled case.
    #[serde(default)]
    pub on_closed: OnClosed,
    /// A reply to a case awaiting the customer moves it back to in progress.
    #[serde(default = "yes")]
    pub resume_awaiting: bool,
    /// What a message no rule matches does.
    #[serde(default)]
    pub default_action: IntakeAction,
    /// The rules, in order: the first that matches decides.
    #[serde(default)]
    pub rules: Vec<IntakeRule>,
}

fn yes() -> bool {
    true
}

impl Default for IntakeRulesDef {
    /// No rules: a message joins the case it belongs to or opens one.
    fn default() -> Self {
        IntakeRulesDef {
            version: None,
            case_number_pattern: None,
            on_resolved: OnResolved::default(),
            on_closed: OnClosed::default(),
            resume_awaiting: true,
            default_action: IntakeAction::default(),
            rules: Vec::new(),
        }
    }
}

impl IntakeRulesDef {
    /// Reads rules from JSON text.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| invalid(e.to_string()))
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidDefinition {
        kind: Entity::IntakeRules,
        id: "rules".into(),
        message: message.into(),
    }
}

/// What a rule's conditions are checked against.
#[derive(Debug, Clone, Default)]
pub struct MessageFacts<'a> {
    /// Channel.
    pub channel: Option<Channel>,
    /// Recipient address, lower case.
    pub recipient: Option<String>,
    /// Exactly one profile holds the sender's address.
    pub sender_known: bool,
    /// The sender's accounts.
    pub accounts: &'a [String],
    /// Folded words of the subject, in order.
    pub subject: Vec<String>,
    /// Folded words of the body, in order.
    pub body: Vec<String>,
    /// A machine sent it.
    pub automatic: bool,
    /// It belongs to an existing case.
    pub belongs_to_case: bool,
}

impl MessageFacts<'_> {
    /// Folded words of a text, in order (repeats kept, for phrases).
    pub fn words(text: &str) -> Vec<String> {
        text::fold(text)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A word list's phrases, each as folded words.
#[derive(Debug, Clone, Default)]
struct Phrases(Vec<Vec<String>>);

impl Phrases {
    fn new(terms: &[String], what: &str, rule: &str) -> Result<Self> {
        if terms.len() > MAX_TERMS {
            return Err(invalid(format!(
                "rule `{rule}`: {what} lists more than {MAX_TERMS} terms"
            )));
        }
        let phrases: Vec<Vec<String>> = terms.iter().map(|t| MessageFacts::words(t)).collect();
        if phrases.iter().any(Vec::is_empty) {
            return Err(invalid(format!(
                "rule `{rule}`: {what} holds a term without letters or digits"
            )));
        }
        Ok(Phrases(phrases))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any phrase occurs, word for word, in `words` (whose set is `set`).
    fn any_in(&self, words: &[String], set: &HashSet<&str>) -> bool {
        self.0.iter().any(|phrase| match phrase.as_slice() {
            [one] => set.contains(one.as_str()),
            many => {
                many.iter().all(|w| set.contains(w.as_str()))
                    && words.windows(many.len()).any(|window| window == many)
            }
        })
    }
}

/// One rule, ready to match.
#[derive(Debug, Clone)]
struct CompiledRule {
    recipients: Vec<String>,
    subject_any: Phrases,
    body_any: Phrases,
    keywords_any: Phrases,
    keywords_none: Phrases,
}

/// Loaded intake rules, checked and ready to match.
#[derive(Debug, Clone)]
pub struct IntakeRules {
    def: IntakeRulesDef,
    case_number: Regex,
    compiled: Vec<CompiledRule>,
}

impl IntakeRules {
    /// Checks a definition and prepares it; `case_prefix` is the configured
    /// case-number prefix the default pattern looks for, `template_exists`
    /// says whether a case template is loaded.
    pub fn new(
        def: IntakeRulesDef,
        case_prefix: &str,
        template_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Self> {
        if def.rules.len() > MAX_RULES {
            return Err(invalid(format!("more than {MAX_RULES} rules")));
        }
        let pattern = def
            .case_number_pattern
            .clone()
            .unwrap_or_else(|| format!(r"\[\s*({}[0-9]+)\s*\]", regex::escape(case_prefix)));
        let case_number = regex::RegexBuilder::new(&pattern)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| invalid(format!("case_number_pattern: {e}")))?;
        let mut names = HashSet::new();
        let mut compiled = Vec::with_capacity(def.rules.len());
        for rule in &def.rules {
            let name = rule.name.trim();
            if name.is_empty() || name.len() > 100 {
                return Err(invalid("every rule needs a name of 1 to 100 characters"));
            }
            if !names.insert(name.to_string()) {
                return Err(invalid(format!("two rules are named `{name}`")));
            }
            if let Some(template) = &rule.case.template {
                if !template_exists(template) {
                    return Err(invalid(format!(
                        "rule `{name}` opens cases from template `{template}`, which is not a loaded case template"
                    )));
                }
            }
            let when = &rule.when;
            if when.recipients.len() > MAX_TERMS {
                return Err(invalid(format!(
                    "rule `{name}`: recipients lists more than {MAX_TERMS} addresses"
                )));
            }
            compiled.push(CompiledRule {
                recipients: when
                    .recipients
                    .iter()
                    .map(|r| r.trim().to_lowercase())
                    .collect(),
                subject_any: Phrases::new(&when.subject_any, "subject_any", name)?,
                body_any: Phrases::new(&when.body_any, "body_any", name)?,
                keywords_any: Phrases::new(&when.keywords_any, "keywords_any", name)?,
                keywords_none: Phrases::new(&when.keywords_none, "keywords_none", name)?,
            });
        }
        Ok(IntakeRules {
            def,
            case_number,
            compiled,
        })
    }

    /// The definition.
    pub fn def(&self) -> &IntakeRulesDef {
        &self.def
    }

    /// The case number a subject names, if any.
    pub fn case_number_in<'s>(&self, subject: &'s str) -> Option<&'s str> {
        let found = self.case_number.captures(subject)?;
        found.get(1).or_else(|| found.get(0)).map(|m| m.as_str())
    }

    /// The first rule that matches, or `None` (the default action applies).
    pub fn decide(&self, facts: &MessageFacts<'_>) -> Option<&IntakeRule> {
        let subject: HashSet<&str> = facts.subject.iter().map(String::as_str).collect();
        let body: HashSet<&str> = facts.body.iter().map(String::as_str).collect();
        self.def
            .rules
            .iter()
            .zip(&self.compiled)
            .find(|(rule, compiled)| matches(rule, compiled, facts, &subject, &body))
            .map(|(rule, _)| rule)
    }
}

fn matches(
    rule: &IntakeRule,
    compiled: &CompiledRule,
    facts: &MessageFacts<'_>,
    subject: &HashSet<&str>,
    body: &HashSet<&str>,
) -> bool {
    let when = &rule.when;
    if !when.channels.is_empty() && !facts.channel.is_some_and(|c| when.channels.contains(&c)) {
        return false;
    }
    if !compiled.recipients.is_empty()
        && !facts.recipient.as_deref().is_some_and(|to| {
            compiled
                .recipients
                .iter()
                .any(|r| match r.strip_prefix('*') {
                    Some(suffix) => to.ends_with(suffix),
                    None => r == to,
                })
        })
    {
        return false;
    }
    if let Some(sender) = when.sender {
        if (sender == SenderCondition::Known) != facts.sender_known {
            return false;
        }
    }
    if !when.accounts.is_empty() && !facts.accounts.iter().any(|a| when.accounts.contains(a)) {
        return false;
    }
    if when.automatic.is_some_and(|a| a != facts.automatic) {
        return false;
    }
    if when
        .belongs_to_case
        .is_some_and(|b| b != facts.belongs_to_case)
    {
        return false;
    }
    if when
        .body_max_words
        .is_some_and(|max| facts.body.len() > max)
    {
        return false;
    }
    if !compiled.subject_any.is_empty() && !compiled.subject_any.any_in(&facts.subject, subject) {
        return false;
    }
    if !compiled.body_any.is_empty() && !compiled.body_any.any_in(&facts.body, body) {
        return false;
    }
    if !compiled.keywords_any.is_empty()
        && !compiled.keywords_any.any_in(&facts.subject, subject)
        && !compiled.keywords_any.any_in(&facts.body, body)
    {
        return false;
    }
    if compiled.keywords_none.any_in(&facts.subject, subject)
        || compiled.keywords_none.any_in(&facts.body, body)
    {
        return false;
    }
    true
}
