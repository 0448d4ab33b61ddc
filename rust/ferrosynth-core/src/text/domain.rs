//! Domain prose: sentences that read like customer support, coding or research work instead of
//! lorem ipsum. Each domain has phrase tables for the two voices of a conversation; a phrase is
//! English text with `{fill}` slots (see [`super::fill::FILLS`]), compiled once on first use.
//! Names, companies and cities inside the prose come from the locale pools; the prose itself is
//! English.

use std::sync::OnceLock;

use super::fill::{Fill, FillCtx};
use super::Person;
use crate::rng::Rng;

/// The subject matter of generated prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    General,
    CustomerSupport,
    Coding,
    Research,
}

/// Who is speaking: the person asking, or the assistant answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    User,
    Assistant,
}

impl Domain {
    /// Every domain with its configuration name.
    pub const NAMES: &'static [(&'static str, Domain)] = &[
        ("general", Domain::General),
        ("customer_support", Domain::CustomerSupport),
        ("coding", Domain::Coding),
        ("research", Domain::Research),
    ];

    /// The domain called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
    }

    /// The domain's configuration name.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("general", |(n, _)| n)
    }

    fn slot(self, voice: Voice) -> usize {
        self as usize * 2 + voice as usize
    }
}

const GENERAL_USER: &[&str] = &[
    "I'm putting together the weekly report for {company}.",
    "We have a meeting with {company} on {date} and I want to be prepared.",
    "This is for the {company} account.",
    "I need this sorted out before {date}.",
    "I'm working from {city} this week, so please keep the time zone in mind.",
    "My team at {company} asked me to follow up on this.",
    "I only have a few minutes before my next call at {time}.",
];

const GENERAL_ASSISTANT: &[&str] = &[
    "I've checked the details and everything is in order.",
    "The latest figures were updated on {date}.",
    "I can send a short summary to {email} if that helps.",
    "Everything is filed under the {company} account.",
    "I can set a reminder for {date} so this doesn't slip.",
    "The total comes to {amount} {currency}.",
    "Nothing else needs your attention right now.",
    "The meeting with {company} is confirmed for {date} at {time}.",
];

const SUPPORT_USER: &[&str] = &[
    "I ordered the {product} on {date} and it still hasn't arrived.",
    "My order number is {order_id}.",
    "The {product} I received is damaged and I'd like a replacement.",
    "I was charged {amount} twice for order {order_id}.",
    "The tracking number {tracking_number} hasn't updated in days.",
    "I opened ticket {ticket_id} last week but haven't heard back.",
    "Can I change the delivery address to {street_address}, {city}?",
    "I'd like to return the {product}; it isn't what I expected.",
];

const SUPPORT_ASSISTANT: &[&str] = &[
    "Your order {order_id} left our warehouse and is now with the carrier.",
    "I've issued a refund of {amount} to your original payment method; it usually shows up within five business days.",
    "The {product} is covered by our two-year warranty.",
    "I've added these details to ticket {ticket_id}.",
    "A replacement {product} ships today with tracking number {tracking_number}.",
    "I've sent a prepaid return label to {email}.",
    "Invoice {invoice_id} shows the full amount of {amount}.",
    "Sorry for the trouble, {first_name}; let's get this fixed.",
    "Delivery to {street_address}, {city} is now scheduled for {date}.",
];

const CODING_USER: &[&str] = &[
    "I'm working on a {language} service and `{function_name}` keeps timing out.",
    "After upgrading {package} to {version}, the build fails with `{error_message}`.",
    "I need to {task} in {language}.",
    "The tests for `{function_name}` pass locally but fail in CI.",
    "Our config at `{file_path}` seems to be ignored.",
    "Code review flagged `{function_name}` as too slow for inputs of around {number} rows.",
];

const CODING_ASSISTANT: &[&str] = &[
    "The error comes from `{function_name}`, which runs before the connection is ready.",
    "Pinning {package} to {version} makes the build reproducible.",
    "Profiling shows that most of the time goes into `{function_name}`.",
    "A test for the empty input would have caught this earlier.",
    "In {language} the idiomatic way to {task} is a single pass with the standard library.",
    "The stack trace points at line {number} of `{file_path}`.",
    "Moving the I/O out of `{function_name}` makes it easy to unit-test.",
    "The fix is small: check for the missing value before using it, and add a regression test.",
];

const RESEARCH_USER: &[&str] = &[
    "I'm preparing a literature review on {topic}.",
    "I need sources on {topic} published after {year}.",
    "What did the {year} {methodology} study on {topic} actually measure?",
    "We have a grant deadline on {date} and I need the key evidence.",
    "A colleague cited \"{paper_title}\" and I'd like to check it.",
];

const RESEARCH_ASSISTANT: &[&str] = &[
    "A {methodology} study of {topic} found that {finding}.",
    "\"{paper_title}\", published in {journal}, followed participants for {duration}.",
    "With a sample of {sample_size}, the authors report that {finding}.",
    "The evidence is thin: only one study used {analysis_method}.",
    "The authors conclude that {conclusion}, although the effect size was modest.",
    "The paper is available at https://doi.org/{doi}.",
    "The results held up in a replication with {analysis_method}.",
];

/// Phrase tables by `Domain::slot`.
const TABLES: [&[&str]; 8] = [
    GENERAL_USER,
    GENERAL_ASSISTANT,
    SUPPORT_USER,
    SUPPORT_ASSISTANT,
    CODING_USER,
    CODING_ASSISTANT,
    RESEARCH_USER,
    RESEARCH_ASSISTANT,
];

