//! Fills: the small values that template placeholders, domain prose and agent runs share
//! (a name, an order id, a code snippet, a paper title, ...). Each has one name, used by
//! template placeholders (`{order_id}`) and by the phrase tables of [`super::domain`].

use super::domain::{self, Domain, Voice};
use super::{values, vocab, Person};
use crate::pools::Pools;
use crate::rng::Rng;

/// One kind of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
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
    TicketId,
    TrackingNumber,
    InvoiceId,
    Sku,
    Quantity,
    Currency,
    Url,
    FilePath,
    Sql,
    SearchQuery,
    Time,
    Datetime,
    Percent,
    Version,
    Package,
    ErrorMessage,
    CodeSnippet,
    Journal,
    Doi,
    SampleSize,
}

/// Every fill with its name and a one-line description: the documented placeholder vocabulary.
/// The first thirty are the original vocabulary, in their original order.
pub const FILLS: &[(&str, Fill, &str)] = &[
    ("name", Fill::Name, "full name of the conversation's person"),
    (
        "first_name",
        Fill::FirstName,
        "first name of the same person",
    ),
    ("last_name", Fill::LastName, "last name of the same person"),
    (
        "email",
        Fill::Email,
        "e-mail address derived from the same person's name",
    ),
    ("phone", Fill::Phone, "phone number"),
    (
        "username",
        Fill::Username,
        "username derived from the same person's name",
    ),
    ("company", Fill::Company, "company name from the locale"),
    ("city", Fill::City, "city from the locale"),
    ("country", Fill::Country, "country name from the locale"),
    (
        "street_address",
        Fill::StreetAddress,
        "house number and street",
    ),
    ("job_title", Fill::JobTitle, "job title from the locale"),
    ("product", Fill::Product, "consumer product"),
    ("order_id", Fill::OrderId, "order id such as ORD-483920"),
    ("amount", Fill::Amount, "money amount with two decimals"),
    (
        "date",
        Fill::Date,
        "date 1-14 days after the anchor time (YYYY-MM-DD)",
    ),
    ("year", Fill::Year, "year between 2015 and 2024"),
    ("number", Fill::Number, "integer between 10 and 5000"),
    ("language", Fill::Language, "programming language"),
    (
        "task",
        Fill::Task,
        "programming task such as 'parse a CSV file'",
    ),
    (
        "function_name",
        Fill::FunctionName,
        "snake_case function name",
    ),
    ("topic", Fill::Topic, "research topic"),
    ("paper_title", Fill::PaperTitle, "research paper title"),
    ("finding", Fill::Finding, "research finding clause"),
    ("conclusion", Fill::Conclusion, "research conclusion clause"),
    (
        "methodology",
        Fill::Methodology,
        "study design such as 'randomized controlled'",
    ),
    (
        "duration",
        Fill::Duration,
        "study duration such as '18 months'",
    ),
    (
        "analysis_method",
        Fill::AnalysisMethod,
        "statistical analysis method",
    ),
    ("word", Fill::Word, "word from the locale's word list"),
    (
        "sentence",
        Fill::Sentence,
        "sentence of prose in the template's domain",
    ),
    (
        "paragraph",
        Fill::Paragraph,
        "three sentences of prose in the template's domain",
    ),
    (
        "ticket_id",
        Fill::TicketId,
        "support ticket id such as TCK-58213",
    ),
    (
        "tracking_number",
        Fill::TrackingNumber,
        "parcel tracking number such as 1Z4F83A20391827364",
    ),
    (
        "invoice_id",
        Fill::InvoiceId,
        "invoice number such as INV-2025-00417",
    ),
    ("sku", Fill::Sku, "stock-keeping unit such as SKU-40213-BK"),
    ("quantity", Fill::Quantity, "item quantity between 1 and 12"),
    (
        "currency",
        Fill::Currency,
        "ISO 4217 currency code such as EUR",
    ),
    ("url", Fill::Url, "web address"),
    (
        "file_path",
        Fill::FilePath,
        "absolute file path such as /home/ana/reports/summary.csv",
    ),
    (
        "sql",
        Fill::Sql,
        "SQL statement against a small catalogue of tables",
    ),
    ("search_query", Fill::SearchQuery, "web search query"),
    ("time", Fill::Time, "time of day (HH:MM)"),
    (
        "datetime",
        Fill::Datetime,
        "UTC date-time within a year before the anchor time",
    ),
    ("percent", Fill::Percent, "percentage such as 37%"),
    ("version", Fill::Version, "semantic version such as 2.4.1"),
    ("package", Fill::Package, "software library or package name"),
    (
        "error_message",
        Fill::ErrorMessage,
        "error message from a program",
    ),
    (
        "code_snippet",
        Fill::CodeSnippet,
        "short code snippet in the conversation's language",
    ),
    ("journal", Fill::Journal, "academic journal"),
    ("doi", Fill::Doi, "DOI such as 10.1038/s41586-021-03819-2"),
    (
        "sample_size",
        Fill::SampleSize,
        "study sample size such as 'n = 412'",
    ),
];

