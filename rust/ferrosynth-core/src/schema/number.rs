//! Numbers: `minimum`/`maximum`, `exclusiveMinimum`/`exclusiveMaximum` (numeric, or draft-4
//! booleans), `multipleOf` (integers and decimals, several combined by their least common
//! multiple), excluded values, and `x-ferrosynth` distributions and uniqueness.
//!
//! Plain ranges compile to [`Node::Integer`] / [`NumberNode`]. Everything else is a grid: value
//! `k × step` for an integer `k`, printed exactly in decimal so that `multipleOf` holds both
//! exactly and under the float division most validators use.

use super::compile::Compiler;
use super::emit::EmitCtx;
use super::facets::Facets;
use super::hints;
use super::hints::extension::{Distribution, Extension};
use super::hints::unique::UniqueSlot;
use super::node::Node;
use super::validate::eval::decimal;
use super::validate::types;
use crate::error::{Error, Result};
use crate::json::JsonWriter;
use crate::rng::Rng;

/// Grid points tried around a draw whose float division by `multipleOf` is inexact.
const NEIGHBOURS: i128 = 16;

/// A number node: uniform in `[lo, hi]`, rounded to `decimals` places.
#[derive(Debug, Clone)]
pub struct NumberNode {
    pub lo: f64,
    pub hi: f64,
    pub decimals: i32,
}

impl NumberNode {
    /// A uniform draw in `[lo, hi]` rounded to `decimals` places, clamped back into range.
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        let x = self.lo + rng.unit() * (self.hi - self.lo);
        let scale = 10f64.powi(self.decimals);
        ((x * scale).round() / scale).clamp(self.lo, self.hi)
    }
}

/// Values `k × mant × 10^exp` for `k` in `k_lo..=k_hi`.
#[derive(Debug, Clone)]
pub struct GridNode {
    k_lo: i128,
    k_hi: i128,
    mant: i128,
    exp: i32,
    excluded: Vec<i128>,
    /// `multipleOf` values to re-check with float division.
    float_checks: Vec<f64>,
    /// A grid point known to pass the float checks.
    witness: i128,
    distribution: Distribution,
    /// The window in value units, for distributions.
    window: (f64, f64),
    unique: Option<UniqueSlot>,
    fractional: bool,
}

