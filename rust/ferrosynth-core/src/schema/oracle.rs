//! The independent validator behind `validate=True`: the maintained `jsonschema` crate (tracks
//! the official JSON-Schema-Test-Suite, honours each draft's own vocabulary from `$schema`,
//! formats asserted), so that the generator and the check cannot share a bug.
//!
//! ferrosynth's own validator ([`super::validate`]) still serves the generator (filtering
//! `enum`s, residual checks); this one only checks finished instances. It is built on first use
//! (a schema that is never validated never pays for it). Three adaptations keep it faithful to
//! what ferrosynth accepts: OpenAPI 3.0 `nullable: true` widens `type` to `null` (as the
//! generator reads it), a name listed twice in `required` is listed once (the crate's
//! `required` check counts names, so `["a", "a"]` failed every instance — a fuzzer finding),
//! and a schema the crate cannot build is reported as a [`Failure`] rather than silently
//! passing.
//!
//! The crate matches patterns that need backtracking (backreferences, lookarounds) with
//! `fancy-regex`, which gives up after a million backtracking steps. An instance whose only
//! failures are such give-ups (directly, or as the failing branches of an `anyOf`/`oneOf`) is
//! [`Verdict::Undecided`], never "invalid" (a fuzzer finding: valid strings for
//! `_(…) (\2.*|…|||…)+#` ran past the limit; fifty million steps do not settle them either).

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::validate::Failure;

/// Keywords whose values are data, never schemas (left untouched by the `nullable` rewrite).
const DATA: &[&str] = &[
    "enum",
    "const",
    "default",
    "examples",
    "example",
    "x-ferrosynth",
];

/// What the independent validator says of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid(Failure),
    /// Its pattern engine gave up (the backtracking limit) and nothing else failed.
    Undecided(Failure),
}

/// A lazily built `jsonschema` validator for one document.
#[derive(Debug)]
pub struct Oracle {
    schema: Value,
    built: OnceLock<Result<jsonschema::Validator, String>>,
}

fn failure(e: &jsonschema::ValidationError<'_>) -> Failure {
    Failure {
        instance: e.instance_path().to_string(),
        keyword: e.schema_path().to_string(),
        message: e.to_string(),
    }
}

/// Whether `e` is the pattern engine giving up, or an `anyOf`/`oneOf` that failed only because
/// it gave up in some branch.
fn gave_up(e: &jsonschema::ValidationError<'_>) -> bool {
    use jsonschema::error::ValidationErrorKind as Kind;
    match e.kind() {
        Kind::BacktrackLimitExceeded { .. } => true,
        Kind::AnyOf { context } | Kind::OneOfNotValid { context } => context
            .iter()
            .any(|branch| !branch.is_empty() && branch.iter().all(gave_up)),
        _ => false,
    }
}

impl Oracle {
    pub fn new(schema: &Value) -> Oracle {
        Oracle {
            schema: denullable(schema),
            built: OnceLock::new(),
        }
    }

    fn validator(&self) -> &Result<jsonschema::Validator, String> {
        self.built.get_or_init(|| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(&self.schema)
                .map_err(|e| e.to_string())
        })
    }

    /// Whether the `jsonschema` crate accepts the schema (it may refuse a pattern dialect or a
    /// format ferrosynth reads).
    pub fn usable(&self) -> bool {
        self.validator().is_ok()
    }

    /// Checks `value`: valid, invalid (the first failure explained), or undecided.
    pub fn verdict(&self, value: &Value) -> Verdict {
        let v = match self.validator() {
            Err(e) => {
                return Verdict::Invalid(Failure {
                    instance: String::new(),
                    keyword: String::new(),
                    message: format!("the independent validator cannot use this schema: {e}"),
                })
            }
            Ok(v) => v,
        };
        let mut undecided = None;
        for e in v.iter_errors(value) {
            if !gave_up(&e) {
                return Verdict::Invalid(failure(&e));
            }
            undecided.get_or_insert_with(|| failure(&e));
        }
        match undecided {
            Some(f) => Verdict::Undecided(f),
            None => Verdict::Valid,
        }
    }

    /// Checks `value`, explaining the first failure; undecided counts as a failure.
    pub fn check(&self, value: &Value) -> Result<(), Failure> {
        match self.verdict(value) {
            Verdict::Valid => Ok(()),
            Verdict::Invalid(f) | Verdict::Undecided(f) => Err(f),
        }
    }
}

