//! Variant expansion: a schema with branching keywords is a disjunction of plain conjunctions.
//! `anyOf` yields one variant per branch; `oneOf` one per branch with the other branches
//! negated; `if`/`then`/`else` two (`if ∧ then`, `¬if ∧ else`); `dependentRequired` and
//! `dependentSchemas` two (trigger absent, or present with its consequence).
//!
//! A negation `¬S` is absorbed exactly when `S` is a conjunction of simple atoms: `¬(A ∧ B)` is
//! `¬A ∨ ¬B`, one variant per atom (`¬type`, excluded values, opposite bounds, a forbidden or
//! required property whose value is negated in turn). Anything else stays a residual check that
//! each generated value must pass. Every variant carries a cost so that the most natural
//! satisfiable variants are preferred.

use super::doc::Doc;
use super::facets::{Facets, Group, PropExtra};
use super::validate::types;

/// The most variants one schema node expands into.
pub const MAX_VARIANTS: usize = 64;

const COST_RESIDUAL: u32 = 8;

/// Expansion steps (branchings and negations) per schema node before the search stops at the
/// variants it has found.
const MAX_STEPS: usize = 512;

/// Expansion steps per schema node while no satisfiable variant has been found.
const MAX_STEPS_UNSATISFIED: usize = 16 * MAX_STEPS;

/// Expands `base` into plain variants (no groups, no pending negations). Unsatisfiable variants
/// are returned too (with `unsat` set) so the caller can report the first reason.
pub fn expand(doc: &Doc, base: Facets, total: &mut usize) -> Vec<Facets> {
    let mut done = Vec::new();
    // Satisfiable variants found so far; unsatisfiable ones do not use up the budget (270
    // `if`/`then` pairs that each fix a discriminator leave one unsatisfiable variant per pair).
    let mut found = 0;
    let mut steps = 0;
    let mut work = vec![base];
    while let Some(mut f) = work.pop() {
        if f.unsat.is_some() {
            done.push(f);
            continue;
        }
        if f.types & !types::OBJECT == 0 {
            if let Some(name) = f.required.iter().find(|r| f.forbidden.contains(r)).cloned() {
                // An object variant that requires a property a rule forbids has no instance,
                // nor has any variant expanded from it (`required`, `forbidden` and the types
                // only grow or narrow): the branch is cut here, so that such variants neither
                // take the place of satisfiable ones among the `MAX_VARIANTS` compiled
                // (`pylock`'s four `if required … then not required …` rules had 64 before
                // the one with none present) nor spend the expansion steps.
                let at = f.pos.first().cloned().unwrap_or_default();
                f.fail(
                    &at,
                    format!(
                        "required property {name:?} cannot be generated: a `not`/dependency \
                         rule forbids it"
                    ),
                );
                done.push(f);
                continue;
            }
        }
        if work.len() + found > MAX_VARIANTS * 4 {
            continue;
        }
        // Each step clones the facets: past the budget, the variants found are enough (compile
        // time stays linear in the schema's size; every variant kept is still exact).
        steps += 1;
        *total += 1;
        if steps > MAX_STEPS && found > 0 {
            break;
        }
        // With nothing satisfiable found, the search went on: exhaustively, exponential in the
        // number of overlapping branches (a fuzzer-found 14-branch `oneOf` of untyped objects
        // ran for minutes). It stops here too; no variant then means the node is refused.
        if steps > MAX_STEPS_UNSATISFIED {
            break;
        }
        if let Some(g) = f.groups.pop_front() {
            let mut next = branch(doc, f, g);
            for (i, v) in next.iter_mut().enumerate() {
                v.path.push(i as u16);
            }
            next.reverse();
            work.extend(next);
            continue;
        }
        if let Some(n) = f.negs.pop() {
            let mut next = negate(doc, f, &n);
            next.reverse();
            work.extend(next);
            continue;
        }
        found += 1;
        done.push(f);
    }
    done
}

