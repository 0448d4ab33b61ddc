//! `persona`: a coherent synthetic user (see [`crate::agent::persona`]) — a name and a city
//! from the locale's pools, an age that fits the occupation's seniority, and goals, pain points,
//! behaviours, quotes and a communication style from the vocabulary of a domain.
//!
//! Each persona is a pure function of (seed, index): the same persona whether it is generated
//! alone or inside a run, at any thread count.

use super::{DataType, Row};
use crate::agent::domain_constraint;
use crate::agent::persona::Persona;
use crate::error::Result;
use crate::json::JsonWriter;
use crate::plan::{Scratch, Spec};
use crate::rng::Rng;
use crate::text::Domain;
use crate::write::columns::Col;

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    let domain = domain_constraint(spec.constraints.get("domain"), false)?;
    Ok(Box::new(Personas {
        domain: domain.unwrap_or(Domain::General),
    }))
}

/// Personas of one domain.
#[derive(Debug, Clone)]
pub struct Personas {
    pub domain: Domain,
}

impl DataType for Personas {
    fn name(&self) -> &'static str {
        "persona"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let ctx = &mut s.ctx;
        let persona = Persona::draw(rng, ctx.pools, self.domain);
        row.open(w);
        persona.emit_members(ctx.pools, &mut ctx.scratch, w);
        w.end_object();
    }

    fn columns(&self) -> Col {
        let mut fields = vec![("index", Col::Int)];
        fields.extend(persona_fields());
        Col::fields(&fields)
    }
}

/// The columns of a persona object (also the `persona` member of conversations and traces).
pub fn persona_fields() -> Vec<(&'static str, Col)> {
    use Col::{Int, Str};
    vec![
        ("id", Str),
        ("name", Str),
        ("age", Int),
        ("occupation", Str),
        ("location", Str),
        ("email", Str),
        ("domain", Str),
        ("goals", Col::list(Str)),
        ("pain_points", Col::list(Str)),
        ("behaviours", Col::list(Str)),
        ("quotes", Col::list(Str)),
        ("communication_style", Str),
    ]
}
