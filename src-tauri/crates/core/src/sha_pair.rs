//! Two SHA-256 hashes computed side by side on one core, each the same digest `sha2::Sha256`
//! gives.
//!
//! Checking a batch hashes every byte of it, and SHA-256 of one stream cannot go faster than
//! its rounds follow one another: the SHA extensions (SHA-NI) finish two rounds only when the
//! two before them are done. Rounds of two independent streams interleaved keep the unit busy
//! while either waits, so the two finish in little more than the time of one (on the issue's
//! machine, an AMD EPYC: 1.8 GB/s for one stream, about 3.2 GB/s for two). Without the SHA
//! extensions (an older counter PC) the two lanes are hashed one after the other by `sha2`.
//!
//! Contract: [`Sha256Pair::update`] takes any lengths on either lane (either may be empty), and
//! [`Sha256Pair::finish_a`] / [`Sha256Pair::finish_b`] give a lane's digest of everything it was
//! given since it last finished, exactly `Sha256::digest` of the same bytes, and start it anew;
//! [`Sha256Pair::finish`] does both at once, their last blocks side by side too.

use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;

const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// One stream: its state, the bytes short of a whole block, and its length so far.
#[derive(Clone)]
struct Lane {
    state: [u32; 8],
    tail: [u8; 64],
    tail_len: usize,
    len: u64,
}

impl Lane {
    fn new() -> Lane {
        Lane {
            state: H0,
            tail: [0; 64],
            tail_len: 0,
            len: 0,
        }
    }

    /// Takes `data` first into a partly filled tail (hashing it once whole); gives back what is
    /// left, to be hashed in whole blocks.
    fn top_up<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        self.len += data.len() as u64;
        if self.tail_len == 0 {
            return data;
        }
        let n = (64 - self.tail_len).min(data.len());
        self.tail[self.tail_len..self.tail_len + n].copy_from_slice(&data[..n]);
        self.tail_len += n;
        if self.tail_len == 64 {
            compress(&mut self.state, &self.tail);
            self.tail_len = 0;
        }
        &data[n..]
    }

    /// Keeps what is short of a whole block (`data` holds fewer than 64 bytes, the tail none).
    fn keep(&mut self, data: &[u8]) {
        debug_assert!(data.len() < 64 && (self.tail_len == 0 || data.is_empty()));
        if !data.is_empty() {
            self.tail[..data.len()].copy_from_slice(data);
            self.tail_len = data.len();
        }
    }

    /// The last block or two: the tail, SHA-256's padding and the length in bits.
    fn last_blocks(&self) -> ([u8; 128], usize) {
        let mut last = [0u8; 128];
        last[..self.tail_len].copy_from_slice(&self.tail[..self.tail_len]);
        last[self.tail_len] = 0x80;
        let end = if self.tail_len < 56 { 64 } else { 128 };
        last[end - 8..end].copy_from_slice(&self.len.wrapping_mul(8).to_be_bytes());
        (last, end)
    }

    /// The digest of the state once the last blocks are in; the lane started anew.
    fn digest(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        *self = Lane::new();
        out
    }

    /// The digest (SHA-256's padding and length), the lane started anew.
    fn finish(&mut self) -> [u8; 32] {
        let (last, end) = self.last_blocks();
        compress(&mut self.state, &last[..end]);
        self.digest()
    }
}

/// Two SHA-256 streams, `a` and `b`, hashed together (see the module).
#[derive(Clone)]
pub struct Sha256Pair {
    a: Lane,
    b: Lane,
    /// The SHA extensions are there: the lanes' rounds are interleaved.
    interleave: bool,
}

impl Default for Sha256Pair {
    fn default() -> Self {
        Sha256Pair::new()
    }
}

impl Sha256Pair {
    pub fn new() -> Sha256Pair {
        Sha256Pair {
            a: Lane::new(),
            b: Lane::new(),
            interleave: shani::available(),
        }
    }

    /// Two lanes hashed one after the other, as on a machine without the SHA extensions.
    #[cfg(test)]
    fn one_by_one() -> Sha256Pair {
        Sha256Pair {
            interleave: false,
            ..Sha256Pair::new()
        }
    }

