#!/usr/bin/env bash
# Installs what Downtime Desk needs on a fresh Debian/Ubuntu machine and builds it:
# system packages (apt), tauri-driver (crates.io), the UI's npm packages, the UI bundle,
# the desktop app and the CLI. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev xvfb xauth
  webkit2gtk-driver poppler-utils zbar-tools sqlite3 fonts-noto-cjk nodejs npm python3 python3-venv
  cups cups-client printer-driver-cups-pdf xdotool)
missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere (nvm, NodeSource): a working command is enough.
  case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;;
    python3) command -v python3 >/dev/null && continue ;;
    python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Receipts are printed through a real CUPS PDF queue in the tests; machines without a service
# manager (CI containers) get the scheduler started here.
if ! LC_ALL=C lpstat -r 2>/dev/null | grep -q "scheduler is running"; then
  echo "==> cupsd"
  $SUDO cupsd || echo "cupsd did not start: the printing test will say why" >&2
fi

if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "Node.js 20 or newer is needed to build the window (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if ! command -v cargo >/dev/null; then
  echo "Rust (cargo) is missing: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

driver="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
if [ ! -x "$driver" ]; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

# The independent FHIR R4 validator the export's tests run (fhir.resources 6.4 carries the R4
# models; 7.x and later are R4B/R5). Kept under target/ beside the other build products.
venv=target/fhir-venv
if ! "$venv/bin/python" -c 'import fhir.resources' 2>/dev/null; then
  echo "==> FHIR validator (fhir.resources 6.4.0) in $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "fhir.resources==6.4.0" "pydantic<2"
fi

echo "==> npm ci (ui/)"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
echo "==> npm run build (ui/)"
(cd ui && npm run build)

echo "==> cargo build (app with the bundled UI, and the CLI)"
cargo build -p downtime-desk --features custom-protocol
cargo build -p downtime-cli
