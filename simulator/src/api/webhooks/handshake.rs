//! Meta's verification handshake: `GET {callback}?hub.mode=subscribe&
//! hub.challenge=…&hub.verify_token=…`, which passes only on an HTTP 200 whose
//! body is the challenge. A failure is Meta's 2200 error.

use std::time::Duration;

use super::reach;
use crate::api::error::GraphError;
use crate::world::webhooks::handshakes::PendingHandshake;

/// How long a callback has to answer the handshake.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Perform the GET; `Err` is the 2200 error the subscribing call answers with.
pub async fn verify(
    client: &reqwest::Client,
    allowed: Option<&[String]>,
    handshake: &PendingHandshake,
) -> Result<(), GraphError> {
    let failed = |detail: String| {
        GraphError::new(
            400,
            "OAuthException",
            2200,
            format!("(#2200) callback verification failed: {detail}"),
        )
    };
    if let Some(refused) = reach::refusal(allowed, &handshake.url) {
        return Err(failed(refused));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("hub.mode", "subscribe")
        .append_pair("hub.challenge", &handshake.challenge)
        .append_pair("hub.verify_token", &handshake.verify_token)
        .finish();
    let separator = if handshake.url.contains('?') {
        '&'
    } else {
        '?'
    };
    let response = client
        .get(format!("{}{separator}{query}", handshake.url))
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| {
            failed(if e.is_timeout() {
                "Operation timed out".into()
            } else {
                "Couldn't connect to server".into()
            })
        })?;
    let status = response.status();
    if status.as_u16() != 200 {
        return Err(failed(format!(
            "HTTP Status Code = {}; HTTP Message = {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )));
    }
    let body = response.text().await.unwrap_or_default();
    if body.trim() == handshake.challenge {
        Ok(())
    } else {
        let received: String = body.chars().take(100).collect();
        Err(failed(format!(
            "Response does not match challenge, expected value=\"{}\", received=\"{received}\"",
            handshake.challenge
        )))
    }
}
