//! Throughput of `GET /v23.0/{phone_number_id}?fields=...`: metasim (in-process,
//! demo sandbox) against the bare baseline serving the very bytes metasim
//! answers. Both servers share one server runtime with a single worker thread;
//! the load runs on the calling thread in a current-thread runtime, so on a
//! 2-core machine each side has a core. Runs alternate between the servers in
//! ABBA order so that drift in machine speed touches both alike.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use metasim::{DEFAULT_SANDBOX, Simulator};
use tokio::runtime::Runtime;

use crate::baseline;
use crate::cpu::{OtherLoad, ThreadClock};
use crate::load::{self, Answer, Target, Window};

/// The node fields requested, as an SDK asks for a phone number's status.
pub const FIELDS: &str = "id,display_phone_number,verified_name,quality_rating,status";

/// Which server a run drove.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Baseline,
    Metasim,
}

/// How much load, for how long.
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

/// Every run, in the order they happened, plus what was requested.
pub struct Throughput {
    pub path_and_query: String,
    pub body_bytes: usize,
    pub runs: Vec<Run>,
    /// CPUs that other processes kept busy during the runs, on average.
    pub other_cpus: Option<f64>,
}

/// Both servers ready to be driven with the same request.
struct Servers {
    metasim: Target,
    baseline: Target,
    expected: Answer,
    path_and_query: String,
}

fn runtime_error(e: std::io::Error) -> String {
    format!("cannot start a runtime: {e}")
}

fn address_of(url: &str) -> Result<SocketAddr, String> {
    url.trim_start_matches("http://")
        .parse()
        .map_err(|_| format!("metasim reported an unexpected URL {url:?}"))
}

/// The path and token of the request, from metasim's `default` sandbox.
fn request_of(sim: &Simulator) -> Result<(String, String), String> {
    let sandbox = sim
        .sandbox(DEFAULT_SANDBOX)
        .ok_or("metasim started without its default sandbox")?;
    let phone = sandbox
        .handles
        .get("phone_number")
        .ok_or("the demo sandbox has no phone_number handle")?;
    let token = sandbox
        .tokens
        .get("system_user_token")
        .ok_or("the demo sandbox has no system_user_token")?;
    Ok((format!("/v23.0/{phone}?fields={FIELDS}"), token.clone()))
}

/// Ask metasim once, then start the baseline serving exactly that answer.
fn start_servers(
    sim: &Simulator,
    server_runtime: &Runtime,
    load_runtime: &Runtime,
) -> Result<Servers, String> {
    let (path_and_query, token) = request_of(sim)?;
    let metasim = Target::new(address_of(sim.url())?, &path_and_query, &token)?;
    let expected = load_runtime.block_on(load::fetch_once(&metasim))?;
    if expected.status != 200 {
        let body = String::from_utf8_lossy(&expected.body);
        return Err(format!("metasim answered {}: {body}", expected.status));
    }
    let content_type = expected
        .content_type
        .clone()
        .ok_or("metasim answered without a content type")?;
    let address = server_runtime
        .block_on(baseline::start(expected.body.clone(), content_type))
        .map_err(|e| format!("cannot start the baseline: {e}"))?;
    let baseline = Target::new(address, &path_and_query, &token)?;
    Ok(Servers {
        metasim,
        baseline,
        expected,
        path_and_query,
    })
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
    servers: &Servers,
    settings: &Settings,
    clock: Option<&ThreadClock>,
) -> Result<Run, String> {
    let target = match server {
        Server::Baseline => &servers.baseline,
        Server::Metasim => &servers.metasim,
    };
    let window = load::window_from_now(settings.warmup, settings.window);
    let (tally, cpu) = tokio::join!(
        load::drive(target, &servers.expected, settings.connections, window),
        sample_cpu(clock, window),
    );
    let tally = tally?;
    if tally.mismatched > 0 {
        return Err(format!(
            "{}: {} of {} answers differed from metasim's first answer",
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

fn drive_rounds(
    servers: &Servers,
    settings: &Settings,
    server_runtime: &Runtime,
    load_runtime: &Runtime,
) -> Result<Vec<Run>, String> {
    let clock = server_runtime
        .block_on(server_runtime.spawn(async { ThreadClock::of_current_thread() }))
        .map_err(|e| format!("cannot reach the server thread: {e}"))?;
    let mut runs = Vec::with_capacity(settings.rounds * 2);
    for round in 0..settings.rounds {
        for server in order(round) {
            runs.push(load_runtime.block_on(run_once(
                server,
                servers,
                settings,
                clock.as_ref(),
            ))?);
        }
    }
    Ok(runs)
}

/// Start both servers, drive them in alternating runs, and shut them down.
pub fn measure(settings: &Settings) -> Result<Throughput, String> {
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
    let servers = start_servers(&sim, &server_runtime, &load_runtime)?;
    let others = OtherLoad::start();
    let runs = drive_rounds(&servers, settings, &server_runtime, &load_runtime)?;
    Ok(Throughput {
        path_and_query: servers.path_and_query,
        body_bytes: servers.expected.body.len(),
        runs,
        other_cpus: others.as_ref().and_then(OtherLoad::cpus_since_start),
    })
}

impl Server {
    pub fn name(self) -> &'static str {
        match self {
            Server::Baseline => "baseline",
            Server::Metasim => "metasim",
        }
    }
}
