//! What the signer's tests share: a role of the strict local stack, and a signer's
//! configuration with the stack's long-term keys and endpoints.

use fed_core::Credentials;
use fed_flow::{ServiceCredentials, SignerConfig};
use fed_local::LocalStack;
use serde_json::json;

/// A role that the stack's user may assume with `actions`, for sessions of up to 12 hours.
pub(crate) async fn role(stack: &LocalStack, name: &str, actions: &[&str]) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": stack.user_arn().to_string()},
        "Action": actions
    }]});
    stack
        .create_role(name, &trust, Some(43_200))
        .await
        .expect("the role")
}

/// A signer's configuration with the stack's long-term keys, its region, STS and federation
/// endpoint.
pub(crate) fn config(stack: &LocalStack) -> SignerConfig {
    let keys = stack.credentials();
    let credentials = Credentials::new(
        keys.access_key_id(),
        keys.secret_access_key(),
        keys.session_token().map(str::to_owned),
        None,
    );
    SignerConfig::new(ServiceCredentials::Explicit(credentials))
        .region(fed_core::Region::new(stack.region()).expect("a region"))
        .sts_endpoint(stack.endpoint_url().parse().expect("a URL"))
        .signin_endpoint(stack.federation_url())
}
