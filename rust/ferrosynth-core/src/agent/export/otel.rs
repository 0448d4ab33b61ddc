//! OpenTelemetry: one OTLP/JSON `ExportTraceServiceRequest` per run (the line format of the
//! Collector's file exporter), with spans named and attributed per the GenAI semantic
//! conventions:
//!
//! - the root `invoke_agent {agent}` span (`INTERNAL`): `gen_ai.operation.name`,
//!   `gen_ai.provider.name`, `gen_ai.agent.name`, `gen_ai.conversation.id`,
//!   `gen_ai.request.model` and the run's `gen_ai.usage.input_tokens`/`output_tokens`; status
//!   `ERROR` with `error.type` when a call failed for good;
//! - a `chat {model}` span (`CLIENT`) per assistant message: the usage of that model call,
//!   `gen_ai.response.finish_reasons` and the opt-in `gen_ai.output.messages` (as JSON text);
//! - an `execute_tool {tool}` span (`INTERNAL`) per call: `gen_ai.tool.name`,
//!   `gen_ai.tool.call.id`, `gen_ai.tool.type`, `gen_ai.tool.description`, the opt-in
//!   `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result` (on success), and on failure
//!   `error.type` with status `ERROR`.
//!
//! With the `persona` constraint the root span also has `user.id`, `user.full_name` and
//! `user.email` and the whole persona as JSON text in `ferrosynth.persona`.
//!
//! IDs are hex as OTLP/JSON requires: the trace id is the run's UUID, span ids derive from it.
//! 64-bit integers (times in nanoseconds, token counts) are decimal strings.

use super::Exporter;
use crate::agent::dialogue::{Dialogue, Role};
use crate::agent::tool::Tool;
use crate::json::JsonWriter;
use crate::rng::mix64;

const INTERNAL: i64 = 1;
const CLIENT: i64 = 3;
const STATUS_ERROR: i64 = 2;

pub fn emit(x: &Exporter, d: &Dialogue, tools: &[Tool], scratch: &mut String, w: &mut JsonWriter) {
    let msgs = d.msgs();
    let seed = u64::from_le_bytes(d.id[..8].try_into().unwrap_or_default());
    let mut trace_id = String::with_capacity(32);
    push_hex(&mut trace_id, &d.id);

    w.begin_object();
    w.key("resourceSpans");
    w.begin_array();
    w.begin_object();
    w.key("resource");
    w.begin_object();
    w.key("attributes");
    w.begin_array();
    attr_str(w, "service.name", &d.agent);
    w.end_array();
    w.end_object();
    w.key("scopeSpans");
    w.begin_array();
    w.begin_object();
    w.key("scope");
    w.begin_object();
    w.key("name");
    w.str("ferrosynth");
    w.key("version");
    w.str(env!("CARGO_PKG_VERSION"));
    w.end_object();
    w.key("spans");
    w.begin_array();

    // The root span.
    let end = msgs.last().map_or(0, |m| m.start_ms + m.latency_ms);
    let start = msgs.first().map_or(0, |m| m.start_ms);
    scratch.clear();
    scratch.push_str("invoke_agent ");
    scratch.push_str(&d.agent);
    let root = span_id(seed, 0);
    begin_span(w, &trace_id, &root, None, scratch, INTERNAL, start, end);
    attr_str(w, "gen_ai.operation.name", "invoke_agent");
    attr_str(w, "gen_ai.provider.name", &x.provider);
    attr_str(w, "gen_ai.agent.name", &d.agent);
    scratch.clear();
    crate::rng::push_uuid(scratch, &d.id);
    attr_str(w, "gen_ai.conversation.id", scratch);
    attr_str(w, "gen_ai.request.model", &x.model);
    let (input, output) = d.usage();
    attr_int(w, "gen_ai.usage.input_tokens", input);
    attr_int(w, "gen_ai.usage.output_tokens", output);
    if !d.persona.is_empty() {
        // The user, when it is a persona: the `user.*` attributes of the semantic conventions
        // and the whole persona as JSON text.
        attr_str(w, "user.id", &d.persona.id);
        attr_str(w, "user.full_name", &d.persona.name);
        attr_str(w, "user.email", &d.persona.email);
        attr_str(w, "ferrosynth.persona", &d.persona.json);
    }
    let failure = (!d.success)
        .then(|| msgs.iter().rev().find_map(|m| m.error))
        .flatten();
    if let Some(e) = failure {
        attr_str(w, "error.type", e.code());
    }
    w.end_array();
    if let Some(e) = failure {
        status_error(w, e.code());
    }
    w.end_object();

    for (i, m) in msgs.iter().enumerate() {
        let id = span_id(seed, i as u64 + 1);
        match m.role {
            Role::User => continue,
            Role::Assistant => {
                scratch.clear();
                scratch.push_str("chat ");
                scratch.push_str(&x.model);
                let stop = m.start_ms + m.latency_ms;
                begin_span(
                    w,
                    &trace_id,
                    &id,
                    Some(&root),
                    scratch,
                    CLIENT,
                    m.start_ms,
                    stop,
                );
                attr_str(w, "gen_ai.operation.name", "chat");
                attr_str(w, "gen_ai.provider.name", &x.provider);
                attr_str(w, "gen_ai.request.model", &x.model);
                attr_str(w, "gen_ai.response.model", &x.model);
                attr_int(w, "gen_ai.usage.input_tokens", u64::from(m.input_tokens));
                attr_int(w, "gen_ai.usage.output_tokens", u64::from(m.tokens));
                let reason = if m.calls.is_empty() {
                    "stop"
                } else {
                    "tool_call"
                };
                w.begin_object();
                w.key("key");
                w.str("gen_ai.response.finish_reasons");
                w.key("value");
                w.begin_object();
                w.key("arrayValue");
                w.begin_object();
                w.key("values");
                w.begin_array();
                w.begin_object();
                w.key("stringValue");
                w.str(reason);
                w.end_object();
                w.end_array();
                w.end_object();
                w.end_object();
                w.end_object();
                output_messages(d, tools, i, reason, scratch);
                attr_str(w, "gen_ai.output.messages", scratch);
                w.end_array();
                w.end_object();
            }
            Role::Tool => {
                let call = d.call(m.answers);
                let tool = &tools[call.tool];
                scratch.clear();
                scratch.push_str("execute_tool ");
                scratch.push_str(&tool.name);
                let stop = m.start_ms + m.latency_ms;
                begin_span(
                    w,
                    &trace_id,
                    &id,
                    Some(&root),
                    scratch,
                    INTERNAL,
                    m.start_ms,
                    stop,
                );
                attr_str(w, "gen_ai.operation.name", "execute_tool");
                attr_str(w, "gen_ai.tool.name", &tool.name);
                scratch.clear();
                scratch.push_str("call_");
                scratch.push_str(&call.id);
                attr_str(w, "gen_ai.tool.call.id", scratch);
                attr_str(w, "gen_ai.tool.type", "function");
                if !tool.description.is_empty() {
                    attr_str(w, "gen_ai.tool.description", &tool.description);
                }
                attr_str(w, "gen_ai.tool.call.arguments", &call.args);
                match m.error {
                    None => attr_str(w, "gen_ai.tool.call.result", &m.text),
                    Some(e) => attr_str(w, "error.type", e.code()),
                }
                w.end_array();
                if let Some(e) = m.error {
                    status_error(w, e.code());
                }
                w.end_object();
            }
        }
    }
    w.end_array();
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_array();
    w.end_object();
}

