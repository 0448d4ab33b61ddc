//! Tools: compiled from `{name, description, parameters, output_schema}` (Python normalises the
//! OpenAI, MCP and file forms into this). Arguments are generated from, and valid for, the tool's
//! own `parameters` schema; results come from its `output_schema`, else from a plausible shape
//! chosen by the tool's verb (see [`super::result`]).

use serde::Deserialize;
use serde_json::Value;

use super::result::ResultClass;
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::rng::Rng;
use crate::schema::{self, EmitCtx, Node};

/// A tool as Python sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub parameters: Option<Value>,
    /// JSON Schema of the tool's result (MCP `outputSchema`).
    #[serde(default)]
    pub output_schema: Option<Value>,
}

/// A compiled tool.
#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    pub description: String,
    pub params: Node,
    /// The result schema, when the tool has one.
    pub output: Option<Node>,
    /// The result shape used without a result schema.
    pub class: ResultClass,
    /// The `parameters` schema as given (serialised once, for the exports' tool lists).
    pub parameters_json: String,
    /// What the tool does, as a verb phrase in the agent's voice ("search the web for ...").
    pub purpose: String,
    /// The same in the user's voice ("send an e-mail on my behalf").
    pub ask: String,
    /// The string argument a request mentions ("query", "to", "path"), if any.
    pub subject: Option<String>,
}

impl Tool {
    /// Compiles a tool; schema errors point into `/tools/{name}/parameters` or `/output_schema`.
    pub fn compile(spec: &ToolSpec) -> Result<Self> {
        if spec.name.is_empty() {
            return Err(Error::config("tools", "a tool needs a non-empty name"));
        }
        let token = schema::pointer_token(&spec.name);
        let pointer = format!("/tools/{token}/parameters");
        let params = match &spec.parameters {
            None => Node::Object(Default::default()),
            Some(doc) => schema::compile(doc, &pointer)?,
        };
        // Any schema whose instances are all objects will do: a root `$ref` into `$defs`,
        // `allOf`/`anyOf`/`oneOf` of objects, `if`/`then` (what Pydantic and real APIs emit).
        if !params.always_object() {
            return Err(Error::schema(
                pointer,
                "tool parameters must be a schema whose instances are objects (`type: object`)",
            ));
        }
        let subject = params.first_object().and_then(|obj| {
            obj.props
                .iter()
                .filter(|p| matches!(p.node, Node::String(_)))
                .min_by_key(|p| !p.required)
                .map(|p| p.name.clone())
        });
        let output = match &spec.output_schema {
            None => None,
            Some(doc) => Some(schema::compile(
                doc,
                &format!("/tools/{token}/output_schema"),
            )?),
        };
        let parameters_json = match &spec.parameters {
            Some(doc) => doc.to_string(),
            None => r#"{"type":"object","properties":{}}"#.to_owned(),
        };
        let purpose = purpose(&spec.name, &spec.description);
        Ok(Tool {
            name: spec.name.clone(),
            description: spec.description.clone(),
            class: label(&spec.name)
                .split(' ')
                .map(ResultClass::of)
                .find(|c| *c != ResultClass::Status)
                .unwrap_or(ResultClass::Status),
            ask: user_voice(&purpose),
            purpose,
            params,
            output,
            parameters_json,
            subject,
        })
    }

    /// Writes the arguments object into `args` (cleared first).
    pub fn render_arguments(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, args: &mut JsonWriter) {
        args.buf.clear();
        args.reset_state();
        self.params.emit(rng, ctx, args);
    }

    /// The value of the subject argument in `args`, when it is a short plain string.
    pub fn subject_value<'a>(&self, args: &'a str) -> Option<&'a str> {
        let key = self.subject.as_deref()?;
        top_level_string(args, key).filter(|v| !v.is_empty() && v.chars().count() <= 80)
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Appends 24 random base-62 characters: the body of a call id.
pub fn push_id_body(out: &mut String, rng: &mut Rng) {
    for _ in 0..24 {
        out.push(BASE62[rng.index(62)] as char);
    }
}

/// Writes the `id`, `type` and `function` members of a tool call (inside an open object).
pub fn emit_call_members(
    tool: &Tool,
    rng: &mut Rng,
    ctx: &mut EmitCtx<'_>,
    args: &mut JsonWriter,
    w: &mut JsonWriter,
) {
    // The reference's tool calls carry `str(uuid.uuid4())` ids (the formats that need
    // OpenAI-style `call_` ids write them in their own exports).
    ctx.scratch.clear();
    crate::rng::push_uuid(&mut ctx.scratch, &rng.uuid_bytes());
    w.key("id");
    w.str(&ctx.scratch);
    w.key("type");
    w.str("function");
    w.key("function");
    w.begin_object();
    w.key("name");
    w.str(&tool.name);
    tool.render_arguments(rng, ctx, args);
    w.key("arguments");
    // The writer only ever produces UTF-8.
    w.str(std::str::from_utf8(&args.buf).unwrap_or("{}"));
    w.end_object();
}

/// Words that start a description but are not verbs ("A tool that ...").
const NOT_VERBS: &[&str] = &[
    "a", "an", "the", "this", "that", "tool", "function", "api", "used", "use", "for", "to", "it",
];

