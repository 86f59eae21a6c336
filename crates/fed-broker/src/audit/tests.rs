//! Tests of audit records: their JSON shape, one line each.

use super::*;

#[test]
fn an_issued_session_is_one_line_of_json() {
    let mut record = Record::new(Decision::Issued, "req-1");
    record.user = Some("alice@example.com".to_owned());
    record.groups = vec!["engineering".to_owned(), "on-call".to_owned()];
    record.role_arn = Some("arn:aws:iam::111122223333:role/ReadOnly".to_owned());
    record.duration_seconds = Some(3600);
    record.source_ip = Some("203.0.113.7".parse().expect("an address"));
    let mut out = Vec::new();
    record.write_to(&mut out).expect("written");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.ends_with('\n') && text.lines().count() == 1, "{text}");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let time = value["time"].as_str().expect("a time");
    assert!(
        time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339).is_ok(),
        "{time}"
    );
    let mut value = value;
    value["time"] = "T".into();
    assert_eq!(
        value,
        serde_json::json!({
            "time": "T",
            "request_id": "req-1",
            "decision": "issued",
            "user": "alice@example.com",
            "groups": ["engineering", "on-call"],
            "role_arn": "arn:aws:iam::111122223333:role/ReadOnly",
            "duration_seconds": 3600,
            "source_ip": "203.0.113.7",
        })
    );
}

#[test]
fn a_refusal_says_why_and_leaves_out_what_is_unknown() {
    let mut record = Record::new(Decision::Denied, "req-2");
    record.reason = Some("missing_cookie".to_owned());
    let value: serde_json::Value = serde_json::from_str(&record.to_json_line()).expect("JSON");
    assert_eq!(value["decision"], "denied");
    assert_eq!(value["reason"], "missing_cookie");
    assert_eq!(value["groups"], serde_json::json!([]));
    for absent in ["user", "role_arn", "duration_seconds", "source_ip"] {
        assert!(value.get(absent).is_none(), "{absent}");
    }
}
