//! Running a plan over an index range: fixed-size chunks rendered in parallel into reused
//! buffers and handed to a sink in index order (see [`engine`]). Output bytes do not depend on
//! the chunk size or the thread count, because each sample depends only on `(plan, seed, index)`.

pub mod arrow;
mod atomic;
pub mod columns;
mod encode;
mod engine;
pub mod parquet;
mod threads;

pub use atomic::AtomicFile;
pub use encode::{Encoding, GZIP_LEVEL, GZIP_MEMBER_ROWS};
pub use engine::Job;
pub use threads::{resolve_threads, THREADS_ENV};

use std::io::Write;

use crate::error::{Error, Result};
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

/// Called between chunks (at most every 50 ms, and once at the end) with the number of rows
/// written so far; an error stops the run.
pub type Progress<'a> = &'a mut dyn FnMut(u64) -> Result<()>;

/// Samples `start..start+count` as one JSON array.
pub fn generate_array(
    plan: &Plan,
    span: Span,
    envelope: Envelope,
    opts: RunOptions,
    progress: Progress<'_>,
) -> Result<Vec<u8>> {
    let mut out = vec![b'['];
    // Size the buffer once from the first chunk instead of growing it repeatedly.
    let first_rows = span.count.min(opts.chunk_rows.max(1) as u64).max(1);
    let job = Job {
        plan,
        span,
        envelope,
        sep: b',',
        encoding: Encoding::Plain,
        columns: None,
    };
    job.run(
        opts,
        &mut |b| {
            if out.len() == 1 {
                let estimate = b.len() as u64 * span.count.div_ceil(first_rows);
                out.reserve(usize::try_from(estimate).unwrap_or(0).saturating_add(2));
            }
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

/// Samples `start..start+count` as JSON Lines (encoded by `encoding`) into `w`; returns the
/// bytes written.
pub fn write_jsonl(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    encoding: Encoding,
    w: &mut dyn Write,
    path: &str,
    progress: Progress<'_>,
) -> Result<u64> {
    let job = Job {
        plan,
        span,
        envelope: Envelope::Sample,
        sep: b'\n',
        encoding,
        columns: None,
    };
    write_job(&job, opts, w, path, progress)
}

/// Runs `job` into `w` (`path` names it in errors); returns the bytes written.
pub fn write_job(
    job: &Job<'_>,
    opts: RunOptions,
    w: &mut dyn Write,
    path: &str,
    progress: Progress<'_>,
) -> Result<u64> {
    let mut written = 0u64;
    job.run(
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
    encoding: Encoding,
    path: &std::path::Path,
    progress: Progress<'_>,
) -> Result<u64> {
    let mut file = AtomicFile::create(path)?;
    let shown = path.display().to_string();
    let written = write_jsonl(plan, span, opts, encoding, file.writer(), &shown, progress)?;
    file.commit()?;
    Ok(written)
}
