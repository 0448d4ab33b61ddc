//! Parquet written by the `parquet` crate: one row group per record batch of
//! [`super::arrow::record_batches`], through the one output layer ([`AtomicFile`]), so a Parquet
//! file gets the same atomic rename, file mode and `OutputError` mapping as JSON Lines.

use std::io::Write;
use std::path::Path;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression as Codec, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use super::arrow::{map_batches, schema};
use super::{AtomicFile, Progress, RunOptions, Span};
use crate::error::{Error, Result};
use crate::plan::Plan;

/// The compression codec of a Parquet file's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Snappy,
    /// zstd at level 1 (pyarrow's default level): the default.
    Zstd,
}

impl Compression {
    pub const NAMES: &'static [(&'static str, Compression)] = &[
        ("zstd", Compression::Zstd),
        ("snappy", Compression::Snappy),
        ("none", Compression::None),
    ];

    /// The codec called `name`; the error lists the valid names.
    pub fn parse(name: &str) -> Result<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                Error::config(
                    "compression",
                    format!(
                        "unknown Parquet compression {name:?}; expected one of {}",
                        names.join(", ")
                    ),
                )
            })
    }

    fn codec(self) -> Codec {
        match self {
            Compression::None => Codec::UNCOMPRESSED,
            Compression::Snappy => Codec::SNAPPY,
            Compression::Zstd => Codec::ZSTD(ZstdLevel::default()),
        }
    }
}

/// How a Parquet file is laid out. None of these change the rows.
#[derive(Debug, Clone, Copy)]
pub struct ParquetOptions {
    /// Rows per row group (and per record batch).
    pub batch_rows: usize,
    pub compression: Compression,
}

/// Counts the bytes that reach the file.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A `parquet` error as the core's error for `path`: OS errors keep their kind (and so map to
/// the same `OutputError` as JSON Lines).
fn parquet_err(path: &str, e: ParquetError) -> Error {
    match e {
        ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => Error::io(path, *io),
            Err(other) => Error::io(path, std::io::Error::other(other.to_string())),
        },
        other => Error::io(path, std::io::Error::other(other.to_string())),
    }
}

/// Writes samples `span` as Parquet into `w` (`path` names it in errors); returns the bytes
/// written. `progress(rows_done)` runs after each row group.
pub fn write_parquet(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    layout: ParquetOptions,
    w: &mut (dyn Write + Send),
    path: &str,
    progress: Progress<'_>,
) -> Result<u64> {
    let batch_rows = layout.batch_rows.max(1);
    let props = WriterProperties::builder()
        .set_compression(layout.compression.codec())
        .set_max_row_group_row_count(Some(batch_rows))
        .set_created_by(format!("ferrosynth {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut out = Counting {
        inner: w,
        written: 0,
    };
    let err = |e| parquet_err(path, e);
    let arrow = ArrowWriter::try_new(&mut out, schema(plan), Some(props)).map_err(err)?;
    // The low-level writer: each worker encodes and compresses its own row group (in memory),
    // and this thread only appends the finished column chunks in order.
    let (mut file, row_groups) = arrow.into_serialized_writer().map_err(err)?;
    let encode = |b: u64, batch: RecordBatch| -> Result<Vec<ArrowColumnChunk>> {
        let mut writers = row_groups.create_column_writers(b as usize).map_err(err)?;
        let mut next = writers.iter_mut();
        for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, column).map_err(err)? {
                let writer = next.next().ok_or_else(|| {
                    err(ParquetError::General("more leaves than columns".to_owned()))
                })?;
                writer.write(&leaf).map_err(err)?;
            }
        }
        writers
            .into_iter()
            .map(|w| w.close().map_err(err))
            .collect()
    };
    map_batches(
        plan,
        span,
        opts,
        batch_rows,
        &encode,
        &mut |chunks| {
            let mut group = file.next_row_group().map_err(err)?;
            for chunk in chunks {
                chunk.append_to_row_group(&mut group).map_err(err)?;
            }
            group.close().map_err(err).map(drop)
        },
        progress,
    )?;
    file.close().map_err(err)?;
    out.flush().map_err(|e| Error::io(path, e))?;
    Ok(out.written)
}

/// Writes samples `span` as Parquet to `path`, atomically (see [`AtomicFile`]).
pub fn write_parquet_file(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    layout: ParquetOptions,
    path: &Path,
    progress: Progress<'_>,
) -> Result<u64> {
    let mut file = AtomicFile::create(path)?;
    let shown = path.display().to_string();
    let written = write_parquet(plan, span, opts, layout, file.writer(), &shown, progress)?;
    file.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn bytes(plan: &Plan, span: Span, layout: ParquetOptions, threads: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let opts = RunOptions {
            threads: Some(threads),
            ..RunOptions::default()
        };
        let n = write_parquet(plan, span, opts, layout, &mut out, "<memory>", &mut |_| {
            Ok(())
        })
        .unwrap();
        assert_eq!(n, out.len() as u64);
        out
    }

    fn read(file: Vec<u8>) -> Vec<RecordBatch> {
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(file))
            .unwrap()
            .with_batch_size(1 << 20)
            .build()
            .unwrap();
        reader.map(|b| b.unwrap()).collect()
    }

    #[test]
    fn a_file_written_by_rust_reads_back_with_one_row_group_per_batch() {
        let plan = super::super::arrow::tests::plan(serde_json::json!({"data_type": "persona"}));
        let span = Span {
            seed: 3,
            start: 10,
            count: 2_500,
        };
        for compression in [Compression::Zstd, Compression::Snappy, Compression::None] {
            let layout = ParquetOptions {
                batch_rows: 1000,
                compression,
            };
            let file = bytes(&plan, span, layout, 2);
            assert_eq!(
                file,
                bytes(&plan, span, layout, 1),
                "thread count changed bytes"
            );
            let meta = SerializedFileReader::new(bytes::Bytes::from(file.clone())).unwrap();
            let groups: Vec<i64> = meta
                .metadata()
                .row_groups()
                .iter()
                .map(|g| g.num_rows())
                .collect();
            assert_eq!(groups, [1000, 1000, 500]);
            let codec = meta.metadata().row_group(0).column(0).compression();
            assert_eq!(codec, compression.codec());
            let back =
                arrow_select::concat::concat_batches(&read(file.clone())[0].schema(), &read(file))
                    .unwrap();
            let mut want = Vec::new();
            let opts = RunOptions::default();
            super::super::arrow::record_batches(
                &plan,
                span,
                opts,
                2_500,
                &mut |b| {
                    want.push(b);
                    Ok(())
                },
                &mut |_| Ok(()),
            )
            .unwrap();
            assert_eq!(back.num_rows(), 2_500);
            assert_eq!(back.columns(), want[0].columns());
        }
    }

    #[test]
    fn unknown_compression_names_the_valid_ones() {
        let err = Compression::parse("lzo").unwrap_err().to_string();
        assert!(err.contains("zstd, snappy, none"), "{err}");
    }
}
