//! Arrays: `items`, `prefixItems` (and draft-4..2019 array `items` + `additionalItems`),
//! `minItems`/`maxItems`, `contains` with `minContains`/`maxContains`, `uniqueItems` and
//! `unevaluatedItems`. Plain lists compile to the lean [`Node::Array`].

use serde_json::Value;

use super::compile::{serialise, Compiler};
use super::emit::EmitCtx;
use super::facets::Facets;
use super::node::{Flag, Node};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::rng::Rng;

/// Items drawn above the minimum when `maxItems` is absent.
const EXTRA_ITEMS: usize = 4;
/// Tries to draw an item different from the others (`uniqueItems` over a large value space).
const UNIQUE_ATTEMPTS: usize = 16;
/// Value spaces up to this size are sampled without replacement for `uniqueItems`.
const SMALL_DOMAIN: i64 = 4096;

/// A general array node.
#[derive(Debug, Clone)]
pub struct ArrayNode {
    prefix: Vec<Node>,
    rest: Option<Node>,
    min: usize,
    max: usize,
    contains: Option<ContainsPlan>,
    unique: Unique,
    /// Set when some item beyond the minimum has no finite instance: write exactly `min`.
    pub force_min: Flag,
}

#[derive(Debug, Clone)]
struct ContainsPlan {
    matching: Node,
    /// Items that must not match (when `maxContains` bounds the matches).
    other: Option<Node>,
    min: usize,
    max: usize,
}

#[derive(Debug, Clone)]
enum Unique {
    No,
    /// Draw distinct values of a small space (enum values, or integers `lo..=hi`).
    Values(Vec<Box<[u8]>>),
    Ints(i64, i64),
    /// Draw, and draw again on a repeat.
    Redraw,
}

