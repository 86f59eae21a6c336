//! A one-time link on `127.0.0.1`: `http://127.0.0.1:PORT/NONCE` answers one request with a
//! redirect to the sign-in URL, then stops. It is for what cannot read a private file: Firefox
//! containers (extensions may not open `file:` URLs) and command templates.
//!
//! The nonce is 128 random bits. On Linux, a connection is answered only when its owner is
//! this user: the owner is read from `/proc/net/tcp` and `/proc/net/tcp6` (where a client's
//! IPv6 socket to `::ffff:127.0.0.1` is listed), and a connection whose owner cannot be found
//! is refused as another user's is, without using the link up. Elsewhere the nonce alone
//! guards the link.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A listening one-time link.
pub(crate) struct Link {
    listener: TcpListener,
    nonce: String,
}

impl Link {
    /// Listens on a free port of `127.0.0.1`.
    pub(crate) fn new() -> Result<Link, String> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the link: {e}"))?;
        let nonce = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Link { listener, nonce })
    }

    /// The link, to give the browser.
    pub(crate) fn url(&self) -> Result<String, String> {
        let address = self
            .listener
            .local_addr()
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        Ok(format!("http://{address}/{}", self.nonce))
    }

    /// Answers requests until one follows the link (redirected to `url`: true) or `timeout`
    /// passes (false), or `gone` says the browser has failed.
    pub(crate) fn serve_once(
        &self,
        url: &str,
        timeout: Duration,
        gone: &mut dyn FnMut() -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline && !gone() {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if self.answer(stream, peer, url) {
                        return true;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        false
    }

    /// Answers one connection; true when it followed the link.
    fn answer(&self, stream: TcpStream, peer: SocketAddr, url: &str) -> bool {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return false;
        }
        // The rest of the request head.
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let wanted = format!("GET /{} ", self.nonce);
        let local = self.listener.local_addr().ok();
        let (status, location) = if !line.starts_with(&wanted) {
            ("404 Not Found", None)
        } else if !owner_allowed(local.and_then(|local| same_user(peer, local))) {
            ("403 Forbidden", None)
        } else {
            ("302 Found", Some(url))
        };
        let mut response = format!(
            "HTTP/1.1 {status}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
             Content-Length: 0\r\nConnection: close\r\n"
        );
        if let Some(location) = location {
            response += &format!("Location: {location}\r\n");
        }
        response += "\r\n";
        let mut stream = &stream;
        let written = stream.write_all(response.as_bytes()).is_ok();
        written && location.is_some()
    }
}

/// Whether a connection whose owner lookup said `same` may follow the link: on Linux only a
/// connection known to be this user's (fail closed); elsewhere, where there is no lookup, any.
fn owner_allowed(same: Option<bool>) -> bool {
    if cfg!(target_os = "linux") {
        same == Some(true)
    } else {
        same != Some(false)
    }
}

/// Whether the connection from `peer` to `local` belongs to a process of this user: `None`
/// where the kernel does not say (no `/proc/net`, or the connection is in neither table, as
/// from another network namespace).
fn same_user(peer: SocketAddr, local: SocketAddr) -> Option<bool> {
    let uid = current_uid()?;
    let v4 = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let v6 = std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    owner(&v4, &hex_v4(peer)?, &hex_v4(local)?)
        .or_else(|| owner(&v6, &hex_v6(peer), &hex_v6(local)))
        .map(|owner| owner == uid)
}

/// The uid of the row of `table` whose local address is `from` and remote address `to`.
fn owner(table: &str, from: &str, to: &str) -> Option<u32> {
    table.lines().skip(1).find_map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        if fields.get(1)?.eq_ignore_ascii_case(from) && fields.get(2)?.eq_ignore_ascii_case(to) {
            fields.get(7)?.parse().ok()
        } else {
            None
        }
    })
}

/// An IPv4 address and port as `/proc/net/tcp` writes them; `None` for IPv6.
fn hex_v4(address: SocketAddr) -> Option<String> {
    match address {
        SocketAddr::V4(v4) => Some(format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(v4.ip().octets()),
            v4.port()
        )),
        SocketAddr::V6(_) => None,
    }
}

/// An address and port as `/proc/net/tcp6` writes them: IPv4 as its mapped IPv6 address
/// (`::ffff:a.b.c.d`), each 32-bit word in the kernel's byte order.
fn hex_v6(address: SocketAddr) -> String {
    let ip = match address {
        SocketAddr::V4(v4) => v4.ip().to_ipv6_mapped(),
        SocketAddr::V6(v6) => *v6.ip(),
    };
    let words: String = ip
        .octets()
        .chunks_exact(4)
        .map(|word| {
            format!(
                "{:08X}",
                u32::from_ne_bytes([word[0], word[1], word[2], word[3]])
            )
        })
        .collect();
    format!("{words}:{:04X}", address.port())
}

/// This process's user id, from `/proc/self/status`.
fn current_uid() -> Option<u32> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection of this process's own is seen as its user's.
    #[test]
    fn a_connection_of_this_user_is_recognised() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let local = listener.local_addr().expect("address");
        let client = TcpStream::connect(local).expect("connect");
        let peer = client.local_addr().expect("peer");
        if std::path::Path::new("/proc/net/tcp").exists() {
            assert_eq!(same_user(peer, local), Some(true));
        }
        let unknown: SocketAddr = "127.0.0.1:1".parse().expect("address");
        assert_eq!(same_user(unknown, local), None);
        // A connection whose owner is unknown is refused on Linux.
        assert_eq!(owner_allowed(None), !cfg!(target_os = "linux"));
        assert!(!owner_allowed(Some(false)));
        assert!(owner_allowed(Some(true)));
    }

    /// A client's IPv6 socket to `::ffff:127.0.0.1` is found in `/proc/net/tcp6`, with its
    /// owner.
    #[test]
    fn a_v4_mapped_connection_is_found_in_tcp6() {
        let peer: SocketAddr = "127.0.0.1:40000".parse().expect("address");
        let local: SocketAddr = "127.0.0.1:8080".parse().expect("address");
        let (from, to) = (hex_v6(peer), hex_v6(local));
        if cfg!(target_endian = "little") {
            assert_eq!(from, "0000000000000000FFFF00000100007F:9C40");
        }
        let table = format!(
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: {from} {to} 01 00000000:00000000 00:00000000 00000000 65534        0 1 1 0000000000000000 20 4 0 10 -1\n"
        );
        assert_eq!(owner(&table, &from, &to), Some(65534));
        assert_eq!(owner(&table, &to, &from), None);
        assert_eq!(
            hex_v4(peer).as_deref(),
            Some(if cfg!(target_endian = "little") {
                "0100007F:9C40"
            } else {
                "7F000001:9C40"
            })
        );
    }

    /// A real IPv6 client to `::ffff:127.0.0.1`, where the host has IPv6: this user's.
    #[test]
    fn an_ipv6_client_of_this_user_is_recognised() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let local = listener.local_addr().expect("address");
        let mapped = SocketAddr::new(
            std::net::IpAddr::V6(std::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
            local.port(),
        );
        let Ok(client) = TcpStream::connect(mapped) else {
            return;
        };
        let (_, peer) = listener.accept().expect("accepted");
        if std::path::Path::new("/proc/net/tcp6").exists() {
            assert_eq!(same_user(peer, local), Some(true));
        }
        drop(client);
    }
}
