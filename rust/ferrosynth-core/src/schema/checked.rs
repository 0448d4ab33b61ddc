//! Residual checks. What the generator cannot build in — `not` of an arbitrary schema, `oneOf`
//! branches that overlap in ways the variant expansion cannot separate, several `contains`,
//! `uniqueItems` over large value spaces, extra keys that must avoid collisions — is verified on
//! each value with the validator. A value that fails is drawn again a bounded number of times,
//! then replaced by a witness found at compile time; a schema with no witness is a compile
//! error. So generation never hangs and never emits an invalid value.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::compile::Compiler;
use super::emit::EmitCtx;
use super::facets::Facets;
use super::node::Node;
use super::validate::{json_eq, VId, Validator};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::{mix64, Rng};
use crate::time;

/// Draws per value before the witness is used.
const ATTEMPTS: usize = 8;
/// Check attempts per instance before every check tries only once.
const CHECK_BUDGET: u32 = 512;
/// Draws at compile time to find a witness.
pub const PROBES: u64 = 256;
/// Draws for each search once several searches have failed in one schema (each failure
/// spends every probe: SchemaStore's `vega` failed hundreds, over a minute at 256 each).
pub const PROBES_AFTER_FAILURES: u64 = 16;
/// Probes that all run out of distinct property names before the search stops.
const SPENT_PROBES: u64 = 8;

/// A node whose values are verified.
#[derive(Debug)]
pub struct CheckedNode {
    inner: Node,
    must_pass: Vec<VId>,
    must_fail: Vec<VId>,
    prop_negs: Vec<(String, VId)>,
    excluded: Vec<Value>,
    validator: Arc<OnceLock<Validator>>,
    witness: OnceLock<Box<[u8]>>,
    /// No probe found a value: the node has no instance, and generation avoids it like a
    /// branch that never ends (a `oneOf` variant whose negations contradict is dropped, not
    /// the whole schema). 0 while alive, else 1 + the search pass it died in.
    dead: AtomicUsize,
    at: String,
}

impl Compiler<'_> {
    /// Wraps `inner` (built from variant `f`) so that its values are verified against `f`.
    pub fn checked(&mut self, inner: Node, f: &Facets, at: &str) -> Result<Node> {
        let compile = |c: &mut Self, ptrs: &[String]| -> Result<Vec<VId>> {
            ptrs.iter().map(|p| c.val.compile(c.doc, p)).collect()
        };
        let must_pass = compile(self, &f.pos)?;
        let mut negs = f.absorbed_negs.clone();
        negs.extend(f.residual.iter().cloned());
        let must_fail = compile(self, &negs)?;
        let prop_negs = f
            .prop_extra
            .iter()
            .map(|p| Ok((p.name.clone(), self.val.compile(self.doc, &p.neg)?)))
            .collect::<Result<Vec<_>>>()?;
        let node = Arc::new(CheckedNode {
            inner,
            must_pass,
            must_fail,
            prop_negs,
            excluded: f.excluded.clone(),
            validator: self.val_cell.clone(),
            witness: OnceLock::new(),
            dead: AtomicUsize::new(0),
            at: at.to_owned(),
        });
        Ok(Node::Checked(node))
    }
}

impl CheckedNode {
    /// The node whose values are verified.
    pub fn inner(&self) -> &Node {
        &self.inner
    }

