"""Usage-limit answers: recognised in any wording, never confused with a rate limit, skipped until reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_aegis.config.models import ProviderConfig
from langchain_aegis.dispatch.quota import QuotaBook, UsageLimit, quota_key, usage_limit_in
from langchain_aegis.dispatch.retry import FALLBACK_KINDS, RETRY_KINDS, classify
from langchain_aegis.errors import ProviderCallError
from langchain_aegis.state import InMemoryStateStore

NOW = datetime(2026, 12, 10, 14, 25, tzinfo=UTC).timestamp()


class HTTPError(Exception):
    """What an SDK raises: a message and a status, as ``ollama.ResponseError`` does."""

    def __init__(self, text: str, status: int | None, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status_code = status
        self.response = type("Response", (), {"status_code": status, "headers": headers or {}})()


def _cased(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))


@st.composite
def usage_limit_bodies(draw: st.DrawFn) -> tuple[str, str]:
    """Ollama Cloud's usage-limit answers and rewordings around the key phrase, with the window named."""
    window = draw(st.sampled_from(["session", "weekly", "hourly"]))
    who = draw(st.sampled_from(["you (user)", "you (alice)", "You", "this account", "user jdoe"]))
    phrase = draw(
        st.sampled_from(
            [
                f"{who} have reached your {window} usage limit",
                f"{who} has reached the {window} usage limit",
                f"{who} hit your {window} usage limit",
                f"{window} usage limit reached",
                f"{window} usage limit exceeded",
                f"your {window} usage limit has been reached",
            ]
        )
    )
    before = draw(st.sampled_from(["", "error: ", '{"error":"', "429 Too Many Requests: "]))
    after = draw(
        st.sampled_from(["", ", upgrade for higher limits: https://ollama.com/upgrade", ". please wait", '"}'])
    )
    return _cased(draw, before + phrase + after), window


@given(usage_limit_bodies(), st.sampled_from([429, None]))
def test_every_wording_of_a_usage_limit_is_quota_exhausted(body: tuple[str, str], status: int | None) -> None:
    text, window = body
    err = classify("ollama_cloud", HTTPError(text, status))
    assert err.kind == "quota_exhausted"
    assert err.kind not in RETRY_KINDS
    assert err.kind in FALLBACK_KINDS
    assert f"{window} usage limit reached" in str(err)


@given(
    st.sampled_from(
        [
            "too many requests, please retry later",
            "Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM)",
            "rate limit exceeded",
            "server busy, please try again. maximum pending requests exceeded",
            "you have sent too many requests; usage is limited to 60 per minute",
            "",
        ]
    ),
    st.one_of(st.none(), st.floats(min_value=0, max_value=60)),
)
def test_an_ordinary_429_stays_a_retried_rate_limit(text: str, retry_after: float | None) -> None:
    headers = {} if retry_after is None else {"retry-after": str(retry_after)}
    err = classify("ollama_cloud", HTTPError(text, 429, headers))
    assert err.kind == "rate_limit"
    assert err.kind in RETRY_KINDS


def test_a_usage_limit_phrase_in_a_server_error_is_not_a_quota() -> None:
    # A 500 that mentions the phrase is the server failing, not the plan running out.
    assert classify("x", HTTPError("reached your session usage limit", 500)).kind == "server"


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("you (user) have reached your session usage limit", "session"),
        ("you (user) have reached your weekly usage limit", "weekly"),
        ("you (user) have reached your hourly usage limit", "hourly"),
        ("monthly usage limit reached", "monthly"),
        ("you have reached your usage limit", "unknown"),
        ("you have reached your plan usage limit", "unknown"),
    ],
)
def test_the_window_is_read(text: str, window: str) -> None:
    assert usage_limit_in(text) == UsageLimit(window)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekly usage limit reached, resets at 2026-12-14T00:00:00Z", "2026-12-14T00:00"),
        ("weekly usage limit reached (resets 2026-12-14 08:30+02:00)", "2026-12-14T06:30"),
        ("session usage limit reached, resets in 2h 30m", "2026-12-10T16:55"),
        ("session usage limit reached; try again in 45 minutes", "2026-12-10T15:10"),
        ("hourly usage limit reached", "2026-12-10T15:00"),  # on the hour
        ("session usage limit reached", "2026-12-10T19:25"),  # 5 h, the session's upper bound
        ("weekly usage limit reached", "2026-12-17T14:25"),  # 7 days
        ("monthly usage limit reached", "2027-01-01T00:00"),
        ("usage limit reached", "2026-12-10T15:25"),  # unknown window: look again in an hour
        ("usage limit reached, resets in 999999999999 days", "2027-01-19T14:25"),  # misread: at most 40 days
        ("usage limit reached, resets at 9999-12-31T00:00Z", "2027-01-19T14:25"),
    ],
)
def test_the_reset_is_the_stated_time_else_the_window_end(text: str, expected: str) -> None:
    limit = usage_limit_in(text, now=NOW)
    assert limit is not None
    reset = datetime.fromtimestamp(limit.reset(NOW), UTC).strftime("%Y-%m-%dT%H:%M")
    assert reset == expected


