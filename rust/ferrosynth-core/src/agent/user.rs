//! A persona as the user of a conversation or an agent trace (the `persona` constraint).
//!
//! One persona per sample, drawn from a stream of its own ([`draw_user`]) so that every other
//! draw of the sample stays where it was: the assistant's words, the tool calls and their
//! results are the plain run's, and only the user changes. The persona is the conversation's
//! person (its name and e-mail in every `{name}`/`{email}` and in the assistant's replies), its
//! city and occupation fill `{city}` and `{job_title}`, and its communication style is one
//! [`Voice`] for every user turn: the same opening on the first turn (greeting, who they are,
//! and for the talkative styles their goal and pain point), the same follow-up register on later
//! turns and the same closing on every turn, with emoji only in the styles that use them.

use serde_json::Value;

use super::dialogue::Dialogue;
use super::episode::RunScratch;
use super::persona::{Persona, STYLES};
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::text::{Domain, FillCtx, UserFacts};

/// Salt of the persona's stream: `Rng::substream` of the sample's stream, so the persona is a
/// function of (seed, index) and draws nothing from the sample's own stream.
const PERSONA_STREAM: u64 = 0x7E25_0A1D_5EED_0001;

/// The `persona` constraint: `None` (off) when absent, `null` or `false`; the persona domain
/// when `true` or an object `{"domain": name}`. By default the persona's domain is the run's,
/// except that the users of customer support are customers, whose goals and pain points are
/// the `general` ones (the `customer_support` vocabulary is the support agents').
pub fn persona_constraint(value: Option<&Value>, run: Domain) -> Result<Option<Domain>> {
    let default = match run {
        Domain::CustomerSupport => Domain::General,
        other => other,
    };
    let bad = |what: String| Error::config("constraints.persona", what);
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(default)),
        Some(Value::Object(o)) => {
            if let Some(key) = o.keys().find(|k| *k != "domain") {
                return Err(Error::config(
                    format!("constraints.persona.{key}"),
                    "unknown persona setting; known: domain",
                ));
            }
            let domain = super::domain_constraint(o.get("domain"), false).map_err(|e| match e {
                Error::Config { reason, .. } => Error::config("constraints.persona.domain", reason),
                other => other,
            })?;
            Ok(Some(domain.unwrap_or(default)))
        }
        Some(other) => Err(bad(format!(
            "must be true, false or an object such as {{\"domain\": \"coding\"}}, got {other}"
        ))),
    }
}

/// Draws the user of sample `rng` (the sample's stream, not advanced) in `domain`.
pub fn draw_user(rng: &Rng, pools: &Pools, domain: Domain) -> Persona {
    Persona::draw(&mut rng.substream(PERSONA_STREAM), pools, domain)
}

/// Starts a sample of a run whose user is a persona of `domain` (`None`: no persona): draws
/// it and hands its city and occupation to the fills until [`finish`].
pub fn begin(domain: Option<Domain>, rng: &Rng, fctx: &mut FillCtx<'_>) -> Option<Persona> {
    let p = draw_user(rng, fctx.pools, domain?);
    fctx.user = Some(UserFacts {
        city: p.city,
        title: p.title,
    });
    Some(p)
}

/// Ends the sample begun by [`begin`]: the fills forget the user, and the dialogue carries the
/// persona as a JSON object (its `persona` member).
pub fn finish(p: &Persona, fctx: &mut FillCtx<'_>, s: &mut RunScratch, scratch: &mut String) {
    fctx.user = None;
    let w = &mut s.user_json;
    w.buf.clear();
    w.reset_state();
    w.begin_object();
    p.emit_members(fctx.pools, scratch, w);
    w.end_object();
    let t = &mut s.dialogue.persona;
    t.clear();
    t.json.push_str(std::str::from_utf8(&w.buf).unwrap_or("{}"));
    p.push_id(&mut t.id);
    p.person.push_full(&mut t.name, fctx.pools);
    p.person.push_email(&mut t.email, fctx.pools);
}

