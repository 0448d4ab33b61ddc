//! ShareGPT as LLaMA-Factory reads it: `{"conversations": [{"from", "value"}], "system",
//! "tools"}`.
//!
//! `human` and `observation` turns sit at odd positions, `gpt` and `function_call` turns at even
//! ones, so the sides alternate: consecutive turns of one side are merged (blank line between
//! texts), and what an assistant says while calling tools is not kept (a `gpt` turn cannot
//! precede a `function_call` turn). A `function_call` value is `{"name", "arguments"}` as JSON
//! text, or a JSON array of them for parallel calls; the `observation` that follows holds the
//! result, or a JSON array of the results in call order. `tools` is the tool list as JSON text.

use crate::agent::dialogue::{Dialogue, Role};
use crate::agent::tool::Tool;
use crate::json::JsonWriter;

#[derive(Clone, Copy, PartialEq, Eq)]
enum From {
    Human,
    Gpt,
    FunctionCall,
    Observation,
}

impl From {
    fn name(self) -> &'static str {
        match self {
            From::Human => "human",
            From::Gpt => "gpt",
            From::FunctionCall => "function_call",
            From::Observation => "observation",
        }
    }
}

pub fn emit(
    d: &Dialogue,
    tools: &[Tool],
    tools_json: Option<&str>,
    scratch: &mut String,
    w: &mut JsonWriter,
) {
    w.begin_object();
    w.key("conversations");
    w.begin_array();
    let msgs = d.msgs();
    let mut i = 0;
    while i < msgs.len() {
        let m = &msgs[i];
        scratch.clear();
        let from = match m.role {
            Role::Assistant if !m.calls.is_empty() => {
                let calls = &d.calls()[m.calls.clone()];
                let many = calls.len() > 1;
                if many {
                    scratch.push('[');
                }
                for (k, call) in calls.iter().enumerate() {
                    if k > 0 {
                        scratch.push(',');
                    }
                    scratch.push_str("{\"name\":");
                    push_json_str(scratch, &tools[call.tool].name);
                    scratch.push_str(",\"arguments\":");
                    scratch.push_str(&call.args);
                    scratch.push('}');
                }
                if many {
                    scratch.push(']');
                }
                i += 1;
                From::FunctionCall
            }
            Role::Tool => {
                let start = i;
                while i < msgs.len() && msgs[i].role == Role::Tool {
                    i += 1;
                }
                let many = i - start > 1;
                if many {
                    scratch.push('[');
                }
                for (k, r) in msgs[start..i].iter().enumerate() {
                    if k > 0 {
                        scratch.push(',');
                    }
                    scratch.push_str(&r.text);
                }
                if many {
                    scratch.push(']');
                }
                From::Observation
            }
            role => {
                // Merge a run of plain turns of one side.
                while i < msgs.len() && msgs[i].role == role && msgs[i].calls.is_empty() {
                    if !scratch.is_empty() {
                        scratch.push_str("\n\n");
                    }
                    scratch.push_str(&msgs[i].text);
                    i += 1;
                }
                if role == Role::User {
                    From::Human
                } else {
                    From::Gpt
                }
            }
        };
        w.begin_object();
        w.key("from");
        w.str(from.name());
        w.key("value");
        w.str(scratch);
        w.end_object();
    }
    w.end_array();
    if !d.system.is_empty() {
        w.key("system");
        w.str(&d.system);
    }
    if let Some(json) = tools_json {
        w.key("tools");
        w.str(json);
    }
    // The user, when it is a persona: metadata next to the format's own keys.
    crate::agent::user::emit_member(d, w);
    w.end_object();
}

/// Appends `s` as a JSON string literal.
fn push_json_str(out: &mut String, s: &str) {
    let mut buf = Vec::with_capacity(s.len() + 2);
    crate::json::escape_into(&mut buf, s);
    out.push_str(std::str::from_utf8(&buf).unwrap_or("\"\""));
}
