//! The one internal model of a conversation or an agent run, from which every output format is
//! rendered (the native trace and conversation shapes, OpenAI, ShareGPT, Anthropic, OTel).
//!
//! A dialogue is reused across samples: its messages and calls keep their string buffers, so
//! after the first few samples generating one allocates nothing.

use super::result::ToolError;

/// Who wrote a message. A system prompt lives in [`Dialogue::system`], not in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
    Tool,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// A tool call made by the assistant.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// 24 base-62 characters; formats add their own prefix (`call_`, `toolu_`).
    pub id: String,
    /// Index of the tool in the plan's tool list.
    pub tool: usize,
    /// The arguments as a JSON object text.
    pub args: String,
}

/// One message.
#[derive(Debug, Clone)]
pub struct Msg {
    pub role: Role,
    /// The visible content; may be empty for an assistant message that only calls tools.
    pub text: String,
    /// The assistant's reasoning before acting (agent traces); never shown to the user.
    pub thought: String,
    /// Assistant: the calls it makes, as a range of [`Dialogue::calls`].
    pub calls: std::ops::Range<usize>,
    /// Tool: the index in [`Dialogue::calls`] of the call this message answers.
    pub answers: usize,
    /// Tool: the failure, when the call failed (then `text` is the error result).
    pub error: Option<ToolError>,
    /// When the message started (Unix milliseconds) and how long producing it took:
    /// model time for assistant messages, execution time for tool results.
    pub start_ms: i64,
    pub latency_ms: i64,
    /// Assistant: output tokens (thought, text and calls); user and tool: tokens of the content.
    pub tokens: u32,
    /// Assistant: the tokens of the context the model read.
    pub input_tokens: u32,
}

impl Default for Msg {
    fn default() -> Self {
        Msg {
            role: Role::User,
            text: String::new(),
            thought: String::new(),
            calls: 0..0,
            answers: 0,
            error: None,
            start_ms: 0,
            latency_ms: 0,
            tokens: 0,
            input_tokens: 0,
        }
    }
}

impl Msg {
    /// The content an export shows for this message: an assistant message that calls tools
    /// without saying anything shows its reasoning (the usual ReAct rendering).
    pub fn shown(&self) -> &str {
        if self.text.is_empty() && !self.calls.is_empty() {
            &self.thought
        } else {
            &self.text
        }
    }
}

/// A conversation or an agent run.
#[derive(Debug, Clone, Default)]
pub struct Dialogue {
    pub system: String,
    msgs: Vec<Msg>,
    len: usize,
    calls: Vec<Call>,
    ncalls: usize,
    /// The run's id (an RFC 4122 v4 UUID's bytes) and the agent's name.
    pub id: [u8; 16],
    pub agent: String,
    /// Whether the run reached its goal (no call failed for good).
    pub success: bool,
    /// The run's user, when it is a persona (the `persona` constraint).
    pub persona: PersonaText,
}

/// A persona as the records show it: the JSON object and the values that OTel attributes name.
#[derive(Debug, Clone, Default)]
pub struct PersonaText {
    /// The persona as a JSON object; empty when the run has no persona.
    pub json: String,
    pub id: String,
    pub name: String,
    pub email: String,
}

impl PersonaText {
    pub fn clear(&mut self) {
        self.json.clear();
        self.id.clear();
        self.name.clear();
        self.email.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.json.is_empty()
    }
}

/// Approximate token count of a text: about four UTF-8 bytes per token (none when empty).
#[inline]
pub fn tokens_of(text: &str) -> u32 {
    (text.len() as u32).div_ceil(4)
}

impl Dialogue {
    /// Forgets the previous sample, keeping the buffers.
    pub fn clear(&mut self) {
        self.system.clear();
        self.len = 0;
        self.ncalls = 0;
        self.agent.clear();
        self.persona.clear();
        self.success = true;
    }

    /// The live messages.
    pub fn msgs(&self) -> &[Msg] {
        &self.msgs[..self.len]
    }

    /// The live calls.
    pub fn calls(&self) -> &[Call] {
        &self.calls[..self.ncalls]
    }

    /// A new message with empty buffers.
    pub fn push(&mut self, role: Role) -> &mut Msg {
        if self.len == self.msgs.len() {
            self.msgs.push(Msg::default());
        }
        let m = &mut self.msgs[self.len];
        self.len += 1;
        m.role = role;
        m.text.clear();
        m.thought.clear();
        m.calls = self.ncalls..self.ncalls;
        m.answers = 0;
        m.error = None;
        m.start_ms = 0;
        m.latency_ms = 0;
        m.tokens = 0;
        m.input_tokens = 0;
        m
    }

    /// The live message at `i`.
    pub fn msg_mut(&mut self, i: usize) -> &mut Msg {
        &mut self.msgs[..self.len][i]
    }

    /// The last message (there must be one).
    pub fn last_mut(&mut self) -> &mut Msg {
        &mut self.msgs[self.len - 1]
    }

    /// A new call with empty buffers, attached to the last message (an assistant message).
    pub fn push_call(&mut self, tool: usize) -> &mut Call {
        if self.ncalls == self.calls.len() {
            self.calls.push(Call::default());
        }
        let i = self.ncalls;
        self.ncalls += 1;
        self.msgs[self.len - 1].calls.end = self.ncalls;
        let c = &mut self.calls[i];
        c.id.clear();
        c.args.clear();
        c.tool = tool;
        c
    }

    /// The call at `i`.
    pub fn call(&self, i: usize) -> &Call {
        &self.calls[i]
    }

    /// Sum of the tokens of every message (the context a model would read next).
    pub fn context_tokens(&self) -> u32 {
        tokens_of(&self.system) + self.msgs().iter().map(|m| m.tokens).sum::<u32>()
    }

    /// Total input and output tokens over the assistant's messages.
    pub fn usage(&self) -> (u64, u64) {
        self.msgs()
            .iter()
            .filter(|m| m.role == Role::Assistant)
            .fold((0, 0), |(i, o), m| {
                (i + u64::from(m.input_tokens), o + u64::from(m.tokens))
            })
    }
}
