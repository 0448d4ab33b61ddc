//! The compiler: a conjunction of subschemas → facets → variants → one [`Node`]. Contradictions
//! are found here, at compile time, and reported with the JSON pointer at fault.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::doc::Doc;
use super::facets::Facets;
use super::hints::extension::Extension;
use super::node::{ChoiceNode, Link, Node, Slot, WeightedEnum};
use super::validate::{json_eq, types, Validator};
use super::variants;
use crate::error::{Error, Result};

type Key = (Vec<String>, Vec<String>, Option<String>);

/// The longest string, longest array and largest object ferrosynth will build: a larger
/// minimum is refused at compile time rather than generated slowly (never a hang).
pub const MAX_MIN_LENGTH: u64 = 100_000;
pub const MAX_MIN_ITEMS: u64 = 10_000;
pub const MAX_MIN_PROPERTIES: u64 = 10_000;
/// Variant expansion steps over a whole schema: SchemaStore's largest take 35,171 (`putout`),
/// `vega` 22,006, the median a handful.
pub const MAX_EXPANSION_STEPS: usize = 250_000;

/// Refuses a minimum above what generation can build in reasonable time.
pub fn check_size(at: &str, keyword: &str, value: u64, limit: u64) -> Result<()> {
    if value > limit {
        return Err(Error::schema(
            at,
            format!("{keyword} ({value}) is larger than ferrosynth builds (at most {limit})"),
        ));
    }
    Ok(())
}

/// Whether `e` refuses something ferrosynth does not do on purpose (an `x-ferrosynth` request
/// it cannot honour, a size beyond its limits, a bound beyond 64 bits, another document), as
/// opposed to a contradiction in the schema: a refusal is reported even where the schema lets
/// the value be left out.
pub fn is_refusal(e: &Error) -> bool {
    let Error::Schema { reason, .. } = e else {
        return true;
    };
    [
        "x-ferrosynth",
        "not supported",
        "ferrosynth builds",
        "only references inside",
    ]
    .iter()
    .any(|m| reason.contains(m))
}

/// Compile-time state for one document.
pub struct Compiler<'d> {
    pub doc: &'d Doc,
    pub val: Validator,
    pub val_cell: Arc<OnceLock<Validator>>,
    memo: HashMap<Key, Arc<Slot>>,
    /// Conjunctions compiled once inline: a second use shares one node (a subschema under a
    /// `$ref` that many `oneOf` variants reach was compiled 16,000 times in SchemaStore's
    /// `dofigen`).
    seen: HashSet<Key>,
    /// Conjunctions that failed: `(pointer, reason)`, returned again without recompiling.
    failed: HashMap<Key, (String, String)>,
    /// Variant expansion steps over the whole schema (bounded by `MAX_EXPANSION_STEPS`).
    pub expansion_steps: usize,
    pub slots: Vec<Arc<Slot>>,
    pub warnings: Vec<String>,
    /// How many times a node can occur in one instance (product of enclosing array bounds);
    /// `None` inside recursion or unbounded repetition.
    pub occurrences: Option<u64>,
    pub unique_capacity: Option<u64>,
    pub unique_count: u32,
}

impl<'d> Compiler<'d> {
    pub fn new(doc: &'d Doc) -> Self {
        Compiler {
            doc,
            val: Validator::new(),
            val_cell: Arc::new(OnceLock::new()),
            memo: HashMap::new(),
            seen: HashSet::new(),
            failed: HashMap::new(),
            expansion_steps: 0,
            slots: Vec::new(),
            warnings: Vec::new(),
            occurrences: Some(1),
            unique_capacity: None,
            unique_count: 0,
        }
    }

