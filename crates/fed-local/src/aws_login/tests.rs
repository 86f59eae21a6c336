//! Tests of the login cache file: its name, as the AWS SDKs derive it, and its fields.

use aws_sdk_sts::config::Credentials;

use super::*;

#[test]
fn the_file_is_named_after_the_sha256_of_the_trimmed_arn() {
    let dir = Path::new("/cache");
    // echo -n 'arn:aws:iam::0123456789012:user/Admin' | sha256sum
    let expected =
        dir.join("36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json");
    assert_eq!(
        AwsLogin::cache_file(dir, "arn:aws:iam::0123456789012:user/Admin"),
        expected
    );
    assert_eq!(
        AwsLogin::cache_file(dir, "  arn:aws:iam::0123456789012:user/Admin\n"),
        expected
    );
}

#[test]
fn the_file_has_what_aws_login_writes() {
    let dir = std::env::temp_dir().join(format!("fed-aws-login-{:016x}", fastrand::u64(..)));
    let credentials = Credentials::new(
        "ASIAEXAMPLE",
        "not-a-secret",
        Some("token".into()),
        None,
        "test",
    );
    let arn = "arn:aws:sts::123456789012:assumed-role/admin/alice";
    let cache = AwsLogin::new(arn)
        .write(&dir, &credentials, "123456789012")
        .expect("written");
    let text = std::fs::read_to_string(cache.cache_file()).expect("read");
    let _ = std::fs::remove_dir_all(&dir);
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let token = &json["accessToken"];
    assert_eq!(token["accessKeyId"], "ASIAEXAMPLE");
    assert_eq!(token["sessionToken"], "token");
    assert_eq!(token["accountId"], "123456789012");
    assert_eq!(token["expiresAt"], rfc3339(cache.expires_at()));
    assert_eq!(json["clientId"], CLIENT_ID);
    assert!(
        json["dpopKey"]
            .as_str()
            .is_some_and(|key| key.starts_with("-----BEGIN EC PRIVATE KEY-----\n"))
    );
    let left = cache
        .expires_at()
        .duration_since(SystemTime::now())
        .expect("in the future");
    assert!(
        left <= LIFETIME && left > LIFETIME - Duration::from_secs(60),
        "{left:?}"
    );
    let keys = Credentials::new("AKIAEXAMPLE", "not-a-secret", None, None, "test");
    assert!(
        AwsLogin::new(arn)
            .write(&dir, &keys, "123456789012")
            .is_err()
    );
}
