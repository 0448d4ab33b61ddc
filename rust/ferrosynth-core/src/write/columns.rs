//! Column types for columnar output (Arrow / Parquet), derived from the compiled plan.
//!
//! Every sample maps onto a struct of typed columns: nested objects become structs, arrays
//! become lists. A value with no single Arrow type (mixed-type enums, type unions, tool-call
//! arguments whose shape depends on the tool) becomes a `json` column: a string holding the value
//! serialised as JSON, so nothing is lost and every row has the same schema.

use serde_json::Value;

use crate::agent::Format;
use crate::json::JsonWriter;
use crate::plan::Plan;
use crate::schema::Node;

/// A column type.
#[derive(Debug, Clone, PartialEq)]
pub enum Col {
    Int,
    Float,
    Bool,
    Str,
    Null,
    /// A string holding a JSON value.
    Json,
    List(Box<Col>),
    Struct(Vec<(String, Col)>),
}

impl Col {
    pub(crate) fn list(item: Col) -> Col {
        Col::List(Box::new(item))
    }

    pub(crate) fn fields(fields: &[(&str, Col)]) -> Col {
        Col::Struct(
            fields
                .iter()
                .map(|(n, c)| ((*n).to_owned(), c.clone()))
                .collect(),
        )
    }

    /// Whether rows need rewriting (some value must be turned into a JSON string).
    pub fn has_json(&self) -> bool {
        match self {
            Col::Json => true,
            Col::List(item) => item.has_json(),
            Col::Struct(fields) => fields.iter().any(|(_, c)| c.has_json()),
            _ => false,
        }
    }

    /// Writes this type as JSON (`"int"`, `{"list": …}`, `{"struct": [[name, …], …]}`) for Python.
    pub fn write(&self, w: &mut JsonWriter) {
        match self {
            Col::Int => w.str("int"),
            Col::Float => w.str("float"),
            Col::Bool => w.str("bool"),
            Col::Str => w.str("string"),
            Col::Null => w.str("null"),
            Col::Json => w.str("json"),
            Col::List(item) => {
                w.begin_object();
                w.key("list");
                item.write(w);
                w.end_object();
            }
            Col::Struct(fields) => {
                w.begin_object();
                w.key("struct");
                w.begin_array();
                for (name, col) in fields {
                    w.begin_array();
                    w.str(name);
                    col.write(w);
                    w.end_array();
                }
                w.end_array();
                w.end_object();
            }
        }
    }

