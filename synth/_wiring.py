"""The synthesis pipeline's seams, built from the verifier and the mock runtime.

The rule layer's spec checks, a compile check that runs the mock once, the executed-mock
tool agent, the verify callable (the same ``Pipeline`` as ``toolproof verify``, over the
layers the application built), a synchronous face on the judge's chat client, and the
complexity scorer (prompt log-probabilities over the same client).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import Any

from mock_apis import (
    MockBundle,
    MockRunner,
    MockSession,
    ThreadSessions,
    ToolsetCache,
    compile_toolset,
    example_arguments,
)
from synth._protocols import ToolResult, Verdict
from toolspec import ToolSpec
from toolspec.errors import CompileError, ConfigError
from verifier import (
    BackgroundLoop,
    ChatClient,
    Dataset,
    ExecLayer,
    LayerCheck,
    Pipeline,
    RetryPolicy,
    Sample,
    check_rules,
)

#: Every layer verifies a synthesised dialog.
VERIFY_LAYERS = ("rules", "exec", "judge")
#: Compiled toolsets kept per tool agent (dialogs reuse a few hundred toolsets).
BUNDLE_CACHE = 1024


def spec_check(spec: ToolSpec) -> list[str]:
    """The rule layer's spec findings (``spec.invalid_schema``, ``spec.unclear``) as text."""
    sample = Sample(index=0, id=spec.name, format="openai", tools=[spec])
    return [f"{f.code}: {f.message}" for f in check_rules(sample) if f.code.startswith("spec.")]


class MockSessionAdapter:
    """A mock session as the synthesis pipeline's ``ToolSession``.

    The session belongs to the tool agent, which reuses it for the next dialog (reset or
    rebound, so state starts empty): ``close`` ends the dialog, not the session.
    """

    def __init__(self, session: MockSession) -> None:
        self.session = session

    def call_many(self, calls: Sequence[tuple[str, dict[str, Any]]]) -> list[ToolResult]:
        out: list[ToolResult] = []
        for outcome in self.session.call_many(calls):
            if outcome.ok:
                out.append(ToolResult(True, outcome.result))
            else:
                text = "; ".join(str(f.get("message", "")) for f in outcome.findings)
                out.append(ToolResult(False, None, text or "the mock failed"))
        return out

    def close(self) -> None:
        return None


class MockToolAgent:
    """The tool agent: toolsets compiled once (LRU by content); each thread keeps one
    sandbox session, reset or rebound to the dialog's toolset, so every dialog starts
    with empty mock state on a warm worker instead of a new one."""

    def __init__(self, runner: MockRunner, seed: int = 0) -> None:
        self.runner, self.seed = runner, seed
        self.toolsets = ToolsetCache(seed=seed, size=BUNDLE_CACHE)
        self.sessions = ThreadSessions(runner)

    def bundle(self, specs: Sequence[ToolSpec]) -> MockBundle:
        return self.toolsets.get(specs)

    def open(self, specs: Sequence[ToolSpec]) -> MockSessionAdapter:
        return MockSessionAdapter(self.sessions.get(self.toolsets.get(specs)))

    def close(self) -> None:
        self.sessions.close()

    def compile_check(self, spec: ToolSpec) -> list[str]:
        """Problems keeping ``spec`` from being a working mock: it must compile, and some
        call must pass its own validation (a schema no value satisfies is useless)."""
        try:
            bundle = compile_toolset([spec], seed=self.seed)
        except CompileError as exc:
            return [exc.message]
        if bundle.errors:
            return [e.message for e in bundle.errors]
        entry = bundle.tool(spec.name)
        if entry is None or example_arguments(entry, self.seed) is None:
            return ["no call can satisfy the parameter schema"]
        return []


