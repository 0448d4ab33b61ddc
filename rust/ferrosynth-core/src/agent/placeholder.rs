//! The placeholder vocabulary of conversation templates.

use crate::pools::Pools;
use crate::rng::Rng;
use crate::text::{self, vocab, Person};

/// What a `{placeholder}` in a template turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    Name,
    FirstName,
    LastName,
    Email,
    Phone,
    Username,
    Company,
    City,
    Country,
    StreetAddress,
    JobTitle,
    Product,
    OrderId,
    Amount,
    Date,
    Year,
    Number,
    Language,
    Task,
    FunctionName,
    Topic,
    PaperTitle,
    Finding,
    Conclusion,
    Methodology,
    Duration,
    AnalysisMethod,
    Word,
    Sentence,
    Paragraph,
}

/// Every placeholder name with its kind and a one-line description (the documented vocabulary).
pub const VOCABULARY: &[(&str, Placeholder, &str)] = &[
    (
        "name",
        Placeholder::Name,
        "full name of the conversation's person",
    ),
    (
        "first_name",
        Placeholder::FirstName,
        "first name of the same person",
    ),
    (
        "last_name",
        Placeholder::LastName,
        "last name of the same person",
    ),
    (
        "email",
        Placeholder::Email,
        "e-mail address derived from the same person's name",
    ),
    ("phone", Placeholder::Phone, "phone number"),
    (
        "username",
        Placeholder::Username,
        "username derived from the same person's name",
    ),
    (
        "company",
        Placeholder::Company,
        "company name from the locale",
    ),
    ("city", Placeholder::City, "city from the locale"),
    (
        "country",
        Placeholder::Country,
        "country name from the locale",
    ),
    (
        "street_address",
        Placeholder::StreetAddress,
        "house number and street",
    ),
    (
        "job_title",
        Placeholder::JobTitle,
        "job title from the locale",
    ),
    ("product", Placeholder::Product, "consumer product"),
    (
        "order_id",
        Placeholder::OrderId,
        "order id such as ORD-483920",
    ),
    (
        "amount",
        Placeholder::Amount,
        "money amount with two decimals",
    ),
    (
        "date",
        Placeholder::Date,
        "date 1-14 days after the anchor time (YYYY-MM-DD)",
    ),
    ("year", Placeholder::Year, "year between 2015 and 2024"),
    ("number", Placeholder::Number, "integer between 10 and 5000"),
    ("language", Placeholder::Language, "programming language"),
    (
        "task",
        Placeholder::Task,
        "programming task such as 'parse a CSV file'",
    ),
    (
        "function_name",
        Placeholder::FunctionName,
        "snake_case function name",
    ),
    ("topic", Placeholder::Topic, "research topic"),
    (
        "paper_title",
        Placeholder::PaperTitle,
        "research paper title",
    ),
    ("finding", Placeholder::Finding, "research finding clause"),
    (
        "conclusion",
        Placeholder::Conclusion,
        "research conclusion clause",
    ),
    (
        "methodology",
        Placeholder::Methodology,
        "study design such as 'randomized controlled'",
    ),
    (
        "duration",
        Placeholder::Duration,
        "study duration such as '18 months'",
    ),
    (
        "analysis_method",
        Placeholder::AnalysisMethod,
        "statistical analysis method",
    ),
    (
        "word",
        Placeholder::Word,
        "word from the locale's word list",
    ),
    (
        "sentence",
        Placeholder::Sentence,
        "sentence of about six words",
    ),
    ("paragraph", Placeholder::Paragraph, "three sentences"),
];

impl Placeholder {
    /// Resolves a placeholder name: an exact vocabulary name, or one with a numeric suffix
    /// (`finding_2`) meaning an independent value of the same kind. Returns `(kind, group)`.
    pub fn resolve(name: &str) -> Option<(Self, u32)> {
        if let Some(kind) = lookup(name) {
            return Some((kind, 0));
        }
        let (base, suffix) = name.rsplit_once('_')?;
        let group: u32 = suffix.parse().ok()?;
        Some((lookup(base)?, group))
    }

    /// Whether this placeholder describes the conversation's person (shared per group).
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            Placeholder::Name
                | Placeholder::FirstName
                | Placeholder::LastName
                | Placeholder::Email
                | Placeholder::Username
        )
    }

    /// Appends a value. `person` is the group's person for personal placeholders.
    pub fn push(
        self,
        out: &mut String,
        rng: &mut Rng,
        pools: &Pools,
        anchor: i64,
        person: &Person,
    ) {
        match self {
            Placeholder::Name => person.push_full(out, pools),
            Placeholder::FirstName => person.push_first(out, pools),
            Placeholder::LastName => person.push_last(out, pools),
            Placeholder::Email => person.push_email(out, pools),
            Placeholder::Username => person.push_username(out, pools),
            Placeholder::Phone => text::push_phone(out, rng),
            Placeholder::Company => out.push_str(rng.pick_str(&pools.companies)),
            Placeholder::City => out.push_str(rng.pick_str(&pools.cities)),
            Placeholder::Country => out.push_str(rng.pick_str(&pools.countries)),
            Placeholder::StreetAddress => text::push_street_address(out, rng, pools),
            Placeholder::JobTitle => out.push_str(rng.pick_str(&pools.job_titles)),
            Placeholder::Product => out.push_str(rng.pick_str(vocab::PRODUCTS)),
            Placeholder::OrderId => text::push_order_id(out, rng),
            Placeholder::Amount => text::push_amount(out, rng),
            Placeholder::Date => text::push_date_near(out, rng, anchor, 1, 14),
            Placeholder::Year => {
                out.push_str(itoa::Buffer::new().format(rng.range_i64(2015, 2024)))
            }
            Placeholder::Number => {
                out.push_str(itoa::Buffer::new().format(rng.range_i64(10, 5000)))
            }
            Placeholder::Language => out.push_str(rng.pick_str(vocab::LANGUAGES)),
            Placeholder::Task => out.push_str(rng.pick_str(vocab::CODING_TASKS)),
            Placeholder::FunctionName => text::push_identifier(out, rng, pools),
            Placeholder::Topic => out.push_str(rng.pick_str(vocab::TOPICS)),
            Placeholder::PaperTitle => text::push_paper_title(out, rng),
            Placeholder::Finding | Placeholder::Conclusion => text::push_finding(out, rng),
            Placeholder::Methodology => out.push_str(rng.pick_str(vocab::METHODOLOGIES)),
            Placeholder::Duration => text::push_duration(out, rng),
            Placeholder::AnalysisMethod => out.push_str(rng.pick_str(vocab::ANALYSIS_METHODS)),
            Placeholder::Word => text::push_word(out, rng, pools),
            Placeholder::Sentence => text::push_sentence(out, rng, pools, 6),
            Placeholder::Paragraph => text::push_paragraph(out, rng, pools, 3),
        }
    }
}

fn lookup(name: &str) -> Option<Placeholder> {
    VOCABULARY
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, kind, _)| *kind)
}

/// The vocabulary's names, comma-separated (for error messages).
pub fn known_names() -> String {
    VOCABULARY
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
