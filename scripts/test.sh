#!/usr/bin/env bash
# Runs every test: core unit and integration tests, CLI tests, the check that the generated
# TypeScript bindings are committed, UI tests (Vitest), and the end-to-end tests that drive
# the real built app under Xvfb. Screenshots land in target/e2e-screens/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "==> cargo test (core, CLI)"
cargo test -p downtime-core -p downtime-recon -p downtime-cli

# With the feature the app is built with: the test build of the shell replaces target/debug/downtime-desk,
# which the end-to-end tests then drive with its bundled UI.
echo "==> cargo test (the Tauri shell on the mock runtime: capabilities, roles through IPC, one window per file)"
cargo test -p downtime-desk --features custom-protocol

echo "==> generated bindings are committed"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings differs from what ts-rs generates: run 'cargo test -p downtime-core' and commit." >&2
  exit 1
fi

echo "==> vitest (ui/)"
(cd ui && npm test)

echo "==> end-to-end (real app, tauri-driver, Xvfb)"
rm -rf target/e2e-screens
xvfb-run -a -s "-screen 0 1920x1080x24" cargo test -p downtime-e2e -- --test-threads=1
echo "Screenshots: target/e2e-screens/"
