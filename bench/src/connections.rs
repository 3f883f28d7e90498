//! Throughput by number of connections: one baseline run and one metasim run
//! of a workload at 1, 8, 64 and 512 keep-alive connections, as a table.

use std::time::Duration;

use crate::throughput::{Bench, Pair, Server, Settings};

pub const COUNTS: [usize; 4] = [1, 8, 64, 512];

/// req/s of the baseline and of metasim at one connection count.
pub struct Row {
    pub connections: usize,
    pub baseline: f64,
    pub metasim: f64,
}

pub fn measure(bench: &Bench, pair: &Pair) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for connections in COUNTS {
        let settings = Settings {
            connections,
            rounds: 1,
            warmup: Duration::from_millis(300),
            window: Duration::from_secs(1),
        };
        let baseline = bench.measure_one(pair, Server::Baseline, settings)?;
        let metasim = bench.measure_one(pair, Server::Metasim, settings)?;
        rows.push(Row {
            connections,
            baseline: baseline.requests_per_second,
            metasim: metasim.requests_per_second,
        });
    }
    Ok(rows)
}
