//! Random streams derived from the one master seed.
//!
//! Every stream is keyed by (master seed, purpose, index), e.g. the connections of source 17 or the
//! background current of neuron 4711, so results never depend on the thread count, the partition of
//! the sheet or the order in which work is scheduled.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The fixed random generator of every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// What a stream is used for; part of its key.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    Landscape = 1,
    Connections = 2,
    Noise = 3,
    Perlin = 4,
}

/// The SplitMix64 output for state `z` (Steele, Lea & Flood 2014): the key mixer of every stream.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 64-bit key mixed from the master seed, the purpose and an index.
pub fn stream_key(seed: u64, purpose: Purpose, index: u64) -> u64 {
    splitmix64(splitmix64(splitmix64(seed) ^ (purpose as u64)) ^ index)
}

/// The random stream for `purpose` and `index` under the master `seed`.
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> StreamRng {
    StreamRng::seed_from_u64(stream_key(seed, purpose, index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| 0).scan(stream(7, Purpose::Noise, 3), |r, _| Some(r.random())).collect();
        let b: Vec<u64> = (0..4).map(|_| 0).scan(stream(7, Purpose::Noise, 3), |r, _| Some(r.random())).collect();
        let c: Vec<u64> = (0..4).map(|_| 0).scan(stream(7, Purpose::Noise, 4), |r, _| Some(r.random())).collect();
        let d: Vec<u64> = (0..4).map(|_| 0).scan(stream(8, Purpose::Noise, 3), |r, _| Some(r.random())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
