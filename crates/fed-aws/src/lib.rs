//! fed-aws.
