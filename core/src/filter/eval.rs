//! Evaluating a filter against a resource, with SCIM semantics (RFC 7644 §3.4.2.2).
//!
//! Attribute names match ignoring case. A path through a multi-valued attribute matches when any
//! value matches. Strings compare ignoring case unless the schema says the attribute is
//! `caseExact` (RFC 7643's default is case-insensitive, so a schema-less evaluation is too).
//! dateTime strings compare as instants (`2024-01-15T12:30:45-06:00` equals
//! `2024-01-15T18:30:45Z`); `eq null` means unassigned (absent, null or empty); `ne` is the
//! negation of `eq`. In lenient mode the strings "true"/"false" compare equal to booleans, as
//! Entra ID sends them.

use std::cmp::Ordering;

use serde_json::Value;

use super::{AttrPath, CompValue, CompareOp, Filter};
use crate::schema::{AttrType, Attribute, Attributes, ResourceType};

/// How to evaluate.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions<'s> {
    /// The resource's schema: gives `caseExact` and types. `None` evaluates schema-less.
    pub resource_type: Option<&'s ResourceType>,
    /// Compare the strings "true"/"false" equal to booleans.
    pub lenient: bool,
}

impl Default for EvalOptions<'_> {
    fn default() -> Self {
        EvalOptions { resource_type: None, lenient: true }
    }
}

/// Whether `resource` matches `filter`, schema-less and lenient.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    matches_with(filter, resource, &EvalOptions::default())
}

/// Whether `resource` matches `filter`.
pub fn matches_with(filter: &Filter, resource: &Value, options: &EvalOptions<'_>) -> bool {
    let scope = Scope { attrs: None, resource: options.resource_type };
    eval(filter, resource, scope, options)
}

/// Whether one value of a multi-valued attribute matches a value filter (`emails[type eq "work"]`),
/// with the attribute's sub-attributes as the schema (`None`: schema-less).
pub fn element_matches(filter: &Filter, element: &Value, sub_attributes: Option<&Attributes>, lenient: bool) -> bool {
    let options = EvalOptions { resource_type: None, lenient };
    let scope = Scope { attrs: sub_attributes, resource: None };
    match element {
        Value::Object(_) => eval(filter, element, scope, &options),
        // A value of a multi-valued simple attribute is addressed as `value`.
        other => eval(filter, &serde_json::json!({ "value": other }), scope, &options),
    }
}

/// What the paths of a (sub-)filter are relative to.
#[derive(Clone, Copy)]
struct Scope<'s> {
    /// Sub-attributes, inside a value filter.
    attrs: Option<&'s Attributes>,
    /// The resource type, at the top.
    resource: Option<&'s ResourceType>,
}

fn eval(filter: &Filter, ctx: &Value, scope: Scope<'_>, o: &EvalOptions<'_>) -> bool {
    match filter {
        Filter::And(operands) => operands.iter().all(|f| eval(f, ctx, scope, o)),
        Filter::Or(operands) => operands.iter().any(|f| eval(f, ctx, scope, o)),
        Filter::Not(f) => !eval(f, ctx, scope, o),
        Filter::Present(path) => {
            let (values, _) = resolve(path, ctx, scope);
            values.into_iter().any(assigned)
        }
        Filter::Compare { path, op, value } => {
            let (values, attr) = resolve(path, ctx, scope);
            let values: Vec<&Value> = values.into_iter().filter(|v| !v.is_null()).collect();
            let case_exact = attr.is_some_and(|a| a.case_exact);
            let date_time = attr.map(|a| a.ty == AttrType::DateTime);
            match op {
                CompareOp::Eq => equal(&values, value, case_exact, date_time, o.lenient),
                CompareOp::Ne => !equal(&values, value, case_exact, date_time, o.lenient),
                _ => values.iter().any(|v| compare(v, *op, value, case_exact, date_time)),
            }
        }
        Filter::ValuePath { path, filter } => {
            let (values, attr) = resolve(path, ctx, scope);
            let inner = Scope { attrs: attr.map(|a| &a.sub_attributes), resource: None };
            values.into_iter().any(|element| match element {
                // `schemas[value eq "…"]`: `value` stands for the element of a multi-valued string.
                Value::Object(_) => eval(filter, element, inner, o),
                _ => {
                    let wrapped = serde_json::json!({ "value": element });
                    eval(filter, &wrapped, inner, o)
                }
            })
        }
    }
}

fn assigned(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(assigned),
        Value::Object(m) => m.values().any(assigned),
        _ => true,
    }
}

fn get_ci<'v>(obj: &'v Value, key: &str) -> Option<&'v Value> {
    let m = obj.as_object()?;
    m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// The values a path names in `ctx` (multi-valued attributes flattened), and the attribute's
