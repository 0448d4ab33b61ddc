//! Compiles a JSON Schema document into a [`Node`] tree, checking satisfiability as it goes.

use serde_json::{Map, Value};

use super::hints;
use super::node::{Format, Node, NumberNode, ObjectNode, Prop, StringNode};
use super::pointer_token;
use crate::error::{Error, Result};

const TYPES: &str = "object, array, string, integer, number, boolean, null";

/// Compiles the schema `doc` found at JSON pointer `pointer`.
pub fn compile(doc: &Value, pointer: &str) -> Result<Node> {
    compile_named(doc, pointer, None)
}

fn compile_named(doc: &Value, pointer: &str, name: Option<&str>) -> Result<Node> {
    let schema = match doc {
        Value::Object(map) => map,
        Value::Bool(true) => return Ok(any_string(name)),
        Value::Bool(false) => {
            return Err(Error::schema(pointer, "the schema `false` admits no value"));
        }
        other => {
            return Err(Error::schema(
                pointer,
                format!(
                    "a schema must be an object or a boolean, got {}",
                    kind_of(other)
                ),
            ));
        }
    };
    if let Some(value) = schema.get("const") {
        return Ok(Node::Const(serialise(value)));
    }
    if let Some(values) = schema.get("enum") {
        let Value::Array(items) = values else {
            return Err(Error::schema(
                format!("{pointer}/enum"),
                "`enum` must be an array",
            ));
        };
        if items.is_empty() {
            return Err(Error::schema(
                format!("{pointer}/enum"),
                "`enum` must not be empty",
            ));
        }
        return Ok(Node::Enum(items.iter().map(serialise).collect()));
    }
    match schema.get("type") {
        None => compile_type(schema, pointer, name, infer_type(schema)),
        Some(Value::String(t)) => compile_type(schema, pointer, name, t),
        Some(Value::Array(types)) => {
            let mut nodes = Vec::with_capacity(types.len());
            for (i, t) in types.iter().enumerate() {
                let Value::String(t) = t else {
                    return Err(Error::schema(
                        format!("{pointer}/type/{i}"),
                        "each entry of `type` must be a string",
                    ));
                };
                nodes.push(compile_type(schema, pointer, name, t)?);
            }
            if nodes.is_empty() {
                return Err(Error::schema(
                    format!("{pointer}/type"),
                    "`type` must not be empty",
                ));
            }
            Ok(if nodes.len() == 1 {
                nodes.pop().unwrap_or(Node::Null)
            } else {
                Node::Choice(nodes)
            })
        }
        Some(other) => Err(Error::schema(
            format!("{pointer}/type"),
            format!(
                "`type` must be a string or an array of strings, got {}",
                kind_of(other)
            ),
        )),
    }
}

/// The type a schema without `type` implies (defaults to `string`, as the reference does).
fn infer_type(schema: &Map<String, Value>) -> &'static str {
    if schema.contains_key("properties") || schema.contains_key("required") {
        "object"
    } else if schema.contains_key("items") || schema.contains_key("minItems") {
        "array"
    } else {
        "string"
    }
}

fn compile_type(
    schema: &Map<String, Value>,
    pointer: &str,
    name: Option<&str>,
    ty: &str,
) -> Result<Node> {
    match ty {
        "object" => compile_object(schema, pointer),
        "array" => compile_array(schema, pointer, name),
        "string" => compile_string(schema, pointer, name),
        "integer" => compile_integer(schema, pointer, name),
        "number" => compile_number(schema, pointer, name),
        "boolean" => Ok(Node::Boolean),
        "null" => Ok(Node::Null),
        other => Err(Error::schema(
            format!("{pointer}/type"),
            format!("unknown type {other:?}; expected one of {TYPES}"),
        )),
    }
}

fn compile_object(schema: &Map<String, Value>, pointer: &str) -> Result<Node> {
    let required: Vec<&str> = match schema.get("required") {
        None => Vec::new(),
        Some(Value::Array(names)) => names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                n.as_str().ok_or_else(|| {
                    Error::schema(
                        format!("{pointer}/required/{i}"),
                        "`required` entries must be strings",
                    )
                })
            })
            .collect::<Result<_>>()?,
        Some(_) => {
            return Err(Error::schema(
                format!("{pointer}/required"),
                "`required` must be an array",
            ));
        }
    };
    let mut props = Vec::new();
    match schema.get("properties") {
        None => {}
        Some(Value::Object(map)) => {
            for (prop_name, sub) in map {
                let at = format!("{pointer}/properties/{}", pointer_token(prop_name));
                props.push(Prop {
                    name: prop_name.clone(),
                    node: compile_named(sub, &at, Some(prop_name))?,
                    required: required.contains(&prop_name.as_str()),
                });
            }
        }
        Some(_) => {
            return Err(Error::schema(
                format!("{pointer}/properties"),
                "`properties` must be an object",
            ));
        }
    }
    // A required name without a property schema still has to appear: any string is valid for it.
    for name in required {
        if !props.iter().any(|p| p.name == name) {
            props.push(Prop {
                name: name.to_owned(),
                node: any_string(Some(name)),
                required: true,
            });
        }
    }
    Ok(Node::Object(ObjectNode { props }))
}

fn compile_array(schema: &Map<String, Value>, pointer: &str, name: Option<&str>) -> Result<Node> {
    let min = count(schema, pointer, "minItems")?;
    let max = count(schema, pointer, "maxItems")?;
    let (min, max) = match (min, max) {
        (None, None) => (1, 5),
        (Some(lo), None) => (lo, lo.max(5)),
        (None, Some(hi)) => (hi.min(1), hi),
        (Some(lo), Some(hi)) => (lo, hi),
    };
    if min > max {
        return Err(Error::schema(
            pointer,
            format!("minItems ({min}) is greater than maxItems ({max})"),
        ));
    }
    let items = match schema.get("items") {
        None => any_string(name),
        Some(sub) => compile_named(sub, &format!("{pointer}/items"), name)?,
    };
    Ok(Node::Array {
        items: Box::new(items),
        min,
        max,
    })
}