/// `a × 10^e` with `a` free of trailing zeros.
fn normalise(mut a: i128, mut e: i32) -> (i128, i32) {
    while a != 0 && a % 10 == 0 {
        a /= 10;
        e += 1;
    }
    (a, e)
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// The least common multiple of two decimals (`None` on overflow).
fn lcm(x: (i128, i32), y: (i128, i32)) -> Option<(i128, i32)> {
    let e = x.1.min(y.1);
    let a = x.0.checked_mul(10i128.checked_pow((x.1 - e) as u32)?)?;
    let b = y.0.checked_mul(10i128.checked_pow((y.1 - e) as u32)?)?;
    let l = (a / gcd(a, b)).checked_mul(b)?;
    Some(normalise(l.abs(), e))
}

impl Compiler<'_> {
    /// The number node of variant `f` (`bits`: the numeric type bits allowed).
    pub fn number(
        &mut self,
        f: &Facets,
        ext: &Extension,
        bits: u8,
        name: Option<&str>,
        at: &str,
    ) -> Result<Node> {
        let integer = bits & types::NUMBER == 0;
        let fractional = bits & types::INTEGER == 0;
        if let (Some((l, le)), Some((h, he))) = (f.lo, f.hi) {
            if l > h || (l == h && (le || he)) {
                let (lk, hk) = (
                    if le { "exclusiveMinimum" } else { "minimum" },
                    if he { "exclusiveMaximum" } else { "maximum" },
                );
                return Err(Error::schema(
                    at,
                    format!(
                        "{lk} ({l}) is greater than {hk} ({h}): no {} fits",
                        if integer { "integer" } else { "number" }
                    ),
                ));
            }
        }
        // Integers are written as 64-bit values.
        let (imin, imax) = (i64::MIN as f64, i64::MAX as f64);
        if integer && (f.lo.is_some_and(|(l, _)| l >= imax) || f.hi.is_some_and(|(h, _)| h <= imin))
        {
            return Err(Error::schema(
                at,
                "integer bounds beyond the 64-bit range are not supported",
            ));
        }
        let simple = f.multiple_of.is_empty()
            && !f.excluded.iter().any(serde_json::Value::is_number)
            && ext.distribution == Distribution::Uniform
            && !ext.unique
            && !fractional;
        if simple && integer {
            let mut lo =
                f.lo.map(|(x, e)| if e { x.floor() + 1.0 } else { x.ceil() });
            let mut hi =
                f.hi.map(|(x, e)| if e { x.ceil() - 1.0 } else { x.floor() });
            let (dlo, dhi) = name.and_then(hints::integer_range).unwrap_or((0, 1000));
            (lo, hi) = window(lo, hi, dlo as f64, dhi as f64);
            let (lo, hi) = (lo.unwrap_or(0.0), hi.unwrap_or(0.0));
            let (mut lo, mut hi) = (lo as i128, hi as i128);
            // Beyond 2^53 a float bound is rounded: read the keywords again, exactly.
            if lo.abs() >= EXACT || hi.abs() >= EXACT {
                let (elo, ehi) = exact_int_bounds(self.doc, &f.pos);
                lo = elo.map_or(lo, |e| if lo.abs() >= EXACT { e } else { lo.max(e) });
                hi = ehi.map_or(hi, |e| if hi.abs() >= EXACT { e } else { hi.min(e) });
            }
            if lo > hi {
                return Err(Error::schema(
                    at,
                    format!("no integer lies between {} and {}", show(f.lo), show(f.hi)),
                ));
            }
            let (Ok(lo), Ok(hi)) = (i64::try_from(lo), i64::try_from(hi)) else {
                return Err(Error::schema(
                    at,
                    "integer bounds beyond the 64-bit range are not supported",
                ));
            };
            return Ok(Node::Integer { lo, hi });
        }
        if simple {
            let (dlo, dhi, decimals) = name.and_then(hints::number_range).unwrap_or((0.0, 1.0, 4));
            let step = 10f64.powi(-decimals);
            // Past 2^53 a step may vanish in rounding (`1e300 + 0.0001 == 1e300`): then the
            // next float beyond an exclusive bound is the closest value that satisfies it.
            let lo = f.lo.map(|(x, e)| if e { above(x, step) } else { x });
            let hi = f.hi.map(|(x, e)| if e { -above(-x, step) } else { x });
            let (lo, hi) = window(lo, hi, dlo, dhi);
            let (lo, hi) = (lo.unwrap_or(0.0), hi.unwrap_or(0.0));
            if lo > hi {
                return Ok(Node::Grid(Box::new(
                    self.grid(f, ext, integer, fractional, name, at)?,
                )));
            }
            return Ok(Node::Number(NumberNode { lo, hi, decimals }));
        }
        Ok(Node::Grid(Box::new(
            self.grid(f, ext, integer, fractional, name, at)?,
        )))
    }

    fn grid(
        &mut self,
        f: &Facets,
        ext: &Extension,
        integer: bool,
        fractional: bool,
        name: Option<&str>,
        at: &str,
    ) -> Result<GridNode> {
        let mut step: Option<(i128, i32)> = None;
        for m in &f.multiple_of {
            let d = decimal(*m).ok_or_else(|| {
                Error::schema(at, format!("multipleOf {m} is not a finite number"))
            })?;
            step = Some(match step {
                None => normalise(d.0, d.1),
                Some(s) => lcm(s, d).ok_or_else(|| {
                    Error::schema(
                        at,
                        "the multipleOf values have no representable common multiple",
                    )
                })?,
            });
        }
        if integer {
            step = Some(match step {
                None => (1, 0),
                Some(s) => lcm(s, (1, 0))
                    .ok_or_else(|| Error::schema(at, "multipleOf has no integer multiple"))?,
            });
        }
        let (dlo, dhi, decimals) = if integer {
            let (a, b) = name.and_then(hints::integer_range).unwrap_or((0, 1000));
            (a as f64, b as f64, 0)
        } else {
            name.and_then(hints::number_range)
                .unwrap_or((0.0, 1000.0, 2))
        };
        let (mant, exp) = step.unwrap_or((1, -decimals));
        let (wlo, whi) = window(f.lo.map(|x| x.0), f.hi.map(|x| x.0), dlo, dhi);
        let (wlo, whi) = (wlo.unwrap_or(0.0), whi.unwrap_or(0.0));
        let step_f = mant as f64 * 10f64.powi(exp);
        if (wlo.abs().max(whi.abs()) / step_f) > 1e17 {
            return Err(Error::schema(
                at,
                format!("the range is too wide for steps of {step_f}"),
            ));
        }
        let mut g = GridNode {
            k_lo: 0,
            k_hi: 0,
            mant,
            exp,
            excluded: Vec::new(),
            float_checks: f
                .multiple_of
                .iter()
                .copied()
                .filter(|m| m.fract() != 0.0)
                .collect(),
            witness: 0,
            distribution: ext.distribution,
            window: (wlo, whi),
            unique: None,
            fractional,
        };
        // Smallest k with value ≥ lo (> lo when exclusive), largest with value ≤ hi.
        let ok_lo = |g: &GridNode, k: i128| match f.lo {
            Some((l, true)) => g.value(k) > l,
            Some((l, false)) => g.value(k) >= l,
            None => g.value(k) >= wlo,
        };
        let ok_hi = |g: &GridNode, k: i128| match f.hi {
            Some((h, true)) => g.value(k) < h,
            Some((h, false)) => g.value(k) <= h,
            None => g.value(k) <= whi,
        };
        // A few steps settle float rounding at the edges; the guesses are within one step.
        let mut k_lo = (wlo / step_f).ceil() as i128;
        for _ in 0..64 {
            if ok_lo(&g, k_lo) {
                break;
            }
            k_lo += 1;
        }
        for _ in 0..64 {
            if !(ok_lo(&g, k_lo - 1) && g.value(k_lo - 1) >= wlo) {
                break;
            }
            k_lo -= 1;
        }
        let mut k_hi = (whi / step_f).floor() as i128;
        for _ in 0..64 {
            if ok_hi(&g, k_hi) {
                break;
            }
            k_hi -= 1;
        }
        for _ in 0..64 {
            if !(ok_hi(&g, k_hi + 1) && g.value(k_hi + 1) <= whi) {
                break;
            }
            k_hi += 1;
        }
        if !ok_lo(&g, k_lo) || !ok_hi(&g, k_hi) {
            k_hi = k_lo - 1;
        }
        g.k_lo = k_lo;
        g.k_hi = k_hi;
        if k_lo > k_hi {
            let what = if f.multiple_of.is_empty() {
                "no value".to_owned()
            } else {
                format!("no multiple of {step_f}")
            };
            return Err(Error::schema(
                at,
                format!("{what} lies between {} and {}", show(f.lo), show(f.hi)),
            ));
        }
        g.excluded = f
            .excluded
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .filter_map(|x| {
                let k = (x / step_f).round() as i128;
                (g.value(k) == x).then_some(k)
            })
            .collect();
        let witness = (0..10_000i128)
            .map(|i| k_lo + i)
            .take_while(|k| *k <= k_hi)
            .find(|k| g.acceptable(*k));
        g.witness = witness.ok_or_else(|| {
            Error::schema(
                at,
                "no value in range satisfies multipleOf under float division and the exclusions",
            )
        })?;
        if ext.unique {
            let n = u64::try_from(k_hi - k_lo + 1).unwrap_or(u64::MAX);
            if !g.excluded.is_empty() || !g.float_checks.is_empty() {
                return Err(Error::schema(ext.pointer.clone(), "x-ferrosynth `unique` cannot combine with excluded values or decimal multipleOf"));
            }
            g.unique = Some(self.unique_slot(n, at)?);
        }
        Ok(g)
    }
}

