"""HTTP/1.1 on the wire: read a request, frame a response, and the protocol interface.

Only what LLM clients send is supported: ``Content-Length`` or chunked
request bodies, keep-alive, ``Expect: 100-continue``. Responses are framed
with ``Content-Length``, or with chunked transfer encoding when streamed
(as both Ollama and OpenAI do), so a stream can be cut mid-body.

It must not know Ollama's or OpenAI's bodies; each protocol implements the
interface.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from langchain_aegis.testing.exchange import ChatRequest, Reply
from langchain_aegis.testing.faults import Fault

__all__ = ["HttpRequest", "HttpResponse", "ProtocolError", "WireProtocol", "read_request", "write_response"]


class ProtocolError(Exception):
    """A request the server cannot parse; the connection is closed."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One parsed HTTP request.

    Attributes:
        method: ``GET``, ``POST``...
        path: the path without the query string.
        headers: header names lower-cased; repeated headers keep the last value.
        body: the raw body.
        keep_alive: whether the connection stays open after the response.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    keep_alive: bool = True

    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when empty or invalid."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One response, buffered or streamed.

    Attributes:
        status: the HTTP status code.
        body: the whole body of a buffered response.
        chunks: the pieces of a streamed response, each sent as one HTTP chunk;
            ``None`` for a buffered response.
        content_type: the ``Content-Type`` header.
        headers: extra headers.
    """

    status: int
    body: bytes = b""
    chunks: Sequence[bytes] | None = None
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """A buffered JSON response.

        Args:
            status: the HTTP status code.
            payload: anything ``json.dumps`` accepts.
            headers: extra headers.

        Returns:
            The response.
        """
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return cls(status=status, body=body, headers=headers or {})


class WireProtocol(ABC):
    """What a provider's API looks like on the wire; pure functions of the request.

    A protocol parses generation requests into :class:`ChatRequest`, renders
    :class:`Reply` objects and faults in its own format, and answers its
    metadata endpoints. The server core does the I/O, applies faults and keeps
    the journal, so a protocol never touches a socket.
    """

    #: ``ollama`` or ``openai``; copied into :attr:`ChatRequest.protocol`.
    name: str = ""
    #: The paths :meth:`parse_chat` accepts; faults apply only to these.
    generation_paths: frozenset[str] = frozenset()

    def __init__(self, models: Sequence[str], *, strict_models: bool = False) -> None:
        """Configure the model catalogue.

        Args:
            models: the models the server lists.
            strict_models: answer 404 to chat requests for models not listed,
                as a real server does; off by default so any name works.
        """
        self.models = tuple(models)
        self.strict_models = strict_models

    def knows_model(self, model: str) -> bool:
        """Whether ``model`` is served: listed, or any model when not strict.

        Args:
            model: the requested name; ``name`` matches a listed ``name:latest``.

        Returns:
            ``True`` if a chat request for it should be answered.
        """
        if not self.strict_models:
            return True
        return model in self.models or f"{model}:latest" in self.models

    @abstractmethod
    def parse_chat(self, request: HttpRequest) -> ChatRequest:
        """Parse a request to one of :attr:`generation_paths`.

        Args:
            request: the HTTP request.

        Returns:
            The parsed chat request.

        Raises:
            ValueError: if the body is not a valid request; the message becomes a 400.
        """

    @abstractmethod
    def render_chat(self, chat: ChatRequest, reply: Reply) -> HttpResponse:
        """Render the final reply, streamed if the request asked for a stream.

        Args:
            chat: the request being answered.
            reply: the finalized reply.

        Returns:
            The response.
        """

    @abstractmethod
    def render_error(self, status: int, fault: Fault | None, message: str, model: str) -> HttpResponse:
        """Render an error the way the provider does.

        Args:
            status: the HTTP status.
            fault: the fault that caused it, if any (selects error codes).
            message: the human-readable message.
            model: the requested model, for messages that name it.

        Returns:
            The error response.
        """

    @abstractmethod
    def render_malformed(self, chat: ChatRequest) -> HttpResponse:
        """A 200 response whose body (or first stream line) is not valid JSON."""

    def render_truncated(self, chat: ChatRequest, reply: Reply) -> HttpResponse:
        """``reply`` streamed without the protocol's end marker, closed cleanly (a non-stream answer is whole)."""
        response = self.render_chat(chat, reply)
        if not chat.stream:
            return response
        return replace(response, chunks=[c for c in response.chunks or () if not self.ends_stream(c)])

    def ends_stream(self, chunk: bytes) -> bool:
        """Whether a streamed chunk is (part of) the end marker; see :meth:`render_truncated`."""
        raise NotImplementedError

    @abstractmethod
    def render_empty(self, chat: ChatRequest) -> HttpResponse:
        """A 200 response with nothing in it (a stream with no chunks)."""

    @abstractmethod
    def route(self, request: HttpRequest) -> HttpResponse:
        """Answer a non-generation endpoint (model lists, version, health).

        Args:
            request: the HTTP request.

        Returns:
            The response; a 404 in the provider's format for unknown paths.
        """


