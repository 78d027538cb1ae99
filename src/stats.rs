//! Replication statistics: summaries, 95% t-intervals and paired differences.
//!
//! Definitions used throughout (all computations are plain, sequential and
//! deterministic; no parallelism, no randomness):
//!
//! * **Mean**: the sequential sum `x_1 + x_2 + … + x_n` (in the order given)
//!   divided by `n`. If every value is bit-for-bit identical the mean is that
//!   value exactly (no rounding noise such as `0.1 + 0.1 + 0.1`).
//! * **Standard deviation**: the *sample* standard deviation,
//!   `sqrt(Σ (x_i − mean)² / (n − 1))`. It is exactly `0.0` for `n = 1` and
//!   when all values are identical.
//! * **95% interval of the mean**: the Student-t interval
//!   `mean ± t_{0.975, n−1} · std / √n`. With one replication (or identical
//!   values) it degenerates to `[mean, mean]`.
//! * **Percentiles** (`p50`, `p90`): linear interpolation between order
//!   statistics, the "type 7" definition (R's default, NumPy's `linear`):
//!   with the values sorted ascending (`f64::total_cmp`) and `h = (n − 1)·q`,
//!   the result is `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] − x[⌊h⌋])` (0-based indices).
//!   `min` and `max` are the first and last order statistics.
//! * **Paired differences**: `d_i = other_i − baseline_i` for each
//!   replication index `i`, then the mean and 95% t-interval of the `d_i` as
//!   above. Slices of different lengths are truncated to the shorter one.
//! * **Empty input**: every reported number is `0.0`.
//!
//! The t quantile `t_{0.975, df}` is exact in closed form for `df = 1, 2`; for
//! `3 ≤ df ≤ 1000` it is obtained by bisection on the exact finite-series
//! Student-t distribution function (Abramowitz & Stegun 26.7.3/26.7.4), and for
//! `df > 1000` by the Cornish–Fisher expansion (A&S 26.7.5) with four
//! correction terms. Its absolute error is below `1e-11` for every `df ≥ 1`
//! (measured against 30-digit references: below `1e-13`).
//!
//! For finite inputs no `NaN` is ever produced: if an intermediate sum would
//! overflow, the computation is redone on values scaled by a power of two
//! (which is exact), and a result that is genuinely not representable is
//! reported as an infinity rather than as `NaN`.

use serde::Serialize;

/// Mean and 95% interval, used for timeline points and paired differences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanInterval {
    /// Arithmetic mean of the values.
    pub mean: f64,
    /// 95% Student-t confidence interval of the mean, `[low, high]`.
    pub ci95: [f64; 2],
}

impl MeanInterval {
    /// True when the interval lies wholly below zero: a paired difference that says the
    /// strategy is significantly lower (better).
    pub fn wholly_below_zero(&self) -> bool {
        self.ci95[1] < 0.0
    }

    /// True when the interval lies wholly above zero.
    pub fn wholly_above_zero(&self) -> bool {
        self.ci95[0] > 0.0
    }
}

/// Full summary of one metric over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (divisor `n − 1`; `0.0` when `n ≤ 1`).
    pub std: f64,
    /// 95% Student-t confidence interval of the mean, `[low, high]`.
    pub ci95: [f64; 2],
    /// Smallest value.
    pub min: f64,
    /// Median (type-7 interpolated 50th percentile).
    pub p50: f64,
    /// Type-7 interpolated 90th percentile.
    pub p90: f64,
    /// Largest value.
    pub max: f64,
}

