//! Thread-count resolution and fork-safe cached rayon pools.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The environment variable that sets the default thread count.
pub const THREADS_ENV: &str = "FERROSYNTH_THREADS";

/// An explicit count wins, then `FERROSYNTH_THREADS`, then the number of available cores.
pub fn resolve_threads(explicit: Option<usize>) -> usize {
    if let Some(n) = explicit.filter(|&n| n > 0) {
        return n;
    }
    if let Some(n) = std::env::var(THREADS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        if n > 0 {
            return n;
        }
    }
    std::thread::available_parallelism().map_or(1, usize::from)
}

type Pools = HashMap<usize, Arc<rayon::ThreadPool>>;

/// A pool of `n` threads, cached per process. A forked child never reuses its parent's pools
/// (their threads do not exist in the child): the cache is keyed by process id.
pub fn pool(n: usize) -> Arc<rayon::ThreadPool> {
    static CACHE: OnceLock<Mutex<(u32, Pools)>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new((std::process::id(), HashMap::new())));
    let mut guard = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pid = std::process::id();
    if guard.0 != pid {
        // Leak the parent's pools rather than joining threads that are not there.
        std::mem::forget(std::mem::take(&mut guard.1));
        guard.0 = pid;
    }
    guard
        .1
        .entry(n)
        .or_insert_with(|| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("ferrosynth-{i}"))
                    .build()
                    .expect("rayon cannot start worker threads"),
            )
        })
        .clone()
}
