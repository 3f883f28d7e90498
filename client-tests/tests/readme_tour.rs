//! The README's five-minute tour, run as written: every `sh` block between
//! "A five-minute tour" and "Scenarios", in order, in one bash session
//! (`set -euo pipefail`) against metasim with its `default` demo sandbox —
//! only the first block's `B=http://127.0.0.1:8080` is pointed at this test's
//! server. Each output the README shows in a comment (`# {…}`, `# "…"`,
//! `# signature OK …`, with `…` standing for anything) must appear, in order.
//! And the Scenarios section's complete example runs and passes as written.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use client_tests::Sim;

const TOUR_START: &str = "## A five-minute tour";
const TOUR_END: &str = "## Scenarios";

/// The `sh` blocks of the tour section.
fn tour_blocks(readme: &str) -> Vec<String> {
    let start = readme.find(TOUR_START).expect("the tour section");
    let end = start
        + readme[start..]
            .find(TOUR_END)
            .expect("the section after the tour");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme[start..end].lines() {
        match &mut current {
            Some(_) if line == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line == "```sh" => current = Some(String::new()),
            None => {}
        }
    }
    blocks
}

/// The outputs the README shows: comment lines that start like JSON output
/// or the receiver's line, cut at `…` into pieces that must appear in order.
fn shown_outputs(blocks: &[String]) -> Vec<Vec<String>> {
    blocks
        .iter()
        .flat_map(|block| block.lines())
        .filter_map(|line| line.strip_prefix("# "))
        .filter(|text| {
            text.starts_with('{') || text.starts_with('"') || text.starts_with("signature OK")
        })
        .map(|text| {
            let text = text.split("   (").next().unwrap_or(text);
            text.split('…').map(str::to_owned).collect()
        })
        .collect()
}

/// Find every piece after `from`; the end of the match.
fn find_pieces(output: &str, from: usize, pieces: &[String]) -> Option<usize> {
    let mut at = from;
    for piece in pieces {
        at += output[at..].find(piece.as_str())? + piece.len();
    }
    Some(at)
}

#[tokio::test]
async fn the_readme_tour_runs_and_shows_what_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let blocks = tour_blocks(&readme);
    assert!(blocks.len() >= 6, "tour blocks: {}", blocks.len());
    let sim = Sim::start().await;
    let first = "B=http://127.0.0.1:8080\n";
    assert!(blocks[0].starts_with(first), "{}", blocks[0]);
    let mut script = String::from("set -euo pipefail\n");
    script.push_str(&format!("B={}\n", sim.sim.url()));
    script.push_str(&blocks[0][first.len()..]);
    for block in &blocks[1..] {
        script.push_str(block);
    }
    // The receiver the tour starts in the background.
    script.push_str("kill $(jobs -p) 2>/dev/null || true\nwait\n");

    let output = tokio::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&root)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(120), output)
        .await
        .expect("the tour ends within 2 minutes")
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the tour failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    let shown = shown_outputs(&blocks);
    assert!(shown.len() >= 8, "{shown:?}");
    let mut at = 0;
    for pieces in &shown {
        at = find_pieces(&stdout, at, pieces).unwrap_or_else(|| {
            panic!(
                "{pieces:?} not in the tour's output after byte {at}:\n{stdout}\nstderr:\n{stderr}"
            )
        });
    }
}

/// The first ```json block of the README's Scenarios section.
fn scenario_example(readme: &str) -> String {
    let start = readme.find(TOUR_END).expect("the Scenarios section");
    let rest = &readme[start..];
    let open = rest.find("```json\n").expect("a JSON example") + "```json\n".len();
    let close = open + rest[open..].find("\n```").expect("the example's end");
    rest[open..close].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_scenario_example_runs_and_passes() {
    use metasim::scenario::{RunOptions, Suite, Verdict};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let dir = std::env::temp_dir().join(format!("metasim-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("readme-example.json");
    std::fs::write(&file, scenario_example(&readme)).expect("the example written");
    let options = RunOptions {
        port: 0,
        seed: None,
        app: None,
        jobs: 1,
    };
    let suite = Suite::start(options).await.expect("metasim starts");
    let outcomes = suite.run(std::slice::from_ref(&file), |_| {}).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(outcomes.len(), 1);
    match &outcomes[0].verdict {
        Verdict::Passed => {}
        other => panic!("the README's scenario example did not pass: {other:?}"),
    }
}
