//! Character sets as sorted, disjoint, inclusive code-point ranges, with the ECMA-262 class
//! escapes (`\d`, `\w`, `\s`, `.`) and Unicode properties (`\p{L}`, `\p{Script=Greek}`).

/// The largest Unicode scalar value.
pub const MAX_CHAR: u32 = 0x10FFFF;

/// A set of code points (surrogates never included: Rust strings cannot hold them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CharSet {
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    pub fn empty() -> Self {
        CharSet { ranges: Vec::new() }
    }

    /// Every scalar value.
    pub fn any() -> Self {
        CharSet::from_ranges(vec![(0, MAX_CHAR)])
    }

    pub fn single(c: u32) -> Self {
        CharSet::from_ranges(vec![(c, c)])
    }

    /// Normalises arbitrary ranges: sorts, merges and removes the surrogate block.
    pub fn from_ranges(mut raw: Vec<(u32, u32)>) -> Self {
        raw.retain(|(a, b)| a <= b);
        raw.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(raw.len());
        for (a, b) in raw {
            match ranges.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => ranges.push((a, b)),
            }
        }
        let mut set = CharSet { ranges };
        set.remove_surrogates();
        set
    }

    fn remove_surrogates(&mut self) {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        for &(a, b) in &self.ranges {
            if b < 0xD800 || a > 0xDFFF {
                out.push((a, b));
                continue;
            }
            if a < 0xD800 {
                out.push((a, 0xD7FF));
            }
            if b > 0xDFFF {
                out.push((0xE000, b));
            }
        }
        self.ranges = out;
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The number of code points in the set.
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|(a, b)| u64::from(b - a) + 1).sum()
    }

    pub fn contains(&self, c: u32) -> bool {
        self.ranges
            .binary_search_by(|&(a, b)| {
                if b < c {
                    std::cmp::Ordering::Less
                } else if a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    pub fn union(&self, other: &CharSet) -> CharSet {
        let mut all = self.ranges.clone();
        all.extend_from_slice(&other.ranges);
        CharSet::from_ranges(all)
    }

    pub fn negate(&self) -> CharSet {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = 0u32;
        for &(a, b) in &self.ranges {
            if a > next {
                out.push((next, a - 1));
            }
            next = b + 1;
        }
        if next <= MAX_CHAR {
            out.push((next, MAX_CHAR));
        }
        CharSet::from_ranges(out)
    }

    pub fn intersect(&self, other: &CharSet) -> CharSet {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a1, b1) = self.ranges[i];
            let (a2, b2) = other.ranges[j];
            let (a, b) = (a1.max(a2), b1.min(b2));
            if a <= b {
                out.push((a, b));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        CharSet { ranges: out }
    }

    /// The `k`-th code point of the set (`k < len()`).
    pub fn nth(&self, mut k: u64) -> char {
        for &(a, b) in &self.ranges {
            let n = u64::from(b - a) + 1;
            if k < n {
                return char::from_u32(a + k as u32).unwrap_or('?');
            }
            k -= n;
        }
        '?'
    }
}

/// `\d`: ASCII digits.
pub fn digit() -> CharSet {
    CharSet::from_ranges(vec![(0x30, 0x39)])
}

/// `\w`: ASCII letters, digits and `_`.
pub fn word() -> CharSet {
    CharSet::from_ranges(vec![(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
}

/// `\s`: ECMA-262 WhiteSpace and LineTerminator.
pub fn space() -> CharSet {
    CharSet::from_ranges(vec![
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ])
}

/// A class as Rust's `regex` reads it (Unicode-aware `\w`, `\d`, `\s`, `\p{…}`).
fn rust_class(pattern: &str) -> CharSet {
    match regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map(|h| h.into_kind())
    {
        Ok(regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(cls))) => {
            CharSet::from_ranges(
                cls.ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect(),
            )
        }
        _ => CharSet::empty(),
    }
}

// `\d`, `\w` and `\s` are ASCII in ECMA-262 (`\s`: its WhiteSpace and LineTerminator) but
// Unicode-aware in Rust's `regex` (behind validate=True) and Python's `re`: `\W` admits `Ɵ` in
// one and not in the others (a fuzzer finding). Generated strings must match in every dialect,
// so a shorthand stands for the characters all of them agree on: `\d`, `\w` and `\s` for
// those every dialect counts (the smallest set), `\D`, `\W`, `\S` for those no dialect counts
// (the complement of the largest); inside a negated class, the other way round.

/// Digits in any dialect: ASCII and Unicode `Nd`.
pub fn digit_any() -> CharSet {
    static SET: std::sync::OnceLock<CharSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| digit().union(&rust_class(r"\d")))
        .clone()
}

/// Word characters in any dialect: ASCII, Rust's `\w` (alphabetic, marks, `Nd`, `Pc`, joiners)
/// and Python's (letters and numbers).
pub fn word_any() -> CharSet {
    word_any_set().clone()
}

fn word_any_set() -> &'static CharSet {
    static SET: std::sync::OnceLock<CharSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        word()
            .union(&rust_class(r"\w"))
            .union(&rust_class(r"\p{L}"))
            .union(&rust_class(r"\p{N}"))
    })
}

