//! Rate limits on signing in and issuing sessions, per client address and per user: GCRA
//! (governor), so a client may use its whole allowance at once and then one request per
//! `60 s / allowance`. A refused request is audited like any other refusal.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The limiters of one broker replica.
pub(crate) struct Limits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_user: DefaultKeyedRateLimiter<String>,
}

fn per_minute(allowance: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(allowance).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    pub(crate) fn new(config: &crate::config::Limits) -> Limits {
        Limits {
            per_ip: RateLimiter::keyed(per_minute(config.per_ip_per_minute)),
            per_user: RateLimiter::keyed(per_minute(config.per_user_per_minute)),
        }
    }

    /// Whether one more request from `ip` is allowed now.
    pub(crate) fn ip_allows(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&ip).is_ok()
    }

    /// Forgets the clients whose allowance is whole again, so that the limiters hold only the
    /// recently active ones however many addresses and users have come by.
    pub(crate) fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_user.retain_recent();
        self.per_user.shrink_to_fit();
    }

    /// How many clients (addresses and users) the limiters hold.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.per_ip.len() + self.per_user.len()
    }

    /// Whether one more session for `user` is allowed now.
    pub(crate) fn user_allows(&self, user: &str) -> bool {
        self.per_user.check_key(&user.to_owned()).is_ok()
    }
}
