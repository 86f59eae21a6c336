//! moto, the local IAM and STS: provisioned into a venv on first use and run as a child process.
//!
//! [`LocalAws::start`] makes sure a pinned moto is installed in a virtual environment under the
//! cargo target directory, starts `moto_server` on a free loopback port and waits until it
//! answers. Dropping the [`LocalAws`] kills the server.
//!
//! The install is guarded by a file lock, so parallel test binaries share one venv, and a marker
//! file written after a successful install makes later runs skip straight to starting the server.
//!
//! Environment overrides:
//! - `FED_MOTO_SERVER`: path of an existing `moto_server` executable; no venv is provisioned.
//! - `FED_MOTO_DIR`: directory that holds the venv (default: `<target dir>/moto`).
//! - `FED_PYTHON`: the Python interpreter used to create the venv (default: `python3`).

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

use crate::Error;

/// The moto version installed into the venv.
pub const MOTO_VERSION: &str = "5.2.5";

/// Every package installed into the venv, pinned. `moto[server]` is deliberately not used: it pulls
/// in docker, cfn-lint and more, while IAM and STS only need flask and flask-cors.
pub(crate) const PACKAGES: &[&str] = &["moto==5.2.5", "flask==3.1.3", "flask-cors==6.0.5"];

/// The marker written into the venv after a successful install.
const MARKER: &str = "fed-moto-installed";

/// The region the local stack uses.
pub const REGION: &str = "us-east-1";

/// The account every moto identity belongs to.
pub const ACCOUNT_ID: &str = "123456789012";

/// The access key id of the test credentials; moto accepts any.
pub const ACCESS_KEY_ID: &str = "testing";

/// The secret access key of the test credentials; obviously not a real secret.
const SECRET_ACCESS_KEY: &str = "testing";

/// How long to wait for a freshly started moto to answer.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server on a loopback port, killed on drop.
#[derive(Debug)]
pub struct LocalAws {
    child: Child,
    port: u16,
    endpoint_url: String,
    log: PathBuf,
}

impl LocalAws {
    /// Provisions moto if needed, starts it on a free loopback port and waits until it answers.
    pub async fn start() -> Result<LocalAws, Error> {
        tokio::task::spawn_blocking(LocalAws::start_blocking)
            .await
            .unwrap_or_else(|join| std::panic::resume_unwind(join.into_panic()))
    }

    /// The blocking body of [`LocalAws::start`], for callers without a runtime.
    pub fn start_blocking() -> Result<LocalAws, Error> {
        let server = moto_server()?;
        let dir = server_log_dir(&server);
        let mut last = None;
        // The free port is found by binding port 0 and releasing it, so another process may
        // take it first; a few attempts make that race harmless.
        for _ in 0..3 {
            match spawn(&server, &dir) {
                Ok(local) => return Ok(local),
                Err(err) => last = Some(err),
            }
        }
        Err(last.expect("at least one attempt was made"))
    }

    /// The endpoint URL, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }

    /// The loopback port moto listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The region to use with this endpoint.
    pub fn region(&self) -> &str {
        REGION
    }

    /// The account id moto reports for every identity.
    pub fn account_id(&self) -> &str {
        ACCOUNT_ID
    }

    /// The server's log file (stdout and stderr).
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Test credentials accepted by moto.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "fed-local")
    }

    /// An SDK configuration pointing every service at this moto, with the test credentials and
    /// no influence from the host environment.
    pub async fn sdk_config(&self) -> SdkConfig {
        self.sdk_config_with(self.credentials()).await
    }

    /// Like [`LocalAws::sdk_config`], but signing with the given credentials.
    pub async fn sdk_config_with(&self, credentials: Credentials) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .empty_test_environment()
            .region(Region::new(REGION))
            .endpoint_url(self.endpoint_url.clone())
            .credentials_provider(credentials)
            .load()
            .await
    }
}

