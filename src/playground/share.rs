//! Share links: a world as a URL fragment, `#seed=7&script=<base64url>`.
//!
//! The seed and the session exported as a scenario script are all it takes
//! to rebuild a world exactly (determinism), so a link is those two. The
//! script travels as unpadded base64url of its UTF-8 text: no compression
//! (the page has no inflate in Rust and scripts are small), but no
//! character that a browser or a chat program would rewrite either.
//! [`parse`] says precisely what is wrong with a damaged link.

use std::fmt;

/// The largest seed a link may carry: the page's numbers are JavaScript
/// doubles, exact up to 2^53 - 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// What a share link holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    /// The world's seed.
    pub seed: u64,
    /// The scenario script to run on a fresh world.
    pub script: String,
}

/// A link that cannot be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareError(pub String);

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this share link is damaged: {}", self.0)
    }
}

impl std::error::Error for ShareError {}

/// The fragment (without `#`) for a seed and a script.
pub fn fragment(seed: u64, script: &str) -> String {
    format!("seed={seed}&script={}", encode(script.as_bytes()))
}

/// Reads a fragment made by [`fragment`] (a leading `#` is allowed).
pub fn parse(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let (mut seed, mut script) = (None, None);
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some(("seed", v)) => seed = Some(parse_seed(v)?),
            Some(("script", v)) => script = Some(decode_script(v)?),
            _ => {
                let name = part.split('=').next().unwrap_or(part);
                return Err(ShareError(format!(
                    "unknown part '{name}' (expected seed= and script=)"
                )));
            }
        }
    }
    let seed = seed.ok_or_else(|| ShareError("it has no seed= part".into()))?;
    Ok(Shared {
        seed,
        script: script.unwrap_or_default(),
    })
}

fn parse_seed(v: &str) -> Result<u64, ShareError> {
    v.parse::<u64>()
        .ok()
        .filter(|&s| s <= MAX_SEED)
        .ok_or_else(|| {
            ShareError(format!(
                "the seed must be a whole number from 0 to {MAX_SEED}, not '{v}'"
            ))
        })
}

fn decode_script(v: &str) -> Result<String, ShareError> {
    let bytes = decode(v)?;
    String::from_utf8(bytes).map_err(|e| {
        ShareError(format!(
            "the script is not UTF-8 text (bad byte at {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// Decodes unpadded (or padded) base64url, naming the first bad character.
pub fn decode(text: &str) -> Result<Vec<u8>, ShareError> {
    let text = text.trim_end_matches('=');
    let mut sextets = Vec::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|&a| char::from(a) == c)
            .ok_or_else(|| {
                ShareError(format!(
                    "the script has '{c}' at character {}, which base64url does not use",
                    i + 1
                ))
            })?;
        sextets.push(v as u32);
    }
    if sextets.len() % 4 == 1 {
        return Err(ShareError(
            "the script is cut short (its base64url length is impossible)".into(),
        ));
    }
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &s)| n | s << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded), Ok(plain.as_bytes().to_vec()));
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("Zm9vYg=="), Ok(b"foob".to_vec()));
    }

    #[test]
    fn a_link_round_trips() {
        let script = "node A\nA> SET k \"é ü\" # note\n";
        let f = fragment(42, script);
        assert!(f.starts_with("seed=42&script="));
        assert_eq!(
            parse(&format!("#{f}")),
            Ok(Shared {
                seed: 42,
                script: script.into()
            })
        );
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let msg = |f: &str| {
            parse(f)
                .map_err(|e| e.to_string())
                .err()
                .unwrap_or_default()
        };
        assert_eq!(
            msg("script=Zm9v"),
            "this share link is damaged: it has no seed= part"
        );
        assert_eq!(
            msg("seed=-1"),
            "this share link is damaged: the seed must be a whole number from 0 to 9007199254740991, not '-1'"
        );
        assert_eq!(
            msg("seed=1&script=Zm9v!"),
            "this share link is damaged: the script has '!' at character 5, which base64url does not use"
        );
        assert_eq!(
            msg("seed=1&script=Zm9vY"),
            "this share link is damaged: the script is cut short (its base64url length is impossible)"
        );
        assert_eq!(
            msg("seed=1&script=_w"),
            "this share link is damaged: the script is not UTF-8 text (bad byte at 0)"
        );
        assert_eq!(
            msg("seed=1&x=2"),
            "this share link is damaged: unknown part 'x' (expected seed= and script=)"
        );
        assert_eq!(
            parse("seed=9"),
            Ok(Shared {
                seed: 9,
                script: String::new()
            })
        );
    }
}
