//! Signing in to a dashboard whose control plane is locked with an admin
//! token (`metasim serve --admin-token`): the page asks for the token once
//! and keeps it in an HTTP-only, same-site cookie, which the browser then
//! sends with every request of the dashboard (its `fetch` calls and its
//! stream) and with no request another site makes.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::{UI_PATH, answer};
use crate::api::guard::{ADMIN_COOKIE, presents, same_secret};
use crate::api::http::read_body;
use crate::api::state::AppState;

/// Where the sign-in form is posted.
pub const SIGN_IN_PATH: &str = "/_sim/ui/sign-in";

const PAGE: &str = include_str!("sign-in.html");

/// Whether the dashboard must ask for the admin token first.
pub fn needed(state: &AppState, headers: &HeaderMap) -> bool {
    state
        .config()
        .admin_token
        .as_deref()
        .is_some_and(|token| !presents(headers, token))
}

/// The sign-in page, with a line saying what went wrong, if anything.
pub fn page(status: StatusCode, problem: Option<&str>) -> Response {
    let line = problem.map_or(String::new(), |text| {
        format!(r#"<p class="problem" role="alert">{text}</p>"#)
    });
    answer(
        "text/html; charset=utf-8",
        (status, PAGE.replace("{{problem}}", &line)),
    )
}

/// `POST /_sim/ui/sign-in` with the form field `token`.
pub async fn sign_in(State(state): State<AppState>, body: Body) -> Response {
    let Some(expected) = state.config().admin_token.clone() else {
        return see_dashboard(None);
    };
    let Ok(bytes) = read_body(body, 4096, state.config().body_timeout).await else {
        return page(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("That form was too large."),
        );
    };
    let given = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    if same_secret(&given, &expected) {
        see_dashboard(Some(&expected))
    } else {
        page(
            StatusCode::UNAUTHORIZED,
            Some("That is not the admin token."),
        )
    }
}

/// 303 to the dashboard, setting the admin cookie when given.
fn see_dashboard(token: Option<&str>) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_static(UI_PATH));
    if let Some(token) = token
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "{ADMIN_COOKIE}={token}; Path=/_sim; HttpOnly; SameSite=Strict"
        ))
    {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}
