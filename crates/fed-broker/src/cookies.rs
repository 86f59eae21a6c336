//! Encrypted, authenticated cookies: everything the broker keeps between requests, so any
//! replica serves any request and nothing is stored on the server.
//!
//! A cookie's value is AES-256-GCM over JSON that carries its own expiry, so a copy kept past
//! its lifetime is refused even by a client that ignores `Max-Age`. Keys rotate: the first key
//! of the ring seals, every key opens. Cookies are `Secure` and named with the `__Host-` prefix
//! (so that no other host of the domain and no plain-http page can set or shadow them) unless
//! the broker runs on plain http for local use; always `HttpOnly`, `SameSite=Lax`, scoped to `/`
//! and without a `Domain`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::refusal::Reason;

/// The keys that seal and open cookies.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<Key>,
    secure: bool,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyRing({} keys, redacted)", self.keys.len())
    }
}

/// The bytes of a key: 64, as base64.
const KEY_BYTES: usize = 64;

#[derive(Serialize, Deserialize)]
struct Sealed<T> {
    exp: u64,
    value: T,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl KeyRing {
    /// The keys in `value`, the content of the variable `variable`: base64 keys of 64 bytes
    /// each, separated by commas or white space, the newest first. `secure` marks cookies
    /// `Secure` (the broker is served over https).
    pub fn parse(variable: &str, value: &str, secure: bool) -> Result<KeyRing, Error> {
        let mut keys = Vec::new();
        for (index, word) in value
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(word)
                .ok()
                .filter(|b| b.len() == KEY_BYTES)
                .ok_or_else(|| Error::Variable {
                    name: variable.to_owned(),
                    problem: format!(
                        "key {} is not {KEY_BYTES} bytes in base64 (make one with: openssl rand -base64 {KEY_BYTES})",
                        index + 1
                    ),
                })?;
            keys.push(Key::from(&bytes));
        }
        if keys.is_empty() {
            return Err(Error::Variable {
                name: variable.to_owned(),
                problem: format!(
                    "it holds no key; set it to one or more base64 keys of {KEY_BYTES} bytes (openssl rand -base64 {KEY_BYTES})"
                ),
            });
        }
        Ok(KeyRing { keys, secure })
    }

    /// The name the browser keeps cookie `name` under: `__Host-name` when cookies are
    /// `Secure`, which browsers accept only from https, for `/` and without a `Domain`.
    pub fn cookie_name(&self, name: &str) -> String {
        if self.secure {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    /// A cookie `name` holding `value` for `lifetime`, sealed with the newest key.
    pub fn seal<T: Serialize>(&self, name: &str, value: &T, lifetime: Duration) -> Cookie<'static> {
        let name = &self.cookie_name(name);
        let sealed = Sealed {
            exp: now() + lifetime.as_secs(),
            value,
        };
        let json = serde_json::to_string(&sealed).unwrap_or_default();
        let mut jar = CookieJar::new();
        jar.private_mut(&self.keys[0])
            .add(Cookie::new(name.to_owned(), json));
        let mut cookie = jar
            .get(name)
            .cloned()
            .unwrap_or_else(|| Cookie::new(name.to_owned(), ""));
        cookie.set_http_only(true);
        cookie.set_secure(self.secure);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_path("/");
        cookie.set_max_age(cookie::time::Duration::seconds(
            i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX),
        ));
        cookie
    }

    /// What the cookie `name` among `cookies` holds, if a key of the ring sealed it and its
    /// lifetime has not passed.
    /// Why not, as [`Reason::MissingCookie`], [`Reason::TamperedCookie`] or
    /// [`Reason::ExpiredCookie`].
    pub fn open<T: DeserializeOwned>(&self, cookies: &CookieJar, name: &str) -> Result<T, Reason> {
        let name = &self.cookie_name(name);
        let Some(cookie) = cookies.get(name) else {
            return Err(Reason::MissingCookie);
        };
        for key in &self.keys {
            let mut jar = CookieJar::new();
            jar.add_original(cookie.clone());
            let Some(opened) = jar.private(key).get(name) else {
                continue;
            };
            let sealed: Sealed<T> =
                serde_json::from_str(opened.value()).map_err(|_| Reason::TamperedCookie)?;
            if sealed.exp <= now() {
                return Err(Reason::ExpiredCookie);
            }
            return Ok(sealed.value);
        }
        Err(Reason::TamperedCookie)
    }

    /// A cookie that removes `name` from the browser.
    pub fn removal(&self, name: &str) -> Cookie<'static> {
        let mut cookie = Cookie::new(self.cookie_name(name), "");
        cookie.set_http_only(true);
        cookie.set_secure(self.secure);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_path("/");
        cookie.make_removal();
        cookie
    }
}

#[cfg(test)]
mod tests;
