//! Share links: a world as a URL fragment,
//! `#v=2&seed=7&size=412&script=<base64url>`.
//!
//! The seed and the session exported as a scenario script are all it takes
//! to rebuild a world exactly (determinism), so a link is those two.
//!
//! - **Format 2** (written): `v=2`, the `seed`, the `size` of the script's
//!   UTF-8 text in bytes, and the `script` compressed with LZF — the
//!   compressor Redis applies to long strings in RDB files, which the
//!   crate already has (`crate::rdb::lzf`) — in unpadded base64url, so that
//!   no character needs escaping or gets rewritten by a browser or a chat
//!   program. Scripts repeat themselves (`A> SET`, node names, `settle`),
//!   so a link to a typical session is well under half as long as in
//!   format 1 (measured: 771 characters instead of 1,817). LZF needs the
//!   size to decompress, hence `size`.
//! - **Format 1** (read, for links made before): no `v`, and the script is
//!   the base64url of its UTF-8 text, uncompressed. An empty script, which
//!   LZF has nothing to do with, is still written this way.
//!
//! A link is typed or pasted by people and mangled by programs, so [`parse`]
//! trusts nothing in it and says precisely what is wrong with a damaged one;
//! the page then keeps the world it has.

use crate::rdb::lzf::{self, Compressor};
use std::fmt;

/// The largest seed a link may carry: the page's numbers are JavaScript
/// doubles, exact up to 2^53 - 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The largest script size a link may declare (8 MiB: far more than any
/// URL can hold), so a damaged `size` cannot make us allocate gigabytes.
pub const MAX_SCRIPT_BYTES: usize = 8 << 20;

/// The format [`fragment`] writes.
const VERSION: &str = "2";

const ALPHABET: &[u8; 64] = crate::base64::URL;

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

/// The fragment (without `#`) for a seed and a script, in format 2.
pub fn fragment(seed: u64, script: &str) -> String {
    match compress(script) {
        Some(packed) => format!(
            "v={VERSION}&seed={seed}&size={}&script={}",
            script.len(),
            encode(&packed)
        ),
        None => format!("seed={seed}&script={}", encode(script.as_bytes())),
    }
}

/// LZF of a text, `None` for an empty one (LZF has nothing to do with it).
fn compress(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    // LZF grows data it cannot compress by one control byte per 32 bytes;
    // this bound always fits, so `None` only comes from an empty text.
    let bound = text.len() + text.len() / 32 + 4;
    Compressor::new().compress(text, bound).map(<[u8]>::to_vec)
}

/// A whole text in one URL parameter, `<size>.<base64url of its LZF>`:
/// how a lesson link carries a lesson that is not shipped with the page
/// (one the user opened from a file), so that the link opens it anywhere.
/// The same compression as a script in [`fragment`]; the dot cannot occur
/// in base64url.
pub fn pack_text(text: &str) -> String {
    match compress(text) {
        Some(packed) => format!("{}.{}", text.len(), encode(&packed)),
        None => "0.".to_string(),
    }
}

/// Reads what [`pack_text`] wrote, saying what is wrong with a damaged one.
pub fn unpack_text(packed: &str) -> Result<String, ShareError> {
    let (size, data) = packed
        .split_once('.')
        .ok_or_else(|| ShareError("the text has no '<size>.' in front of its bytes".into()))?;
    let size = parse_at_most(size, MAX_SCRIPT_BYTES, "the text's size")?;
    if size == 0 {
        return Ok(String::new());
    }
    let bytes = lzf::decompress(&decode(data)?, size).map_err(|e| {
        ShareError(format!(
            "the text's compressed bytes do not decompress ({e})"
        ))
    })?;
    text(bytes)
}

/// The parts of a fragment, as found (the last of a repeated part wins).
#[derive(Default)]
struct Parts<'a> {
    version: Option<&'a str>,
    seed: Option<&'a str>,
    size: Option<&'a str>,
    script: Option<&'a str>,
    /// The first part we do not know.
    unknown: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn split(fragment: &'a str) -> Parts<'a> {
        let mut parts = Parts::default();
        for part in fragment.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let slot = match name {
                "v" => &mut parts.version,
                "seed" => &mut parts.seed,
                "size" => &mut parts.size,
                "script" => &mut parts.script,
                _ => {
                    parts.unknown.get_or_insert(name);
                    continue;
                }
            };
            *slot = Some(value);
        }
        parts
    }
}

