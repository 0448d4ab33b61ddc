//! Agent-shaped data: conversation templates, OpenAI-style tool calls, agent traces and
//! conversations with tool use, all generated into one internal model ([`Dialogue`]) and
//! rendered from it in the native shapes or a standard format ([`export`]).

pub mod config;
pub mod dialogue;
pub mod episode;
pub mod export;
pub mod persona;
mod phrases;
pub mod placeholder;
pub mod result;
pub mod template;
pub mod tool;
pub mod trace;
pub mod turns;
pub mod user;

pub use config::{domain_constraint, AgentConfig, RunKind};
pub use dialogue::Dialogue;
pub use episode::{Agent, RunCtx, RunScratch};
pub use export::{Exporter, Format};
pub use template::{SlotValues, Template, TurnSpec};
pub use tool::{Tool, ToolSpec};
pub use user::User;