impl Compiler<'_> {
    /// The array node of variant `f`.
    pub fn array(&mut self, f: &Facets, name: Option<&str>, at: &str) -> Result<Node> {
        super::compile::check_size(at, "minItems", f.min_items, super::compile::MAX_MIN_ITEMS)?;
        let p = f.arrs.iter().map(|a| a.prefix.len()).max().unwrap_or(0);
        let index_conj = |i: usize| -> Vec<String> {
            let mut pos = Vec::new();
            let mut covered = false;
            for a in &f.arrs {
                if let Some(x) = a.prefix.get(i) {
                    pos.push(x.clone());
                    covered = true;
                } else if let Some(r) = &a.rest {
                    pos.push(r.clone());
                    covered = true;
                }
            }
            if !covered {
                pos.extend(f.uneval_items.iter().cloned());
            }
            pos
        };
        let saved = self.occurrences;
        let cap = f.max_items.map_or(usize::MAX, |m| m as usize);
        let natural_max = cap.min(f.min_items as usize + p + EXTRA_ITEMS);
        self.occurrences = saved.and_then(|o| o.checked_mul(natural_max.max(1) as u64));
        let simple = p == 0 && f.contains.is_empty() && !f.unique;
        if simple {
            let items = self.conj(index_conj(0), Vec::new(), name);
            self.occurrences = saved;
            let (min, max) = bounds(f);
            if min > max {
                return Err(Error::schema(
                    at,
                    format!("minItems ({min}) is greater than maxItems ({max})"),
                ));
            }
            return match items {
                Ok(items) => Ok(Node::Array {
                    items: Box::new(items),
                    min,
                    max,
                    force_min: Flag::default(),
                }),
                Err(_) if f.min_items == 0 && self.explicitly_false(&index_conj(0)) => {
                    Ok(Node::Const(serialise(&Value::Array(Vec::new()))))
                }
                Err(e) => Err(e),
            };
        }
        let single = f.contains.len() == 1;
        let neg_contains: Vec<String> = match f.contains.first() {
            Some(c) if single && c.max.is_some() => vec![c.ptr.clone()],
            _ => Vec::new(),
        };
        let mut allowed = cap;
        let mut prefix = Vec::new();
        for i in 0..p {
            let pos = index_conj(i);
            let never = self.explicitly_false(&pos);
            match self.conj(pos, neg_contains.clone(), name) {
                Ok(n) => prefix.push(n),
                Err(e) => {
                    if (f.min_items as usize) > i || !never {
                        self.occurrences = saved;
                        return Err(e);
                    }
                    allowed = allowed.min(i);
                    break;
                }
            }
        }
        let rest_pos = index_conj(p);
        let rest = match self.conj(rest_pos.clone(), Vec::new(), name) {
            Ok(n) => Some(n),
            Err(_) if self.explicitly_false(&rest_pos) => None,
            Err(e) => {
                self.occurrences = saved;
                return Err(e);
            }
        };
        // Items matching `contains` are evaluated, so `unevaluatedItems` does not apply to them.
        let rest_base: Vec<String> = rest_pos
            .iter()
            .filter(|p| !f.uneval_items.contains(p))
            .cloned()
            .collect();
        let contains = match f.contains.first() {
            Some(c) if single => {
                let mut pos = rest_base.clone();
                pos.push(c.ptr.clone());
                let matching = self.conj(pos, Vec::new(), name);
                let other = match (c.max, &rest) {
                    (_, None) => None,
                    (Some(_), Some(_)) => {
                        self.conj(rest_pos.clone(), vec![c.ptr.clone()], name).ok()
                    }
                    (None, Some(r)) => Some(r.clone()),
                };
                match matching {
                    Ok(m) => Some(ContainsPlan {
                        matching: m,
                        other,
                        min: c.min as usize,
                        max: c.max.map_or(usize::MAX, |m| m as usize),
                    }),
                    Err(e) if c.min > 0 => {
                        self.occurrences = saved;
                        return Err(e);
                    }
                    Err(_) => None,
                }
            }
            _ => None,
        };
        if rest.is_none() && contains.is_none() {
            allowed = allowed.min(prefix.len());
        }
        self.occurrences = saved;
        let min = f.min_items as usize;
        if min > allowed {
            return Err(Error::schema(
                at,
                format!("minItems ({min}) cannot be met: at most {allowed} items are allowed"),
            ));
        }
        let mut lo = min.max(prefix.len().min(allowed));
        if let Some(c) = &contains {
            if c.other.is_none() && c.max < usize::MAX {
                // Every item would match: the length is bounded by maxContains.
                allowed = allowed.min(prefix.len() + c.max);
            }
            super::compile::check_size(
                at,
                "minContains",
                c.min as u64,
                super::compile::MAX_MIN_ITEMS,
            )?;
            lo = lo.max(prefix.len().saturating_add(c.min));
            if lo > allowed {
                return Err(Error::schema(
                    at,
                    format!(
                        "contains needs {} matching items but at most {allowed} items are allowed",
                        c.min
                    ),
                ));
            }
            if c.min > c.max {
                return Err(Error::schema(
                    at,
                    format!(
                        "minContains ({}) is greater than maxContains ({})",
                        c.min, c.max
                    ),
                ));
            }
        }
        let hi = allowed
            .min(lo + EXTRA_ITEMS.min(if rest.is_some() { EXTRA_ITEMS } else { 0 }))
            .max(lo);
        let hi = if f.max_items.is_some() {
            hi.min(cap)
        } else {
            hi
        };
        let unique = if f.unique {
            unique_mode(prefix.is_empty() && contains.is_none(), rest.as_ref())
        } else {
            Unique::No
        };
        let (lo, hi) = match &unique {
            Unique::Values(v) => (lo, hi.min(v.len())),
            Unique::Ints(a, b) => (lo, hi.min((b - a + 1) as usize)),
            _ => (lo, hi),
        };
        if lo > hi {
            return Err(Error::schema(
                at,
                format!(
                    "uniqueItems needs {lo} distinct items but the item schema admits only {hi}"
                ),
            ));
        }
        let node = Node::Tuple(Box::new(ArrayNode {
            prefix,
            rest,
            min: lo,
            max: hi,
            contains,
            unique: unique.clone(),
            force_min: Flag::default(),
        }));
        if matches!(unique, Unique::Redraw) || f.contains.len() > 1 {
            return self.checked(node, f, at);
        }
        Ok(node)
    }
}

