#!/usr/bin/env bash
# One command from a fresh clone to every test: install (Bun, packages, Chromium), then the
# type check, the server and end-to-end tests (bun test) and the component tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$(npm prefix -g)/bin:$PATH"

log=$(mktemp -d)
echo "== type check"
bun run typecheck
echo "== server and end-to-end tests"
bun test 2>&1 | tee "$log/bun.txt"
echo "== component tests in Chromium"
bun run test:browser 2>&1 | tee "$log/browser.txt"

# One closing line for both runners (each has already failed the script if a test failed).
count() { grep -aoE "$1" "$2" | tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
passed=$(( $(count '^ *[0-9]+ pass' "$log/bun.txt") + $(count '[0-9]+ passed' "$log/browser.txt") ))
failed=$(( $(count '^ *[0-9]+ fail' "$log/bun.txt") + $(count '[0-9]+ failed' "$log/browser.txt") ))
echo "all tests: $passed passed, $failed failed"
