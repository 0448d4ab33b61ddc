//! Value builders. Each appends to a `String` so callers reuse one scratch buffer per sample.

use super::vocab;
use crate::pools::Pools;
use crate::rng::Rng;
use crate::time;

/// Appends one word from the locale's lorem word list.
#[inline]
pub fn push_word(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str(rng.pick_str(&pools.words));
}

/// Appends `s` with its first character upper-cased.
pub fn push_capitalized(out: &mut String, s: &str) {
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Appends `n` space-separated words, the first capitalised, without a final period.
pub fn push_words_capitalized(out: &mut String, rng: &mut Rng, pools: &Pools, n: usize) {
    for i in 0..n {
        let w = rng.pick_str(&pools.words);
        if i == 0 {
            push_capitalized(out, w);
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
}

/// Word count of a Faker-style "variable" sentence of nominal length `nb`: `nb` ± 40 %.
#[inline]
pub fn variable_len(rng: &mut Rng, nb: usize) -> usize {
    let lo = ((nb as f64) * 0.6).floor().max(1.0) as usize;
    let hi = ((nb as f64) * 1.4).floor().max(lo as f64) as usize;
    rng.range_usize(lo, hi)
}

/// Appends one sentence of about `nb_words` words (± 40 %), capitalised and ending in a period.
pub fn push_sentence(out: &mut String, rng: &mut Rng, pools: &Pools, nb_words: usize) {
    let n = variable_len(rng, nb_words);
    push_words_capitalized(out, rng, pools, n);
    out.push('.');
}

/// Appends exactly `n` sentences separated by single spaces.
pub fn push_paragraph(out: &mut String, rng: &mut Rng, pools: &Pools, n: usize) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        push_sentence(out, rng, pools, 6);
    }
}

/// A person drawn from the locale pools: indexes into the name pools.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub first: usize,
    pub last: usize,
    /// Selects the e-mail and username pattern, so one person keeps one address.
    pub style: u64,
}

impl Person {
    /// Draws a person.
    pub fn draw(rng: &mut Rng, pools: &Pools) -> Self {
        Person {
            first: rng.index(pools.first_names.len()),
            last: rng.index(pools.last_names.len()),
            style: rng.next_u64(),
        }
    }

    pub fn push_first(&self, out: &mut String, pools: &Pools) {
        out.push_str(&pools.first_names[self.first]);
    }

    pub fn push_last(&self, out: &mut String, pools: &Pools) {
        out.push_str(&pools.last_names[self.last]);
    }

    pub fn push_full(&self, out: &mut String, pools: &Pools) {
        self.push_first(out, pools);
        out.push(' ');
        self.push_last(out, pools);
    }

    /// A username derived from the name (`jsmith`, `james.smith`, `james42`).
    pub fn push_username(&self, out: &mut String, pools: &Pools) {
        let first = &pools.first_names_ascii[self.first];
        let last = &pools.last_names_ascii[self.last];
        match self.style % 4 {
            0 => {
                out.push_str(first);
                out.push('.');
                out.push_str(last);
            }
            1 => {
                out.push_str(&first[..first.chars().next().map_or(0, char::len_utf8)]);
                out.push_str(last);
            }
            2 => {
                out.push_str(first);
                out.push_str(last);
            }
            _ => {
                out.push_str(first);
                out.push_str(itoa::Buffer::new().format((self.style >> 8) % 90 + 10));
            }
        }
    }

    /// An e-mail address derived from the name and a free-mail domain.
    pub fn push_email(&self, out: &mut String, pools: &Pools) {
        self.push_username(out, pools);
        out.push('@');
        out.push_str(
            &pools.email_domains[((self.style >> 16) as usize) % pools.email_domains.len()],
        );
    }
}

/// Appends a free-standing e-mail address.
pub fn push_email(out: &mut String, rng: &mut Rng, pools: &Pools) {
    Person::draw(rng, pools).push_email(out, pools);
}

/// Appends a phone number in the `+1-555-0100`-style international form.
pub fn push_phone(out: &mut String, rng: &mut Rng) {
    out.push_str("+1-");
    push_digits(out, rng, 3, true);
    out.push('-');
    push_digits(out, rng, 3, false);
    out.push('-');
    push_digits(out, rng, 4, false);
}

/// Appends `n` random decimal digits (the first non-zero when `nonzero_first`).
pub fn push_digits(out: &mut String, rng: &mut Rng, n: usize, nonzero_first: bool) {
    for i in 0..n {
        let d = if i == 0 && nonzero_first {
            1 + rng.below(9)
        } else {
            rng.below(10)
        };
        out.push(char::from(b'0' + d as u8));
    }
}

/// Appends an order id like `ORD-483920`.
pub fn push_order_id(out: &mut String, rng: &mut Rng) {
    out.push_str("ORD-");
    push_digits(out, rng, 6, true);
}

/// Appends a money amount with two decimals, e.g. `149.99`.
pub fn push_amount(out: &mut String, rng: &mut Rng) {
    let cents = rng.range_i64(500, 99_999);
    out.push_str(itoa::Buffer::new().format(cents / 100));
    out.push('.');
    let c = (cents % 100) as u32;
    out.push(char::from(b'0' + (c / 10) as u8));
    out.push(char::from(b'0' + (c % 10) as u8));
}

/// Appends a house number and a street name.
pub fn push_street_address(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str(itoa::Buffer::new().format(rng.range_i64(1, 9999)));
    out.push(' ');
    out.push_str(rng.pick_str(&pools.street_names));
}

/// Appends a URL such as `https://www.lorem.com/ipsum`.
pub fn push_url(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str("https://www.");
    push_ascii_slug(out, rng, pools);
    out.push('.');
    out.push_str(rng.pick_str(&pools.tlds));
    out.push('/');
    push_ascii_slug(out, rng, pools);
}

