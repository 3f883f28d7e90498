//! `metasim-bench`: measures metasim against a bare axum baseline in the same
//! run, with the same load, and prints the ratios metasim/baseline for GET a
//! node with `?fields=` and for sending a message, throughput by number of
//! connections, cost as a sandbox grows to a million messages (and memory per
//! stored message), process start-to-ready time, webhook deliveries per
//! second, many sandboxes, the scenario library, and GET node driven by an
//! external load generator. Not a pass/fail test: it exits non-zero only when
//! a measurement could not run at all. See BENCHMARKS.md at the workspace root.

mod baseline;
mod connections;
mod cpu;
mod growth;
mod load;
mod processes;
mod report;
mod startup;
mod throughput;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// The same allocator as the `metasim` binary, for metasim and the baseline alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "metasim-bench",
    about = "Measure metasim against a bare axum baseline in the same run",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Subcommand)]
enum Command {
    /// The bare baseline server process (start-to-ready, external load).
    #[command(hide = true)]
    BaselineServer {
        /// The body to answer GETs with.
        #[arg(long)]
        body: Option<String>,
    },
}

#[derive(clap::Args)]
struct BenchArgs {
    /// The metasim binary to start (default: `metasim` next to this program).
    #[arg(long)]
    metasim: Option<PathBuf>,
    /// Concurrent keep-alive connections of the GET load.
    #[arg(long, default_value = "32", value_parser = parse_count)]
    connections: usize,
    /// Rounds of the GET load; each drives the baseline and metasim once.
    #[arg(long, default_value = "7", value_parser = parse_count)]
    rounds: usize,
    /// Counted seconds of each GET run.
    #[arg(long, default_value = "1.5", value_parser = parse_window)]
    seconds: Duration,
    /// Uncounted warm-up seconds before each GET run.
    #[arg(long, default_value = "0.5", value_parser = parse_seconds)]
    warmup: Duration,
    /// Measured process starts of each server.
    #[arg(long, default_value = "20", value_parser = parse_count)]
    starts: usize,
    /// Webhook deliveries to measure.
    #[arg(long, default_value = "20000", value_parser = parse_count)]
    webhooks: usize,
    /// Sandboxes to create in one process.
    #[arg(long, default_value = "10000", value_parser = parse_count)]
    sandboxes: usize,
    /// The scenario library `metasim run` is timed on.
    #[arg(long, default_value = "scenarios")]
    scenarios: PathBuf,
    /// Skip the sizes of 100,000 and 1,000,000 stored messages.
    #[arg(long)]
    quick: bool,
}

fn parse_count(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!(
            "expected a whole number of at least 1, got {text:?}"
        )),
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or_else(|| format!("expected seconds like 0.5, got {text:?}"))
}

fn parse_window(text: &str) -> Result<Duration, String> {
    let window = parse_seconds(text)?;
    if window.is_zero() {
        return Err(format!("expected more than 0 seconds, got {text:?}"));
    }
    Ok(window)
}

/// `metasim` next to this program, unless `--metasim` names one.
fn metasim_binary(chosen: Option<PathBuf>) -> Result<PathBuf, String> {
    let path = match chosen {
        Some(path) => path,
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find this program: {e}"))?
            .with_file_name(format!("metasim{}", std::env::consts::EXE_SUFFIX)),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no metasim binary at {}: build it with `cargo build --release -p metasim` or pass --metasim PATH",
            path.display()
        ))
    }
}

fn print_header(metasim: &std::path::Path) {
    println!("metasim-bench: metasim against a bare axum baseline, in the same run");
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "  CPUs available: {cpus}; metasim binary: {}",
        metasim.display()
    );
    if cfg!(debug_assertions) {
        println!("  note: a debug build of the harness; build with --release for real numbers");
    }
    println!();
}

fn load_line(args: &BenchArgs) -> String {
    format!(
        "{} keep-alive HTTP/1.1 connections; {} rounds of (baseline, metasim) in ABBA order; \
         each run {:.1} s counted after {:.1} s warm-up; servers on one tokio worker thread, \
         load on a current-thread runtime on another",
        args.connections,
        args.rounds,
        args.seconds.as_secs_f64(),
        args.warmup.as_secs_f64()
    )
}

fn bench(args: BenchArgs) -> Result<(), String> {
    let metasim = metasim_binary(args.metasim.clone())?;
    print_header(&metasim);
    let settings = throughput::Settings {
        connections: args.connections,
        rounds: args.rounds,
        warmup: args.warmup,
        window: args.seconds,
    };
    let bench = throughput::Bench::start()?;
    report::print_throughput(
        &bench.measure(bench.get_pair(), settings)?,
        &load_line(&args),
    );
    println!();
    let send = bench.send_pair()?;
    report::print_throughput(&bench.measure(&send, settings)?, &load_line(&args));
    println!();
    report::print_connections(&connections::measure(&bench, &send)?);
    println!();
    let (phone, token) = send.sandbox_handles();
    let sizes = if args.quick {
        &growth::SIZES[..1]
    } else {
        &growth::SIZES[..]
    };
    report::print_growth(&growth::measure(&bench, &send, &phone, &token, sizes)?);
    drop(bench);
    println!();
    report::print_startup(&startup::measure(&metasim, args.starts)?);
    println!();
    webhooks::print(&webhooks::measure(args.webhooks)?);
    println!();
    report::print_sandboxes(&processes::sandboxes(&metasim, args.sandboxes)?);
    println!();
    report::print_scenarios(processes::scenario_library(&metasim, &args.scenarios)?);
    println!();
    report::print_external(processes::external_get(&metasim, 3)?.as_ref());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::BaselineServer { body }) => baseline::serve_process(body),
        None => bench(cli.bench),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("metasim-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
