//! `limits.max_body_bytes` for bodies that do not come as text.
//!
//! A body given as JSON text is measured by its length before it is read. A body given as a
//! parsed `Value` or as a binding's own objects (a Python dict) has no length, so its size is the
//! length of its compact JSON form, as serde_json writes it: counted while the body is read, by a
//! deserializer that wraps the real one and adds up what each value it passes on would take as
//! text, without writing any. The read stops as soon as the count passes the limit, so an
//! oversized body costs no more than the limit to refuse.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::syntax::compact_len;

/// The bytes a body may still take, shared by every level of one read.
#[derive(Debug)]
pub(crate) struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Budget {
        Budget { left: Cell::new(max), exceeded: Cell::new(false) }
    }

    /// Whether the body was found larger than the limit (the read then stopped).
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("the body is larger than limits.max_body_bytes"))
            }
        }
    }
}

/// The length of `s` as a JSON string: quotes, and serde_json's escapes (`\"`, `\\`, the
/// two-character escapes of \b \f \n \r \t, `\u00XX` for the other control characters).
fn string_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        return 2 + bytes.len();
    }
    2 + bytes
        .iter()
        .map(|b| match b {
            b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Whether a byte of `bytes` is escaped in JSON (a control character, `"` or `\`). Nearly no
/// string has one, and this is most of what counting a body costs, so eight bytes are tested at
/// a time: for each byte, a high bit is set where it is zero after an XOR with `"` or `\`, or
/// below 0x20 (the classic "has zero byte" and "has byte less than" word tests, exact as a yes
/// or no; bytes from 0x80, in UTF-8 sequences, never set one).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // One word of up to eight bytes: a high bit where a byte is `"`, `\` or below 0x20. The
    // bytes a shorter word lacks read as zero; `HIGH >> (8 * missing)` ignores them.
    let special = |w: u64, mask: u64| {
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        (zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) | below_space) & mask != 0
    };
    let word = |chunk: &[u8]| chunk.try_into().map_or(0, u64::from_le_bytes);
    match bytes.len() {
        0..4 => bytes.iter().any(|b| *b < 0x20 || *b == b'"' || *b == b'\\'),
        // Two overlapping half words.
        len @ 4..8 => {
            let half = |chunk: &[u8]| u64::from(chunk.try_into().map_or(0, u32::from_le_bytes));
            special(half(&bytes[..4]), HIGH >> 32) || special(half(&bytes[len - 4..]), HIGH >> 32)
        }
        // Whole words, then the last eight bytes (overlapping the last word when the length is
        // not a multiple of eight).
        len => bytes.chunks_exact(8).any(|c| special(word(c), HIGH)) || special(word(&bytes[len - 8..]), HIGH),
    }
}

fn u64_len(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |d| d as usize + 1)
}

fn i64_len(v: i64) -> usize {
    usize::from(v < 0) + u64_len(v.unsigned_abs())
}

/// A deserializer that counts the compact JSON size of what it reads against a [`Budget`].
pub(crate) struct Measured<'b, D> {
    inner: D,
    budget: &'b Budget,
}

impl<'b, D> Measured<'b, D> {
    pub(crate) fn new(inner: D, budget: &'b Budget) -> Measured<'b, D> {
        Measured { inner, budget }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Measured<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(Counting { inner: visitor, budget: self.budget })
    }

    // Every value is read in full, whatever it is read as: a skipped value (`ignored_any`) takes
    // as many bytes as any other, and the reads the walk asks for (any, str, ignored_any) all
    // mean the same on a self-describing format.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The visitor given to the real deserializer: charges each value, then hands it on.
struct Counting<'b, V> {
    inner: V,
    budget: &'b Budget,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Counting<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.budget.charge(if v { 4 } else { 5 })?;
        self.inner.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.budget.charge(i64_len(v))?;
        self.inner.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.budget.charge(u64_len(v))?;
        self.inner.visit_u64(v)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.budget.charge(v.to_string().len())?;
        self.inner.visit_i128(v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.budget.charge(v.to_string().len())?;
        self.inner.visit_u128(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.budget.charge(compact_len(&v))?;
        self.inner.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.budget.charge(string_len(v))?;
        self.inner.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.budget.charge(string_len(v))?;
        self.inner.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.budget.charge(string_len(&v))?;
        self.inner.visit_string(v)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.budget.charge(v.len())?;
        self.inner.visit_bytes(v)
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.budget.charge(v.len())?;
        self.inner.visit_borrowed_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.budget.charge(v.len())?;
        self.inner.visit_byte_buf(v)
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.budget.charge(4)?;
        self.inner.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.budget.charge(4)?;
        self.inner.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Measured { inner: d, budget: self.budget })
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Measured { inner: d, budget: self.budget })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.budget.charge(2)?;
        self.inner.visit_seq(Items { inner: seq, budget: self.budget, first: true })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.budget.charge(2)?;
        self.inner.visit_map(Members { inner: map, budget: self.budget, first: true })
    }
}

