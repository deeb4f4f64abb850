//! How many threads the kernels split work over.
//!
//! [`std::thread::available_parallelism`] reads the cgroup CPU quota files on Linux
//! every time it is called (an `open` and `read` of files under `/sys/fs/cgroup`, about
//! 20 µs), which is as long as a whole flat NPS of a million scores. The kernels ask
//! once per call, so the answer is read once per process and kept: a quota changed
//! while the process runs is not seen (a restart picks it up).

use std::sync::OnceLock;

/// The number of threads the machine offers this process
/// ([`std::thread::available_parallelism`], 1 when it cannot tell), read once per
/// process.
///
/// # Examples
/// ```
/// let n = cx_core::threads::available();
/// assert!(n >= 1);
/// assert_eq!(n, cx_core::threads::available());
/// ```
pub fn available() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}
