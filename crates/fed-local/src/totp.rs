//! TOTP codes (RFC 6238: HMAC-SHA1, 30-second steps, six digits), as virtual MFA devices make
//! them: the gate checks `TokenCode` with them, and tests use [`code`] to answer an MFA prompt.

use aws_lc_rs::hmac;

/// Seconds per time step.
const STEP: u64 = 30;

/// The six-digit code of the base32 `seed` at `unix_seconds`, or `None` for a seed that is not
/// base32.
pub fn code(seed: &str, unix_seconds: u64) -> Option<String> {
    let key = decode(seed)?;
    Some(at_step(&key, unix_seconds / STEP))
}

/// Whether `code` is the code of `seed` at `unix_seconds`, one step before or one step after.
pub fn verify(seed: &str, code: &str, unix_seconds: u64) -> bool {
    let Some(key) = decode(seed) else {
        return false;
    };
    let step = unix_seconds / STEP;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .any(|s| at_step(&key, s) == code)
}

fn decode(seed: &str) -> Option<Vec<u8>> {
    let cleaned: String = seed
        .trim_end_matches('=')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    data_encoding::BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

fn at_step(key: &[u8], step: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    let mac = hmac::sign(&key, &step.to_be_bytes());
    let mac = mac.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let value = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{:06}", value % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test vectors (seed "12345678901234567890"), last six digits.
    #[test]
    fn rfc_6238_vectors() {
        let seed = data_encoding::BASE32.encode(b"12345678901234567890");
        for (time, expected) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code(&seed, time).as_deref(), Some(expected), "at {time}");
        }
    }

    #[test]
    fn verify_accepts_one_step_either_side() {
        let seed = "JBSWY3DPEHPK3PXP";
        let now = 1_700_000_000;
        let before = code(seed, now - 30).unwrap();
        let after = code(seed, now + 30).unwrap();
        let far = code(seed, now + 90).unwrap();
        assert!(verify(seed, &before, now));
        assert!(verify(seed, &after, now));
        assert!(!verify(seed, &far, now) || far == code(seed, now).unwrap());
        assert!(!verify("not base32!", "123456", now));
    }
}
