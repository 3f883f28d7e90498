//! The `metasim` command line: `metasim serve` starts the simulator with a
//! ready demo sandbox and prints what to paste into an SDK; `metasim run`
//! runs scenario files (docs/scenarios.md) and exits non-zero on a failure.

use std::path::PathBuf;

/// mimalloc instead of the system allocator: per-request allocations are
/// metasim's largest cost after the kernel's (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use metasim::api::state::{AppState, CreateSandbox, SandboxInfo, ServerConfig, lock};
use metasim::intercept::{self, Interception};
use metasim::scenario::{self, runner, suite};
use metasim::state_dir;
use metasim::world::retention::{self, Retention};
use metasim::{DEFAULT_SANDBOX, Fixture, UnversionedMode, Version, VersionPolicy};

#[derive(Parser)]
#[command(
    name = "metasim",
    version,
    about = "An offline, deterministic simulator of Meta's business platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Graph API and the /_sim control plane with a ready `default` sandbox.
    Serve(ServeArgs),
    /// Run scenario files and folders, each in its own sandbox, and report.
    Run(RunArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario files or folders (searched for *.json, leaving out fixtures/ and snapshots/).
    #[arg(default_value = "scenarios")]
    paths: Vec<PathBuf>,
    /// Write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Use this seed for every scenario instead of its own.
    #[arg(long)]
    seed: Option<u64>,
    /// Serve metasim on this port (0: any free one). Give one with --app-webhook,
    /// so that the app can be told metasim's base URL.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The webhook URL of the app under test: scenarios with `app_webhook`
    /// subscribe it (with the verification handshake) and drive the app by webhooks.
    #[arg(long, value_name = "URL")]
    app_webhook: Option<String>,
    /// The verify token the app under test expects in the handshake.
    #[arg(long, default_value = "metasim-verify")]
    verify_token: String,
    /// How many scenarios run at once.
    #[arg(long, default_value_t = 8)]
    jobs: usize,
    /// Write each scenario's transcript to DIR/<sandbox id>.json.
    #[arg(long, value_name = "DIR")]
    transcripts: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seed of the default sandbox.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fixture file for the default sandbox (the demo fixture otherwise).
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Oldest usable Graph API version; older well-formed versions are served as it.
    #[arg(long, default_value = "v21.0", value_parser = parse_version)]
    oldest_version: Version,
    /// Newest released Graph API version; newer ones are unknown paths (2500).
    #[arg(long, default_value = "v26.0", value_parser = parse_version)]
    newest_version: Version,
    /// What to do with paths that carry no version.
    #[arg(long, value_enum, default_value_t = UnversionedMode::Serve)]
    unversioned: UnversionedMode,
    /// Print no handle listing (the ready line, and the --https lines, still).
    #[arg(long)]
    quiet: bool,
    /// Answer as Meta's hosts over HTTPS: this port becomes an HTTPS proxy
    /// (CONNECT graph.facebook.com:443) and a TLS port opens, both with
    /// certificates from a local CA (docs/https.md).
    #[arg(long)]
    https: bool,
    /// The TLS port that answers as Meta's hosts (with --https; 0: any free one).
    #[arg(long, default_value_t = 8443, requires = "https")]
    https_port: u16,
    /// Keep every sandbox here: restored at start, written on shutdown and on
    /// POST /_sim/state/save (DIR/sandboxes/{id}.json).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Where the local CA is kept (default: $XDG_DATA_HOME/metasim/ca or ~/.local/share/metasim/ca).
    #[arg(long, value_name = "DIR", requires = "https")]
    ca_dir: Option<PathBuf>,
    /// Lock the control plane (/_sim, the dashboard) with this token: requests
    /// send `Authorization: Bearer TOKEN`, the dashboard asks for it once.
    /// Default: $METASIM_ADMIN_TOKEN. Required when --host is not a loopback
    /// address (docs/security.md).
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// A host name the control plane answers besides loopback ones (repeat
    /// for more; `*` for any). Needed without --admin-token when clients
    /// reach metasim by another name (a container's, a hosts-file entry's).
    #[arg(long = "allowed-host", value_name = "HOST")]
    allowed_hosts: Vec<String>,
    /// Webhooks and verification handshakes may reach only this host (repeat
    /// for more; `*.example.com` for a domain). Default: any host.
    #[arg(long = "webhook-host", value_name = "HOST")]
    webhook_hosts: Vec<String>,
    /// Domain events a sandbox keeps once they are routed to webhooks; older
    /// ones are dropped and counted (the default of the `retention` option).
    #[arg(long, value_name = "N", default_value_t = retention::DEFAULT_EVENTS, value_parser = parse_retained)]
    retain_events: usize,
    /// WhatsApp messages a sandbox keeps; older ones are dropped and counted.
    #[arg(long, value_name = "N", default_value_t = retention::DEFAULT_MESSAGES, value_parser = parse_retained)]
    retain_messages: usize,
    /// Finished webhook deliveries that keep their bodies; older ones keep
    /// their record without the body.
    #[arg(long, value_name = "N", default_value_t = retention::DEFAULT_DELIVERY_BODIES, value_parser = parse_retained)]
    retain_delivery_bodies: usize,
}

