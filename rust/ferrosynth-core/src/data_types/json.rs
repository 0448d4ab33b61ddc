//! `json`: records of a JSON Schema, or free-form records when the spec has no schema.

use super::{DataType, Row};
use crate::error::Result;
use crate::json::JsonWriter;
use crate::plan::{Scratch, Spec};
use crate::record;
use crate::rng::Rng;
use crate::schema::Schema;
use crate::write::columns::{node_columns, Col};

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    Ok(match &spec.schema {
        None => Box::new(FreeForm),
        Some(doc) => Box::new(SchemaRecords(Schema::compile(doc)?)),
    })
}

/// Free-form records (`id`, `name`, `email`, `value`, `active`, `tags`, `created_at`).
#[derive(Debug, Clone)]
pub struct FreeForm;

impl DataType for FreeForm {
    fn name(&self) -> &'static str {
        "json"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        row.open(w);
        record::emit_record_members(rng, &mut s.ctx, w);
        w.end_object();
    }

    fn columns(&self) -> Col {
        use Col::{Bool, Float, Int, Str};
        Col::fields(&[
            ("index", Int),
            ("id", Str),
            ("name", Str),
            ("email", Str),
            ("value", Float),
            ("active", Bool),
            ("tags", Col::list(Str)),
            ("created_at", Str),
        ])
    }
}

/// Instances of a compiled JSON Schema.
#[derive(Debug, Clone)]
pub struct SchemaRecords(pub Schema);

impl DataType for SchemaRecords {
    fn name(&self) -> &'static str {
        "json"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        self.0.emit_instance(rng, &mut s.ctx, w, row.index);
    }

    fn columns(&self) -> Col {
        if let crate::schema::Node::Object(obj) = &self.0.root {
            if obj.props.is_empty() && obj.extra_values().is_empty() {
                // `{"type": "object"}` at the root: every row is `{"index": i}`.
                return Col::fields(&[("index", Col::Int)]);
            }
        }
        match node_columns(&self.0.root) {
            Col::Struct(mut fields) => {
                fields.retain(|(n, _)| n != "index");
                fields.insert(0, ("index".into(), Col::Int));
                Col::Struct(fields)
            }
            other => Col::Struct(vec![("index".into(), Col::Int), ("value".into(), other)]),
        }
    }

    fn schema(&self) -> Option<&Schema> {
        Some(&self.0)
    }
}