    /// Rewrites `value` in place so that every `json` column holds a JSON string.
    pub fn conform(&self, value: &mut Value) {
        match (self, value) {
            (_, Value::Null) => {}
            (Col::Json, v) => {
                let text = serde_json::to_string(v).unwrap_or_default();
                *v = Value::String(text);
            }
            (Col::List(item), Value::Array(items)) => {
                items.iter_mut().for_each(|v| item.conform(v))
            }
            (Col::Struct(fields), Value::Object(map)) => {
                for (name, col) in fields {
                    if let Some(v) = map.get_mut(name) {
                        col.conform(v);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The column type of one sample (the `SyntheticDataset.samples` shape, `index` first), or of
/// one record of the plan's export format.
pub fn sample_columns(plan: &Plan) -> Col {
    if let Some(x) = &plan.export {
        let mut col = export_columns(x.format);
        // With the `persona` constraint the chat formats carry the user's persona as a top-level
        // `persona` object, typed as in the native samples (OTel puts it in span attributes).
        if let (Col::Struct(fields), Col::Struct(native)) = (&mut col, plan.data.columns()) {
            if x.format != Format::Otel {
                fields.extend(native.into_iter().filter(|(name, _)| name == "persona"));
            }
        }
        return col;
    }
    plan.data.columns()
}

/// The column type of one record of a standard format. Everything the format defines as
/// structure is typed (messages, tool calls, tools, content blocks, spans and their
/// attributes), so that a chat template or a `datasets` consumer reads
/// `messages[i].tool_calls[j].function.name` from Parquet as a real field. What the formats
/// themselves define as free-form JSON stays a `json` column: tool `parameters` /
/// `input_schema` (a JSON Schema per tool) and Anthropic `tool_use` `input` (its shape depends on
/// the tool). OpenAI `arguments` and OTel attribute values are JSON *strings* in the formats
/// themselves, so they are plain strings here.
fn export_columns(format: Format) -> Col {
    use Col::{Bool, Int, Json, Str};
    match format {
        Format::Ferrosynth | Format::Otel => {
            let attribute = Col::fields(&[
                ("key", Str),
                (
                    "value",
                    Col::fields(&[
                        ("stringValue", Str),
                        // OTLP/JSON writes 64-bit integers as decimal strings.
                        ("intValue", Str),
                        (
                            "arrayValue",
                            Col::fields(&[(
                                "values",
                                Col::list(Col::fields(&[("stringValue", Str)])),
                            )]),
                        ),
                    ]),
                ),
            ]);
            let attributes = Col::list(attribute);
            let span = Col::fields(&[
                ("traceId", Str),
                ("spanId", Str),
                ("parentSpanId", Str),
                ("name", Str),
                ("kind", Int),
                ("startTimeUnixNano", Str),
                ("endTimeUnixNano", Str),
                ("attributes", attributes.clone()),
                ("status", Col::fields(&[("code", Int), ("message", Str)])),
            ]);
            let scope_spans = Col::fields(&[
                ("scope", Col::fields(&[("name", Str), ("version", Str)])),
                ("spans", Col::list(span)),
            ]);
            let resource_spans = Col::fields(&[
                ("resource", Col::fields(&[("attributes", attributes)])),
                ("scopeSpans", Col::list(scope_spans)),
            ]);
            Col::fields(&[("resourceSpans", Col::list(resource_spans))])
        }
        Format::OpenAi => {
            let call = Col::fields(&[
                ("id", Str),
                ("type", Str),
                (
                    "function",
                    Col::fields(&[("name", Str), ("arguments", Str)]),
                ),
            ]);
            let message = Col::fields(&[
                ("role", Str),
                ("tool_call_id", Str),
                ("content", Str),
                ("tool_calls", Col::list(call)),
            ]);
            let tool = Col::fields(&[
                ("type", Str),
                (
                    "function",
                    Col::fields(&[("name", Str), ("description", Str), ("parameters", Json)]),
                ),
            ]);
            Col::fields(&[("messages", Col::list(message)), ("tools", Col::list(tool))])
        }
        Format::ShareGpt => {
            let turn = Col::fields(&[("from", Str), ("value", Str)]);
            Col::fields(&[
                ("conversations", Col::list(turn)),
                ("system", Str),
                ("tools", Str),
            ])
        }
        Format::Anthropic => {
            // One struct type for every block kind: fields a kind lacks are null.
            let block = Col::fields(&[
                ("type", Str),
                ("text", Str),
                ("id", Str),
                ("name", Str),
                ("input", Json),
                ("tool_use_id", Str),
                ("content", Str),
                ("is_error", Bool),
            ]);
            let message = Col::fields(&[("role", Str), ("content", Col::list(block))]);
            let tool = Col::fields(&[("name", Str), ("description", Str), ("input_schema", Json)]);
            Col::fields(&[
                ("system", Str),
                ("messages", Col::list(message)),
                ("tools", Col::list(tool)),
            ])
        }
    }
}

/// The column type of a schema node.
pub fn node_columns(node: &Node) -> Col {
    columns_of(node, &mut Vec::new())
}

/// `node_columns`, following shared references; a reference already being expanded
/// (recursion) is a `json` column.
fn columns_of(node: &Node, open: &mut Vec<*const crate::schema::Slot>) -> Col {
    let mut rec = |n: &Node| columns_of(n, open);
    match node {
        // Objects with generated extra keys have no fixed fields; objects with no properties at
        // all (`{"type": "object"}`) would be structs without fields, which Parquet cannot
        // store: both are JSON strings (`"{}"`).
        Node::Object(obj) if !obj.extra_values().is_empty() || obj.props.is_empty() => Col::Json,
        Node::Object(obj) => Col::Struct(
            obj.props
                .iter()
                .map(|p| (p.name.clone(), rec(&p.node)))
                .collect(),
        ),
        Node::String(_) => Col::Str,
        Node::Integer { .. } => Col::Int,
        Node::Number(_) => Col::Float,
        Node::Boolean => Col::Bool,
        Node::Null => Col::Null,
        Node::Array { items, .. } => Col::list(rec(items)),
        Node::Enum(values) => unify(values.iter().map(|v| raw_columns(v))),
        Node::Const(value) => raw_columns(value),
        Node::Choice(c) => {
            let cols: Vec<Col> = c.taken().map(rec).collect();
            unify(cols.into_iter())
        }
        Node::Grid(g) if g.is_integral() => Col::Int,
        Node::Grid(_) => Col::Float,
        Node::Tuple(a) => match a.list_item() {
            Some(item) => Col::list(rec(item)),
            None => Col::Json,
        },
        Node::Weighted(e) => unify(e.values.iter().map(|v| raw_columns(v))),
        Node::Checked(c) => rec(c.inner()),
        Node::Ref(link) => match link.slot() {
            Some(slot) if !open.contains(&std::sync::Arc::as_ptr(&slot)) => {
                open.push(std::sync::Arc::as_ptr(&slot));
                let col = slot.node.get().map_or(Col::Json, |n| columns_of(n, open));
                open.pop();
                col
            }
            _ => Col::Json,
        },
    }
}

/// The column type of a serialised JSON scalar (structured constants become `json`).
fn raw_columns(raw: &[u8]) -> Col {
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::String(_)) => Col::Str,
        Ok(Value::Bool(_)) => Col::Bool,
        Ok(Value::Null) => Col::Null,
        Ok(Value::Number(n)) if n.is_i64() || n.is_u64() => Col::Int,
        Ok(Value::Number(_)) => Col::Float,
        _ => Col::Json,
    }
}

/// One type for several alternatives: equal types stay, `null` joins anything (nullable),
/// integers widen to floats, anything else becomes `json`.
fn unify(cols: impl Iterator<Item = Col>) -> Col {
    let mut acc: Option<Col> = None;
    for col in cols {
        acc = Some(match (acc, col) {
            (None, c) => c,
            (Some(a), b) if a == b => a,
            (Some(Col::Null), b) | (Some(b), Col::Null) => b,
            (Some(Col::Int), Col::Float) | (Some(Col::Float), Col::Int) => Col::Float,
            _ => Col::Json,
        });
    }
    acc.unwrap_or(Col::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unify_widens_and_falls_back_to_json() {
        assert_eq!(unify([Col::Int, Col::Float].into_iter()), Col::Float);
        assert_eq!(unify([Col::Null, Col::Str].into_iter()), Col::Str);
        assert_eq!(unify([Col::Str, Col::Int].into_iter()), Col::Json);
    }

    #[test]
    fn objects_without_properties_are_json_not_empty_structs() {
        let schema = crate::schema::Schema::compile(&serde_json::json!({
            "type": "object",
            "properties": {"meta": {"type": "object"}, "n": {"type": "integer"}},
            "required": ["meta", "n"]
        }))
        .unwrap();
        assert_eq!(
            node_columns(&schema.root),
            Col::fields(&[("meta", Col::Json), ("n", Col::Int)])
        );
    }

    #[test]
    fn conform_stringifies_json_columns_only() {
        let col = Col::fields(&[("a", Col::Json), ("b", Col::list(Col::Int))]);
        let mut v = serde_json::json!({"a": {"x": [1, 2]}, "b": [1, 2]});
        col.conform(&mut v);
        assert_eq!(v, serde_json::json!({"a": "{\"x\":[1,2]}", "b": [1, 2]}));
    }
}
