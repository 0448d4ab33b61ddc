//! Strings: `minLength`/`maxLength` (code points), `pattern` (built from the regular
//! expression), `format` (see `formats.rs`), and otherwise realistic text steered by the property
//! name or an `x-ferrosynth` provider.

use super::compile::Compiler;
use super::emit::EmitCtx;
use super::facets::Facets;
use super::formats;
use super::hints::extension::Extension;
use super::hints::unique::{key_of, UniqueSlot};
use super::hints::{self, Hint};
use super::node::Node;
use crate::error::{Error, Result};
use crate::pools::Pools;
use crate::regex::{Generator, Regex};
use crate::rng::{push_uuid, Rng};
use crate::text::{self, vocab, Person};
use crate::time;

pub use super::validate::format::Format;

/// Attempts at a string that passes the extra checks before the witness is used.
const CHECK_ATTEMPTS: usize = 16;
/// Probes at compile time to find a witness.
const PROBES: u64 = 512;
/// Pattern-matcher steps for all the probes of one string node (about 0.07 s in a release
/// build). A fuzzer's unit of 8 instances took 10 s in its instrumented build at 16 M and 4 M;
/// no SchemaStore or corpus schema needs as many steps as these budgets allow (their samples
/// are the same at 16 M and 4 M as at 4 M and 250 k).
const PROBE_STEPS: u64 = 4_000_000;
/// Pattern-matcher steps for the attempts at one value before the witness is used.
const BUILD_STEPS: u64 = 250_000;

/// A string node.
#[derive(Debug, Clone)]
pub struct StringNode {
    pub source: Source,
    pub min_len: usize,
    pub max_len: Option<usize>,
    pub checks: Option<Box<Checks>>,
}

/// Where a string comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Format(Format),
    Hint(Hint),
    Text,
    Pattern(Box<Generator>),
    Unique(UniqueSlot, UniqueKind),
}

/// The value family of a dataset-wide unique string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKind {
    Uuid,
    Email,
    Username,
    Text,
}

/// What a string must also satisfy when its source does not guarantee it.
#[derive(Debug, Clone)]
pub struct Checks {
    patterns: Vec<Regex>,
    formats: Vec<Format>,
    witness: String,
}

