//! `canteen`: runs Canteen's scenarios from the command line, flat out, and
//! prints the seed-style log and a summary, or one JSON object. The command
//! line itself is `canteen::cli`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let lang = std::env::var("LANG").map_or(canteen::lang::Lang::En, |locale| {
        canteen::lang::Lang::from_locale(&locale)
    });
    std::process::exit(canteen::cli::main(
        std::env::args_os().skip(1).collect(),
        lang,
    ));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