impl Clone for Oracle {
    fn clone(&self) -> Self {
        Oracle {
            schema: self.schema.clone(),
            built: OnceLock::new(),
        }
    }
}

/// `nullable: true` beside `type` becomes a `"null"` type, and `required` lists each name once,
/// everywhere a schema can be.
fn denullable(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(denullable).collect()),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, child) in map {
                let child = if DATA.contains(&k.as_str()) {
                    child.clone()
                } else {
                    denullable(child)
                };
                out.insert(k.clone(), child);
            }
            if let Some(Value::Array(names)) = out.get_mut("required") {
                if names.iter().all(Value::is_string) {
                    let mut seen = std::collections::HashSet::new();
                    names.retain(|n| seen.insert(n.as_str().unwrap_or_default().to_owned()));
                }
            }
            if out.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(t) = out.get_mut("type") {
                    match t {
                        Value::String(s) if s != "null" => {
                            *t = Value::Array(vec![Value::String(s.clone()), "null".into()]);
                        }
                        Value::Array(ts) if !ts.iter().any(|x| x == "null") => {
                            ts.push("null".into());
                        }
                        _ => {}
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_independent_validator_rejects_what_the_schema_forbids() {
        let o = Oracle::new(&json!({"type": "object", "properties": {"n": {"maximum": 3}}}));
        assert!(o.check(&json!({"n": 2})).is_ok());
        let f = o.check(&json!({"n": 4})).unwrap_err();
        assert_eq!(f.instance, "/n");
        let big = Oracle::new(&json!({"const": 9007199254740993u64}));
        assert!(big.check(&json!(9007199254740993u64)).is_ok());
        assert!(big.check(&json!(9007199254740992u64)).is_err());
    }

    #[test]
    fn a_name_listed_twice_in_required_is_required_once() {
        let o = Oracle::new(&json!({
            "anyOf": [{"type": "object", "required": ["type", "type", "id"]}, {"required": ["x"]}]
        }));
        assert!(o.check(&json!({"type": "a", "id": 1})).is_ok());
        assert!(o.check(&json!({"type": "a"})).is_err());
        // Data is left alone: a `const` that holds a `required` array keeps its duplicates.
        let c = Oracle::new(&json!({"const": {"required": ["a", "a"]}}));
        assert!(c.check(&json!({"required": ["a", "a"]})).is_ok());
        assert!(c.check(&json!({"required": ["a"]})).is_err());
    }

    #[test]
    fn nullable_widens_type_for_the_independent_validator() {
        let o = Oracle::new(&json!({"type": "string", "nullable": true, "enum": ["a", null]}));
        assert!(o.check(&Value::Null).is_ok());
        assert!(o.check(&json!(1)).is_err());
    }

    /// A fuzzer finding: `fancy-regex` (behind the crate's `pattern`) gives up on this valid
    /// string; that is no verdict of "invalid", directly or through an `anyOf`.
    #[test]
    fn a_pattern_the_crate_gives_up_on_is_undecided_not_invalid() {
        let pattern =
            "_(\\=666666im66~=666665im66nim1u-m6) (\\2.*|0-6]example======m====3?64666~66666\
            66=m====3?64~6|||||||||||||||||||||||||.||<66.=66666666=m====3?64~6||||||||||||||||||||\
            |||||||<66.==666666im66nim1===Gx==============|[0-6]ple)+#rrrrrrrrrrrrrrrr";
        let valid = json!("_=666666im66~=666665im66nim1u-m6 2f500Xm#rrrrrrrrrrrrrrrr");
        let o = Oracle::new(&json!({ "pattern": pattern }));
        let Verdict::Undecided(f) = o.verdict(&valid) else {
            panic!("{:?}", o.verdict(&valid));
        };
        assert!(f.message.contains("backtracking"), "{}", f.message);
        assert!(o.check(&valid).is_err(), "check() alone cannot tell");
        assert!(matches!(
            o.verdict(&json!("no underscore here")),
            Verdict::Invalid(f) if f.keyword == "/pattern"
        ));
        let any = Oracle::new(&json!({"anyOf": [{"pattern": pattern}, {"type": "integer"}]}));
        assert!(matches!(any.verdict(&valid), Verdict::Undecided(_)));
        assert!(matches!(any.verdict(&json!("x")), Verdict::Invalid(_)));
        // Something else wrong beside the give-up is a failure.
        let both = Oracle::new(&json!({"pattern": pattern, "maxLength": 5}));
        assert!(matches!(both.verdict(&valid), Verdict::Invalid(f) if f.keyword == "/maxLength"));
    }
}