/// What a tool does, as a verb phrase: the first sentence of its description with its verb in
/// the base form ("Searches the web." → "search the web"), else built from its name.
fn purpose(name: &str, description: &str) -> String {
    let sentence = description
        .split(['\n', '\r'])
        .next()
        .unwrap_or("")
        .split(". ")
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(['.', '!', ':', ';']);
    let label = label(name);
    let fallback = || {
        let verb = label.split(' ').next().unwrap_or("");
        if ResultClass::of(verb) != ResultClass::Status {
            label.clone()
        } else {
            format!("use the {label} tool")
        }
    };
    if sentence.is_empty() || sentence.len() > 120 {
        return fallback();
    }
    let (first, rest) = sentence.split_once(' ').unwrap_or((sentence, ""));
    // "Read, write or delete files": the verb is "read", the comma stays.
    let (first, comma) = match first.strip_suffix(',') {
        Some(verb) => (verb, ","),
        None => (first, ""),
    };
    let lower = first.to_lowercase();
    if NOT_VERBS.contains(&lower.as_str()) || !lower.chars().all(char::is_alphabetic) {
        return fallback();
    }
    let acronym = first.len() > 1 && first.chars().all(|c| c.is_uppercase());
    let base = if acronym {
        first.to_owned()
    } else {
        base_form(&lower)
    };
    if rest.is_empty() {
        base
    } else {
        format!("{base}{comma} {rest}")
    }
}

/// The base form of a verb in the third person ("searches" → "search", "applies" → "apply").
fn base_form(verb: &str) -> String {
    if let Some(stem) = verb.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["ches", "shes", "sses", "xes", "zzes"] {
        if verb.ends_with(suffix) {
            return verb[..verb.len() - 2].to_owned();
        }
    }
    match verb.strip_suffix('s') {
        Some(stem) if !verb.ends_with("ss") && !verb.ends_with("us") && stem.len() > 2 => {
            stem.to_owned()
        }
        _ => verb.to_owned(),
    }
}

/// A tool name as words: `web_search`, `webSearch` and `web-search` → "web search".
fn label(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_owned()
}

/// The purpose as the user would say it ("on the user's behalf" → "on my behalf").
fn user_voice(purpose: &str) -> String {
    purpose
        .replace("the user's", "my")
        .replace("the agent's", "your")
        .replace("the user", "me")
}

/// The raw content of the top-level string member `key` of a compact JSON object, when it
/// needs no unescaping. A small scanner, so requests can quote an argument without a parse.
pub fn top_level_string<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let b = json.as_bytes();
    let mut i = 1;
    if b.first() != Some(&b'{') {
        return None;
    }
    while i < b.len() && b[i] == b'"' {
        let (k, after) = string_at(json, i)?;
        i = after + 1; // the ':'
        if b.get(i) == Some(&b'"') {
            let (v, end) = string_at(json, i)?;
            if k == key {
                return (!v.contains('\\')).then_some(v);
            }
            i = end;
        } else {
            i = skip_value(b, i)?;
        }
        if b.get(i) == Some(&b',') {
            i += 1;
        }
    }
    None
}

/// The string starting at the quote at `i`: its raw content and the index after its end quote.
fn string_at(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some((&s[i + 1..j], j + 1)),
            _ => j += 1,
        }
    }
    None
}

/// The index after the (non-string) value starting at `i`.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_verb_phrases() {
        let cases = [
            (
                "web_search",
                "Search the web and return the most relevant pages for a query.",
                "search the web and return the most relevant pages for a query",
            ),
            (
                "get_weather",
                "Gets the current weather for a city. Uses metric units.",
                "get the current weather for a city",
            ),
            ("fetch_page", "Fetches a page", "fetch a page"),
            ("apply", "Applies a patch", "apply a patch"),
            ("lint", "Analyzes code", "analyze code"),
            ("lookup", "A tool that finds things", "lookup"),
            ("getWeather", "", "get weather"),
            ("weather", "", "use the weather tool"),
            ("run_sql", "SQL runner", "SQL runner"),
            ("x", "Process the queue", "process the queue"),
            (
                "files",
                "Read, write or delete files.",
                "read, write or delete files",
            ),
        ];
        for (name, description, want) in cases {
            assert_eq!(purpose(name, description), want, "{name}");
        }
        assert_eq!(
            user_voice("send an e-mail on the user's behalf"),
            "send an e-mail on my behalf"
        );
    }

    #[test]
    fn scanner_finds_top_level_strings_only() {
        let json =
            r#"{"n":3,"nested":{"query":"inner"},"list":["a","}"],"query":"outer","q2":"a\"b"}"#;
        assert_eq!(top_level_string(json, "query"), Some("outer"));
        assert_eq!(top_level_string(json, "q2"), None);
        assert_eq!(top_level_string(json, "missing"), None);
        assert_eq!(top_level_string("{}", "query"), None);
        assert_eq!(top_level_string("[1]", "query"), None);
    }

    #[test]
    fn subject_is_the_first_required_string() {
        let spec: ToolSpec = serde_json::from_value(serde_json::json!({
            "name": "send_email",
            "parameters": {"type": "object", "properties": {
                "cc": {"type": "string"}, "to": {"type": "string"}, "n": {"type": "integer"}},
                "required": ["n", "to"]},
        }))
        .unwrap();
        let tool = Tool::compile(&spec).unwrap();
        assert_eq!(tool.subject.as_deref(), Some("to"));
        assert_eq!(
            tool.subject_value(r#"{"cc":"x","to":"a@b.co","n":1}"#),
            Some("a@b.co")
        );
        let err = Tool::compile(&ToolSpec {
            name: "t/x".into(),
            description: String::new(),
            parameters: Some(serde_json::json!({"type": "string"})),
            output_schema: None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("/tools/t~1x/parameters"), "{err}");
    }
}
