//! Dataset-wide uniqueness by construction: occurrence `j` of a field in sample `i` takes the
//! value number `π(i · stride + j)` of its value space, where `π` is a keyed bijection of
//! `0..n` (a balanced Feistel network with cycle walking). Distinct inputs give distinct
//! values, so no value is ever drawn twice and nothing is retried.

use crate::rng::mix64;

/// A field that is unique across the dataset.
#[derive(Debug, Clone)]
pub struct UniqueSlot {
    /// Index of this field's occurrence counter in the emit context.
    pub id: u32,
    /// Size of the value space.
    pub n: u64,
    /// Most occurrences of the field in one sample.
    pub stride: u64,
    /// Per-field key (from its pointer), mixed with the seed at generation time.
    pub key: u64,
}

impl UniqueSlot {
    /// The value number for occurrence `occurrence` of sample `sample` under `seed`.
    pub fn value_index(&self, seed: u64, sample: u64, occurrence: u64) -> u64 {
        let i = sample
            .wrapping_mul(self.stride)
            .wrapping_add(occurrence.min(self.stride - 1));
        permute(self.n, mix64(self.key ^ seed.rotate_left(17)), i % self.n)
    }

    /// How many samples can be unique.
    pub fn capacity(&self) -> u64 {
        self.n / self.stride
    }
}

/// A key from a JSON pointer (FNV-1a, stable across platforms).
pub fn key_of(pointer: &str) -> u64 {
    pointer.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A keyed bijection of `0..n` (`i < n`).
pub fn permute(n: u64, key: u64, i: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = (64 - (n - 1).leading_zeros()).max(2);
    let bits = bits + bits % 2;
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut x = i;
    loop {
        let (mut l, mut r) = (x >> half, x & mask);
        for round in 0..4u64 {
            let f = mix64(key ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ r) & mask;
            (l, r) = (r, l ^ f);
        }
        x = (l << half) | r;
        // Cycle walking: the network permutes 0..2^bits, so following it from `i` reaches a
        // value below `n` (at worst back at `i`); since 2^bits < 4n this takes few steps.
        if x < n {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_bijections() {
        for n in [1u64, 2, 3, 10, 97, 1000, 4096] {
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let v = permute(n, 42, i);
                assert!(v < n);
                assert!(!seen[v as usize], "n={n} repeats {v}");
                seen[v as usize] = true;
            }
        }
        assert_ne!(
            (0..10).map(|i| permute(1000, 1, i)).collect::<Vec<_>>(),
            (0..10).map(|i| permute(1000, 2, i)).collect::<Vec<_>>()
        );
    }
}
