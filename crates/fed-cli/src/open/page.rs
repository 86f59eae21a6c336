//! The private page: an HTML file that sends the browser on to the sign-in URL, in a new
//! directory only the user can read (0700, the file 0600), removed once the browser has read
//! it (its access time moves) or after a timeout.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A written page; its directory is removed on drop.
pub(crate) struct PrivatePage {
    dir: tempfile::TempDir,
    path: PathBuf,
    written: SystemTime,
}

impl PrivatePage {
    /// Writes the page for `url` under `$XDG_RUNTIME_DIR`, else the temporary directory.
    pub(crate) fn write(url: &str) -> Result<PrivatePage, String> {
        let parent = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let mut builder = tempfile::Builder::new();
        builder.prefix("fed-open-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir_in(&parent).map_err(|e| {
            format!(
                "cannot create a private directory in {}: {e}",
                parent.display()
            )
        })?;
        let path = dir.path().join("signin.html");
        let written = write_page(&path, url)?;
        Ok(PrivatePage { dir, path, written })
    }

    /// The page's `file://` URL.
    pub(crate) fn url(&self) -> Result<String, String> {
        url::Url::from_file_path(&self.path)
            .map(String::from)
            .map_err(|()| format!("{} is not an absolute path", self.path.display()))
    }

    /// Waits until the page's access time moves past when it was written (true), or `timeout`
    /// passes or `gone` says the browser has failed (false).
    pub(crate) fn wait_until_read(
        &self,
        timeout: Duration,
        gone: &mut dyn FnMut() -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline && !gone() {
            match std::fs::metadata(&self.path).and_then(|m| m.accessed()) {
                Ok(at) if at > self.written => return true,
                Ok(_) => std::thread::sleep(Duration::from_millis(50)),
                Err(_) => return false,
            }
        }
        false
    }

    /// Removes the page and its directory.
    pub(crate) fn remove(self) {
        drop(self.dir);
    }
}

/// Writes the redirecting page, readable by the user only, and dates it a minute back so that
/// the browser's first read is seen in its access time; returns that time.
fn write_page(path: &Path, url: &str) -> Result<SystemTime, String> {
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(failed)?;
    file.write_all(page(url).as_bytes()).map_err(failed)?;
    let then = SystemTime::now() - Duration::from_secs(60);
    file.set_times(
        std::fs::FileTimes::new()
            .set_accessed(then)
            .set_modified(then),
    )
    .map_err(failed)?;
    let accessed = file.metadata().and_then(|m| m.accessed()).map_err(failed)?;
    Ok(accessed)
}

/// An HTML page that sends the browser on to `url` at once, with and without JavaScript, and
/// without a referrer.
fn page(url: &str) -> String {
    let attribute = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let script = serde_json::to_string(url)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={attribute}\">\
         <title>Signing in to the AWS console</title>\
         <script>location.replace({script});</script></head>\
         <body><a href=\"{attribute}\" rel=\"noreferrer\">Sign in to the AWS console</a></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_the_url() {
        let html = page("https://signin.aws.amazon.com/federation?a=1&b=\"<x>\"");
        assert!(html.contains(
            "url=https://signin.aws.amazon.com/federation?a=1&amp;b=&quot;&lt;x&gt;&quot;"
        ));
        assert!(html.contains(
            r#"location.replace("https://signin.aws.amazon.com/federation?a=1&b=\"\u003cx>\"")"#
        ));
    }
}
