//! `--qr`: the URL as a QR code drawn with Unicode half blocks on stdout, to scan with a phone
//! or another machine's camera. Light modules are drawn and dark ones left to the background,
//! which suits terminals with dark backgrounds; a code has a quiet zone of four modules.

use qrcode::{EcLevel, QrCode};

/// The most bytes a QR code holds (version 40, error correction L, byte mode).
pub(crate) const MAX_BYTES: usize = 2953;

/// The code for `url`, as lines of text.
pub(crate) fn render(url: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L).map_err(|_| {
        format!(
            "the sign-in URL is {} bytes, more than a QR code holds ({MAX_BYTES})",
            url.len()
        )
    })?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}
