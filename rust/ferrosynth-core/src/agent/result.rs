//! Tool results: from the tool's `output_schema` when it has one, else a plausible JSON shape
//! chosen by the verb the tool's name starts with; and the failures a call can end in.

use super::tool::Tool;
use crate::json::JsonWriter;
use crate::rng::{push_uuid, Rng};
use crate::schema::EmitCtx;
use crate::text::{self, Fill, FillCtx, Person, Voice};

/// The shape of a result for a tool without an output schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultClass {
    /// `search`, `find`, `list`: `{"results": [{title, url, snippet}], "total"}`.
    Collection,
    /// `execute`, `run`, `query`: `{"rows": [...], "row_count"}`.
    Rows,
    /// `get`, `fetch`, `read`: `{"id", "status": "ok", "content", "updated_at"}`.
    Fetch,
    /// `create`, `send`, `book`: `{"id", "status": <participle>, "created_at"}`.
    Created(&'static str),
    /// `update`, `set`, `rename`: `{"id", "status": "updated", "updated_at"}`.
    Updated,
    /// `delete`, `cancel`, `archive`: `{"id", "status": <participle>}`.
    Removed(&'static str),
    /// Anything else: `{"status": "ok", "result"}`.
    Status,
}

impl ResultClass {
    /// The class of a tool whose name starts with `verb` (lowercase).
    pub fn of(verb: &str) -> Self {
        match verb {
            "search" | "find" | "list" | "lookup" | "browse" | "discover" | "recommend" => {
                ResultClass::Collection
            }
            "execute" | "run" | "query" | "sql" | "select" | "count" | "aggregate" => {
                ResultClass::Rows
            }
            "get" | "fetch" | "read" | "load" | "download" | "open" | "retrieve" | "check"
            | "view" | "show" | "describe" | "track" => ResultClass::Fetch,
            "send" => ResultClass::Created("sent"),
            "book" => ResultClass::Created("booked"),
            "schedule" => ResultClass::Created("scheduled"),
            "post" | "publish" => ResultClass::Created("published"),
            "submit" => ResultClass::Created("submitted"),
            "order" | "reserve" => ResultClass::Created("confirmed"),
            "write" | "save" | "upload" | "store" => ResultClass::Created("saved"),
            "create" | "add" | "insert" | "make" | "generate" | "new" | "register" => {
                ResultClass::Created("created")
            }
            "update" | "set" | "edit" | "modify" | "patch" | "rename" | "move" | "change"
            | "assign" | "enable" | "disable" => ResultClass::Updated,
            "delete" | "remove" | "drop" => ResultClass::Removed("deleted"),
            "cancel" | "revoke" | "unsubscribe" => ResultClass::Removed("cancelled"),
            "archive" | "close" => ResultClass::Removed("archived"),
            _ => ResultClass::Status,
        }
    }
}

/// Writes a successful result of `tool` as one JSON value.
pub fn emit_result(
    tool: &Tool,
    rng: &mut Rng,
    ectx: &mut EmitCtx<'_>,
    fctx: &mut FillCtx<'_>,
    person: &Person,
    w: &mut JsonWriter,
) {
    if let Some(node) = &tool.output {
        return node.emit(rng, ectx, w);
    }
    let s = &mut ectx.scratch;
    let text_value =
        |w: &mut JsonWriter, s: &mut String, rng: &mut Rng, fctx: &mut FillCtx<'_>, f| {
            s.clear();
            fctx.push(f, s, rng, person);
            w.str(s);
        };
    w.begin_object();
    match tool.class {
        ResultClass::Collection => {
            let n = rng.range_usize(1, 3);
            w.key("results");
            w.begin_array();
            for _ in 0..n {
                w.begin_object();
                w.key("title");
                s.clear();
                text::push_paper_title(s, rng);
                w.str(s);
                w.key("url");
                text_value(w, s, rng, fctx, Fill::Url);
                w.key("snippet");
                s.clear();
                text::domain::push_sentence(s, rng, fctx, person, Voice::Assistant);
                w.str(s);
                w.end_object();
            }
            w.end_array();
            w.key("total");
            w.int(n as i64 + rng.range_i64(0, 40));
        }
        ResultClass::Rows => {
            let n = rng.range_usize(1, 3);
            w.key("rows");
            w.begin_array();
            for _ in 0..n {
                w.begin_object();
                w.key("id");
                w.int(rng.range_i64(1, 99_999));
                w.key("name");
                text_value(w, s, rng, fctx, Fill::Company);
                w.key("total");
                w.float(rng.range_i64(100, 999_999) as f64 / 100.0);
                w.key("status");
                w.str(rng.pick_str(&["active", "pending", "closed"]));
                w.end_object();
            }
            w.end_array();
            w.key("row_count");
            w.int(n as i64);
        }
        ResultClass::Fetch => {
            w.key("id");
            s.clear();
            push_uuid(s, &rng.uuid_bytes());
            w.str(s);
            w.key("status");
            w.str("ok");
            w.key("content");
            s.clear();
            text::domain::push_sentence(s, rng, fctx, person, Voice::Assistant);
            w.str(s);
            w.key("updated_at");
            text_value(w, s, rng, fctx, Fill::Datetime);
        }
        ResultClass::Created(status) | ResultClass::Removed(status) => {
            w.key("id");
            s.clear();
            push_uuid(s, &rng.uuid_bytes());
            w.str(s);
            w.key("status");
            w.str(status);
            if matches!(tool.class, ResultClass::Created(_)) {
                w.key("created_at");
                text_value(w, s, rng, fctx, Fill::Datetime);
            }
        }
        ResultClass::Updated => {
            w.key("id");
            s.clear();
            push_uuid(s, &rng.uuid_bytes());
            w.str(s);
            w.key("status");
            w.str("updated");
            w.key("updated_at");
            text_value(w, s, rng, fctx, Fill::Datetime);
        }
        ResultClass::Status => {
            w.key("status");
            w.str("ok");
            w.key("result");
            s.clear();
            text::domain::push_sentence(s, rng, fctx, person, Voice::Assistant);
            w.str(s);
        }
    }
    w.end_object();
}

