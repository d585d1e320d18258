# replscope — the commands a person runs. Each one installs what is missing
# first (scripts/setup.sh is idempotent and quick when all is present).
#
#   make serve   build and serve the playground on http://127.0.0.1:$(PORT)
#   make test    every test suite: Rust, wasm in Chromium, page unit + e2e
#   make dist    a static site in dist/ that works from any sub-path
#   make lint    rustfmt, clippy and scripts/check-layout.sh (file and function
#                sizes, module cycles), as CI's reviewers expect them
#   make bench   replscope vs a real redis-server 7.0.15, native, wasm and the page (~5 min plus builds)
#   make soak    10,000 seeded fault schedules, then 1,000 differential seeds vs real Redis
#   make fuzz    the four cargo-fuzz targets, 10 million runs each (nightly)

PORT ?= 8080
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

WASM_PKG := www/pkg
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: setup wasm page serve test test-rust test-wasm test-web dist lint bench soak fuzz clean

setup:
	@bash scripts/setup.sh

# The wasm package the page imports (www/pkg, generated, not committed),
# built with the page's size-first profile (`[profile.wasm-page]` in Cargo.toml).
wasm: setup
	wasm-pack --log-level warn build --profile wasm-page --target web --out-dir $(abspath $(WASM_PKG)) --no-pack

page: wasm
	cd www && npx vite build --logLevel warn

serve: page
	@echo "replscope playground: http://127.0.0.1:$(PORT)/"
	cd www && npx vite preview --host 127.0.0.1 --port $(PORT) --strictPort

test: setup test-rust test-wasm test-web

test-rust:
	cargo test

# wasm_bindgen_test in a real headless Chromium (Debian's, through chromedriver).
test-wasm:
	wasm-pack test --release --headless --chrome -- --test web

test-web: page
	cd www && npm run --silent typecheck && npm run --silent test:unit && npm run --silent test:e2e

dist: page
	rm -rf dist && cp -r www/dist dist
	@echo "static site in dist/ (relative asset paths: serve it from any sub-path)"

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	bash scripts/check-layout.sh

WASM_BENCH_PKG := $(abspath target/wasm-bench-pkg)

# The wasm column runs the same workload code compiled to wasm under Node
# (bench/wasm, --target nodejs); the table is printed and saved to
# bench/results/compare.txt. BENCH_QUICK=1 shrinks every size 10x.
# Then the page's own benchmark: asset size, time to interactive, and p95
# frame time with 32 nodes and 2,000 writes/s, in headless Chromium, and the
# wasm boundary: the per-frame snapshot as a JSON string vs serde-wasm-bindgen.
bench: page
	wasm-pack --log-level warn build --release --target nodejs --out-dir $(WASM_BENCH_PKG) --no-pack bench/wasm
	REPLSCOPE_WASM_PKG=$(WASM_BENCH_PKG) cargo bench --bench compare
	cd www && node bench/frame-bench.mjs

# The short versions (400 simulator seeds, 30 differential seeds) run inside
# `cargo test` as tests/soak.rs and tests/differential.rs. The differential
# run starts real redis-server processes; it runs in the test profile, since
# its time goes to the real servers, not to the simulator.
soak:
	SOAK_SEEDS=$${SOAK_SEEDS:-10000} cargo test --release --test soak -- --ignored soak_long --nocapture
	DIFF_SEEDS=$${DIFF_SEEDS:-1000} DIFF_THREADS=$${DIFF_THREADS:-16} cargo test --test differential -- --ignored diff_long --nocapture

fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	bash fuzz/run.sh

clean:
	cargo clean
	rm -rf dist www/dist $(WASM_PKG)
