"""LangChain's wrappers around AegisChatModel, made to keep its facts and its privacy.

It owns the chat model's composition surface (:class:`ComposableChatModel`:
``bind``, ``with_config``, ``with_fallbacks``, ``with_retry``, ``bind_tools``,
``with_structured_output``) and the wrappers those return. It wraps runnables
and never routes, dispatches or reads a call's result.

Two of LangChain's own compositions would otherwise undo a guarantee:

- ``RunnableBinding`` (``with_config``, ``bind``, ``bind_tools``) merges configs
  with last-writer-wins metadata, so a call's ``aegis`` dict replaced the one
  bound with ``with_config(metadata={"aegis": {...}})``. :class:`AegisBinding`
  merges the ``aegis`` dicts key by key (privacy never loosens, see
  :func:`~langchain_aegis.facts.merge_aegis_metadata`).
- ``RunnableWithFallbacks`` catches ``Exception``, so
  ``llm.with_fallbacks([ChatOpenAI()])`` handed a local-only call that no local
  provider could serve to OpenAI. :class:`PrivateFallbacks` never lets a
  :class:`~langchain_aegis.errors.PrivacyViolationError` reach a fallback, on
  every path (invoke, ainvoke, stream, astream, batch, abatch, and
  astream_events, which runs astream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Literal, cast

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.language_models.chat_models import _ChatModelBinding
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableWithFallbacks
from langchain_core.runnables.retry import RunnableRetry
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from langchain_aegis import _structured
from langchain_aegis.errors import PrivacyViolationError
from langchain_aegis.facts import AEGIS_METADATA_KEY, merge_aegis_metadata, run_metadata

__all__ = ["AegisBinding", "ComposableChatModel", "PrivateFallbacks", "PrivateRetry"]


class AegisBinding(_ChatModelBinding):
    """A ``RunnableBinding`` whose inherited, bound and call ``aegis`` facts are merged key by key.

    It also wraps ``with_structured_output``'s chain, so the facts of the run
    around it reach the model inside.

    It extends langchain-core's chat-model binding (which keeps the typed
    ``stream_events`` overloads and serializes as ``RunnableBinding``).
    """

    def _merge_configs(self, *configs: RunnableConfig | None) -> RunnableConfig:
        config = super()._merge_configs(*configs)
        # Lowest first: what the enclosing run (a LangGraph node, a graph) holds, read here while
        # its context is still current; a chain inside this binding would hand the model only
        # the call's own metadata.
        facts = [run_metadata(None).get(AEGIS_METADATA_KEY)]
        facts += [(c.get("metadata") or {}).get(AEGIS_METADATA_KEY) for c in [self.config, *configs] if c]
        if sum(f is not None for f in facts) > 1:
            merged: dict[str, Any] | None = None
            for layer in facts:
                if layer is not None:
                    merged = merge_aegis_metadata(merged, layer)
            config["metadata"] = {**(config.get("metadata") or {}), AEGIS_METADATA_KEY: merged}
        return config

    def with_fallbacks(self, fallbacks: Sequence[Runnable[Any, Any]], **kwargs: Any) -> PrivateFallbacks:
        """As ``Runnable.with_fallbacks``, but a ``PrivacyViolationError`` never reaches a fallback."""
        return private_fallbacks(self, fallbacks, **kwargs)

    def with_retry(self, **kwargs: Any) -> PrivateRetry:
        """As ``Runnable.with_retry``; the retried model keeps private fallbacks."""
        return private_retry(self, **kwargs)


class PrivateRetry(RunnableRetry[Any, Any]):
    """``with_retry`` for AegisChatModel: ``llm.with_retry().with_fallbacks([...])`` stays private.

    LangChain's ``RunnableRetry`` inherits the generic ``with_fallbacks``, which
    would hand a local-only call that no local provider could serve to the
    fallback. A privacy failure is not retried either: no retry can make a
    local-only call leave the machine, and the chain already tried every local
    provider.
    """

    def with_fallbacks(self, fallbacks: Sequence[Runnable[Any, Any]], **kwargs: Any) -> PrivateFallbacks:
        """As ``Runnable.with_fallbacks``, but a ``PrivacyViolationError`` never reaches a fallback."""
        return private_fallbacks(self, fallbacks, **kwargs)


def private_retry(
    runnable: Runnable[Any, Any],
    *,
    retry_if_exception_type: tuple[type[BaseException], ...] | Any = (Exception,),
    wait_exponential_jitter: bool = True,
    exponential_jitter_params: Any = None,
    stop_after_attempt: int = 3,
) -> PrivateRetry:
    """Build ``runnable.with_retry(...)`` as a :class:`PrivateRetry` (the same arguments)."""
    retry_on = retry_if_exception_type
    if isinstance(retry_on, tuple):
        # Retrying a privacy failure cannot help; let it through at once.
        def retry_on(exc: BaseException, _types: tuple[type[BaseException], ...] = retry_on) -> bool:
            return isinstance(exc, _types) and not isinstance(exc, PrivacyViolationError)

    return PrivateRetry(
        bound=runnable,
        kwargs={},
        config={},
        retry_exception_types=retry_on,
        wait_exponential_jitter=wait_exponential_jitter,
        max_attempt_number=stop_after_attempt,
        exponential_jitter_params=exponential_jitter_params,
    )


class _Stop(BaseException):
    """Carries a PrivacyViolationError past ``RunnableWithFallbacks``, which catches ``Exception``."""

    def __init__(self, error: PrivacyViolationError) -> None:
        super().__init__(str(error))
        self.error = error


def _stop_private(output: Any) -> Any:
    return _Stop(output) if isinstance(output, PrivacyViolationError) else output


class _Guard(Runnable[Any, Any]):
    """Runs the primary runnable; a PrivacyViolationError leaves it as :class:`_Stop`."""

    def __init__(self, inner: Runnable[Any, Any]) -> None:
        self.inner = inner

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        try:
            return self.inner.invoke(input, config, **kwargs)
        except PrivacyViolationError as exc:
            raise _Stop(exc) from exc

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        try:
            return await self.inner.ainvoke(input, config, **kwargs)
        except PrivacyViolationError as exc:
            raise _Stop(exc) from exc

    def batch(self, inputs: list[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any) -> Any:
        # Fallbacks batch with return_exceptions=True: a privacy error comes back as a value.
        outputs = self.inner.batch(inputs, config, return_exceptions=return_exceptions, **kwargs)
        return [_stop_private(o) for o in outputs]

    async def abatch(
        self, inputs: list[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any
    ) -> Any:
        outputs = await self.inner.abatch(inputs, config, return_exceptions=return_exceptions, **kwargs)
        return [_stop_private(o) for o in outputs]

    def stream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from self.inner.stream(input, config, **kwargs)
        except PrivacyViolationError as exc:
            raise _Stop(exc) from exc

    async def astream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for chunk in self.inner.astream(input, config, **kwargs):
                yield chunk
        except PrivacyViolationError as exc:
            raise _Stop(exc) from exc


def _unwrap(output: Any) -> Any:
    return output.error if isinstance(output, _Stop) else output


class PrivateFallbacks(RunnableWithFallbacks[Any, Any]):
    """``with_fallbacks`` for AegisChatModel: a PrivacyViolationError is raised, never handed on.

    Every other error the primary raises moves on to the fallbacks as usual.
    """

    @property
    def runnables(self) -> Iterator[Runnable[Any, Any]]:
        yield _Guard(self.runnable)
        yield from self.fallbacks

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        try:
            return super().invoke(input, config, **kwargs)
        except _Stop as stop:
            raise stop.error from None

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        try:
            return await super().ainvoke(input, config, **kwargs)
        except _Stop as stop:
            raise stop.error from None

    def batch(self, inputs: list[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any) -> Any:
        try:
            outputs = super().batch(inputs, config, return_exceptions=return_exceptions, **kwargs)
        except _Stop as stop:
            raise stop.error from None
        return [_unwrap(o) for o in outputs]

    async def abatch(
        self, inputs: list[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any
    ) -> Any:
        try:
            outputs = await super().abatch(inputs, config, return_exceptions=return_exceptions, **kwargs)
        except _Stop as stop:
            raise stop.error from None
        return [_unwrap(o) for o in outputs]

    def stream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from super().stream(input, config, **kwargs)
        except _Stop as stop:
            raise stop.error from None

    async def astream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for chunk in super().astream(input, config, **kwargs):
                yield chunk
        except _Stop as stop:
            raise stop.error from None


def private_fallbacks(
    runnable: Runnable[Any, Any], fallbacks: Sequence[Runnable[Any, Any]], **kwargs: Any
) -> PrivateFallbacks:
    """Build ``runnable.with_fallbacks(fallbacks, **kwargs)`` as a :class:`PrivateFallbacks`."""
    return PrivateFallbacks(runnable=runnable, fallbacks=fallbacks, **kwargs)


def bind(runnable: Runnable[Any, Any], kwargs: dict[str, Any], config: RunnableConfig | None = None) -> AegisBinding:
    """An :class:`AegisBinding` of ``runnable`` with bound ``kwargs`` and ``config``."""
    return AegisBinding(bound=runnable, kwargs=kwargs, config=cast("RunnableConfig", dict(config or {})))


class ComposableChatModel(BaseChatModel):
    """A chat model whose LangChain compositions keep its ``aegis`` facts and never leak a private call.

    :class:`~langchain_aegis.chat_models.AegisChatModel` inherits its
    composition surface from here; what it composes with stays LangChain's.
    """

    def bind(self, **kwargs: Any) -> AegisBinding:
        """As ``Runnable.bind``; bound and call ``aegis`` facts are merged key by key."""
        return bind(self, kwargs)

    def with_config(self, config: RunnableConfig | None = None, **kwargs: Any) -> AegisBinding:
        """As ``Runnable.with_config``, but a call's ``aegis`` facts merge with the bound ones key by key.

        ``llm.with_config(metadata={"aegis": {"data_classification": "phi"}})``
        stays ``phi`` when a call adds ``aegis_config(task_type="extraction")``.
        """
        return bind(self, {}, cast("RunnableConfig", {**(config or {}), **kwargs}))

    def with_fallbacks(self, fallbacks: Sequence[Runnable[Any, Any]], **kwargs: Any) -> PrivateFallbacks:
        """As ``Runnable.with_fallbacks``, but a local-only call is never handed to a fallback.

        A :class:`~langchain_aegis.errors.PrivacyViolationError` (no local
        provider could serve a private call) is raised as it is; every other
        error moves on to the fallbacks as usual. See docs/privacy.md for
        fallbacks composed around a chain instead of the model.
        """
        return private_fallbacks(self, fallbacks, **kwargs)

    def with_retry(self, **kwargs: Any) -> PrivateRetry:
        """As ``Runnable.with_retry``; ``llm.with_retry().with_fallbacks([...])`` keeps a local-only call local."""
        return private_retry(self, **kwargs)

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (OpenAI-format, pydantic models, functions or ``BaseTool``) to the model.

        Args:
            tools: the tools.
            tool_choice: a tool name, ``"auto"``, ``"none"``, ``"any"``/``"required"``/``True``
                (must call a tool), or an OpenAI-format dict.
        """
        formatted = [convert_to_openai_tool(t) for t in tools]
        if tool_choice is not None and tool_choice is not False:
            if tool_choice is True or tool_choice == "any":
                tool_choice = "required"
            elif isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "required"):
                tool_choice = {"type": "function", "function": {"name": tool_choice}}
            kwargs["tool_choice"] = tool_choice
        return self.bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: Literal["function_calling", "json_mode", "json_schema"] = "json_schema",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """Return a runnable whose output matches ``schema``, as ``ChatOllama`` does.

        Args:
            schema: a pydantic class, TypedDict, JSON schema dict or OpenAI tool.
            method: ``json_schema`` (default, as in ChatOllama), ``function_calling`` or ``json_mode``.
            include_raw: also return the raw message and any parsing error.
            strict: ask the provider to follow the schema strictly, where it can.
        """
        if kwargs:
            raise ValueError(f"with_structured_output: unsupported arguments {sorted(kwargs)}")
        chain = _structured.structured_output(self, schema, method=method, include_raw=include_raw, strict=strict)
        return bind(chain, {})  # keeps the enclosing run's facts and private fallbacks
