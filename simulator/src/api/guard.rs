//! What the control plane (`/_sim`, the dashboard included) trusts, checked
//! before any of its routes runs (docs/security.md):
//!
//! - A request a browser made for another site's page is refused: an
//!   `Origin` that is not the server's own, or `Sec-Fetch-Site` other than
//!   `same-origin` / `none`. Only following a link to the dashboard's page
//!   is allowed from elsewhere. Tools (curl, SDKs, tests) send neither
//!   header and are not affected.
//! - A browser's request that changes something must declare a JSON body,
//!   which a page of another site cannot send without asking first (CORS).
//! - Without an admin token, the `Host` must be a loopback name
//!   (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`), one of Meta's hosts
//!   metasim answers as, or one given with `--allowed-host`: a DNS-rebinding
//!   page names its own host and is refused.
//! - With an admin token (`--admin-token`), every request must carry it —
//!   `Authorization: Bearer <token>`, or the cookie the dashboard's sign-in
//!   sets — except the health check and the dashboard's own files and
//!   sign-in.
//!
//! The Graph API is not guarded here: its tokens select what it shows.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::GraphError;
use super::state::{AppState, ServerConfig};
use super::ui::{SIGN_IN_PATH, UI_PATH};
use crate::intercept::is_meta_host;

/// The cookie the dashboard's sign-in sets to the admin token.
pub const ADMIN_COOKIE: &str = "metasim_admin";

