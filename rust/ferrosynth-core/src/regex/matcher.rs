//! A backtracking matcher with ECMA-262 semantics (lookarounds, backreferences, `\b`), used to
//! check values, never on the generation hot path. A step budget bounds pathological patterns.

use std::cell::Cell;

use super::class;
use super::parse::Ast;

/// Steps allowed per `is_match` call before giving up (catastrophic backtracking).
const STEP_BUDGET: u64 = 2_000_000;
/// Nesting allowed (each character of a repetition adds a level).
const DEPTH_LIMIT: u32 = 20_000;

/// The matcher gave up: the pattern backtracks too much on this input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooComplex;

struct State {
    caps: Vec<Option<(usize, usize)>>,
    /// Saved copies of `caps`, a stack (alternatives and lookarounds restore from it without
    /// allocating a copy per step).
    saved: Vec<Option<(usize, usize)>>,
    steps: u64,
    limit: u64,
    depth: u32,
    over: bool,
}

type Cont<'c> = &'c mut dyn FnMut(usize, &mut State) -> bool;

impl State {
    /// Pushes a copy of the captures; returns where it starts.
    fn save(&mut self) -> usize {
        let mark = self.saved.len();
        self.saved.extend_from_slice(&self.caps);
        mark
    }

    /// Restores the captures saved at `mark` (the copy stays saved).
    fn restore(&mut self, mark: usize) {
        let n = self.caps.len();
        self.caps.copy_from_slice(&self.saved[mark..mark + n]);
    }
}

