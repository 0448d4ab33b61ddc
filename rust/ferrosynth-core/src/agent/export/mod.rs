//! Standard formats rendered from the one internal [`Dialogue`] model, so that a file in any
//! format streams from Rust like the native one. Each JSONL line is one record:
//!
//! - `openai`: OpenAI chat fine-tuning, `{"messages", "tools"}`; assistant `tool_calls` with
//!   `arguments` as JSON strings, `tool` messages with `tool_call_id`.
//! - `sharegpt`: LLaMA-Factory's ShareGPT, `{"conversations", "system", "tools"}`: `human` and
//!   `observation` turns at odd positions, `gpt` and `function_call` turns at even ones.
//! - `anthropic`: Anthropic Messages, `{"system", "messages", "tools"}` with `tool_use` blocks
//!   and `tool_result` blocks inside the following user message.
//! - `otel`: one OTLP/JSON `ExportTraceServiceRequest` per run, with spans that follow the
//!   OpenTelemetry GenAI semantic conventions (`invoke_agent`, `chat`, `execute_tool`).
//!
//! With the `persona` constraint, the `openai`, `sharegpt` and `anthropic` records carry the
//! user's persona as a top-level `persona` object (metadata: the messages are the conversation
//! itself, and no system prompt is invented for it); `otel` puts it on the root span.

mod anthropic;
mod openai;
mod otel;
mod sharegpt;

use super::dialogue::Dialogue;
use super::tool::Tool;
use crate::error::{Error, Result};
use crate::json::JsonWriter;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The native sample shapes (the reference's keys, plus ferrosynth's additions).
    Ferrosynth,
    OpenAi,
    ShareGpt,
    Anthropic,
    Otel,
}

impl Format {
    pub const NAMES: &'static [(&'static str, Format)] = &[
        ("ferrosynth", Format::Ferrosynth),
        ("openai", Format::OpenAi),
        ("sharegpt", Format::ShareGpt),
        ("anthropic", Format::Anthropic),
        ("otel", Format::Otel),
    ];

    /// The format's name, as [`Format::parse`] reads it.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("ferrosynth", |(n, _)| n)
    }

    /// The format called `name`; the error lists the valid names.
    pub fn parse(name: &str) -> Result<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                Error::config(
                    "format",
                    format!(
                        "unknown format {name:?}; expected one of {}",
                        names.join(", ")
                    ),
                )
            })
    }

    /// Whether the format needs the first message after the system prompt to be the user's.
    pub fn needs_user_first(self) -> bool {
        matches!(self, Format::ShareGpt | Format::Anthropic)
    }
}

/// What an exporter knows besides the dialogue: the tools (with their list pre-rendered in the
/// format's own shape, once per plan) and the model.
#[derive(Debug, Clone)]
pub struct Exporter {
    pub format: Format,
    tools_json: String,
    pub model: String,
    pub provider: String,
}

impl Exporter {
    /// An exporter for `format` over `tools`.
    pub fn new(format: Format, tools: &[Tool], model: &str, provider: &str) -> Self {
        let tools_json = if tools.is_empty() {
            String::new()
        } else {
            let mut w = JsonWriter::default();
            w.begin_array();
            for t in tools {
                w.begin_object();
                match format {
                    Format::OpenAi => {
                        w.key("type");
                        w.str("function");
                        w.key("function");
                        w.begin_object();
                        plain_tool(&mut w, t, "parameters");
                        w.end_object();
                    }
                    Format::Anthropic => plain_tool(&mut w, t, "input_schema"),
                    _ => plain_tool(&mut w, t, "parameters"),
                }
                w.end_object();
            }
            w.end_array();
            String::from_utf8(w.buf).unwrap_or_default()
        };
        Exporter {
            format,
            tools_json,
            model: model.to_owned(),
            provider: provider.to_owned(),
        }
    }

    /// Writes one record of `d` (a complete JSON value).
    pub fn emit(&self, d: &Dialogue, tools: &[Tool], scratch: &mut String, w: &mut JsonWriter) {
        let tools_json = (!self.tools_json.is_empty()).then_some(self.tools_json.as_str());
        match self.format {
            Format::Ferrosynth => unreachable!("native shapes are rendered by the plan"),
            Format::OpenAi => openai::emit(d, tools, tools_json, scratch, w),
            Format::ShareGpt => sharegpt::emit(d, tools, tools_json, scratch, w),
            Format::Anthropic => anthropic::emit(d, tools, tools_json, scratch, w),
            Format::Otel => otel::emit(self, d, tools, scratch, w),
        }
    }
}

fn plain_tool(w: &mut JsonWriter, t: &Tool, schema_key: &str) {
    w.key("name");
    w.str(&t.name);
    w.key("description");
    w.str(&t.description);
    w.key(schema_key);
    w.raw(t.parameters_json.as_bytes());
}
