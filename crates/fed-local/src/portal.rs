//! An emulator of the IAM Identity Center portal: the AWS `sso` service
//! (`portal.sso.{region}.amazonaws.com`) that the SDKs' SSO credential providers and
//! `aws sso login` talk to, reached through `AWS_ENDPOINT_URL_SSO`.
//!
//! - `GET /federation/credentials?account_id=…&role_name=…` (GetRoleCredentials): role
//!   credentials for a permission set assigned to the portal's user.
//! - `GET /assignment/accounts` (ListAccounts) and `GET /assignment/roles?account_id=…`
//!   (ListAccountRoles): the one account and its permission sets.
//! - `POST /logout` (Logout): the token stops working.
//!
//! Every call carries the bearer token in the `x-amz-sso_bearer_token` header. A token is valid
//! when [`Portal::login`] issued it, it has not expired on the portal's side and it was not
//! logged out; otherwise the answer is AWS's 401 `UnauthorizedException`. An account or role
//! not assigned gets AWS's 403 `ForbiddenException`.
//!
//! Role credentials are real moto sessions: for a permission set `P` the portal creates, once,
//! the IAM role `/aws-reserved/sso.amazonaws.com/AWSReservedSSO_P_{suffix}` with a SAML trust
//! policy, as Identity Center does, and assumes it in moto directly (not through the gate) with
//! the user's name as the session name and the permission set's session duration. The
//! credentials are recorded in the stack's [`Identities`] as an Identity Center role, so the
//! gate and the federation emulator know them.
//!
//! Every request is added to the stack's [`RequestLog`] as a [`Service::Sso`] entry; the
//! token never is.
//!
//! [`Service::Sso`]: crate::log::Service::Sso

mod api;
mod config;
pub(crate) mod login;
mod roles;
mod tokens;

use std::sync::Arc;

use aws_config::SdkConfig;
use url::Url;

use crate::identities::Identities;
use crate::log::RequestLog;
use crate::serve::{Listen, Server};

pub use self::config::{PermissionSet, PortalConfig};
pub use self::login::{SsoLogin, SsoToken};

use self::roles::Roles;
use self::tokens::Tokens;

/// What the request handlers share.
struct Shared {
    config: PortalConfig,
    tokens: Tokens,
    roles: Roles,
    identities: Identities,
    log: RequestLog,
}

/// A running portal; dropping it stops it.
pub struct Portal {
    server: Server,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Portal")
            .field("base_url", &self.server.base_url().as_str())
            .field("user_name", &self.shared.config.user_name)
            .finish_non_exhaustive()
    }
}

impl Portal {
    /// Starts the portal; `moto` is an SDK configuration pointing at moto itself, for the
    /// portal's roles and role sessions.
    pub(crate) async fn start(
        config: PortalConfig,
        moto: &SdkConfig,
        identities: Identities,
        log: RequestLog,
        listen: &Listen,
    ) -> std::io::Result<Portal> {
        let shared = Arc::new(Shared {
            roles: Roles::new(moto, &config.account_id),
            config,
            tokens: Tokens::default(),
            identities,
            log,
        });
        let router = api::router(Arc::clone(&shared));
        let server = Server::start(router, listen, "identity center portal").await?;
        Ok(Portal { server, shared })
    }

    /// The portal's base URL, `http://127.0.0.1:{port}/` or `https://…`.
    pub fn base_url(&self) -> &Url {
        self.server.base_url()
    }

    /// The endpoint URL of the `sso` service (`AWS_ENDPOINT_URL_SSO`), without a trailing slash.
    pub fn endpoint_url(&self) -> &str {
        self.server.base_url().as_str().trim_end_matches('/')
    }

    /// The portal's configuration.
    pub fn config(&self) -> &PortalConfig {
        &self.shared.config
    }

    /// The random suffix of this portal's role names: 16 lowercase hex digits.
    pub fn role_suffix(&self) -> &str {
        self.shared.roles.suffix()
    }

    /// The IAM role name of a permission set: `AWSReservedSSO_{permission_set}_{suffix}`.
    pub fn role_name(&self, permission_set: &str) -> String {
        self.shared.roles.role_name(permission_set)
    }

    /// Stops accepting connections and waits for the server to finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
