//! Text building blocks: lorem-style words, sentences and paragraphs, people, e-mails and the
//! other small values that templates, schemas and traces share ([`fill`]), and prose that reads
//! like a domain (customer support, coding, research) rather than lorem ipsum ([`domain`]).

pub mod domain;
pub mod fill;
mod values;
pub mod vocab;

pub use domain::{Domain, Voice};
pub use fill::{Fill, FillCtx, UserFacts, FILLS};
pub use values::*;
