//! Where a batch's files are written: each through [`Hashed`] (hashed and counted as it goes,
//! for the manifest), each synced to the disk on a thread of its own once finished
//! ([`sync_later`]), all awaited before the folder is renamed into place. Every file writer
//! of the batch (records, CSVs, FHIR, PDFs, the cover) stands on this, and `render.rs` on them.

use crate::batch::FileEntry;
use crate::error::Result;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A file being written, hashed and counted as it goes.
pub(crate) struct Hashed {
    name: &'static str,
    w: BufWriter<File>,
    hasher: Sha256,
    bytes: u64,
}

impl Hashed {
    pub(crate) fn create(dir: &Path, name: &'static str) -> Result<Hashed> {
        Ok(Hashed {
            name,
            w: BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?),
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// Writes out what is buffered, starts syncing the file to the disk (see [`sync_later`])
    /// and gives its manifest entry.
    pub(crate) fn finish(self) -> Result<FileEntry> {
        let file = self.w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        sync_later(file);
        Ok(FileEntry {
            name: self.name.to_string(),
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }
}

impl Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.w.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

thread_local! {
    /// Files of the batch being rendered on this thread whose sync to the disk is under way.
    static SYNCING: std::cell::RefCell<Vec<std::thread::JoinHandle<std::io::Result<()>>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Syncs a finished file of the batch on a thread of its own, so that the waits for the
/// disk overlap each other and the rendering of the files still to come (one after the
/// other, a dozen syncs cost more than the rendering). `render` waits for all of them ([`wait_for_syncs`])
/// before the batch is renamed into place, so a batch folder is still whole on the disk.
pub(crate) fn sync_later(file: File) {
    let handle = std::thread::spawn(move || file.sync_all());
    SYNCING.with(|s| s.borrow_mut().push(handle));
}

/// Waits for every sync [`sync_later`] started on this thread; the first error, if any.
pub(crate) fn wait_for_syncs() -> Result<()> {
    let mut first = Ok(());
    for handle in SYNCING.with(|s| std::mem::take(&mut *s.borrow_mut())) {
        let done = handle.join().unwrap_or_else(|_| Err(std::io::Error::other("sync thread panicked")));
        if first.is_ok() {
            first = done;
        }
    }
    Ok(first?)
}
