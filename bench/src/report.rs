//! The plain-text report: every throughput run, the medians, the ratios
//! metasim/baseline and how they compare with the targets.

use std::time::Duration;

use crate::connections::Row;
use crate::growth::Growth;
use crate::processes::{External, Sandboxes};
use crate::startup::Startup;
use crate::throughput::{Server, Throughput};

/// Flat: each size's figure within this share of the smallest size's.
const FLAT: f64 = 0.10;
/// Memory per stored sent message.
const BYTES_PER_MESSAGE_TARGET: f64 = 1024.0;
/// Many sandboxes: this many per second at least, and under this much memory.
const SANDBOXES_PER_SECOND_TARGET: f64 = 5000.0;
const SANDBOXES_MEMORY_TARGET: f64 = 1024.0 * 1024.0 * 1024.0;
/// The scenario library runs in less than this.
const SCENARIOS_TARGET: Duration = Duration::from_secs(1);
/// GET node by an external load generator.
const EXTERNAL_TARGET: f64 = 0.7;

/// Start-to-ready target for metasim (issue 14: startup to first answer < 5 ms).
const READY_TARGET: Duration = Duration::from_millis(5);
/// A server thread busier than this share of the time counts as saturated.
const SATURATED: f64 = 0.9;
/// Other processes busier than this many CPUs make the machine count as shared.
const SHARED_MACHINE: f64 = 0.2;

pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if !n.is_multiple_of(2) => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn micros(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |seconds| format!("{:.1} µs", seconds * 1e6))
}

fn percent(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |share| format!("{:.0}%", share * 100.0))
}

pub fn millis(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}

/// Medians of one server's runs: req/s, server CPU seconds per request, busy share.
pub struct Medians {
    pub rps: Option<f64>,
    pub cpu: Option<f64>,
    pub busy: Option<f64>,
}

pub fn medians_of(throughput: &Throughput, server: Server) -> Medians {
    let runs = || throughput.runs.iter().filter(|run| run.server == server);
    Medians {
        rps: median(runs().map(|run| run.requests_per_second).collect()),
        cpu: median(
            runs()
                .filter_map(|run| run.cpu_per_request)
                .map(|cpu| cpu.as_secs_f64())
                .collect(),
        ),
        busy: median(runs().filter_map(|run| run.server_busy).collect()),
    }
}

fn print_runs(throughput: &Throughput) {
    println!("  run  server      req/s   server CPU/req  server busy");
    for (index, run) in throughput.runs.iter().enumerate() {
        println!(
            "  {:>3}  {:<8} {:>9.0}   {:>14}  {:>11}",
            index + 1,
            run.server.name(),
            run.requests_per_second,
            micros(run.cpu_per_request.map(|cpu| cpu.as_secs_f64())),
            percent(run.server_busy),
        );
    }
}

/// A throughput section; describes the load with `load` (one line).
pub fn print_throughput(throughput: &Throughput, load: &str) {
    let (title, target) = throughput.workload.title_and_target();
    println!("{title}");
    println!(
        "  request: {}, {}-byte JSON",
        throughput.request, throughput.body_bytes
    );
    println!("  load:    {load}");
    print_runs(throughput);
    let baseline = medians_of(throughput, Server::Baseline);
    let metasim = medians_of(throughput, Server::Metasim);
    for (name, medians) in [("baseline", &baseline), ("metasim", &metasim)] {
        println!(
            "  median {name:<8}  {:>9.0} req/s, {} server CPU/request, server busy {}",
            medians.rps.unwrap_or_default(),
            micros(medians.cpu),
            percent(medians.busy)
        );
    }
    if let Some(cpus) = throughput.other_cpus {
        println!("  other processes kept about {cpus:.2} CPUs busy during these runs");
    }
    let caveats = caveats(&baseline, &metasim, throughput.other_cpus);
    print_ratios(&baseline, &metasim, target, !caveats.is_empty());
    for caveat in &caveats {
        println!("  note: {caveat}");
    }
    if !caveats.is_empty() {
        println!("  note: the ratio by server CPU/request does not depend on these");
    }
}

/// Why this run's req/s may not compare the servers' capacities.
fn caveats(baseline: &Medians, metasim: &Medians, other_cpus: Option<f64>) -> Vec<String> {
    let mut caveats = Vec::new();
    if let Some(busy) = baseline.busy.filter(|busy| *busy < SATURATED) {
        caveats.push(format!(
            "the baseline's server thread was busy only {} of the time, so the req/s ratio \
             flatters metasim",
            percent(Some(busy))
        ));
    }
    if let Some(busy) = metasim.busy.filter(|busy| *busy < SATURATED) {
        caveats.push(format!(
            "metasim's server thread was busy only {} of the time, so the req/s ratio \
             understates metasim",
            percent(Some(busy))
        ));
    }
    if other_cpus.is_some_and(|cpus| cpus > SHARED_MACHINE) {
        caveats.push(
            "the machine was shared with other processes: req/s are depressed and noisy".into(),
        );
    }
    caveats
}

/// The req/s ratio (the target's), and the same ratio derived from server CPU
/// per request, which holds even when a server thread was not fully busy.
fn print_ratios(baseline: &Medians, metasim: &Medians, target: f64, doubtful: bool) {
    let doubt = if doubtful {
        " (doubtful: see the notes)"
    } else {
        ""
    };
    if let (Some(sim), Some(base)) = (metasim.rps, baseline.rps) {
        let ratio = sim / base;
        println!(
            "  ratio metasim/baseline by req/s:               {ratio:.2}   target >= {target}: {}{doubt}",
            verdict(ratio >= target)
        );
    }
    if let (Some(sim), Some(base)) = (metasim.cpu, baseline.cpu) {
        let ratio = base / sim;
        println!(
            "  ratio metasim/baseline by server CPU/request:  {ratio:.2}   target >= {target}: {}",
            verdict(ratio >= target)
        );
    }
}

