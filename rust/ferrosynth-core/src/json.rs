//! A minimal streaming JSON writer. Every generator writes straight into bytes, so the same code
//! path serves JSONL files, streamed batches and (through one `orjson.loads`) Python objects.
//!
//! Output is portable: integers via `itoa`, floats via `ryu` (shortest round-trip form, the same
//! bytes on every platform), strings escaped per RFC 8259 with non-ASCII left as UTF-8.

/// Appends JSON values to a byte buffer, inserting commas and colons itself.
#[derive(Default, Debug)]
pub struct JsonWriter {
    /// The bytes written so far.
    pub buf: Vec<u8>,
    /// One entry per open container: `true` while it is still empty.
    empty: Vec<bool>,
    after_key: bool,
}

impl JsonWriter {
    /// A writer with `capacity` bytes reserved.
    pub fn with_capacity(capacity: usize) -> Self {
        JsonWriter {
            buf: Vec::with_capacity(capacity),
            empty: Vec::new(),
            after_key: false,
        }
    }

    /// A writer appending to an existing buffer (reused across chunks).
    pub fn from_buf(buf: Vec<u8>) -> Self {
        JsonWriter {
            buf,
            empty: Vec::new(),
            after_key: false,
        }
    }

    /// Writes the separator a new value needs in the current container.
    #[inline]
    fn pre_value(&mut self) {
        if self.after_key {
            self.after_key = false;
        } else if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.buf.push(b',');
            }
            *empty = false;
        }
    }

    /// Opens an object.
    #[inline]
    pub fn begin_object(&mut self) {
        self.pre_value();
        self.buf.push(b'{');
        self.empty.push(true);
    }

    /// Closes the innermost object.
    #[inline]
    pub fn end_object(&mut self) {
        self.empty.pop();
        self.buf.push(b'}');
    }

    /// Opens an array.
    #[inline]
    pub fn begin_array(&mut self) {
        self.pre_value();
        self.buf.push(b'[');
        self.empty.push(true);
    }

    /// Closes the innermost array.
    #[inline]
    pub fn end_array(&mut self) {
        self.empty.pop();
        self.buf.push(b']');
    }

    /// Writes an object key; the next value written is its value.
    #[inline]
    pub fn key(&mut self, key: &str) {
        self.pre_value();
        escape_into(&mut self.buf, key);
        self.buf.push(b':');
        self.after_key = true;
    }

    /// Writes a string value.
    #[inline]
    pub fn str(&mut self, s: &str) {
        self.pre_value();
        escape_into(&mut self.buf, s);
    }

    /// Writes an integer value.
    #[inline]
    pub fn int(&mut self, v: i64) {
        self.pre_value();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    /// Writes an unsigned integer value (sample indices: all of `u64`, never negative).
    #[inline]
    pub fn uint(&mut self, v: u64) {
        self.pre_value();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    /// Writes a float value (non-finite values become `null`, which JSON requires).
    #[inline]
    pub fn float(&mut self, v: f64) {
        self.pre_value();
        if v.is_finite() {
            self.buf
                .extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
        } else {
            self.buf.extend_from_slice(b"null");
        }
    }

    /// Writes a boolean value.
    #[inline]
    pub fn bool(&mut self, v: bool) {
        self.pre_value();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// Writes `null`.
    #[inline]
    pub fn null(&mut self) {
        self.pre_value();
        self.buf.extend_from_slice(b"null");
    }

    /// Writes an already-serialised JSON value verbatim.
    #[inline]
    pub fn raw(&mut self, json: &[u8]) {
        self.pre_value();
        self.buf.extend_from_slice(json);
    }

    /// Forgets container state (between top-level values of a JSONL stream).
    #[inline]
    pub fn reset_state(&mut self) {
        self.empty.clear();
        self.after_key = false;
    }
}

/// Which bytes need escaping (`"`, `\\` and control characters); everything else, UTF-8
/// included, is copied as is.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Appends `s` as a quoted JSON string.
///
/// Most strings need no escaping: the first byte that does is found with a table, and all
/// before it is copied at once. From there (text with quotes, such as JSON inside JSON) the
/// rest goes eight bytes at a time: each word is tested with a few bit operations, copied whole
/// (a fixed-size copy, no `memcpy` call) and, when it holds a byte to escape, cut back to it,
/// which is then escaped.
#[inline]
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const SPACES: u64 = ONES * 0x20;
    // The high bit of each byte of `v` below `n` (n <= 128). Borrows only run upwards, so the
    // lowest set bit always marks a real hit: the first byte of the word to escape.
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH;
    let bytes = s.as_bytes();
    let n = bytes.len();
    out.reserve(n + 2);
    out.push(b'"');
    let Some(first) = first_to_escape(bytes) else {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    };
    out.extend_from_slice(&bytes[..first]);
    push_escape(out, bytes[first]);
    let mut i = first + 1;
    while i < n {
        let rem = n - i;
        // The next (up to) eight bytes as a word; a short tail is padded with spaces, which
        // never need escaping.
        let (v, take) = if let Some(chunk) = bytes.get(i..i + 8) {
            (u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])), 8)
        } else if let Some(last) = n.checked_sub(8).map(|k| &bytes[k..]) {
            let last = u64::from_le_bytes(last.try_into().unwrap_or([0; 8]));
            ((last >> (8 * (8 - rem))) | (SPACES << (8 * rem)), rem)
        } else {
            let mut v = SPACES;
            for (k, &b) in bytes[i..].iter().enumerate() {
                v = (v & !(0xFF << (8 * k))) | (u64::from(b) << (8 * k));
            }
            (v, rem)
        };
        let hits = below(v, 0x20) | below(v ^ (ONES * 0x22), 1) | below(v ^ (ONES * 0x5C), 1);
        let len = out.len();
        out.extend_from_slice(&v.to_le_bytes());
        if hits == 0 {
            out.truncate(len + take);
            i += take;
            continue;
        }
        let at = (hits.trailing_zeros() / 8) as usize;
        out.truncate(len + at);
        push_escape(out, bytes[i + at]);
        i += at + 1;
    }
    out.push(b'"');
}

