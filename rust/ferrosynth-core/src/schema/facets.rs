//! Facets: the constraints of a conjunction of subschemas merged into one record (`allOf` and
//! `$ref` flattened, bounds tightened, `enum`s intersected). Branching keywords (`anyOf`,
//! `oneOf`, `if`, `not`, `dependent*`) are queued as [`Group`]s for the variant expansion.

use std::collections::VecDeque;

use serde_json::{Map, Value};

use super::doc::{Doc, Draft};
use super::pointer_token;
use super::validate::{json_eq, types};

/// `properties`/`patternProperties`/`additionalProperties` of one schema object: they only make
/// sense together (`additionalProperties` covers what that object's other two do not).
#[derive(Debug, Clone, Default)]
pub struct ObjConj {
    pub props: Vec<(String, String)>,
    pub patterns: Vec<(String, String)>,
    pub additional: Option<String>,
}

/// `prefixItems`/`items` (or array-`items`/`additionalItems`) of one schema object.
#[derive(Debug, Clone, Default)]
pub struct ArrConj {
    pub prefix: Vec<String>,
    pub rest: Option<String>,
}

/// A `contains` with its bounds.
#[derive(Debug, Clone)]
pub struct Contains {
    pub ptr: String,
    pub min: u64,
    pub max: Option<u64>,
}

/// A branching keyword waiting for the variant expansion.
#[derive(Debug, Clone)]
pub enum Group {
    AnyOf(Vec<String>),
    OneOf(Vec<String>),
    If {
        cond: String,
        then: Option<String>,
        otherwise: Option<String>,
    },
    DepRequired(String, Vec<String>),
    DepSchema(String, String),
}

/// Extra constraints a property gets from a negation (`not: {properties: {k: S}}`).
#[derive(Debug, Clone)]
pub struct PropExtra {
    pub name: String,
    pub neg: String,
}

/// The merged constraints of one variant.
#[derive(Debug, Clone)]
pub struct Facets {
    pub types: u8,
    pub typed: bool,
    pub consts: Option<Vec<Value>>,
    pub excluded: Vec<Value>,
    pub lo: Option<(f64, bool)>,
    pub hi: Option<(f64, bool)>,
    pub multiple_of: Vec<f64>,
    pub min_len: u64,
    pub max_len: Option<u64>,
    pub patterns: Vec<(String, String)>,
    pub formats: Vec<String>,
    pub min_items: u64,
    pub max_items: Option<u64>,
    pub unique: bool,
    pub arrs: Vec<ArrConj>,
    pub contains: Vec<Contains>,
    pub uneval_items: Vec<String>,
    pub min_props: u64,
    pub max_props: Option<u64>,
    pub required: Vec<String>,
    pub forbidden: Vec<String>,
    pub objs: Vec<ObjConj>,
    pub prop_extra: Vec<PropExtra>,
    pub property_names: Vec<String>,
    pub uneval_props: Vec<String>,
    pub groups: VecDeque<Group>,
    pub negs: Vec<String>,
    /// Negations absorbed into the facets (kept for exact `enum` filtering).
    pub absorbed_negs: Vec<String>,
    /// Negations the generator cannot build in: checked on each value.
    pub residual: Vec<String>,
    /// Every positive subschema merged in.
    pub pos: Vec<String>,
    pub extension: Option<(String, Value)>,
    pub description: Option<String>,
    pub examples: Vec<Value>,
    pub unsat: Option<(String, String)>,
    /// Preference among variants with the same `path`: lower is more natural.
    pub cost: u32,
    /// The branch taken at each branching keyword (variants on different paths are all kept).
    pub path: Vec<u16>,
    /// A `$ref` was followed (the node may be shared or recursive).
    pub via_ref: bool,
}

impl Default for Facets {
    fn default() -> Self {
        Facets {
            types: types::ALL,
            typed: false,
            consts: None,
            excluded: Vec::new(),
            lo: None,
            hi: None,
            multiple_of: Vec::new(),
            min_len: 0,
            max_len: None,
            patterns: Vec::new(),
            formats: Vec::new(),
            min_items: 0,
            max_items: None,
            unique: false,
            arrs: Vec::new(),
            contains: Vec::new(),
            uneval_items: Vec::new(),
            min_props: 0,
            max_props: None,
            required: Vec::new(),
            forbidden: Vec::new(),
            objs: Vec::new(),
            prop_extra: Vec::new(),
            property_names: Vec::new(),
            uneval_props: Vec::new(),
            groups: VecDeque::new(),
            negs: Vec::new(),
            absorbed_negs: Vec::new(),
            residual: Vec::new(),
            pos: Vec::new(),
            extension: None,
            description: None,
            examples: Vec::new(),
            unsat: None,
            cost: 0,
            path: Vec::new(),
            via_ref: false,
        }
    }
}

