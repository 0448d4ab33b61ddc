//! JSON Schema → generation plan. A schema is compiled once into a tree of [`Node`]s; generating
//! an instance walks that tree with the sample's random stream, building values that satisfy the
//! constraints by construction (no generate-and-filter).
//!
//! Pipeline: [`doc`] indexes the document (drafts 4 to 2020-12, `$id`, anchors, `$ref`);
//! [`facets`] merges a conjunction of subschemas (`allOf`, `$ref`) into one record;
//! [`variants`] expands `anyOf`/`oneOf`/`if`/`not`/`dependent*` into plain variants;
//! `compile.rs` turns each variant into a node (one file per kind: `object.rs`, `array.rs`,
//! `string.rs` with `formats.rs`, `number.rs`), rejecting contradictions with the JSON pointer at
//! fault. [`validate`] is a full validator, used for `validate=True`, for filtering `enum`s and
//! for the few residual checks (`checked.rs`). Property names and `x-ferrosynth` steer values
//! ([`hints`]). Recursion is bounded by depth and size budgets (`emit.rs`, `height.rs`).

mod array;
mod checked;
mod compile;
pub mod doc;
mod emit;
pub mod facets;
mod formats;
pub mod fuzzing;
pub mod graph;
mod height;
pub mod hints;
mod node;
mod number;
mod object;
pub mod oracle;
mod string;
#[cfg(test)]
mod testing;
pub mod validate;
pub mod variants;

use std::sync::Arc;

use serde_json::Value;

pub use emit::{EmitCtx, MAX_DEPTH, MAX_VALUES, OPTIONAL_PRESENCE};
pub use node::{
    ArrayNode, ChoiceNode, Format, GridNode, Link, Node, NumberNode, ObjectNode, Prop, Slot,
    StringNode,
};
pub use validate::Failure;

use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::rng::Rng;
use compile::Compiler;
use doc::Doc;
use validate::{VId, Validator};

/// The stack of the compiling thread (address space; only what is used is ever touched).
const COMPILE_STACK: usize = 256 << 20;

/// A compiled schema, ready to generate instances.
#[derive(Debug, Clone)]
pub struct Schema {
    pub root: Node,
    /// Things worth telling the user once (unknown formats), in compile order.
    pub warnings: Vec<String>,
    /// How many samples `x-ferrosynth` uniqueness can cover (`None`: no unique field).
    pub unique_capacity: Option<u64>,
    validator: Arc<Validator>,
    root_id: VId,
    oracle: Arc<oracle::Oracle>,
}

