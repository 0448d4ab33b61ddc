//! Atomic output files, the one output layer of every format: the file appears complete at its
//! path, or not at all — even when the process is killed with `SIGKILL`.
//!
//! On Linux the data goes to an *unnamed* file (`O_TMPFILE`) in the target's directory: nothing
//! is visible while it is written, and a killed writer leaves nothing behind (the kernel frees
//! the inode). On success the file is fsynced, linked under a temporary name (`linkat` of
//! `/proc/self/fd/N`) and renamed onto the target. Where `O_TMPFILE` is not available (other
//! systems, some file systems) a named temporary `.<name>.<pid>.<n>.tmp` is used instead, and
//! every new write first removes the temporaries of its target left by writers that are no
//! longer running. Both kinds of file get the mode `0666 & !umask`, like any other new file.
//!
//! The data is handed to the disk while it is written ([`Writeback`]), not all at once by the
//! final fsync: a 1.4 GB file otherwise sits in the page cache until the commit, and the fsync
//! then waits for all of it (seconds on a 200 MB/s disk) after generation has finished.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// A file that appears at its path only when [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    target: PathBuf,
    dir: PathBuf,
    /// The named temporary (fallback mode), removed on drop unless committed.
    temp: Option<PathBuf>,
    /// The target is a device or a pipe (`/dev/stdout`, `/dev/null`, a FIFO): written in
    /// place, never replaced.
    direct: bool,
    writer: Option<BufWriter<Writeback>>,
    shown: String,
}

/// A file that starts the write-back of its data every [`Writeback::STEP`] bytes
/// (`sync_file_range(SYNC_FILE_RANGE_WRITE)` on Linux: asynchronous, nothing waits for the
/// disk), so that the disk works while rows are still being generated and the final fsync
/// finds little left to write.
pub struct Writeback {
    file: File,
    written: u64,
    started: u64,
    /// Devices and pipes are written in place and never synced.
    enabled: bool,
}

impl Writeback {
    const STEP: u64 = 32 << 20;

