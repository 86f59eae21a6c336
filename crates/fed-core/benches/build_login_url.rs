//! Benchmarks building a console login URL end to end: resolving a
//! destination (a service in a region) to its URL and building the
//! `Action=login` URL around it.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fed_core::{Destination, Issuer, LoginUrl, Partition, Region, SigninToken};

fn build_login_url(c: &mut Criterion) {
    let partition = Partition::Aws;
    let endpoint = partition.federation_endpoint(None);
    let issuer = Issuer::new("https://sso.example.com/fed").unwrap();
    let destination = Destination::service("s3").unwrap();
    let region = Region::new("eu-west-1").unwrap();
    // Sign-in tokens are long strings of URL-safe characters; this fake one
    // has 1024.
    let token = SigninToken::new("FAKE-token_".repeat(94)[..1024].to_owned());

    c.bench_function("build_login_url", |b| {
        b.iter(|| {
            let url = black_box(&destination).to_url(partition, Some(black_box(&region)));
            LoginUrl::new(&endpoint, &issuer, &url, black_box(&token))
        })
    });
}

criterion_group!(benches, build_login_url);
criterion_main!(benches);
