//! Throughput of metasim (in-process) against the bare baseline, for two
//! workloads: `GET /v23.0/{phone_number_id}?fields=...` on the demo sandbox
//! (the baseline serves the very bytes metasim answers) and
//! `POST /v23.0/{phone_number_id}/messages` of a text inside the
//! customer-service window, throughput and pair limits off (the baseline
//! parses the same JSON and answers the same shape). Both servers share one
//! server runtime with a single worker thread; the load runs on the calling
//! thread in a current-thread runtime, so on a 2-core machine each side has a
//! core. Runs alternate between the servers in ABBA order so that drift in
//! machine speed touches both alike.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::StatusCode;
use hyper::body::Bytes;
use metasim::world::retention::Retention;
use metasim::{CreateSandbox, DEFAULT_SANDBOX, Simulator};
use tokio::runtime::Runtime;

use crate::baseline;
use crate::cpu::{OtherLoad, ThreadClock};
use crate::load::{self, Expected, Target, Window};

/// The node fields requested, as an SDK asks for a phone number's status.
pub const FIELDS: &str = "id,display_phone_number,verified_name,quality_rating,status";

/// The sandbox the send workload sends from (limits off, Alice's window open).
pub const SEND_SANDBOX: &str = "bench-send";
/// Alice, who wrote first, so free-form text is delivered.
pub const RECIPIENT: &str = "15550109999";
/// Messages the send sandbox keeps (the default retention keeps 100,000).
const KEPT_MESSAGES: usize = 2_000_000;
/// What the send workload posts.
pub const SEND_BODY: &str = r#"{"messaging_product":"whatsapp","recipient_type":"individual","to":"15550109999","type":"text","text":{"body":"How can we help?"}}"#;

/// What a workload sends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    GetNode,
    SendMessage,
}

/// Which server a run drove.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Baseline,
    Metasim,
}

/// How much load, for how long.
#[derive(Clone, Copy)]
pub struct Settings {
    pub connections: usize,
    pub rounds: usize,
    pub warmup: Duration,
    pub window: Duration,
}

/// One measured run against one server.
pub struct Run {
    pub server: Server,
    pub requests_per_second: f64,
    /// CPU time of the server thread per answered request.
    pub cpu_per_request: Option<Duration>,
    /// Share of the window the server thread spent on a CPU (0..=1).
    pub server_busy: Option<f64>,
}

/// Every run of one workload, in the order they happened, plus what was sent.
pub struct Throughput {
    pub workload: Workload,
    pub request: String,
    pub body_bytes: usize,
    pub runs: Vec<Run>,
    /// CPUs that other processes kept busy during the runs, on average.
    pub other_cpus: Option<f64>,
}

/// Both servers' targets for one workload and what their answers must be.
pub struct Pair {
    pub workload: Workload,
    /// The phone number id and token the requests use.
    handles: (String, String),
    pub metasim: Target,
    pub baseline: Target,
    pub expected: Expected,
    request: String,
    body_bytes: usize,
}

impl Pair {
    /// The phone number id and the token its requests use.
    pub fn sandbox_handles(&self) -> (String, String) {
        self.handles.clone()
    }

    /// A target only metasim is driven with (no baseline comparison), whose
    /// answers must be a 200 JSON object starting with its `id`.
    pub fn metasim_only(target: Target) -> Pair {
        Pair {
            workload: Workload::GetNode,
            handles: (String::new(), String::new()),
            baseline: target.clone(),
            request: String::new(),
            body_bytes: 0,
            expected: Expected::StartsWith {
                status: StatusCode::OK,
                prefix: Bytes::from_static(b"{\"id\":\""),
            },
            metasim: target,
        }
    }
}

/// metasim and the baseline, running, with the runtimes that drive them.
pub struct Bench {
    /// Hosts both servers (kept alive for as long as the bench runs).
    _server_runtime: Runtime,
    load_runtime: Runtime,
    sim: Simulator,
    baseline: SocketAddr,
    clock: Option<ThreadClock>,
    get: Pair,
}

fn runtime_error(e: std::io::Error) -> String {
    format!("cannot start a runtime: {e}")
}

fn address_of(url: &str) -> Result<SocketAddr, String> {
    url.trim_start_matches("http://")
        .parse()
        .map_err(|_| format!("metasim reported an unexpected URL {url:?}"))
}

