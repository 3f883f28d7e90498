//! metasim's HTTP port as an HTTPS proxy: `CONNECT graph.facebook.com:443`
//! (or another of Meta's hosts) is answered `200` and the tunnel is served by
//! metasim itself over TLS with its signed certificate — nothing leaves the
//! machine. A CONNECT to any other host is refused with `403` and a message
//! saying to list it in `NO_PROXY`: metasim works offline and forwards
//! nothing.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;

use super::{META_HOSTS, is_meta_host};

#[derive(Clone)]
struct Tunnel {
    app: Router,
    tls: Arc<rustls::ServerConfig>,
}

/// `app` behind a middleware that answers CONNECT.
pub fn layer(app: Router, tls: Arc<rustls::ServerConfig>) -> Router {
    let tunnel = Tunnel {
        app: app.clone(),
        tls,
    };
    app.layer(middleware::from_fn_with_state(tunnel, connect))
}

fn refuse(target: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [("content-type", "text/plain; charset=utf-8")],
        format!(
            "metasim answers CONNECT only for {}, port 443; it does not reach {target:?} \
             (it works offline). List that host in NO_PROXY.\n",
            META_HOSTS.join(", ")
        ),
    )
        .into_response()
}

async fn connect(State(tunnel): State<Tunnel>, request: Request, next: Next) -> Response {
    if request.method() != Method::CONNECT {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .authority()
        .map(|authority| authority.as_str().to_owned())
        .unwrap_or_default();
    let meta_target = request.uri().authority().is_some_and(|authority| {
        is_meta_host(authority.host()) && authority.port_u16().unwrap_or(443) == 443
    });
    if !meta_target {
        return refuse(&target);
    }
    let upgrade = hyper::upgrade::on(request);
    tokio::spawn(async move {
        match upgrade.await {
            Ok(upgraded) => {
                super::tls::serve_connection(TokioIo::new(upgraded), tunnel.app, tunnel.tls).await;
            }
            Err(error) => tracing::debug!("CONNECT {target}: no tunnel: {error}"),
        }
    });
    Response::new(Body::empty())
}
