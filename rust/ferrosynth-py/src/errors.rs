//! One mapping from the core's error enum to the Python exception tree in `ferrosynth.errors`.

use ferrosynth_core::Error;
use pyo3::prelude::*;

/// Builds the Python exception for a core error. `Cancelled` carries no Python error of its own;
/// callers that cancelled because a Python error was raised re-raise that error instead.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let message = err.to_string();
    let made = (|| -> PyResult<PyErr> {
        let module = py.import("ferrosynth.errors")?;
        let instance = match &err {
            Error::Schema { pointer, .. } => module
                .getattr("SchemaError")?
                .call1((message.as_str(), pointer.as_str()))?,
            Error::Template { location, .. } => module
                .getattr("TemplateError")?
                .call1((message.as_str(), location.as_str()))?,
            Error::Config { field, .. } => module
                .getattr("ConfigError")?
                .call1((message.as_str(), field.as_str()))?,
            Error::Io { path, source } => {
                let errno = source.raw_os_error().unwrap_or(0);
                module
                    .getattr("OutputError")?
                    .call1((errno, source.to_string(), path.as_str()))?
            }
            Error::Invalid { location, .. } => module
                .getattr("ValidationError")?
                .call1((message.as_str(), location.as_str()))?,
            Error::Cancelled => module
                .getattr("FerrosynthError")?
                .call1((message.as_str(),))?,
        };
        Ok(PyErr::from_value(instance))
    })();
    made.unwrap_or_else(|import_error| import_error)
}
