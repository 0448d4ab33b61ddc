//! Criterion benches of agent-shaped data: traces, tool-use conversations and template
//! conversations in the native shape, and traces in the export formats, rendered on one thread
//! into memory (no I/O), so the figures are the core's cost per row.
//!
//! Run: `cargo bench -p ferrosynth-core --bench agent`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ferrosynth_core::write::{write_jsonl, Encoding, RunOptions, Span};
use ferrosynth_core::{Plan, Pools};
use serde_json::{json, Value};

const ROWS: u64 = 20_000;

fn tools() -> Value {
    json!([
        {"name": "web_search", "description": "Search the web and return the most relevant pages for a query.",
         "parameters": {"type": "object", "properties": {
            "query": {"type": "string"}, "num_results": {"type": "integer", "minimum": 1, "maximum": 20},
            "safe_search": {"type": "boolean"}}, "required": ["query"]}},
        {"name": "send_email", "description": "Send an e-mail on the user's behalf.",
         "parameters": {"type": "object", "properties": {
            "to": {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1, "maxItems": 5},
            "subject": {"type": "string"}, "body": {"type": "string"}}, "required": ["to", "subject", "body"]}},
        {"name": "execute_query", "description": "Run a read or write query against a relational database.",
         "parameters": {"type": "object", "properties": {
            "query": {"type": "string", "description": "The SQL statement"},
            "database": {"type": "string"}}, "required": ["query"]}}
    ])
}

fn plan(data_type: &str, constraints: Value, format: &str) -> Plan {
    let mut spec = json!({
        "data_type": data_type,
        "constraints": constraints,
        "tools": tools(),
        "pools": serde_json::to_value(pools_json()).unwrap(),
        "format": format,
    });
    if data_type == "conversation" && constraints_mode(&spec) != "tool_use" {
        spec["tools"] = json!([]);
        spec["template"] = json!({"name": "t", "domain": "customer_support", "turns": [
            {"role": "system", "content": "You are a support agent for {company}."},
            {"role": "user", "content": "Hi, I'm {first_name}. Order {order_id} has not arrived."},
            {"role": "assistant", "content": "Sorry, {first_name}. {paragraph}"}]});
    }
    Plan::from_json(&spec.to_string()).unwrap()
}

fn constraints_mode(spec: &Value) -> &str {
    spec["constraints"]["mode"].as_str().unwrap_or("")
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

fn bench(c: &mut Criterion) {
    let plans = [
        ("agent_trace", plan("agent_trace", json!({}), "ferrosynth")),
        (
            "tool_use_conversation",
            plan("conversation", json!({"mode": "tool_use"}), "ferrosynth"),
        ),
        (
            "template_conversation",
            plan("conversation", json!({}), "ferrosynth"),
        ),
        (
            "agent_trace_openai",
            plan("agent_trace", json!({}), "openai"),
        ),
        (
            "agent_trace_anthropic",
            plan("agent_trace", json!({}), "anthropic"),
        ),
        ("agent_trace_otel", plan("agent_trace", json!({}), "otel")),
    ];
    let mut g = c.benchmark_group("agent_rows");
    g.throughput(Throughput::Elements(ROWS));
    g.sample_size(10);
    let mut out = Vec::with_capacity(1 << 26);
    for (name, p) in &plans {
        g.bench_with_input(BenchmarkId::new(*name, 1), p, |b, p| {
            b.iter(|| {
                out.clear();
                let opts = RunOptions {
                    threads: Some(1),
                    ..RunOptions::default()
                };
                let span = Span {
                    seed: 1,
                    start: 0,
                    count: ROWS,
                };
                write_jsonl(p, span, opts, Encoding::Plain, &mut out, "-", &mut |_| {
                    Ok(())
                })
                .unwrap();
                black_box(out.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
