//! The native conversation shape, rendered from a [`Dialogue`]: a list of
//! `ConversationTurn.model_dump()`s, `{role, content, tool_calls}`. Assistant turns that call
//! tools carry OpenAI-style `tool_calls` (`arguments` as a JSON string); `tool` turns add
//! `tool_call_id`, naming the call they answer.

use super::dialogue::{Call, Dialogue, Role};
use super::tool::Tool;
use super::trace::push_call_id;
use crate::json::JsonWriter;

/// Writes the conversation's turns as a JSON array.
pub fn emit_turns(d: &Dialogue, tools: &[Tool], scratch: &mut String, w: &mut JsonWriter) {
    w.begin_array();
    if !d.system.is_empty() {
        turn(w, "system", &d.system);
        w.key("tool_calls");
        w.null();
        w.end_object();
    }
    for m in d.msgs() {
        turn(w, m.role.name(), m.shown());
        w.key("tool_calls");
        if m.calls.is_empty() {
            w.null();
        } else {
            write_tool_calls(&d.calls()[m.calls.clone()], tools, scratch, w);
        }
        if m.role == Role::Tool {
            w.key("tool_call_id");
            push_call_id(w, scratch, &d.call(m.answers).id);
        }
        w.end_object();
    }
    w.end_array();
}

fn turn(w: &mut JsonWriter, role: &str, content: &str) {
    w.begin_object();
    w.key("role");
    w.str(role);
    w.key("content");
    w.str(content);
}

/// Writes OpenAI-style `tool_calls`: `[{id, type: "function", function: {name, arguments}}]`,
/// `arguments` as a JSON string (shared by the native shape and the OpenAI export).
pub fn write_tool_calls(calls: &[Call], tools: &[Tool], scratch: &mut String, w: &mut JsonWriter) {
    w.begin_array();
    for call in calls {
        w.begin_object();
        w.key("id");
        push_call_id(w, scratch, &call.id);
        w.key("type");
        w.str("function");
        w.key("function");
        w.begin_object();
        w.key("name");
        w.str(&tools[call.tool].name);
        w.key("arguments");
        w.str(&call.args);
        w.end_object();
        w.end_object();
    }
    w.end_array();
}