/// The index of the first byte of `bytes` that needs escaping, tested eight bytes at a time
/// (keys and most values are short, and a byte-by-byte table lookup cost a third of rendering
/// a W2 record). A tail shorter than a word is tested as the last eight bytes, whose first
/// ones are already known clean.
#[inline]
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH;
    let hits = |v: u64| below(v, 0x20) | below(v ^ (ONES * 0x22), 1) | below(v ^ (ONES * 0x5C), 1);
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().position(|&b| NEEDS_ESCAPE[usize::from(b)]);
    }
    let mut i = 0;
    while i + 8 <= n {
        let h = hits(word(i));
        if h != 0 {
            // The lowest flagged byte is always a real hit (borrows only run upwards).
            return Some(i + (h.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if i < n {
        let h = hits(word(n - 8));
        if h != 0 {
            return Some(n - 8 + (h.trailing_zeros() / 8) as usize);
        }
    }
    None
}

/// Appends the escape sequence of a byte that JSON strings cannot hold as it is.
#[inline]
fn push_escape(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xF)],
        ]),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_values_with_separators() {
        let mut w = JsonWriter::default();
        w.begin_object();
        w.key("a");
        w.int(-3);
        w.key("b");
        w.begin_array();
        w.float(0.5);
        w.bool(true);
        w.null();
        w.begin_object();
        w.end_object();
        w.end_array();
        w.key("c\"");
        w.str("line\nbreak\u{1}é");
        w.end_object();
        let text = String::from_utf8(w.buf).unwrap();
        assert_eq!(
            text,
            r#"{"a":-3,"b":[0.5,true,null,{}],"c\"":"line\nbreak\u0001é"}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["c\""], "line\nbreak\u{1}é");
    }

    #[test]
    fn escaping_agrees_with_serde_json_on_every_position() {
        // Each special byte at each offset, in every prefix of the string: whole words, padded
        // tails and strings shorter than a word all meet it.
        for special in [
            "\"", "\\", "\n", "\u{1}", "\u{1f}", "é", "\u{7f}", " ", "\"\"\\",
        ] {
            for at in 0..20 {
                let text = format!("{}{special}{}", "a".repeat(at), "b".repeat(19 - at));
                for len in 0..=text.len() {
                    let Some(text) = text.get(..len) else {
                        continue;
                    };
                    let mut out = Vec::new();
                    escape_into(&mut out, text);
                    assert_eq!(out, serde_json::to_vec(&text).unwrap(), "{text:?}");
                }
                let mut out = Vec::new();
                escape_into(&mut out, &text);
                let back: String = serde_json::from_slice(&out).unwrap();
                assert_eq!(back, text);
                assert_eq!(out, serde_json::to_vec(&text).unwrap(), "{text:?}");
            }
        }
    }

    #[test]
    fn floats_are_shortest_round_trip_and_finite() {
        let mut w = JsonWriter::default();
        w.begin_array();
        w.float(0.1);
        w.float(1.0);
        w.float(f64::NAN);
        w.end_array();
        assert_eq!(std::str::from_utf8(&w.buf).unwrap(), "[0.1,1.0,null]");
    }
}
