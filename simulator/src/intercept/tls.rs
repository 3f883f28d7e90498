//! Serving the router over TLS as Meta's hosts: the TLS handshake with the
//! signed leaf, then HTTP/1.1 on the decrypted stream. Requests are given an
//! absolute `https://{host}` URI, so that the Graph layer knows they came in
//! as Meta's host over HTTPS and builds its links (paging, media URLs) with
//! it. Used for tunnels opened by CONNECT and for the TLS port.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use axum::http::uri::{Authority, Scheme};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::META_HOSTS;
use crate::api::state::DEFAULT_HEADER_TIMEOUT;
use crate::connections::{MetaErrors, http1};

/// Make an origin-form request URI absolute: `https://{Host header}{path}`.
/// A missing or malformed Host (HTTP/1.1 requires one) reads as Meta's
/// Graph host.
async fn absolute_https(mut request: Request) -> Request {
    let authority = request
        .headers()
        .get("host")
        .and_then(|value| value.to_str().ok())
        .and_then(|host| host.parse::<Authority>().ok())
        .unwrap_or_else(|| Authority::from_static(META_HOSTS[0]));
    let mut parts = request.uri().clone().into_parts();
    parts.scheme = Some(Scheme::HTTPS);
    parts.authority = Some(authority);
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some("/".parse().expect("/ is a path"));
    }
    if let Ok(uri) = Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}

/// Serve `app` on one TLS connection until the client closes it. Handshake
/// and protocol errors end the connection (and are logged), nothing else.
pub async fn serve_connection<S>(stream: S, app: Router, tls: Arc<rustls::ServerConfig>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let stream = match TlsAcceptor::from(tls).accept(stream).await {
        Ok(stream) => stream,
        Err(error) => {
            tracing::debug!("TLS handshake failed: {error}");
            return;
        }
    };
    let app = app.layer(axum::middleware::map_request(absolute_https));
    let service = TowerToHyperService::new(app);
    if let Err(error) = http1(DEFAULT_HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(MetaErrors::new(stream)), service)
        .await
    {
        tracing::debug!("TLS connection ended: {error}");
    }
}

/// Accept TLS connections on `listener` and serve each on its own task.
pub async fn accept_loop(listener: TcpListener, app: Router, tls: Arc<rustls::ServerConfig>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve_connection(stream, app.clone(), tls.clone()));
            }
            Err(error) => {
                // Out of file descriptors and the like: wait, do not spin.
                tracing::warn!("TLS port: cannot accept: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}
