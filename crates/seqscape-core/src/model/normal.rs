//! Standard-normal draws for many independent streams at once: every neuron's background current.
//!
//! Each neuron has its own Xoshiro256++ stream, seeded as `rand`'s `Xoshiro256PlusPlus::seed_from_u64`,
//! and draws with the 256-layer ziggurat of `rand_distr::StandardNormal`. Through those crates one
//! draw is one call on one generator, a branchy loop per neuron that the compiler cannot vectorise;
//! here the generator states are stored column-wise ([`NormalStreams`]) and the common path of the
//! ziggurat (one 64-bit word, one table lookup, one comparison: about 99 % of draws) runs for a
//! whole range of neurons in one vectorised pass. The rare rejections are finished one by one with
//! the same steps as `rand_distr`. The draws are bit for bit those of `StandardNormal` on
//! `Xoshiro256PlusPlus` (the tests compare them), so the spikes do not change.
//!
//! The ziggurat tables are computed here with the Marsaglia–Tsang recurrence (R and V of
//! `rand_distr`) and rounded to 18 decimals, the precision of `rand_distr`'s tables, which makes
//! them equal to those tables.

use std::sync::LazyLock;

/// The ziggurat's rightmost layer boundary R for 256 layers.
const ZIG_R: f64 = 3.654_152_885_361_009;
/// The area of each layer, V.
const ZIG_V: f64 = 0.004_928_673_233_99;

/// The layer boundaries `x` (257, decreasing to 0) and the density at each, `f(x) = exp(−x²/2)`.
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

static ZIGGURAT: LazyLock<Ziggurat> = LazyLock::new(|| {
    let density = |x: f64| (-x * x / 2.0).exp();
    let round18 = |v: f64| format!("{v:.18}").parse::<f64>().expect("a formatted float parses");
    let mut x = [0.0; 257];
    x[0] = ZIG_V / density(ZIG_R);
    x[1] = ZIG_R;
    for i in 2..256 {
        x[i] = (-2.0 * (density(x[i - 1]) + ZIG_V / x[i - 1]).ln()).sqrt();
    }
    let x = x.map(round18);
    let f = x.map(|v| round18(density(v)));
    Ziggurat { x, f }
});

/// Xoshiro256++ states of many streams, one column per state word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalStreams {
    s: [Vec<u64>; 4],
}