fn branch(doc: &Doc, f: Facets, g: Group) -> Vec<Facets> {
    match g {
        Group::AnyOf(bs) => bs
            .iter()
            .map(|b| {
                let mut v = f.clone();
                v.merge(doc, b);
                v
            })
            .collect(),
        Group::OneOf(bs) => (0..bs.len())
            .map(|i| {
                let mut v = f.clone();
                v.merge(doc, &bs[i]);
                // A branch that provably excludes this one (a different discriminator value,
                // disjoint types) needs no negation: 200-branch discriminated unions stay linear.
                for (j, other) in bs.iter().enumerate() {
                    if j != i && !disjoint(doc, &bs[i], other) {
                        v.negs.push(other.clone());
                    }
                }
                v
            })
            .collect(),
        Group::If {
            cond,
            then,
            otherwise,
        } => {
            let mut yes = f.clone();
            if let Some((ptr, name)) = discriminator_clash(doc, &f, &cond) {
                // A chain of `if`/`then` pairs keyed on one property: once a pair has fixed the
                // value, every later `if` on another value is false; said here, not after
                // compiling a variant for each combination.
                yes.fail(
                    &ptr,
                    format!("property {name:?} cannot have two different constant values"),
                );
            }
            yes.merge(doc, &cond);
            if let Some(t) = &then {
                yes.merge(doc, t);
            }
            let mut no = f;
            no.negs.push(cond);
            if let Some(o) = &otherwise {
                no.merge(doc, o);
            }
            vec![yes, no]
        }
        Group::DepRequired(name, reqs) => {
            let add = |v: &mut Facets, names: &[String]| {
                for r in names {
                    if !v.required.contains(r) {
                        v.required.push(r.clone());
                    }
                }
            };
            if f.required.contains(&name) || f.types & types::OBJECT == 0 {
                let mut v = f;
                if v.required.contains(&name) {
                    add(&mut v, &reqs);
                }
                return vec![v];
            }
            let mut absent = f.clone();
            absent.forbidden.push(name.clone());
            let mut present = f;
            add(&mut present, &[name]);
            add(&mut present, &reqs);
            present.cost += 1;
            vec![absent, present]
        }
        Group::DepSchema(name, ptr) => {
            if f.types & types::OBJECT == 0 {
                return vec![f];
            }
            if f.required.contains(&name) {
                let mut v = f;
                v.merge(doc, &ptr);
                return vec![v];
            }
            let mut absent = f.clone();
            absent.forbidden.push(name.clone());
            let mut present = f;
            present.required.push(name);
            present.merge(doc, &ptr);
            present.cost += 1;
            vec![absent, present]
        }
    }
}

/// A property that `cond` fixes (`const`, or a one-value `enum`) to a value that a `properties`
/// entry already merged into `f` excludes: `(pointer in cond, name)`.
fn discriminator_clash(doc: &Doc, f: &Facets, cond: &str) -> Option<(String, String)> {
    use serde_json::Value;
    let has_const = doc.draft >= super::doc::Draft::D6;
    let allowed = |v: &Value| -> Option<Vec<Value>> {
        let m = v.as_object()?;
        if let Some(c) = m.get("const").filter(|_| has_const) {
            return Some(vec![c.clone()]);
        }
        m.get("enum").and_then(Value::as_array).cloned()
    };
    let Some(Value::Object(props)) = doc.get(cond)?.get("properties") else {
        return None;
    };
    for (name, sub) in props {
        let Some(mine) = allowed(sub) else { continue };
        if mine.len() != 1 {
            continue;
        }
        for o in &f.objs {
            for (n, ptr) in &o.props {
                if n != name {
                    continue;
                }
                let Some(theirs) = doc.get(ptr).and_then(allowed) else {
                    continue;
                };
                if !theirs.iter().any(|t| super::validate::json_eq(t, &mine[0])) {
                    let at = format!("{cond}/properties/{}", super::pointer_token(name));
                    return Some((at, name.clone()));
                }
            }
        }
    }
    None
}

/// The subschema a pure `$ref` chain at `ptr` ends at (`ptr` itself when it is no `$ref`).
fn ref_target(doc: &Doc, mut ptr: String) -> String {
    use serde_json::Value;
    for _ in 0..8 {
        let Some(Value::Object(m)) = doc.get(&ptr) else {
            break;
        };
        let Some(Value::String(r)) = m.get("$ref") else {
            break;
        };
        if m.len() > 1 && !doc.draft.ref_overrides_siblings() {
            break;
        }
        match doc.resolve(&ptr, r) {
            Ok(t) => ptr = t,
            Err(_) => break,
        }
    }
    ptr
}

/// Whether the subschemas at `a` and `b` are the same schema (one target, or equal text read
/// against the same base).
fn same_schema(doc: &Doc, a: &str, b: &str) -> bool {
    let (a, b) = (ref_target(doc, a.to_owned()), ref_target(doc, b.to_owned()));
    a == b || (doc.get(&a) == doc.get(&b) && doc.base_of(&a) == doc.base_of(&b))
}

