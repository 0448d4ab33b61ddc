//! `text`: paragraphs of `min_sentences..=max_sentences` sentences, lorem-style words or the
//! prose of a domain.

use super::{DataType, Row};
use crate::agent::domain_constraint;
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::plan::{constraint_count, Scratch, Spec};
use crate::rng::Rng;
use crate::text::{self, Domain, Person};
use crate::write::columns::Col;

/// A compiled `text` plan.
#[derive(Debug, Clone)]
pub struct Text {
    pub min_sentences: usize,
    pub max_sentences: usize,
    /// `None`: lorem-style words (the reference's default); else prose of the domain.
    pub domain: Option<Domain>,
}

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    let min = constraint_count(&spec.constraints, "min_sentences")?;
    let max = constraint_count(&spec.constraints, "max_sentences")?;
    let min_sentences = min.unwrap_or(1);
    let max_sentences = max.unwrap_or(min_sentences.max(5));
    if min_sentences > max_sentences {
        return Err(Error::config(
            "constraints.min_sentences",
            format!(
                "min_sentences ({min_sentences}) is greater than max_sentences ({max_sentences})"
            ),
        ));
    }
    let domain = domain_constraint(spec.constraints.get("domain"), true)?;
    Ok(Box::new(Text {
        min_sentences,
        max_sentences,
        domain,
    }))
}

impl DataType for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let ctx = &mut s.ctx;
        let n = rng.range_usize(self.min_sentences, self.max_sentences);
        ctx.scratch.clear();
        match self.domain {
            None => text::push_paragraph(&mut ctx.scratch, rng, ctx.pools, n),
            Some(d) => {
                s.fill.reset(d, true);
                let person = Person::draw(rng, ctx.pools);
                text::domain::push_paragraph(&mut ctx.scratch, rng, &mut s.fill, &person, n);
            }
        }
        if row.index.is_some() {
            row.open(w);
            w.key("text");
        }
        w.str(&ctx.scratch);
        if row.index.is_some() {
            w.end_object();
        }
    }

    fn columns(&self) -> Col {
        Col::fields(&[("index", Col::Int), ("text", Col::Str)])
    }
}
