//! Chunk encodings. Compressed output is written as one gzip member per fixed-size chunk,
//! compressed by the worker threads in parallel (like `pigz`); a multi-member gzip file is a
//! valid gzip file (RFC 1952 §2.2) that every reader decompresses as one stream.

use std::io::Write;

/// Rows per gzip member. Fixed, so compressed bytes never depend on threads or chunk options.
pub const GZIP_MEMBER_ROWS: usize = 16_384;

/// Compression level of gzip output (zlib's default).
pub const GZIP_LEVEL: u32 = 6;

/// How a rendered chunk is encoded before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    Gzip,
}

impl Encoding {
    /// Chunk size the encoding imposes, if any.
    pub fn fixed_chunk_rows(self) -> Option<usize> {
        match self {
            Encoding::Plain => None,
            Encoding::Gzip => Some(GZIP_MEMBER_ROWS),
        }
    }

    /// Encodes `raw` into `out` (cleared first).
    pub fn encode(self, raw: &[u8], out: &mut Vec<u8>) {
        out.clear();
        match self {
            Encoding::Plain => out.extend_from_slice(raw),
            Encoding::Gzip => {
                // Header: no file name, mtime 0, OS "unknown" — identical on every platform.
                let mut enc = flate2::GzBuilder::new()
                    .operating_system(255)
                    .write(std::mem::take(out), flate2::Compression::new(GZIP_LEVEL));
                // Writing to a Vec cannot fail.
                let _ = enc.write_all(raw);
                *out = enc.finish().unwrap_or_default();
            }
        }
    }
}
