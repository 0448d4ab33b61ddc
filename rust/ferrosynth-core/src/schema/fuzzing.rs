//! The property the schema fuzzer checks (`fuzz/`, `docs/fuzzing.md`): for any input bytes,
//! compiling them as a JSON Schema either fails with a typed error, or every generated instance
//! passes the independent validator ([`super::oracle`], the `jsonschema` crate). A panic, a hang
//! or an invalid instance is a finding. Kept in the core so that the corpus replay runs in
//! `cargo test` and the libFuzzer target stays one line.

use std::sync::OnceLock;

use serde_json::Value;

use super::oracle::Verdict;
use super::{EmitCtx, Schema};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::time::DEFAULT_ANCHOR;

/// Instances generated (and checked) per compiled input.
pub const INSTANCES: u64 = 8;

/// What one input did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not JSON, or refused by the compiler with a typed error (both fine).
    Refused,
    /// Compiled, but the independent validator cannot read the schema (nothing to compare).
    NoOracle,
    /// Compiled; no instance is invalid, but the independent validator could not decide on
    /// some (its pattern engine ran out of backtracking steps, even with patience).
    Undecided,
    /// Compiled and every instance is valid.
    Valid,
}

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(Pools::builtin_english)
}

/// Checks one input; `Err` describes an invalid instance (a finding).
pub fn check(data: &[u8]) -> Result<Outcome, String> {
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return Ok(Outcome::Refused);
    };
    let Ok(schema) = Schema::compile(&doc) else {
        return Ok(Outcome::Refused);
    };
    if !schema.oracle_usable() {
        return Ok(Outcome::NoOracle);
    }
    let mut ctx = EmitCtx::new(pools(), DEFAULT_ANCHOR);
    let mut undecided = false;
    for i in 0..INSTANCES {
        let mut w = JsonWriter::default();
        ctx.start_sample(7, i);
        schema.emit_instance(&mut Rng::for_sample(7, i), &mut ctx, &mut w, None);
        let v: Value = serde_json::from_slice(&w.buf).map_err(|e| {
            format!(
                "instance {i} is not JSON ({e}): {}",
                String::from_utf8_lossy(&w.buf)
            )
        })?;
        match schema.verdict(&v) {
            Verdict::Valid => {}
            Verdict::Invalid(f) => return Err(format!("schema {doc}\ninstance {i}: {v}\n{f}")),
            Verdict::Undecided(_) => undecided = true,
        }
    }
    Ok(if undecided {
        Outcome::Undecided
    } else {
        Outcome::Valid
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzzer's seed corpus, replayed: the test fixtures' real-world schemas.
    #[test]
    fn the_fuzz_seed_corpus_generates_only_valid_instances() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/schemas");
        let mut valid = 0;
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            let data = std::fs::read(&path).expect("read");
            match check(&data) {
                Ok(Outcome::Valid) => valid += 1,
                Ok(_) => {}
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        assert!(valid > 100, "only {valid} fixtures compiled and validated");
    }

    /// Findings of the fuzzer, kept as regressions.
    #[test]
    fn fuzzer_findings_stay_fixed() {
        // `\p` without braces: generated under one reading, validated under another.
        let crash = br#"{"type": "object", "properties": {"s": {"type": "string",
            "pattern": "^\\plistipt=Greek}{3,10}$"}}, "required": ["s"]}"#;
        assert_eq!(check(crash), Ok(Outcome::Refused));
        // The fuzzer's own inputs (`fuzz/regressions/`): refused, or generating valid instances.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/regressions");
        for entry in std::fs::read_dir(dir).expect("fuzz/regressions") {
            let path = entry.expect("entry").path();
            let data = std::fs::read(&path).expect("read");
            let outcome = check(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_ne!(outcome, Outcome::NoOracle, "{}", path.display());
            // `undecided-*`: the oracle's limits, kept so that they stay out of the findings.
            let undecided = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("undecided-"));
            assert_eq!(
                outcome == Outcome::Undecided,
                undecided,
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn garbage_and_refused_schemas_are_not_findings() {
        assert_eq!(check(b"not json"), Ok(Outcome::Refused));
        assert_eq!(check(br##"{"$ref": "#"}"##), Ok(Outcome::Refused));
        assert_eq!(check(br#"{"type": "integer"}"#), Ok(Outcome::Valid));
    }
}