/// Median, minimum and maximum of `times`, in seconds.
fn spread(times: &[Duration]) -> Option<(f64, f64, f64)> {
    let seconds: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    let min = seconds.iter().copied().reduce(f64::min)?;
    let max = seconds.iter().copied().reduce(f64::max)?;
    Some((median(seconds)?, min, max))
}

/// The start-to-ready section.
pub fn print_startup(startup: &Startup) {
    println!(
        "Process start-to-ready ({} starts each, alternating, after one unmeasured start each)",
        startup.metasim.len()
    );
    let metasim = spread(&startup.metasim);
    let baseline = spread(&startup.baseline);
    for (name, times) in [("metasim", metasim), ("baseline", baseline)] {
        if let Some((median, min, max)) = times {
            let (median, min, max) = (millis(median), millis(min), millis(max));
            println!("  {name:<8}  median {median}  (min {min}, max {max})");
        }
    }
    if let (Some((sim, ..)), Some((base, ..))) = (metasim, baseline) {
        println!("  ratio metasim/baseline: {:.2}", sim / base);
        println!(
            "  metasim ready < {} ms: {}",
            READY_TARGET.as_millis(),
            verdict(sim < READY_TARGET.as_secs_f64())
        );
    }
}

/// The connections table of the send workload.
pub fn print_connections(rows: &[Row]) {
    println!("Send a message by number of connections (one 1 s run each)");
    println!("  connections  baseline req/s  metasim req/s  ratio");
    for row in rows {
        println!(
            "  {:>11}  {:>14.0}  {:>13.0}  {:>5.2}",
            row.connections,
            row.baseline,
            row.metasim,
            row.metasim / row.baseline
        );
    }
}

/// Cost as the sandbox grows, and memory per stored message.
pub fn print_growth(growth: &Growth) {
    println!("As the sandbox grows (messages stored before each measurement)");
    println!(
        "  retention: the send sandbox keeps up to 2,000,000 messages; events and delivery bodies as by default"
    );
    println!("  stored       send req/s (32 conn.)  GET round trip (median of 2,000 after 500)");
    for point in &growth.points {
        println!(
            "  {:>10}  {:>21.0}  {:>10.1} µs",
            point.stored,
            point.send_per_second,
            point.get_median.as_secs_f64() * 1e6
        );
    }
    if let (Some(first), Some(last)) = (growth.points.first(), growth.points.last())
        && growth.points.len() > 1
    {
        let send = last.send_per_second / first.send_per_second;
        let get = last.get_median.as_secs_f64() / first.get_median.as_secs_f64();
        let flat = (1.0 - send).abs() <= FLAT && (get - 1.0).abs() <= FLAT;
        println!(
            "  largest/smallest: send {send:.2}, GET latency {get:.2}; within {:.0}%: {}",
            FLAT * 100.0,
            verdict(flat)
        );
    }
    if let Some(bytes) = growth.bytes_per_message {
        println!(
            "  resident memory per stored message: {bytes:.0} bytes; <= {BYTES_PER_MESSAGE_TARGET:.0}: {}",
            verdict(bytes <= BYTES_PER_MESSAGE_TARGET)
        );
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Many sandboxes in one process.
pub fn print_sandboxes(sandboxes: &Sandboxes) {
    println!(
        "{} demo sandboxes created over the control plane (8 connections)",
        sandboxes.count
    );
    println!(
        "  {:.0} sandboxes/s; >= {SANDBOXES_PER_SECOND_TARGET:.0}: {}",
        sandboxes.per_second,
        verdict(sandboxes.per_second >= SANDBOXES_PER_SECOND_TARGET)
    );
    if let (Some(before), Some(after)) = (sandboxes.resident_before, sandboxes.resident_after) {
        println!(
            "  resident memory {} before, {} after ({:.1} KiB each); < 1 GiB: {}",
            mebibytes(before),
            mebibytes(after),
            (after.saturating_sub(before)) as f64 / 1024.0 / sandboxes.count as f64,
            verdict((after as f64) < SANDBOXES_MEMORY_TARGET)
        );
    }
}

/// The scenario library's run time.
pub fn print_scenarios(elapsed: Option<Duration>) {
    match elapsed {
        Some(elapsed) => println!(
            "Scenario library (`metasim run scenarios/`): {}; < 1 s: {}",
            millis(elapsed.as_secs_f64()),
            verdict(elapsed < SCENARIOS_TARGET)
        ),
        None => println!("Scenario library: not found (run from the workspace root)"),
    }
}

/// GET node under wrk.
pub fn print_external(external: Option<&External>) {
    println!("GET a node driven by an external load generator (wrk -t1 -c32 -d2s)");
    let Some(external) = external else {
        println!("  wrk is not installed (apt-get install wrk): skipped");
        return;
    };
    for (round, (baseline, metasim)) in external.rounds.iter().enumerate() {
        println!(
            "  round {}: baseline {baseline:.0} req/s, metasim {metasim:.0} req/s",
            round + 1
        );
    }
    let baseline = median(external.rounds.iter().map(|r| r.0).collect());
    let metasim = median(external.rounds.iter().map(|r| r.1).collect());
    if let (Some(baseline), Some(metasim)) = (baseline, metasim) {
        let ratio = metasim / baseline;
        println!(
            "  ratio metasim/baseline (medians): {ratio:.2}; >= {EXTERNAL_TARGET}: {}",
            verdict(ratio >= EXTERNAL_TARGET)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}
