//! Reading and writing decimal numbers without Rust's float conversions.
//!
//! The standard library's decimal-to-float and float-to-decimal code (with
//! its tables) is a sizeable part of the wasm, for a page that only reads what
//! people type and prints a few digits. So:
//!
//! - [`parse_f64`] accepts exactly what `str::parse::<f64>` accepts and gives
//!   the same value (both round to the nearest double). Natively it *is*
//!   `str::parse`; in the browser it checks the same grammar and lets the
//!   JavaScript engine convert the digits.
//! - [`Fixed`] (and [`fixed`], for a number of decimals known at run time)
//!   prints a float with a fixed number of decimals, exactly as `{:.N}`
//!   does (the exact binary value, rounded half to even).
//! - [`Shortest`] prints a float as `{}` does: the fewest digits that read
//!   back as the same float, never in exponent form. In the browser the
//!   JavaScript engine finds the digits; when two shortest candidates are
//!   equally close (possible with 16 or 17 significant digits) it may pick
//!   the other one, which reads back as the same float all the same.
//! - [`JsonFloat`] prints the same digits as JSON does (`serde_json`'s form:
//!   `1.0`, `1e-6`), for the page's exports.
//! - [`exact_decimal`] prints a whole number of small units (nanoseconds) in
//!   a larger unit with no float in between: `1_500_000` ns is `1.5` ms.
//!
//! ```
//! use canteen::number::{exact_decimal, parse_f64, Fixed};
//! assert_eq!(parse_f64("2.5"), Some(2.5));
//! assert_eq!(parse_f64("-1e3"), Some(-1000.0));
//! assert_eq!(parse_f64(".5"), Some(0.5));
//! assert_eq!(parse_f64("1.5 "), None); // no spaces, as with str::parse
//! assert_eq!(parse_f64("0x10"), None);
//! assert_eq!(Fixed::<1>(0.25).to_string(), "0.2"); // ties to even, as {:.1}
//! assert_eq!(Fixed::<2>(-3.14159).to_string(), "-3.14");
//! assert_eq!(exact_decimal(1_500_000, 6), "1.5");
//! assert_eq!(exact_decimal(2_000_000_000, 9), "2");
//! ```

use std::fmt;

/// The number `text` spells in Rust's float syntax, or `None` if it is not one.
pub fn parse_f64(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    if let Some(special) = special_value(unsigned) {
        return Some(if negative { -special } else { special });
    }
    if !is_decimal(unsigned) {
        return None;
    }
    convert(text)
}

/// `inf`, `infinity` and `nan`, in any case.
fn special_value(unsigned: &str) -> Option<f64> {
    if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        Some(f64::INFINITY)
    } else if unsigned.eq_ignore_ascii_case("nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

/// `digits [. digits] [(e|E) [+|-] digits]`, with at least one digit before
/// the exponent (`5.` and `.5` are numbers, `.` is not).
fn is_decimal(unsigned: &str) -> bool {
    let bytes = unsigned.as_bytes();
    let digits_from = |start: usize| {
        start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
    };
    let whole_end = digits_from(0);
    let mut end = whole_end;
    let mut mantissa_digits = whole_end;
    if bytes.get(end) == Some(&b'.') {
        let fraction_end = digits_from(end + 1);
        mantissa_digits += fraction_end - (end + 1);
        end = fraction_end;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exponent_start = end + 1;
        if matches!(bytes.get(exponent_start), Some(b'+' | b'-')) {
            exponent_start += 1;
        }
        end = digits_from(exponent_start);
        if end == exponent_start {
            return false;
        }
    }
    end == bytes.len()
}

#[cfg(not(target_arch = "wasm32"))]
fn convert(literal: &str) -> Option<f64> {
    literal.parse().ok()
}

/// JavaScript's `parseFloat` reads the same syntax (once checked) and rounds
/// to nearest, ties to even, as Rust does.
#[cfg(target_arch = "wasm32")]
fn convert(literal: &str) -> Option<f64> {
    Some(js_sys::parse_float(literal))
}

/// A float printed with `DECIMALS` digits after the point, as
/// `format!("{value:.DECIMALS$}")` prints it: `NaN`, `inf`, `-inf`, a `-`
/// on every negative value (also `-0.0`), and the exact value rounded half
/// to even.
#[derive(Clone, Copy, Debug)]
pub struct Fixed<const DECIMALS: u32>(pub f64);

impl<const DECIMALS: u32> fmt::Display for Fixed<DECIMALS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const { assert!(DECIMALS <= MAX_DECIMALS, "at most 19 decimals") };
        write_fixed(f, self.0, DECIMALS)
    }
}

