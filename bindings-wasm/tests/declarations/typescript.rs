//! JSON Schema, as schemars writes it (draft 2020-12), to TypeScript
//! declarations: objects with required and optional properties, `$ref`s,
//! string enums, `oneOf`/`anyOf` unions (internally and externally tagged
//! enums among them), arrays, maps, tuples, nullable values, numbers and any
//! JSON. Descriptions become JSDoc.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

const INDENT: &str = "    ";
const DEFS: &str = "#/$defs/";

/// A TypeScript type, before layout.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    /// A name: a primitive, a declared type or a type parameter.
    Named(String),
    /// A literal, as JSON text.
    Literal(String),
    Array(Box<Ty>),
    Tuple(Vec<Ty>, Option<Box<Ty>>),
    Record(Box<Ty>),
    Object(Vec<Prop>),
    Union(Vec<Member>),
    Intersection(Vec<Ty>),
}

#[derive(Debug, Clone, PartialEq)]
struct Prop {
    name: String,
    ty: Ty,
    optional: bool,
    doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Member {
    ty: Ty,
    doc: Option<String>,
}

fn named(name: &str) -> Ty {
    Ty::Named(name.to_string())
}

/// The declaration of `header` (a name, with type parameters if any) as
/// `schema` describes it: an interface for a plain object, a type alias
/// otherwise, with the schema's description as JSDoc.
pub fn declaration(header: &str, schema: &Value) -> String {
    let ty = ty_of(schema);
    let mut out = jsdoc(doc_of(schema, &ty).as_deref(), 0);
    match &ty {
        Ty::Object(props) if !props.is_empty() => {
            out.push_str(&format!(
                "export interface {header} {}\n",
                object(props, 0, true)
            ));
        }
        _ => out.push_str(&format!(
            "export type {header} ={};\n",
            spaced(&print(&ty, 0))
        )),
    }
    out
}

/// The names every `$ref` of `schema` points to.
pub fn refs(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => {
                        out.insert(ref_name(target));
                    }
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

fn ref_name(target: &str) -> String {
    let name = target
        .strip_prefix(DEFS)
        .unwrap_or_else(|| panic!("`{target}` is not a reference to a definition"));
    // JSON Pointer escapes; schemars writes other characters as they are.
    name.replace("~1", "/").replace("~0", "~")
}

// ----- schemas to types -----

fn ty_of(schema: &Value) -> Ty {
    let map = match schema {
        Value::Bool(true) => return named("Value"),
        Value::Bool(false) => return named("never"),
        Value::Object(map) => map,
        other => panic!("not a schema: {other}"),
    };
    // A type parameter of a generic declaration (see `TypeParameter`).
    if let Some(Value::String(name)) = map.get("x-type-parameter") {
        return named(name);
    }
    let base = base_of(map);
    let mut parts: Vec<Ty> = base.into_iter().collect();
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            parts.push(union(members.iter().map(member).collect()));
        }
    }
    if let Some(Value::Array(all)) = map.get("allOf") {
        parts.extend(all.iter().map(ty_of));
    }
    match parts.len() {
        0 => named("Value"),
        1 => parts.remove(0),
        _ => Ty::Intersection(parts),
    }
}

/// The type a schema gives besides its `oneOf`, `anyOf` and `allOf`.
fn base_of(map: &Map<String, Value>) -> Option<Ty> {
    if let Some(Value::String(target)) = map.get("$ref") {
        return Some(Ty::Named(ref_name(target)));
    }
    if let Some(value) = map.get("const") {
        return Some(Ty::Literal(value.to_string()));
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let members = values.iter().map(|v| Member {
            ty: Ty::Literal(v.to_string()),
            doc: None,
        });
        return Some(union(members.collect()));
    }
    match map.get("type") {
        Some(Value::String(kind)) => Some(of_kind(kind, map)),
        Some(Value::Array(kinds)) => {
            let members = kinds.iter().map(|kind| Member {
                ty: of_kind(kind.as_str().unwrap_or("?"), map),
                doc: None,
            });
            Some(union(members.collect()))
        }
        Some(other) => panic!("`type` is {other}"),
        None if ["properties", "additionalProperties"]
            .iter()
            .any(|k| map.contains_key(*k)) =>
        {
            Some(object_of(map))
        }
        None if ["items", "prefixItems"]
            .iter()
            .any(|k| map.contains_key(*k)) =>
        {
            Some(array_of(map))
        }
        None => None,
    }
}