fn compile_string(schema: &Map<String, Value>, pointer: &str, name: Option<&str>) -> Result<Node> {
    let min_len = count(schema, pointer, "minLength")?.unwrap_or(0);
    let max_len = count(schema, pointer, "maxLength")?;
    if let Some(max) = max_len {
        if min_len > max {
            return Err(Error::schema(
                pointer,
                format!("minLength ({min_len}) is greater than maxLength ({max})"),
            ));
        }
    }
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .and_then(Format::parse);
    let description = schema.get("description").and_then(Value::as_str);
    let hint = name.and_then(|n| hints::string_hint(n, description));
    Ok(Node::String(StringNode {
        format,
        hint,
        min_len,
        max_len,
    }))
}

fn compile_integer(schema: &Map<String, Value>, pointer: &str, name: Option<&str>) -> Result<Node> {
    let mut lo = bound(schema, pointer, "minimum")?.map(|v| v.ceil());
    let mut hi = bound(schema, pointer, "maximum")?.map(|v| v.floor());
    if let Some(x) = exclusive(schema, pointer, "exclusiveMinimum")? {
        let v = x.floor() + 1.0;
        lo = Some(lo.map_or(v, |l| l.max(v)));
    }
    if let Some(x) = exclusive(schema, pointer, "exclusiveMaximum")? {
        let v = x.ceil() - 1.0;
        hi = Some(hi.map_or(v, |h| h.min(v)));
    }
    let (dlo, dhi) = name.and_then(hints::integer_range).unwrap_or((0, 1000));
    let (lo, hi) = default_bounds(lo, hi, dlo as f64, dhi as f64, 1000.0);
    if lo > hi {
        return Err(Error::schema(
            pointer,
            format!("no integer lies between {lo} and {hi}"),
        ));
    }
    Ok(Node::Integer {
        lo: lo as i64,
        hi: hi as i64,
    })
}

fn compile_number(schema: &Map<String, Value>, pointer: &str, name: Option<&str>) -> Result<Node> {
    let mut lo = bound(schema, pointer, "minimum")?;
    let mut hi = bound(schema, pointer, "maximum")?;
    let ex_lo = exclusive(schema, pointer, "exclusiveMinimum")?;
    let ex_hi = exclusive(schema, pointer, "exclusiveMaximum")?;
    let (dlo, dhi, decimals) = name.and_then(hints::number_range).unwrap_or((0.0, 1.0, 4));
    // Exclusive bounds are honoured by nudging inwards by one unit of the output precision.
    let step = 10f64.powi(-decimals);
    if let Some(x) = ex_lo {
        lo = Some(lo.map_or(x + step, |l| l.max(x + step)));
    }
    if let Some(x) = ex_hi {
        hi = Some(hi.map_or(x - step, |h| h.min(x - step)));
    }
    let (lo, hi) = default_bounds(lo, hi, dlo, dhi, dhi - dlo);
    if lo > hi {
        return Err(Error::schema(
            pointer,
            format!("minimum ({lo}) is greater than maximum ({hi})"),
        ));
    }
    Ok(Node::Number(NumberNode { lo, hi, decimals }))
}

/// Fills missing bounds from the defaults, keeping the range non-empty when only one is given.
fn default_bounds(lo: Option<f64>, hi: Option<f64>, dlo: f64, dhi: f64, width: f64) -> (f64, f64) {
    match (lo, hi) {
        (Some(l), Some(h)) => (l, h),
        (Some(l), None) => (l, if l <= dhi { dhi } else { l + width }),
        (None, Some(h)) => (if h >= dlo { dlo } else { h - width }, h),
        (None, None) => (dlo, dhi),
    }
}

fn bound(schema: &Map<String, Value>, pointer: &str, key: &str) -> Result<Option<f64>> {
    match schema.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(Error::schema(
            format!("{pointer}/{key}"),
            format!("`{key}` must be a number, got {}", kind_of(other)),
        )),
    }
}

/// Draft 6+ numeric `exclusiveMinimum`/`exclusiveMaximum`; draft-4 booleans turn the matching
/// `minimum`/`maximum` exclusive.
fn exclusive(schema: &Map<String, Value>, pointer: &str, key: &str) -> Result<Option<f64>> {
    match schema.get(key) {
        Some(Value::Bool(true)) => {
            let inclusive = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            bound(schema, pointer, inclusive)
        }
        Some(Value::Bool(false)) | None => Ok(None),
        Some(_) => bound(schema, pointer, key),
    }
}

fn count(schema: &Map<String, Value>, pointer: &str, key: &str) -> Result<Option<usize>> {
    match schema.get(key) {
        None => Ok(None),
        Some(v) => v.as_u64().map(|n| Some(n as usize)).ok_or_else(|| {
            Error::schema(
                format!("{pointer}/{key}"),
                format!("`{key}` must be a non-negative integer"),
            )
        }),
    }
}

fn any_string(name: Option<&str>) -> Node {
    Node::String(StringNode {
        format: None,
        hint: name.and_then(|n| hints::string_hint(n, None)),
        min_len: 0,
        max_len: None,
    })
}

fn serialise(value: &Value) -> Box<[u8]> {
    // serde_json only fails on non-string map keys, which a parsed `Value` cannot contain.
    serde_json::to_vec(value)
        .unwrap_or_else(|_| b"null".to_vec())
        .into_boxed_slice()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