/// A handle and a token of one of metasim's sandboxes.
fn handles_of(sim: &Simulator, sandbox: &str) -> Result<(String, String), String> {
    let info = sim
        .sandbox(sandbox)
        .ok_or_else(|| format!("metasim has no sandbox {sandbox:?}"))?;
    let phone = info
        .handles
        .get("phone_number")
        .ok_or("the demo sandbox has no phone_number handle")?;
    let token = info
        .tokens
        .get("system_user_token")
        .ok_or("the demo sandbox has no system_user_token")?;
    Ok((phone.clone(), token.clone()))
}

impl Bench {
    /// Start metasim and, serving metasim's own GET answer, the baseline.
    pub fn start() -> Result<Bench, String> {
        let server_runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(runtime_error)?;
        let load_runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(runtime_error)?;
        let sim = server_runtime
            .block_on(Simulator::start())
            .map_err(|e| format!("cannot start metasim: {e}"))?;
        let (phone, token) = handles_of(&sim, DEFAULT_SANDBOX)?;
        let path = format!("/v23.0/{phone}?fields={FIELDS}");
        let metasim = Target::new(address_of(sim.url())?, &path, &token)?;
        let answer = load_runtime.block_on(load::fetch_once(&metasim))?;
        if answer.status != StatusCode::OK {
            let body = String::from_utf8_lossy(&answer.body);
            return Err(format!("metasim answered {}: {body}", answer.status));
        }
        let content_type = answer
            .content_type
            .clone()
            .ok_or("metasim answered without a content type")?;
        let baseline = server_runtime
            .block_on(baseline::start(answer.body.clone(), content_type))
            .map_err(|e| format!("cannot start the baseline: {e}"))?;
        let clock = server_runtime
            .block_on(server_runtime.spawn(async { ThreadClock::of_current_thread() }))
            .map_err(|e| format!("cannot reach the server thread: {e}"))?;
        let get = Pair {
            workload: Workload::GetNode,
            handles: (phone.clone(), token.clone()),
            baseline: Target::new(baseline, &path, &token)?,
            metasim,
            request: format!("GET {path} (Authorization: Bearer)"),
            body_bytes: answer.body.len(),
            expected: Expected::Exactly(answer),
        };
        Ok(Bench {
            _server_runtime: server_runtime,
            load_runtime,
            sim,
            baseline,
            clock,
            get,
        })
    }

    pub fn sim(&self) -> &Simulator {
        &self.sim
    }

    pub fn get_pair(&self) -> &Pair {
        &self.get
    }