#[derive(Debug)]
enum Part {
    Lit(&'static str),
    Fill(Fill),
}

type Phrase = Vec<Part>;

/// Splits a phrase into literal text and fills. Phrases are static data, checked by tests.
fn compile(phrase: &'static str) -> Phrase {
    let mut parts = Vec::new();
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        if open > 0 {
            parts.push(Part::Lit(&rest[..open]));
        }
        let name = &rest[open + 1..close];
        match Fill::by_name(name) {
            Some(fill) => parts.push(Part::Fill(fill)),
            None => parts.push(Part::Lit(&rest[open..=close.min(rest.len() - 1)])),
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    parts
}

fn tables() -> &'static [Vec<Phrase>; 8] {
    static COMPILED: OnceLock<[Vec<Phrase>; 8]> = OnceLock::new();
    COMPILED.get_or_init(|| TABLES.map(|table| table.iter().map(|p| compile(p)).collect()))
}

fn push_phrase(
    out: &mut String,
    rng: &mut Rng,
    ctx: &mut FillCtx<'_>,
    person: &Person,
    p: &Phrase,
) {
    for part in p {
        match part {
            Part::Lit(s) => out.push_str(s),
            Part::Fill(f) => ctx.push(*f, out, rng, person),
        }
    }
}

/// Appends one sentence in `ctx.domain` for `voice`.
pub fn push_sentence(
    out: &mut String,
    rng: &mut Rng,
    ctx: &mut FillCtx<'_>,
    person: &Person,
    voice: Voice,
) {
    let table = &tables()[ctx.domain.slot(voice)];
    let k = rng.index(table.len());
    push_phrase(out, rng, ctx, person, &table[k]);
}

/// Appends `n` distinct assistant-voice sentences in `ctx.domain`, separated by spaces.
pub fn push_paragraph(
    out: &mut String,
    rng: &mut Rng,
    ctx: &mut FillCtx<'_>,
    person: &Person,
    n: usize,
) {
    let table = &tables()[ctx.domain.slot(Voice::Assistant)];
    let mut used = [usize::MAX; 8];
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        // Distinct sentences within a paragraph (while the table has enough of them).
        let mut k = rng.index(table.len());
        if i < used.len() && i < table.len() {
            while used[..i].contains(&k) {
                k = (k + 1) % table.len();
            }
            used[i] = k;
        }
        push_phrase(out, rng, ctx, person, &table[k]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pools::Pools;

    #[test]
    fn every_phrase_slot_is_a_known_non_prose_fill() {
        for table in TABLES {
            for phrase in table {
                for part in compile(phrase) {
                    match part {
                        Part::Lit(s) => assert!(!s.contains('{') && !s.contains('}'), "{phrase}"),
                        Part::Fill(f) => assert!(
                            !matches!(f, Fill::Sentence | Fill::Paragraph | Fill::CodeSnippet),
                            "{phrase}"
                        ),
                    }
                }
                assert!(phrase.ends_with(['.', '?', '!']), "{phrase}");
            }
        }
    }

    #[test]
    fn sentences_read_like_their_domain() {
        let pools = Pools::builtin_english();
        let mut ctx = FillCtx::new(&pools, 0);
        let person = Person::draw(&mut Rng::for_sample(0, 0), &pools);
        let markers: [(Domain, &[&str]); 3] = [
            (
                Domain::CustomerSupport,
                &[
                    "order",
                    "refund",
                    "ticket",
                    "warranty",
                    "Deliver",
                    "return",
                    "Invoice",
                    "replacement",
                    "trouble",
                ],
            ),
            (
                Domain::Coding,
                &["`", "test", "build", "{", "idiomatic", "fix"],
            ),
            (
                Domain::Research,
                &[
                    "study",
                    "paper",
                    "evidence",
                    "authors",
                    "participants",
                    "replication",
                ],
            ),
        ];
        for (domain, words) in markers {
            let mut hits = 0;
            for i in 0..50 {
                ctx.reset(domain, true);
                let mut s = String::new();
                push_paragraph(&mut s, &mut Rng::for_sample(7, i), &mut ctx, &person, 2);
                hits += usize::from(words.iter().any(|w| s.contains(w)));
                assert!(s.ends_with(['.', '?', '!']), "{s}");
            }
            assert_eq!(hits, 50, "{domain:?}");
        }
        assert_eq!(Domain::parse("coding"), Some(Domain::Coding));
        assert_eq!(Domain::Research.name(), "research");
        assert_eq!(Domain::parse("lorem"), None);
    }

    #[test]
    fn paragraphs_do_not_repeat_a_sentence() {
        let pools = Pools::builtin_english();
        let mut ctx = FillCtx::new(&pools, 0);
        let person = Person::draw(&mut Rng::for_sample(0, 0), &pools);
        for i in 0..200 {
            ctx.reset(Domain::General, true);
            let mut s = String::new();
            push_paragraph(&mut s, &mut Rng::for_sample(3, i), &mut ctx, &person, 3);
            let sentences: Vec<&str> = s.split(". ").collect();
            let unique: std::collections::HashSet<&&str> = sentences.iter().collect();
            assert_eq!(unique.len(), sentences.len(), "{s}");
        }
    }
}
