//! The embedded Redis: Debian's `redis-server` started on a free loopback
//! port (127.0.0.1 only) in a temporary directory, stopped at the end. The
//! live tests use it too, with an append-only file, to kill the server and
//! start it again on the same port and directory.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::i18n::live::LiveFailure;

/// A `redis-server` this process started.
pub struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
    /// The temporary directory, removed when the server is dropped (none
    /// when the caller owns the directory).
    _temp: Option<tempfile::TempDir>,
}

/// The durability settings of an append-only file written on every write.
pub const AOF_ALWAYS: [&str; 4] = ["--appendonly", "yes", "--appendfsync", "always"];

/// A port free on 127.0.0.1 now (the kernel's choice for port 0).
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

impl Server {
    /// The embedded default: a fresh server in a temporary directory,
    /// without persistence.
    pub fn start() -> Result<Server, LiveFailure> {
        let temp = tempfile::Builder::new()
            .prefix("canteen-redis-")
            .tempdir()
            .map_err(|e| LiveFailure::ServerDidNotStart(e.to_string()))?;
        let dir = temp.path().to_path_buf();
        let mut server = Server::start_in(&dir, None, &["--appendonly", "no"])?;
        server._temp = Some(temp);
        Ok(server)
    }

    /// A server keeping its files in `dir`, on `port` or a free one (tried
    /// again on another port when the one chosen was taken meanwhile), with
    /// `extra` settings.
    pub fn start_in(dir: &Path, port: Option<u16>, extra: &[&str]) -> Result<Server, LiveFailure> {
        let mut last = String::new();
        for _ in 0..5 {
            let port = match port {
                Some(port) => port,
                None => free_port().map_err(|e| LiveFailure::ServerDidNotStart(e.to_string()))?,
            };
            let spawned = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--protected-mode", "yes", "--daemonize", "no", "--save", ""])
                .arg("--dir")
                .arg(dir)
                .args(["--logfile", "redis.log"])
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let child = match spawned {
                Ok(child) => child,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(LiveFailure::NoRedisServer)
                }
                Err(e) => return Err(LiveFailure::ServerDidNotStart(e.to_string())),
            };
            let mut server = Server {
                child,
                port,
                dir: dir.to_path_buf(),
                _temp: None,
            };
            match server.wait_ready() {
                Ok(()) => return Ok(server),
                Err(why) => last = why,
            }
        }
        Err(LiveFailure::ServerDidNotStart(last))
    }

    /// Waits until the server answers PING (or exits: the port was taken).
    fn wait_ready(&mut self) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
                let last = log.lines().last().unwrap_or_default().to_string();
                return Err(format!("{status}: {last}"));
            }
            let ping = redis::Client::open(self.url()).and_then(|client| {
                let mut con = client.get_connection_with_timeout(Duration::from_millis(200))?;
                redis::cmd("PING").query::<String>(&mut con)
            });
            if ping.is_ok() {
                return Ok(());
            }
            sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Err("no answer within 10 s".to_string())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `redis://127.0.0.1:PORT/0`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// SIGKILL, as a crash: nothing is saved on the way out.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server without saving.
    pub fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let stopped = redis::Client::open(self.url()).and_then(|client| {
                let mut con = client.get_connection_with_timeout(Duration::from_millis(500))?;
                redis::cmd("SHUTDOWN").arg("NOSAVE").query::<()>(&mut con)
            });
            let start = Instant::now();
            // SHUTDOWN answers by closing the connection (an error here).
            let _ = stopped;
            while start.elapsed() < Duration::from_secs(2) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                sleep(Duration::from_millis(10));
            }
        }
        self.kill();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
