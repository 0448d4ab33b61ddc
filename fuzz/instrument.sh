#!/usr/bin/env bash
# RUSTC_WRAPPER of fuzz/run.sh: adds the coverage instrumentation (FERROSYNTH_FUZZ_FLAGS) to
# ferrosynth's own crates only. The oracle (the `jsonschema` crate, `fancy-regex`) and the
# other dependencies run uninstrumented: their coverage would steer the fuzzer into the
# oracle's own code (its backtracking regex engine, 75 % of a run's time in trace hooks) rather
# than into the compiler and emitter under test.
rustc=$1
shift
case " $* " in
*" --crate-name ferrosynth_core "* | *" --crate-name schema "*)
    # shellcheck disable=SC2086 # the flags are words
    exec "$rustc" "$@" $FERROSYNTH_FUZZ_FLAGS
    ;;
esac
exec "$rustc" "$@"
