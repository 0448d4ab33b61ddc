//! The reference graph of a document, checked before anything compiles it: every subschema
//! reachable from the root, its in-place edges (`$ref`, `$dynamicRef`, `$recursiveRef`,
//! `allOf`/`anyOf`/`oneOf`, `not`, `if`/`then`/`else`, `dependentSchemas`) and its data edges
//! (`properties`, `items`, ...: they step into a child of the instance).
//!
//! Two things are refused here, with the JSON pointer at fault, because the compilers and the
//! validator recurse along these edges:
//! - a cycle of in-place edges (`{"$ref": "#"}`, `{"oneOf": [{"$ref": "#"}]}`): it never steps
//!   into the data, so no instance could ever be finished or checked;
//! - a chain of subschemas longer than [`MAX_CHAIN`] (10,000 chained `$ref`s): the walk would
//!   exhaust the stack.
//!
//! The walk itself is iterative (an explicit stack), so it cannot overflow.

use std::collections::HashMap;

use serde_json::Value;

use super::doc::{Doc, Draft};
use super::pointer_token;
use crate::error::{Error, Result};

/// The longest chain of nested subschemas (through references or nesting) ferrosynth compiles.
pub const MAX_CHAIN: usize = 512;
/// The most subschemas one document may hold (far above the largest SchemaStore schema).
pub const MAX_SUBSCHEMAS: usize = 1_000_000;

/// Keywords holding one subschema that applies to the instance itself.
const IN_PLACE_ONE: &[&str] = &["not", "if", "then", "else"];
/// Keywords holding arrays of subschemas that apply to the instance itself.
const IN_PLACE_MANY: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords holding one subschema that applies to a part of the instance.
const DATA_ONE: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
];
/// Keywords mapping names to subschemas that apply to parts of the instance.
const DATA_MAPS: &[&str] = &["properties", "patternProperties"];

/// One subschema on the walk's path: its pointer, its edges `(target, in_place)`, and the
/// next edge to follow.
type Frame = (String, Vec<(String, bool)>, usize);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// On the current path of the walk.
    Open,
    /// Finished; the number is the longest chain below it.
    Done(usize),
}

/// Edges of the subschema at `ptr`: `(target, in_place)`.
fn edges(doc: &Doc, ptr: &str, map: &serde_json::Map<String, Value>) -> Vec<(String, bool)> {
    let at = |k: &str| format!("{ptr}/{}", pointer_token(k));
    let mut out = Vec::new();
    if let Some(Value::String(r)) = map.get("$ref") {
        if let Ok(t) = doc.resolve(ptr, r) {
            out.push((t, true));
        }
        if doc.draft.ref_overrides_siblings() {
            return out;
        }
    }
    for key in ["$dynamicRef", "$recursiveRef"] {
        if let Some(Value::String(r)) = map.get(key) {
            if let Ok(t) = doc.resolve(ptr, r) {
                out.push((t, true));
            }
            // Dynamic resolution may land on any anchor of the same name.
            let name = if key == "$recursiveRef" {
                String::new()
            } else {
                r.rsplit_once('#').map_or("", |(_, f)| f).to_owned()
            };
            for a in doc.dyn_anchors.iter().filter(|a| a.name == name) {
                out.push((a.ptr.clone(), true));
            }
        }
    }
    for key in IN_PLACE_ONE {
        if map.contains_key(*key) && (!key.starts_with('i') || doc.draft >= Draft::D7) {
            out.push((at(key), true));
        }
    }
    for key in IN_PLACE_MANY {
        if let Some(Value::Array(items)) = map.get(*key) {
            out.extend((0..items.len()).map(|i| (format!("{}/{i}", at(key)), true)));
        }
    }
    for key in ["dependentSchemas", "dependencies"] {
        if let Some(Value::Object(deps)) = map.get(key) {
            for (name, dep) in deps {
                if matches!(dep, Value::Object(_) | Value::Bool(_)) {
                    out.push((format!("{}/{}", at(key), pointer_token(name)), true));
                }
            }
        }
    }
    for key in DATA_ONE {
        match map.get(*key) {
            Some(Value::Array(items)) => {
                out.extend((0..items.len()).map(|i| (format!("{}/{i}", at(key)), false)))
            }
            Some(Value::Object(_) | Value::Bool(_)) => out.push((at(key), false)),
            _ => {}
        }
    }
    if let Some(Value::Array(items)) = map.get("prefixItems") {
        out.extend((0..items.len()).map(|i| (format!("{}/{i}", at("prefixItems")), false)));
    }
    for key in DATA_MAPS {
        if let Some(Value::Object(m)) = map.get(*key) {
            out.extend(
                m.keys()
                    .map(|k| (format!("{}/{}", at(key), pointer_token(k)), false)),
            );
        }
    }
    out
}

