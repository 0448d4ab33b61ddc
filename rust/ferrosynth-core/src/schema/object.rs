//! Objects: `properties`, `required`, `additionalProperties`, `patternProperties`,
//! `propertyNames`, `minProperties`/`maxProperties`, `unevaluatedProperties`, and (through the
//! variant expansion) `dependentRequired`/`dependentSchemas`.
//!
//! A property's value schema is the conjunction of every rule that covers its name: its
//! `properties` entry, each matching `patternProperties` entry, or else that schema object's
//! `additionalProperties` (`false` forbids the name). Required names that end up forbidden are
//! compile errors.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::compile::Compiler;
use super::emit::{EmitCtx, OPTIONAL_PRESENCE};
use super::facets::Facets;
use super::node::{Flags, Node};
use super::validate::{VId, Validator};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::regex::{Generator, Regex};
use crate::rng::Rng;

/// Extra properties drawn for map-like objects (`additionalProperties: {schema}` alone).
const MAP_ENTRIES: (usize, usize) = (1, 3);
/// Tries to find a fresh, allowed key before giving up on one extra property.
const KEY_ATTEMPTS: usize = 8;

/// An object node: properties in document order, and optionally extra properties.
#[derive(Debug, Clone, Default)]
pub struct ObjectNode {
    pub props: Vec<Prop>,
    pub extra: Option<Box<ObjectExtra>>,
    /// One per property, then per extra-key source: set when it has no finite instance.
    pub never: Flags,
}

/// One property of an object node.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub node: Node,
    pub required: bool,
}

/// Property counts and the generators of extra (undeclared) properties.
#[derive(Debug, Clone)]
pub struct ObjectExtra {
    /// `minProperties`/`maxProperties` apply: draw a total count in `lo..=hi`.
    counted: Option<(usize, usize)>,
    /// Extra properties when counts do not apply.
    entries: (usize, usize),
    sources: Vec<KeySource>,
    names: Vec<VId>,
    validator: Arc<OnceLock<Validator>>,
}

#[derive(Debug, Clone)]
struct KeySource {
    key: KeyGen,
    value: Node,
    /// Patterns a key from this source must not match (they would bring other rules).
    avoid: Vec<Regex>,
    /// Every name the source can give, when they are few (an anchored pattern without
    /// unbounded repeats, an `enum`): scanned when random draws keep repeating names.
    finite: Vec<String>,
}

/// The most names of a key source listed for the fallback scan.
const FINITE_NAMES: usize = 1024;

#[derive(Debug, Clone)]
enum KeyGen {
    Pattern(Box<Generator>),
    Node(Box<Node>),
    Words,
}