impl Summary {
    /// Names of the values of [`Summary::to_array`], in order (the CSV columns).
    pub const FIELDS: [&'static str; 8] = ["mean", "std", "ci95_lo", "ci95_hi", "min", "p50", "p90", "max"];

    /// The eight values in [`Summary::FIELDS`] order.
    pub fn to_array(&self) -> [f64; 8] {
        [self.mean, self.std, self.ci95[0], self.ci95[1], self.min, self.p50, self.p90, self.max]
    }

    /// The summary of eight values in [`Summary::FIELDS`] order.
    pub fn from_array(a: [f64; 8]) -> Summary {
        Summary { mean: a[0], std: a[1], ci95: [a[2], a[3]], min: a[4], p50: a[5], p90: a[6], max: a[7] }
    }

    /// Summary of `values` (one per replication, in replication order).
    /// Empty input: every field 0.0.
    pub fn of(values: &[f64]) -> Summary {
        if values.is_empty() {
            return Summary { mean: 0.0, std: 0.0, ci95: [0.0, 0.0], min: 0.0, p50: 0.0, p90: 0.0, max: 0.0 };
        }
        let m = moments(values);
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let min = sorted.first().copied().unwrap_or(0.0);
        let max = sorted.last().copied().unwrap_or(0.0);
        Summary {
            mean: m.mean,
            std: m.std,
            ci95: m.ci95(),
            min,
            p50: percentile_sorted(&sorted, 0.5),
            p90: percentile_sorted(&sorted, 0.9),
            max,
        }
    }
}

/// Mean and 95% t-interval of `values` (empty: zeros).
pub fn mean_interval(values: &[f64]) -> MeanInterval {
    let m = moments(values);
    MeanInterval { mean: m.mean, ci95: m.ci95() }
}

/// Paired difference `other[i] − baseline[i]`; returns the mean of the
/// differences and its 95% t-interval. If the lengths differ, only the first
/// `min(baseline.len(), other.len())` pairs are used (never panics).
pub fn paired_difference(baseline: &[f64], other: &[f64]) -> MeanInterval {
    let diffs: Vec<f64> = baseline.iter().zip(other).map(|(&b, &o)| o - b).collect();
    let inputs_finite = baseline.iter().chain(other).all(|v| v.is_finite());
    if inputs_finite && !diffs.iter().all(|d| d.is_finite()) {
        // A difference of two finite values overflowed: work with halved
        // differences (halving is exact at this magnitude) and double back.
        let halves: Vec<f64> = baseline.iter().zip(other).map(|(&b, &o)| o * 0.5 - b * 0.5).collect();
        let r = mean_interval(&halves);
        return MeanInterval { mean: r.mean * 2.0, ci95: [r.ci95[0] * 2.0, r.ci95[1] * 2.0] };
    }
    mean_interval(&diffs)
}

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom
/// (`t_{0.975, df}`). Returns `0.0` for `df = 0` (callers only use it with
/// `n ≥ 2`, i.e. `df ≥ 1`).
///
/// Exact closed forms for `df = 1` (`tan(0.475π)`) and `df = 2`; bisection on
/// the exact finite-series distribution function for `3 ≤ df ≤ 1000`;
/// Cornish–Fisher expansion for larger `df`. Absolute error below `1e-11`.
pub fn t_quantile_975(df: u64) -> f64 {
    match df {
        0 => 0.0,
        // tan(π/2 − 0.025π) = 1 / tan(0.025π), better conditioned.
        1 => 1.0 / (0.025 * std::f64::consts::PI).tan(),
        // t = (2p − 1) / sqrt(2p(1 − p)) with p = 0.975.
        2 => 0.95 / 0.048_75_f64.sqrt(),
        3..=SERIES_MAX_DF => t_quantile_bisect(df),
        _ => t_quantile_cornish_fisher(df as f64),
    }
}

/// Linear-interpolation ("type 7") percentile of an ascending-sorted slice,
/// `q` in `[0, 1]` (values outside are clamped, `NaN` is treated as 0).
/// Empty → 0.0.
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
    let h = (n - 1) as f64 * q;
    let lo_f = h.floor();
    let frac = h - lo_f;
    let lo = (lo_f as usize).min(n - 1);
    let hi = (h.ceil() as usize).min(n - 1);
    let (a, b) = (sorted[lo], sorted[hi]);
    if frac == 0.0 || lo == hi || a.to_bits() == b.to_bits() {
        return a;
    }
    let span = b - a;
    let v = if span.is_finite() {
        a + frac * span
    } else {
        // b − a overflowed (finite inputs of huge opposite magnitude).
        a * (1.0 - frac) + b * frac
    };
    // Guard against rounding stepping outside the two order statistics.
    if a <= b { v.clamp(a, b) } else { v }
}

/// Largest `df` handled by the exact finite series; above it the asymptotic
/// expansion is used (its truncation error there is below `1e-14`).
const SERIES_MAX_DF: u64 = 1000;

/// Standard normal 0.975 quantile, `Φ⁻¹(0.975)`.
const Z_975: f64 = 1.959_963_984_540_054;

