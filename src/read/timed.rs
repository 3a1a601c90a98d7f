//! A read within its time limit: each worker has a reading thread fed one file at a time,
//! so that a file still being read when its time is up is reported with the limit it hit
//! and the batch goes on.
//!
//! The late read is then told to stop: each read has a stop flag, set when its time is
//! up, that the readers look at as they go ([`stop_requested`]: between sheets, every few
//! thousand cells of a streamed sheet, every few thousand XML events of a Word document,
//! every page and every few thousand glyphs of a PDF). The reading thread gives the file
//! up within milliseconds and ends, instead of reading on beside the next files and
//! taking a core from them. What cannot be stopped part-way (calamine reading one whole
//! `.xls`/`.ods` sheet, lopdf parsing a PDF's objects) is bounded by the size and cell
//! limits, and stops at the next check after it.

use crate::read::{self, ReadError, ReadOptions, ReadResult};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How a file is read (a parameter so that a test can make a read that takes too long).
type ReadFn = fn(&Path, &ReadOptions) -> Result<ReadResult, ReadError>;

/// A reading thread, fed one file at a time, so that the caller can stop waiting.
struct Reader {
    jobs: std::sync::mpsc::Sender<Job>,
    done: std::sync::mpsc::Receiver<Result<ReadResult, ReadError>>,
}

/// One file for a reading thread, with the flag that tells it to stop.
type Job = (PathBuf, ReadOptions, ReadFn, Arc<AtomicBool>);

thread_local! {
    /// Each worker's reading thread, kept from file to file (spawning one per file costs
    /// more than reading a small workbook), replaced when a file overran its time.
    static READER: std::cell::RefCell<Option<Reader>> = const { std::cell::RefCell::new(None) };
    /// On a reading thread, the stop flag of the file it reads.
    static STOP: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

/// Reading threads alive (for the tests that show a late read really ends).
static READING_THREADS: AtomicUsize = AtomicUsize::new(0);

/// Has the read on this thread run out of time? Readers call it as they go and give the
/// file up when it says so; outside a timed read it is always false. Cheap (a
/// thread-local and a relaxed load), but meant for every few thousand steps, not each.
pub fn stop_requested() -> bool {
    STOP.with_borrow(|s| s.as_ref().is_some_and(|f| f.load(Ordering::Relaxed)))
}

/// The number of reading threads alive.
#[doc(hidden)]
pub fn reading_threads() -> usize {
    READING_THREADS.load(Ordering::SeqCst)
}

/// Counts a reading thread while it lives (dropped when the thread ends, panic or not).
struct Alive;

impl Alive {
    fn new() -> Self {
        READING_THREADS.fetch_add(1, Ordering::SeqCst);
        Alive
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        READING_THREADS.fetch_sub(1, Ordering::SeqCst);
    }
}

fn spawn_reader() -> Option<Reader> {
    let (jobs, job_rx) = std::sync::mpsc::channel::<Job>();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("sakip-lint-read".into())
        .spawn(move || {
            let _alive = Alive::new();
            for (path, opts, read, stop) in job_rx {
                STOP.with_borrow_mut(|s| *s = Some(stop));
                if done_tx.send(read(&path, &opts)).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(Reader { jobs, done })
}

/// Read one workbook within `seconds`: a file still being read then is reported with the
/// limit it hit and left to its thread (which ends when that read does; the process does
/// not wait for it), and the batch goes on.
pub fn read_in_time(
    path: &Path,
    opts: &ReadOptions,
    seconds: u64,
) -> Result<ReadResult, ReadError> {
    read_in_time_with(read::read_workbook, path, opts, seconds)
}

fn read_in_time_with(
    read: ReadFn,
    path: &Path,
    opts: &ReadOptions,
    seconds: u64,
) -> Result<ReadResult, ReadError> {
    let reader = READER.with_borrow_mut(Option::take).or_else(spawn_reader);
    let Some(reader) = reader else {
        // No thread to be had: read here, without the time limit.
        return read(path, opts);
    };
    let stop = Arc::new(AtomicBool::new(false));
    if reader
        .jobs
        .send((path.to_path_buf(), opts.clone(), read, stop.clone()))
        .is_err()
    {
        return read(path, opts);
    }
    match reader
        .done
        .recv_timeout(std::time::Duration::from_secs(seconds))
    {
        Ok(result) => {
            READER.with_borrow_mut(|r| *r = Some(reader));
            result
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // The reader is dropped here: its thread ends once the read gives up.
            stop.store(true, Ordering::Relaxed);
            Err(ReadError::Limit {
                limit: read::Limit::Seconds,
                actual: seconds,
                max: seconds,
            })
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(ReadError::Io {
            source: std::io::Error::other("the reader stopped unexpectedly"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(_: &Path, _: &ReadOptions) -> Result<ReadResult, ReadError> {
        std::thread::sleep(std::time::Duration::from_secs(3));
        Err(ReadError::Empty {
            format: read::Format::Xlsx,
        })
    }

    fn quick(_: &Path, _: &ReadOptions) -> Result<ReadResult, ReadError> {
        Err(ReadError::Empty {
            format: read::Format::Xlsx,
        })
    }

    #[test]
    fn a_read_over_its_time_is_left_and_the_next_file_is_read() {
        let opts = ReadOptions::default();
        let p = Path::new("lambat.xlsx");
        let late = read_in_time_with(slow, p, &opts, 1);
        assert!(
            matches!(
                late,
                Err(ReadError::Limit {
                    limit: read::Limit::Seconds,
                    max: 1,
                    ..
                })
            ),
            "{late:?}"
        );
        assert_eq!(
            late.err().map(|e| e.message_id()),
            Some("read.limit-seconds")
        );
        // The stuck reader was given up: the next file gets a fresh one at once.
        let next = read_in_time_with(quick, p, &opts, 1);
        assert!(matches!(next, Err(ReadError::Empty { .. })), "{next:?}");
    }
}