/// Appends a lowercase ASCII slug (a folded last name, which is always ASCII).
pub fn push_ascii_slug(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str(rng.pick_str(&pools.last_names_ascii));
}

/// Appends a snake_case identifier of two or three ASCII words.
pub fn push_identifier(out: &mut String, rng: &mut Rng, pools: &Pools) {
    const VERBS: &[&str] = &[
        "get", "load", "parse", "build", "compute", "find", "update", "sync",
    ];
    out.push_str(rng.pick_str(VERBS));
    out.push('_');
    let w = rng.pick_str(&pools.words);
    if w.bytes().all(|b| b.is_ascii_lowercase()) {
        out.push_str(w);
    } else {
        out.push_str(rng.pick_str(&["items", "records", "users", "orders", "events"]));
    }
}

/// Appends an absolute file path like `/home/jsmith/reports/summary.csv`.
pub fn push_path(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str("/home/");
    out.push_str(rng.pick_str(&pools.first_names_ascii));
    for _ in 0..rng.range_usize(1, 2) {
        out.push('/');
        out.push_str(rng.pick_str(&["documents", "projects", "reports", "data", "notes", "src"]));
    }
    out.push('/');
    push_ascii_slug(out, rng, pools);
    out.push('_');
    push_digits(out, rng, 2, false);
    out.push('.');
    out.push_str(rng.pick_str(vocab::FILE_EXTENSIONS));
}

/// Appends a web search query like `reviews of standing desk 2024`.
pub fn push_search_query(out: &mut String, rng: &mut Rng, pools: &Pools) {
    out.push_str(rng.pick_str(vocab::SEARCH_VERBS));
    out.push(' ');
    match rng.below(3) {
        0 => out.push_str(rng.pick_str(vocab::PRODUCTS)),
        1 => out.push_str(rng.pick_str(vocab::TOPICS)),
        _ => {
            out.push_str(rng.pick_str(vocab::PRODUCTS));
            out.push_str(" in ");
            out.push_str(rng.pick_str(&pools.cities));
        }
    }
}

/// Appends a parameterised SQL query against a small built-in catalogue.
pub fn push_sql(out: &mut String, rng: &mut Rng) {
    let (table, cols) = rng.pick(vocab::SQL_TABLES);
    let col = rng.pick_str(cols);
    match rng.below(3) {
        0 => {
            out.push_str("SELECT * FROM ");
            out.push_str(table);
            out.push_str(" WHERE ");
            out.push_str(col);
            out.push_str(" = $1 LIMIT ");
            out.push_str(itoa::Buffer::new().format(rng.range_i64(1, 100)));
        }
        1 => {
            out.push_str("SELECT ");
            out.push_str(col);
            out.push_str(", COUNT(*) FROM ");
            out.push_str(table);
            out.push_str(" GROUP BY ");
            out.push_str(col);
        }
        _ => {
            out.push_str("UPDATE ");
            out.push_str(table);
            out.push_str(" SET ");
            out.push_str(col);
            out.push_str(" = $1 WHERE id = $2");
        }
    }
}

/// Appends a date `days_lo..=days_hi` days after the anchor, as `YYYY-MM-DD`.
pub fn push_date_near(out: &mut String, rng: &mut Rng, anchor: i64, days_lo: i64, days_hi: i64) {
    let day = rng.range_i64(days_lo, days_hi);
    time::push_date(out, anchor + day * time::DAY);
}

/// Appends a UTC date-time within `secs_back` seconds before the anchor.
pub fn push_datetime_before(out: &mut String, rng: &mut Rng, anchor: i64, secs_back: i64) {
    time::push_datetime(out, anchor - rng.range_i64(0, secs_back));
}

/// Appends a study duration such as `18 months`.
pub fn push_duration(out: &mut String, rng: &mut Rng) {
    let (unit, lo, hi) = rng.pick(vocab::DURATION_UNITS);
    out.push_str(itoa::Buffer::new().format(rng.range_i64(*lo, *hi)));
    out.push(' ');
    out.push_str(unit);
}

/// Appends a research finding such as `participants showed a significant improvement in retention`.
pub fn push_finding(out: &mut String, rng: &mut Rng) {
    out.push_str(rng.pick_str(vocab::FINDING_SUBJECTS));
    out.push(' ');
    out.push_str(rng.pick_str(vocab::FINDING_VERBS));
    out.push(' ');
    out.push_str(rng.pick_str(vocab::FINDING_OBJECTS));
}

/// Appends a paper title such as `Sleep and memory consolidation: a longitudinal cohort study`.
pub fn push_paper_title(out: &mut String, rng: &mut Rng) {
    push_capitalized(out, rng.pick_str(vocab::TOPICS));
    out.push_str(": a ");
    out.push_str(rng.pick_str(vocab::METHODOLOGIES));
    out.push_str(" study");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_has_exactly_n_sentences() {
        let pools = Pools::builtin_english();
        for n in 1..8 {
            let mut out = String::new();
            push_paragraph(&mut out, &mut Rng::for_sample(1, n as u64), &pools, n);
            assert_eq!(out.matches('.').count(), n, "{out}");
            assert!(out.chars().next().unwrap().is_uppercase());
        }
    }

    #[test]
    fn person_keeps_one_email() {
        let pools = Pools::builtin_english();
        let p = Person::draw(&mut Rng::for_sample(3, 3), &pools);
        let (mut a, mut b) = (String::new(), String::new());
        p.push_email(&mut a, &pools);
        p.push_email(&mut b, &pools);
        assert_eq!(a, b);
        assert!(a.contains('@'));
    }
}
