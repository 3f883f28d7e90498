//! The plain-text report: every throughput run, the medians, the ratios
//! metasim/baseline and how they compare with the targets.

use std::time::Duration;

use crate::startup::Startup;
use crate::throughput::{Server, Throughput};

/// GET node throughput target: metasim at least this fraction of the baseline.
const THROUGHPUT_TARGET: f64 = 0.6;
/// Start-to-ready target for metasim.
const READY_TARGET: Duration = Duration::from_millis(50);
/// A server thread busier than this share of the time counts as saturated.
const SATURATED: f64 = 0.9;
/// Other processes busier than this many CPUs make the machine count as shared.
const SHARED_MACHINE: f64 = 0.2;

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        n if !n.is_multiple_of(2) => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn micros(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |seconds| format!("{:.1} µs", seconds * 1e6))
}

fn percent(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |share| format!("{:.0}%", share * 100.0))
}

fn millis(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}

/// Medians of one server's runs: req/s, server CPU seconds per request, busy share.
struct Medians {
    rps: Option<f64>,
    cpu: Option<f64>,
    busy: Option<f64>,
}

fn medians_of(throughput: &Throughput, server: Server) -> Medians {
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

/// The GET node section; describes the load with `load` (one line).
pub fn print_throughput(throughput: &Throughput, load: &str) {
    println!("GET a node with ?fields=");
    println!(
        "  request: GET {} (Authorization: Bearer), {}-byte JSON answer",
        throughput.path_and_query, throughput.body_bytes
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
    print_ratios(&baseline, &metasim, !caveats.is_empty());
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
fn print_ratios(baseline: &Medians, metasim: &Medians, doubtful: bool) {
    let doubt = if doubtful {
        " (doubtful: see the notes)"
    } else {
        ""
    };
    if let (Some(sim), Some(base)) = (metasim.rps, baseline.rps) {
        let ratio = sim / base;
        println!(
            "  ratio metasim/baseline by req/s:               {ratio:.2}   target >= {THROUGHPUT_TARGET}: {}{doubt}",
            verdict(ratio >= THROUGHPUT_TARGET)
        );
    }
    if let (Some(sim), Some(base)) = (metasim.cpu, baseline.cpu) {
        let ratio = base / sim;
        println!(
            "  ratio metasim/baseline by server CPU/request:  {ratio:.2}   target >= {THROUGHPUT_TARGET}: {}",
            verdict(ratio >= THROUGHPUT_TARGET)
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
