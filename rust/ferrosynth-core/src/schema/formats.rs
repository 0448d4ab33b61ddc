//! Builders for every standard `format`. Each builds a realistic value; when `minLength`/
//! `maxLength` rule that out, it builds a valid value of a chosen exact length instead (every
//! format has an elastic part: digits of a fraction, a local part, a path, a label).

use super::emit::EmitCtx;
use super::validate::format::Format;
use crate::rng::{push_uuid, Rng};
use crate::text;
use crate::time;

/// The longest value ever targeted for formats without a natural maximum.
const LONGEST: usize = 2048;

/// Whether some `f` value has between `min` and `max` code points.
pub fn fits(f: Format, min: usize, max: Option<usize>) -> bool {
    let max = max.unwrap_or(usize::MAX);
    min <= max && (min..=max.min(min + 64)).any(|l| possible(f, l))
}

/// Whether a valid `f` value of exactly `len` characters exists (and can be built here).
fn possible(f: Format, len: usize) -> bool {
    match f {
        Format::DateTime => len == 20 || (22..=LONGEST).contains(&len),
        Format::Date => len == 10,
        Format::Time => len == 9 || (11..=LONGEST).contains(&len),
        Format::Duration => (3..=LONGEST).contains(&len),
        Format::Email | Format::IdnEmail => (7..=318).contains(&len),
        Format::Hostname | Format::IdnHostname => (1..=253).contains(&len),
        Format::Ipv4 => (7..=15).contains(&len),
        Format::Ipv6 => (2..=39).contains(&len),
        Format::Uri | Format::Iri => (12..=LONGEST).contains(&len),
        Format::UriReference | Format::IriReference | Format::UriTemplate => {
            (1..=LONGEST).contains(&len)
        }
        Format::Uuid => len == 36,
        Format::JsonPointer | Format::Regex => len <= LONGEST,
        Format::RelativeJsonPointer => (1..=LONGEST).contains(&len),
    }
}

/// Appends a valid `f` value with `min..=max` characters.
pub fn build(
    f: Format,
    out: &mut String,
    rng: &mut Rng,
    ctx: &EmitCtx<'_>,
    min: usize,
    max: Option<usize>,
) {
    let start = out.len();
    natural(f, out, rng, ctx);
    if min == 0 && max.is_none() {
        return;
    }
    let n = out[start..].chars().count();
    if n >= min && max.is_none_or(|m| n <= m) {
        return;
    }
    out.truncate(start);
    let hi = max.unwrap_or(usize::MAX).min(min.saturating_add(64));
    let lens: Vec<usize> = (min..=hi).filter(|&l| possible(f, l)).collect();
    let Some(&len) = lens.get(
        rng.index(lens.len().max(1))
            .min(lens.len().saturating_sub(1)),
    ) else {
        return;
    };
    exact(f, out, rng, ctx, len);
}

