//! The compiled node kinds. One enum, one generation routine per kind (see `emit.rs`).

use super::hints::Hint;

/// A compiled schema node.
#[derive(Debug, Clone)]
pub enum Node {
    Object(ObjectNode),
    String(StringNode),
    Integer {
        lo: i64,
        hi: i64,
    },
    Number(NumberNode),
    Boolean,
    Null,
    Array {
        items: Box<Node>,
        min: usize,
        max: usize,
    },
    /// One of these pre-serialised JSON values.
    Enum(Vec<Box<[u8]>>),
    /// Exactly this pre-serialised JSON value.
    Const(Box<[u8]>),
    /// `"type": [...]`: one of the listed alternatives, chosen uniformly.
    Choice(Vec<Node>),
}

/// An object node: properties in document order.
#[derive(Debug, Clone, Default)]
pub struct ObjectNode {
    pub props: Vec<Prop>,
}

/// One property of an object node.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub node: Node,
    pub required: bool,
}

/// A number node: uniform in `[lo, hi]`, rounded to `decimals` places.
#[derive(Debug, Clone)]
pub struct NumberNode {
    pub lo: f64,
    pub hi: f64,
    pub decimals: i32,
}

/// A string node.
#[derive(Debug, Clone)]
pub struct StringNode {
    pub format: Option<Format>,
    pub hint: Option<Hint>,
    pub min_len: usize,
    pub max_len: Option<usize>,
}

/// The string `format`s the generator builds directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Date,
    DateTime,
    Time,
    Uri,
    Uuid,
    Hostname,
    Ipv4,
}

impl Format {
    /// The format named `name`, if the generator knows it.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "email" | "idn-email" => Format::Email,
            "date" => Format::Date,
            "date-time" => Format::DateTime,
            "time" => Format::Time,
            "uri" | "url" | "iri" => Format::Uri,
            "uuid" => Format::Uuid,
            "hostname" | "idn-hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            _ => return None,
        })
    }
}
