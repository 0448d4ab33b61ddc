//! Fuzzes the JSON Schema compiler and emitter with the independent validator as the oracle:
//! any input must be refused with a typed error or yield only valid instances (see
//! `ferrosynth_core::schema::fuzzing`). A panic, a hang (`-timeout`) or an invalid instance is
//! a finding, saved under `artifacts/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = ferrosynth_core::schema::fuzzing::check(data) {
        panic!("invalid instance: {finding}");
    }
});
