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
pub use matcher::TooComplex;
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

    /// A generator of matching strings with `min_len..=max_len` code points.
    pub fn generator(&self, min_len: usize, max_len: Option<usize>) -> Result<Generator, String> {
        Generator::new(&self.parsed.ast, min_len, max_len)
            .map_err(|e| format!("pattern {:?}: {e}", self.source))
    }
}
