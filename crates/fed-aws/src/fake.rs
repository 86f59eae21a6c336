//! Hand-written fakes of [`Sts`] and, with the `iam` feature, of `Iam`, for tests of callers
//! (feature `test-util`).
//!
//! [`FakeSts`] answers from queued results, or synthesizes plausible ones, and records every
//! request. It is `Send + Sync` and used through `&dyn Sts` like the real client. `FakeIam`
//! keeps roles in memory and can make any call fail, hang or answer late.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use fed_core::{Arn, Credentials, Principal};

use crate::{
    AssumeRoleRequest, AssumedRole, BoxFuture, CallerIdentity, Error, FederationToken,
    FederationTokenRequest, Sts,
};

#[cfg(feature = "iam")]
pub use crate::iam::fake::{Behaviour, FakeIam, FakeRole};

/// The account the fakes use unless told otherwise.
pub const FAKE_ACCOUNT_ID: &str = "123456789012";

/// A service error as the real clients produce it, with `code` as its AWS error code.
pub fn service_error(operation: &'static str, code: &str, message: &str) -> Error {
    Error::Service {
        operation,
        code: Some(code.to_owned()),
        message: format!("{code}: {message}"),
        source: None,
    }
}

/// Obviously fake long-term credentials (no session token).
pub fn long_term_credentials() -> Credentials {
    Credentials::new("AKIAFAKEFAKEFAKE0001", "fake-secret", None, None)
}

/// Obviously fake temporary credentials (with a session token).
pub fn temporary_credentials() -> Credentials {
    Credentials::new(
        "ASIAFAKEFAKEFAKE0001",
        "fake-secret",
        Some("fake-session-token".to_owned()),
        Some(SystemTime::now() + Duration::from_secs(3600)),
    )
}

#[derive(Debug, Default)]
struct StsState {
    assume_role_results: VecDeque<Result<AssumedRole, Error>>,
    federation_token_results: VecDeque<Result<FederationToken, Error>>,
    assume_role_requests: Vec<AssumeRoleRequest>,
    federation_token_requests: Vec<FederationTokenRequest>,
}

/// A fake [`Sts`]: fixed signing credentials and identity, queued or synthesized results.
#[derive(Debug)]
pub struct FakeSts {
    credentials: Credentials,
    identity: CallerIdentity,
    state: Mutex<StsState>,
}

impl FakeSts {
    /// A fake signing with `credentials` whose GetCallerIdentity answers `caller_arn`.
    pub fn new(credentials: Credentials, caller_arn: Arn) -> FakeSts {
        let identity = CallerIdentity {
            account: caller_arn.account_id().to_owned(),
            user_id: "AIDAFAKEFAKEFAKE".to_owned(),
            arn: caller_arn,
        };
        FakeSts {
            credentials,
            identity,
            state: Mutex::default(),
        }
    }

    /// A fake signing with long-term keys of the IAM user `alice`.
    pub fn long_term_user() -> FakeSts {
        FakeSts::new(
            long_term_credentials(),
            format!("arn:aws:iam::{FAKE_ACCOUNT_ID}:user/alice")
                .parse()
                .expect("valid ARN"),
        )
    }

    /// Queues the result of the next AssumeRole call. When the queue is empty a successful
    /// session is synthesized from the request.
    pub fn push_assume_role(&self, result: Result<AssumedRole, Error>) {
        self.state().assume_role_results.push_back(result);
    }

    /// Queues the result of the next GetFederationToken call. When the queue is empty a
    /// successful token is synthesized from the request.
    pub fn push_federation_token(&self, result: Result<FederationToken, Error>) {
        self.state().federation_token_results.push_back(result);
    }

    /// Every AssumeRole request so far.
    pub fn assume_role_requests(&self) -> Vec<AssumeRoleRequest> {
        self.state().assume_role_requests.clone()
    }

    /// Every GetFederationToken request so far.
    pub fn federation_token_requests(&self) -> Vec<FederationTokenRequest> {
        self.state().federation_token_requests.clone()
    }

    fn state(&self) -> MutexGuard<'_, StsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn synthesize_assumed(&self, request: &AssumeRoleRequest) -> AssumedRole {
        let chained = self.credentials.session_token().is_some();
        let (duration, duration_capped) = request.effective_duration(chained);
        let role_name = match request.role_arn.principal() {
            Principal::Role { name, .. } => name.clone(),
            _ => "role".to_owned(),
        };
        let arn = format!(
            "arn:{}:sts::{}:assumed-role/{role_name}/{}",
            request.role_arn.partition().as_str(),
            request.role_arn.account_id(),
            request.session_name.as_str()
        );
        let seconds = duration.map_or(3600, |d| d.seconds());
        AssumedRole {
            credentials: Credentials::new(
                "ASIAFAKEASSUMED00001",
                "fake-assumed-secret",
                Some("fake-assumed-session-token".to_owned()),
                Some(SystemTime::now() + Duration::from_secs(seconds.into())),
            ),
            arn: arn.parse().expect("valid assumed-role ARN"),
            assumed_role_id: format!("AROAFAKEFAKEFAKE:{}", request.session_name.as_str()),
            source_identity: request
                .source_identity
                .as_ref()
                .map(|s| s.as_str().to_owned()),
            chained,
            duration,
            duration_capped,
        }
    }

    fn synthesize_token(&self, request: &FederationTokenRequest) -> FederationToken {
        let name = request.name().as_str();
        let account = self.identity.arn.account_id();
        let seconds = request.duration.map_or(43_200, |d| d.seconds());
        FederationToken {
            credentials: Credentials::new(
                "ASIAFAKEFEDERATED001",
                "fake-federated-secret",
                Some("fake-federated-session-token".to_owned()),
                Some(SystemTime::now() + Duration::from_secs(seconds.into())),
            ),
            arn: format!("arn:aws:sts::{account}:federated-user/{name}")
                .parse()
                .expect("valid federated-user ARN"),
            federated_user_id: format!("{account}:{name}"),
        }
    }
}

impl Sts for FakeSts {
    fn credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let credentials = self.credentials.clone();
        Box::pin(async move { Ok(credentials) })
    }

    fn caller_identity(&self) -> BoxFuture<'_, Result<CallerIdentity, Error>> {
        let identity = self.identity.clone();
        Box::pin(async move { Ok(identity) })
    }

    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<AssumedRole, Error>> {
        let result = {
            let mut state = self.state();
            state.assume_role_requests.push(request.clone());
            state.assume_role_results.pop_front()
        };
        let result = result.unwrap_or_else(|| Ok(self.synthesize_assumed(request)));
        Box::pin(async move { result })
    }

    fn federation_token<'a>(
        &'a self,
        request: &'a FederationTokenRequest,
    ) -> BoxFuture<'a, Result<FederationToken, Error>> {
        let result = {
            let mut state = self.state();
            state.federation_token_requests.push(request.clone());
            state.federation_token_results.pop_front()
        };
        let result = result.unwrap_or_else(|| Ok(self.synthesize_token(request)));
        Box::pin(async move { result })
    }
}
