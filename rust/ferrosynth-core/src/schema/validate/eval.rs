//! Evaluation: walks a compiled validator over an instance, collecting the annotations
//! (evaluated properties and items) that `unevaluatedProperties`/`unevaluatedItems` need.

use std::fmt;

use serde_json::Value;

use super::format;
use super::{json_eq, type_of, types, Kw, VId, VNode, Validator};
use crate::schema::pointer_token;

/// Why an instance is invalid: where in the instance, which keyword, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub instance: String,
    pub keyword: String,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance.is_empty() {
            "#"
        } else {
            &self.instance
        };
        let kw = if self.keyword.is_empty() {
            "#"
        } else {
            &self.keyword
        };
        write!(f, "instance at {at} fails {kw}: {}", self.message)
    }
}

/// Evaluated locations of one instance.
#[derive(Debug, Default, Clone)]
struct Ann {
    props: Vec<String>,
    items_all: bool,
    items_prefix: usize,
    item_idx: Vec<usize>,
}

impl Ann {
    fn merge(&mut self, o: Ann) {
        for p in o.props {
            if !self.props.contains(&p) {
                self.props.push(p);
            }
        }
        self.items_all |= o.items_all;
        self.items_prefix = self.items_prefix.max(o.items_prefix);
        self.item_idx.extend(o.item_idx);
    }
}

pub(super) struct Eval<'v> {
    v: &'v Validator,
    scope: Vec<&'v str>,
    explain: bool,
    quiet: u32,
    failure: Option<Failure>,
    path: Vec<String>,
}

impl<'v> Eval<'v> {
    pub(super) fn new(v: &'v Validator, explain: bool) -> Self {
        Eval {
            v,
            scope: Vec::new(),
            explain,
            quiet: 0,
            failure: None,
            path: Vec::new(),
        }
    }

    pub(super) fn valid(&mut self, id: VId, value: &Value) -> bool {
        self.eval(id, value).is_some()
    }

    pub(super) fn explain(&mut self, id: VId, value: &Value) -> Result<(), Failure> {
        if self.eval(id, value).is_some() {
            return Ok(());
        }
        Err(self.failure.take().unwrap_or_else(|| Failure {
            instance: String::new(),
            keyword: String::new(),
            message: "invalid".into(),
        }))
    }

    fn fail(&mut self, ptr: &str, kw: &str, message: impl FnOnce() -> String) {
        if self.explain && self.quiet == 0 && self.failure.is_none() {
            self.failure = Some(Failure {
                instance: self.path.concat(),
                keyword: format!("{ptr}/{kw}"),
                message: message(),
            });
        }
    }

