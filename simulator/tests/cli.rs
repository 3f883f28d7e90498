//! The `metasim` binary as a user runs it: `metasim serve` prints a ready line
//! and the demo sandbox's handles and tokens, serves requests, loads a
//! `--fixture` file, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};

struct Server {
    child: Child,
    lines: BufReader<ChildStdout>,
    address: String,
}

fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("metasim starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first = String::new();
    lines.read_line(&mut first).expect("a ready line");
    let address = first
        .trim()
        .strip_prefix("metasim ready at http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    Server {
        child,
        lines,
        address,
    }
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connects");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn terminate(mut server: Server) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    server.child.wait().expect("metasim exits")
}

#[test]
fn serve_prints_handles_and_stops_on_sigterm() {
    let mut server = start(&["--seed", "3"]);
    let mut listing = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        server.lines.read_line(&mut line).unwrap();
        listing.push_str(&line);
        if line.contains("secret") {
            break;
        }
    }
    for expected in [
        "Graph base URL:",
        "sandbox:          default (seed 3)",
        "phone_number",
        "waba",
        "system_user_token",
        "app secret",
    ] {
        assert!(
            listing.contains(expected),
            "{expected:?} missing from\n{listing}"
        );
    }
    let health = get(&server.address, "/_sim/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(r#""status":"ok""#));
    let sandbox = get(&server.address, "/_sim/sandboxes/default");
    assert!(sandbox.contains(r#""seed":3"#), "{sandbox}");
    assert!(terminate(server).success());
}

#[test]
fn serve_loads_a_fixture_file_and_reports_bad_ones() {
    let dir = std::env::temp_dir().join(format!("metasim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"users": [{"handle": "solo", "name": "Solo User", "id": "42"}]}"#,
    )
    .unwrap();
    let server = start(&["--quiet", "--fixture", good.to_str().unwrap()]);
    let sandbox = get(&server.address, "/_sim/sandboxes/default");
    assert!(sandbox.contains(r#""handles":{"solo":"42"}"#), "{sandbox}");
    assert!(terminate(server).success());

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"users": [{"handle": "x"}]}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .args(["serve", "--port", "0", "--fixture", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing field `name`") && stderr.contains("users[0]"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `--https` lines, up to the last one (serving has begun after it).
fn read_banner(server: &mut Server) -> String {
    let mut banner = String::new();
    while !banner.contains("/etc/hosts") {
        let mut line = String::new();
        assert!(server.lines.read_line(&mut line).unwrap() > 0, "{banner}");
        banner.push_str(&line);
    }
    banner
}

#[test]
fn serve_https_prints_the_exports_and_keeps_its_ca() {
    let dir = std::env::temp_dir().join(format!("metasim-cli-ca-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ca_dir = dir.to_str().unwrap();
    let https = [
        "--quiet",
        "--https",
        "--https-port",
        "0",
        "--ca-dir",
        ca_dir,
    ];
    let mut server = start(&https);
    let banner = read_banner(&mut server);
    let ca = dir.join("ca.pem");
    for expected in [
        format!("CA certificate:   {}", ca.display()),
        format!("HTTPS_PROXY=http://{}", server.address),
        format!("REQUESTS_CA_BUNDLE={}", ca.display()),
        format!("NODE_EXTRA_CA_CERTS={}", ca.display()),
        "NODE_OPTIONS=\"--require global-agent/bootstrap\"".to_owned(),
    ] {
        assert!(
            banner.contains(&expected),
            "{expected:?} missing from\n{banner}"
        );
    }
    let pem = std::fs::read(&ca).expect("the CA certificate was written");
    assert!(terminate(server).success());
    let mut server = start(&https);
    read_banner(&mut server);
    assert_eq!(std::fs::read(&ca).unwrap(), pem, "the CA is kept");
    assert!(terminate(server).success());

    std::fs::remove_file(dir.join("ca-key.pem")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .args(["serve", "--port", "0", "--https", "--ca-dir", ca_dir])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("exists but") && stderr.contains("ca-key.pem"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .args(["serve", "--https-port", "9443"])
        .output()
        .unwrap();
    assert!(!output.status.success(), "--https-port needs --https");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_state_dir_keeps_sandboxes_across_a_restart_and_skips_corrupt_files() {
    let dir = std::env::temp_dir().join(format!("metasim-cli-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state_dir = dir.to_str().unwrap();
    let server = start(&["--quiet", "--state-dir", state_dir]);
    let created = request(
        &server.address,
        "POST",
        "/_sim/sandboxes",
        r#"{"id":"kept","seed":11}"#,
    );
    assert!(created.starts_with("HTTP/1.1 201"), "{created}");
    let advanced = request(
        &server.address,
        "POST",
        "/_sim/sandboxes/kept/clock/advance",
        r#"{"seconds":3600}"#,
    );
    assert!(advanced.starts_with("HTTP/1.1 200"), "{advanced}");
    let saved = request(&server.address, "POST", "/_sim/state/save", "");
    assert!(saved.contains(r#""saved":["default","kept"]"#), "{saved}");
    let clock = get(&server.address, "/_sim/sandboxes/kept/clock");
    assert!(terminate(server).success());
    std::fs::write(dir.join("sandboxes/broken.json"), "{\"id\":").unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .args(["serve", "--port", "0", "--quiet", "--state-dir", state_dir])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .strip_prefix("metasim ready at http://")
        .unwrap()
        .to_owned();
    let body = |response: &str| {
        response
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        body(&get(&address, "/_sim/sandboxes/kept/clock")),
        body(&clock)
    );
    let broken = get(&address, "/_sim/sandboxes/broken");
    assert!(broken.starts_with("HTTP/1.1 404"), "{broken}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains("skipped") && stderr.contains("broken.json"),
        "{stderr}"
    );
    assert!(stderr.contains("restored default, kept"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn request(address: &str, method: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connects");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
