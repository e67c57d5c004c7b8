//! SCIM API keys expire: Atlassian issues them for one year (keys made before the change expire
//! between 2026-05-01 and 2027-05-01). A connector that knows its key's expiry date can warn
//! before Atlassian starts answering 401. The core reads no clock: the caller passes `now`.

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// More than the warning window left.
    Valid,
    /// Within the warning window: regenerate the key and update the connector.
    ExpiresSoon,
    /// Past its expiry: Atlassian answers 401 (`classify_response`: credential rejected).
    Expired,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Valid => "valid",
            KeyState::ExpiresSoon => "expires_soon",
            KeyState::Expired => "expired",
        }
    }
}

/// A key's state at `now`, and the whole days left before it expires (0 on its last day,
/// negative once expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyExpiry {
    pub state: KeyState,
    pub days_left: i64,
}

const DAY: i64 = 86_400;

/// Whether a SCIM API key that expires at `expires_at` is still good at `now` (both Unix seconds),
/// warning `warn_days` days before.
pub fn key_expiry(expires_at: i64, now: i64, warn_days: u32) -> KeyExpiry {
    let left = expires_at.saturating_sub(now);
    let days_left = left.div_euclid(DAY);
    let state = if left <= 0 {
        KeyState::Expired
    } else if left <= i64::from(warn_days).saturating_mul(DAY) {
        KeyState::ExpiresSoon
    } else {
        KeyState::Valid
    };
    KeyExpiry { state, days_left }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_at_the_edges_of_the_window() {
        let expires = 1_800_000_000;
        assert_eq!(key_expiry(expires, expires - 31 * DAY, 30), KeyExpiry { state: KeyState::Valid, days_left: 31 });
        assert_eq!(key_expiry(expires, expires - 30 * DAY, 30).state, KeyState::ExpiresSoon);
        assert_eq!(key_expiry(expires, expires - 1, 30), KeyExpiry { state: KeyState::ExpiresSoon, days_left: 0 });
        assert_eq!(key_expiry(expires, expires, 30), KeyExpiry { state: KeyState::Expired, days_left: 0 });
        assert_eq!(key_expiry(expires, expires + 1, 30), KeyExpiry { state: KeyState::Expired, days_left: -1 });
        // No window: valid until the last second.
        assert_eq!(key_expiry(expires, expires - 1, 0).state, KeyState::Valid);
        // Extreme inputs do not overflow.
        assert_eq!(key_expiry(i64::MIN, i64::MAX, u32::MAX).state, KeyState::Expired);
        assert_eq!(key_expiry(i64::MAX, i64::MIN, u32::MAX).state, KeyState::Valid);
    }
}