impl Fill {
    /// The fill called `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        FILLS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, f, _)| *f)
    }

    /// Whether this fill describes the conversation's person (shared per group).
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            Fill::Name | Fill::FirstName | Fill::LastName | Fill::Email | Fill::Username
        )
    }

    /// Whether one run keeps one value of this fill (a customer has one order id); prose,
    /// numbers and queries vary instead.
    pub fn is_sticky(self) -> bool {
        !matches!(
            self,
            Fill::Word
                | Fill::Sentence
                | Fill::Paragraph
                | Fill::Number
                | Fill::Finding
                | Fill::Conclusion
                | Fill::SearchQuery
                | Fill::Sql
                | Fill::Time
                | Fill::Datetime
                | Fill::Percent
                | Fill::Quantity
                | Fill::ErrorMessage
                | Fill::CodeSnippet
                | Fill::Url
        )
    }

    /// Appends a value. `person` is the group's person for personal fills.
    pub fn push(self, out: &mut String, rng: &mut Rng, ctx: &mut FillCtx<'_>, person: &Person) {
        let pools = ctx.pools;
        let int = |out: &mut String, v: i64| out.push_str(itoa::Buffer::new().format(v));
        match self {
            Fill::Name => person.push_full(out, pools),
            Fill::FirstName => person.push_first(out, pools),
            Fill::LastName => person.push_last(out, pools),
            Fill::Email => person.push_email(out, pools),
            Fill::Username => person.push_username(out, pools),
            Fill::Phone => values::push_phone(out, rng),
            Fill::Company => out.push_str(rng.pick_str(&pools.companies)),
            Fill::City => out.push_str(rng.pick_str(&pools.cities)),
            Fill::Country => out.push_str(rng.pick_str(&pools.countries)),
            Fill::StreetAddress => values::push_street_address(out, rng, pools),
            Fill::JobTitle => out.push_str(rng.pick_str(&pools.job_titles)),
            Fill::Product => out.push_str(rng.pick_str(vocab::PRODUCTS)),
            Fill::OrderId => values::push_order_id(out, rng),
            Fill::Amount => values::push_amount(out, rng),
            Fill::Date => values::push_date_near(out, rng, ctx.anchor, 1, 14),
            Fill::Year => int(out, rng.range_i64(2015, 2024)),
            Fill::Number => int(out, rng.range_i64(10, 5000)),
            Fill::Language => {
                // Always one draw (as before code snippets existed); the first language drawn
                // becomes the run's language, which code snippets are written in.
                let i = rng.index(vocab::LANGUAGES.len());
                ctx.language.get_or_insert(i);
                out.push_str(vocab::LANGUAGES[i]);
            }
            Fill::Task => out.push_str(rng.pick_str(vocab::CODING_TASKS)),
            Fill::FunctionName => values::push_identifier(out, rng, pools),
            Fill::Topic => out.push_str(rng.pick_str(vocab::TOPICS)),
            Fill::PaperTitle => values::push_paper_title(out, rng),
            Fill::Finding | Fill::Conclusion => values::push_finding(out, rng),
            Fill::Methodology => out.push_str(rng.pick_str(vocab::METHODOLOGIES)),
            Fill::Duration => values::push_duration(out, rng),
            Fill::AnalysisMethod => out.push_str(rng.pick_str(vocab::ANALYSIS_METHODS)),
            Fill::Word => values::push_word(out, rng, pools),
            Fill::Sentence => domain::push_sentence(out, rng, ctx, person, Voice::Assistant),
            Fill::Paragraph => domain::push_paragraph(out, rng, ctx, person, 3),
            Fill::TicketId => {
                out.push_str("TCK-");
                values::push_digits(out, rng, 5, true);
            }
            Fill::TrackingNumber => {
                out.push_str("1Z");
                for _ in 0..16 {
                    out.push(char::from(
                        b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ"[rng.index(33)],
                    ));
                }
            }
            Fill::InvoiceId => {
                out.push_str("INV-");
                int(out, rng.range_i64(2019, 2025));
                out.push('-');
                values::push_digits(out, rng, 5, false);
            }
            Fill::Sku => {
                out.push_str("SKU-");
                values::push_digits(out, rng, 5, true);
                out.push('-');
                out.push_str(rng.pick_str(&["BK", "WH", "GR", "BL", "RD", "SM", "LG"]));
            }
            Fill::Quantity => int(out, rng.range_i64(1, 12)),
            Fill::Currency => out.push_str(rng.pick_str(vocab::CURRENCIES)),
            Fill::Url => values::push_url(out, rng, pools),
            Fill::FilePath => values::push_path(out, rng, pools),
            Fill::Sql => values::push_sql(out, rng),
            Fill::SearchQuery => values::push_search_query(out, rng, pools),
            Fill::Time => {
                let minutes = rng.range_i64(7 * 4, 19 * 4) * 15;
                let (h, m) = (minutes / 60, minutes % 60);
                push_2(out, h);
                out.push(':');
                push_2(out, m);
            }
            Fill::Datetime => {
                values::push_datetime_before(out, rng, ctx.anchor, 365 * crate::time::DAY)
            }
            Fill::Percent => {
                int(out, rng.range_i64(2, 98));
                out.push('%');
            }
            Fill::Version => {
                int(out, rng.range_i64(0, 5));
                out.push('.');
                int(out, rng.range_i64(0, 30));
                out.push('.');
                int(out, rng.range_i64(0, 12));
            }
            Fill::Package => out.push_str(rng.pick_str(vocab::PACKAGES)),
            Fill::ErrorMessage => out.push_str(rng.pick_str(vocab::ERROR_MESSAGES)),
            Fill::CodeSnippet => {
                let lang = *ctx
                    .language
                    .get_or_insert_with(|| rng.index(vocab::LANGUAGES.len()));
                let snippet = rng.pick_str(vocab::CODE_SNIPPETS[lang]);
                let mut name = String::new();
                values::push_identifier(&mut name, rng, pools);
                out.push_str(&snippet.replace("{fn}", &name));
            }
            Fill::Journal => out.push_str(rng.pick_str(vocab::JOURNALS)),
            Fill::Doi => {
                out.push_str("10.");
                int(out, rng.range_i64(1000, 9999));
                out.push('/');
                out.push_str(rng.pick_str(&["s", "j.", "nature.", "pnas.", "acs."]));
                values::push_digits(out, rng, 5, true);
                out.push('-');
                values::push_digits(out, rng, 3, false);
            }
            Fill::SampleSize => {
                out.push_str("n = ");
                int(out, rng.range_i64(24, 4800));
            }
        }
    }
}

