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
