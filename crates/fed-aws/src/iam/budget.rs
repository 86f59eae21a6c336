//! [`Budget`]: the time a removal has left, and the limit on each of its calls.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::IamClient;
use crate::Error;

/// The time a removal has left; every call made through [`Budget::call`] is cut to it.
///
/// Against an IAM that does not answer, a removal then gives up in time and reports what
/// remains, rather than hanging.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    deadline: Instant,
}

impl Budget {
    /// How long one call may take: a backstop a little above [`IamClient::OPERATION_TIMEOUT`],
    /// for a connection that hangs where the client cannot see it.
    pub const CALL_LIMIT: Duration =
        Duration::from_secs(IamClient::OPERATION_TIMEOUT.as_secs() + 5);

    /// A budget of `total`, from now.
    pub fn start(total: Duration) -> Budget {
        Budget {
            deadline: Instant::now() + total,
        }
    }

    /// The time left.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Runs the call `operation` for at most [`Budget::CALL_LIMIT`], or what is left if that is
    /// less: [`Error::TimedOut`] if it has not answered by then. With nothing left it is not made
    /// at all: [`Error::NotTried`].
    pub async fn call<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let limit = Budget::CALL_LIMIT.min(self.remaining());
        if limit.is_zero() {
            return Err(Error::NotTried { operation });
        }
        tokio::time::timeout(limit, call)
            .await
            .unwrap_or(Err(Error::TimedOut {
                operation,
                after: limit,
            }))
    }

    /// Waits `delay`, or what is left if that is less.
    pub(crate) async fn sleep(&self, delay: Duration) {
        tokio::time::sleep(delay.min(self.remaining())).await;
    }
}
