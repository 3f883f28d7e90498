//! `GET /_sim/ui`: the dashboard, served by metasim itself. Its files (plain
//! HTML, CSS and JavaScript modules under `assets/`) are compiled into the
//! binary: no build step, no CDN, nothing fetched from elsewhere. The page
//! talks to metasim only through the documented control plane and its stream
//! (docs/control-plane.md, docs/dashboard.md), so it sees what any tool sees
//! and changes only what a control-plane call would.

mod sign_in;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::error::GraphError;
use super::state::AppState;
pub use sign_in::SIGN_IN_PATH;

/// Where the dashboard lives.
pub const UI_PATH: &str = "/_sim/ui";

/// One file of the dashboard.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!(concat!("assets/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("icon.svg", "image/svg+xml"),
    asset!("js/api.js", JS),
    asset!("js/clock.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/main.js", JS),
    asset!("js/session.js", JS),
    asset!("js/views/accounts-center.js", JS),
    asset!("js/views/bubble.js", JS),
    asset!("js/views/devices.js", JS),
    asset!("js/views/dm-phone.js", JS),
    asset!("js/views/events.js", JS),
    asset!("js/views/faults.js", JS),
    asset!("js/views/instagram.js", JS),
    asset!("js/views/journal.js", JS),
    asset!("js/views/messaging.js", JS),
    asset!("js/views/overview.js", JS),
    asset!("js/views/pages.js", JS),
    asset!("js/views/phone.js", JS),
    asset!("js/views/phones.js", JS),
    asset!("js/views/sandboxes.js", JS),
    asset!("js/views/templates.js", JS),
    asset!("js/views/webhooks.js", JS),
];

const INDEX: &str = include_str!("assets/index.html");

/// Only the dashboard's own files run, and it talks only to this server.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(UI_PATH, get(index))
        .route("/_sim/ui/", get(index))
        .route(SIGN_IN_PATH, post(sign_in::sign_in))
        .route("/_sim/ui/{*path}", get(file))
}

fn answer(content_type: &'static str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// The page, told which Graph API version to show in the base URL (or, on
/// a control plane locked with an admin token, the sign-in page first).
async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if sign_in::needed(&state, &headers) {
        return sign_in::page(StatusCode::OK, None);
    }
    let version = state.config().versions.newest.label();
    let page = INDEX.replace("{{graph_version}}", &version);
    answer("text/html; charset=utf-8", (StatusCode::OK, page))
}

async fn file(uri: Uri) -> Result<Response, GraphError> {
    let wanted = uri.path().strip_prefix("/_sim/ui/").unwrap_or_default();
    let asset = ASSETS
        .iter()
        .find(|asset| asset.path == wanted)
        .ok_or_else(|| {
            GraphError::sim_not_found(format!("The dashboard has no file {wanted:?}"))
        })?;
    Ok(answer(asset.content_type, (StatusCode::OK, asset.body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every module a script imports is served, and every served file is used.
    #[test]
    fn imports_and_assets_match() {
        let served: Vec<&str> = ASSETS.iter().map(|a| a.path).collect();
        let mut used = vec!["app.css", "icon.svg", "js/main.js"];
        for asset in ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
            let text = std::str::from_utf8(asset.body).unwrap();
            let dir = asset.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for line in text.lines().filter(|l| l.starts_with("import ")) {
                let target = line.rsplit_once(" from '").map(|(_, t)| t).unwrap();
                let target = target.trim_end_matches("';");
                let resolved = resolve(dir, target);
                assert!(
                    served.contains(&resolved.as_str()),
                    "{} imports {target}, which is not served",
                    asset.path
                );
                used.push(Box::leak(resolved.into_boxed_str()));
            }
        }
        for path in served {
            assert!(used.contains(&path), "{path} is served but never used");
        }
    }

    /// `./x.js` or `../x.js` from `dir`.
    fn resolve(dir: &str, target: &str) -> String {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for part in target.split('/') {
            match part {
                "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        parts.join("/")
    }

    #[test]
    fn the_page_loads_only_served_files() {
        for reference in [
            "/_sim/ui/app.css",
            "/_sim/ui/icon.svg",
            "/_sim/ui/js/main.js",
        ] {
            assert!(INDEX.contains(reference), "{reference}");
        }
        assert!(INDEX.contains("{{graph_version}}"));
    }
}