    /// Compiles the conjunction of the subschemas `pos` and the negations of `neg`. `name` is
    /// the property name the value is for (it steers realistic values).
    pub fn conj(
        &mut self,
        mut pos: Vec<String>,
        mut neg: Vec<String>,
        name: Option<&str>,
    ) -> Result<Node> {
        let at = pos.first().cloned().unwrap_or_default();
        pos.sort();
        pos.dedup();
        neg.sort();
        neg.dedup();
        let key: Key = (pos.clone(), neg.clone(), name.map(str::to_owned));
        if let Some((p, r)) = self.failed.get(&key) {
            return Err(Error::schema(p.clone(), r.clone()));
        }
        if let Some(slot) = self.memo.get(&key) {
            if slot.node.get().is_some() {
                return Ok(Node::Ref(Link::Strong(slot.clone())));
            }
            // A cycle: the node refers to itself through `$ref`.
            self.occurrences = None;
            return Ok(Node::Ref(Link::Back(Arc::downgrade(slot))));
        }
        let slot = Arc::new(Slot {
            pointer: at.clone(),
            ..Slot::default()
        });
        self.memo.insert(key.clone(), slot.clone());
        let mut f = Facets::default();
        for p in &pos {
            f.merge(self.doc, p);
        }
        f.negs.extend(neg);
        let via_ref = f.via_ref;
        let uniques_before = self.unique_count;
        let result = self.facets(f, name, &at);
        let node = match result {
            Ok(n) => n,
            Err(e) => {
                self.memo.remove(&key);
                if let Error::Schema { pointer, reason } = &e {
                    self.failed.insert(key, (pointer.clone(), reason.clone()));
                }
                return Err(e);
            }
        };
        let referenced = Arc::weak_count(&slot) > 0;
        if referenced && self.unique_count > uniques_before {
            // Everything under a recursive node repeats an unbounded number of times.
            self.memo.remove(&key);
            return Err(Error::schema(
                at,
                "x-ferrosynth `unique` is not supported inside recursive schemas",
            ));
        }
        // Unique fields count their occurrences per place: those nodes are never shared.
        let shared = self.unique_count == uniques_before && !self.seen.insert(key.clone());
        if via_ref || referenced || shared {
            let _ = slot.node.set(node);
            self.slots.push(slot.clone());
            Ok(Node::Ref(Link::Strong(slot)))
        } else {
            self.memo.remove(&key);
            Ok(node)
        }
    }

