#!/usr/bin/env bash
# One command from a fresh clone to every test: install (Bun, packages, Chromium), then the
# type check, the server and end-to-end tests (bun test) and the component tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$(npm prefix -g)/bin:$PATH"

echo "== type check"
bun run typecheck
echo "== server and end-to-end tests"
bun test
echo "== component tests in Chromium"
bun run test:browser