impl Compiler<'_> {
    /// The string node of variant `f`.
    pub fn string(
        &mut self,
        f: &Facets,
        ext: &Extension,
        name: Option<&str>,
        at: &str,
    ) -> Result<Node> {
        super::compile::check_size(at, "minLength", f.min_len, super::compile::MAX_MIN_LENGTH)?;
        let min = usize::try_from(f.min_len).unwrap_or(usize::MAX);
        let max = f.max_len.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
        if let Some(m) = max {
            if min > m {
                return Err(Error::schema(
                    at,
                    format!("minLength ({min}) is greater than maxLength ({m})"),
                ));
            }
        }
        let mut patterns = Vec::new();
        for (ptr, p) in &f.patterns {
            patterns.push(Regex::new(p).map_err(|e| Error::schema(ptr.clone(), e))?);
        }
        let mut fmts = Vec::new();
        for name in &f.formats {
            match Format::parse(name) {
                Some(fm) => fmts.push(fm),
                None => {
                    let w = format!(
                        "unknown format {name:?} (at {at}); generating plain strings for it"
                    );
                    if !self.warnings.contains(&w) {
                        self.warnings.push(w);
                    }
                }
            }
        }
        if ext.provider.is_some() && (!patterns.is_empty() || !fmts.is_empty()) {
            return Err(Error::schema(
                ext.pointer.clone(),
                "an x-ferrosynth provider cannot be combined with `pattern` or `format`",
            ));
        }
        let hint = ext
            .provider
            .or_else(|| name.and_then(|n| hints::string_hint(n, f.description.as_deref())));
        let mut verify_first = false;
        let source = if let Some(first) = patterns.first() {
            let g = first
                .generator(min, max)
                .map_err(|e| Error::schema(f.patterns[0].0.clone(), e))?;
            verify_first = g.needs_check;
            Source::Pattern(Box::new(g))
        } else if let Some(fm) = fmts.first() {
            if !formats::fits(*fm, min, max) {
                return Err(Error::schema(
                    at,
                    format!(
                        "no {} string has between {min} and {} characters",
                        fm.name(),
                        max.map_or("∞".to_owned(), |m| m.to_string())
                    ),
                ));
            }
            Source::Format(*fm)
        } else if let Some(h) = hint {
            Source::Hint(h)
        } else {
            Source::Text
        };
        let source = if ext.unique {
            let kind = match (&source, hint) {
                (Source::Format(Format::Uuid), _) | (Source::Hint(_), Some(Hint::Uuid)) => {
                    UniqueKind::Uuid
                }
                (Source::Format(Format::Email | Format::IdnEmail), _)
                | (Source::Hint(_), Some(Hint::Email)) => UniqueKind::Email,
                (Source::Hint(_), Some(Hint::Username)) => UniqueKind::Username,
                (Source::Text, _) | (Source::Hint(_), _) => UniqueKind::Text,
                _ => {
                    return Err(Error::schema(
                        ext.pointer.clone(),
                        "x-ferrosynth `unique` strings support format uuid or email, or plain text; not this pattern/format",
                    ));
                }
            };
            if min > 0 || max.is_some() {
                return Err(Error::schema(
                    ext.pointer.clone(),
                    "x-ferrosynth `unique` strings do not support minLength/maxLength",
                ));
            }
            let n = if kind == UniqueKind::Uuid {
                u64::MAX
            } else {
                1 << 40
            };
            Source::Unique(self.unique_slot(n, at)?, kind)
        } else {
            source
        };
        // With both a pattern and a format, the format is the other way to build the value
        // (checked against the patterns) when the pattern's strings never pass the format.
        let by_format = match (&source, fmts.first()) {
            (Source::Pattern(_), Some(fm)) if formats::fits(*fm, min, max) => Some(StringNode {
                source: Source::Format(*fm),
                min_len: min,
                max_len: max,
                checks: Some(Box::new(Checks {
                    patterns: patterns.clone(),
                    formats: fmts[1..].to_vec(),
                    witness: String::new(),
                })),
            }),
            _ => None,
        };
        let extra_patterns: Vec<Regex> = if verify_first {
            patterns.clone()
        } else {
            patterns.into_iter().skip(1).collect()
        };
        let extra_formats: Vec<Format> = match source {
            Source::Format(_) => fmts.into_iter().skip(1).collect(),
            _ => fmts,
        };
        let mut node = StringNode {
            source,
            min_len: min,
            max_len: max,
            checks: None,
        };
        if !extra_patterns.is_empty() || !extra_formats.is_empty() {
            let mut checks = Checks {
                patterns: extra_patterns,
                formats: extra_formats,
                witness: String::new(),
            };
            let pools = Pools::builtin_english();
            let mut ctx = EmitCtx::new(&pools, time::DEFAULT_ANCHOR);
            // The matcher's steps over all probes are bounded too: a fuzzer found patterns
            // (runs of `.*` and a backreference) whose 512 probes took 10 s to check.
            let mut steps = PROBE_STEPS;
            let mut probe = |node: &StringNode, checks: &Checks, ctx: &mut EmitCtx<'_>| {
                (0..PROBES).find_map(|i| {
                    let mut rng = Rng::from_state(crate::rng::mix64(i + 1));
                    let mut s = String::new();
                    node.build_raw(&mut s, &mut rng, ctx);
                    node.passes_within(checks, &s, &mut steps).then_some(s)
                })
            };
            match probe(&node, &checks, &mut ctx) {
                Some(w) => {
                    checks.witness = w;
                    node.checks = Some(Box::new(checks));
                }
                None => {
                    let alt = by_format.and_then(|mut alt| {
                        let mut c = alt.checks.take()?;
                        c.witness = probe(&alt, &c, &mut ctx)?;
                        alt.checks = Some(c);
                        Some(alt)
                    });
                    let Some(alt) = alt else {
                        return Err(Error::schema(
                            at,
                            if steps == 0 {
                                "could not check the strings built here against `pattern`: it \
                                 backtracks too much (simplify runs of `.*`, nested repeats \
                                 or backreferences)"
                            } else {
                                "could not build a string that satisfies every pattern/format \
                                 here (they may contradict)"
                            },
                        ));
                    };
                    node = alt;
                }
            }
        }
        Ok(Node::String(node))
    }

    /// Registers a dataset-wide unique field whose value space has `n` values.
    pub fn unique_slot(&mut self, n: u64, at: &str) -> Result<UniqueSlot> {
        let Some(stride) = self.occurrences else {
            return Err(Error::schema(
                at,
                "x-ferrosynth `unique` is not supported inside recursive schemas",
            ));
        };
        let slot = UniqueSlot {
            id: self.unique_count,
            n,
            stride: stride.max(1),
            key: key_of(at),
        };
        if slot.capacity() == 0 {
            return Err(Error::schema(
                at,
                format!("x-ferrosynth `unique`: {n} distinct values cannot cover {stride} occurrences per instance"),
            ));
        }
        self.unique_count += 1;
        self.unique_capacity = Some(
            self.unique_capacity
                .map_or(slot.capacity(), |c| c.min(slot.capacity())),
        );
        Ok(slot)
    }
}

