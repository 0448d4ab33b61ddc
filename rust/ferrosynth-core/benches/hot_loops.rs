//! Criterion benches of the core's hot loops, with a std-only baseline writing the same W1
//! records (`{id: uuid, score: 0..1, label: enum}`) so results read as a ratio to the hardware.
//!
//! Run: `cargo bench -p ferrosynth-core --bench hot_loops` (or `-- 'rows/w[12]'` for the W1/W2
//! ratios: `w1_schema/1` over `w1_std_loop_baseline`, `w2_schema/1` over `w2_std_loop_baseline`).

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ferrosynth_core::plan::Spec;
use ferrosynth_core::rng::Rng;
use ferrosynth_core::write::{Encoding, Job, RunOptions, Span};
use ferrosynth_core::{Envelope, Plan, Pools};
use serde_json::json;

const ROWS: u64 = 100_000;

fn plan(data_type: &str, schema: Option<serde_json::Value>, tools: serde_json::Value) -> Plan {
    Plan::compile(Spec {
        data_type: data_type.into(),
        schema,
        constraints: Default::default(),
        template: None,
        tools: serde_json::from_value(tools).unwrap(),
        pools: Some(Pools::builtin_english()),
        anchor_time: ferrosynth_core::time::DEFAULT_ANCHOR,
        format: None,
    })
    .unwrap()
}

fn w1_schema() -> serde_json::Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "label": {"type": "string", "enum": ["positive", "negative", "neutral"]}},
        "required": ["id", "score", "label"]})
}

/// The std-only loop the W1 target is measured against: the same records, no framework.
fn std_loop(rows: u64, out: &mut Vec<u8>) {
    const LABELS: [&str; 3] = ["positive", "negative", "neutral"];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in 0..rows {
        let mut rng = Rng::for_sample(1, i);
        let b = rng.uuid_bytes();
        let mut id = [0u8; 36];
        let mut k = 0;
        for (j, byte) in b.iter().enumerate() {
            if matches!(j, 4 | 6 | 8 | 10) {
                id[k] = b'-';
                k += 1;
            }
            id[k] = HEX[usize::from(byte >> 4)];
            id[k + 1] = HEX[usize::from(byte & 15)];
            k += 2;
        }
        let score = (rng.unit() * 1e4).round() / 1e4;
        let label = LABELS[rng.index(3)];
        let _ = writeln!(
            out,
            r#"{{"index":{i},"id":"{}","score":{score},"label":"{label}"}}"#,
            std::str::from_utf8(&id).unwrap()
        );
    }
}

fn w2_schema() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../benches/schemas/w2.json")).unwrap()
}

/// The std-only loop for W2 (the nested user record): the same fields and the same kind of
/// work per field (pool picks, a UUID, an RFC 3339 time, 1..5 tags), written with `write!`.
fn std_loop_w2(rows: u64, pools: &Pools, out: &mut Vec<u8>) {
    for i in 0..rows {
        let mut rng = Rng::for_sample(1, i);
        let mut id = String::with_capacity(36);
        ferrosynth_core::rng::push_uuid(&mut id, &rng.uuid_bytes());
        let first = rng.pick_str(&pools.first_names);
        let last = rng.pick_str(&pools.last_names);
        let f = rng.index(pools.first_names_ascii.len());
        let l = rng.index(pools.last_names_ascii.len());
        let domain = rng.pick_str(&pools.email_domains);
        let age = rng.range_i64(18, 90);
        let active = rng.chance(0.5);
        let secs = 1_704_067_200 + rng.below(31_536_000);
        let (d, s) = (secs / 86_400, secs % 86_400);
        let _ = write!(
            out,
            r#"{{"index":{i},"id":"{id}","name":"{first} {last}","email":"{}.{}@{domain}","age":{age},"active":{active},"created_at":"2024-{:02}-{:02}T{:02}:{:02}:{:02}Z","tags":["#,
            pools.first_names_ascii[f],
            pools.last_names_ascii[l],
            1 + (d / 31) % 12,
            1 + d % 28,
            s / 3600,
            (s / 60) % 60,
            s % 60
        );
        for t in 0..rng.range_usize(1, 5) {
            if t > 0 {
                out.push(b',');
            }
            let _ = write!(out, "\"{}\"", rng.pick_str(&pools.words));
        }
        let _ = writeln!(
            out,
            r#"],"address":{{"street":"{} {}","city":"{}","zip":"{:05}"}}}}"#,
            rng.below(9_999) + 1,
            rng.pick_str(&pools.street_names),
            rng.pick_str(&pools.cities),
            rng.below(100_000)
        );
    }
}

fn render(plan: &Plan, rows: u64, threads: usize, out: &mut Vec<u8>) {
    out.clear();
    let job = Job {
        plan,
        span: Span {
            seed: 1,
            start: 0,
            count: rows,
        },
        envelope: Envelope::Sample,
        sep: b'\n',
        encoding: Encoding::Plain,
        columns: None,
    };
    let opts = RunOptions {
        threads: Some(threads),
        ..RunOptions::default()
    };
    job.run(
        opts,
        &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        },
        &mut |_| Ok(()),
    )
    .unwrap();
}

fn bench(c: &mut Criterion) {
    let tools = json!([{"name": "web_search", "parameters": {"type": "object", "properties": {
        "query": {"type": "string"}, "num_results": {"type": "integer", "minimum": 1, "maximum": 20}},
        "required": ["query"]}}]);
    let plans = [
        ("w1_schema", plan("json", Some(w1_schema()), json!([]))),
        ("w2_schema", plan("json", Some(w2_schema()), json!([]))),
        ("free_form_json", plan("json", None, json!([]))),
        ("text", plan("text", None, json!([]))),
        ("tool_call", plan("tool_call", None, tools.clone())),
        ("agent_trace", plan("agent_trace", None, tools)),
    ];
    assert!(plans[0].1.data.schema().is_some());
    let mut g = c.benchmark_group("rows");
    g.throughput(Throughput::Elements(ROWS));
    g.sample_size(10);
    let mut out = Vec::with_capacity(1 << 24);
    g.bench_function("w1_std_loop_baseline", |b| {
        b.iter(|| {
            out.clear();
            std_loop(ROWS, &mut out);
            black_box(out.len())
        })
    });
    let pools = Pools::builtin_english();
    g.bench_function("w2_std_loop_baseline", |b| {
        b.iter(|| {
            out.clear();
            std_loop_w2(ROWS, &pools, &mut out);
            black_box(out.len())
        })
    });
    for (name, p) in &plans {
        for threads in [1, 2] {
            g.bench_with_input(BenchmarkId::new(*name, threads), &threads, |b, &t| {
                b.iter(|| {
                    render(p, ROWS, t, &mut out);
                    black_box(out.len())
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