thread_local! {
    /// Steps left to the innermost [`within`] on this thread, if any.
    static SHARED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Runs `f` with every [`search`] in it on this thread (whichever pattern, through whichever
/// validator) drawing on `budget` as well; the steps taken are subtracted from it.
pub fn within<R>(budget: &mut u64, f: impl FnOnce() -> R) -> R {
    let outer = SHARED.replace(Some(*budget));
    let r = f();
    *budget = SHARED.replace(outer).unwrap_or(0);
    r
}

/// Whether `ast` matches somewhere in `text` (JSON Schema's unanchored `pattern` semantics).
pub fn search(ast: &Ast, groups: u32, text: &str) -> Result<bool, TooComplex> {
    let shared = SHARED.get();
    let start = shared.map_or(STEP_BUDGET, |s| s.min(STEP_BUDGET));
    let mut budget = start;
    let r = search_within(ast, groups, text, &mut budget);
    if let Some(s) = shared {
        SHARED.set(Some(s - (start - budget)));
    }
    r
}

/// As `search`, spending at most `budget` steps (and at most `STEP_BUDGET`); the steps taken
/// are subtracted from it.
pub fn search_within(
    ast: &Ast,
    groups: u32,
    text: &str,
    budget: &mut u64,
) -> Result<bool, TooComplex> {
    let mut st = State {
        caps: vec![None; groups as usize + 1],
        saved: Vec::new(),
        steps: 0,
        limit: STEP_BUDGET.min(*budget),
        depth: 0,
        over: false,
    };
    let r = search_state(ast, text, &mut st);
    *budget = budget.saturating_sub(st.steps);
    r
}

fn search_state(ast: &Ast, text: &str, st: &mut State) -> Result<bool, TooComplex> {
    let s: Vec<char> = text.chars().collect();
    let anchored = starts_anchored(ast);
    for start in 0..=s.len() {
        st.caps.iter_mut().for_each(|c| *c = None);
        if m(&s, ast, start, st, &mut |_, _| true) {
            return Ok(true);
        }
        if st.over {
            return Err(TooComplex);
        }
        if anchored {
            break;
        }
    }
    Ok(false)
}

fn starts_anchored(ast: &Ast) -> bool {
    match ast {
        Ast::Start => true,
        Ast::Concat(items) => items.first().is_some_and(starts_anchored),
        Ast::Group { node, .. } => starts_anchored(node),
        Ast::Alt(branches) => branches.iter().all(starts_anchored),
        _ => false,
    }
}

fn m(s: &[char], node: &Ast, i: usize, st: &mut State, k: Cont<'_>) -> bool {
    st.steps += 1;
    if st.steps > st.limit || st.depth > DEPTH_LIMIT {
        st.over = true;
    }
    if st.over {
        return false;
    }
    st.depth += 1;
    let r = step(s, node, i, st, k);
    st.depth -= 1;
    r
}

fn step(s: &[char], node: &Ast, i: usize, st: &mut State, k: Cont<'_>) -> bool {
    match node {
        Ast::Empty => k(i, st),
        Ast::Fail => false,
        Ast::Class(set) => i < s.len() && set.contains(s[i] as u32) && k(i + 1, st),
        Ast::Concat(items) => seq(s, items, i, st, k),
        Ast::Alt(branches) => {
            let mark = st.save();
            for b in branches {
                if m(s, b, i, st, k) {
                    st.saved.truncate(mark);
                    return true;
                }
                st.restore(mark);
            }
            st.saved.truncate(mark);
            false
        }
        Ast::Repeat { node, min, max } => rep(s, node, *min, *max, 0, i, st, k),
        Ast::Group { node, index } => match index {
            None => m(s, node, i, st, k),
            Some(n) => {
                let n = *n as usize;
                // Inside its own group a reference to it refers to nothing yet, in a repeat too:
                // ECMA-262 resets the group each iteration, PCRE keeps the last one (a fuzzer
                // finding, `(\2.*|a)+`): with the reset, and an unset reference failing, only
                // strings every engine accepts pass.
                let before = st.caps[n];
                st.caps[n] = None;
                let matched = m(s, node, i, st, &mut |j, st: &mut State| {
                    let old = st.caps[n];
                    st.caps[n] = Some((i, j));
                    if k(j, st) {
                        return true;
                    }
                    st.caps[n] = old;
                    false
                });
                if !matched {
                    st.caps[n] = before;
                }
                matched
            }
        },
        Ast::Start => i == 0 && k(i, st),
        Ast::End => i == s.len() && k(i, st),
        Ast::WordBoundary(positive) => {
            // ECMA-262's word characters are ASCII; the Rust engines behind most validators
            // (and Python's) count letters of every script. Where the two readings disagree
            // (`丂<` is no boundary to one, a boundary to the other) neither `\b` nor `\B`
            // matches, so only strings every engine accepts pass (a fuzzer finding).
            let ascii =
                (i > 0 && class::is_word(s[i - 1])) != (i < s.len() && class::is_word(s[i]));
            let any = (i > 0 && class::is_word_in_any(s[i - 1]))
                != (i < s.len() && class::is_word_in_any(s[i]));
            ascii == any && (ascii == *positive) && k(i, st)
        }
        Ast::Look {
            node,
            ahead,
            negate,
        } => {
            let mark = st.save();
            let found = if *ahead {
                m(s, node, i, st, &mut |_, _| true)
            } else {
                (0..=i)
                    .rev()
                    .any(|from| m(s, node, from, st, &mut |j, _| j == i))
            };
            if *negate {
                st.restore(mark);
            }
            st.saved.truncate(mark);
            if found != *negate {
                k(i, st)
            } else {
                false
            }
        }
        Ast::Backref(n) => match st.caps.get(*n as usize).copied().flatten() {
            // ECMA-262 matches the empty string for a group that took no part (a forward
            // reference, its own group, another branch); PCRE, Python, Java and the Rust
            // engines behind most validators fail the match. Failing keeps every string this
            // accepts valid for all of them (a fuzzer finding, `(\*|a) (\2|[0-6])`).
            None => false,
            Some((a, b)) => {
                let len = b - a;
                i + len <= s.len() && s[a..b] == s[i..i + len] && k(i + len, st)
            }
        },
    }
}

fn seq(s: &[char], items: &[Ast], i: usize, st: &mut State, k: Cont<'_>) -> bool {
    match items.split_first() {
        None => k(i, st),
        Some((first, rest)) => m(s, first, i, st, &mut |j, st: &mut State| {
            seq(s, rest, j, st, k)
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn rep(
    s: &[char],
    node: &Ast,
    min: u32,
    max: Option<u32>,
    count: u32,
    i: usize,
    st: &mut State,
    k: Cont<'_>,
) -> bool {
    if max.is_none_or(|m| count < m)
        && m(s, node, i, st, &mut |j, st: &mut State| {
            // ECMA-262: an iteration past the minimum that matched empty does not count.
            if j == i && count >= min {
                return false;
            }
            rep(s, node, min, max, count + 1, j, st, k)
        })
    {
        return true;
    }
    count >= min && k(i, st)
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn is(p: &str, t: &str) -> bool {
        let parsed = parse(p).unwrap();
        search(&parsed.ast, parsed.groups, t).unwrap()
    }

    #[test]
    fn ecma_semantics() {
        assert!(is(r"^\d{3}$", "123"));
        assert!(!is(r"^\d{3}$", "1234"));
        assert!(is(r"\d", "ab1"));
        assert!(is(r"^(?=.*[A-Z])(?=.*\d).{8,}$", "abcdefG1"));
        assert!(!is(r"^(?=.*[A-Z])(?=.*\d).{8,}$", "abcdefgh1"));
        assert!(is(r"^(a+)-\1$", "aa-aa"));
        assert!(!is(r"^(a+)-\1$", "aa-a"));
        assert!(is(r"\bcat\b", "a cat!"));
        assert!(!is(r"\bcat\b", "concat"));
        assert!(is(r"(?<!\$)\d+", "$12"));
        assert!(!is(r"(?<!\$)\d+", "$1"));
        assert!(is(r"^\p{Lu}\p{Ll}+$", "Émile"));
        assert!(!is(r"^.$", "\n"));
        assert!(is(r"^[\s\S]$", "\n"));
        // A backreference to a group that took no part fails (as in PCRE, Python, Rust).
        assert!(!is(r"^(a)?b\1$", "b"));
        assert!(is(r"^(a)?b\1$", "aba"));
        assert!(is(r"^(a|ab)(c|bcd)(d*)$", "abcd"));
        // Inside its own repeated group, a reference never sees the last iteration's text
        // (ECMA-262 resets the group; PCRE keeps it): `aaab#` passes only in PCRE's reading
        // (`a`, then `\1.*` as `a` + `ab`).
        assert!(!is(r"^(\1.*|a)+#$", "aaab#"));
        assert!(is(r"^(\1.*|a)+#$", "aa#"));
    }

    /// A fuzzer finding: each check of a drawn property name against `([-z_]+){152}` ran to
    /// the 2,000,000-step limit, hundreds of times (25 s). Checks inside `within` share its
    /// budget, whichever regex and whichever caller runs them.
    #[test]
    fn checks_within_a_budget_share_it() {
        let parsed = parse(r"^[a-z]+.:([\-z_]+){152}$").unwrap();
        let text = format!("ab:{}", "z".repeat(300));
        let mut budget = 3_000_000;
        let first = within(&mut budget, || search(&parsed.ast, parsed.groups, &text));
        assert_eq!(first, Err(TooComplex));
        assert_eq!(
            budget, 1_000_000,
            "the first check took its 2,000,000 steps"
        );
        let second = within(&mut budget, || search(&parsed.ast, parsed.groups, &text));
        assert_eq!((second, budget), (Err(TooComplex), 0));
        // A spent budget gives up at once; outside `within` the usual limit applies again.
        let easy = parse("^ab").unwrap();
        assert_eq!(
            within(&mut budget, || search(&easy.ast, easy.groups, "abc")),
            Err(TooComplex)
        );
        assert_eq!(search(&easy.ast, easy.groups, "abc"), Ok(true));
    }

    #[test]
    fn pathological_patterns_give_up_instead_of_hanging() {
        let parsed = parse("^(a+)+$").unwrap();
        let text = format!("{}b", "a".repeat(40));
        assert_eq!(search(&parsed.ast, parsed.groups, &text), Err(TooComplex));
    }
}
