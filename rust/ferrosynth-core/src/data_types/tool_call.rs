//! `tool_call`: one OpenAI-style call of one of the plan's tools.

use super::{DataType, Row};
use crate::agent::{tool, Tool};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::plan::{compile_tools, Scratch, Spec};
use crate::rng::Rng;
use crate::write::columns::Col;

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    if spec.tools.is_empty() {
        return Err(Error::config("tools", "a tool_call plan needs a tool"));
    }
    Ok(Box::new(ToolCalls(compile_tools(&spec.tools)?)))
}

/// Calls drawn from these tools.
#[derive(Debug, Clone)]
pub struct ToolCalls(pub Vec<Tool>);

impl DataType for ToolCalls {
    fn name(&self) -> &'static str {
        "tool_call"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let tools = &self.0;
        // One tool needs no draw, so a single-tool plan keeps its historical output.
        let t = match tools.len() {
            1 => &tools[0],
            n => &tools[rng.index(n)],
        };
        row.open(w);
        tool::emit_call_members(t, rng, &mut s.ctx, &mut s.args, w);
        w.end_object();
    }

    fn columns(&self) -> Col {
        use Col::{Int, Str};
        Col::fields(&[
            ("index", Int),
            ("id", Str),
            ("type", Str),
            (
                "function",
                Col::fields(&[("name", Str), ("arguments", Str)]),
            ),
        ])
    }
}