def test_retry_after_and_recheck_bound_the_skip() -> None:
    limit = UsageLimit("weekly")
    assert limit.reset(NOW, retry_after=120) == NOW + 120
    assert limit.reset(NOW, recheck=600) == NOW + 600
    assert UsageLimit("weekly", resets_at=NOW - 5).reset(NOW) == NOW + 7 * 86_400  # a past stated time is ignored


def _cloud(**kw: Any) -> ProviderConfig:
    fields: dict[str, Any] = {"type": "ollama", "model": "gpt-oss:120b", "locality": "cloud"}
    return ProviderConfig(**{**fields, "base_url": "https://ollama.com", **kw})


class FlakyStore(InMemoryStateStore):
    down = False

    def get_state(self, key: str) -> dict[str, Any] | None:
        if self.down:
            raise ConnectionError("ledger down")
        return super().get_state(key)

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        if self.down:
            raise ConnectionError("ledger down")
        super().put_state(key, value)


def test_books_on_one_store_share_the_skip_until_it_ends() -> None:
    now = [NOW]
    store = FlakyStore()
    providers = {"cloud": _cloud(api_key="k1"), "local": ProviderConfig(type="ollama", model="m", locality="local")}
    a = QuotaBook(providers, store, clock=lambda: now[0])
    b = QuotaBook(providers, store, clock=lambda: now[0])
    error = a.record("cloud", UsageLimit("hourly"), status=429, retry_after=None)
    assert error.kind == "quota_exhausted"
    assert str(error).endswith("hourly usage limit reached; skipped until 2026-12-10T15:00Z")

    with pytest.raises(ProviderCallError, match=r"quota_exhausted.*skipped until 2026-12-10T15:00Z"):
        b.check("cloud")
    assert b.skips() == {"cloud": "quota_exhausted (hourly usage limit reached) until 2026-12-10T15:00Z"}
    b.check("local")  # local providers are never skipped

    now[0] += 35 * 60 + 1
    b.check("cloud")
    assert a.skips() == {}


def test_a_store_outage_keeps_the_local_skip_and_never_raises() -> None:
    store = FlakyStore()
    book = QuotaBook({"cloud": _cloud()}, store, clock=lambda: NOW)
    store.down = True
    book.record("cloud", UsageLimit("weekly"), status=429, retry_after=None)  # the write fails: logged
    with pytest.raises(ProviderCallError, match="quota_exhausted"):
        book.check("cloud")


def test_the_key_is_per_account_and_hides_the_api_key() -> None:
    assert quota_key(_cloud(api_key="k1")) == quota_key(_cloud(api_key="k1", model="other:20b"))
    assert quota_key(_cloud(api_key="k1")) != quota_key(_cloud(api_key="k2"))
    assert "sk-live-1234" not in quota_key(_cloud(api_key="sk-live-1234"))


@given(st.text(max_size=200), st.floats(min_value=0, max_value=4e9))
def test_any_text_is_read_without_raising_and_skips_at_most_40_days(text: str, now: float) -> None:
    limit = usage_limit_in("you have reached your usage limit " + text, now=now)
    assert limit is not None
    assert now < limit.reset(now) <= now + 40 * 86_400
