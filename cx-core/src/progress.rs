//! Progress of long-running work: ingesting large files and bootstrap intervals.
//!
//! A kernel that can take seconds accepts an optional [`Progress`] and reports
//! `(done, total)` through a [`Ticker`], which calls it at fixed fractions of the
//! total (every 1 %, so at most about a hundred calls per job, whatever its size)
//! and once more with `done == total` when the work is complete. The values are
//! monotone. Without a `Progress` the ticker costs one comparison per unit of work.
//!
//! Returning an error from [`Progress::update`] stops the work: the kernel returns
//! that error (this is how a Python callback's exception reaches the caller).
//! Rendering (a bar on a terminal, a notebook widget) is the caller's business:
//! the `cx` command line draws one on stderr only when stderr is a terminal.
//!
//! Units are the kernel's: bytes of the input file for the readers
//! ([`crate::ingest::read_feedback_file_progress`], [`crate::summary::summarize_file_progress`]),
//! resamples for the bootstrap ([`crate::metrics::nps::nps_progress`],
//! [`crate::drivers::analyze_progress`]).
//!
//! # Examples
//! ```
//! use std::sync::Mutex;
//! use cx_core::metrics::nps::{nps_progress, NpsInterval, NpsOptions};
//! let seen = Mutex::new(Vec::new());
//! let record = |done: u64, total: u64| {
//!     seen.lock().map_err(|_| cx_core::CxError::option("progress", "poisoned"))?.push((done, total));
//!     Ok(())
//! };
//! let opts = NpsOptions::new().interval(NpsInterval::Bootstrap { resamples: 500, seed: 1 });
//! let s = nps_progress(&[10.0, 9.0, 7.0, 3.0, 8.0, 10.0], opts, &record)?;
//! let seen = seen.into_inner().unwrap_or_default();
//! assert_eq!(seen.first(), Some(&(0, 500)));
//! assert_eq!(seen.last(), Some(&(500, 500)));
//! assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
//! assert!(s.ci_low < s.score && s.score < s.ci_high);
//! # Ok::<(), cx_core::CxError>(())
//! ```

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::{CxError, Result};

/// Receives `(done, total)` of a long-running job.
///
/// Implemented for every `Fn(u64, u64) -> Result<()> + Sync` closure.
pub trait Progress: Sync {
    /// `done` of `total` units are complete. An error stops the job, which returns it.
    ///
    /// # Errors
    /// Whatever the implementation decides (e.g. the user cancelled).
    fn update(&self, done: u64, total: u64) -> Result<()>;
}

impl<F> Progress for F
where
    F: Fn(u64, u64) -> Result<()> + Sync,
{
    fn update(&self, done: u64, total: u64) -> Result<()> {
        self(done, total)
    }
}

/// Calls a [`Progress`] at fixed fractions of a known total; cheap when there is none.
///
/// [`Ticker::start`] reports `(0, total)`, [`Ticker::tick`] reports when `done` crosses
/// the next step (1 % of the total), [`Ticker::finish`] reports `(total, total)`. Reports
/// are monotone in `done` and at most one per step. The first error of the `Progress` is
/// kept ([`Ticker::error`]) and every later call returns it without calling again.
///
/// # Examples
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use cx_core::progress::Ticker;
/// let calls = AtomicU64::new(0);
/// let count = |_: u64, _: u64| { calls.fetch_add(1, Ordering::Relaxed); Ok(()) };
/// let t = Ticker::new(Some(&count), 1_000_000);
/// t.start()?;
/// for i in 1..=1_000_000 { t.tick(i)?; }
/// t.finish()?;
/// assert_eq!(calls.load(Ordering::Relaxed), 101); // start + 100 steps (the last is the finish)
/// # Ok::<(), cx_core::CxError>(())
/// ```
pub struct Ticker<'a> {
    progress: Option<&'a dyn Progress>,
    total: u64,
    step: u64,
    /// Next `done` at which to report (`u64::MAX`: never).
    next: AtomicU64,
    /// Largest `done` reported so far (`u64::MAX`: none yet).
    last: AtomicU64,
    error: OnceLock<CxError>,
    /// Serialises reports from several worker threads (so they stay monotone).
    lock: Mutex<()>,
}

