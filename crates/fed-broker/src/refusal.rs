//! Every way the broker says no: one [`Reason`] per cause, each with its HTTP status and the
//! word audit records, metrics and the refusal page use. A [`Refusal`] is what a route returns
//! instead of what was asked; the broker records it (`decisions.rs`) and answers with its page.

use axum::http::StatusCode;

/// Why a request was refused. [`Reason::as_str`] is the word in audit records, in
/// `fed_broker_requests_denied_total{reason=…}` and on the refusal page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The client address is over its rate limit.
    RateLimitedIp,
    /// The user is over their rate limit.
    RateLimitedUser,
    /// The request needs a cookie it does not carry.
    MissingCookie,
    /// A cookie that no key opens, or whose content was changed.
    TamperedCookie,
    /// A cookie whose lifetime has passed.
    ExpiredCookie,
    /// A broker session that was signed out or revoked.
    SessionRevoked,
    /// Whether the session was revoked cannot be told: the store does not answer.
    RevocationUnavailable,
    /// The form's CSRF token is missing or not the session's.
    Csrf,
    /// The person may not use the role, or there is no such role.
    NotEntitled,
    /// A console service that fed does not know.
    UnknownService,
    /// A service the role does not offer.
    ServiceNotAllowed,
    /// Not a region name.
    UnknownRegion,
    /// A region of another partition than the role's.
    BadRegion,
    /// A region the role does not offer.
    RegionNotAllowed,
    /// The provider's callback has no `state` or `code`.
    NoCode,
    /// The provider cannot be reached, or did not answer in time.
    ProviderUnavailable,
    /// The callback's `state` is not the sign-in's.
    WrongState,
    /// The provider refused the authorization code.
    CodeRefused,
    /// The id_token is from another issuer.
    WrongIssuer,
    /// The id_token is for another client.
    WrongAudience,
    /// The id_token has expired.
    TokenExpired,
    /// The id_token's nonce is not the sign-in's.
    WrongNonce,
    /// The id_token is signed with a key the provider does not publish.
    UnknownKey,
    /// The id_token's signature does not verify.
    BadSignature,
    /// The id_token cannot be used for another reason.
    TokenInvalid,
    /// The id_token lacks the claim that names the user.
    ClaimMissing,
    /// The user is named by an email the provider does not say is verified.
    EmailNotVerified,
    /// What the person needs in the session cookie does not fit in one.
    SessionTooLarge,
    /// STS or the federation endpoint refused or failed.
    UpstreamFailed,
    /// The decision's audit record could not be written: nothing is granted.
    AuditUnavailable,
    /// The request body is over the broker's limit.
    BodyTooLarge,
    /// The request body is not a form.
    UnsupportedMediaType,
    /// The form lacks a field, or a field is not what it must be.
    BadForm,
    /// The request took longer than the broker allows.
    RequestTimeout,
    /// The grant that allows the role has less than 15 minutes left: too little for a console
    /// session.
    GrantEnding,
    /// An approver asked to decide their own request.
    SelfApproval,
    /// There is no such grant, or it is not this person's to act on.
    NoSuchGrant,
    /// The request's length or start is not one the role allows.
    BadGrant,
    /// The role asks for a justification and none was given.
    JustificationRequired,
}

