//! `GET /_sim/whatsapp/payload_encryption_key`: the key a client encrypts
//! `messages_encrypted` requests to — metasim's published test key, the same
//! for every sandbox (world/whatsapp/payload_encryption/cloud_key.rs) — as a
//! PEM and a JWK, with the algorithms a token may use.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;

use crate::api::control::{Answer, ok};
use crate::api::state::AppState;
use crate::world::whatsapp::payload_encryption::cloud_key;
use crate::world::whatsapp::payload_encryption::jwe::{ContentCipher, KeyWrap};

pub fn routes() -> Router<AppState> {
    Router::new().route("/_sim/whatsapp/payload_encryption_key", get(read))
}

async fn read() -> Answer {
    ok(
        StatusCode::OK,
        json!({
            "public_key": cloud_key::public_pem(),
            "jwk": cloud_key::public_jwk(),
            "alg": KeyWrap::ALL.map(KeyWrap::name),
            "enc": ContentCipher::ALL.map(ContentCipher::name),
        }),
    )
}
