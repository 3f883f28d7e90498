//! CPU accounting from Linux's `/proc`: the CPU time of one thread (from
//! `/proc/self/task/{tid}/schedstat`), so the harness can tell how busy the
//! server thread was and what one request cost it, and the CPU other processes
//! used meanwhile (from `/proc/stat`), so it can tell whether the machine was
//! shared. Elsewhere (no `/proc`) the readings are simply absent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The CPU clock of the thread that created it.
pub struct ThreadClock {
    schedstat: PathBuf,
}

impl ThreadClock {
    /// The clock of the calling thread, if `/proc` tells which thread that is.
    pub fn of_current_thread() -> Option<ThreadClock> {
        let link = std::fs::read_link("/proc/thread-self").ok()?;
        let tid = link.file_name()?.to_str()?.to_owned();
        let clock = ThreadClock {
            schedstat: PathBuf::from(format!("/proc/self/task/{tid}/schedstat")),
        };
        clock.read().map(|_| clock)
    }

    /// CPU time the thread has run so far.
    pub fn read(&self) -> Option<Duration> {
        let text = std::fs::read_to_string(&self.schedstat).ok()?;
        let nanos = text.split_whitespace().next()?.parse().ok()?;
        Some(Duration::from_nanos(nanos))
    }
}

/// Clock ticks per second in `/proc/stat` and `/proc/self/stat` (USER_HZ).
const TICKS_PER_SECOND: f64 = 100.0;

/// Busy ticks of the whole machine (user, nice, system, irq, softirq).
fn machine_busy_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().find(|line| line.starts_with("cpu "))?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let [user, nice, system, _idle, _iowait, irq, softirq, ..] = ticks[..] else {
        return None;
    };
    Some(user + nice + system + irq + softirq)
}

/// Ticks this process has run (user and system).
fn own_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &text[text.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// The CPU that other processes use while this one measures, so a report can
/// say whether the machine was shared.
pub struct OtherLoad {
    machine: u64,
    own: u64,
    since: Instant,
}

impl OtherLoad {
    /// Start watching, if `/proc` allows it.
    pub fn start() -> Option<OtherLoad> {
        Some(OtherLoad {
            machine: machine_busy_ticks()?,
            own: own_ticks()?,
            since: Instant::now(),
        })
    }

    /// CPUs kept busy by other processes since the start, on average (about;
    /// tick-sampled).
    pub fn cpus_since_start(&self) -> Option<f64> {
        let machine = machine_busy_ticks()?.saturating_sub(self.machine);
        let own = own_ticks()?.saturating_sub(self.own);
        let busy_seconds = machine.saturating_sub(own) as f64 / TICKS_PER_SECOND;
        Some(busy_seconds / self.since.elapsed().as_secs_f64())
    }
}