impl StringNode {
    /// Builds the string into `out`.
    pub fn build(&self, out: &mut String, rng: &mut Rng, ctx: &mut EmitCtx<'_>) {
        match &self.checks {
            None => self.build_raw(out, rng, ctx),
            Some(checks) => {
                let mut steps = BUILD_STEPS;
                for _ in 0..CHECK_ATTEMPTS {
                    out.clear();
                    self.build_raw(out, rng, ctx);
                    if self.passes_within(checks, out, &mut steps) {
                        return;
                    }
                }
                out.clear();
                out.push_str(&checks.witness);
            }
        }
    }

    /// Whether `s` passes the checks, the pattern matcher spending at most `steps` (taken
    /// from it); a spent budget fails.
    fn passes_within(&self, checks: &Checks, s: &str, steps: &mut u64) -> bool {
        let n = s.chars().count();
        n >= self.min_len
            && self.max_len.is_none_or(|m| n <= m)
            && checks
                .patterns
                .iter()
                .all(|p| p.is_match_within(s, steps) == Ok(true))
            && checks
                .formats
                .iter()
                .all(|f| super::validate::format::check(*f, s))
    }

    fn build_raw(&self, out: &mut String, rng: &mut Rng, ctx: &mut EmitCtx<'_>) {
        let pools = ctx.pools;
        match &self.source {
            Source::Pattern(g) => g.generate(rng, out),
            Source::Format(f) => formats::build(*f, out, rng, ctx, self.min_len, self.max_len),
            Source::Hint(h) => {
                build_hint(out, *h, rng, ctx);
                fit_length(out, self.min_len, self.max_len, rng, pools);
            }
            Source::Text => {
                let n = text::variable_len(rng, 4);
                text::push_words_capitalized(out, rng, pools, n);
                fit_length(out, self.min_len, self.max_len, rng, pools);
            }
            Source::Unique(slot, kind) => {
                let occ = ctx.next_occurrence(slot.id);
                let v = slot.value_index(ctx.seed, ctx.sample, occ);
                build_unique(out, *kind, v, pools);
            }
        }
    }
}

fn build_unique(out: &mut String, kind: UniqueKind, v: u64, pools: &Pools) {
    let mut r = Rng::from_state(v);
    match kind {
        UniqueKind::Uuid => {
            // All 64 bits of the permuted index are kept (outside the version and variant
            // nibbles), so distinct indexes give distinct UUIDs; the rest is decoration.
            let mut b = r.uuid_bytes();
            b[..6].copy_from_slice(&v.to_be_bytes()[..6]);
            b[7] = (v >> 8) as u8;
            b[9] = v as u8;
            push_uuid(out, &b);
        }
        UniqueKind::Email | UniqueKind::Username => {
            let p = Person::draw(&mut r, pools);
            p.push_username(out, pools);
            out.push_str(itoa::Buffer::new().format(v));
            if kind == UniqueKind::Email {
                out.push('@');
                out.push_str(r.pick_str(&pools.email_domains));
            }
        }
        UniqueKind::Text => {
            out.push_str(r.pick_str(&pools.words));
            out.push('-');
            out.push_str(itoa::Buffer::new().format(v));
        }
    }
}