    /// Expands `f` into variants and compiles the cheapest satisfiable ones.
    pub fn facets(&mut self, f: Facets, name: Option<&str>, at: &str) -> Result<Node> {
        let mut ok: Vec<(Vec<u16>, u32, Node)> = Vec::new();
        let mut first_err: Option<Error> = None;
        let variants = variants::expand(self.doc, f, &mut self.expansion_steps);
        if self.expansion_steps > MAX_EXPANSION_STEPS {
            // Overlapping `oneOf` branches negate each other, and each negation branches again:
            // bounded here (a fuzzer-found schema of 14 untyped branches ran for minutes).
            return Err(Error::schema(
                at,
                format!(
                    "the combinations of `oneOf`/`anyOf`/`not`/`if` in this schema grow past \
                     what ferrosynth builds ({MAX_EXPANSION_STEPS} expansion steps); give \
                     overlapping branches a `type` or a discriminating `const`"
                ),
            ));
        }
        let mut built = 0;
        for v in variants {
            if let Some((p, r)) = &v.unsat {
                first_err.get_or_insert_with(|| Error::schema(p.clone(), r.clone()));
                continue;
            }
            if built >= variants::MAX_VARIANTS {
                break;
            }
            built += 1;
            match self.variant(&v, name, at) {
                Ok(n) => ok.push((v.path.clone(), v.cost, n)),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if ok.is_empty() {
            return Err(
                first_err.unwrap_or_else(|| Error::schema(at, "no value satisfies this schema"))
            );
        }
        // Among the variants of one branch path, keep the most natural; keep every path.
        let best = |path: &[u16]| {
            ok.iter()
                .filter(|(p, _, _)| p == path)
                .map(|(_, c, _)| *c)
                .min()
        };
        let keep: Vec<bool> = ok.iter().map(|(p, c, _)| best(p) == Some(*c)).collect();
        // The others, cheapest first, stay as each kept variant's fallbacks (its next variant
        // when its witness search finds no value).
        let mut kept: Vec<(Vec<u16>, Node)> = Vec::new();
        let mut rest: Vec<(Vec<u16>, u32, Node)> = Vec::new();
        for ((path, cost, n), k) in ok.into_iter().zip(keep) {
            if k {
                kept.push((path, n));
            } else {
                rest.push((path, cost, n));
            }
        }
        rest.sort_by_key(|(_, cost, _)| *cost);
        if rest.is_empty() {
            let mut nodes: Vec<Node> = kept.into_iter().map(|(_, n)| n).collect();
            return Ok(if nodes.len() == 1 {
                nodes.pop().unwrap_or(Node::Null)
            } else {
                Node::Choice(ChoiceNode::uniform(nodes))
            });
        }
        // Ties of one path share its fallbacks (each holds its own copy).
        let mut alts: Vec<Vec<Node>> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        for (path, n) in kept {
            alts.push(
                rest.iter()
                    .filter(|(p, _, _)| *p == path)
                    .map(|(_, _, n)| n.clone())
                    .collect(),
            );
            nodes.push(n);
        }
        Ok(Node::Choice(
            ChoiceNode::uniform(nodes).with_alternatives(alts),
        ))
    }

    /// Whether `value` satisfies every positive subschema of `f` and none of its negations.
    pub fn admits(&mut self, f: &Facets, value: &Value) -> Result<bool> {
        for p in &f.pos {
            let id = self.val.compile(self.doc, p)?;
            if !self.val.is_valid(id, value) {
                return Ok(false);
            }
        }
        for n in f.absorbed_negs.iter().chain(&f.residual) {
            let id = self.val.compile(self.doc, n)?;
            if self.val.is_valid(id, value) {
                return Ok(false);
            }
        }
        for pe in &f.prop_extra {
            if let Some(v) = value.get(&pe.name) {
                let id = self.val.compile(self.doc, &pe.neg)?;
                if self.val.is_valid(id, v) {
                    return Ok(false);
                }
            }
        }
        Ok(!f.excluded.iter().any(|x| json_eq(x, value)))
    }

    /// Whether one of the subschemas at `ptrs` is the literal `false` (an explicit "never").
    pub fn explicitly_false(&self, ptrs: &[String]) -> bool {
        ptrs.iter()
            .any(|p| self.doc.get(p) == Some(&Value::Bool(false)))
    }

    fn variant(&mut self, f: &Facets, name: Option<&str>, at: &str) -> Result<Node> {
        let ext = Extension::parse(f.extension.as_ref())?;
        if let Some(v) = &ext.value {
            if !self.admits(f, v)? {
                return Err(Error::schema(
                    f.extension.as_ref().map_or(at, |(p, _)| p.as_str()),
                    format!("the fixed value {v} does not satisfy the schema"),
                ));
            }
            return Ok(Node::Const(serialise(v)));
        }
        if let Some(consts) = &f.consts {
            return self.enumeration(f, consts, &ext, at);
        }
        let mut bits = f.types;
        let implied = f.implied_types();
        let any = !f.typed && implied & bits == 0;
        if !f.typed && implied & bits != 0 {
            bits &= implied;
        }
        if any {
            // No type and no type-specific keyword: a realistic string when strings are allowed.
            for pref in [
                types::STRING,
                types::INTEGER,
                types::NUMBER,
                types::BOOLEAN,
                types::NULL,
                types::OBJECT,
                types::ARRAY,
            ] {
                if bits & pref != 0 {
                    bits = pref;
                    break;
                }
            }
        }
        let mut nodes = Vec::new();
        let mut weights = Vec::new();
        let mut first_err = None;
        let mut push =
            |r: Result<Node>, w: f64, nodes: &mut Vec<Node>, weights: &mut Vec<f64>| match r {
                Ok(n) => {
                    nodes.push(n);
                    weights.push(w);
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            };
        if bits & types::OBJECT != 0 {
            let r = self.object(f, at);
            push(r, 1.0, &mut nodes, &mut weights);
        }
        if bits & types::ARRAY != 0 {
            let r = self.array(f, name, at);
            push(r, 1.0, &mut nodes, &mut weights);
        }
        if bits & types::STRING != 0 {
            let r = self.string(f, &ext, name, at);
            push(r, 1.0, &mut nodes, &mut weights);
        }
        if bits & (types::INTEGER | types::NUMBER) != 0 {
            let r = self.number(f, &ext, bits, name, at);
            push(r, 1.0, &mut nodes, &mut weights);
        }
        if bits & types::BOOLEAN != 0 {
            let allowed: Vec<bool> = [true, false]
                .into_iter()
                .filter(|b| !f.excluded.contains(&Value::Bool(*b)))
                .collect();
            let r = match allowed.as_slice() {
                [] => Err(Error::schema(at, "both booleans are excluded")),
                [b] => Ok(Node::Const(serialise(&Value::Bool(*b)))),
                _ => Ok(Node::Boolean),
            };
            push(r, 1.0, &mut nodes, &mut weights);
        }
        if bits & types::NULL != 0 && !f.excluded.contains(&Value::Null) {
            // Nullable fields are usually filled: null gets a small share.
            let w = if nodes.is_empty() {
                1.0
            } else {
                0.1 * nodes.len() as f64
            };
            push(Ok(Node::Null), w, &mut nodes, &mut weights);
        }
        let node = match nodes.len() {
            0 => {
                return Err(first_err
                    .unwrap_or_else(|| Error::schema(at, "no type can satisfy this schema")));
            }
            1 => nodes.pop().unwrap_or(Node::Null),
            _ if weights.iter().all(|w| *w == 1.0) => Node::Choice(ChoiceNode::uniform(nodes)),
            _ => Node::Choice(ChoiceNode::weighted(nodes, &weights)),
        };
        let needs_check = !f.residual.is_empty()
            || (!f.excluded.is_empty()
                && bits & (types::STRING | types::OBJECT | types::ARRAY) != 0)
            || !f.prop_extra.is_empty() && bits & types::OBJECT != 0;
        if needs_check {
            return self.checked(node, f, at);
        }
        Ok(node)
    }

    fn enumeration(
        &mut self,
        f: &Facets,
        consts: &[Value],
        ext: &Extension,
        at: &str,
    ) -> Result<Node> {
        let mut kept = Vec::new();
        let mut weights = Vec::new();
        for (i, c) in consts.iter().enumerate() {
            if self.admits(f, c)? {
                kept.push(c.clone());
                weights.push(ext.weight(i, c));
            }
        }
        if kept.is_empty() {
            return Err(Error::schema(
                at,
                "no value of `enum`/`const` satisfies the other constraints that apply here",
            ));
        }
        let values: Vec<Box<[u8]>> = kept.iter().map(serialise).collect();
        if ext.unique {
            let slot = self.unique_slot(values.len() as u64, at)?;
            return Ok(Node::Weighted(Box::new(WeightedEnum {
                values,
                cumulative: Vec::new(),
                unique: Some(slot),
            })));
        }
        if ext.has_weights() {
            let mut acc = 0.0;
            let cumulative = weights
                .iter()
                .map(|w| {
                    acc += w;
                    acc
                })
                .collect();
            return Ok(Node::Weighted(Box::new(WeightedEnum {
                values,
                cumulative,
                unique: None,
            })));
        }
        Ok(if values.len() == 1 {
            Node::Const(values.into_iter().next().unwrap_or_default())
        } else {
            Node::Enum(values)
        })
    }
}

/// Serialises a value once, at compile time.
pub fn serialise(value: &Value) -> Box<[u8]> {
    // serde_json only fails on non-string map keys, which a parsed `Value` cannot contain.
    serde_json::to_vec(value)
        .unwrap_or_else(|_| b"null".to_vec())
        .into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn enums_are_filtered_by_the_rest_of_the_schema() {
        let out = sample(json!({"enum": [1, "a", 2.5, null], "type": "number"}), 50);
        assert!(out.iter().all(|v| v.is_number()));
        let (ptr, reason) =
            error(json!({"properties": {"x": {"enum": ["a"], "minLength": 2}}, "required": ["x"]}));
        assert_eq!(ptr, "/properties/x");
        assert!(reason.contains("enum"), "{reason}");
    }

    #[test]
    fn an_unsatisfiable_optional_property_is_left_out_with_a_warning() {
        let schema = json!({"type": "object", "properties": {"x": {"enum": ["a"], "minLength": 2},
            "y": {"type": "integer"}}, "required": ["y"]});
        let out = sample(schema.clone(), 50);
        assert!(out.iter().all(|v| v.get("x").is_none() && v["y"].is_i64()));
        let s = super::super::Schema::compile(&schema).unwrap();
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("\"x\"") && w.contains("/properties/x")),
            "{:?}",
            s.warnings
        );
    }

    #[test]
    fn an_open_object_never_uses_the_name_of_an_omitted_property_for_an_extra_key() {
        // The only extra keys that `patternProperties` can make are the omitted name itself.
        let out = sample(
            json!({"type": "object", "properties": {"ab": {"oneOf": [{}, {}]}},
                "patternProperties": {"^ab$": {}}, "minProperties": 0, "maxProperties": 1}),
            50,
        );
        assert!(out.iter().all(|v| v.get("ab").is_none()), "{out:?}");
    }

    #[test]
    fn shared_and_recursive_references() {
        let schema = json!({"$defs": {"n": {"type": "object", "properties": {"v": {"type": "integer"},
            "next": {"$ref": "#/$defs/n"}}, "required": ["v"]}}, "$ref": "#/$defs/n"});
        assert_eq!(sample(schema, 100).len(), 100);
        let (ptr, _) = error(
            json!({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}},
            "required": ["next"]}}, "$ref": "#/$defs/n"}),
        );
        assert_eq!(ptr, "/$defs/n/properties/next");
    }
}
