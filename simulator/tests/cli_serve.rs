//! `metasim serve` as a person starts it: the banner's first lines name the
//! address, the dashboard and the Graph base URL, and the dashboard answers
//! at the address printed.

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

/// `GET path` on `host:port` over plain HTTP/1.1; the whole answer.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("metasim listens");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
}

#[test]
fn the_banner_names_the_dashboard_which_answers() {
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_metasim"))
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("metasim starts"),
    );
    let mut lines = BufReader::new(server.0.stdout.take().expect("stdout")).lines();
    let mut banner: Vec<String> = Vec::new();
    for _ in 0..3 {
        banner.push(lines.next().expect("a banner line").expect("text"));
    }
    let base = banner[0]
        .strip_prefix("metasim ready at ")
        .unwrap_or_else(|| panic!("{banner:?}"))
        .to_owned();
    assert_eq!(banner[1], format!("  dashboard:        {base}/_sim/ui"));
    assert_eq!(banner[2], format!("  Graph base URL:   {base}/v26.0"));
    let page = get(base.trim_start_matches("http://"), "/_sim/ui");
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("<title>metasim</title>"), "{page}");
}