impl Compiler<'_> {
    /// The `propertyNames` schema at `ptr`, or the one its `$ref` chain leads to when it has
    /// no name rule of its own (the target applies in every draft, so the names it admits
    /// bound those of the whole).
    fn names_schema(&self, ptr: &str) -> Option<&Value> {
        let mut at = ptr.to_owned();
        for _ in 0..16 {
            let s = self.doc.get(&at)?;
            let Some(o) = s.as_object() else {
                return Some(s);
            };
            let own = ["pattern", "enum", "const"]
                .iter()
                .any(|k| o.contains_key(*k));
            match o.get("$ref") {
                Some(Value::String(r)) if !own => at = self.doc.resolve(&at, r).ok()?,
                _ => return Some(s),
            }
        }
        None
    }

    /// An upper bound on the names the `propertyNames` schema at `ptr` admits, when its own
    /// keywords make them finitely many (`false`, `const`, `enum`, an anchored `pattern`
    /// without unbounded repeats).
    fn property_name_count(&self, ptr: &str) -> Option<u64> {
        let s = self.names_schema(ptr)?;
        if s == &Value::Bool(false) {
            return Some(0);
        }
        let s = s.as_object()?;
        let mut bound: Option<u64> = None;
        let mut tighten = |n: u64| bound = Some(bound.map_or(n, |b| b.min(n)));
        if s.contains_key("const") {
            tighten(1);
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            tighten(values.len() as u64);
        }
        if let Some(Value::String(p)) = s.get("pattern") {
            if let Some(n) = Regex::new(p).ok().and_then(|r| r.max_matches()) {
                tighten(n);
            }
        }
        bound
    }

    /// The names the `propertyNames` schema at `ptr` admits, when its own `enum` or anchored
    /// `pattern` lists at most `FINITE_NAMES` (a superset: each is still checked).
    fn property_name_list(&self, ptr: &str) -> Option<Vec<String>> {
        let s = self.names_schema(ptr)?.as_object()?;
        if let Some(Value::Array(values)) = s.get("enum") {
            return Some(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        let Some(Value::String(p)) = s.get("pattern") else {
            return None;
        };
        Regex::new(p).ok()?.strings(FINITE_NAMES)
    }

    /// The object node of variant `f`.
    pub fn object(&mut self, f: &Facets, at: &str) -> Result<Node> {
        super::compile::check_size(
            at,
            "minProperties",
            f.min_props,
            super::compile::MAX_MIN_PROPERTIES,
        )?;
        // Before any key generator is probed (a fuzzer-found hang: 66 > 3 with a long
        // `propertyNames` pattern spent seconds looking for keys that could never suffice).
        if let Some(max) = f.max_props {
            if f.min_props > max {
                return Err(Error::schema(
                    at,
                    format!(
                        "minProperties ({}) is greater than maxProperties ({max})",
                        f.min_props
                    ),
                ));
            }
        }
        // A `propertyNames` with finitely many names bounds every object's size: said before
        // any key is drawn (a fuzzer-found `minProperties: 66` over a 300-character pattern
        // with 21 names probed for seconds before the witness search gave up).
        if f.min_props > 0 {
            for ptr in &f.property_names {
                if let Some(names) = self.property_name_count(ptr) {
                    if names < f.min_props {
                        return Err(Error::schema(
                            ptr,
                            format!(
                                "`propertyNames` admits at most {names} names, fewer than \
                                 `minProperties` ({})",
                                f.min_props
                            ),
                        ));
                    }
                }
            }
        }
        // Hash sets and maps keep this linear in the number of properties (30k compile in ms).
        let mut names: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut add = |n: &String| {
            if seen.insert(n.clone()) {
                names.push(n.clone());
            }
        };
        f.objs
            .iter()
            .flat_map(|o| o.props.iter().map(|(n, _)| n))
            .for_each(&mut add);
        f.required.iter().for_each(&mut add);
        f.prop_extra.iter().map(|p| &p.name).for_each(&mut add);
        let name_ids = f
            .property_names
            .iter()
            .map(|p| self.val.compile(self.doc, p))
            .collect::<Result<Vec<_>>>()?;
        let patterns = self.patterns(f)?;
        let required_set: HashSet<&str> = f.required.iter().map(String::as_str).collect();
        let forbidden_set: HashSet<&str> = f.forbidden.iter().map(String::as_str).collect();
        let declared: Vec<HashMap<&str, &String>> = f
            .objs
            .iter()
            .map(|o| o.props.iter().map(|(n, p)| (n.as_str(), p)).collect())
            .collect();
        let mut props = Vec::new();
        // Optional properties whose value cannot be built: kept (so that no extra key takes
        // their name) but never emitted.
        let mut omitted: Vec<usize> = Vec::new();
        for name in &names {
            let required = required_set.contains(name.as_str());
            let blocked = if forbidden_set.contains(name.as_str()) {
                Some("a `not`/dependency rule forbids it".to_owned())
            } else if name_ids
                .iter()
                .any(|id| !self.val.is_valid(*id, &Value::String(name.clone())))
            {
                Some("its name does not satisfy `propertyNames`".to_owned())
            } else {
                None
            };
            let mut forbidden = blocked.is_some();
            let node = match blocked {
                Some(why) => Err(Error::schema(at, why)),
                None => {
                    let (pos, neg) = value_conj(f, &declared, name, &patterns);
                    forbidden = self.explicitly_false(&pos);
                    self.conj(pos, neg, Some(name))
                }
            };
            match node {
                Ok(node) => props.push(Prop {
                    name: name.clone(),
                    node,
                    required,
                }),
                Err(e) if required && forbidden => {
                    let (p, reason) = split(&e);
                    return Err(Error::schema(
                        at,
                        format!(
                            "required property {name:?} cannot be generated: {reason} (at {p})"
                        ),
                    ));
                }
                // `false` (or a rule) forbids the name: it never appears.
                Err(_) if forbidden => {}
                Err(e) if required || super::compile::is_refusal(&e) => return Err(e),
                // An optional property whose value is unsatisfiable (or beyond what ferrosynth
                // builds) does not make the object unsatisfiable: it is left out, and the
                // reason is reported as a warning rather than refusing the whole schema.
                Err(e) => {
                    let (p, reason) = split(&e);
                    let w =
                        format!("optional property {name:?} is never generated: {reason} (at {p})");
                    if !self.warnings.contains(&w) {
                        self.warnings.push(w);
                    }
                    omitted.push(props.len());
                    props.push(Prop {
                        name: name.clone(),
                        node: Node::Null,
                        required: false,
                    });
                }
            }
        }
        let r = props.iter().filter(|p| p.required).count();
        let o = props.len() - r - omitted.len();
        let sources = self.key_sources(f, &patterns, at)?;
        let open = !sources.is_empty();
        let map_like = names.is_empty()
            && f.objs
                .iter()
                .any(|o| o.additional.is_some() || !o.patterns.is_empty());
        let counted = f.min_props > 0 || f.max_props.is_some();
        if let Some(max) = f.max_props {
            if r as u64 > max {
                return Err(Error::schema(
                    at,
                    format!("{r} properties are required but maxProperties is {max}"),
                ));
            }
        }
        let reachable = if open { u64::MAX } else { (r + o) as u64 };
        if f.min_props > reachable {
            return Err(Error::schema(
                at,
                format!(
                    "minProperties ({}) cannot be met: at most {reachable} properties may appear",
                    f.min_props
                ),
            ));
        }
        if !counted && !map_like && name_ids.is_empty() {
            let never = Flags::new(props.len());
            omitted.iter().for_each(|&i| never.set(i));
            return Ok(Node::Object(ObjectNode {
                props,
                extra: None,
                never,
            }));
        }
        let counted = counted.then(|| {
            let lo = (f.min_props as usize).max(r);
            let cap = f.max_props.map_or(usize::MAX, |m| m as usize);
            let natural = (r + o).max(lo) + if map_like { MAP_ENTRIES.1 } else { 0 };
            let hi = natural
                .min(cap)
                .min(if open { usize::MAX } else { r + o })
                .max(lo);
            (lo, hi)
        });
        let needs_extras = counted.is_some_and(|(lo, _)| lo > r + o);
        let never = Flags::new(props.len() + sources.len());
        omitted.iter().for_each(|&i| never.set(i));
        let node = Node::Object(ObjectNode {
            never,
            props,
            extra: Some(Box::new(ObjectExtra {
                counted,
                entries: if map_like { MAP_ENTRIES } else { (0, 0) },
                sources,
                names: name_ids,
                validator: self.val_cell.clone(),
            })),
        });
        if needs_extras {
            // Extra keys may collide; the object is verified and falls back to a witness.
            return self.checked(node, f, at);
        }
        Ok(node)
    }

    fn patterns(&self, f: &Facets) -> Result<Vec<Vec<(Regex, String)>>> {
        f.objs
            .iter()
            .map(|o| {
                o.patterns
                    .iter()
                    .map(|(p, ptr)| {
                        Regex::new(p)
                            .map(|re| (re, ptr.clone()))
                            .map_err(|e| Error::schema(ptr.clone(), e))
                    })
                    .collect()
            })
            .collect()
    }

    fn key_sources(
        &mut self,
        f: &Facets,
        patterns: &[Vec<(Regex, String)>],
        at: &str,
    ) -> Result<Vec<KeySource>> {
        let mut out = Vec::new();
        if f.objs.len() > 1 {
            // Several schema objects each restrict properties: extras would need every rule.
            return Ok(out);
        }
        let saved = self.occurrences;
        self.occurrences = None;
        let all: Vec<Regex> = patterns.iter().flatten().map(|(r, _)| r.clone()).collect();
        let name_node = if f.property_names.is_empty() {
            None
        } else {
            let mut pn = Facets::default();
            for p in &f.property_names {
                pn.merge(self.doc, p);
            }
            pn.restrict_types(super::validate::types::STRING, at);
            self.facets(pn, None, at).ok()
        };
        if !f.objs.is_empty() {
            for (i, (re, ptr)) in patterns.first().into_iter().flatten().enumerate() {
                let Ok(generator) = re.generator(1, Some(40)) else {
                    continue;
                };
                let Ok(value) = self.conj(vec![ptr.clone()], Vec::new(), None) else {
                    continue;
                };
                let avoid = all
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, r)| r.clone())
                    .collect();
                out.push(KeySource {
                    key: KeyGen::Pattern(Box::new(generator)),
                    value,
                    avoid,
                    finite: re.strings(FINITE_NAMES).unwrap_or_default(),
                });
            }
        }
        // Names no rule covers take `additionalProperties`, or else `unevaluatedProperties`.
        let rest = match f.objs.first().and_then(|o| o.additional.clone()) {
            Some(a) => vec![a],
            None => f.uneval_props.clone(),
        };
        if let Ok(value) = self.conj(rest, Vec::new(), None) {
            let finite = f
                .property_names
                .iter()
                .find_map(|p| self.property_name_list(p))
                .unwrap_or_default();
            out.push(KeySource {
                key: name_node.map_or(KeyGen::Words, |n| KeyGen::Node(Box::new(n))),
                value,
                avoid: all,
                finite,
            });
        }
        self.occurrences = saved;
        Ok(out)
    }
}

