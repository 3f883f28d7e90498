//! Every snippet of docs/sdks.md runs, unmodified, against metasim with the
//! variables the page lists (and, for SDKs that hard-code Meta's host, the
//! `--https` exports), and metasim must have received the calls it makes,
//! all answered 200. The page and this test cannot drift apart: a snippet
//! without a runner here, or a runner without a snippet, fails the test.

use std::path::{Path, PathBuf};

use client_tests::sdk::{
    Scenario, calls, proxied_command, proxied_node_dir, proxied_python, pywa_python,
    whatsapp_api_js_dir,
};
use client_tests::whatsapp::{ALICE, MANAGER, phone};
use client_tests::{Sandbox, Sim, V};

/// How a snippet runs: with which program, where, and whether through the proxy.
enum Runner {
    Python(fn() -> PathBuf),
    Node(fn() -> PathBuf),
}

struct Snippet {
    sdk: &'static str,
    runner: Runner,
    proxied: bool,
    /// The calls it makes: method and the path after the version.
    calls: fn(&Sandbox) -> Vec<(&'static str, String)>,
}

fn send(sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    vec![("POST", format!("/{}/messages", phone(sandbox)))]
}

fn me(_: &Sandbox) -> Vec<(&'static str, String)> {
    vec![("GET", "/me".to_owned())]
}

fn page_then_send(_: &Sandbox) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/me".to_owned()),
        ("POST", "/me/messages".to_owned()),
    ]
}

const SNIPPETS: [Snippet; 6] = [
    Snippet {
        sdk: "pywa",
        runner: Runner::Python(pywa_python),
        proxied: true,
        calls: send,
    },
    Snippet {
        sdk: "heyoo",
        runner: Runner::Python(proxied_python),
        proxied: true,
        calls: send,
    },
    Snippet {
        sdk: "facebook-business",
        runner: Runner::Python(proxied_python),
        proxied: true,
        calls: me,
    },
    Snippet {
        sdk: "whatsapp-api-js",
        runner: Runner::Node(whatsapp_api_js_dir),
        proxied: false,
        calls: send,
    },
    Snippet {
        sdk: "messaging-api-messenger",
        runner: Runner::Node(proxied_node_dir),
        proxied: false,
        calls: page_then_send,
    },
    Snippet {
        sdk: "whatsapp",
        runner: Runner::Node(proxied_node_dir),
        proxied: true,
        calls: send,
    },
];

/// The ```` ```lang sdk=NAME ```` blocks of a Markdown page: (name, code).
fn snippets(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match &mut current {
            Some((_, code)) if line.trim_end() == "```" => {
                let (name, code) = current.take().expect("inside a block");
                found.push((name, code));
                let _ = code;
            }
            Some((_, code)) => {
                code.push_str(line);
                code.push('\n');
            }
            None => {
                if let Some(info) = line.strip_prefix("```")
                    && let Some(name) = info.split_whitespace().find_map(|w| w.strip_prefix("sdk="))
                {
                    current = Some((name.to_owned(), String::new()));
                }
            }
        }
    }
    assert!(current.is_none(), "an unclosed code block");
    found
}

/// The Page token, as `GET /me/accounts` gives it to the snippet's reader.
async fn page_token(sim: &Sim, sandbox: &Sandbox) -> String {
    let reply = sim
        .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
        .await;
    reply.ok()["data"][0]["access_token"]
        .as_str()
        .expect("a Page token")
        .to_owned()
}

/// The PSID of the person in the Page's first conversation (the demo's Ana).
async fn psid(sim: &Sim, sandbox: &Sandbox, page_token: &str) -> String {
    let path = format!(
        "/{V}/{}/conversations?fields=participants",
        sandbox.id_of("page")
    );
    let reply = sim.get_as(page_token, &path).await;
    reply.ok()["data"][0]["participants"]["data"][0]["id"]
        .as_str()
        .expect("a PSID")
        .to_owned()
}

/// The variables docs/sdks.md lists.
async fn settings(sim: &Sim, sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    let page_token = page_token(sim, sandbox).await;
    vec![
        ("METASIM_URL", sim.sim.url().to_owned()),
        ("WA_TOKEN", sandbox.token(MANAGER).to_owned()),
        ("WA_PHONE_NUMBER_ID", phone(sandbox).to_owned()),
        ("WA_TO", ALICE.to_owned()),
        ("FB_TOKEN", sandbox.token("user_token").to_owned()),
        ("PSID", psid(sim, sandbox, &page_token).await),
        ("PAGE_TOKEN", page_token),
        ("APP_SECRET", sandbox.secret("app").to_owned()),
        // What Meta's SDK reads itself (the snippet's "Run with" line).
        ("CLOUD_API_ACCESS_TOKEN", sandbox.token(MANAGER).to_owned()),
        ("CLOUD_API_VERSION", V.to_owned()),
        ("NODE_ENV", "production".to_owned()),
    ]
}

async fn run(sim: &Sim, settings: &[(&str, String)], snippet: &Snippet, code: &str) {
    let exports = if snippet.proxied {
        sim.sim.https_exports()
    } else {
        Vec::new()
    };
    let (program, file, dir): (PathBuf, PathBuf, PathBuf) = match snippet.runner {
        Runner::Python(python) => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            (
                python(),
                dir.join(format!("snippet-{}.py", snippet.sdk)),
                dir,
            )
        }
        Runner::Node(node_dir) => {
            // Inside the SDK's folder, so that its node_modules resolve.
            let dir = node_dir();
            let file = dir.join(format!(".snippet-{}.mjs", snippet.sdk));
            (PathBuf::from("node"), file, dir)
        }
    };
    std::fs::write(&file, code).expect("the snippet can be written");
    let mut command = proxied_command(&program, &exports, settings);
    command.arg(&file).current_dir(&dir);
    let output = tokio::time::timeout(std::time::Duration::from_secs(120), command.output())
        .await
        .unwrap_or_else(|_| panic!("{} ran longer than 2 minutes", snippet.sdk))
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "the {} snippet failed ({}):\n{}\n{}",
        snippet.sdk,
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_snippet_of_docs_sdks_md_runs_against_metasim() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sdks.md");
    let page = std::fs::read_to_string(&page).expect("docs/sdks.md is readable");
    let found = snippets(&page);
    let documented: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
    let tested: Vec<&str> = SNIPPETS.iter().map(|s| s.sdk).collect();
    assert_eq!(
        documented, tested,
        "docs/sdks.md and this test list the same SDKs"
    );

    let ca = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("docs-sdks-ca");
    let sim = Sim::start_intercepting(&ca).await;
    for (snippet, (_, code)) in SNIPPETS.iter().zip(&found) {
        let scenario = Scenario::start(&sim, &format!("docs-{}", snippet.sdk)).await;
        let sandbox = &scenario.sandbox;
        let settings = settings(&sim, sandbox).await;
        let before = sim.journal(sandbox, "").await.len();
        run(&sim, &settings, snippet, code).await;
        let requests = sim.journal(sandbox, "").await.split_off(before);
        let made: Vec<(&str, String)> = calls(&requests)
            .into_iter()
            .map(|(method, path)| {
                // Drop the version segment, whichever the SDK uses.
                let rest = path.splitn(3, '/').nth(2).unwrap_or_default();
                (method, format!("/{rest}"))
            })
            .collect();
        assert_eq!(made, (snippet.calls)(sandbox), "calls of {}", snippet.sdk);
        for entry in &requests {
            assert_eq!(entry["status"], 200, "{}: {entry}", snippet.sdk);
        }
    }
}