fn count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

impl Facets {
    pub fn fail(&mut self, ptr: &str, reason: impl Into<String>) {
        if self.unsat.is_none() {
            self.unsat = Some((ptr.to_owned(), reason.into()));
        }
    }

    /// Restricts the allowed types.
    pub fn restrict_types(&mut self, bits: u8, ptr: &str) {
        self.types &= bits;
        self.typed = true;
        if self.types == 0 {
            self.fail(
                ptr,
                "no type satisfies every `type` keyword that applies here",
            );
        }
    }

    pub fn tighten_lo(&mut self, x: f64, excl: bool) {
        self.lo = Some(match self.lo {
            Some((l, e)) if l > x || (l == x && e) => (l, e),
            _ => (x, excl),
        });
    }

    pub fn tighten_hi(&mut self, x: f64, excl: bool) {
        self.hi = Some(match self.hi {
            Some((h, e)) if h < x || (h == x && e) => (h, e),
            _ => (x, excl),
        });
    }

    pub fn intersect_consts(&mut self, values: Vec<Value>, ptr: &str) {
        let next = match self.consts.take() {
            None => values,
            Some(cur) => cur
                .into_iter()
                .filter(|c| values.iter().any(|v| json_eq(c, v)))
                .collect(),
        };
        if next.is_empty() {
            self.fail(
                ptr,
                "no value satisfies every `enum`/`const` that applies here",
            );
        }
        self.consts = Some(next);
    }

    /// Merges the subschema at `ptr`.
    pub fn merge(&mut self, doc: &Doc, ptr: &str) {
        if self.pos.iter().any(|p| p == ptr) {
            return;
        }
        self.pos.push(ptr.to_owned());
        match doc.get(ptr) {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => self.fail(ptr, "the schema `false` admits no value"),
            Some(Value::Object(map)) => self.merge_object(doc, ptr, map),
            Some(_) => self.fail(ptr, "a schema must be an object or a boolean"),
            None => self.fail(ptr, "no schema at this pointer"),
        }
    }

