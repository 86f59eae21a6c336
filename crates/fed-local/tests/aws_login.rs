//! The login cache [`AwsLogin`] writes, read by the AWS SDK for Rust's own `login_session`
//! support (aws-config's `LoginCredentialsProvider`), in process and without a call.

use std::path::PathBuf;

use aws_config::BehaviorVersion;
use aws_sdk_sts::config::{Credentials, ProvideCredentials};
use fed_local::AwsLogin;

const ARN: &str = "arn:aws:sts::123456789012:assumed-role/admin/alice";

/// A temporary home with a `login_session` profile, removed on drop.
struct Home(PathBuf);

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the SDK's profile `console` resolves to after `login`: the access key id, or the error.
async fn resolved(login: AwsLogin) -> Result<String, String> {
    let home = Home(std::env::temp_dir().join(format!(
        "fed-aws-login-test-{}-{:016x}",
        std::process::id(),
        fastrand::u64(..)
    )));
    let config = home.0.join("config");
    std::fs::create_dir_all(&home.0).expect("temporary home");
    std::fs::write(
        &config,
        format!("[profile console]\nlogin_session = {ARN}\nregion = us-east-1\n"),
    )
    .expect("config");
    let credentials = Credentials::new(
        "ASIAEXAMPLE",
        "not-a-secret",
        Some("token".into()),
        None,
        "test",
    );
    login
        .write(&AwsLogin::cache_dir(&home.0), &credentials, "123456789012")
        .expect("the cache is written");
    let (home_dir, config) = (home.0.to_string_lossy(), config.to_string_lossy());
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .env(aws_types::os_shim_internal::Env::from_slice(&[
            ("HOME", &home_dir),
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
            // A refresh goes nowhere.
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]))
        .profile_name("console")
        .load()
        .await;
    sdk.credentials_provider()
        .expect("a provider")
        .provide_credentials()
        .await
        .map(|c| c.access_key_id().to_owned())
        .map_err(|err| aws_sdk_sts::error::DisplayErrorContext(&err).to_string())
}

#[tokio::test]
async fn the_sdk_reads_the_credentials_of_a_login() {
    assert_eq!(
        resolved(AwsLogin::new(ARN)).await.as_deref(),
        Ok("ASIAEXAMPLE")
    );
}

#[tokio::test]
async fn an_expired_login_cannot_be_refreshed() {
    let err = resolved(AwsLogin::new(ARN).expired()).await.unwrap_err();
    assert!(err.contains("refresh"), "{err}");
}