    /// Adds `a` to lane a and `b` to lane b.
    pub fn update(&mut self, a: &[u8], b: &[u8]) {
        let a = self.a.top_up(a);
        let b = self.b.top_up(b);
        let (whole_a, whole_b) = (a.len() / 64 * 64, b.len() / 64 * 64);
        let both = whole_a.min(whole_b);
        if both > 0 {
            if self.interleave {
                // SAFETY: `interleave` is set only where the SHA extensions were detected, and
                // both slices hold `both` bytes, a whole number of blocks.
                unsafe { shani::compress2(&mut self.a.state, &a[..both], &mut self.b.state, &b[..both]) };
            } else {
                compress(&mut self.a.state, &a[..both]);
                compress(&mut self.b.state, &b[..both]);
            }
        }
        compress(&mut self.a.state, &a[both..whole_a]);
        compress(&mut self.b.state, &b[both..whole_b]);
        self.a.keep(&a[whole_a..]);
        self.b.keep(&b[whole_b..]);
    }

    /// Both lanes' digests, their last blocks hashed side by side too; both start anew.
    pub fn finish(&mut self) -> ([u8; 32], [u8; 32]) {
        let (last_a, end_a) = self.a.last_blocks();
        let (last_b, end_b) = self.b.last_blocks();
        if self.interleave && end_a == end_b {
            // SAFETY: as in `update`: the extensions are there, and both hold `end_a` bytes.
            unsafe { shani::compress2(&mut self.a.state, &last_a[..end_a], &mut self.b.state, &last_b[..end_b]) };
        } else {
            compress(&mut self.a.state, &last_a[..end_a]);
            compress(&mut self.b.state, &last_b[..end_b]);
        }
        (self.a.digest(), self.b.digest())
    }

    /// Lane a's digest; the lane starts anew.
    pub fn finish_a(&mut self) -> [u8; 32] {
        self.a.finish()
    }

    /// Lane b's digest; the lane starts anew.
    pub fn finish_b(&mut self) -> [u8; 32] {
        self.b.finish()
    }
}

/// One stream's whole blocks (`blocks.len()` a multiple of 64), by `sha2`'s own compression
/// (the SHA extensions where there are, else its portable code).
fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 64, 0);
    if blocks.is_empty() {
        return;
    }
    // SAFETY: `GenericArray<u8, U64>` is a `[u8; 64]` (alignment 1), and `blocks` holds
    // `blocks.len() / 64` of them.
    let blocks: &[GenericArray<u8, U64>] =
        unsafe { std::slice::from_raw_parts(blocks.as_ptr().cast::<GenericArray<u8, U64>>(), blocks.len() / 64) };
    sha2::compress256(state, blocks);
}

#[cfg(target_arch = "x86_64")]
mod shani {
    //! Two lanes' blocks through the SHA extensions, their rounds interleaved. The rounds are
    //! `sha2`'s own (`sha256/x86.rs`), written once for both lanes.
    use core::arch::x86_64::*;

    pub(super) fn available() -> bool {
        std::is_x86_feature_detected!("sha")
            && std::is_x86_feature_detected!("sse2")
            && std::is_x86_feature_detected!("ssse3")
            && std::is_x86_feature_detected!("sse4.1")
    }

    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
        0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
        0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
        0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
        0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
        0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// The next four message words from the four before them.
    macro_rules! schedule {
        ($v0:expr, $v1:expr, $v2:expr, $v3:expr) => {{
            let t1 = _mm_sha256msg1_epu32($v0, $v1);
            let t2 = _mm_alignr_epi8($v3, $v2, 4);
            _mm_sha256msg2_epu32(_mm_add_epi32(t1, t2), $v3)
        }};
    }

