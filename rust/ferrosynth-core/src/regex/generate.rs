//! Strings built directly from a pattern: pick a target length the length bounds allow and the
//! pattern can produce, then walk the tree spending exactly that many characters.
//!
//! The generated string is one whole match, so JSON Schema's unanchored search finds it, and
//! `^`/`$` hold wherever they sit at the edges of the match. Anchors elsewhere become
//! unsatisfiable branches the walk avoids. Lookarounds, backreferences and `\b` are generated
//! through (zero-width, or repeating the captured text) and flagged: the caller verifies such
//! strings with the matcher.

use super::class::CharSet;
use super::lengths::LenSet;
use super::parse::Ast;
use crate::rng::Rng;

/// Lengths tried above the shortest possible one when no `maxLength` says otherwise.
const DEFAULT_SPAN: usize = 24;
/// The longest string ever targeted.
const MAX_CAP: usize = 1024;

/// A compiled generation tree.
#[derive(Debug, Clone)]
struct GNode {
    kind: G,
    lens: LenSet,
}

#[derive(Debug, Clone)]
enum G {
    Empty,
    Fail,
    Class(Box<Chars>),
    Concat(Vec<GNode>, Vec<LenSet>),
    Alt(Vec<GNode>),
    Repeat {
        node: Box<GNode>,
        min: u32,
        nullable: bool,
        /// `table[j]`: lengths of exactly `j` non-empty repetitions.
        table: Vec<LenSet>,
        rmin: usize,
    },
    Group(Box<GNode>, Option<u32>),
    Backref(u32),
}

/// The characters a class draws from: a readable subset first, then wider printable ones.
#[derive(Debug, Clone)]
struct Chars {
    nice: CharSet,
    wide: CharSet,
    full: CharSet,
}

/// Builds strings matching one pattern within length bounds.
#[derive(Debug, Clone)]
pub struct Generator {
    root: GNode,
    targets: LenSet,
    /// The pattern uses lookarounds, backreferences or `\b`: verify what comes out.
    pub needs_check: bool,
}

impl Generator {
    /// A generator for `ast` whose strings have `min_len..=max_len` code points.
    pub fn new(ast: &Ast, min_len: usize, max_len: Option<usize>) -> Result<Self, String> {
        let mut needs_check = false;
        let lead = leading_lookbehind(ast)?;
        let stripped = anchors(lead.as_ref().unwrap_or(ast), true, true, &mut needs_check);
        let shortest = min_length(&stripped);
        if shortest == usize::MAX {
            return Err("no string matches the pattern (an anchor or an empty class rules every branch out)".into());
        }
        let lo = min_len.max(shortest.min(MAX_CAP + 1));
        let limit = max_len.unwrap_or(usize::MAX).min(MAX_CAP);
        if lo > limit {
            return Err(match max_len {
                Some(m) if lo > m => {
                    format!("the pattern's shortest match has {shortest} characters, more than maxLength ({m})")
                }
                _ => format!("the pattern's matches are longer than {MAX_CAP} characters"),
            });
        }
        let mut hi = limit.min(lo + DEFAULT_SPAN);
        loop {
            let root = build(&stripped, hi);
            let targets = root.lens.window(lo, hi);
            if !targets.is_empty() {
                return Ok(Generator {
                    root,
                    targets,
                    needs_check,
                });
            }
            if hi >= limit {
                return Err(format!(
                    "no string of {lo}..={} characters matches the pattern",
                    max_len.map_or("∞".to_owned(), |m| m.to_string())
                ));
            }
            hi = limit.min(hi * 4 + 16);
        }
    }

    /// Appends one string to `out`.
    pub fn generate(&self, rng: &mut Rng, out: &mut String) {
        let n = self.targets.count();
        let len = self.targets.nth(rng.index(n));
        let mut caps: Vec<Option<(usize, usize)>> = Vec::new();
        gen(&self.root, len, rng, out, &mut caps);
    }

    /// The lengths this generator targets.
    pub fn lengths(&self) -> impl Iterator<Item = usize> + '_ {
        self.targets.members()
    }
}

