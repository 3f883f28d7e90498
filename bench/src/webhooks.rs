//! Webhook deliveries per second: metasim flushes an outbox of signed
//! WhatsApp deliveries to a local receiver, against a baseline that POSTs the
//! same bodies over the same kind of keep-alive client with no engine in
//! between. Both keep [`IN_FLIGHT`] requests in flight (metasim through the
//! sandbox's `in_flight` webhook setting; its default, 1, sends in order).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use serde_json::{Value, json};

/// POSTs in flight at once, on both sides.
pub const IN_FLIGHT: usize = 16;

pub struct Measured {
    pub deliveries: usize,
    pub metasim_per_second: f64,
    pub baseline_per_second: f64,
}

/// A receiver that answers the handshake and counts POSTs.
async fn start_receiver(received: Arc<AtomicUsize>) -> Result<String, String> {
    let app = Router::new().route(
        "/hook",
        get(
            |Query(query): Query<std::collections::HashMap<String, String>>| async move {
                query.get("hub.challenge").cloned().unwrap_or_default()
            },
        )
        .post(move || {
            let received = received.clone();
            async move {
                received.fetch_add(1, Ordering::Relaxed);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/hook",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

async fn call(request: reqwest::RequestBuilder, what: &str) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| format!("{what}: {e}"))?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{what}: HTTP {status}: {body}"))
    }
}

async fn run(count: usize) -> Result<Measured, String> {
    let received = Arc::new(AtomicUsize::new(0));
    let hook = start_receiver(received.clone()).await?;
    let sim = metasim::Simulator::start()
        .await
        .map_err(|e| e.to_string())?;
    let base = sim.url().to_owned();
    let client = reqwest::Client::new();
    let sandbox = call(
        client
            .post(format!("{base}/_sim/sandboxes"))
            .json(&json!({"id": "bench"})),
        "create sandbox",
    )
    .await?;
    let text = |pointer: &str| {
        sandbox
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (app, secret, waba, phone, token) = (
        text("/handles/app"),
        text("/app_secrets/app"),
        text("/handles/waba"),
        text("/handles/phone_number"),
        text("/tokens/system_user_token"),
    );
    let subscribe = client
        .post(format!("{base}/v23.0/{app}/subscriptions"))
        .form(&[
            ("access_token", format!("{app}|{secret}")),
            ("object", "whatsapp_business_account".into()),
            ("callback_url", hook.clone()),
            ("verify_token", "bench".into()),
            ("fields", "messages".into()),
        ]);
    call(subscribe, "subscribe the app").await?;
    call(
        client
            .post(format!("{base}/v23.0/{waba}/subscribed_apps"))
            .bearer_auth(&token),
        "subscribe to the WABA",
    )
    .await?;
    call(
        client
            .post(format!("{base}/_sim/sandboxes/bench/webhooks/settings"))
            .json(&json!({ "in_flight": IN_FLIGHT })),
        "webhook settings",
    )
    .await?;
    let inbound = format!("{base}/_sim/sandboxes/bench/whatsapp/consumers/15550109999/messages");
    for n in 0..count {
        let message =
            json!({"to": phone, "type": "text", "text": {"body": format!("message {n}")}});
        call(client.post(&inbound).json(&message), "inbound message").await?;
    }
    let started = Instant::now();
    let report = call(
        client.post(format!("{base}/_sim/sandboxes/bench/webhooks/deliver")),
        "deliver",
    )
    .await?;
    let metasim_seconds = started.elapsed().as_secs_f64();
    let attempts = report["data"].as_array().map_or(0, Vec::len);
    if attempts != count || received.load(Ordering::Relaxed) != count {
        return Err(format!(
            "expected {count} deliveries, metasim reported {attempts} and the receiver got {}",
            received.load(Ordering::Relaxed)
        ));
    }
    let deliveries = call(
        client.get(format!("{base}/_sim/sandboxes/bench/webhooks/deliveries")),
        "deliveries",
    )
    .await?;
    let body = deliveries["data"][0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let baseline_client = reqwest::Client::new();
    let started = Instant::now();
    let senders: Vec<_> = (0..IN_FLIGHT)
        .map(|sender| {
            let (client, hook, body) = (baseline_client.clone(), hook.clone(), body.clone());
            tokio::spawn(async move {
                for _ in (sender..count).step_by(IN_FLIGHT) {
                    client
                        .post(&hook)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for sender in senders {
        sender.await.map_err(|e| e.to_string())??;
    }
    let baseline_seconds = started.elapsed().as_secs_f64();
    Ok(Measured {
        deliveries: count,
        metasim_per_second: count as f64 / metasim_seconds,
        baseline_per_second: count as f64 / baseline_seconds,
    })
}

pub fn measure(count: usize) -> Result<Measured, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(run(count))
}

pub fn print(measured: &Measured) {
    println!("Webhook deliveries (WhatsApp inbound messages, signed, to a local receiver)");
    println!(
        "  deliveries: {}, {IN_FLIGHT} POSTs in flight over a keep-alive client",
        measured.deliveries
    );
    println!(
        "  metasim   {:>9.0} deliveries/s (POST /_sim/…/webhooks/deliver of a full outbox)",
        measured.metasim_per_second
    );
    println!(
        "  baseline  {:>9.0} POSTs/s of the same body, no engine",
        measured.baseline_per_second
    );
    println!(
        "  ratio metasim/baseline: {:.2}",
        measured.metasim_per_second / measured.baseline_per_second
    );
    let verdict = if measured.metasim_per_second >= 20_000.0 {
        "met"
    } else {
        "MISSED"
    };
    println!("  target >= 20,000 deliveries/s: {verdict}");
}
