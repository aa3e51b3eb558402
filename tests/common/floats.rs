//! Doubles for the number tests (native and in the browser): edge values —
//! ties at every precision, subnormals, the largest, powers of two — and
//! deterministic pseudo-random doubles of every magnitude, plus n/8,
//! n/1000 and -n/10^6 values like the ones people type.

pub fn samples() -> Vec<f64> {
    let mut values = vec![
        0.0,
        -0.0,
        0.25,
        0.125,
        0.375,
        2.5,
        3.5,
        -2.5,
        0.05,
        0.15,
        0.35,
        1.005,
        1.0e-7,
        -0.01,
        9.995,
        99.95,
        0.5,
        1.5,
        123456.789,
        1e15,
        1e16,
        1e17,
        9007199254740993.0,
        1e21,
        1e22,
        1e23,
        1.7e38,
        3.4e38,
        1e100,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        1e-310,
        f64::EPSILON,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Deterministic pseudo-random doubles of every magnitude and n/8, n/1000 values.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..4000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let value = f64::from_bits(x);
        if value.is_finite() {
            values.push(value);
        }
        values.push((x % 100_000) as f64 / 8.0);
        values.push((x % 10_000_000) as f64 / 1000.0);
        values.push(-((x % 1_000_000) as f64) / 1e6);
    }
    values
}