/// `P(|T| ≤ t)` for Student's t with integer `df ≥ 1` and `t ≥ 0`, via the
/// exact finite series of Abramowitz & Stegun 26.7.3 (odd) / 26.7.4 (even).
fn t_two_sided_cdf(t: f64, df: u64) -> f64 {
    let nu = df as f64;
    let r2 = nu + t * t;
    let r = r2.sqrt();
    let sin = t / r;
    let cos = nu.sqrt() / r;
    let cos2 = nu / r2;
    if df & 1 == 0 {
        // A = sinθ · (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + … ), df/2 terms.
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..df / 2 {
            let k = k as f64;
            term *= cos2 * (2.0 * k - 1.0) / (2.0 * k);
            sum += term;
        }
        sin * sum
    } else {
        // A = (2/π)(θ + sinθ · (cosθ + ⅔cos³θ + … )), (df−1)/2 terms.
        let theta = t.atan2(nu.sqrt());
        let mut inner = 0.0;
        if df > 1 {
            let mut term = cos;
            inner = cos;
            for k in 1..(df - 1) / 2 {
                let k = k as f64;
                term *= cos2 * (2.0 * k) / (2.0 * k + 1.0);
                inner += term;
            }
        }
        std::f64::consts::FRAC_2_PI * (theta + sin * inner)
    }
}

