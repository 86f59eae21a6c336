//! The server's own rules: the address a trusted proxy names, the rate limiters forgetting idle
//! clients, and what the role page offers for each role.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};

use crate::extract::proxied_ip;
use crate::limits::Limits;

fn headers(values: &[&'static str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append("x-forwarded-for", HeaderValue::from_static(value));
    }
    headers
}

#[test]
fn the_proxied_address_is_the_one_the_proxy_appended() {
    let cases: &[(&[&'static str], Option<&str>)] = &[
        (&["203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1, 203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1,203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1", "203.0.113.7"], Some("203.0.113.7")),
        (&["2001:db8::1"], Some("2001:db8::1")),
        (&["203.0.113.7, not-an-address"], None),
        (&[""], None),
        (&[], None),
    ];
    for (values, expected) in cases {
        let got = proxied_ip(&headers(values), "X-Forwarded-For").map(|ip| ip.to_string());
        assert_eq!(got.as_deref(), *expected, "{values:?}");
    }
}

fn limits(per_minute: u32) -> Limits {
    Limits::new(&crate::config::Limits {
        per_user_per_minute: per_minute,
        per_ip_per_minute: per_minute,
        trusted_proxy_header: None,
    })
}

#[test]
fn idle_clients_are_forgotten_and_limited_ones_kept() {
    // 60,000 a minute: one request's share comes back after a millisecond.
    let quick = limits(60_000);
    for n in 0..100u8 {
        assert!(quick.ip_allows([10, 0, 0, n].into()));
        assert!(quick.user_allows(&format!("user{n}")));
    }
    assert_eq!(quick.len(), 200);
    std::thread::sleep(Duration::from_millis(20));
    quick.forget_idle();
    assert_eq!(quick.len(), 0, "whole allowances are forgotten");

    // One a minute: the client that used it is still limited, so it is kept.
    let slow = limits(1);
    assert!(slow.ip_allows([10, 0, 0, 1].into()));
    assert!(slow.user_allows("alice"));
    slow.forget_idle();
    assert_eq!(slow.len(), 2);
    assert!(!slow.ip_allows([10, 0, 0, 1].into()), "still limited");
    assert!(!slow.user_allows("alice"), "still limited");
}

#[test]
fn the_role_page_offers_what_each_role_allows() {
    let entitlements = crate::entitlements::Entitlements::parse(
        "[[role]]\nname = \"Limited\"\narn = \"arn:aws:iam::111122223333:role/limited\"\ngroups = [\"g\"]\nservices = [\"s3\", \"ec2\"]\nregions = [\"eu-west-1\"]\n\
         [[role]]\nname = \"Open\"\narn = \"arn:aws:iam::111122223333:role/open\"\ngroups = [\"g\"]\n\
         [[role]]\nname = \"China <&>\"\narn = \"arn:aws-cn:iam::111122223333:role/cn\"\ngroups = [\"g\"]\n",
    )
    .expect("entitlements");
    let person = crate::oidc::Person {
        user: "alice@example.com".into(),
        groups: vec!["g".into()],
        issuer: "https://login.example.com".into(),
        subject: "248289761001".into(),
        amr: Vec::new(),
    };
    let roles: Vec<_> = entitlements
        .for_user(&person.user, &person.groups)
        .collect();
    let page = role_page(&person, &roles, None, &[]);
    let forms: Vec<&str> = page.split("<li>").skip(1).collect();
    assert_eq!(forms.len(), 3, "{page}");
    // Limited: exactly its services and regions, to choose from.
    assert!(
        forms[0]
            .contains("<select name=\"service\"><option>s3</option><option>ec2</option></select>"),
        "{}",
        forms[0]
    );
    assert!(
        forms[0].contains("<select name=\"region\"><option>eu-west-1</option></select>"),
        "{}",
        forms[0]
    );
    assert!(!forms[0].contains("list="), "{}", forms[0]);
    // Open: free fields that suggest every service and the partition's regions.
    assert!(
        forms[1].contains("<input name=\"service\" list=\"services\""),
        "{}",
        forms[1]
    );
    assert!(forms[1].contains("list=\"regions-aws\""), "{}", forms[1]);
    assert!(forms[2].contains("list=\"regions-aws-cn\""), "{}", forms[2]);
    assert!(
        forms[2].contains("China &lt;&amp;&gt;"),
        "escaped: {}",
        forms[2]
    );
    assert_eq!(page.matches("<datalist id=\"services\">").count(), 1);
    assert!(page.contains("<option value=\"cloudwatch\">"), "{page}");
    assert!(
        page.contains("<datalist id=\"regions-aws\"><option value=\"us-east-1\">"),
        "{page}"
    );
    assert!(
        page.contains("<datalist id=\"regions-aws-cn\"><option value=\"cn-north-1\">"),
        "{page}"
    );
    // Each role's form and the sign-out.
    assert_eq!(page.matches("name=\"csrf\" value=\"token\"").count(), 4);
}

#[test]
fn a_role_on_request_is_offered_as_a_request_and_break_glass_is_marked() {
    let entitlements = crate::entitlements::Entitlements::parse(
        "[[role]]\nname = \"Admin\"\narn = \"arn:aws:iam::111122223333:role/admin\"\ngroups = [\"g\"]\n\
         access = \"request\"\napprovers = [\"leads\"]\nmax_grant = \"2h\"\n\
         [[role]]\nname = \"Break glass\"\narn = \"arn:aws:iam::111122223333:role/glass\"\ngroups = [\"g\"]\nbreak_glass = true\n",
    )
    .expect("entitlements");
    let person = crate::oidc::Person {
        user: "alice@example.com".into(),
        groups: vec!["g".into()],
        issuer: "https://login.example.com".into(),
        subject: "248289761001".into(),
        amr: Vec::new(),
    };
    let roles: Vec<_> = entitlements
        .for_user(&person.user, &person.groups)
        .collect();
    let page = role_page(&person, &roles, None, &[]);
    let page = page.replace("<link ", "<LINK ");
    let items: Vec<&str> = page.split("<li").skip(1).collect();
    assert_eq!(items.len(), 2, "{page}");
    // On request: no console form, a link to request it.
    assert!(!items[0].contains("action=\"/console\""), "{}", items[0]);
    assert!(
        items[0].contains(
            "<a href=\"/request?role=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fadmin\">Request access</a>"
        ),
        "{}",
        items[0]
    );
    assert!(items[0].contains("grants of up to 2h"), "{}", items[0]);
    // Break glass: a console form, marked.
    assert!(items[1].contains("action=\"/console\""), "{}", items[1]);
    assert!(
        items[1].contains("<strong>Break glass</strong>"),
        "{}",
        items[1]
    );
}

/// The role page of `person` with `roles`, filtered by `query`, with `recent` roles.
fn role_page(
    person: &crate::oidc::Person,
    roles: &[&crate::entitlements::Entitlement],
    query: Option<&str>,
    recent: &[String],
) -> String {
    crate::pages::RolePage {
        person,
        roles,
        csrf: "token",
        grants: &[],
        now: 0,
        query,
        recent,
    }
    .render()
}

#[test]
fn many_roles_are_grouped_by_account_filtered_and_recent_first() {
    let mut text = String::new();
    for account in ["production", "staging", "sandbox"] {
        for n in 0..20 {
            let id = match account {
                "production" => "111111111111",
                "staging" => "222222222222",
                _ => "333333333333",
            };
            text += &format!(
                "[[role]]\nname = \"{account} role {n:02}\"\narn = \"arn:aws:iam::{id}:role/{account}-{n:02}\"\n\
                 account = \"{account}\"\ngroups = [\"g\"]\n"
            );
        }
    }
    let entitlements = crate::entitlements::Entitlements::parse(&text).expect("entitlements");
    let person = crate::oidc::Person {
        user: "alice@example.com".into(),
        groups: vec!["g".into()],
        issuer: "https://login.example.com".into(),
        subject: "248289761001".into(),
        amr: Vec::new(),
    };
    let roles: Vec<_> = entitlements
        .for_user(&person.user, &person.groups)
        .collect();
    let page = role_page(&person, &roles, None, &[]);
    // Grouped by account, the accounts in order.
    let headings: Vec<&str> = page
        .split("<h2>Account ")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap_or_default())
        .collect();
    assert_eq!(headings, ["production", "sandbox", "staging"]);
    assert_eq!(page.matches("<li>").count(), 60);
    assert!(page.contains("/style.css"), "the stylesheet is linked");
    // The filter, without JavaScript: a query.
    let page = role_page(&person, &roles, Some("STAGING role 1"), &[]);
    assert_eq!(page.matches("<li>").count(), 10, "{page}");
    assert!(page.contains("value=\"STAGING role 1\""), "{page}");
    let page = role_page(&person, &roles, Some("<script>"), &[]);
    assert!(page.contains("id=\"no-match\""), "{page}");
    assert!(!page.contains("<script>"), "escaped: {page}");
    // The roles used last come first, the latest first.
    let recent = [
        "arn:aws:iam::333333333333:role/sandbox-07".to_owned(),
        "arn:aws:iam::111111111111:role/production-03".to_owned(),
        "arn:aws:iam::999999999999:role/gone".to_owned(),
    ];
    let page = role_page(&person, &roles, None, &recent);
    let section = page
        .split("<section id=\"recent\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("recent roles");
    let names: Vec<&str> = section
        .split("<h3>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap_or_default())
        .collect();
    assert_eq!(names, ["sandbox role 07", "production role 03"]);
}
