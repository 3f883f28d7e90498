//! Serving media download URLs (`/whatsapp_business/attachments/?mid=…&ext=…&hash=…`)
//! as Meta's lookaside host does: only with a valid token of the media's
//! sandbox, only before the URL expires (404 after), bytes with their MIME type.
//! A Flow's JSON asset (`GET /{flow-id}/assets`) and a message QR code's
//! image (`qr_image_url`) download the same way.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

use crate::api::error::GraphError;
use crate::api::state::{AppState, lock, wall_now};
use crate::world::nodes::Product;
use crate::world::whatsapp::qr_images::draw;

fn not_found() -> GraphError {
    let mut error = GraphError::invalid_parameter(
        "The media URL is invalid or has expired. Retrieve a new URL with GET /{media-id}.",
    );
    error.http_status = 404;
    error
}

pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match serve(&state, &headers, &query) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn serve(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<Response, GraphError> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth")
        })
        .map(|(_, token)| token.trim().to_owned());
    let token = bearer
        .or_else(|| query.get("access_token").cloned())
        .ok_or_else(|| GraphError::token_required(Product::Whatsapp))?;
    let shared = state
        .sandbox_for_token(&token)
        .ok_or_else(|| GraphError::token_unparseable(Product::Whatsapp))?;
    let mut sandbox = lock(&shared);
    sandbox.clock.observe_wall_time(wall_now());
    let now = sandbox.clock.now();
    if let Some(problem) = sandbox.tokens.get(&token).and_then(|t| t.problem(now)) {
        return Err(GraphError::for_token_problem(
            Product::Whatsapp,
            problem,
            now,
        ));
    }
    let (Some(id), Some(expires), Some(hash)) =
        (query.get("mid"), query.get("ext"), query.get("hash"))
    else {
        return Err(not_found());
    };
    let expires: i64 = expires.parse().map_err(|_| not_found())?;
    // Copied under the lock (up to 100 MB of base64), decoded after it.
    if let Some(media) = sandbox.media_for_url(id, expires, hash).cloned() {
        drop(sandbox);
        let bytes = media.bytes();
        return Ok((
            StatusCode::OK,
            [("content-type", media.mime_type)],
            Body::from(bytes),
        )
            .into_response());
    }
    // So do a message QR code's image, drawn outside the lock…
    if let Some((qr, format)) = sandbox.qr_image_for_url(id, expires, hash) {
        let link = qr.deep_link_url();
        drop(sandbox);
        let image = draw(&link, format).ok_or_else(not_found)?;
        let mime = format.mime_type().to_owned();
        return Ok((StatusCode::OK, [("content-type", mime)], Body::from(image)).into_response());
    }
    // …and a Flow's JSON asset.
    let json = sandbox
        .flow_json_for_url(id, expires, hash)
        .ok_or_else(not_found)?
        .text
        .clone();
    drop(sandbox);
    let mime = "application/json".to_owned();
    Ok((StatusCode::OK, [("content-type", mime)], Body::from(json)).into_response())
}
