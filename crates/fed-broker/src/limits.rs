//! Rate limits on signing in and issuing sessions, per client address and per user: GCRA
//! (governor), so a client may use its whole allowance at once and then one request per
//! `60 s / allowance`. A refused request is audited like any other refusal.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The key a client address is limited by: an IPv4 address as it is (an IPv4-mapped IPv6
/// address as its IPv4 address), an IPv6 address as its /64.
pub(crate) fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !((1u128 << 64) - 1),
            )),
        },
    }
}

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

    /// Whether one more request from `ip` is allowed now. An IPv6 client is counted by its
    /// /64, the smallest network one subscriber is given: its other addresses are the same
    /// client.
    pub(crate) fn ip_allows(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&client_network(ip)).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        let config = crate::config::Limits {
            per_user_per_minute: 30,
            per_ip_per_minute: 2,
            trusted_proxy_header: None,
        };
        let limits = Limits::new(&config);
        let ip = |text: &str| text.parse::<IpAddr>().expect("an address");
        // Two requests, then none, from any address of the same /64.
        assert!(limits.ip_allows(ip("2001:db8:1:2::1")));
        assert!(limits.ip_allows(ip("2001:db8:1:2:ffff::9")));
        assert!(!limits.ip_allows(ip("2001:db8:1:2:abcd::1")));
        // Another /64 has its own allowance.
        assert!(limits.ip_allows(ip("2001:db8:1:3::1")));
        // IPv4, and IPv4 through a mapped address, by the address itself.
        assert!(limits.ip_allows(ip("192.0.2.1")));
        assert!(limits.ip_allows(ip("::ffff:192.0.2.1")));
        assert!(!limits.ip_allows(ip("192.0.2.1")));
        assert!(limits.ip_allows(ip("192.0.2.2")));
    }
}
