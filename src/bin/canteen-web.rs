//! The browser entry point: installs the panic banner and renders the
//! playground. Built by trunk for wasm32; on other targets it is empty.

/// The page's allocator: talc, smaller than std's dlmalloc (the page is
/// single-threaded wasm, which talc's wasm allocator requires).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    canteen::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
