//! Measurements of separate server processes: many sandboxes in one metasim
//! (how fast they are created over the control plane, and the resident memory
//! they take), the scenario library run by `metasim run`, and GET node
//! throughput driven by an external load generator (wrk, when installed)
//! against metasim and the baseline server process.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::load::{self, Target};
use crate::throughput::FIELDS;

/// A server process and the base address it printed.
struct Process {
    child: Child,
    address: std::net::SocketAddr,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(program: &Path, args: &[&str], ready_prefix: &str) -> Result<Process, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let url = line
        .trim()
        .strip_prefix(ready_prefix)
        .ok_or_else(|| format!("unexpected first line {line:?}"))?;
    let address = url
        .trim_start_matches("http://")
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|_| format!("unexpected address in {line:?}"))?;
    Ok(Process { child, address })
}

/// Resident memory of a process, from `/proc/{pid}/status`.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub struct Sandboxes {
    pub count: usize,
    pub per_second: f64,
    pub resident_after: Option<u64>,
    pub resident_before: Option<u64>,
}

/// Create `count` demo sandboxes in a fresh `metasim serve` over 8 connections.
pub fn sandboxes(metasim: &Path, count: usize) -> Result<Sandboxes, String> {
    let server = spawn(
        metasim,
        &["serve", "--port", "0", "--quiet"],
        "metasim ready at ",
    )?;
    let pid = server.child.id();
    let resident_before = resident_bytes(pid);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    runtime.block_on(async {
        let workers = 8;
        let tasks: Vec<_> = (0..workers)
            .map(|worker| {
                let address = server.address;
                tokio::spawn(async move {
                    let mut created = 0;
                    for n in (worker..count).step_by(workers) {
                        let body = format!(r#"{{"id":"s{n}","seed":{n}}}"#);
                        let target = Target::new(address, "/_sim/sandboxes", "")?
                            .without_token()
                            .post_json(&body);
                        let answer = load::fetch_once(&target).await?;
                        if answer.status != 201 {
                            return Err(format!("creating sandbox {n}: {}", answer.status));
                        }
                        created += 1;
                    }
                    Ok::<usize, String>(created)
                })
            })
            .collect();
        for task in tasks {
            task.await.map_err(|e| e.to_string())??;
        }
        Ok::<(), String>(())
    })?;
    let elapsed = started.elapsed();
    Ok(Sandboxes {
        count,
        per_second: count as f64 / elapsed.as_secs_f64(),
        resident_after: resident_bytes(pid),
        resident_before,
    })
}

/// How long `metasim run {dir}` takes for the scenario library.
pub fn scenario_library(metasim: &Path, dir: &Path) -> Result<Option<Duration>, String> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let started = Instant::now();
    let output = Command::new(metasim)
        .arg("run")
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run the scenario library: {e}"))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stdout);
        return Err(format!("the scenario library failed:\n{text}"));
    }
    Ok(Some(elapsed))
}

/// req/s that wrk measured against metasim and the baseline process.
pub struct External {
    pub rounds: Vec<(f64, f64)>,
}

fn wrk(address: std::net::SocketAddr, path: &str, token: &str) -> Result<f64, String> {
    let output = Command::new("wrk")
        .args(["-t1", "-c32", "-d2s", "--latency"])
        .arg("-H")
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("http://{address}{path}"))
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx") {
        return Err(format!("wrk saw errors:\n{text}"));
    }
    text.lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{text}"))
}

/// GET node from wrk (one thread, 32 connections, 2 s) against `metasim serve`
/// and `metasim-bench baseline-server`, alternating; `None` without wrk.
pub fn external_get(metasim: &Path, rounds: usize) -> Result<Option<External>, String> {
    if Command::new("wrk").arg("--version").output().is_err() {
        return Ok(None);
    }
    let sim = spawn(
        metasim,
        &["serve", "--port", "0", "--quiet"],
        "metasim ready at ",
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let info = runtime.block_on(load::fetch_once(
        &Target::new(sim.address, "/_sim/sandboxes/default", "")?.without_token(),
    ))?;
    let info: serde_json::Value = serde_json::from_slice(&info.body).map_err(|e| e.to_string())?;
    let token = info["tokens"]["system_user_token"]
        .as_str()
        .unwrap_or_default();
    let phone = info["handles"]["phone_number"].as_str().unwrap_or_default();
    let path = format!("/v23.0/{phone}?fields={FIELDS}");
    // The baseline process serves the very bytes metasim answers.
    let answer = runtime.block_on(load::fetch_once(&Target::new(sim.address, &path, token)?))?;
    let body = String::from_utf8_lossy(&answer.body).into_owned();
    let bench = std::env::current_exe().map_err(|e| e.to_string())?;
    let base = spawn(
        &bench,
        &["baseline-server", "--body", &body],
        crate::baseline::READY_PREFIX,
    )?;
    let mut measured = Vec::new();
    for round in 0..rounds {
        let (first, second) = if round % 2 == 0 {
            (&base, &sim)
        } else {
            (&sim, &base)
        };
        let a = wrk(first.address, &path, token)?;
        let b = wrk(second.address, &path, token)?;
        measured.push(if round % 2 == 0 { (a, b) } else { (b, a) });
    }
    Ok(Some(External { rounds: measured }))
}
