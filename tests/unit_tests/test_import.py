"""``import langchain_aegis`` stays light: any-llm (1.4 to 1.9 s to import) loads on the first call."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_package_does_not_import_heavy_dependencies() -> None:
    code = (
        "import sys, langchain_aegis\n"
        "heavy = [m for m in ('any_llm', 'openai', 'ollama', 'redis', 'prometheus_client', 'langgraph') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""