/// A retention limit: a whole number from 1 to `MAX_RETAINED`.
fn parse_retained(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=retention::MAX_RETAINED).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number from 1 to {}, got {text:?}",
            retention::MAX_RETAINED
        )),
    }
}

fn parse_version(text: &str) -> Result<Version, String> {
    Version::parse(text).ok_or_else(|| format!("expected a version like v23.0, got {text:?}"))
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("metasim: cannot start the runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Run(args) => runtime.block_on(run(args)),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("metasim: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    if args.oldest_version > args.newest_version {
        return Err("--oldest-version must not be newer than --newest-version".into());
    }
    let fixture = match &args.fixture {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut deserializer = serde_json::Deserializer::from_str(&text);
            let fixture: Fixture = serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| format!("{}: {} at {}", path.display(), e.inner(), e.path()))?;
            Some(fixture)
        }
        None => None,
    };
    let admin_token = match args.admin_token.clone() {
        Some(token) => Some(token),
        None => std::env::var("METASIM_ADMIN_TOKEN")
            .ok()
            .filter(|token| !token.is_empty()),
    };
    if let Some(token) = &admin_token {
        metasim::api::guard::valid_admin_token(token).map_err(|e| format!("--admin-token: {e}"))?;
    }
    let config = ServerConfig {
        versions: VersionPolicy {
            oldest: args.oldest_version,
            newest: args.newest_version,
            unversioned: args.unversioned,
        },
        admin_token,
        allowed_hosts: args.allowed_hosts.clone(),
        webhook_hosts: (!args.webhook_hosts.is_empty()).then(|| args.webhook_hosts.clone()),
        retention: Retention {
            events: args.retain_events,
            messages: args.retain_messages,
            delivery_bodies: args.retain_delivery_bodies,
        },
        ..ServerConfig::default()
    };
    let locked = config.admin_token.is_some();
    let state = AppState::new(config);
    let info = state
        .create_sandbox(CreateSandbox {
            id: Some(DEFAULT_SANDBOX.into()),
            seed: Some(args.seed),
            fixture,
            ..Default::default()
        })
        .map_err(|e| e.message.clone())?;
    let interception = match (args.https, &args.ca_dir) {
        (false, _) => None,
        (true, Some(dir)) => Some(Interception::prepare(dir)?),
        (true, None) => Some(Interception::prepare(&intercept::default_ca_dir().ok_or(
            "--https: no $XDG_DATA_HOME or $HOME to keep the CA in; give --ca-dir",
        )?)?),
    };
    if let Some(dir) = &args.state_dir {
        let restored = state_dir::restore_all(&state, dir)?;
        for (path, reason) in &restored.skipped {
            eprintln!("metasim: skipped {}: {reason}", path.display());
        }
        if !restored.sandboxes.is_empty() {
            eprintln!(
                "metasim: restored {} from {}",
                restored.sandboxes.join(", "),
                dir.display()
            );
        }
    }
    // The default sandbox as restored (or as created).
    let info = state
        .sandbox(DEFAULT_SANDBOX)
        .map_or(info, |shared| SandboxInfo::of(&lock(&shared)));
    let listener = bind(&args.host, args.port).await?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    if !address.ip().is_loopback() && !locked {
        return Err(format!(
            "--host {} is reachable from other machines: give --admin-token TOKEN (or set METASIM_ADMIN_TOKEN) to lock the control plane (docs/security.md)",
            args.host
        ));
    }
    let shutdown = shutdown_signal();
    let tls_listener = match interception {
        Some(_) => Some(bind(&args.host, args.https_port).await?),
        None => None,
    };
    let base = format!("http://{address}");
    println!("metasim ready at {base}");
    if !args.quiet {
        let sign_in = if locked {
            " (sign in with the admin token)"
        } else {
            ""
        };
        println!(
            "  dashboard:        {base}{}{sign_in}",
            metasim::api::ui::UI_PATH
        );
        println!("  Graph base URL:   {base}/{}", args.newest_version);
        println!("  control plane:    {base}/_sim/sandboxes/{DEFAULT_SANDBOX}");
        println!("  sandbox:          {} (seed {})", info.id, info.seed);
        for (handle, id) in &info.handles {
            println!("  {handle:<18}{id}");
        }
        for (handle, token) in &info.tokens {
            println!("  {handle:<18}{token}");
        }
        for (handle, secret) in &info.app_secrets {
            println!("  {:<18}{secret}", format!("{handle} secret"));
        }
    }
    let mut app = metasim::server::router(state.clone());
    if let Some(dir) = &args.state_dir {
        app = app.merge(state_dir::routes(state.clone(), dir.clone()));
    }
    let mut tls_port = None;
    let app = match (&interception, tls_listener) {
        (Some(interception), Some(tls_listener)) => {
            let tls_address = tls_listener.local_addr().map_err(|e| e.to_string())?;
            print!(
                "{}",
                intercept::banner::lines(address, &interception.ca_certificate(), tls_address)
            );
            let serving = interception.clone();
            let plain = app.clone();
            tls_port = Some(tokio::spawn(async move {
                serving.serve_tls_port(tls_listener, plain).await;
            }));
            interception.proxy(app)
        }
        _ => app,
    };
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let served = metasim::server::serve_app(listener, state.clone(), app, shutdown).await;
    if let Some(task) = tls_port {
        task.abort();
    }
    if let Some(dir) = &args.state_dir {
        let saved = state_dir::save_all(&state, dir)?;
        eprintln!("metasim: saved {} to {}", saved.join(", "), dir.display());
    }
    served.map_err(|e| e.to_string())
}

