//! Why JSON text does not parse, said in the input's terms and located.
//!
//! serde_json's errors name its own states ("EOF while parsing a list", "lone leading surrogate in
//! hex escape", "expected ident"), and its column counts bytes. [`JsonSyntaxError`] says what the
//! text holds at that place instead — a byte order mark, a trailing comma, a raw control character
//! in a string, an unpaired surrogate escape, a number out of range, where the text ends — with a
//! line, a column in characters and the byte offset from the start of the text.

use std::fmt;

use serde_json::Value;

/// A JSON syntax error: what is wrong, and where. Read through its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonSyntaxError {
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) offset: usize,
}

impl fmt::Display for JsonSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {}, column {} (byte {})", self.message, self.line, self.column, self.offset)
    }
}

impl std::error::Error for JsonSyntaxError {}

impl JsonSyntaxError {
    /// What is wrong, e.g. "a trailing comma after the last member of an object".
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column, in characters.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Byte offset from the start of the text.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Describes `error`, which serde_json gave for `text`.
    pub fn new(error: &serde_json::Error, text: &[u8]) -> JsonSyntaxError {
        let full = error.to_string();
        // serde_json appends " at line L column C" to its own message.
        let code = full.rfind(" at line ").map_or(full.as_str(), |i| &full[..i]);
        let offset = if error.classify() == serde_json::error::Category::Eof {
            text.len()
        } else {
            byte_offset(text, error.line(), error.column())
        };
        let (message, offset) = describe(code, text, offset);
        JsonSyntaxError::at(message, text, offset)
    }

    /// Text that is not UTF-8: `valid_up_to` is where the first invalid sequence starts.
    pub fn utf8(text: &[u8], valid_up_to: usize) -> JsonSyntaxError {
        let message = match text.get(valid_up_to) {
            Some(b) => format!("a byte that is not UTF-8 (0x{b:02X})"),
            None => "an incomplete UTF-8 sequence at the end".to_string(),
        };
        JsonSyntaxError::at(message, text, valid_up_to)
    }

    fn at(message: String, text: &[u8], offset: usize) -> JsonSyntaxError {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        let column = 1 + before[line_start..].iter().filter(|b| (**b & 0xC0) != 0x80).count();
        JsonSyntaxError { message, line, column, offset }
    }
}

/// The byte serde_json's line and (byte) column point at: the offending byte for a syntax error.
fn byte_offset(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|b| *b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    // Column 0 is the line break ending the line before (serde_json counts it on the next line).
    (start + column).saturating_sub(1).min(text.len())
}

fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
}

/// The token at `offset`, for "found …": a word, or one character, or the end.
fn found(text: &[u8], offset: usize) -> String {
    let rest = &text[offset.min(text.len())..];
    let Some(&first) = rest.first() else { return "the end of the text".to_string() };
    if first.is_ascii_alphabetic() {
        let word: String = rest.iter().take_while(|b| b.is_ascii_alphanumeric()).take(20).map(|b| *b as char).collect();
        let hint = match word.as_str() {
            w if ["true", "false", "null"].iter().any(|l| l.eq_ignore_ascii_case(w)) => {
                " (JSON's literals are lower case: true, false, null)"
            }
            "NaN" | "Infinity" => " (JSON has no NaN or Infinity)",
            "undefined" => " (JSON has no undefined; use null or leave the member out)",
            _ => "",
        };
        return format!("`{word}`{hint}");
    }
    let c = std::str::from_utf8(&rest[..rest.len().min(4)])
        .ok()
        .or_else(|| (1..4).rev().find_map(|n| std::str::from_utf8(rest.get(..n)?).ok()))
        .and_then(|s| s.chars().next());
    match c {
        Some('\u{feff}') => "a byte order mark (U+FEFF)".to_string(),
        Some('\'') => "a single quote (JSON strings take double quotes)".to_string(),
        Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
        Some(c) => format!("`{c}`"),
        None => format!("the byte 0x{first:02X}"),
    }
}

