//! Agent execution traces. Each trace is a well-formed run: a thought, then zero to two
//! `tool_call` → `observation` pairs (each call names one of the plan's tools and carries
//! arguments valid for that tool's schema), then a `final_answer` step whose content equals the
//! trace's `final_answer`. Step timestamps (Unix seconds, millisecond precision) strictly increase.

use super::tool::Tool;
use crate::json::JsonWriter;
use crate::rng::{push_uuid, Rng};
use crate::schema::EmitCtx;
use crate::text;

/// Probability that a trace reports success (the reference's 80 %).
pub const SUCCESS_RATE: f64 = 0.8;

const PLAN_THOUGHTS: &[&str] = &[
    "I should use {} to find what the task needs.",
    "Next I will call {} with the details from the task.",
    "{} can answer part of this, so I will call it first.",
    "To make progress I need the output of {}.",
];
const DIRECT_THOUGHTS: &[&str] = &[
    "I can answer this directly without calling a tool.",
    "The task is clear enough to answer from what I already know.",
];

/// Writes the members of one trace (inside an open object).
pub fn emit_trace_members(
    tools: &[Tool],
    rng: &mut Rng,
    ctx: &mut EmitCtx<'_>,
    args: &mut JsonWriter,
    w: &mut JsonWriter,
) {
    let pools = ctx.pools;
    ctx.scratch.clear();
    push_uuid(&mut ctx.scratch, &rng.uuid_bytes());
    w.key("trace_id");
    w.str(&ctx.scratch);

    ctx.scratch.clear();
    text::push_word(&mut ctx.scratch, rng, pools);
    ctx.scratch.push_str("_agent");
    w.key("agent");
    w.str(&ctx.scratch);

    ctx.scratch.clear();
    text::push_sentence(&mut ctx.scratch, rng, pools, 6);
    w.key("task");
    w.str(&ctx.scratch);

    // 15 % answer directly, 55 % use one tool, 30 % use two.
    let calls = if tools.is_empty() {
        0
    } else {
        match rng.below(20) {
            0..=2 => 0,
            3..=13 => 1,
            _ => 2,
        }
    };
    let mut final_answer = String::new();
    text::push_paragraph(&mut final_answer, rng, pools, 1);

    let mut clock_ms = ctx.anchor * 1000 + rng.range_i64(0, 30 * 86_400_000);
    let mut step = 0i64;
    let mut begin_step = |w: &mut JsonWriter, rng: &mut Rng, kind: &str| {
        clock_ms += rng.range_i64(100, 2000);
        w.begin_object();
        w.key("step");
        w.int(step);
        w.key("type");
        w.str(kind);
        w.key("timestamp");
        w.float(clock_ms as f64 / 1000.0);
        step += 1;
    };

    w.key("steps");
    w.begin_array();
    for call in 0..calls {
        let tool = rng.pick(tools);
        if call == 0 {
            begin_step(w, rng, "thought");
            ctx.scratch.clear();
            ctx.scratch
                .push_str(&rng.pick_str(PLAN_THOUGHTS).replace("{}", &tool.name));
            w.key("content");
            w.str(&ctx.scratch);
            w.end_object();
        }
        begin_step(w, rng, "tool_call");
        w.key("tool");
        w.str(&tool.name);
        tool.render_arguments(rng, ctx, args);
        w.key("arguments");
        w.raw(&args.buf);
        w.end_object();

        begin_step(w, rng, "observation");
        ctx.scratch.clear();
        text::push_paragraph(&mut ctx.scratch, rng, pools, 2);
        w.key("content");
        w.str(&ctx.scratch);
        w.end_object();
    }
    if calls == 0 {
        begin_step(w, rng, "thought");
        w.key("content");
        w.str(rng.pick_str(DIRECT_THOUGHTS));
        w.end_object();
    }
    begin_step(w, rng, "final_answer");
    w.key("content");
    w.str(&final_answer);
    w.end_object();
    w.end_array();

    w.key("final_answer");
    w.str(&final_answer);
    w.key("success");
    w.bool(rng.chance(SUCCESS_RATE));
}