/// schema definition when known.
fn resolve<'v, 's>(path: &AttrPath, ctx: &'v Value, scope: Scope<'s>) -> (Vec<&'v Value>, Option<&'s Attribute>) {
    let mut container = ctx;
    let mut attrs = scope.attrs;
    if let Some(urn) = &path.urn {
        match get_ci(ctx, urn) {
            // An extension: its attributes live in the object named by its URN.
            Some(ext) => {
                container = ext;
                attrs = scope.resource.and_then(|rt| rt.extension(urn)).map(|s| &s.attributes);
            }
            // The core schema's URN (or an extension the resource lacks): top-level attributes.
            None => {
                if let Some(rt) = scope.resource {
                    if rt.core.id.eq_ignore_ascii_case(urn) {
                        attrs = Some(&rt.core.attributes);
                    } else {
                        return (Vec::new(), None);
                    }
                }
            }
        }
    } else if attrs.is_none() {
        attrs = scope.resource.map(|rt| &rt.core.attributes);
    }
    let mut attr = attrs.and_then(|a| a.find(&path.attr));
    if attr.is_none() && path.urn.is_none() {
        attr = scope.resource.and_then(|rt| rt.common.find(&path.attr));
    }
    let mut values = Vec::new();
    let Some(top) = get_ci(container, &path.attr) else { return (values, attr) };
    match &path.sub {
        None => flatten(top, &mut values),
        Some(sub) => {
            attr = attr.and_then(|a| a.sub_attribute(sub));
            match top {
                Value::Array(items) => {
                    for item in items {
                        if let Some(v) = get_ci(item, sub) {
                            flatten(v, &mut values);
                        }
                    }
                }
                other => {
                    if let Some(v) = get_ci(other, sub) {
                        flatten(v, &mut values);
                    }
                }
            }
        }
    }
    (values, attr)
}

fn flatten<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Array(items) => out.extend(items.iter()),
        other => out.push(other),
    }
}

/// A string as compared ignoring case: each character in lower case. Comparisons walk these
/// characters and stop at the first difference, so comparing a long filter literal with each of
/// 35,000 members costs what the members' own text does, not members × the literal's length.
fn lower(s: &str) -> impl DoubleEndedIterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The form a string takes when compared ignoring case (the key an index of values uses).
pub(crate) fn fold_key(s: &str) -> String {
    lower(s).collect()
}

/// Whether two strings are equal (ignoring case unless `case_exact`).
fn same_text(x: &str, s: &str, case_exact: bool) -> bool {
    x == s || (!case_exact && lower(x).eq(lower(s)))
}

/// Both strings as instants, when both are dateTimes and the attribute may be one. The
/// attribute's own value is read first: a filter literal is parsed only when that is a dateTime.
fn instants(x: &str, s: &str, date_time: Option<bool>) -> Option<((i64, u32), (i64, u32))> {
    if date_time == Some(false) {
        return None;
    }
    let a = instant(x)?;
    Some((a, instant(s)?))
}

fn equal(values: &[&Value], target: &CompValue, case_exact: bool, date_time: Option<bool>, lenient: bool) -> bool {
    match target {
        CompValue::Null => values.iter().all(|v| !assigned(v)),
        CompValue::Bool(b) => values.iter().any(|v| match v {
            Value::Bool(x) => x == b,
            Value::String(s) if lenient => s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
            _ => false,
        }),
        CompValue::Number(n) => values.iter().any(|v| match v {
            Value::Number(x) => x == n || x.as_f64().zip(n.as_f64()).is_some_and(|(a, b)| a == b),
            _ => false,
        }),
        CompValue::String(s) => values.iter().any(|v| match v {
            Value::String(x) => match instants(x, s, date_time) {
                Some((a, b)) => a == b,
                None => same_text(x, s, case_exact),
            },
            Value::Bool(x) if lenient => s.eq_ignore_ascii_case(if *x { "true" } else { "false" }),
            _ => false,
        }),
    }
}

