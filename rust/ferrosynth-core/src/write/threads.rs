//! Thread-count resolution. Worker threads are scoped to each run, so there is no pool to
//! inherit across `fork()` and nothing to shut down.

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
    cores()
}

/// The number of available cores, read once per process: on Linux the lookup reads cgroup
/// files (tens of microseconds), which a one-sample call must not pay every time.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}
