//! The browser entry point: installs the panic banner and renders the
//! playground. Built by trunk for wasm32; on other targets it is empty.

#[cfg(target_arch = "wasm32")]
fn main() {
    canteen::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
