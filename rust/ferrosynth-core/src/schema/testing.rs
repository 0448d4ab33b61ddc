//! Test helpers shared by the node files' tests: compile, generate, and check every instance
//! with the validator.

use serde_json::Value;

use super::{EmitCtx, Schema};
use crate::error::Error;
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::time::DEFAULT_ANCHOR;

/// `n` instances of `schema` (seed 7), each checked by the schema's validator.
pub fn sample(schema: Value, n: u64) -> Vec<Value> {
    let s = Schema::compile(&schema).unwrap_or_else(|e| panic!("{schema}: {e}"));
    let pools = Pools::builtin_english();
    let mut ctx = EmitCtx::new(&pools, DEFAULT_ANCHOR);
    (0..n)
        .map(|i| {
            let mut w = JsonWriter::default();
            ctx.start_sample(7, i);
            s.emit_instance(&mut Rng::for_sample(7, i), &mut ctx, &mut w, None);
            let v: Value = serde_json::from_slice(&w.buf).unwrap();
            if let Err(f) = s.check(&v) {
                panic!("{schema}\ninstance {v}\n{f}");
            }
            v
        })
        .collect()
}

/// The `(pointer, reason)` of the compile error of `schema`.
pub fn error(schema: Value) -> (String, String) {
    match Schema::compile(&schema) {
        Err(Error::Schema { pointer, reason }) => (pointer, reason),
        Err(other) => panic!("not a schema error: {other}"),
        Ok(_) => panic!("{schema} compiled"),
    }
}
