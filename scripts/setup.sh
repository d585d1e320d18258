#!/usr/bin/env bash
# Installs what replscope's build and tests need — only what is missing, so a
# second run takes a second or two. Used by `make serve`, `make test` and CI,
# exactly as a new user runs it on a fresh Debian machine with Rust.
#
# Nothing here downloads a browser or a prebuilt binary: Chromium,
# ChromeDriver, wasm-opt (binaryen) and redis-server come from Debian's
# packages; wasm-pack and wasm-bindgen are built from crates.io; the page's
# packages come from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# The wasm-bindgen CLI must be exactly the version Cargo.toml pins with `=`.
wb_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
[ -n "$wb_version" ] || { echo "setup: no wasm-bindgen = \"=X\" pin in Cargo.toml" >&2; exit 1; }

# 1. Debian packages.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v wasm-opt >/dev/null || missing+=(binaryen)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Rust: the wasm target, wasm-pack and the matching wasm-bindgen CLI.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! command -v wasm-pack >/dev/null; then
  say "building wasm-pack (about 3 minutes, once)"
  cargo install wasm-pack
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "building wasm-bindgen-cli $wb_version (once)"
  # Without --locked: with it, resolution fails on this registry.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# 3. The page's npm packages, when package-lock.json is newer than the install.
if [ ! -f www/node_modules/.package-lock.json ] || [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then
  say "installing the page's npm packages"
  (cd www && npm ci --no-audit --no-fund)
fi
