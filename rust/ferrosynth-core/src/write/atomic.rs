//! Atomic output files: write to a temporary file next to the target, rename on success,
//! delete on failure (including panics and cancellation, through `Drop`).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file that appears at its path only when [`AtomicFile::commit`] succeeds.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file `.<name>.<pid>.<n>.tmp` in the target's directory.
    pub fn create(target: &Path) -> Result<Self> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
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
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(
            ".{}.{}.{n}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&temp).map_err(|e| Error::io(&shown, e))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The writer for the temporary file.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer used after commit")
    }

    /// Flushes, then renames the temporary file onto the target.
    pub fn commit(mut self) -> Result<()> {
        let shown = self.target.display().to_string();
        if let Some(w) = self.writer.take() {
            let file = w
                .into_inner()
                .map_err(|e| Error::io(&shown, e.into_error()))?;
            drop(file);
        }
        std::fs::rename(&self.temp, &self.target).map_err(|e| Error::io(&shown, e))?;
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.writer.take();
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