/// `(minItems, maxItems)` with the reference's defaults (1..=5 when neither is given). A
/// `maxItems` above what ferrosynth builds (`10**18` as "unbounded") is no bound at all.
fn bounds(f: &Facets) -> (usize, usize) {
    let max = f
        .max_items
        .filter(|m| *m <= super::compile::MAX_MIN_ITEMS)
        .map(|m| m as usize);
    match (f.min_items as usize, max) {
        (0, None) => (1, 5),
        (lo, None) => (lo, lo.max(5)),
        (0, Some(hi)) => (hi.min(1), hi),
        (lo, Some(hi)) => (lo, hi),
    }
}

fn unique_mode(plain: bool, rest: Option<&Node>) -> Unique {
    if !plain {
        return Unique::Redraw;
    }
    match rest {
        // `1` and `1.0` are the same JSON value: draw among distinct values only.
        Some(Node::Enum(values)) => Unique::Values(distinct_values(values)),
        Some(Node::Const(v)) => Unique::Values(vec![v.clone()]),
        Some(Node::Boolean) => {
            Unique::Values(vec![b"true".to_vec().into(), b"false".to_vec().into()])
        }
        Some(Node::Integer { lo, hi }) if hi.saturating_sub(*lo) < SMALL_DOMAIN => {
            Unique::Ints(*lo, *hi)
        }
        _ => Unique::Redraw,
    }
}

impl ArrayNode {
    /// The one item node of a plain list (no tuple positions, no `contains`).
    pub fn list_item(&self) -> Option<&Node> {
        match (&self.prefix[..], &self.contains, &self.rest) {
            ([], None, Some(r)) => Some(r),
            _ => None,
        }
    }

    /// Calls `f` on every child node.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&Node)) {
        self.prefix.iter().for_each(&mut *f);
        if let Some(r) = &self.rest {
            f(r);
        }
        if let Some(c) = &self.contains {
            f(&c.matching);
            if let Some(o) = &c.other {
                f(o);
            }
        }
    }

    /// Height of the items the shortest instance needs.
    pub fn min_height(&self, height: fn(&Node) -> u32) -> u32 {
        let mut h = 0;
        for i in 0..self.min {
            let node = match (self.prefix.get(i), &self.contains, &self.rest) {
                (Some(p), _, _) => p,
                (None, Some(c), _) => &c.matching,
                (None, None, Some(r)) => r,
                (None, None, None) => return u32::MAX,
            };
            h = h.max(height(node));
        }
        h
    }

    pub fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        let len = if ctx.shrink() || self.force_min.get() {
            self.min
        } else {
            rng.range_usize(self.min, self.max)
        };
        w.begin_array();
        ctx.depth += 1;
        match &self.unique {
            Unique::Values(values) => {
                for i in distinct(rng, values.len(), len) {
                    w.raw(&values[i]);
                }
            }
            Unique::Ints(lo, hi) => {
                for i in distinct(rng, (hi - lo + 1) as usize, len) {
                    w.int(lo + i as i64);
                }
            }
            Unique::No => self.emit_items(len, rng, ctx, w, false),
            Unique::Redraw => self.emit_items(len, rng, ctx, w, true),
        }
        ctx.depth -= 1;
        w.end_array();
    }

    fn emit_items(
        &self,
        len: usize,
        rng: &mut Rng,
        ctx: &mut EmitCtx<'_>,
        w: &mut JsonWriter,
        unique: bool,
    ) {
        let p = self.prefix.len().min(len);
        let tail = len - p;
        let (mut want, mut left) = match &self.contains {
            Some(c) => {
                let hi = c.max.min(tail);
                let hi = if c.other.is_none() {
                    tail.min(c.max)
                } else {
                    hi
                };
                let lo = if c.other.is_none() { hi } else { c.min.min(hi) };
                (rng.range_usize(lo, hi.max(lo)), tail)
            }
            None => (0, tail),
        };
        let mut seen: Vec<Vec<u8>> = Vec::new();
        for i in 0..len {
            let node = if i < p {
                &self.prefix[i]
            } else if let Some(c) = &self.contains {
                let hit = want > 0 && rng.below(left as u64) < want as u64;
                left -= 1;
                if hit {
                    want -= 1;
                    &c.matching
                } else {
                    c.other.as_ref().unwrap_or(&c.matching)
                }
            } else {
                match &self.rest {
                    Some(r) => r,
                    None => break,
                }
            };
            if !unique {
                node.emit(rng, ctx, w);
                continue;
            }
            let mut item = JsonWriter::default();
            for _ in 0..UNIQUE_ATTEMPTS {
                item.buf.clear();
                item.reset_state();
                node.emit(rng, ctx, &mut item);
                if !seen.iter().any(|s| same(s, &item.buf)) {
                    break;
                }
            }
            w.raw(&item.buf);
            seen.push(item.buf);
        }
    }
}

