//! The compiled generation plan: a config compiled once, then sampled by index.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::agent::{
    domain_constraint, tool, trace, turns, Agent, AgentConfig, Exporter, Format, RunCtx, RunKind,
    RunScratch, SlotValues, Template, Tool, ToolSpec, TurnSpec,
};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::record;
use crate::rng::Rng;
use crate::schema::{EmitCtx, Schema};
use crate::text::{self, Domain, FillCtx, Person};
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
    /// `tool_call`: the tools a call is drawn from; `agent_trace` and tool-use conversations:
    /// every tool the agent may call.
    #[serde(default)]
    pub tools: Vec<ToolSpec>,
    pub pools: Pools,
    #[serde(default = "default_anchor")]
    pub anchor_time: i64,
    /// The output format (see [`Format`]); `ferrosynth` when absent.
    #[serde(default)]
    pub format: Option<String>,
}

fn default_anchor() -> i64 {
    DEFAULT_ANCHOR
}

/// A template with its name (for error messages) and the domain of its prose fills.
#[derive(Debug, Deserialize)]
pub struct NamedTemplate {
    pub name: String,
    pub turns: Vec<TurnSpec>,
    #[serde(default)]
    pub domain: Option<String>,
}

/// What a plan generates.
#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        min_sentences: usize,
        max_sentences: usize,
        /// `None`: lorem-style words (the reference's default); else prose of the domain.
        domain: Option<Domain>,
    },
    FreeForm,
    Schema(Schema),
    /// A conversation from a template.
    Conversation(Template),
    /// A conversation in which the assistant calls tools.
    ToolUse(Agent),
    /// One call of one of these tools.
    ToolCall(Vec<Tool>),
    AgentTrace(Agent),
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
    /// The exporter of a standard format; `None` for the native shapes.
    pub export: Option<Exporter>,
}

