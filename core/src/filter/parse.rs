//! The filter parser: hand-written recursive descent over the RFC 7644 §3.4.2.2 grammar.
//!
//! Precedence, from loosest: `or`, `and`, then `not (…)`, `(…)` and attribute expressions.
//! A chain of one operator is one node with all its operands (`a and b and c` is
//! `And[a, b, c]`), so a long chain costs no stack. Limits on length, nesting depth (at most
//! [`MAX_FILTER_DEPTH_CEILING`]) and number of terms are checked while parsing, so a hostile filter
//! costs at most linear time and bounded stack.

use std::fmt;

use serde_json::Number;

use super::{AttrPath, CompValue, CompareOp, Filter};

/// The deepest nesting [`FilterLimits::max_depth`] may allow: a filter nested this deep parses,
/// prints, converts to JSON, evaluates and drops within a 1 MiB stack, with room to spare, in an
/// unoptimized build (each level of parentheses costs the parser four calls). A larger
/// `max_depth` acts as this one; a config asking for more is refused.
pub const MAX_FILTER_DEPTH_CEILING: usize = 64;

/// Limits and leniency for parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterLimits {
    /// Longest filter accepted, in characters (default 4096). It limits the text as received:
    /// the canonical print of an accepted filter can be longer (control characters in strings
    /// are printed escaped, `\n` for a newline), so a stored canonical form needs the same room.
    pub max_length: usize,
    /// Deepest nesting of parentheses, `not` and value filters (default 32, at most
    /// [`MAX_FILTER_DEPTH_CEILING`]: a larger value acts as the ceiling).
    pub max_depth: usize,
    /// Most attribute expressions in one filter (default 256). It bounds time, not stack: a chain
    /// of `and` or `or` is one node however long, so it needs no ceiling.
    pub max_terms: usize,
    /// Accept what identity providers send outside the grammar (see the module docs of
    /// [`crate::filter`]). Default true.
    pub lenient: bool,
}

impl Default for FilterLimits {
    fn default() -> FilterLimits {
        FilterLimits { max_length: 4096, max_depth: 32, max_terms: 256, lenient: true }
    }
}

/// Why a filter did not parse: where, what was expected there, and what was found.
/// Servers answer it with 400 and scimType `invalidFilter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub(crate) offset: usize,
    pub(crate) expected: String,
    pub(crate) found: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter at character {}: expected {}, found {}", self.offset, self.expected, self.found)
    }
}

impl std::error::Error for FilterError {}

impl FilterError {
    /// Character offset (not byte offset) into the filter text where parsing stopped.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What the parser expected there, e.g. `an operator`.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What it found instead, e.g. `"eqq"` or `the end of the filter`.
    pub fn found(&self) -> &str {
        &self.found
    }

    /// The rule a filter that does not parse breaks (RFC-F-001: status 400, scimType invalidFilter).
    pub fn rule(&self) -> &'static crate::rules::Rule {
        &crate::rules::RFC_F_001
    }
}

/// Parses a filter with the default limits, leniently.
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    parse_with(text, &FilterLimits::default())
}

/// Parses a filter with the given limits.
pub fn parse_with(text: &str, limits: &FilterLimits) -> Result<Filter, FilterError> {
    within_length(text, "a filter", limits)?;
    let mut p = Parser { text, pos: 0, limits, depth: 0, terms: 0, in_value_filter: false };
    if limits.lenient {
        p.skip_ws();
    }
    if p.at_end() {
        return Err(p.error("a filter"));
    }
    let filter = p.or_expr()?;
    if limits.lenient {
        p.skip_ws();
    }
    if !p.at_end() {
        return Err(p.error("\"and\", \"or\" or the end of the filter"));
    }
    Ok(filter)
}