impl Schema {
    /// Compiles a JSON Schema document; errors name the JSON pointer at fault.
    ///
    /// The compilers recurse along the schema's references: the work runs on a thread of its
    /// own with a large stack, after [`graph::check`] has refused what no stack could hold.
    pub fn compile(doc: &Value) -> Result<Self> {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("ferrosynth-schema".into())
                .stack_size(COMPILE_STACK)
                .spawn_scoped(s, || Self::compile_here(doc))
                .map_err(|e| Error::config("schema", format!("cannot start the compiler: {e}")))?
                .join()
                .unwrap_or_else(|_| Err(Error::schema("", "the schema compiler failed")))
        })
    }

    fn compile_here(doc: &Value) -> Result<Self> {
        let doc = Doc::new(doc.clone());
        if let Some((ptr, uri)) = doc.dialect_changes.first() {
            // The 2019-09+ texts let an embedded resource switch dialect; validators differ on
            // where that applies, and each keyword here is read in the root's dialect.
            return Err(Error::schema(
                format!("{ptr}/$schema"),
                format!(
                    "{uri} switches dialect inside the document (the root's is {}): \
                     validators disagree on where an embedded `$schema` applies, so it is \
                     refused; remove it or name the root's dialect",
                    doc.draft.name()
                ),
            ));
        }
        if let Some((ptr, uri)) = doc.duplicates.first() {
            return Err(Error::schema(
                ptr.clone(),
                format!(
                    "the `$id` {uri:?} is declared twice in the document: a reference to it \
                     could reach either, and validators disagree on which"
                ),
            ));
        }
        graph::check(&doc)?;
        let mut c = Compiler::new(&doc);
        let root_id = c.val.compile(&doc, "")?;
        let root = c.conj(vec![String::new()], Vec::new(), None)?;
        let root = unwrap_object(root);
        height::finalize(&root, &c.slots)?;
        let validator = c.val.clone();
        let _ = c.val_cell.set(c.val.clone());
        // Inner checks first. One with no witness has no instance: it is pruned like a branch
        // that never ends and the search goes on (a variant whose negations contradict each
        // other is dropped); the schema fails only when the root is left with no instance.
        // A death can move a choice branch to its next variant, whose checks are then searched.
        // Past a few deaths, searches probe less and the plan is re-pruned once per pass, not
        // after each death (SchemaStore's `vega` has hundreds). A search whose probes went
        // through a node found dead in this pass is inconclusive: it runs again after the
        // pruning. Past `MAX_DEATHS` the schema is refused rather than searched for minutes.
        let mut deaths = 0;
        for pass in 0.. {
            let mut last = None;
            let mut retry = Vec::new();
            for p in height::reachable_checked(&root) {
                if p.has_witness() || p.is_dead() {
                    continue;
                }
                let few = deaths < 4;
                let probes = if few {
                    checked::PROBES
                } else {
                    checked::PROBES_AFTER_FAILURES
                };
                // Past a few deaths, this pass's deaths are pruned only at its end.
                match p.find_witness(probes, (!few).then_some(pass)) {
                    Ok(()) => {}
                    Err((e, true)) if !few => retry.push((p, e)),
                    Err((e, _)) => {
                        p.mark_dead(pass);
                        deaths += 1;
                        if deaths > MAX_DEATHS {
                            return Err(e);
                        }
                        if few && height::finalize(&root, &c.slots).is_err() {
                            return Err(e);
                        }
                        last = Some(e);
                    }
                }
            }
            if last.is_none() {
                // Nothing died in this pass: what was inconclusive fails for good.
                for (p, e) in retry {
                    p.mark_dead(pass);
                    deaths += 1;
                    last = Some(e);
                }
            }
            let Some(e) = last else { break };
            if deaths > MAX_DEATHS || height::finalize(&root, &c.slots).is_err() {
                return Err(e);
            }
        }
        let root = unwrap_object(collapse(root));
        Ok(Schema {
            root,
            warnings: c.warnings,
            unique_capacity: c.unique_capacity,
            validator: Arc::new(validator),
            root_id,
            oracle: Arc::new(oracle::Oracle::new(&doc.root)),
        })
    }

    /// Writes one instance; with `index`, an object instance gets `"index"` as its first key and
    /// any other value is wrapped as `{"index": i, "value": v}` (the `samples` shape).
    pub fn emit_instance(
        &self,
        rng: &mut Rng,
        ctx: &mut EmitCtx<'_>,
        w: &mut JsonWriter,
        index: Option<u64>,
    ) {
        let Some(i) = index else {
            self.root.emit(rng, ctx, w);
            return;
        };
        if let Node::Object(obj) = &self.root {
            if self.has_index_property() {
                // As the reference's `{"index": i, **record}`: a record's own `index` keeps the
                // first place and its value; one key, never two.
                let mut tmp = JsonWriter::default();
                tmp.begin_object();
                obj.emit_props(rng, ctx, &mut tmp);
                tmp.end_object();
                let mut record: serde_json::Map<String, Value> =
                    serde_json::from_slice(&tmp.buf).unwrap_or_default();
                let own = record.shift_remove("index");
                w.begin_object();
                w.key("index");
                match own {
                    Some(v) => w.raw(&compile::serialise(&v)),
                    None => w.uint(i),
                }
                for (k, v) in &record {
                    w.key(k);
                    w.raw(&compile::serialise(v));
                }
                w.end_object();
                return;
            }
            w.begin_object();
            w.key("index");
            w.uint(i);
            obj.emit_props(rng, ctx, w);
            w.end_object();
            return;
        }
        let mut tmp = JsonWriter::default();
        self.root.emit(rng, ctx, &mut tmp);
        w.begin_object();
        w.key("index");
        w.uint(i);
        if tmp.buf.first() == Some(&b'{') {
            // An object built through a check or a reference: splice its members in.
            if tmp.buf.len() > 2 {
                w.buf.push(b',');
                w.buf.extend_from_slice(&tmp.buf[1..tmp.buf.len() - 1]);
            }
        } else {
            w.key("value");
            w.raw(&tmp.buf);
        }
        w.end_object();
    }

    /// Whether the root object declares a property named `index` (the samples' own key).
    pub fn has_index_property(&self) -> bool {
        matches!(&self.root, Node::Object(o) if o.props.iter().any(|p| p.name == "index"))
    }

    /// Checks an instance against the schema with the independent validator (the
    /// `validate=True` safety net: the `jsonschema` crate, see [`oracle`]).
    /// A schema the crate cannot read (a pattern its regex dialect refuses, e.g. lone
    /// surrogate escapes), or an instance it cannot decide (its pattern engine ran out of
    /// backtracking steps, see [`oracle::Verdict::Undecided`]), is checked by ferrosynth's own
    /// validator instead.
    pub fn check(&self, value: &Value) -> std::result::Result<(), Failure> {
        if !self.oracle.usable() {
            return self.check_own(value);
        }
        match self.oracle.verdict(value) {
            oracle::Verdict::Valid => Ok(()),
            oracle::Verdict::Invalid(f) => Err(f),
            oracle::Verdict::Undecided(_) => self.check_own(value),
        }
    }

    /// The independent validator's verdict alone (the fuzzer's oracle).
    pub fn verdict(&self, value: &Value) -> oracle::Verdict {
        self.oracle.verdict(value)
    }

    /// Whether the independent validator can read this schema (see [`oracle`]).
    pub fn oracle_usable(&self) -> bool {
        self.oracle.usable()
    }

    /// Checks an instance with ferrosynth's own validator (the one the generator uses).
    pub fn check_own(&self, value: &Value) -> std::result::Result<(), Failure> {
        self.validator.check(self.root_id, value)
    }
}

