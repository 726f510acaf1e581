//! seqscape: simulate, show and record the spiking network of Spreizer, Aertsen & Kumar (2019),
//! "From space to time".

fn main() {
    std::process::exit(seqscape::cli::main());
}