/// The escape `\…` that starts at `start`, as written (at most six characters).
fn escape_at(text: &[u8], start: usize) -> String {
    let end = (start + 6).min(text.len());
    let len = text[start..end].iter().enumerate().take_while(|(i, b)| *i < 2 || b.is_ascii_hexdigit()).count();
    String::from_utf8_lossy(&text[start..start + len]).into_owned()
}

/// The last `\uXXXX` escape at or before `offset` that is a UTF-16 surrogate: its start.
fn surrogate_escape(text: &[u8], offset: usize) -> Option<usize> {
    let upto = (offset + 1).min(text.len());
    let mut end = upto;
    while let Some(i) = text[..end].windows(2).rposition(|w| w == b"\\u") {
        let hex = text.get(i + 2..i + 6).and_then(|h| std::str::from_utf8(h).ok());
        if hex.and_then(|h| u16::from_str_radix(h, 16).ok()).is_some_and(|u| (0xD800..0xE000).contains(&u)) {
            return Some(i);
        }
        end = i;
    }
    None
}

fn control_name(c: u8) -> String {
    let (name, escape) = match c {
        b'\n' => ("line feed", "\\n".to_string()),
        b'\r' => ("carriage return", "\\r".to_string()),
        b'\t' => ("tab", "\\t".to_string()),
        0x08 => ("backspace", "\\b".to_string()),
        0x0C => ("form feed", "\\f".to_string()),
        _ => ("", format!("\\u{c:04x}")),
    };
    if name.is_empty() {
        format!("U+{c:04X}; write it as {escape}")
    } else {
        format!("U+{c:04X} ({name}); write it as {escape}")
    }
}

/// serde_json's message `code` at `offset`, in the input's terms, and the offset to report
/// (moved to the start of what is wrong: the comma, the number, the escape).
fn describe(code: &str, text: &[u8], offset: usize) -> (String, usize) {
    let at = text.get(offset).copied();
    match code {
        "EOF while parsing a value" if text.iter().all(u8::is_ascii_whitespace) => ("it is empty".to_string(), offset),
        "EOF while parsing a value" => ("it ends where a value belongs".to_string(), offset),
        "EOF while parsing an object" => ("it ends inside an object (a `}` is missing)".to_string(), offset),
        "EOF while parsing a list" => ("it ends inside an array (a `]` is missing)".to_string(), offset),
        "EOF while parsing a string" => ("it ends inside a string (the closing `\"` is missing)".to_string(), offset),
        "trailing comma" => {
            let comma = text[..offset].iter().rposition(|b| *b == b',').unwrap_or(offset);
            let what = if at == Some(b']') { "element of an array" } else { "member of an object" };
            (format!("a trailing comma after the last {what}"), comma)
        }
        c if c.starts_with("control character") => {
            let name = at.map(control_name).unwrap_or_default();
            (format!("a raw control character in a string: {name}"), offset)
        }
        "number out of range" | "invalid number" => {
            let mut start = offset.min(text.len());
            while start > 0 && is_number_byte(text[start - 1]) {
                start -= 1;
            }
            let len = text[start..].iter().take_while(|b| is_number_byte(**b)).take(40).count();
            let number = String::from_utf8_lossy(&text[start..start + len]);
            let message = if code == "number out of range" {
                format!("the number {number} is out of range (larger than a 64-bit float holds, about 1.8e308)")
            } else {
                format!(
                    "the invalid number `{number}` (JSON numbers have no leading zeros or +, and need digits after a point or an exponent)"
                )
            };
            (message, start)
        }
        "lone leading surrogate in hex escape" | "unexpected end of hex escape" | "invalid unicode code point" => {
            match surrogate_escape(text, offset) {
                Some(start) => (
                    format!(
                        "the unpaired UTF-16 surrogate escape {} in a string (a character above U+FFFF is written as a pair, such as \\ud83d\\ude00; half a pair is no character)",
                        escape_at(text, start)
                    ),
                    start,
                ),
                None => {
                    let start = text[..offset.min(text.len())].iter().rposition(|b| *b == b'\\').unwrap_or(offset);
                    (
                        format!(
                            "the incomplete escape {} in a string (\\u takes four hexadecimal digits)",
                            escape_at(text, start)
                        ),
                        start,
                    )
                }
            }
        }
        "invalid escape" => {
            let start = text[..offset.min(text.len())].iter().rposition(|b| *b == b'\\').unwrap_or(offset);
            let escape = escape_at(text, start);
            if escape.starts_with("\\u") {
                (format!("the incomplete escape {escape} in a string (\\u takes four hexadecimal digits)"), start)
            } else {
                let shown: String = String::from_utf8_lossy(&text[start..(start + 2).min(text.len())]).into_owned();
                (
                    format!(
                        "the invalid escape {shown} in a string (JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)"
                    ),
                    start,
                )
            }
        }
        "expected value" if at == Some(0xEF) && offset == 0 => {
            ("it starts with a byte order mark (U+FEFF), which JSON text must not (RFC 8259 §8.1)".to_string(), offset)
        }
        "expected value" => (format!("found {} where a value belongs", found(text, offset)), offset),
        "expected ident" => {
            let mut start = offset.min(text.len());
            while start > 0 && text[start - 1].is_ascii_alphabetic() {
                start -= 1;
            }
            (format!("found {} where true, false or null belongs", found(text, start)), start)
        }
        "expected `:`" => (format!("a `:` is missing after a member name: found {}", found(text, offset)), offset),
        "expected `,` or `}`" => {
            (format!("a `,` or `}}` is missing after a member of an object: found {}", found(text, offset)), offset)
        }
        "expected `,` or `]`" => {
            (format!("a `,` or `]` is missing after an element of an array: found {}", found(text, offset)), offset)
        }
        "key must be a string" => {
            (format!("a member name must be a string in double quotes: found {}", found(text, offset)), offset)
        }
        "trailing characters" => (format!("more text after the JSON value: found {}", found(text, offset)), offset),
        "recursion limit exceeded" => ("it is nested too deeply to read (128 levels)".to_string(), offset),
        other => (other.to_string(), offset),
    }
}

