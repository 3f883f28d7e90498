//! Scenarios: declarative JSON files that drive metasim over HTTP — Graph
//! calls, control-plane actions, clock moves, webhook flushes — and check what
//! comes back, what webhooks arrive and what an app under test calls. `metasim
//! run` runs them (see docs/scenarios.md); the client tests run the library
//! under `scenarios/` and snapshot each transcript.
//!
//! - [`format`](mod@format): the file format (serde types, errors naming step and field)
//! - [`load`](mod@load): finding files, reading fixtures
//! - [`vars`]: `${…}` variables and captures
//! - [`matching`]: subset matching with expected-vs-actual messages
//! - [`runner`] and [`steps`]: running one scenario in its own sandbox
//! - [`receiver`]: the runner's webhook endpoint
//! - [`transcript`]: the deterministic record of a run
//! - [`suite`]: many scenarios in parallel, progress lines and a summary
//! - [`server`]: metasim in-process on a chosen port
//! - [`junit`]: JUnit XML for CI

pub mod format;
pub mod junit;
pub mod load;
mod locate;
pub mod matching;
pub mod receiver;
pub mod runner;
pub mod server;
pub mod steps;
pub mod suite;
mod token_handles;
pub mod transcript;
pub mod vars;

pub use format::{Scenario, parse};
pub use load::{Loaded, discover, load, prepare};
pub use runner::{AppTarget, Failure, Outcome, Runner, Verdict};
pub use suite::{RunOptions, Suite};