impl std::fmt::Debug for Ticker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticker")
            .field("active", &self.progress.is_some())
            .field("total", &self.total)
            .field("reported", &self.last.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Reports per job: one per 1 % of the total.
const STEPS: u64 = 100;

impl<'a> Ticker<'a> {
    /// A ticker over `total` units (no reports at all when `progress` is `None`).
    pub fn new(progress: Option<&'a dyn Progress>, total: u64) -> Self {
        let step = (total / STEPS).max(1);
        Self {
            progress,
            total,
            step,
            next: AtomicU64::new(if progress.is_some() { step } else { u64::MAX }),
            last: AtomicU64::new(u64::MAX),
            error: OnceLock::new(),
            lock: Mutex::new(()),
        }
    }

    /// The total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Report `(0, total)`.
    ///
    /// # Errors
    /// The error of the [`Progress`].
    pub fn start(&self) -> Result<()> {
        self.report(0)
    }

    /// Note that `done` units are complete; reports when a step boundary is crossed.
    ///
    /// # Errors
    /// The error of the [`Progress`] (also on later calls once it has failed).
    #[inline]
    pub fn tick(&self, done: u64) -> Result<()> {
        if done < self.next.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.report(done.min(self.total))
    }

    /// Report `(total, total)` (once).
    ///
    /// # Errors
    /// The error of the [`Progress`].
    pub fn finish(&self) -> Result<()> {
        self.report(self.total)
    }

    /// The error the [`Progress`] returned, if it did.
    pub fn error(&self) -> Option<&CxError> {
        self.error.get()
    }

    #[cold]
    fn report(&self, done: u64) -> Result<()> {
        let Some(p) = self.progress else {
            return Ok(());
        };
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = self.error.get() {
            return Err(e.clone());
        }
        // Monotone: never report a value again, or less than before.
        let last = self.last.load(Ordering::Relaxed);
        // Re-checked under the lock: another thread may have reported this step
        // between our unlocked `tick` check and here (at most one report per step).
        if last != u64::MAX
            && (done <= last || (done < self.total && done < self.next.load(Ordering::Relaxed)))
        {
            return Ok(());
        }
        self.last.store(done, Ordering::Relaxed);
        let next = if done >= self.total {
            u64::MAX
        } else {
            (done / self.step + 1) * self.step
        };
        self.next.store(next, Ordering::Relaxed);
        p.update(done, self.total).inspect_err(|e| {
            self.next.store(0, Ordering::Relaxed);
            let _ = self.error.set(e.clone());
        })
    }
}

/// A reader that reports the bytes read through a [`Ticker`] (whose total is the
/// input's size). It never reports the whole total itself: the caller calls
/// [`Ticker::finish`] once the last bytes are also processed. When the ticker's
/// `Progress` fails, reading fails with an I/O error; the caller returns
/// [`Ticker::error`] instead (see [`ProgressRead::result`]).
#[derive(Debug)]
pub struct ProgressRead<'t, 'a, R> {
    inner: R,
    read: u64,
    ticker: &'t Ticker<'a>,
}

impl<'t, 'a, R> ProgressRead<'t, 'a, R> {
    /// Wrap `inner`.
    pub fn new(inner: R, ticker: &'t Ticker<'a>) -> Self {
        Self {
            inner,
            read: 0,
            ticker,
        }
    }

    /// The result of a job that read through a `ProgressRead` on `ticker`: the
    /// progress error if the progress stopped it, else `result` after reporting
    /// `(total, total)` on success.
    ///
    /// # Errors
    /// The progress error, or the job's own error.
    pub fn result<T>(ticker: &Ticker<'_>, result: Result<T>) -> Result<T> {
        match (result, ticker.error()) {
            (_, Some(e)) => Err(e.clone()),
            (Ok(v), None) => ticker.finish().map(|()| v),
            (Err(e), None) => Err(e),
        }
    }
}

impl<R: Read> Read for ProgressRead<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let shown = self.read.min(self.ticker.total().saturating_sub(1));
        self.ticker
            .tick(shown)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Seen = Mutex<Vec<(u64, u64)>>;

    fn rec(m: &Seen, d: u64, t: u64) -> Result<()> {
        m.lock()
            .map_err(|_| CxError::option("progress", "poisoned"))?
            .push((d, t));
        Ok(())
    }

    #[test]
    fn reports_are_monotone_bounded_and_end_at_total() -> Result<()> {
        let seen = Seen::default();
        let p = |d, t| rec(&seen, d, t);
        let t = Ticker::new(Some(&p), 12_345);
        t.start()?;
        for i in (0..=12_345).step_by(7) {
            t.tick(i)?;
        }
        t.finish()?;
        t.finish()?;
        let v = seen.into_inner().unwrap_or_default();
        assert_eq!(v.first(), Some(&(0, 12_345)));
        assert_eq!(v.last(), Some(&(12_345, 12_345)));
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(v.len() <= 102, "{} reports", v.len());
        Ok(())
    }

    #[test]
    fn small_totals_report_every_unit() -> Result<()> {
        let seen = Seen::default();
        let p = |d, t| rec(&seen, d, t);
        let t = Ticker::new(Some(&p), 3);
        t.start()?;
        for i in 1..=3 {
            t.tick(i)?;
        }
        t.finish()?;
        let v = seen.into_inner().unwrap_or_default();
        assert_eq!(v, [(0, 3), (1, 3), (2, 3), (3, 3)]);
        Ok(())
    }

    #[test]
    fn an_error_stops_and_sticks() {
        let calls = AtomicU64::new(0);
        let p = |d: u64, _: u64| {
            calls.fetch_add(1, Ordering::Relaxed);
            if d >= 50 {
                Err(CxError::option("progress", "stop"))
            } else {
                Ok(())
            }
        };
        let t = Ticker::new(Some(&p), 100);
        let stopped = (0..=100).find_map(|i| t.tick(i).err());
        assert_eq!(stopped, Some(CxError::option("progress", "stop")));
        assert!(t.tick(100).is_err() && t.finish().is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 50);
    }

    #[test]
    fn reports_from_several_threads_stay_monotone() -> Result<()> {
        let seen = Seen::default();
        let p = |d, t| rec(&seen, d, t);
        let t = Ticker::new(Some(&p), 100_000);
        let done = AtomicU64::new(0);
        t.start()?;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..25_000 {
                        let _ = t.tick(done.fetch_add(1, Ordering::Relaxed) + 1);
                    }
                });
            }
        });
        t.finish()?;
        let v = seen.into_inner().unwrap_or_default();
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0), "{v:?}");
        assert_eq!(v.last(), Some(&(100_000, 100_000)));
        // At most one report per step, however the threads interleave.
        assert!(v.len() <= 102, "{} reports", v.len());
        Ok(())
    }

    #[test]
    fn absent_progress_never_reports() -> Result<()> {
        let t = Ticker::new(None, 10);
        t.start()?;
        t.tick(5)?;
        t.finish()
    }

    #[test]
    fn reader_reports_bytes_then_finish_reports_the_total() -> Result<()> {
        let seen = Seen::default();
        let p = |d, t| rec(&seen, d, t);
        let data = vec![b'x'; 10_000];
        let t = Ticker::new(Some(&p), data.len() as u64);
        t.start()?;
        let mut r = ProgressRead::new(&data[..], &t);
        let mut sink = Vec::new();
        let got = r.read_to_end(&mut sink).map_err(CxError::from);
        assert!(
            seen.lock()
                .is_ok_and(|v| v.iter().all(|&(d, _)| d < 10_000))
        );
        ProgressRead::<&[u8]>::result(&t, got)?;
        let v = seen.into_inner().unwrap_or_default();
        assert_eq!(v.last(), Some(&(10_000, 10_000)));
        Ok(())
    }

    #[test]
    fn reader_fails_with_the_progress_error() {
        let p = |_: u64, _: u64| Err(CxError::option("progress", "cancelled"));
        let data = vec![b'x'; 1000];
        let t = Ticker::new(Some(&p), 1000);
        let mut r = ProgressRead::new(&data[..], &t);
        let got = r.read_to_end(&mut Vec::new()).map_err(CxError::from);
        assert!(got.is_err());
        assert_eq!(
            ProgressRead::<&[u8]>::result(&t, got).err(),
            Some(CxError::option("progress", "cancelled"))
        );
    }
}
