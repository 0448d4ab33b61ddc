//! Arrow record batches built in the core: the schema from the plan's [`Col`] types, and batches
//! of exactly `batch_rows` rows (the last may be shorter) rendered by the worker threads.
//!
//! Each worker renders its batch with the same emitters as JSON Lines into a reused buffer
//! (sub-chunks of [`RENDER_ROWS`] rows) and feeds it to arrow-json's tape [`Decoder`] in the same
//! thread, which builds the typed arrays. Rendering straight into array builders would need a
//! second emitter per data type and export format; measured, the decode step costs about as
//! much as rendering (see `docs/benchmarks.md`), and the writer thread only orders batches.
//!
//! `json` columns (values with no single Arrow type) are decoded by [`JsonText`]: the value's
//! tape is written back as compact JSON text, byte for byte what JSON Lines holds, with no
//! `serde_json::Value` in between. Such fields carry the metadata [`JSON_KEY`]` = "json"`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_json::reader::{
    ArrayDecoder, Decoder, DecoderContext, DecoderFactory, Tape, TapeElement,
};
use arrow_json::ReaderBuilder;
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Fields, Schema, SchemaRef};

use super::columns::{sample_columns, Col};
use super::{resolve_threads, Progress, RunOptions, Span};
use crate::error::{Error, Result};
use crate::json::{escape_into, JsonWriter};
use crate::plan::{Envelope, Plan};

/// Field metadata key marking a string column that holds JSON text.
pub const JSON_KEY: &str = "ferrosynth.type";

/// Rows per batch at most (and per Parquet row group).
pub const DEFAULT_BATCH_ROWS: usize = 131_072;

/// Rendered JSON per batch that [`batch_rows_for`] aims at: wide records (agent traces, ~3 KB)
/// get fewer rows per batch, so memory stays flat whatever the record size.
pub const BATCH_BYTES: usize = 1 << 23;

/// Rows rendered at a time before they are fed to the decoder (keeps the text buffer small).
const RENDER_ROWS: u64 = 4096;

/// The Arrow type of a column type. `json` columns are strings (see [`JSON_KEY`]).
pub fn data_type(col: &Col) -> DataType {
    match col {
        Col::Int => DataType::Int64,
        Col::Float => DataType::Float64,
        Col::Bool => DataType::Boolean,
        Col::Str | Col::Json => DataType::Utf8,
        Col::Null => DataType::Null,
        Col::List(item) => DataType::List(Arc::new(field("item", item))),
        Col::Struct(fields) => DataType::Struct(struct_fields(fields)),
    }
}

/// A nullable field (JSON objects may leave keys out).
fn field(name: &str, col: &Col) -> Field {
    let f = Field::new(name, data_type(col), true);
    if *col == Col::Json {
        let meta = HashMap::from([(JSON_KEY.to_owned(), "json".to_owned())]);
        f.with_metadata(meta)
    } else {
        f
    }
}

fn struct_fields(fields: &[(String, Col)]) -> Fields {
    fields.iter().map(|(n, c)| field(n, c)).collect()
}

/// The Arrow schema of the plan's records: the top-level struct's fields.
pub fn schema(plan: &Plan) -> SchemaRef {
    match sample_columns(plan) {
        Col::Struct(fields) => Arc::new(Schema::new(struct_fields(&fields))),
        // A bare value (never produced today: every sample is an object) is one column.
        other => Arc::new(Schema::new(vec![field("value", &other)])),
    }
}

/// Rows per batch for about [`BATCH_BYTES`] of rendered JSON, sized from the first 1,000 rows:
/// [`DEFAULT_BATCH_ROWS`] for small records, fewer (at least 1,024) for wide ones.
pub fn batch_rows_for(plan: &Plan, span: Span) -> usize {
    let probe = span.count.min(1000);
    if probe == 0 {
        return DEFAULT_BATCH_ROWS;
    }
    let mut w = JsonWriter::default();
    let mut scratch = plan.scratch();
    for i in span.start..span.start.saturating_add(probe) {
        w.reset_state();
        plan.emit(span.seed, i, Envelope::Sample, &mut scratch, &mut w);
        w.buf.push(b'\n');
    }
    let per_row = (w.buf.len() / probe as usize).max(1);
    (BATCH_BYTES / per_row).clamp(1024, DEFAULT_BATCH_ROWS)
}

fn arrow_err(e: ArrowError) -> Error {
    Error::Invalid {
        location: "arrow".to_owned(),
        reason: e.to_string(),
    }
}