/// `max_length` holds for any text holding a filter: a filter, or a PATCH path with a value filter
/// (whose literals are compared with every value of the attribute).
fn within_length(text: &str, what: &str, limits: &FilterLimits) -> Result<(), FilterError> {
    // Counting characters is needed only when the bytes could exceed the limit.
    if text.len() <= limits.max_length {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > limits.max_length {
        return Err(FilterError {
            offset: limits.max_length,
            expected: format!("{what} of at most {} characters (limits.max_filter_length)", limits.max_length),
            found: format!("{chars} characters"),
        });
    }
    Ok(())
}

/// A PATCH path (RFC 7644 §3.5.2 `PATH = attrPath / valuePath [subAttr]`) as parsed, before any
/// schema check: the attribute path, the value filter, and the sub-attribute after the filter.
pub(crate) fn parse_patch_path(
    text: &str,
    limits: &FilterLimits,
) -> Result<(AttrPath, Option<Filter>, Option<String>), FilterError> {
    within_length(text, "a path", limits)?;
    let mut p = Parser { text, pos: 0, limits, depth: 0, terms: 0, in_value_filter: false };
    if p.at_end() {
        return Err(p.error("an attribute path"));
    }
    let path = p.attr_path()?;
    let mut filter = None;
    let mut sub = None;
    if p.peek() == Some(b'[') {
        if path.sub.is_some() {
            return Err(p.error("a value filter on the attribute, not on a sub-attribute"));
        }
        p.pos += 1;
        p.enter()?;
        p.in_value_filter = true;
        let inner = p.or_expr()?;
        p.in_value_filter = false;
        if p.peek() != Some(b']') {
            return Err(p.error("\"]\""));
        }
        p.pos += 1;
        filter = Some(inner);
        if p.peek() == Some(b'.') {
            p.pos += 1;
            sub = Some(p.name("a sub-attribute name after \"].\"")?);
        }
    }
    if !p.at_end() {
        return Err(p.error("the end of the path"));
    }
    Ok((path, filter, sub))
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset.
    pos: usize,
    limits: &'a FilterLimits,
    depth: usize,
    terms: usize,
    in_value_filter: bool,
}

type PResult<T> = std::result::Result<T, FilterError>;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_delimiter(b: u8) -> bool {
    is_ws(b) || matches!(b, b'[' | b']' | b'(' | b')' | b'"')
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn error(&self, expected: &str) -> FilterError {
        let offset = self.text[..self.pos].chars().count();
        let rest = self.rest();
        let found = if rest.is_empty() {
            "the end of the filter".to_string()
        } else {
            let token: String = match rest.as_bytes()[0] {
                b if is_delimiter(b) => rest.chars().take(1).collect(),
                _ => rest.chars().take_while(|c| !c.is_ascii() || !is_delimiter(*c as u8)).take(40).collect(),
            };
            format!("{token:?}")
        };
        FilterError { offset, expected: expected.to_string(), found }
    }

    /// Skips whitespace; returns how many bytes were skipped.
    fn skip_ws(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// One space as the grammar requires (any run of whitespace in lenient mode).
    fn space(&mut self) -> bool {
        if self.limits.lenient {
            return self.skip_ws() > 0;
        }
        if self.peek() == Some(b' ') {
            self.pos += 1;
            return true;
        }
        false
    }

    /// Consumes `word` (ignoring ASCII case) if it comes next and is followed by a delimiter.
    fn word(&mut self, word: &str) -> bool {
        let rest = self.rest().as_bytes();
        if rest.len() >= word.len()
            && rest[..word.len()].eq_ignore_ascii_case(word.as_bytes())
            && rest.get(word.len()).is_none_or(|b| is_delimiter(*b))
        {
            self.pos += word.len();
            return true;
        }
        false
    }

    /// One level deeper (a parenthesis, `not (` or a value filter): each costs the parser a few
    /// nested calls, so the depth is what bounds its stack.
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        let max = self.limits.max_depth.min(MAX_FILTER_DEPTH_CEILING);
        if self.depth > max {
            return Err(self.error(&format!("nesting at most {max} levels deep (limits.max_filter_depth)")));
        }
        Ok(())
    }

    /// Tries ` op ` between operands: on success the operator is consumed, otherwise nothing is.
    /// An operator with nothing after it is an error here, so that it is reported as a missing
    /// operand rather than as an unexpected "and".
    fn binary(&mut self, op: &str) -> PResult<bool> {
        let save = self.pos;
        if self.space() && self.word(op) {
            if self.space() {
                return Ok(true);
            }
            if self.at_end() {
                return Err(self.error(&format!("a filter expression after \"{op}\"")));
            }
        }
        self.pos = save;
        Ok(false)
    }

    /// `a or b or …` as one node: a chain never deepens the tree (see [`Filter::Or`]).
    fn or_expr(&mut self) -> PResult<Filter> {
        let first = self.and_expr()?;
        if !self.binary("or")? {
            return Ok(first);
        }
        let mut operands = vec![first, self.and_expr()?];
        while self.binary("or")? {
            operands.push(self.and_expr()?);
        }
        Ok(Filter::Or(operands))
    }

    fn and_expr(&mut self) -> PResult<Filter> {
        let first = self.unary()?;
        if !self.binary("and")? {
            return Ok(first);
        }
        let mut operands = vec![first, self.unary()?];
        while self.binary("and")? {
            operands.push(self.unary()?);
        }
        Ok(Filter::And(operands))
    }

    fn unary(&mut self) -> PResult<Filter> {
        // `not` is a keyword only before "(": an attribute may be called "not".
        let save = self.pos;
        if self.word("not") {
            self.skip_ws();
            if self.peek() == Some(b'(') {
                let inner = self.group()?;
                return Ok(Filter::Not(Box::new(inner)));
            }
            self.pos = save;
        }
        if self.peek() == Some(b'(') {
            return self.group();
        }
        self.attr_expr()
    }

    /// `( filter )`
    fn group(&mut self) -> PResult<Filter> {
        self.pos += 1; // "("
        self.enter()?;
        if self.limits.lenient {
            self.skip_ws();
        }
        let inner = self.or_expr()?;
        if self.limits.lenient {
            self.skip_ws();
        }
        if self.peek() != Some(b')') {
            return Err(self.error("\")\""));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(inner)
    }

    fn attr_expr(&mut self) -> PResult<Filter> {
        let path = self.attr_path()?;
        if self.peek() == Some(b'[') {
            if self.in_value_filter {
                return Err(self.error("a comparison: value filters cannot nest"));
            }
            self.pos += 1;
            self.enter()?;
            self.in_value_filter = true;
            if self.limits.lenient {
                self.skip_ws();
            }
            let inner = self.or_expr()?;
            if self.limits.lenient {
                self.skip_ws();
            }
            self.in_value_filter = false;
            if self.peek() != Some(b']') {
                return Err(self.error("\"]\""));
            }
            self.pos += 1;
            self.depth -= 1;
            if self.peek() == Some(b'.') && self.limits.lenient {
                // Entra ID: `emails[type eq "work"].value eq "x"` means the same value matches both.
                self.pos += 1;
                let sub = self.name("a sub-attribute name after \"].\"")?;
                let term = self.operation(AttrPath { urn: None, attr: sub, sub: None })?;
                return Ok(Filter::ValuePath { path, filter: Box::new(Filter::and(inner, term)) });
            }
            return Ok(Filter::ValuePath { path, filter: Box::new(inner) });
        }
        self.operation(path)
    }

    /// ` pr` or ` op value` after an attribute path.
    fn operation(&mut self, path: AttrPath) -> PResult<Filter> {
        if !self.space() {
            return Err(self.error("a space and an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"));
        }
        self.terms += 1;
        if self.terms > self.limits.max_terms {
            return Err(self.error(&format!("at most {} terms (limits.max_filter_terms)", self.limits.max_terms)));
        }
        if self.word("pr") {
            return Ok(Filter::Present(path));
        }
        let start = self.pos;
        while self.peek().is_some_and(|b| !is_delimiter(b)) {
            self.pos += 1;
        }
        let Some(op) = CompareOp::parse(&self.text[start..self.pos]) else {
            self.pos = start;
            return Err(self.error("an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"));
        };
        let spaced = self.space();
        let quote_follows = self.limits.lenient && self.peek() == Some(b'"');
        if !(spaced || quote_follows) {
            return Err(self.error("a space and a value"));
        }
        let value = self.comp_value()?;
        Ok(Filter::Compare { path, op, value })
    }

    fn comp_value(&mut self) -> PResult<CompValue> {
        match self.peek() {
            Some(b'"') => self.string().map(CompValue::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(CompValue::Number),
            _ => {
                for (word, value) in
                    [("true", CompValue::Bool(true)), ("false", CompValue::Bool(false)), ("null", CompValue::Null)]
                {
                    if self.word(word) {
                        return Ok(value);
                    }
                }
                Err(self.error("a value: a quoted string, a number, true, false or null"))
            }
        }
    }

    fn string(&mut self) -> PResult<String> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        loop {
            match bytes.get(i) {
                None => {
                    self.pos = start;
                    return Err(self.error("a closing quote"));
                }
                Some(b'\\') => i += 2,
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        let literal = &self.text[start..=i];
        // JSON string rules (RFC 8259 escapes); raw line breaks are tolerated in lenient mode.
        let decoded = if self.limits.lenient && literal.bytes().any(|b| b < 0x20) {
            let escaped = literal.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
            serde_json::from_str::<String>(&escaped)
        } else {
            serde_json::from_str::<String>(literal)
        };
        match decoded {
            Ok(s) => {
                self.pos = i + 1;
                self.end_of_value()?;
                Ok(s)
            }
            Err(e) => {
                self.pos = start;
                Err(self.error(&format!("a JSON string ({e})")))
            }
        }
    }

    fn number(&mut self) -> PResult<Number> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.pos += 1;
        }
        match serde_json::from_str::<Number>(&self.text[start..self.pos]) {
            Ok(n) => {
                self.end_of_value()?;
                Ok(n)
            }
            Err(_) => {
                self.pos = start;
                Err(self.error("a JSON number"))
            }
        }
    }

    fn end_of_value(&self) -> PResult<()> {
        match self.peek() {
            None => Ok(()),
            Some(b) if is_ws(b) || b == b')' || b == b']' => Ok(()),
            Some(_) => Err(self.error("a space, \")\", \"]\" or the end after the value")),
        }
    }

    /// An attribute name: ALPHA *(ALPHA / DIGIT / "-" / "_"), or `$ref`.
    fn name(&mut self, expected: &str) -> PResult<String> {
        let rest = self.rest().as_bytes();
        let len = if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"$ref") {
            4
        } else {
            let ok_first = rest.first().is_some_and(|b| b.is_ascii_alphabetic() || (self.limits.lenient && *b == b'$'));
            if !ok_first {
                return Err(self.error(expected));
            }
            1 + rest[1..]
                .iter()
                .take_while(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') || (self.limits.lenient && **b == b'$')
                })
                .count()
        };
        let name = self.rest()[..len].to_string();
        self.pos += len;
        Ok(name)
    }

    /// `[urn ":"] attr ["." sub]`
    fn attr_path(&mut self) -> PResult<AttrPath> {
        let start = self.pos;
        let rest = self.rest();
        let token_len = rest.bytes().take_while(|b| !is_delimiter(*b)).count();
        let token = &rest[..token_len];
        let mut urn = None;
        if token.len() > 4 && token.as_bytes()[..4].eq_ignore_ascii_case(b"urn:") {
            // The attribute follows the URN's last ':'; a URN needs a namespace and a name.
            // "urn:" itself holds a colon, so there is always one to find.
            let colon = token.rfind(':').unwrap_or(3);
            let prefix = &token[..colon];
            if prefix.matches(':').count() < 1 || colon + 1 == token.len() {
                return Err(self.error("an attribute path: a schema URN, ':' and an attribute name"));
            }
            urn = Some(prefix.to_string());
            self.pos += colon + 1;
        }
        let attr = self.name("an attribute name")?;
        let mut sub = None;
        if self.peek() == Some(b'.') && self.rest().as_bytes().get(1) != Some(&b'[') {
            self.pos += 1;
            sub = Some(self.name("a sub-attribute name after \".\"")?);
        }
        if self.peek().is_some_and(|b| !is_delimiter(b)) {
            let err = self.error("one sub-attribute level at most, then a space or \"[\"");
            self.pos = start;
            return Err(err);
        }
        Ok(AttrPath { urn, attr, sub })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> FilterError {
        parse_with(text, &FilterLimits { lenient: false, ..FilterLimits::default() }).expect_err(text)
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = err("userName eq");
        assert_eq!((e.offset, e.found.as_str()), (11, "the end of the filter"));
        let e = err("meta.lastModified lte \"2011-05-13T04:42:34Z\"");
        assert_eq!(e.offset, 18);
        assert!(e.expected.starts_with("an operator"), "{e}");
        let e = err("userName eq 'bjensen'");
        assert!(e.expected.starts_with("a value"), "{e}");
        let e = err("(userName eq \"john\"");
        assert_eq!(e.expected, "\")\"");
        assert!(err("userName[userName[bar pr]]").expected.contains("cannot nest"));
        let e = err("userName eq \"x\" and");
        assert_eq!((e.offset, e.expected.as_str()), (19, "a filter expression after \"and\""));
    }

    #[test]
    fn limits_hold() {
        let limits = FilterLimits { max_length: 20, max_depth: 3, max_terms: 2, lenient: false };
        assert!(parse_with(&"a".repeat(21), &limits).is_err());
        assert!(parse_with("((((a pr))))", &limits).expect_err("deep").expected.contains("nesting"));
        assert!(parse_with("a pr and b pr", &limits).is_ok());
        assert!(
            parse_with("a pr and b pr or c pr", &FilterLimits { max_length: 100, ..limits })
                .expect_err("terms")
                .expected
                .contains("terms")
        );
        // Found by fuzzing: the length limit is on the text received; the print escapes control
        // characters and can be longer, so it reads back only with the same room.
        let text = format!("title eq \"{}\"", "\n".repeat(12));
        let limits = FilterLimits { max_length: text.chars().count(), ..FilterLimits::default() };
        let f = parse_with(&text, &limits).expect("within the limit");
        let printed = f.to_string();
        assert!(printed.len() > text.len(), "{printed}");
        assert!(parse_with(&printed, &limits).is_err());
        assert_eq!(parse_with(&printed, &FilterLimits { max_length: printed.len(), ..limits }), Ok(f));
        // Found by fuzzing: a long float must print to text that parses back to the same number
        // (serde_json's float_roundtrip makes its parsing correctly rounded).
        let f = parse("uu gt 111111111111111000000000000000000000000000000002764199658935579080e7").expect("parses");
        assert_eq!(parse(&f.to_string()), Ok(f));
        // Found by fuzzing: "urn" then a multi-byte character used to split that character.
        assert!(parse("urn\u{19b}etf:x:userName sw \"J\"").is_err());
        let deep = format!("{}a pr{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).is_err(), "10,000 parentheses are refused at the depth limit, not by the stack");
    }
}