/// Appends the value family a name hint asks for.
pub fn build_hint(out: &mut String, hint: Hint, rng: &mut Rng, ctx: &EmitCtx<'_>) {
    let pools = ctx.pools;
    match hint {
        Hint::Email => text::push_email(out, rng, pools),
        Hint::FullName => Person::draw(rng, pools).push_full(out, pools),
        Hint::FirstName => out.push_str(rng.pick_str(&pools.first_names)),
        Hint::LastName => out.push_str(rng.pick_str(&pools.last_names)),
        Hint::Username => Person::draw(rng, pools).push_username(out, pools),
        Hint::City => out.push_str(rng.pick_str(&pools.cities)),
        Hint::Country => out.push_str(rng.pick_str(&pools.countries)),
        Hint::Company => out.push_str(rng.pick_str(&pools.companies)),
        Hint::StreetAddress => text::push_street_address(out, rng, pools),
        Hint::Zip => text::push_digits(out, rng, 5, false),
        Hint::Phone => text::push_phone(out, rng),
        Hint::Url => text::push_url(out, rng, pools),
        Hint::Path => text::push_path(out, rng, pools),
        Hint::SearchQuery => text::push_search_query(out, rng, pools),
        Hint::Sql => text::push_sql(out, rng),
        Hint::Title => {
            let n = text::variable_len(rng, 5);
            text::push_words_capitalized(out, rng, pools, n);
        }
        Hint::Paragraph => {
            let n = rng.range_usize(1, 3);
            text::push_paragraph(out, rng, pools, n);
        }
        Hint::Uuid => push_uuid(out, &rng.uuid_bytes()),
        Hint::Date => text::push_date_near(out, rng, ctx.anchor, -3650, 0),
        Hint::DateTime => text::push_datetime_before(out, rng, ctx.anchor, 365 * time::DAY),
        Hint::JobTitle => out.push_str(rng.pick_str(&pools.job_titles)),
        Hint::Word => text::push_word(out, rng, pools),
        Hint::Database => out.push_str(rng.pick_str(vocab::DATABASES)),
        Hint::Encoding => out.push_str(rng.pick_str(vocab::ENCODINGS)),
        Hint::Currency => out.push_str(rng.pick_str(vocab::CURRENCIES)),
        Hint::Language => out.push_str(rng.pick_str(vocab::LANGUAGES)),
        Hint::Product => out.push_str(rng.pick_str(vocab::PRODUCTS)),
    }
}

/// `max` cannot be exceeded by a string of `bytes` bytes (it has at most that many characters).
trait Unbounded {
    fn is_none_or_unbounded(&self, bytes: usize) -> bool;
}

impl Unbounded for Option<usize> {
    fn is_none_or_unbounded(&self, bytes: usize) -> bool {
        self.is_none_or(|m| bytes <= m)
    }
}

/// Pads with words up to `min` code points and truncates to `max` code points.
pub fn fit_length(out: &mut String, min: usize, max: Option<usize>, rng: &mut Rng, pools: &Pools) {
    if min == 0 && max.is_none_or_unbounded(out.len()) {
        return;
    }
    let mut len = out.chars().count();
    while len < min {
        if !out.is_empty() {
            out.push(' ');
        }
        text::push_word(out, rng, pools);
        len = out.chars().count();
    }
    if let Some(max) = max {
        if len > max {
            let cut = out.char_indices().nth(max).map_or(out.len(), |(i, _)| i);
            out.truncate(cut);
            // Never end on a space (a trailing space reads as a bug); keep the length.
            if out.ends_with(' ') {
                out.pop();
                out.push('x');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn a_pattern_together_with_a_format_is_built_from_the_format_when_needed() {
        for schema in [
            json!({"type": "string", "format": "email", "pattern": "@example\\.com$"}),
            json!({"type": "string", "format": "date", "pattern": "^202[0-9]-"}),
        ] {
            assert_eq!(sample(schema, 30).len(), 30);
        }
    }

    #[test]
    fn lengths_patterns_formats_and_hints() {
        for v in sample(
            json!({"type": "string", "minLength": 3, "maxLength": 4}),
            100,
        ) {
            let n = v.as_str().unwrap().chars().count();
            assert!((3..=4).contains(&n));
        }
        sample(
            json!({"type": "string", "pattern": "^[a-z]{2}\\d$", "format": "hostname"}),
            50,
        );
        sample(
            json!({"allOf": [{"pattern": "^[a-z]+$"}, {"pattern": "q"}], "type": "string"}),
            50,
        );
        let out = sample(
            json!({"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}),
            20,
        );
        assert!(out
            .iter()
            .all(|o| o["email"].as_str().unwrap().contains('@')));
    }

    #[test]
    fn contradictory_strings_are_errors() {
        let (ptr, _) = error(json!({"type": "string", "minLength": 5, "maxLength": 2}));
        assert_eq!(ptr, "");
        let (ptr, _) = error(json!({"type": "string", "pattern": "^\\d{2}$", "maxLength": 1}));
        assert_eq!(ptr, "/pattern");
    }
}
