//! Payload encryption for `messages_encrypted`: the JWE codec, the
//! simulator's published stand-in for Meta's key, and the seeded randomness
//! an encrypted answer uses.

pub mod cloud_key;
pub mod jwe;
pub mod seeded_random;
