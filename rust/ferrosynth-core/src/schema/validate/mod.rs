//! A JSON Schema validator (drafts 4 to 2020-12, formats asserted) over `serde_json::Value`.
//!
//! It serves three purposes: the `validate=True` safety net, filtering `enum`/`const` candidates
//! against the other constraints at compile time, and the few checks the generator cannot build
//! in (`not` of an arbitrary schema, overlapping `oneOf` branches, lookaround patterns).
//! Subschemas compile lazily by JSON pointer, so cycles through `$ref` are fine.

pub mod eval;
pub mod format;

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::doc::{Doc, Draft};
use super::pointer_token;
use crate::error::{Error, Result};
use crate::regex::Regex;

pub use eval::{decimal, Failure};

/// Index of a compiled subschema.
pub type VId = usize;

/// JSON types as bits (`NUMBER` marks non-integral numbers; `number` admits both bits).
pub mod types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const OBJECT: u8 = 4;
    pub const ARRAY: u8 = 8;
    pub const STRING: u8 = 16;
    pub const INTEGER: u8 = 32;
    pub const NUMBER: u8 = 64;
    pub const ALL: u8 = 127;

    /// The bits of a `type` name.
    pub fn parse(name: &str) -> Option<u8> {
        Some(match name {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "object" => OBJECT,
            "array" => ARRAY,
            "string" => STRING,
            "integer" => INTEGER,
            "number" => INTEGER | NUMBER,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Kw {
    Ref(VId),
    DynamicRef {
        target: VId,
        name: Option<String>,
    },
    Type(u8),
    /// The values, and for long enums their canonical forms (set lookup instead of a scan).
    Enum(Vec<Value>, Option<std::collections::HashSet<String>>),
    Const(Value),
    MultipleOf(f64),
    Minimum(f64, bool),
    Maximum(f64, bool),
    MinLength(u64),
    MaxLength(u64),
    Pattern(Box<Regex>),
    Format(format::Format),
    Items {
        prefix: Vec<VId>,
        rest: Option<VId>,
    },
    Contains {
        id: VId,
        min: u64,
        max: Option<u64>,
    },
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    Properties(Vec<(String, VId)>),
    PatternProperties(Vec<(Regex, VId)>),
    AdditionalProperties {
        id: VId,
        names: Vec<String>,
        patterns: Vec<Regex>,
    },
    PropertyNames(VId),
    Required(Vec<String>),
    MinProperties(u64),
    MaxProperties(u64),
    DependentRequired(Vec<(String, Vec<String>)>),
    DependentSchemas(Vec<(String, VId)>),
    AllOf(Vec<VId>),
    AnyOf(Vec<VId>),
    OneOf(Vec<VId>),
    Not(VId),
    If {
        cond: VId,
        then: Option<VId>,
        otherwise: Option<VId>,
    },
    UnevaluatedProperties(VId),
    UnevaluatedItems(VId),
}

#[derive(Debug, Clone)]
pub(crate) enum VNode {
    Pending,
    Bool(bool),
    Schema {
        ptr: String,
        /// The base URI when this subschema starts a resource (for `$dynamicRef`).
        resource: Option<String>,
        kws: Vec<Kw>,
    },
}

/// A compiled validator for one document.
#[derive(Debug, Clone)]
pub struct Validator {
    pub(crate) nodes: Vec<VNode>,
    index: HashMap<String, VId>,
    /// `(resource base, anchor name, id)` of every dynamic anchor.
    pub(crate) dynamic: Vec<(String, String, VId)>,
    /// Some subschema has `unevaluatedProperties`/`unevaluatedItems`: evaluation records the
    /// properties it evaluated (otherwise nothing reads them, and nothing is recorded).
    pub(crate) annotates: bool,
}

impl Validator {
    /// An empty validator; subschemas are added with [`Validator::compile`].
    pub fn new() -> Self {
        Validator {
            nodes: Vec::new(),
            index: HashMap::new(),
            dynamic: Vec::new(),
            annotates: false,
        }
    }

    /// Compiles (once) the subschema at `ptr`.
    pub fn compile(&mut self, doc: &Doc, ptr: &str) -> Result<VId> {
        if let Some(&id) = self.index.get(ptr) {
            return Ok(id);
        }
        let id = self.nodes.len();
        self.nodes.push(VNode::Pending);
        self.index.insert(ptr.to_owned(), id);
        let node = match doc.get(ptr) {
            Some(Value::Bool(b)) => VNode::Bool(*b),
            Some(Value::Object(map)) => {
                let kws = self.keywords(doc, ptr, map)?;
                VNode::Schema {
                    ptr: ptr.to_owned(),
                    resource: doc.resource_at(ptr).map(str::to_owned),
                    kws,
                }
            }
            Some(_) => {
                return Err(Error::schema(
                    ptr,
                    "a schema must be an object or a boolean",
                ));
            }
            None => return Err(Error::schema(ptr, "no schema at this pointer")),
        };
        self.nodes[id] = node;
        Ok(id)
    }

    /// Whether `value` is valid against the subschema `id`.
    pub fn is_valid(&self, id: VId, value: &Value) -> bool {
        eval::Eval::new(self, false).valid(id, value)
    }

    /// Checks `value` against `id`, explaining the first failure.
    pub fn check(&self, id: VId, value: &Value) -> std::result::Result<(), Failure> {
        eval::Eval::new(self, true).explain(id, value)
    }

    fn keywords(&mut self, doc: &Doc, ptr: &str, map: &Map<String, Value>) -> Result<Vec<Kw>> {
        let draft = doc.draft;
        let at = |k: &str| format!("{ptr}/{}", pointer_token(k));
        let mut kws = Vec::new();
        if let Some(Value::String(r)) = map.get("$ref") {
            let target = doc
                .resolve(ptr, r)
                .map_err(|e| Error::schema(at("$ref"), e))?;
            kws.push(Kw::Ref(self.compile(doc, &target)?));
            if draft.ref_overrides_siblings() {
                return Ok(kws);
            }
        }
        for (key, anchor_key) in [("$dynamicRef", "$dynamicAnchor"), ("$recursiveRef", "")] {
            let Some(Value::String(r)) = map.get(key) else {
                continue;
            };
            // Each draft has its own: `$recursiveRef` in 2019-09, `$dynamicRef` in 2020-12.
            let known = match key {
                "$dynamicRef" => draft >= Draft::D2020,
                _ => draft == Draft::D2019,
            };
            if !known {
                continue;
            }
            let target_ptr = doc.resolve(ptr, r).map_err(|e| Error::schema(at(key), e))?;
            let target = self.compile(doc, &target_ptr)?;
            let target_schema = doc.get(&target_ptr);
            let name = if anchor_key.is_empty() {
                (target_schema.and_then(|t| t.get("$recursiveAnchor")) == Some(&Value::Bool(true)))
                    .then(String::new)
            } else {
                let frag = r.rsplit_once('#').map_or("", |(_, f)| f);
                target_schema
                    .and_then(|t| t.get(anchor_key))
                    .and_then(Value::as_str)
                    .filter(|a| *a == frag)
                    .map(str::to_owned)
            };
            if let Some(n) = &name {
                self.compile_dynamic(doc, n)?;
            }
            kws.push(Kw::DynamicRef { target, name });
        }
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        match map.get("type") {
            None => {}
            Some(Value::String(t)) => {
                kws.push(Kw::Type(type_bits(t, &at("type"))? | null_bit(nullable)))
            }
            Some(Value::Array(ts)) => {
                let mut bits = null_bit(nullable);
                for (i, t) in ts.iter().enumerate() {
                    let name = t.as_str().ok_or_else(|| {
                        Error::schema(format!("{}/{i}", at("type")), "type names must be strings")
                    })?;
                    bits |= type_bits(name, &format!("{}/{i}", at("type")))?;
                }
                kws.push(Kw::Type(bits));
            }
            Some(_) => {
                return Err(Error::schema(
                    at("type"),
                    "`type` must be a string or an array",
                ))
            }
        }
        if let Some(v) = map.get("enum") {
            let Value::Array(items) = v else {
                return Err(Error::schema(at("enum"), "`enum` must be an array"));
            };
            let index = (items.len() > 16).then(|| items.iter().map(canonical).collect());
            kws.push(Kw::Enum(items.clone(), index));
        }
        // Keywords a draft does not know are ignored under it, exactly as the compiler's facets
        // ignore them (`const`, `contains`, `propertyNames` from draft 6; the `dependent*` and
        // `unevaluated*` keywords from 2019-09; `prefixItems` from 2020-12).
        let d6 = draft >= Draft::D6;
        let d2019 = draft >= Draft::D2019;
        let draft4 = draft == Draft::D4;
        if let Some(v) = map.get("const").filter(|_| d6) {
            kws.push(Kw::Const(v.clone()));
        }
        if let Some(v) = map.get("multipleOf") {
            match v.as_f64() {
                Some(m) if m > 0.0 => kws.push(Kw::MultipleOf(m)),
                _ => {
                    return Err(Error::schema(
                        at("multipleOf"),
                        "`multipleOf` must be a number > 0",
                    ))
                }
            }
        }
        for (key, inclusive_key, is_min) in [
            ("minimum", "exclusiveMinimum", true),
            ("maximum", "exclusiveMaximum", false),
        ] {
            let excl_bool = map.get(inclusive_key) == Some(&Value::Bool(true));
            if let Some(v) = map.get(key) {
                let x = number(v, &at(key))?;
                kws.push(if is_min {
                    Kw::Minimum(x, excl_bool)
                } else {
                    Kw::Maximum(x, excl_bool)
                });
            }
            if let Some(v @ Value::Number(_)) = map.get(inclusive_key).filter(|_| !draft4) {
                let x = number(v, &at(inclusive_key))?;
                kws.push(if is_min {
                    Kw::Minimum(x, true)
                } else {
                    Kw::Maximum(x, true)
                });
            }
        }
        for (key, make) in [
            ("minLength", Kw::MinLength as fn(u64) -> Kw),
            ("maxLength", Kw::MaxLength),
            ("minItems", Kw::MinItems),
            ("maxItems", Kw::MaxItems),
            ("minProperties", Kw::MinProperties),
            ("maxProperties", Kw::MaxProperties),
        ] {
            if let Some(v) = map.get(key) {
                kws.push(make(count(v, &at(key))?));
            }
        }
        if let Some(v) = map.get("pattern") {
            let p = v
                .as_str()
                .ok_or_else(|| Error::schema(at("pattern"), "`pattern` must be a string"))?;
            kws.push(Kw::Pattern(Box::new(
                Regex::new(p).map_err(|e| Error::schema(at("pattern"), e))?,
            )));
        }
        if let Some(Value::String(f)) = map.get("format") {
            if let Some(f) = format::Format::parse_in(f, draft) {
                kws.push(Kw::Format(f));
            }
        }
        // Arrays: `prefixItems` + `items` (2020-12) or array-`items` + `additionalItems`.
        let (prefix_key, rest_key) = match map.get("items") {
            Some(Value::Array(_)) => ("items", "additionalItems"),
            _ if draft < Draft::D2020 => ("", "items"),
            _ => ("prefixItems", "items"),
        };
        let mut prefix = Vec::new();
        if let Some(Value::Array(items)) = map.get(prefix_key).filter(|_| !prefix_key.is_empty()) {
            for i in 0..items.len() {
                prefix.push(self.compile(doc, &format!("{}/{i}", at(prefix_key)))?);
            }
        }
        let rest = match map.get(rest_key) {
            Some(_) if rest_key == "additionalItems" || map.contains_key(rest_key) => {
                Some(self.compile(doc, &at(rest_key))?)
            }
            _ => None,
        };
        if !prefix.is_empty() || rest.is_some() {
            kws.push(Kw::Items { prefix, rest });
        }
        if map.contains_key("contains") && d6 {
            let id = self.compile(doc, &at("contains"))?;
            let min = match map.get("minContains") {
                Some(v) if draft >= Draft::D2019 => count(v, &at("minContains"))?,
                _ => 1,
            };
            let max = match map.get("maxContains") {
                Some(v) if draft >= Draft::D2019 => Some(count(v, &at("maxContains"))?),
                _ => None,
            };
            kws.push(Kw::Contains { id, min, max });
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            kws.push(Kw::UniqueItems);
        }
        // Objects.
        let mut names = Vec::new();
        if let Some(Value::Object(props)) = map.get("properties") {
            let mut compiled = Vec::new();
            for k in props.keys() {
                let id =
                    self.compile(doc, &format!("{}/{}", at("properties"), pointer_token(k)))?;
                compiled.push((k.clone(), id));
                names.push(k.clone());
            }
            kws.push(Kw::Properties(compiled));
        }
        let mut patterns = Vec::new();
        if let Some(Value::Object(pp)) = map.get("patternProperties") {
            let mut compiled = Vec::new();
            for k in pp.keys() {
                let here = format!("{}/{}", at("patternProperties"), pointer_token(k));
                let re = Regex::new(k).map_err(|e| Error::schema(here.clone(), e))?;
                compiled.push((re.clone(), self.compile(doc, &here)?));
                patterns.push(re);
            }
            kws.push(Kw::PatternProperties(compiled));
        }
        if map.contains_key("additionalProperties") {
            let id = self.compile(doc, &at("additionalProperties"))?;
            kws.push(Kw::AdditionalProperties {
                id,
                names,
                patterns,
            });
        }
        if map.contains_key("propertyNames") && d6 {
            kws.push(Kw::PropertyNames(self.compile(doc, &at("propertyNames"))?));
        }
        if let Some(v) = map.get("required") {
            let Value::Array(items) = v else {
                return Err(Error::schema(at("required"), "`required` must be an array"));
            };
            // Draft-4 `required: true` inside properties is not a thing; strings only.
            let names: Option<Vec<String>> = items
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect();
            let names = names.ok_or_else(|| {
                Error::schema(at("required"), "`required` entries must be strings")
            })?;
            kws.push(Kw::Required(names));
        }
        let mut dep_req = Vec::new();
        let mut dep_sch = Vec::new();
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
                        dep_req.push((
                            name.clone(),
                            req.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect(),
                        ));
                    }
                    _ if key != "dependentRequired" => {
                        let here = format!("{}/{}", at(key), pointer_token(name));
                        dep_sch.push((name.clone(), self.compile(doc, &here)?));
                    }
                    _ => {}
                }
            }
        }
        if !dep_req.is_empty() {
            kws.push(Kw::DependentRequired(dep_req));
        }
        if !dep_sch.is_empty() {
            kws.push(Kw::DependentSchemas(dep_sch));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            let Some(v) = map.get(key) else { continue };
            let Value::Array(items) = v else {
                return Err(Error::schema(at(key), format!("`{key}` must be an array")));
            };
            if items.is_empty() {
                return Err(Error::schema(at(key), format!("`{key}` must not be empty")));
            }
            let ids = (0..items.len())
                .map(|i| self.compile(doc, &format!("{}/{i}", at(key))))
                .collect::<Result<Vec<_>>>()?;
            kws.push(match key {
                "allOf" => Kw::AllOf(ids),
                "anyOf" => Kw::AnyOf(ids),
                _ => Kw::OneOf(ids),
            });
        }
        if map.contains_key("not") {
            kws.push(Kw::Not(self.compile(doc, &at("not"))?));
        }
        if map.contains_key("if") && draft >= Draft::D7 {
            let cond = self.compile(doc, &at("if"))?;
            let then = map
                .contains_key("then")
                .then(|| self.compile(doc, &at("then")))
                .transpose()?;
            let otherwise = map
                .contains_key("else")
                .then(|| self.compile(doc, &at("else")))
                .transpose()?;
            kws.push(Kw::If {
                cond,
                then,
                otherwise,
            });
        }
        // Unevaluated keywords run last: they read the annotations of everything above.
        if (map.contains_key("unevaluatedProperties") || map.contains_key("unevaluatedItems"))
            && d2019
        {
            self.annotates = true;
        }
        if map.contains_key("unevaluatedProperties") && d2019 {
            kws.push(Kw::UnevaluatedProperties(
                self.compile(doc, &at("unevaluatedProperties"))?,
            ));
        }
        if map.contains_key("unevaluatedItems") && d2019 {
            kws.push(Kw::UnevaluatedItems(
                self.compile(doc, &at("unevaluatedItems"))?,
            ));
        }
        Ok(kws)
    }

    fn compile_dynamic(&mut self, doc: &Doc, name: &str) -> Result<()> {
        for a in doc.dyn_anchors.iter().filter(|a| a.name == name) {
            if self
                .dynamic
                .iter()
                .any(|(b, n, _)| *b == a.base && n == name)
            {
                continue;
            }
            let id = self.compile(doc, &a.ptr)?;
            self.dynamic.push((a.base.clone(), name.to_owned(), id));
        }
        Ok(())
    }
}

