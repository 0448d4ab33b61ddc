//! The core's registries as Python tuples: the Python enums and `Literal`s are tested against
//! them, so a name added in Rust and not in Python (or the reverse) fails the suite.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

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
