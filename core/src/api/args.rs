//! The named arguments of one operation, read with the error a host needs
//! when one is missing or of the wrong type.

use crate::actor::Actor;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The arguments object of a call.
pub(super) struct Args<'a>(pub(super) &'a serde_json::Map<String, Value>);

impl Args<'_> {
    /// An argument as given, if present.
    pub(super) fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A required argument.
    pub(super) fn get<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let value = self
            .0
            .get(name)
            .ok_or_else(|| Error::InvalidInput(format!("missing argument `{name}`")))?;
        T::deserialize(value).map_err(|e| Error::InvalidInput(format!("argument `{name}`: {e}")))
    }

    /// An optional argument (absent or `null`: `None`).
    pub(super) fn opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.get(name).map(Some),
        }
    }

    /// A required text argument.
    pub(super) fn str(&self, name: &str) -> Result<&str> {
        match self.0.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(Error::InvalidInput(format!(
                "argument `{name}` must be a string"
            ))),
            None => Err(Error::InvalidInput(format!("missing argument `{name}`"))),
        }
    }

    /// An optional text argument.
    pub(super) fn opt_str(&self, name: &str) -> Result<Option<&str>> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.str(name).map(Some),
        }
    }

    /// An optional flag (absent: false).
    pub(super) fn flag(&self, name: &str) -> Result<bool> {
        Ok(self.opt(name)?.unwrap_or(false))
    }

    /// The `limit` argument, or `default` when absent. Zero is refused: an
    /// answer of nothing is never what a caller means, and "no limit" is
    /// spelt by leaving the argument out.
    pub(super) fn limit(&self, default: usize) -> Result<usize> {
        match self.opt::<usize>("limit")? {
            Some(0) => Err(Error::InvalidInput(
                "argument `limit` must be at least 1 (leave it out for the default)".into(),
            )),
            Some(limit) => Ok(limit),
            None => Ok(default),
        }
    }

    /// A definition given as JSON text or as a JSON value, as text.
    pub(super) fn json_text(&self, name: &str) -> Result<String> {
        match self.0.get(name) {
            Some(Value::String(json)) => Ok(json.clone()),
            Some(value) => Ok(value.to_string()),
            None => Err(Error::InvalidInput(format!("missing argument `{name}`"))),
        }
    }

    /// A duration: seconds (a number) or text (`90m`, `1h 30m`, `PT1H30M`).
    pub(super) fn duration(&self, name: &str) -> Result<jiff::SignedDuration> {
        match self.0.get(name) {
            Some(Value::Number(n)) => {
                n.as_i64()
                    .map(jiff::SignedDuration::from_secs)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!("argument `{name}` must be whole seconds"))
                    })
            }
            Some(Value::String(text)) => text.trim().parse().map_err(|e| {
                Error::InvalidInput(format!(
                    "argument `{name}`: `{text}` is not a duration ({e})"
                ))
            }),
            Some(_) => Err(Error::InvalidInput(format!(
                "argument `{name}` must be seconds or a duration text"
            ))),
            None => Err(Error::InvalidInput(format!("missing argument `{name}`"))),
        }
    }

    /// The actor named by the `by` argument.
    pub(super) fn actor(&self) -> Result<Actor> {
        Ok(Actor::new(self.str("by")?))
    }
}
