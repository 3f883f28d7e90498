//! The dashboard's browser tests: the toolchain (playwright-core, pinned in
//! `client-tests/browser/package-lock.json` and installed by `npm ci`, driving
//! Debian's Chromium), and running one scenario of
//! `client-tests/browser/dashboard.mjs` against a running metasim. The driver
//! prints one JSON line per step (as the SDK drivers do), fails on any
//! console error in the page, and saves a screenshot of each scenario under
//! `target/dashboard/`.

use std::path::{Path, PathBuf};

use crate::Sim;
use crate::sdk::{Steps, node_packages, run_driver};

/// The pinned driver version (package.json says the same).
pub const PLAYWRIGHT_CORE_VERSION: &str = "1.65.2";

/// Where Debian's `chromium` package puts the browser.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// `client-tests/browser` with playwright-core installed.
fn driver_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    node_packages(dir, "playwright-core", PLAYWRIGHT_CORE_VERSION)
}

/// The Chromium to drive: `METASIM_CHROMIUM`, or Debian's.
fn chromium() -> PathBuf {
    let path = std::env::var_os("METASIM_CHROMIUM")
        .map_or_else(|| PathBuf::from(DEBIAN_CHROMIUM), PathBuf::from);
    assert!(
        path.exists(),
        "{} does not exist: the dashboard tests drive Debian's Chromium \
         (`apt-get install -y chromium`, as .ci/run does) or the browser METASIM_CHROMIUM names",
        path.display()
    );
    path
}

/// `target/dashboard`: the screenshots the tests leave behind.
pub fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard");
    std::fs::create_dir_all(&dir).expect("target/dashboard can be created");
    dir
}

/// Run the driver's `scenario` against `sim`, with `env` for the scenario.
pub async fn run_scenario(sim: &Sim, scenario: &str, env: &[(&str, String)]) -> Steps {
    let dir = driver_dir();
    let mut command = tokio::process::Command::new("node");
    command
        .arg(dir.join("dashboard.mjs"))
        .arg(scenario)
        .current_dir(&dir)
        .env("METASIM_URL", sim.sim.url())
        .env("METASIM_CHROMIUM", chromium())
        .env("METASIM_SCREENSHOTS", screenshots_dir())
        .envs(env.iter().map(|(name, value)| (*name, value)));
    run_driver(command).await
}