impl NormalStreams {
    /// One stream per key, each seeded as `Xoshiro256PlusPlus::seed_from_u64(key)`.
    pub fn new(keys: impl IntoIterator<Item = u64>) -> NormalStreams {
        let mut s: [Vec<u64>; 4] = Default::default();
        for key in keys {
            let mut z = key;
            for column in &mut s {
                z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut w = z;
                w = (w ^ (w >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                w = (w ^ (w >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                column.push(w ^ (w >> 31));
            }
        }
        LazyLock::force(&ZIGGURAT);
        NormalStreams { s }
    }

    pub fn len(&self) -> usize {
        self.s[0].len()
    }

    pub fn is_empty(&self) -> bool {
        self.s[0].is_empty()
    }

    /// The next 64-bit word of stream `l`.
    #[inline]
    pub fn next_u64(&mut self, l: usize) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        xoshiro_step(&mut s0[l], &mut s1[l], &mut s2[l], &mut s3[l])
    }

    /// One standard-normal draw from stream `l`.
    pub fn normal(&mut self, l: usize) -> f64 {
        let z = &*ZIGGURAT;
        loop {
            let (x, i, accepted) = layer_draw(z, self.next_u64(l));
            if accepted {
                return x;
            }
            if let Some(x) = self.finish(z, l, x, i) {
                return x;
            }
        }
    }

    /// The rejection steps after a draw `x` in layer `i` failed the common test: the tail for layer
    /// 0, else the density test with one more uniform. `None`: start over.
    #[cold]
    fn finish(&mut self, z: &Ziggurat, l: usize, x: f64, i: usize) -> Option<f64> {
        if i == 0 {
            // The tail beyond R, sampled by hand (Marsaglia 1964), as `rand_distr`.
            let (mut tx, mut ty) = (1.0f64, 0.0f64);
            while -2.0 * ty < tx * tx {
                tx = open01(self.next_u64(l)).ln() / ZIG_R;
                ty = open01(self.next_u64(l)).ln();
            }
            // `x` has the sign of the uniform u that picked the tail.
            return Some(if x < 0.0 { tx - ZIG_R } else { ZIG_R - tx });
        }
        let uniform = (self.next_u64(l) >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        (z.f[i + 1] + (z.f[i] - z.f[i + 1]) * uniform < (-x * x / 2.0).exp()).then_some(x)
    }

    /// Sets `out[j] = mu + scale · N_j` with one standard-normal draw from each stream
    /// `first + j`.
    ///
    /// # Panics
    /// If `out` is longer than the streams from `first`.
    pub fn fill(&mut self, first: usize, out: &mut [f64], mu: f64, scale: f64) {
        self.fill_with(first, out, mu, scale, wide());
    }

    fn fill_with(&mut self, first: usize, out: &mut [f64], mu: f64, scale: f64, wide: Wide) {
        let len = out.len();
        let z = &*ZIGGURAT;
        let mut words = [0u64; FILL_CHUNK];
        let mut rejected = [0u8; FILL_CHUNK];
        let mut from = 0;
        while from < len {
            let to = (from + FILL_CHUNK).min(len);
            let (a, b) = (first + from, first + to);
            let [s0, s1, s2, s3] = &mut self.s;
            let lanes = Lanes {
                s0: &mut s0[a..b],
                s1: &mut s1[a..b],
                s2: &mut s2[a..b],
                s3: &mut s3[a..b],
                out: &mut out[from..to],
                words: &mut words[..to - from],
                rejected: &mut rejected[..to - from],
            };
            if fill_common(z, lanes, mu, scale, wide) {
                // About one draw in a hundred: finish it as `rand_distr` does.
                for (k, group) in rejected[..to - from].chunks(8).enumerate() {
                    if group.iter().fold(0, |acc, &r| acc | r) == 0 {
                        continue;
                    }
                    for (m, &r) in group.iter().enumerate() {
                        if r != 0 {
                            let j = 8 * k + m;
                            let l = first + from + j;
                            let (x, i, _) = layer_draw(z, words[j]);
                            let x = match self.finish(z, l, x, i) {
                                Some(x) => x,
                                None => self.normal(l),
                            };
                            out[from + j] = mu + scale * x;
                        }
                    }
                }
            }
            from = to;
        }
    }
}

/// Streams handled per vectorised pass of [`NormalStreams::fill`].
const FILL_CHUNK: usize = 256;

/// The columns of one pass, the words drawn and which draws the common step rejected.
struct Lanes<'a> {
    s0: &'a mut [u64],
    s1: &'a mut [u64],
    s2: &'a mut [u64],
    s3: &'a mut [u64],
    out: &'a mut [f64],
    words: &'a mut [u64],
    rejected: &'a mut [u8],
}

/// One Xoshiro256++ step (Blackman & Vigna 2019).
#[inline(always)]
fn xoshiro_step(s0: &mut u64, s1: &mut u64, s2: &mut u64, s3: &mut u64) -> u64 {
    let result = s0.wrapping_add(*s3).rotate_left(23).wrapping_add(*s0);
    let t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = s3.rotate_left(45);
    result
}

/// The ziggurat's common step for one 64-bit word: the layer `i` from the low byte, a uniform
/// u in [−1, 1) from the high 52 bits, x = u·x_i, accepted when |x| < x_{i+1}.
#[inline(always)]
fn layer_draw(z: &Ziggurat, bits: u64) -> (f64, usize, bool) {
    let i = (bits & 0xff) as usize;
    let u = f64::from_bits((bits >> 12) | (1024u64 << 52)) - 3.0;
    let x = u * z.x[i];
    (x, i, x.abs() < z.x[i + 1])
}

/// Lanes of the common pass handled together: the states and words of one group stay in
/// registers.
const GROUP: usize = 8;

/// The common pass over one chunk, without branches so that it vectorises; returns whether any
/// draw was rejected.
#[inline(always)]
fn fill_common_body(z: &Ziggurat, c: Lanes, mu: f64, scale: f64) -> bool {
    let len = c.out.len();
    let (s0, s1, s2, s3) = (&mut c.s0[..len], &mut c.s1[..len], &mut c.s2[..len], &mut c.s3[..len]);
    let (out, words, rejected) = (c.out, &mut c.words[..len], &mut c.rejected[..len]);
    let mut any = 0u8;
    let whole = len - len % GROUP;
    for j in (0..whole).step_by(GROUP) {
        let r = j..j + GROUP;
        let mut a: [[u64; GROUP]; 4] = [
            s0[r.clone()].try_into().expect("a whole group"),
            s1[r.clone()].try_into().expect("a whole group"),
            s2[r.clone()].try_into().expect("a whole group"),
            s3[r.clone()].try_into().expect("a whole group"),
        ];
        let mut bits = [0u64; GROUP];
        for k in 0..GROUP {
            let [a0, a1, a2, a3] = &mut a;
            bits[k] = xoshiro_step(&mut a0[k], &mut a1[k], &mut a2[k], &mut a3[k]);
        }
        s0[r.clone()].copy_from_slice(&a[0]);
        s1[r.clone()].copy_from_slice(&a[1]);
        s2[r.clone()].copy_from_slice(&a[2]);
        s3[r.clone()].copy_from_slice(&a[3]);
        // The table rows, one load each.
        let (mut x_i, mut x_next) = ([0.0; GROUP], [0.0; GROUP]);
        for k in 0..GROUP {
            let i = (bits[k] & 0xff) as usize;
            x_i[k] = z.x[i];
            x_next[k] = z.x[i + 1];
        }
        let mut rej = [0u8; GROUP];
        let mut y = [0.0; GROUP];
        for k in 0..GROUP {
            let u = f64::from_bits((bits[k] >> 12) | (1024u64 << 52)) - 3.0;
            let x = u * x_i[k];
            y[k] = mu + scale * x;
            // Rejected unless |x| < x_{i+1} (written as `>=`: x is never NaN).
            rej[k] = u8::from(x.abs() >= x_next[k]);
        }
        out[r.clone()].copy_from_slice(&y);
        words[r.clone()].copy_from_slice(&bits);
        rejected[r].copy_from_slice(&rej);
        any |= rej.iter().fold(0, |acc, &v| acc | v);
    }
    for j in whole..len {
        let bits = xoshiro_step(&mut s0[j], &mut s1[j], &mut s2[j], &mut s3[j]);
        let (x, _, accepted) = layer_draw(z, bits);
        out[j] = mu + scale * x;
        words[j] = bits;
        rejected[j] = u8::from(!accepted);
        any |= rejected[j];
    }
    any != 0
}

#[inline]
fn fill_common(z: &Ziggurat, c: Lanes, mu: f64, scale: f64, wide: Wide) -> bool {
    match wide {
        // SAFETY: `Wide::Avx512` and `Wide::Avx2` are only chosen after the processor reported
        // the feature (`wide`).
        #[cfg(target_arch = "x86_64")]
        Wide::Avx512 => unsafe { fill_common_avx512(z, c, mu, scale) },
        #[cfg(target_arch = "x86_64")]
        Wide::Avx2 => unsafe { fill_common_avx2(z, c, mu, scale) },
        _ => fill_common_body(z, c, mu, scale),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_common_avx2(z: &Ziggurat, c: Lanes, mu: f64, scale: f64) -> bool {
    fill_common_body(z, c, mu, scale)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn fill_common_avx512(z: &Ziggurat, c: Lanes, mu: f64, scale: f64) -> bool {
    fill_common_body(z, c, mu, scale)
}

/// The widest vector build this processor runs (the same arithmetic in each, no fused
/// multiply-add, so the results do not depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wide {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// Detects the widest build once.
pub(crate) fn wide() -> Wide {
    static WIDE: LazyLock<Wide> = LazyLock::new(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return Wide::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Wide::Avx2;
            }
        }
        Wide::Portable
    });
    *WIDE
}

/// A uniform in (0, 1) from one word, as `rand`'s `Open01` for f64.
#[inline]
fn open01(bits: u64) -> f64 {
    f64::from_bits((bits >> 12) | (1023u64 << 52)) - (1.0 - f64::EPSILON / 2.0)
}

#[cfg(test)]
mod tests {
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{Rng, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};

    use super::*;

    fn keys(count: u64) -> impl Iterator<Item = u64> {
        (0..count).map(|k| crate::model::rng::splitmix64(k ^ 0xA5A5))
    }

    #[test]
    fn words_are_those_of_rand_xoshiro() {
        let mut ours = NormalStreams::new(keys(5));
        for (l, key) in keys(5).enumerate() {
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(key);
            for _ in 0..100 {
                assert_eq!(ours.next_u64(l), theirs.next_u64());
            }
        }
    }

    /// Every build of the vectorised pass, and the one-by-one draw, give exactly the draws of
    /// `rand_distr::StandardNormal` on each stream, rejections and the tail included.
    #[test]
    fn draws_are_bit_for_bit_those_of_rand_distr() {
        let (streams, draws) = (1000, 300);
        let mut builds = vec![Wide::Portable];
        if wide() != Wide::Portable {
            builds.push(wide());
        }
        #[cfg(target_arch = "x86_64")]
        if wide() == Wide::Avx512 {
            builds.push(Wide::Avx2);
        }
        for build in builds {
            let mut ours = NormalStreams::new(keys(streams));
            let mut theirs: Vec<Xoshiro256PlusPlus> = keys(streams).map(Xoshiro256PlusPlus::seed_from_u64).collect();
            let mut out = vec![0.0; streams as usize - 3];
            let (mut tails, mut rejections) = (0, 0);
            for d in 0..draws {
                if d % 7 == 0 {
                    // The one-by-one path on every stream.
                    for (l, rng) in theirs.iter_mut().enumerate() {
                        let expected: f64 = StandardNormal.sample(rng);
                        assert_eq!(ours.normal(l).to_bits(), expected.to_bits(), "stream {l}, draw {d}");
                    }
                    continue;
                }
                // Offset by 3 streams, with μ = 0 and scale 1 so that the draw itself is compared.
                ours.fill_with(3, &mut out, 0.0, 1.0, build);
                for (j, x) in out.iter().enumerate() {
                    let mut probe = theirs[j + 3].clone();
                    let bits = probe.next_u64();
                    let z = &*ZIGGURAT;
                    let (_, i, accepted) = layer_draw(z, bits);
                    rejections += usize::from(!accepted);
                    tails += usize::from(!accepted && i == 0);
                    let expected: f64 = StandardNormal.sample(&mut theirs[j + 3]);
                    assert_eq!(x.to_bits(), expected.to_bits(), "{build:?}: stream {}, draw {d}", j + 3);
                }
                // The first three streams were not drawn from: still in step.
                for (l, rng) in theirs.iter().take(3).enumerate() {
                    assert_eq!(NormalStreams { s: ours.s.clone() }.next_u64(l), rng.clone().next_u64());
                }
            }
            // 1000 streams × ~257 fills: about 1 % rejected, ~1 in 4000 into the tail.
            assert!(rejections > 1000 && tails > 10, "{build:?}: {rejections} rejections, {tails} tails");
        }
    }

    #[test]
    fn fill_scales_and_shifts() {
        let mut a = NormalStreams::new(keys(64));
        let mut b = a.clone();
        let mut out = vec![0.0; 64];
        a.fill(0, &mut out, 350.0, 100.0);
        for (l, v) in out.iter().enumerate() {
            assert_eq!(v.to_bits(), (350.0 + 100.0 * b.normal(l)).to_bits());
        }
    }
}
