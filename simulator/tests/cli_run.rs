//! `metasim run` as CI runs it: the scenario library passes with one line per
//! scenario and a summary (the app scenario skipped without an app); a
//! failing or malformed file exits non-zero naming the step, the field and
//! expected vs actual, also in the JUnit report; `--seed` and `--transcripts`;
//! and the example app `examples/keyword-bot` (Python, standard library)
//! passes its scenario through `--port P --app-webhook URL`.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn metasim_run(args: &[&str]) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_metasim"))
        .arg("run")
        .args(args)
        .current_dir(repo())
        .output()
        .expect("metasim runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("metasim-cli-run-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_library_passes_with_a_line_per_scenario_and_a_junit_report() {
    let dir = temp_dir("library");
    let junit = dir.join("junit.xml");
    let (output, stdout) = metasim_run(&["scenarios", "--junit", junit.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("metasim run: "), "{stdout}");
    for line in [
        "PASS  number-lifecycle  (scenarios/whatsapp/number-lifecycle.json, 12 steps",
        "PASS  receiver-down-then-up",
        "SKIP  keyword-bot  (scenarios/apps/keyword-bot.json): tests an app: run it with --port P --app-webhook URL",
    ] {
        assert!(stdout.contains(line), "{line:?} missing from\n{stdout}");
    }
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.contains(" passed, 0 failed, 1 skipped ("),
        "{summary}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("failures=\"0\" errors=\"0\" skipped=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("<testcase name=\"number-lifecycle\" classname=\"scenarios/whatsapp/number-lifecycle.json\""), "{xml}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failures_exit_non_zero_and_name_the_step_the_field_and_expected_vs_actual() {
    let dir = temp_dir("failures");
    std::fs::write(
        dir.join("a-wrong.json"),
        r#"{"name": "wrong status", "steps": [
            {"name": "read the clock", "sim": {"path": "/clock"}, "expect": {"body": {"now": 1}}}
        ]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("b-malformed.json"),
        r#"{"name": "malformed", "steps": [{"advance_clock": {"hours": 1}}, {"graph": {"path": "/me", "tokn": "x"}}]}"#,
    )
    .unwrap();
    let junit = dir.join("junit.xml");
    let (output, stdout) =
        metasim_run(&[dir.to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  wrong status  (")
            && stdout.contains(
                "      step 1 (read the clock): expect.body.now: expected 1, got 1767225600"
            ),
        "{stdout}"
    );
    assert!(
        stdout.contains("b-malformed.json: step 2: graph.tokn: unknown field `tokn`"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(")\n") && stdout.contains("2 scenarios: 0 passed, 2 failed, 0 skipped"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 of 2 scenarios failed"), "{stderr}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("failures=\"2\""), "{xml}");
    assert!(xml.contains("<failure message=\"step 1 (read the clock): expect.body.now: expected 1, got 1767225600\""), "{xml}");

    let (output, stdout) = metasim_run(&[dir.join("missing").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing: no such file or folder"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_absurd_clock_move_fails_its_scenario_and_the_others_still_report() {
    let dir = temp_dir("absurd");
    std::fs::write(
        dir.join("a-huge.json"),
        r#"{"name": "huge", "steps": [{"advance_clock": {"days": 300000000000000}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("b-fine.json"),
        r#"{"name": "fine", "steps": [{"advance_clock": {"hours": 1}}]}"#,
    )
    .unwrap();
    let (output, stdout) = metasim_run(&[dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  huge") && stdout.contains("seconds is too large"),
        "{stdout}"
    );
    assert!(stdout.contains("PASS  fine"), "{stdout}");
    assert!(
        stdout.contains("2 scenarios: 1 passed, 1 failed, 0 skipped"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn seed_overrides_and_transcripts_are_written() {
    let dir = temp_dir("seed");
    let file = "scenarios/whatsapp/number-lifecycle.json";
    let transcripts = |seed: &str, name: &str| {
        let out = dir.join(name);
        let mut args = vec![file, "--transcripts", out.to_str().unwrap()];
        if !seed.is_empty() {
            args.extend(["--seed", seed]);
        }
        let (output, stdout) = metasim_run(&args);
        assert!(output.status.success(), "{stdout}");
        std::fs::read_to_string(out.join("number-lifecycle.json")).unwrap()
    };
    let first = transcripts("", "first");
    assert_eq!(first, transcripts("", "again"), "same seed, same bytes");
    assert!(first.contains("\"seed\": 101"), "{first}");
    let reseeded = transcripts("5", "reseeded");
    assert!(reseeded.contains("\"seed\": 5"), "{reseeded}");
    assert_ne!(first, reseeded);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start the example bot the way its README says, configured from the
/// scenario's fixture (the token and app secret it pins).
fn start_bot(port: u16, metasim_port: u16) -> Bot {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("scenarios/fixtures/keyword-bot.json")).unwrap(),
    )
    .unwrap();
    let token = fixture["tokens"][0]["token"].as_str().unwrap();
    let secret = fixture["apps"][0]["secret"].as_str().unwrap();
    let child = Command::new("python3")
        .arg(repo().join("examples/keyword-bot/bot.py"))
        .args(["--port", &port.to_string()])
        .args([
            "--graph-url",
            &format!("http://127.0.0.1:{metasim_port}/v23.0"),
        ])
        .args([
            "--token",
            token,
            "--app-secret",
            secret,
            "--verify-token",
            "bot-verify",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the example bot (python3 is needed by the SDK tests too)");
    let bot = Bot(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the bot did not start listening"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    bot
}

#[test]
fn the_keyword_bot_passes_its_scenario_through_app_webhook() {
    let (bot_port, metasim_port) = (free_port(), free_port());
    let _bot = start_bot(bot_port, metasim_port);
    let hook = format!("http://127.0.0.1:{bot_port}/webhook");
    let port = metasim_port.to_string();

    let run = |verify_token: &str| {
        metasim_run(&[
            "--port",
            &port,
            "--app-webhook",
            &hook,
            "--verify-token",
            verify_token,
            "scenarios/apps/keyword-bot.json",
        ])
    };

    // A wrong verify token: the bot refuses the handshake, and the run says so.
    let (output, stdout) = run("wrong");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  keyword-bot")
            && stdout.contains("callback verification failed: HTTP Status Code = 403"),
        "{stdout}"
    );

    let (output, stdout) = run("bot-verify");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("against http://127.0.0.1:{port}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS  keyword-bot  (scenarios/apps/keyword-bot.json, 10 steps"),
        "{stdout}"
    );
}
