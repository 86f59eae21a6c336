# fed-broker's container image: `docker build -t fed-broker .` at the workspace root.
#
# The image holds the one binary, runs as an unprivileged user, and reads its configuration
# from /etc/fed-broker/broker.toml (mount it, with the entitlements file beside it). Secrets
# come from the environment variables the configuration names. See docs/broker.md.

# At least the workspace's rust-version (Cargo.toml).
ARG RUST_VERSION=1.95

FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY . .
# The registry and the target directory are cached between builds; the binary is copied out
# of the cache mount.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p fed-broker --bin fed-broker \
    && cp target/release/fed-broker /usr/local/bin/fed-broker

# glibc, libgcc and the CA certificates that the AWS SDK and the OpenID Connect client trust;
# no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/fed-broker /usr/local/bin/fed-broker
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/fed-broker"]
CMD ["serve", "--config", "/etc/fed-broker/broker.toml"]