/// The values that differ as JSON values (`1` and `1.0` are one value), in order.
fn distinct_values(values: &[Box<[u8]>]) -> Vec<Box<[u8]>> {
    let mut out: Vec<Box<[u8]>> = Vec::with_capacity(values.len());
    for v in values {
        if !out.iter().any(|o| same(o, v)) {
            out.push(v.clone());
        }
    }
    out
}

/// JSON equality of two serialised values, cheap for the common case of equal bytes.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    // Equal values serialise identically from one node, except numbers written two ways.
    let floaty = |s: &[u8]| s.iter().any(|c| matches!(c, b'.' | b'e' | b'E'));
    if !floaty(a) && !floaty(b) {
        return false;
    }
    match (
        serde_json::from_slice::<Value>(a),
        serde_json::from_slice::<Value>(b),
    ) {
        (Ok(x), Ok(y)) => super::validate::json_eq(&x, &y),
        _ => false,
    }
}

/// `k` distinct indices of `0..n` (Floyd's sampling, then shuffled): no redraws.
fn distinct(rng: &mut Rng, n: usize, k: usize) -> Vec<usize> {
    let k = k.min(n);
    let mut out: Vec<usize> = Vec::with_capacity(k);
    for j in n - k..n {
        let t = rng.range_usize(0, j);
        out.push(if out.contains(&t) { j } else { t });
    }
    for i in (1..out.len()).rev() {
        let j = rng.range_usize(0, i);
        out.swap(i, j);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn tuples_contains_and_unique_items() {
        let out = sample(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}),
            50,
        );
        assert!(out.iter().all(|a| a.as_array().unwrap().len() <= 2));
        let out = sample(
            json!({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 9},
                                "contains": {"minimum": 9}, "minContains": 2, "maxContains": 2}),
            100,
        );
        assert!(out
            .iter()
            .all(|a| a.as_array().unwrap().iter().filter(|x| *x == 9).count() == 2));
        let out = sample(
            json!({"type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": true, "minItems": 3}),
            50,
        );
        assert!(out.iter().all(|a| a.as_array().unwrap().len() == 3));
    }

    #[test]
    fn impossible_arrays_are_errors() {
        let (_, reason) = error(
            json!({"type": "array", "items": {"const": 1}, "uniqueItems": true, "minItems": 2}),
        );
        assert!(reason.contains("uniqueItems"), "{reason}");
        let (_, reason) = error(json!({"type": "array", "minItems": 3, "maxItems": 2}));
        assert!(reason.contains("minItems (3)"), "{reason}");
    }
}
