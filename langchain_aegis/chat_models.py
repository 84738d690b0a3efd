"""AegisChatModel: one LangChain chat model with a policy router behind it.

The chat model translates between LangChain and the package: it turns a
LangChain call into messages, facts and a provider payload, asks the router
once (:mod:`langchain_aegis.routing.router`) and the dispatcher once
(:mod:`langchain_aegis.dispatch`), and hands the answer back as LangChain
messages and chunks. What a served call reports (``response_metadata``, the
LangSmith run, its cost) is :mod:`langchain_aegis.observability.served`'s job,
and everything built once per model is :mod:`langchain_aegis.runtime`'s. It
must not decide a route, retry, reserve or price a call itself.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableConfig, ensure_config
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr

from langchain_aegis._compose import ComposableChatModel
from langchain_aegis._secrets import mask_url
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.dispatcher import CallLog, CallPlan, settle_abandoned, settle_abandoned_sync
from langchain_aegis.facts import RequestFacts, parse_facts, run_metadata
from langchain_aegis.observability.served import RoutedCall, StreamTap, open_call
from langchain_aegis.providers.messages import provider_params, to_provider_messages
from langchain_aegis.routing.policy import RouteDecision
from langchain_aegis.runtime import CallRuntime, build_runtime, effective_config

__all__ = ["AegisChatModel"]

_CALL_KEY = "aegis_call"
_SENT_PARAMS = frozenset({"tools", "tool_choice", "format", "response_format", "ls_structured_output_format"})
"""Call kwargs that reach the provider as text, so routing scans them with the messages."""


class AegisChatModel(ComposableChatModel):
    """A drop-in replacement for ``ChatOllama`` that routes each call by policy.

    With no config it is a local-only model against ``http://localhost:11434``,
    exactly like ``ChatOllama(model=...)``. With a config it sends each call to
    one of several providers (local Ollama, Ollama Cloud, OpenAI, or any
    provider any-llm supports), chosen from the call's ``RunnableConfig``
    metadata and its LangGraph node. Personal and health data never leave the
    machine.

    Setup:
        .. code-block:: bash

            pip install langchain-aegis

    Key init args:
        model: the local Ollama model, as for ``ChatOllama``. With a config, it
            overrides the model of the default (first local) provider.
        config: a path to ``llm_config.yml`` or an :class:`AegisConfig`.
        defaults: request facts for every call of this instance, e.g.
            ``{"task_type": "extraction"}``.
        temperature, num_predict, num_ctx, top_p, top_k, seed, stop, format,
        keep_alive, reasoning, validate_model_on_init, base_url: as for ``ChatOllama``.
        max_tokens, timeout, max_retries, api_key, streaming: the standard ones.

    Instantiate:
        .. code-block:: python

            from langchain_aegis import AegisChatModel

            llm = AegisChatModel(model="gemma-3-4b-it-Q8_0")            # like ChatOllama
            llm = AegisChatModel(config="config/llm_config.yml")        # several providers

    Invoke:
        .. code-block:: python

            from langchain_aegis import Quality, Complexity, aegis_config

            msg = llm.invoke("Summarise this contract ...",
                             config=aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH))
            msg.response_metadata["aegis"]["provider"]   # 'openai': the provider that answered
            msg.response_metadata["aegis"]["reason"]     # 'rule critical_to_openai matched (...)'

            # After a fallback, ``provider``/``model`` name who answered, ``routed_provider``/
            # ``routed_model`` the policy's choice, and the reason ends with the story:
            # '...; openai failed (auth: no API key); served by ollama_cloud'

    Explain without calling a model:
        .. code-block:: python

            llm.explain("Patient Frau Müller, Diagnose F32.1").privacy   # 'local_only'

    Stream:
        .. code-block:: python

            for chunk in llm.stream("Tell me a joke"):
                print(chunk.content, end="")

    Tool calling:
        .. code-block:: python

            llm.bind_tools([get_weather], tool_choice="any").invoke("Weather in Berlin?").tool_calls

    Structured output:
        .. code-block:: python

            llm.with_structured_output(Person).invoke("Anna is 31")   # Person(name='Anna', age=31)

            # The parsed object has no metadata; ask for the raw message to see the routing.
            out = llm.with_structured_output(Person, include_raw=True).invoke("Anna is 31")
            out["raw"].response_metadata["aegis"]["provider"]

    Token usage:
        .. code-block:: python

            llm.invoke("hi").usage_metadata   # {'input_tokens': 9, 'output_tokens': 12, 'total_tokens': 21}
            llm.invoke("hi").response_metadata["aegis"]["cost_usd"]   # 0.0 (local)

        ``usage_metadata`` holds LangChain's token fields only, so ``add_usage`` and
        ``get_usage_metadata_callback()`` count it as they count ChatOllama; the
        settled cost is in ``response_metadata["aegis"]["cost_usd"]`` and in the
        LangSmith run.
    """

    model: str | None = None
    """The local Ollama model name; with a config, overrides the default local provider's model."""
    config: AegisConfig | str | Path | None = Field(default=None, exclude=True)
    """A path to a YAML config, or an :class:`AegisConfig`."""
    defaults: dict[str, Any] | None = None
    """Request facts applied to every call of this instance (below call and node facts)."""
    base_url: str | None = None
    """Ollama server URL when no config is given."""
    api_key: SecretStr | None = Field(default=None, exclude=True)
    """Bearer token for the Ollama server when no config is given (e.g. Ollama Cloud)."""
    temperature: float | None = None
    num_predict: int | None = None
    """Maximum tokens to generate (Ollama's name for ``max_tokens``)."""
    max_tokens: int | None = None
    num_ctx: int | None = None
    top_p: float | None = None
    top_k: int | None = None
    seed: int | None = None
    stop: list[str] | None = None
    format: Literal["", "json"] | dict[str, Any] | None = None
    """``"json"`` for JSON mode, or a JSON schema for structured output."""
    keep_alive: int | str | None = None
    """How long Ollama keeps the model loaded after a call (``"5m"``, seconds, ``-1``); Ollama providers only."""
    reasoning: bool | str | None = None
    """Ollama ``think``: ``True``/``False`` or a level (``low``, ``medium``, ``high``)."""
    validate_model_on_init: bool = False
    """Check at construction that the default provider serves ``model``."""
    timeout: float | None = None
    """Seconds for one HTTP request (overrides every provider's ``timeout``)."""
    max_retries: int | None = None
    """Retries per provider (overrides ``resilience.max_retries``)."""
    streaming: bool = False
    """Stream internally even for ``invoke``."""
    metrics: Any = Field(default=None, exclude=True)
    """An :class:`~langchain_aegis.observability.metrics.AegisMetrics` to record Prometheus metrics, or ``True``
    for one on the default registry."""
    ledger: Any = Field(default=None, exclude=True, repr=False)
    """A :class:`~langchain_aegis.budget.Ledger` or ledger URL, instead of ``budgets.ledger``."""

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True)

    _cfg: AegisConfig = PrivateAttr()
    _runtime: CallRuntime = PrivateAttr()
    _instance_facts: RequestFacts = PrivateAttr(default_factory=RequestFacts)

    def __init__(self, **kwargs: Any) -> None:
        # Built after pydantic's validation (which would wrap any ValueError raised in a
        # validator or in model_post_init), so ConfigError and RoutingError reach the caller.
        super().__init__(**kwargs)
        self._cfg = effective_config(
            self.config,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )
        self._instance_facts = parse_facts(self.defaults, where="AegisChatModel(defaults=...): ")
        if self.metrics is True:
            from langchain_aegis.observability.metrics import AegisMetrics

            self.metrics = AegisMetrics()
        self._runtime = build_runtime(self._cfg, metrics=self.metrics or None, ledger=self.ledger)
        if self.validate_model_on_init:
            self._runtime.validate_model(self._cfg.default_provider())

    def __repr_args__(self) -> Any:
        # A ledger URL or base URL may carry a password; repr() also reaches LangSmith's ``serialized``.
        for key, value in super().__repr_args__():
            yield key, mask_url(value) if isinstance(value, str) else value

    # -- resources -------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP clients, event-loop resources and ledger connections this model owns.

        A ledger opened from ``budgets.ledger`` is shared by every model of the
        process with the same URL; it is closed when the last of them closes
        (or at exit). A :class:`~langchain_aegis.budget.Ledger` object passed
        as ``ledger=`` stays open: its owner closes it. The model remains
        usable afterwards and opens new connections on its next call.
        """
        self._runtime.close()

    async def aclose(self) -> None:
        """Async :meth:`close`: clients bound to the running event loop are closed on it."""
        await self._runtime.aclose()

    def __enter__(self) -> AegisChatModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> AegisChatModel:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def aegis_config(self) -> AegisConfig:
        """The effective, validated configuration."""
        return self._cfg

    @property
    def _llm_type(self) -> str:
        return "aegis-chat"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model, "providers": {n: p.model for n, p in self._cfg.providers.items()}}

    # -- routing -------------------------------------------------------------

    def _route(
        self, messages: Sequence[BaseMessage], metadata: Mapping[str, Any] | None, sent: Mapping[str, Any] | None = None
    ) -> RouteDecision:
        return self._runtime.router.route(messages, metadata, self._instance_facts, sent=sent)

    def explain(self, messages: LanguageModelInput, config: RunnableConfig | None = None) -> RouteDecision:
        """Return the routing decision for a call, without calling any model.

        Args:
            messages: what you would pass to ``invoke``.
            config: the ``RunnableConfig`` you would pass, e.g. from :func:`aegis_config`.
        """
        return self._route(self._convert_input(messages).to_messages(), run_metadata(config))

    def _prepare(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None,
        kwargs: dict[str, Any],
        stop: list[str] | None = None,
    ) -> tuple[LanguageModelInput, RunnableConfig, RoutedCall]:
        """Decide before the LangChain run starts, so tags and ls params name the provider.

        Every entry point (invoke, stream, batch and their async forms) comes
        through here, because ``stream()`` calls ``_stream`` without a run
        manager and its metadata would otherwise be lost.
        """
        cfg = ensure_config(config)
        messages = self._convert_input(input).to_messages()
        # Route on what the run inherits (graph, node, parent run) under the call's own metadata:
        # ensure_config keeps only the latter when a node passes its own config.
        # What else the request carries (bound tools, schema, stop) is scanned with the messages.
        sent = {k: v for k, v in kwargs.items() if k in _SENT_PARAMS and v is not None}
        if stop := stop or kwargs.get("stop") or self.stop:
            sent["stop"] = stop
        decision = self._route(messages, run_metadata(config), sent)
        call, run_config = open_call(decision, messages, cfg, tracing=self._cfg.privacy.tracing, stop=stop)
        kwargs[_CALL_KEY] = call
        return (call.shield.shown_messages(messages) if call.shield else input), run_config, call

    def invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        shown, config, call = self._prepare(input, config, kwargs, stop)
        message = super().invoke(shown, config, stop=None if call.shield else stop, **kwargs)
        return cast("AIMessage", call.shield.restore(message)) if call.shield else message

    async def ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        shown, config, call = self._prepare(input, config, kwargs, stop)
        message = await super().ainvoke(shown, config, stop=None if call.shield else stop, **kwargs)
        return cast("AIMessage", call.shield.restore(message)) if call.shield else message

    def stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[AIMessageChunk]:
        shown, config, call = self._prepare(input, config, kwargs, stop)
        try:
            for chunk in super().stream(shown, config, stop=None if call.shield else stop, **kwargs):
                real = call.shield.real_chunk(chunk) if call.shield else chunk
                if real is not None:
                    yield real
        finally:  # break, close(), GC: the provider's bill is settled before this returns
            for log in call.logs:
                settle_abandoned_sync(log)

    async def astream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[AIMessageChunk]:
        shown, config, call = self._prepare(input, config, kwargs, stop)
        try:
            async for chunk in super().astream(shown, config, stop=None if call.shield else stop, **kwargs):
                real = call.shield.real_chunk(chunk) if call.shield else chunk
                if real is not None:
                    yield real
        finally:  # aclose(), GC, cancellation: the provider's bill is settled before this returns
            for log in call.logs:
                await settle_abandoned(log)

    # -- LangChain plumbing -----------------------------------------------------

    def _get_invocation_params(self, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        call = kwargs.pop(_CALL_KEY, None)  # routing state is not an invocation parameter
        params = super()._get_invocation_params(stop=stop, **kwargs)
        return call.shown_params(params, kwargs) if isinstance(call, RoutedCall) else params

    def _get_llm_string(self, stop: list[str] | None = None, **kwargs: Any) -> str:
        """The LLM cache key: the call's parameters and routing outcome, no per-call state.

        A shielded call's key holds its scrubbed parameters (LangChain's prompt
        part of the key is the shown prompt) and a keyed digest of the real
        prompt, so it never holds raw personal data.
        """
        call = kwargs.pop(_CALL_KEY, None)
        if not isinstance(call, RoutedCall):
            return super()._get_llm_string(stop=stop, **kwargs)
        if call.shield is None:
            return call.cache_key(super()._get_llm_string(stop=stop, **kwargs))
        params = self._get_invocation_params(stop=stop, **{_CALL_KEY: call, **kwargs})
        return call.cache_key(f"{sorted(params.items())}", prompt=(stop, kwargs))

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        call = kwargs.get(_CALL_KEY)
        provider = call.decision.provider if isinstance(call, RoutedCall) else self._cfg.default_provider()
        pcfg = self._cfg.providers[provider]
        model = kwargs.get("model") or (call.decision.model if isinstance(call, RoutedCall) else pcfg.model)
        params = LangSmithParams(
            ls_provider=pcfg.type, ls_model_name=model, ls_model_type="chat", ls_temperature=self.temperature
        )
        if (max_tokens := self.max_tokens or self.num_predict) is not None:
            params["ls_max_tokens"] = max_tokens
        if stop := stop or self.stop:
            params["ls_stop"] = call.shield.scrub(stop) if isinstance(call, RoutedCall) and call.shield else stop
        return params

    def _call_for(self, messages: list[BaseMessage], run_manager: Any, kwargs: dict[str, Any]) -> RoutedCall:
        call = kwargs.pop(_CALL_KEY, None)
        if isinstance(call, RoutedCall):
            return call
        # Reached through generate()/agenerate() directly: route from the run's metadata.
        metadata = getattr(run_manager, "metadata", None)
        return RoutedCall(self._route(messages, metadata), messages, time.perf_counter())

    def _plan(self, call: RoutedCall, stop: list[str] | None, kwargs: Mapping[str, Any]) -> CallPlan:
        params = provider_params(self, stop if stop is not None else call.stop, kwargs)
        return self._runtime.plan(call, to_provider_messages(call.messages), params, kwargs.get("model"))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        call = self._call_for(messages, run_manager, kwargs)
        if self.streaming:
            from langchain_core.language_models.chat_models import generate_from_stream

            return generate_from_stream(self._stream(messages, stop, run_manager, **{_CALL_KEY: call, **kwargs}))
        log, plan = CallLog(), self._plan(call, stop, kwargs)
        with self._runtime.failing(call, log):
            result = self._runtime.dispatcher.invoke(plan, log)
        return self._runtime.served(call, plan, log, result, run_manager)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        call = self._call_for(messages, run_manager, kwargs)
        if self.streaming:
            from langchain_core.language_models.chat_models import agenerate_from_stream

            return await agenerate_from_stream(
                self._astream(messages, stop, run_manager, **{_CALL_KEY: call, **kwargs})
            )
        log, plan = CallLog(), self._plan(call, stop, kwargs)
        with self._runtime.failing(call, log):
            result = await self._runtime.dispatcher.ainvoke(plan, log)
        return self._runtime.served(call, plan, log, result, run_manager)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        call = self._call_for(messages, run_manager, kwargs)
        log, tap = call.new_log(), StreamTap(call)
        with self._runtime.failing(call, log):
            for chunk in self._runtime.dispatcher.stream(self._plan(call, stop, kwargs), log):
                shown = tap.take(chunk)
                if run_manager:
                    run_manager.on_llm_new_token(str(shown.message.content), chunk=shown)
                yield shown
        yield from tap.closing(log, run_manager, self._cfg, self._runtime.finisher(call))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        call = self._call_for(messages, run_manager, kwargs)
        log, tap = call.new_log(), StreamTap(call)
        with self._runtime.failing(call, log):
            async for chunk in self._runtime.dispatcher.astream(self._plan(call, stop, kwargs), log):
                shown = tap.take(chunk)
                if run_manager:
                    await run_manager.on_llm_new_token(str(shown.message.content), chunk=shown)
                yield shown
        for closing in tap.closing(log, run_manager, self._cfg, self._runtime.finisher(call)):
            yield closing
