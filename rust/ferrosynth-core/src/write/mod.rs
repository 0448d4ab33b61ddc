//! Running a plan over an index range: fixed-size chunks rendered in parallel into reused
//! buffers and handed to a sink in index order. Output bytes do not depend on the chunk size
//! or the thread count, because each sample depends only on `(plan, seed, index)`.

mod atomic;
mod threads;

pub use atomic::AtomicFile;
pub use threads::resolve_threads;

use std::io::Write;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::plan::{Envelope, Plan};

/// Default rows per chunk: large enough to amortise scheduling, small enough to keep memory flat.
pub const DEFAULT_CHUNK_ROWS: usize = 4096;

/// How a run is executed. None of these change the output bytes.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Worker threads; `None` reads `FERROSYNTH_THREADS`, then the number of cores.
    pub threads: Option<usize>,
    /// Rows per chunk.
    pub chunk_rows: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: None,
            chunk_rows: DEFAULT_CHUNK_ROWS,
        }
    }
}

/// The samples of a run: indexes `start..start + count` under `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub seed: u64,
    pub start: u64,
    pub count: u64,
}

/// Called after each wave of chunks with the number of rows done so far; an error stops the run.
pub type Progress<'a> = &'a mut dyn FnMut(u64) -> Result<()>;

/// Renders samples `start..start+count`, each followed by `sep`, and feeds the bytes of each
/// chunk, in index order, to `sink`.
pub fn run_chunks(
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    sep: u8,
    opts: RunOptions,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
    progress: Progress<'_>,
) -> Result<()> {
    let Span { seed, start, count } = span;
    let chunk = opts.chunk_rows.max(1) as u64;
    let n_chunks = count.div_ceil(chunk);
    let threads = resolve_threads(opts.threads).min(n_chunks.max(1) as usize);
    let render = |buf: &mut Vec<u8>, c: u64| {
        let lo = start + c * chunk;
        let hi = (lo + chunk).min(start + count);
        let mut w = JsonWriter::from_buf(std::mem::take(buf));
        w.buf.clear();
        let mut scratch = plan.scratch();
        for i in lo..hi {
            w.reset_state();
            plan.emit(seed, i, envelope, &mut scratch, &mut w);
            w.buf.push(sep);
        }
        *buf = w.buf;
    };
    let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); threads];
    let mut done_rows = 0u64;
    let mut c = 0u64;
    let pool = (threads > 1).then(|| threads::pool(threads));
    while c < n_chunks {
        let wave = (n_chunks - c).min(threads as u64) as usize;
        match &pool {
            Some(pool) => pool.install(|| {
                bufs[..wave]
                    .par_iter_mut()
                    .enumerate()
                    .for_each(|(k, b)| render(b, c + k as u64));
            }),
            None => render(&mut bufs[0], c),
        }
        for b in &bufs[..wave] {
            sink(b)?;
        }
        c += wave as u64;
        done_rows = (c * chunk).min(count);
        progress(done_rows)?;
    }
    debug_assert_eq!(done_rows, count);
    Ok(())
}

/// Samples `start..start+count` as one JSON array.
pub fn generate_array(
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    opts: RunOptions,
    progress: Progress<'_>,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(2 + span.count.min(1 << 20) as usize * 64);
    out.push(b'[');
    run_chunks(
        plan,
        span,
        envelope,
        b',',
        opts,
        &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        },
        progress,
    )?;
    if out.last() == Some(&b',') {
        out.pop();
    }
    out.push(b']');
    Ok(out)
}

/// Samples `start..start+count` as JSON Lines into `w`; returns the bytes written.
pub fn write_jsonl(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    w: &mut dyn Write,
    path: &str,
    progress: Progress<'_>,
) -> Result<u64> {
    let mut written = 0u64;
    run_chunks(
        plan,
        span,
        Envelope::Sample,
        b'\n',
        opts,
        &mut |b| {
            written += b.len() as u64;
            w.write_all(b).map_err(|e| Error::io(path, e))
        },
        progress,
    )?;
    w.flush().map_err(|e| Error::io(path, e))?;
    Ok(written)
}

/// Writes samples `start..start+count` as JSON Lines to `path`, atomically: the file appears
/// complete or not at all (temporary file in the same directory, renamed on success).
pub fn write_jsonl_file(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    path: &std::path::Path,
    progress: Progress<'_>,
) -> Result<u64> {
    let mut file = AtomicFile::create(path)?;
    let shown = path.display().to_string();
    let written = write_jsonl(plan, span, opts, file.writer(), &shown, progress)?;
    file.commit()?;
    Ok(written)
}
