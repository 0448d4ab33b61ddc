//! Agent runs: an agent trace (one task, ReAct-style) or a conversation with tool use (several
//! user turns), generated into a [`Dialogue`]. Runs are coherent by construction: every call
//! names a real tool with arguments valid for its schema and is answered by exactly one result;
//! a failed call is retried (with fixed arguments when they were rejected) or ends the task;
//! timestamps follow from per-message latencies; `success` says whether a call failed for good.

use super::config::AgentConfig;
use super::dialogue::{tokens_of, Dialogue, Role};
use super::phrases;
use super::result::{emit_result, ToolError};
use super::tool::{push_id_body, Tool};
use super::user::User;
use crate::json::JsonWriter;
use crate::rng::Rng;
use crate::schema::EmitCtx;
use crate::text::{self, Domain, FillCtx, Person, Voice};
use crate::time::DAY;

/// Tools and settings of agent-shaped data.
#[derive(Debug, Clone)]
pub struct Agent {
    pub tools: Vec<Tool>,
    pub cfg: AgentConfig,
}

/// Per-thread buffers of agent runs.
#[derive(Debug, Default)]
pub struct RunScratch {
    pub dialogue: Dialogue,
    args: JsonWriter,
    result: JsonWriter,
    /// The calls planned for the next assistant message: `(tool, arguments)`.
    batch: Vec<(usize, String)>,
    nbatch: usize,
    /// The run's user rendered as JSON (see [`super::user::finish`]).
    pub user_json: JsonWriter,
}

/// Everything a run draws on.
pub struct RunCtx<'a, 'p> {
    pub rng: &'a mut Rng,
    pub ectx: &'a mut EmitCtx<'p>,
    pub fctx: &'a mut FillCtx<'p>,
    pub s: &'a mut RunScratch,
    /// The run's user, with the `persona` constraint.
    pub user: Option<User<'a>>,
}

/// A call that failed for good: the tool, the last failure and the number of attempts.
type Failure = (usize, ToolError, u32);

impl Agent {
    /// Generates an agent trace: task → (thought → call → result)* → final answer.
    pub fn trace(&self, c: &mut RunCtx<'_, '_>) {
        let person = self.begin(c);
        let rng = &mut *c.rng;
        c.s.dialogue.agent.clear();
        text::push_word(&mut c.s.dialogue.agent, rng, c.fctx.pools);
        c.s.dialogue.agent.push_str("_agent");
        let mut clock = c.fctx.anchor * 1000 + rng.range_i64(0, 30 * DAY * 1000);
        system_prompt(&mut c.s.dialogue, self.cfg.domain, true);

        let n = self.planned_calls(c.rng);
        self.plan_sequence(c, n);
        let who = c.user;
        let d = &mut c.s.dialogue;
        let user = d.push(Role::User);
        user.start_ms = clock;
        if let Some(u) = who {
            u.push_opening(&mut user.text);
        }
        if c.rng.chance(0.5) {
            text::domain::push_sentence(&mut user.text, c.rng, c.fctx, &person, Voice::User);
            user.text.push(' ');
        }
        if n == 0 {
            text::domain::push_sentence(&mut user.text, c.rng, c.fctx, &person, Voice::User);
        } else {
            let (first, args) = &c.s.batch[0];
            let tool = &self.tools[*first];
            let next = (n > 1).then(|| &self.tools[c.s.batch[1].0]);
            phrases::push_request(
                &mut user.text,
                c.rng,
                tool,
                tool.subject_value(args),
                next,
                false,
            );
        }
        if let Some(u) = who {
            u.push_closing(&mut user.text);
        }
        user.tokens = tokens_of(&user.text);
        clock += 1;

        let mut failure = None;
        for k in 0..n {
            // The k-th planned call becomes a batch of one (earlier ones are done).
            c.s.batch.swap(0, k);
            c.s.nbatch = 1;
            failure = self.act(c, &mut clock, &person, Some(k == 0));
            if failure.is_some() {
                break;
            }
        }
        let d = &mut c.s.dialogue;
        let context = d.context_tokens();
        let m = d.push(Role::Assistant);
        m.start_ms = clock;
        m.input_tokens = context;
        match failure {
            Some((tool, error, attempts)) => {
                phrases::push_failure_answer(&mut m.text, &self.tools[tool], error, attempts);
            }
            None if n == 0 => {
                phrases::push_direct_thought(&mut m.thought, c.rng);
                phrases::push_answer(&mut m.text, c.rng, c.fctx, &person, false);
            }
            None => phrases::push_answer(&mut m.text, c.rng, c.fctx, &person, true),
        }
        m.tokens = tokens_of(&m.text) + tokens_of(&m.thought);
        m.latency_ms = model_latency(c.rng, m.tokens);
        d.success = failure.is_none();
    }

