//! The bearer tokens the portal issued, with their portal-side expiry.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

/// The characters of a token: those of AWS's base64-like access tokens.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Issued tokens by value, each with the moment it stops working.
#[derive(Default)]
pub(super) struct Tokens {
    issued: Mutex<HashMap<String, SystemTime>>,
}

impl Tokens {
    /// A new random token that works until `expires_at`.
    pub(super) fn issue(&self, expires_at: SystemTime) -> String {
        let random: String =
            std::iter::repeat_with(|| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
                .take(320)
                .collect();
        let token = format!("aoa{random}");
        self.lock().insert(token.clone(), expires_at);
        token
    }

    /// Whether `token` was issued, was not logged out and works at `now`.
    pub(super) fn is_valid(&self, token: &str, now: SystemTime) -> bool {
        self.lock()
            .get(token)
            .is_some_and(|expires_at| now < *expires_at)
    }

    /// Makes `token` stop working.
    pub(super) fn revoke(&self, token: &str) {
        self.lock().remove(token);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, SystemTime>> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
