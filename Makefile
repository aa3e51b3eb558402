# Canteen: build, serve and test plumbing.
#
#   make serve   install what is missing, build the web app with trunk, serve it at http://127.0.0.1:8080
#   make test    install what is missing, then: fmt check, clippy (native and wasm32), cargo test,
#                wasm-pack browser tests (headless Chromium), end-to-end tests (Playwright)
#   make e2e     trunk release build into dist/, then the Playwright tests in tests/e2e/
#   make size    release build of the web app; print the .wasm size, raw and gzipped
#   make bench   cargo bench
#   make fmt     cargo fmt
#   make setup   only install what is missing (scripts/setup.sh)
#
# Nothing here downloads from outside the package registries: trunk runs offline and uses the
# wasm-bindgen (cargo install) and wasm-opt (npm binaryen) found on PATH; wasm-pack uses the
# wasm-bindgen-test-runner on PATH and Debian's chromedriver.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# make test runs its steps in the order given, even under -j.
.NOTPARALLEL:

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
# node_modules/.bin first: trunk must find binaryen's wasm-opt there, not another one.
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
# wasm-bindgen-test-runner: which WebDriver to start and which capabilities (Chromium flags) to ask for.
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON ?= $(CURDIR)/webdriver.json
# trunk: no update check (Trunk.toml has offline = true for its tool downloads).
export TRUNK_SKIP_VERSION_CHECK := true
# trunk reads NO_COLOR as a strict bool (NO_COLOR=1 makes it exit with "invalid value '1'"):
# hide it from trunk and ask for no colour the way trunk understands.
TRUNK := env -u NO_COLOR trunk$(if $(NO_COLOR), --color never,)

WASM_TARGET := wasm32-unknown-unknown
SETUP := bash scripts/setup.sh
DIST := dist
E2E_TESTS := $(sort $(wildcard tests/e2e/*.test.mjs))
SERVE_ADDRESS := 127.0.0.1
SERVE_PORT := 8080

.PHONY: help setup setup-rust setup-web setup-test fetch serve dist size test fmt fmt-check clippy clippy-wasm \
	test-native test-browser e2e bench clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

setup setup-test:
	@$(SETUP) test

setup-web:
	@$(SETUP) web

setup-rust:
	@$(SETUP) rust

# ---- web app ---------------------------------------------------------------------------------

# Trunk.toml's offline = true makes trunk run `cargo build --offline`: fetch the crates first.
fetch: setup-rust
	cargo fetch

serve: setup-web fetch
	$(TRUNK) serve --address $(SERVE_ADDRESS) --port $(SERVE_PORT)

# Release build (cargo profile `web`, wasm-opt -Oz) into dist/.
dist: setup-web fetch
	$(TRUNK) build --release --dist $(DIST)

size: dist
	@shopt -s nullglob; files=($(DIST)/*.wasm); \
	if [ "$${#files[@]}" -eq 0 ]; then echo "no .wasm in $(DIST)/" >&2; exit 1; fi; \
	for f in "$${files[@]}"; do \
		raw=$$(stat -c %s "$$f"); gz=$$(gzip -9 -c "$$f" | wc -c); \
		awk -v f="$$f" -v raw="$$raw" -v gz="$$gz" 'BEGIN { \
			printf "%s\n  raw:     %9d bytes  %8.1f KB\n  gzip -9: %9d bytes  %8.1f KB\n", f, raw, raw / 1024, gz, gz / 1024 }'; \
	done

# ---- tests -----------------------------------------------------------------------------------

test: setup-test fmt-check clippy clippy-wasm test-native test-browser e2e

fmt: setup-rust
	cargo fmt --all

fmt-check: setup-rust
	cargo fmt --all --check

clippy: setup-rust
	cargo clippy --all-targets -- -D warnings

# Benches are native-only (and may use native-only dev-dependencies), so not --all-targets here.
clippy-wasm: setup-rust
	cargo clippy --target $(WASM_TARGET) --lib --bins --tests --examples -- -D warnings

test-native: setup-rust
	cargo test

# Browser tests: tests/*.rs gated with #![cfg(target_arch = "wasm32")], run in headless Chromium.
# --mode no-install: fail rather than download anything; --chromedriver: Debian's, never a download.
test-browser: setup-test
	wasm-pack test --headless --chrome --chromedriver $(CHROMEDRIVER) --mode no-install

e2e: setup-test dist
	@if [ -z "$(E2E_TESTS)" ]; then echo "no tests/e2e/*.test.mjs" >&2; exit 1; fi
	node --test --test-concurrency=1 --test-timeout=180000 $(E2E_TESTS)

# ---- other -----------------------------------------------------------------------------------

bench: setup-rust
	cargo bench

clean:
	cargo clean
	rm -rf $(DIST) tests/e2e/out
