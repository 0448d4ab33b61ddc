//! Instance generation: the context every node writes with, and the dispatch over node kinds
//! (each kind's routine lives in its own file).

use std::sync::atomic::Ordering;

use super::node::{ChoiceNode, Link, Node, WeightedEnum};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;

/// Probability that an optional property is present (the reference's 80 %).
pub const OPTIONAL_PRESENCE: f64 = 0.8;
/// Containers nested deeper than this get their smallest valid form (recursion bound).
pub const MAX_DEPTH: u32 = 8;
/// Values one instance may hold before containers get their smallest valid form.
pub const MAX_VALUES: u32 = 2_000;

/// Pattern-matcher steps for checking the property names drawn in one instance (or in one
/// witness search): a fuzzer found `propertyNames` patterns (`([-z_]+){152}`) whose every check
/// ran the matcher to its 2,000,000-step limit — 25 s to refuse one schema.
pub const NAME_STEPS: u64 = 4_000_000;

/// What generation needs besides the random stream: the pools, the anchor time, a scratch
/// buffer reused across values, and the per-instance budgets.
pub struct EmitCtx<'a> {
    pub pools: &'a Pools,
    pub anchor: i64,
    pub scratch: String,
    /// Container nesting of the value being written.
    pub depth: u32,
    /// Values written so far in this instance.
    pub values: u32,
    /// The sample being generated (`x-ferrosynth` uniqueness).
    pub seed: u64,
    pub sample: u64,
    /// Occurrences so far in this instance of each unique field.
    pub occurrences: Vec<u64>,
    /// An object ran out of fresh extra keys (set by the emitter, read by witness probes).
    pub keys_spent: bool,
    /// Pattern-matcher steps left for checking drawn property names (`propertyNames`,
    /// `patternProperties` to avoid): per instance, and per witness search while probing.
    pub name_steps: u64,
    /// Every container takes its smallest valid form (some witness probes: the smallest value
    /// is the likeliest to pass and the cheapest to check).
    pub minimal: bool,
    /// A witness probe is running: a nested check with no witness yet tries once, not
    /// `ATTEMPTS` times (nested checks multiplied the attempts: 25 s on `grpc-api-gateway`).
    pub probing: bool,
    /// Check attempts in this instance: past `CHECK_BUDGET`, a check tries once before its
    /// witness (nested checks multiply their attempts: 8 per level).
    pub checks: u32,
    /// A witness probe went through a check already found to have no instance (its failure
    /// says nothing about the node being searched until the plan is pruned again).
    pub hit_dead: bool,
    /// The search pass whose deaths are not pruned from the plan yet (while witnesses are
    /// searched in a pass that prunes once at its end).
    pub unpruned_pass: Option<usize>,
    /// A witness probe went through a check that died in `unpruned_pass`.
    pub hit_unpruned: bool,
}

impl<'a> EmitCtx<'a> {
    pub fn new(pools: &'a Pools, anchor: i64) -> Self {
        EmitCtx {
            pools,
            anchor,
            scratch: String::with_capacity(256),
            depth: 0,
            values: 0,
            seed: 0,
            sample: 0,
            occurrences: Vec::new(),
            keys_spent: false,
            name_steps: NAME_STEPS,
            minimal: false,
            probing: false,
            checks: 0,
            hit_dead: false,
            unpruned_pass: None,
            hit_unpruned: false,
        }
    }

    /// Sets the sample the next instance belongs to.
    pub fn start_sample(&mut self, seed: u64, sample: u64) {
        self.seed = seed;
        self.sample = sample;
    }

    /// Called when a top-level container starts: resets the per-instance budgets.
    #[inline]
    pub fn enter_instance(&mut self) {
        self.values = 0;
        self.checks = 0;
        if !self.probing {
            self.name_steps = NAME_STEPS;
        }
        self.occurrences.iter_mut().for_each(|o| *o = 0);
    }

    /// Whether containers should take their smallest valid form now.
    #[inline]
    pub fn shrink(&self) -> bool {
        self.minimal || self.depth >= MAX_DEPTH || self.values >= MAX_VALUES
    }

