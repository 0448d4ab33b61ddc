//! JSON Schema → generation plan. A schema is compiled once into a tree of [`Node`]s; generating
//! an instance walks that tree with the sample's random stream, building values that satisfy the
//! constraints by construction (no generate-and-filter).
//!
//! Supported here: `type` (a name or a list of names), `enum`, `const`, `properties`, `required`,
//! `items`, `minItems`/`maxItems`, `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`,
//! `minLength`/`maxLength` and the `format`s `email`, `date`, `date-time`, `time`, `uri`, `uuid`,
//! `hostname`, `ipv4`. Property names steer string values when no `format` does (see [`hints`]).

mod compile;
mod emit;
pub mod hints;
mod node;

pub use compile::compile;
pub use emit::EmitCtx;
pub use node::{Format, Node, NumberNode, ObjectNode, Prop, StringNode};

/// A compiled schema, ready to generate instances.
#[derive(Debug, Clone)]
pub struct Schema {
    pub root: Node,
}

impl Schema {
    /// Compiles a JSON Schema document; errors name the JSON pointer at fault.
    pub fn compile(doc: &serde_json::Value) -> crate::Result<Self> {
        Ok(Schema {
            root: compile(doc, "")?,
        })
    }
}

/// Escapes a property name for use in a JSON pointer (RFC 6901).
pub fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
