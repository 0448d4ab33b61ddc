//! `ferrosynth._native`: the thin PyO3 binding over `ferrosynth-core`.
//!
//! This file is the table of contents; the translation lives in `plan.rs` (the compiled plan),
//! `arrow.rs` (Arrow batches and Parquet), `objects.rs` (Python objects for `generate()`),
//! `run.rs` (GIL release, Ctrl-C and progress), `registry.rs` (the names of data types, formats
//! and pools) and `errors.rs` (core errors → Python exceptions).

mod arrow;
mod errors;
mod objects;
mod output;
mod plan;
mod registry;
mod run;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DATA_VERSION", ferrosynth_core::DATA_VERSION)?;
    m.add(
        "DEFAULT_CHUNK_ROWS",
        ferrosynth_core::write::DEFAULT_CHUNK_ROWS,
    )?;
    m.add(
        "ARROW_BATCH_ROWS",
        ferrosynth_core::write::arrow::DEFAULT_BATCH_ROWS,
    )?;
    m.add(
        "ARROW_BATCH_BYTES",
        ferrosynth_core::write::arrow::BATCH_BYTES,
    )?;
    m.add("DEFAULT_ANCHOR", ferrosynth_core::time::DEFAULT_ANCHOR)?;
    m.add("DATA_TYPES", registry::data_types(m.py())?)?;
    m.add("FORMATS", registry::formats(m.py())?)?;
    m.add("POOL_KEYS", registry::pool_keys(m.py())?)?;
    m.add("CONSTRAINT_KEYS", registry::constraint_keys(m.py())?)?;
    m.add_class::<plan::Plan>()?;
    m.add_class::<plan::Pools>()?;
    m.add_class::<output::AtomicFile>()?;
    m.add_class::<arrow::ArrowSchema>()?;
    m.add_class::<arrow::ArrowBatch>()?;
    m.add_class::<arrow::RecordBatches>()?;
    m.add_function(wrap_pyfunction!(arrow::arrow_schema, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::arrow_batch_rows, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::record_batch_stream, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::write_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(plan::resolve_threads, m)?)?;
    m.add_function(wrap_pyfunction!(plan::placeholder_vocabulary, m)?)?;
    m.add_function(wrap_pyfunction!(plan::check_template, m)?)?;
    Ok(())
}
