//! The `x-ferrosynth` keyword: ask for a named provider, a distribution, dataset-wide
//! uniqueness or a fixed value.
//!
//! ```json
//! {"type": "string", "x-ferrosynth": "company"}
//! {"type": "integer", "minimum": 18, "maximum": 90,
//!  "x-ferrosynth": {"distribution": "normal", "mean": 38, "std": 12}}
//! {"enum": ["free", "pro", "team"], "x-ferrosynth": {"weights": [8, 3, 1]}}
//! {"type": "integer", "x-ferrosynth": {"unique": true}}
//! {"type": "string", "x-ferrosynth": {"value": "v1"}}
//! ```

use serde_json::{Map, Value};

use super::Hint;
use crate::error::{Error, Result};

/// A number distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    Uniform,
    /// A normal distribution truncated to the allowed range.
    Normal {
        mean: f64,
        std: f64,
    },
}

/// A parsed `x-ferrosynth` value.
#[derive(Debug, Clone)]
pub struct Extension {
    pub provider: Option<Hint>,
    pub value: Option<Value>,
    pub unique: bool,
    pub distribution: Distribution,
    weights: Option<Weights>,
    pub pointer: String,
}

#[derive(Debug, Clone)]
enum Weights {
    List(Vec<f64>),
    Map(Map<String, Value>),
}

const KEYS: &str = "provider, value, unique, distribution, mean, std, weights";

impl Extension {
    /// Parses the keyword found at `pointer` (absent: the defaults).
    pub fn parse(found: Option<&(String, Value)>) -> Result<Extension> {
        let mut ext = Extension {
            provider: None,
            value: None,
            unique: false,
            distribution: Distribution::Uniform,
            weights: None,
            pointer: String::new(),
        };
        let Some((pointer, v)) = found else {
            return Ok(ext);
        };
        ext.pointer = pointer.clone();
        let err = |what: String| Error::schema(pointer.clone(), what);
        let provider = |name: &str| {
            Hint::provider(name).ok_or_else(|| {
                let names: Vec<&str> = Hint::PROVIDERS.iter().map(|(n, _)| *n).collect();
                err(format!(
                    "unknown provider {name:?}; expected one of {}",
                    names.join(", ")
                ))
            })
        };
        let map = match v {
            Value::String(name) => {
                ext.provider = Some(provider(name)?);
                return Ok(ext);
            }
            Value::Object(map) => map,
            _ => {
                return Err(err(
                    "`x-ferrosynth` must be a provider name or an object".into()
                ))
            }
        };
        for key in map.keys() {
            if !KEYS.split(", ").any(|k| k == key) {
                return Err(err(format!(
                    "unknown x-ferrosynth key {key:?}; expected one of {KEYS}"
                )));
            }
        }
        if let Some(p) = map.get("provider") {
            let name = p
                .as_str()
                .ok_or_else(|| err("`provider` must be a string".into()))?;
            ext.provider = Some(provider(name)?);
        }
        ext.value = map.get("value").cloned();
        match map.get("unique") {
            None | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => ext.unique = true,
            Some(_) => return Err(err("`unique` must be a boolean".into())),
        }
        let mean = map.get("mean").and_then(Value::as_f64);
        let std = map.get("std").and_then(Value::as_f64);
        match map.get("distribution").map(|d| d.as_str()) {
            None if mean.is_some() || std.is_some() => {
                return Err(err("`mean`/`std` need `distribution: \"normal\"`".into()));
            }
            None | Some(Some("uniform")) => {}
            Some(Some("weighted")) => {
                if !map.contains_key("weights") {
                    return Err(err("`distribution: \"weighted\"` needs `weights`".into()));
                }
            }
            Some(Some("normal")) => match (mean, std) {
                (Some(mean), Some(std)) if std > 0.0 && mean.is_finite() => {
                    ext.distribution = Distribution::Normal { mean, std };
                }
                _ => {
                    return Err(err(
                        "a normal distribution needs a finite `mean` and a `std` > 0".into(),
                    ))
                }
            },
            Some(other) => {
                return Err(err(format!(
                    "unknown distribution {}; expected one of uniform, normal, weighted",
                    other.map_or("(not a string)".into(), |s| format!("{s:?}"))
                )));
            }
        }
        match map.get("weights") {
            None => {}
            Some(Value::Array(ws)) => {
                let list: Option<Vec<f64>> = ws
                    .iter()
                    .map(|w| w.as_f64().filter(|w| *w >= 0.0))
                    .collect();
                ext.weights =
                    Some(Weights::List(list.ok_or_else(|| {
                        err("`weights` must hold numbers >= 0".into())
                    })?));
            }
            Some(Value::Object(m)) => {
                if m.values().any(|w| w.as_f64().is_none_or(|w| w < 0.0)) {
                    return Err(err("`weights` must map values to numbers >= 0".into()));
                }
                ext.weights = Some(Weights::Map(m.clone()));
            }
            Some(_) => return Err(err("`weights` must be a list or an object".into())),
        }
        if ext.unique && ext.weights.is_some() {
            return Err(err("`unique` and `weights` cannot be combined".into()));
        }
        Ok(ext)
    }

    pub fn has_weights(&self) -> bool {
        self.weights.is_some()
    }

    /// The weight of enum value number `i` (`value`): by position for a list, by the value's
    /// text for a map (missing entries weigh 0).
    pub fn weight(&self, i: usize, value: &Value) -> f64 {
        match &self.weights {
            None => 1.0,
            Some(Weights::List(ws)) => ws.get(i).copied().unwrap_or(0.0),
            Some(Weights::Map(m)) => {
                let key = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                m.get(&key).and_then(Value::as_f64).unwrap_or(0.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{error, sample};
    use serde_json::json;

    #[test]
    fn providers_weights_fixed_values_and_unique() {
        let out = sample(json!({"type": "string", "x-ferrosynth": "city"}), 20);
        assert!(out
            .iter()
            .all(|v| v.as_str().is_some_and(|s| !s.is_empty())));
        let out = sample(
            json!({"enum": ["a", "b"], "x-ferrosynth": {"weights": [0, 1]}}),
            50,
        );
        assert!(out.iter().all(|v| v == "b"));
        let out = sample(json!({"type": "integer", "x-ferrosynth": {"value": 7}}), 5);
        assert!(out.iter().all(|v| v == 7));
        let mut out: Vec<i64> = sample(
            json!({"type": "integer", "minimum": 0, "maximum": 99,
                                              "x-ferrosynth": {"unique": true}}),
            100,
        )
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
        out.sort_unstable();
        assert_eq!(out, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn bad_extensions_are_errors_at_the_keyword() {
        for ext in [
            json!("nope"),
            json!({"distribution": "normal"}),
            json!({"x": 1}),
            json!(3),
        ] {
            let (ptr, _) = error(json!({"type": "integer", "x-ferrosynth": ext}));
            assert_eq!(ptr, "/x-ferrosynth");
        }
    }
}
