//! Python objects for the drop-in `generate()` path: a worker thread renders chunk `k + 1`
//! (no GIL) while the calling thread decodes chunk `k` into Python objects.
//!
//! Decoding, not generating, is what a `generate()` call spends most of its time on (for agent
//! traces about four times the generation), and it needs the GIL, so it runs on one thread. Run
//! one after the other, the two costs add up; overlapped, generation costs no wall time where a
//! core is free, since it is the cheaper of the two.
//!
//! The decoder is the caller's `loads` (`orjson.loads`), called once per chunk. A decoder
//! written here against the stable ABI was measured against it (`docs/benchmarks.md`, "The
//! drop-in `generate()` against the real reference"): with reference counting and string
//! creation behind function calls in the stable ABI, it took ~23% more instructions per agent
//! trace than `orjson`, even with repeated strings shared.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Mutex;

use ferrosynth_core::write::{self, Encoding, Job, RunOptions, Span};
use ferrosynth_core::{Envelope, Error, Plan};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

/// Rows per chunk handed from the rendering thread to the decoding one: small enough that the
/// first chunk arrives soon and each is still in cache when decoded, large enough that the
/// per-chunk cost (a channel hop, a `loads` call) stays well under 1% of a chunk.
const PIPE_ROWS: usize = 512;
/// Chunks in flight between the two threads.
const PIPE_DEPTH: usize = 4;
/// Rows of at least this many bytes of JSON are worth a worker by default. Below it (text, tool
/// calls, flat records: 90–250 bytes) rendering a chunk takes about as long as decoding it, the
/// calling thread keeps waiting for the worker, and on a busy machine each wait costs a
/// scheduler wake-up: measured, the pipeline gained nothing there and sometimes lost, while
/// personas (~700 bytes), conversations (~1,500) and agent traces (~1,900) gained 1.3–2×.
const PIPE_MIN_ROW_BYTES: usize = 512;

/// The samples `span` of `plan`, as the Python list that `loads` makes of their JSON array.
///
/// The first chunk is rendered on the calling thread (GIL released); its size per row says
/// what a sample costs. `threads` counts all threads: `1` renders everything on the calling
/// thread, `n > 1` gives rendering of the rest `n - 1` threads while the calling thread
/// decodes. `None` uses a worker (one: decoding is the slower side, so one keeps ahead of it)
/// when rows are large enough to gain from it (see [`PIPE_MIN_ROW_BYTES`]) and
/// `FERROSYNTH_THREADS` and the cores allow two threads.
pub fn objects<'py>(
    py: Python<'py>,
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    loads: &Bound<'py, PyAny>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let mut out = None;
    let first = Span {
        count: span.count.min(PIPE_ROWS as u64),
        ..span
    };
    let bytes = render_here(py, plan, first, envelope)?;
    decode(py, loads, &bytes, &mut out)?;
    let rest = Span {
        start: span.start.saturating_add(first.count),
        count: span.count - first.count,
        ..span
    };
    if rest.count > 0 {
        let per_row = bytes.len() / PIPE_ROWS; // `first` has PIPE_ROWS rows when a rest follows
        let threads = threads.unwrap_or_else(|| match per_row {
            0..PIPE_MIN_ROW_BYTES => 1,
            _ => write::resolve_threads(None).min(2),
        });
        if threads <= 1 {
            py.check_signals()?;
            let bytes = render_here(py, plan, rest, envelope)?;
            decode(py, loads, &bytes, &mut out)?;
        } else {
            pipelined(py, plan, rest, envelope, loads, threads - 1, &mut out)?;
        }
    }
    let out = out.unwrap_or_else(|| PyList::empty(py));
    if out.len() as u64 != span.count {
        return Err(PyValueError::new_err(format!(
            "expected {} samples, decoded {}",
            span.count,
            out.len()
        )));
    }
    Ok(out)
}

