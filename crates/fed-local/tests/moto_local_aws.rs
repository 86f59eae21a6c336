//! `LocalAws` provisions and runs moto, answers STS, and stops on drop.

use std::net::{Ipv4Addr, TcpStream};

use fed_local::LocalAws;

/// moto answers GetCallerIdentity with its default identity, and the port closes on drop.
#[tokio::test]
async fn starts_answers_and_stops_on_drop() {
    let local = LocalAws::start().await.expect("moto starts");
    assert!(local.endpoint_url().starts_with("http://127.0.0.1:"));
    assert_eq!(local.region(), "us-east-1");

    let sts = aws_sdk_sts::Client::new(&local.sdk_config().await);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.account(), Some(local.account_id()));
    assert_eq!(me.arn(), Some("arn:aws:sts::123456789012:user/moto"));

    let port = local.port();
    drop(local);
    assert!(
        TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
        "moto still listens on {port} after drop"
    );
}

/// Two servers can run side by side, each on its own port.
#[tokio::test]
async fn two_servers_run_side_by_side() {
    let (a, b) = tokio::join!(LocalAws::start(), LocalAws::start());
    let (a, b) = (a.expect("first moto"), b.expect("second moto"));
    assert_ne!(a.port(), b.port());
}
