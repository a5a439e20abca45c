//! JSON Schema descriptions of the values serde writes as text (instants and
//! dates), for the record schemas the `schema` feature derives. Hosts turn
//! the schemas into their own type declarations (the WebAssembly package
//! turns them into TypeScript).

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// An instant, written as RFC 3339 text in UTC (`2026-03-02T09:00:00Z`).
pub(crate) struct Instant;

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An instant: RFC 3339 text in UTC, such as `2026-03-02T09:00:00Z`."
        })
    }
}

/// A calendar date, written `YYYY-MM-DD`.
pub(crate) struct CivilDate;

impl JsonSchema for CivilDate {
    fn schema_name() -> Cow<'static, str> {
        "CivilDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "A calendar date, `YYYY-MM-DD`."
        })
    }
}