/// Reads a fragment in format 2 or 1 (a leading `#` is allowed).
pub fn parse(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let parts = Parts::split(fragment);
    let compressed = match parts.version {
        None => false,
        Some(VERSION) => true,
        Some(v) => {
            return Err(ShareError(format!(
                "it is in format v={v}, and this page reads v=2 and links without v= \
                 (was it made by a newer replscope?)"
            )))
        }
    };
    let unknown = match (parts.unknown, parts.size) {
        (Some(name), _) => Some(name),
        (None, Some(_)) if !compressed => Some("size"),
        _ => None,
    };
    if let Some(name) = unknown {
        let expected = if compressed {
            "v=, seed=, size= and script="
        } else {
            "seed= and script="
        };
        return Err(ShareError(format!(
            "unknown part '{name}' (expected {expected})"
        )));
    }
    let seed = parts
        .seed
        .ok_or_else(|| ShareError("it has no seed= part".into()))?;
    let seed = parse_seed(seed)?;
    let script = decode(parts.script.unwrap_or_default())?;
    let script = if compressed {
        let size = parts
            .size
            .ok_or_else(|| ShareError("it has no size= part".into()))?;
        lzf::decompress(&script, parse_size(size)?).map_err(|e| {
            ShareError(format!(
                "the script's compressed bytes do not decompress ({e})"
            ))
        })?
    } else {
        script
    };
    Ok(Shared {
        seed,
        script: text(script)?,
    })
}

fn parse_seed(v: &str) -> Result<u64, ShareError> {
    parse_at_most(v, MAX_SEED, "the seed")
}

fn parse_size(v: &str) -> Result<usize, ShareError> {
    parse_at_most(v, MAX_SCRIPT_BYTES, "the script size")
}

/// A whole number from 0 to `max`, or an error naming `what`.
fn parse_at_most<T>(v: &str, max: T, what: &str) -> Result<T, ShareError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    v.parse::<T>().ok().filter(|s| *s <= max).ok_or_else(|| {
        ShareError(format!(
            "{what} must be a whole number from 0 to {max}, not '{v}'"
        ))
    })
}