async fn bind(host: &str, port: u16) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))
}

async fn run(args: RunArgs) -> Result<(), String> {
    let files = scenario::discover(&args.paths)?;
    if files.is_empty() {
        return Err(format!("no scenario files in {:?}", args.paths));
    }
    let options = scenario::RunOptions {
        port: args.port,
        seed: args.seed,
        app: args.app_webhook.map(|url| scenario::AppTarget {
            url,
            verify_token: args.verify_token,
        }),
        jobs: args.jobs,
    };
    let started = std::time::Instant::now();
    let suite = scenario::Suite::start(options).await?;
    println!(
        "metasim run: {} scenario file{} against {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        suite.url()
    );
    let outcomes = suite
        .run(&files, |outcome| println!("{}", suite::line(outcome)))
        .await;
    let seconds = started.elapsed().as_secs_f64();
    println!("{}", suite::summary(&outcomes, seconds));
    if let Some(path) = &args.junit {
        std::fs::write(path, scenario::junit::render(&outcomes, seconds))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(dir) = &args.transcripts {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for outcome in outcomes
            .iter()
            .filter(|o| !o.transcript.entries().is_empty())
        {
            let path = dir.join(format!("{}.json", runner::sandbox_id(&outcome.name)));
            std::fs::write(&path, outcome.transcript.render())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, scenario::Verdict::Failed(_)))
        .count();
    if failed > 0 {
        return Err(format!("{failed} of {} scenarios failed", outcomes.len()));
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when it is first polled: call it before the ready line, so
/// that a signal sent right after that line shuts down gracefully.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("metasim: shutting down");
    }
}