/// One worker's state: its decoder, text buffer and generation scratch.
struct Worker<'p> {
    plan: &'p Plan,
    span: Span,
    batch_rows: u64,
    decoder: Decoder,
    w: JsonWriter,
    scratch: crate::plan::Scratch<'p>,
}

impl<'p> Worker<'p> {
    fn new(plan: &'p Plan, span: Span, batch_rows: u64, schema: &SchemaRef) -> Result<Self> {
        let decoder = ReaderBuilder::new(schema.clone())
            .with_batch_size(batch_rows as usize)
            .with_strict_mode(true)
            .with_decoder_factory(Arc::new(JsonTextFactory))
            .build_decoder()
            .map_err(arrow_err)?;
        Ok(Worker {
            plan,
            span,
            batch_rows,
            decoder,
            w: JsonWriter::default(),
            scratch: plan.scratch(),
        })
    }

    /// Renders and decodes batch `b`.
    fn batch(&mut self, b: u64) -> Result<RecordBatch> {
        let end = self.span.start.saturating_add(self.span.count);
        let lo = self
            .span
            .start
            .saturating_add(b.saturating_mul(self.batch_rows));
        let hi = lo.saturating_add(self.batch_rows).min(end);
        let mut at = lo;
        while at < hi {
            let stop = at.saturating_add(RENDER_ROWS).min(hi);
            self.w.buf.clear();
            for i in at..stop {
                self.w.reset_state();
                let w = &mut self.w;
                self.plan
                    .emit(self.span.seed, i, Envelope::Sample, &mut self.scratch, w);
                w.buf.push(b'\n');
            }
            let mut off = 0;
            while off < self.w.buf.len() {
                let n = self.decoder.decode(&self.w.buf[off..]).map_err(arrow_err)?;
                if n == 0 {
                    return Err(arrow_err(ArrowError::JsonError(
                        "decoder stopped before the end of the batch".to_owned(),
                    )));
                }
                off += n;
            }
            at = stop;
        }
        let batch = self.decoder.flush().map_err(arrow_err)?;
        batch.ok_or_else(|| arrow_err(ArrowError::JsonError("empty batch".to_owned())))
    }
}

/// Runs samples `span` as record batches of `batch_rows` rows, handed to `sink` in index order;
/// `progress(rows_done)` runs after each batch (and may cancel the run).
pub fn record_batches(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    batch_rows: usize,
    sink: &mut dyn FnMut(RecordBatch) -> Result<()>,
    progress: Progress<'_>,
) -> Result<()> {
    map_batches(plan, span, opts, batch_rows, &|_, b| Ok(b), sink, progress)
}

/// [`record_batches`], with `finish(batch_number, batch)` run on the worker thread that built
/// the batch (the Parquet writer encodes and compresses its row group there), and its result
/// handed to `sink` in index order.
pub(crate) fn map_batches<T: Send>(
    plan: &Plan,
    span: Span,
    opts: RunOptions,
    batch_rows: usize,
    finish: &(dyn Fn(u64, RecordBatch) -> Result<T> + Sync),
    sink: &mut dyn FnMut(T) -> Result<()>,
    progress: Progress<'_>,
) -> Result<()> {
    let batch_rows = batch_rows.max(1) as u64;
    let schema = schema(plan);
    let n = span.count.div_ceil(batch_rows);
    let done = |b: u64| ((b + 1) * batch_rows).min(span.count);
    let threads = match n {
        0 | 1 => 1,
        n => resolve_threads(opts.threads).min(n as usize),
    };
    if threads <= 1 {
        let mut worker = Worker::new(plan, span, batch_rows, &schema)?;
        for b in 0..n {
            sink(finish(b, worker.batch(b)?)?)?;
            progress(done(b))?;
        }
        if n == 0 {
            progress(0)?;
        }
        return Ok(());
    }
    let mut handle = |b: u64, item: T| -> Result<()> {
        sink(item)?;
        progress(done(b))
    };
    let make = || Worker::new(plan, span, batch_rows, &schema);
    ordered(threads, n, &mut handle, &make, finish)
}

