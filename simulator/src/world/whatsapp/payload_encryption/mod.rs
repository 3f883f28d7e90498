//! Payload encryption for `messages_encrypted`: the JWE codec, the
//! simulator's published stand-in for Meta's key, the client's key answers
//! are encrypted to, and the seeded randomness an encrypted answer uses.

pub mod client_key;
pub mod cloud_key;
pub mod jwe;
pub mod seeded_random;
