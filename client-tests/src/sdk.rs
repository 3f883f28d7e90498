//! Real SDKs against metasim: the toolchains the SDK tests need, installed by
//! the tests themselves at pinned versions — Python SDKs in venvs under
//! `target/sdk` (pywa in `venv` from `client-tests/sdk/python/requirements.txt`,
//! the SDKs reached through the HTTPS proxy in `venv-proxied` from
//! `client-tests/sdk/proxied/python`), Node SDKs by `npm ci` from a committed
//! package-lock.json (`client-tests/sdk/node`, `client-tests/sdk/proxied/node`)
//! — idempotently and under a file lock, so a second run costs a file read;
//! a scenario (a demo sandbox in which Alice wrote to the business, a PNG to
//! upload) and the driver scripts' environment; running a driver, whose
//! stdout is one JSON line per step; and the checks the SDK tests make of
//! metasim's state.

use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::whatsapp::{ALICE, BUSINESS_DIGITS, MANAGER, open_window, phone, status_names};
use crate::{Sandbox, Sim, V, Value, json, unsupported};

/// The pinned SDK versions (the install files say the same).
pub const PYWA_VERSION: &str = "4.5.0";
pub const WHATSAPP_API_JS_VERSION: &str = "6.3.0";

/// How long a driver script may take before the test fails.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(120);

/// A valid 1×1 RGB PNG (69 bytes), the file the SDKs upload.
pub const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 208, 235, 14, 7, 0, 1, 251,
    1, 17, 116, 38, 20, 233, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// The SHA-256 of [`PNG`], hex.
pub fn png_sha256() -> String {
    hex::encode(Sha256::digest(PNG))
}

/// `client-tests/sdk`: the driver scripts and their install files.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk")
}

/// `target/sdk`: installed toolchains, locks and scratch files.
fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/sdk");
    fs::create_dir_all(&dir).expect("target/sdk can be created");
    dir
}

/// Run `install` holding `target/sdk/{name}.lock`, so that concurrent test
/// processes install once.
fn with_lock(name: &str, install: impl FnOnce()) {
    let path = work_dir().join(format!("{name}.lock"));
    let lock = File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    install();
}

/// Fail clearly when a tool the SDK tests need is not installed.
fn require_tool(program: &str) {
    match Command::new(program).arg("--version").output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "`{program} --version` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{program} is not installed: the SDK client tests need Python 3.10+ (with venv and pip) \
             and Node 20+ with npm, as CI has"
        ),
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// Run an install step; panic with its output when it fails.
fn run(command: &mut Command) {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        output.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The Python of a venv at `target/sdk/{name}`, created with `python3 -m
/// venv` and filled from `requirements` unless it already holds exactly
/// those requirements.
pub fn venv_python(name: &str, requirements: &Path) -> PathBuf {
    let wanted = fs::read_to_string(requirements)
        .unwrap_or_else(|e| panic!("{}: {e}", requirements.display()));
    let venv = work_dir().join(name);
    let python = venv.join("bin/python");
    let stamp = venv.join("metasim-requirements.txt");
    with_lock(name, || {
        let installed = fs::read_to_string(&stamp).ok();
        if python.exists() && installed.as_deref() == Some(wanted.as_str()) {
            return;
        }
        require_tool("python3");
        run(Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv));
        run(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements));
        fs::write(&stamp, &wanted).expect("the venv stamp can be written");
    });
    python
}

/// The venv's Python with pywa installed: `target/sdk/venv`, from
/// `client-tests/sdk/python/requirements.txt`.
pub fn pywa_python() -> PathBuf {
    venv_python("venv", &scripts_dir().join("python/requirements.txt"))
}