/// Whether no instance satisfies both subschemas, judged cheaply from their own keywords: two
/// different `const`s, `type` sets that do not meet, or a property both require with different
/// `const` values (a discriminator). `false` means "not proven", never "overlapping".
fn disjoint(doc: &Doc, a: &str, b: &str) -> bool {
    use serde_json::Value;
    // A branch that is only a `$ref` (the usual discriminated union) is judged by its target.
    let (a, b) = (ref_target(doc, a.to_owned()), ref_target(doc, b.to_owned()));
    let (Some(Value::Object(x)), Some(Value::Object(y))) = (doc.get(&a), doc.get(&b)) else {
        return false;
    };
    let opaque = |m: &serde_json::Map<String, Value>| {
        m.contains_key("$ref") || m.get("nullable") == Some(&Value::Bool(true))
    };
    if opaque(x) || opaque(y) {
        return false;
    }
    // `const` is a keyword from draft 6 on; under draft 4 it constrains nothing.
    let has_const = doc.draft >= super::doc::Draft::D6;
    let konst = |m: &serde_json::Map<String, Value>| -> Option<Value> {
        match (m.get("const").filter(|_| has_const), m.get("enum")) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(Value::Array(e))) if e.len() == 1 => Some(e[0].clone()),
            _ => None,
        }
    };
    if let (Some(p), Some(q)) = (konst(x), konst(y)) {
        if !super::validate::json_eq(&p, &q) {
            return true;
        }
    }
    let bits = |m: &serde_json::Map<String, Value>| -> Option<u8> {
        match m.get("type")? {
            Value::String(t) => types::parse(t),
            Value::Array(ts) => ts
                .iter()
                .try_fold(0u8, |acc, t| Some(acc | types::parse(t.as_str()?)?)),
            _ => None,
        }
    };
    if let (Some(p), Some(q)) = (bits(x), bits(y)) {
        if p & q == 0 {
            return true;
        }
    }
    // `required`/`properties` constrain objects only: a discriminator separates two branches
    // only when both admit nothing but objects (fuzzer finding: untyped branches both admit
    // arrays).
    if bits(x) != Some(types::OBJECT) || bits(y) != Some(types::OBJECT) {
        return false;
    }
    let required = |m: &serde_json::Map<String, Value>, name: &str| {
        m.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    let (Some(Value::Object(px)), Some(Value::Object(py))) =
        (x.get("properties"), y.get("properties"))
    else {
        return false;
    };
    px.iter().any(|(name, sx)| {
        let Some(sy) = py.get(name) else { return false };
        let (Some(Value::Object(sx)), Value::Object(sy)) = (Some(sx), sy) else {
            return false;
        };
        if !(required(x, name) && required(y, name)) {
            return false;
        }
        match (konst(sx), konst(sy)) {
            (Some(p), Some(q)) => !super::validate::json_eq(&p, &q),
            _ => false,
        }
    })
}

