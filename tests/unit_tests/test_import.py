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


def test_documented_import_paths_still_work() -> None:
    """Paths the docs name keep working after the move to concept folders (see CHANGELOG 0.3.0)."""
    import langchain_aegis.metrics as moved
    from langchain_aegis.budget import Ledger, open_ledger
    from langchain_aegis.config import AegisConfig, is_cloud_model, load_config, parse_config
    from langchain_aegis.observability import metrics
    from langchain_aegis.privacy import detect, redact_text, scan_messages
    from langchain_aegis.routing import RouteDecision

    assert moved.AegisMetrics is metrics.AegisMetrics
    assert set(moved.__all__) == set(metrics.__all__)
    for function in (open_ledger, load_config, parse_config, is_cloud_model, detect, redact_text, scan_messages):
        assert callable(function)
    assert Ledger.__name__ == "Ledger"
    assert AegisConfig.__name__ == "AegisConfig"
    assert RouteDecision.__module__ == "langchain_aegis.routing.policy"