    fn new(file: File, enabled: bool) -> Self {
        Writeback {
            file,
            written: 0,
            started: 0,
            enabled,
        }
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.enabled && self.written - self.started >= Self::STEP {
            unnamed::start_writeback(&self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl AtomicFile {
    /// Opens an unnamed (or, failing that, a hidden named) temporary file beside `target`.
    pub fn create(target: &Path) -> Result<Self> {
        let shown = target.display().to_string();
        let name = target
            .file_name()
            .ok_or_else(|| Error::io(&shown, std::io::Error::other("not a file path")))?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::io(
                &shown,
                std::io::Error::new(std::io::ErrorKind::NotFound, "directory does not exist"),
            ));
        }
        match std::fs::metadata(target) {
            Ok(m) if m.is_dir() => {
                return Err(Error::io(&shown, std::io::Error::other("is a directory")));
            }
            Ok(m) if !m.is_file() => {
                // Not a file to replace: write into the device or pipe itself.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(|e| Error::io(&shown, e))?;
                return Ok(AtomicFile {
                    target: target.to_path_buf(),
                    dir,
                    temp: None,
                    direct: true,
                    writer: Some(BufWriter::with_capacity(
                        1 << 20,
                        Writeback::new(file, false),
                    )),
                    shown,
                });
            }
            _ => {}
        }
        let prefix = format!(".{}.", name.to_string_lossy());
        remove_stale(&dir, &prefix);
        let (file, temp) = match unnamed::open(&dir) {
            Some(file) => (file, None),
            None => {
                let n = COUNTER.fetch_add(1, Ordering::Relaxed);
                let temp = dir.join(format!("{prefix}{}.{n}.tmp", std::process::id()));
                let file = File::create(&temp).map_err(|e| Error::io(&shown, e))?;
                (file, Some(temp))
            }
        };
        Ok(AtomicFile {
            target: target.to_path_buf(),
            dir,
            temp,
            direct: false,
            writer: Some(BufWriter::with_capacity(
                1 << 20,
                Writeback::new(file, true),
            )),
            shown,
        })
    }

    /// The writer for the temporary file.
    pub fn writer(&mut self) -> &mut BufWriter<Writeback> {
        self.writer.as_mut().expect("writer used after commit")
    }

    /// Writes `bytes` (errors name the target).
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let shown = self.shown.clone();
        self.writer()
            .write_all(bytes)
            .map_err(|e| Error::io(&shown, e))
    }

    /// Flushes and fsyncs the data, then puts the file at its path (replacing what was there).
    pub fn commit(mut self) -> Result<()> {
        let shown = self.shown.clone();
        let io = |e| Error::io(&shown, e);
        let Some(w) = self.writer.take() else {
            return Ok(());
        };
        let file = w.into_inner().map_err(|e| io(e.into_error()))?.file;
        if self.direct {
            return Ok(());
        }
        file.sync_all().map_err(io)?;
        match self.temp.take() {
            Some(temp) => {
                let renamed = std::fs::rename(&temp, &self.target);
                if renamed.is_err() {
                    self.temp = Some(temp);
                }
                renamed.map_err(io)?;
            }
            None => {
                let n = COUNTER.fetch_add(1, Ordering::Relaxed);
                let prefix = self
                    .target
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                let temp = self
                    .dir
                    .join(format!(".{prefix}.{}.{n}.tmp", std::process::id()));
                unnamed::link(&file, &temp).map_err(io)?;
                if let Err(e) = std::fs::rename(&temp, &self.target) {
                    let _ = std::fs::remove_file(&temp);
                    return Err(io(e));
                }
            }
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // An unnamed file simply disappears when closed; a named one is removed.
        self.writer.take();
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Removes `dir/<prefix><pid>.<n>.tmp` files whose writer process is gone (Linux: no
/// `/proc/<pid>`). Temporaries of running writers, and files of any other shape, are kept.
fn remove_stale(dir: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return; // no reliable way to tell a dead writer from a live one
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let mut parts = rest.split('.');
        let (Some(pid), Some(n), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), n.parse::<u64>()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod unnamed {
    //! `O_TMPFILE`, `linkat` and `sync_file_range`: the system calls std does not expose.
    use std::fs::{File, OpenOptions};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// Starts writing `len` bytes of `file` from `offset` to the disk, without waiting for it.
    /// Advisory: an error (a file system without it) changes nothing, the commit's fsync still
    /// writes and checks everything.
    pub fn start_writeback(file: &File, offset: u64, len: u64) {
        // SAFETY: a plain system call on an open descriptor; no memory is passed.
        let _ = unsafe {
            libc::sync_file_range(
                file.as_raw_fd(),
                offset as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            )
        };
    }

    /// An unnamed file in `dir`, or `None` where the file system does not support it.
    pub fn open(dir: &Path) -> Option<File> {
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .mode(0o666)
            .open(dir)
            .ok()
    }

    /// Gives the unnamed `file` the name `at`.
    pub fn link(file: &File, at: &Path) -> std::io::Result<()> {
        let from = format!("/proc/self/fd/{}\0", file.as_raw_fd());
        let mut to = at.as_os_str().as_bytes().to_vec();
        to.push(0);
        // SAFETY: both paths are NUL-terminated buffers that outlive the call; `linkat` only
        // reads them. AT_SYMLINK_FOLLOW links the file the magic link points to.
        let rc = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr().cast(),
                libc::AT_FDCWD,
                to.as_ptr().cast(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod unnamed {
    use std::fs::File;
    use std::path::Path;

    pub fn open(_dir: &Path) -> Option<File> {
        None
    }

    pub fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

    pub fn link(_file: &File, _at: &Path) -> std::io::Result<()> {
        Err(std::io::Error::other(
            "unnamed files are not supported here",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ferrosynth-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn nothing_is_visible_before_commit_and_the_file_after() {
        let dir = scratch_dir("commit");
        let target = dir.join("out.jsonl");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"{}\n").unwrap();
        if Path::new("/proc/self").exists() {
            assert_eq!(
                listing(&dir),
                Vec::<String>::new(),
                "an unnamed file has no name"
            );
        }
        f.commit().unwrap();
        assert_eq!(listing(&dir), vec!["out.jsonl"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"{}\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn write_back_starts_every_step_while_writing_and_the_bytes_are_all_there() {
        let dir = scratch_dir("writeback");
        let target = dir.join("big.jsonl");
        let mut f = AtomicFile::create(&target).unwrap();
        let block = vec![b'x'; (Writeback::STEP / 4) as usize];
        for _ in 0..9 {
            f.write_all(&block).unwrap();
        }
        let wb = f.writer().get_ref();
        assert!(wb.enabled);
        // 9/4 steps written (less what BufWriter still holds): write-back began twice.
        assert_eq!(wb.started, 2 * Writeback::STEP, "written {}", wb.written);
        f.commit().unwrap();
        assert_eq!(
            std::fs::metadata(&target).unwrap().len(),
            9 * Writeback::STEP / 4
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_dropped_file_leaves_nothing_and_keeps_the_old_target() {
        let dir = scratch_dir("drop");
        let target = dir.join("out.jsonl");
        std::fs::write(&target, b"old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        assert_eq!(listing(&dir), vec!["out.jsonl"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_writers_are_removed_and_others_kept() {
        let dir = scratch_dir("stale");
        // pid 4194305 is above Linux's PID_MAX_LIMIT: no process can have it.
        let dead = dir.join(".out.jsonl.4194305.0.tmp");
        let live = dir.join(format!(".out.jsonl.{}.7.tmp", std::process::id()));
        let other = dir.join(".other.jsonl.4194305.0.tmp");
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        AtomicFile::create(&dir.join("out.jsonl")).unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists());
        }
        assert!(live.exists() && other.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_written_in_place_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let mut f = AtomicFile::create(Path::new("/dev/null")).unwrap();
        f.write_all(b"gone").unwrap();
        f.commit().unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        let mut full = AtomicFile::create(Path::new("/dev/full")).unwrap();
        let err = full
            .write_all(&[0u8; 2 << 20])
            .and_then(|()| full.commit())
            .unwrap_err();
        assert!(err.to_string().contains("/dev/full"), "{err}");
        assert!(std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_follows_the_umask_like_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch_dir("mode");
        let target = dir.join("out.jsonl");
        let plain = dir.join("plain");
        std::fs::write(&plain, b"").unwrap();
        let f = AtomicFile::create(&target).unwrap();
        f.commit().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), mode(&plain));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