async def read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> HttpRequest | None:
    """Read one request from a keep-alive connection.

    Args:
        reader: the connection's reader.
        writer: the connection's writer, to acknowledge ``Expect: 100-continue``.

    Returns:
        The request, or ``None`` when the client closed the connection cleanly.

    Raises:
        ProtocolError: on a malformed request line, headers or body framing.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise ProtocolError("connection closed inside the request head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise ProtocolError("request head too large") from exc
    lines = head[:-4].decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise ProtocolError(f"bad request line {lines[0]!r}") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"bad header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    try:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await _read_chunked(reader)
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0")))
    except (asyncio.IncompleteReadError, ValueError) as exc:
        raise ProtocolError("bad request body") from exc
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    return HttpRequest(
        method=method.upper(), path=urlsplit(target).path, headers=headers, body=body, keep_alive=keep_alive
    )


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers, if any, end with an empty line.
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _head(response: HttpResponse, keep_alive: bool, framing: str) -> bytes:
    reason = HTTPStatus(response.status).phrase if response.status in HTTPStatus._value2member_map_ else "Unknown"
    lines = [f"HTTP/1.1 {response.status} {reason}", f"content-type: {response.content_type}", framing]
    lines += [f"{name}: {value}" for name, value in response.headers.items()]
    if not keep_alive:
        lines.append("connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def write_response(
    writer: asyncio.StreamWriter,
    response: HttpResponse,
    *,
    keep_alive: bool,
    cut_after: int | None = None,
    chunk_delay: float = 0.0,
) -> bool:
    """Send ``response``, possibly cutting it short.

    Args:
        writer: the connection's writer.
        response: what to send.
        keep_alive: whether to keep the connection open afterwards.
        cut_after: when set, close the connection after this many stream
            chunks (a buffered body is cut in half) without ending the body.
        chunk_delay: seconds to wait between stream chunks.

    Returns:
        ``True`` if the response was sent whole and the connection may be reused.
    """
    if response.chunks is None:
        body = response.body
        if cut_after is not None:
            writer.write(_head(response, keep_alive, f"content-length: {len(body)}") + body[: len(body) // 2])
            await writer.drain()
            return False
        writer.write(_head(response, keep_alive, f"content-length: {len(body)}") + body)
        await writer.drain()
        return keep_alive
    writer.write(_head(response, keep_alive, "transfer-encoding: chunked"))
    for sent, chunk in enumerate(response.chunks):
        if cut_after is not None and sent >= cut_after:
            await writer.drain()
            return False
        if not chunk:
            continue  # an empty HTTP chunk would end the body
        if chunk_delay:
            await asyncio.sleep(chunk_delay)
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        # Flush per chunk so clients see tokens arrive one by one, as from a model.
        await writer.drain()
    if cut_after is not None:
        return False
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return keep_alive
