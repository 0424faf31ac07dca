//! `detente serve` as a process: a burst of writes from several threads is
//! cut by `kill -9`, and after a restart on the same database every write
//! that was acknowledged is there and the job left running is reported
//! failed; a SIGTERM stops the server cleanly and records its running job as
//! cancelled.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn detente() -> Command {
    Command::new(env!("CARGO_BIN_EXE_detente"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detente-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts `detente serve` on a free port and waits for it to say where it listens.
    fn start(db: &Path, log: &Path) -> Server {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("log file");
        let mut child = detente()
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url"])
            .arg(db)
            .env("DETENTE_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn detente serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a first line").expect("readable");
        let address = first
            .split("http://")
            .nth(1)
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, address }
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        http(self.address, method, path, token, body)
    }

    fn get(&self, path: &str) -> Value {
        let (status, value) = self.call("GET", path, None, None).expect("GET");
        assert_eq!(status, 200, "GET {path}: {value}");
        value
    }

    fn wait_job(&self, id: &str, status: &str) -> Value {
        let start = Instant::now();
        loop {
            let job = self.get(&format!("/api/jobs/{id}"));
            if job["status"] == status {
                return job;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "job {id} never {status}: {job}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([name, &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success());
    }

    fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(start.elapsed() < within, "the server did not stop within {within:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on its own connection: (status, body as JSON, or as a string).
fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete response"))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status"))?;
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_owned() };
    Ok((status, serde_json::from_str(&body).unwrap_or(Value::String(body))))
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        text = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn token(db: &Path) -> String {
    let out = detente().args(["token", "create", "--database-url"]).arg(db).output().expect("token create");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_owned()
}

fn seed_case(server: &Server) -> String {
    let list = server.get("/api/scenarios");
    let riyadh =
        list.as_array().expect("a list").iter().find(|s| s["name"].as_str().is_some_and(|n| n.contains("Riyadh")));
    riyadh.expect("the bundled seed case")["id"].as_str().expect("id").to_owned()
}

/// A sensitivity run long enough to be running whatever happens next.
fn start_long_job(server: &Server, token: &str, scenario: &str) -> String {
    let request = json!({"kind": "sensitivity", "scenario_id": scenario, "model": "smp", "runs": 200000, "seed": 3});
    let (status, job) = server.call("POST", "/api/jobs", Some(token), Some(&request)).expect("POST /api/jobs");
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().expect("id").to_owned();
    server.wait_job(&id, "running");
    id
}

fn laptop(name: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/laptop.toml"))
        .expect("laptop.toml");
    let text = text.replacen("name = \"Laptop (GENIUS, ANAC 2011)\"", &format!("name = \"{name}\""), 1);
    json!({"format": "toml", "text": text})
}

#[test]
fn acknowledged_writes_survive_kill_9_and_the_restart_resumes_interrupted_jobs() {
    let dir = temp_dir("crash");
    let (db, log) = (dir.join("detente.db"), dir.join("server.log"));
    let token = token(&db);
    let server = Server::start(&db, &log);
    let scenario = seed_case(&server);
    let job = start_long_job(&server, &token, &scenario);

    // A burst of writes from four threads, cut by kill -9.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (acknowledged, stop, token, address) =
                (Arc::clone(&acknowledged), Arc::clone(&stop), token.clone(), server.address);
            std::thread::spawn(move || {
                for k in 0.. {
                    if stop.load(Ordering::SeqCst) || k >= 2000 {
                        break;
                    }
                    let name = format!("burst {t}-{k}");
                    match http(address, "POST", "/api/scenarios", Some(&token), Some(&laptop(&name))) {
                        Ok((201, body)) => {
                            let id = body["id"].as_str().expect("an id").to_owned();
                            acknowledged.lock().expect("lock").push((id, name));
                        }
                        Ok((status, body)) => panic!("POST /api/scenarios: {status} {body}"),
                        // The server is gone: what was acknowledged is all there is.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    while acknowledged.lock().expect("lock").len() < 40 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut server = server;
    server.child.kill().expect("kill -9");
    server.child.wait().expect("wait");
    stop.store(true, Ordering::SeqCst);
    for thread in threads {
        thread.join().expect("a writer thread");
    }
    drop(server);
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 40, "only {} writes before the kill", acknowledged.len());
    eprintln!("{} writes acknowledged before kill -9", acknowledged.len());

    let mut server = Server::start(&db, &log);
    for (id, name) in &acknowledged {
        let (status, scenario) = server.call("GET", &format!("/api/scenarios/{id}"), None, None).expect("GET");
        assert_eq!(status, 200, "acknowledged write {name} ({id}) is lost: {scenario}");
        assert_eq!(scenario["name"], json!(name));
    }
    // The job cut off is run again from the start, never left failed or stale.
    let resumed = server.get(&format!("/api/jobs/{job}"));
    assert!(resumed["status"] == "queued" || resumed["status"] == "running", "{resumed}");
    assert!(resumed.get("error").is_none(), "{resumed}");
    // It would hold a worker for minutes: cancel it, as a client may.
    let (status, cancelled) =
        server.call("POST", &format!("/api/jobs/{job}/cancel"), Some(&token), None).expect("cancel");
    assert_eq!((status, cancelled["status"].clone()), (200, json!("cancelled")), "{cancelled}");

    // SIGTERM: the running job is cancelled and recorded so, and the server exits 0.
    let job = start_long_job(&server, &token, &scenario);
    server.signal("-TERM");
    let status = server.wait_exit(Duration::from_secs(60));
    assert!(status.success(), "detente serve exited with {status} on SIGTERM");
    drop(server);
    let server = Server::start(&db, &log);
    let cancelled = server.get(&format!("/api/jobs/{job}"));
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["error"], "cancelled: the server shut down", "{cancelled}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
