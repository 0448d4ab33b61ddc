//! Golden hashes: what a seed produces is part of the contract (docs/determinism.md). A change
//! to the RNG, a vocabulary, a writer or the order of draws changes these hashes and fails here,
//! in `cargo test`, before any Python runs. A deliberate change updates them together with a
//! `DATA_VERSION` bump and a CHANGELOG entry (docs/versioning.md).

use ferrosynth_core::write::{write_jsonl, Encoding, Span};
use ferrosynth_core::{Plan, Pools, RunOptions};
use serde_json::{json, Value};

fn plan(data_type: &str, extra: Value) -> Plan {
    let mut spec = json!({"data_type": data_type});
    if let (Value::Object(base), Value::Object(more)) = (&mut spec, extra) {
        base.extend(more);
    }
    Plan::from_json_with(
        &spec.to_string(),
        Some(std::sync::Arc::new(Pools::builtin_english())),
    )
    .unwrap()
}

fn tools() -> Value {
    json!([
        {"name": "web_search", "parameters": {"type": "object", "properties": {
            "query": {"type": "string"}, "num_results": {"type": "integer", "minimum": 1, "maximum": 20}},
            "required": ["query"]}},
        {"name": "send_email", "parameters": {"type": "object", "properties": {
            "to": {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1}},
            "required": ["to"]}}
    ])
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// 64-bit FNV-1a: enough to notice any changed byte, and no dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn digest(plan: &Plan) -> String {
    let mut out = Vec::new();
    let span = Span {
        seed: 42,
        start: 0,
        count: 50,
    };
    let opts = RunOptions::default();
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
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 50);
    format!("{:016x}", fnv1a(&out))
}

fn cases() -> Vec<(&'static str, Plan)> {
    let w1 = json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "label": {"type": "string", "enum": ["positive", "negative", "neutral"]}},
        "required": ["id", "score", "label"]});
    vec![
        ("text", plan("text", json!({}))),
        (
            "text_domain",
            plan("text", json!({"constraints": {"domain": "coding"}})),
        ),
        ("json_free_form", plan("json", json!({}))),
        ("json_schema_w1", plan("json", json!({"schema": w1}))),
        // Branching schemas (`oneOf` of objects, a chain of `if`/`then`): the variants kept,
        // their fallbacks and the witnesses are part of what a seed produces.
        (
            "json_schema_one_of",
            plan(
                "json",
                json!({"schema": fixture(include_str!("../../../tests/fixtures/schemas/api_patch_document.json"))}),
            ),
        ),
        (
            "json_schema_if_then_chain",
            plan(
                "json",
                json!({"schema": fixture(include_str!("../../../tests/fixtures/schemas/config_if_then_discriminator_chain.json"))}),
            ),
        ),
        (
            "conversation",
            plan(
                "conversation",
                json!({"template": {"name": "t", "turns": [
                {"role": "system", "content": "You help {name} at {company}."},
                {"role": "user", "content": "My order {order_id} for {amount} is late."},
                {"role": "assistant", "content": "{sentence}"}]}}),
            ),
        ),
        (
            "conversation_tool_use",
            plan("conversation", json!({"tools": tools()})),
        ),
        ("tool_call", plan("tool_call", json!({"tools": tools()}))),
        (
            "agent_trace",
            plan("agent_trace", json!({"tools": tools()})),
        ),
        (
            "agent_trace_openai",
            plan("agent_trace", json!({"tools": tools(), "format": "openai"})),
        ),
        (
            "agent_trace_otel",
            plan("agent_trace", json!({"tools": tools(), "format": "otel"})),
        ),
        ("persona", plan("persona", json!({}))),
        (
            "persona_coding",
            plan("persona", json!({"constraints": {"domain": "coding"}})),
        ),
        // A persona as the user (the `persona` constraint).
        (
            "conversation_persona",
            plan(
                "conversation",
                json!({"constraints": {"persona": true}, "template": {"name": "t", "turns": [
                {"role": "user", "content": "My order {order_id} for {amount} is late."},
                {"role": "assistant", "content": "{sentence}"},
                {"role": "user", "content": "I'm in {city}."}]}}),
            ),
        ),
        (
            "conversation_tool_use_persona",
            plan(
                "conversation",
                json!({"tools": tools(), "constraints": {"persona": {"domain": "coding"}}}),
            ),
        ),
        (
            "agent_trace_persona",
            plan(
                "agent_trace",
                json!({"tools": tools(), "constraints": {"persona": true}}),
            ),
        ),
        (
            "agent_trace_persona_otel",
            plan(
                "agent_trace",
                json!({"tools": tools(), "format": "otel", "constraints": {"persona": true}}),
            ),
        ),
    ]
}

const GOLDEN: &[(&str, &str)] = &[
    ("text", "27d773e2b43c26a6"),
    ("text_domain", "380726dfc6029190"),
    ("json_free_form", "bbfa8422c04baad5"),
    ("json_schema_w1", "c11bb95f5bdcb079"),
    ("json_schema_one_of", "063819b2f4511a3e"),
    ("json_schema_if_then_chain", "fdfc7a591c16caec"),
    ("conversation", "7aa6a9d0346309cf"),
    ("conversation_tool_use", "206dc1d36a7b402c"),
    ("tool_call", "63458e050b6e3ffa"),
    ("agent_trace", "5d75544087803448"),
    ("agent_trace_openai", "f3625ddbedf6d498"),
    ("agent_trace_otel", "1345def78ebe037d"),
    ("persona", "5c81917cd245412f"),
    ("persona_coding", "bd5d46fc0fad4836"),
    ("conversation_persona", "055db32ac3239013"),
    ("conversation_tool_use_persona", "629170b2e58924af"),
    ("agent_trace_persona", "b55f77b78551974c"),
    ("agent_trace_persona_otel", "111fd81dbb7772cf"),
];

#[test]
fn every_data_type_produces_its_golden_bytes() {
    let got: Vec<(&str, String)> = cases().iter().map(|(n, p)| (*n, digest(p))).collect();
    let listing: String = got
        .iter()
        .map(|(n, d)| format!("    (\"{n}\", \"{d}\"),\n"))
        .collect();
    assert_eq!(GOLDEN.len(), got.len(), "GOLDEN should be:\n{listing}");
    for ((name, digest), (gname, gdigest)) in got.iter().zip(GOLDEN) {
        assert_eq!(name, gname);
        assert_eq!(
            digest, gdigest,
            "the bytes of {name} changed (seed 42, 50 rows); a deliberate change updates GOLDEN:\n{listing}"
        );
    }
}
