//! The agent's and the user's words around tool use: requests that name what a tool does,
//! thoughts that say why a tool is called next, retries, apologies and final answers.

use super::result::ToolError;
use super::tool::Tool;
use crate::rng::Rng;
use crate::text::{self, FillCtx, Person, Voice};

const OPENERS: &[(&str, &str)] = &[
    ("Could you ", "?"),
    ("Can you ", "?"),
    ("Please ", "."),
    ("I need you to ", "."),
    ("Would you ", "?"),
];

/// Appends a request for `tool` (and then `next`), quoting the call's subject argument.
/// With `lower`, the request continues a sentence ("Also, could you ...").
pub fn push_request(
    out: &mut String,
    rng: &mut Rng,
    tool: &Tool,
    subject: Option<&str>,
    next: Option<&Tool>,
    lower: bool,
) {
    let (open, close) = *rng.pick(OPENERS);
    if lower {
        out.extend(open[..1].chars().flat_map(char::to_lowercase));
        out.push_str(&open[1..]);
    } else {
        out.push_str(open);
    }
    out.push_str(&tool.ask);
    if let (Some(key), Some(value)) = (tool.subject.as_deref(), subject) {
        out.push_str(" (");
        out.push_str(key);
        out.push_str(": ");
        out.push_str(value);
        out.push(')');
    }
    if let Some(next) = next {
        out.push_str(", then ");
        out.push_str(&next.ask);
    }
    out.push_str(close);
}

fn push_pattern(out: &mut String, pattern: &str, tool: &Tool, code: &str) {
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len() - 1, |e| i + e);
        match &rest[i + 1..end] {
            "name" => out.push_str(&tool.name),
            "purpose" => out.push_str(&tool.purpose),
            "code" => out.push_str(code),
            other => out.push_str(other),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
}

/// Appends the thought before calling `tool` (`first` call of the task or a later one).
pub fn push_thought(out: &mut String, rng: &mut Rng, tool: &Tool, first: bool) {
    const FIRST: &[&str] = &[
        "I need to {purpose}, so I'll call {name}.",
        "The task asks me to {purpose}; {name} does exactly that.",
        "First I'll call {name} to {purpose}.",
        "To get started I'll use {name} to {purpose}.",
    ];
    const NEXT: &[&str] = &[
        "Now I'll call {name} to {purpose}.",
        "Next I need to {purpose}, so I'll call {name}.",
        "With that result in hand, I can call {name} to {purpose}.",
    ];
    push_pattern(
        out,
        rng.pick_str(if first { FIRST } else { NEXT }),
        tool,
        "",
    );
}

/// Appends the thought before retrying `tool` after `error`.
pub fn push_retry_thought(out: &mut String, rng: &mut Rng, tool: &Tool, error: ToolError) {
    const TRANSIENT: &[&str] = &[
        "{name} failed with {code}; that is usually transient, so I'll try again.",
        "The call to {name} returned {code}. I'll retry it.",
        "That looks like a temporary problem ({code}), so I'll call {name} again.",
    ];
    const FIX: &[&str] = &[
        "{name} rejected the arguments; I'll correct them and call it again.",
        "The arguments didn't pass validation, so I'll fix them and retry {name}.",
    ];
    let table = if error == ToolError::InvalidArguments {
        FIX
    } else {
        TRANSIENT
    };
    push_pattern(out, rng.pick_str(table), tool, error.code());
}

/// Appends the thought of a task answered without tools.
pub fn push_direct_thought(out: &mut String, rng: &mut Rng) {
    out.push_str(rng.pick_str(&[
        "I can answer this directly without calling a tool.",
        "The task is clear enough to answer from what I already know.",
        "No tool is needed here; I have what I need to answer.",
    ]));
}

/// Appends a short line an assistant may say before calling tools.
pub fn push_preamble(out: &mut String, rng: &mut Rng) {
    out.push_str(rng.pick_str(&[
        "Let me check that for you.",
        "One moment while I look into it.",
        "Sure, I'll take care of that.",
        "I'll look that up now.",
    ]));
}

/// Appends the opening of a follow-up user turn, to be continued by a lower-case request.
pub fn push_follow_up(out: &mut String, rng: &mut Rng) {
    out.push_str(rng.pick_str(&[
        "Thanks! One more thing: ",
        "Great, thank you. Also, ",
        "Perfect. Next, ",
        "That helps. Now ",
    ]));
}

/// Appends a successful final answer: an opener and one or two domain sentences.
pub fn push_answer(
    out: &mut String,
    rng: &mut Rng,
    ctx: &mut FillCtx<'_>,
    person: &Person,
    used_tools: bool,
) {
    if used_tools {
        out.push_str(rng.pick_str(&["Done. ", "All set. ", "Here's what I found. ", ""]));
    }
    let n = rng.range_usize(1, 2);
    text::domain::push_paragraph(out, rng, ctx, person, n);
}

/// Appends the answer of a run that failed because `tool` kept failing with `error`.
pub fn push_failure_answer(out: &mut String, tool: &Tool, error: ToolError, attempts: u32) {
    out.push_str("I couldn't finish this: ");
    out.push_str(&tool.name);
    out.push_str(" failed with ");
    out.push_str(error.code());
    if attempts > 1 {
        out.push_str(" after ");
        out.push_str(itoa::Buffer::new().format(attempts));
        out.push_str(" attempts");
    }
    out.push_str(match error {
        ToolError::NotFound => ". Could you double-check the details and try again?",
        ToolError::PermissionDenied => {
            ". I don't have permission for that; someone with access will need to help."
        }
        ToolError::InvalidArguments => ". I couldn't build a request it accepts.",
        _ => ". The service seems to be unavailable right now; please try again later.",
    });
}

/// Appends a user turn that needs no tool: a sentence of context in the domain.
pub fn push_user_remark(out: &mut String, rng: &mut Rng, ctx: &mut FillCtx<'_>, person: &Person) {
    text::domain::push_sentence(out, rng, ctx, person, Voice::User);
}
