"""Keep the user documentation honest: every name it must cover is read from the code.

- every config field (recursively from ``AegisConfig``) is in docs/configuration.md, and the
  default its table states is the default in the pydantic model;
- every YAML example in the docs that is a config (has ``providers:``) loads with
  ``parse_config(env={})``, and config fragments load on top of a base config;
- every Prometheus metric, alert rule and failure kind is in docs/operations.md;
- every exception class in ``langchain_aegis.errors`` is in docs/errors.md;
- every ``aegis`` subcommand and option is in docs/cli.md;
- every detector entity type is in docs/privacy.md;
- every ``console`` session in the docs and README is run against the shipped config and prints
  exactly what the docs show (sessions that need live servers or invented ledger state are
  skipped, each with its reason in ``NOT_RUN``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from langchain_aegis import errors
from langchain_aegis.config.loading import parse_config
from langchain_aegis.config.models import AegisConfig

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DOC_FILES = ("configuration.md", "privacy.md", "operations.md", "cli.md", "errors.md", "quality.md")


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _ticked(name: str, text: str) -> bool:
    """Whether ``name`` appears in ``text`` as inline code (alone or as the start of a code span)."""
    return re.search(rf"`{re.escape(name)}(`|[\s(=:\[])", text) is not None


# -- config models --------------------------------------------------------------


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a field annotation (``X | None``, ``dict[str, X]``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _all_models(root: type[BaseModel] = AegisConfig) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            todo += _models_in(field.annotation)
    return seen


MODELS = _all_models()
FIELDS = sorted({(m.__name__, name) for m in MODELS for name in m.model_fields})


def test_models_are_found() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"AegisConfig", "ProviderConfig", "Pricing", "BudgetsConfig", "RoutingConfig", "RuleConfig"} <= names
    assert {"MatchConfig", "RolloutConfig", "PrivacyConfig", "ResilienceConfig"} <= names


@pytest.mark.parametrize(("model", "field"), FIELDS)
def test_every_config_field_is_documented(model: str, field: str) -> None:
    assert _ticked(field, _doc("configuration.md")), f"{model}.{field} is not in docs/configuration.md"


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` inside a cell is not a separator."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def _key_tables(text: str) -> list[dict[str, str]]:
    """Markdown tables whose header starts with ``key`` and has a ``default`` column: key -> default cell."""
    tables: list[dict[str, str]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = _cells(line)
        if not line.startswith("|") or cells[0] != "key" or "default" not in cells:
            continue
        col = cells.index("default")
        rows: dict[str, str] = {}
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            parts = _cells(row)
            key = parts[0].strip("`")
            rows[key] = parts[col] if col < len(parts) else ""
        tables.append(rows)
    return tables


def _default_literals(value: Any) -> set[str]:
    if isinstance(value, bool):
        return {f"`{str(value).lower()}`"}
    if isinstance(value, str):
        return {f'`"{value}"`', f"`{value}`"}
    if isinstance(value, int | float):
        return {f"`{value!r}`", f"`{value}`"}
    if isinstance(value, list):
        return {f"`{json.dumps(value)}`"}
    if isinstance(value, dict) and not value:
        return {"`{}`"}
    return set()


def _field_default(model: type[BaseModel], field: str) -> tuple[bool, Any]:
    info = model.model_fields[field]
    if info.default is not PydanticUndefined:
        return False, info.default
    if info.default_factory is not None:
        return False, info.default_factory()  # type: ignore[call-arg]
    return True, None


@pytest.mark.parametrize(("model", "field"), FIELDS)
def test_documented_defaults_match_the_models(model: str, field: str) -> None:
    cls = next(m for m in MODELS if m.__name__ == model)
    required, default = _field_default(cls, field)
    cells = [t[field] for t in _key_tables(_doc("configuration.md")) if field in t]
    assert cells, f"{model}.{field} has no row in a key/default table of docs/configuration.md"
    if required:
        assert any("required" in c for c in cells), f"{model}.{field} is required; the table says {cells}"
        return
    if isinstance(default, BaseModel):
        assert any("`{}`" in c or "default" in c for c in cells), f"{model}.{field}: {cells}"
        return
    if default is None:
        assert any("unset" in c for c in cells), f"{model}.{field} defaults to unset; the table says {cells}"
        return
    literals = _default_literals(default)
    assert literals, f"no literal form for the default of {model}.{field}: {default!r}"
    assert any(lit in c for c in cells for lit in literals), (
        f"{model}.{field} defaults to {default!r}; docs/configuration.md says {cells}"
    )


# -- YAML examples ----------------------------------------------------------------

_FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)

BASE_PROVIDERS = {
    "local_ollama": {"type": "ollama", "model": "gemma-3-4b-it-Q8_0", "locality": "local"},
    "ollama_cloud": {"type": "ollama", "base_url": "https://ollama.com", "model": "gpt-oss:120b", "locality": "cloud"},
    "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud"},
}


def _yaml_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for name in DOC_FILES:
        text = _doc(name)
        for m in _FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            blocks.append((name, line, m.group(1)))
    return blocks


YAML_BLOCKS = _yaml_blocks()


def test_configuration_has_config_examples() -> None:
    configs = [b for b in YAML_BLOCKS if b[0] == "configuration.md" and "providers" in (yaml.safe_load(b[2]) or {})]
    assert len(configs) >= 10


@pytest.mark.parametrize(("doc", "line", "block"), YAML_BLOCKS, ids=[f"{d}:{n}" for d, n, _ in YAML_BLOCKS])
def test_yaml_examples_load(doc: str, line: int, block: str) -> None:
    data = yaml.safe_load(block)
    assert isinstance(data, dict), f"{doc}:{line}: a YAML example should be a mapping"
    if "providers" in data:
        parse_config(data, source=f"{doc}:{line}", env={})
    elif set(data) <= set(AegisConfig.model_fields):
        # A fragment of a config: it must load on top of the standard three providers.
        parse_config({"providers": BASE_PROVIDERS, **data}, source=f"{doc}:{line}", env={})


def test_example_config_file_loads() -> None:
    from langchain_aegis.config.loading import load_config

    load_config(ROOT / "config" / "llm_config.yml", env={})


# -- AegisChatModel arguments ---------------------------------------------------------


def test_every_chat_model_argument_is_documented() -> None:
    from langchain_core.language_models import BaseChatModel

    from langchain_aegis import AegisChatModel

    own = set(AegisChatModel.model_fields) - set(BaseChatModel.model_fields)
    text = _doc("configuration.md")
    missing = sorted(name for name in own if not _ticked(name, text))
    assert not missing, f"AegisChatModel arguments missing from docs/configuration.md: {missing}"


def test_built_in_prices_are_documented() -> None:
    from langchain_aegis.budget.pricing import PRICE_TABLE

    text = _doc("configuration.md")
    for model, price in PRICE_TABLE.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{model}` |")), None)
        assert row is not None, f"{model} is missing from the price table in docs/configuration.md"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[1]) == price.input, row
        assert float(cells[2]) == price.output, row
        cached = None if cells[3] == "-" else float(cells[3])
        assert cached == price.cached_input, row


# -- metrics, alerts, failure kinds ------------------------------------------------------


def _exposed_metric_names() -> list[str]:
    from prometheus_client import CollectorRegistry

    from langchain_aegis.observability.metrics import AegisMetrics

    registry = CollectorRegistry()
    AegisMetrics(registry)
    # prometheus_client strips ``_total`` from counter family names; the series carry it.
    return [f.name + "_total" if f.type == "counter" else f.name for f in registry.collect()]


def test_every_metric_is_documented() -> None:
    names = _exposed_metric_names()
    assert len(names) >= 9
    text = _doc("operations.md")
    missing = [n for n in names if not _ticked(n, text)]
    assert not missing, f"metrics missing from docs/operations.md: {missing}"


def test_every_alert_rule_is_documented() -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "aegis-alerts.yml").read_text(encoding="utf-8"))
    text = _doc("operations.md")
    names = [r.get("alert") or r.get("record") for g in rules["groups"] for r in g["rules"]]
    missing = [n for n in names if not _ticked(n, text)]
    assert not missing, f"alert or recording rules missing from docs/operations.md: {missing}"


def test_every_failure_kind_is_documented() -> None:
    from langchain_aegis.dispatch.retry import FALLBACK_KINDS, RETRY_KINDS

    text = _doc("operations.md")
    kinds = FALLBACK_KINDS | RETRY_KINDS | {"invalid_request", "content_filter", "unknown"}
    missing = sorted(k for k in kinds if not _ticked(k, text))
    assert not missing, f"failure kinds missing from docs/operations.md: {missing}"


# -- errors ------------------------------------------------------------------------


def _error_classes() -> list[type[BaseException]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__ == errors.__name__
    ]


def test_every_exception_is_documented() -> None:
    classes = _error_classes()
    assert len(classes) >= 9
    text = _doc("errors.md")
    missing = [c.__name__ for c in classes if not _ticked(c.__name__, text)]
    assert not missing, f"exceptions missing from docs/errors.md: {missing}"


def test_documented_tree_matches_the_hierarchy() -> None:
    text = _doc("errors.md")
    tree = text[text.index("```text") : text.index("```", text.index("```text") + 3)]
    for cls in _error_classes():
        if cls is errors.AegisError:
            continue
        parent = next(b for b in cls.__mro__[1:] if b.__module__ == errors.__name__)
        line = next(ln for ln in tree.splitlines() if re.search(rf"\b{cls.__name__}\b", ln))
        depth = len(line) - len(line.lstrip("│├└─ "))
        parent_line = next(ln for ln in tree.splitlines() if re.search(rf"\b{parent.__name__}\b", ln))
        parent_depth = len(parent_line) - len(parent_line.lstrip("│├└─ "))
        assert depth > parent_depth, f"{cls.__name__} should sit under {parent.__name__} in the tree"


# -- CLI ---------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "aegis") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix} {name}"
                found.append((path, sub))
                found += _subcommands(sub, path)
    return found


def test_every_cli_command_and_option_is_documented() -> None:
    from langchain_aegis.cli import build_parser

    parser = build_parser()
    commands = _subcommands(parser)
    assert {"aegis check", "aegis explain", "aegis budget", "aegis rollout status", "aegis demo"} <= {
        c for c, _ in commands
    }
    text = _doc("cli.md")
    for command, sub in [("aegis", parser), *commands]:
        assert command in text, f"{command!r} is missing from docs/cli.md"
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in text, f"{command} {option} is missing from docs/cli.md"


# -- privacy -----------------------------------------------------------------------


def test_every_entity_type_is_documented() -> None:
    from langchain_aegis.privacy import ENTITY_TYPES

    text = _doc("privacy.md")
    missing = [e for e in ENTITY_TYPES if not _ticked(e, text)]
    assert not missing, f"entity types missing from docs/privacy.md: {missing}"


def test_privacy_tracing_modes_are_documented() -> None:
    from langchain_aegis.config.models import PrivacyConfig

    modes = typing.get_args(PrivacyConfig.model_fields["tracing"].annotation)
    text = _doc("privacy.md")
    assert modes
    assert all(_ticked(m, text) for m in modes)
    from langchain_aegis.privacy.trace_shield import HIDDEN

    assert HIDDEN in text


def test_docs_link_to_each_other_only_where_anchors_exist() -> None:
    anchors: dict[str, set[str]] = {}
    for name in DOC_FILES:
        heads = re.findall(r"^#+ (.+)$", _doc(name), re.MULTILINE)
        anchors[name] = {_slug(h) for h in heads}
    for name in DOC_FILES:
        for target, anchor in re.findall(r"\]\(([a-z]+\.md)?#([^)]+)\)", _doc(name)):
            doc = target or name
            assert anchor in anchors[doc], f"{name}: link to {doc}#{anchor} has no such heading"


def _slug(heading: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# -- documented console sessions are run and compared ------------------------------------------

_CONSOLE = re.compile(r"^```console[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)

NOT_RUN = {
    "aegis check": "probes live providers: the output shows ports, latencies and DNS errors of one machine",
    "aegis budget": "reads a ledger holding a month of spend that the docs invent",
    "aegis rollout": "reads and writes rollout state in a ledger that the docs invent",
    "aegis demo": "runs the ~60 s demo; tests/integration_tests/test_demo.py checks its report",
    "aegis eval": "calls scripted loopback providers; tests/integration_tests/test_eval_e2e.py checks this table",
    "prometheus": "an external tool",
    "promtool": "an external tool",
}
"""Commands whose documented output is not reproduced here, and why."""

BAD_YML = """\
providers:
  local_ollama: {type: ollama, model: gemma-3-4b-it-Q8_0, locality: local}
  openai: {type: openai, api_key: "${OPENAI_API_KEY}", model: gpt-4o-mini, locality: cloud}