fn natural(f: Format, out: &mut String, rng: &mut Rng, ctx: &EmitCtx<'_>) {
    let pools = ctx.pools;
    match f {
        Format::Email | Format::IdnEmail => text::push_email(out, rng, pools),
        Format::Date => text::push_date_near(out, rng, ctx.anchor, -3650, 0),
        Format::DateTime => text::push_datetime_before(out, rng, ctx.anchor, 365 * time::DAY),
        Format::Time => {
            time::push_time(out, rng.range_i64(0, time::DAY - 1));
            out.push('Z');
        }
        Format::Uri | Format::Iri => text::push_url(out, rng, pools),
        Format::Uuid => push_uuid(out, &rng.uuid_bytes()),
        Format::Hostname | Format::IdnHostname => {
            out.push_str("www.");
            text::push_ascii_slug(out, rng, pools);
            out.push('.');
            out.push_str(rng.pick_str(&pools.tlds));
        }
        Format::Ipv4 => {
            for i in 0..4 {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(itoa::Buffer::new().format(rng.range_i64(i64::from(i == 0), 254)));
            }
        }
        Format::Ipv6 => {
            out.push_str("2001:db8");
            for _ in 0..6 {
                out.push(':');
                let n = rng.range_usize(1, 4);
                push_hex(out, rng, n);
            }
        }
        Format::Duration => match rng.below(5) {
            0 => {
                out.push('P');
                push_num(out, rng, 1, 90);
                out.push('D');
            }
            1 => {
                out.push_str("PT");
                push_num(out, rng, 1, 23);
                out.push('H');
                push_num(out, rng, 1, 59);
                out.push('M');
            }
            2 => {
                out.push_str("PT");
                push_num(out, rng, 1, 59);
                out.push('M');
            }
            3 => {
                out.push('P');
                push_num(out, rng, 1, 5);
                out.push('Y');
                push_num(out, rng, 1, 11);
                out.push('M');
            }
            _ => {
                out.push('P');
                push_num(out, rng, 1, 8);
                out.push('W');
            }
        },
        Format::UriReference | Format::IriReference => {
            out.push('/');
            out.push_str(rng.pick_str(RESOURCES));
            out.push('/');
            push_num(out, rng, 1, 99_999);
        }
        Format::UriTemplate => {
            out.push_str("https://api.");
            text::push_ascii_slug(out, rng, pools);
            out.push_str(".com/");
            out.push_str(rng.pick_str(RESOURCES));
            out.push_str("/{id}");
            if rng.chance(0.5) {
                out.push_str("{?page,limit}");
            }
        }
        Format::JsonPointer => {
            out.push('/');
            out.push_str(rng.pick_str(RESOURCES));
            out.push('/');
            push_num(out, rng, 0, 9);
            out.push('/');
            out.push_str(rng.pick_str(FIELDS));
        }
        Format::RelativeJsonPointer => {
            push_num(out, rng, 0, 3);
            if rng.chance(0.2) {
                out.push('#');
            } else {
                out.push('/');
                out.push_str(rng.pick_str(FIELDS));
            }
        }
        Format::Regex => out.push_str(rng.pick_str(REGEXES)),
    }
}

const RESOURCES: &[&str] = &[
    "users", "orders", "items", "projects", "invoices", "events", "files",
];
const FIELDS: &[&str] = &["name", "id", "email", "status", "price", "title", "tags"];
const REGEXES: &[&str] = &[
    "^[a-z0-9_-]{3,16}$",
    "^\\d{3}-\\d{4}$",
    "^[A-Z]{2}\\d{6}$",
    "[a-f0-9]{32}",
    "^#[0-9a-fA-F]{6}$",
    "^(foo|bar)+$",
];

fn push_num(out: &mut String, rng: &mut Rng, lo: i64, hi: i64) {
    out.push_str(itoa::Buffer::new().format(rng.range_i64(lo, hi)));
}

fn push_hex(out: &mut String, rng: &mut Rng, n: usize) {
    for _ in 0..n {
        out.push(char::from(b"0123456789abcdef"[rng.index(16)]));
    }
}

fn push_letters(out: &mut String, rng: &mut Rng, n: usize) {
    for _ in 0..n {
        out.push(char::from(b'a' + rng.below(26) as u8));
    }
}

/// `n` characters of dot-separated labels (each 1..=63 letters).
fn push_labels(out: &mut String, rng: &mut Rng, mut n: usize) {
    let mut first = true;
    while n > 0 {
        if !first {
            out.push('.');
            n -= 1;
        }
        let mut k = n.min(63);
        if n - k == 1 {
            k -= 1;
        }
        push_letters(out, rng, k.max(1));
        n -= k.max(1);
        first = false;
    }
}

