//! Tests of the audit store that need no database: what its errors and `Debug` show, never the
//! URL or its password.

use super::*;

const URL: &str = "postgres://audit:s3cr%40t-pw@db.example.com:5432/fed";

#[test]
fn a_url_that_is_not_postgresql_names_the_variable_only() {
    for url in ["mysql://audit:s3cr@t-pw@db/fed", "s3cr@t-pw", ""] {
        let err = Source::new("FED_DB", url)
            .options(url)
            .expect_err("not PostgreSQL");
        let text = err.to_string();
        assert_eq!(
            text,
            "FED_DB: is not a PostgreSQL URL such as postgres://user:password@host/database"
        );
    }
}

#[test]
fn a_postgresql_url_is_accepted() {
    assert!(Source::new("FED_DB", URL).options(URL).is_ok());
}

#[test]
fn the_password_is_taken_out_of_messages_decoded() {
    let source = Source::new("FED_DB", URL);
    let err = sqlx::Error::Protocol("the server said s3cr@t-pw back".to_owned());
    assert_eq!(
        source.error("cannot connect", &err).to_string(),
        "the audit store in FED_DB: cannot connect: encountered unexpected or invalid data: \
         the server said [redacted] back"
    );
}

#[tokio::test]
async fn debug_shows_the_variable_only() {
    let source = Source::new("FED_DB", URL);
    let store = AuditStore {
        pool: PgPoolOptions::new().connect_lazy_with(source.options(URL).expect("options")),
        source,
    };
    assert_eq!(
        format!("{store:?}"),
        "AuditStore { variable: \"FED_DB\", .. }"
    );
}
