//! Plan-level behaviour of the core: determinism across chunking and threads, validity, errors.

use ferrosynth_core::write::{generate_array, write_jsonl, Encoding, Span};
use ferrosynth_core::{Envelope, Error, Plan, Pools, RunOptions};
use serde_json::{json, Value};

fn plan(data_type: &str, extra: Value) -> Result<Plan, Error> {
    let mut spec =
        json!({"data_type": data_type, "pools": serde_json::to_value(pools_json()).unwrap()});
    if let (Value::Object(base), Value::Object(more)) = (&mut spec, extra) {
        base.extend(more);
    }
    Plan::from_json(&spec.to_string())
}

fn pools_json() -> Value {
    let p = Pools::builtin_english();
    json!({
        "first_names": p.first_names, "first_names_ascii": p.first_names_ascii,
        "last_names": p.last_names, "last_names_ascii": p.last_names_ascii, "words": p.words,
        "companies": p.companies, "cities": p.cities, "street_names": p.street_names,
        "countries": p.countries, "email_domains": p.email_domains, "tlds": p.tlds,
        "job_titles": p.job_titles,
    })
}

fn tools() -> Value {
    json!({"tools": [
        {"name": "web_search", "parameters": {"type": "object", "properties": {
            "query": {"type": "string"}, "num_results": {"type": "integer", "minimum": 1, "maximum": 20}},
            "required": ["query"]}},
        {"name": "send_email", "parameters": {"type": "object", "properties": {
            "to": {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1}},
            "required": ["to"]}}
    ]})
}

fn jsonl(plan: &Plan, span: Span, threads: usize, chunk_rows: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let opts = RunOptions {
        threads: Some(threads),
        chunk_rows,
    };
    write_jsonl(
        plan,
        span,
        opts,
        Encoding::Plain,
        &mut out,
        "<memory>",
        &mut |_| Ok(()),
    )
    .unwrap();
    out
}

#[test]
fn bytes_do_not_depend_on_threads_or_chunk_size() {
    let p = plan("agent_trace", tools()).unwrap();
    let span = Span {
        seed: 9,
        start: 0,
        count: 5_000,
    };
    let reference = jsonl(&p, span, 1, 4096);
    for (threads, chunk) in [(2, 1), (3, 77), (8, 4096), (8, 100_000)] {
        assert_eq!(
            jsonl(&p, span, threads, chunk),
            reference,
            "threads={threads} chunk={chunk}"
        );
    }
    assert_eq!(reference.iter().filter(|&&b| b == b'\n').count(), 5_000);
}

#[test]
fn a_slice_equals_the_same_rows_of_a_full_run() {
    let p = plan("json", json!({})).unwrap();
    let full = jsonl(
        &p,
        Span {
            seed: 1,
            start: 0,
            count: 1_000,
        },
        2,
        64,
    );
    let slice = jsonl(
        &p,
        Span {
            seed: 1,
            start: 500,
            count: 20,
        },
        1,
        7,
    );
    let lines: Vec<&[u8]> = full.split(|&b| b == b'\n').collect();
    let expected: Vec<u8> = lines[500..520]
        .iter()
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect();
    assert_eq!(slice, expected);
}

#[test]
fn arrays_parse_and_carry_indexes() {
    for data_type in ["text", "json", "tool_call", "agent_trace"] {
        let p = plan(data_type, tools()).unwrap();
        let bytes = generate_array(
            &p,
            Span {
                seed: 3,
                start: 10,
                count: 25,
            },
            Envelope::Sample,
            RunOptions {
                threads: Some(2),
                chunk_rows: 4,
            },
            &mut |_| Ok(()),
        )
        .unwrap();
        let v: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        let idx: Vec<u64> = v.iter().map(|s| s["index"].as_u64().unwrap()).collect();
        assert_eq!(idx, (10..35).collect::<Vec<_>>(), "{data_type}");
    }
}

#[test]
fn empty_runs_give_empty_output() {
    let p = plan("text", json!({})).unwrap();
    let span = Span {
        seed: 0,
        start: 0,
        count: 0,
    };
    let bytes = generate_array(&p, span, Envelope::Bare, RunOptions::default(), &mut |_| {
        Ok(())
    })
    .unwrap();
    assert_eq!(bytes, b"[]");
    assert!(jsonl(&p, span, 2, 10).is_empty());
}

#[test]
fn progress_errors_cancel_the_run() {
    let p = plan("text", json!({})).unwrap();
    let mut out = Vec::new();
    let opts = RunOptions {
        threads: Some(1),
        chunk_rows: 10,
    };
    let mut calls = 0;
    let err = write_jsonl(
        &p,
        Span {
            seed: 0,
            start: 0,
            count: 100,
        },
        opts,
        Encoding::Plain,
        &mut out,
        "x",
        &mut |_| {
            calls += 1;
            Err(Error::Cancelled)
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Cancelled));
    assert_eq!(calls, 1, "the run stops at the first error");
    assert!(out.iter().filter(|&&b| b == b'\n').count() <= 100);
}

#[test]
fn compile_errors_name_what_is_wrong() {
    let err = plan("nope", json!({})).unwrap_err().to_string();
    assert!(
        err.contains("unknown data type") && err.contains("agent_trace"),
        "{err}"
    );
    let err = plan(
        "json",
        json!({"schema": {"properties": {"a": {"minimum": 3, "maximum": 1, "type": "integer"}},
            "required": ["a"]}}),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Schema { pointer, .. } if pointer == "/properties/a"),
        "{err}"
    );
    let err = plan("text", json!({"constraints": {"min_sentences": 0}}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("constraints.min_sentences"), "{err}");
    let err = plan(
        "conversation",
        json!({"template": {"name": "t", "turns": [{"role": "user", "content": "{bogus}"}]}}),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown placeholder {bogus}"), "{err}");
}

#[test]
fn atomic_file_leaves_nothing_on_cancel() {
    let dir = std::env::temp_dir().join(format!("ferrosynth-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("out.jsonl");
    let p = plan("text", json!({})).unwrap();
    let opts = RunOptions {
        threads: Some(1),
        chunk_rows: 10,
    };
    let span = Span {
        seed: 0,
        start: 0,
        count: 100,
    };
    let r = ferrosynth_core::write::write_jsonl_file(
        &p,
        span,
        opts,
        Encoding::Plain,
        &target,
        &mut |done| {
            if done >= 30 {
                Err(Error::Cancelled)
            } else {
                Ok(())
            }
        },
    );
    assert!(r.is_err());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no partial or temporary file"
    );
    let written = ferrosynth_core::write::write_jsonl_file(
        &p,
        span,
        opts,
        Encoding::Plain,
        &target,
        &mut |_| Ok(()),
    )
    .unwrap();
    assert_eq!(std::fs::metadata(&target).unwrap().len(), written);
    std::fs::remove_dir_all(&dir).unwrap();
}