/// `t_{0.975, df}` by bisection on the exact distribution function.
fn t_quantile_bisect(df: u64) -> f64 {
    // The quantile decreases with df from 12.706… (df = 1) to 1.95996….
    let mut lo = 1.95_f64;
    let mut hi = 13.0_f64;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if t_two_sided_cdf(mid, df) < 0.95 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// `t_{0.975, ν}` by the Cornish–Fisher expansion (A&S 26.7.5).
fn t_quantile_cornish_fisher(nu: f64) -> f64 {
    let x = Z_975;
    let x2 = x * x;
    let x3 = x2 * x;
    let x5 = x3 * x2;
    let x7 = x5 * x2;
    let x9 = x7 * x2;
    let g1 = (x3 + x) / 4.0;
    let g2 = (5.0 * x5 + 16.0 * x3 + 3.0 * x) / 96.0;
    let g3 = (3.0 * x7 + 19.0 * x5 + 17.0 * x3 - 15.0 * x) / 384.0;
    let g4 = (79.0 * x9 + 776.0 * x7 + 1482.0 * x5 - 1920.0 * x3 - 945.0 * x) / 92160.0;
    x + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
}

/// Mean, sample standard deviation and t half-width of a set of values.
#[derive(Debug, Clone, Copy)]
struct Moments {
    mean: f64,
    std: f64,
    half: f64,
}

impl Moments {
    const ZERO: Moments = Moments { mean: 0.0, std: 0.0, half: 0.0 };

    fn ci95(&self) -> [f64; 2] {
        if self.half == 0.0 { [self.mean, self.mean] } else { [self.mean - self.half, self.mean + self.half] }
    }
}

/// Moments with the exact special cases and the overflow fallback.
fn moments(values: &[f64]) -> Moments {
    let Some(&first) = values.first() else {
        return Moments::ZERO;
    };
    if values.iter().all(|v| v.to_bits() == first.to_bits()) {
        // Covers n = 1: the value itself, no spread, degenerate interval.
        return Moments { mean: first, std: 0.0, half: 0.0 };
    }
    let plain = plain_moments(values);
    if (plain.mean.is_finite() && plain.std.is_finite()) || !values.iter().all(|v| v.is_finite()) {
        return plain;
    }
    scaled_moments(values).unwrap_or(plain)
}

/// Textbook two-pass moments (n ≥ 2 assumed; n = 1 gives std 0).
fn plain_moments(values: &[f64]) -> Moments {
    let n = values.len();
    let mut sum = 0.0;
    for &v in values {
        sum += v;
    }
    let mut mean = sum / n as f64;
    // Rounding must never put the mean outside the data range.
    let (min, max) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if mean.is_finite() && min <= max {
        mean = mean.clamp(min, max);
    }
    if n < 2 {
        return Moments { mean, std: 0.0, half: 0.0 };
    }
    let mut ss = 0.0;
    for &v in values {
        let d = v - mean;
        ss += d * d;
    }
    let std = (ss / (n - 1) as f64).sqrt();
    let half = t_quantile_975((n - 1) as u64) * (std / (n as f64).sqrt());
    Moments { mean, std, half }
}

/// Moments of finite values whose plain computation overflowed: scale by a
/// power of two so the largest magnitude lies in `[0.5, 1)`, compute, and
/// scale back (power-of-two scaling is exact for values of this size).
fn scaled_moments(values: &[f64]) -> Option<Moments> {
    let max_abs = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if !(1.0..=f64::MAX).contains(&max_abs) {
        return None;
    }
    // Unbiased binary exponent of a normal number ≥ 1.
    let exp = ((max_abs.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let k = exp + 1;
    let (k1, k2) = (k / 2, k - k / 2);
    let (down1, down2) = (pow2(-k1)?, pow2(-k2)?);
    let (up1, up2) = (pow2(k1)?, pow2(k2)?);
    let scaled: Vec<f64> = values.iter().map(|v| v * down1 * down2).collect();
    let m = plain_moments(&scaled);
    let mean = m.mean * up1 * up2;
    Some(Moments {
        // |scaled mean| < 1, so this cannot exceed the largest input.
        mean,
        std: m.std * up1 * up2,
        half: m.half * up1 * up2,
    })
}

/// `2^e` for `e` in the normal exponent range.
fn pow2(e: i32) -> Option<f64> {
    if !(-1022..=1023).contains(&e) {
        return None;
    }
    let biased = u64::try_from(e + 1023).ok()?;
    Some(f64::from_bits(biased << 52))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// High-precision references (mpmath, 40 digits) for t_{0.975, df}.
    const T_REF: &[(u64, f64)] = &[
        (1, 12.706_204_736_174_705),
        (2, 4.302_652_729_749_464),
        (3, 3.182_446_305_283_709_6),
        (4, 2.776_445_105_197_794_4),
        (5, 2.570_581_835_636_315_5),
        (6, 2.446_911_851_144_97),
        (7, 2.364_624_251_592_785_3),
        (8, 2.306_004_135_204_166_7),
        (9, 2.262_157_162_798_205_5),
        (10, 2.228_138_851_986_275),
        (15, 2.131_449_545_559_775_7),
        (20, 2.085_963_447_265_865),
        (29, 2.045_229_642_132_704_3),
        (30, 2.042_272_456_301_238),
        (50, 2.008_559_112_100_761),
        (100, 1.983_971_518_523_552_3),
        (500, 1.964_719_837_467_367_8),
        (999, 1.962_341_461_133_45),
        (1000, 1.962_339_080_826_408_5),
        (1001, 1.962_336_705_280_88),
        (2000, 1.961_150_826_099_438),
        (10_000, 1.960_201_239_890_626_3),
        (1_000_000, 1.959_966_356_814_107),
    ];

    #[test]
    fn t_quantile_matches_brief_reference_values() {
        let brief: &[(u64, f64)] = &[
            (1, 12.706_204_736),
            (2, 4.302_652_729),
            (3, 3.182_446_305),
            (4, 2.776_445_105),
            (5, 2.570_581_836),
            (10, 2.228_138_852),
            (20, 2.085_963_447),
            (30, 2.042_272_456),
            (100, 1.983_971_519),
            (1000, 1.962_339_081),
        ];
        for &(df, want) in brief {
            let got = t_quantile_975(df);
            assert!(close(got, want, 1e-6), "df {df}: got {got}, want {want}");
        }
        assert!(close(t_quantile_975(u64::MAX), 1.959_963_985, 1e-9));
        assert!(close(t_quantile_975(1 << 40), Z_975, 1e-11));
    }

    #[test]
    fn t_quantile_high_precision() {
        for &(df, want) in T_REF {
            let got = t_quantile_975(df);
            assert!(close(got, want, 1e-11), "df {df}: got {got}, want {want}");
        }
    }

    #[test]
    fn t_quantile_zero_df_and_monotone() {
        assert_eq!(t_quantile_975(0), 0.0);
        let mut prev = f64::INFINITY;
        for df in 1..3000 {
            let t = t_quantile_975(df);
            assert!(t.is_finite() && t < prev && t > Z_975, "df {df}: {t}");
            prev = t;
        }
    }

    #[test]
    fn series_and_expansion_agree_at_switch() {
        for df in [200_u64, 500, 1000] {
            let a = t_quantile_bisect(df);
            let b = t_quantile_cornish_fisher(df as f64);
            assert!(close(a, b, 1e-11), "df {df}: series {a}, expansion {b}");
        }
        // The series also reproduces the closed forms.
        assert!(close(t_quantile_bisect(1), t_quantile_975(1), 1e-12));
        assert!(close(t_quantile_bisect(2), t_quantile_975(2), 1e-13));
    }

    #[test]
    fn hand_computed_summary() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 10.0]);
        // mean 20/5 = 4; Σd² = 9+4+1+0+36 = 50; var = 50/4 = 12.5.
        let std = 12.5_f64.sqrt();
        let half = 2.776_445_105_197_794 * std / 5.0_f64.sqrt();
        assert_eq!(s.mean, 4.0);
        assert!(close(s.std, 3.535_533_905_932_737_6, 1e-12));
        assert!(close(s.std, std, 1e-15));
        assert!(close(half, 4.389_945_165_425_415, 1e-12));
        assert!(close(s.ci95[0], 4.0 - half, 1e-12));
        assert!(close(s.ci95[1], 4.0 + half, 1e-12));
        assert_eq!(s.min, 1.0);
        assert_eq!(s.p50, 3.0);
        // h = 4·0.9 = 3.6 → 4 + 0.6·(10 − 4) = 7.6.
        assert!(close(s.p90, 7.6, 1e-12));
        assert_eq!(s.max, 10.0);
    }

    #[test]
    fn order_of_input_does_not_matter_for_order_statistics() {
        let s = Summary::of(&[10.0, 3.0, 1.0, 4.0, 2.0]);
        assert_eq!((s.min, s.p50, s.max), (1.0, 3.0, 10.0));
        assert!(close(s.p90, 7.6, 1e-12));
        assert_eq!(s.mean, 4.0);
    }

    #[test]
    fn identical_values_are_exact() {
        let s = Summary::of(&[0.1, 0.1, 0.1]);
        assert_eq!(s.mean, 0.1);
        assert_eq!(s.std, 0.0);
        assert_eq!(s.ci95, [0.1, 0.1]);
        assert_eq!((s.min, s.p50, s.p90, s.max), (0.1, 0.1, 0.1, 0.1));
        let m = mean_interval(&[0.7; 10]);
        assert_eq!(m, MeanInterval { mean: 0.7, ci95: [0.7, 0.7] });
        let p = paired_difference(&[1.0, 2.0, 3.0], &[1.1, 2.1, 3.1]);
        assert!(p.ci95[0] <= p.mean && p.mean <= p.ci95[1]);
    }

    #[test]
    fn single_replication() {
        let s = Summary::of(&[42.5]);
        assert_eq!(
            s,
            Summary { mean: 42.5, std: 0.0, ci95: [42.5, 42.5], min: 42.5, p50: 42.5, p90: 42.5, max: 42.5 }
        );
        assert_eq!(mean_interval(&[-3.0]), MeanInterval { mean: -3.0, ci95: [-3.0, -3.0] });
    }

    #[test]
    fn empty_input_is_all_zero() {
        let s = Summary::of(&[]);
        assert_eq!(
            s,
            Summary { mean: 0.0, std: 0.0, ci95: [0.0, 0.0], min: 0.0, p50: 0.0, p90: 0.0, max: 0.0 }
        );
        let zero = MeanInterval { mean: 0.0, ci95: [0.0, 0.0] };
        assert_eq!(mean_interval(&[]), zero);
        assert_eq!(paired_difference(&[], &[]), zero);
        assert_eq!(paired_difference(&[1.0, 2.0], &[]), zero);
        assert_eq!(percentile_sorted(&[], 0.5), 0.0);
    }

    #[test]
    fn two_values_interval() {
        // mean 2, std sqrt(2), half = 12.7062…·sqrt(2)/sqrt(2) = 12.7062….
        let m = mean_interval(&[1.0, 3.0]);
        assert_eq!(m.mean, 2.0);
        assert!(close(m.ci95[0], 2.0 - 12.706_204_736_174_705, 1e-12));
        assert!(close(m.ci95[1], 2.0 + 12.706_204_736_174_705, 1e-12));
    }

    #[test]
    fn paired_difference_hand_worked() {
        let baseline = [10.0, 12.0, 9.0, 11.0];
        let other = [12.0, 15.0, 10.0, 13.0];
        // d = [2, 3, 1, 2]; mean 2; Σ(d − 2)² = 0+1+1+0 = 2; var 2/3;
        // half = t_{0.975,3} · sqrt(2/3) / 2 = 3.1824463… · 0.4082483 = 1.2992283…
        let p = paired_difference(&baseline, &other);
        let half = 3.182_446_305_283_709_6 * (2.0_f64 / 3.0).sqrt() / 2.0;
        assert_eq!(p.mean, 2.0);
        assert!(close(half, 1.299_228_263_625_111_6, 1e-12));
        assert!(close(p.ci95[0], 2.0 - half, 1e-12));
        assert!(close(p.ci95[1], 2.0 + half, 1e-12));
        // Sign convention: other − baseline.
        let rev = paired_difference(&other, &baseline);
        assert_eq!(rev.mean, -2.0);
    }

    #[test]
    fn paired_difference_uses_shorter_length() {
        let p = paired_difference(&[1.0, 2.0, 3.0], &[4.0, 6.0]);
        // d = [3, 4]: mean 3.5, std sqrt(0.5), half = t_1 · sqrt(0.5)/sqrt(2) = t_1/2.
        assert_eq!(p.mean, 3.5);
        assert!(close(p.ci95[1] - p.mean, 12.706_204_736_174_705 / 2.0, 1e-12));
        let q = paired_difference(&[5.0], &[7.0, 8.0, 9.0]);
        assert_eq!(q, MeanInterval { mean: 2.0, ci95: [2.0, 2.0] });
    }

    #[test]
    fn percentile_edges() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(percentile_sorted(&v, 0.0), 1.0);
        assert_eq!(percentile_sorted(&v, 1.0), 10.0);
        assert_eq!(percentile_sorted(&v, 0.25), 2.0);
        assert!(close(percentile_sorted(&v, 0.95), 8.8, 1e-12));
        assert_eq!(percentile_sorted(&v, -1.0), 1.0);
        assert_eq!(percentile_sorted(&v, 2.0), 10.0);
        assert_eq!(percentile_sorted(&v, f64::NAN), 1.0);
        assert_eq!(percentile_sorted(&[7.0], 0.0), 7.0);
        assert_eq!(percentile_sorted(&[7.0], 0.9), 7.0);
        assert_eq!(percentile_sorted(&[7.0], 1.0), 7.0);
        // Even count median: h = 1.5 → 2 + 0.5·(3 − 2).
        assert_eq!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }

    #[test]
    fn no_nan_for_extreme_finite_inputs() {
        let big = f64::MAX;
        let s = Summary::of(&[big, big / 2.0, big]);
        assert!(!s.mean.is_nan() && !s.std.is_nan());
        assert!(s.mean.is_finite() && s.mean <= big);
        assert!(!s.ci95[0].is_nan() && !s.ci95[1].is_nan());
        let s = Summary::of(&[-big, big]);
        assert_eq!(s.mean, 0.0);
        assert_eq!(s.p50, 0.0);
        assert!(!s.std.is_nan() && !s.ci95[0].is_nan() && !s.ci95[1].is_nan());
        let p = paired_difference(&[-big, big], &[big, -big]);
        assert!(!p.mean.is_nan() && !p.ci95[0].is_nan() && !p.ci95[1].is_nan());
        assert_eq!(p.mean, 0.0);
        let tiny = Summary::of(&[f64::MIN_POSITIVE, 0.0, 5e-324]);
        assert!(!tiny.std.is_nan() && tiny.std >= 0.0);
    }

    #[test]
    fn deterministic_and_interval_contains_mean() {
        let v: Vec<f64> = (0..97).map(|i| ((i * 37) % 101) as f64 * 0.013 - 0.4).collect();
        let a = Summary::of(&v);
        let b = Summary::of(&v);
        assert_eq!(a, b);
        assert!(a.ci95[0] < a.mean && a.mean < a.ci95[1]);
        assert!(a.min <= a.p50 && a.p50 <= a.p90 && a.p90 <= a.max);
    }
}
