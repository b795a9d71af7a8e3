//! `--threads`: the size of the native thread pool (rayon) that the `threads` feature uses for
//! histogram building and independent runs; results do not depend on it.

/// Sets the global pool size when asked; without the feature, more than one thread is refused.
pub fn configure(threads: Option<usize>) -> Result<(), String> {
    let Some(threads) = threads else {
        return Ok(());
    };
    #[cfg(feature = "threads")]
    {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| format!("cannot start {threads} threads: {e}"))
    }
    #[cfg(not(feature = "threads"))]
    {
        if threads > 1 {
            return Err("this build has no threads; rebuild with --features threads".into());
        }
        Ok(())
    }
}
