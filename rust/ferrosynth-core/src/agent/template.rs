//! Conversation templates: turns whose contents hold `{placeholders}`, compiled once.
//!
//! A placeholder used several times in one conversation gets one value (a customer keeps one
//! name and one e-mail); `{{` and `}}` are literal braces.

use serde::Deserialize;

use super::placeholder::{known_names, Placeholder};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::text::Person;

/// A turn as the user writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct TurnSpec {
    pub role: String,
    pub content: String,
}

#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Slot(usize),
}

#[derive(Debug, Clone)]
struct Turn {
    role: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Slot {
    kind: Placeholder,
    group: u32,
}

/// A compiled conversation template.
#[derive(Debug, Clone)]
pub struct Template {
    turns: Vec<Turn>,
    slots: Vec<Slot>,
    groups: u32,
}

impl Template {
    /// Compiles the turns of template `name`; unknown placeholders are errors listing the known.
    pub fn compile(name: &str, specs: &[TurnSpec]) -> Result<Self> {
        if specs.is_empty() {
            return Err(Error::template(name, "a template needs at least one turn"));
        }
        let mut names: Vec<String> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        let mut turns = Vec::with_capacity(specs.len());
        for (t, spec) in specs.iter().enumerate() {
            let location = || format!("{name} turn {t}");
            let mut parts = Vec::new();
            let mut lit = String::new();
            let mut chars = spec.content.char_indices().peekable();
            while let Some((at, c)) = chars.next() {
                match c {
                    '{' if chars.peek().map(|&(_, n)| n) == Some('{') => {
                        chars.next();
                        lit.push('{');
                    }
                    '}' if chars.peek().map(|&(_, n)| n) == Some('}') => {
                        chars.next();
                        lit.push('}');
                    }
                    '{' => {
                        let rest = &spec.content[at + 1..];
                        let end = rest.find('}').ok_or_else(|| {
                            Error::template(location(), format!("unclosed '{{' at character {at}"))
                        })?;
                        let key = &rest[..end];
                        let (kind, group) = Placeholder::resolve(key).ok_or_else(|| {
                            Error::template(
                                location(),
                                format!(
                                    "unknown placeholder {{{key}}}; known placeholders: {}",
                                    known_names()
                                ),
                            )
                        })?;
                        let slot = match names.iter().position(|n| n == key) {
                            Some(i) => i,
                            None => {
                                names.push(key.to_owned());
                                slots.push(Slot { kind, group });
                                slots.len() - 1
                            }
                        };
                        if !lit.is_empty() {
                            parts.push(Part::Lit(std::mem::take(&mut lit)));
                        }
                        parts.push(Part::Slot(slot));
                        for _ in 0..key.chars().count() + 1 {
                            chars.next();
                        }
                    }
                    '}' => {
                        return Err(Error::template(
                            location(),
                            format!("unmatched '}}' at character {at} (write '}}}}' for a literal brace)"),
                        ));
                    }
                    _ => lit.push(c),
                }
            }
            if !lit.is_empty() {
                parts.push(Part::Lit(lit));
            }
            turns.push(Turn {
                role: spec.role.clone(),
                parts,
            });
        }
        let groups = slots.iter().map(|s| s.group + 1).max().unwrap_or(0);
        Ok(Template {
            turns,
            slots,
            groups,
        })
    }

    /// Writes the conversation's turns as a JSON array of `{role, content, tool_calls}`.
    pub fn emit_turns(
        &self,
        rng: &mut Rng,
        pools: &Pools,
        anchor: i64,
        scratch: &mut String,
        w: &mut JsonWriter,
    ) {
        // People first (one per group), then slot values in order of first appearance.
        let people: Vec<Person> = (0..self.groups).map(|_| Person::draw(rng, pools)).collect();
        let mut values: Vec<String> = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            let mut v = String::new();
            slot.kind
                .push(&mut v, rng, pools, anchor, &people[slot.group as usize]);
            values.push(v);
        }
        w.begin_array();
        for turn in &self.turns {
            scratch.clear();
            for part in &turn.parts {
                match part {
                    Part::Lit(s) => scratch.push_str(s),
                    Part::Slot(i) => scratch.push_str(&values[*i]),
                }
            }
            w.begin_object();
            w.key("role");
            w.str(&turn.role);
            w.key("content");
            w.str(scratch);
            w.key("tool_calls");
            w.null();
            w.end_object();
        }
        w.end_array();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(content: &str) -> Vec<TurnSpec> {
        vec![TurnSpec {
            role: "user".into(),
            content: content.into(),
        }]
    }

    fn render(t: &Template) -> serde_json::Value {
        let mut w = JsonWriter::default();
        let mut s = String::new();
        t.emit_turns(
            &mut Rng::for_sample(1, 1),
            &Pools::builtin_english(),
            0,
            &mut s,
            &mut w,
        );
        serde_json::from_slice(&w.buf).unwrap()
    }

    #[test]
    fn repeated_placeholders_share_a_value_and_braces_escape() {
        let t = Template::compile("t", &spec("{email} / {email} {{x}} {first_name}")).unwrap();
        let v = render(&t);
        let content = v[0]["content"].as_str().unwrap();
        let parts: Vec<&str> = content.split(" / ").collect();
        assert_eq!(parts[0], parts[1].split(' ').next().unwrap());
        assert!(content.contains("{x}"));
        let first = content.rsplit(' ').next().unwrap().to_lowercase();
        assert!(
            parts[0].contains(&first[..1]),
            "email derived from the name: {content}"
        );
    }

    #[test]
    fn unknown_placeholder_lists_known_ones() {
        let err = Template::compile("t", &spec("hi {nope}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("{nope}") && err.contains("first_name"),
            "{err}"
        );
        assert!(Template::compile("t", &spec("hi {name")).is_err());
        assert!(Template::compile("t", &spec("hi }")).is_err());
    }

    #[test]
    fn numbered_placeholders_are_independent_kinds() {
        assert_eq!(
            Placeholder::resolve("finding_2"),
            Some((Placeholder::Finding, 2))
        );
        assert_eq!(Placeholder::resolve("finding_x"), None);
    }
}
