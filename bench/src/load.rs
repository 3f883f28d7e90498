//! The HTTP load: keep-alive HTTP/1.1 connections, one task each, that send
//! the same request (a GET, or a POST with a JSON body) back to back for a
//! fixed time and count the answers that match what is expected. Raw hyper
//! client connections keep the load side's own cost per request small.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::http::HeaderValue;
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One request to send over and over: where, what and with which token.
#[derive(Clone)]
pub struct Target {
    address: SocketAddr,
    host: HeaderValue,
    method: Method,
    path_and_query: Uri,
    authorization: Option<HeaderValue>,
    /// A JSON body (POST), sent with `content-type: application/json`.
    body: Option<Bytes>,
}

impl Target {
    /// `GET {path_and_query}` on `address` with `Authorization: Bearer {token}`.
    pub fn new(address: SocketAddr, path_and_query: &str, token: &str) -> Result<Target, String> {
        let invalid = |what: &str| format!("invalid {what} for the load request");
        Ok(Target {
            address,
            host: HeaderValue::try_from(address.to_string()).map_err(|_| invalid("host"))?,
            method: Method::GET,
            path_and_query: Uri::try_from(path_and_query).map_err(|_| invalid("path"))?,
            authorization: Some(
                HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| invalid("token"))?,
            ),
            body: None,
        })
    }

    /// The same target as a POST of the JSON `body`.
    pub fn post_json(mut self, body: &str) -> Target {
        self.method = Method::POST;
        self.body = Some(Bytes::from(body.to_owned()));
        self
    }

    /// The same target without an `Authorization` header (control-plane calls).
    pub fn without_token(mut self) -> Target {
        self.authorization = None;
        self
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

/// What an answer looks like: status, content type and body bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
}

/// Which answers count as right: exactly one answer, or a status and the
/// first bytes of the body (for answers that differ per request, like a
/// new message id).
#[derive(Clone)]
pub enum Expected {
    Exactly(Answer),
    StartsWith { status: StatusCode, prefix: Bytes },
}

impl Expected {
    pub fn matches(&self, answer: &Answer) -> bool {
        match self {
            Expected::Exactly(expected) => answer == expected,
            Expected::StartsWith { status, prefix } => {
                answer.status == *status && answer.body.starts_with(prefix)
            }
        }
    }
}

/// Requests answered as expected and otherwise, within the measured window.
#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub matched: u64,
    pub mismatched: u64,
}

impl Tally {
    fn add(self, other: Tally) -> Tally {
        Tally {
            matched: self.matched + other.matched,
            mismatched: self.mismatched + other.mismatched,
        }
    }
}

/// When a load run counts: requests completed in `[counted_from, until)`.
#[derive(Clone, Copy)]
pub struct Window {
    pub counted_from: Instant,
    pub until: Instant,
}

type Connection = SendRequest<Full<Bytes>>;

async fn connect(address: SocketAddr) -> Result<Connection, String> {
    let stream = TcpStream::connect(address)
        .await
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {address} failed: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

fn request(target: &Target) -> Request<Full<Bytes>> {
    let body = target.body.clone().unwrap_or_default();
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = target.method.clone();
    *request.uri_mut() = target.path_and_query.clone();
    let headers = request.headers_mut();
    headers.insert(HOST, target.host.clone());
    if let Some(authorization) = &target.authorization {
        headers.insert(AUTHORIZATION, authorization.clone());
    }
    if target.body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    request
}

async fn send(connection: &mut Connection, target: &Target) -> Result<Answer, String> {
    connection
        .ready()
        .await
        .map_err(|e| format!("connection closed: {e}"))?;
    let response = connection
        .send_request(request(target))
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).cloned();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the body failed: {e}"))?
        .to_bytes();
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// Send the request once on a fresh connection and return the answer.
pub async fn fetch_once(target: &Target) -> Result<Answer, String> {
    let mut connection = connect(target.address).await?;
    send(&mut connection, target).await
}

async fn one_connection(
    target: Target,
    expected: Expected,
    window: Window,
) -> Result<Tally, String> {
    let mut connection = connect(target.address).await?;
    let mut tally = Tally::default();
    loop {
        let answer = send(&mut connection, &target).await?;
        let now = Instant::now();
        if now >= window.until {
            return Ok(tally);
        }
        if now < window.counted_from {
            continue;
        }
        if expected.matches(&answer) {
            tally.matched += 1;
        } else {
            tally.mismatched += 1;
        }
    }
}

/// Drive `target` from `connections` concurrent keep-alive connections on the
/// current runtime until the window closes; any connection error fails the run.
pub async fn drive(
    target: &Target,
    expected: &Expected,
    connections: usize,
    window: Window,
) -> Result<Tally, String> {
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(one_connection(target.clone(), expected.clone(), window)))
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await.map_err(|e| format!("a load task died: {e}"))??;
        total = total.add(tally);
    }
    Ok(total)
}

/// Send the request `count` times, one after another on one connection, and
/// return each round trip's time; any unexpected answer fails.
pub async fn round_trips(
    target: &Target,
    expected: &Expected,
    count: usize,
) -> Result<Vec<Duration>, String> {
    let mut connection = connect(target.address).await?;
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        let answer = send(&mut connection, target).await?;
        times.push(started.elapsed());
        if !expected.matches(&answer) {
            let body = String::from_utf8_lossy(&answer.body);
            return Err(format!("unexpected answer {}: {body}", answer.status));
        }
    }
    Ok(times)
}

/// A window that starts counting after `warmup` and lasts `length`.
pub fn window_from_now(warmup: Duration, length: Duration) -> Window {
    let counted_from = Instant::now() + warmup;
    Window {
        counted_from,
        until: counted_from + length,
    }
}
