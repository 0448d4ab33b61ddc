//! Sample indices cover all of `u64`: a run near the end of the index space writes every sample
//! with its exact, non-negative `index` (never a wrapped or negative one, never nothing).

use ferrosynth_core::write::{write_jsonl, Encoding, Span};
use ferrosynth_core::{Plan, Pools, RunOptions};
use serde_json::{json, Value};

#[test]
fn samples_near_the_end_of_the_index_space_keep_their_exact_index() {
    let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}}});
    for spec in [
        json!({"data_type": "text"}),
        json!({"data_type": "json", "schema": schema}),
    ] {
        let plan = Plan::from_json_with(
            &spec.to_string(),
            Some(std::sync::Arc::new(Pools::builtin_english())),
        )
        .unwrap();
        let start = u64::MAX - 3;
        let span = Span {
            seed: 1,
            start,
            count: 3,
        };
        let mut out = Vec::new();
        write_jsonl(
            &plan,
            span,
            RunOptions::default(),
            Encoding::Plain,
            &mut out,
            "<memory>",
            &mut |_| Ok(()),
        )
        .unwrap();
        let rows: Vec<Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        let indices: Vec<u64> = rows.iter().map(|r| r["index"].as_u64().unwrap()).collect();
        assert_eq!(indices, vec![start, start + 1, start + 2], "{spec}");
    }
}
