//! seqscape: simulate, show and record the spiking network of Spreizer, Aertsen & Kumar (2019),
//! "From space to time".

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(seqscape::cli::main());
}

/// In the browser: the window in the page's canvas, options from the page's address.
#[cfg(target_arch = "wasm32")]
fn main() {
    seqscape::web::main();
}
