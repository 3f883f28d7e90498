//! `metasim serve` locks its control plane when asked, and refuses to listen
//! beyond this machine without a lock: `--host` other than a loopback
//! address needs `--admin-token` (or `METASIM_ADMIN_TOKEN`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The server this test started, stopped however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn metasim(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_metasim"));
    command.args(args).env_remove("METASIM_ADMIN_TOKEN");
    command
}

/// `GET path` with extra header lines; the whole answer.
fn get(address: &str, path: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("metasim listens");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
}

#[test]
fn listening_beyond_loopback_needs_an_admin_token() {
    let refused = metasim(&["serve", "--host", "0.0.0.0", "--port", "0", "--quiet"])
        .output()
        .expect("metasim runs");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--host 0.0.0.0 is reachable from other machines: give --admin-token"),
        "{stderr}"
    );
    let short = metasim(&["serve", "--port", "0", "--admin-token", "short"])
        .output()
        .expect("metasim runs");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("16 to 256"));
}

#[test]
fn an_admin_token_from_the_environment_locks_the_control_plane() {
    let token = "env-admin-token-0123456789";
    let mut server = Running(
        metasim(&["serve", "--port", "0"])
            .env("METASIM_ADMIN_TOKEN", token)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("metasim starts"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("stdout")).lines();
    let ready = lines.next().expect("a banner line").expect("text");
    let base = ready
        .strip_prefix("metasim ready at http://")
        .expect("the ready line")
        .to_owned();
    let dashboard = lines.next().expect("a banner line").expect("text");
    assert!(
        dashboard.ends_with("/_sim/ui (sign in with the admin token)"),
        "{dashboard}"
    );
    let locked = get(&base, "/_sim/sandboxes", "");
    assert!(locked.starts_with("HTTP/1.1 401"), "{locked}");
    let open = get(
        &base,
        "/_sim/sandboxes",
        &format!("Authorization: Bearer {token}\r\n"),
    );
    assert!(open.starts_with("HTTP/1.1 200"), "{open}");
}
