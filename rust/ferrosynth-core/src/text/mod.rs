//! Text building blocks: lorem-style words, sentences and paragraphs, people, e-mails and the
//! other small values that templates, schemas and traces share.

mod values;
pub mod vocab;

pub use values::*;