/// The most decimals [`Fixed`] and [`fixed`] print: 10^19 still fits in a u64.
pub const MAX_DECIMALS: u32 = 19;

/// [`Fixed`] with the number of decimals chosen at run time (at most
/// [`MAX_DECIMALS`]; more print as that many).
pub fn fixed(value: f64, decimals: usize) -> String {
    struct Runtime(f64, u32);
    impl fmt::Display for Runtime {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_fixed(f, self.0, self.1)
        }
    }
    let decimals = decimals.min(MAX_DECIMALS as usize) as u32;
    Runtime(value, decimals).to_string()
}

fn write_fixed(f: &mut fmt::Formatter<'_>, value: f64, decimals: u32) -> fmt::Result {
    if value.is_nan() {
        return f.write_str("NaN");
    }
    if value.is_sign_negative() {
        f.write_str("-")?;
    }
    if value.is_infinite() {
        return f.write_str("inf");
    }
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // |value| = mantissa × 2^exponent exactly.
    let (mantissa, exponent) = match biased {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, biased - 1075),
    };
    if exponent >= 0 {
        f.write_str(&whole_number(mantissa, exponent as u32))?;
        return write_fraction(f, 0, decimals);
    }
    let unit = 10u64.pow(decimals);
    let shift = exponent.unsigned_abs();
    // The whole part and the fraction's bits apart (|value| < 2^53 here),
    // so that only the fraction is scaled and no u128 is divided (its
    // routine would come into the page): units = round(fraction × unit /
    // 2^shift), half to even.
    let (whole, fraction) = if shift >= 53 {
        (0, mantissa)
    } else {
        (mantissa >> shift, mantissa & ((1 << shift) - 1))
    };
    let scaled = u128::from(fraction) * u128::from(unit);
    let units = if shift > 120 {
        0 // scaled < 2^117: less than half a unit
    } else {
        let quotient = scaled >> shift;
        let remainder = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        // The last digit printed is the fraction's, or the whole part's
        // when there are no decimals: that digit's parity breaks a tie.
        let last = if unit == 1 { whole } else { 0 };
        let odd = (quotient as u64 ^ last) & 1 == 1;
        let round_up = remainder > half || (remainder == half && odd);
        (quotient as u64) + u64::from(round_up)
    };
    let (whole, part) = if units == unit {
        (whole + 1, 0)
    } else {
        (whole, units)
    };
    write!(f, "{whole}")?;
    write_fraction(f, part, decimals)
}

/// A float printed as `format!("{value}")` prints it: exactly so natively,
/// and in the browser too for every number of at most 15 significant digits
/// (the numbers people type); with 16 or 17, a tie between two shortest
/// candidates may go the other way. Either way the text has as few digits
/// and reads back as the same float.
#[derive(Clone, Copy, Debug)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if value.is_nan() {
            return f.write_str("NaN");
        }
        if value.is_infinite() {
            return f.write_str(if value < 0.0 { "-inf" } else { "inf" });
        }
        if value == 0.0 {
            return f.write_str(if value.is_sign_negative() { "-0" } else { "0" });
        }
        f.write_str(&Decimal::of(value).plain())
    }
}

/// A float as JSON has it, in the form `serde_json` (and so the command
/// line's `--json`) writes: the digits of [`Shortest`], as a decimal with at
/// least one digit after the point when 10^-5 <= |value| < 10^16 (`1.0`,
/// `0.00001`, `250.5`), else in exponent form (`1e-6`, `1.5e+16`); `null`
/// for NaN and the infinities. Where two shortest candidates are equally
/// close, serde_json takes the even one and this may take the other.
#[derive(Clone, Copy, Debug)]
pub struct JsonFloat(pub f64);