    /// Generates a conversation in which the assistant calls tools on some user turns.
    pub fn conversation(&self, c: &mut RunCtx<'_, '_>) {
        let person = self.begin(c);
        c.s.dialogue.agent.push_str("assistant");
        let mut clock = c.fctx.anchor * 1000 + c.rng.range_i64(0, 30 * DAY * 1000);
        system_prompt(&mut c.s.dialogue, self.cfg.domain, !self.tools.is_empty());
        let turns = c.rng.range_usize(self.cfg.min_turns, self.cfg.max_turns);
        for turn in 0..turns {
            let use_tools = !self.tools.is_empty() && c.rng.chance(self.cfg.tool_use_rate);
            let who = c.user;
            let d = &mut c.s.dialogue;
            if !use_tools {
                let user = d.push(Role::User);
                user.start_ms = clock;
                if let (Some(u), 0) = (who, turn) {
                    u.push_opening(&mut user.text);
                }
                phrases::push_user_remark(&mut user.text, c.rng, c.fctx, &person);
                if let Some(u) = who {
                    u.push_closing(&mut user.text);
                }
                user.tokens = tokens_of(&user.text);
                clock += 1;
                self.answer(c, &mut clock, &person, None, false);
                continue;
            }
            self.plan_batch(c);
            // Sometimes a second step follows on another tool; the request names it.
            let second = (self.cfg.max_tool_calls > 1 && c.rng.chance(0.25))
                .then(|| self.pick_tool(c.rng, c.s.batch[0].0));
            let d = &mut c.s.dialogue;
            let user = d.push(Role::User);
            user.start_ms = clock;
            let lower = turn > 0;
            match (who, lower) {
                (Some(u), true) => u.push_follow_up(&mut user.text, c.rng),
                (None, true) => phrases::push_follow_up(&mut user.text, c.rng),
                (Some(u), false) => u.push_opening(&mut user.text),
                (None, false) => {}
            }
            if !lower && c.rng.chance(0.5) {
                text::domain::push_sentence(&mut user.text, c.rng, c.fctx, &person, Voice::User);
                user.text.push(' ');
            }
            let (first, args) = &c.s.batch[0];
            let tool = &self.tools[*first];
            let next = match second {
                Some(t) => Some(&self.tools[t]),
                None => (c.s.nbatch > 1).then(|| &self.tools[c.s.batch[1].0]),
            };
            phrases::push_request(
                &mut user.text,
                c.rng,
                tool,
                tool.subject_value(args),
                next,
                lower,
            );
            if let Some(u) = who {
                u.push_closing(&mut user.text);
            }
            user.tokens = tokens_of(&user.text);
            clock += 1;
            let mut failure = self.act(c, &mut clock, &person, None);
            if let (None, Some(t)) = (failure, second) {
                c.s.nbatch = 0;
                self.push_planned(c, t);
                failure = self.act(c, &mut clock, &person, None);
            }
            self.answer(c, &mut clock, &person, failure, true);
        }
    }

    /// Starts a run: clears the dialogue, draws its id and its person (the user's, when the
    /// run has one, after the same draw as the plain run's).
    fn begin(&self, c: &mut RunCtx<'_, '_>) -> Person {
        c.s.dialogue.clear();
        c.fctx.reset(self.cfg.domain, true);
        c.s.dialogue.id = c.rng.uuid_bytes();
        let drawn = Person::draw(c.rng, c.fctx.pools);
        c.user.map_or(drawn, |u| u.persona.person)
    }