/// The opt-in `gen_ai.output.messages` of the assistant message `i`, as JSON text.
fn output_messages(d: &Dialogue, tools: &[Tool], i: usize, reason: &str, out: &mut String) {
    let m = &d.msgs()[i];
    let mut w = JsonWriter::from_buf(std::mem::take(out).into_bytes());
    w.buf.clear();
    w.begin_array();
    w.begin_object();
    w.key("role");
    w.str("assistant");
    w.key("parts");
    w.begin_array();
    if !m.shown().is_empty() {
        w.begin_object();
        w.key("type");
        w.str("text");
        w.key("content");
        w.str(m.shown());
        w.end_object();
    }
    for call in &d.calls()[m.calls.clone()] {
        w.begin_object();
        w.key("type");
        w.str("tool_call");
        w.key("id");
        w.raw(b"\"call_");
        w.buf.extend_from_slice(call.id.as_bytes());
        w.buf.push(b'"');
        w.key("name");
        w.str(&tools[call.tool].name);
        w.key("arguments");
        w.raw(call.args.as_bytes());
        w.end_object();
    }
    w.end_array();
    w.key("finish_reason");
    w.str(reason);
    w.end_object();
    w.end_array();
    *out = String::from_utf8(w.buf).unwrap_or_default();
}

/// A non-zero span id derived from the run and the span's position.
fn span_id(seed: u64, k: u64) -> String {
    let v = mix64(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
    let mut s = String::with_capacity(16);
    push_hex(&mut s, &v.to_be_bytes());
    s
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

/// Opens a span object and its `attributes` array.
fn begin_span(
    w: &mut JsonWriter,
    trace_id: &str,
    span_id: &str,
    parent: Option<&str>,
    name: &str,
    kind: i64,
    start_ms: i64,
    end_ms: i64,
) {
    w.begin_object();
    w.key("traceId");
    w.str(trace_id);
    w.key("spanId");
    w.str(span_id);
    if let Some(p) = parent {
        w.key("parentSpanId");
        w.str(p);
    }
    w.key("name");
    w.str(name);
    w.key("kind");
    w.int(kind);
    w.key("startTimeUnixNano");
    nanos(w, start_ms);
    w.key("endTimeUnixNano");
    nanos(w, end_ms);
    w.key("attributes");
    w.begin_array();
}

fn nanos(w: &mut JsonWriter, ms: i64) {
    let mut b = itoa::Buffer::new();
    let digits = b.format(ms);
    w.raw(b"\"");
    w.buf.extend_from_slice(digits.as_bytes());
    w.buf.extend_from_slice(b"000000\"");
}

fn attr_str(w: &mut JsonWriter, key: &str, value: &str) {
    w.begin_object();
    w.key("key");
    w.str(key);
    w.key("value");
    w.begin_object();
    w.key("stringValue");
    w.str(value);
    w.end_object();
    w.end_object();
}

fn attr_int(w: &mut JsonWriter, key: &str, value: u64) {
    w.begin_object();
    w.key("key");
    w.str(key);
    w.key("value");
    w.begin_object();
    w.key("intValue");
    w.str(itoa::Buffer::new().format(value));
    w.end_object();
    w.end_object();
}

fn status_error(w: &mut JsonWriter, message: &str) {
    w.key("status");
    w.begin_object();
    w.key("code");
    w.int(STATUS_ERROR);
    w.key("message");
    w.str(message);
    w.end_object();
}
