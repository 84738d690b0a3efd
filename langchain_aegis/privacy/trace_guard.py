"""The trace guard: no run of a trace that holds a local-only call uploads its raw text.

The shield (:class:`~langchain_aegis.observability.tracing.TraceShield`) covers
AegisChatModel's own run. Every other run of the trace records the same data
as it is: the chain or graph node that passed the user's text in, the agent
node whose output (a ``Command``) carries the real answer, the tool that
received its arguments, the parser whose error quotes the answer.

The guard sits in the LangSmith client, on the two methods every run goes
through (``create_run`` and ``update_run``), and works on what will be sent:

- It holds each operation of a trace until the trace's root run ends (or
  ``flush()``, :data:`_MAX_HELD` operations, or interpreter exit), because a chain's inputs are
  posted when it starts, before anyone knows that a local-only call will run
  inside it.
- A local-only call registers its shield with its trace (:func:`guard_call`).
- On release, every operation of a registered trace is scrubbed, after
  serializing it the way the client will (so ``Command``, ``Send``, pydantic
  models and any other object are seen as the text they become): in ``hide``
  mode every string of inputs, outputs and error is replaced; in ``redact``
  mode every raw value the call's shield removed is replaced wherever it
  appears, and the detector masks the rest. The run's name, tags and
  ``extra`` (invocation params, options, metadata) are redacted in both modes.
- A client from :func:`~langchain_aegis.observability.tracing.redacting_langsmith_client`
  also redacts every run of every other trace with the detector.

It must not change what the caller receives: it only filters what is uploaded.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from langsmith import Client
from langsmith import utils as ls_utils

from langchain_aegis.privacy.trace_shield import HIDDEN, tracers_in

if TYPE_CHECKING:
    from langchain_aegis.privacy.trace_shield import Removed, TraceShield

__all__ = ["GuardedClient", "guard_call", "guard_tracer"]

log = logging.getLogger(__name__)

_MAX_HELD = 2_000
"""Operations held per trace; past this the trace is released with what is known so far."""
_MAX_TRACES = 10_000
"""Registered traces remembered (oldest forgotten first)."""

# Values under these keys are LangChain's own structure (``"lc"``, ``"type": "constructor"``,
# the class path in ``"id"``), kept in hide mode when they are a plain identifier.
_STRUCTURAL_KEYS = frozenset({"lc", "type", "id"})
_IDENTIFIER = re.compile(r"[A-Za-z_]{1,40}")
# Routing story and token counts: redacted, never hidden, so a hidden trace still says who served it.
_ROUTING_KEYS = frozenset({"response_metadata", "usage_metadata", "aegis_route", "aegis"})
_ERROR_CLASS = re.compile(r"[A-Za-z_][\w.]*")

_traces: OrderedDict[str, list[Removed]] = OrderedDict()
_proxies: weakref.WeakKeyDictionary[Any, _GuardedProxy] = weakref.WeakKeyDictionary()
_traces_lock = threading.Lock()


# -- registry -------------------------------------------------------------------------


def guard_call(callbacks: Any, shield: TraceShield, root_run_id: str | None = None) -> None:
    """Guard the LangSmith tracers among ``callbacks`` and register a local-only call with its trace.

    Called by the chat model before its run starts. ``callbacks`` is the
    call's config ``callbacks``: inside a chain or graph, a callback manager
    whose parent run gives the trace id.
    """
    tracers = tracers_in(callbacks)
    parent = getattr(callbacks, "parent_run_id", None)
    for tracer in tracers:
        guard_tracer(tracer)
        if parent is None:
            # The model's run is the root: the shield covers its content; the run's own labels
            # (the user's metadata, a run name) are scrubbed by the guard, under the run's id.
            if root_run_id is None:
                continue
            trace_id = root_run_id
        else:
            run = tracer.run_map.get(str(parent))
            trace_id = str(getattr(run, "trace_id", None) or parent)
        with _traces_lock:
            records = _traces.setdefault(trace_id, [])
            if shield.removed not in records:
                records.append(shield.removed)
            _traces.move_to_end(trace_id)
            while len(_traces) > _MAX_TRACES:
                _traces.popitem(last=False)


def _shields_for(trace_id: str | None) -> list[Removed]:
    with _traces_lock:
        return list(_traces.get(trace_id or "", ()))


def guard_tracer(tracer: Any) -> None:
    """Route a ``LangChainTracer``'s uploads through a guard, from now on (idempotent).

    Runs the tracer has already started are re-pointed too, so their updates
    (outputs, errors) are held and scrubbed; what was posted before is gone.
    """
    client = tracer.client
    if isinstance(client, GuardedClient | _GuardedProxy):
        return
    # One proxy per client: env-configured tracing makes a new tracer per trace, on one shared client.
    proxy = _proxies.get(client)
    if proxy is None:
        proxy = _proxies[client] = _GuardedProxy(client)
    tracer.client = proxy
    for run in list(tracer.run_map.values()):
        if run.ls_client is client:
            run.ls_client = proxy


# -- the guard ------------------------------------------------------------------------

_Op = tuple[str, dict[str, Any]]


class _Guard:
    """Hold one client's run operations per trace, scrub and release them."""

    def __init__(
        self,
        create: Callable[..., None],
        update: Callable[..., None],
        *,
        redact_all: bool,
        client: Any = None,
    ) -> None:
        self._create = create
        self._update = update
        self.redact_all = redact_all
        self._client = weakref.ref(client) if client is not None else None
        self._held: dict[str, list[_Op]] = {}
        self._lock = threading.Lock()
        # Registered after the client's own exit handler, so it runs first (last in, first out).
        atexit.register(_release_at_exit, weakref.ref(self))

    def create_run(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(zip(("name", "inputs", "run_type"), args, strict=False))
        self._take("create", kwargs, str(kwargs.get("id") or ""))

    def update_run(self, *args: Any, **kwargs: Any) -> None:
        if args:
            kwargs["run_id"] = args[0]
        self._take("update", kwargs, str(kwargs.get("run_id") or ""))

    def _take(self, op: str, kwargs: dict[str, Any], run_id: str) -> None:
        trace_id = str(kwargs.get("trace_id") or "")
        if not trace_id or kwargs.get("is_run_ops_buffer_flush"):
            self._send(trace_id, [(op, kwargs)])
            return
        ends = run_id == trace_id and kwargs.get("end_time") is not None
        with self._lock:
            held = self._held.setdefault(trace_id, [])
            held.append((op, _snapshot(kwargs)))
            if not ends and len(held) < _MAX_HELD:
                return
            ops = self._held.pop(trace_id)
        self._send(trace_id, ops)

    def release_all(self) -> None:
        """Send every held operation now, scrubbed with what is known (``flush()`` and exit)."""
        with self._lock:
            held, self._held = self._held, {}
        for trace_id, ops in held.items():
            self._send(trace_id, ops)

    def _send(self, trace_id: str, ops: Sequence[_Op]) -> None:
        shields = _shields_for(trace_id)
        for op, kwargs in ops:
            try:
                scrubbed = scrub_run(kwargs, shields, redact_all=self.redact_all)
                (self._create if op == "create" else self._update)(**scrubbed)
            except Exception:  # tracing must never break the caller's code
                log.warning("LangSmith %s of a run failed", op, exc_info=True)


def _release_at_exit(ref: weakref.ref[_Guard]) -> None:
    guard = ref()
    if guard is None or not guard._held:
        return
    client = guard._client() if guard._client is not None else None
    if client is not None:
        # atexit runs after the client's background threads have drained and stopped, so a
        # queued or compressed upload would never leave: send these directly instead.
        for slot in ("tracing_queue", "compressed_traces"):
            with contextlib.suppress(AttributeError):
                setattr(client, slot, None)
    guard.release_all()


def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    # Held operations outlive the call: copy what the caller's code may still mutate.
    out = dict(kwargs)
    for field in ("inputs", "outputs", "extra", "events", "tags"):
        if out.get(field) is not None:
            out[field] = ls_utils.deepish_copy(out[field])
    return out


class GuardedClient(Client):
    """A ``langsmith.Client`` whose uploads go through the trace guard.

    Built by :func:`~langchain_aegis.observability.tracing.redacting_langsmith_client`.

    Args:
        redact_all: also redact every run of traces with no local-only call,
            with the detector.
        **kwargs: passed to ``langsmith.Client``.
    """

    __slots__ = ("_aegis_guard",)

    def __init__(self, *, redact_all: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        me = weakref.ref(self)  # no strong cycle: langsmith stops a client's thread by its refcount

        def create(**run: Any) -> None:
            if (client := me()) is not None:
                Client.create_run(client, **run)

        def update(**run: Any) -> None:
            if (client := me()) is not None:
                Client.update_run(client, **run)

        self._aegis_guard = _Guard(create, update, redact_all=redact_all, client=self)

    def create_run(self, *args: Any, **kwargs: Any) -> None:
        self._aegis_guard.create_run(*args, **kwargs)

    def update_run(self, *args: Any, **kwargs: Any) -> None:
        self._aegis_guard.update_run(*args, **kwargs)

    def flush(self, timeout: float | None = None) -> None:
        """Release every held run operation, then flush the client as usual."""
        self._aegis_guard.release_all()
        super().flush(timeout)


class _GuardedProxy:
    """An existing client, with ``create_run``/``update_run``/``flush`` through a guard.

    ``langsmith.Client`` has ``__slots__``, so its methods cannot be replaced
    on the instance; the tracer gets this proxy instead.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._aegis_guard = _Guard(client.create_run, client.update_run, redact_all=False, client=client)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def create_run(self, *args: Any, **kwargs: Any) -> None:
        self._aegis_guard.create_run(*args, **kwargs)

    def update_run(self, *args: Any, **kwargs: Any) -> None:
        self._aegis_guard.update_run(*args, **kwargs)

    def flush(self, timeout: float | None = None) -> None:
        self._aegis_guard.release_all()
        self._client.flush(timeout)


# -- scrubbing ------------------------------------------------------------------------


def scrub_run(kwargs: dict[str, Any], shields: Sequence[Removed], *, redact_all: bool) -> dict[str, Any]:
    """A run operation as it may leave: see the module docstring.

    Args:
        kwargs: the ``create_run``/``update_run`` arguments.
        shields: what the local-only calls of the run's trace removed.
        redact_all: run the detector even when ``shields`` is empty.
    """
    if not shields and not redact_all:
        return kwargs
    needles = [pair for shield in shields for pair in shield.pairs()]
    needles.sort(key=lambda pair: len(pair[0]), reverse=True)
    hide = any(shield.mode == "hide" for shield in shields)

    def redact(text: str) -> str:
        from langchain_aegis.privacy._walk import is_binary
        from langchain_aegis.privacy.redact import redact_text

        if is_binary(text):
            return text
        for value, replacement in needles:
            if value in text:
                text = text.replace(value, replacement)
        return redact_text(text)

    content = _hidden if hide else redact
    out = dict(kwargs)
    for field in ("inputs", "outputs"):
        if out.get(field) is not None:
            out[field] = _walk(_plain(out[field]), content, redact)
    if isinstance(error := out.get("error"), str):
        out["error"] = _hidden_error(error) if hide else redact(error)
    for field in ("extra", "events", "serialized", "tags"):
        if out.get(field) is not None:
            out[field] = _walk(_plain(out[field]), redact, redact)
    if hide and isinstance(extra := out.get("extra"), dict) and isinstance(extra.get("metadata"), dict):
        # The user's own labels on a private trace ({"patient": "Anna K."}) are content too; what
        # LangChain, LangGraph, LangSmith and Aegis put there identifies runs and stays readable.
        extra["metadata"] = {
            k: v if k.startswith(_SYSTEM_METADATA) or not isinstance(v, str | list | dict) else _hidden_value(v)
            for k, v in extra["metadata"].items()
        }
    if isinstance(name := out.get("name"), str):
        # A run name like "RunnableSequence" or "aegis:local" names code; "handover Anna K." is content.
        out["name"] = HIDDEN if hide and not _RUN_NAME.fullmatch(name) else redact(name)
    return out


_SYSTEM_METADATA = ("ls_", "aegis", "langgraph_", "checkpoint", "thread_id", "revision_id", "__", "lc_", "run_")
_RUN_NAME = re.compile(r"[\w.:<>\-]{1,80}")


def _hidden_value(value: Any) -> Any:
    if isinstance(value, str):
        return HIDDEN if value else value
    if isinstance(value, list):
        return [_hidden_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _hidden_value(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """``value`` as the JSON the client will send, so every object is seen as its text."""
    try:
        from langsmith._internal._serde import dumps_json

        return json.loads(dumps_json(value))
    except Exception:  # a langsmith without that module, or a value it cannot serialize
        return json.loads(json.dumps(value, default=repr))


def _walk(value: Any, text: Callable[[str], str], routing: Callable[[str], str], key: str | None = None) -> Any:
    if isinstance(value, str):
        if key in _STRUCTURAL_KEYS and _IDENTIFIER.fullmatch(value):
            return value
        return text(value)
    if isinstance(value, dict):
        return {
            k: _walk(v, routing, routing, k) if k in _ROUTING_KEYS else _walk(v, text, routing, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_walk(v, text, routing, key) for v in value]
    return value


def _hidden(text: str) -> str:
    return HIDDEN if text else text


def _hidden_error(error: str) -> str:
    match = _ERROR_CLASS.match(error)
    return f"{match.group(0)}: {HIDDEN}" if match else HIDDEN