fn compare(v: &Value, op: CompareOp, target: &CompValue, case_exact: bool, date_time: Option<bool>) -> bool {
    let ordering = |ord: Ordering| match op {
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        _ => false,
    };
    match (v, target) {
        (Value::String(x), CompValue::String(s)) if case_exact => match op {
            CompareOp::Co => x.contains(s.as_str()),
            CompareOp::Sw => x.starts_with(s.as_str()),
            CompareOp::Ew => x.ends_with(s.as_str()),
            _ => match instants(x, s, date_time) {
                Some((a, b)) => ordering(a.cmp(&b)),
                None => ordering(x.as_str().cmp(s.as_str())),
            },
        },
        (Value::String(x), CompValue::String(s)) => match op {
            // A lower-case character is at most 2 of the original's (İ), from at most 4 bytes:
            // a literal over 8 bytes per byte of the value cannot be inside it, and is not folded.
            CompareOp::Co => s.len() <= 8 * x.len() && fold_key(x).contains(&fold_key(s)),
            CompareOp::Sw => {
                let mut value = lower(x);
                lower(s).all(|c| value.next() == Some(c))
            }
            CompareOp::Ew => {
                let mut value = lower(x).rev();
                lower(s).rev().all(|c| value.next() == Some(c))
            }
            // Lexicographic order of characters is the order of the strings (UTF-8 keeps it).
            _ => match instants(x, s, date_time) {
                Some((a, b)) => ordering(a.cmp(&b)),
                None => ordering(lower(x).cmp(lower(s))),
            },
        },
        (Value::Number(x), CompValue::Number(n)) => {
            x.as_f64().zip(n.as_f64()).and_then(|(a, b)| a.partial_cmp(&b)).is_some_and(ordering)
        }
        (Value::Bool(x), CompValue::Bool(b)) => ordering(x.cmp(b)),
        _ => false,
    }
}

/// A dateTime as Unix seconds: xsd:dateTime with or without a zone (none is UTC), or for
/// filters on dates `YYYY-MM-DD` and `YYYY-MM`.
pub fn instant_of(s: &str) -> Option<f64> {
    instant(s).map(|(secs, nanos)| secs as f64 + f64::from(nanos) / 1e9)
}

/// A dateTime as (seconds since 1970-01-01T00:00:00Z, nanoseconds). Accepts xsd:dateTime with
/// or without a zone (no zone is UTC) and, for filters on dates, `YYYY-MM-DD` and `YYYY-MM`.
pub(crate) fn instant(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 7 || b[4] != b'-' {
        return None;
    }
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = if b.len() >= 10 && b[7] == b'-' {
        num(8..10)?
    } else if b.len() == 7 {
        1
    } else {
        return None;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (mut secs, mut nanos, mut rest) = (0i64, 0u32, &s[b.len().min(10)..]);
    if let Some(time) = rest.strip_prefix(['T', 't']) {
        let tb = time.as_bytes();
        if tb.len() < 8 || tb[2] != b':' || tb[5] != b':' {
            return None;
        }
        let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 24 || m > 59 || sec > 60 {
            return None;
        }
        secs = h * 3600 + m * 60 + sec;
        rest = &time[8..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return None;
            }
            let scaled = format!("{:0<9}", &digits[..digits.len().min(9)]);
            nanos = scaled.parse().ok()?;
            rest = &frac[digits.len()..];
        }
        match rest.as_bytes() {
            [] | [b'Z' | b'z'] => {}
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digit = |c: &u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
                let offset = (digit(h1)? * 10 + digit(h2)?) * 3600 + (digit(m1)? * 10 + digit(m2)?) * 60;
                secs -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    } else if !rest.is_empty() {
        return None;
    }
    Some((days_from_civil(year, month, day) * 86_400 + secs, nanos))
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse;
    use serde_json::json;

    #[test]
    fn instants() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(instant("2024-01-15T12:30:45.123-06:00"), instant("2024-01-15T18:30:45.123Z"));
        assert!(instant("2021-08-05") < instant("2021-09"));
        assert_eq!(instant("not a date"), None);
    }

    #[test]
    fn scim_semantics() {
        let user = json!({
            "userName": "BJensen", "active": true, "id": "2819c223",
            "emails": [{"type": "work", "value": "bjensen@example.com", "primary": true}, {"type": "home", "value": "babs@jensen.org"}],
            "meta": {"lastModified": "2011-05-13T04:42:34Z"}
        });
        let rt = &crate::schema::RFC.user;
        let o = EvalOptions { resource_type: Some(rt), lenient: false };
        let m = |f: &str| matches_with(&parse(f).expect(f), &user, &o);
        assert!(m("username eq \"bjensen\""), "userName is not caseExact");
        assert!(!m("id eq \"2819C223\""), "id is caseExact");
        assert!(m("emails.value co \"jensen.org\""));
        assert!(m("emails[type eq \"work\" and primary eq true]"));
        assert!(!m("emails[type eq \"home\" and primary eq true]"));
        assert!(m("meta.lastModified gt \"2011-05-13T04:42:33Z\""));
        assert!(m("title eq null") && m("title ne \"x\"") && !m("title pr"));
        assert!(m("not (active eq false)"));
        assert!(!m("active eq \"True\""), "strict: a string is not a boolean");
        assert!(matches(&parse("active eq \"True\"").expect("f"), &user), "lenient: Entra's quoted boolean");
    }
}
