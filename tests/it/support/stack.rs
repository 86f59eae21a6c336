//! The local stack of a test that needs no config files, and a role its IAM user may assume.

use fed_local::LocalStack;
use fed_local::fixtures::trusting;

pub(crate) async fn start_stack() -> LocalStack {
    LocalStack::start().await.expect("the local stack starts")
}

/// Creates the role `name`, which every principal of the stack's account may assume, for
/// twelve-hour sessions (so that `--duration` above one hour is allowed); its ARN.
pub(crate) async fn create_role(stack: &LocalStack, name: &str) -> String {
    let trusted = format!("arn:aws:iam::{}:root", stack.account_id());
    stack
        .create_role(name, &trusting(&trusted), Some(43_200))
        .await
        .expect("CreateRole on moto")
}
