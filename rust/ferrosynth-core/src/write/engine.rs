//! The streaming engine: worker threads render fixed-size chunks of samples into reused buffers
//! while the calling thread writes finished chunks in index order. At most `2 × threads` chunks
//! are in flight, so memory stays flat whatever the row count.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::columns::Col;
use super::encode::Encoding;
use super::{resolve_threads, Progress, RunOptions, Span};
use crate::error::Result;
use crate::json::JsonWriter;
use crate::plan::{Envelope, Plan};

/// How often the progress hook (which also checks for Ctrl-C) runs at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// One run: what to render and how.
pub struct Job<'a> {
    pub plan: &'a Plan,
    pub span: Span,
    pub envelope: Envelope,
    /// The byte written after each sample (`\n` for JSON Lines, `,` inside an array).
    pub sep: u8,
    pub encoding: Encoding,
    /// For columnar output: the column types rows must conform to (see [`super::columns`]).
    pub columns: Option<&'a Col>,
}

impl Job<'_> {
    /// Rows per chunk: the caller's choice, except that compressed output fixes it, so that the
    /// compressed bytes (one member per chunk) do not depend on options.
    fn chunk_rows(&self, opts: RunOptions) -> u64 {
        self.encoding
            .fixed_chunk_rows()
            .unwrap_or(opts.chunk_rows.max(1)) as u64
    }

    /// Renders chunk `c` into `out` (cleared first), encoding it if needed.
    fn render(&self, c: u64, chunk: u64, out: &mut Vec<u8>, tmp: &mut Vec<u8>) {
        // Saturating: a span that reaches the end of the index space ends there.
        let lo = self.span.start.saturating_add(c.saturating_mul(chunk));
        let hi = lo
            .saturating_add(chunk)
            .min(self.span.start.saturating_add(self.span.count));
        let target = if self.encoding == Encoding::Plain {
            &mut *out
        } else {
            &mut *tmp
        };
        let mut w = JsonWriter::from_buf(std::mem::take(target));
        w.buf.clear();
        let mut scratch = self.plan.scratch();
        let conform = self.columns.filter(|c| c.has_json());
        for i in lo..hi {
            w.reset_state();
            let row_start = w.buf.len();
            self.plan
                .emit(self.span.seed, i, self.envelope, &mut scratch, &mut w);
            if let Some(col) = conform {
                // Rare path (values without one Arrow type): rewrite the row with JSON strings.
                if let Ok(mut value) = serde_json::from_slice(&w.buf[row_start..]) {
                    col.conform(&mut value);
                    w.buf.truncate(row_start);
                    // Serialising a `Value` into a Vec cannot fail.
                    let _ = serde_json::to_writer(&mut w.buf, &value);
                }
            }
            w.buf.push(self.sep);
        }
        *target = w.buf;
        if self.encoding != Encoding::Plain {
            self.encoding.encode(tmp, out);
        }
    }

    /// Runs the job, feeding chunks to `sink` in index order.
    pub fn run(
        &self,
        opts: RunOptions,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
        progress: Progress<'_>,
    ) -> Result<()> {
        let chunk = self.chunk_rows(opts);
        let count = self.span.count;
        let n_chunks = count.div_ceil(chunk);
        // One chunk needs no thread count (and no environment or core-count lookup).
        let threads = match n_chunks {
            0 | 1 => 1,
            n => resolve_threads(opts.threads).min(n as usize),
        };
        let mut reporter = Reporter {
            last: Instant::now(),
            progress,
        };
        if threads <= 1 {
            let (mut out, mut tmp) = (Vec::new(), Vec::new());
            for c in 0..n_chunks {
                self.render(c, chunk, &mut out, &mut tmp);
                sink(&out)?;
                reporter.tick(((c + 1) * chunk).min(count), c + 1 == n_chunks)?;
            }
            return reporter.tick(count, n_chunks == 0);
        }
        self.run_parallel(threads, chunk, n_chunks, sink, &mut reporter)
    }

    fn run_parallel(
        &self,
        threads: usize,
        chunk: u64,
        n_chunks: u64,
        sink: &mut dyn FnMut(&[u8]) -> Result<()>,
        reporter: &mut Reporter<'_, '_>,
    ) -> Result<()> {
        let window = 2 * threads as u64;
        let next = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        // `written` = index of the next chunk to write; workers may run ahead by `window`.
        let gate = (Mutex::new(0u64), Condvar::new());
        let free: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
        let (tx, rx) = mpsc::channel::<(u64, Vec<u8>)>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, stop, gate, free) = (&next, &stop, &gate, &free);
                scope.spawn(move || {
                    let mut tmp = Vec::new();
                    loop {
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        if c >= n_chunks || stop.load(Ordering::Relaxed) {
                            break;
                        }
                        {
                            let mut written = lock(&gate.0);
                            while c >= *written + window && !stop.load(Ordering::Relaxed) {
                                written = gate.1.wait(written).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let mut out = lock(free).pop().unwrap_or_default();
                        self.render(c, chunk, &mut out, &mut tmp);
                        if tx.send((c, out)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let result = (|| -> Result<()> {
                let mut pending: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
                let mut want = 0u64;
                while want < n_chunks {
                    let Ok((c, buf)) = rx.recv() else { break };
                    pending.insert(c, buf);
                    while let Some(buf) = pending.remove(&want) {
                        sink(&buf)?;
                        lock(&free).push(buf);
                        want += 1;
                        *lock(&gate.0) = want;
                        gate.1.notify_all();
                        let done = (want * chunk).min(self.span.count);
                        reporter.tick(done, want == n_chunks)?;
                    }
                }
                Ok(())
            })();
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
                gate.1.notify_all();
            }
            drop(rx);
            result
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Rate-limits the progress hook.
struct Reporter<'p, 'q> {
    last: Instant,
    progress: &'p mut (dyn FnMut(u64) -> Result<()> + 'q),
}

impl Reporter<'_, '_> {
    fn tick(&mut self, done: u64, last: bool) -> Result<()> {
        if last || self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            (self.progress)(done)?;
        }
        Ok(())
    }
}
