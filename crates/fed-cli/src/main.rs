//! fed.
fn main() {}
