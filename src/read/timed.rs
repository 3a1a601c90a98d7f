//! A read within its time limit: each worker has a reading thread fed one file at a time,
//! so that a file still being read when its time is up is reported with the limit it hit
//! and left to that thread, and the batch goes on.

use crate::read::{self, ReadError, ReadOptions, ReadResult};
use std::path::{Path, PathBuf};

/// How a file is read (a parameter so that a test can make a read that takes too long).
type ReadFn = fn(&Path, &ReadOptions) -> Result<ReadResult, ReadError>;

/// A reading thread, fed one file at a time, so that the caller can stop waiting.
struct Reader {
    jobs: std::sync::mpsc::Sender<(PathBuf, ReadOptions, ReadFn)>,
    done: std::sync::mpsc::Receiver<Result<ReadResult, ReadError>>,
}

thread_local! {
    /// Each worker's reading thread, kept from file to file (spawning one per file costs
    /// more than reading a small workbook), replaced when a file overran its time.
    static READER: std::cell::RefCell<Option<Reader>> = const { std::cell::RefCell::new(None) };
}

fn spawn_reader() -> Option<Reader> {
    let (jobs, job_rx) = std::sync::mpsc::channel::<(PathBuf, ReadOptions, ReadFn)>();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("sakip-lint-read".into())
        .spawn(move || {
            for (path, opts, read) in job_rx {
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
    if reader
        .jobs
        .send((path.to_path_buf(), opts.clone(), read))
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
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(ReadError::Limit {
            limit: read::Limit::Seconds,
            actual: seconds,
            max: seconds,
        }),
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
