//! The HTTP load: keep-alive HTTP/1.1 connections, one task each, that send
//! the same GET back to back for a fixed time and count the answers that match
//! the expected status and body. Raw hyper client connections keep the load
//! side's own cost per request small.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::http::HeaderValue;
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One GET to send over and over: where, what and with which token.
#[derive(Clone)]
pub struct Target {
    address: SocketAddr,
    host: HeaderValue,
    path_and_query: Uri,
    authorization: HeaderValue,
}

impl Target {
    /// `GET {path_and_query}` on `address` with `Authorization: Bearer {token}`.
    pub fn new(address: SocketAddr, path_and_query: &str, token: &str) -> Result<Target, String> {
        let invalid = |what: &str| format!("invalid {what} for the load request");
        Ok(Target {
            address,
            host: HeaderValue::try_from(address.to_string()).map_err(|_| invalid("host"))?,
            path_and_query: Uri::try_from(path_and_query).map_err(|_| invalid("path"))?,
            authorization: HeaderValue::try_from(format!("Bearer {token}"))
                .map_err(|_| invalid("token"))?,
        })
    }
}

/// What an answer looks like: status, content type and body bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
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

type Connection = SendRequest<Empty<Bytes>>;

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

fn request(target: &Target) -> Request<Empty<Bytes>> {
    let mut request = Request::new(Empty::new());
    *request.uri_mut() = target.path_and_query.clone();
    let headers = request.headers_mut();
    headers.insert(HOST, target.host.clone());
    headers.insert(AUTHORIZATION, target.authorization.clone());
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

async fn one_connection(target: Target, expected: Answer, window: Window) -> Result<Tally, String> {
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
        if answer == expected {
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
    expected: &Answer,
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

/// A window that starts counting after `warmup` and lasts `length`.
pub fn window_from_now(warmup: Duration, length: Duration) -> Window {
    let counted_from = Instant::now() + warmup;
    Window {
        counted_from,
        until: counted_from + length,
    }
}
