//! The scenario library under `scenarios/`: every file follows the JSON
//! Schema (`scenarios/schema.json`) and the parser agrees with the schema on
//! mistakes; every scenario passes against metasim in-process, and its
//! transcript matches the committed snapshot in `scenarios/snapshots/`
//! (review changes with `cargo insta review`; CI=true fails on a missing
//! one). Also: a failing scenario names the step and shows expected vs actual.

use std::path::{Path, PathBuf};

use client_tests::{Value, json};
use metasim::scenario::server::Server;
use metasim::scenario::{self, RunOptions, Suite, Verdict};

fn library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// Every JSON file under `dir` but fixtures/, snapshots/ and the schema, sorted.
fn scenario_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "fixtures" && name != "snapshots" {
            scenario_files(&path, files);
        } else if name.ends_with(".json") && name != "schema.json" {
            files.push(path);
        }
    }
}

fn all_scenario_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    scenario_files(&library(), &mut files);
    assert!(files.len() >= 8, "the library: {files:?}");
    files
}

fn schema() -> Value {
    let text = std::fs::read_to_string(library().join("schema.json")).expect("the schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn every_scenario_file_follows_the_schema_and_parses() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    for file in all_scenario_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let instance: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

#[test]
fn the_schema_and_the_parser_refuse_the_same_mistakes() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let step = |step: Value| json!({"name": "x", "steps": [step]});
    let mistakes = [
        (json!({"steps": []}), "missing field `name`"),
        (
            json!({"name": "x", "steps": [], "colour": "red"}),
            "unknown field `colour`",
        ),
        (
            step(json!({"graph": {"methd": "GET", "path": "/me"}})),
            "step 1: graph.methd: unknown field",
        ),
        (
            step(json!({"graph": {"method": "GET"}})),
            "step 1: graph: missing field `path`",
        ),
        (
            step(json!({"graph": {"path": "/a"}, "sim": {"path": "/b"}})),
            "step 1: a step needs exactly one action key",
        ),
        (
            step(json!({"name": "nothing to do"})),
            "step 1: a step needs exactly one action key",
        ),
        (
            step(json!({"receiver": {"status": 503}, "expect": {"status": 200}})),
            "step 1: expect: a receiver step",
        ),
        (
            step(json!({"sim": {"path": "/clock"}, "capture": {"now": "now"}})),
            "not a JSON pointer",
        ),
        (
            step(json!({"advance_clock": {"hours": -1}})),
            "step 1: advance_clock.hours: invalid value",
        ),
        (
            step(json!({"receiver": {"status": 1000}})),
            "step 1: receiver.status: a receiver answers with a status from 200 to 599",
        ),
        (
            step(json!({"expect_webhooks": {"order": "sorted"}})),
            "step 1: expect_webhooks.order: unknown variant",
        ),
        (
            step(json!({"graph": {"path": "/a", "body": {}, "form": {}}})),
            "step 1: graph: give body or form, not both",
        ),
        (
            json!({"name": "x", "sandbox": {"delivery": "later"}, "steps": []}),
            "sandbox.delivery: unknown variant",
        ),
        (
            json!({"name": "x", "sandbox": {"retention": {"event": 5}}, "steps": []}),
            "sandbox.retention.event: unknown field `event`",
        ),
    ];
    for (scenario, error) in mistakes {
        assert!(
            !validator.is_valid(&scenario),
            "the schema accepts {scenario}"
        );
        let refused = scenario::parse(&scenario.to_string()).expect_err("the parser refuses it");
        assert!(
            refused.contains(error),
            "{refused:?} should contain {error:?}"
        );
    }
}

fn options() -> RunOptions {
    RunOptions {
        port: 0,
        seed: None,
        app: None,
        jobs: 4,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_library_scenario_passes_and_matches_its_snapshot() {
    let files = all_scenario_files();
    let suite = Suite::start(options()).await.expect("metasim starts");
    let outcomes = suite.run(&files, |_| {}).await;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(library().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut snapshots = 0;
    for outcome in &outcomes {
        match &outcome.verdict {
            Verdict::Passed => {
                let name = scenario::runner::sandbox_id(&outcome.name);
                settings.set_description(
                    outcome
                        .source
                        .strip_prefix(library())
                        .unwrap()
                        .display()
                        .to_string(),
                );
                settings.bind(|| insta::assert_snapshot!(name, outcome.transcript.render()));
                snapshots += 1;
            }
            Verdict::Skipped(reason) => {
                let tests_an_app = scenario::load(&outcome.source)
                    .unwrap()
                    .scenario
                    .app_webhook
                    .is_some();
                assert!(tests_an_app, "{} skipped: {reason}", outcome.name);
            }
            Verdict::Failed(failure) => panic!("{} failed:\n{failure}", outcome.source.display()),
        }
    }
    assert!(snapshots >= 8, "{snapshots} snapshots");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_scenario_names_the_step_and_shows_expected_vs_actual() {
    let text = json!({
        "name": "wrong expectation",
        "steps": [
            {"name": "who am I", "graph": {"path": "/v23.0/me", "token": "system_user_token"}, "capture": {"me": "/id"}},
            {"name": "expect the wrong name", "graph": {"path": "/v23.0/${me}", "token": "system_user_token"},
             "expect": {"body": {"name": "Somebody Else"}}},
            {"name": "never runs", "advance_clock": {"seconds": 1}}
        ]
    });
    let loaded = inline(text);
    let server = Server::start(0).await.expect("metasim starts");
    let runner = scenario::Runner::start(server.url(), None).await.unwrap();
    let outcome = runner.run(&loaded, None).await;
    let Verdict::Failed(failure) = &outcome.verdict else {
        panic!("expected a failure, got {:?}", outcome.verdict);
    };
    assert_eq!(failure.step, Some((2, "expect the wrong name".to_owned())));
    assert_eq!(
        failure.message,
        "expect.body.name: expected \"Somebody Else\", got \"Lucky Shrub API\""
    );
    assert!(
        failure
            .detail
            .as_deref()
            .unwrap()
            .starts_with("response: 200 {"),
        "{failure}"
    );
    assert_eq!(outcome.steps_run, 2);
    // The transcript stops at the failing step; the sandbox is gone.
    assert_eq!(outcome.transcript.entries().len(), 3);
    let gone = reqwest::get(format!("{}/_sim/sandboxes/wrong-expectation", server.url()))
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);

    // An unknown variable names the field.
    let text = json!({"name": "typo", "steps": [{"graph": {"path": "/v23.0/${wabba}"}}]});
    let loaded = inline(text);
    let outcome = runner.run(&loaded, None).await;
    let Verdict::Failed(failure) = &outcome.verdict else {
        panic!("expected a failure, got {:?}", outcome.verdict);
    };
    assert!(
        failure
            .headline()
            .starts_with("step 1 (graph): graph.path: unknown variable ${wabba} (known: "),
        "{failure}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_transcript_and_another_seed_other_ids() {
    let file = library().join("whatsapp/customer-service-window.json");
    let loaded = scenario::load(&file).unwrap();
    let server = Server::start(0).await.expect("metasim starts");
    let runner = scenario::Runner::start(server.url(), None).await.unwrap();
    let first = runner.run(&loaded, None).await;
    let second = runner.run(&loaded, None).await;
    assert!(
        matches!(first.verdict, Verdict::Passed),
        "{:?}",
        first.verdict
    );
    assert_eq!(first.transcript.render(), second.transcript.render());
    let reseeded = runner.run(&loaded, Some(9)).await;
    assert!(
        matches!(reseeded.verdict, Verdict::Passed),
        "{:?}",
        reseeded.verdict
    );
    assert_ne!(first.transcript.render(), reseeded.transcript.render());
}

/// A scenario written in the test, as if it were a library file.
fn inline(text: Value) -> scenario::Loaded {
    scenario::prepare(
        scenario::parse(&text.to_string()).unwrap(),
        library().join("inline.json"),
    )
    .unwrap()
}

/// Run an inline scenario on a fresh metasim.
async fn run_inline(text: Value) -> scenario::Outcome {
    let loaded = inline(text);
    let server = Server::start(0).await.expect("metasim starts");
    let runner = scenario::Runner::start(server.url(), None).await.unwrap();
    runner.run(&loaded, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_sets_the_sandbox_retention() {
    // One message kept: the log may run one over before it is cut back, so
    // of four inbound messages the third cuts it to one and the fourth is
    // kept beside it; two are counted as dropped.
    let send = |n: u32| {
        json!({"sim": {"method": "POST", "path": "/whatsapp/consumers/${alice}/messages",
            "body": {"to": "${phone_number}", "type": "text", "text": {"body": format!("hi {n}")}}}})
    };
    let mut steps: Vec<Value> = (1..=4).map(send).collect();
    steps.push(json!({"name": "the sandbox kept one message", "sim": {"path": "/_sim/sandboxes/${sandbox}"},
        "expect": {"body": {
            "options": {"retention": {"events": 1, "messages": 1, "delivery_bodies": 10000}},
            "counts": {"messages": 2, "messages_dropped": 2}
        }}}));
    let outcome = run_inline(json!({
        "name": "retention",
        "sandbox": {"retention": {"events": 1, "messages": 1}},
        "steps": steps
    }))
    .await;
    assert!(
        matches!(outcome.verdict, Verdict::Passed),
        "{:?}",
        outcome.verdict
    );

    // Out of range: the sandbox is refused, naming the option.
    let outcome = run_inline(json!({
        "name": "no retention",
        "sandbox": {"retention": {"events": 0}},
        "steps": [{"advance_clock": {"seconds": 1}}]
    }))
    .await;
    let Verdict::Failed(failure) = &outcome.verdict else {
        panic!(
            "a sandbox that keeps nothing was created: {:?}",
            outcome.verdict
        );
    };
    assert!(
        failure
            .message
            .contains("retention.events must be between 1 and 10000000, got 0"),
        "{failure}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expecting_no_webhooks_waits_the_whole_bound() {
    // Auto delivery: Alice's message reaches the receiver on its own time, so a
    // "nothing within 3 s" check must see it and fail; "it arrives" then passes.
    let steps = |nothing: bool| {
        let expectation = if nothing {
            json!({"count": 0, "within_ms": 3000})
        } else {
            json!({"count": 1, "within_ms": 3000})
        };
        json!({
            "name": if nothing { "nothing arrives" } else { "it arrives" },
            "sandbox": {"delivery": "auto"},
            "steps": [
                {"graph": {"method": "POST", "path": "/v23.0/${app}/subscriptions", "token": "app",
                    "form": {"object": "whatsapp_business_account", "callback_url": "${webhook_url}",
                             "verify_token": "v", "fields": "messages"}}},
                {"graph": {"method": "POST", "path": "/v23.0/${waba}/subscribed_apps", "token": "system_user_token"}},
                {"sim": {"method": "POST", "path": "/whatsapp/consumers/${alice}/messages",
                    "body": {"to": "${phone_number}", "type": "text", "text": {"body": "hi"}}}},
                {"name": "check", "expect_webhooks": expectation}
            ]
        })
    };
    let outcome = run_inline(steps(true)).await;
    let Verdict::Failed(failure) = &outcome.verdict else {
        panic!("a webhook arrived within the bound: {:?}", outcome.verdict);
    };
    assert_eq!(failure.step, Some((4, "check".to_owned())), "{failure}");
    let outcome = run_inline(steps(false)).await;
    assert!(
        matches!(outcome.verdict, Verdict::Passed),
        "{:?}",
        outcome.verdict
    );
}