/// Fills missing bounds from the defaults `[dlo, dhi]`, keeping the range non-empty.
fn window(lo: Option<f64>, hi: Option<f64>, dlo: f64, dhi: f64) -> (Option<f64>, Option<f64>) {
    let width = (dhi - dlo).max(1.0);
    match (lo, hi) {
        (Some(l), Some(h)) => {
            // Huge declared ranges (int64 limits): prefer everyday values when they fit.
            if h - l > 1e9 && dlo >= l && dhi <= h {
                (Some(dlo), Some(dhi))
            } else {
                (Some(l), Some(h))
            }
        }
        (Some(l), None) => (Some(l), Some(if l < dhi { dhi } else { l + width })),
        (None, Some(h)) => (Some(if h > dlo { dlo } else { h - width }), Some(h)),
        (None, None) => (Some(dlo), Some(dhi)),
    }
}

/// Integers from here on are not all floats (2^53).
const EXACT: i128 = 1 << 53;

/// `x + step`, or the next float above `x` when the step is lost to rounding.
fn above(x: f64, step: f64) -> f64 {
    let y = x + step;
    if y > x || !x.is_finite() {
        return y;
    }
    let bits = x.to_bits();
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(bits + 1)
    } else {
        f64::from_bits(bits - 1)
    }
}

