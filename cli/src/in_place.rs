//! Checking an NDJSON envelope's body where it lies in its line, for `atlscim check
//! --summary-only`.
//!
//! Reading an envelope as [`crate::envelope::Envelope`] finds where its body ends (a scan of every
//! byte of it) and the check then reads the body again: a fifth of a whole-export check went to
//! the first reading. Here the line is read once and the body is handed to the batch as it is
//! met. Only the plain, common envelope is read so: `method` and `path` before `body`, a POST or
//! PUT, a JSON object for the body read to its end, no `current`, each member once, a line no
//! longer than `limits.max_body_bytes` (so the size limit cannot tell the two readings apart).
//! For anything else, including an envelope or body this reading finds wrong, [`check`] gives
//! `None` before the batch has counted anything, and the caller reads the envelope as before: the
//! reports, the summary and the errors are the same either way (the tests below compare them over
//! 21 kinds of envelope, under both profiles).

use std::borrow::Cow;
use std::fmt;

use atlscim_core::{Batch, Pending, Report};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};

/// Checks the envelope on `line` as the next request of `batch`, when it is the plain kind.
pub fn check(line: &str, batch: &mut Batch<'_>) -> Option<Report> {
    if line.len() > batch.profile().limits().max_body_bytes {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let (method, path, pending) = Envelope { batch, line_len: line.len() }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(batch.count_pending(&method, &path, None, pending))
}

/// The envelope's members, `description` read only to be checked as the envelope type does.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Member {
    Method,
    Path,
    Body,
    Current,
    Description,
}

/// A string member, borrowed from the line when it has no escapes.
#[derive(serde::Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

/// Why the line is left to the envelope reader.
const NOT_PLAIN: &str = "not the plain envelope";

struct Envelope<'b, 'p> {
    batch: &'b Batch<'p>,
    /// The body's text is no longer than its line.
    line_len: usize,
}

impl<'de> DeserializeSeed<'de> for Envelope<'_, '_> {
    type Value = (Cow<'de, str>, Cow<'de, str>, Pending);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Envelope<'_, '_> {
    type Value = (Cow<'de, str>, Cow<'de, str>, Pending);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut method, mut path, mut pending, mut described) = (None, None, None, false);
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Method if method.is_none() => method = Some(map.next_value::<Text<'de>>()?.0),
                Member::Path if path.is_none() => path = Some(map.next_value::<Text<'de>>()?.0),
                Member::Description if !described => {
                    described = true;
                    map.next_value::<Option<IgnoredString>>()?;
                }
                Member::Body if pending.is_none() => {
                    let (Some(method), Some(path)) = (method.as_deref(), path.as_deref()) else {
                        return Err(A::Error::custom(NOT_PLAIN));
                    };
                    if method != "POST" && method != "PUT" {
                        return Err(A::Error::custom(NOT_PLAIN));
                    }
                    pending = Some(map.next_value_seed(Body {
                        batch: self.batch,
                        method,
                        path,
                        text_at_most: self.line_len,
                    })?);
                }
                // `current` (which the check needs before the body), or a member given twice.
                _ => return Err(A::Error::custom(NOT_PLAIN)),
            }
        }
        match (method, path, pending) {
            (Some(method), Some(path), Some(pending)) => Ok((method, path, pending)),
            _ => Err(A::Error::custom(NOT_PLAIN)),
        }
    }
}

/// A `description`: a string, read without keeping it.
struct IgnoredString;

impl<'de> serde::Deserialize<'de> for IgnoredString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(IgnoredString)
    }
}

impl<'de> Visitor<'de> for IgnoredString {
    type Value = IgnoredString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<IgnoredString, E> {
        Ok(IgnoredString)
    }
}

/// The body: checked by the batch's profile as it is read, when it is a JSON object read to its
/// end.
struct Body<'b, 'p, 'm> {
    batch: &'b Batch<'p>,
    method: &'m str,
    path: &'m str,
    text_at_most: usize,
}

