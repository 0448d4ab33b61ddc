//! The data types: one module each, behind one trait, and the one registry of their names.
//!
//! Each module compiles its part of the [`Spec`] into a value implementing [`DataType`] (the
//! constraints checked once, at compile time), emits one row per sample, and describes the
//! columns of a row for columnar output.
//!
//! Adding a data type takes four steps, and the tests check that they stay in step:
//! 1. a module here with a `compile(&Spec) -> Result<Box<dyn DataType>>` function and a type
//!    implementing [`DataType`];
//! 2. one line in [`REGISTRY`] (the binding exports the names as `_native.DATA_TYPES`);
//! 3. one member of the Python `ferrosynth.DataType` enum (a test compares it with the registry);
//! 4. one `generate_*` method on `ferrosynth.DataGenerator`.

mod agent_trace;
mod conversation;
mod json;
mod persona;
mod text;
mod tool_call;

use crate::agent::{Exporter, Format};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::plan::{Scratch, Spec};
use crate::rng::Rng;
use crate::schema::Schema;
use crate::write::columns::Col;

/// One data type, compiled: generates rows and describes their columns.
pub trait DataType: std::fmt::Debug + Send + Sync {
    /// The registry name (`text`, `json`, ...).
    fn name(&self) -> &'static str;

    /// Writes one sample as one JSON value: with `row.index`, in the `SyntheticDataset.samples`
    /// shape (an object whose first key is `index`); with `row.export`, as a record of that
    /// standard format.
    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter);

    /// The column type of one native sample (`index` first).
    fn columns(&self) -> Col;

    /// The exporter for a standard `format`; types without one refuse every standard format.
    fn exporter(&self, format: Format, spec: &Spec) -> Result<Exporter> {
        let _ = spec;
        Err(Error::config(
            "format",
            format!(
                "the {} format is for conversation and agent_trace data, not {}",
                format.name(),
                self.name()
            ),
        ))
    }

    /// The compiled JSON Schema, for types generated from one.
    fn schema(&self) -> Option<&Schema> {
        None
    }
}

/// How one row is wrapped.
#[derive(Clone, Copy)]
pub struct Row<'x> {
    /// `Some(i)`: the `samples` shape, with `index` first; `None`: the bare value.
    pub index: Option<u64>,
    /// A standard format to render instead of the native shape.
    pub export: Option<&'x Exporter>,
}

impl Row<'_> {
    /// Opens the sample object, writing `index` first when the row has one.
    pub fn open(&self, w: &mut JsonWriter) {
        w.begin_object();
        if let Some(i) = self.index {
            w.key("index");
            w.uint(i);
        }
    }
}

/// A registry entry: a data type's name, its compiler and the constraint keys it reads.
pub struct Entry {
    pub name: &'static str,
    pub compile: fn(&Spec) -> Result<Box<dyn DataType>>,
    /// Every constraint key the type reads (Python resolves `tools`, `template`,
    /// `template_file` and `tool` before the core sees them); other keys are reported as
    /// unknown by the Python layer (a `FerrosynthWarning`, an error under `--strict`).
    pub constraints: &'static [&'static str],
}

/// Every data type, in the order of the Python `DataType` enum.
pub const REGISTRY: &[Entry] = &[
    Entry {
        name: "text",
        compile: text::compile,
        constraints: &["min_sentences", "max_sentences", "domain"],
    },
    Entry {
        name: "json",
        compile: json::compile,
        constraints: &[],
    },
    Entry {
        name: "conversation",
        compile: conversation::compile,
        constraints: &[
            "template",
            "template_file",
            "mode",
            "tools",
            // The agent settings (`agent::AgentConfig`).
            "tool_use_rate",
            "failure_rate",
            "max_retries",
            "max_tool_calls",
            "model",
            "provider",
            "domain",
            "max_parallel_calls",
            "min_turns",
            "max_turns",
            // A persona as the user of each conversation (`agent::user`).
            "persona",
        ],
    },
    Entry {
        name: "tool_call",
        compile: tool_call::compile,
        constraints: &["tool", "tools"],
    },
    Entry {
        name: "agent_trace",
        compile: agent_trace::compile,
        constraints: &[
            "tools",
            // The agent settings (`agent::AgentConfig`).
            "tool_use_rate",
            "failure_rate",
            "max_retries",
            "max_tool_calls",
            "model",
            "provider",
            "domain",
            // A persona as the user of each trace (`agent::user`).
            "persona",
        ],
    },
    Entry {
        name: "persona",
        compile: persona::compile,
        constraints: &["domain"],
    },
];

/// The names of the data types, in registry order.
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|e| e.name).collect()
}

/// Compiles `spec` with the data type it names; the error lists the valid names.
pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    match REGISTRY.iter().find(|e| e.name == spec.data_type) {
        Some(entry) => (entry.compile)(spec),
        None => Err(Error::config(
            "data_type",
            format!(
                "unknown data type {:?}; expected one of {}",
                spec.data_type,
                names().join(", ")
            ),
        )),
    }
}
