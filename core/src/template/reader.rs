//! Records read straight from JSON text, and the borrowed view of a value
//! that validation reads whether or not the record was parsed.

use super::values::trim;
use super::Template;
use serde_json::Value;

/// One field's value read from JSON text; strings borrow from the text
/// unless they hold escapes.
#[derive(Debug)]
pub(super) enum Slot<'de> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(std::borrow::Cow<'de, str>),
    Array(Vec<Slot<'de>>),
    Object,
}

impl Slot<'_> {
    pub(super) fn raw(&self) -> Raw<'_> {
        match self {
            Slot::Null => Raw::Null,
            Slot::Bool(b) => Raw::Bool(*b),
            Slot::Number(n) => Raw::Number(n),
            Slot::Str(s) => Raw::Str(s),
            Slot::Array(items) => Raw::Array(List::Slots(items)),
            Slot::Object => Raw::Object,
        }
    }
}

struct SlotVisitor;

impl<'de> serde::de::Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Null)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Slot<'de>, E> {
        serde_json::Number::from_f64(v)
            .map(Slot::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Str(std::borrow::Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Slot<'de>, E> {
        Ok(Slot::Str(std::borrow::Cow::Owned(v.to_string())))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Slot<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Slot<'de>>()? {
            items.push(item);
        }
        Ok(Slot::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Slot<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Slot::Object)
    }
}

impl<'de> serde::Deserialize<'de> for Slot<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(SlotVisitor)
    }
}

/// A record read from JSON text: the keys the template does not know (each
/// field's value went into the seed's slots).
pub(super) enum TextRecord<'de> {
    Fields {
        unknown: Vec<std::borrow::Cow<'de, str>>,
    },
    NotAnObject(&'static str),
}

/// Reads a record's fields into `slots`, one per template field.
pub(super) struct RecordSeed<'t, 's, 'de> {
    pub(super) template: &'t Template,
    pub(super) slots: &'s mut [Option<Slot<'de>>],
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_, '_, 'de> {
    type Value = TextRecord<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<TextRecord<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_, '_, 'de> {
    type Value = TextRecord<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<TextRecord<'de>, A::Error> {
        let slots = self.slots;
        let mut unknown = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match self.template.field_index(&key.0) {
                // A repeated key keeps its last value, as in a parsed object.
                Some(i) => slots[i] = Some(map.next_value::<Slot<'de>>()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    unknown.push(key.0);
                }
            }
        }
        Ok(TextRecord::Fields { unknown })
    }
    fn visit_unit<E>(self) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::Fields {
            unknown: Vec::new(),
        })
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<TextRecord<'de>, E> {
        Ok(TextRecord::NotAnObject("text"))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<TextRecord<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(TextRecord::NotAnObject("a list"))
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A borrowed view of a JSON value: what validation reads, whether the
/// record was parsed into a [`Value`] or is read straight from JSON text.
#[derive(Debug, Clone, Copy)]
pub(super) enum Raw<'a> {
    Null,
    Bool(bool),
    Number(&'a serde_json::Number),
    Str(&'a str),
    Array(List<'a>),
    Object,
}

/// The items of a list, parsed or read from JSON text.
#[derive(Debug, Clone, Copy)]
pub(super) enum List<'a> {
    Values(&'a [Value]),
    Slots(&'a [Slot<'a>]),
}

impl<'a> List<'a> {
    pub(super) fn len(self) -> usize {
        match self {
            List::Values(items) => items.len(),
            List::Slots(items) => items.len(),
        }
    }

    fn get(self, i: usize) -> Option<Raw<'a>> {
        match self {
            List::Values(items) => items.get(i).map(Raw::of),
            List::Slots(items) => items.get(i).map(Slot::raw),
        }
    }

    pub(super) fn iter(self) -> impl Iterator<Item = Raw<'a>> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

impl<'a> Raw<'a> {
    pub(super) fn of(value: &'a Value) -> Raw<'a> {
        match value {
            Value::Null => Raw::Null,
            Value::Bool(b) => Raw::Bool(*b),
            Value::Number(n) => Raw::Number(n),
            Value::String(s) => Raw::Str(s),
            Value::Array(items) => Raw::Array(List::Values(items)),
            Value::Object(_) => Raw::Object,
        }
    }

    pub(super) fn type_name(self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "a boolean",
            Raw::Number(_) => "a number",
            Raw::Str(_) => "text",
            Raw::Array(_) => "a list",
            Raw::Object => "an object",
        }
    }

    /// Not captured: null, blank text or an empty list.
    pub(super) fn is_missing(self) -> bool {
        match self {
            Raw::Null => true,
            Raw::Str(s) => trim(s).is_empty(),
            Raw::Array(items) => items.len() == 0,
            _ => false,
        }
    }
}
