//! AssumeRole that waits for IAM changes to propagate.

use std::time::Duration;

use tokio::time::Instant;

use crate::{AssumeRoleRequest, AssumedRole, Error, Sts};

/// How long and how often [`assume_role_when_propagated`] retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropagationRetry {
    /// Give up when this much time has passed since the first attempt.
    pub deadline: Duration,
    /// The delay after the first denied attempt; it doubles after each further one.
    pub initial_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
}

impl Default for PropagationRetry {
    /// Two minutes in total (as terraform-provider-aws waits), starting at one second between
    /// attempts and backing off to ten.
    fn default() -> PropagationRetry {
        PropagationRetry {
            deadline: Duration::from_secs(120),
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// One AssumeRole attempt, reported to the progress callback before it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// The attempt number, starting at 1.
    pub number: u32,
    /// The time since the first attempt.
    pub elapsed: Duration,
    /// The time left until the deadline.
    pub remaining: Duration,
}

/// AssumeRole, retried while it fails with `AccessDenied`.
///
/// Right after a role is created or a policy attached, AssumeRole may be denied for seconds to a
/// minute while IAM propagates the change. This retries exactly that error with exponential
/// backoff and jitter until `retry.deadline`, and then fails with
/// [`Error::PropagationTimeout`] naming the role. Any other error fails at once. `on_attempt` is
/// called before every attempt, so a UI can show progress.
pub async fn assume_role_when_propagated(
    sts: &dyn Sts,
    request: &AssumeRoleRequest,
    retry: &PropagationRetry,
    on_attempt: &mut (dyn FnMut(&Attempt) + Send),
) -> Result<AssumedRole, Error> {
    let start = Instant::now();
    let mut delay = retry.initial_delay;
    let mut number = 0u32;
    loop {
        number += 1;
        let elapsed = start.elapsed();
        on_attempt(&Attempt {
            number,
            elapsed,
            remaining: retry.deadline.saturating_sub(elapsed),
        });
        let err = match sts.assume_role(request).await {
            Ok(assumed) => return Ok(assumed),
            Err(err) if err.is_access_denied() => err,
            Err(err) => return Err(err),
        };
        let elapsed = start.elapsed();
        let remaining = retry.deadline.saturating_sub(elapsed);
        if remaining.is_zero() {
            return Err(Error::PropagationTimeout {
                role_arn: request.role_arn.to_string(),
                attempts: number,
                waited: elapsed,
                last: Box::new(err),
            });
        }
        tracing::debug!(
            role = %request.role_arn,
            attempt = number,
            "AssumeRole denied, waiting for IAM propagation"
        );
        tokio::time::sleep(jittered(delay).min(remaining)).await;
        delay = (delay * 2).min(retry.max_delay);
    }
}

/// A delay between half and all of `delay`, so that concurrent callers spread out.
fn jittered(delay: Duration) -> Duration {
    delay.mul_f64(0.5 + fastrand::f64() * 0.5)
}
