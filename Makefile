# Canteen: build, serve and test plumbing.
#
#   make serve   install what is missing, build the web app with trunk, serve it at http://127.0.0.1:8080
#   make test    install what is missing, then: fmt check, clippy (native and wasm32), cargo test,
#                wasm-pack browser tests (headless Chromium), the size gate, end-to-end tests (Playwright)
#   make e2e     trunk release build into dist/, then the Playwright tests in tests/e2e/
#   make size    release build of the web app; print the .wasm sizes; fail when the page's is over
#                250,000 bytes gzipped (or page + worker over 400,000)
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

# The size gate, in bytes of `gzip -9` output. 250 KB read as 250 × 1,000 bytes, the stricter.
PAGE_WASM_BUDGET := 250000
# With a web worker's wasm beside the page's: both together.
ALL_WASM_BUDGET := 400000

# Which wasm is the page's: the one trunk builds from index.html's <link data-trunk rel="rust"
# data-bin="canteen-web">, named dist/canteen-web-<hash>_bg.wasm; dist/index.html must load it.
# Any other .wasm in dist/ (a worker, built from its own data-bin, so named after another binary)
# counts toward ALL_WASM_BUDGET with the page's. Fails with one line when over either budget.
size: dist
	@shopt -s nullglob; pages=($(DIST)/canteen-web-*.wasm); all=($(DIST)/*.wasm); \
	if [ "$${#pages[@]}" -ne 1 ]; then \
		echo "size: expected one $(DIST)/canteen-web-*.wasm (the page's), found $${#pages[@]}" >&2; exit 1; fi; \
	page="$${pages[0]}"; \
	if ! grep -qF "$$(basename "$$page")" $(DIST)/index.html; then \
		echo "size: $(DIST)/index.html does not load $$page: which wasm is the page's?" >&2; exit 1; fi; \
	total=0; page_gz=0; \
	for f in "$${all[@]}"; do \
		raw=$$(stat -c %s "$$f"); gz=$$(gzip -9 -c "$$f" | wc -c); total=$$((total + gz)); \
		if [ "$$f" = "$$page" ]; then page_gz=$$gz; role="the page"; else role="a worker"; fi; \
		printf '%s (%s)\n  raw:     %9d bytes\n  gzip -9: %9d bytes\n' "$$f" "$$role" "$$raw" "$$gz"; \
	done; \
	if [ "$$page_gz" -gt $(PAGE_WASM_BUDGET) ]; then \
		echo "size: FAIL: the page's wasm is $$page_gz bytes gzipped, over its budget of $(PAGE_WASM_BUDGET) bytes by $$((page_gz - $(PAGE_WASM_BUDGET)))" >&2; exit 1; fi; \
	if [ "$${#all[@]}" -gt 1 ] && [ "$$total" -gt $(ALL_WASM_BUDGET) ]; then \
		echo "size: FAIL: the page's and the worker's wasm are $$total bytes gzipped together, over their budget of $(ALL_WASM_BUDGET) bytes by $$((total - $(ALL_WASM_BUDGET)))" >&2; exit 1; fi; \
	echo "size: ok: the page's wasm is $$page_gz bytes gzipped, $$(( $(PAGE_WASM_BUDGET) - page_gz )) under its budget of $(PAGE_WASM_BUDGET)"; \
	if [ "$${#all[@]}" -gt 1 ]; then \
		echo "size: ok: all wasm together is $$total bytes gzipped, $$(( $(ALL_WASM_BUDGET) - total )) under its budget of $(ALL_WASM_BUDGET)"; fi

# ---- tests -----------------------------------------------------------------------------------

# size before e2e: it fails fast, and make builds dist/ once for both.
test: setup-test fmt-check clippy clippy-wasm test-native test-browser size e2e

fmt: setup-rust
	cargo fmt --all

fmt-check: setup-rust
	cargo fmt --all --check

clippy: setup-rust
	cargo clippy --all-targets -- -D warnings

# Benches are native-only (and may use native-only dev-dependencies), so not --all-targets here.
# The page's release build leaves out the default `page-engine` feature: check that build too.
clippy-wasm: setup-rust
	cargo clippy --target $(WASM_TARGET) --lib --bins --tests --examples -- -D warnings
	cargo clippy --target $(WASM_TARGET) --lib --bins --no-default-features -- -D warnings

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
