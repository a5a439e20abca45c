//! Rewrites `src/status_codes.rs` from the core's error table
//! (`make -C bindings-c status-codes`).
//!
//! It does not build the library, so it also repairs a file that no longer
//! compiles because the core gained a code.

#[path = "../src/status_render.rs"]
mod status_render;

fn main() {
    let path = format!(
        "{}/{}",
        env!("CARGO_MANIFEST_DIR"),
        status_render::STATUS_CODES_PATH
    );
    if let Err(e) = std::fs::write(&path, status_render::render_status_codes()) {
        eprintln!("cannot write {}: {e}", status_render::STATUS_CODES_PATH);
        std::process::exit(1);
    }
    println!("wrote {}", status_render::STATUS_CODES_PATH);
}
