//! The spikes of a short run, pinned by a hash: any change that alters the model's behaviour or its
//! random streams shows up here, whatever the thread count.

use seqscape_core::model::{LandscapeKind, Params, Preset};
use seqscape_core::sim::run_batch;

/// FNV-1a (64 bit) over every spike's neuron id and time bits, in recorded order.
fn spike_hash(i: &[u32], t_ms: &[f64]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for (&id, &t) in i.iter().zip(t_ms) {
        for byte in id.to_le_bytes().into_iter().chain(t.to_bits().to_le_bytes()) {
            h ^= u64::from(byte);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

/// The paper preset at scale-down 2, homogeneous landscape, default warm-up, 300 ms, seed 0.
fn params() -> Params {
    let mut p = Params::new(Preset::Paper, LandscapeKind::Homogeneous, 2).unwrap();
    p.duration_ms = 300.0;
    p.seed = 0;
    p
}

/// A deliberate change of the model or of its random streams re-pins these two constants.
const SPIKES: usize = 5466;
const HASH: u64 = 0x48e3_7b1f_e78c_8336;

#[test]
fn short_homogeneous_run_keeps_its_spikes_at_one_and_two_threads() {
    for threads in [1, 2] {
        let run = run_batch(params(), threads, |_, _| {}).unwrap();
        assert_eq!(run.i.len(), run.t_ms.len());
        let hash = spike_hash(&run.i, &run.t_ms);
        assert_eq!((run.i.len(), hash), (SPIKES, HASH), "{threads} threads: {} spikes, hash {hash:#018x}", run.i.len());
    }
}