/// The integer bounds of the subschemas `pos`, exactly (integer keywords read as integers).
fn exact_int_bounds(doc: &super::doc::Doc, pos: &[String]) -> (Option<i128>, Option<i128>) {
    use serde_json::Value;
    let int = |v: &Value| -> Option<(i128, bool)> {
        if let Some(i) = v.as_i64() {
            return Some((i128::from(i), true));
        }
        if let Some(u) = v.as_u64() {
            return Some((i128::from(u), true));
        }
        let f = v.as_f64()?;
        Some((f as i128, f.fract() == 0.0))
    };
    let draft4 = doc.draft == super::doc::Draft::D4;
    let (mut lo, mut hi): (Option<i128>, Option<i128>) = (None, None);
    let mut up = |x: i128| lo = Some(lo.map_or(x, |l| l.max(x)));
    let mut down = |x: i128| hi = Some(hi.map_or(x, |h| h.min(x)));
    for p in pos {
        let Some(Value::Object(m)) = doc.get(p) else {
            continue;
        };
        let excl_min = draft4 && m.get("exclusiveMinimum") == Some(&Value::Bool(true));
        let excl_max = draft4 && m.get("exclusiveMaximum") == Some(&Value::Bool(true));
        if let Some((v, whole)) = m.get("minimum").and_then(int) {
            up(if excl_min && whole {
                v + 1
            } else if whole {
                v
            } else {
                v + 1
            });
        }
        if let Some((v, whole)) = m.get("maximum").and_then(int) {
            down(if excl_max && whole { v - 1 } else { v });
        }
        if !draft4 {
            if let Some((v, _)) = m.get("exclusiveMinimum").and_then(int) {
                up(v + 1);
            }
            if let Some((v, whole)) = m.get("exclusiveMaximum").and_then(int) {
                down(if whole { v - 1 } else { v });
            }
        }
    }
    (lo, hi)
}

fn show(b: Option<(f64, bool)>) -> String {
    match b {
        None => "∞".into(),
        Some((x, true)) => format!("{x} (exclusive)"),
        Some((x, false)) => x.to_string(),
    }
}

impl GridNode {
    /// Whether every value is an integer (written without a fraction).
    pub fn is_integral(&self) -> bool {
        self.exp >= 0
    }

    /// Appends the decimal text of grid point `k`; `false` (nothing appended) when it does
    /// not fit in 128 bits (a fuzzer finding: `multipleOf: 5.7e51` overflowed, and a release
    /// build wrapped around to some other number).
    fn push(&self, k: i128, out: &mut Vec<u8>) -> bool {
        let Some(n) = k.checked_mul(self.mant) else {
            return false;
        };
        if self.exp >= 0 {
            let Some(v) = 10i128
                .checked_pow(self.exp as u32)
                .map_or((n == 0).then_some(0), |p| n.checked_mul(p))
            else {
                return false;
            };
            out.extend_from_slice(v.to_string().as_bytes());
            return true;
        }
        let Some(scale) = 10i128.checked_pow((-self.exp) as u32) else {
            if n == 0 {
                out.extend_from_slice(b"0.0");
            }
            return n == 0;
        };
        if n < 0 {
            out.push(b'-');
        }
        let (a, scale) = (n.unsigned_abs(), scale.unsigned_abs());
        out.extend_from_slice((a / scale).to_string().as_bytes());
        let frac = a % scale;
        out.push(b'.');
        let digits = format!("{frac:0width$}", width = (-self.exp) as usize);
        let trimmed = digits.trim_end_matches('0');
        out.extend_from_slice(if trimmed.is_empty() {
            b"0"
        } else {
            trimmed.as_bytes()
        });
        true
    }

