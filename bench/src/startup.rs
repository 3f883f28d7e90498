//! Start-to-ready time: from spawning a server process until its first stdout
//! line (the ready line, printed once it listens) has been read. metasim
//! (`metasim serve --port 0 --quiet`) is compared with this binary's own
//! `baseline-server`, alternating, after one unmeasured start of each.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::baseline;

/// The line `metasim serve` prints first, followed by its base URL.
const METASIM_READY_PREFIX: &str = "metasim ready at ";

/// A server program and how to start it.
struct Launch {
    program: PathBuf,
    args: &'static [&'static str],
    ready_prefix: &'static str,
}

/// Every measured start of each program.
pub struct Startup {
    pub metasim: Vec<Duration>,
    pub baseline: Vec<Duration>,
}

fn time_to_ready(launch: &Launch) -> Result<Duration, String> {
    let shown = launch.program.display();
    let started = Instant::now();
    let mut child = Command::new(&launch.program)
        .args(launch.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let mut line = String::new();
    let read = match child.stdout.take() {
        Some(stdout) => BufReader::new(stdout).read_line(&mut line),
        None => Ok(0),
    };
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    read.map_err(|e| format!("cannot read the output of {shown}: {e}"))?;
    if !line.starts_with(launch.ready_prefix) {
        return Err(format!(
            "{shown} printed {line:?} instead of its ready line"
        ));
    }
    Ok(elapsed)
}

/// Start each program `starts` times (plus one unmeasured start each).
pub fn measure(metasim: &Path, starts: usize) -> Result<Startup, String> {
    let bench = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let metasim = Launch {
        program: metasim.to_path_buf(),
        args: &["serve", "--port", "0", "--quiet"],
        ready_prefix: METASIM_READY_PREFIX,
    };
    let baseline = Launch {
        program: bench,
        args: &["baseline-server"],
        ready_prefix: baseline::READY_PREFIX,
    };
    time_to_ready(&metasim)?;
    time_to_ready(&baseline)?;
    let mut result = Startup {
        metasim: Vec::with_capacity(starts),
        baseline: Vec::with_capacity(starts),
    };
    for start in 0..starts {
        let metasim_first = start.is_multiple_of(2);
        if metasim_first {
            result.metasim.push(time_to_ready(&metasim)?);
        }
        result.baseline.push(time_to_ready(&baseline)?);
        if !metasim_first {
            result.metasim.push(time_to_ready(&metasim)?);
        }
    }
    Ok(result)
}
