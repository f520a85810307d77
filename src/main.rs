fn main() {
    std::process::exit(mlps::cli::main());
}
