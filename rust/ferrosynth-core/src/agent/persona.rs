//! A persona: a coherent synthetic user — a name and a city from the locale's pools, an age
//! that fits the occupation's seniority, and goals, pain points, behaviours, quotes and a
//! communication style from the vocabulary of a domain.
//!
//! A persona is drawn from one random stream ([`Persona::draw`]) and rendered as a JSON object
//! ([`Persona::emit_members`]). The `persona` data type writes one per sample; conversations and
//! agent traces with the `persona` constraint draw one per sample, on a stream of its own, and
//! make it their user (see [`super::user`]).

use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::{push_uuid, Rng};
use crate::text::{Domain, Person};

/// A domain's vocabulary: what its users want, what hurts, what they do.
struct Vocab {
    goals: &'static [&'static str],
    pains: &'static [&'static str],
    behaviours: &'static [&'static str],
}

const GENERAL: Vocab = Vocab {
    goals: &[
        "save time on routine tasks",
        "keep track of what matters this week",
        "make decisions with clear information",
        "get help without waiting",
        "keep personal data private",
        "spend less on tools that overlap",
        "share work easily with family or colleagues",
        "learn new features without reading manuals",
    ],
    pains: &[
        "too many notifications",
        "apps that forget their settings",
        "hidden fees",
        "slow loading on a phone",
        "having to create yet another account",
        "unclear error messages",
        "support that answers with scripts",
        "updates that move everything around",
    ],
    behaviours: &[
        "checks the phone first thing in the morning",
        "compares prices before buying",
        "asks friends for recommendations",
        "keeps a to-do list on paper",
        "reads reviews before trying anything new",
        "uses the same three apps all day",
        "turns off notifications in the evening",
        "watches short video tutorials",
    ],
};

const CUSTOMER_SUPPORT: Vocab = Vocab {
    goals: &[
        "resolve tickets on the first contact",
        "see the customer's whole history in one place",
        "keep response times under an hour",
        "hand over cases without losing context",
        "spot recurring problems early",
        "reduce refunds caused by misunderstandings",
        "keep customers informed without extra work",
        "train new agents quickly",
    ],
    pains: &[
        "switching between five tools per ticket",
        "customers repeating themselves",
        "macros that sound robotic",
        "no visibility into shipping status",
        "escalations that disappear",
        "duplicate tickets from the same customer",
        "metrics that reward speed over quality",
        "outdated help-centre articles",
    ],
    behaviours: &[
        "keeps personal notes on tricky customers",
        "writes replies in a text editor first",
        "tags tickets obsessively",
        "checks the order system before answering",
        "asks colleagues in chat before escalating",
        "reviews the queue at the start of every shift",
        "saves favourite snippets for common questions",
        "follows up on resolved tickets a day later",
    ],
};

const CODING: Vocab = Vocab {
    goals: &[
        "ship features without breaking production",
        "keep the build under five minutes",
        "understand unfamiliar code quickly",
        "automate repetitive reviews",
        "reproduce bugs reliably",
        "keep dependencies up to date",
        "write tests that catch real problems",
        "spend more time designing than debugging",
    ],
    pains: &[
        "flaky tests",
        "slow CI pipelines",
        "unclear ownership of services",
        "documentation that lags behind the code",
        "merge conflicts in generated files",
        "noisy alerts at night",
        "environment drift between laptops and CI",
        "reviews that wait for days",
    ],
    behaviours: &[
        "reads the diff before the description",
        "keeps a scratch file of shell commands",
        "runs the tests locally before pushing",
        "searches the issue tracker before asking",
        "pairs on hard problems",
        "writes small commits with long messages",
        "profiles before optimising",
        "keeps dotfiles in a repository",
    ],
};

const RESEARCH: Vocab = Vocab {
    goals: &[
        "find the relevant papers quickly",
        "reproduce published results",
        "keep notes linked to sources",
        "share datasets with collaborators",
        "publish in a good venue this year",
        "get feedback early on drafts",
        "run experiments without babysitting them",
        "keep citations consistent",
    ],
    pains: &[
        "paywalled articles",
        "code that does not match the paper",
        "datasets without documentation",
        "reference managers that lose annotations",
        "long queues on the shared cluster",
        "reviewers who ask for unrelated experiments",
        "version chaos in shared drafts",
        "results that change between runs",
    ],
    behaviours: &[
        "skims abstracts on the commute",
        "keeps a lab notebook",
        "follows authors rather than journals",
        "re-derives key results by hand",
        "writes the related-work section last",
        "archives every experiment configuration",
        "presents work in progress at group meetings",
        "reads the appendix before the introduction",
    ],
};

/// The communication styles; [`super::user`] gives each one a voice.
pub const STYLES: &[&str] = &[
    "direct and brief",
    "warm and talkative",
    "analytical and precise",
    "sceptical, asks for evidence",
    "patient and thorough",
    "informal, uses humour",
];

/// Quote templates: `{g}` a goal, `{p}` a pain point (both in lower case).
const QUOTES: &[(&str, &str, &str)] = &[
    ("All I want is to ", "{g}", "."),
    ("Honestly, the worst part is ", "{p}", "."),
    ("If I could just ", "{g}", ", I'd be happy."),
    ("I lose hours every week to ", "{p}", "."),
    ("My main goal right now: ", "{g}", "."),
    ("Don't get me started on ", "{p}", "."),
];

fn vocab(domain: Domain) -> &'static Vocab {
    match domain {
        Domain::General => &GENERAL,
        Domain::CustomerSupport => &CUSTOMER_SUPPORT,
        Domain::Coding => &CODING,
        Domain::Research => &RESEARCH,
    }
}

