//! Anthropic Messages: `{"system", "messages": [{"role", "content": [blocks]}], "tools"}`.
//!
//! Roles alternate `user`/`assistant`, starting with `user`: consecutive messages of one side
//! are merged into one message's blocks. An assistant message holds its text (when not empty)
//! and a `tool_use` block per call (`id` `toolu_…`, `input` an object); the results follow as
//! `tool_result` blocks (`tool_use_id`, `content`, `is_error` on failure) at the start of the
//! next user message, one per `tool_use`.

use crate::agent::dialogue::{Dialogue, Role};
use crate::agent::tool::Tool;
use crate::json::JsonWriter;

pub fn emit(
    d: &Dialogue,
    tools: &[Tool],
    tools_json: Option<&str>,
    scratch: &mut String,
    w: &mut JsonWriter,
) {
    w.begin_object();
    if !d.system.is_empty() {
        w.key("system");
        w.str(&d.system);
    }
    w.key("messages");
    w.begin_array();
    let mut side: Option<bool> = None; // Some(true) while a user message is open
    for m in d.msgs() {
        let user = m.role != Role::Assistant;
        if side != Some(user) {
            if side.is_some() {
                w.end_array();
                w.end_object();
            }
            w.begin_object();
            w.key("role");
            w.str(if user { "user" } else { "assistant" });
            w.key("content");
            w.begin_array();
            side = Some(user);
        }
        match m.role {
            Role::Tool => {
                w.begin_object();
                w.key("type");
                w.str("tool_result");
                w.key("tool_use_id");
                push_tool_use_id(w, scratch, &d.call(m.answers).id);
                w.key("content");
                w.str(&m.text);
                if m.error.is_some() {
                    w.key("is_error");
                    w.bool(true);
                }
                w.end_object();
            }
            _ => {
                let text = m.shown();
                if !text.is_empty() {
                    w.begin_object();
                    w.key("type");
                    w.str("text");
                    w.key("text");
                    w.str(text);
                    w.end_object();
                }
                for call in &d.calls()[m.calls.clone()] {
                    w.begin_object();
                    w.key("type");
                    w.str("tool_use");
                    w.key("id");
                    push_tool_use_id(w, scratch, &call.id);
                    w.key("name");
                    w.str(&tools[call.tool].name);
                    w.key("input");
                    w.raw(call.args.as_bytes());
                    w.end_object();
                }
            }
        }
    }
    if side.is_some() {
        w.end_array();
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

fn push_tool_use_id(w: &mut JsonWriter, scratch: &mut String, id: &str) {
    scratch.clear();
    scratch.push_str("toolu_");
    scratch.push_str(id);
    w.str(scratch);
}