/// Runs `n` batches on `threads` workers, at most `2 × threads` ahead of the consumer, and hands
/// them to `sink` in order. The first error (a worker's or the sink's) stops every worker.
fn ordered<'p, T: Send>(
    threads: usize,
    n: u64,
    sink: &mut dyn FnMut(u64, T) -> Result<()>,
    make: &(dyn Fn() -> Result<Worker<'p>> + Sync),
    finish: &(dyn Fn(u64, RecordBatch) -> Result<T> + Sync),
) -> Result<()> {
    let window = 2 * threads as u64;
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let gate = (Mutex::new(0u64), Condvar::new());
    let (tx, rx) = mpsc::channel::<(u64, Result<T>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, gate) = (&next, &stop, &gate);
            scope.spawn(move || {
                let mut worker = match make() {
                    Ok(w) => w,
                    Err(e) => {
                        let _ = tx.send((next.load(Ordering::Relaxed), Err(e)));
                        return;
                    }
                };
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= n || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    {
                        let mut written = lock(&gate.0);
                        while b >= *written + window && !stop.load(Ordering::Relaxed) {
                            written = gate.1.wait(written).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let item = worker.batch(b).and_then(|batch| finish(b, batch));
                    if tx.send((b, item)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let result = (|| -> Result<()> {
            let mut pending: BTreeMap<u64, T> = BTreeMap::new();
            let mut want = 0u64;
            while want < n {
                let Ok((b, item)) = rx.recv() else { break };
                pending.insert(b, item?);
                while let Some(item) = pending.remove(&want) {
                    sink(want, item)?;
                    want += 1;
                    *lock(&gate.0) = want;
                    gate.1.notify_all();
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
            gate.1.notify_all();
        }
        drop(rx);
        result
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Decodes fields marked [`JSON_KEY`] as their JSON text.
#[derive(Debug)]
struct JsonTextFactory;

impl DecoderFactory for JsonTextFactory {
    fn make_default_decoder(
        &self,
        _ctx: &DecoderContext,
        field: &FieldRef,
        _is_nullable: bool,
    ) -> std::result::Result<Option<Box<dyn ArrayDecoder>>, ArrowError> {
        let json = field.metadata().get(JSON_KEY).is_some_and(|v| v == "json");
        Ok(json.then(|| Box::new(JsonText::default()) as Box<dyn ArrayDecoder>))
    }
}

/// A `json` column: each value's compact JSON text (`null` stays null).
#[derive(Default)]
struct JsonText {
    text: Vec<u8>,
}

impl ArrayDecoder for JsonText {
    fn decode(
        &mut self,
        tape: &Tape<'_>,
        pos: &[u32],
    ) -> std::result::Result<ArrayRef, ArrowError> {
        let mut out = StringBuilder::with_capacity(pos.len(), pos.len() * 16);
        for &p in pos {
            if tape.get(p) == TapeElement::Null {
                out.append_null();
                continue;
            }
            self.text.clear();
            write_tape(tape, p, &mut self.text)?;
            // The tape holds valid UTF-8 and the writer adds only ASCII.
            let s = std::str::from_utf8(&self.text)
                .map_err(|e| ArrowError::JsonError(e.to_string()))?;
            out.append_value(s);
        }
        Ok(Arc::new(out.finish()))
    }
}

/// Writes the value at `idx` as compact JSON (strings escaped as [`JsonWriter`] escapes them);
/// returns the index after it.
fn write_tape(
    tape: &Tape<'_>,
    idx: u32,
    out: &mut Vec<u8>,
) -> std::result::Result<u32, ArrowError> {
    Ok(match tape.get(idx) {
        TapeElement::StartObject(end) => {
            out.push(b'{');
            let mut cur = idx + 1;
            while cur < end {
                if cur > idx + 1 {
                    out.push(b',');
                }
                cur = write_tape(tape, cur, out)?;
                out.push(b':');
                cur = write_tape(tape, cur, out)?;
            }
            out.push(b'}');
            end + 1
        }
        TapeElement::StartList(end) => {
            out.push(b'[');
            let mut cur = idx + 1;
            while cur < end {
                if cur > idx + 1 {
                    out.push(b',');
                }
                cur = write_tape(tape, cur, out)?;
            }
            out.push(b']');
            end + 1
        }
        TapeElement::String(s) => {
            escape_into(out, tape.get_string(s));
            idx + 1
        }
        TapeElement::Number(s) => {
            out.extend_from_slice(tape.get_string(s).as_bytes());
            idx + 1
        }
        TapeElement::True => {
            out.extend_from_slice(b"true");
            idx + 1
        }
        TapeElement::False => {
            out.extend_from_slice(b"false");
            idx + 1
        }
        TapeElement::Null => {
            out.extend_from_slice(b"null");
            idx + 1
        }
        // Numbers parsed from text are always `Number`; the binary forms come only from
        // `Decoder::serialize`, which this crate does not use.
        _ => return Err(tape.error(idx, "a JSON value")),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;

    pub(crate) fn plan(spec: serde_json::Value) -> Plan {
        let pools = Arc::new(crate::Pools::builtin_english());
        Plan::from_json_with(&spec.to_string(), Some(pools)).unwrap()
    }

    fn collect(plan: &Plan, span: Span, batch_rows: usize, threads: usize) -> Vec<RecordBatch> {
        let mut out = Vec::new();
        let opts = RunOptions {
            threads: Some(threads),
            ..RunOptions::default()
        };
        record_batches(
            plan,
            span,
            opts,
            batch_rows,
            &mut |b| {
                out.push(b);
                Ok(())
            },
            &mut |_| Ok(()),
        )
        .unwrap();
        out
    }

    #[test]
    fn batches_have_exactly_batch_rows_rows_in_order_at_any_thread_count() {
        let p = plan(serde_json::json!({"data_type": "text"}));
        let span = Span {
            seed: 7,
            start: 5,
            count: 2500,
        };
        let one = collect(&p, span, 1000, 1);
        let four = collect(&p, span, 1000, 4);
        let rows: Vec<usize> = one.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(rows, [1000, 1000, 500]);
        assert_eq!(one, four);
        let index = one[1].column_by_name("index").unwrap();
        let index = index.as_primitive::<arrow_array::types::Int64Type>();
        assert_eq!(index.value(0), 1005);
        assert_eq!(index.value(999), 2004);
    }

    #[test]
    fn json_columns_hold_the_jsonl_text() {
        let p = plan(serde_json::json!({
            "data_type": "json",
            "schema": {"type": "object", "required": ["m", "e"], "properties": {
                "m": {"type": "object"},
                "e": {"enum": [1, "two", {"k": "q\"uote"}]}
            }}
        }));
        let span = Span {
            seed: 1,
            start: 0,
            count: 200,
        };
        let batch = &collect(&p, span, 200, 1)[0];
        let e_field = batch.schema().field_with_name("e").unwrap().clone();
        assert_eq!(
            e_field.metadata().get(JSON_KEY).map(String::as_str),
            Some("json")
        );
        let mut jsonl = Vec::new();
        super::super::write_jsonl(
            &p,
            span,
            RunOptions::default(),
            super::super::Encoding::Plain,
            &mut jsonl,
            "",
            &mut |_| Ok(()),
        )
        .unwrap();
        let e = batch.column_by_name("e").unwrap().as_string::<i32>();
        let m = batch.column_by_name("m").unwrap().as_string::<i32>();
        for (i, line) in jsonl
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let v: serde_json::Value = serde_json::from_slice(line).unwrap();
            assert_eq!(e.value(i), v["e"].to_string());
            assert_eq!(m.value(i), "{}");
            assert!(!e.is_null(i));
        }
    }

    fn child<'a>(t: &'a DataType, name: &str) -> &'a DataType {
        match t {
            DataType::Struct(fields) => fields.find(name).unwrap().1.data_type(),
            DataType::List(item) => child(item.data_type(), name),
            other => panic!("{other} has no field {name}"),
        }
    }

    #[test]
    fn export_formats_have_typed_nested_columns_that_every_record_fits() {
        for format in ["openai", "sharegpt", "anthropic", "otel"] {
            let p = plan(serde_json::json!({
                "data_type": "agent_trace", "format": format,
                "constraints": {"failure_rate": 0.3}
            }));
            let span = Span {
                seed: 9,
                start: 0,
                count: 300,
            };
            let batches = collect(&p, span, 128, 2);
            let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
            assert_eq!(rows, 300, "{format}");
        }
        let openai = schema(&plan(
            serde_json::json!({"data_type": "agent_trace", "format": "openai"}),
        ));
        let messages = openai.field_with_name("messages").unwrap().data_type();
        let function = child(child(messages, "tool_calls"), "function");
        assert_eq!(child(function, "name"), &DataType::Utf8);
        assert_eq!(child(function, "arguments"), &DataType::Utf8);
        let tools = openai.field_with_name("tools").unwrap().data_type();
        assert!(matches!(child(tools, "function"), DataType::Struct(_)));
        let anthropic = schema(&plan(
            serde_json::json!({"data_type": "agent_trace", "format": "anthropic"}),
        ));
        let content = child(
            anthropic.field_with_name("messages").unwrap().data_type(),
            "content",
        );
        assert_eq!(child(content, "is_error"), &DataType::Boolean);
        let otel = schema(&plan(
            serde_json::json!({"data_type": "agent_trace", "format": "otel"}),
        ));
        let spans = child(
            child(
                otel.field_with_name("resourceSpans").unwrap().data_type(),
                "scopeSpans",
            ),
            "spans",
        );
        let value = child(child(spans, "attributes"), "value");
        assert_eq!(child(value, "intValue"), &DataType::Utf8);
        assert_eq!(child(spans, "kind"), &DataType::Int64);
    }
}