fn of_kind(kind: &str, map: &Map<String, Value>) -> Ty {
    match kind {
        "string" if map.get("format").and_then(Value::as_str) == Some("uuid") => named("Uuid"),
        "string" => named("string"),
        "integer" | "number" => named("number"),
        "boolean" => named("boolean"),
        "null" => named("null"),
        "array" => array_of(map),
        "object" => object_of(map),
        other => panic!("unknown JSON Schema type `{other}`"),
    }
}

fn array_of(map: &Map<String, Value>) -> Ty {
    let count = |key: &str| map.get(key).and_then(Value::as_u64);
    let items = map.get("items");
    if let Some(Value::Array(prefix)) = map.get("prefixItems") {
        let closed =
            items == Some(&Value::Bool(false)) || count("maxItems") == Some(prefix.len() as u64);
        let rest = match items {
            _ if closed => None,
            Some(items) => Some(Box::new(ty_of(items))),
            None => Some(Box::new(named("Value"))),
        };
        return Ty::Tuple(prefix.iter().map(ty_of).collect(), rest);
    }
    let item = items.map(ty_of).unwrap_or_else(|| named("Value"));
    match (count("minItems"), count("maxItems")) {
        // A fixed-size array (`[T; N]`) as a tuple.
        (Some(min), Some(max)) if min == max && (1..=8).contains(&min) => {
            Ty::Tuple(vec![item; min as usize], None)
        }
        _ => Ty::Array(Box::new(item)),
    }
}

fn object_of(map: &Map<String, Value>) -> Ty {
    let required: Vec<&str> = match map.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let empty = Map::new();
    let properties = match map.get("properties") {
        Some(Value::Object(properties)) => properties,
        _ => &empty,
    };
    // serde_json keeps properties sorted by name, losing the declaration
    // order: required ones come first, in their declared order, then the
    // optional ones by name.
    let mut names: Vec<&str> = required
        .iter()
        .copied()
        .filter(|name| properties.contains_key(*name))
        .collect();
    names.extend(
        properties
            .keys()
            .map(String::as_str)
            .filter(|name| !required.contains(name)),
    );
    let props: Vec<Prop> = names
        .into_iter()
        .map(|name| {
            let schema = &properties[name];
            let optional = !required.contains(&name);
            let mut ty = ty_of(schema);
            if optional {
                // serde leaves out an absent value (`skip_serializing_if`)
                // rather than writing null, and takes a missing key for one.
                ty = without_null(ty);
            }
            Prop {
                name: casebook_wasm::js_names::js_name(name).into_owned(),
                doc: doc_of(schema, &ty),
                ty,
                optional,
            }
        })
        .collect();
    let extra = match map.get("additionalProperties") {
        None | Some(Value::Bool(true)) => None,
        Some(Value::Bool(false)) => Some(named("never")),
        Some(schema) => Some(ty_of(schema)),
    };
    match extra {
        _ if props.is_empty() => Ty::Record(Box::new(extra.unwrap_or_else(|| named("Value")))),
        Some(extra) if extra != named("never") => {
            Ty::Intersection(vec![Ty::Object(props), Ty::Record(Box::new(extra))])
        }
        _ => Ty::Object(props),
    }
}

fn member(schema: &Value) -> Member {
    Member {
        ty: ty_of(schema),
        doc: schema
            .get("description")
            .and_then(Value::as_str)
            .map(clean_doc),
    }
}

/// A union of `members`, flattening nested unions and dropping repeats;
/// any JSON absorbs everything else.
fn union(members: Vec<Member>) -> Ty {
    let mut flat: Vec<Member> = Vec::new();
    for m in members {
        let inner = match m.ty {
            Ty::Union(inner) => inner,
            ty => vec![Member { ty, doc: m.doc }],
        };
        for m in inner {
            if !flat.iter().any(|f| f.ty == m.ty) {
                flat.push(m);
            }
        }
    }
    if flat.iter().any(|m| m.ty == named("Value")) {
        return named("Value");
    }
    if flat.len() == 1 {
        return flat.remove(0).ty;
    }
    Ty::Union(one_key_at_a_time(flat))
}

