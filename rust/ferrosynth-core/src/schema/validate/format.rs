//! The standard `format`s: names and checkers (RFC 3339 dates and times, ISO 8601 durations,
//! RFC 5321 e-mail, RFC 1123 host names, IP addresses, RFC 3986/3987 URIs and IRIs, RFC 6570 URI
//! templates, UUIDs, JSON pointers, ECMA-262 regular expressions).

/// A standard format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    DateTime,
    Date,
    Time,
    Duration,
    Email,
    IdnEmail,
    Hostname,
    IdnHostname,
    Ipv4,
    Ipv6,
    Uri,
    UriReference,
    Iri,
    IriReference,
    UriTemplate,
    Uuid,
    JsonPointer,
    RelativeJsonPointer,
    Regex,
}

/// Every standard format, in the order the docs list them.
pub const ALL: &[Format] = &[
    Format::DateTime,
    Format::Date,
    Format::Time,
    Format::Duration,
    Format::Email,
    Format::IdnEmail,
    Format::Hostname,
    Format::IdnHostname,
    Format::Ipv4,
    Format::Ipv6,
    Format::Uri,
    Format::UriReference,
    Format::Iri,
    Format::IriReference,
    Format::UriTemplate,
    Format::Uuid,
    Format::JsonPointer,
    Format::RelativeJsonPointer,
    Format::Regex,
];

impl Format {
    /// The format called `name` (`None` for unknown formats, which only annotate).
    pub fn parse(name: &str) -> Option<Format> {
        ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The format called `name` if `draft` defines it: a format from a later draft only
    /// annotates (`json-pointer` under draft 4), as the independent validator reads it (a
    /// fuzzer finding: a draft-4 `oneOf` branch told apart from another by `json-pointer`).
    pub fn parse_in(name: &str, draft: crate::schema::doc::Draft) -> Option<Format> {
        use crate::schema::doc::Draft;
        let f = Format::parse(name)?;
        let since = match f {
            Format::JsonPointer | Format::UriReference | Format::UriTemplate => Draft::D6,
            Format::IdnHostname
            | Format::Iri
            | Format::IriReference
            | Format::RelativeJsonPointer => Draft::D7,
            Format::Duration | Format::Uuid => Draft::D2019,
            _ => Draft::D4,
        };
        (draft >= since).then_some(f)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Duration => "duration",
            Format::Email => "email",
            Format::IdnEmail => "idn-email",
            Format::Hostname => "hostname",
            Format::IdnHostname => "idn-hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriReference => "uri-reference",
            Format::Iri => "iri",
            Format::IriReference => "iri-reference",
            Format::UriTemplate => "uri-template",
            Format::Uuid => "uuid",
            Format::JsonPointer => "json-pointer",
            Format::RelativeJsonPointer => "relative-json-pointer",
            Format::Regex => "regex",
        }
    }
}

