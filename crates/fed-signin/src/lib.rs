//! fed-signin.