/// A positive lookbehind at the start of a match needs text before the match. In an unanchored
/// pattern (`(?<=a)b`) that text is generated as part of the string (`ab`: the search finds `b`
/// after `a`; the matcher verifies it). Right after `^` no text can precede it: no string
/// matches, said plainly. `None`: nothing to rewrite.
fn leading_lookbehind(a: &Ast) -> Result<Option<Ast>, String> {
    let behind = |x: &Ast| {
        matches!(
            x,
            Ast::Look {
                ahead: false,
                negate: false,
                ..
            }
        )
    };
    match a {
        Ast::Look {
            node,
            ahead: false,
            negate: false,
        } => Ok(Some((**node).clone())),
        Ast::Concat(items) => {
            let first = items.iter().position(|x| !matches!(x, Ast::Look { .. }));
            if let Some(i) = first {
                if matches!(items[i], Ast::Start) && items[i + 1..].first().is_some_and(behind) {
                    return Err(
                        "a lookbehind right after `^` needs text before the start of \
                                the string: no string matches the pattern"
                            .into(),
                    );
                }
            }
            if !items.first().is_some_and(behind) {
                return Ok(None);
            }
            let mut out = items.clone();
            if let Ast::Look { node, .. } = &items[0] {
                out[0] = (**node).clone();
            }
            Ok(Some(Ast::Concat(out)))
        }
        Ast::Alt(bs) => {
            let mut changed = false;
            let mut out = Vec::with_capacity(bs.len());
            for b in bs {
                match leading_lookbehind(b) {
                    Ok(Some(n)) => {
                        changed = true;
                        out.push(n);
                    }
                    Ok(None) => out.push(b.clone()),
                    // One branch that cannot match leaves the others.
                    Err(_) if bs.len() > 1 => {
                        changed = true;
                        out.push(Ast::Fail);
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(changed.then_some(Ast::Alt(out)))
        }
        Ast::Group { node, index } => Ok(leading_lookbehind(node)?.map(|n| Ast::Group {
            node: Box::new(n),
            index: *index,
        })),
        _ => Ok(None),
    }
}

fn zero_width(a: &Ast) -> bool {
    match a {
        Ast::Start | Ast::End | Ast::WordBoundary(_) | Ast::Look { .. } | Ast::Empty => true,
        Ast::Group { node, .. } => zero_width(node),
        Ast::Concat(items) => items.iter().all(zero_width),
        _ => false,
    }
}

/// Replaces `^`/`$` at the edges of the match by nothing and elsewhere by `Fail`; lookarounds and
/// word boundaries become nothing (and set `check`).
fn anchors(a: &Ast, at_start: bool, at_end: bool, check: &mut bool) -> Ast {
    match a {
        Ast::Start => {
            if at_start {
                Ast::Empty
            } else {
                Ast::Fail
            }
        }
        Ast::End => {
            if at_end {
                Ast::Empty
            } else {
                Ast::Fail
            }
        }
        Ast::WordBoundary(_) | Ast::Look { .. } => {
            *check = true;
            Ast::Empty
        }
        Ast::Backref(n) => {
            *check = true;
            Ast::Backref(*n)
        }
        Ast::Concat(items) => {
            let n = items.len();
            Ast::Concat(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let s = at_start && items[..i].iter().all(zero_width);
                        let e = at_end && items[i + 1..n].iter().all(zero_width);
                        anchors(it, s, e, check)
                    })
                    .collect(),
            )
        }
        Ast::Alt(bs) => Ast::Alt(
            bs.iter()
                .map(|b| anchors(b, at_start, at_end, check))
                .collect(),
        ),
        Ast::Group { node, index } => Ast::Group {
            node: Box::new(anchors(node, at_start, at_end, check)),
            index: *index,
        },
        Ast::Repeat { node, min, max } => {
            let once = *max == Some(1);
            Ast::Repeat {
                node: Box::new(anchors(node, at_start && once, at_end && once, check)),
                min: *min,
                max: *max,
            }
        }
        Ast::Class(_) | Ast::Empty | Ast::Fail => a.clone(),
    }
}

/// The shortest match (saturating; `usize::MAX` when nothing matches).
fn min_length(a: &Ast) -> usize {
    match a {
        Ast::Fail => usize::MAX,
        Ast::Class(set) => {
            if set.is_empty() {
                usize::MAX
            } else {
                1
            }
        }
        Ast::Concat(items) => items.iter().map(min_length).fold(0, usize::saturating_add),
        Ast::Alt(bs) => bs.iter().map(min_length).min().unwrap_or(usize::MAX),
        Ast::Repeat { node, min, .. } => {
            if *min == 0 {
                0
            } else {
                min_length(node).saturating_mul(*min as usize)
            }
        }
        Ast::Group { node, .. } => min_length(node),
        _ => 0,
    }
}

fn build(a: &Ast, cap: usize) -> GNode {
    match a {
        Ast::Empty | Ast::Start | Ast::End | Ast::WordBoundary(_) | Ast::Look { .. } => GNode {
            kind: G::Empty,
            lens: LenSet::single(cap, 0),
        },
        Ast::Fail => GNode {
            kind: G::Fail,
            lens: LenSet::empty(cap),
        },
        Ast::Class(set) => GNode {
            lens: if set.is_empty() {
                LenSet::empty(cap)
            } else {
                LenSet::single(cap, 1)
            },
            kind: G::Class(Box::new(chars(set))),
        },
        Ast::Concat(items) => {
            let nodes: Vec<GNode> = items.iter().map(|i| build(i, cap)).collect();
            let mut suffix = vec![LenSet::single(cap, 0); nodes.len() + 1];
            for i in (0..nodes.len()).rev() {
                suffix[i] = nodes[i].lens.sum(&suffix[i + 1]);
            }
            GNode {
                lens: suffix[0].clone(),
                kind: G::Concat(nodes, suffix),
            }
        }
        Ast::Alt(bs) => {
            let nodes: Vec<GNode> = bs.iter().map(|b| build(b, cap)).collect();
            let mut lens = LenSet::empty(cap);
            for n in &nodes {
                lens.union_with(&n.lens);
            }
            GNode {
                lens,
                kind: G::Alt(nodes),
            }
        }
        Ast::Group { node, index } => {
            let inner = build(node, cap);
            GNode {
                lens: inner.lens.clone(),
                kind: G::Group(Box::new(inner), *index),
            }
        }
        Ast::Backref(n) => GNode {
            // The captured text's length is unknown here; the caller verifies the result.
            lens: LenSet::single(cap, 0),
            kind: G::Backref(*n),
        },
        Ast::Repeat { node, min, max } => {
            let inner = build(node, cap);
            let nullable = inner.lens.contains(0);
            let step = inner.lens.without_zero();
            let rmin = if nullable { 0 } else { *min as usize };
            let rmax = max.map_or(cap, |m| (m as usize).min(cap));
            let mut table = vec![LenSet::single(cap, 0)];
            let mut lens = LenSet::empty(cap);
            if rmin == 0 {
                lens.insert(0);
            }
            for j in 1..=rmax {
                let next = table[j - 1].sum(&step);
                if next.is_empty() {
                    break;
                }
                if j >= rmin {
                    lens.union_with(&next);
                }
                table.push(next);
            }
            GNode {
                lens,
                kind: G::Repeat {
                    node: Box::new(inner),
                    min: *min,
                    nullable,
                    table,
                    rmin,
                },
            }
        }
    }
}

fn chars(set: &CharSet) -> Chars {
    let nice = set.intersect(&CharSet::from_ranges(vec![
        (0x30, 0x39),
        (0x41, 0x5A),
        (0x61, 0x7A),
    ]));
    let printable = CharSet::from_ranges(vec![
        (0x20, 0x7E),
        (0xC0, 0x24F),
        (0x391, 0x3C9),
        (0x410, 0x44F),
        (0x4E00, 0x4FFF),
    ]);
    let nice = if nice.is_empty() {
        set.intersect(&CharSet::from_ranges(vec![(0x21, 0x7E)]))
    } else {
        nice
    };
    Chars {
        nice,
        wide: set.intersect(&printable),
        full: set.clone(),
    }
}

fn pick_char(c: &Chars, rng: &mut Rng) -> char {
    let roll = rng.below(100);
    let set = if !c.nice.is_empty() && (roll < 85 || c.wide.is_empty()) {
        &c.nice
    } else if !c.wide.is_empty() {
        &c.wide
    } else {
        &c.full
    };
    set.nth(rng.below(set.len()))
}

/// Picks uniformly among the lengths of `lens` up to `rem` the values `l` with `ok(l)`.
fn pick_len(rng: &mut Rng, lens: &LenSet, rem: usize, ok: impl Fn(usize) -> bool) -> Option<usize> {
    let (lo, hi) = lens.bounds()?;
    let range = lo..=hi.min(rem);
    let count = range.clone().filter(|&l| ok(l)).count();
    if count == 0 {
        return None;
    }
    let k = rng.index(count);
    range.filter(|&l| ok(l)).nth(k)
}

fn gen(
    n: &GNode,
    len: usize,
    rng: &mut Rng,
    out: &mut String,
    caps: &mut Vec<Option<(usize, usize)>>,
) {
    match &n.kind {
        G::Empty | G::Fail => {}
        G::Class(c) => out.push(pick_char(c, rng)),
        G::Concat(items, suffix) => {
            let mut rem = len;
            for (i, item) in items.iter().enumerate() {
                let l = pick_len(rng, &item.lens, rem, |l| {
                    item.lens.contains(l) && suffix[i + 1].contains(rem - l)
                })
                .unwrap_or(0);
                gen(item, l, rng, out, caps);
                rem -= l;
            }
        }
        G::Alt(bs) => {
            let count = bs.iter().filter(|b| b.lens.contains(len)).count();
            if count > 0 {
                let k = rng.index(count);
                if let Some(b) = bs.iter().filter(|b| b.lens.contains(len)).nth(k) {
                    gen(b, len, rng, out, caps);
                }
            }
        }
        G::Group(inner, index) => {
            let start = out.len();
            gen(inner, len, rng, out, caps);
            if let Some(i) = index {
                let i = *i as usize;
                if caps.len() <= i {
                    caps.resize(i + 1, None);
                }
                caps[i] = Some((start, out.len()));
            }
        }
        G::Backref(i) => {
            if let Some(Some((a, b))) = caps.get(*i as usize).copied() {
                let text = out[a..b].to_owned();
                out.push_str(&text);
            }
        }
        G::Repeat {
            node,
            min,
            nullable,
            table,
            rmin,
        } => {
            let reps: Vec<usize> = (*rmin..table.len())
                .filter(|&r| table[r].contains(len))
                .collect();
            if reps.is_empty() {
                return;
            }
            let r = reps[rng.index(reps.len())];
            let mut rem = len;
            for j in 0..r {
                let after = &table[r - j - 1];
                let l = pick_len(rng, &node.lens, rem, |l| {
                    l > 0 && node.lens.contains(l) && after.contains(rem - l)
                })
                .unwrap_or(0);
                gen(node, l, rng, out, caps);
                rem -= l;
            }
            if *nullable {
                for _ in r..*min as usize {
                    gen(node, 0, rng, out, caps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::matcher::search;
    use super::super::parse::parse;
    use super::*;

    fn check(p: &str, min: usize, max: Option<usize>) {
        let parsed = parse(p).unwrap();
        let g = Generator::new(&parsed.ast, min, max).unwrap_or_else(|e| panic!("{p}: {e}"));
        let mut rng = Rng::from_state(7);
        let mut ok = 0;
        for _ in 0..200 {
            let mut s = String::new();
            g.generate(&mut rng, &mut s);
            let n = s.chars().count();
            let good = search(&parsed.ast, parsed.groups, &s).unwrap()
                && n >= min
                && max.is_none_or(|m| n <= m);
            if g.needs_check {
                ok += usize::from(good);
            } else {
                assert!(good, "{p} produced {s:?}");
            }
        }
        if g.needs_check {
            assert!(ok > 20, "{p}: only {ok} of 200 verified");
        }
    }

    #[test]
    fn generated_strings_match_and_fit() {
        check(r"^[a-z0-9_-]{3,16}$", 0, None);
        check(r"^\d{3}-\d{2}-\d{4}$", 0, None);
        check(r"^[A-Z]{2}\d+$", 5, Some(6));
        check(r"^(ab)+$", 3, Some(7));
        check(r"(^$)|(^\d+$)", 0, None);
        check(r"^\p{Lu}\p{Ll}+$", 0, Some(8));
        check(r"^#([0-9a-fA-F]{3}){1,2}$", 0, None);
        check(r"x(^|,)y", 0, None);
        check(r"^(?=.*[A-Z])(?=.*\d)[A-Za-z\d]{8,}$", 0, None);
        check(r"^(\w+)-\1$", 0, None);
        check(r"^.*$", 10, Some(10));
        check(r"^a{100}$", 0, None);
        check(r"[\s\S]", 0, None);
    }

    #[test]
    fn a_lookbehind_at_an_unanchored_start_is_generated_as_leading_text() {
        check(r"(?<=a)b", 0, None);
        check(r"(?<=\d{2})-x", 0, None);
        check(r"((?<=id:)\d+)", 0, None);
        check(r"(?<=a)b|^c$", 0, None);
    }

    #[test]
    fn a_lookbehind_right_after_the_start_anchor_is_an_error() {
        let p = parse(r"^(?<=a)b").unwrap();
        let e = Generator::new(&p.ast, 0, None).unwrap_err();
        assert!(e.contains("lookbehind"), "{e}");
        // Another branch still matches.
        check(r"^(?<=a)b|^c", 0, None);
    }

    #[test]
    fn impossible_lengths_are_errors() {
        let p = parse(r"^\d{5}$").unwrap();
        assert!(Generator::new(&p.ast, 6, None).is_err());
        assert!(Generator::new(&p.ast, 0, Some(4)).is_err());
        let p = parse(r"^(ab)+$").unwrap();
        assert!(Generator::new(&p.ast, 3, Some(3)).is_err());
        let p = parse(r"a^b").unwrap();
        assert!(Generator::new(&p.ast, 0, None).is_err());
    }
}