/// Whether `s` is a valid `f`.
pub fn check(f: Format, s: &str) -> bool {
    match f {
        Format::DateTime => date_time(s),
        Format::Date => date(s),
        Format::Time => time(s),
        Format::Duration => duration(s),
        Format::Email => email(s, false),
        Format::IdnEmail => email(s, true),
        Format::Hostname => hostname(s, false),
        Format::IdnHostname => hostname(s, true),
        Format::Ipv4 => ipv4(s),
        Format::Ipv6 => ipv6(s),
        Format::Uri => uri(s, false, false),
        Format::UriReference => uri(s, true, false),
        Format::Iri => uri(s, false, true),
        Format::IriReference => uri(s, true, true),
        Format::UriTemplate => uri_template(s),
        Format::Uuid => uuid(s),
        Format::JsonPointer => json_pointer(s),
        Format::RelativeJsonPointer => relative_json_pointer(s),
        Format::Regex => crate::regex::Regex::new(s).is_ok(),
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (
        digits(&s[0..4], 4),
        digits(&s[5..7], 2),
        digits(&s[8..10], 2),
    ) {
        (Some(y), Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
        _ => false,
    }
}

fn time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        digits(&s[0..2], 2),
        digits(&s[3..5], 2),
        digits(&s[6..8], 2),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" => true,
        off if off.len() == 6
            && matches!(off.as_bytes()[0], b'+' | b'-')
            && off.as_bytes()[3] == b':' =>
        {
            matches!((digits(&off[1..3], 2), digits(&off[4..6], 2)), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

fn date_time(s: &str) -> bool {
    s.len() > 11
        && matches!(s.as_bytes()[10], b'T' | b't' | b' ')
        && s.is_char_boundary(10)
        && s.as_bytes()[10] != b' '
        && date(&s[..10])
        && time(&s[11..])
}

fn duration(s: &str) -> bool {
    let Some(body) = s.strip_prefix('P') else {
        return false;
    };
    if body.is_empty() {
        return false;
    }
    let (date_part, time_part) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let units = |part: &str, allowed: &str| -> Option<usize> {
        let mut order = 0;
        let mut count = 0;
        let mut num = 0;
        for c in part.chars() {
            if c.is_ascii_digit() {
                num += 1;
                continue;
            }
            let pos = allowed.find(c)? + 1;
            if num == 0 || pos <= order {
                return None;
            }
            order = pos;
            num = 0;
            count += 1;
        }
        (num == 0).then_some(count)
    };
    if date_part.contains('W') {
        return time_part.is_none() && units(date_part, "W") == Some(1);
    }
    let Some(d) = units(date_part, "YMD") else {
        return false;
    };
    match time_part {
        None => d > 0,
        Some(t) => units(t, "HMS").is_some_and(|n| n > 0),
    }
}

fn email(s: &str, idn: bool) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 {
        return false;
    }
    let local_ok = if local.starts_with('"') && local.ends_with('"') && local.len() >= 2 {
        true
    } else {
        !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || "!#$%&'*+-/=?^_`{|}~.".contains(c)
                    || (idn && !c.is_ascii())
            })
    };
    if !local_ok {
        return false;
    }
    if let Some(lit) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return ipv4(lit) || lit.strip_prefix("IPv6:").is_some_and(ipv6);
    }
    hostname(domain, idn)
}

fn hostname(s: &str, idn: bool) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    s.split('.').all(|label| {
        let n = label.chars().count();
        (1..=63).contains(&n)
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || (idn && c.is_alphanumeric()))
    })
}

fn ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

fn ipv6(s: &str) -> bool {
    if s.contains('%') {
        return false;
    }
    let (head, tail, compressed) = match s.split_once("::") {
        Some((h, t)) => {
            if t.contains("::") {
                return false;
            }
            (h, t, true)
        }
        None => (s, "", false),
    };
    let groups = |part: &str| -> Option<(usize, bool)> {
        if part.is_empty() {
            return Some((0, false));
        }
        let pieces: Vec<&str> = part.split(':').collect();
        let mut n = 0;
        for (i, p) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && p.contains('.') {
                return ipv4(p).then_some((n + 2, true));
            }
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            n += 1;
        }
        Some((n, false))
    };
    let Some((h, h4)) = groups(head) else {
        return false;
    };
    let Some((t, _)) = groups(tail) else {
        return false;
    };
    if h4 && (compressed || !tail.is_empty()) {
        return false;
    }
    if compressed {
        h + t <= 7
    } else {
        h == 8
    }
}

fn uri_char(c: char, iri: bool) -> bool {
    c.is_ascii_alphanumeric()
        || "-._~!$&'()*+,;=:@/?#[]%".contains(c)
        || (iri && !c.is_ascii() && !c.is_control() && !c.is_whitespace())
}

