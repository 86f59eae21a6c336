//! Asking the user for MFA codes while roles are assumed.

use fed_core::{Arn, MfaCode, MfaSerial};

/// Asks the user for an MFA code.
pub trait MfaPrompt: Send + Sync {
    /// The current code of `serial`, needed to assume `role`; `Ok(None)` when there is no one
    /// to ask.
    fn code(&self, serial: &MfaSerial, role: &Arn) -> Result<Option<MfaCode>, String>;
}

/// Never asks: an MFA device without a code in the request is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrompt;

impl MfaPrompt for NoPrompt {
    fn code(&self, _: &MfaSerial, _: &Arn) -> Result<Option<MfaCode>, String> {
        Ok(None)
    }
}
