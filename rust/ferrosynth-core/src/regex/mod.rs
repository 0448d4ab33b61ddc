//! ECMA-262 regular expressions for JSON Schema's `pattern`, `patternProperties` and the `regex`
//! format: a parser, a generator that builds matching strings of a chosen length directly, and a
//! backtracking matcher (ECMA semantics: lookarounds, backreferences) used only to check values.

mod class;
mod generate;
mod lengths;
mod matcher;
mod parse;

pub use class::CharSet;
pub use generate::Generator;
pub use matcher::{within, TooComplex};
pub use parse::Ast;

/// A parsed pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    source: String,
    parsed: parse::Parsed,
}

impl Regex {
    /// Parses an ECMA-262 pattern; the error says what is wrong and where.
    pub fn new(source: &str) -> Result<Self, String> {
        Ok(Regex {
            source: source.to_owned(),
            parsed: parse::parse(source)?,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches somewhere in `text` (unanchored, as JSON Schema requires).
    pub fn is_match(&self, text: &str) -> Result<bool, TooComplex> {
        matcher::search(&self.parsed.ast, self.parsed.groups, text)
    }

    /// As `is_match`, spending at most `budget` matcher steps across calls (each call takes
    /// what it used from it): `Err` once it is spent.
    pub fn is_match_within(&self, text: &str, budget: &mut u64) -> Result<bool, TooComplex> {
        matcher::search_within(&self.parsed.ast, self.parsed.groups, text, budget)
    }

    /// An upper bound on the number of distinct strings the pattern matches, when it is
    /// finite: the pattern is anchored at both ends (`^…$`, or an alternation of such) and
    /// repeats nothing without bound. `None` when it matches infinitely many strings or the
    /// bound is past `u64::MAX`.
    pub fn max_matches(&self) -> Option<u64> {
        fn anchored(ast: &Ast) -> Option<u128> {
            match ast {
                Ast::Concat(v)
                    if matches!(v.first(), Some(Ast::Start))
                        && matches!(v.last(), Some(Ast::End)) =>
                {
                    count(ast)
                }
                Ast::Alt(bs) => bs
                    .iter()
                    .try_fold(0u128, |acc, b| Some(acc.saturating_add(anchored(b)?))),
                Ast::Group { node, .. } => anchored(node),
                _ => None,
            }
        }
        fn count(ast: &Ast) -> Option<u128> {
            Some(match ast {
                Ast::Fail => 0,
                Ast::Empty | Ast::Start | Ast::End | Ast::WordBoundary(_) | Ast::Look { .. } => 1,
                // A backreference repeats what its group matched: no new choice.
                Ast::Backref(_) => 1,
                Ast::Class(c) => u128::from(c.len()),
                Ast::Group { node, .. } => count(node)?,
                Ast::Concat(v) => v
                    .iter()
                    .try_fold(1u128, |acc, a| Some(acc.saturating_mul(count(a)?)))?,
                Ast::Alt(bs) => bs
                    .iter()
                    .try_fold(0u128, |acc, b| Some(acc.saturating_add(count(b)?)))?,
                Ast::Repeat { node, min, max } => {
                    let max = (*max)?;
                    let c = count(node)?;
                    if c <= 1 {
                        // One string per count of repeats (or only the empty one).
                        return Some(if c == 1 {
                            u128::from(max.saturating_sub(*min)) + 1
                        } else {
                            u128::from(*min == 0)
                        });
                    }
                    let mut total = 0u128;
                    let mut power = c.saturating_pow(*min);
                    for _ in *min..=max {
                        total = total.saturating_add(power);
                        if power == 0 || total == u128::MAX {
                            break;
                        }
                        power = power.saturating_mul(c);
                    }
                    total
                }
            })
        }
        anchored(&self.parsed.ast).and_then(|n| u64::try_from(n).ok())
    }

    /// Every string the pattern matches, in a fixed order, when they are at most `limit` and
    /// the pattern is anchored at both ends with nothing the enumeration cannot follow
    /// (lookarounds, backreferences, word boundaries, unbounded repeats). Object keys drawn
    /// from a small language fall back on it when random draws keep repeating names.
    pub fn strings(&self, limit: usize) -> Option<Vec<String>> {
        fn product(a: Vec<String>, b: &[String], limit: usize) -> Option<Vec<String>> {
            if a.len().saturating_mul(b.len()) > limit {
                return None;
            }
            Some(
                a.iter()
                    .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
                    .collect(),
            )
        }
        fn all(ast: &Ast, limit: usize) -> Option<Vec<String>> {
            Some(match ast {
                Ast::Fail => Vec::new(),
                Ast::Empty | Ast::Start | Ast::End => vec![String::new()],
                Ast::WordBoundary(_) | Ast::Look { .. } | Ast::Backref(_) => return None,
                Ast::Class(c) => {
                    if c.len() > limit as u64 {
                        return None;
                    }
                    c.ranges()
                        .iter()
                        .flat_map(|&(lo, hi)| lo..=hi)
                        .filter_map(char::from_u32)
                        .map(String::from)
                        .collect()
                }
                Ast::Group { node, .. } => all(node, limit)?,
                Ast::Concat(v) => {
                    let mut acc = vec![String::new()];
                    for a in v {
                        acc = product(acc, &all(a, limit)?, limit)?;
                    }
                    acc
                }
                Ast::Alt(bs) => {
                    let mut acc = Vec::new();
                    for b in bs {
                        acc.extend(all(b, limit)?);
                        if acc.len() > limit {
                            return None;
                        }
                    }
                    acc
                }
                Ast::Repeat { node, min, max } => {
                    let max = (*max)?;
                    let one = all(node, limit)?;
                    let mut acc = Vec::new();
                    let mut power = vec![String::new()];
                    for k in 0..=max {
                        if k >= *min {
                            acc.extend(power.iter().cloned());
                            if acc.len() > limit {
                                return None;
                            }
                        }
                        if k < max {
                            power = product(power, &one, limit)?;
                            if power.is_empty() {
                                break;
                            }
                        }
                    }
                    acc
                }
            })
        }
        if self.max_matches()? > limit as u64 {
            return None;
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = all(&self.parsed.ast, limit)?;
        out.retain(|s| seen.insert(s.clone()));
        Some(out)
    }

    /// A generator of matching strings with `min_len..=max_len` code points.
    pub fn generator(&self, min_len: usize, max_len: Option<usize>) -> Result<Generator, String> {
        Generator::new(&self.parsed.ast, min_len, max_len)
            .map_err(|e| format!("pattern {:?}: {e}", self.source))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn max(p: &str) -> Option<u64> {
        Regex::new(p).unwrap().max_matches()
    }

    #[test]
    fn finite_patterns_count_their_strings() {
        // `.-2` is the range `./012`: 7 first characters, then 3 endings.
        assert_eq!(max("^[.-2an]:x(-[A-]Z{2})?$"), Some(7 * 3));
        assert_eq!(max("^(ab|cd)$"), Some(2));
        assert_eq!(max("^a$|^b$"), Some(2));
        assert_eq!(max("^a{0,3}$"), Some(4));
        assert_eq!(max("^[ab]{2,3}$"), Some(4 + 8));
        assert_eq!(max("^x{1,4000000000}$"), Some(4_000_000_000));
        assert_eq!(max("^[a-z]{1,100}$"), None); // past u64
    }

    #[test]
    fn small_anchored_languages_are_enumerated() {
        let re = Regex::new("^[a-c]-(x|yz)?$").unwrap();
        let mut all = re.strings(100).unwrap();
        all.sort();
        assert_eq!(
            all,
            ["a-", "a-x", "a-yz", "b-", "b-x", "b-yz", "c-", "c-x", "c-yz"]
        );
        assert!(all.iter().all(|s| re.is_match(s) == Ok(true)));
        assert_eq!(re.strings(8), None); // more than the limit
        assert_eq!(Regex::new("^(a|a)$").unwrap().strings(10).unwrap(), ["a"]);
        for p in ["^a+$", "^(?=a)a$", "^(a)\\1$", "a", "^[a-z]{1,6}$"] {
            assert_eq!(Regex::new(p).unwrap().strings(1000), None, "{p}");
        }
    }

    #[test]
    fn unanchored_or_unbounded_patterns_have_no_count() {
        for p in ["^ab", "ab$", "ab", "^a+$", "^a*b$", "^a$|b", "^a{2,}$"] {
            assert_eq!(max(p), None, "{p}");
        }
    }
}
