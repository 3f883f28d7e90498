//! `POST /{phone-number-id}/messages_encrypted` `{"messaging_product",
//! "encrypted_contents": "<JWE>"}`: the token is opened
//! (world/whatsapp/encrypted_messages.rs), the `/messages` body it carries
//! goes through `POST /{phone-number-id}/messages` itself, and a successful
//! answer comes back as `{"encrypted_contents": "<JWE>"}` for the client key
//! of the number's settings. Errors are unencrypted, as Meta's are.

use serde_json::{Value, json};

use super::messages::post_messages;
use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::request::GraphRequest;
use crate::api::routes::Operation;
use crate::world::whatsapp::encrypted_messages::EncryptedRefusal;

pub fn send(op: Operation<'_>) -> Result<Value, GraphError> {
    require_whatsapp_product(op.request)?;
    let token = required(op.request, "encrypted_contents")?;
    let body = op
        .sandbox
        .open_encrypted_send(op.id, &token)
        .map_err(refusal)?;
    let inner = GraphRequest {
        body,
        ..op.request.clone()
    };
    let answer = post_messages(Operation {
        sandbox: &mut *op.sandbox,
        request: &inner,
        token: op.token,
        id: op.id,
        version: op.version,
    })?;
    let sealed = op
        .sandbox
        .seal_encrypted_answer(op.id, &answer.encode())
        .map_err(refusal)?;
    Ok(json!({ "encrypted_contents": sealed }))
}

fn refusal(refusal: EncryptedRefusal) -> GraphError {
    match refusal {
        EncryptedRefusal::EncryptionDisabled => GraphError::invalid_parameter(
            "Payload encryption is not enabled for this phone number: enable it with POST /{phone-number-id}/settings (payload_encryption.status: enabled, with a client_encryption_key)",
        ),
        EncryptedRefusal::NoPublicKey => GraphError::invalid_parameter(
            "This phone number has no business public key to encrypt the response with: set one with POST /{phone-number-id}/whatsapp_business_encryption",
        ),
        EncryptedRefusal::UnusablePublicKey => GraphError::invalid_parameter(
            "The business public key of this phone number is not an RSA public key (2048 to 4096 bits) the response can be encrypted to: set another with POST /{phone-number-id}/whatsapp_business_encryption",
        ),
        EncryptedRefusal::UnusableClientKey => GraphError::invalid_parameter(
            "The client encryption key of this phone number is not an RSA public key (2048 to 4096 bits) the response can be encrypted to: set another with POST /{phone-number-id}/settings (payload_encryption.client_encryption_key)",
        ),
        EncryptedRefusal::Malformed(why) => {
            GraphError::invalid_parameter(format!("Invalid JWE token format: {why}"))
        }
        EncryptedRefusal::Algorithm(member, value) => GraphError::invalid_parameter(format!(
            "Invalid JWE token format: unsupported {member} \"{value}\""
        )),
        EncryptedRefusal::Undecryptable(wrap, cipher) => GraphError::invalid_parameter(format!(
            "encrypted_contents could not be decrypted ({}, {}): the token is not encrypted with a key this phone number accepts",
            wrap.name(),
            cipher.name()
        )),
        EncryptedRefusal::NotJsonObject => GraphError::invalid_parameter(
            "encrypted_contents decrypts to something other than a JSON object: encrypt the body of a /messages request",
        ),
    }
}
