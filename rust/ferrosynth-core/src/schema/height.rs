//! Recursion bounds. Each node gets the height of its shallowest finite instance (a fixpoint
//! over the `$ref` graph); each choice remembers its shallowest branch. Once an instance is
//! deeper than `MAX_DEPTH` or holds more than `MAX_VALUES` values, containers take their
//! smallest valid form and choices their shallowest branch, so generation always terminates. A
//! schema whose every instance is infinite is a compile error.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::node::{Node, Slot};
use crate::error::{Error, Result};

const INF: u32 = u32::MAX;

/// Computes heights and shallowest branches; fails when the root has no finite instance.
pub fn finalize(root: &Node, slots: &[Arc<Slot>]) -> Result<()> {
    // The fixpoint runs with the variant each choice branch takes fixed; a branch whose
    // variant has no instance moves to its next variant and the fixpoint runs again. Moves
    // only go forwards, so this ends.
    loop {
        fixpoint(slots);
        if !switch_to_fallbacks(root, slots) {
            break;
        }
    }
    prune(root);
    if height(root) == INF {
        let at = slots
            .iter()
            .find(|s| s.height.load(Ordering::Relaxed) == INF)
            .map_or(String::new(), |s| s.pointer.clone());
        return Err(Error::schema(
            at,
            "this recursive schema has no finite instance (every path requires recursing again)",
        ));
    }
    Ok(())
}