impl fmt::Display for JsonFloat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if !value.is_finite() {
            return f.write_str("null");
        }
        if value == 0.0 {
            return f.write_str(if value.is_sign_negative() {
                "-0.0"
            } else {
                "0.0"
            });
        }
        let decimal = Decimal::of(value);
        // The power of ten of the first digit.
        let exponent = decimal.point - 1;
        if (-5..=15).contains(&exponent) {
            let plain = decimal.plain();
            let whole = if plain.contains('.') { "" } else { ".0" };
            return write!(f, "{plain}{whole}");
        }
        let sign = if decimal.negative { "-" } else { "" };
        let (first, rest) = decimal.digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let plus = if exponent > 0 { "+" } else { "" };
        write!(f, "{sign}{first}{point}{rest}e{plus}{exponent}")
    }
}

/// A finite nonzero float's shortest decimal digits (the fewest that read
/// back as the same float): `0.digits × 10^point`.
#[derive(Debug, PartialEq)]
struct Decimal {
    negative: bool,
    /// Without leading or trailing zeros.
    digits: String,
    /// Where the decimal point sits, in digits from the first (may be <= 0
    /// or past the last).
    point: i32,
}

impl Decimal {
    /// The digits of `value`: natively from `{:e}`, in the browser from the
    /// JavaScript engine (without Rust's float formatting).
    fn of(value: f64) -> Decimal {
        #[cfg(not(target_arch = "wasm32"))]
        let text = format!("{value:e}");
        #[cfg(target_arch = "wasm32")]
        let text: String = js_sys::Number::from(value)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        Decimal::parse(&text)
    }

