//! Where ids come from: the caller's choice, so a test replays and a server stays random.
//!
//! The core reads no clock and no entropy. [`SeededIds`] gives a reproducible sequence of
//! UUID v4 strings from a seed (vectors and property tests); a server passes its own random
//! [`IdSource`].

/// A source of resource ids (UUID text, as Atlassian's ids are).
pub trait IdSource: Send + Sync + std::fmt::Debug {
    /// The next id; never one given before.
    fn next_id(&mut self) -> String;
}

/// UUID v4 strings from a seed (SplitMix64), the same sequence for the same seed.
#[derive(Debug, Clone)]
pub struct SeededIds {
    state: u64,
}

impl SeededIds {
    pub fn new(seed: u64) -> SeededIds {
        SeededIds { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl IdSource for SeededIds {
    fn next_id(&mut self) -> String {
        uuid_v4(self.next_u64(), self.next_u64())
    }
}

/// Formats 128 random bits as a UUID version 4 (RFC 9562 §5.4): the version and variant bits
/// are set, the rest are the caller's.
pub fn uuid_v4(high: u64, low: u64) -> String {
    let high = (high & !0xF000) | 0x4000;
    let low = (low & !(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_are_reproducible_uuid_v4() {
        let (mut a, mut b) = (SeededIds::new(7), SeededIds::new(7));
        let first = a.next_id();
        assert_eq!(first, b.next_id());
        assert_ne!(first, a.next_id());
        assert_eq!(first.len(), 36);
        assert_eq!(&first[14..15], "4");
        assert!(matches!(&first[19..20], "8" | "9" | "a" | "b"));
    }
}