fn fixpoint(slots: &[Arc<Slot>]) {
    for s in slots {
        s.height.store(INF, Ordering::Relaxed);
    }
    for _ in 0..=slots.len() {
        let mut changed = false;
        for s in slots {
            let h = s.node.get().map_or(INF, height);
            if h < s.height.load(Ordering::Relaxed) {
                s.height.store(h, Ordering::Relaxed);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Moves every choice branch whose variant has no instance to its next variant (read from
/// converged heights); whether any moved.
fn switch_to_fallbacks(root: &Node, slots: &[Arc<Slot>]) -> bool {
    fn walk(n: &Node, switched: &mut bool) {
        if let Node::Choice(c) = n {
            for i in 0..c.nodes.len() {
                if height(c.branch(i)) == INF && c.fall_back(i) {
                    *switched = true;
                }
            }
        }
        children(n, &mut |c| walk(c, switched));
    }
    let mut switched = false;
    walk(root, &mut switched);
    for s in slots {
        if let Some(n) = s.node.get() {
            walk(n, &mut switched);
        }
    }
    switched
}

/// The nodes directly inside `n`, without following references (slots are walked apart).
fn children(n: &Node, f: &mut dyn FnMut(&Node)) {
    match n {
        Node::Object(o) => o.for_each_child(f),
        Node::Array { items, .. } => f(items),
        Node::Tuple(a) => a.for_each_child(f),
        Node::Choice(c) => c.nodes.iter().chain(c.alts.iter().flatten()).for_each(f),
        Node::Checked(c) => f(c.inner()),
        _ => {}
    }
}

fn up(h: u32) -> u32 {
    h.saturating_add(1)
}

/// Marks what has no finite instance so generation never enters it: choice branches,
/// optional properties, extra-key sources, and array items beyond the minimum.
fn prune(root: &Node) {
    fn walk(n: &Node, seen: &mut Vec<*const Slot>) {
        match n {
            Node::Object(o) => {
                let np = o.props.len();
                for (i, p) in o.props.iter().enumerate() {
                    if !p.required && height(&p.node) == INF {
                        o.never.set(i);
                    }
                }
                for (s, v) in o.extra_values().into_iter().enumerate() {
                    if height(v) == INF {
                        o.never.set(np + s);
                    }
                }
                o.for_each_child(&mut |c| walk(c, seen));
            }
            Node::Array {
                items, force_min, ..
            } => {
                if height(items) == INF {
                    force_min.set();
                }
                walk(items, seen);
            }
            Node::Tuple(a) => {
                let mut any_inf = false;
                a.for_each_child(&mut |c| any_inf |= height(c) == INF);
                if any_inf {
                    a.force_min.set();
                }
                a.for_each_child(&mut |c| walk(c, seen));
            }
            Node::Choice(c) => {
                let mut mask = 0u64;
                for (i, b) in c.taken().enumerate().take(64) {
                    if height(b) == INF {
                        mask |= 1 << i;
                    }
                }
                c.infinite.store(mask, Ordering::Relaxed);
                height(n);
                c.nodes.iter().for_each(|b| walk(b, seen));
                c.alts.iter().flatten().for_each(|b| walk(b, seen));
            }
            Node::Ref(link) => {
                if let Some(slot) = link.slot() {
                    let p = Arc::as_ptr(&slot);
                    if !seen.contains(&p) {
                        seen.push(p);
                        if let Some(inner) = slot.node.get() {
                            walk(inner, seen);
                        }
                    }
                }
            }
            Node::Checked(c) => walk(c.inner(), seen),
            _ => {}
        }
    }
    walk(root, &mut Vec::new());
}

/// The checked nodes reachable from `root`, inner ones first (variants dropped at compile
/// time are not reachable, and their checks never run).
pub fn reachable_checked(root: &Node) -> Vec<Arc<super::checked::CheckedNode>> {
    fn walk(
        n: &Node,
        seen: &mut Vec<*const Slot>,
        out: &mut Vec<Arc<super::checked::CheckedNode>>,
    ) {
        match n {
            Node::Object(o) => o.for_each_child(&mut |c| walk(c, seen, out)),
            Node::Array { items, .. } => walk(items, seen, out),
            Node::Tuple(a) => a.for_each_child(&mut |c| walk(c, seen, out)),
            // A fallback variant is checked only once it is taken.
            Node::Choice(c) => c.taken().for_each(|c| walk(c, seen, out)),
            Node::Ref(link) => {
                if let Some(slot) = link.slot() {
                    let p = Arc::as_ptr(&slot);
                    if !seen.contains(&p) {
                        seen.push(p);
                        if let Some(inner) = slot.node.get() {
                            walk(inner, seen, out);
                        }
                    }
                }
            }
            Node::Checked(c) if !out.iter().any(|o| Arc::ptr_eq(o, c)) => {
                walk(c.inner(), seen, out);
                out.push(c.clone());
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
}

/// The height of the shallowest finite instance of `n` (also records shallowest branches).
pub fn height(n: &Node) -> u32 {
    match n {
        Node::Object(o) => {
            let req = o
                .props
                .iter()
                .filter(|p| p.required)
                .map(|p| height(&p.node))
                .max()
                .unwrap_or(0);
            up(req.max(o.extra_height()))
        }
        Node::Array { items, min, .. } => {
            if *min == 0 {
                1
            } else {
                up(height(items))
            }
        }
        Node::Tuple(a) => up(a.min_height(height)),
        Node::Choice(c) => {
            let mut best = (INF, 0);
            for (i, b) in c.taken().enumerate() {
                let h = height(b);
                if h < best.0 {
                    best = (h, i);
                }
            }
            c.min_branch.store(best.1, Ordering::Relaxed);
            best.0
        }
        Node::Ref(link) => link
            .slot()
            .map_or(INF, |s| s.height.load(Ordering::Relaxed)),
        Node::Checked(c) if c.is_dead() => INF,
        Node::Checked(c) => height(c.inner()),
        Node::String(_)
        | Node::Integer { .. }
        | Node::Number(_)
        | Node::Boolean
        | Node::Null
        | Node::Enum(_)
        | Node::Const(_)
        | Node::Grid(_)
        | Node::Weighted(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use serde_json::json;

    fn depth(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
            serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }

    #[test]
    fn deep_recursion_is_cut_at_the_budget() {
        let schema = json!({"$defs": {"t": {"type": "array", "minItems": 1, "maxItems": 3,
            "items": {"anyOf": [{"$ref": "#/$defs/t"}, {"type": "integer"}]}}}, "$ref": "#/$defs/t"});
        let out = sample(schema, 100);
        assert!(out
            .iter()
            .all(|v| depth(v) <= 2 * super::super::MAX_DEPTH as usize + 2));
    }
}
