//! Tests of the form encoder against Python's `urlencode`.

use proptest::prelude::*;

use super::*;

fn encode(value: &str) -> String {
    let mut out = String::new();
    encode_into(value, &mut out);
    out
}

/// Encodes `pairs`, checking that the buffer never grew (a copy of a secret
/// would be left behind).
fn encode_pairs_sized(pairs: &[(&str, &str)]) -> String {
    let out = encode_pairs(pairs);
    assert_eq!(out.capacity(), capacity(pairs), "pairs {pairs:?}");
    out.to_string()
}

/// `expect` is what Python 3's `urllib.parse.quote_plus` gives for `input`.
#[track_caller]
fn check(input: &str, expect: &str) {
    assert_eq!(encode(input), expect, "input {input:?}");
}

#[test]
fn as_python_quote_plus() {
    check("", "");
    check("abcXYZ019", "abcXYZ019");
    check("_.-~", "_.-~");
    check("FAKE-token_1.~", "FAKE-token_1.~");
    check("FAKE-token_1.~ ", "FAKE-token_1.~+");
    check(" FAKE-token_1.~", "+FAKE-token_1.~");
    check(" ", "+");
    check("a b+c", "a+b%2Bc");
    check(
        "!\"#$%&'()*+,/:;<=>?@[\\]^`{|}",
        "%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D",
    );
    check("é😀", "%C3%A9%F0%9F%98%80");
    // Longer than the chunks that bytes are counted in.
    check(&"FAKE/ ".repeat(100), &"FAKE%2F+".repeat(100));
    check(&"FAKE-".repeat(100), &"FAKE-".repeat(100));
    check("\u{0}\u{7f}", "%00%7F");
    check(
        "https://console.aws.amazon.com/s3/home?region=eu-west-1#x",
        "https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1%23x",
    );
}

/// Every ASCII character, against the definition of `quote_plus`'s safe bytes.
#[test]
fn unreserved_bytes() {
    for b in 0..0x80u8 {
        let c = char::from(b).to_string();
        let expect = if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) {
            c.clone()
        } else if b == b' ' {
            "+".to_owned()
        } else {
            format!("%{b:02X}")
        };
        assert_eq!(encode(&c), expect, "byte {b:#04x}");
    }
}

#[test]
fn pairs() {
    assert_eq!(encode_pairs_sized(&[]), "");
    assert_eq!(encode_pairs_sized(&[("a", "")]), "a=");
    assert_eq!(
        encode_pairs_sized(&[("Action", "login"), ("a b", "c&d=e")]),
        "Action=login&a+b=c%26d%3De"
    );
}

#[test]
fn query() {
    assert_eq!(*with_query("https://h/p", &[]), "https://h/p?");
    assert_eq!(
        *with_query("https://h/p", &[("Action", "login"), ("a b", "c&d=e")]),
        "https://h/p?Action=login&a+b=c%26d%3De"
    );
}

proptest! {
    #[test]
    fn decodes_back(pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..4)) {
        let borrowed: Vec<(&str, &str)> =
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let encoded = encode_pairs_sized(&borrowed);
        prop_assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-~+%&=".contains(&b)));
        let decoded: Vec<(String, String)> = url::form_urlencoded::parse(encoded.as_bytes())
            .into_owned()
            .collect();
        prop_assert_eq!(decoded, pairs);
    }
}
