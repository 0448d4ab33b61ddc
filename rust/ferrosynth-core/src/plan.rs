//! The compiled generation plan: a config compiled once, then sampled by index.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::agent::{Exporter, Format, RunScratch, SlotValues, Tool, ToolSpec, TurnSpec};
use crate::data_types::{self, DataType, Row};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::schema::EmitCtx;
use crate::text::FillCtx;
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
    /// The value pools; optional when the caller passes them apart (see [`Plan::compile_with`]).
    #[serde(default)]
    pub pools: Option<Pools>,
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
    /// The compiled data type (see [`crate::data_types`]).
    pub data: Arc<dyn DataType>,
    pub pools: Arc<Pools>,
    pub anchor: i64,
    /// The exporter of a standard format; `None` for the native shapes.
    pub export: Option<Exporter>,
}

/// Per-thread scratch state for generation.
pub struct Scratch<'a> {
    pub(crate) ctx: EmitCtx<'a>,
    pub(crate) args: JsonWriter,
    pub(crate) fill: FillCtx<'a>,
    pub(crate) run: RunScratch,
    pub(crate) slots: SlotValues,
}

impl Plan {
    /// Parses and compiles a JSON plan specification (with its `pools`).
    pub fn from_json(spec: &str) -> Result<Self> {
        Self::from_json_with(spec, None)
    }

    /// Parses and compiles a JSON plan specification; `pools`, when given, is used instead of
    /// the spec's own (so that callers can keep large pools compiled once, as a handle).
    pub fn from_json_with(spec: &str, pools: Option<Arc<Pools>>) -> Result<Self> {
        let spec: Spec =
            serde_json::from_str(spec).map_err(|e| Error::config("plan", e.to_string()))?;
        Self::compile_with(spec, pools)
    }

    /// Compiles a parsed specification, validating every part of it.
    pub fn compile(spec: Spec) -> Result<Self> {
        Self::compile_with(spec, None)
    }

    /// [`Plan::compile`] with pools given apart from the spec (they win over the spec's).
    pub fn compile_with(mut spec: Spec, pools: Option<Arc<Pools>>) -> Result<Self> {
        let pools = match (pools, spec.pools.take()) {
            (Some(p), _) => p,
            (None, Some(p)) => {
                p.validate()?;
                Arc::new(p)
            }
            (None, None) => {
                return Err(Error::config("pools", "a plan needs value pools"));
            }
        };
        let data: Arc<dyn DataType> = Arc::from(data_types::compile(&spec)?);
        let format = Format::parse(spec.format.as_deref().unwrap_or("ferrosynth"))?;
        let export = match format {
            Format::Ferrosynth => None,
            f => Some(data.exporter(f, &spec)?),
        };
        Ok(Plan {
            data,
            pools,
            anchor: spec.anchor_time,
            export,
        })
    }

    /// The name of the plan's data type (see [`data_types::REGISTRY`]).
    pub fn data_type(&self) -> &'static str {
        self.data.name()
    }

    /// Checks every instance of a JSON array produced by [`write::generate_array`] against the
    /// plan's schema (the `validate=True` safety net); `start` numbers the samples in errors.
    ///
    /// [`write::generate_array`]: crate::write::generate_array
    pub fn check_json_array(&self, bytes: &[u8], envelope: Envelope, start: u64) -> Result<()> {
        let Some(schema) = self.data.schema() else {
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
    #[inline]
    pub fn emit(
        &self,
        seed: u64,
        index: u64,
        envelope: Envelope,
        s: &mut Scratch<'_>,
        w: &mut JsonWriter,
    ) {
        let rng = &mut Rng::for_sample(seed, index);
        s.ctx.start_sample(seed, index);
        let row = Row {
            index: (envelope == Envelope::Sample).then_some(index),
            export: self.export.as_ref(),
        };
        self.data.emit(rng, s, row, w);
    }
}

/// Compiles tools, rejecting duplicate names (a call must name exactly one tool).
pub(crate) fn compile_tools(specs: &[ToolSpec]) -> Result<Vec<Tool>> {
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

pub(crate) fn constraint_count(
    constraints: &Map<String, Value>,
    key: &str,
) -> Result<Option<usize>> {
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
