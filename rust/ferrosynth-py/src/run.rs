//! The one helper that runs core work with the GIL released, checking for Ctrl-C and reporting
//! progress between chunks.

use std::sync::Mutex;

use ferrosynth_core::{Error, Result};
use pyo3::prelude::*;

/// Runs `work` without the GIL. `work` receives a progress hook to call between chunks: the hook
/// re-attaches briefly, checks for signals (Ctrl-C) and calls `progress(rows_done)` if given.
/// A Python error raised there cancels the run and is re-raised here.
pub fn detached<T: Send>(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    work: impl FnOnce(&mut dyn FnMut(u64) -> Result<()>) -> Result<T> + Send,
) -> PyResult<T> {
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let result = py.detach(|| {
        let mut hook = |done: u64| -> Result<()> {
            Python::attach(|py| {
                let outcome = py.check_signals().and_then(|()| match progress {
                    Some(cb) => cb.call1(py, (done,)).map(drop),
                    None => Ok(()),
                });
                outcome.map_err(|e| {
                    *raised
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                    Error::Cancelled
                })
            })
        };
        work(&mut hook)
    });
    match result {
        Ok(v) => Ok(v),
        Err(Error::Cancelled) => {
            let stored = raised
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Err(stored.unwrap_or_else(|| crate::errors::to_py(py, Error::Cancelled)))
        }
        Err(e) => Err(crate::errors::to_py(py, e)),
    }
}
