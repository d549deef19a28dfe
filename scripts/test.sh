#!/usr/bin/env bash
# One command from a fresh clone to every test: install (Bun, packages, browsers), then the
# type check, the server and end-to-end tests (bun test) and the component tests in Chromium
# and Firefox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$(npm prefix -g)/bin:$PATH"

log=$(mktemp -d)
echo "== type check"
bun run typecheck
echo "== server and end-to-end tests"
bun test 2>&1 | tee "$log/bun.txt"
echo "== component tests in Chromium and Firefox"
bun run test:browser 2>&1 | tee "$log/browser.txt"

# One closing line for both runners (each has already failed the script if a test failed).
count() { grep -aoE "$1" "$2" | tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
# The component runner's last progress line of each browser ("Firefox: |…| 6/6 test files | 55 passed, 0 failed").
browsers() {
  for b in Chrome Firefox; do
    grep -aoE "$b: +\|[^|]*\| [0-9/]+ test files \| [0-9]+ passed, [0-9]+ failed" "$log/browser.txt" | tail -n 1 | grep -oE "[0-9]+ $1" | grep -oE '[0-9]+'
  done | awk '{ n += $1 } END { print n + 0 }'
}
passed=$(( $(count '^ *[0-9]+ pass' "$log/bun.txt") + $(browsers passed) ))
failed=$(( $(count '^ *[0-9]+ fail' "$log/bun.txt") + $(browsers failed) ))
echo "all tests: $passed passed, $failed failed"
