//! The names a template may use: identifiers for template ids and field
//! keys, and the keys a profile or case record already has, which no
//! custom field may take.

use super::TemplateKind;

/// A lower-case identifier of at most 64 characters (letters, digits, `_`;
/// also `-` and `.` in a template id).
pub(crate) fn is_identifier(s: &str, template_id: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    s.len() <= 64
        && first.is_ascii_lowercase()
        && s.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || (template_id && (c == '-' || c == '.'))
        })
}

/// Keys of a record of `kind` that custom fields may not use.
pub(super) fn reserved_keys(kind: TemplateKind) -> &'static [&'static str] {
    match kind {
        TemplateKind::Profile => &[
            "id",
            "customer_id",
            "version",
            "template",
            "given_name",
            "family_name",
            "identifications",
            "date_of_birth",
            "contact_points",
            "accounts",
            "assigned_to",
            "fields",
        ],
        TemplateKind::Case => &[
            "id",
            "number",
            "version",
            "template",
            "status",
            "priority",
            "impact",
            "urgency",
            "channel",
            "category",
            "product",
            "asset",
            "support_group",
            "assignee",
            "parent",
            "short_description",
            "description",
            "informed_users",
            "links",
            "fields",
            "resolution_notes",
        ],
    }
}