/// How a tool call can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolError {
    Timeout,
    RateLimited,
    ServerError,
    InvalidArguments,
    NotFound,
    PermissionDenied,
}

impl ToolError {
    /// Draws a failure: transient ones (worth a retry) are the common case.
    pub fn draw(rng: &mut Rng) -> Self {
        match rng.below(100) {
            0..=24 => ToolError::Timeout,
            25..=44 => ToolError::RateLimited,
            45..=64 => ToolError::ServerError,
            65..=79 => ToolError::InvalidArguments,
            80..=91 => ToolError::NotFound,
            _ => ToolError::PermissionDenied,
        }
    }

    /// The low-cardinality error type (`error.type` in OpenTelemetry).
    pub fn code(self) -> &'static str {
        match self {
            ToolError::Timeout => "timeout",
            ToolError::RateLimited => "rate_limited",
            ToolError::ServerError => "server_error",
            ToolError::InvalidArguments => "invalid_arguments",
            ToolError::NotFound => "not_found",
            ToolError::PermissionDenied => "permission_denied",
        }
    }

    /// Whether retrying can help (with fixed arguments, for `InvalidArguments`).
    pub fn retryable(self) -> bool {
        !matches!(self, ToolError::NotFound | ToolError::PermissionDenied)
    }

    /// How long the failing call took, in milliseconds.
    pub fn latency_ms(self, rng: &mut Rng) -> i64 {
        match self {
            ToolError::Timeout => 30_000 + rng.range_i64(0, 40),
            _ => rng.range_i64(15, 400),
        }
    }

    /// Writes the error result: `{"error": {"type", "message"}}`.
    pub fn emit(self, tool: &str, w: &mut JsonWriter, scratch: &mut String) {
        scratch.clear();
        scratch.push_str(tool);
        scratch.push_str(match self {
            ToolError::Timeout => " did not respond within 30 seconds",
            ToolError::RateLimited => ": rate limit exceeded, retry after 2 seconds",
            ToolError::ServerError => ": upstream service returned HTTP 503",
            ToolError::InvalidArguments => ": arguments failed validation",
            ToolError::NotFound => ": the requested resource was not found",
            ToolError::PermissionDenied => ": permission denied for this account",
        });
        w.begin_object();
        w.key("error");
        w.begin_object();
        w.key("type");
        w.str(self.code());
        w.key("message");
        w.str(scratch);
        w.end_object();
        w.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_choose_shapes() {
        assert_eq!(ResultClass::of("search"), ResultClass::Collection);
        assert_eq!(ResultClass::of("send"), ResultClass::Created("sent"));
        assert_eq!(ResultClass::of("cancel"), ResultClass::Removed("cancelled"));
        assert_eq!(ResultClass::of("weather"), ResultClass::Status);
    }

    #[test]
    fn failures_are_mostly_transient() {
        let mut rng = Rng::from_state(1);
        let draws: Vec<ToolError> = (0..1000).map(|_| ToolError::draw(&mut rng)).collect();
        let retryable = draws.iter().filter(|e| e.retryable()).count();
        assert!((750..850).contains(&retryable), "{retryable}");
        let mut w = JsonWriter::default();
        ToolError::NotFound.emit("get_order", &mut w, &mut String::new());
        let v: serde_json::Value = serde_json::from_slice(&w.buf).unwrap();
        assert_eq!(v["error"]["type"], "not_found");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("get_order"));
    }
}
