//! SCIM filters (RFC 7644 §3.4.2.2, with errata): the tree, its canonical text, and the parser and
//! evaluator in the submodules.
//!
//! A [`Filter`] is a tree of attribute expressions joined by `and`, `or` and `not`, where an
//! attribute path may carry a value filter (`emails[type eq "work"]`). Operators, attribute
//! names and the literals `true`/`false`/`null` are case-insensitive. The tree prints back to a
//! canonical text ([`std::fmt::Display`]): operators in lower case, one space between tokens,
//! `not (…)`, and parentheses only where precedence needs them, so that parsing the printed text
//! gives the same tree.
//!
//! Identity providers send forms outside the grammar; in lenient mode the parser reads Entra ID's
//! `emails[type eq "work"].value eq "x"` as `emails[type eq "work" and value eq "x"]` (the reading
//! scim2-models documents), accepts extra whitespace, a missing space before a quoted value, and
//! raw line breaks inside quoted values. It never guesses at unquoted values or `not` without
//! parentheses, which sources disagree on.

pub(crate) mod eval;
mod parse;

use std::fmt;

use serde_json::{Number, Value};

pub use eval::{EvalOptions, element_matches, instant_of, matches, matches_with};
pub(crate) use parse::parse_patch_path;
pub use parse::{FilterError, FilterLimits, MAX_FILTER_DEPTH_CEILING, parse, parse_with};

/// An attribute path inside a filter: `[urn ":"] attr ["." sub]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN prefix, without the trailing `:`.
    pub urn: Option<String>,
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// A plain attribute name.
    pub fn name(attr: &str) -> AttrPath {
        AttrPath { urn: None, attr: attr.to_string(), sub: None }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.attr)?;
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// Parses an operator name, ignoring case.
    pub fn parse(s: &str) -> Option<CompareOp> {
        const ALL: [CompareOp; 9] = [
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Co,
            CompareOp::Sw,
            CompareOp::Ew,
            CompareOp::Gt,
            CompareOp::Ge,
            CompareOp::Lt,
            CompareOp::Le,
        ];
        ALL.into_iter().find(|op| op.as_str().eq_ignore_ascii_case(s))
    }
}

/// The value compared against: a JSON string, number, boolean or null.
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
}

impl CompValue {
    pub fn to_json(&self) -> Value {
        match self {
            CompValue::Null => Value::Null,
            CompValue::Bool(b) => Value::Bool(*b),
            CompValue::Number(n) => Value::Number(n.clone()),
            CompValue::String(s) => Value::String(s.clone()),
        }
    }
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr pr`
    Present(AttrPath),
    /// `attr op value`
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
    },
    /// `attr[filter]`: some value of a multi-valued complex attribute matches `filter`, whose
    /// paths are relative to that value.
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
    Not(Box<Filter>),
    /// `a and b and …`: every operand matches. A chain of one operator is one node with all its
    /// operands (two or more), never a nested pair per operator: the tree is as deep as the
    /// filter's parentheses, not as its length, so printing, evaluating and dropping a long chain
    /// recurse no deeper than a short one. An operand is itself an `And` only where the text
    /// parenthesized it.
    And(Vec<Filter>),
    /// `a or b or …`: some operand matches; flat like [`Filter::And`].
    Or(Vec<Filter>),
}

impl Filter {
    /// `left and right`, joining into `left`'s chain when it is an `and` chain already (how the
    /// parser reads `a and b and c`).
    pub fn and(left: Filter, right: Filter) -> Filter {
        match left {
            Filter::And(mut operands) => {
                operands.push(right);
                Filter::And(operands)
            }
            left => Filter::And(vec![left, right]),
        }
    }

    /// `left or right`, joining into `left`'s chain when it is an `or` chain already.
    pub fn or(left: Filter, right: Filter) -> Filter {
        match left {
            Filter::Or(mut operands) => {
                operands.push(right);
                Filter::Or(operands)
            }
            left => Filter::Or(vec![left, right]),
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Filter::Or(..) => 1,
            Filter::And(..) => 2,
            _ => 3,
        }
    }

    /// The filter as JSON: `{"op": "and", "filters": [a, b, …]}` (and `"or"`), `{"op": "eq",
    /// "attr": "userName", "value": "bjensen"}`, `{"op": "pr", "attr": …}`, `{"op": "not",
    /// "filter": …}`, `{"op": "valuePath", "attr": …, "filter": …}`. A chain is one array, as in
    /// the tree, so the JSON is no deeper than the filter's parentheses.
    pub fn to_json(&self) -> Value {
        // Built member by member: the `json!` macro's frame is large in unoptimized builds, and
        // this recurses once per level of the tree.
        let mut m = serde_json::Map::new();
        let (op, attr) = match self {
            Filter::Present(p) => ("pr", Some(p)),
            Filter::Compare { path, op, .. } => (op.as_str(), Some(path)),
            Filter::ValuePath { path, .. } => ("valuePath", Some(path)),
            Filter::Not(_) => ("not", None),
            Filter::And(_) => ("and", None),
            Filter::Or(_) => ("or", None),
        };
        m.insert("op".into(), op.into());
        if let Some(attr) = attr {
            m.insert("attr".into(), attr.to_string().into());
        }
        match self {
            Filter::Present(_) => {}
            Filter::Compare { value, .. } => {
                m.insert("value".into(), value.to_json());
            }
            Filter::ValuePath { filter, .. } | Filter::Not(filter) => {
                m.insert("filter".into(), filter.to_json());
            }
            Filter::And(operands) | Filter::Or(operands) => {
                m.insert("filters".into(), operands.iter().map(Filter::to_json).collect());
            }
        }
        Value::Object(m)
    }

    /// Every attribute expression in the filter, in order (value-path contents included).
    pub fn terms(&self) -> Vec<&Filter> {
        let mut out = Vec::new();
        self.collect_terms(&mut out);
        out
    }

    fn collect_terms<'a>(&'a self, out: &mut Vec<&'a Filter>) {
        match self {
            Filter::Present(_) | Filter::Compare { .. } => out.push(self),
            Filter::ValuePath { filter, .. } | Filter::Not(filter) => filter.collect_terms(out),
            Filter::And(operands) | Filter::Or(operands) => {
                for operand in operands {
                    operand.collect_terms(out);
                }
            }
        }
    }