fn uri(s: &str, reference: bool, iri: bool) -> bool {
    if !s.chars().all(|c| uri_char(c, iri)) {
        return false;
    }
    // Percent signs must start an escape.
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
        {
            return false;
        }
    }
    if s.matches('#').count() > 1 {
        return false;
    }
    let scheme_end = s.find(':');
    let has_scheme = scheme_end.is_some_and(|i| {
        i > 0
            && s[..i].starts_with(|c: char| c.is_ascii_alphabetic())
            && s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !has_scheme {
        if !reference {
            return false;
        }
        // A relative reference: its first segment must not contain ':'.
        let first = s.split(['/', '?', '#']).next().unwrap_or("");
        return !first.contains(':');
    }
    let rest = &s[scheme_end.unwrap_or(0) + 1..];
    if let Some(auth) = rest.strip_prefix("//") {
        let authority = auth.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.starts_with('[') {
            return host.find(']').is_some_and(|i| {
                let port = &host[i + 1..];
                (port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())))
                    && ipv6(&host[1..i])
            });
        }
        if host.matches(':').count() > 1 {
            return false;
        }
        if let Some((_, port)) = host.split_once(':') {
            return port.bytes().all(|b| b.is_ascii_digit());
        }
        return !host.contains(['[', ']']);
    }
    !rest.contains(['[', ']'])
}

fn uri_template(s: &str) -> bool {
    let mut in_expr = false;
    let mut expr = String::new();
    for c in s.chars() {
        match (c, in_expr) {
            ('{', false) => {
                in_expr = true;
                expr.clear();
            }
            ('{', true) | ('}', false) => return false,
            ('}', true) => {
                let body = expr.trim_start_matches([
                    '+', '#', '.', '/', ';', '?', '&', '=', ',', '!', '@', '|',
                ]);
                if body.is_empty()
                    || !body.split(',').all(|v| {
                        let v = v.strip_suffix('*').unwrap_or(v);
                        let name = v.split(':').next().unwrap_or("");
                        !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "_.%".contains(c))
                    })
                {
                    return false;
                }
                in_expr = false;
            }
            (c, true) => expr.push(c),
            (c, false) => {
                if c.is_control() || c == ' ' {
                    return false;
                }
            }
        }
    }
    !in_expr
}

fn uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn json_pointer(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if !s.starts_with('/') {
        return false;
    }
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

fn relative_json_pointer(s: &str) -> bool {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (n > 1 && s.starts_with('0')) {
        return false;
    }
    let rest = &s[n..];
    rest == "#" || json_pointer(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_formats() {
        let cases: &[(Format, &str, bool)] = &[
            (Format::DateTime, "2024-02-29T12:30:00Z", true),
            (Format::DateTime, "2023-02-29T12:30:00Z", false),
            (Format::DateTime, "2024-01-01T10:00:00.5+02:00", true),
            (Format::Time, "23:59:59Z", true),
            (Format::Time, "23:59:59", false),
            (Format::Duration, "P3Y6M4DT12H30M5S", true),
            (Format::Duration, "PT", false),
            (Format::Duration, "P2W", true),
            (Format::Email, "a.b+c@example.com", true),
            (Format::Email, "a..b@example.com", false),
            (Format::Hostname, "www.example.com", true),
            (Format::Hostname, "-bad.com", false),
            (Format::Ipv4, "192.168.0.1", true),
            (Format::Ipv4, "192.168.0.01", false),
            (Format::Ipv6, "2001:db8::1", true),
            (Format::Ipv6, "::ffff:192.0.2.1", true),
            (Format::Ipv6, "1:2:3", false),
            (Format::Uri, "https://example.com/a?b=c#d", true),
            (Format::Uri, "/relative", false),
            (Format::UriReference, "/relative", true),
            (Format::Iri, "https://exämple.com/ä", true),
            (
                Format::UriTemplate,
                "https://api.example.com/users/{id}{?page,limit}",
                true,
            ),
            (Format::UriTemplate, "/users/{id", false),
            (Format::Uuid, "123e4567-e89b-12d3-a456-426614174000", true),
            (Format::JsonPointer, "/a/b~1c", true),
            (Format::JsonPointer, "/a~2", false),
            (Format::RelativeJsonPointer, "1/a", true),
            (Format::RelativeJsonPointer, "01/a", false),
            (Format::Regex, "^[a-z]+$", true),
            (Format::Regex, "(", false),
        ];
        for (f, s, ok) in cases {
            assert_eq!(check(*f, s), *ok, "{} {s:?}", f.name());
        }
    }
}