impl Reason {
    /// The word for the reason, such as `not_entitled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RateLimitedIp => "rate_limited_ip",
            Reason::RateLimitedUser => "rate_limited_user",
            Reason::MissingCookie => "missing_cookie",
            Reason::TamperedCookie => "tampered_cookie",
            Reason::ExpiredCookie => "expired_cookie",
            Reason::SessionRevoked => "session_revoked",
            Reason::RevocationUnavailable => "revocation_unavailable",
            Reason::Csrf => "csrf",
            Reason::NotEntitled => "not_entitled",
            Reason::UnknownService => "unknown_service",
            Reason::ServiceNotAllowed => "service_not_allowed",
            Reason::UnknownRegion => "unknown_region",
            Reason::BadRegion => "bad_region",
            Reason::RegionNotAllowed => "region_not_allowed",
            Reason::NoCode => "no_code",
            Reason::ProviderUnavailable => "provider_unavailable",
            Reason::WrongState => "wrong_state",
            Reason::CodeRefused => "code_refused",
            Reason::WrongIssuer => "wrong_issuer",
            Reason::WrongAudience => "wrong_audience",
            Reason::TokenExpired => "token_expired",
            Reason::WrongNonce => "wrong_nonce",
            Reason::UnknownKey => "unknown_key",
            Reason::BadSignature => "bad_signature",
            Reason::TokenInvalid => "token_invalid",
            Reason::ClaimMissing => "claim_missing",
            Reason::EmailNotVerified => "email_not_verified",
            Reason::SessionTooLarge => "session_too_large",
            Reason::UpstreamFailed => "upstream_failed",
            Reason::AuditUnavailable => "audit_unavailable",
            Reason::BodyTooLarge => "body_too_large",
            Reason::UnsupportedMediaType => "unsupported_media_type",
            Reason::BadForm => "bad_form",
            Reason::RequestTimeout => "request_timeout",
            Reason::GrantEnding => "grant_ending",
            Reason::SelfApproval => "self_approval",
            Reason::NoSuchGrant => "no_such_grant",
            Reason::BadGrant => "bad_grant",
            Reason::JustificationRequired => "justification_required",
        }
    }

    /// The status of a refusal for this reason.
    pub fn status(self) -> StatusCode {
        match self {
            Reason::RateLimitedIp | Reason::RateLimitedUser => StatusCode::TOO_MANY_REQUESTS,
            Reason::MissingCookie
            | Reason::TamperedCookie
            | Reason::ExpiredCookie
            | Reason::SessionRevoked => StatusCode::UNAUTHORIZED,
            Reason::Csrf | Reason::NotEntitled | Reason::GrantEnding | Reason::SelfApproval => {
                StatusCode::FORBIDDEN
            }
            Reason::NoSuchGrant => StatusCode::NOT_FOUND,
            Reason::ProviderUnavailable | Reason::UpstreamFailed => StatusCode::BAD_GATEWAY,
            Reason::AuditUnavailable | Reason::RevocationUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Reason::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Reason::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Reason::BadForm => StatusCode::UNPROCESSABLE_ENTITY,
            Reason::RequestTimeout => StatusCode::GATEWAY_TIMEOUT,
            Reason::UnknownService
            | Reason::ServiceNotAllowed
            | Reason::UnknownRegion
            | Reason::BadRegion
            | Reason::RegionNotAllowed
            | Reason::NoCode
            | Reason::WrongState
            | Reason::CodeRefused
            | Reason::WrongIssuer
            | Reason::WrongAudience
            | Reason::TokenExpired
            | Reason::WrongNonce
            | Reason::UnknownKey
            | Reason::BadSignature
            | Reason::TokenInvalid
            | Reason::ClaimMissing
            | Reason::EmailNotVerified
            | Reason::SessionTooLarge
            | Reason::BadGrant
            | Reason::JustificationRequired => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether the refusal is a rate limit's: such records are themselves limited, so that a
    /// flood cannot flood the audit.
    pub(crate) fn is_rate_limit(self) -> bool {
        matches!(self, Reason::RateLimitedIp | Reason::RateLimitedUser)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal: its reason and the status it is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Why.
    pub reason: Reason,
    /// The HTTP status: the reason's, unless the route says otherwise.
    pub status: StatusCode,
}

impl Refusal {
    /// The status of a cookie problem at the provider's callback: the sign-in cannot go on,
    /// which is the request's fault, not a missing sign-in.
    pub(crate) fn at_callback(self) -> Refusal {
        match self.reason {
            Reason::MissingCookie | Reason::TamperedCookie | Reason::ExpiredCookie => Refusal {
                status: StatusCode::BAD_REQUEST,
                ..self
            },
            _ => self,
        }
    }
}

/// The refusal page, unrecorded: what an extractor's rejection answers when a route does not
/// take it as a `Result`. The broker's routes all do, and record it (`Broker::refuse`).
impl axum::response::IntoResponse for Refusal {
    fn into_response(self) -> axum::response::Response {
        (
            self.status,
            axum::response::Html(crate::pages::refused(
                self.status,
                self.reason.as_str(),
                "-",
            )),
        )
            .into_response()
    }
}

impl From<Reason> for Refusal {
    fn from(reason: Reason) -> Refusal {
        Refusal {
            reason,
            status: reason.status(),
        }
    }
}