/// The version of `package` installed in `node_dir/node_modules`, if any.
fn installed_node_package(node_dir: &Path, package: &str) -> Option<String> {
    let manifest = node_dir
        .join("node_modules")
        .join(package)
        .join("package.json");
    let text = fs::read_to_string(manifest).ok()?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

/// `node_dir` with its `node_modules` installed by `npm ci` from the
/// committed lock file, unless they were installed from this very lock file
/// (a copy is kept in `node_modules`); `package` must then be at `version`.
pub fn node_packages(node_dir: PathBuf, package: &str, version: &str) -> PathBuf {
    let lock_file = node_dir.join("package-lock.json");
    let wanted =
        fs::read_to_string(&lock_file).unwrap_or_else(|e| panic!("{}: {e}", lock_file.display()));
    let stamp = node_dir.join("node_modules/.metasim-package-lock.json");
    let lock_name = format!(
        "npm-{}",
        node_dir
            .strip_prefix(scripts_dir())
            .unwrap_or(&node_dir)
            .display()
            .to_string()
            .replace('/', "-")
    );
    with_lock(&lock_name, || {
        let installed = fs::read_to_string(&stamp).ok();
        if installed.as_deref() == Some(wanted.as_str())
            && installed_node_package(&node_dir, package).as_deref() == Some(version)
        {
            return;
        }
        require_tool("node");
        require_tool("npm");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&node_dir));
        assert_eq!(
            installed_node_package(&node_dir, package).as_deref(),
            Some(version),
            "npm ci installed the pinned {package}"
        );
        fs::write(&stamp, &wanted).expect("the node_modules stamp can be written");
    });
    node_dir
}

/// Meta's own Node SDK: the registry's `whatsapp` 1.0.0 is an empty
/// placeholder, the SDK is 0.0.5-Alpha.
pub const META_WHATSAPP_VERSION: &str = "0.0.5-Alpha";

/// The venv with the SDKs reached through the HTTPS proxy (heyoo,
/// facebook-business): `target/sdk/venv-proxied`.
pub fn proxied_python() -> PathBuf {
    venv_python(
        "venv-proxied",
        &scripts_dir().join("proxied/python/requirements.txt"),
    )
}

/// `client-tests/sdk/proxied/node` with Meta's `whatsapp` SDK, the
/// global-agent preload and messaging-api-messenger installed.
pub fn proxied_node_dir() -> PathBuf {
    node_packages(
        scripts_dir().join("proxied/node"),
        "whatsapp",
        META_WHATSAPP_VERSION,
    )
}