fn push_2(out: &mut String, v: i64) {
    if v < 10 {
        out.push('0');
    }
    out.push_str(itoa::Buffer::new().format(v));
}

/// What fills need besides the random stream. One per generating thread, reset per sample.
#[derive(Debug, Clone)]
pub struct FillCtx<'a> {
    pub pools: &'a Pools,
    pub anchor: i64,
    /// The domain of `sentence` and `paragraph` prose.
    pub domain: Domain,
    /// The run's programming language (an index into the language list), once one is drawn.
    pub language: Option<usize>,
    /// With `sticky`, sticky fills keep their first value for the rest of the run.
    pub sticky: bool,
    /// The run's user (a persona), whose city and occupation fill `city` and `job_title` in
    /// prose; set by the caller for the whole run (`reset` keeps it).
    pub user: Option<UserFacts>,
    memo: Memo,
}

/// What fills know of a run's user: indexes into the pools.
#[derive(Debug, Clone, Copy)]
pub struct UserFacts {
    pub city: usize,
    pub title: usize,
}

impl UserFacts {
    /// Replaces `out[start..]`, a value of `fill`, by the user's value when the user has one.
    pub fn fix(&self, fill: Fill, out: &mut String, start: usize, pools: &Pools) {
        let value = match fill {
            Fill::City => &pools.cities[self.city],
            Fill::JobTitle => &pools.job_titles[self.title],
            _ => return,
        };
        out.truncate(start);
        out.push_str(value);
    }
}

#[derive(Debug, Clone, Default)]
struct Memo {
    text: String,
    spans: Vec<(Fill, u32, u32)>,
}

impl<'a> FillCtx<'a> {
    pub fn new(pools: &'a Pools, anchor: i64) -> Self {
        FillCtx {
            pools,
            anchor,
            domain: Domain::General,
            language: None,
            sticky: false,
            user: None,
            memo: Memo::default(),
        }
    }

    /// Starts a new run (sample) in `domain`.
    pub fn reset(&mut self, domain: Domain, sticky: bool) {
        self.domain = domain;
        self.language = None;
        self.sticky = sticky;
        self.memo.text.clear();
        self.memo.spans.clear();
    }

