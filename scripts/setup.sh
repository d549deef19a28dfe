#!/usr/bin/env bash
# Installs what the project needs on a machine that has only Node and npm: Bun (from the
# npm registry) and the packages; with --browser also Chromium, which the tests drive.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.5
export PATH="$(npm prefix -g)/bin:$PATH"

if ! bun --version >/dev/null 2>&1; then
  echo "setup: installing Bun $BUN_VERSION from npm"
  npm install -g --allow-scripts=bun "bun@$BUN_VERSION" >/dev/null
  # A skipped postinstall leaves a placeholder that exits 1; its installer fetches nothing.
  bun --version >/dev/null 2>&1 || (cd "$(npm root -g)/bun" && node install.js >/dev/null)
fi

bun install --frozen-lockfile

if [ "${1:-}" = "--browser" ]; then
  chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "setup: installing Chromium (Debian package)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq chromium >/dev/null
    else
      echo "setup: the tests need Chromium at $chromium. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
      exit 1
    fi
  fi
fi