    /// Whether the witness search found no value (the node has no instance).
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Relaxed) != 0
    }

    /// Whether the witness search already ran and succeeded.
    pub fn has_witness(&self) -> bool {
        self.witness.get().is_some()
    }

    /// Records that the node has no instance, found in search pass `pass`.
    pub fn mark_dead(&self, pass: usize) {
        self.dead.store(pass + 1, Ordering::Relaxed);
    }

    fn accepts(&self, v: &Validator, value: &Value) -> bool {
        self.must_pass.iter().all(|id| v.is_valid(*id, value))
            && !self.must_fail.iter().any(|id| v.is_valid(*id, value))
            && !self.excluded.iter().any(|x| json_eq(x, value))
            && self
                .prop_negs
                .iter()
                .all(|(name, id)| value.get(name).is_none_or(|p| !v.is_valid(*id, p)))
    }

    fn attempt(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, buf: &mut JsonWriter) -> bool {
        buf.buf.clear();
        buf.reset_state();
        self.inner.emit(rng, ctx, buf);
        let Some(v) = self.validator.get() else {
            return false;
        };
        serde_json::from_slice::<Value>(&buf.buf).is_ok_and(|value| self.accepts(v, &value))
    }

    /// Finds the witness (after the whole plan is compiled). `Err((e, inconclusive))`: no
    /// probe passed; `inconclusive` when a failing probe went through a check found dead.
    /// With `unpruned_pass`, the search stops at the first failing probe that went through a
    /// check that died in that pass (still in the plan until the pass prunes it): it is
    /// searched again after the pruning, and its probes until then would be wasted (`vega`
    /// spent 1.6 s of its 1.8 s compile on such searches).
    pub fn find_witness(
        &self,
        probes: u64,
        unpruned_pass: Option<usize>,
    ) -> std::result::Result<(), (Error, bool)> {
        let pools = Pools::builtin_english();
        let mut ctx = EmitCtx::new(&pools, time::DEFAULT_ANCHOR);
        let mut buf = JsonWriter::default();
        ctx.probing = true;
        ctx.name_steps = super::emit::NAME_STEPS;
        ctx.hit_dead = false;
        ctx.unpruned_pass = unpruned_pass;
        ctx.hit_unpruned = false;
        let mut spent_every_time = true;
        for i in 0..probes {
            let mut rng = Rng::from_state(mix64(i + 0x5EED));
            ctx.depth = 0;
            ctx.checks = 0;
            ctx.keys_spent = false;
            // Every fourth probe, the first included, builds the smallest value: recursive
            // schemas whose optional parts each need a witness of their own are found at once
            // (`utam-page-object`), and large ones check kilobytes less (`web-types`).
            ctx.minimal = i % 4 == 0;
            if self.attempt(&mut rng, &mut ctx, &mut buf) {
                let _ = self.witness.set(buf.buf.clone().into_boxed_slice());
                return Ok(());
            }
            if ctx.hit_unpruned {
                return Err((self.no_value(), true));
            }
            if !ctx.keys_spent {
                spent_every_time = false;
            }
            if spent_every_time && i + 1 == SPENT_PROBES {
                // Every probe ran out of distinct names: more probes draw the same few (a
                // fuzzer-found hang spent 0.8 s here on a 300-character name pattern).
                return Err((
                    Error::schema(
                        self.at.clone(),
                        "could not draw enough distinct property names for `minProperties` \
                         here (`propertyNames`/`patternProperties` may admit too few names)",
                    ),
                    false,
                ));
            }
        }
        Err((self.no_value(), ctx.hit_dead))
    }

    fn no_value(&self) -> Error {
        Error::schema(
            self.at.clone(),
            "could not build a value that satisfies `not`/`oneOf`/`contains`/`uniqueItems` \
             here (the constraints may contradict each other)",
        )
    }

    pub fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        let mut buf = JsonWriter::default();
        let dead = self.dead.load(Ordering::Relaxed);
        if dead != 0 {
            ctx.hit_dead = true;
            if ctx.unpruned_pass == Some(dead - 1) {
                ctx.hit_unpruned = true;
            }
        }
        let once = ctx.probing && self.witness.get().is_none();
        for k in 0..ATTEMPTS {
            if k > 0 && (once || ctx.checks >= CHECK_BUDGET) {
                break;
            }
            ctx.checks = ctx.checks.saturating_add(1);
            if self.attempt(rng, ctx, &mut buf) {
                w.raw(&buf.buf);
                return;
            }
        }
        match self.witness.get() {
            Some(bytes) => w.raw(bytes),
            None => w.raw(&buf.buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn residual_not_is_verified() {
        for v in sample(
            json!({"type": "integer", "minimum": 0, "maximum": 50, "not": {"multipleOf": 3}}),
            300,
        ) {
            assert_ne!(v.as_i64().unwrap() % 3, 0);
        }
    }

    #[test]
    fn contradictions_found_by_probing_are_errors() {
        let (_, reason) =
            error(json!({"type": "string", "format": "uuid", "not": {"pattern": "-"}}));
        assert!(reason.contains("could not build"), "{reason}");
    }
}
