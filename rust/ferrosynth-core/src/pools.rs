//! Locale value pools. Python fills them from Faker (or the shipped default locale file) once,
//! before generation; the core only draws from them.

use serde::Deserialize;

use crate::error::{Error, Result};

/// Value pools for one locale. Every pool is non-empty; `*_ascii` pools are aligned with their
/// source pool and hold an ASCII-folded, lowercase form (for e-mail local parts and usernames).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pools {
    pub first_names: Vec<String>,
    pub first_names_ascii: Vec<String>,
    pub last_names: Vec<String>,
    pub last_names_ascii: Vec<String>,
    pub words: Vec<String>,
    pub companies: Vec<String>,
    pub cities: Vec<String>,
    pub street_names: Vec<String>,
    pub countries: Vec<String>,
    pub email_domains: Vec<String>,
    pub tlds: Vec<String>,
    pub job_titles: Vec<String>,
}

impl Pools {
    /// The pool names, in the order Python lists them (`ferrosynth.locales.POOL_KEYS` is this
    /// tuple, exported by the binding as `_native.POOL_KEYS`).
    pub const KEYS: [&'static str; 12] = [
        "first_names",
        "first_names_ascii",
        "last_names",
        "last_names_ascii",
        "words",
        "companies",
        "cities",
        "street_names",
        "countries",
        "email_domains",
        "tlds",
        "job_titles",
    ];

    /// The pools in [`Pools::KEYS`] order.
    pub fn by_key(&self) -> [&Vec<String>; 12] {
        [
            &self.first_names,
            &self.first_names_ascii,
            &self.last_names,
            &self.last_names_ascii,
            &self.words,
            &self.companies,
            &self.cities,
            &self.street_names,
            &self.countries,
            &self.email_domains,
            &self.tlds,
            &self.job_titles,
        ]
    }

    /// Parses and validates pools from JSON (`{name: [values]}`, every key of [`Pools::KEYS`]).
    pub fn from_json(json: &str) -> Result<Self> {
        let pools: Pools =
            serde_json::from_str(json).map_err(|e| Error::config("pools", e.to_string()))?;
        pools.validate()?;
        Ok(pools)
    }

    /// Checks that every pool is usable; errors name the pool at fault.
    pub fn validate(&self) -> Result<()> {
        for (name, pool) in Self::KEYS.into_iter().zip(self.by_key()) {
            if pool.is_empty() || pool.iter().any(String::is_empty) {
                return Err(Error::config(
                    format!("pools.{name}"),
                    "must be a non-empty list of non-empty strings",
                ));
            }
        }
        if self.first_names_ascii.len() != self.first_names.len()
            || self.last_names_ascii.len() != self.last_names.len()
        {
            return Err(Error::config(
                "pools",
                "ascii name pools must align with the name pools",
            ));
        }
        Ok(())
    }

    /// A small built-in English pool set, for the core's own tests and benches.
    pub fn builtin_english() -> Self {
        fn v(items: &[&str]) -> Vec<String> {
            items.iter().map(|s| (*s).to_owned()).collect()
        }
        let first = v(&[
            "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
        ]);
        let last = v(&[
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        ]);
        Pools {
            first_names_ascii: first.iter().map(|s| s.to_lowercase()).collect(),
            first_names: first,
            last_names_ascii: last.iter().map(|s| s.to_lowercase()).collect(),
            last_names: last,
            words: v(&[
                "time", "year", "people", "way", "day", "man", "thing", "woman", "life", "child",
                "world", "school", "state", "family", "student", "group", "country", "problem",
                "hand", "part", "place", "case", "week", "company", "system", "program",
            ]),
            companies: v(&["Acme Corp", "Globex LLC", "Initech Inc", "Umbrella Group"]),
            cities: v(&["Springfield", "Riverside", "Franklin", "Greenville"]),
            street_names: v(&["Main Street", "Oak Avenue", "Pine Road", "Maple Lane"]),
            countries: v(&["United States", "Canada", "France", "Japan"]),
            email_domains: v(&["example.com", "example.org", "example.net"]),
            tlds: v(&["com", "org", "net", "io"]),
            job_titles: v(&["Engineer", "Designer", "Accountant", "Teacher"]),
        }
    }
}