/// `span` as one JSON array, rendered on the calling thread with the GIL released.
fn render_here(py: Python<'_>, plan: &Plan, span: Span, envelope: Envelope) -> PyResult<Vec<u8>> {
    let mut whole = b"[]".to_vec();
    py.detach(|| {
        render(plan, span, envelope, Some(1), usize::MAX, &mut |array| {
            whole = array;
            Ok(Vec::new())
        })
    })
    .map_err(|e| crate::errors::to_py(py, e))?;
    Ok(whole)
}

/// Renders `span` in chunks of `chunk_rows` rows, each as one JSON array handed to `sink`,
/// which hands back a buffer to reuse.
fn render(
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    threads: Option<usize>,
    chunk_rows: usize,
    sink: &mut dyn FnMut(Vec<u8>) -> ferrosynth_core::Result<Vec<u8>>,
) -> ferrosynth_core::Result<()> {
    let job = Job {
        plan,
        span,
        envelope,
        sep: b',',
        encoding: Encoding::Plain,
        columns: None,
    };
    let rows = usize::try_from(span.count).unwrap_or(usize::MAX);
    let opts = RunOptions {
        threads,
        chunk_rows: chunk_rows.min(rows).max(1),
    };
    let mut buf = Vec::new();
    job.run(
        opts,
        &mut |rows| {
            buf.clear();
            buf.push(b'[');
            buf.extend_from_slice(rows.strip_suffix(b",").unwrap_or(rows));
            buf.push(b']');
            buf = sink(std::mem::take(&mut buf))?;
            Ok(())
        },
        &mut |_| Ok(()),
    )
}

/// Decodes the JSON array `bytes` with `loads`; the first chunk's list becomes `out`, later
/// chunks are appended to it.
fn decode<'py>(
    py: Python<'py>,
    loads: &Bound<'py, PyAny>,
    bytes: &[u8],
    out: &mut Option<Bound<'py, PyList>>,
) -> PyResult<()> {
    let values = loads.call1((PyBytes::new(py, bytes),))?;
    let values = values.cast_into::<PyList>().map_err(PyErr::from)?;
    match out {
        None => *out = Some(values),
        Some(list) => {
            list.as_any().call_method1("extend", (values,))?;
        }
    }
    Ok(())
}

/// A worker renders chunks (with `render_threads` threads) into recycled buffers; the calling
/// thread decodes each as it arrives and checks for Ctrl-C between chunks. Dropping the
/// receiving end stops the worker at its next chunk.
fn pipelined<'py>(
    py: Python<'py>,
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    loads: &Bound<'py, PyAny>,
    render_threads: usize,
    out: &mut Option<Bound<'py, PyList>>,
) -> PyResult<()> {
    let (tx, rx): (SyncSender<Vec<u8>>, Receiver<Vec<u8>>) = mpsc::sync_channel(PIPE_DEPTH);
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    // A `Mutex` makes the receiver `Sync`, so the GIL-released wait below may borrow it.
    let rx = Mutex::new(rx);
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let mut hand_over = |chunk: Vec<u8>| {
                tx.send(chunk).map_err(|_| Error::Cancelled)?;
                Ok(back_rx.try_recv().unwrap_or_default())
            };
            render(
                plan,
                span,
                envelope,
                Some(render_threads),
                PIPE_ROWS,
                &mut hand_over,
            )
        });
        let decoded = (|| -> PyResult<()> {
            loop {
                let next = py.detach(|| lock(&rx).recv());
                let Ok(chunk) = next else { return Ok(()) };
                decode(py, loads, &chunk, out)?;
                py.check_signals()?;
                // The worker may have finished; then the buffer is simply dropped.
                let _ = back_tx.send(chunk);
            }
        })();
        // On an error the worker must not block on a full channel: drop the receiving end.
        drop(rx);
        let rendered = worker.join();
        decoded?;
        match rendered {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(crate::errors::to_py(py, e)),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
