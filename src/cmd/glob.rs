//! Glob-style pattern matching, as Redis's `stringmatchlen` does it for KEYS,
//! SCAN MATCH and CONFIG GET.
//!
//! Supported: `*` (any run of bytes), `?` (one byte), `[abc]`, `[^abc]`,
//! `[a-z]` (reversed ranges are swapped), and `\x` to match `x` literally.
//! An unterminated `[` class runs to the end of the pattern, as in Redis.
//!
//! Unlike Redis's recursive matcher, this one backtracks only to the last
//! `*`, which gives the same answers in O(pattern × text) time; Redis 7.0
//! needed a special case to stop pathological patterns from taking
//! exponential time.

/// True when `text` matches `pattern`; `nocase` compares ASCII letters
/// case-insensitively (CONFIG GET does, KEYS does not).
pub fn matches(pattern: &[u8], text: &[u8], nocase: bool) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    // Where to resume after the most recent `*`: (pattern index after the
    // star, text index the star currently stops at).
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                // Collapse runs of stars; each one matches nothing at first.
                while pattern.get(p) == Some(&b'*') {
                    p += 1;
                }
                if p == pattern.len() {
                    return true;
                }
                star = Some((p, t));
                continue;
            }
            Some(_) => {
                if let Some(next) = match_one(pattern, p, text[t], nocase) {
                    p = next;
                    t += 1;
                    continue;
                }
            }
            None => {}
        }
        // Mismatch: let the last star swallow one more byte, or fail.
        match star {
            Some((sp, st)) => {
                star = Some((sp, st + 1));
                p = sp;
                t = st + 1;
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// Matches the single pattern element at `p` (not a star) against byte `c`;
/// returns the index just past the element on success.
fn match_one(pattern: &[u8], p: usize, c: u8, nocase: bool) -> Option<usize> {
    match pattern[p] {
        b'?' => Some(p + 1),
        b'[' => match_class(pattern, p + 1, c, nocase),
        b'\\' if p + 1 < pattern.len() => eq(pattern[p + 1], c, nocase).then_some(p + 2),
        lit => eq(lit, c, nocase).then_some(p + 1),
    }
}

/// Matches a `[...]` class whose body starts at `p`.
fn match_class(pattern: &[u8], mut p: usize, c: u8, nocase: bool) -> Option<usize> {
    let negate = pattern.get(p) == Some(&b'^');
    if negate {
        p += 1;
    }
    let mut hit = false;
    while p < pattern.len() && pattern[p] != b']' {
        if pattern[p] == b'\\' && p + 1 < pattern.len() {
            hit |= eq(pattern[p + 1], c, nocase);
            p += 2;
        } else if p + 2 < pattern.len() && pattern[p + 1] == b'-' {
            let (mut lo, mut hi) = (pattern[p], pattern[p + 2]);
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            let (lo, hi, c) = if nocase {
                (lower(lo), lower(hi), lower(c))
            } else {
                (lo, hi, c)
            };
            hit |= c >= lo && c <= hi;
            p += 3;
        } else {
            hit |= eq(pattern[p], c, nocase);
            p += 1;
        }
    }
    // Step over the closing bracket when there is one.
    let next = (p + 1).min(pattern.len());
    (hit != negate).then_some(next)
}

fn lower(c: u8) -> u8 {
    c.to_ascii_lowercase()
}

fn eq(a: u8, b: u8, nocase: bool) -> bool {
    a == b || (nocase && lower(a) == lower(b))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs_like_stringmatchlen() {
        let yes = |p: &str, t: &str| assert!(matches(p.as_bytes(), t.as_bytes(), false), "{p} {t}");
        let no = |p: &str, t: &str| assert!(!matches(p.as_bytes(), t.as_bytes(), false), "{p} {t}");
        yes("*", "");
        yes("*", "anything");
        yes("key:*", "key:12");
        no("key:*", "kex:12");
        yes("h?llo", "hello");
        no("h?llo", "hllo");
        yes("h[ae]llo", "hallo");
        no("h[ae]llo", "hillo");
        yes("h[^e]llo", "hallo");
        no("h[^e]llo", "hello");
        yes("h[a-b]llo", "hbllo");
        yes("h[b-a]llo", "hbllo");
        yes("a\\*b", "a*b");
        no("a\\*b", "axb");
        yes("*a*b*c*", "xxaxxbxxcxx");
        no("*a*b*c*", "xxaxxcxxbxx");
        yes("a*", "a");
        no("a", "ab");
        no("ab", "a");
        yes("[abc", "a");
        no("", "a");
        yes("", "");
    }

    #[test]
    fn nocase_is_for_config_names() {
        assert!(matches(b"REPL-*", b"repl-timeout", true));
        assert!(!matches(b"REPL-*", b"repl-timeout", false));
        assert!(matches(b"[R]epl*", b"repl", true));
    }
}