/// Refuses in-place cycles and over-long chains (see the module doc).
pub fn check(doc: &Doc) -> Result<()> {
    let mut marks: HashMap<String, Mark> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let push =
        |ptr: String, marks: &mut HashMap<String, Mark>, stack: &mut Vec<Frame>| -> Result<()> {
            if stack.len() >= MAX_CHAIN {
                return Err(too_deep(ptr));
            }
            if marks.len() >= MAX_SUBSCHEMAS {
                return Err(Error::schema(
                    ptr,
                    format!("the schema has more than {MAX_SUBSCHEMAS} subschemas"),
                ));
            }
            let e = match doc.get(&ptr) {
                Some(Value::Object(map)) => edges(doc, &ptr, map),
                _ => Vec::new(),
            };
            marks.insert(ptr.clone(), Mark::Open);
            stack.push((ptr, e, 0));
            Ok(())
        };
    push(String::new(), &mut marks, &mut stack)?;
    while let Some(top) = stack.len().checked_sub(1) {
        let (ptr, e, next) = &mut stack[top];
        if let Some((target, in_place)) = e.get(*next).cloned() {
            *next += 1;
            let from = ptr.clone();
            match marks.get(&target) {
                None => push(target, &mut marks, &mut stack)?,
                Some(Mark::Open) if in_place => {
                    // A cycle: refused when every edge on it is in place.
                    let start = stack.iter().rposition(|(p, _, _)| *p == target);
                    let in_place_cycle = start.is_some_and(|s| {
                        stack[s..]
                            .iter()
                            .all(|(_, e, n)| e.get(n.wrapping_sub(1)).is_some_and(|x| x.1))
                    });
                    if in_place_cycle {
                        let mut path: Vec<String> = start
                            .map(|s| stack[s..].iter().map(|(p, _, _)| show(p)).collect())
                            .unwrap_or_default();
                        path.push(show(&target));
                        return Err(Error::schema(
                            from,
                            format!(
                                "a cycle of references that never steps into the data \
                                 (no instance could ever be finished): {}",
                                path.join(" -> ")
                            ),
                        ));
                    }
                }
                Some(Mark::Open) => {}
                Some(Mark::Done(depth)) => {
                    if stack.len() + depth > MAX_CHAIN {
                        return Err(too_deep(target));
                    }
                }
            }
            continue;
        }
        // All edges done: the longest chain below this subschema.
        let depth = 1 + e
            .iter()
            .filter_map(|(t, _)| match marks.get(t) {
                Some(Mark::Done(d)) => Some(*d),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let ptr = std::mem::take(ptr);
        marks.insert(ptr, Mark::Done(depth));
        stack.pop();
    }
    Ok(())
}

fn too_deep(ptr: String) -> Error {
    Error::schema(
        ptr,
        format!("subschemas are nested (through $ref or directly) more than {MAX_CHAIN} deep"),
    )
}

fn show(ptr: &str) -> String {
    format!("#{ptr}")
}

#[cfg(test)]
mod tests {
    use super::super::testing::error;
    use serde_json::{json, Map, Value};

    #[test]
    fn a_reference_cycle_outside_the_data_is_a_schema_error_not_a_crash() {
        for schema in [
            json!({"$ref": "#"}),
            json!({"oneOf": [{"type": "string"}, {"$ref": "#"}]}),
            json!({"not": {"$ref": "#"}}),
            json!({"$schema": "https://json-schema.org/draft/2019-09/schema",
                   "$recursiveAnchor": true, "$recursiveRef": "#"}),
            json!({"$id": "https://x.example/a.json", "$ref": "https://x.example/a.json"}),
            json!({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]},
                             "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}),
        ] {
            let (_, reason) = error(schema.clone());
            assert!(
                reason.contains("never steps into the data"),
                "{schema}: {reason}"
            );
        }
    }

    #[test]
    fn recursion_through_the_data_still_compiles() {
        super::super::testing::sample(
            json!({"type": "object", "properties": {"next": {"$ref": "#"}}}),
            20,
        );
        super::super::testing::sample(
            json!({"anyOf": [{"type": "integer"}, {"type": "array", "items": {"$ref": "#"}}]}),
            20,
        );
    }

    #[test]
    fn ten_thousand_chained_references_are_a_schema_error_not_a_crash() {
        let mut defs = Map::new();
        for i in 0..10_000 {
            defs.insert(
                format!("a{i}"),
                json!({"$ref": format!("#/$defs/a{}", i + 1)}),
            );
        }
        defs.insert("a10000".into(), json!({"type": "string"}));
        let schema = json!({"$defs": Value::Object(defs), "$ref": "#/$defs/a0"});
        let (_, reason) = error(schema);
        assert!(reason.contains("nested"), "{reason}");
        let mut deep = json!({"type": "string"});
        for _ in 0..600 {
            deep = json!({"type": "object", "properties": {"x": deep}});
        }
        let (_, reason) = error(deep);
        assert!(reason.contains("nested"), "{reason}");
    }
}