    /// Grid point `k` as the float a JSON parser reads from its text.
    fn value(&self, k: i128) -> f64 {
        let mut b = Vec::with_capacity(24);
        if !self.push(k, &mut b) {
            return f64::NAN;
        }
        std::str::from_utf8(&b)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN)
    }

    fn acceptable(&self, k: i128) -> bool {
        if self.excluded.contains(&k) {
            return false;
        }
        let mut text = Vec::with_capacity(24);
        if !self.push(k, &mut text) {
            return false;
        }
        let Some(v) = std::str::from_utf8(&text)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
        else {
            return false;
        };
        if self.fractional && v.fract() == 0.0 {
            return false;
        }
        // A fraction must be the shortest text of the float a parser reads from it: validators
        // that check `multipleOf` in decimal (the `jsonschema` crate) read that shortest text,
        // and `809.78555555555560319` (42871 × 0.01888888888888889, exact) reads back as
        // `809.7855555555556`, no multiple (a fuzzer finding). Integers are exact as written.
        // Up to 15 significant digits a decimal always comes back from its float unchanged:
        // only longer ones are printed again to compare (a per-value allocation).
        let digits = text
            .iter()
            .skip_while(|b| matches!(b, b'-' | b'0' | b'.'))
            .filter(|b| b.is_ascii_digit())
            .count();
        if digits > 15 && text.contains(&b'.') && format!("{v}").as_bytes() != text.as_slice() {
            return false;
        }
        self.float_checks.iter().all(|m| (v / m).fract() == 0.0)
    }

    fn draw(&self, rng: &mut Rng) -> i128 {
        let span = self.k_hi - self.k_lo;
        match self.distribution {
            Distribution::Uniform => {
                if span <= i128::from(u64::MAX >> 1) {
                    self.k_lo + i128::from(rng.below(span as u64 + 1))
                } else {
                    self.k_lo + (rng.unit() * span as f64) as i128
                }
            }
            Distribution::Normal { mean, std } => {
                let (a, b) = (
                    phi((self.window.0 - mean) / std),
                    phi((self.window.1 - mean) / std),
                );
                let u = a + rng.unit() * (b - a);
                let x = mean + std * phi_inv(u.clamp(1e-12, 1.0 - 1e-12));
                let step = self.mant as f64 * 10f64.powi(self.exp);
                ((x / step).round() as i128).clamp(self.k_lo, self.k_hi)
            }
        }
    }

    pub fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        let k = match &self.unique {
            Some(u) => {
                let occ = ctx.next_occurrence(u.id);
                self.k_lo + i128::from(u.value_index(ctx.seed, ctx.sample, occ))
            }
            None => {
                let k = self.draw(rng);
                if self.acceptable(k) {
                    k
                } else {
                    (1..=NEIGHBOURS)
                        .flat_map(|d| [k + d, k - d])
                        .filter(|c| (self.k_lo..=self.k_hi).contains(c))
                        .find(|c| self.acceptable(*c))
                        .unwrap_or(self.witness)
                }
            }
        };
        let mut text = Vec::with_capacity(24);
        if !self.push(k, &mut text) {
            // Not reached: the grid's ends fit, and so does every point between them.
            text.clear();
            self.push(self.witness, &mut text);
        }
        w.raw(&text);
    }
}

/// The standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
fn phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + y)
    } else {
        0.5 * (1.0 - y)
    }
}

/// The standard normal quantile (Acklam's rational approximation).
fn phi_inv(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -phi_inv(1.0 - p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_lcm() {
        assert_eq!(lcm((25, -2), (1, -1)), Some((5, -1)));
        assert_eq!(lcm((3, 0), (4, 0)), Some((12, 0)));
        assert_eq!(lcm((15, -1), (1, 0)), Some((3, 0)));
    }

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        for x in [-3.0, -1.0, 0.0, 0.5, 2.5] {
            assert!((phi_inv(phi(x)) - x).abs() < 1e-3, "{x}");
        }
    }
}

#[cfg(test)]
mod grid_tests {
    use super::super::testing::{error, sample};
    use serde_json::json;

    /// A fuzzer finding: grid points of a huge `multipleOf` overflowed 128 bits — a panic
    /// where overflow is checked (the fuzzer's build, debug builds), a wrapped-around number
    /// where it is not. Such points are off the grid now.
    #[test]
    fn a_multiple_of_past_128_bits_generates_only_its_multiples() {
        for step in [5.701888888888889e51, 1e40, 1e38] {
            for v in sample(
                json!({"type": "number", "minimum": 0, "multipleOf": step}),
                20,
            ) {
                assert_eq!(v.as_f64(), Some(0.0), "{step}: {v}");
            }
        }
    }

    #[test]
    fn multiples_exclusive_bounds_and_exclusions() {
        for v in sample(
            json!({"type": "number", "multipleOf": 0.1, "exclusiveMinimum": 0, "maximum": 1}),
            200,
        ) {
            let x = v.as_f64().unwrap();
            assert!(x > 0.0 && x <= 1.0 && (x / 0.1).fract() == 0.0, "{x}");
        }
        let out = sample(
            json!({"type": "integer", "minimum": 1, "maximum": 3, "not": {"const": 2}}),
            100,
        );
        assert!(out.iter().all(|v| v != 2));
        let (_, reason) =
            error(json!({"type": "integer", "multipleOf": 7, "minimum": 1, "maximum": 6}));
        assert!(reason.contains("multiple of 7"), "{reason}");
    }
}
