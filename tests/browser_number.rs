//! Number reading and writing in the browser, where `canteen::number`
//! hands the conversions to the JavaScript engine: the results must be
//! exactly what Rust's own `str::parse::<f64>` and `{}` give (as they are
//! natively), so the page, its links and its exports read and print the
//! same numbers as the command line (and its JSON as `serde_json` does).
#![cfg(target_arch = "wasm32")]

#[path = "common/floats.rs"]
mod floats;

use canteen::number::{parse_f64, JsonFloat, Shortest};
use floats::samples;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The digits of a float's text, without sign, point and leading zeros.
fn significant(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    match text.contains('.') {
        true => digits.to_string(),
        false => digits.trim_end_matches('0').to_string(),
    }
}

#[wasm_bindgen_test]
fn shortest_prints_what_display_prints_for_typed_numbers() {
    // Numbers with up to 15 significant digits, as people type them.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..5000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let digits = x % 10u64.pow(1 + (x >> 60) as u32 % 15);
        let value = digits as f64 / 10f64.powi((x >> 40) as i32 % 12);
        for value in [value, -value] {
            assert_eq!(Shortest(value).to_string(), format!("{value}"));
        }
    }
    for special in [
        0.0,
        -0.0,
        1e21,
        1.5e-7,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(Shortest(special).to_string(), format!("{special}"));
    }
}

#[wasm_bindgen_test]
fn shortest_is_as_short_as_display_and_reads_back_for_any_float() {
    for value in samples() {
        let ours = Shortest(value).to_string();
        let std = format!("{value}");
        assert_eq!(
            ours.parse::<f64>().map(f64::to_bits),
            Ok(value.to_bits()),
            "{ours}"
        );
        assert_eq!(
            significant(&ours).len(),
            significant(&std).len(),
            "{ours} vs {std}"
        );
        assert!(!ours.contains('e'), "{ours}");
    }
}

#[wasm_bindgen_test]
fn json_float_is_what_serde_json_writes() {
    for value in samples() {
        let ours = JsonFloat(value).to_string();
        let json = serde_json::to_string(&value).unwrap();
        if ours != json {
            // Two shortest candidates equally close (16 or 17 digits): the
            // other one, as long and reading back as the same float.
            assert_eq!(ours.len(), json.len(), "{ours} vs {json}");
            assert_eq!(ours.parse::<f64>().ok(), Some(value), "{ours}");
        }
    }
    for (value, json) in [
        (1.0, "1.0"),
        (1e-6, "1e-6"),
        (1.5e16, "1.5e+16"),
        (0.00001, "0.00001"),
    ] {
        assert_eq!(JsonFloat(value).to_string(), json);
    }
}

#[wasm_bindgen_test]
fn parse_reads_what_str_parse_reads() {
    for value in samples() {
        for text in [
            format!("{value}"),
            format!("{value:e}"),
            format!("{value:.3}"),
        ] {
            let ours = parse_f64(&text).map(f64::to_bits);
            assert_eq!(ours, text.parse::<f64>().ok().map(f64::to_bits), "{text}");
        }
    }
    for text in [
        "", ".", "1e", "0x10", " 1", "1_0", "+.5", "-5.", "1E+3", "infinity", "-NaN",
    ] {
        let ours = parse_f64(text);
        let std = text.parse::<f64>().ok();
        assert_eq!(ours.is_some(), std.is_some(), "{text:?}");
        if let (Some(a), Some(b)) = (ours, std) {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{text:?}"
            );
        }
    }
}