/// A driver run with nothing but `exports` (what `metasim serve --https`
/// prints) and `config` on top of a clean environment: no variable of the
/// test's own can point the SDK elsewhere.
pub fn proxied_command(
    program: &Path,
    exports: &[(&'static str, String)],
    config: &[(&str, String)],
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    command.env_clear();
    for kept in ["PATH", "HOME", "LANG", "TMPDIR"] {
        if let Some(value) = std::env::var_os(kept) {
            command.env(kept, value);
        }
    }
    command.envs(exports.iter().map(|(name, value)| (*name, value)));
    command.envs(config.iter().map(|(name, value)| (*name, value)));
    command
}

/// `client-tests/sdk/node` with whatsapp-api-js installed.
pub fn whatsapp_api_js_dir() -> PathBuf {
    node_packages(
        scripts_dir().join("node"),
        "whatsapp-api-js",
        WHATSAPP_API_JS_VERSION,
    )
}

/// A demo sandbox in which Alice has written to the business (so the service
/// window is open and there is an inbound message to react to and read), and
/// the PNG written to a file.
pub struct Scenario {
    pub sandbox: Sandbox,
    pub inbound_id: String,
    pub png: PathBuf,
}

impl Scenario {
    pub async fn start(sim: &Sim, name: &str) -> Self {
        let sandbox = sim.create_sandbox(serde_json::json!({ "id": name })).await;
        let inbound_id = open_window(sim, &sandbox, ALICE).await;
        let png = work_dir().join(format!("{name}.png"));
        fs::write(&png, PNG).expect("the PNG can be written");
        Self {
            sandbox,
            inbound_id,
            png,
        }
    }

    /// The variables every driver script reads.
    pub fn env(&self, sim: &Sim) -> Vec<(&'static str, String)> {
        vec![
            ("METASIM_URL", sim.sim.url().to_owned()),
            ("METASIM_TOKEN", self.sandbox.token(MANAGER).to_owned()),
            ("METASIM_PHONE_ID", phone(&self.sandbox).to_owned()),
            ("METASIM_WABA_ID", self.sandbox.id_of("waba").to_owned()),
            ("METASIM_CONSUMER", ALICE.to_owned()),
            ("METASIM_INBOUND_ID", self.inbound_id.clone()),
            ("METASIM_PNG", self.png.display().to_string()),
        ]
    }
}

/// What a driver printed: each step's name and result, in order.
#[derive(Debug)]
pub struct Steps(pub Vec<(String, Value)>);

impl Steps {
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The result of `step`.
    #[track_caller]
    pub fn result(&self, step: &str) -> &Value {
        self.0
            .iter()
            .find(|(name, _)| name == step)
            .map(|(_, result)| result)
            .unwrap_or_else(|| panic!("no step {step:?} in {:?}", self.names()))
    }
}

/// Run a driver script to the end; panic with its output unless it exits 0
/// within the time limit. Loopback is exempt from any proxy of the
/// environment.
pub async fn run_driver(mut command: tokio::process::Command) -> Steps {
    command
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let shown = format!("{:?}", command.as_std().get_program());
    let output = tokio::time::timeout(DRIVER_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("{shown} ran longer than {DRIVER_TIMEOUT:?}"))
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{shown} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let steps = stdout
        .lines()
        .map(|line| {
            let step: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\nstderr:\n{stderr}"));
            let name = step["step"].as_str().expect("a step name").to_owned();
            (name, step["result"].clone())
        })
        .collect();
    Steps(steps)
}

/// `(method, path)` of journal entries.
pub fn calls(entries: &[Value]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .map(|e| {
            let method = e["method"].as_str().expect("a method");
            (method, e["path"].as_str().expect("a path"))
        })
        .collect()
}

/// What a driver sent Alice: the text, the order number in `order_update`,
/// and the image link with its caption (then buttons Keep/Change and a 👍
/// to her message).
pub struct Sent<'a> {
    pub text: &'a str,
    pub order: &'a str,
    pub image: &'a str,
    pub caption: &'a str,
}

/// Alice's inbox holds exactly the five messages `ids` (text, template,
/// image, buttons, reaction), rendered as `sent`, each `sent` then
/// `delivered`.
pub async fn assert_alice_received(
    sim: &Sim,
    scenario: &Scenario,
    ids: &[String],
    sent: &Sent<'_>,
) {
    let sandbox = &scenario.sandbox;
    let inbox = sim.inbox(sandbox, ALICE).await;
    let received: Vec<&str> = inbox.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(received, ids);
    let types: Vec<&str> = inbox.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["text", "template", "image", "interactive", "reaction"]
    );
    assert_eq!(inbox[0]["text"], sent.text);
    assert_eq!(
        inbox[1]["text"],
        format!(
            "Hi Alice, your order {} has shipped and will arrive tomorrow.\nLucky Shrub",
            sent.order
        )
    );
    assert_eq!(
        inbox[2]["message"]["image"],
        json!({ "link": sent.image, "caption": sent.caption })
    );
    assert_eq!(
        inbox[3]["message"]["interactive"]["action"]["buttons"],
        json!([
            { "type": "reply", "reply": { "id": "keep", "title": "Keep" } },
            { "type": "reply", "reply": { "id": "change", "title": "Change" } },
        ])
    );
    assert_eq!(
        inbox[4]["message"]["reaction"],
        json!({ "emoji": "\u{1f44d}", "message_id": scenario.inbound_id })
    );
    for message in &inbox {
        assert_eq!(message["from"], BUSINESS_DIGITS, "{message}");
        assert_eq!(message["phone_number_id"], phone(sandbox), "{message}");
        assert_eq!(message["status"], "delivered", "{message}");
        let id = message["id"].as_str().unwrap();
        assert_eq!(status_names(sim, sandbox, id).await, ["sent", "delivered"]);
    }
}

/// A download URL metasim handed out: its own lookaside path.
#[track_caller]
pub fn assert_download_url(sim: &Sim, url: &str) {
    let prefix = format!("{}/whatsapp_business/attachments/?mid=", sim.sim.url());
    assert!(url.starts_with(&prefix), "{url}");
}

/// The media is gone: `GET /{media-id}` answers 100/33.
pub async fn assert_media_gone(sim: &Sim, sandbox: &Sandbox, media_id: &str) {
    let reply = sim
        .get_as(sandbox.token(MANAGER), &format!("/{V}/{media_id}"))
        .await;
    reply.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(reply.message(), unsupported("get", media_id));
}