    /// Prints a chain's operands joined by ` op `. An operand of the same operator was
    /// parenthesized in the text (the parser joins an unparenthesized chain into one node), and
    /// one of lower precedence needs parentheses to keep its meaning.
    fn fmt_chain(f: &mut fmt::Formatter<'_>, operands: &[Filter], op: &str, precedence: u8) -> fmt::Result {
        for (i, operand) in operands.iter().enumerate() {
            if i > 0 {
                write!(f, " {op} ")?;
            }
            if operand.precedence() <= precedence {
                write!(f, "({operand})")?;
            } else {
                write!(f, "{operand}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Present(p) => write!(f, "{p} pr"),
            Filter::Compare { path, op, value } => write!(f, "{path} {} {value}", op.as_str()),
            Filter::ValuePath { path, filter } => write!(f, "{path}[{filter}]"),
            Filter::Not(inner) => write!(f, "not ({inner})"),
            Filter::And(operands) => Filter::fmt_chain(f, operands, "and", 2),
            Filter::Or(operands) => Filter::fmt_chain(f, operands, "or", 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_canonically_and_round_trips() {
        let cases = [
            ("userName Eq \"bjensen\"", "userName eq \"bjensen\""),
            (
                "title pr and (userType eq \"Employee\" or userType eq \"Intern\")",
                "title pr and (userType eq \"Employee\" or userType eq \"Intern\")",
            ),
            ("a pr or b pr and c pr", "a pr or b pr and c pr"),
            ("(a pr or b pr) and c pr", "(a pr or b pr) and c pr"),
            ("a pr and (b pr and c pr)", "a pr and (b pr and c pr)"),
            ("NOT(a pr)", "not (a pr)"),
            (
                "emails[type eq \"work\" and value co \"@example.com\"]",
                "emails[type eq \"work\" and value co \"@example.com\"]",
            ),
            (
                "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName sw \"J\"",
                "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName sw \"J\"",
            ),
            ("meta.lastModified gt \"2011-05-13T04:42:34Z\"", "meta.lastModified gt \"2011-05-13T04:42:34Z\""),
            ("x eq \"a\\\"b\\u00e9\"", "x eq \"a\\\"bé\""),
            ("n ge 2e2 and b eq TRUE and z eq Null", "n ge 200.0 and b eq true and z eq null"),
        ];
        for (input, canonical) in cases {
            let f = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(f.to_string(), canonical, "{input}");
            assert_eq!(parse(&f.to_string()).as_ref(), Ok(&f), "{input} round trip");
        }
    }

    #[test]
    fn entra_value_path_comparison_reads_as_one_value_filter() {
        let f = parse("emails[type eq \"work\"].value eq \"a@example.com\"").expect("lenient parse");
        assert_eq!(f.to_string(), "emails[type eq \"work\" and value eq \"a@example.com\"]");
        let strict = FilterLimits { lenient: false, ..FilterLimits::default() };
        assert!(parse_with("emails[type eq \"work\"].value eq \"a@example.com\"", &strict).is_err());
    }
}
