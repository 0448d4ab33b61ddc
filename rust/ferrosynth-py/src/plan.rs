//! `Plan`: a compiled generation plan, and the functions that run it.

use std::path::PathBuf;
use std::sync::Arc;

use ferrosynth_core::write::{self, columns, Encoding, Job, RunOptions, Span, DEFAULT_CHUNK_ROWS};
use ferrosynth_core::Envelope;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::errors::to_py;
use crate::run::detached;

/// Value pools parsed and checked once, shared by every plan compiled with them.
#[pyclass(module = "ferrosynth._native", frozen)]
pub struct Pools {
    inner: Arc<ferrosynth_core::Pools>,
}

#[pymethods]
impl Pools {
    #[new]
    fn new(py: Python<'_>, json: &str) -> PyResult<Self> {
        let parsed = py.detach(|| ferrosynth_core::Pools::from_json(json));
        parsed
            .map(|p| Pools { inner: Arc::new(p) })
            .map_err(|e| to_py(py, e))
    }
}

/// A compiled plan (see `_native.pyi` for the documented Python surface).
#[pyclass(module = "ferrosynth._native", frozen)]
pub struct Plan {
    inner: Arc<ferrosynth_core::Plan>,
}

impl Plan {
    /// The compiled core plan (for the other binding modules).
    pub(crate) fn core(&self) -> &ferrosynth_core::Plan {
        &self.inner
    }

    /// A shared handle on the core plan, for work that outlives the call (background threads).
    pub(crate) fn shared(&self) -> Arc<ferrosynth_core::Plan> {
        self.inner.clone()
    }
}

fn envelope(name: &str) -> PyResult<Envelope> {
    match name {
        "sample" => Ok(Envelope::Sample),
        "bare" => Ok(Envelope::Bare),
        other => Err(PyValueError::new_err(format!(
            "envelope must be one of 'sample', 'bare'; got {other:?}"
        ))),
    }
}

fn encoding(name: &str) -> PyResult<Encoding> {
    match name {
        "none" => Ok(Encoding::Plain),
        "gzip" => Ok(Encoding::Gzip),
        other => Err(PyValueError::new_err(format!(
            "compression must be one of 'none', 'gzip'; got {other:?}"
        ))),
    }
}

fn options(threads: Option<usize>, chunk_rows: Option<usize>) -> RunOptions {
    RunOptions {
        threads,
        chunk_rows: chunk_rows.unwrap_or(DEFAULT_CHUNK_ROWS),
    }
}

#[pymethods]
impl Plan {
    #[new]
    #[pyo3(signature = (spec, pools = None))]
    fn new(py: Python<'_>, spec: &str, pools: Option<&Pools>) -> PyResult<Self> {
        let pools = pools.map(|p| p.inner.clone());
        let compiled = py.detach(|| ferrosynth_core::Plan::from_json_with(spec, pools));
        compiled
            .map(|p| Plan { inner: Arc::new(p) })
            .map_err(|e| to_py(py, e))
    }

