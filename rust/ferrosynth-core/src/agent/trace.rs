//! The native agent-trace shape, rendered from a [`Dialogue`].
//!
//! Keys, in order: the reference's `trace_id`, `agent`, `task`, `steps`, `final_answer` and
//! `success`, then ferrosynth's `model`, `duration_ms` and `usage` (`input_tokens`,
//! `output_tokens`). Each step has the reference's `step`, `type` and `timestamp` (Unix
//! seconds, strictly increasing) and its content, then `latency_ms` (time until the next step)
//! and `tokens`:
//!
//! - `thought`: `content`, the reasoning before a call (or before a direct answer);
//! - `tool_call`: `tool`, `arguments` (an object valid for the tool's schema), `tool_call_id`;
//!   its latency is the tool's execution time;
//! - `observation`: `content` (the result as JSON text), `tool_call_id` of the call it answers,
//!   `tool`, `status` (`ok` or `error`) and, on failure, `error_type`;
//! - `final_answer`: `content`, equal to the trace's `final_answer`.

use super::dialogue::{tokens_of, Dialogue, Msg, Role};
use super::tool::Tool;
use crate::json::JsonWriter;
use crate::rng::push_uuid;

/// Writes the members of one trace (inside an open object).
pub fn emit_trace_members(
    d: &Dialogue,
    tools: &[Tool],
    model: &str,
    scratch: &mut String,
    w: &mut JsonWriter,
) {
    let msgs = d.msgs();
    scratch.clear();
    push_uuid(scratch, &d.id);
    w.key("trace_id");
    w.str(scratch);
    w.key("agent");
    w.str(&d.agent);
    w.key("task");
    w.str(&msgs[0].text);

    let mut step = 0i64;
    let mut begin = |w: &mut JsonWriter, kind: &str, at_ms: i64| {
        w.begin_object();
        w.key("step");
        w.int(step);
        w.key("type");
        w.str(kind);
        w.key("timestamp");
        w.float(at_ms as f64 / 1000.0);
        step += 1;
    };
    let timing = |w: &mut JsonWriter, latency: i64, tokens: u32| {
        w.key("latency_ms");
        w.int(latency);
        w.key("tokens");
        w.int(i64::from(tokens));
    };
    w.key("steps");
    w.begin_array();
    let last = msgs.len() - 1;
    for (i, m) in msgs.iter().enumerate().skip(1) {
        match m.role {
            Role::Assistant if !m.calls.is_empty() => {
                begin(w, "thought", m.start_ms);
                w.key("content");
                w.str(m.shown());
                timing(w, m.latency_ms, tokens_of(m.shown()));
                w.end_object();
                for (k, call) in d.calls()[m.calls.clone()].iter().enumerate() {
                    let result = &msgs[i + 1 + k];
                    begin(w, "tool_call", result.start_ms);
                    w.key("tool");
                    w.str(&tools[call.tool].name);
                    w.key("arguments");
                    w.raw(call.args.as_bytes());
                    timing(w, result.latency_ms, tokens_of(&call.args) + 8);
                    w.key("tool_call_id");
                    push_call_id(w, scratch, &call.id);
                    w.end_object();
                }
            }
            Role::Tool => {
                let call = d.call(m.answers);
                let at = m.start_ms + m.latency_ms;
                begin(w, "observation", at);
                w.key("content");
                w.str(&m.text);
                timing(
                    w,
                    msgs.get(i + 1).map_or(0, |n: &Msg| n.start_ms - at),
                    m.tokens,
                );
                w.key("tool_call_id");
                push_call_id(w, scratch, &call.id);
                w.key("tool");
                w.str(&tools[call.tool].name);
                w.key("status");
                w.str(if m.error.is_some() { "error" } else { "ok" });
                if let Some(e) = m.error {
                    w.key("error_type");
                    w.str(e.code());
                }
                w.end_object();
            }
            Role::Assistant => {
                let mut at = m.start_ms;
                let mut latency = m.latency_ms;
                if !m.thought.is_empty() {
                    // One model response holds the thought and the answer: split its time.
                    let share = tokens_of(&m.thought);
                    let think = (m.latency_ms * i64::from(share) / i64::from(m.tokens.max(1)))
                        .clamp(1, (m.latency_ms - 1).max(1));
                    begin(w, "thought", at);
                    w.key("content");
                    w.str(&m.thought);
                    timing(w, think, share);
                    w.end_object();
                    at += think;
                    latency -= think;
                }
                begin(w, if i == last { "final_answer" } else { "thought" }, at);
                w.key("content");
                w.str(&m.text);
                timing(w, latency.max(1), tokens_of(&m.text));
                w.end_object();
            }
            Role::User => {}
        }
    }
    w.end_array();

    w.key("final_answer");
    w.str(&msgs[last].text);
    w.key("success");
    w.bool(d.success);
    w.key("model");
    w.str(model);
    w.key("duration_ms");
    w.int(msgs[last].start_ms + msgs[last].latency_ms - msgs[0].start_ms);
    let (input, output) = d.usage();
    w.key("usage");
    w.begin_object();
    w.key("input_tokens");
    w.int(input as i64);
    w.key("output_tokens");
    w.int(output as i64);
    w.end_object();
}

/// Writes `call_` and the call id's body as a JSON string.
pub fn push_call_id(w: &mut JsonWriter, scratch: &mut String, id: &str) {
    scratch.clear();
    scratch.push_str("call_");
    scratch.push_str(id);
    w.str(scratch);
}
