//! OpenAI-style tool calls whose arguments are generated from, and valid for, the tool's own
//! `parameters` schema.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::rng::Rng;
use crate::schema::{self, EmitCtx, Node};

/// A tool as given by the user: `{name, description, parameters}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub parameters: Option<Value>,
}

/// A compiled tool.
#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    pub params: Node,
}

impl Tool {
    /// Compiles a tool's parameter schema (pointer `/tools/{name}/parameters`).
    pub fn compile(spec: &ToolSpec) -> Result<Self> {
        if spec.name.is_empty() {
            return Err(Error::config("tools", "a tool needs a non-empty name"));
        }
        let pointer = format!("/tools/{}/parameters", schema::pointer_token(&spec.name));
        let params = match &spec.parameters {
            None => Node::Object(Default::default()),
            Some(doc) => schema::compile(doc, &pointer)?,
        };
        if !matches!(params, Node::Object(_)) {
            return Err(Error::schema(
                pointer,
                "tool parameters must be an object schema",
            ));
        }
        Ok(Tool {
            name: spec.name.clone(),
            params,
        })
    }

    /// Writes the arguments object into `args` (cleared first).
    pub fn render_arguments(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, args: &mut JsonWriter) {
        args.buf.clear();
        args.reset_state();
        self.params.emit(rng, ctx, args);
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Appends an OpenAI-style call id: `call_` and 24 base-62 characters.
pub fn push_call_id(out: &mut String, rng: &mut Rng) {
    out.push_str("call_");
    for _ in 0..24 {
        out.push(BASE62[rng.index(62)] as char);
    }
}

/// Writes the `id`, `type` and `function` members of a tool call (inside an open object).
pub fn emit_call_members(
    tool: &Tool,
    rng: &mut Rng,
    ctx: &mut EmitCtx<'_>,
    args: &mut JsonWriter,
    w: &mut JsonWriter,
) {
    ctx.scratch.clear();
    push_call_id(&mut ctx.scratch, rng);
    w.key("id");
    w.str(&ctx.scratch);
    w.key("type");
    w.str("function");
    w.key("function");
    w.begin_object();
    w.key("name");
    w.str(&tool.name);
    tool.render_arguments(rng, ctx, args);
    w.key("arguments");
    // The writer only ever produces UTF-8.
    w.str(std::str::from_utf8(&args.buf).unwrap_or("{}"));
    w.end_object();
}
