//! Who performs an operation.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Longest actor id accepted, in bytes of UTF-8.
const MAX_ID: usize = 200;

/// The user, agent or system an operation runs as. Every change records its
/// actor (`created_by`, `updated_by`, the audit log).
///
/// ```
/// use casebook::Actor;
/// let agent = Actor::new("agent-7");
/// assert_eq!(agent.id(), "agent-7");
/// assert!(Actor::new("  ").check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    id: String,
}

impl Actor {
    /// An actor with this id. The id is checked when the actor is used: it
    /// must be 1 to 200 bytes of UTF-8 once trimmed.
    pub fn new(id: impl Into<String>) -> Actor {
        let id: String = id.into();
        let trimmed = id.trim();
        Actor {
            id: if trimmed.len() == id.len() {
                id
            } else {
                trimmed.to_string()
            },
        }
    }

    /// The actor's id, as recorded on the records it changes.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The actor's id, after checking it can be recorded.
    pub fn check(&self) -> Result<&str> {
        if self.id.is_empty() || self.id.len() > MAX_ID {
            return Err(Error::InvalidInput(
                "the acting user must be named (1 to 200 characters)".into(),
            ));
        }
        Ok(&self.id)
    }
}