    /// How many sequential calls a trace makes.
    fn planned_calls(&self, rng: &mut Rng) -> usize {
        if self.tools.is_empty() || !rng.chance(self.cfg.tool_use_rate) {
            0
        } else {
            rng.range_usize(1, self.cfg.max_tool_calls)
        }
    }

    /// Plans `n` sequential calls (no tool twice in a row when there is a choice).
    fn plan_sequence(&self, c: &mut RunCtx<'_, '_>, n: usize) {
        c.s.nbatch = 0;
        let mut prev = usize::MAX;
        for _ in 0..n {
            let tool = self.pick_tool(c.rng, prev);
            self.push_planned(c, tool);
            prev = tool;
        }
    }

    /// Plans one assistant message's parallel calls, on distinct tools where possible.
    fn plan_batch(&self, c: &mut RunCtx<'_, '_>) {
        c.s.nbatch = 0;
        let k = c
            .rng
            .range_usize(1, self.cfg.max_parallel_calls.min(self.tools.len()));
        let start = c.rng.index(self.tools.len());
        for i in 0..k {
            self.push_planned(c, (start + i) % self.tools.len());
        }
    }

    fn pick_tool(&self, rng: &mut Rng, prev: usize) -> usize {
        let n = self.tools.len();
        if n > 1 && prev < n {
            (prev + 1 + rng.index(n - 1)) % n
        } else {
            rng.index(n)
        }
    }

    fn push_planned(&self, c: &mut RunCtx<'_, '_>, tool: usize) {
        let s = &mut *c.s;
        self.tools[tool].render_arguments(c.rng, c.ectx, &mut s.args);
        if s.nbatch == s.batch.len() {
            s.batch.push(Default::default());
        }
        let slot = &mut s.batch[s.nbatch];
        slot.0 = tool;
        slot.1.clear();
        slot.1
            .push_str(std::str::from_utf8(&s.args.buf).unwrap_or("{}"));
        s.nbatch += 1;
    }

    /// Makes the planned calls (one assistant message, then one result per call), retrying
    /// failed calls while retries are left. `trace_first` is `Some(first call of the task)`
    /// for traces, whose calls come with a thought; `None` for conversations.
    fn act(
        &self,
        c: &mut RunCtx<'_, '_>,
        clock: &mut i64,
        person: &Person,
        trace_first: Option<bool>,
    ) -> Option<Failure> {
        let mut attempts = 1u32;
        let mut retry: Option<(usize, ToolError)> = None;
        loop {
            let d = &mut c.s.dialogue;
            let context = d.context_tokens();
            let m = d.push(Role::Assistant);
            m.start_ms = *clock;
            m.input_tokens = context;
            let first_tool = &self.tools[c.s.batch[0].0];
            match (retry, trace_first) {
                (Some((_, error)), _) => {
                    phrases::push_retry_thought(&mut m.thought, c.rng, first_tool, error)
                }
                (None, Some(first)) => {
                    phrases::push_thought(&mut m.thought, c.rng, first_tool, first)
                }
                (None, None) if c.rng.chance(0.5) => phrases::push_preamble(&mut m.text, c.rng),
                (None, None) => {}
            }
            let mut out_tokens = tokens_of(&m.thought) + tokens_of(&m.text);
            let first_call = d.calls().len();
            for k in 0..c.s.nbatch {
                let (tool, args) = &c.s.batch[k];
                let call = d.push_call(*tool);
                push_id_body(&mut call.id, c.rng);
                call.args.push_str(args);
                out_tokens += tokens_of(args) + 8;
            }
            let m = d.last_mut();
            m.tokens = out_tokens;
            m.latency_ms = model_latency(c.rng, out_tokens);
            *clock += m.latency_ms;

            // One result per call; calls in one message run in parallel.
            let mut slowest = 0;
            let mut failed: Option<(usize, ToolError)> = None;
            let mut nfailed = 0;
            for k in 0..c.s.nbatch {
                let call = first_call + k;
                let tool = c.s.dialogue.call(call).tool;
                let error = c
                    .rng
                    .chance(self.cfg.failure_rate)
                    .then(|| ToolError::draw(c.rng));
                let res = &mut c.s.result;
                res.buf.clear();
                res.reset_state();
                let latency = match error {
                    Some(e) => {
                        e.emit(&self.tools[tool].name, res, &mut c.ectx.scratch);
                        e.latency_ms(c.rng)
                    }
                    None => {
                        emit_result(&self.tools[tool], c.rng, c.ectx, c.fctx, person, res);
                        tool_latency(c.rng)
                    }
                };
                let m = c.s.dialogue.push(Role::Tool);
                m.answers = call;
                m.error = error;
                m.text
                    .push_str(std::str::from_utf8(&res.buf).unwrap_or("{}"));
                m.tokens = tokens_of(&m.text);
                m.start_ms = *clock;
                m.latency_ms = latency;
                slowest = slowest.max(latency);
                if let Some(e) = error {
                    // Keep the failed call for a retry (compacting the batch in place).
                    c.s.batch.swap(nfailed, k);
                    nfailed += 1;
                    // Report a permanent failure over a transient one: it ends the task.
                    let worse = match failed {
                        None => true,
                        Some((_, prev)) => prev.retryable() && !e.retryable(),
                    };
                    if worse {
                        failed = Some((tool, e));
                    }
                }
            }
            *clock += slowest + c.rng.range_i64(5, 60);
            // Every call succeeded: done.
            let (tool, error) = failed?;
            if !error.retryable() || attempts > self.cfg.max_retries {
                return Some((tool, error, attempts));
            }
            attempts += 1;
            c.s.nbatch = nfailed;
            if error == ToolError::InvalidArguments {
                // Fresh arguments for every call being retried.
                for k in 0..nfailed {
                    let t = c.s.batch[k].0;
                    self.tools[t].render_arguments(c.rng, c.ectx, &mut c.s.args);
                    let slot = &mut c.s.batch[k].1;
                    slot.clear();
                    slot.push_str(std::str::from_utf8(&c.s.args.buf).unwrap_or("{}"));
                }
            }
            retry = Some((tool, error));
        }
    }