/// The age range that fits a job title's seniority.
fn age_range(title: &str) -> (i64, i64) {
    let t = title.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "chief",
        "director",
        "head of",
        "president",
        "principal",
        "senior",
        "partner",
    ]) {
        (34, 64)
    } else if has(&[
        "junior",
        "trainee",
        "intern",
        "apprentice",
        "assistant",
        "graduate",
    ]) {
        (19, 30)
    } else if has(&[
        "manager",
        "lead",
        "consultant",
        "surveyor",
        "engineer",
        "officer",
    ]) {
        (26, 62)
    } else {
        (21, 63)
    }
}

/// One persona: indexes into the locale pools and the domain's vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct Persona {
    pub id: [u8; 16],
    pub person: Person,
    /// Index into `pools.job_titles`.
    pub title: usize,
    pub age: i64,
    /// Index into `pools.cities`.
    pub city: usize,
    pub domain: Domain,
    goals: [usize; 4],
    ngoals: usize,
    pains: [usize; 4],
    npains: usize,
    habits: [usize; 4],
    nhabits: usize,
    /// Index into [`STYLES`].
    pub style: usize,
    quotes: [usize; 2],
}

impl Persona {
    /// Draws a persona of `domain`. The order of draws is part of the output contract (the
    /// `persona` data type's golden hashes).
    pub fn draw(rng: &mut Rng, pools: &Pools, domain: Domain) -> Self {
        let v = vocab(domain);
        let id = rng.uuid_bytes();
        let person = Person::draw(rng, pools);
        let title = rng.index(pools.job_titles.len());
        let (lo, hi) = age_range(&pools.job_titles[title]);
        let age = rng.range_i64(lo, hi);
        let city = rng.index(pools.cities.len());
        let mut goals = [0usize; 4];
        let mut pains = [0usize; 4];
        let mut habits = [0usize; 4];
        let k = rng_count(rng);
        let ngoals = pick_distinct(rng, v.goals.len(), k, &mut goals);
        let k = rng_count(rng);
        let npains = pick_distinct(rng, v.pains.len(), k, &mut pains);
        let k = rng_count(rng);
        let nhabits = pick_distinct(rng, v.behaviours.len(), k, &mut habits);
        let style = rng.index(STYLES.len());
        let q1 = rng.index(QUOTES.len());
        let q2 = (q1 + 1 + rng.index(QUOTES.len() - 1)) % QUOTES.len();
        Persona {
            id,
            person,
            title,
            age,
            city,
            domain,
            goals,
            ngoals,
            pains,
            npains,
            habits,
            nhabits,
            style,
            quotes: [q1, q2],
        }
    }

    /// The persona's first (main) goal, a lower-case verb phrase ("save time on ...").
    pub fn goal(&self) -> &'static str {
        vocab(self.domain).goals[self.goals[0]]
    }

    /// The persona's first (main) pain point, a lower-case noun phrase.
    pub fn pain(&self) -> &'static str {
        vocab(self.domain).pains[self.pains[0]]
    }

    /// Appends the persona's id, `persona-` and a UUID.
    pub fn push_id(&self, out: &mut String) {
        out.push_str("persona-");
        push_uuid(out, &self.id);
    }

    /// The communication style, as the persona's `communication_style` field says it.
    pub fn style_name(&self) -> &'static str {
        STYLES[self.style]
    }

    /// Writes the persona's members (inside an open object): `id`, `name`, `age`,
    /// `occupation`, `location`, `email`, `domain`, `goals`, `pain_points`, `behaviours`,
    /// `quotes`, `communication_style`. `out` is a scratch buffer.
    pub fn emit_members(&self, pools: &Pools, out: &mut String, w: &mut JsonWriter) {
        let v = vocab(self.domain);
        out.clear();
        self.push_id(out);
        w.key("id");
        w.str(out);
        out.clear();
        self.person.push_full(out, pools);
        w.key("name");
        w.str(out);
        w.key("age");
        w.int(self.age);
        w.key("occupation");
        w.str(&pools.job_titles[self.title]);
        w.key("location");
        w.str(&pools.cities[self.city]);
        out.clear();
        self.person.push_email(out, pools);
        w.key("email");
        w.str(out);
        w.key("domain");
        w.str(self.domain.name());
        for (key, list, items, n) in [
            ("goals", v.goals, &self.goals, self.ngoals),
            ("pain_points", v.pains, &self.pains, self.npains),
            ("behaviours", v.behaviours, &self.habits, self.nhabits),
        ] {
            w.key(key);
            w.begin_array();
            for &i in &items[..n] {
                w.str(list[i]);
            }
            w.end_array();
        }
        w.key("quotes");
        w.begin_array();
        for q in self.quotes {
            let (head, slot, tail) = QUOTES[q];
            out.clear();
            out.push_str(head);
            // The persona's own first goal and first pain point: its voice matches its facts.
            out.push_str(if slot == "{g}" {
                self.goal()
            } else {
                self.pain()
            });
            out.push_str(tail);
            w.str(out);
        }
        w.end_array();
        w.key("communication_style");
        w.str(STYLES[self.style]);
    }
}

/// Picks `k` distinct items (k <= items.len()) into `out` as indices.
fn pick_distinct(rng: &mut Rng, n: usize, k: usize, out: &mut [usize; 4]) -> usize {
    let mut got = 0;
    while got < k {
        let i = rng.index(n);
        if !out[..got].contains(&i) {
            out[got] = i;
            got += 1;
        }
    }
    got
}

/// How many goals, pain points or behaviours a persona has: 2 or 3.
fn rng_count(rng: &mut Rng) -> usize {
    2 + rng.index(2)
}