    /// The next occurrence number of unique field `id` in this instance.
    pub fn next_occurrence(&mut self, id: u32) -> u64 {
        let i = id as usize;
        if self.occurrences.len() <= i {
            self.occurrences.resize(i + 1, 0);
        }
        let o = self.occurrences[i];
        self.occurrences[i] += 1;
        o
    }
}

impl Node {
    /// Writes one instance of this node.
    pub fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        ctx.values += 1;
        match self {
            Node::Object(obj) => {
                if ctx.depth == 0 {
                    ctx.enter_instance();
                }
                w.begin_object();
                obj.emit_props(rng, ctx, w);
                w.end_object();
            }
            Node::String(s) => {
                ctx.scratch.clear();
                let mut out = std::mem::take(&mut ctx.scratch);
                s.build(&mut out, rng, ctx);
                w.str(&out);
                ctx.scratch = out;
            }
            Node::Integer { lo, hi } => w.int(rng.range_i64(*lo, *hi)),
            Node::Number(n) => w.float(n.draw(rng)),
            Node::Boolean => w.bool(rng.next_u64() & 1 == 1),
            Node::Null => w.null(),
            Node::Array {
                items,
                min,
                max,
                force_min,
            } => {
                if ctx.depth == 0 {
                    ctx.enter_instance();
                }
                let n = if ctx.shrink() || force_min.get() {
                    *min
                } else {
                    rng.range_usize(*min, *max)
                };
                w.begin_array();
                ctx.depth += 1;
                for _ in 0..n {
                    items.emit(rng, ctx, w);
                }
                ctx.depth -= 1;
                w.end_array();
            }
            Node::Enum(values) => w.raw(&values[rng.index(values.len())]),
            Node::Const(value) => w.raw(value),
            Node::Choice(c) => c.pick(rng, ctx).emit(rng, ctx, w),
            Node::Grid(g) => g.emit(rng, ctx, w),
            Node::Tuple(a) => {
                if ctx.depth == 0 {
                    ctx.enter_instance();
                }
                a.emit(rng, ctx, w);
            }
            Node::Weighted(e) => e.emit(rng, ctx, w),
            Node::Ref(link) => link.with(|n| match n {
                Some(n) => n.emit(rng, ctx, w),
                None => w.null(),
            }),
            Node::Checked(c) => c.emit(rng, ctx, w),
        }
    }
}

impl ChoiceNode {
    /// The alternative to write: by weight, or the shallowest once the budget is spent.
    #[inline]
    pub fn pick(&self, rng: &mut Rng, ctx: &EmitCtx<'_>) -> &Node {
        if self.nodes.len() == 1 {
            // One variant kept, the others as fallbacks: nothing to draw.
            return self.branch(0);
        }
        let shallowest = self
            .min_branch
            .load(Ordering::Relaxed)
            .min(self.nodes.len() - 1);
        if ctx.shrink() {
            return self.branch(shallowest);
        }
        let i = match &self.cumulative {
            None => rng.index(self.nodes.len()),
            Some(cum) => pick_cumulative(cum, rng),
        };
        // A branch with no finite instance is never entered.
        if i < 64 && self.infinite.load(Ordering::Relaxed) & (1 << i) != 0 {
            return self.branch(shallowest);
        }
        self.branch(i)
    }
}

/// An index drawn with the weights whose running sums are `cum`.
pub fn pick_cumulative(cum: &[f64], rng: &mut Rng) -> usize {
    let total = cum.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cum.iter().position(|&c| x < c).unwrap_or(cum.len() - 1)
}

impl WeightedEnum {
    fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        let i = match &self.unique {
            Some(u) => {
                let occ = ctx.next_occurrence(u.id);
                u.value_index(ctx.seed, ctx.sample, occ) as usize
            }
            None => pick_cumulative(&self.cumulative, rng),
        };
        w.raw(&self.values[i.min(self.values.len() - 1)]);
    }
}

impl Link {
    /// The node behind a link, for callers that need its kind (e.g. an object at the top).
    pub fn resolve(&self) -> Option<std::sync::Arc<super::node::Slot>> {
        self.slot()
    }
}
