//! The randomness an encrypted answer needs (its content key, IV and the
//! OAEP seed), drawn from the sandbox's seeded generator so the same seed and
//! requests give the same bytes. It expands one 32-byte draw with SHA-256 in
//! counter mode. It is a cryptographic generator only in name: whoever knows
//! the seed knows every byte, which is what a simulator promises (the key it
//! encrypts to protects nothing either).

use rsa::rand_core::{CryptoRng, Error, RngCore};
use sha2::{Digest, Sha256};

/// A deterministic byte stream from a 32-byte seed.
pub struct SeededRandom {
    seed: [u8; 32],
    block: u64,
    buffer: [u8; 32],
    used: usize,
}

impl SeededRandom {
    pub fn new(seed: [u8; 32]) -> Self {
        Self {
            seed,
            block: 0,
            buffer: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        self.block = self.block.wrapping_add(1);
        let mut hash = Sha256::new();
        hash.update(self.seed);
        hash.update(self.block.to_le_bytes());
        self.buffer = hash.finalize().into();
        self.used = 0;
    }
}

impl RngCore for SeededRandom {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            if self.used == self.buffer.len() {
                self.refill();
            }
            *byte = self.buffer[self.used];
            self.used += 1;
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// Marked cryptographic so the RSA padding takes it (see the module doc).
impl CryptoRng for SeededRandom {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream_and_another_seed_another() {
        let stream = |seed: u8| {
            let mut random = SeededRandom::new([seed; 32]);
            let mut bytes = [0u8; 100];
            random.fill_bytes(&mut bytes[..7]);
            random.fill_bytes(&mut bytes[7..]);
            bytes
        };
        assert_eq!(stream(1), stream(1));
        assert_ne!(stream(1), stream(2));
        assert_ne!(stream(1)[..32], stream(1)[32..64]);
    }
}