/// A valid `f` value of exactly `len` characters (`possible(f, len)` holds).
fn exact(f: Format, out: &mut String, rng: &mut Rng, ctx: &EmitCtx<'_>, len: usize) {
    match f {
        Format::DateTime | Format::Time => {
            let start = out.len();
            natural(f, out, rng, ctx);
            let natural_len = out.len() - start;
            if len > natural_len {
                out.pop(); // 'Z'
                out.push('.');
                text::push_digits(out, rng, len - natural_len - 1, false);
                out.push('Z');
            }
        }
        Format::Date | Format::Uuid => natural(f, out, rng, ctx),
        Format::Duration => {
            out.push('P');
            text::push_digits(out, rng, len - 2, true);
            out.push('D');
        }
        Format::Email | Format::IdnEmail => {
            let mut local = (len / 3).clamp(1, 64);
            if len - 1 - local < 5 {
                local = len - 6;
            }
            if len - 1 - local > 253 {
                local = len - 254;
            }
            push_letters(out, rng, local);
            out.push('@');
            push_labels(out, rng, len - 1 - local - 4);
            out.push_str(".com");
        }
        Format::Hostname | Format::IdnHostname => {
            if len >= 6 {
                push_labels(out, rng, len - 4);
                out.push_str(".com");
            } else {
                push_letters(out, rng, len);
            }
        }
        Format::Ipv4 => {
            // Digits per octet summing to len - 3, each 1..=3.
            let mut left = len - 3;
            for i in 0..4 {
                let rest = 3 - i;
                let lo = left.saturating_sub(3 * rest).max(1);
                let hi = (left - rest).min(3);
                let d = rng.range_usize(lo, hi.max(lo));
                left -= d;
                if i > 0 {
                    out.push('.');
                }
                let v = match d {
                    1 => rng.range_i64(i64::from(i == 0), 9),
                    2 => rng.range_i64(10, 99),
                    _ => rng.range_i64(100, 255),
                };
                out.push_str(itoa::Buffer::new().format(v));
            }
        }
        Format::Ipv6 => {
            if len >= 15 {
                // Eight groups, each 1..=4 hex digits.
                let mut left = len - 7;
                for i in 0..8 {
                    let rest = 7 - i;
                    let lo = left.saturating_sub(4 * rest).max(1);
                    let hi = (left - rest).min(4);
                    let d = rng.range_usize(lo, hi.max(lo));
                    left -= d;
                    if i > 0 {
                        out.push(':');
                    }
                    push_hex(out, rng, d);
                }
            } else {
                out.push_str("::");
                let mut left = len - 2;
                let mut first = true;
                while left > 0 {
                    if !first {
                        out.push(':');
                        left -= 1;
                    }
                    let mut d = left.min(4);
                    if left - d == 1 {
                        d -= 1;
                    }
                    push_hex(out, rng, d.max(1));
                    left -= d.max(1);
                    first = false;
                }
            }
        }
        Format::Uri | Format::Iri => {
            out.push_str("https://");
            let host = (len - 8).clamp(4, 20);
            push_labels(out, rng, host - 3);
            out.push_str(".io");
            let rest = len - 8 - host;
            if rest > 0 {
                out.push('/');
                push_letters(out, rng, rest - 1);
            }
        }
        Format::UriReference | Format::IriReference | Format::UriTemplate => {
            out.push('/');
            push_letters(out, rng, len - 1);
        }
        Format::JsonPointer => {
            if len > 0 {
                out.push('/');
                push_letters(out, rng, len - 1);
            }
        }
        Format::RelativeJsonPointer => match len {
            1 => out.push('0'),
            2 => out.push_str("1#"),
            _ => {
                out.push_str("0/");
                push_letters(out, rng, len - 2);
            }
        },
        Format::Regex => push_letters(out, rng, len),
    }
}

#[cfg(test)]
mod tests {
    use super::super::validate::format::{check, ALL};
    use super::*;
    use crate::pools::Pools;

    #[test]
    fn every_format_builds_valid_values_at_every_possible_length() {
        let pools = Pools::builtin_english();
        let ctx = EmitCtx::new(&pools, time::DEFAULT_ANCHOR);
        let mut rng = Rng::from_state(3);
        for &f in ALL {
            for _ in 0..50 {
                let mut s = String::new();
                natural(f, &mut s, &mut rng, &ctx);
                assert!(check(f, &s), "{} natural {s:?}", f.name());
            }
            for len in 0..300 {
                if !possible(f, len) {
                    continue;
                }
                let mut s = String::new();
                exact(f, &mut s, &mut rng, &ctx, len);
                assert_eq!(s.chars().count(), len, "{} {s:?}", f.name());
                assert!(check(f, &s), "{} exact {len} {s:?}", f.name());
            }
        }
    }

    #[test]
    fn fits_reports_impossible_windows() {
        assert!(!fits(Format::Uuid, 0, Some(35)));
        assert!(fits(Format::Uuid, 36, Some(36)));
        assert!(!fits(Format::Date, 11, None));
        assert!(fits(Format::Email, 0, Some(10)));
        assert!(!fits(Format::Ipv4, 16, None));
    }
}
