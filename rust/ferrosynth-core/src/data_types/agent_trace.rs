//! `agent_trace`: an agent's run on a task — thoughts, tool calls, observations, an answer.

use super::{DataType, Row};
use crate::agent::user::{self, User};
use crate::agent::{trace, Agent, AgentConfig, Exporter, Format, RunCtx, RunKind};
use crate::error::Result;
use crate::json::JsonWriter;
use crate::plan::{compile_tools, Scratch, Spec};
use crate::rng::Rng;
use crate::write::columns::Col;

pub fn compile(spec: &Spec) -> Result<Box<dyn DataType>> {
    Ok(Box::new(Traces(Agent {
        tools: compile_tools(&spec.tools)?,
        cfg: AgentConfig::from_constraints(&spec.constraints, RunKind::Trace)?,
    })))
}

/// Traces of an agent with these tools and settings.
#[derive(Debug, Clone)]
pub struct Traces(pub Agent);

impl DataType for Traces {
    fn name(&self) -> &'static str {
        "agent_trace"
    }

    fn emit(&self, rng: &mut Rng, s: &mut Scratch<'_>, row: Row<'_>, w: &mut JsonWriter) {
        let agent = &self.0;
        let persona = user::begin(agent.cfg.persona, rng, &mut s.fill);
        let pools = s.fill.pools;
        agent.trace(&mut RunCtx {
            rng,
            ectx: &mut s.ctx,
            fctx: &mut s.fill,
            s: &mut s.run,
            user: persona.as_ref().map(|p| User { persona: p, pools }),
        });
        if let Some(p) = &persona {
            user::finish(p, &mut s.fill, &mut s.run, &mut s.ctx.scratch);
        }
        let d = &s.run.dialogue;
        match row.export {
            Some(x) => x.emit(d, &agent.tools, &mut s.ctx.scratch, w),
            None => {
                row.open(w);
                trace::emit_trace_members(d, &agent.tools, &agent.cfg.model, &mut s.ctx.scratch, w);
                user::emit_member(d, w);
                w.end_object();
            }
        }
    }

    fn columns(&self) -> Col {
        use Col::{Bool, Float, Int, Json, Str};
        let step = Col::fields(&[
            ("step", Int),
            ("type", Str),
            ("timestamp", Float),
            ("content", Str),
            ("tool", Str),
            ("arguments", Json),
            ("latency_ms", Int),
            ("tokens", Int),
            ("tool_call_id", Str),
            ("status", Str),
            ("error_type", Str),
        ]);
        let mut fields = vec![
            ("index", Int),
            ("trace_id", Str),
            ("agent", Str),
            ("task", Str),
            ("steps", Col::list(step)),
            ("final_answer", Str),
            ("success", Bool),
            ("model", Str),
            ("duration_ms", Int),
            (
                "usage",
                Col::fields(&[("input_tokens", Int), ("output_tokens", Int)]),
            ),
        ];
        if self.0.cfg.persona.is_some() {
            fields.push(("persona", Col::fields(&super::persona::persona_fields())));
        }
        Col::fields(&fields)
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
