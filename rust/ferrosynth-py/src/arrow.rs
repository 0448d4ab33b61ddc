//! Arrow and Parquet: record batches built in the core, handed to pyarrow without a copy through
//! the Arrow PyCapsule interface (`__arrow_c_schema__` / `__arrow_c_array__`, the C data
//! interface), and Parquet files written by the core.

use std::ffi::CString;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow_array::ffi::{to_ffi, FFI_ArrowSchema};
use arrow_array::{Array, RecordBatch, StructArray};
use ferrosynth_core::write::arrow::{batch_rows_for, record_batches, schema};
use ferrosynth_core::write::parquet::{write_parquet_file, Compression, ParquetOptions};
use ferrosynth_core::write::{RunOptions, Span, DEFAULT_CHUNK_ROWS};
use ferrosynth_core::Error;
use pyo3::exceptions::{PyRuntimeError, PyStopIteration, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::errors::to_py;
use crate::plan::Plan;
use crate::run::detached;

fn capsule_name(name: &str) -> CString {
    // Constant names without NUL bytes.
    CString::new(name).unwrap_or_default()
}

fn options(threads: Option<usize>) -> RunOptions {
    RunOptions {
        threads,
        chunk_rows: DEFAULT_CHUNK_ROWS,
    }
}

fn check_rows(batch_rows: usize) -> PyResult<usize> {
    if batch_rows == 0 {
        return Err(PyValueError::new_err("batch_rows must be at least 1"));
    }
    Ok(batch_rows)
}

/// The Arrow schema of a plan's records (exported with `__arrow_c_schema__`).
#[pyclass(module = "ferrosynth._native", frozen)]
pub struct ArrowSchema {
    inner: ::arrow_schema::SchemaRef,
}

#[pymethods]
impl ArrowSchema {
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let ffi = FFI_ArrowSchema::try_from(self.inner.as_ref())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        PyCapsule::new(py, ffi, Some(capsule_name("arrow_schema")))
    }
}

/// One record batch (exported once with `__arrow_c_array__`).
#[pyclass(module = "ferrosynth._native", frozen)]
pub struct ArrowBatch {
    inner: Mutex<Option<RecordBatch>>,
    rows: usize,
}

#[pymethods]
impl ArrowBatch {
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows
    }

    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // The batch has one schema; a requested one is left to the consumer to cast to.
        drop(requested_schema);
        let batch = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or_else(|| PyValueError::new_err("the batch was already exported"))?;
        let data = StructArray::from(batch).to_data();
        let (array, schema) = to_ffi(&data).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let schema = PyCapsule::new(py, schema, Some(capsule_name("arrow_schema")))?;
        let array = PyCapsule::new(py, array, Some(capsule_name("arrow_array")))?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}

/// Record batches rendered by the core on its own threads while Python consumes them.
#[pyclass(module = "ferrosynth._native", frozen)]
pub struct RecordBatches {
    rx: Mutex<Receiver<Result<RecordBatch, Error>>>,
}

#[pymethods]
impl RecordBatches {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<ArrowBatch> {
        // Never block on the lock with the GIL held (the holder may be waiting for the GIL).
        let mut rx = match self.rx.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "record batches are being read by another thread",
                ))
            }
        };
        loop {
            // Wait without the GIL, checking for Ctrl-C every 50 ms.
            // `&mut Receiver` is `Send` (a shared one is not `Sync`).
            let waiting = &mut *rx;
            match py.detach(move || waiting.recv_timeout(Duration::from_millis(50))) {
                Ok(Ok(batch)) => {
                    let rows = batch.num_rows();
                    return Ok(ArrowBatch {
                        inner: Mutex::new(Some(batch)),
                        rows,
                    });
                }
                Ok(Err(e)) => return Err(to_py(py, e)),
                Err(RecvTimeoutError::Timeout) => py.check_signals()?,
                Err(RecvTimeoutError::Disconnected) => return Err(PyStopIteration::new_err(())),
            }
        }
    }
}

/// The Arrow schema of `plan`'s records.
#[pyfunction]
pub fn arrow_schema(plan: &Plan) -> ArrowSchema {
    ArrowSchema {
        inner: schema(plan.core()),
    }
}

/// Rows per record batch for about 8 MiB of rendered JSON (see the core's `batch_rows_for`).
#[pyfunction]
pub fn arrow_batch_rows(py: Python<'_>, plan: &Plan, seed: u64, start: u64, count: u64) -> usize {
    let core = plan.core();
    py.detach(|| batch_rows_for(core, Span { seed, start, count }))
}

/// Samples `start..start+count` as record batches of exactly `batch_rows` rows (the last may be
/// shorter), rendered in the background: at most a few batches ahead of the consumer.
#[pyfunction]
#[pyo3(signature = (plan, seed, start, count, *, batch_rows, threads = None))]
pub fn record_batch_stream(
    plan: &Plan,
    seed: u64,
    start: u64,
    count: u64,
    batch_rows: usize,
    threads: Option<usize>,
) -> PyResult<RecordBatches> {
    let batch_rows = check_rows(batch_rows)?;
    let core: Arc<ferrosynth_core::Plan> = plan.shared();
    let (tx, rx) = sync_channel::<Result<RecordBatch, Error>>(1);
    let span = Span { seed, start, count };
    std::thread::Builder::new()
        .name("ferrosynth-arrow".to_owned())
        .spawn(move || {
            let sent = record_batches(
                &core,
                span,
                options(threads),
                batch_rows,
                // A dropped iterator disconnects the channel, which stops the run.
                &mut |b| tx.send(Ok(b)).map_err(|_| Error::Cancelled),
                &mut |_| Ok(()),
            );
            if let Err(e) = sent {
                if !matches!(e, Error::Cancelled) {
                    let _ = tx.send(Err(e));
                }
            }
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    Ok(RecordBatches { rx: Mutex::new(rx) })
}

/// Writes samples `start..start+count` to `path` as Parquet (atomically); returns the bytes
/// written. `progress(rows_done)` runs after each row group.
#[pyfunction]
#[pyo3(signature = (plan, path, seed, start, count, *, compression = "zstd", batch_rows = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn write_parquet(
    py: Python<'_>,
    plan: &Plan,
    path: PathBuf,
    seed: u64,
    start: u64,
    count: u64,
    compression: &str,
    batch_rows: Option<usize>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<u64> {
    let compression = Compression::parse(compression).map_err(|e| to_py(py, e))?;
    let batch_rows = batch_rows.map(check_rows).transpose()?;
    let core = plan.core();
    let span = Span { seed, start, count };
    detached(py, progress.as_ref(), |hook| {
        let layout = ParquetOptions {
            batch_rows: batch_rows.unwrap_or_else(|| batch_rows_for(core, span)),
            compression,
        };
        write_parquet_file(core, span, options(threads), layout, &path, hook)
    })
}