/// An externally tagged union (each member an object of one required key,
/// all keys different): each member also gets the others' keys as
/// `?: never`, so that an object with two of the keys fails to compile
/// (TypeScript otherwise accepts it as one member with an extra key).
fn one_key_at_a_time(mut members: Vec<Member>) -> Vec<Member> {
    let keys: Option<Vec<String>> = members
        .iter()
        .map(|m| match &m.ty {
            Ty::Object(props) if props.len() == 1 && !props[0].optional => {
                Some(props[0].name.clone())
            }
            _ => None,
        })
        .collect();
    let Some(keys) = keys else {
        return members;
    };
    if keys.iter().collect::<BTreeSet<_>>().len() != keys.len() {
        return members;
    }
    for member in &mut members {
        if let Ty::Object(props) = &mut member.ty {
            let own = props[0].name.clone();
            for key in keys.iter().filter(|k| **k != own) {
                props.push(Prop {
                    name: key.clone(),
                    ty: named("never"),
                    optional: true,
                    doc: None,
                });
            }
        }
    }
    members
}

fn without_null(ty: Ty) -> Ty {
    match ty {
        Ty::Union(members) => {
            let kept: Vec<Member> = members
                .into_iter()
                .filter(|m| m.ty != named("null"))
                .collect();
            union(kept)
        }
        ty => ty,
    }
}

// ----- documentation -----

/// The JSDoc text of a schema: its description and, for a union of
/// literals, what each literal means.
fn doc_of(schema: &Value, ty: &Ty) -> Option<String> {
    let mut doc = schema
        .get("description")
        .and_then(Value::as_str)
        .map(clean_doc)
        .unwrap_or_default();
    if let Ty::Union(members) = ty {
        let literals: Vec<String> = members
            .iter()
            .filter_map(|m| match (&m.ty, &m.doc) {
                (Ty::Literal(text), Some(what)) => {
                    let text = text.trim_matches('"');
                    let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
                    Some(format!("- `{text}`: {what}"))
                }
                _ => None,
            })
            .collect();
        if !literals.is_empty() {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&literals.join("\n"));
        }
    }
    (!doc.is_empty()).then_some(doc)
}

