"""What do your LangChain calls cost? ``AegisCostCallbackHandler`` on plain chat models.

The handler needs no router: attach it as a callback to any LangChain chat
model and it prices each call from the answer's ``usage_metadata``, summed
per provider. Prices come from ``pricing`` in the config (by model name),
else from the built-in table; local Ollama models are free.

- With a base URL (``--base-url``, or the ``openai`` provider's ``base_url``
  in the config) it calls ``ChatOpenAI`` from ``langchain-openai`` there.
- Without one it needs no network at all: a ``GenericFakeChatModel`` that
  reports usage like ``gpt-4o-mini`` stands in.
- With the ``local_ollama`` provider's ``base_url`` set it also calls
  ``ChatOllama``, to show a local provider's row at $0.

Run it::

    python examples/cost_report.py                                          # offline
    OPENAI_API_KEY=sk-... python examples/cost_report.py --base-url https://api.openai.com/v1
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from pydantic import SecretStr

from langchain_aegis import AegisCostCallbackHandler, AegisError, load_config
from langchain_aegis.config.models import ProviderConfig

DEFAULT_CONFIG = Path(__file__).parent / "config" / "cost_report.yml"

PROMPTS = [
    "Summarize the liability clause of the Acme supply contract in two sentences.",
    "List three risks of late delivery under the Globex framework agreement.",
    "Write a short status update about the Hamburg warehouse inventory.",
]


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def offline_model(model: str, calls: int) -> BaseChatModel:
    """A stand-in that answers like ``model`` would, with usage, and sends nothing anywhere."""
    usage = {"input_tokens": 1200, "output_tokens": 350, "total_tokens": 1550}
    replies = [
        AIMessage(f"(offline answer {i + 1})", usage_metadata=usage, response_metadata={"model_name": model})
        for i in range(calls)
    ]
    return GenericFakeChatModel(messages=iter(replies))


def models_to_run(
    openai: ProviderConfig, local: ProviderConfig | None, base_url: str | None
) -> list[tuple[Any, str, str]]:
    """The models to call: (model, provider name to file it under or '', description)."""
    models: list[tuple[Any, str, str]] = []
    if base_url and _installed("langchain_openai"):
        from langchain_openai import ChatOpenAI

        key = openai.api_key or SecretStr("not-needed")  # local OpenAI-compatible servers need none
        # ChatOpenAI reports ls_provider="openai" itself; no label needed.
        chat = ChatOpenAI(model=openai.model, base_url=base_url, api_key=key, temperature=0, max_retries=1)
        models.append((chat, "", f"ChatOpenAI {openai.model} at {base_url}"))
    else:
        # The fake's own provider name would be "genericfakechatmodel"; aegis_provider files it under openai.
        models.append((offline_model(openai.model, len(PROMPTS)), "openai", f"offline stand-in for {openai.model}"))
    if local is not None and local.base_url and _installed("langchain_ollama"):
        from langchain_ollama import ChatOllama

        chat_ollama = ChatOllama(model=local.model, base_url=local.base_url, temperature=0)
        models.append((chat_ollama, "", f"ChatOllama {local.model} at {local.base_url}"))
    return models


def print_table(costs: AegisCostCallbackHandler) -> None:
    """One row per provider, and the total."""
    print(f"{'provider':<14}{'calls':>6}{'input tok':>11}{'output tok':>12}{'cost USD':>12}")
    for provider, t in sorted(costs.totals.items()):
        print(f"{provider:<14}{t.calls:>6}{t.input_tokens:>11}{t.output_tokens:>12}{t.total_cost:>12.6f}")
    print(f"{'total':<14}{'':>29}{costs.total_cost:>12.6f}")


def main(argv: list[str] | None = None) -> int:
    """Call the models with the cost handler attached and print the per-provider table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="providers and prices (YAML)")
    parser.add_argument("--base-url", help="an OpenAI-compatible API base, e.g. https://api.openai.com/v1")
    args = parser.parse_args(argv)

    try:
        cfg = load_config(args.config)
    except AegisError as exc:
        print(f"error: {exc}")
        return 1
    if "openai" not in cfg.providers:
        print(f"error: {args.config}: needs a provider named 'openai'")
        return 1
    openai, local = cfg.providers["openai"], cfg.providers.get("local_ollama")
    base_url = args.base_url or openai.base_url
    if base_url and not _installed("langchain_openai"):
        print("note: langchain-openai is not installed; using the offline stand-in")

    # Config prices win over the built-in table (they are keyed by model name).
    pricing = {p.model: p.pricing for p in cfg.providers.values() if p.pricing is not None}
    costs = AegisCostCallbackHandler(pricing=pricing)
    for model, label, description in models_to_run(openai, local, base_url):
        print(f"{len(PROMPTS)} prompts -> {description}")
        config: RunnableConfig = {"callbacks": [costs]}
        if label:
            config["metadata"] = {"aegis_provider": label}
        try:
            for prompt in PROMPTS:
                model.invoke(prompt, config=config)
        except Exception as exc:  # any client's error: report it and stop, as a script should
            print(f"error: {description}: {type(exc).__name__}: {exc}")
            return 1

    print_table(costs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