    /// Reads a nonzero number as JavaScript's `Number#toString` (`-1.5e-7`,
    /// `1e+21`, `120`, `0.000001`) or Rust's `{:e}` (`1.5e16`) writes it.
    fn parse(text: &str) -> Decimal {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = unsigned.split_once('e').unwrap_or((unsigned, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let (whole, part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = format!("{whole}{part}");
        let significant = all.trim_start_matches('0');
        let leading_zeros = (all.len() - significant.len()) as i32;
        Decimal {
            negative,
            digits: significant.trim_end_matches('0').to_string(),
            point: whole.len() as i32 - leading_zeros + exponent,
        }
    }

    /// The number without an exponent: `0.00000015`, `1000000000000000000000`.
    fn plain(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        let digits = &self.digits;
        let point = self.point;
        if point <= 0 {
            format!(
                "{sign}0.{}{digits}",
                "0".repeat(point.unsigned_abs() as usize)
            )
        } else if point as usize >= digits.len() {
            format!(
                "{sign}{digits}{}",
                "0".repeat(point as usize - digits.len())
            )
        } else {
            let (left, right) = digits.split_at(point as usize);
            format!("{sign}{left}.{right}")
        }
    }
}

/// `.` and `part` zero-padded to `decimals` digits (nothing when 0 decimals).
fn write_fraction(f: &mut fmt::Formatter<'_>, part: u64, decimals: u32) -> fmt::Result {
    if decimals == 0 {
        return Ok(());
    }
    let digits = part.to_string();
    f.write_str(".")?;
    for _ in digits.len()..decimals as usize {
        f.write_str("0")?;
    }
    f.write_str(&digits)
}

/// The decimal digits of `mantissa × 2^shift`, however large.
fn whole_number(mantissa: u64, shift: u32) -> String {
    // Base 10^9 limbs, least significant first; double `shift` times.
    const BASE: u64 = 1_000_000_000;
    let mut limbs = vec![
        mantissa % BASE,
        mantissa / BASE % BASE,
        mantissa / BASE / BASE,
    ];
    for _ in 0..shift {
        let mut carry = 0;
        for limb in &mut limbs {
            let doubled = *limb * 2 + carry;
            *limb = doubled % BASE;
            carry = doubled / BASE;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut text = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        let digits = limb.to_string();
        if i > 0 {
            text.extend(std::iter::repeat_n('0', 9 - digits.len()));
        }
        text.push_str(&digits);
    }
    text
}

/// `count` units of 10^-`power` written as a decimal with no trailing zeros
/// (`exact_decimal(1_500, 3)` is `1.5`, `exact_decimal(2_000, 3)` is `2`).
/// For counts below 10^15 it is the same text as `{}` of
/// `count as f64 / 10^power` (the shortest decimal that reads back as that
/// float), computed without a float.
pub fn exact_decimal(count: u64, power: u32) -> String {
    let unit = 10u64.pow(power);
    let (whole, part) = (count / unit, count % unit);
    if part == 0 {
        return whole.to_string();
    }
    let digits = part.to_string();
    let padded = format!("{}{digits}", "0".repeat(power as usize - digits.len()));
    format!("{whole}.{}", padded.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::{parse_f64, Decimal, JsonFloat, Shortest};

    /// Every string here is parsed by `parse_f64` exactly as by `str::parse`.
    const CASES: &[&str] = &[
        "0", "-0", "+0", "1", "007", "2.5", "5.", ".5", ".", "", "-", "+", "1e3", "1E3",
        "1e+3", "1e-3", "1e", "1e+", "e3", ".e3", "1.5e-7", "0.1", "1_000", " 1", "1 ", "1.2.3",
        "--1", "+-1", "0x10", "inf", "-inf", "+Infinity", "INF", "infinit", "NaN", "-nan", "nanx",
        "1e400", "-1e400", "1e-400", "2.2250738585072014e-308", "9007199254740993",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
        "١٢", "1٫5", "12ms", "3/s",
    ];

    #[test]
    fn accepts_and_reads_what_str_parse_does() {
        for case in CASES {
            let ours = parse_f64(case);
            let std = case.parse::<f64>().ok();
            match (ours, std) {
                (Some(a), Some(b)) => assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{case:?}: {a} vs {b}"
                ),
                (a, b) => assert_eq!(a.is_some(), b.is_some(), "{case:?}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn exponent_forms_are_written_out() {
        // What JavaScript's Number#toString gives, and what `{}` prints.
        for (js, value) in [
            ("1.5e-7", 1.5e-7),
            ("1e-7", 1e-7),
            ("-2.5e-10", -2.5e-10),
            ("1e+21", 1e21),
            ("1.2345e+22", 1.2345e22),
            ("-1.7976931348623157e+308", f64::MIN),
            ("5e-324", 5e-324),
            ("0.25", 0.25),
            ("0.000001", 1e-6),
            ("120", 120.0),
        ] {
            assert_eq!(Decimal::parse(js).plain(), format!("{value}"), "{js}");
            assert_eq!(Decimal::parse(js), Decimal::of(value), "{js}");
        }
    }

    #[test]
    fn shortest_is_display_and_json_float_is_serde_json() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1e-5,
            1.5e-5,
            9.99e-6,
            1e-6,
            1e15,
            9.5e15,
            1e16,
            1.5e16,
            1e21,
            5e-324,
            f64::MAX,
            f64::MIN,
            -2.5,
            123.456,
            1e100,
            f64::NAN,
            f64::INFINITY,
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x));
        }
        let mut ties = 0;
        for value in values {
            assert_eq!(Shortest(value).to_string(), format!("{value}"));
            let ours = JsonFloat(value).to_string();
            let json = serde_json::to_string(&value).unwrap();
            if ours != json {
                // Two shortest candidates equally close: Rust's `{:e}`
                // rounds the tie up, serde_json to even. Both read back.
                ties += 1;
                assert_eq!(ours.len(), json.len(), "{ours} vs {json}");
                assert_eq!(ours.parse::<f64>().ok(), Some(value), "{ours}");
                assert_eq!(json.parse::<f64>().ok(), Some(value), "{json}");
            }
        }
        assert!(ties < 100, "{ties} ties");
    }
}