/// The subschemas that apply to property `name`.
fn value_conj(
    f: &Facets,
    declared: &[HashMap<&str, &String>],
    name: &str,
    patterns: &[Vec<(Regex, String)>],
) -> (Vec<String>, Vec<String>) {
    let mut pos = Vec::new();
    let mut evaluated = false;
    for ((o, pats), decl) in f.objs.iter().zip(patterns).zip(declared) {
        let mut covered = false;
        if let Some(p) = decl.get(name) {
            pos.push((*p).clone());
            covered = true;
        }
        for (re, p) in pats {
            if re.is_match(name) == Ok(true) {
                pos.push(p.clone());
                covered = true;
            }
        }
        if !covered {
            if let Some(a) = &o.additional {
                pos.push(a.clone());
                covered = true;
            }
        }
        evaluated |= covered;
    }
    if !evaluated {
        pos.extend(f.uneval_props.iter().cloned());
    }
    let neg = f
        .prop_extra
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.neg.clone())
        .collect();
    (pos, neg)
}

fn split(e: &Error) -> (String, String) {
    match e {
        Error::Schema { pointer, reason } => (
            if pointer.is_empty() {
                "#".into()
            } else {
                pointer.clone()
            },
            reason.clone(),
        ),
        other => ("#".into(), other.to_string()),
    }
}