/// A root that is a reference to an object becomes that object, so callers can see its kind.
/// Witness searches that may fail in one schema before it is refused.
const MAX_DEATHS: usize = 256;

/// A root choice of one branch (kept with its costlier variants to fall back on) is the
/// variant that branch takes: the samples shape reads the root's kind.
fn collapse(root: Node) -> Node {
    if let Node::Choice(c) = &root {
        if c.nodes.len() == 1 {
            return c.branch(0).clone();
        }
    }
    root
}

fn unwrap_object(root: Node) -> Node {
    if let Node::Ref(link) = &root {
        if let Some(slot) = link.slot() {
            if let Some(Node::Object(obj)) = slot.node.get() {
                return Node::Object(obj.clone());
            }
        }
    }
    root
}

/// Compiles the schema `doc` found at JSON pointer `pointer` of a larger document (errors are
/// reported under that pointer), e.g. a tool's `parameters`.
pub fn compile(doc: &Value, pointer: &str) -> Result<Node> {
    match Schema::compile(doc) {
        Ok(s) => Ok(s.root),
        Err(Error::Schema { pointer: p, reason }) => {
            Err(Error::schema(format!("{pointer}{p}"), reason))
        }
        Err(e) => Err(e),
    }
}

/// Escapes a property name for use in a JSON pointer (RFC 6901).
pub fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