    #[allow(clippy::too_many_lines)]
    fn merge_object(&mut self, doc: &Doc, ptr: &str, map: &Map<String, Value>) {
        let at = |k: &str| format!("{ptr}/{}", pointer_token(k));
        if let Some(Value::String(r)) = map.get("$ref") {
            self.via_ref = true;
            match doc.resolve(ptr, r) {
                Ok(target) => self.merge(doc, &target),
                Err(e) => self.fail(&at("$ref"), e),
            }
            if doc.draft.ref_overrides_siblings() {
                return;
            }
        }
        for key in ["$dynamicRef", "$recursiveRef"] {
            // Each draft has its own: `$recursiveRef` in 2019-09, `$dynamicRef` in 2020-12.
            let known = match key {
                "$dynamicRef" => doc.draft >= Draft::D2020,
                _ => doc.draft == Draft::D2019,
            };
            if !known {
                continue;
            }
            if let Some(Value::String(r)) = map.get(key) {
                self.via_ref = true;
                match dynamic_target(doc, ptr, r, key == "$recursiveRef") {
                    Ok(target) => self.merge(doc, &target),
                    Err(e) => self.fail(&at(key), e),
                }
            }
        }
        if self.extension.is_none() {
            if let Some(x) = map.get("x-ferrosynth") {
                self.extension = Some((at("x-ferrosynth"), x.clone()));
            }
        }
        if self.description.is_none() {
            if let Some(Value::String(d)) = map.get("description") {
                self.description = Some(d.clone());
            }
        }
        if let Some(Value::Array(ex)) = map.get("examples") {
            self.examples.extend(ex.iter().cloned());
        }
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        match map.get("type") {
            Some(Value::String(t)) => match types::parse(t) {
                Some(bits) => {
                    self.restrict_types(bits | if nullable { types::NULL } else { 0 }, &at("type"))
                }
                None => self.fail(&at("type"), format!("unknown type {t:?}")),
            },
            Some(Value::Array(ts)) => {
                let mut bits = if nullable { types::NULL } else { 0 };
                for t in ts {
                    match t.as_str().and_then(types::parse) {
                        Some(b) => bits |= b,
                        None => self.fail(&at("type"), format!("unknown type {t}")),
                    }
                }
                self.restrict_types(bits, &at("type"));
            }
            _ => {}
        }
        // OpenAPI 3.0: `nullable` widens `type` only; an `enum` must list `null` itself.
        if let Some(Value::Array(items)) = map.get("enum") {
            let items = items.clone();
            if items.is_empty() {
                self.fail(&at("enum"), "`enum` is empty: no value can satisfy it");
            }
            self.intersect_consts(items, &at("enum"));
        }
        // Keywords a draft does not know are ignored under it (`const` before draft 6, ...).
        let d6 = doc.draft >= Draft::D6;
        let d2019 = doc.draft >= Draft::D2019;
        if let Some(c) = map.get("const").filter(|_| d6) {
            self.intersect_consts(vec![c.clone()], &at("const"));
        }
        let draft4 = doc.draft == Draft::D4;
        if let Some(x) = map.get("minimum").and_then(Value::as_f64) {
            self.tighten_lo(
                x,
                draft4 && map.get("exclusiveMinimum") == Some(&Value::Bool(true)),
            );
        }
        if let Some(x) = map.get("maximum").and_then(Value::as_f64) {
            self.tighten_hi(
                x,
                draft4 && map.get("exclusiveMaximum") == Some(&Value::Bool(true)),
            );
        }
        if let Some(x) = map.get("exclusiveMinimum") {
            match x {
                Value::Bool(true) if !draft4 => {
                    if let Some(m) = map.get("minimum").and_then(Value::as_f64) {
                        self.tighten_lo(m, true);
                    }
                }
                Value::Number(n) if !draft4 => self.tighten_lo(n.as_f64().unwrap_or(0.0), true),
                _ => {}
            }
        }
        if let Some(x) = map.get("exclusiveMaximum") {
            match x {
                Value::Bool(true) if !draft4 => {
                    if let Some(m) = map.get("maximum").and_then(Value::as_f64) {
                        self.tighten_hi(m, true);
                    }
                }
                Value::Number(n) if !draft4 => self.tighten_hi(n.as_f64().unwrap_or(0.0), true),
                _ => {}
            }
        }
        if let Some(m) = map.get("multipleOf") {
            match m.as_f64() {
                Some(m) if m > 0.0 => self.multiple_of.push(m),
                _ => self.fail(
                    &at("multipleOf"),
                    "`multipleOf` must be a number greater than 0",
                ),
            }
        }
        for (key, is_min) in [("minLength", true), ("maxLength", false)] {
            match map.get(key).map(count) {
                None => {}
                Some(None) => {
                    self.fail(&at(key), format!("`{key}` must be a non-negative integer"))
                }
                Some(Some(n)) if is_min => self.min_len = self.min_len.max(n),
                Some(Some(n)) => self.max_len = Some(self.max_len.map_or(n, |m| m.min(n))),
            }
        }
        if let Some(p) = map.get("pattern") {
            match p.as_str() {
                Some(p) => self.patterns.push((at("pattern"), p.to_owned())),
                None => self.fail(&at("pattern"), "`pattern` must be a string"),
            }
        }
        if let Some(Value::String(f)) = map.get("format") {
            if !self.formats.contains(f) {
                self.formats.push(f.clone());
            }
        }
        // Arrays.
        let (prefix_key, rest_key) = match map.get("items") {
            Some(Value::Array(_)) => ("items", "additionalItems"),
            _ if doc.draft < Draft::D2020 => ("", "items"),
            _ => ("prefixItems", "items"),
        };
        let prefix: Vec<String> = match map.get(prefix_key).filter(|_| !prefix_key.is_empty()) {
            Some(Value::Array(items)) => (0..items.len())
                .map(|i| format!("{}/{i}", at(prefix_key)))
                .collect(),
            _ => Vec::new(),
        };
        let rest = map.contains_key(rest_key).then(|| at(rest_key));
        if !prefix.is_empty() || rest.is_some() {
            self.arrs.push(ArrConj { prefix, rest });
        }
        for (key, is_min) in [("minItems", true), ("maxItems", false)] {
            match map.get(key).map(count) {
                None => {}
                Some(None) => {
                    self.fail(&at(key), format!("`{key}` must be a non-negative integer"))
                }
                Some(Some(n)) if is_min => self.min_items = self.min_items.max(n),
                Some(Some(n)) => self.max_items = Some(self.max_items.map_or(n, |m| m.min(n))),
            }
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            self.unique = true;
        }
        if map.contains_key("contains") && d6 {
            let new_keys = doc.draft >= Draft::D2019;
            let min = if new_keys {
                map.get("minContains").and_then(count).unwrap_or(1)
            } else {
                1
            };
            let max = if new_keys {
                map.get("maxContains").and_then(count)
            } else {
                None
            };
            self.contains.push(Contains {
                ptr: at("contains"),
                min,
                max,
            });
        }
        if map.contains_key("unevaluatedItems") && d2019 {
            self.uneval_items.push(at("unevaluatedItems"));
        }
        // Objects.
        let mut obj = ObjConj::default();
        if let Some(Value::Object(props)) = map.get("properties") {
            obj.props = props
                .keys()
                .map(|k| {
                    (
                        k.clone(),
                        format!("{}/{}", at("properties"), pointer_token(k)),
                    )
                })
                .collect();
        }
        if let Some(Value::Object(pats)) = map.get("patternProperties") {
            obj.patterns = pats
                .keys()
                .map(|k| {
                    (
                        k.clone(),
                        format!("{}/{}", at("patternProperties"), pointer_token(k)),
                    )
                })
                .collect();
        }
        if map.contains_key("additionalProperties") {
            obj.additional = Some(at("additionalProperties"));
        }
        if !obj.props.is_empty() || !obj.patterns.is_empty() || obj.additional.is_some() {
            self.objs.push(obj);
        }
        match map.get("required") {
            Some(Value::Array(names)) => {
                let mut seen: std::collections::HashSet<String> =
                    self.required.iter().cloned().collect();
                for n in names {
                    match n.as_str() {
                        Some(n) if seen.insert(n.to_owned()) => self.required.push(n.to_owned()),
                        Some(_) => {}
                        None => self.fail(&at("required"), "`required` entries must be strings"),
                    }
                }
            }
            Some(Value::Bool(_)) | None => {}
            Some(_) => self.fail(&at("required"), "`required` must be an array of strings"),
        }
        for (key, is_min) in [("minProperties", true), ("maxProperties", false)] {
            match map.get(key).map(count) {
                None => {}
                Some(None) => {
                    self.fail(&at(key), format!("`{key}` must be a non-negative integer"))
                }
                Some(Some(n)) if is_min => self.min_props = self.min_props.max(n),
                Some(Some(n)) => self.max_props = Some(self.max_props.map_or(n, |m| m.min(n))),
            }
        }
        if map.contains_key("propertyNames") && d6 {
            self.property_names.push(at("propertyNames"));
        }
        if map.contains_key("unevaluatedProperties") && d2019 {
            self.uneval_props.push(at("unevaluatedProperties"));
        }
        for key in ["dependentRequired", "dependentSchemas", "dependencies"] {
            let Some(Value::Object(deps)) = map.get(key) else {
                continue;
            };
            if key != "dependencies" && !d2019 {
                continue;
            }
            for (name, dep) in deps {
                match dep {
                    Value::Array(req) if key != "dependentSchemas" => {
                        self.groups.push_back(Group::DepRequired(
                            name.clone(),
                            req.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect(),
                        ))
                    }
                    Value::Object(_) | Value::Bool(_) if key != "dependentRequired" => {
                        self.groups.push_back(Group::DepSchema(
                            name.clone(),
                            format!("{}/{}", at(key), pointer_token(name)),
                        ))
                    }
                    _ => {}
                }
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            let Some(v) = map.get(key) else { continue };
            let Value::Array(items) = v else {
                self.fail(&at(key), format!("`{key}` must be an array"));
                continue;
            };
            if items.is_empty() {
                self.fail(&at(key), format!("`{key}` must not be empty"));
                continue;
            }
            let ptrs: Vec<String> = (0..items.len())
                .map(|i| format!("{}/{i}", at(key)))
                .collect();
            match key {
                "allOf" => {
                    for p in &ptrs {
                        self.merge(doc, p);
                    }
                }
                "anyOf" => self.groups.push_back(Group::AnyOf(ptrs)),
                _ => self.groups.push_back(Group::OneOf(ptrs)),
            }
        }
        if map.contains_key("not") {
            self.negs.push(at("not"));
        }
        if map.contains_key("if") && doc.draft >= Draft::D7 {
            self.groups.push_back(Group::If {
                cond: at("if"),
                then: map.contains_key("then").then(|| at("then")),
                otherwise: map.contains_key("else").then(|| at("else")),
            });
        }
    }

    /// Whether any keyword of a type family is present (used to infer a missing `type`).
    pub fn implied_types(&self) -> u8 {
        let mut bits = 0;
        if !self.objs.is_empty()
            || !self.required.is_empty()
            || self.min_props > 0
            || self.max_props.is_some()
            || !self.property_names.is_empty()
            || !self.uneval_props.is_empty()
        {
            bits |= types::OBJECT;
        }
        if !self.arrs.is_empty()
            || self.min_items > 0
            || self.max_items.is_some()
            || !self.contains.is_empty()
            || self.unique
            || !self.uneval_items.is_empty()
        {
            bits |= types::ARRAY;
        }
        if self.min_len > 0
            || self.max_len.is_some()
            || !self.patterns.is_empty()
            || !self.formats.is_empty()
        {
            bits |= types::STRING;
        }
        if self.lo.is_some() || self.hi.is_some() || !self.multiple_of.is_empty() {
            bits |= types::INTEGER | types::NUMBER;
        }
        bits
    }
}

/// The target of `$dynamicRef`/`$recursiveRef`: the static target, unless it carries a
/// matching dynamic anchor and the document's root resource declares the same one (the
/// outermost dynamic scope when generation starts at the root).
fn dynamic_target(
    doc: &Doc,
    ptr: &str,
    reference: &str,
    recursive: bool,
) -> Result<String, String> {
    let target = doc.resolve(ptr, reference)?;
    let t = doc.get(&target);
    let name = if recursive {
        (t.and_then(|t| t.get("$recursiveAnchor")) == Some(&Value::Bool(true))).then(String::new)
    } else {
        let frag = reference.rsplit_once('#').map_or("", |(_, f)| f);
        t.and_then(|t| t.get("$dynamicAnchor"))
            .and_then(Value::as_str)
            .filter(|a| *a == frag)
            .map(str::to_owned)
    };
    let Some(name) = name else { return Ok(target) };
    let root_base = doc.base_of("");
    let Some(outer) = doc
        .dyn_anchors
        .iter()
        .find(|a| a.base == root_base && a.name == name)
    else {
        return Ok(target);
    };
    if recursive && outer.ptr != target && !recursion_reaches_root(doc) {
        return Err(RECURSIVE_REF_AMBIGUOUS.to_owned());
    }
    Ok(outer.ptr.clone())
}

const RECURSIVE_REF_AMBIGUOUS: &str = "validators disagree about where this `$recursiveRef` \
lands: its target declares `$recursiveAnchor: true`, so does the root, and the document embeds a \
resource that is entered in place or lacks `$recursiveAnchor` (the 2019-09 text says the \
outermost anchor wins; validators that only count resources entered through `$ref` stop at the \
inner one). Put each embedded resource under `$defs` with `$recursiveAnchor: true` and `$ref` \
it, or use `$ref` instead of `$recursiveRef`";

/// Whether a `$recursiveRef` redirected to the root resource lands there for every reading of
/// draft 2019-09: each embedded resource is a `$defs`/`definitions` entry of the root (entered
/// through `$ref`, so in every validator's dynamic scope) that declares `$recursiveAnchor: true`
/// (so the walk outwards never stops before the root).
fn recursion_reaches_root(doc: &Doc) -> bool {
    doc.embedded_resources().all(|ptr| {
        let mut parts = ptr.split('/').skip(1);
        matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some("$defs" | "definitions"), Some(_), None)
        ) && doc.get(ptr).and_then(|s| s.get("$recursiveAnchor")) == Some(&Value::Bool(true))
    })
}
