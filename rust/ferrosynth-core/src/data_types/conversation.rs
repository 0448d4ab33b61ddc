//! `conversation`: dialogues filled from a template, or, in tool-use mode, dialogues in which
//! the assistant calls tools.

use serde_json::Value;

use super::{DataType, Row};
use crate::agent::dialogue::{Dialogue, Role};
use crate::agent::user::{self, persona_constraint, User};
use crate::agent::{
    domain_constraint, turns, Agent, AgentConfig, Exporter, Format, RunCtx, RunKind, Template, Tool,
};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::plan::{compile_tools, Scratch, Spec};
use crate::rng::Rng;
use crate::text::Domain;
use crate::write::columns::Col;

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    if tool_use(spec)? {
        return Ok(Box::new(ToolUse(Agent {
            tools: compile_tools(&spec.tools)?,
            cfg: AgentConfig::from_constraints(&spec.constraints, RunKind::Conversation)?,
        })));
    }
    let t = spec
        .template
        .as_ref()
        .ok_or_else(|| Error::config("template", "a conversation plan needs a template"))?;
    // The template's domain: the `domain` constraint, else the built-in template's.
    let domain = t.domain.clone().map(Value::String);
    let domain = domain_constraint(domain.as_ref(), false)?.unwrap_or(Domain::General);
    Ok(Box::new(Templated {
        template: Template::compile(&t.name, &t.turns, domain)?,
        persona: persona_constraint(spec.constraints.get("persona"), domain)?,
    }))
}

/// Whether a conversation plan is in tool-use mode: `constraints.mode` says so, else it is when
/// the plan has tools.
fn tool_use(spec: &Spec) -> Result<bool> {
    match spec.constraints.get("mode") {
        None | Some(Value::Null) => Ok(!spec.tools.is_empty()),
        Some(Value::String(m)) if m == "tool_use" => {
            if spec.tools.is_empty() {
                return Err(Error::config(
                    "tools",
                    "tool_use mode needs at least one tool",
                ));
            }
            Ok(true)
        }
        Some(Value::String(m)) if m == "template" => Ok(false),
        Some(other) => Err(Error::config(
            "constraints.mode",
            format!("unknown conversation mode {other}; expected one of template, tool_use"),
        )),
    }
}

/// A conversation filled from a template; with `persona`, a persona of that domain is the user.
#[derive(Debug, Clone)]
pub struct Templated {
    pub template: Template,
    pub persona: Option<Domain>,
}

/// A conversation in which the assistant calls tools.
#[derive(Debug, Clone)]
pub struct ToolUse(pub Agent);

/// Writes a conversation: in the row's format, else `{"index", "turns"}` (and `persona` when
/// the user is one) or the bare turns.
fn emit_dialogue(
    d: &Dialogue,
    tools: &[Tool],
    row: Row<'_>,
    scratch: &mut String,
    w: &mut JsonWriter,
) {
    if let Some(x) = row.export {
        return x.emit(d, tools, scratch, w);
    }
    if row.index.is_some() {
        row.open(w);
        w.key("turns");
    }
    turns::emit_turns(d, tools, scratch, w);
    if row.index.is_some() {
        user::emit_member(d, w);
        w.end_object();
    }
}

/// The columns of a conversation (with its `persona` when the user is one).
fn turn_columns(persona: bool) -> Col {
    use Col::{Int, Json, Str};
    let turn = Col::fields(&[
        ("role", Str),
        ("content", Str),
        ("tool_calls", Json),
        ("tool_call_id", Str),
    ]);
    let mut fields = vec![("index", Int), ("turns", Col::list(turn))];
    if persona {
        fields.push(("persona", Col::fields(&super::persona::persona_fields())));
    }
    Col::fields(&fields)
}

impl DataType for Templated {
    fn name(&self) -> &'static str {
        "conversation"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let persona = user::begin(self.persona, rng, &mut s.fill);
        let pools = s.fill.pools;
        let who = persona.as_ref().map(|p| User { persona: p, pools });
        let d = &mut s.run.dialogue;
        self.template.fill(rng, &mut s.fill, &mut s.slots, d, who);
        if let Some(p) = &persona {
            user::finish(p, &mut s.fill, &mut s.run, &mut s.ctx.scratch);
        }
        emit_dialogue(&s.run.dialogue, &[], row, &mut s.ctx.scratch, w);
    }

    fn columns(&self) -> Col {
        turn_columns(self.persona.is_some())
    }

    fn exporter(&self, format: Format, spec: &Spec) -> Result<Exporter> {
        let t = &self.template;
        if format.needs_user_first() && t.first_role() != Some(Role::User) {
            return Err(Error::template(
                &t.name,
                format!(
                    "the {} format needs the first turn after the system prompt to be a user turn",
                    format.name()
                ),
            ));
        }
        // The model and provider that OTel spans name (the `model`/`provider` constraints).
        let cfg = AgentConfig::from_constraints(&spec.constraints, RunKind::Conversation)?;
        Ok(Exporter::new(format, &[], &cfg.model, &cfg.provider))
    }
}

impl DataType for ToolUse {
    fn name(&self) -> &'static str {
        "conversation"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let agent = &self.0;
        let persona = user::begin(agent.cfg.persona, rng, &mut s.fill);
        let pools = s.fill.pools;
        agent.conversation(&mut RunCtx {
            rng,
            ectx: &mut s.ctx,
            fctx: &mut s.fill,
            s: &mut s.run,
            user: persona.as_ref().map(|p| User { persona: p, pools }),
        });
        if let Some(p) = &persona {
            user::finish(p, &mut s.fill, &mut s.run, &mut s.ctx.scratch);
        }
        emit_dialogue(&s.run.dialogue, &agent.tools, row, &mut s.ctx.scratch, w);
    }

    fn columns(&self) -> Col {
        turn_columns(self.0.cfg.persona.is_some())
    }

    fn exporter(&self, format: Format, _spec: &Spec) -> Result<Exporter> {
        let a = &self.0;
        Ok(Exporter::new(
            format,
            &a.tools,
            &a.cfg.model,
            &a.cfg.provider,
        ))
    }
}