/// Whether `c` is a word character in some dialect (see [`word_any`]).
pub fn is_word_in_any(c: char) -> bool {
    word_any_set().contains(c as u32)
}

/// White space in every dialect: ECMA-262's but U+FEFF (not white space to Rust or Python).
pub fn space_all() -> CharSet {
    space().intersect(&CharSet::single(0xFEFF).negate())
}

/// White space in any dialect: ECMA-262's, Rust's (U+0085) and Python's (U+001C–U+001F).
pub fn space_any() -> CharSet {
    static SET: std::sync::OnceLock<CharSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        space()
            .union(&rust_class(r"\s"))
            .union(&CharSet::from_ranges(vec![(0x1C, 0x1F), (0x85, 0x85)]))
    })
    .clone()
}

/// `.`: everything but line terminators.
pub fn dot() -> CharSet {
    CharSet::from_ranges(vec![(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)]).negate()
}

/// Whether `c` is an ECMA-262 word character (for `\b`).
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The code points of the Unicode property `\p{body}` (`L`, `Lu`, `Letter`, `gc=Lu`,
/// `Script=Greek`, `sc=Grek`, `scx=Latn`, `Alphabetic`, `ASCII`, `Any`, ...).
pub fn unicode_property(body: &str) -> Result<CharSet, String> {
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (Some(n), v),
        None => (None, body),
    };
    let query = match name {
        None => value.to_owned(),
        Some("General_Category" | "gc") => value.to_owned(),
        Some("Script" | "sc") => format!("Script={value}"),
        Some("Script_Extensions" | "scx") => format!("Script_Extensions={value}"),
        Some(other) => return Err(format!("unknown Unicode property name {other:?}")),
    };
    if query.is_empty()
        || !query
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_=".contains(c))
    {
        return Err(format!("invalid Unicode property {body:?}"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&format!("\\p{{{query}}}"))
        .map_err(|_| format!("unknown Unicode property {body:?}"))?;
    match hir.kind() {
        regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(cls)) => {
            Ok(CharSet::from_ranges(
                cls.ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect(),
            ))
        }
        _ => Err(format!("unknown Unicode property {body:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_algebra() {
        let a = CharSet::from_ranges(vec![(10, 20), (15, 30), (40, 40)]);
        assert_eq!(a.ranges(), &[(10, 30), (40, 40)]);
        assert_eq!(a.len(), 22);
        assert!(a.contains(40) && !a.contains(35));
        let n = a.negate();
        assert!(!n.contains(20) && n.contains(35) && n.contains(0x10FFFF));
        assert!(!n.contains(0xD800));
        assert_eq!(a.intersect(&digit()).len(), 0);
        assert_eq!(a.nth(21), '(');
    }

    #[test]
    fn unicode_properties_resolve() {
        let l = unicode_property("L").unwrap();
        assert!(l.contains('é' as u32) && !l.contains('1' as u32));
        let greek = unicode_property("Script=Greek").unwrap();
        assert!(greek.contains('α' as u32) && !greek.contains('a' as u32));
        assert!(unicode_property("gc=Lu").unwrap().contains('A' as u32));
        assert!(unicode_property("Nope").is_err());
    }
}