"""


def _sessions() -> list[tuple[str, int, list[tuple[str, str]]]]:
    """Every console block as (doc, line, [(command, expected output), ...])."""
    found = []
    for path in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for match in _CONSOLE.finditer(text):
            steps: list[tuple[str, list[str]]] = []
            for line in match.group(1).splitlines():
                if line.startswith("$ "):
                    steps.append((line[2:], []))
                elif steps:
                    steps[-1][1].append(line)
            line_no = text[: match.start()].count("\n") + 1
            found.append((path.name, line_no, [(cmd, "\n".join(out).strip()) for cmd, out in steps]))
    return found


SESSIONS = _sessions()


def test_console_sessions_are_found() -> None:
    assert any(cmd.startswith("aegis explain") for _, _, steps in SESSIONS for cmd, _ in steps)


def _run(command: str, cwd: Path) -> tuple[str, int]:
    import os
    import shlex
    import subprocess
    import sys

    argv = shlex.split(command)
    assert argv[0] == "aegis", command
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "OLLAMA_", "AEGIS_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "200"
    done = subprocess.run(
        [sys.executable, "-m", "langchain_aegis.cli", *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return (done.stdout + done.stderr).strip(), done.returncode


@pytest.mark.parametrize(("doc", "line", "steps"), SESSIONS, ids=[f"{d}:{n}" for d, n, _ in SESSIONS])
def test_console_examples_print_what_the_docs_show(
    doc: str, line: int, steps: list[tuple[str, str]], tmp_path: Path
) -> None:
    """Each documented ``aegis`` session, run against the shipped config, prints what the docs show."""
    first = steps[0][0]
    reason = next((why for prefix, why in NOT_RUN.items() if first.startswith(prefix)), None)
    if reason is not None:
        pytest.skip(f"{first}: {reason}")
    import shutil

    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "bad.yml").write_text(BAD_YML, encoding="utf-8")
    code = 0
    for command, expected in steps:
        if command == "echo $?":
            assert str(code) == expected, f"{doc}:{line}: exit code of the previous command"
            continue
        output, code = _run(command, tmp_path)
        assert output == expected, f"{doc}:{line}: `{command}` printed:\n{output}"
