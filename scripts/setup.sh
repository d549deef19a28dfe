#!/usr/bin/env bash
# Installs what the project needs on a machine that has only Node and npm: Bun (from the
# npm registry) and the packages; with --browser also what the tests drive (Chromium, Firefox
# ESR, coturn...).
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
  # What the tests drive for real: Chromium, Firefox ESR, coturn (TURN), redis-server
  # (several nodes), nginx (a proxy in front), nftables and iproute2 (network namespaces
  # whose packets a test drops).
  chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  firefox="${FIREFOX_PATH:-/usr/bin/firefox-esr}"
  missing=()
  [ -x "$chromium" ] || missing+=(chromium)
  [ -x "$firefox" ] || missing+=(firefox-esr)
  [ -x /usr/bin/turnserver ] || missing+=(coturn)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  command -v nft >/dev/null || missing+=(nftables)
  command -v ip >/dev/null || missing+=(iproute2)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "setup: installing ${missing[*]} (Debian packages)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: the tests need ${missing[*]}. Install them (Debian: sudo apt-get install ${missing[*]}), or set CHROMIUM_PATH / FIREFOX_PATH for the browsers." >&2
      exit 1
    fi
  fi
fi
