//! What a run printed: its text, the one URL on stdout and its parameters, a QR code.

use std::process::Output;

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

#[track_caller]
pub(crate) fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "the run failed with {:?}; stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The one line on stdout, parsed.
#[track_caller]
pub(crate) fn the_url(out: &Output) -> url::Url {
    let text = stdout(out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line on stdout: {text:?}");
    url::Url::parse(lines[0]).expect("stdout is a URL")
}

/// The query parameter `name` of `url`, decoded.
pub(crate) fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Reads a code drawn with half blocks (light modules drawn, dark left blank) back into pixels
/// and decodes it.
pub(crate) fn decode_qr(text: &str) -> String {
    let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let height = rows.len() * 2;
    const SCALE: usize = 4;
    let light = |x: usize, y: usize| -> bool {
        let c = rows[y / 2].get(x).copied().unwrap_or(' ');
        matches!((c, y % 2), ('█', _) | ('▀', 0) | ('▄', 1))
    };
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width * SCALE, height * SCALE, |x, y| {
            if light(x / SCALE, y / SCALE) { 255 } else { 0 }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one code in:\n{text}");
    let (_, content) = grids[0].decode().expect("the code decodes");
    content
}
