//! Tests of the SDK's HTTP client as fed sets it up.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials as SdkCredentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{http_client, is_plain_http};

#[track_caller]
fn check(uri: &str, plain: bool) {
    assert_eq!(is_plain_http(uri), plain, "{uri}");
}

#[test]
fn only_plain_http_uris_skip_tls() {
    check("http://127.0.0.1:5000/", true);
    check("HTTP://localhost/", true);
    check("https://sts.amazonaws.com/", false);
    check(
        "https://portal.sso.us-east-1.amazonaws.com/federation/credentials",
        false,
    );
    check("http:/", false);
    check("", false);
}

const CALLER_IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAFAKEFAKEFAKE0001</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

/// A loopback server that answers one request with GetCallerIdentity's response, over plain http.
async fn serve_caller_identity() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut request = Vec::new();
        let mut buffer = [0; 4096];
        // Reading up to the end of the headers is enough: the answer does not depend on the request.
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.expect("read");
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{CALLER_IDENTITY}",
            CALLER_IDENTITY.len()
        );
        stream.write_all(response.as_bytes()).await.expect("write");
    });
    format!("http://{address}")
}

/// A plain-http endpoint is reached through the client that trusts no certificate.
#[tokio::test]
async fn plain_http_requests_are_sent() {
    let endpoint = serve_caller_identity().await;
    let client = http_client(BehaviorVersion::latest()).expect("the SDK has a default client");
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(client)
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SdkCredentials::new(
            "AKIAFAKEFAKEFAKE0001",
            "fake-secret",
            None,
            None,
            "test",
        ))
        .build();
    let output = aws_sdk_sts::Client::from_conf(conf)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity over plain http");
    assert_eq!(output.account(), Some("123456789012"));
}