impl Default for Validator {
    fn default() -> Self {
        Self::new()
    }
}

fn null_bit(nullable: bool) -> u8 {
    if nullable {
        types::NULL
    } else {
        0
    }
}

fn type_bits(name: &str, at: &str) -> Result<u8> {
    types::parse(name).ok_or_else(|| {
        Error::schema(
            at,
            format!("unknown type {name:?}; expected one of object, array, string, integer, number, boolean, null"),
        )
    })
}

fn number(v: &Value, at: &str) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| Error::schema(at, "must be a number"))
}

fn count(v: &Value, at: &str) -> Result<u64> {
    v.as_u64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        })
        .ok_or_else(|| Error::schema(at, "must be a non-negative integer"))
}

/// JSON equality: numbers compare by value (`1 == 1.0`), objects ignore key order.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// A text form equal for JSON-equal values (`1` and `1.0`, objects in any key order).
pub fn canonical(v: &Value) -> String {
    fn go(v: &Value, out: &mut String) {
        match v {
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => out.push_str(&i.to_string()),
                (_, Some(u), _) => out.push_str(&u.to_string()),
                (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e18 => {
                    out.push_str(&(f as i64).to_string());
                }
                (_, _, Some(f)) => out.push_str(&format!("{f:e}")),
                _ => out.push_str("null"),
            },
            Value::Array(a) => {
                out.push('[');
                for x in a {
                    go(x, out);
                    out.push(',');
                }
                out.push(']');
            }
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for k in keys {
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    go(&m[k], out);
                    out.push(',');
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    go(v, &mut s);
    s
}

/// The type bit of a value (`INTEGER` for integral numbers, `1.0` included).
pub fn type_of(v: &Value) -> u8 {
    match v {
        Value::Null => types::NULL,
        Value::Bool(_) => types::BOOLEAN,
        Value::Object(_) => types::OBJECT,
        Value::Array(_) => types::ARRAY,
        Value::String(_) => types::STRING,
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                types::INTEGER
            } else {
                types::NUMBER
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid(schema: Value, instance: Value) -> bool {
        let doc = Doc::new(schema);
        let mut v = Validator::new();
        let id = v.compile(&doc, "").unwrap();
        v.is_valid(id, &instance)
    }

    #[test]
    fn keywords_a_draft_does_not_know_are_ignored_under_it() {
        let d4 = "http://json-schema.org/draft-04/schema#";
        let d7 = "http://json-schema.org/draft-07/schema#";
        let cases = [
            (json!({"$schema": d4, "const": 1}), json!(2)),
            (
                json!({"$schema": d4, "contains": {"type": "string"}}),
                json!([1]),
            ),
            (
                json!({"$schema": d4, "propertyNames": {"maxLength": 1}}),
                json!({"ab": 1}),
            ),
            (json!({"$schema": d4, "exclusiveMinimum": 5}), json!(1)),
            (
                json!({"$schema": d7, "prefixItems": [{"type": "string"}]}),
                json!([1]),
            ),
            (
                json!({"$schema": d7, "unevaluatedProperties": false}),
                json!({"a": 1}),
            ),
            (
                json!({"$schema": d7, "dependentRequired": {"a": ["b"]}}),
                json!({"a": 1}),
            ),
        ];
        for (schema, value) in cases {
            let doc = Doc::new(schema.clone());
            let mut v = Validator::new();
            let id = v.compile(&doc, "").unwrap();
            assert!(v.is_valid(id, &value), "{schema} rejects {value}");
        }
    }

    #[test]
    fn keywords_accept_and_reject() {
        let cases = [
            (json!({"type": "integer"}), json!(1.0), true),
            (json!({"type": "integer"}), json!(1.5), false),
            (json!({"enum": [1, [2]]}), json!([2.0]), true),
            (
                json!({"enum": (0..40).chain([1000]).collect::<Vec<_>>()}),
                json!(1000.0),
                true,
            ),
            (
                json!({"enum": (0..40).map(|i| json!({"a": i, "b": [i]})).collect::<Vec<_>>()}),
                json!({"b": [3.0], "a": 3}),
                true,
            ),
            (
                json!({"enum": (0..40).collect::<Vec<_>>()}),
                json!(40),
                false,
            ),
            (json!({"multipleOf": 0.1}), json!(0.3), true),
            (json!({"multipleOf": 0.1}), json!(0.35), false),
            (
                json!({"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 3, "exclusiveMaximum": true}),
                json!(3),
                false,
            ),
            (
                json!({"properties": {"a": {"type": "string"}}, "additionalProperties": false}),
                json!({"a": "x", "b": 1}),
                false,
            ),
            (
                json!({"patternProperties": {"^x": {"type": "integer"}}}),
                json!({"xa": "s"}),
                false,
            ),
            (
                json!({"prefixItems": [{"type": "string"}], "items": false}),
                json!(["a", 1]),
                false,
            ),
            (
                json!({"contains": {"const": 1}, "maxContains": 1}),
                json!([1, 1]),
                false,
            ),
            (json!({"uniqueItems": true}), json!([1, 1.0]), false),
            (
                json!({"oneOf": [{"minimum": 0}, {"maximum": 10}]}),
                json!(5),
                false,
            ),
            (
                json!({"dependentRequired": {"a": ["b"]}}),
                json!({"a": 1}),
                false,
            ),
            (
                json!({"allOf": [{"properties": {"a": true}}], "unevaluatedProperties": false}),
                json!({"a": 1}),
                true,
            ),
            (
                json!({"allOf": [{"properties": {"a": true}}], "unevaluatedProperties": false}),
                json!({"b": 1}),
                false,
            ),
            (
                json!({"prefixItems": [true], "unevaluatedItems": false}),
                json!([1, 2]),
                false,
            ),
            (json!({"format": "date"}), json!("2024-02-30"), false),
            (json!({"pattern": "^\\p{Lu}"}), json!("Émile"), true),
            (json!({"if": {"const": 1}, "then": false}), json!(1), false),
            (
                json!({"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"}),
                json!(3),
                false,
            ),
            (
                json!({"type": "string", "nullable": true}),
                json!(null),
                true,
            ),
        ];
        for (schema, instance, ok) in cases {
            assert_eq!(
                valid(schema.clone(), instance.clone()),
                ok,
                "{schema} / {instance}"
            );
        }
    }

    #[test]
    fn dynamic_refs_resolve_to_the_outermost_anchor() {
        let schema = json!({"$id": "https://e.com/strict", "$dynamicAnchor": "node", "type": "object",
            "properties": {"kids": {"type": "array", "items": {"$dynamicRef": "#node"}}},
            "required": ["name"]});
        assert!(valid(
            schema.clone(),
            json!({"name": 1, "kids": [{"name": 2}]})
        ));
        assert!(!valid(schema, json!({"name": 1, "kids": [{}]})));
    }

    #[test]
    fn failures_name_the_instance_and_keyword() {
        let doc = Doc::new(json!({"properties": {"a": {"items": {"maximum": 3}}}}));
        let mut v = Validator::new();
        let id = v.compile(&doc, "").unwrap();
        let f = v.check(id, &json!({"a": [1, 5]})).unwrap_err();
        assert_eq!(f.instance, "/a/1");
        assert_eq!(f.keyword, "/properties/a/items/maximum");
    }
}