/// A seed whose value is measured, after `punctuation` bytes (a comma, a colon) are charged.
struct MeasuredSeed<'b, S> {
    inner: S,
    budget: &'b Budget,
    punctuation: usize,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for MeasuredSeed<'_, S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.budget.charge(self.punctuation)?;
        self.inner.deserialize(Measured { inner: d, budget: self.budget })
    }
}

/// An array's items, each after a comma but the first.
struct Items<'b, A> {
    inner: A,
    budget: &'b Budget,
    first: bool,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Items<'_, A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let punctuation = usize::from(!std::mem::take(&mut self.first));
        self.inner.next_element_seed(MeasuredSeed { inner: seed, budget: self.budget, punctuation })
    }
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// An object's members: a comma but before the first, the key, a colon, the value.
struct Members<'b, A> {
    inner: A,
    budget: &'b Budget,
    first: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Members<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let punctuation = usize::from(!std::mem::take(&mut self.first)) + 1;
        self.inner.next_key_seed(MeasuredSeed { inner: seed, budget: self.budget, punctuation })
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(MeasuredSeed { inner: seed, budget: self.budget, punctuation: 0 })
    }
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// Whether `value` is larger than `max` bytes as compact JSON (a body given as a `Value`).
pub(crate) fn exceeds(value: &serde_json::Value, max: usize) -> bool {
    let budget = Budget::new(max);
    let _ = <de::IgnoredAny as serde::Deserialize>::deserialize(Measured::new(value, &budget));
    budget.exceeded()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::exceeds;

    /// The compact size is exactly serde_json's compact text, for every kind of value.
    #[test]
    fn counts_what_serde_json_writes() {
        let values = [
            json!({}),
            json!([]),
            json!(null),
            json!({"a": [1, -2, 3.5, 1e300, -0.0, 18446744073709551615u64, -9223372036854775808i64, true, false, null]}),
            json!({"esc\"aped\\": "tab\there\nnew \u{1} \u{1f} \u{7f} é 😀 /", "nested": {"x": [[[]], {}]}}),
            json!([0, 9, 10, 99, 100, 12345678901234567890u64, 0.1, 123456.789e-20]),
        ];
        for value in values {
            let text = serde_json::to_string(&value).expect("text");
            assert!(!exceeds(&value, text.len()), "{text} fits in its own length");
            assert!(exceeds(&value, text.len() - 1), "{text} does not fit in one byte less");
        }
        assert!(exceeds(&Value::String("x".repeat(10)), 11));
    }

    /// The eight-at-a-time test agrees with a plain one for every byte at every position.
    #[test]
    fn finds_every_byte_that_is_escaped() {
        let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(super::needs_escape(&bytes), escaped(b), "{b:#x} at {at} of {len}");
                }
            }
        }
        assert!(!super::needs_escape("é😀 ~\u{7f}".as_bytes()));
        // Mixed words (borrows across bytes), from a fixed pseudo-random sequence.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes: Vec<u8> = state.to_le_bytes().iter().map(|b| if b % 4 == 0 { *b } else { b | 0x20 }).collect();
            assert_eq!(super::needs_escape(&bytes), bytes.iter().any(|b| escaped(*b)), "{bytes:?}");
        }
    }
}