    fn quietly<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.quiet += 1;
        let r = f(self);
        self.quiet -= 1;
        r
    }

    /// Runs `f` one step down the instance, at `seg`; the path is only kept when a failure
    /// may be explained (a plain check allocates nothing per step).
    fn at<T>(&mut self, seg: &dyn fmt::Display, f: impl FnOnce(&mut Self) -> T) -> T {
        if !self.explain {
            return f(self);
        }
        self.path
            .push(format!("/{}", pointer_token(&seg.to_string())));
        let r = f(self);
        self.path.pop();
        r
    }

    fn eval(&mut self, id: VId, value: &Value) -> Option<Ann> {
        let (ptr, resource, kws) = match &self.v.nodes[id] {
            VNode::Bool(true) | VNode::Pending => return Some(Ann::default()),
            VNode::Bool(false) => {
                self.fail("", "", || "the schema `false` admits nothing".into());
                return None;
            }
            VNode::Schema { ptr, resource, kws } => (ptr.as_str(), resource, kws),
        };
        let pushed = resource.as_deref().is_some_and(|r| {
            self.scope.push(r);
            true
        });
        let mut ann = Ann::default();
        let mut ok = true;
        for kw in kws {
            if !self.keyword(ptr, kw, value, &mut ann) {
                ok = false;
                if !self.explain {
                    break;
                }
                if self.failure.is_some() {
                    break;
                }
            }
        }
        if pushed {
            self.scope.pop();
        }
        ok.then_some(ann)
    }

    fn sub(&mut self, id: VId, value: &Value, ann: &mut Ann) -> bool {
        match self.eval(id, value) {
            Some(a) => {
                ann.merge(a);
                true
            }
            None => false,
        }
    }

    #[allow(clippy::too_many_lines)]
    fn keyword(&mut self, ptr: &str, kw: &Kw, value: &Value, ann: &mut Ann) -> bool {
        match kw {
            Kw::Ref(id) => self.sub(*id, value, ann),
            Kw::DynamicRef { target, name } => {
                let mut id = *target;
                if let Some(name) = name {
                    'outer: for base in self.scope.clone() {
                        for (b, n, d) in &self.v.dynamic {
                            if b == base && n == name {
                                id = *d;
                                break 'outer;
                            }
                        }
                    }
                }
                self.sub(id, value, ann)
            }
            Kw::Type(bits) => {
                let t = type_of(value);
                let ok = t & bits != 0 || (t == types::INTEGER && bits & types::NUMBER != 0);
                if !ok {
                    self.fail(ptr, "type", || format!("{value} has the wrong type"));
                }
                ok
            }
            Kw::Enum(items, index) => {
                let ok = match index {
                    Some(set) => set.contains(&super::canonical(value)),
                    None => items.iter().any(|i| json_eq(i, value)),
                };
                if !ok {
                    self.fail(ptr, "enum", || {
                        format!("{value} is not one of the enum values")
                    });
                }
                ok
            }
            Kw::Const(c) => {
                let ok = json_eq(c, value);
                if !ok {
                    self.fail(ptr, "const", || format!("{value} is not {c}"));
                }
                ok
            }
            Kw::MultipleOf(m) => match value.as_f64() {
                Some(x) if !multiple_of(value, x, *m) => {
                    self.fail(ptr, "multipleOf", || {
                        format!("{value} is not a multiple of {m}")
                    });
                    false
                }
                _ => true,
            },
            Kw::Minimum(lim, excl) => match value.as_f64() {
                Some(x) if x < *lim || (*excl && x == *lim) => {
                    self.fail(
                        ptr,
                        if *excl { "exclusiveMinimum" } else { "minimum" },
                        || format!("{value} is below the minimum {lim}"),
                    );
                    false
                }
                _ => true,
            },
            Kw::Maximum(lim, excl) => match value.as_f64() {
                Some(x) if x > *lim || (*excl && x == *lim) => {
                    self.fail(
                        ptr,
                        if *excl { "exclusiveMaximum" } else { "maximum" },
                        || format!("{value} is above the maximum {lim}"),
                    );
                    false
                }
                _ => true,
            },
            Kw::MinLength(n) => match value {
                Value::String(s) if (s.chars().count() as u64) < *n => {
                    self.fail(ptr, "minLength", || format!("{value} is shorter than {n}"));
                    false
                }
                _ => true,
            },
            Kw::MaxLength(n) => match value {
                Value::String(s) if (s.chars().count() as u64) > *n => {
                    self.fail(ptr, "maxLength", || format!("{value} is longer than {n}"));
                    false
                }
                _ => true,
            },
            Kw::Pattern(re) => match value {
                Value::String(s) => {
                    let ok = re.is_match(s) == Ok(true);
                    if !ok {
                        self.fail(ptr, "pattern", || {
                            format!("{value} does not match {:?}", re.as_str())
                        });
                    }
                    ok
                }
                _ => true,
            },
            Kw::Format(f) => match value {
                Value::String(s) => {
                    let ok = format::check(*f, s);
                    if !ok {
                        self.fail(ptr, "format", || {
                            format!("{value} is not a valid {}", f.name())
                        });
                    }
                    ok
                }
                _ => true,
            },
            Kw::Items { prefix, rest } => {
                let Value::Array(items) = value else {
                    return true;
                };
                for (i, item) in items.iter().enumerate() {
                    let id = match prefix.get(i) {
                        Some(id) => *id,
                        None => match rest {
                            Some(id) => *id,
                            None => break,
                        },
                    };
                    let ok = self.at(&i, |e| e.eval(id, item).is_some());
                    if !ok {
                        self.fail(ptr, "items", || format!("item {i} is invalid"));
                        return false;
                    }
                }
                ann.items_prefix = ann.items_prefix.max(prefix.len().min(items.len()));
                if rest.is_some() {
                    ann.items_all = true;
                }
                true
            }
            Kw::Contains { id, min, max } => {
                let Value::Array(items) = value else {
                    return true;
                };
                let mut n = 0u64;
                for (i, item) in items.iter().enumerate() {
                    if self.quietly(|e| e.eval(*id, item).is_some()) {
                        n += 1;
                        ann.item_idx.push(i);
                    }
                }
                let ok = n >= *min && max.is_none_or(|m| n <= m);
                if !ok {
                    self.fail(ptr, "contains", || {
                        format!(
                            "{n} items match `contains`; expected {min}..{}",
                            max.map_or("".into(), |m| m.to_string())
                        )
                    });
                }
                ok
            }
            Kw::MinItems(n) => self.len_check(ptr, "minItems", value, |len| len >= *n),
            Kw::MaxItems(n) => self.len_check(ptr, "maxItems", value, |len| len <= *n),
            Kw::UniqueItems => {
                let Value::Array(items) = value else {
                    return true;
                };
                for i in 0..items.len() {
                    for j in i + 1..items.len() {
                        if json_eq(&items[i], &items[j]) {
                            self.fail(ptr, "uniqueItems", || {
                                format!("items {i} and {j} are equal")
                            });
                            return false;
                        }
                    }
                }
                true
            }
            Kw::Properties(props) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (name, id) in props {
                    if let Some(v) = map.get(name) {
                        if !self.at(name, |e| e.eval(*id, v).is_some()) {
                            self.fail(ptr, "properties", || {
                                format!("property {name:?} is invalid")
                            });
                            return false;
                        }
                        if self.v.annotates {
                            ann.props.push(name.clone());
                        }
                    }
                }
                true
            }
            Kw::PatternProperties(pats) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (k, v) in map {
                    for (re, id) in pats {
                        if re.is_match(k) == Ok(true) {
                            if !self.at(k, |e| e.eval(*id, v).is_some()) {
                                self.fail(ptr, "patternProperties", || {
                                    format!("property {k:?} is invalid")
                                });
                                return false;
                            }
                            if self.v.annotates {
                                ann.props.push(k.clone());
                            }
                        }
                    }
                }
                true
            }
            Kw::AdditionalProperties {
                id,
                names,
                patterns,
            } => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (k, v) in map {
                    if names.contains(k) || patterns.iter().any(|p| p.is_match(k) == Ok(true)) {
                        continue;
                    }
                    if !self.at(k, |e| e.eval(*id, v).is_some()) {
                        self.fail(ptr, "additionalProperties", || {
                            format!("additional property {k:?} is not allowed")
                        });
                        return false;
                    }
                    if self.v.annotates {
                        ann.props.push(k.clone());
                    }
                }
                true
            }
            Kw::PropertyNames(id) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for k in map.keys() {
                    let name = Value::String(k.clone());
                    if !self.quietly(|e| e.eval(*id, &name).is_some()) {
                        self.fail(ptr, "propertyNames", || {
                            format!("property name {k:?} is invalid")
                        });
                        return false;
                    }
                }
                true
            }
            Kw::Required(names) => {
                let Value::Object(map) = value else {
                    return true;
                };
                match names.iter().find(|n| !map.contains_key(*n)) {
                    Some(n) => {
                        self.fail(ptr, "required", || {
                            format!("required property {n:?} is missing")
                        });
                        false
                    }
                    None => true,
                }
            }
            Kw::MinProperties(n) => match value {
                Value::Object(m) if (m.len() as u64) < *n => {
                    self.fail(ptr, "minProperties", || {
                        format!("fewer than {n} properties")
                    });
                    false
                }
                _ => true,
            },
            Kw::MaxProperties(n) => match value {
                Value::Object(m) if (m.len() as u64) > *n => {
                    self.fail(ptr, "maxProperties", || format!("more than {n} properties"));
                    false
                }
                _ => true,
            },
            Kw::DependentRequired(deps) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (name, req) in deps {
                    if map.contains_key(name) {
                        if let Some(m) = req.iter().find(|r| !map.contains_key(*r)) {
                            self.fail(ptr, "dependentRequired", || {
                                format!("{name:?} requires {m:?}")
                            });
                            return false;
                        }
                    }
                }
                true
            }
            Kw::DependentSchemas(deps) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (name, id) in deps {
                    if map.contains_key(name) && !self.sub(*id, value, ann) {
                        self.fail(ptr, "dependentSchemas", || {
                            format!("the schema that {name:?} brings fails")
                        });
                        return false;
                    }
                }
                true
            }
            Kw::AllOf(ids) => ids.iter().all(|id| self.sub(*id, value, ann)),
            Kw::AnyOf(ids) => {
                let mut any = false;
                for id in ids {
                    if let Some(a) = self.quietly(|e| e.eval(*id, value)) {
                        ann.merge(a);
                        any = true;
                    }
                }
                if !any {
                    self.fail(ptr, "anyOf", || "no branch of anyOf matches".into());
                }
                any
            }
            Kw::OneOf(ids) => {
                let mut matched = Vec::new();
                for (i, id) in ids.iter().enumerate() {
                    if let Some(a) = self.quietly(|e| e.eval(*id, value)) {
                        matched.push((i, a));
                    }
                }
                if matched.len() == 1 {
                    if let Some((_, a)) = matched.pop() {
                        ann.merge(a);
                    }
                    true
                } else {
                    let n = matched.len();
                    self.fail(ptr, "oneOf", || {
                        format!("{n} branches of oneOf match; exactly one must")
                    });
                    false
                }
            }
            Kw::Not(id) => {
                let matched = self.quietly(|e| e.eval(*id, value).is_some());
                if matched {
                    self.fail(ptr, "not", || {
                        "the instance matches the `not` schema".into()
                    });
                }
                !matched
            }
            Kw::If {
                cond,
                then,
                otherwise,
            } => match self.quietly(|e| e.eval(*cond, value)) {
                Some(a) => {
                    ann.merge(a);
                    then.is_none_or(|t| self.sub(t, value, ann))
                }
                None => otherwise.is_none_or(|o| self.sub(o, value, ann)),
            },
            Kw::UnevaluatedProperties(id) => {
                let Value::Object(map) = value else {
                    return true;
                };
                for (k, v) in map {
                    if ann.props.contains(k) {
                        continue;
                    }
                    if !self.at(k, |e| e.eval(*id, v).is_some()) {
                        self.fail(ptr, "unevaluatedProperties", || {
                            format!("unevaluated property {k:?} is not allowed")
                        });
                        return false;
                    }
                }
                ann.props.extend(map.keys().cloned());
                true
            }
            Kw::UnevaluatedItems(id) => {
                let Value::Array(items) = value else {
                    return true;
                };
                if !ann.items_all {
                    for (i, item) in items.iter().enumerate().skip(ann.items_prefix) {
                        if ann.item_idx.contains(&i) {
                            continue;
                        }
                        if !self.at(&i, |e| e.eval(*id, item).is_some()) {
                            self.fail(ptr, "unevaluatedItems", || {
                                format!("unevaluated item {i} is not allowed")
                            });
                            return false;
                        }
                    }
                }
                ann.items_all = true;
                true
            }
        }
    }

    fn len_check(&mut self, ptr: &str, kw: &str, value: &Value, ok: impl Fn(u64) -> bool) -> bool {
        match value {
            Value::Array(a) if !ok(a.len() as u64) => {
                self.fail(ptr, kw, || format!("the array has {} items", a.len()));
                false
            }
            _ => true,
        }
    }
}

