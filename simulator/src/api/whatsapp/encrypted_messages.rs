//! `POST /{phone-number-id}/messages_encrypted` `{"messaging_product",
//! "encrypted_contents": "<JWE>"}`: checked as far as metasim can without
//! Meta's private key (world/whatsapp/encrypted_messages.rs); errors are
//! unencrypted, as Meta's are.

use serde_json::Value;

use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::routes::Operation;
use crate::world::whatsapp::encrypted_messages::EncryptedRefusal;

pub fn send(op: Operation<'_>) -> Result<Value, GraphError> {
    require_whatsapp_product(op.request)?;
    let token = required(op.request, "encrypted_contents")?;
    // A well-formed token does not decrypt: metasim holds no key a client
    // could have encrypted to (docs/coverage.md).
    let algorithms = op
        .sandbox
        .read_encrypted_send(op.id, &token)
        .map_err(refusal)?;
    Err(GraphError::invalid_parameter(format!(
        "encrypted_contents could not be decrypted ({}, {}): the token is not encrypted with a key this phone number accepts",
        algorithms.alg, algorithms.enc
    )))
}

fn refusal(refusal: EncryptedRefusal) -> GraphError {
    match refusal {
        EncryptedRefusal::EncryptionDisabled => GraphError::invalid_parameter(
            "Payload encryption is not enabled for this phone number: enable it with POST /{phone-number-id}/settings (payload_encryption.status: enabled)",
        ),
        EncryptedRefusal::NoPublicKey => GraphError::invalid_parameter(
            "This phone number has no business public key to encrypt the response with: set one with POST /{phone-number-id}/whatsapp_business_encryption",
        ),
        EncryptedRefusal::Malformed(why) => {
            GraphError::invalid_parameter(format!("Invalid JWE token format: {why}"))
        }
        EncryptedRefusal::Algorithm(member, value) => GraphError::invalid_parameter(format!(
            "Invalid JWE token format: unsupported {member} \"{value}\""
        )),
    }
}
