//! A run of many scenarios, as `metasim run` does it: start metasim (and the
//! runner's receiver) once, load every file (a file that does not parse is a
//! failed scenario, not the end of the run), run the scenarios in parallel —
//! those that test an app one at a time, since they share it — and report
//! each as it finishes, in file order, then a summary.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;

use super::load::{Loaded, load};
use super::runner::{AppTarget, Failure, Outcome, Runner, Verdict, sandbox_id};
use super::server::Server;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// metasim's port (0: any free one).
    pub port: u16,
    /// Overrides every scenario's seed.
    pub seed: Option<u64>,
    /// The app under test, for scenarios with `app_webhook`.
    pub app: Option<AppTarget>,
    /// How many scenarios run at once.
    pub jobs: usize,
}

pub struct Suite {
    server: Server,
    runner: Arc<Runner>,
    options: RunOptions,
}

impl Suite {
    pub async fn start(options: RunOptions) -> Result<Self, String> {
        let server = Server::start(options.port).await?;
        let runner = Arc::new(Runner::start(server.url(), options.app.clone()).await?);
        Ok(Self {
            server,
            runner,
            options,
        })
    }

    /// Where metasim listens.
    pub fn url(&self) -> &str {
        self.server.url()
    }

    /// Run the files; `progress` sees each outcome in file order.
    pub async fn run(&self, files: &[PathBuf], mut progress: impl FnMut(&Outcome)) -> Vec<Outcome> {
        let mut slots: Vec<Option<Outcome>> = vec![None; files.len()];
        let mut tasks = JoinSet::new();
        let jobs = Arc::new(Semaphore::new(self.options.jobs.max(1)));
        let app_turn = Arc::new(Mutex::new(()));
        let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
        // task -> (file index, scenario name, file), to report a task that panicked.
        let mut running = HashMap::new();
        for (index, file) in files.iter().enumerate() {
            let loaded = match load(file) {
                Ok(loaded) => loaded,
                Err(message) => {
                    let name = file.file_stem().map(|s| s.to_string_lossy().into_owned());
                    slots[index] = Some(Outcome::failed(
                        name.unwrap_or_default(),
                        file.clone(),
                        Failure::setup(message),
                    ));
                    continue;
                }
            };
            let id = sandbox_id(&loaded.scenario.name);
            if let Some(other) = ids.get(&id) {
                slots[index] = Some(Outcome::failed(
                    loaded.scenario.name.clone(),
                    file.clone(),
                    Failure::setup(format!(
                        "{}: name: {:?} gives the sandbox id {id:?}, as {} does; names must be unique in a run",
                        file.display(),
                        loaded.scenario.name,
                        other.display()
                    )),
                ));
                continue;
            }
            ids.insert(id, file.clone());
            let name = loaded.scenario.name.clone();
            let task = tasks.spawn(run_one(
                self.runner.clone(),
                loaded,
                self.options.seed,
                jobs.clone(),
                app_turn.clone(),
                index,
            ));
            running.insert(task.id(), (index, name, file.clone()));
        }
        let mut outcomes = Vec::with_capacity(files.len());
        let mut emit = |slots: &mut Vec<Option<Outcome>>, outcomes: &mut Vec<Outcome>| {
            while let Some(Some(_)) = slots.get(outcomes.len()) {
                if let Some(outcome) = slots[outcomes.len()].take() {
                    progress(&outcome);
                    outcomes.push(outcome);
                }
            }
        };
        emit(&mut slots, &mut outcomes);
        while let Some(joined) = tasks.join_next_with_id().await {
            match joined {
                Ok((_, (index, outcome))) => slots[index] = Some(outcome),
                // A crash fails its scenario; it never hides the others.
                Err(error) => {
                    if let Some((index, name, file)) = running.remove(&error.id()) {
                        let failure = Failure::setup(format!("the runner crashed: {error}"));
                        slots[index] = Some(Outcome::failed(name, file, failure));
                    }
                }
            }
            emit(&mut slots, &mut outcomes);
        }
        outcomes
    }
}

async fn run_one(
    runner: Arc<Runner>,
    loaded: Loaded,
    seed: Option<u64>,
    jobs: Arc<Semaphore>,
    app_turn: Arc<Mutex<()>>,
    index: usize,
) -> (usize, Outcome) {
    let _permit = jobs.acquire_owned().await;
    let _turn = if loaded.scenario.app_webhook.is_some() && runner.app().is_some() {
        Some(app_turn.lock_owned().await)
    } else {
        None
    };
    (index, runner.run(&loaded, seed).await)
}

/// One line per scenario (failures add their step and expected vs actual, indented).
pub fn line(outcome: &Outcome) -> String {
    let source = outcome.source.display();
    match &outcome.verdict {
        Verdict::Passed => format!(
            "PASS  {}  ({source}, {} steps, {:.2} s)",
            outcome.name, outcome.steps_run, outcome.seconds
        ),
        Verdict::Skipped(reason) => format!("SKIP  {}  ({source}): {reason}", outcome.name),
        Verdict::Failed(failure) => {
            let mut text = format!("FAIL  {}  ({source})", outcome.name);
            for detail in failure.to_string().lines() {
                text.push_str("\n      ");
                text.push_str(detail);
            }
            text
        }
    }
}

/// `9 scenarios: 7 passed, 1 failed, 1 skipped (1.24 s)`.
pub fn summary(outcomes: &[Outcome], seconds: f64) -> String {
    let count =
        |wanted: fn(&Verdict) -> bool| outcomes.iter().filter(|o| wanted(&o.verdict)).count();
    let passed = count(|v| matches!(v, Verdict::Passed));
    let failed = count(|v| matches!(v, Verdict::Failed(_)));
    let skipped = count(|v| matches!(v, Verdict::Skipped(_)));
    let noun = if outcomes.len() == 1 {
        "scenario"
    } else {
        "scenarios"
    };
    format!(
        "{} {noun}: {passed} passed, {failed} failed, {skipped} skipped ({seconds:.2} s)",
        outcomes.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::transcript::Transcript;

    fn outcome(verdict: Verdict) -> Outcome {
        Outcome {
            name: "n".into(),
            source: PathBuf::from("s/n.json"),
            verdict,
            steps_run: 2,
            seconds: 0.5,
            transcript: Transcript::default(),
        }
    }

    #[test]
    fn lines_and_summaries_read_well() {
        assert_eq!(
            line(&outcome(Verdict::Passed)),
            "PASS  n  (s/n.json, 2 steps, 0.50 s)"
        );
        assert_eq!(
            line(&outcome(Verdict::Skipped("why".into()))),
            "SKIP  n  (s/n.json): why"
        );
        let failure = Failure {
            step: Some((2, "x".into())),
            message: "m".into(),
            detail: Some("d".into()),
        };
        assert_eq!(
            line(&outcome(Verdict::Failed(failure))),
            "FAIL  n  (s/n.json)\n      step 2 (x): m\n      d"
        );
        let all = [
            outcome(Verdict::Passed),
            outcome(Verdict::Skipped(String::new())),
        ];
        assert_eq!(
            summary(&all, 1.0),
            "2 scenarios: 1 passed, 0 failed, 1 skipped (1.00 s)"
        );
        assert_eq!(
            summary(&all[..1], 1.0),
            "1 scenario: 1 passed, 0 failed, 0 skipped (1.00 s)"
        );
    }
}