/// Writes the `persona` member of a record when the dialogue has a user.
pub fn emit_member(d: &Dialogue, w: &mut JsonWriter) {
    if !d.persona.is_empty() {
        w.key("persona");
        w.raw(d.persona.json.as_bytes());
    }
}

/// How one communication style writes: patterns with `{first}`, `{full}`, `{occupation}`,
/// `{a_occupation}` (with its article), `{city}`, `{goal}` and `{pain}`.
#[derive(Debug)]
pub struct Voice {
    /// The first user turn starts with this (greeting and who they are).
    pub opening: &'static str,
    /// Every user turn ends with this, after a blank line.
    pub closing: &'static str,
    /// Later user turns that continue with a request open with one of these (the same draw
    /// as the plain run's follow-ups, so nothing else shifts).
    pub follow_ups: [&'static str; 4],
}

/// One voice per entry of [`STYLES`], in order.
pub const VOICES: [Voice; 6] = [
    // direct and brief: terse, no goal, no emoji.
    Voice {
        opening: "Hi. {first} here, {occupation} in {city}.",
        closing: "- {first}",
        follow_ups: ["Next: ", "Also: ", "Now ", "One more: "],
    },
    // warm and talkative
    Voice {
        opening: "Hi there, I hope your day is going well! I'm {first}, {a_occupation} in {city}. Right now I'm trying to {goal}, so any help is welcome.",
        closing: "Thanks so much, {first} 😊",
        follow_ups: [
            "Oh, that's wonderful, thank you! One more thing: ",
            "Lovely, thanks a lot! Also, ",
            "Brilliant, thank you! Next, ",
            "That's so helpful! Now ",
        ],
    },
    // analytical and precise
    Voice {
        opening: "Hello. My name is {full}; I work as {a_occupation} in {city}. My objective: {goal}.",
        closing: "Regards,\n{full}",
        follow_ups: [
            "Understood. Next, ",
            "Noted. Additionally, ",
            "Clear. Next, ",
            "Thank you. Now ",
        ],
    },
    // sceptical, asks for evidence
    Voice {
        opening: "Hello. I'm {full}, {a_occupation} in {city}. I need to {goal}, and I'd like facts rather than promises.",
        closing: "Please tell me how you checked this.\n{full}",
        follow_ups: [
            "If that's accurate, then: ",
            "Assuming that holds, ",
            "Fine, but next, ",
            "I'll verify that. Meanwhile, ",
        ],
    },
    // patient and thorough
    Voice {
        opening: "Good day, my name is {full} and I work as {a_occupation} in {city}. For context, I'm trying to {goal}; my biggest frustration at the moment is {pain}.",
        closing: "Thank you in advance,\n{full}",
        follow_ups: [
            "Thank you for the detailed answer. One more thing: ",
            "Thank you, that is clear. In addition, ",
            "Much appreciated. Next, ",
            "Thank you. Now ",
        ],
    },
    // informal, uses humour
    Voice {
        opening: "Hey! 👋 {first} from {city} here, {occupation} by day and professional tab hoarder by night. Mission of the week: {goal}.",
        closing: "cheers, {first} 🙃",
        follow_ups: [
            "Ha, nice one! Also, ",
            "You're a star. Next up: ",
            "Sweet! Now ",
            "Love it. One more: ",
        ],
    },
];

const _: () = assert!(VOICES.len() == STYLES.len());

/// The persona of a run with its pools: writes the user's side of the voice.
#[derive(Clone, Copy)]
pub struct User<'a> {
    pub persona: &'a Persona,
    pub pools: &'a Pools,
}

