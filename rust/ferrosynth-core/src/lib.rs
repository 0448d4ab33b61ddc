//! # ferrosynth-core
//!
//! The pure-Rust generation core of ferrosynth: seeded, counter-based synthetic data — text,
//! JSON-Schema records, conversations, OpenAI-style tool calls and agent traces — written
//! straight to JSON bytes. No Python here: the `ferrosynth-py` crate is a thin binding.
//!
//! ```
//! use ferrosynth_core::{Envelope, Plan, Pools, RunOptions};
//! use ferrosynth_core::plan::Spec;
//!
//! let spec = Spec {
//!     data_type: "text".into(),
//!     schema: None,
//!     constraints: Default::default(),
//!     template: None,
//!     tools: vec![],
//!     pools: Some(Pools::builtin_english()),
//!     anchor_time: ferrosynth_core::time::DEFAULT_ANCHOR,
//!     format: None,
//! };
//! let plan = Plan::compile(spec).unwrap();
//! let bytes = ferrosynth_core::write::generate_array(
//!     &plan, ferrosynth_core::write::Span { seed: 42, start: 0, count: 3 }, Envelope::Sample, RunOptions::default(), &mut |_| Ok(()),
//! ).unwrap();
//! let samples: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
//! assert_eq!(samples[2]["index"], 2);
//! assert_eq!(plan.data_type(), "text");
//! ```
#![deny(unsafe_code)]

pub mod agent;
pub mod data_types;
pub mod error;
pub mod json;
pub mod plan;
pub mod pools;
pub mod record;
pub mod regex;
pub mod rng;
pub mod schema;
pub mod text;
pub mod time;
pub mod write;

pub use error::{Error, Result};
pub use plan::{Envelope, Plan};
pub use pools::Pools;
pub use write::RunOptions;

/// Version of the data the core draws on (vocabularies, algorithms). A sample is a pure function
/// of `(plan, seed, index, DATA_VERSION)`; bumping it is a documented breaking change.
pub const DATA_VERSION: u32 = 3;