/// The kind of a JSON value as a message names it ("a string", "an array", …): the wording the
/// "must be X, got Y" messages of the config, the mapping loader and the mapper share (the walk
/// names the type an attribute expects in the schema's terms instead).
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The length of a value's compact JSON text, as serde_json writes it, counted without writing
/// it (a PATCH split by size, a value's copies against the write budget, a float in a body
/// measured by its compact size).
pub(crate) fn compact_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a `Value` or a number to a counter cannot fail (a float JSON cannot hold is
    // written as `null`).
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A value's compact JSON text: what `value.to_string()` gives, in half the instructions
/// (`Display` writes every piece through a `fmt::Formatter`; serde_json's writer appends to the
/// bytes directly). For every body, resource and fixed value atlscim writes out.
pub(crate) fn json_text(value: &Value) -> String {
    // A `Value` always serializes: its keys are strings, and a float JSON cannot hold does not
    // get into one.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        let e = serde_json::from_str::<serde_json::Value>(text).expect_err(text);
        JsonSyntaxError::new(&e, text.as_bytes()).to_string()
    }

    #[test]
    fn says_what_is_wrong_in_the_inputs_terms() {
        let cases = [
            (
                "\u{feff}{}",
                "it starts with a byte order mark (U+FEFF), which JSON text must not (RFC 8259 §8.1) at line 1, column 1 (byte 0)",
            ),
            ("{\"a\": 1,}", "a trailing comma after the last member of an object at line 1, column 8 (byte 7)"),
            ("[1,\n 2 , ]", "a trailing comma after the last element of an array at line 2, column 4 (byte 7)"),
            (
                "{\"a\": \"x\ny\"}",
                "a raw control character in a string: U+000A (line feed); write it as \\n at line 1, column 9 (byte 8)",
            ),
            (
                "{\"a\": \"\u{1}\"}",
                "a raw control character in a string: U+0001; write it as \\u0001 at line 1, column 8 (byte 7)",
            ),
            (
                "{\"a\": \"\\ud83d\"}",
                "the unpaired UTF-16 surrogate escape \\ud83d in a string (a character above U+FFFF is written as a pair, such as \\ud83d\\ude00; half a pair is no character) at line 1, column 8 (byte 7)",
            ),
            (
                "{\"a\": \"\\ud83d\\u0041\"}",
                "the unpaired UTF-16 surrogate escape \\ud83d in a string (a character above U+FFFF is written as a pair, such as \\ud83d\\ude00; half a pair is no character) at line 1, column 8 (byte 7)",
            ),
            (
                "{\"a\": \"\\ude00\"}",
                "the unpaired UTF-16 surrogate escape \\ude00 in a string (a character above U+FFFF is written as a pair, such as \\ud83d\\ude00; half a pair is no character) at line 1, column 8 (byte 7)",
            ),
            (
                "{\"é\": -1e400}",
                "the number -1e400 is out of range (larger than a 64-bit float holds, about 1.8e308) at line 1, column 7 (byte 7)",
            ),
            (
                "{\"a\": 01}",
                "the invalid number `01` (JSON numbers have no leading zeros or +, and need digits after a point or an exponent) at line 1, column 7 (byte 6)",
            ),
            ("{\"a\": [1", "it ends inside an array (a `]` is missing) at line 1, column 9 (byte 8)"),
            ("{\"a\": \"abc", "it ends inside a string (the closing `\"` is missing) at line 1, column 11 (byte 10)"),
            ("{\"a\": 1", "it ends inside an object (a `}` is missing) at line 1, column 8 (byte 7)"),
            ("", "it is empty at line 1, column 1 (byte 0)"),
            ("{\"a\": tru}", "found `tru` where true, false or null belongs at line 1, column 7 (byte 6)"),
            (
                "{\"a\": True}",
                "found `True` (JSON's literals are lower case: true, false, null) where a value belongs at line 1, column 7 (byte 6)",
            ),
            (
                "{\"a\": 'x'}",
                "found a single quote (JSON strings take double quotes) where a value belongs at line 1, column 7 (byte 6)",
            ),
            ("{a: 1}", "a member name must be a string in double quotes: found `a` at line 1, column 2 (byte 1)"),
            (
                "{\"a\": \"\\x\"}",
                "the invalid escape \\x in a string (JSON's escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX) at line 1, column 8 (byte 7)",
            ),
            (
                "{\"a\": \"\\u12\"}",
                "the incomplete escape \\u12 in a string (\\u takes four hexadecimal digits) at line 1, column 8 (byte 7)",
            ),
            ("{} x", "more text after the JSON value: found `x` at line 1, column 4 (byte 3)"),
            ("[1 2]", "a `,` or `]` is missing after an element of an array: found `2` at line 1, column 4 (byte 3)"),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "{text:?}");
        }
    }

    #[test]
    fn utf8() {
        let e = JsonSyntaxError::utf8(b"{\n\"a\": \"\xff\"}", 8);
        assert_eq!(e.to_string(), "a byte that is not UTF-8 (0xFF) at line 2, column 7 (byte 8)");
    }

    #[test]
    fn compact_len_is_the_length_serde_json_writes() {
        let value: Value =
            serde_json::from_str(r#"{"a": [1, 2.5, -0.0, 1e300, "é\n\u0001"], "b": {"c": null}}"#).expect("JSON");
        assert_eq!(compact_len(&value), serde_json::to_string(&value).expect("written").len());
        assert_eq!(compact_len(&f64::NAN), "null".len());
        assert_eq!(json_text(&value), value.to_string());
        assert_eq!(compact_len(&0.1f64), "0.1".len());
    }
}