/// `value / m` is an integer, checked exactly on the decimal forms (falls back to floats when
/// the exponents are too far apart for exact arithmetic).
fn multiple_of(value: &Value, x: f64, m: f64) -> bool {
    if let (Some(i), true) = (value.as_i64(), m.fract() == 0.0 && m < 9.0e15) {
        return i % (m as i64) == 0;
    }
    match (decimal(x), decimal(m)) {
        (Some((a, ea)), Some((b, eb))) if b != 0 => {
            let d = ea - eb;
            if d >= 0 {
                match 10i128.checked_pow(d as u32).and_then(|p| a.checked_mul(p)) {
                    Some(n) => n % b == 0,
                    None => (x / m).fract() == 0.0,
                }
            } else {
                match 10i128
                    .checked_pow((-d) as u32)
                    .and_then(|p| b.checked_mul(p))
                {
                    Some(q) => a % q == 0,
                    None => (x / m).fract() == 0.0,
                }
            }
        }
        _ => (x / m).fract() == 0.0,
    }
}

/// `x` as `mantissa * 10^exponent` from its shortest round-trip form.
pub fn decimal(x: f64) -> Option<(i128, i32)> {
    if !x.is_finite() {
        return None;
    }
    let s = ryu::Buffer::new().format_finite(x).to_owned();
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m.to_owned(), e.parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((&mant, ""));
    let frac = frac.trim_end_matches('0');
    let digits = format!("{int}{frac}");
    let a: i128 = digits.parse().ok()?;
    Some((a, exp - frac.len() as i32))
}
