//! Serving HTTP/1.1 connections: a client gets a bounded time to send a
//! request's headers (half-sent headers no longer hold a connection open),
//! upgrades work (the CONNECT tunnels of `serve --https`), and the answers
//! hyper writes by itself for a request it cannot read — 400, 414 (URI too
//! long), 431 (headers too large), otherwise empty — carry Meta's error
//! envelope like every other answer. Body timeouts are the handlers' (see
//! `api::http::read_body`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::api::error::GraphError;
use crate::world::encode::meta_json;
use crate::world::ids::stateless_trace_id;

/// The HTTP/1.1 settings every connection is served with.
pub fn http1(header_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder
}

/// How long a shutdown waits for open connections to finish their answers
/// (a dashboard's stream never does).
const DRAIN: Duration = Duration::from_secs(10);

/// Serve `app` on `listener` until `shutdown` resolves, then let the open
/// connections finish what they are answering (for at most [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // Every connection holds a sender; when all are gone, all have closed.
    let (alive, mut all_closed) = mpsc::channel::<()>(1);
    let (closing, closing_seen) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!("cannot accept: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = http1(header_timeout)
            .serve_connection(TokioIo::new(MetaErrors::new(stream)), service)
            .with_upgrades();
        let (alive, mut closing) = (alive.clone(), closing_seen.clone());
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = async { closing.wait_for(|closing| *closing).await.map(drop) } => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!("connection ended: {error}");
            }
            drop(alive);
        });
    }
    drop(listener);
    let _ = closing.send(true);
    drop(alive);
    let _ = tokio::time::timeout(DRAIN, all_closed.recv()).await;
    Ok(())
}

/// What the stream does with what hyper writes.
enum Writing {
    /// Passes it on.
    Through,
    /// Sends Meta's envelope (the rest of these bytes) instead of hyper's
    /// empty error answer of `replaced` bytes.
    Replacing {
        answer: Vec<u8>,
        sent: usize,
        replaced: usize,
    },
    /// The envelope is out; the connection is closing: swallow the rest.
    Done,
}

/// A stream that puts Meta's error envelope on hyper's own error answers.
pub struct MetaErrors<S> {
    inner: S,
    writing: Writing,
}

impl<S> MetaErrors<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            writing: Writing::Through,
        }
    }
}

/// Meta's envelope for hyper's answer `head`, when `head` is one: a 400, 414
/// or 431 with an empty body and no content type (metasim's own answers
/// always have one).
fn envelope_for(head: &[u8]) -> Option<Vec<u8>> {
    // Every answer passes here: most are not one of those three statuses.
    if !matches!(head.get(9..12), Some(b"400" | b"414" | b"431")) {
        return None;
    }
    let text = std::str::from_utf8(head.get(..head.len().min(512))?).ok()?;
    let status_line = text.lines().next()?;
    let rest = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    let lower = text.to_ascii_lowercase();
    let empty = lower.contains("\r\ncontent-length: 0\r\n") && !lower.contains("\r\ncontent-type:");
    let message = match status {
        400 => "(#100) metasim could not read this request as HTTP",
        414 => "(#100) The request URI is longer than the 65534 bytes metasim reads",
        431 => {
            "(#100) The request headers are larger than metasim reads (about 400 KiB, 100 headers)"
        }
        _ => return None,
    };
    if !empty {
        return None;
    }
    let error = GraphError::new(status, "OAuthException", 100, message);
    let trace_id = stateless_trace_id(&[message.as_bytes()]);
    let body = meta_json(&error.to_body(&trace_id));
    let reason = rest[3..].trim();
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

impl<S: AsyncRead + Unpin> AsyncRead for MetaErrors<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> MetaErrors<S> {
    /// Send what is left of a replacing envelope.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Writing::Replacing { answer, sent, .. } = &mut self.writing {
            if *sent == answer.len() {
                self.writing = Writing::Done;
                break;
            }
            let written = ready!(Pin::new(&mut self.inner).poll_write(cx, &answer[*sent..]))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += written;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for MetaErrors<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if let Writing::Through = this.writing {
            match envelope_for(buf) {
                Some(answer) => {
                    this.writing = Writing::Replacing {
                        answer,
                        sent: 0,
                        replaced: buf.len(),
                    }
                }
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        let replaced = match &this.writing {
            Writing::Replacing { replaced, .. } => *replaced,
            _ => buf.len(),
        };
        ready!(this.drain(cx))?;
        Poll::Ready(Ok(replaced.min(buf.len())))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_error_answers_are_replaced() {
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(envelope_for(hyper_431).unwrap()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json; charset=UTF-8\r\n"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], 100);
        assert!(answer.contains(&format!("content-length: {}\r\n", body.len())));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(envelope_for(ours), None);
        assert_eq!(
            envelope_for(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(envelope_for(b"{\"data\": []}"), None);
        assert!(envelope_for(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").is_some());
    }
}
