//! Sets of string lengths `0..=cap` as bitsets: what lengths a pattern node can produce. They let
//! the generator pick a target length that `minLength`/`maxLength` allow and then build a string
//! of exactly that length, instead of generating and rejecting.

/// A set of lengths in `0..=cap`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenSet {
    bits: Vec<u64>,
    cap: usize,
}

impl LenSet {
    pub fn empty(cap: usize) -> Self {
        LenSet {
            bits: vec![0; cap / 64 + 1],
            cap,
        }
    }

    pub fn single(cap: usize, n: usize) -> Self {
        let mut s = LenSet::empty(cap);
        s.insert(n);
        s
    }

    pub fn insert(&mut self, n: usize) {
        if n <= self.cap {
            self.bits[n / 64] |= 1 << (n % 64);
        }
    }

    pub fn contains(&self, n: usize) -> bool {
        n <= self.cap && self.bits[n / 64] & (1 << (n % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    pub fn union_with(&mut self, other: &LenSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
    }

    /// `{a + b : a ∈ self, b ∈ other, a + b <= cap}`.
    pub fn sum(&self, other: &LenSet) -> LenSet {
        let mut out = LenSet::empty(self.cap);
        for a in (0..=self.cap).filter(|&a| self.contains(a)) {
            // Shift `other` left by `a` bits, word-wise.
            let (words, shift) = (a / 64, a % 64);
            for (i, &w) in other.bits.iter().enumerate() {
                if w == 0 {
                    continue;
                }
                let j = i + words;
                if j < out.bits.len() {
                    out.bits[j] |= w << shift;
                }
                if shift > 0 && j + 1 < out.bits.len() {
                    out.bits[j + 1] |= w >> (64 - shift);
                }
            }
        }
        out.trim();
        out
    }

    /// Clears the bits above `cap` in the last word.
    fn trim(&mut self) {
        let extra = 64 - (self.cap % 64) - 1;
        if let Some(last) = self.bits.last_mut() {
            *last &= u64::MAX >> extra;
        }
    }

    /// This set without `0`.
    pub fn without_zero(&self) -> LenSet {
        let mut s = self.clone();
        s.bits[0] &= !1;
        s
    }

    /// This set restricted to `lo..=hi`.
    pub fn window(&self, lo: usize, hi: usize) -> LenSet {
        let mut s = LenSet::empty(self.cap);
        for n in lo..=hi.min(self.cap) {
            if self.contains(n) {
                s.insert(n);
            }
        }
        s
    }

    /// The smallest and the largest member (`None` when empty): the generator scans only
    /// between them (a 300-character literal scanned every length for every character).
    pub fn bounds(&self) -> Option<(usize, usize)> {
        let lo = self
            .bits
            .iter()
            .position(|&w| w != 0)
            .map(|i| i * 64 + self.bits[i].trailing_zeros() as usize)?;
        let hi = self
            .bits
            .iter()
            .rposition(|&w| w != 0)
            .map(|i| i * 64 + 63 - self.bits[i].leading_zeros() as usize)?;
        Some((lo, hi))
    }

    /// The members, ascending.
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        (0..=self.cap).filter(|&n| self.contains(n))
    }

    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The `k`-th member (`k < count()`).
    pub fn nth(&self, k: usize) -> usize {
        self.members().nth(k).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_windows() {
        let mut a = LenSet::empty(100);
        a.insert(2);
        a.insert(3);
        let b = a.sum(&a);
        assert_eq!(b.members().collect::<Vec<_>>(), vec![4, 5, 6]);
        assert_eq!(b.bounds(), Some((4, 6)));
        assert_eq!(LenSet::single(300, 200).bounds(), Some((200, 200)));
        assert_eq!(LenSet::empty(300).bounds(), None);
        let mut big = LenSet::single(100, 70);
        big = big.sum(&LenSet::single(100, 30));
        assert!(big.contains(100));
        assert!(big.sum(&LenSet::single(100, 1)).is_empty());
        assert_eq!(b.window(5, 9).members().collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(LenSet::single(10, 0).without_zero().count(), 0);
    }
}
