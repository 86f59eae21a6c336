//! Loopback ports for servers that another process binds later (moto, PostgreSQL, a broker
//! under test).
//!
//! Binding port 0 and closing it again hands out a port of the kernel's ephemeral range,
//! which the kernel may give to any other socket (a connection's own end, a server started
//! with port 0) before the child binds it; the child then fails with "Address already in
//! use". [`unused_port`] picks below that range instead, where the kernel never assigns
//! ports by itself, and never hands out the same port twice within one process.
//!
//! ```
//! let port = fed_local::ports::unused_port()?;
//! assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::net::{Ipv4Addr, TcpListener};
use std::sync::atomic::{AtomicU32, Ordering};

/// The lowest port handed out.
const LOWEST: u16 = 20_000;

/// How many candidates have been handed out by this process.
static TAKEN: AtomicU32 = AtomicU32::new(0);

/// A port of loopback that nothing listens on now, outside the kernel's ephemeral range.
/// Falls back to a port the kernel picks when that range leaves no room below it.
pub fn unused_port() -> std::io::Result<u16> {
    let highest = ephemeral_start().saturating_sub(1);
    if highest <= LOWEST {
        return kernel_port();
    }
    let span = u32::from(highest - LOWEST) + 1;
    // Processes start at different places, so two test binaries at once rarely meet.
    let start = std::process::id().wrapping_mul(7_919) % span;
    let candidates = (0..span).map(|_| {
        let offset = (start + TAKEN.fetch_add(1, Ordering::Relaxed)) % span;
        LOWEST + u16::try_from(offset).unwrap_or(0)
    });
    match first_free(candidates) {
        Some(port) => Ok(port),
        None => kernel_port(),
    }
}

/// The first of `candidates` that loopback can bind now.
fn first_free(mut candidates: impl Iterator<Item = u16>) -> Option<u16> {
    candidates.find(|&port| TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok())
}

/// The first port of the kernel's ephemeral range (Linux's default when it cannot be read).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}

/// A port the kernel picks (of its ephemeral range).
fn kernel_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_below_the_ephemeral_range_and_never_twice() {
        let ports: Vec<u16> = (0..200).map(|_| unused_port().expect("a port")).collect();
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len());
        assert!(ports.iter().all(|&p| p >= LOWEST && p < ephemeral_start()));
    }

    #[test]
    fn a_port_in_use_is_skipped() {
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binds");
        let busy = held.local_addr().expect("an address").port();
        let free = unused_port().expect("a port");
        assert_eq!(first_free([busy, free].into_iter()), Some(free));
        assert_eq!(first_free([busy].into_iter()), None);
    }
}
