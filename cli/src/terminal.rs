//! Text bound for a terminal. Request keys, paths and values come from exports anyone may have
//! written; printed as they are, an escape sequence in a userName could move the cursor, rewrite
//! earlier lines, retitle the window or hide what follows it. The text output shows such
//! characters escaped, as Rust writes them in a string literal (`\u{1b}`, `\n`). JSON output
//! escapes the rest of them (serde_json escapes only U+0000–U+001F) as `\u009b`: the same JSON
//! value, safe to print.

use std::borrow::Cow;

/// Whether `c` would act on a terminal rather than print: C0 and C1 control characters, DEL, and
/// the bidirectional controls that reorder how a line is shown.
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would act on a terminal written as an escape.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character that would act on a terminal written as a JSON escape. Line
/// breaks and tabs are kept: outside strings they are whitespace (pretty printing), and inside
/// strings serde_json has escaped them already. The others can only be inside strings, where
/// `\uXXXX` means the same character.
pub fn escaped_json(json: &str) -> Cow<'_, str> {
    let acts_in_json = |c: char| acts(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(acts_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if acts_in_json(c) {
            // Every such character is in the Basic Multilingual Plane: one escape.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{escaped, escaped_json};

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert_eq!(escaped("bjensen@example.com"), "bjensen@example.com");
        assert_eq!(escaped("Zoë Ødegård"), "Zoë Ødegård");
        assert_eq!(escaped("a\u{1b}]0;owned\u{7}b"), "a\\u{1b}]0;owned\\u{7}b");
        assert_eq!(escaped("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(escaped("x\ny\tz\r"), "x\\ny\\tz\\r");
        assert_eq!(escaped("admin\u{202e}txt.exe"), "admin\\u{202e}txt.exe");
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({"k\u{9b}": ["\u{1b}[2J", "\u{7f}\u{202e}", "é"]});
        let text = value.to_string();
        let safe = escaped_json(&text);
        assert!(!safe.chars().any(|c| c.is_control() || c == '\u{202e}'), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).expect("JSON"), value);
        assert_eq!(escaped_json("{\"a\":\"é\"}"), "{\"a\":\"é\"}");
        let pretty = serde_json::to_string_pretty(&value).expect("JSON");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&escaped_json(&pretty)).expect("JSON"), value);
    }
}
