//! The constraints of agent-shaped data (traces and tool-use conversations), compiled once.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::text::Domain;

/// How agent runs are generated. Every field has a constraint of the same name.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Subject matter of the prose (`general`, `customer_support`, `coding`, `research`).
    pub domain: Domain,
    /// Probability that a task (trace) or a user turn (conversation) uses tools.
    pub tool_use_rate: f64,
    /// Probability that one tool call fails.
    pub failure_rate: f64,
    /// How often a failed call is retried before the agent gives up.
    pub max_retries: u32,
    /// Most sequential tool calls for one task or user turn.
    pub max_tool_calls: usize,
    /// Most calls the assistant makes at once in a conversation (traces call one at a time).
    pub max_parallel_calls: usize,
    /// User turns per conversation.
    pub min_turns: usize,
    pub max_turns: usize,
    /// Model and provider names recorded in traces and spans.
    pub model: String,
    pub provider: String,
    /// The domain of the persona that is the user of each run (the `persona` constraint), or
    /// `None` for the plain user.
    pub persona: Option<Domain>,
}

/// Which kind of run the defaults are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Trace,
    Conversation,
}

impl AgentConfig {
    /// Reads the agent constraints; unknown keys are left to other readers (the reference
    /// ignores keys it does not know, and so does ferrosynth).
    pub fn from_constraints(c: &Map<String, Value>, kind: RunKind) -> Result<Self> {
        let trace = kind == RunKind::Trace;
        let domain = domain_constraint(c.get("domain"), false)?.unwrap_or(Domain::General);
        let cfg = AgentConfig {
            domain,
            tool_use_rate: rate(c, "tool_use_rate", if trace { 0.85 } else { 0.8 })?,
            failure_rate: rate(c, "failure_rate", if trace { 0.1 } else { 0.0 })?,
            max_retries: count(c, "max_retries", 2, 0, 10)? as u32,
            max_tool_calls: count(c, "max_tool_calls", 2, 1, 16)?,
            max_parallel_calls: count(c, "max_parallel_calls", 2, 1, 8)?,
            min_turns: count(c, "min_turns", 1, 1, 50)?,
            max_turns: count(c, "max_turns", 3, 1, 50)?,
            model: name(c, "model", "gpt-4o-mini")?,
            provider: name(c, "provider", "openai")?,
            persona: super::user::persona_constraint(c.get("persona"), domain)?,
        };
        if cfg.min_turns > cfg.max_turns {
            // An explicit min above the default max raises the max with it.
            if c.get("max_turns").is_some_and(|v| !v.is_null()) {
                return Err(Error::config(
                    "constraints.min_turns",
                    format!(
                        "min_turns ({}) is greater than max_turns ({})",
                        cfg.min_turns, cfg.max_turns
                    ),
                ));
            }
            return Ok(AgentConfig {
                max_turns: cfg.min_turns,
                ..cfg
            });
        }
        Ok(cfg)
    }
}

/// The `domain` constraint: `None` when absent, or when it is `lorem` and `lorem` is allowed
/// (the `text` type's default). The error lists the valid names.
pub fn domain_constraint(value: Option<&Value>, allow_lorem: bool) -> Result<Option<Domain>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) if allow_lorem && name == "lorem" => Ok(None),
        Some(Value::String(name)) if Domain::parse(name).is_some() => Ok(Domain::parse(name)),
        Some(other) => {
            let lorem = if allow_lorem { "lorem, " } else { "" };
            let names: Vec<&str> = Domain::NAMES.iter().map(|(n, _)| *n).collect();
            Err(Error::config(
                "constraints.domain",
                format!(
                    "unknown domain {other}; expected one of {lorem}{}",
                    names.join(", ")
                ),
            ))
        }
    }
}

fn rate(c: &Map<String, Value>, key: &str, default: f64) -> Result<f64> {
    match c.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_f64() {
            Some(x) if (0.0..=1.0).contains(&x) => Ok(x),
            _ => Err(Error::config(
                format!("constraints.{key}"),
                format!("must be a number between 0 and 1, got {v}"),
            )),
        },
    }
}

fn count(c: &Map<String, Value>, key: &str, default: usize, lo: u64, hi: u64) -> Result<usize> {
    match c.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_u64() {
            Some(n) if (lo..=hi).contains(&n) => Ok(n as usize),
            _ => Err(Error::config(
                format!("constraints.{key}"),
                format!("must be an integer between {lo} and {hi}, got {v}"),
            )),
        },
    }
}

fn name(c: &Map<String, Value>, key: &str, default: &str) -> Result<String> {
    match c.get(key) {
        None | Some(Value::Null) => Ok(default.to_owned()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(v) => Err(Error::config(
            format!("constraints.{key}"),
            format!("must be a non-empty string, got {v}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg(v: Value, kind: RunKind) -> Result<AgentConfig> {
        AgentConfig::from_constraints(v.as_object().unwrap(), kind)
    }

    #[test]
    fn defaults_differ_by_kind() {
        let t = cfg(json!({}), RunKind::Trace).unwrap();
        let c = cfg(json!({}), RunKind::Conversation).unwrap();
        assert_eq!((t.failure_rate, c.failure_rate), (0.1, 0.0));
        assert_eq!(t.domain, Domain::General);
        assert_eq!((c.min_turns, c.max_turns), (1, 3));
    }

    #[test]
    fn values_are_checked_and_errors_name_the_constraint() {
        let err = |v| cfg(v, RunKind::Trace).unwrap_err().to_string();
        assert!(err(json!({"failure_rate": 1.5}))
            .starts_with("constraints.failure_rate: must be a number between 0 and 1"));
        assert!(err(json!({"domain": "cooking"}))
            .contains("expected one of general, customer_support, coding, research"));
        assert!(err(json!({"max_retries": -1})).starts_with("constraints.max_retries"));
        assert!(err(json!({"min_turns": 4, "max_turns": 2})).contains("greater than max_turns"));
        assert!(err(json!({"model": ""})).starts_with("constraints.model"));
        let raised = cfg(
            json!({"min_turns": 5, "domain": "coding"}),
            RunKind::Conversation,
        )
        .unwrap();
        assert_eq!(
            (raised.min_turns, raised.max_turns, raised.domain),
            (5, 5, Domain::Coding)
        );
    }
}
