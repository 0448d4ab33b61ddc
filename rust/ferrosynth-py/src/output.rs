//! `AtomicFile`: the core's atomic output file as a Python handle, so that the writers that
//! run in Python (`SyntheticDataset.to_jsonl`, Parquet through pyarrow) share the one output
//! layer with the Rust JSONL writer: unnamed until complete, nothing left by `kill -9`, modes
//! from the umask, OS errors as `OutputError`.

use std::path::PathBuf;

use ferrosynth_core::write::AtomicFile as CoreFile;
use ferrosynth_core::Error;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// An output file that appears at its path only on `commit()` (see `_native.pyi`).
#[pyclass(module = "ferrosynth._native")]
pub struct AtomicFile {
    inner: Option<CoreFile>,
    path: String,
    written: u64,
}

impl AtomicFile {
    fn open(&mut self) -> PyResult<&mut CoreFile> {
        self.inner.as_mut().ok_or_else(|| {
            PyValueError::new_err(format!("{}: write after commit or abort", self.path))
        })
    }
}

#[pymethods]
impl AtomicFile {
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let shown = path.display().to_string();
        let inner = py
            .detach(|| CoreFile::create(&path))
            .map_err(|e| to_py(py, e))?;
        Ok(AtomicFile {
            inner: Some(inner),
            path: shown,
            written: 0,
        })
    }

    fn write(&mut self, py: Python<'_>, data: &[u8]) -> PyResult<usize> {
        let file = self.open()?;
        py.detach(|| file.write_all(data))
            .map_err(|e| to_py(py, e))?;
        self.written += data.len() as u64;
        Ok(data.len())
    }

    fn tell(&self) -> u64 {
        self.written
    }

    fn commit(&mut self, py: Python<'_>) -> PyResult<()> {
        let Some(file) = self.inner.take() else {
            return Err(to_py(
                py,
                Error::io(
                    &self.path,
                    std::io::Error::other("already committed or aborted"),
                ),
            ));
        };
        py.detach(|| file.commit()).map_err(|e| to_py(py, e))
    }

    fn abort(&mut self) {
        self.inner.take();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_none()
    }
}
