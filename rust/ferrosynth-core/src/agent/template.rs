//! Conversation templates: turns whose contents hold `{placeholders}`, compiled once.
//!
//! A placeholder used several times in one conversation gets one value (a customer keeps one
//! name and one e-mail); `{{` and `}}` are literal braces. Roles are `system` (first turn only),
//! `user` and `assistant`.

use serde::Deserialize;

use super::dialogue::{tokens_of, Dialogue, Role};
use super::placeholder::{known_names, Placeholder};
use super::user::User;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::text::{Domain, FillCtx, Person};

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
    role: Option<Role>,
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
    pub name: String,
    turns: Vec<Turn>,
    slots: Vec<Slot>,
    /// The order slot values are drawn in: first appearance, then code snippets (so that a
    /// snippet is written in the conversation's `{language}` wherever the two appear), then
    /// prose (which reuses the conversation's order id, product, ... where it names one).
    order: Vec<usize>,
    groups: u32,
    /// The domain of `{sentence}` and `{paragraph}`.
    pub domain: Domain,
    /// Whether the first user turn names its writer (`{name}` or `{first_name}`): then a
    /// persona does not introduce itself again.
    introduces: bool,
}

/// Per-thread buffers for slot values.
#[derive(Debug, Default)]
pub struct SlotValues {
    text: String,
    spans: Vec<(usize, usize)>,
    people: Vec<Person>,
}

const ROLES: &str = "system (first turn only), user, assistant";

impl Template {
    /// Compiles the turns of template `name`; unknown placeholders are errors listing the known.
    pub fn compile(name: &str, specs: &[TurnSpec], domain: Domain) -> Result<Self> {
        if specs.is_empty() {
            return Err(Error::template(name, "a template needs at least one turn"));
        }
        let mut names: Vec<String> = Vec::new();
        let mut slots: Vec<Slot> = Vec::new();
        let mut turns = Vec::with_capacity(specs.len());
        for (t, spec) in specs.iter().enumerate() {
            let location = || format!("{name} turn {t}");
            let role = match (spec.role.as_str(), t) {
                ("system", 0) => None,
                ("user", _) => Some(Role::User),
                ("assistant", _) => Some(Role::Assistant),
                (other, _) => {
                    return Err(Error::template(
                        location(),
                        format!("role {other:?} is not allowed here; roles are {ROLES}"),
                    ));
                }
            };
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
            turns.push(Turn { role, parts });
        }
        let groups = slots.iter().map(|s| s.group + 1).max().unwrap_or(0);
        let rank = |i: &usize| match slots[*i].kind {
            Placeholder::CodeSnippet => 1,
            Placeholder::Sentence | Placeholder::Paragraph => 2,
            _ => 0,
        };
        let order = (0..3)
            .flat_map(|r| (0..slots.len()).filter(move |i| rank(i) == r))
            .collect();
        let introduces = turns
            .iter()
            .find(|t: &&Turn| t.role == Some(Role::User))
            .is_some_and(|t| {
                t.parts.iter().any(|p| match p {
                    Part::Slot(i) => {
                        slots[*i].group == 0
                            && matches!(slots[*i].kind, Placeholder::Name | Placeholder::FirstName)
                    }
                    Part::Lit(_) => false,
                })
            });
        Ok(Template {
            name: name.to_owned(),
            turns,
            slots,
            order,
            groups,
            domain,
            introduces,
        })
    }

    /// Compiles a template given as a JSON list of `{role, content}` and a domain name.
    pub fn from_json(name: &str, turns: &str, domain: Option<&str>) -> Result<Self> {
        let specs: Vec<TurnSpec> = serde_json::from_str(turns).map_err(|e| {
            Error::template(
                name,
                format!("turns must be a list of {{role, content}}: {e}"),
            )
        })?;
        let domain = domain.map(|d| serde_json::Value::String(d.to_owned()));
        let domain = super::config::domain_constraint(domain.as_ref(), false)?;
        let domain = domain.unwrap_or(Domain::General);
        Self::compile(name, &specs, domain)
    }

    /// The role of the first turn after the system prompt, if any.
    pub fn first_role(&self) -> Option<Role> {
        self.turns.iter().find_map(|t| t.role)
    }

