//! OpenAI chat fine-tuning: `{"messages": [...], "tools": [...]}`.
//!
//! Messages keep the dialogue's order: `system`, then `user`, `assistant` (with `tool_calls`,
//! whose `arguments` are JSON strings, and `content: null` when it says nothing) and `tool`
//! (with the `tool_call_id` it answers). `tools` is present when the run had tools.

use crate::agent::dialogue::{Dialogue, Role};
use crate::agent::tool::Tool;
use crate::agent::trace::push_call_id;
use crate::agent::turns::write_tool_calls;
use crate::json::JsonWriter;

pub fn emit(
    d: &Dialogue,
    tools: &[Tool],
    tools_json: Option<&str>,
    scratch: &mut String,
    w: &mut JsonWriter,
) {
    w.begin_object();
    w.key("messages");
    w.begin_array();
    if !d.system.is_empty() {
        w.begin_object();
        w.key("role");
        w.str("system");
        w.key("content");
        w.str(&d.system);
        w.end_object();
    }
    for m in d.msgs() {
        w.begin_object();
        w.key("role");
        w.str(m.role.name());
        if m.role == Role::Tool {
            w.key("tool_call_id");
            push_call_id(w, scratch, &d.call(m.answers).id);
        }
        w.key("content");
        match m.shown() {
            "" if !m.calls.is_empty() => w.null(),
            text => w.str(text),
        }
        if !m.calls.is_empty() {
            w.key("tool_calls");
            write_tool_calls(&d.calls()[m.calls.clone()], tools, scratch, w);
        }
        w.end_object();
    }
    w.end_array();
    if let Some(json) = tools_json {
        w.key("tools");
        w.raw(json.as_bytes());
    }
    // The user, when it is a persona: metadata next to the format's own keys.
    crate::agent::user::emit_member(d, w);
    w.end_object();
}
