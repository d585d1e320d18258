//! A small TCP proxy per replication link, so a scenario's `link A B down`
//! can cut a real replica from its real master.
//!
//! A replica told `REPLICAOF A` really connects to its proxy, which forwards
//! bytes both ways to A's port. The proxy shares a [`LinkState`] with every
//! other proxy between the same two nodes. `down` closes both sides of every
//! proxied connection (each server sees its socket close, as the simulator
//! makes it see a cut) and closes new connections at once until `up`. A
//! one-way cut holds the bytes (and a close) going one way, as a stalled
//! TCP connection would, and releases them on `up`. Latency and bandwidth are not applied:
//! conformance scenarios must not depend on them.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The state of the link between two nodes, shared by its proxies.
#[derive(Default)]
pub struct LinkState {
    down: AtomicBool,
    /// Senders whose bytes are held (one-way cuts).
    held_from: Mutex<BTreeSet<String>>,
    /// Every open proxied stream (both ends), to close on `down`.
    streams: Mutex<Vec<TcpStream>>,
    /// Set when the scenario is over: everything stops.
    closed: AtomicBool,
}

impl LinkState {
    /// Cuts the link: closes every proxied connection, refuses new ones.
    pub fn set_down(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.close_streams();
    }

    /// Holds the bytes sent by `sender` until `up`.
    pub fn hold_from(&self, sender: &str) {
        lock(&self.held_from).insert(sender.to_string());
    }

    /// Heals the link in both directions.
    pub fn set_up(&self) {
        self.down.store(false, Ordering::SeqCst);
        lock(&self.held_from).clear();
    }

    /// True while the link is cut both ways.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    /// True while anything (a cut, a hold) stands between the two nodes.
    pub fn is_impaired(&self) -> bool {
        self.is_down() || !lock(&self.held_from).is_empty()
    }

    fn is_held(&self, sender: &str) -> bool {
        lock(&self.held_from).contains(sender)
    }

    fn close_streams(&self) {
        for s in lock(&self.streams).drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// Ends the scenario: closes every connection; the proxies' threads exit.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.close_streams();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A listening proxy from one replica to one master.
pub struct Proxy {
    /// The port the replica is told to connect to.
    pub port: u16,
    /// The master's real port; changes when the master node is removed
    /// and declared again (a restart).
    pub upstream: Arc<AtomicU16>,
}

impl Proxy {
    /// Starts a proxy for `replica` → `master` (listening on a free port,
    /// forwarding to `master_port`).
    pub fn start(replica: &str, master: &str, master_port: u16, link: Arc<LinkState>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let names = (replica.to_string(), master.to_string());
        let upstream = Arc::new(AtomicU16::new(master_port));
        let target = Arc::clone(&upstream);
        thread::spawn(move || accept_loop(listener, target, names, link));
        Proxy { port, upstream }
    }
}

/// Accepts replica connections until the scenario ends.
fn accept_loop(
    listener: TcpListener,
    master_port: Arc<AtomicU16>,
    names: (String, String),
    link: Arc<LinkState>,
) {
    listener
        .set_nonblocking(true)
        .expect("nonblocking listener");
    while !link.closed.load(Ordering::SeqCst) {
        let client = match listener.accept() {
            Ok((client, _)) => client,
            Err(_) => {
                thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        // A cut link refuses: the connection closes at once, as a refused
        // or timed-out connect does for the replica.
        if link.is_down() {
            continue;
        }
        let _ = client.set_nonblocking(false);
        let port = master_port.load(Ordering::SeqCst);
        let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        start_pumps(client, upstream, &names, &link);
    }
}

/// Registers both ends and starts one pumping thread per direction.
fn start_pumps(
    client: TcpStream,
    upstream: TcpStream,
    names: &(String, String),
    link: &Arc<LinkState>,
) {
    let (Ok(c2), Ok(u2), Ok(c3), Ok(u3)) = (
        client.try_clone(),
        upstream.try_clone(),
        client.try_clone(),
        upstream.try_clone(),
    ) else {
        return;
    };
    lock(&link.streams).extend([c3, u3]);
    let (replica, master) = names.clone();
    let (replica2, master2) = names.clone();
    let l1 = Arc::clone(link);
    let l2 = Arc::clone(link);
    thread::spawn(move || pump(client, u2, (&replica, &master), &l1));
    thread::spawn(move || pump(upstream, c2, (&master2, &replica2), &l2));
}

/// Copies bytes from `src` (sent by `sender`) to `dst` (read by
/// `receiver`), holding them while the sender's direction is cut; closes
/// both when either side closes. A close is held like the bytes before it:
/// a stalled TCP connection does not deliver its FIN, nor the reset that
/// answers later bytes, so a replica that leaves its master across a
/// one-way cut is still listed by the master until the link heals.
fn pump(
    mut src: TcpStream,
    mut dst: TcpStream,
    (sender, receiver): (&str, &str),
    link: &LinkState,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let read = src.read(&mut buf);
        while link.is_held(sender) && !link.closed.load(Ordering::SeqCst) && !link.is_down() {
            thread::sleep(Duration::from_millis(5));
        }
        let n = match read {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if link.is_down() {
            break;
        }
        if dst.write_all(&buf[..n]).is_err() {
            drain_while_held(&mut src, &mut buf, receiver, link);
            break;
        }
    }
    let _ = src.shutdown(Shutdown::Both);
    let _ = dst.shutdown(Shutdown::Both);
}

/// Reads and drops what `src` sends while the way back from `receiver`
/// (who has closed) is cut, so the sender learns of the close only when
/// that direction heals.
fn drain_while_held(src: &mut TcpStream, buf: &mut [u8], receiver: &str, link: &LinkState) {
    let _ = src.set_read_timeout(Some(Duration::from_millis(20)));
    while link.is_held(receiver) && !link.closed.load(Ordering::SeqCst) && !link.is_down() {
        match src.read(buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
}
