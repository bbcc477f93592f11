"""An async client for OpenAI-compatible ``/v1/chat/completions`` endpoints.

vLLM, Ollama, llama.cpp's server and hosted APIs all speak this API, so one client
serves every caller: the judge, the synthesis agents and the BFCL model runner. It
bounds the requests in flight (a semaphore), retries 429, 5xx, timeouts and dropped
connections with exponential backoff and jitter (or as long as ``Retry-After`` asks),
and counts tokens from ``usage``. ``request`` sends a whole body and returns the
answer's JSON; ``complete`` asks for structured output (``response_format:
json_schema``), stops asking when the server rejects that, and returns the text. The
HTTP transport is the test seam: pass an ``httpx.MockTransport`` or any async transport.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import email.utils
import random
import ssl
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from toolspec.errors import JudgeError
from verifier._judge._base import JudgeStats

T = TypeVar("T")
#: Connections per httpx pool; the client opens ceil(concurrency / POOL_SHARD) pools.
POOL_SHARD = 8
_RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait before asking again (seconds)."""

    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 20.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Wait before retry ``attempt`` (0-based): Retry-After, else backoff with jitter."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        base = min(self.max_backoff, self.backoff * 2.0**attempt)
        return base / 2 + random.uniform(0, base / 2)


@dataclass(frozen=True, slots=True)
class Completion:
    """The message text of one answer and its token usage."""

    content: str
    prompt_tokens: int
    completion_tokens: int


def completions_url(base_url: str) -> str:
    """``http://h:8000`` or ``…/v1`` or the full path → the chat-completions URL."""
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return f"{url}/chat/completions"
    return f"{url}/v1/chat/completions"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


class _Retryable(Exception):
    """An attempt that another may fix (a timeout, a lost connection, 429, 5xx)."""

    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class _SchemaRejected(JudgeError):
    """The server refused ``response_format``: ``complete`` asks again without it (to
    another caller of ``request`` it is the JudgeError it says it raises)."""


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise JudgeError(f"the answer is not JSON: {response.text[:200]!r}") from None
    if not isinstance(body, dict):
        raise JudgeError(f"the answer is not a JSON object: {response.text[:200]!r}")
    return body


def _usage(body: dict[str, Any]) -> tuple[int, int]:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return 0, 0
    p, c = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (p if isinstance(p, int) else 0), (c if isinstance(c, int) else 0)


class ChatClient:
    """Sends chat-completion requests; one instance per judge, used from one event loop."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        concurrency: int = 64,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        stats: JudgeStats | None = None,
    ) -> None:
        self.url = completions_url(base_url)
        self.model = model
        self.retry = retry or RetryPolicy()
        self.stats = stats or JudgeStats()
        self.structured = True
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # httpcore's pool costs O(requests x connections) per request; several small pools
        # keep that flat at 50+ requests in flight.
        shards = max(1, -(-concurrency // POOL_SHARD))
        limits = httpx.Limits(max_connections=POOL_SHARD, max_keepalive_connections=POOL_SHARD)
        # One TLS context for every pool (loading the CA bundle costs ~0.1 s each time).
        verify: ssl.SSLContext | bool = (
            httpx.create_ssl_context() if self.url.startswith("https://") else False
        )
        self._pools = [
            httpx.AsyncClient(
                transport=transport, headers=headers, timeout=timeout, limits=limits, verify=verify
            )
            for _ in range(shards)
        ]
        self._next = 0
        self._gate = asyncio.Semaphore(concurrency)

    async def complete(
        self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None
    ) -> Completion:
        """The answer to ``messages``; raises ``JudgeError`` once retries are spent."""
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0}
        while True:
            if schema is not None and self.structured:
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "judge_verdict", "strict": True, "schema": schema},
                }
            else:
                body.pop("response_format", None)
            try:
                return self._parse(await self.request(body))
            except _SchemaRejected:
                self.structured = False

    async def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` as it is; the answer's JSON object. Raises ``JudgeError`` for an
        answer that is not one, a refusal (4xx) and once retries are spent (tenacity
        retries timeouts, connection failures, 429 and 5xx, honouring ``Retry-After``)."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(body)
        except _Retryable as exc:
            tries = retrying.statistics.get("attempt_number", self.retry.max_retries + 1)
            raise JudgeError(f"gave up after {tries} attempts: {exc.reason}") from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _attempt(self, body: dict[str, Any]) -> dict[str, Any]:
        """One POST; ``_Retryable`` for what another attempt may fix."""
        try:
            response = await self._send(body)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})", None) from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed: {exc!r}", None) from None
        if response.status_code == 200:
            return _json_object(response)
        if response.status_code == 400 and self._rejects_schema(response, body):
            raise _SchemaRejected(f"the server refused response_format: {response.text[:200]!r}")
        reason = f"HTTP {response.status_code}: {response.text[:200]!r}"
        if response.status_code not in _RETRY_STATUS:
            raise JudgeError(reason)
        raise _Retryable(reason, _retry_after(response))

    def _wait(self, state: RetryCallState) -> float:
        failed = state.outcome.exception() if state.outcome is not None else None
        retry_after = failed.retry_after if isinstance(failed, _Retryable) else None
        return self.retry.delay(state.attempt_number - 1, retry_after)

    def _count_retry(self, state: RetryCallState) -> None:
        self.stats.retries += 1

    async def _send(self, body: dict[str, Any]) -> httpx.Response:
        async with self._gate:
            self.stats.calls += 1
            self.stats.in_flight += 1
            self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
            try:
                self._next = (self._next + 1) % len(self._pools)
                response = await self._pools[self._next].post(self.url, json=body)
                await response.aread()
                return response
            finally:
                self.stats.in_flight -= 1

    @staticmethod
    def _rejects_schema(response: httpx.Response, body: dict[str, Any]) -> bool:
        text = response.text.lower()
        return "response_format" in body and ("response_format" in text or "json_schema" in text)

    def _parse(self, body: dict[str, Any]) -> Completion:
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise JudgeError(f"not a chat completion: {str(body)[:200]!r}") from exc
        if not isinstance(content, str):
            raise JudgeError(f"the answer has no text content: {content!r:.200}")
        prompt, completion = _usage(body)
        self.stats.prompt_tokens += prompt
        self.stats.completion_tokens += completion
        return Completion(content, prompt, completion)

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


class BackgroundLoop:
    """An event loop on a daemon thread of its own, so that synchronous callers (the
    judge layer, the synthesis agents) can drive a ``ChatClient`` from any thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and wait for its result."""
        return self.submit(coro).result()

    @property
    def closed(self) -> bool:
        return self.loop.is_closed()

    def close(self) -> None:
        """Stop the loop and its thread. Idempotent."""
        if self.closed:
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()
