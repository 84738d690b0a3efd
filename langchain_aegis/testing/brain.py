"""Deterministic answers computed from the request alone.

:class:`DeterministicBrain` is what a fake server answers with unless a test
scripts its replies. Its rules are few and stable, so a test can predict the
answer without running anything:

1. **Tool calls.** When tools are offered, ``tool_choice`` is not ``none`` and
   the conversation ends with a user turn, it calls one tool: the one named by
   ``tool_choice``, else the one whose name appears in the last user message
   (longest name first), else the first. Arguments are built from the tool's
   JSON schema, filled with numbers and quoted or capitalised phrases from the
   prompt (``magic_function(3)`` gives ``{"input": 3}``).
2. **After a tool result** (the last message is a tool message) it answers in
   text: ``"The <tool> tool returned: <result>"``.
3. **Structured output.** With a JSON schema (OpenAI ``response_format``
   ``json_schema``, Ollama ``format`` schema) the content is a JSON object
   valid for the schema. In JSON mode it is an object whose keys are the
   quoted words of the prompt (``'setup' and 'punchline' keys``), or
   ``{"answer": ...}``.
4. **Text.** A greeting gets ``"Hello! How can I help you today?"``;
   ``repeat X``/``say X``/``echo X`` gets ``X``; anything else gets
   ``"Deterministic reply to: <prompt>"``.
5. **Thinking.** When the request asks for it (Ollama ``think``), a one-line
   reasoning text is added.

Stop sequences and the token cap are applied afterwards by
:func:`~langchain_aegis.testing.exchange.finalize`, whatever produced the reply.

It must not know a wire format or inject faults: it sees only a
:class:`~langchain_aegis.testing.exchange.ChatRequest`.
"""

from __future__ import annotations

import json
import re

from langchain_aegis.testing.exchange import ChatRequest, Reply, ToolCall, ToolSpec
from langchain_aegis.testing.schema_sample import PromptHints, sample_from_schema

__all__ = ["DeterministicBrain"]

_GREETING = re.compile(r"^\W*(hello|hi|hey|howdy|good (morning|afternoon|evening))\b", re.IGNORECASE)
_ECHO = re.compile(
    r"^\W*(?:please\s+)?(?:repeat|say|echo)(?:\s+after\s+me)?(?:\s+back)?(?:\s+exactly)?\s*:?\s*(?P<text>.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_QUOTED_WORD = re.compile(r"['\"`]([A-Za-z_][\w-]*)['\"`]")


class DeterministicBrain:
    """Answers every request the same way every time; see the module docstring for the rules.

    Args:
        greeting: the answer to a greeting.
        think: reasoning text returned when the request asks for thinking.

    Example:
        .. code-block:: python

            from langchain_aegis.testing import DeterministicBrain, OllamaServer

            with OllamaServer(brain=DeterministicBrain(greeting="Ahoy!")) as server:
                ...
    """

    def __init__(
        self,
        *,
        greeting: str = "Hello! How can I help you today?",
        think: str = "The request is clear, so I answer it directly.",
    ) -> None:
        """Configure the fixed texts."""
        self.greeting = greeting
        self.think = think

    def __call__(self, request: ChatRequest) -> Reply:
        """Decide the reply to ``request``.

        Args:
            request: the parsed chat request.

        Returns:
            The reply, before stop sequences and the token cap are applied.
        """
        thinking = self.think if request.think else ""
        last = request.messages[-1] if request.messages else None
        if request.tools and request.tool_choice != "none" and last is not None and last.role == "user":
            return Reply(thinking=thinking, tool_calls=(self.tool_call(request),))
        if last is not None and last.role == "tool":
            text = f"The {last.name or 'tool'} tool returned: {last.content}"
        else:
            text = self.text(request.last_user_text)
        return Reply(content=self.shape(request, text), thinking=thinking)

    def tool_call(self, request: ChatRequest) -> ToolCall:
        """The call to make when tools are offered and the user has spoken.

        Args:
            request: a request with at least one tool.

        Returns:
            The call, with arguments valid for the chosen tool's schema.
        """
        tool = self.pick_tool(request)
        names = tuple(t.name for t in request.tools)
        hints = PromptHints(request.last_user_text, exclude=names)
        schema = tool.parameters or {"type": "object", "properties": {}}
        arguments = sample_from_schema(schema, hints, required_only=True)
        return ToolCall(name=tool.name, arguments=arguments if isinstance(arguments, dict) else {})

    @staticmethod
    def pick_tool(request: ChatRequest) -> ToolSpec:
        """The tool named by ``tool_choice``, else mentioned in the prompt, else the first.

        Args:
            request: a request with at least one tool.

        Returns:
            The chosen tool.
        """
        by_name = {t.name: t for t in request.tools}
        if request.tool_choice in by_name:
            return by_name[request.tool_choice]
        prompt = request.last_user_text
        # Longest first, so "magic_function_no_args" wins over "magic_function".
        for name in sorted(by_name, key=len, reverse=True):
            if name in prompt:
                return by_name[name]
        return request.tools[0]

    def text(self, prompt: str) -> str:
        """The plain-text answer to ``prompt``.

        Args:
            prompt: the last user message.

        Returns:
            The greeting, the echoed text, or a reply that quotes the prompt.
        """
        if _GREETING.match(prompt):
            return self.greeting
        if match := _ECHO.match(prompt):
            return match.group("text").strip().strip("'\"`“”")
        prompt = " ".join(prompt.split())
        return f"Deterministic reply to: {prompt}" if prompt else self.greeting

    @staticmethod
    def shape(request: ChatRequest, text: str) -> str:
        """Put ``text`` into the shape the request demands.

        Args:
            request: the request, for its response format and prompt.
            text: the plain-text answer.

        Returns:
            ``text`` itself, or JSON text for JSON mode and JSON schemas.
        """
        fmt = request.response_format
        prompt = request.last_user_text
        if fmt.kind == "json_schema" and fmt.schema is not None:
            value = sample_from_schema(fmt.schema, PromptHints(prompt))
            return json.dumps(value, ensure_ascii=False)
        if fmt.kind == "json":
            keys = list(dict.fromkeys(_QUOTED_WORD.findall(prompt))) if "key" in prompt.lower() else []
            value = {k: f"{k} text" for k in keys} if keys else {"answer": text}
            return json.dumps(value, ensure_ascii=False)
        return text
