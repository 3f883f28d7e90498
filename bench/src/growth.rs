//! Cost as a sandbox grows: the send sandbox is filled in-process (the same
//! world call a send makes, without HTTP) to 1,000, 100,000 and 1,000,000
//! stored messages; at each size a short send run and a series of GET round
//! trips show whether sending and reading stay flat, and the process's
//! resident memory across the fill gives the bytes each stored message costs.

use std::time::Duration;

use serde_json::json;

use crate::load::Target;
use crate::report::median;
use crate::throughput::{Bench, Pair, RECIPIENT, SEND_SANDBOX, Server, Settings};

/// The sandbox sizes measured, in stored messages.
pub const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];
/// Round trips of the GET latency sample at each size.
const GET_SAMPLES: usize = 2_000;
/// Round trips made and not counted before them: the sample follows a send
/// run at 32 connections, whose wind-down (connections closing, the load
/// side's tasks ending) otherwise lands in the first point's median. A GET
/// costs the same instructions with 0 or 20,000 messages stored
/// (`bench/instructions.sh grown`), so the spread that remains is the
/// machine's.
const GET_WARMUP: usize = 500;

/// What one size measured.
pub struct Point {
    pub stored: usize,
    pub send_per_second: f64,
    pub get_median: Duration,
}

pub struct Growth {
    pub points: Vec<Point>,
    /// Resident bytes per message added between the first and last size.
    pub bytes_per_message: Option<f64>,
}

/// Resident memory of this process (`VmRSS`), if `/proc` tells it.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Messages stored in the send sandbox.
fn stored(bench: &Bench) -> usize {
    bench
        .sim()
        .with_sandbox(SEND_SANDBOX, |sandbox| {
            sandbox.whatsapp.messaging.messages.len()
        })
        .unwrap_or(0)
}

/// Send text messages to Alice in-process until the sandbox stores `target`.
fn fill_to(bench: &Bench, phone: &str, target: usize) -> Result<(), String> {
    let missing = target.saturating_sub(stored(bench));
    bench
        .sim()
        .with_sandbox(SEND_SANDBOX, |sandbox| {
            for sent in 0..missing {
                let outbound = metasim::world::whatsapp::messaging::Outbound {
                    to: RECIPIENT.to_owned(),
                    message: json!({"type": "text", "text": {"body": "How can we help?"}}),
                    template: None,
                    biz_opaque_callback_data: None,
                    by_user_id: false,
                    channel: metasim::world::whatsapp::messaging::SendChannel::CloudApi,
                    recipient_identity_key_hash: None,
                };
                sandbox
                    .send_message(phone, outbound)
                    .map_err(|refusal| format!("the fill was refused: {refusal:?}"))?;
                // Route (and let retention drop old events) as requests would.
                if sent % 1_000 == 999 {
                    sandbox.run_due();
                }
            }
            sandbox.run_due();
            Ok(())
        })
        .ok_or("the send sandbox is gone")?
}

/// Fill, measure, repeat for every size.
pub fn measure(
    bench: &Bench,
    send: &Pair,
    phone: &str,
    token: &str,
    sizes: &[usize],
) -> Result<Growth, String> {
    let get = Pair::metasim_only(Target::new(
        send.metasim.address(),
        &format!("/v23.0/{phone}?fields=id,verified_name"),
        token,
    )?);
    let settings = Settings {
        connections: 32,
        rounds: 1,
        warmup: Duration::from_millis(300),
        window: Duration::from_secs(1),
    };
    let mut points = Vec::new();
    let mut memory = Vec::new();
    for &size in sizes {
        fill_to(bench, phone, size)?;
        memory.push((stored(bench), resident_bytes()));
        let run = bench.measure_one(send, Server::Metasim, settings)?;
        let trips = bench.round_trips(&get, GET_WARMUP + GET_SAMPLES)?;
        let counted = &trips[GET_WARMUP.min(trips.len())..];
        let get_median = median(counted.iter().map(Duration::as_secs_f64).collect())
            .map(Duration::from_secs_f64)
            .unwrap_or_default();
        points.push(Point {
            stored: stored(bench),
            send_per_second: run.requests_per_second,
            get_median,
        });
    }
    let bytes_per_message = match (memory.first(), memory.last()) {
        (Some((first, Some(before))), Some((last, Some(after)))) if last > first => {
            Some((*after as f64 - *before as f64) / (last - first) as f64)
        }
        _ => None,
    };
    Ok(Growth {
        points,
        bytes_per_message,
    })
}
