//! A one-time link on `127.0.0.1`: `http://127.0.0.1:PORT/NONCE` answers one request with a
//! redirect to the sign-in URL, then stops. It is for what cannot read a private file: Firefox
//! containers (extensions may not open `file:` URLs) and command templates.
//!
//! The nonce is 128 random bits. On Linux, a connection from another local user is refused
//! without using the link up (its owner is read from `/proc/net/tcp`), so only the user's own
//! browser can follow it.

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
        } else if local.and_then(|local| same_user(peer, local)) == Some(false) {
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

/// Whether the connection from `peer` to `local` belongs to a process of this user: `None`
/// where the kernel does not say (no `/proc/net/tcp`, or the connection is not in it, as from
/// another network namespace).
fn same_user(peer: SocketAddr, local: SocketAddr) -> Option<bool> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let uid = current_uid()?;
    let hex = |address: SocketAddr| match address {
        SocketAddr::V4(v4) => format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(v4.ip().octets()),
            v4.port()
        ),
        SocketAddr::V6(_) => String::new(),
    };
    let (peer, local) = (hex(peer), hex(local));
    table.lines().skip(1).find_map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        (fields.get(1) == Some(&peer.as_str()) && fields.get(2) == Some(&local.as_str()))
            .then(|| fields.get(7).and_then(|u| u.parse::<u32>().ok()) == Some(uid))
    })
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
    }
}