    /// Makes `value` the run's value of `fill` (when `fill` is sticky and has none yet).
    pub fn remember(&mut self, fill: Fill, value: &str) {
        if fill.is_sticky() && !self.memo.spans.iter().any(|(f, _, _)| *f == fill) {
            let lo = self.memo.text.len() as u32;
            self.memo.text.push_str(value);
            self.memo
                .spans
                .push((fill, lo, self.memo.text.len() as u32));
        }
    }

    /// Appends a value of `fill`: the run's value when sticky, else a fresh one; the user's
    /// city and occupation when the run has a user (drawing what the plain run draws).
    pub fn push(&mut self, fill: Fill, out: &mut String, rng: &mut Rng, person: &Person) {
        let start = out.len();
        self.push_drawn(fill, out, rng, person);
        if let Some(user) = self.user {
            user.fix(fill, out, start, self.pools);
        }
    }

    fn push_drawn(&mut self, fill: Fill, out: &mut String, rng: &mut Rng, person: &Person) {
        if !(self.sticky && fill.is_sticky()) {
            return fill.push(out, rng, self, person);
        }
        if let Some(&(_, lo, hi)) = self.memo.spans.iter().find(|(f, _, _)| *f == fill) {
            out.push_str(&self.memo.text[lo as usize..hi as usize]);
            return;
        }
        let start = out.len();
        fill.push(out, rng, self, person);
        let lo = self.memo.text.len() as u32;
        self.memo.text.push_str(&out[start..]);
        self.memo
            .spans
            .push((fill, lo, self.memo.text.len() as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_resolve() {
        for (i, (name, fill, description)) in FILLS.iter().enumerate() {
            assert_eq!(Fill::by_name(name), Some(*fill), "{name}");
            assert!(!description.is_empty());
            assert!(FILLS[i + 1..]
                .iter()
                .all(|(n, f, _)| n != name && f != fill));
        }
        assert_eq!(Fill::by_name("nope"), None);
    }

    #[test]
    fn every_fill_gives_a_non_empty_value() {
        let pools = Pools::builtin_english();
        let mut ctx = FillCtx::new(&pools, crate::time::DEFAULT_ANCHOR);
        let mut rng = Rng::for_sample(1, 2);
        let person = Person::draw(&mut rng, &pools);
        for (name, fill, _) in FILLS {
            let mut out = String::new();
            fill.push(&mut out, &mut rng, &mut ctx, &person);
            assert!(!out.trim().is_empty(), "{name}");
            assert!(!out.contains("{fn}"), "{name}: {out}");
            if *fill != Fill::CodeSnippet {
                assert!(!out.contains('{'), "{name}: {out}");
            }
        }
    }

    #[test]
    fn sticky_fills_keep_their_value_and_others_vary() {
        let pools = Pools::builtin_english();
        let mut ctx = FillCtx::new(&pools, 0);
        ctx.reset(Domain::CustomerSupport, true);
        let mut rng = Rng::for_sample(4, 4);
        let person = Person::draw(&mut rng, &pools);
        let draw = |ctx: &mut FillCtx<'_>, rng: &mut Rng, fill| {
            let mut s = String::from("x");
            ctx.push(fill, &mut s, rng, &person);
            s
        };
        let first = draw(&mut ctx, &mut rng, Fill::OrderId);
        assert!(first.starts_with("xORD-"));
        for _ in 0..5 {
            assert_eq!(draw(&mut ctx, &mut rng, Fill::OrderId), first);
        }
        let numbers: std::collections::HashSet<String> = (0..20)
            .map(|_| draw(&mut ctx, &mut rng, Fill::Number))
            .collect();
        assert!(numbers.len() > 10);
        ctx.reset(Domain::General, true);
        assert_ne!(draw(&mut ctx, &mut rng, Fill::OrderId), first);
    }

    #[test]
    fn code_snippets_follow_the_run_language() {
        let pools = Pools::builtin_english();
        let mut ctx = FillCtx::new(&pools, 0);
        let person = Person::draw(&mut Rng::for_sample(0, 0), &pools);
        for i in 0..40 {
            let mut rng = Rng::for_sample(9, i);
            ctx.reset(Domain::Coding, false);
            let mut lang = String::new();
            Fill::Language.push(&mut lang, &mut rng, &mut ctx, &person);
            let mut code = String::new();
            Fill::CodeSnippet.push(&mut code, &mut rng, &mut ctx, &person);
            let idx = vocab::LANGUAGES.iter().position(|l| *l == lang).unwrap();
            assert!(
                vocab::CODE_SNIPPETS[idx]
                    .iter()
                    .any(|s| code.starts_with(s.split("{fn}").next().unwrap())),
                "{lang}: {code}"
            );
            assert!(!code.contains("{fn}"));
        }
    }
}
