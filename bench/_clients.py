"""The contenders: every client under comparison, built against one fake server.

Each :class:`Contender` has a sync call, an async call and (where the client
streams) a sync stream, all sending the same one-message prompt to the same
server. A client that cannot be imported or built is kept with an ``error``
so the tables can say why its row is missing.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _harness import LONG_PROMPT

PROMPT = "Hello! Please summarise the key findings of the attached report in three bullet points."
"""The benchmark prompt: no personal data, so the detector runs to the end and finds nothing."""
OLLAMA_MODEL = "llama3.2"
OPENAI_MODEL = "gpt-4o-mini"
API_KEY = "sk-bench"


@dataclass
class Contender:
    """One client's way to make the benchmark call."""

    name: str
    call: Callable[[], Any] | None = None
    acall: Callable[[], Awaitable[Any]] | None = None
    stream: Callable[[str], Iterator[str]] | None = None
    """Yields the text of each content chunk for a prompt."""
    error: str | None = None
    note: str = ""


def _messages(prompt: str = PROMPT) -> list[dict[str, str]]:
    return [{"role": "user", "content": prompt}]


# -- Aegis configs ----------------------------------------------------------------


_TMP = Path(tempfile.mkdtemp(prefix="aegis-bench-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def aegis_config(
    protocol: str,
    origin: str,
    openai_base: str,
    *,
    features: bool,
    ledger_name: str = "ledger.db",
    detection: bool | None = None,
    ledger: str | None = None,
) -> Any:
    """The default four-rule config with the default provider speaking ``protocol``.

    With ``features`` the detector is on and the default provider is priced and
    capped on a SQLite ledger (so every call reserves and settles); without,
    detection is off and every provider is free and uncapped (no accounting).
    ``detection`` and ``ledger`` (``sqlite``, ``memory`` or ``none``) override
    one feature each, for the ablation in ``profile_call.py``.
    """
    from langchain_aegis.config.loading import parse_config

    detection = features if detection is None else detection
    ledger = ledger or ("sqlite" if features else "none")
    budgets = ledger != "none"
    price = {"input": 0.15, "output": 0.60} if budgets else {"input": 0.0, "output": 0.0}
    if protocol == "ollama":
        default = {"type": "ollama", "base_url": origin, "model": OLLAMA_MODEL, "locality": "local"}
        default_name = "local_ollama"
    else:
        default = {"type": "openai", "base_url": openai_base, "api_key": API_KEY, "model": OPENAI_MODEL}
        default = {**default, "locality": "local"}
        default_name = "local_openai"
    data: dict[str, Any] = {
        "providers": {
            default_name: {**default, "pricing": price},
            "ollama_cloud": {
                "type": "ollama",
                "base_url": origin,
                "model": "gpt-oss:120b",
                "locality": "cloud",
                "pricing": price,
            },
            "openai": {
                "type": "openai",
                "base_url": openai_base,
                "api_key": API_KEY,
                "model": OPENAI_MODEL,
                "locality": "cloud",
                "pricing": price,
            },
        },
        "privacy": {"detection": detection},
    }
    if budgets:
        url = f"sqlite://{_TMP / f'{protocol}-{ledger_name}'}" if ledger == "sqlite" else "memory://"
        data["budgets"] = {"monthly_limits": {default_name: 1e9, "openai": 80.0, "ollama_cloud": 120.0}, "ledger": url}
    return parse_config(data, source="<bench>")


def aegis_model(
    protocol: str, origin: str, openai_base: str, *, features: bool, metrics_on: bool | None = None, **overrides: Any
) -> Any:
    """An :class:`AegisChatModel` on ``protocol``, with every feature on or off (see :func:`aegis_config`)."""
    from langchain_aegis.chat_models import AegisChatModel

    cfg = aegis_config(protocol, origin, openai_base, features=features, **overrides)
    metrics = None
    if features if metrics_on is None else metrics_on:
        from prometheus_client import CollectorRegistry

        from langchain_aegis.observability.metrics import AegisMetrics

        metrics = AegisMetrics(CollectorRegistry())
    return AegisChatModel(config=cfg, metrics=metrics)


def _lc(model: Any, name: str) -> Contender:
    def stream(prompt: str) -> Iterator[str]:
        for chunk in model.stream(prompt):
            if chunk.content:
                yield chunk.content

    return Contender(name, lambda: model.invoke(PROMPT), lambda: model.ainvoke(PROMPT), stream)


# -- per protocol -------------------------------------------------------------------


def _build(name: str, factory: Callable[[], Contender]) -> Contender:
    try:
        contender = factory()
        contender.name = name
        return contender
    except Exception as exc:
        return Contender(name, error=f"{type(exc).__name__}: {exc}"[:300])


def _httpx(url: str, body: dict[str, Any], stream_lines: Callable[[bytes | str], str | None]) -> Contender:
    import httpx

    sync, asyn = httpx.Client(timeout=30), httpx.AsyncClient(timeout=30)

    def call() -> Any:
        return sync.post(url, json=body).json()

    async def acall() -> Any:
        return (await asyn.post(url, json=body)).json()

    def stream(prompt: str) -> Iterator[str]:
        with sync.stream("POST", url, json={**body, "messages": _messages(prompt), "stream": True}) as response:
            for line in response.iter_lines():
                if line and (text := stream_lines(line)):
                    yield text

    return Contender("", call, acall, stream)


def _ollama_line(line: bytes | str) -> str | None:
    return json.loads(line).get("message", {}).get("content") or None


def _openai_line(line: bytes | str) -> str | None:
    line = line.decode() if isinstance(line, bytes) else line
    if not line.startswith("data: ") or line == "data: [DONE]":
        return None
    choices = json.loads(line[6:]).get("choices") or []
    return (choices[0].get("delta") or {}).get("content") or None if choices else None


def _anyllm(provider: str, api_base: str, model: str, **kwargs: Any) -> Contender:
    from any_llm import AnyLLM

    sync = AnyLLM.create(provider, api_base=api_base, **kwargs)
    asyn = AnyLLM.create(provider, api_base=api_base, **kwargs)
    return Contender(
        "",
        lambda: sync.completion(model=model, messages=_messages()),
        lambda: asyn.acompletion(model=model, messages=_messages()),
    )


def _litellm_router(model: str, api_base: str, **params: Any) -> Any:
    import litellm
    from litellm import Router

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return Router(
        model_list=[{"model_name": "bench", "litellm_params": {"model": model, "api_base": api_base, **params}}],
        num_retries=0,
    )


def _litellm(model: str, api_base: str, **params: Any) -> Contender:
    router = _litellm_router(model, api_base, **params)

    def stream(prompt: str) -> Iterator[str]:
        for chunk in router.completion(model="bench", messages=_messages(prompt), stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content

    return Contender(
        "",
        lambda: router.completion(model="bench", messages=_messages()),
        lambda: router.acompletion(model="bench", messages=_messages()),
        stream,
    )


def _lc_litellm(model: str, api_base: str, **params: Any) -> Contender:
    from langchain_litellm import ChatLiteLLMRouter

    return _lc(ChatLiteLLMRouter(router=_litellm_router(model, api_base, **params), model_name="bench"), "")


def ollama_contenders(origin: str, openai_base: str, *, litellm: bool = True) -> list[Contender]:
    """Every client, talking to the Ollama-protocol server at ``origin``."""

    def sdk() -> Contender:
        import ollama

        sync, asyn = ollama.Client(host=origin), ollama.AsyncClient(host=origin)

        def stream(prompt: str) -> Iterator[str]:
            for part in sync.chat(model=OLLAMA_MODEL, messages=_messages(prompt), stream=True):
                if part.message.content:
                    yield part.message.content

        return Contender(
            "",
            lambda: sync.chat(model=OLLAMA_MODEL, messages=_messages()),
            lambda: asyn.chat(model=OLLAMA_MODEL, messages=_messages()),
            stream,
        )

    def chat_ollama() -> Contender:
        from langchain_ollama import ChatOllama

        return _lc(ChatOllama(model=OLLAMA_MODEL, base_url=origin), "")

    body = {"model": OLLAMA_MODEL, "messages": _messages(), "stream": False}
    out = [
        _build("raw httpx (floor)", lambda: _httpx(f"{origin}/api/chat", body, _ollama_line)),
        _build("ollama SDK", sdk),
        _build("any-llm (reused)", lambda: _anyllm("ollama", origin, OLLAMA_MODEL)),
        _build("ChatOllama", chat_ollama),
    ]
    if litellm:
        out += [
            _build("LiteLLM Router", lambda: _litellm(f"ollama_chat/{OLLAMA_MODEL}", origin)),
            _build("ChatLiteLLMRouter", lambda: _lc_litellm(f"ollama_chat/{OLLAMA_MODEL}", origin)),
        ]
    out += [
        _build("Aegis (all on)", lambda: _lc(aegis_model("ollama", origin, openai_base, features=True), "")),
        _build("Aegis (all off)", lambda: _lc(aegis_model("ollama", origin, openai_base, features=False), "")),
    ]
    return out


def openai_contenders(origin: str, openai_base: str, *, litellm: bool = True) -> list[Contender]:
    """Every client, talking to the OpenAI-protocol server at ``openai_base``."""

    def sdk() -> Contender:
        import openai

        sync = openai.OpenAI(base_url=openai_base, api_key=API_KEY, max_retries=0)
        asyn = openai.AsyncOpenAI(base_url=openai_base, api_key=API_KEY, max_retries=0)

        def stream(prompt: str) -> Iterator[str]:
            for chunk in sync.chat.completions.create(model=OPENAI_MODEL, messages=_messages(prompt), stream=True):
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content

        return Contender(
            "",
            lambda: sync.chat.completions.create(model=OPENAI_MODEL, messages=_messages()),
            lambda: asyn.chat.completions.create(model=OPENAI_MODEL, messages=_messages()),
            stream,
        )

    def chat_openai() -> Contender:
        from langchain_openai import ChatOpenAI

        return _lc(ChatOpenAI(model=OPENAI_MODEL, base_url=openai_base, api_key=API_KEY, max_retries=0), "")

    body = {"model": OPENAI_MODEL, "messages": _messages()}
    out = [
        _build("raw httpx (floor)", lambda: _httpx(f"{openai_base}/chat/completions", body, _openai_line)),
        _build("openai SDK", sdk),
        _build("any-llm (reused)", lambda: _anyllm("openai", openai_base, OPENAI_MODEL, api_key=API_KEY)),
        _build("ChatOpenAI", chat_openai),
    ]
    if litellm:
        kw = {"api_key": API_KEY}
        out += [
            _build("LiteLLM Router", lambda: _litellm(f"openai/{OPENAI_MODEL}", openai_base, **kw)),
            _build("ChatLiteLLMRouter", lambda: _lc_litellm(f"openai/{OPENAI_MODEL}", openai_base, **kw)),
        ]
    out += [
        _build("Aegis (all on)", lambda: _lc(aegis_model("openai", origin, openai_base, features=True), "")),
        _build("Aegis (all off)", lambda: _lc(aegis_model("openai", origin, openai_base, features=False), "")),
    ]
    return out


def contenders(protocol: str, origin: str, openai_base: str, *, litellm: bool = True) -> list[Contender]:
    """The contenders for one protocol."""
    build = ollama_contenders if protocol == "ollama" else openai_contenders
    return build(origin, openai_base, litellm=litellm)


BASELINE = {"ollama": "ChatOllama", "openai": "ChatOpenAI"}
"""The contender each protocol's goals compare against."""

__all__ = ["API_KEY", "BASELINE", "LONG_PROMPT", "PROMPT", "Contender", "aegis_config", "aegis_model", "contenders"]
