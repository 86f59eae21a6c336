//! Tests of body excerpts.

use super::excerpt;

const SECRET: &str = "Se/cr+et=Key";

#[track_caller]
fn check(body: &str, expected: &str) {
    assert_eq!(excerpt(body.as_bytes(), &[SECRET, ""]), expected);
}

#[test]
fn plain_text_is_kept() {
    check(
        "Invalid Credentials Parameter.",
        "Invalid Credentials Parameter.",
    );
    check("", "");
}

#[test]
fn whitespace_and_control_characters_collapse() {
    check("  line one\r\n\tline\u{7}two  ", "line one line two");
}

#[test]
fn html_tags_scripts_and_styles_are_removed() {
    check(
        "<html><head><STYLE>p{x:1}</STYLE><script type=\"x\">if (a < b) {}</script></head><body><p>Bad</p>Request</body></html>",
        "Bad Request",
    );
    check("a < b", "a");
}

#[test]
fn long_bodies_are_cut() {
    let cut = excerpt("é".repeat(1000).as_bytes(), &[]);
    assert_eq!(cut.chars().count(), 161);
    assert!(cut.ends_with('…'));
}

#[test]
fn invalid_utf8_is_replaced() {
    assert_eq!(excerpt(b"bad \xff body", &[]), "bad \u{fffd} body");
}

#[test]
fn bodies_echoing_a_secret_are_withheld() {
    let withheld = "[withheld: the response echoes the credentials]";
    check("key Se/cr+et=Key", withheld);
    check("key Se%2Fcr%2Bet%3DKey", withheld);
    check("key se%2fcr%2bet%3dkey", withheld);
    check(r#"{"k":"Se\/cr+et=Key"}"#, withheld);
    check("key Se/cr<b>+et=Key", withheld);
    check("key Se/cr\n+et=Key", withheld);
}

/// `secret` percent-encoded as Python's `urllib.parse.quote()` does: `/` kept, space as `%20`.
fn python_quote(secret: &str) -> String {
    let mut out = String::new();
    for &b in secret.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `secret` with every byte but letters and digits percent-encoded in lower-case hex.
fn lower_hex(secret: &str) -> String {
    let mut out = String::new();
    for &b in secret.as_bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// `text` in every encoding a server might echo it in, each as a body that also has `prefix`
/// before it and some text after (base64 encodes the whole body, so the prefix shifts the
/// secret's alignment).
fn echoes(text: &str, prefix: &str) -> Vec<(String, String)> {
    let form: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let json = serde_json::to_string(text).expect("a string serializes");
    let mut bodies = vec![
        ("raw".to_owned(), format!("{prefix}{text} tail")),
        ("form".to_owned(), format!("{prefix}{form} tail")),
        (
            "quote".to_owned(),
            format!("{prefix}{} tail", python_quote(text)),
        ),
        (
            "lower hex".to_owned(),
            format!("{prefix}{} tail", lower_hex(text)),
        ),
        (
            "json".to_owned(),
            format!(r#"{{"echo":{json},"p":"{prefix}"}}"#),
        ),
    ];
    let plain = format!("{prefix}{text} tail");
    for (name, encoding) in [
        ("base64", &data_encoding::BASE64),
        ("base64 unpadded", &data_encoding::BASE64_NOPAD),
        ("base64url", &data_encoding::BASE64URL),
        ("base64url unpadded", &data_encoding::BASE64URL_NOPAD),
    ] {
        bodies.push((
            name.to_owned(),
            format!("echo: {}", encoding.encode(plain.as_bytes())),
        ));
        // The same with nothing after the secret, so that padding follows it.
        bodies.push((
            format!("{name} at the end"),
            format!(
                "echo: {}",
                encoding.encode(format!("{prefix}{text}").as_bytes())
            ),
        ));
    }
    bodies
}

#[test]
fn bodies_echoing_a_secret_in_any_encoding_are_withheld() {
    let withheld = "[withheld: the response echoes the credentials]";
    for secret in [
        SECRET,
        "fake/Secret+Key=ExampleONLY0000000000001",
        "a b~c*d/e+f=g h",
    ] {
        for prefix in ["", "x", "xy", "xyz"] {
            for (name, body) in echoes(secret, prefix) {
                assert_eq!(
                    excerpt(body.as_bytes(), &[secret]),
                    withheld,
                    "{name}, prefix {prefix:?}: {body}"
                );
            }
        }
    }
}

#[test]
fn nested_and_escaped_echoes_are_withheld() {
    let withheld = "[withheld: the response echoes the credentials]";
    for body in [
        // Form-encoded twice, as a server re-encoding the form body would.
        "echo Se%252Fcr%252Bet%253DKey",
        "echo Se%25252Fcr%25252Bet%25253DKey",
        // JSON escapes.
        r#"{"k":"Se\u002Fcr\u002bet\u003DKey"}"#,
        // HTML character references.
        "<p>Se&#x2F;cr&#43;et&equals;Key</p>",
        "<p>Se&sol;cr&plus;et&#61;Key</p>",
        // Wrapped base64, as MIME writes it.
        "echo: U2Uv\r\nY3IrZXQ9S2V5",
    ] {
        check(body, withheld);
    }
}

#[test]
fn a_body_with_the_access_key_id_echoes_the_request_and_is_withheld() {
    let withheld = "[withheld: the response echoes the credentials]";
    let key_id = "ASIAFAKEEXAMPLE00001";
    let encoded = data_encoding::BASE64.encode(format!("sessionId={key_id}").as_bytes());
    for body in [format!("bad request for {key_id}"), encoded] {
        assert_eq!(
            excerpt(body.as_bytes(), &[SECRET, key_id]),
            withheld,
            "{body}"
        );
    }
}

#[test]
fn ordinary_messages_are_not_mistaken_for_echoes() {
    for body in [
        "Invalid Credentials Parameter.",
        "Session must be a JSON object with string sessionId, sessionKey and sessionToken",
        "SessionDuration must be an integer from 900 to 43200",
        "a%20b %zz \\q &nbsp; &#xZZ; U2VjcmV0IG5vdGhpbmc=",
    ] {
        assert_eq!(
            excerpt(body.as_bytes(), &[SECRET, "ASIAFAKEEXAMPLE00001"]),
            body,
            "{body}"
        );
    }
}

#[test]
fn unescaping_undoes_percent_json_and_html_escapes() {
    let unescaped = |text: &str| super::unescape(text).map(|s| s.to_string());
    assert_eq!(unescaped("plain"), None);
    assert_eq!(unescaped("a%2Fb%2fc%41").as_deref(), Some("a/b/cA"));
    assert_eq!(
        unescaped(r#"\"\\\/\n\u00e9\ud83d\ude00"#).as_deref(),
        Some("\"\\/\né😀")
    );
    assert_eq!(unescaped("&#x2F;&#47;&amp;&lt;").as_deref(), Some("//&<"));
    assert_eq!(unescaped("%zz \\q &bogus; &#;").as_deref(), None);
    // Invalid UTF-8 from a percent escape becomes `?`.
    assert_eq!(unescaped("a%FFb").as_deref(), Some("a?b"));
}