    #[getter]
    fn data_type(&self) -> &'static str {
        self.inner.data_type()
    }

    /// Warnings from compiling the schema (unknown formats), in order.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        let schema = self.inner.data.schema();
        schema.map(|s| s.warnings.clone()).unwrap_or_default()
    }

    /// How many samples `x-ferrosynth` uniqueness covers (`None` without unique fields).
    #[getter]
    fn unique_capacity(&self) -> Option<u64> {
        self.inner.data.schema().and_then(|s| s.unique_capacity)
    }

    #[pyo3(signature = (raw, *, envelope = "bare", start = 0))]
    fn validate(&self, py: Python<'_>, raw: &[u8], envelope: &str, start: u64) -> PyResult<()> {
        let env = self::envelope(envelope)?;
        let plan = &*self.inner;
        let owned = raw.to_vec();
        py.detach(|| plan.check_json_array(&owned, env, start))
            .map_err(|e| to_py(py, e))
    }

    #[getter]
    fn format(&self) -> &'static str {
        let format = self.inner.export.as_ref().map(|x| x.format);
        format
            .unwrap_or(ferrosynth_core::agent::Format::Ferrosynth)
            .name()
    }

    #[pyo3(signature = (seed, start, count, *, envelope = "sample", threads = None, chunk_rows = None, progress = None))]
    fn json_array<'py>(
        &self,
        py: Python<'py>,
        seed: u64,
        start: u64,
        count: u64,
        envelope: &str,
        threads: Option<usize>,
        chunk_rows: Option<usize>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let env = self::envelope(envelope)?;
        let plan = &*self.inner;
        let opts = options(threads, chunk_rows);
        let bytes = detached(py, progress.as_ref(), |hook| {
            write::generate_array(plan, Span { seed, start, count }, env, opts, hook)
        })?;
        Ok(PyBytes::new(py, &bytes))
    }

    #[pyo3(signature = (seed, start, count, loads, *, envelope = "sample", threads = None))]
    fn objects<'py>(
        &self,
        py: Python<'py>,
        seed: u64,
        start: u64,
        count: u64,
        loads: &Bound<'py, PyAny>,
        envelope: &str,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let (span, env) = (Span { seed, start, count }, self::envelope(envelope)?);
        crate::objects::objects(py, &self.inner, span, env, loads, threads)
    }

    /// The column types of a sample, as JSON (see `ferrosynth.io.arrow`).
    fn columns(&self) -> String {
        let mut w = ferrosynth_core::json::JsonWriter::default();
        columns::sample_columns(&self.inner).write(&mut w);
        String::from_utf8(w.buf).unwrap_or_default()
    }

    #[pyo3(signature = (seed, start, count, *, shape = "native", threads = None, chunk_rows = None))]
    #[allow(clippy::too_many_arguments)]
    fn jsonl<'py>(
        &self,
        py: Python<'py>,
        seed: u64,
        start: u64,
        count: u64,
        shape: &str,
        threads: Option<usize>,
        chunk_rows: Option<usize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let cols = match shape {
            "native" => None,
            "columnar" => Some(columns::sample_columns(&self.inner)),
            other => {
                return Err(PyValueError::new_err(format!(
                    "shape must be one of 'native', 'columnar'; got {other:?}"
                )))
            }
        };
        let job = Job {
            plan: &self.inner,
            span: Span { seed, start, count },
            envelope: Envelope::Sample,
            sep: b'\n',
            encoding: Encoding::Plain,
            columns: cols.as_ref(),
        };
        let opts = options(threads, chunk_rows);
        let bytes = detached(py, None, |hook| {
            let mut out = Vec::new();
            write::write_job(&job, opts, &mut out, "<memory>", hook)?;
            Ok(out)
        })?;
        Ok(PyBytes::new(py, &bytes))
    }

    #[pyo3(signature = (path, seed, start, count, *, compression = "none", threads = None, chunk_rows = None, progress = None))]
    fn write_jsonl(
        &self,
        py: Python<'_>,
        path: PathBuf,
        seed: u64,
        start: u64,
        count: u64,
        compression: &str,
        threads: Option<usize>,
        chunk_rows: Option<usize>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<u64> {
        let encoding = self::encoding(compression)?;
        let plan = &*self.inner;
        let opts = options(threads, chunk_rows);
        detached(py, progress.as_ref(), |hook| {
            write::write_jsonl_file(
                plan,
                Span { seed, start, count },
                opts,
                encoding,
                &path,
                hook,
            )
        })
    }
}

/// The thread count a run would use for `threads` (argument, then env var, then cores).
#[pyfunction]
#[pyo3(signature = (threads = None))]
pub fn resolve_threads(threads: Option<usize>) -> usize {
    write::resolve_threads(threads)
}

/// The conversation placeholder vocabulary: `(name, description)` pairs.
#[pyfunction]
pub fn placeholder_vocabulary() -> Vec<(&'static str, &'static str)> {
    ferrosynth_core::agent::placeholder::VOCABULARY
        .iter()
        .map(|(n, _, d)| (*n, *d))
        .collect()
}

/// Compiles a conversation template (JSON list of `{role, content}`) to check it; raises
/// `TemplateError` naming the template and turn at fault.
#[pyfunction]
#[pyo3(signature = (name, turns, domain = None))]
pub fn check_template(
    py: Python<'_>,
    name: &str,
    turns: &str,
    domain: Option<&str>,
) -> PyResult<()> {
    ferrosynth_core::agent::Template::from_json(name, turns, domain)
        .map(drop)
        .map_err(|e| to_py(py, e))
}