impl ObjectNode {
    /// Calls `f` on every child node.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&Node)) {
        for p in &self.props {
            f(&p.node);
        }
        if let Some(extra) = &self.extra {
            for s in &extra.sources {
                f(&s.value);
                if let KeyGen::Node(n) = &s.key {
                    f(n);
                }
            }
        }
    }

    /// The value nodes of the extra-key sources, in order.
    pub fn extra_values(&self) -> Vec<&Node> {
        self.extra
            .as_ref()
            .map(|e| e.sources.iter().map(|s| &s.value).collect())
            .unwrap_or_default()
    }

    /// Height of the extra properties the smallest instance needs (`minProperties`).
    pub fn extra_height(&self) -> u32 {
        let Some(extra) = &self.extra else { return 0 };
        let required = self.props.iter().filter(|p| p.required).count();
        match extra.counted {
            Some((lo, _)) if lo > required => {
                // Optional properties fill the gap first, then extras.
                let mut hs: Vec<u32> = self
                    .props
                    .iter()
                    .filter(|p| !p.required)
                    .map(|p| super::height::height(&p.node))
                    .collect();
                // Extra keys can repeat a source: its height counts as often as needed.
                let need = lo - required;
                if let Some(h) = extra
                    .sources
                    .iter()
                    .map(|s| super::height::height(&s.value))
                    .min()
                {
                    hs.extend(std::iter::repeat_n(h, need));
                }
                hs.sort_unstable();
                hs.get(need - 1).copied().unwrap_or(u32::MAX)
            }
            _ => 0,
        }
    }

    /// Writes the properties (not the braces), so callers can prepend keys such as `index`.
    pub fn emit_props(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        if ctx.depth == 0 {
            ctx.enter_instance();
        }
        ctx.depth += 1;
        match &self.extra {
            None => {
                let shrink = ctx.shrink();
                for (i, prop) in self.props.iter().enumerate() {
                    if prop.required
                        || (!shrink && rng.chance(OPTIONAL_PRESENCE) && !self.never.get(i))
                    {
                        w.key(&prop.name);
                        prop.node.emit(rng, ctx, w);
                    }
                }
            }
            Some(extra) => self.emit_counted(extra, rng, ctx, w),
        }
        ctx.depth -= 1;
    }

    fn emit_counted(
        &self,
        extra: &ObjectExtra,
        rng: &mut Rng,
        ctx: &mut EmitCtx<'_>,
        w: &mut JsonWriter,
    ) {
        let shrink = ctx.shrink();
        let required = self.props.iter().filter(|p| p.required).count();
        // Properties and sources with no finite instance are never used.
        let optional = (0..self.props.len())
            .filter(|&i| !self.props[i].required && !self.never.get(i))
            .count();
        let n = self.props.len();
        let sources: Vec<usize> = (0..extra.sources.len())
            .filter(|&s| !self.never.get(n + s))
            .collect();
        let (mut take_optional, extras) = match extra.counted {
            Some((lo, hi)) => {
                let total = if shrink { lo } else { rng.range_usize(lo, hi) };
                let room = total - required;
                let max_extra = if sources.is_empty() { 0 } else { room };
                let k_lo = room.saturating_sub(max_extra);
                let k = rng.range_usize(k_lo, optional.min(room).max(k_lo));
                (k, room - k)
            }
            None => {
                let k = if shrink { 0 } else { optional };
                let n = if shrink || sources.is_empty() {
                    0
                } else {
                    rng.range_usize(extra.entries.0, extra.entries.1)
                };
                (k, n)
            }
        };
        let counted = extra.counted.is_some();
        // Selection sampling: each optional property is kept with the right odds, in order.
        let mut left = optional;
        for (i, prop) in self.props.iter().enumerate() {
            let keep = if prop.required {
                true
            } else if self.never.get(i) {
                false
            } else {
                let keep = if counted {
                    take_optional > 0 && rng.below(left as u64) < take_optional as u64
                } else {
                    take_optional > 0 && rng.chance(OPTIONAL_PRESENCE)
                };
                left -= 1;
                if keep && counted {
                    take_optional -= 1;
                }
                keep
            };
            if keep {
                w.key(&prop.name);
                prop.node.emit(rng, ctx, w);
            }
        }
        let mut used: Vec<String> = Vec::new();
        let mut misses = 0;
        for _ in 0..extras {
            let source = &extra.sources[sources[rng.index(sources.len())]];
            let Some(key) = self.fresh_key(source, extra, &used, rng, ctx) else {
                // Three sources in a row out of fresh names: the names are spent (a fuzzer
                // found `minProperties: 66` over a pattern with 21 names taking seconds).
                misses += 1;
                if misses == 3 {
                    ctx.keys_spent = true;
                    break;
                }
                continue;
            };
            misses = 0;
            w.key(&key);
            source.value.emit(rng, ctx, w);
            used.push(key);
        }
    }

    fn fresh_key(
        &self,
        source: &KeySource,
        extra: &ObjectExtra,
        used: &[String],
        rng: &mut Rng,
        ctx: &mut EmitCtx<'_>,
    ) -> Option<String> {
        let usable = |key: &String| {
            !used.contains(key)
                && !self.props.iter().any(|p| &p.name == key)
                && !source.avoid.iter().any(|r| r.is_match(key) != Ok(false))
                && (extra.names.is_empty()
                    || extra.validator.get().is_some_and(|v| {
                        let k = Value::String(key.clone());
                        extra.names.iter().all(|id| v.is_valid(*id, &k))
                    }))
        };
        for _ in 0..KEY_ATTEMPTS {
            let mut key = String::new();
            match &source.key {
                KeyGen::Pattern(g) => g.generate(rng, &mut key),
                KeyGen::Words => {
                    key.push_str(rng.pick_str(&ctx.pools.words));
                    key.push('_');
                    key.push_str(rng.pick_str(&ctx.pools.words));
                }
                KeyGen::Node(n) => {
                    let mut tmp = JsonWriter::default();
                    n.emit(rng, ctx, &mut tmp);
                    match serde_json::from_slice::<Value>(&tmp.buf) {
                        Ok(Value::String(s)) => key = s,
                        _ => continue,
                    }
                }
            }
            if crate::regex::within(&mut ctx.name_steps, || usable(&key)) {
                return Some(key);
            }
        }
        // Random draws keep repeating names: a small language is scanned from a random place
        // for the next name not used yet (a fuzzer found `minProperties: 66` over 84 names
        // refused after seconds of draws).
        let n = source.finite.len();
        if n == 0 {
            return None;
        }
        let start = rng.index(n);
        crate::regex::within(&mut ctx.name_steps, || {
            (0..n)
                .map(|j| &source.finite[(start + j) % n])
                .find(|key| usable(key))
                .cloned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn required_optional_and_closed_objects() {
        let out = sample(
            json!({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                   "required": ["a"], "additionalProperties": false}),
            200,
        );
        assert!(out.iter().all(|o| o["a"].is_i64()));
        let with_b = out.iter().filter(|o| o.get("b").is_some()).count();
        assert!((100..200).contains(&with_b), "{with_b}");
    }

    #[test]
    fn counts_maps_and_pattern_keys() {
        let out = sample(
            json!({"type": "object", "properties": {"a": {}, "b": {}, "c": {}},
                                "minProperties": 2, "maxProperties": 2}),
            50,
        );
        assert!(out.iter().all(|o| o.as_object().unwrap().len() == 2));
        let out = sample(
            json!({"type": "object", "patternProperties": {"^k_\\d{2}$": {"type": "boolean"}},
                                "additionalProperties": false}),
            50,
        );
        assert!(out.iter().all(|o| !o.as_object().unwrap().is_empty()));
    }

    #[test]
    fn forbidden_required_property_is_an_error() {
        let (ptr, reason) =
            error(json!({"type": "object", "required": ["x"], "additionalProperties": false}));
        assert_eq!(ptr, "");
        assert!(reason.contains("required property \"x\""), "{reason}");
    }

    #[test]
    fn more_properties_than_property_names_admit_is_an_error_at_once() {
        for names in [
            json!({"pattern": "^(a|b)[xy]$"}),
            json!({"enum": ["ax", "ay", "bx", "by"]}),
        ] {
            let (ptr, reason) =
                error(json!({"type": "object", "propertyNames": names, "minProperties": 5}));
            assert_eq!(ptr, "/propertyNames");
            assert!(reason.contains("at most 4 names"), "{reason}");
            // As many as there are: every name, every time.
            for o in sample(
                json!({"type": "object", "propertyNames": names, "minProperties": 4}),
                20,
            ) {
                let mut keys: Vec<&String> = o.as_object().unwrap().keys().collect();
                keys.sort();
                assert_eq!(keys, ["ax", "ay", "bx", "by"]);
            }
        }
    }

    #[test]
    fn almost_every_name_a_small_language_allows_is_generated() {
        // 80 names, 78 wanted: random draws repeat names long before; the rest are scanned.
        for names in [
            json!({"pattern": "^[a-h][0-9]$"}),
            json!({"enum": (0..80).map(|i| format!("k{i}")).collect::<Vec<_>>()}),
        ] {
            for o in sample(
                json!({"type": "object", "propertyNames": names, "minProperties": 78}),
                5,
            ) {
                assert!(o.as_object().unwrap().len() >= 78, "{o}");
            }
        }
        let out = sample(
            json!({"type": "object", "patternProperties": {"^[a-h][0-9]$": {"type": "integer"}},
                   "additionalProperties": false, "minProperties": 78}),
            5,
        );
        assert!(out.iter().all(|o| o.as_object().unwrap().len() >= 78));
    }

    #[test]
    fn other_property_names_do_not_bound_the_object() {
        // Unbounded, or finite with enough names: the object is generated.
        for names in [
            json!({"pattern": "^[ab]+$"}),
            json!({"pattern": "^[ab]{1,10}$"}),
        ] {
            let out = sample(
                json!({"type": "object", "propertyNames": names, "minProperties": 5}),
                5,
            );
            assert!(out.iter().all(|o| o.as_object().unwrap().len() >= 5));
        }
    }
}