    /// A block's sixteen message words, big-endian, as four vectors.
    macro_rules! words {
        ($block:expr, $mask:expr) => {{
            let p = $block.as_ptr() as *const __m128i;
            (
                _mm_shuffle_epi8(_mm_loadu_si128(p), $mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(1)), $mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(2)), $mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(3)), $mask),
            )
        }};
    }

    /// The state `[a..h]` as the instructions hold it: (ABEF, CDGH).
    macro_rules! load_state {
        ($state:expr) => {{
            let p = $state.as_ptr() as *const __m128i;
            let cdab = _mm_shuffle_epi32(_mm_loadu_si128(p), 0xB1);
            let efgh = _mm_shuffle_epi32(_mm_loadu_si128(p.add(1)), 0x1B);
            (_mm_alignr_epi8(cdab, efgh, 8), _mm_blend_epi16(efgh, cdab, 0xF0))
        }};
    }

    macro_rules! store_state {
        ($state:expr, $abef:expr, $cdgh:expr) => {{
            let feba = _mm_shuffle_epi32($abef, 0x1B);
            let dchg = _mm_shuffle_epi32($cdgh, 0xB1);
            let p = $state.as_mut_ptr() as *mut __m128i;
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }};
    }

    /// Rounds 4i..4i+3 of both lanes, given their message words.
    macro_rules! rounds4 {
        ($i:expr, $wa:expr, $wb:expr, $abef_a:ident, $cdgh_a:ident, $abef_b:ident, $cdgh_b:ident) => {{
            let k = _mm_loadu_si128(K.as_ptr().add(4 * $i) as *const __m128i);
            let ta = _mm_add_epi32($wa, k);
            let tb = _mm_add_epi32($wb, k);
            $cdgh_a = _mm_sha256rnds2_epu32($cdgh_a, $abef_a, ta);
            $cdgh_b = _mm_sha256rnds2_epu32($cdgh_b, $abef_b, tb);
            $abef_a = _mm_sha256rnds2_epu32($abef_a, $cdgh_a, _mm_shuffle_epi32(ta, 0x0E));
            $abef_b = _mm_sha256rnds2_epu32($abef_b, $cdgh_b, _mm_shuffle_epi32(tb, 0x0E));
        }};
    }

    /// The next message words of both lanes, then their four rounds.
    macro_rules! schedule_rounds4 {
        ($i:expr, [$a0:ident $a1:ident $a2:ident $a3:ident $a4:ident], [$b0:ident $b1:ident $b2:ident $b3:ident $b4:ident],
         $abef_a:ident, $cdgh_a:ident, $abef_b:ident, $cdgh_b:ident) => {{
            $a4 = schedule!($a0, $a1, $a2, $a3);
            $b4 = schedule!($b0, $b1, $b2, $b3);
            rounds4!($i, $a4, $b4, $abef_a, $cdgh_a, $abef_b, $cdgh_b);
        }};
    }

    /// Compresses the blocks of `a` into `state_a` and those of `b` into `state_b`.
    ///
    /// # Safety
    /// The CPU has the SHA extensions and SSE4.1 ([`available`]); `a` and `b` hold the same
    /// number of bytes, a multiple of 64.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn compress2(state_a: &mut [u32; 8], a: &[u8], state_b: &mut [u32; 8], b: &[u8]) {
        debug_assert!(a.len() == b.len() && a.len() % 64 == 0);
        let mask = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0Bu64 as i64, 0x0405_0607_0001_0203u64 as i64);
        let (mut abef_a, mut cdgh_a) = load_state!(state_a);
        let (mut abef_b, mut cdgh_b) = load_state!(state_b);
        for (block_a, block_b) in a.chunks_exact(64).zip(b.chunks_exact(64)) {
            let (saved_abef_a, saved_cdgh_a, saved_abef_b, saved_cdgh_b) = (abef_a, cdgh_a, abef_b, cdgh_b);
            let (mut a0, mut a1, mut a2, mut a3) = words!(block_a, mask);
            let (mut b0, mut b1, mut b2, mut b3) = words!(block_b, mask);
            let (mut a4, mut b4);
            rounds4!(0, a0, b0, abef_a, cdgh_a, abef_b, cdgh_b);
            rounds4!(1, a1, b1, abef_a, cdgh_a, abef_b, cdgh_b);
            rounds4!(2, a2, b2, abef_a, cdgh_a, abef_b, cdgh_b);
            rounds4!(3, a3, b3, abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(4, [a0 a1 a2 a3 a4], [b0 b1 b2 b3 b4], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(5, [a1 a2 a3 a4 a0], [b1 b2 b3 b4 b0], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(6, [a2 a3 a4 a0 a1], [b2 b3 b4 b0 b1], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(7, [a3 a4 a0 a1 a2], [b3 b4 b0 b1 b2], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(8, [a4 a0 a1 a2 a3], [b4 b0 b1 b2 b3], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(9, [a0 a1 a2 a3 a4], [b0 b1 b2 b3 b4], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(10, [a1 a2 a3 a4 a0], [b1 b2 b3 b4 b0], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(11, [a2 a3 a4 a0 a1], [b2 b3 b4 b0 b1], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(12, [a3 a4 a0 a1 a2], [b3 b4 b0 b1 b2], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(13, [a4 a0 a1 a2 a3], [b4 b0 b1 b2 b3], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(14, [a0 a1 a2 a3 a4], [b0 b1 b2 b3 b4], abef_a, cdgh_a, abef_b, cdgh_b);
            schedule_rounds4!(15, [a1 a2 a3 a4 a0], [b1 b2 b3 b4 b0], abef_a, cdgh_a, abef_b, cdgh_b);
            abef_a = _mm_add_epi32(abef_a, saved_abef_a);
            cdgh_a = _mm_add_epi32(cdgh_a, saved_cdgh_a);
            abef_b = _mm_add_epi32(abef_b, saved_abef_b);
            cdgh_b = _mm_add_epi32(cdgh_b, saved_cdgh_b);
        }
        store_state!(state_a, abef_a, cdgh_a);
        store_state!(state_b, abef_b, cdgh_b);
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod shani {
    pub(super) fn available() -> bool {
        false
    }

    pub(super) unsafe fn compress2(_: &mut [u32; 8], _: &[u8], _: &mut [u32; 8], _: &[u8]) {
        unreachable!("never called where `available` is false")
    }
}

#[cfg(test)]
mod tests {
    use super::Sha256Pair;
    use sha2::{Digest, Sha256};

    /// Bytes that differ from position to position and from seed to seed.
    fn bytes(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Feeds `a` and `b` in pieces of the sizes given (cycling), as a reader hands out blocks.
    fn pair_digests(mut pair: Sha256Pair, a: &[u8], b: &[u8], steps_a: &[usize], steps_b: &[usize]) -> ([u8; 32], [u8; 32]) {
        let (mut ra, mut rb) = (a, b);
        let mut i = 0;
        while !ra.is_empty() || !rb.is_empty() {
            let na = steps_a[i % steps_a.len()].min(ra.len());
            let nb = steps_b[i % steps_b.len()].min(rb.len());
            pair.update(&ra[..na], &rb[..nb]);
            ra = &ra[na..];
            rb = &rb[nb..];
            i += 1;
        }
        if steps_a.len() % 2 == 0 {
            pair.finish()
        } else {
            (pair.finish_a(), pair.finish_b())
        }
    }

    #[test]
    fn each_lane_gives_sha256_of_its_bytes_whatever_the_lengths_and_pieces() {
        let lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 70_001];
        let steps: [&[usize]; 6] = [&[1 << 20], &[1], &[64], &[63, 65, 1, 200], &[0, 7, 128], &[4096, 3]];
        for (n, &la) in lengths.iter().enumerate() {
            for (m, &lb) in lengths.iter().enumerate().step_by(2) {
                let a = bytes(la, n as u64 + 1);
                let b = bytes(lb, 100 + m as u64);
                let want = (Sha256::digest(&a).into(), Sha256::digest(&b).into());
                for (s, sa) in steps.iter().enumerate() {
                    let sb = steps[(s + 1) % steps.len()];
                    for pair in [Sha256Pair::new(), Sha256Pair::one_by_one()] {
                        assert_eq!(
                            pair_digests(pair, &a, &b, sa, sb),
                            want,
                            "lengths {la} and {lb}, steps {sa:?} and {sb:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_lane_starts_anew_when_finished_and_the_other_goes_on() {
        let (a1, a2, b) = (bytes(1000, 1), bytes(300, 2), bytes(5000, 3));
        let mut pair = Sha256Pair::new();
        pair.update(&a1, &b[..1000]);
        assert_eq!(pair.finish_a(), <[u8; 32]>::from(Sha256::digest(&a1)));
        pair.update(&a2, &b[1000..]);
        assert_eq!(pair.finish_a(), <[u8; 32]>::from(Sha256::digest(&a2)));
        assert_eq!(pair.finish_b(), <[u8; 32]>::from(Sha256::digest(&b)));
        assert_eq!(pair.finish_b(), <[u8; 32]>::from(Sha256::digest(b"")));
    }
}