impl User<'_> {
    fn voice(&self) -> &'static Voice {
        &VOICES[self.persona.style]
    }

    /// Appends the first turn's opening and a space.
    pub fn push_opening(&self, out: &mut String) {
        self.push_pattern(out, self.voice().opening);
        out.push(' ');
    }

    /// Appends a blank line and the closing of every user turn.
    pub fn push_closing(&self, out: &mut String) {
        out.push_str("\n\n");
        self.push_pattern(out, self.voice().closing);
    }

    /// Appends the opening of a follow-up turn, to be continued by a lower-case request; draws
    /// what the plain run's follow-up draws.
    pub fn push_follow_up(&self, out: &mut String, rng: &mut Rng) {
        let follow_ups = &self.voice().follow_ups;
        out.push_str(follow_ups[rng.index(follow_ups.len())]);
    }

    fn push_pattern(&self, out: &mut String, pattern: &str) {
        let p = self.persona;
        let mut rest = pattern;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find('}').map_or(rest.len() - 1, |e| i + e);
            let occupation = self.pools.job_titles[p.title].as_str();
            match &rest[i + 1..end] {
                "first" => p.person.push_first(out, self.pools),
                "full" => p.person.push_full(out, self.pools),
                "occupation" => out.push_str(occupation),
                "a_occupation" => {
                    // Titles stay as the locale writes them (German nouns keep their capital);
                    // an English article only before a Latin letter ("a Nurse", "an Editor").
                    match occupation.chars().next() {
                        Some(c) if "AEIOUaeiou".contains(c) => out.push_str("an "),
                        Some(c) if c.is_ascii_alphabetic() => out.push_str("a "),
                        _ => {}
                    }
                    out.push_str(occupation);
                }
                "city" => out.push_str(&self.pools.cities[p.city]),
                "goal" => out.push_str(p.goal()),
                "pain" => out.push_str(p.pain()),
                other => out.push_str(other),
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constraint_values_and_errors_name_the_key() {
        let c = |v: Value| persona_constraint(Some(&v), Domain::Coding);
        assert_eq!(persona_constraint(None, Domain::Coding).unwrap(), None);
        assert_eq!(c(json!(false)).unwrap(), None);
        assert_eq!(c(json!(true)).unwrap(), Some(Domain::Coding));
        let support = Some(&json!(true));
        assert_eq!(
            persona_constraint(support, Domain::CustomerSupport).unwrap(),
            Some(Domain::General),
            "the users of customer support are customers"
        );
        assert_eq!(c(json!({})).unwrap(), Some(Domain::Coding));
        assert_eq!(
            c(json!({"domain": "research"})).unwrap(),
            Some(Domain::Research)
        );
        let err = |v: Value| c(v).unwrap_err().to_string();
        assert!(err(json!("yes")).starts_with("constraints.persona: must be true, false"));
        assert!(err(json!({"domain": "cooking"})).starts_with("constraints.persona.domain:"));
        assert!(err(json!({"style": "x"})).starts_with("constraints.persona.style:"));
    }

    #[test]
    fn every_voice_names_the_user_and_fills_every_slot() {
        let pools = Pools::builtin_english();
        for i in 0..200 {
            let p = draw_user(&Rng::for_sample(3, i), &pools, Domain::General);
            let user = User {
                persona: &p,
                pools: &pools,
            };
            let (mut open, mut close) = (String::new(), String::new());
            user.push_opening(&mut open);
            user.push_closing(&mut close);
            let first = &pools.first_names[p.person.first];
            assert!(open.contains(first.as_str()) && close.contains(first.as_str()));
            assert!(open.contains(pools.cities[p.city].as_str()), "{open}");
            assert!(!open.contains('{') && !close.contains('{'), "{open}{close}");
        }
    }

    #[test]
    fn the_user_stream_is_separate_and_fixed_by_the_sample() {
        let pools = Pools::builtin_english();
        let rng = Rng::for_sample(9, 4);
        let before = rng.clone().next_u64();
        let a = draw_user(&rng, &pools, Domain::General);
        let b = draw_user(&rng, &pools, Domain::General);
        assert_eq!(a.id, b.id);
        assert_eq!(
            rng.clone().next_u64(),
            before,
            "the sample's stream is not advanced"
        );
        let c = draw_user(&Rng::for_sample(9, 5), &pools, Domain::General);
        assert_ne!(a.id, c.id);
    }
}