impl Drop for LocalAws {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts one moto_server and waits until it answers.
fn spawn(server: &Path, dir: &Path) -> Result<LocalAws, Error> {
    let port = crate::ports::unused_port()
        .map_err(|source| io("bind a loopback port for moto in", dir, source))?;
    let log = dir.join(format!("moto-{port}.log"));
    let start_err = |reason: String| Error::Start {
        server: server.to_path_buf(),
        reason,
        log: log.clone(),
    };
    let out = File::create(&log).map_err(|source| io("create", &log, source))?;
    let err = out.try_clone().map_err(|source| io("open", &log, source))?;
    let mut child = Command::new(server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| start_err(e.to_string()))?;
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(start_err(format!("it exited with {status}")));
        }
        if answers(port) {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(start_err(format!(
                "no answer on port {port} within {}s",
                STARTUP_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    tracing::debug!(port, "moto is up");
    Ok(LocalAws {
        child,
        port,
        endpoint_url: format!("http://127.0.0.1:{port}"),
        log,
    })
}

/// Whether moto answers an HTTP request on the port.
fn answers(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

/// The directory for server logs: next to the venv, or the temp dir for an external server.
fn server_log_dir(server: &Path) -> PathBuf {
    match std::env::var_os("FED_MOTO_SERVER") {
        Some(_) => std::env::temp_dir(),
        None => server
            .parent()
            .and_then(Path::parent)
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(std::env::temp_dir),
    }
}

/// The moto_server executable, provisioning the venv if needed.
fn moto_server() -> Result<PathBuf, Error> {
    if let Some(server) = std::env::var_os("FED_MOTO_SERVER") {
        return Ok(PathBuf::from(server));
    }
    let dir = match std::env::var_os("FED_MOTO_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => target_dir().join("moto"),
    };
    let python = std::env::var("FED_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    provision(&dir, &python)
}

/// The Python interpreter of the venv that runs moto (`python` next to `moto_server`), which
/// has boto3 and botocore as moto's dependencies; provisions the venv like [`LocalAws::start`]
/// if needed.
pub fn python() -> Result<PathBuf, Error> {
    Ok(moto_server()?.with_file_name("python"))
}

/// Installs the pinned moto into `<dir>/venv` with the interpreter `python`, unless a previous
/// install finished there; returns the path of `moto_server`.
///
/// A file lock in `dir` serializes concurrent callers, across processes too. [`LocalAws::start`]
/// calls this with `<target dir>/moto` (or `FED_MOTO_DIR`) and `python3` (or `FED_PYTHON`).
pub fn provision(dir: &Path, python: &str) -> Result<PathBuf, Error> {
    let venv = dir.join("venv");
    let server = venv.join("bin").join("moto_server");
    let marker = venv.join(MARKER);
    if marker.exists() {
        return Ok(server);
    }
    fs::create_dir_all(dir).map_err(|source| io("create", dir, source))?;
    let lock_path = dir.join("install.lock");
    let lock = File::create(&lock_path).map_err(|source| io("create", &lock_path, source))?;
    lock.lock()
        .map_err(|source| io("lock", &lock_path, source))?;
    // Another process may have finished the install while this one waited for the lock.
    if marker.exists() {
        return Ok(server);
    }
    if venv.exists() {
        fs::remove_dir_all(&venv)
            .map_err(|source| io("remove the incomplete venv", &venv, source))?;
    }
    let python = python.to_owned();
    tracing::info!(venv = %venv.display(), "provisioning moto {MOTO_VERSION}");
    let status = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|source| Error::PythonMissing {
            python: python.clone(),
            source,
        })?;
    if !status.success() {
        return Err(Error::VenvFailed {
            python,
            venv,
            status: status.to_string(),
        });
    }
    let pip = venv.join("bin").join("pip");
    let status = Command::new(&pip)
        .args(["install", "--disable-pip-version-check", "--quiet"])
        .args(PACKAGES)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status();
    let failed = |status: String| Error::PipFailed {
        venv: venv.clone(),
        status,
    };
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => return Err(failed(status.to_string())),
        Err(err) => return Err(failed(format!("cannot run {}: {err}", pip.display()))),
    }
    if !server.exists() {
        return Err(failed(format!(
            "{} is missing afterwards",
            server.display()
        )));
    }
    fs::write(&marker, PACKAGES.join("\n")).map_err(|source| io("write", &marker, source))?;
    Ok(server)
}

/// The cargo target directory: `CARGO_TARGET_DIR`, else the nearest ancestor of the running
/// executable holding cargo's `CACHEDIR.TAG`, else `target/` of this workspace.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        if dir.is_absolute() {
            return dir;
        }
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file())
    {
        return dir.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}
