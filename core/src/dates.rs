//! Dates as SCIM writes them: xsd:dateTime with a time zone (RFC 7643 §2.3.5).

/// Whether `s` is an xsd:dateTime with a time zone (RFC 7643 §2.3.5), e.g.
/// `2008-01-23T04:56:22Z` or `2024-01-15T12:30:45.123-06:00`.
pub fn is_xsd_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let year_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_len < 4 {
        return false;
    }
    let d = year_len;
    let fixed = digits(d + 1..d + 3)
        && digits(d + 4..d + 6)
        && digits(d + 7..d + 9)
        && digits(d + 10..d + 12)
        && digits(d + 13..d + 15)
        && b.get(d) == Some(&b'-')
        && b.get(d + 3) == Some(&b'-')
        && matches!(b.get(d + 6), Some(b'T' | b't'))
        && b.get(d + 9) == Some(&b':')
        && b.get(d + 12) == Some(&b':');
    if !fixed {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok()).unwrap_or(99);
    if !(1..=12).contains(&num(d + 1..d + 3))
        || !(1..=31).contains(&num(d + 4..d + 6))
        || num(d + 7..d + 9) > 24
        || num(d + 10..d + 12) > 59
        || num(d + 13..d + 15) > 60
    {
        return false;
    }
    let mut rest = &s[d + 15..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_xsd_datetime;

    #[test]
    fn datetimes() {
        for ok in ["2008-01-23T04:56:22Z", "2024-01-15T12:30:45.123-06:00", "2011-05-13T04:42:34+00:00"] {
            assert!(is_xsd_datetime(ok), "{ok}");
        }
        for bad in [
            "yesterday",
            "2008-01-23",
            "2008-01-23T04:56:22",
            "2008-13-23T04:56:22Z",
            "2008-01-23T04:56:22.Z",
            "2008-01-23 04:56:22Z",
        ] {
            assert!(!is_xsd_datetime(bad), "{bad}");
        }
    }
}
