//! The core's registries as Python tuples: the Python enums and `Literal`s are tested against
//! them, so a name added in Rust and not in Python (or the reverse) fails the suite.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// `DATA_TYPES`: the registered data types, in order.
pub fn data_types(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, ferrosynth_core::data_types::names())
}

/// `FORMATS`: the record formats (`ferrosynth` first).
pub fn formats(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let names = ferrosynth_core::agent::Format::NAMES
        .iter()
        .map(|(n, _)| *n);
    PyTuple::new(py, names)
}

/// `POOL_KEYS`: the value pools a plan draws from.
pub fn pool_keys(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, ferrosynth_core::Pools::KEYS)
}

/// `CONSTRAINT_KEYS`: `{data_type: (key, ...)}`, the constraint keys each data type reads.
pub fn constraint_keys(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    for entry in ferrosynth_core::data_types::REGISTRY {
        out.set_item(entry.name, PyTuple::new(py, entry.constraints)?)?;
    }
    Ok(out)
}