/// `f ∧ ¬S` as variants.
fn negate(doc: &Doc, f: Facets, neg: &str) -> Vec<Facets> {
    // ¬¬X is X: an even number of nested `not`s is built directly.
    if let Some(serde_json::Value::Object(m)) = doc.get(neg) {
        let annotation = |k: &str| {
            matches!(
                k,
                "title" | "description" | "$comment" | "examples" | "default" | "not"
            )
        };
        if m.contains_key("not") && m.keys().all(|k| annotation(k)) {
            let mut v = f;
            v.merge(doc, &format!("{neg}/not"));
            return vec![v];
        }
        // ¬(A ∨ B ∨ …) is ¬A ∧ ¬B ∧ …: each branch is negated in turn, so that a `not` over an
        // `anyOf` of `required` (SchemaStore's `renovate`: "none of these 90 names") is built
        // in, not generated and checked.
        if let Some(serde_json::Value::Array(bs)) = m.get("anyOf") {
            if !bs.is_empty()
                && m.keys()
                    .all(|k| k == "anyOf" || annotation(k) && k != "not")
            {
                let mut v = f;
                v.negs
                    .extend((0..bs.len()).rev().map(|i| format!("{neg}/anyOf/{i}")));
                return vec![v];
            }
        }
    }
    let mut s = Facets::default();
    s.merge(doc, neg);
    if s.unsat.is_some() {
        // ¬false is true.
        return vec![f];
    }
    let simple = s.groups.is_empty()
        && s.negs.is_empty()
        && s.patterns.is_empty()
        && s.formats.is_empty()
        && s.multiple_of.is_empty()
        && !s.unique
        && s.arrs.is_empty()
        && s.contains.is_empty()
        && s.uneval_items.is_empty()
        && s.uneval_props.is_empty()
        && s.property_names.is_empty()
        && s.objs
            .iter()
            .all(|o| o.patterns.is_empty() && o.additional.is_none());
    let mut out = Vec::new();
    let mut alt = |edit: &dyn Fn(&mut Facets), cost: u32| {
        let mut v = f.clone();
        v.absorbed_negs.push(neg.to_owned());
        edit(&mut v);
        v.cost += cost;
        out.push(v);
    };
    if s.typed && s.types != types::ALL {
        let t = s.types;
        alt(&|v| v.restrict_types(!t & types::ALL, neg), 0);
    }
    if let Some(consts) = &s.consts {
        alt(&|v| v.excluded.extend(consts.iter().cloned()), 0);
    }
    let num = types::INTEGER | types::NUMBER;
    if let Some((x, excl)) = s.lo {
        alt(
            &|v| {
                v.restrict_types(num, neg);
                v.tighten_hi(x, !excl);
            },
            1,
        );
    }
    if let Some((x, excl)) = s.hi {
        alt(
            &|v| {
                v.restrict_types(num, neg);
                v.tighten_lo(x, !excl);
            },
            1,
        );
    }
    if s.min_len > 0 {
        let n = s.min_len - 1;
        alt(
            &|v| {
                v.restrict_types(types::STRING, neg);
                v.max_len = Some(v.max_len.map_or(n, |m| m.min(n)));
            },
            1,
        );
    }
    if let Some(m) = s.max_len {
        alt(
            &|v| {
                v.restrict_types(types::STRING, neg);
                v.min_len = v.min_len.max(m + 1);
            },
            1,
        );
    }
    if s.min_items > 0 {
        let n = s.min_items - 1;
        alt(
            &|v| {
                v.restrict_types(types::ARRAY, neg);
                v.max_items = Some(v.max_items.map_or(n, |m| m.min(n)));
            },
            1,
        );
    }
    if let Some(m) = s.max_items {
        alt(
            &|v| {
                v.restrict_types(types::ARRAY, neg);
                v.min_items = v.min_items.max(m + 1);
            },
            1,
        );
    }
    if s.min_props > 0 {
        let n = s.min_props - 1;
        alt(
            &|v| {
                v.restrict_types(types::OBJECT, neg);
                v.max_props = Some(v.max_props.map_or(n, |m| m.min(n)));
            },
            2,
        );
    }
    if let Some(m) = s.max_props {
        alt(
            &|v| {
                v.restrict_types(types::OBJECT, neg);
                v.min_props = v.min_props.max(m + 1);
            },
            2,
        );
    }
    for r in &s.required {
        alt(
            &|v| {
                v.restrict_types(types::OBJECT, neg);
                v.forbidden.push(r.clone());
            },
            2,
        );
    }
    for o in &s.objs {
        for (name, ptr) in &o.props {
            // "`name` present and failing its schema" contradicts a variant that gives `name`
            // that very schema (two `oneOf` branches sharing `args: {$ref: ...}`): not offered.
            if f.objs.iter().any(|mine| {
                mine.props
                    .iter()
                    .any(|(n, p)| n == name && same_schema(doc, p, ptr))
            }) {
                continue;
            }
            // Negating a discriminator (`const`/`enum`) reads naturally; other properties less so.
            let discriminator = matches!(doc.get(ptr), Some(serde_json::Value::Object(m)) if m.contains_key("const") || m.contains_key("enum"));
            alt(
                &|v| {
                    v.restrict_types(types::OBJECT, neg);
                    if !v.required.contains(name) {
                        v.required.push(name.clone());
                    }
                    v.prop_extra.push(PropExtra {
                        name: name.clone(),
                        neg: ptr.clone(),
                    });
                },
                u32::from(!discriminator),
            );
        }
    }
    if !simple {
        let mut v = f.clone();
        v.residual.push(neg.to_owned());
        v.cost += COST_RESIDUAL;
        out.push(v);
    }
    if out.is_empty() {
        let mut v = f;
        v.fail(
            neg,
            "`not` excludes every value here (it negates a schema that admits everything)",
        );
        out.push(v);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_even_number_of_nots_is_the_schema_itself() {
        let out = super::super::testing::sample(
            serde_json::json!({"not": {"not": {"type": "integer", "minimum": 3}}}),
            30,
        );
        assert!(out.iter().all(|v| v.as_i64().is_some_and(|i| i >= 3)));
    }

    #[test]
    fn a_200_branch_discriminated_one_of_compiles_and_generates_valid_values() {
        let branches: Vec<serde_json::Value> = (0..200)
            .map(|i| {
                serde_json::json!({"type": "object", "properties": {"k": {"const": i},
                    "v": {"type": "string"}}, "required": ["k"]})
            })
            .collect();
        let out = super::super::testing::sample(serde_json::json!({"oneOf": branches}), 50);
        assert!(out.iter().all(|v| v["k"].is_u64()));
    }

    #[test]
    fn a_discriminated_one_of_through_refs_compiles() {
        let mut defs = serde_json::Map::new();
        let mut branches = Vec::new();
        for i in 0..40 {
            defs.insert(
                format!("t{i}"),
                serde_json::json!({"type": "object", "properties": {"kind": {"const": format!("k{i}")},
                    "n": {"type": "number"}}, "required": ["kind", "n"]}),
            );
            branches.push(serde_json::json!({"$ref": format!("#/definitions/t{i}")}));
        }
        let schema = serde_json::json!({"$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": serde_json::Value::Object(defs), "oneOf": branches});
        assert_eq!(super::super::testing::sample(schema, 40).len(), 40);
    }

    use super::super::testing::sample;
    use super::*;
    use serde_json::json;

    fn variants(schema: serde_json::Value) -> Vec<Facets> {
        let doc = Doc::new(schema);
        let mut f = Facets::default();
        f.merge(&doc, "");
        expand(&doc, f, &mut 0)
    }

    #[test]
    fn branching_keywords_expand() {
        assert_eq!(
            variants(json!({"anyOf": [{"type": "string"}, {"type": "null"}]})).len(),
            2
        );
        let v = variants(json!({"if": {"minimum": 3}, "then": {"maximum": 5}}));
        assert_eq!(v.len(), 2);
        assert_ne!(v[0].path, v[1].path);
        let v = variants(json!({"not": {"required": ["a", "b"]}, "type": "object"}));
        assert!(v.iter().all(|f| f.forbidden.len() == 1));
    }

    #[test]
    fn not_any_of_forbids_each_branch_without_a_residual_check() {
        let v = variants(json!({"type": "object",
            "not": {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}}));
        assert_eq!(v.len(), 1);
        assert!(v[0].residual.is_empty(), "{:?}", v[0].residual);
        let mut forbidden = v[0].forbidden.clone();
        forbidden.sort();
        assert_eq!(forbidden, ["a", "b"]);
    }

    #[test]
    fn a_long_if_then_chain_on_one_discriminator_compiles_to_valid_values() {
        let pairs: Vec<serde_json::Value> = (0..300)
            .map(|i| {
                json!({"if": {"properties": {"kind": {"const": format!("k{i}")}}},
                    "then": {"properties": {"spec": {"required": [format!("p{i}")]}}}})
            })
            .collect();
        let schema = json!({"type": "object", "required": ["kind", "spec"],
            "properties": {"kind": {"type": "string", "pattern": "^k[0-9]{1,3}$"},
                "spec": {"type": "object"}}, "allOf": pairs});
        assert_eq!(sample(schema, 20).len(), 20);
    }

    #[test]
    fn draft4_const_is_no_discriminator() {
        // Under draft 4 both branches admit everything: `oneOf` can never hold.
        let d4 = "http://json-schema.org/draft-04/schema#";
        let doc = Doc::new(json!({"$schema": d4, "oneOf": [
            {"type": "object", "required": ["k"], "properties": {"k": {"const": 1}}},
            {"type": "object", "required": ["k"], "properties": {"k": {"const": 2}}}]}));
        assert!(!disjoint(&doc, "/oneOf/0", "/oneOf/1"));
        let doc = Doc::new(json!({"oneOf": [
            {"type": "object", "required": ["k"], "properties": {"k": {"const": 1}}},
            {"type": "object", "required": ["k"], "properties": {"k": {"const": 2}}}]}));
        assert!(disjoint(&doc, "/oneOf/0", "/oneOf/1"));
    }

    #[test]
    fn one_of_separates_overlapping_branches() {
        for v in sample(
            json!({"oneOf": [{"type": "integer", "maximum": 10}, {"type": "integer", "minimum": 5}],
                               "minimum": 0, "maximum": 20}),
            200,
        ) {
            let x = v.as_i64().unwrap();
            assert!(!(5..=10).contains(&x), "{x}");
        }
    }
}
