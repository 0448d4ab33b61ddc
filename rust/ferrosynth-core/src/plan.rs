//! The compiled generation plan: a config compiled once, then sampled by index.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::agent::{tool, trace, Template, Tool, ToolSpec, TurnSpec};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::record;
use crate::rng::Rng;
use crate::schema::{EmitCtx, Schema};
use crate::text;
use crate::time::DEFAULT_ANCHOR;

/// The plan specification Python sends (JSON). See `python/ferrosynth/core.py`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub data_type: String,
    #[serde(default)]
    pub schema: Option<Value>,
    #[serde(default)]
    pub constraints: Map<String, Value>,
    /// The conversation template, already chosen (with its fallback) by the caller.
    #[serde(default)]
    pub template: Option<NamedTemplate>,
    /// `tool_call`: the chosen tool; `agent_trace`: every tool an agent may call.
    #[serde(default)]
    pub tools: Vec<ToolSpec>,
    pub pools: Pools,
    #[serde(default = "default_anchor")]
    pub anchor_time: i64,
}

fn default_anchor() -> i64 {
    DEFAULT_ANCHOR
}

/// A template with its name (for error messages).
#[derive(Debug, Deserialize)]
pub struct NamedTemplate {
    pub name: String,
    pub turns: Vec<TurnSpec>,
}

/// What a plan generates.
#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        min_sentences: usize,
        max_sentences: usize,
    },
    FreeForm,
    Schema(Schema),
    Conversation(Template),
    ToolCall(Tool),
    AgentTrace(Vec<Tool>),
}

/// How each sample is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    /// The `SyntheticDataset.samples` shape: an object whose first key is `index`.
    Sample,
    /// The value alone, as the `generate_*` methods return it.
    Bare,
}

/// A compiled plan. Sample `i` under `seed` is a pure function of `(plan, seed, i)`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: Kind,
    pub pools: Pools,
    pub anchor: i64,
}

/// Per-thread scratch state for generation.
pub struct Scratch<'a> {
    ctx: EmitCtx<'a>,
    args: JsonWriter,
}

impl Plan {
    /// Parses and compiles a JSON plan specification.
    pub fn from_json(spec: &str) -> Result<Self> {
        let spec: Spec =
            serde_json::from_str(spec).map_err(|e| Error::config("plan", e.to_string()))?;
        Self::compile(spec)
    }

    /// Compiles a parsed specification, validating every part of it.
    pub fn compile(spec: Spec) -> Result<Self> {
        spec.pools.validate()?;
        let kind = match spec.data_type.as_str() {
            "text" => {
                let min = constraint_count(&spec.constraints, "min_sentences")?;
                let max = constraint_count(&spec.constraints, "max_sentences")?;
                let min_sentences = min.unwrap_or(1);
                let max_sentences = max.unwrap_or(min_sentences.max(5));
                if min_sentences > max_sentences {
                    return Err(Error::config(
                        "constraints.min_sentences",
                        format!("min_sentences ({min_sentences}) is greater than max_sentences ({max_sentences})"),
                    ));
                }
                Kind::Text {
                    min_sentences,
                    max_sentences,
                }
            }
            "json" => match &spec.schema {
                None => Kind::FreeForm,
                Some(doc) => Kind::Schema(Schema::compile(doc)?),
            },
            "conversation" => {
                let t = spec.template.as_ref().ok_or_else(|| {
                    Error::config("template", "a conversation plan needs a template")
                })?;
                Kind::Conversation(Template::compile(&t.name, &t.turns)?)
            }
            "tool_call" => {
                let first = spec
                    .tools
                    .first()
                    .ok_or_else(|| Error::config("tools", "a tool_call plan needs a tool"))?;
                Kind::ToolCall(Tool::compile(first)?)
            }
            "agent_trace" => Kind::AgentTrace(
                spec.tools
                    .iter()
                    .map(Tool::compile)
                    .collect::<Result<_>>()?,
            ),
            other => {
                return Err(Error::config(
                    "data_type",
                    format!("unknown data type {other:?}; expected one of text, json, conversation, tool_call, agent_trace"),
                ));
            }
        };
        Ok(Plan {
            kind,
            pools: spec.pools,
            anchor: spec.anchor_time,
        })
    }

