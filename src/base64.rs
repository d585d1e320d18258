//! Base64, the one encoder both of its users share: share links write
//! unpadded base64url (no character a URL or a chat program rewrites), and
//! transcripts write standard padded base64, which `base64 -d` reads.
//! (Decoding is needed only for share links and lives with them.)

/// The standard alphabet (RFC 4648 §4).
pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The URL- and file-name-safe alphabet (RFC 4648 §5).
pub const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in `alphabet`, with `=` padding to a multiple of four or none.
pub fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
        }
        if pad {
            out.extend(std::iter::repeat('=').take(3 - chunk.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(encode(plain.as_bytes(), STANDARD, true), coded);
            assert_eq!(
                encode(plain.as_bytes(), URL, false),
                coded.trim_end_matches('=')
            );
        }
        assert_eq!(encode(&[0xfb, 0xff], STANDARD, true), "+/8=");
        assert_eq!(encode(&[0xfb, 0xff], URL, false), "-_8");
    }
}