fn text(bytes: Vec<u8>) -> Result<String, ShareError> {
    String::from_utf8(bytes).map_err(|e| {
        ShareError(format!(
            "the script is not UTF-8 text (bad byte at {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    crate::base64::encode(bytes, ALPHABET, false)
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
    fn a_packed_text_comes_back_whole() {
        for text in ["", "x", SESSION, "title: é ü ✓\nstep: one\n"] {
            let packed = pack_text(text);
            assert!(!packed.contains(['&', '#', '=', '+', '/']), "{packed}");
            assert_eq!(unpack_text(&packed).as_deref(), Ok(text));
        }
        // A lesson repeats itself as a session does: compressed, it is
        // shorter in a link than its plain base64url.
        let plain = encode(SESSION.as_bytes()).len();
        assert!(
            pack_text(SESSION).len() < plain,
            "{} vs {plain}",
            pack_text(SESSION)
        );
    }

    #[test]
    fn a_damaged_packed_text_says_why() {
        let good = pack_text(SESSION);
        let cases = [
            ("abc", "no '<size>.'"),
            ("x.AAAA", "the text's size must be a whole number"),
            (&good[..good.len() - 9], "do not decompress"),
            ("5.!!!!", "'!' at character 1"),
        ];
        for (packed, why) in cases {
            let e = unpack_text(packed).expect_err(packed).to_string();
            assert!(e.contains(why), "{packed}: {e}");
        }
    }

    /// A session like the ones people share: a cascade, writes, a cut.
    const SESSION: &str = "# replscope session (seed 42)\n\
        node A\nnode B\nnode C\n\
        B> REPLICAOF A\nC> REPLICAOF B\n\
        A> SET user:1 alice\nA> SET user:2 bob\nA> SET user:3 carol\n\
        link A B down\nA> SET user:4 dave\nlink A B up\nsettle\n\
        expect C> GET user:4 => \"dave\"\n";

    fn msg(f: &str) -> String {
        parse(f)
            .map_err(|e| e.to_string())
            .err()
            .unwrap_or_default()
    }

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
    fn a_fixed_script_gives_this_exact_fragment() {
        let script = "node A\nnode B\nB> REPLICAOF A\nA> SET k v\nA> SET k w\n";
        let f = "v=2&seed=7&size=51&script=B25vZGUgQQpuQAYNQgpCPiBSRVBMSUNBT0YgFQlBPiBTRVQgayB24AEKAXcK";
        assert_eq!(fragment(7, script), f);
        assert_eq!(parse(f).map(|s| s.script), Ok(script.to_string()));
    }

    #[test]
    fn links_round_trip_and_compress() {
        let noise: String = (0..3000u32)
            .map(|i| char::from_u32(0x20 + (i.wrapping_mul(2_654_435_761) >> 7) % 0x5e))
            .map(|c| c.unwrap_or('?'))
            .collect();
        for script in [
            SESSION,
            "node A\nA> SET k \"é ü\" # note\n",
            "",
            "x",
            &noise,
        ] {
            let f = fragment(42, script);
            assert_eq!(
                parse(&format!("#{f}")),
                Ok(Shared {
                    seed: 42,
                    script: script.into()
                }),
                "{f}"
            );
        }
        let v1 = format!("seed=42&script={}", encode(SESSION.as_bytes()));
        let v2 = fragment(42, SESSION);
        assert_eq!((v1.len(), v2.len()), (311, 256));
        assert_eq!(
            fragment(3, ""),
            "seed=3&script=",
            "an empty script goes in format 1"
        );
    }

    #[test]
    fn format_1_links_still_open() {
        assert_eq!(
            parse("#seed=42&script=bm9kZSBBCkE-IFNFVCBrIHYK"),
            Ok(Shared {
                seed: 42,
                script: "node A\nA> SET k v\n".into()
            })
        );
        assert_eq!(
            parse("seed=9"),
            Ok(Shared {
                seed: 9,
                script: String::new()
            })
        );
    }

    #[test]
    fn damaged_format_1_links_say_what_is_wrong() {
        let cases = [
            ("script=Zm9v", "it has no seed= part"),
            (
                "seed=-1",
                "the seed must be a whole number from 0 to 9007199254740991, not '-1'",
            ),
            (
                "seed=1&script=Zm9v!",
                "the script has '!' at character 5, which base64url does not use",
            ),
            (
                "seed=1&script=Zm9vY",
                "the script is cut short (its base64url length is impossible)",
            ),
            (
                "seed=1&script=_w",
                "the script is not UTF-8 text (bad byte at 0)",
            ),
            (
                "seed=1&x=2",
                "unknown part 'x' (expected seed= and script=)",
            ),
            (
                "seed=1&size=3&script=Zm9v",
                "unknown part 'size' (expected seed= and script=)",
            ),
        ];
        for (fragment, why) in cases {
            assert_eq!(msg(fragment), format!("this share link is damaged: {why}"));
        }
    }

    #[test]
    fn damaged_format_2_links_say_what_is_wrong() {
        let good = fragment(7, SESSION);
        let script = good.split_once("&script=").map_or("", |(_, s)| s);
        let with = |size: &str, script: &str| format!("v=2&seed=7&size={size}&script={script}");
        let cut = |n: usize| &script[..script.len() - n];
        let cases = [
            (
                // Cut mid-way through a literal run.
                with("222", cut(100)),
                "the script's compressed bytes do not decompress (LZF literal run goes past the end of the data)",
            ),
            (
                // Cut after a whole back reference: too few bytes come out.
                with("222", cut(4)),
                "the script's compressed bytes do not decompress (LZF data expands to 220 bytes, not the declared 222)",
            ),
            (
                with("100", script),
                "the script's compressed bytes do not decompress (LZF data expands beyond the declared 100 bytes)",
            ),
            (
                // A back reference as the very first byte.
                with("10", "4AAA"),
                "the script's compressed bytes do not decompress (LZF back reference points before the start)",
            ),
            (
                with("9999999999", script),
                "the script size must be a whole number from 0 to 8388608, not '9999999999'",
            ),
            ("v=2&seed=7&script=AGE".into(), "it has no size= part"),
            (
                "v=2&seed=7&size=1&script=AP8".into(),
                "the script is not UTF-8 text (bad byte at 0)",
            ),
            (
                "v=3&seed=7".into(),
                "it is in format v=3, and this page reads v=2 and links without v= \
                 (was it made by a newer replscope?)",
            ),
            (
                "v=2&seed=7&colour=red".into(),
                "unknown part 'colour' (expected v=, seed=, size= and script=)",
            ),
        ];
        for (fragment, why) in cases {
            assert_eq!(
                msg(&fragment),
                format!("this share link is damaged: {why}"),
                "{fragment}"
            );
        }
        assert_eq!(parse(&with("222", script)).map(|s| s.seed), Ok(7));
    }
}
