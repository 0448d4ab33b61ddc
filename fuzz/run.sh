#!/usr/bin/env bash
# Runs the schema fuzzer for SECONDS (default 60) on stable Rust, without cargo-fuzz: the same
# coverage instrumentation cargo-fuzz uses (SanitizerCoverage, no sanitizer), libFuzzer from the
# libfuzzer-sys crate. Seeded from the test fixtures; the corpus grows under fuzz/corpus/schema
# and findings land in fuzz/artifacts/. Extra arguments go to libFuzzer (e.g. -jobs=4).
#   fuzz/run.sh 60                      # the CI smoke run
#   nice -n 19 fuzz/run.sh 36000 -jobs=2 # a long run
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# The instrumentation goes to ferrosynth's crates only (fuzz/instrument.sh): the oracle and
# the other dependencies are built plain, so their code neither steers the fuzzer nor slows it.
export RUSTFLAGS="--cfg fuzzing"
export FERROSYNTH_FUZZ_FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export RUSTC_WRAPPER="$PWD/instrument.sh"
# An explicit --target keeps build scripts and proc-macros apart from the target's crates (as
# cargo-fuzz does).
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --quiet --release --bin schema --target "$triple"
mkdir -p corpus/schema artifacts
# Every regression seeds the corpus but the `slow-*` and `undecided-*` ones: handled correctly
# now, but a tenth of a second to a second each in this build (the matcher's step budgets, the
# oracle's backtracking limit), their mutants would take most of the run's time (`cargo test`
# replays them all).
cp -n ../tests/fixtures/schemas/*.json corpus/schema/ 2>/dev/null || true
for f in regressions/*.json; do
    case "$(basename "$f")" in
    slow-* | undecided-*) ;;
    *) cp -n "$f" corpus/schema/ 2>/dev/null || true ;;
    esac
done
exec "$CARGO_TARGET_DIR/$triple/release/schema" corpus/schema -dict=schema.dict \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=8192 \
    -artifact_prefix=artifacts/ -print_final_stats=1 "$@"
