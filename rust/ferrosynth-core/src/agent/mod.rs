//! Agent-shaped data: conversation templates, OpenAI-style tool calls and agent traces.

pub mod placeholder;
pub mod template;
pub mod tool;
pub mod trace;

pub use template::{Template, TurnSpec};
pub use tool::{Tool, ToolSpec};