    /// Checks every instance of a JSON array produced by [`write::generate_array`] against the
    /// plan's schema (the `validate=True` safety net); `start` numbers the samples in errors.
    ///
    /// [`write::generate_array`]: crate::write::generate_array
    pub fn check_json_array(&self, bytes: &[u8], envelope: Envelope, start: u64) -> Result<()> {
        let Kind::Schema(schema) = &self.kind else {
            return Ok(());
        };
        let values: Vec<Value> = serde_json::from_slice(bytes)
            .map_err(|e| Error::config("instances", format!("not a JSON array: {e}")))?;
        for (i, v) in values.into_iter().enumerate() {
            let v = match (envelope, v) {
                (Envelope::Sample, Value::Object(mut m)) => {
                    m.shift_remove("index");
                    match m.remove("value") {
                        Some(inner)
                            if m.is_empty()
                                && !matches!(schema.root, crate::schema::Node::Object(_)) =>
                        {
                            inner
                        }
                        Some(inner) => {
                            m.insert("value".into(), inner);
                            Value::Object(m)
                        }
                        None => Value::Object(m),
                    }
                }
                (_, v) => v,
            };
            if let Err(f) = schema.check(&v) {
                let at = if f.instance.is_empty() {
                    "#".to_owned()
                } else {
                    f.instance.clone()
                };
                return Err(Error::Invalid {
                    location: format!("sample {} at {at}", start + i as u64),
                    reason: format!("{} (keyword {})", f.message, f.keyword),
                });
            }
        }
        Ok(())
    }

    /// Fresh scratch state borrowing this plan's pools.
    pub fn scratch(&self) -> Scratch<'_> {
        Scratch {
            ctx: EmitCtx::new(&self.pools, self.anchor),
            args: JsonWriter::with_capacity(256),
        }
    }

    /// Writes sample `index` under `seed` as one JSON value.
    pub fn emit(
        &self,
        seed: u64,
        index: u64,
        envelope: Envelope,
        s: &mut Scratch<'_>,
        w: &mut JsonWriter,
    ) {
        let rng = &mut Rng::for_sample(seed, index);
        let ctx = &mut s.ctx;
        ctx.start_sample(seed, index);
        let sample = envelope == Envelope::Sample;
        // Opens the sample object and writes `index` first (the `samples` shape).
        let open = |w: &mut JsonWriter| {
            w.begin_object();
            if sample {
                w.key("index");
                w.int(index as i64);
            }
        };
        match &self.kind {
            Kind::Text {
                min_sentences,
                max_sentences,
            } => {
                let n = rng.range_usize(*min_sentences, *max_sentences);
                ctx.scratch.clear();
                text::push_paragraph(&mut ctx.scratch, rng, ctx.pools, n);
                if sample {
                    open(w);
                    w.key("text");
                }
                w.str(&ctx.scratch);
                if sample {
                    w.end_object();
                }
            }
            Kind::FreeForm => {
                open(w);
                record::emit_record_members(rng, ctx, w);
                w.end_object();
            }
            Kind::Schema(schema) => schema.emit_instance(rng, ctx, w, sample.then_some(index)),
            Kind::Conversation(template) => {
                if sample {
                    open(w);
                    w.key("turns");
                }
                let mut buf = std::mem::take(&mut ctx.scratch);
                template.emit_turns(rng, ctx.pools, ctx.anchor, &mut buf, w);
                ctx.scratch = buf;
                if sample {
                    w.end_object();
                }
            }
            Kind::ToolCall(t) => {
                open(w);
                tool::emit_call_members(t, rng, ctx, &mut s.args, w);
                w.end_object();
            }
            Kind::AgentTrace(tools) => {
                open(w);
                trace::emit_trace_members(tools, rng, ctx, &mut s.args, w);
                w.end_object();
            }
        }
    }
}

fn constraint_count(constraints: &Map<String, Value>, key: &str) -> Result<Option<usize>> {
    match constraints.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=10_000).contains(&n) => Ok(Some(n as usize)),
            _ => Err(Error::config(
                format!("constraints.{key}"),
                format!("must be an integer between 1 and 10000, got {v}"),
            )),
        },
    }
}