class PipelineVerify:
    """``Verify`` over the verifier's ``Pipeline``: records read back by the dataset
    readers exactly as ``toolproof verify`` reads the written file."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def __call__(self, records: Sequence[dict[str, Any]], format: str) -> list[Verdict]:
        data = Dataset.from_records(records, format)
        return [
            Verdict(
                result.verdict == "pass",
                [f.code for f in result.findings if f.severity == "error"]
                or [f.code for f in result.findings],
            )
            for _, result in self.pipeline.run(data)
        ]


def verifying_agents(
    stack: ExitStack, layers: Mapping[str, LayerCheck], provenance: Mapping[str, Any]
) -> tuple[PipelineVerify, MockToolAgent]:
    """The verify callable (``Pipeline`` over ``VERIFY_LAYERS``: ``layers`` are the ones beyond
    the rules, built by the application as for ``toolproof verify``) and the tool agent,
    sharing the exec layer's mock runner and its compiled code."""
    layer = layers.get("exec")
    if not isinstance(layer, ExecLayer):
        raise ConfigError("the exec layer is not available in this build")
    # no duplicate check: the writer drops repeats by digest before they are verified
    pipeline = Pipeline(
        VERIFY_LAYERS, extra_layers=dict(layers), provenance=dict(provenance), duplicates=False
    )
    agent = MockToolAgent(layer.runner)
    stack.callback(agent.close)
    return PipelineVerify(pipeline), agent


class SyncChat:
    """The judge's chat client (``ChatClient``: retries, backoff, stats) behind the
    pipeline's synchronous ``ChatModel``; its event loop runs in a thread of its own."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int | None = None,
        concurrency: int = 8,
    ) -> None:
        self.model = model
        self._loop = BackgroundLoop("toolproof-synth-llm")
        retry = (
            RetryPolicy()
            if max_retries is None
            else RetryPolicy(max_retries=max_retries, backoff=0.01)
        )

        async def make() -> ChatClient:
            return ChatClient(
                base_url,
                model,
                api_key=api_key,
                timeout=timeout,
                retry=retry,
                concurrency=concurrency,
            )

        self.client = self._loop.run(make())

    def chat(self, messages: list[dict[str, str]]) -> str:
        return self._loop.run(self.client.complete(messages)).content

    def close(self) -> None:
        if self._loop.closed:
            return
        self._loop.run(self.client.aclose())
        self._loop.close()


def completions_endpoint(base_url: str) -> str:
    """``http://h:8000`` or ``…/v1`` or the full path → the (text) completions URL."""
    url = base_url.rstrip("/")
    if url.endswith("/completions"):
        return url
    return f"{url}/completions" if url.endswith("/v1") else f"{url}/v1/completions"


class LogprobScorer:
    """Asks an OpenAI-compatible completions endpoint for the prompt log-probabilities of
    rendered dialogs (``echo`` + ``logprobs``, and vLLM's ``prompt_logprobs``), through
    the judge's client (retries, backoff, concurrency) pointed at ``/completions``."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        concurrency: int = 8,
        max_retries: int | None = None,
    ) -> None:
        self.model = model
        self._loop = BackgroundLoop("toolproof-synth-scorer")
        retry = RetryPolicy() if max_retries is None else RetryPolicy(max_retries=max_retries)

        async def make() -> ChatClient:
            client = ChatClient(
                base_url, model, api_key=api_key, timeout=timeout, retry=retry,
                concurrency=concurrency,
            )  # fmt: skip
            client.url = completions_endpoint(base_url)
            return client

        self.client = self._loop.run(make())

    def body(self, text: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "prompt": text,
            "max_tokens": 1,
            "temperature": 0,
            "echo": True,
            "logprobs": 1,
            "prompt_logprobs": 0,
        }

    def responses(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """The endpoint's answer to each text, in order (``JudgeError`` if one fails)."""

        async def all_of() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(self.client.request(self.body(t)) for t in texts)))

        return self._loop.run(all_of())

    def close(self) -> None:
        if self._loop.closed:
            return
        self._loop.run(self.client.aclose())
        self._loop.close()
