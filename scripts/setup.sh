#!/usr/bin/env bash
# Canteen: install whatever the build and the tests need and is missing.
#
#   scripts/setup.sh [GROUP...]     GROUP: rust web test browser node redis all (default: all)
#
#   rust     rustfmt, clippy and the wasm32-unknown-unknown target
#   web      rust + wasm-bindgen-cli (= the lockfile's wasm-bindgen) + trunk + node  (make serve, make size)
#   node     the npm devDependencies (binaryen's wasm-opt, playwright-core, axe-core) via npm ci
#   browser  Debian's chromium and chromium-driver, and fonts-noto-cjk (the 中文 page's glyphs in
#            headless screenshots)
#   redis    Debian's redis-server and redis-tools (canteen live's embedded server, the live tests,
#            redis-benchmark)
#   test     everything make test needs: web + wasm-pack + browser + redis
#
# Idempotent: it checks each tool (and its version) and installs only what is missing,
# saying what it does; when everything is present it prints nothing.
# Nothing here downloads from outside the package registries (crates.io, npm, Debian).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Pinned tool versions. trunk 0.22 needs a newer rustc than the machines have.
TRUNK_VERSION="0.21.14"
WASM_PACK_VERSION="0.15.1"
WASM_TARGET="wasm32-unknown-unknown"

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$ROOT/node_modules/.bin:$CARGO_BIN:$PATH"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# Run a command and report how long it took.
timed() {
    local start=$SECONDS
    "$@"
    say "  done in $((SECONDS - start)) s: $*"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

# The exact wasm-bindgen version in Cargo.lock (the CLI must match it exactly).
lockfile_wasm_bindgen_version() {
    awk '
        $0 == "[[package]]" { name = "" }
        $1 == "name" && $3 == "\"wasm-bindgen\"" { name = "wasm-bindgen" }
        $1 == "version" && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}

# "$1 --version" prints "<name> <version> ..."; print the version, or nothing.
tool_version() {
    command -v "$1" >/dev/null 2>&1 || return 0
    "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true
}

APT_UPDATED=""
apt_install() {
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    timed as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

setup_rust() {
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install the Rust toolchain with rustup first"
    command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the $WASM_TARGET target"
    local comp
    for comp in rustfmt clippy; do
        if ! rustup component list --installed 2>/dev/null | grep -q "^${comp}"; then
            say "rustup component add $comp"
            timed rustup component add "$comp"
        fi
    done
    if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
        say "rustup target add $WASM_TARGET"
        timed rustup target add "$WASM_TARGET"
    fi
}

setup_wasm_bindgen() {
    local want have
    want="$(lockfile_wasm_bindgen_version)"
    [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock (run cargo generate-lockfile?)"
    have="$(tool_version wasm-bindgen)"
    local runner
    runner="$(tool_version wasm-bindgen-test-runner)"
    if [ "$have" != "$want" ] || [ "$runner" != "$want" ]; then
        say "cargo install wasm-bindgen-cli --version =$want (found: ${have:-none})"
        timed cargo install wasm-bindgen-cli --version "=$want" --force
    fi
}

setup_trunk() {
    local have
    have="$(tool_version trunk)"
    if [ "$have" != "$TRUNK_VERSION" ]; then
        say "cargo install --locked trunk --version $TRUNK_VERSION (found: ${have:-none}; takes 7 min or more)"
        timed cargo install --locked trunk --version "$TRUNK_VERSION" --force
    fi
}

setup_wasm_pack() {
    local have
    have="$(tool_version wasm-pack)"
    if [ "$have" != "$WASM_PACK_VERSION" ]; then
        say "cargo install --locked wasm-pack --version $WASM_PACK_VERSION (found: ${have:-none})"
        timed cargo install --locked wasm-pack --version "$WASM_PACK_VERSION" --force
    fi
}

setup_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    # npm records what it installed in node_modules/.package-lock.json: when that is newer
    # than package.json and package-lock.json, and the tools are there, nothing to do.
    local stamp=node_modules/.package-lock.json
    if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ] \
        && [ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ]; then
        return 0
    fi
    if [ -f package-lock.json ]; then
        say "npm ci"
        timed npm ci --no-audit --no-fund --loglevel=error
    else
        say "npm install (no package-lock.json yet)"
        timed npm install --no-audit --no-fund --loglevel=error
    fi
    touch "$stamp"
}

setup_browser() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    # Without a CJK font headless Chromium draws the 中文 page as boxes.
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

setup_redis() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

[ "$#" -gt 0 ] || set -- all
want_rust="" want_web="" want_node="" want_browser="" want_wasm_pack="" want_redis=""
for group in "$@"; do
    case "$group" in
        rust) want_rust=1 ;;
        node) want_node=1 ;;
        browser) want_browser=1 ;;
        redis) want_redis=1 ;;
        web) want_rust=1 want_web=1 want_node=1 ;;
        test | all) want_rust=1 want_web=1 want_node=1 want_browser=1 want_wasm_pack=1 want_redis=1 ;;
        *) die "unknown group '$group' (rust web node browser redis test all)" ;;
    esac
done

# Cheap checks and apt first; the long cargo installs last.
[ -z "$want_rust" ] || setup_rust
[ -z "$want_browser" ] || setup_browser
[ -z "$want_redis" ] || setup_redis
[ -z "$want_node" ] || setup_node
[ -z "$want_web" ] || setup_wasm_bindgen
[ -z "$want_wasm_pack" ] || setup_wasm_pack
[ -z "$want_web" ] || setup_trunk
exit 0