/// Per-thread scratch state for generation.
pub struct Scratch<'a> {
    ctx: EmitCtx<'a>,
    args: JsonWriter,
    fill: FillCtx<'a>,
    run: RunScratch,
    slots: SlotValues,
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
                let domain = domain_constraint(spec.constraints.get("domain"), true)?;
                Kind::Text {
                    min_sentences,
                    max_sentences,
                    domain,
                }
            }
            "json" => match &spec.schema {
                None => Kind::FreeForm,
                Some(doc) => Kind::Schema(Schema::compile(doc)?),
            },
            "conversation" if tool_use(&spec)? => Kind::ToolUse(Agent {
                tools: compile_tools(&spec.tools)?,
                cfg: AgentConfig::from_constraints(&spec.constraints, RunKind::Conversation)?,
            }),
            "conversation" => {
                let t = spec.template.as_ref().ok_or_else(|| {
                    Error::config("template", "a conversation plan needs a template")
                })?;
                // The template's domain: the `domain` constraint, else the built-in template's.
                let domain = t.domain.clone().map(Value::String);
                let domain = domain_constraint(domain.as_ref(), false)?.unwrap_or(Domain::General);
                Kind::Conversation(Template::compile(&t.name, &t.turns, domain)?)
            }
            "tool_call" => {
                if spec.tools.is_empty() {
                    return Err(Error::config("tools", "a tool_call plan needs a tool"));
                }
                Kind::ToolCall(compile_tools(&spec.tools)?)
            }
            "agent_trace" => Kind::AgentTrace(Agent {
                tools: compile_tools(&spec.tools)?,
                cfg: AgentConfig::from_constraints(&spec.constraints, RunKind::Trace)?,
            }),
            other => {
                return Err(Error::config(
                    "data_type",
                    format!("unknown data type {other:?}; expected one of text, json, conversation, tool_call, agent_trace"),
                ));
            }
        };
        let format = Format::parse(spec.format.as_deref().unwrap_or("ferrosynth"))?;
        let export = match (&kind, format) {
            (_, Format::Ferrosynth) => None,
            (Kind::ToolUse(a) | Kind::AgentTrace(a), f) => {
                Some(Exporter::new(f, &a.tools, &a.cfg.model, &a.cfg.provider))
            }
            (Kind::Conversation(t), f) => {
                if f.needs_user_first()
                    && t.first_role() != Some(crate::agent::dialogue::Role::User)
                {
                    return Err(Error::template(
                        &t.name,
                        format!(
                            "the {} format needs the first turn after the system prompt to be a user turn",
                            spec.format.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                // The model and provider that OTel spans name (the `model`/`provider` constraints).
                let cfg = AgentConfig::from_constraints(&spec.constraints, RunKind::Conversation)?;
                Some(Exporter::new(f, &[], &cfg.model, &cfg.provider))
            }
            (_, _) => {
                return Err(Error::config(
                    "format",
                    format!(
                        "the {} format is for conversation and agent_trace data, not {}",
                        spec.format.as_deref().unwrap_or_default(),
                        spec.data_type
                    ),
                ));
            }
        };
        Ok(Plan {
            kind,
            pools: spec.pools,
            anchor: spec.anchor_time,
            export,
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
            let mut original_index = None;
            let v = match (envelope, v) {
                (Envelope::Sample, Value::Object(mut m)) => {
                    original_index = m.shift_remove("index");
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
            // A record's own `index` property took the sample's `index` key: with the key
            // removed above, a record that had one is checked with it put back.
            let checked = match (&original_index, schema.check(&v)) {
                (Some(ix), Err(_)) if schema.has_index_property() => {
                    let mut with = v.clone();
                    if let Value::Object(m) = &mut with {
                        m.insert("index".into(), ix.clone());
                    }
                    schema.check(&with)
                }
                (_, r) => r,
            };
            if let Err(f) = checked {
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
            fill: FillCtx::new(&self.pools, self.anchor),
            run: RunScratch::default(),
            slots: SlotValues::default(),
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
                domain,
            } => {
                let n = rng.range_usize(*min_sentences, *max_sentences);
                ctx.scratch.clear();
                match domain {
                    None => text::push_paragraph(&mut ctx.scratch, rng, ctx.pools, n),
                    Some(d) => {
                        s.fill.reset(*d, true);
                        let person = Person::draw(rng, ctx.pools);
                        text::domain::push_paragraph(
                            &mut ctx.scratch,
                            rng,
                            &mut s.fill,
                            &person,
                            n,
                        );
                    }
                }
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
                let d = &mut s.run.dialogue;
                template.fill(rng, &mut s.fill, &mut s.slots, d);
                self.emit_conversation(d, &[], sample, open, &mut ctx.scratch, w);
            }
            Kind::ToolUse(agent) => {
                agent.conversation(&mut RunCtx {
                    rng,
                    ectx: ctx,
                    fctx: &mut s.fill,
                    s: &mut s.run,
                });
                let d = &s.run.dialogue;
                self.emit_conversation(d, &agent.tools, sample, open, &mut ctx.scratch, w);
            }
            Kind::ToolCall(tools) => {
                // One tool needs no draw, so a single-tool plan keeps its historical output.
                let t = match tools.len() {
                    1 => &tools[0],
                    n => &tools[rng.index(n)],
                };
                open(w);
                tool::emit_call_members(t, rng, ctx, &mut s.args, w);
                w.end_object();
            }
            Kind::AgentTrace(agent) => {
                agent.trace(&mut RunCtx {
                    rng,
                    ectx: ctx,
                    fctx: &mut s.fill,
                    s: &mut s.run,
                });
                let d = &s.run.dialogue;
                match &self.export {
                    Some(x) => x.emit(d, &agent.tools, &mut ctx.scratch, w),
                    None => {
                        open(w);
                        trace::emit_trace_members(
                            d,
                            &agent.tools,
                            &agent.cfg.model,
                            &mut ctx.scratch,
                            w,
                        );
                        w.end_object();
                    }
                }
            }
        }
    }

    /// Writes a conversation in the plan's format (natively: `{"index", "turns"}` or the turns).
    fn emit_conversation(
        &self,
        d: &crate::agent::Dialogue,
        tools: &[Tool],
        sample: bool,
        open: impl Fn(&mut JsonWriter),
        scratch: &mut String,
        w: &mut JsonWriter,
    ) {
        if let Some(x) = &self.export {
            return x.emit(d, tools, scratch, w);
        }
        if sample {
            open(w);
            w.key("turns");
        }
        turns::emit_turns(d, tools, scratch, w);
        if sample {
            w.end_object();
        }
    }
}

/// Whether a conversation plan is in tool-use mode: `constraints.mode` says so, else it is when
/// the plan has tools.
fn tool_use(spec: &Spec) -> Result<bool> {
    match spec.constraints.get("mode") {
        None | Some(Value::Null) => Ok(!spec.tools.is_empty()),
        Some(Value::String(m)) if m == "tool_use" => {
            if spec.tools.is_empty() {
                return Err(Error::config(
                    "tools",
                    "tool_use mode needs at least one tool",
                ));
            }
            Ok(true)
        }
        Some(Value::String(m)) if m == "template" => Ok(false),
        Some(other) => Err(Error::config(
            "constraints.mode",
            format!("unknown conversation mode {other}; expected one of template, tool_use"),
        )),
    }
}

/// Compiles tools, rejecting duplicate names (a call must name exactly one tool).
fn compile_tools(specs: &[ToolSpec]) -> Result<Vec<Tool>> {
    for (i, t) in specs.iter().enumerate() {
        if specs[..i].iter().any(|u| u.name == t.name) {
            return Err(Error::config(
                "tools",
                format!("tool name {:?} is used more than once", t.name),
            ));
        }
    }
    specs.iter().map(Tool::compile).collect()
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
