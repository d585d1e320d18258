//! `Sds`: the byte string every key, value, field and member is stored as.
//!
//! Named after Redis's own string type. Most keys and values in a playground
//! (and in `DEBUG POPULATE`'s `key:N` / `value:N`) are short, so strings of up
//! to [`INLINE_CAP`] bytes live inside the 24-byte value itself with no heap
//! allocation; longer ones are one boxed slice. This is what keeps the
//! simulator's bytes-per-key below real Redis's (see the benchmarks).

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Longest string stored inline.
pub const INLINE_CAP: usize = 22;

/// An immutable byte string, inline when short. To change one, build the new
/// bytes and replace it: strings in the keyspace are rewritten, not edited.
#[derive(Clone)]
pub enum Sds {
    /// Up to [`INLINE_CAP`] bytes stored in place.
    Inline { len: u8, buf: [u8; INLINE_CAP] },
    /// Longer strings.
    Heap(Box<[u8]>),
}

impl Sds {
    /// The empty string.
    pub const EMPTY: Sds = Sds::Inline {
        len: 0,
        buf: [0; INLINE_CAP],
    };

    /// Copies `bytes` into a new string.
    pub fn new(bytes: &[u8]) -> Sds {
        if bytes.len() <= INLINE_CAP {
            let mut buf = [0; INLINE_CAP];
            buf[..bytes.len()].copy_from_slice(bytes);
            Sds::Inline {
                len: bytes.len() as u8,
                buf,
            }
        } else {
            Sds::Heap(bytes.into())
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Sds::Inline { len, buf } => &buf[..*len as usize],
            Sds::Heap(b) => b,
        }
    }

    /// Heap bytes this string owns beyond its own 24 bytes (for memory stats).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Sds::Inline { .. } => 0,
            Sds::Heap(b) => b.len(),
        }
    }
}

impl Default for Sds {
    fn default() -> Sds {
        Sds::EMPTY
    }
}

impl Deref for Sds {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Sds {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<[u8]> for Sds {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Sds {
    fn eq(&self, other: &Sds) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Sds {}

impl PartialOrd for Sds {
    fn partial_cmp(&self, other: &Sds) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sds {
    fn cmp(&self, other: &Sds) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Sds {
    // Must hash exactly like `[u8]`, because maps keyed by `Sds` are looked
    // up with `&[u8]` through `Borrow`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl fmt::Debug for Sds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::cli::repr(self))
    }
}

impl From<&[u8]> for Sds {
    fn from(b: &[u8]) -> Sds {
        Sds::new(b)
    }
}

impl From<Vec<u8>> for Sds {
    fn from(v: Vec<u8>) -> Sds {
        if v.len() <= INLINE_CAP {
            Sds::new(&v)
        } else {
            Sds::Heap(v.into_boxed_slice())
        }
    }
}

impl From<&str> for Sds {
    fn from(s: &str) -> Sds {
        Sds::new(s.as_bytes())
    }
}

impl From<String> for Sds {
    fn from(s: String) -> Sds {
        Sds::from(s.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_compare_by_bytes() {
        assert_eq!(std::mem::size_of::<Sds>(), 24);
        let short = Sds::from("key:1");
        assert!(matches!(short, Sds::Inline { .. }));
        let long = Sds::from("x".repeat(40));
        assert!(matches!(long, Sds::Heap(_)));
        assert_eq!(&*short, b"key:1");
        assert_eq!(long.len(), 40);
        assert!(short < long);
    }
}
