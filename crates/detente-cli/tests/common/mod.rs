//! Scaffolding shared by the tests that run the real `detente` binary. Each
//! test binary compiles this module whole but uses only part of it, so an
//! item that some binary leaves unused carries `#[allow(dead_code)]`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository's root, where the binary runs.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `detente` with these arguments and environment variables (on top of
/// this process's) in the repository's root.
pub(crate) fn detente_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_detente"));
    command.args(args).current_dir(repo());
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the binary runs")
}

/// Runs `detente` with these arguments in the repository's root.
pub(crate) fn detente(args: &[&str]) -> Output {
    detente_env(args, &[])
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What `detente` prints on stdout, which must be one JSON object; fails
/// the test if the run fails.
#[allow(dead_code)]
pub(crate) fn json(args: &[&str]) -> Value {
    let o = detente(args);
    assert!(o.status.success(), "detente {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON object")
}

/// A path named `name` in the folder `dir` (made if missing) of the
/// system's temporary folder, the folder's name suffixed with this
/// process's id.
pub(crate) fn temp_path(dir: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{dir}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// Starts `detente` with these arguments in the repository's root, sends it
/// Ctrl-C (SIGINT) 1.5 s later, then waits up to a minute for it to exit
/// (killing it and failing the test, naming `what`, if it does not).
/// Returns its exit status and what it wrote to stderr.
#[cfg(unix)]
#[allow(dead_code)]
pub(crate) fn interrupted(args: &[&str], what: &str) -> (std::process::ExitStatus, String) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().expect("the child is killed");
            panic!("the {what} did not stop within a minute of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("a piped stderr"), &mut err).expect("stderr reads");
    (status, err)
}