    /// The assistant's answer closing a user turn.
    fn answer(
        &self,
        c: &mut RunCtx<'_, '_>,
        clock: &mut i64,
        person: &Person,
        failure: Option<Failure>,
        used_tools: bool,
    ) {
        let d = &mut c.s.dialogue;
        let context = d.context_tokens();
        let m = d.push(Role::Assistant);
        m.start_ms = *clock;
        m.input_tokens = context;
        match failure {
            Some((tool, error, attempts)) => {
                phrases::push_failure_answer(&mut m.text, &self.tools[tool], error, attempts);
                d.success = false;
            }
            None => phrases::push_answer(&mut m.text, c.rng, c.fctx, person, used_tools),
        }
        let m = d.last_mut();
        m.tokens = tokens_of(&m.text);
        m.latency_ms = model_latency(c.rng, m.tokens);
        *clock += m.latency_ms + c.rng.range_i64(2_000, 90_000);
    }
}

/// Model time for `tokens` output tokens: a first-token delay plus a per-token rate.
fn model_latency(rng: &mut Rng, tokens: u32) -> i64 {
    rng.range_i64(250, 900) + i64::from(tokens) * rng.range_i64(8, 25)
}

/// Execution time of a successful call: mostly fast, sometimes slow.
fn tool_latency(rng: &mut Rng) -> i64 {
    if rng.chance(0.05) {
        rng.range_i64(2_000, 8_000)
    } else {
        rng.range_i64(40, 1_800)
    }
}

fn system_prompt(d: &mut Dialogue, domain: Domain, tools: bool) {
    d.system.push_str(match domain {
        Domain::General => "You are a helpful assistant. Answer briefly and accurately.",
        Domain::CustomerSupport => {
            "You are a customer support agent. Be warm and brief, confirm order details before changing anything, and never ask for a full card number."
        }
        Domain::Coding => {
            "You are a senior software engineer. Explain your reasoning briefly and keep code samples short and runnable."
        }
        Domain::Research => {
            "You are a research assistant. Keep findings separate from interpretation and say plainly when the evidence is thin."
        }
    });
    if tools {
        d.system
            .push_str(" Use the available tools when they help, and say so when a tool fails.");
    }
}