    /// Fills `d` with one conversation; with a `user` (a persona), the persona is the first
    /// group's person and writes the user turns in its voice (see [`super::user`]).
    pub fn fill(
        &self,
        rng: &mut Rng,
        fctx: &mut FillCtx<'_>,
        v: &mut SlotValues,
        d: &mut Dialogue,
        user: Option<User<'_>>,
    ) {
        d.clear();
        fctx.reset(self.domain, false);
        // People first (one per group), then slot values.
        v.people.clear();
        v.people
            .extend((0..self.groups).map(|_| Person::draw(rng, fctx.pools)));
        if let (Some(u), Some(first)) = (user, v.people.first_mut()) {
            *first = u.persona.person;
        }
        v.text.clear();
        v.spans.clear();
        v.spans.resize(self.slots.len(), (0, 0));
        for &i in &self.order {
            let slot = &self.slots[i];
            let start = v.text.len();
            let person = &v.people[slot.group as usize];
            let prose = matches!(slot.kind, Placeholder::Sentence | Placeholder::Paragraph);
            fctx.sticky = prose;
            slot.kind.push(&mut v.text, rng, fctx, person);
            if let (Some(facts), 0) = (fctx.user, slot.group) {
                facts.fix(slot.kind, &mut v.text, start, fctx.pools);
            }
            if slot.group == 0 && !prose {
                fctx.remember(slot.kind, &v.text[start..]);
            }
            v.spans[i] = (start, v.text.len());
        }
        let mut user_turns = 0;
        for turn in &self.turns {
            let out = match turn.role {
                None => &mut d.system,
                Some(role) => &mut d.push(role).text,
            };
            let voiced = user.filter(|_| turn.role == Some(Role::User));
            if let (Some(u), 0, false) = (voiced, user_turns, self.introduces) {
                u.push_opening(out);
            }
            for part in &turn.parts {
                match part {
                    Part::Lit(s) => out.push_str(s),
                    Part::Slot(i) => out.push_str(&v.text[v.spans[*i].0..v.spans[*i].1]),
                }
            }
            if let Some(u) = voiced {
                u.push_closing(out);
                user_turns += 1;
            }
        }
        // Identity and timing come last, so the content of a seed is what it always was.
        d.id = rng.uuid_bytes();
        d.agent.push_str(&self.name);
        let mut clock = fctx.anchor * 1000 + rng.range_i64(0, 30 * crate::time::DAY * 1000);
        let mut context = if d.system.is_empty() {
            0
        } else {
            tokens_of(&d.system)
        };
        for i in 0..d.msgs().len() {
            let m = d.msg_mut(i);
            m.tokens = tokens_of(&m.text);
            m.start_ms = clock;
            m.latency_ms = match m.role {
                Role::Assistant => {
                    m.input_tokens = context;
                    rng.range_i64(250, 900) + i64::from(m.tokens) * rng.range_i64(8, 25)
                }
                _ => rng.range_i64(5_000, 60_000),
            };
            context += m.tokens;
            clock += m.latency_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pools::Pools;

    fn spec(content: &str) -> Vec<TurnSpec> {
        vec![TurnSpec {
            role: "user".into(),
            content: content.into(),
        }]
    }

    fn render(t: &Template) -> Dialogue {
        let pools = Pools::builtin_english();
        let mut d = Dialogue::default();
        let mut fctx = FillCtx::new(&pools, 0);
        t.fill(
            &mut Rng::for_sample(1, 1),
            &mut fctx,
            &mut SlotValues::default(),
            &mut d,
            None,
        );
        d
    }

    #[test]
    fn repeated_placeholders_share_a_value_and_braces_escape() {
        let t = Template::compile(
            "t",
            &spec("{email} / {email} {{x}} {first_name}"),
            Domain::General,
        )
        .unwrap();
        let d = render(&t);
        let content = &d.msgs()[0].text;
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
        let compile = |s: &str| Template::compile("t", &spec(s), Domain::General);
        let err = compile("hi {nope}").unwrap_err().to_string();
        assert!(
            err.contains("{nope}") && err.contains("first_name") && err.contains("code_snippet"),
            "{err}"
        );
        assert!(compile("hi {name").is_err());
        assert!(compile("hi }").is_err());
    }

    #[test]
    fn roles_are_checked() {
        let turns = |roles: &[&str]| -> Vec<TurnSpec> {
            roles
                .iter()
                .map(|r| TurnSpec {
                    role: (*r).into(),
                    content: "x".into(),
                })
                .collect()
        };
        assert!(Template::compile(
            "t",
            &turns(&["system", "user", "assistant"]),
            Domain::General
        )
        .is_ok());
        let err = Template::compile("t", &turns(&["user", "system"]), Domain::General)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("t turn 1") && err.contains("first turn only"),
            "{err}"
        );
        assert!(Template::compile("t", &turns(&["tool"]), Domain::General).is_err());
    }

    #[test]
    fn code_snippets_use_the_conversation_language() {
        let t =
            Template::compile("t", &spec("{code_snippet}\n--{language}"), Domain::Coding).unwrap();
        let pools = Pools::builtin_english();
        let mut fctx = FillCtx::new(&pools, 0);
        let mut d = Dialogue::default();
        for i in 0..30 {
            t.fill(
                &mut Rng::for_sample(2, i),
                &mut fctx,
                &mut SlotValues::default(),
                &mut d,
                None,
            );
            let text = &d.msgs()[0].text;
            let (code, lang) = text.rsplit_once("\n--").unwrap();
            let idx = crate::text::vocab::LANGUAGES
                .iter()
                .position(|l| *l == lang)
                .unwrap();
            let heads: Vec<&str> = crate::text::vocab::CODE_SNIPPETS[idx]
                .iter()
                .map(|s| s.split("{fn}").next().unwrap())
                .collect();
            assert!(heads.iter().any(|h| code.starts_with(h)), "{lang}: {code}");
        }
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