impl<'de> DeserializeSeed<'de> for Body<'_, '_, '_> {
    type Value = Pending;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Pending, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Body<'_, '_, '_> {
    type Value = Pending;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Pending, A::Error> {
        let pending = self.batch.check_pending(
            self.method,
            self.path,
            MapAccessDeserializer::new(map),
            None,
            Some(self.text_at_most),
        );
        // A body the check could not read (broken JSON, too deep) is left to the envelope reader,
        // whose error or report is the one to give.
        if pending.report().readable() { Ok(pending) } else { Err(A::Error::custom(NOT_PLAIN)) }
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::envelope::Source;
    use atlscim_core::{Batch, Profile};

    const USER: &str = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com","emails":[{"primary":true,"value":"a@example.com"}],"name":{"givenName":"A","familyName":"B"},"displayName":"A B","nickName":"dropped"}"#;

    /// Envelope lines, each with whether it is the plain kind checked in place. Together they
    /// also run the batch rules (the same userName again, a deleted user) across both readings.
    fn lines() -> Vec<(String, bool)> {
        let user = |name: &str| USER.replace("a@example.com", name);
        let deep = format!("{{\"userName\":\"deep@example.com\",\"x\":{}{}}}", "[".repeat(130), "]".repeat(130));
        vec![
            (format!(r#"{{"method":"POST","path":"/Users","body":{USER}}}"#), true),
            // The same userName again: ATL-U-007 from the batch, whichever reading counted the first.
            (format!(r#"{{"method":"POST","path":"/Users","body":{USER}}}"#), true),
            (format!(r#"{{"body":{},"method":"POST","path":"/Users"}}"#, user("b@example.com")), false),
            (format!(r#"{{"body":{},"method":"POST","path":"/Users"}}"#, user("b@example.com")), false),
            (format!(r#"{{"method":"POST","path":"/Users","body":{}}}"#, user("b@example.com")), true),
            (format!(r#"{{"method":"PUT","path":"/Users/1","body":{},"current":{}}}"#, user("c@example.com"), user("d@example.com")), false),
            (format!(r#"{{"method":"PUT","path":"/Users/1","current":{},"body":{}}}"#, user("d@example.com"), user("c@example.com")), false),
            (format!(r#"{{"method":"PUT","path":"/Users/1","body":{}}}"#, user("e@example.com")), true),
            // Escaped member names and values are read the same way by both.
            (format!(r#"{{"m\u0065thod":"P\u004fST","path":"/Users","b\u006fdy":{},"description":"\u00e9"}}"#, user("f@example.com")), true),
            (format!(r#"{{"description":null,"method":"POST","path":"/Users","body":{}}}"#, user("g@example.com")), true),
            (r#"{"method":"POST","path":"/Users","body":"{\"userName\": \"text@example.com\"}"}"#.to_string(), false),
            (r#"{"method":"POST","path":"/Users","body":null}"#.to_string(), false),
            (r#"{"method":"POST","path":"/Users","body":[1]}"#.to_string(), false),
            (r#"{"method":"POST","path":"/Users"}"#.to_string(), false),
            (r#"{"method":"PATCH","path":"/Users/1","body":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}}"#.to_string(), false),
            (r#"{"method":"DELETE","path":"/Users/1"}"#.to_string(), false),
            // A request for the user the batch just deleted: ATL-U-023.
            (format!(r#"{{"method":"PUT","path":"/Users/1","body":{}}}"#, user("h@example.com")), true),
            (format!(r#"{{"method":"post","path":"/Users","body":{}}}"#, user("i@example.com")), false),
            (format!(r#"{{"method":"POST","path":"/Nope","body":{}}}"#, user("j@example.com")), false),
            // Past serde_json's nesting limit inside the envelope, not inside the body alone.
            (format!(r#"{{"method":"POST","path":"/Users","body":{deep}}}"#), false),
            (format!(r#"{{"method":"POST","path":"/Users","body":{}}}"#, user("nested\\\"quote@example.com")), true),
        ]
    }

    /// The envelope's own reading, as `check` without --summary-only does it.
    fn as_before(batch: &mut Batch<'_>, line: &str) -> String {
        let Ok(envelope) = Source::Stdin.envelope(Some(1), line) else { panic!("not an envelope: {line}") };
        batch.check(&envelope.request()).to_json(None)
    }

    #[test]
    fn plain_envelopes_are_checked_in_place_with_the_reports_of_the_envelope_reading() {
        for profile in [Profile::atlassian(), Profile::rfc()] {
            let (mut in_place, mut before) = (Batch::new(&profile), Batch::new(&profile));
            for (i, (line, plain)) in lines().iter().enumerate() {
                let expected = as_before(&mut before, line);
                let got = match check(line, &mut in_place) {
                    Some(report) => {
                        assert!(plain, "line {i} is not the plain kind, yet was checked in place: {line}");
                        report.to_json(None)
                    }
                    None => {
                        assert!(!plain, "line {i} is the plain kind, yet was left to the envelope reader: {line}");
                        as_before(&mut in_place, line)
                    }
                };
                assert_eq!(got, expected, "line {i}: {line}");
            }
            assert_eq!(in_place.summary(), before.summary());
            assert!(
                before.summary().by_rule.contains_key("ATL-U-007")
                    || profile.kind() != atlscim_core::ProfileKind::Atlassian
            );
        }
    }

    #[test]
    fn a_line_longer_than_the_body_limit_is_left_to_the_envelope_reader() {
        let line = format!(r#"{{"method":"POST","path":"/Users","body":{USER}}}"#);
        let config = format!(r#"{{"limits":{{"max_body_bytes":{}}}}}"#, line.len() - 1);
        let profile = Profile::from_config_json(&config).expect("config");
        assert!(check(&line, &mut Batch::new(&profile)).is_none());
        let config = format!(r#"{{"limits":{{"max_body_bytes":{}}}}}"#, line.len());
        let profile = Profile::from_config_json(&config).expect("config");
        assert!(check(&line, &mut Batch::new(&profile)).is_some());
    }

    #[test]
    fn envelopes_the_reading_finds_wrong_count_nothing_and_go_to_the_envelope_reader() {
        let profile = Profile::atlassian();
        let mut batch = Batch::new(&profile);
        for line in [
            r#"{"method":"POST","path":"/Users","body":{"userName":}}"#.to_string(),
            format!(r#"{{"method":"POST","path":"/Users","body":{USER},"extra":1}}"#),
            format!(r#"{{"method":"POST","path":"/Users","body":{USER},"body":{USER}}}"#),
            format!(r#"{{"method":"POST","path":"/Users","body":{USER},"description":5}}"#),
            format!(r#"{{"method":"POST","path":"/Users","body":{USER}}} trailing"#),
            format!(r#"{{"method":"POST","path":"/Users","body":{USER}"#),
        ] {
            assert!(check(&line, &mut batch).is_none(), "{line}");
            assert!(Source::Stdin.envelope(Some(1), &line).is_err(), "the envelope reader gives the error: {line}");
        }
        assert_eq!(batch.summary().requests, 0);
    }
}
