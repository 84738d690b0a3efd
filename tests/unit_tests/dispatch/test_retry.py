"""Tables for :mod:`langchain_aegis.dispatch.retry`: classify, falls_back, backoff_delay."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx
import httpx2
import ollama
import openai
import pytest
from any_llm import exceptions as anyllm

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.dispatch.retry import (
    FALLBACK_KINDS,
    RETRY_KINDS,
    backoff_delay,
    classify,
    falls_back,
)
from langchain_aegis.errors import (
    BudgetExceededError,
    CircuitOpenError,
    PrivacyViolationError,
    ProviderCallError,
)

# -- classify -------------------------------------------------------------------------------


def _openai(cls: type[openai.APIStatusError], status: int, message: str = "error", **headers: str) -> Exception:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx2.Response(status, headers=headers, request=request)
    return cls(message, response=response, body=None)


def _status_error(status: int, **headers: str) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/api/chat")
    response = httpx.Response(status, headers=headers, request=request)
    return httpx.HTTPStatusError(f"HTTP {status}", request=request, response=response)


def _wrapped(original: Exception, **kwargs: Any) -> anyllm.ProviderError:
    return anyllm.ProviderError(str(original), original_exception=original, provider_name="ollama", **kwargs)


_REQUEST = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")

CLASSIFY = [
    # any-llm's unified exceptions
    pytest.param(
        anyllm.RateLimitError("slow down", retry_after="2", status_code=429), "rate_limit", 429, 2.0, id="anyllm-429"
    ),
    pytest.param(anyllm.AuthenticationError("bad key", status_code=401), "auth", 401, None, id="anyllm-401"),
    pytest.param(anyllm.MissingApiKeyError("openai", "OPENAI_API_KEY"), "auth", None, None, id="anyllm-no-key"),
    pytest.param(anyllm.InsufficientFundsError("pay", status_code=402), "auth", 402, None, id="anyllm-402"),
    pytest.param(anyllm.ModelNotFoundError("no model", status_code=404), "not_found", 404, None, id="anyllm-404"),
    pytest.param(
        anyllm.InvalidRequestError("bad field", status_code=400), "invalid_request", 400, None, id="anyllm-400"
    ),
    pytest.param(
        anyllm.InvalidRequestError("maximum context length is 8192 tokens", status_code=400),
        "context_length",
        400,
        None,
        id="anyllm-400-context-wording",
    ),
    pytest.param(anyllm.ContextLengthExceededError("too long"), "context_length", None, None, id="anyllm-context"),
    pytest.param(
        anyllm.ContentFilterError("blocked", status_code=400), "content_filter", 400, None, id="anyllm-filter"
    ),
    pytest.param(anyllm.ProviderError("internal", status_code=500), "server", 500, None, id="anyllm-500"),
    pytest.param(anyllm.ProviderError("busy", status_code=503), "server", 503, None, id="anyllm-503"),
    pytest.param(anyllm.UpstreamProviderError("bad gateway", status_code=502), "server", 502, None, id="anyllm-502"),
    pytest.param(anyllm.GatewayTimeoutError("gateway", status_code=504), "timeout", 504, None, id="anyllm-504"),
    pytest.param(anyllm.ProviderError("unparseable", status_code=200), "malformed", 200, None, id="anyllm-200-broken"),
    pytest.param(_wrapped(httpx.ConnectError("refused")), "connection", None, None, id="anyllm-wraps-connect"),
    pytest.param(_wrapped(httpx.ReadTimeout("read")), "timeout", None, None, id="anyllm-wraps-read-timeout"),
    pytest.param(_wrapped(httpx.RemoteProtocolError("closed")), "connection", None, None, id="anyllm-wraps-cut"),
    pytest.param(
        _wrapped(ollama.ResponseError("unexpected EOF", -1)),
        "server",
        None,
        None,
        id="anyllm-wraps-ollama-stream-error",
    ),
    # raw httpx (ollama's client) and httpx2 (openai's client)
    pytest.param(httpx.ConnectError("refused"), "connection", None, None, id="httpx-connect"),
    pytest.param(httpx.ConnectTimeout("connect"), "timeout", None, None, id="httpx-connect-timeout"),
    pytest.param(httpx.ReadTimeout("read"), "timeout", None, None, id="httpx-read-timeout"),
    pytest.param(httpx.ReadError("reset"), "connection", None, None, id="httpx-read-error"),
    pytest.param(httpx.RemoteProtocolError("peer closed"), "connection", None, None, id="httpx-cut"),
    pytest.param(httpx2.ConnectError("refused"), "connection", None, None, id="httpx2-connect"),
    pytest.param(httpx2.ReadTimeout("read"), "timeout", None, None, id="httpx2-read-timeout"),
    pytest.param(_status_error(503), "server", 503, None, id="httpx-503"),
    pytest.param(_status_error(429, **{"retry-after": "3"}), "rate_limit", 429, 3.0, id="httpx-429-retry-after"),
    pytest.param(_status_error(400), "invalid_request", 400, None, id="httpx-400"),
    # the openai SDK
    pytest.param(
        _openai(openai.RateLimitError, 429, **{"retry-after-ms": "1500", "retry-after": "2"}),
        "rate_limit",
        429,
        1.5,
        id="openai-429-retry-after-ms",
    ),
    pytest.param(_openai(openai.RateLimitError, 429, **{"retry-after": "4"}), "rate_limit", 429, 4.0, id="openai-429"),
    pytest.param(_openai(openai.InternalServerError, 500), "server", 500, None, id="openai-500"),
    pytest.param(_openai(openai.APIStatusError, 502), "server", 502, None, id="openai-502"),
    pytest.param(_openai(openai.APIStatusError, 504), "timeout", 504, None, id="openai-504"),
    pytest.param(_openai(openai.AuthenticationError, 401), "auth", 401, None, id="openai-401"),
    pytest.param(_openai(openai.PermissionDeniedError, 403), "auth", 403, None, id="openai-403"),
    pytest.param(_openai(openai.NotFoundError, 404), "not_found", 404, None, id="openai-404"),
    pytest.param(_openai(openai.BadRequestError, 400), "invalid_request", 400, None, id="openai-400"),
    pytest.param(
        _openai(openai.BadRequestError, 400, "This model's maximum context length is 4097 tokens"),
        "context_length",
        400,
        None,
        id="openai-400-context",
    ),
    pytest.param(openai.APITimeoutError(request=_REQUEST), "timeout", None, None, id="openai-timeout"),
    pytest.param(openai.APIConnectionError(request=_REQUEST), "connection", None, None, id="openai-connection"),
    # ollama's own client
    pytest.param(ollama.ResponseError("too many requests", 429), "rate_limit", 429, None, id="ollama-429"),
    pytest.param(ollama.ResponseError("model 'x' not found", 404), "not_found", 404, None, id="ollama-404"),
    pytest.param(ollama.ResponseError("runner terminated", 500), "server", 500, None, id="ollama-500"),
    # the standard library
    pytest.param(TimeoutError(), "timeout", None, None, id="builtin-timeout"),
    pytest.param(ConnectionRefusedError(111, "refused"), "connection", None, None, id="builtin-refused"),
    pytest.param(json.JSONDecodeError("Expecting value", "{", 1), "malformed", None, None, id="json"),
    pytest.param(RuntimeError("a bug"), "unknown", None, None, id="unknown"),
]


@pytest.mark.parametrize(("exc", "kind", "status", "retry_after"), CLASSIFY)
def test_classify(exc: Exception, kind: str, status: int | None, retry_after: float | None) -> None:
    err = classify("p", exc)
    assert (err.kind, err.status, err.retry_after) == (kind, status, retry_after)
    assert err.provider == "p"


def test_classify_keeps_a_provider_call_error() -> None:
    err = ProviderCallError("p", "empty_stream", "nothing")
    assert classify("p", err) is err


def test_classify_reads_retry_after_as_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    err = classify("p", anyllm.RateLimitError("slow", retry_after=when, status_code=429))
    assert err.retry_after is not None
    assert 25 <= err.retry_after <= 31


def test_classify_never_puts_prompt_text_in_the_message() -> None:
    err = classify("p", anyllm.InvalidRequestError("bad request about Frau Müller", status_code=400))
    assert "Müller" not in str(err)


# -- falls_back --------------------------------------------------------------------------------

FALLS_BACK = [
    *[(kind, True) for kind in ("rate_limit", "server", "timeout", "connection", "not_found", "auth")],
    *[(kind, True) for kind in ("context_length", "context_window", "empty_stream", "malformed", "circuit_open")],
    *[(kind, False) for kind in ("invalid_request", "content_filter", "unknown")],
]


@pytest.mark.parametrize(("kind", "expected"), FALLS_BACK)
def test_falls_back_by_kind(kind: str, expected: bool) -> None:
    assert falls_back(ProviderCallError("p", kind, "x")) is expected
    assert (kind in FALLBACK_KINDS) is expected


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (BudgetExceededError("p", 1.0, 1.0, "2025-01"), True),
        (PrivacyViolationError("cloud refused a local_only call"), True),
        (CircuitOpenError("p", 3.0), True),
        (RuntimeError("not classified"), False),
    ],
    ids=["budget", "privacy", "circuit-open", "raw"],
)
def test_falls_back_for_non_provider_errors(exc: BaseException, expected: bool) -> None:
    assert falls_back(exc) is expected


def test_only_transient_kinds_are_retried() -> None:
    assert {"rate_limit", "server", "timeout", "connection", "malformed", "empty_stream"} == RETRY_KINDS
    assert RETRY_KINDS <= FALLBACK_KINDS


# -- backoff_delay -------------------------------------------------------------------------------

CFG = ResilienceConfig(backoff_base=0.5, backoff_max=4.0, retry_after_cap=10.0)


@pytest.mark.parametrize(
    ("retry", "retry_after", "draw", "expected"),
    [
        pytest.param(1, 3.0, 0.0, 3.0, id="retry-after-honoured"),
        pytest.param(1, 30.0, 0.0, 10.0, id="retry-after-capped"),
        pytest.param(3, 0.0, 0.9, 0.0, id="retry-after-zero"),
        pytest.param(1, None, 1.0, 0.5, id="exp-1"),
        pytest.param(2, None, 1.0, 1.0, id="exp-2"),
        pytest.param(3, None, 1.0, 2.0, id="exp-3"),
        pytest.param(4, None, 1.0, 4.0, id="exp-4"),
        pytest.param(6, None, 1.0, 4.0, id="exp-capped-at-backoff-max"),
        pytest.param(1, None, 0.0, 0.25, id="jitter-low"),
        pytest.param(3, None, 0.5, 1.5, id="jitter-mid"),
    ],
)
def test_backoff_delay(retry: int, retry_after: float | None, draw: float, expected: float) -> None:
    assert backoff_delay(retry, CFG, retry_after=retry_after, draw=lambda: draw) == pytest.approx(expected)


@pytest.mark.parametrize("retry", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("draw", [0.0, 0.1, 0.5, 0.999])
def test_backoff_jitter_stays_within_half_to_full_ceiling(retry: int, draw: float) -> None:
    ceiling = min(CFG.backoff_max, CFG.backoff_base * 2 ** (retry - 1))
    delay = backoff_delay(retry, CFG, retry_after=None, draw=lambda: draw)
    assert ceiling / 2 <= delay <= ceiling


def test_a_missing_provider_sdk_falls_back_and_says_what_to_install() -> None:
    missing = ImportError(
        "mistral required packages are not installed. Please install them with `pip install any-llm-sdk[mistral]`. "
        "Specific error message: No module named 'mistralai'"
    )
    err = classify("mistral_cloud", missing)
    assert err.kind == "not_installed"
    assert "pip install any-llm-sdk[mistral]" in str(err)
    assert falls_back(err)
