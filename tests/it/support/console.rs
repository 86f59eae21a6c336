//! Where a sign-in URL leads: followed as a browser follows it, to the console page of the
//! federation emulator, and the principal that page shows.

use std::process::Output;

use super::{assert_success, the_url};

/// Follows `url` through its redirects, as a browser does, to the console page; the page.
pub(crate) async fn follow(url: &url::Url) -> String {
    let response = reqwest::get(url.as_str()).await.expect("the URL answers");
    assert_eq!(
        response.status(),
        200,
        "{} answered {}",
        response.url(),
        response.status()
    );
    assert!(
        response.url().path().starts_with("/console/"),
        "the sign-in ends on the console page, not {}",
        response.url()
    );
    response.text().await.expect("a text page")
}

/// A successful run with one URL on stdout: the principal the console page it leads to shows.
pub(crate) async fn landed_as(out: &Output) -> String {
    assert_success(out);
    let page = follow(&the_url(out)).await;
    let start = page
        .find("<dd id=\"principal\">")
        .map(|i| i + "<dd id=\"principal\">".len())
        .unwrap_or_else(|| panic!("a console page: {page}"));
    let end = start + page[start..].find("</dd>").expect("closed");
    page[start..end].to_owned()
}
