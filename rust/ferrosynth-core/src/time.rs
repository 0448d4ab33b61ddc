//! Calendar arithmetic without a clock: every time ferrosynth emits derives from an anchor
//! (Unix seconds) carried by the plan, never from the wall clock.

/// The default anchor: 2025-01-01T00:00:00Z.
pub const DEFAULT_ANCHOR: i64 = 1_735_689_600;

/// Seconds per day.
pub const DAY: i64 = 86_400;

/// `(year, month, day)` of a count of days since 1970-01-01 (proleptic Gregorian;
/// Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn push_2(out: &mut String, v: u32) {
    out.push(char::from(b'0' + (v / 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

fn push_year(out: &mut String, y: i64) {
    let y = y.clamp(0, 9999) as u32;
    push_2(out, y / 100);
    push_2(out, y % 100);
}

/// Appends `YYYY-MM-DD` (RFC 3339 `full-date`).
pub fn push_date(out: &mut String, unix_secs: i64) {
    let (y, m, d) = civil_from_days(unix_secs.div_euclid(DAY));
    push_year(out, y);
    out.push('-');
    push_2(out, m);
    out.push('-');
    push_2(out, d);
}

/// Appends `HH:MM:SS`.
pub fn push_time(out: &mut String, unix_secs: i64) {
    let s = unix_secs.rem_euclid(DAY) as u32;
    push_2(out, s / 3600);
    out.push(':');
    push_2(out, s / 60 % 60);
    out.push(':');
    push_2(out, s % 60);
}

/// Appends `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 `date-time`, UTC).
pub fn push_datetime(out: &mut String, unix_secs: i64) {
    push_date(out, unix_secs);
    out.push('T');
    push_time(out, unix_secs);
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(secs: i64) -> String {
        let mut s = String::new();
        push_datetime(&mut s, secs);
        s
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(dt(0), "1970-01-01T00:00:00Z");
        assert_eq!(dt(DEFAULT_ANCHOR), "2025-01-01T00:00:00Z");
        assert_eq!(dt(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(dt(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(dt(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn civil_round_trips_every_day_of_four_centuries() {
        let mut prev = civil_from_days(-1);
        for day in 0..146_097 {
            let cur = civil_from_days(day);
            assert!(cur > prev, "{cur:?} after {prev:?}");
            prev = cur;
        }
    }
}
