#!/usr/bin/env bash
# One command from a fresh clone to a running site (production build): install, then start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$(npm prefix -g)/bin:$PATH"
exec bun run start
