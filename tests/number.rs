//! `canteen::number`'s printing, compared with the standard library's on
//! every kind of double: `Fixed` and `fixed` must print exactly what `{:.N}`
//! prints, and `exact_decimal` what `{}` prints for the same number as a
//! float. (Natively; tests/browser_number.rs checks the browser's side.)

#[path = "common/floats.rs"]
mod floats;

use canteen::number::{exact_decimal, fixed, Fixed};
use floats::samples;

#[test]
fn fixed_prints_what_the_precision_format_prints() {
    for value in samples() {
        assert_eq!(Fixed::<0>(value).to_string(), format!("{value:.0}"));
        assert_eq!(Fixed::<1>(value).to_string(), format!("{value:.1}"));
        assert_eq!(Fixed::<2>(value).to_string(), format!("{value:.2}"));
        assert_eq!(Fixed::<3>(value).to_string(), format!("{value:.3}"));
        assert_eq!(Fixed::<9>(value).to_string(), format!("{value:.9}"));
    }
    assert_eq!(Fixed::<19>(0.1).to_string(), format!("{:.19}", 0.1));
    for decimals in 0..=19 {
        assert_eq!(fixed(0.1, decimals), format!("{:.decimals$}", 0.1));
        assert_eq!(
            fixed(-1234.5678, decimals),
            format!("{:.decimals$}", -1234.5678)
        );
    }
}

#[test]
fn exact_decimal_is_the_shortest_float_text() {
    let mut x: u64 = 12345;
    for _ in 0..20_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        for count in [x % 1_000, x % 1_000_000_000, x % 86_400_000_000_000] {
            for power in [3, 6, 9] {
                let float = count as f64 / 10f64.powi(power as i32);
                assert_eq!(
                    exact_decimal(count, power),
                    format!("{float}"),
                    "{count} / 10^{power}"
                );
            }
        }
    }
}
