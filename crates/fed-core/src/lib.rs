//! fed-core.