/// The middleware: checks requests under `/_sim`, passes the others.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_control_plane(path) {
        return next.run(request).await;
    }
    match check(state.config(), request.method(), path, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Whether a path is the control plane's (`/_sim` and below).
pub fn is_control_plane(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Why a control-plane request may not run, if it may not.
pub fn check(
    config: &ServerConfig,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), GraphError> {
    let dashboard_page = method == Method::GET && is_dashboard(path);
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let navigation = header("sec-fetch-mode") == Some("navigate");
    if !(dashboard_page && navigation) {
        same_origin(header("origin"), header("sec-fetch-site"), header("host"))?;
    }
    let from_browser = header("origin").is_some() || header("sec-fetch-site").is_some();
    let changes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if from_browser && changes && path != SIGN_IN_PATH {
        json_body(headers)?;
    }
    match &config.admin_token {
        None => loopback_host(header("host"), &config.allowed_hosts),
        Some(_) if path == "/_sim/health" || dashboard_page || path == SIGN_IN_PATH => Ok(()),
        Some(token) if presents(headers, token) => Ok(()),
        Some(_) => {
            let mut error = GraphError::sim_refused(
                401,
                "This control plane needs its admin token: send Authorization: Bearer <token> (the --admin-token or METASIM_ADMIN_TOKEN it was started with), or sign in at /_sim/ui",
            );
            error.www_authenticate = Some("Bearer realm=\"metasim control plane\"".into());
            Err(error)
        }
    }
}

/// The dashboard's page and files (no secrets: they hold no data).
fn is_dashboard(path: &str) -> bool {
    path == UI_PATH || path.starts_with("/_sim/ui/")
}

/// A browser's request must come from a page of this same server.
fn same_origin(
    origin: Option<&str>,
    fetch_site: Option<&str>,
    host: Option<&str>,
) -> Result<(), GraphError> {
    let refused = |what: String| {
        GraphError::sim_refused(
            403,
            format!(
                "Cross-site request refused ({what}): the control plane answers browsers only for pages it serves itself"
            ),
        )
    };
    if let Some(site) = fetch_site
        && !matches!(site, "same-origin" | "none")
    {
        return Err(refused(format!("Sec-Fetch-Site: {site}")));
    }
    if let Some(origin) = origin {
        let authority = origin
            .split_once("://")
            .map(|(_, authority)| authority.trim_end_matches('/'));
        let same = authority
            .zip(host)
            .is_some_and(|(a, h)| a.eq_ignore_ascii_case(h));
        if !same {
            return Err(refused(format!(
                "Origin {origin} is not http://{}",
                host.unwrap_or("this server")
            )));
        }
    }
    Ok(())
}

/// A browser's change must say it sends JSON.
fn json_body(headers: &HeaderMap) -> Result<(), GraphError> {
    let length = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let has_body = length.is_some_and(|n| n > 0) || headers.contains_key("transfer-encoding");
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let json = content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
    if has_body && !json {
        return Err(GraphError::sim_refused(
            415,
            format!(
                "A browser's request to the control plane must send Content-Type: application/json, not {content_type:?}"
            ),
        ));
    }
    Ok(())
}

/// Without an admin token: only loopback names and the hosts allowed.
fn loopback_host(host: Option<&str>, allowed: &[String]) -> Result<(), GraphError> {
    let Some(host) = host else {
        return Ok(());
    };
    let name = host_name(host);
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || is_meta_host(name);
    let listed = allowed
        .iter()
        .any(|allowed| allowed == "*" || allowed.eq_ignore_ascii_case(name));
    if loopback || listed {
        return Ok(());
    }
    Err(GraphError::sim_refused(
        403,
        format!(
            "Host {name:?} is not a loopback name: start metasim with --allowed-host {name} (or with --admin-token) to answer it"
        ),
    ))
}

/// The host of a `Host` header, without its port (`[::1]:8080` → `::1`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(name, _)| name);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Whether the request carries the admin token (bearer or dashboard cookie).
pub fn presents(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get_all("authorization")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .any(|given| same_secret(given.trim(), token));
    let cookie = headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == ADMIN_COOKIE && same_secret(value, token));
    bearer || cookie
}

/// Compare secrets in time that does not depend on where they differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// An admin token must be usable in a header and a cookie: 16 to 256 of
/// letters, digits and `-._~+/=`.
pub fn valid_admin_token(token: &str) -> Result<(), String> {
    let fits = (16..=256).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b));
    if fits {
        Ok(())
    } else {
        Err("the admin token must be 16 to 256 letters, digits or -._~+/= characters".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn run(
        config: &ServerConfig,
        method: Method,
        path: &str,
        pairs: &[(&'static str, &str)],
    ) -> Result<(), u16> {
        check(config, &method, path, &headers(pairs)).map_err(|e| e.http_status)
    }

    #[test]
    fn browsers_only_from_the_servers_own_pages() {
        let open = ServerConfig::default();
        let host = ("host", "127.0.0.1:8080");
        assert_eq!(
            run(&open, Method::POST, "/_sim/sandboxes", &[host]),
            Ok(()),
            "curl"
        );
        let own = [
            host,
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
        ];
        assert_eq!(run(&open, Method::GET, "/_sim/sandboxes", &own), Ok(()));
        let evil = [
            host,
            ("origin", "http://evil.example"),
            ("content-type", "text/plain"),
        ];
        assert_eq!(
            run(&open, Method::POST, "/_sim/sandboxes/x/faults", &evil),
            Err(403)
        );
        let sibling = [host, ("origin", "http://127.0.0.1:3000")];
        assert_eq!(
            run(&open, Method::POST, "/_sim/sandboxes", &sibling),
            Err(403)
        );
        let same_site = [host, ("sec-fetch-site", "same-site")];
        assert_eq!(
            run(&open, Method::GET, "/_sim/sandboxes", &same_site),
            Err(403)
        );
        assert_eq!(
            run(
                &open,
                Method::GET,
                "/_sim/sandboxes",
                &[host, ("origin", "null")]
            ),
            Err(403)
        );
        let link = [
            host,
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
        ];
        assert_eq!(
            run(&open, Method::GET, "/_sim/ui", &link),
            Ok(()),
            "a link to the dashboard"
        );
        assert_eq!(run(&open, Method::GET, "/_sim/sandboxes", &link), Err(403));
        let form = [
            host,
            ("origin", "http://127.0.0.1:8080"),
            ("content-type", "text/plain"),
            ("content-length", "2"),
        ];
        assert_eq!(run(&open, Method::POST, "/_sim/sandboxes", &form), Err(415));
        let json = [
            form[0],
            form[1],
            ("content-type", "application/json; charset=utf-8"),
            form[3],
        ];
        assert_eq!(run(&open, Method::POST, "/_sim/sandboxes", &json), Ok(()));
    }

    #[test]
    fn hosts_are_loopback_names_unless_allowed() {
        let mut config = ServerConfig::default();
        for host in [
            "localhost:8080",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3:9",
            "[::1]:8080",
            "graph.facebook.com",
        ] {
            assert_eq!(
                run(&config, Method::GET, "/_sim/sandboxes", &[("host", host)]),
                Ok(()),
                "{host}"
            );
        }
        assert_eq!(
            run(
                &config,
                Method::GET,
                "/_sim/sandboxes",
                &[("host", "evil.example:8080")]
            ),
            Err(403)
        );
        assert_eq!(
            run(
                &config,
                Method::GET,
                "/_sim/sandboxes",
                &[("host", "10.0.0.5")]
            ),
            Err(403)
        );
        config.allowed_hosts = vec!["metasim".into()];
        assert_eq!(
            run(
                &config,
                Method::GET,
                "/_sim/sandboxes",
                &[("host", "metasim:8080")]
            ),
            Ok(())
        );
        config.allowed_hosts = vec!["*".into()];
        assert_eq!(
            run(
                &config,
                Method::GET,
                "/_sim/sandboxes",
                &[("host", "evil.example")]
            ),
            Ok(())
        );
    }

    #[test]
    fn an_admin_token_is_required_when_configured() {
        let config = ServerConfig {
            admin_token: Some("s3cr3t-admin-token-0".into()),
            ..ServerConfig::default()
        };
        let host = ("host", "metasim:8080");
        assert_eq!(
            run(&config, Method::GET, "/_sim/sandboxes", &[host]),
            Err(401)
        );
        let bearer = [host, ("authorization", "Bearer s3cr3t-admin-token-0")];
        assert_eq!(
            run(&config, Method::GET, "/_sim/sandboxes", &bearer),
            Ok(())
        );
        let wrong = [host, ("authorization", "Bearer s3cr3t-admin-token-1")];
        assert_eq!(
            run(&config, Method::GET, "/_sim/sandboxes", &wrong),
            Err(401)
        );
        let cookie = [host, ("cookie", "a=b; metasim_admin=s3cr3t-admin-token-0")];
        assert_eq!(
            run(&config, Method::DELETE, "/_sim/sandboxes/x", &cookie),
            Ok(())
        );
        for open in ["/_sim/health", "/_sim/ui", "/_sim/ui/js/main.js"] {
            assert_eq!(run(&config, Method::GET, open, &[host]), Ok(()), "{open}");
        }
        assert_eq!(run(&config, Method::POST, SIGN_IN_PATH, &[host]), Ok(()));
    }

    #[test]
    fn admin_tokens_fit_headers_and_cookies() {
        assert!(valid_admin_token("0123456789abcdef").is_ok());
        assert!(valid_admin_token("short").is_err());
        assert!(valid_admin_token("has a space in it, sadly").is_err());
        assert!(valid_admin_token("semi;colon;is;not;ok;at;all").is_err());
    }
}