/// A Rust doc comment as JSDoc text: Rust examples left out, intra-doc
/// links as plain code, no `*/`.
pub fn clean_doc(text: &str) -> String {
    let mut lines = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            lines.push(plain_links(line.trim_end()));
        }
    }
    let mut out = String::new();
    for line in lines {
        // No two blank lines in a row, none at the start.
        if line.is_empty() && (out.is_empty() || out.ends_with("\n\n")) {
            continue;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.trim_end().replace("*/", "*\\/")
}

/// `` [`Name`] ``, `` [`Name`](path) `` and `[text](path)` as `` `Name` ``
/// and `text`; links to web pages, other brackets and code spans stay.
fn plain_links(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let Some(at) = rest.find(['[', '`']) else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('`') {
            // A code span, copied as it is.
            let end = rest[1..].find('`').map_or(rest.len(), |end| end + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some((text, target, tail)) = link(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        match target {
            Some(url) if url.starts_with("http") => out.push_str(&format!("[{text}]({url})")),
            _ => out.push_str(text),
        }
        rest = tail;
    }
}

/// The rustdoc link at the start of `text` (`[text]`, `[text](target)` or
/// `[text][name]`): its text, its target and what follows. A bare `[text]`
/// is a link only when its text is code.
fn link(text: &str) -> Option<(&str, Option<&str>, &str)> {
    let inner = text.strip_prefix('[')?;
    let end = code_aware_find(inner, ']')?;
    let (label, tail) = (&inner[..end], &inner[end + 1..]);
    if let Some(target) = tail.strip_prefix('(') {
        let close = target.find(')')?;
        return Some((label, Some(&target[..close]), &target[close + 1..]));
    }
    if let Some(name) = tail.strip_prefix('[') {
        let close = name.find(']')?;
        return Some((label, None, &name[close + 1..]));
    }
    let is_code = label.starts_with('`') && label.ends_with('`') && label.len() > 1;
    is_code.then_some((label, None, tail))
}

/// The first `wanted` of `text` outside code spans.
fn code_aware_find(text: &str, wanted: char) -> Option<usize> {
    let mut in_code = false;
    for (at, c) in text.char_indices() {
        match c {
            '`' => in_code = !in_code,
            c if c == wanted && !in_code => return Some(at),
            _ => {}
        }
    }
    None
}

fn jsdoc(doc: Option<&str>, level: usize) -> String {
    let pad = INDENT.repeat(level);
    match doc {
        None => String::new(),
        Some(doc) if !doc.contains('\n') => format!("{pad}/** {doc} */\n"),
        Some(doc) => {
            let mut out = format!("{pad}/**\n");
            for line in doc.lines() {
                match line {
                    "" => out.push_str(&format!("{pad} *\n")),
                    line => out.push_str(&format!("{pad} * {line}\n")),
                }
            }
            out.push_str(&format!("{pad} */\n"));
            out
        }
    }
}

// ----- layout -----

/// `ty` as TypeScript, for a position indented `level` times.
fn print(ty: &Ty, level: usize) -> String {
    match ty {
        Ty::Named(name) => name.clone(),
        Ty::Literal(text) => text.clone(),
        Ty::Array(item) => format!("{}[]", operand(item, level)),
        Ty::Tuple(items, rest) => {
            let mut parts: Vec<String> = items.iter().map(|t| print(t, level)).collect();
            if let Some(rest) = rest {
                parts.push(format!("...{}[]", operand(rest, level)));
            }
            format!("[{}]", parts.join(", "))
        }
        Ty::Record(value) => format!("Record<string, {}>", print(value, level)),
        Ty::Object(props) => object(props, level, false),
        Ty::Intersection(parts) => parts
            .iter()
            .map(|t| operand(t, level))
            .collect::<Vec<_>>()
            .join(" & "),
        Ty::Union(members) => {
            let printed: Vec<String> = members.iter().map(|m| print(&m.ty, level + 1)).collect();
            let documented = members
                .iter()
                .any(|m| m.doc.is_some() && !matches!(m.ty, Ty::Literal(_)));
            if !documented && printed.iter().all(|p| !p.contains('\n')) {
                return printed.join(" | ");
            }
            // One member a line, each after its description.
            let pad = INDENT.repeat(level + 1);
            let mut out = String::new();
            for (m, text) in members.iter().zip(printed) {
                out.push('\n');
                if !matches!(m.ty, Ty::Literal(_)) {
                    out.push_str(&jsdoc(m.doc.as_deref(), level + 1));
                }
                out.push_str(&format!("{pad}| {text}"));
            }
            out
        }
    }
}

/// `ty` as an operand of `[]` or `&`: unions in parentheses.
fn operand(ty: &Ty, level: usize) -> String {
    match ty {
        Ty::Union(_) | Ty::Intersection(_) => format!("({})", print(ty, level)),
        _ => print(ty, level),
    }
}

/// An object type; on one line when nothing in it is documented, unless `block`.
fn object(props: &[Prop], level: usize, block: bool) -> String {
    let printed: Vec<String> = props.iter().map(|p| print(&p.ty, level + 1)).collect();
    let line = |p: &Prop, text: &str| {
        let name = if is_identifier(&p.name) {
            p.name.clone()
        } else {
            Value::String(p.name.clone()).to_string()
        };
        let mark = if p.optional { "?" } else { "" };
        format!("{name}{mark}:{}", spaced(text))
    };
    if !block && props.iter().all(|p| p.doc.is_none()) && printed.iter().all(|t| !t.contains('\n'))
    {
        let lines: Vec<String> = props
            .iter()
            .zip(&printed)
            .map(|(p, t)| line(p, t))
            .collect();
        return format!("{{ {} }}", lines.join("; "));
    }
    let pad = INDENT.repeat(level + 1);
    let mut out = String::from("{\n");
    for (p, text) in props.iter().zip(&printed) {
        out.push_str(&jsdoc(p.doc.as_deref(), level + 1));
        out.push_str(&format!("{pad}{};\n", line(p, text)));
    }
    out.push_str(&INDENT.repeat(level));
    out.push('}');
    out
}

/// `text` after a `=` or `:`: a space first, unless it starts on a new line.
fn spaced(text: &str) -> String {
    if text.starts_with('\n') {
        text.to_string()
    } else {
        format!(" {text}")
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests;
