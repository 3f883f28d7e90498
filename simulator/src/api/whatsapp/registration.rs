//! Phone number lifecycle endpoints: `POST /{waba-id}/phone_numbers`,
//! `request_code`, `verify_code`, `register`, `deregister` (the two-step
//! PIN is `phone_number.rs`). Parameters may come as JSON, as a form, or in the
//! query string of an empty POST (as pywa sends them).

use serde_json::{Value, json};

use super::{require_whatsapp_product, required};
use crate::api::error::GraphError;
use crate::api::routes::{Operation, success};
use crate::world::whatsapp::inbox::CodeMethod;
use crate::world::whatsapp::registration::RegistrationError;

/// Meta's error for a refused lifecycle step.
pub fn refusal(error: RegistrationError) -> GraphError {
    use RegistrationError as E;
    match error {
        E::InvalidParameter(text) => GraphError::invalid_parameter(text),
        E::NumberInUse(digits) => GraphError::invalid_parameter(format!(
            "The phone number {digits} is already in use by a WhatsApp Business Account"
        )),
        E::TooManyCodeRequests => GraphError::whatsapp(
            136024,
            "Too many verification code requests",
            "A code was requested for this number too many times. Wait before requesting another code.",
        ),
        E::CodeNotVerified => GraphError::whatsapp(
            136025,
            "Code couldn't be verified",
            "The code is wrong or has expired, or no code was requested. Request a new code and try again.",
        ),
        E::NotVerified => GraphError::whatsapp(
            133006,
            "Phone number re-verification needed",
            "Verify the phone number with request_code and verify_code before registering it.",
        ),
        E::PinMismatch => GraphError::whatsapp(
            133005,
            "Two step verification PIN Mismatch",
            "The PIN does not match the two-step verification PIN of this phone number.",
        ),
        E::TooManyPinGuesses => GraphError::whatsapp(
            133008,
            "Too Many two step verification PIN Guesses",
            "Too many wrong PINs for this phone number. Reset the PIN with POST /{phone-number-id} and a new pin.",
        ),
        E::RegistrationLimit => GraphError::whatsapp(
            133016,
            "Account register deregister rate limit exceeded",
            "A number can be registered or deregistered 10 times in 72 hours. Try again later.",
        ),
        E::NotRegistered => GraphError::new(
            400,
            "OAuthException",
            100,
            "Phone number not registered on the WhatsApp Business Platform.",
        )
        .with_subcode(2207051),
        E::OnBusinessApp => GraphError::invalid_parameter(
            "This phone number is in use with both the WhatsApp Business app and Cloud API and cannot be deregistered. The business disconnects it in the WhatsApp Business app (Settings > Account > Business Platform).",
        ),
    }
}

pub fn add_phone_number(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, waba_id) = (op.sandbox, op.request, op.id);
    let cc = required(request, "cc")?;
    let number = required(request, "phone_number")?;
    let verified_name = required(request, "verified_name")?;
    let id = sandbox
        .add_phone_number(waba_id, &cc, &number, &verified_name)
        .map_err(refusal)?;
    Ok(json!({ "id": id }))
}

/// `POST /{phone-number-id}`: the only field Meta lets you set here is the PIN.
pub fn request_code(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    let method_text = required(request, "code_method")?;
    let method = CodeMethod::parse(&method_text).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Param code_method must be one of {{SMS, VOICE}} - got \"{method_text}\"."
        ))
    })?;
    let language = required(request, "language")?;
    sandbox
        .request_code(id, method, &language)
        .map_err(refusal)?;
    Ok(success())
}

pub fn verify_code(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    let code = required(request, "code")?;
    sandbox.verify_code(id, &code).map_err(refusal)?;
    Ok(success())
}

pub fn register(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, request, id) = (op.sandbox, op.request, op.id);
    require_whatsapp_product(request)?;
    let pin = required(request, "pin")?;
    sandbox.register_number(id, &pin).map_err(refusal)?;
    Ok(success())
}

pub fn deregister(op: Operation<'_>) -> Result<Value, GraphError> {
    let (sandbox, id) = (op.sandbox, op.id);
    sandbox.deregister_number(id).map_err(refusal)?;
    Ok(success())
}