    /// A sandbox to send from: throughput and pair limits off, and Alice has
    /// written, so the window is open and text is delivered.
    pub fn send_pair(&self) -> Result<Pair, String> {
        let limits = serde_json::from_value(serde_json::json!({
            "throughput_per_second": 0, "pair_burst": 0, "pair_interval_seconds": 0
        }))
        .map_err(|e| e.to_string())?;
        self.sim
            .create_sandbox(CreateSandbox {
                id: Some(SEND_SANDBOX.into()),
                seed: Some(1),
                messaging_limits: Some(limits),
                // The growth section stores up to a million messages; the
                // rest of the retention is the default.
                retention: Some(Retention {
                    messages: KEPT_MESSAGES,
                    ..Retention::default()
                }),
                ..Default::default()
            })
            .map_err(|e| format!("cannot create the send sandbox: {e}"))?;
        let (phone, token) = handles_of(&self.sim, SEND_SANDBOX)?;
        let address = address_of(self.sim.url())?;
        let inbound = format!(r#"{{"to":"{phone}","type":"text","text":{{"body":"Hi"}}}}"#);
        let wrote = Target::new(
            address,
            &format!("/_sim/sandboxes/{SEND_SANDBOX}/whatsapp/consumers/{RECIPIENT}/messages"),
            &token,
        )?
        .without_token()
        .post_json(&inbound);
        let answer = self.load_runtime.block_on(load::fetch_once(&wrote))?;
        if !answer.status.is_success() {
            return Err(format!("Alice could not write: {}", answer.status));
        }
        let path = format!("/v23.0/{phone}/messages");
        let prefix = format!(
            r#"{{"messaging_product":"whatsapp","contacts":[{{"input":"{RECIPIENT}","wa_id":"{RECIPIENT}"}}],"messages":[{{"id":"wamid."#
        );
        let expected = Expected::StartsWith {
            status: StatusCode::OK,
            prefix: Bytes::from(prefix),
        };
        let metasim = Target::new(address, &path, &token)?.post_json(SEND_BODY);
        let baseline = Target::new(self.baseline, &path, &token)?.post_json(SEND_BODY);
        for target in [&metasim, &baseline] {
            let answer = self.load_runtime.block_on(load::fetch_once(target))?;
            if !expected.matches(&answer) {
                let body = String::from_utf8_lossy(&answer.body);
                return Err(format!("unexpected send answer {}: {body}", answer.status));
            }
        }
        Ok(Pair {
            workload: Workload::SendMessage,
            handles: (phone.clone(), token.clone()),
            metasim,
            baseline,
            expected,
            request: format!("POST {path} (a text in the window, limits off)"),
            body_bytes: SEND_BODY.len(),
        })
    }

    /// Drive both servers of `pair` in alternating runs.
    pub fn measure(&self, pair: &Pair, settings: Settings) -> Result<Throughput, String> {
        let others = OtherLoad::start();
        let mut runs = Vec::with_capacity(settings.rounds * 2);
        for round in 0..settings.rounds {
            for server in order(round) {
                runs.push(self.load_runtime.block_on(run_once(
                    server,
                    pair,
                    &settings,
                    self.clock.as_ref(),
                ))?);
            }
        }
        Ok(Throughput {
            workload: pair.workload,
            request: pair.request.clone(),
            body_bytes: pair.body_bytes,
            runs,
            other_cpus: others.as_ref().and_then(OtherLoad::cpus_since_start),
        })
    }

    /// One run of one server of `pair`.
    pub fn measure_one(
        &self,
        pair: &Pair,
        server: Server,
        settings: Settings,
    ) -> Result<Run, String> {
        self.load_runtime
            .block_on(run_once(server, pair, &settings, self.clock.as_ref()))
    }

    /// `count` round trips of metasim's side of `pair` on one connection.
    pub fn round_trips(&self, pair: &Pair, count: usize) -> Result<Vec<Duration>, String> {
        self.load_runtime
            .block_on(load::round_trips(&pair.metasim, &pair.expected, count))
    }
}

/// The server thread's CPU time and the wall time across the counted window.
async fn sample_cpu(clock: Option<&ThreadClock>, window: Window) -> Option<(Duration, Duration)> {
    tokio::time::sleep_until(window.counted_from.into()).await;
    let (cpu_start, wall_start) = (clock?.read()?, Instant::now());
    tokio::time::sleep_until(window.until.into()).await;
    let (cpu_end, wall_end) = (clock?.read()?, Instant::now());
    Some((cpu_end.saturating_sub(cpu_start), wall_end - wall_start))
}

async fn run_once(
    server: Server,
    pair: &Pair,
    settings: &Settings,
    clock: Option<&ThreadClock>,
) -> Result<Run, String> {
    let target = match server {
        Server::Baseline => &pair.baseline,
        Server::Metasim => &pair.metasim,
    };
    let window = load::window_from_now(settings.warmup, settings.window);
    let (tally, cpu) = tokio::join!(
        load::drive(target, &pair.expected, settings.connections, window),
        sample_cpu(clock, window),
    );
    let tally = tally?;
    if tally.mismatched > 0 {
        return Err(format!(
            "{}: {} of {} answers were not the expected answer",
            server.name(),
            tally.mismatched,
            tally.matched + tally.mismatched
        ));
    }
    if tally.matched == 0 {
        return Err(format!("{}: no answer within the window", server.name()));
    }
    let matched = tally.matched as f64;
    Ok(Run {
        server,
        requests_per_second: matched / settings.window.as_secs_f64(),
        cpu_per_request: cpu.map(|(cpu, _)| cpu.div_f64(matched)),
        server_busy: cpu.map(|(cpu, wall)| cpu.as_secs_f64() / wall.as_secs_f64()),
    })
}

/// ABBA order: baseline first in even rounds, metasim first in odd ones.
fn order(round: usize) -> [Server; 2] {
    if round.is_multiple_of(2) {
        [Server::Baseline, Server::Metasim]
    } else {
        [Server::Metasim, Server::Baseline]
    }
}

impl Server {
    pub fn name(self) -> &'static str {
        match self {
            Server::Baseline => "baseline",
            Server::Metasim => "metasim",
        }
    }
}

impl Workload {
    /// The section title and the target ratio metasim/baseline.
    pub fn title_and_target(self) -> (&'static str, f64) {
        match self {
            Workload::GetNode => ("GET a node with ?fields=", 0.7),
            Workload::SendMessage => ("Send a message (POST /{phone-number-id}/messages)", 0.5),
        }
    }
}
