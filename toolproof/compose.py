"""The one place that turns settings into the layers every application runs.

The CLI, the service (``POST /v1/verify`` and its jobs) and synthesis all verify with
the same layers built the same way: ``--sandbox``, ``--judge`` and the ``TOOLPROOF_*``
settings become :class:`verifier.LayerOptions`, each asked-for layer comes from the
layer registry (``verifier.build_layer``), and ``stack`` closes what they opened.
``synth dialogs`` builds its generator here too (:func:`dialog_generator`), the same on
this machine and on a cluster node.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolproof.settings import Settings
from toolspec.errors import ConfigError
from verifier import LayerCheck, LayerOptions, build_layer, parse_layers

if TYPE_CHECKING:
    from synth import DialogGenerator, PoolEntry, SyncChat

#: Requests in flight by default when a model answers.
LLM_CONCURRENCY = 8


def sandbox_options(settings: Settings, backend: str) -> dict[str, Any]:
    """What a sandbox backend needs from the settings: the docker image; the state
    directory the process workers must not see."""
    if backend == "docker":
        return {"image": settings.sandbox_image}
    if backend == "process":
        return {"hide": [str(settings.home)]}
    return {}


def layer_options(settings: Settings, *, sandbox: str | None = None, judge: str | None = None,
                  exec_workers: int | None = None) -> LayerOptions:  # fmt: skip
    """The layers' options from ``settings``, with the command's own choices first."""
    backend = sandbox or settings.sandbox
    return LayerOptions(
        sandbox=backend,
        sandbox_options=sandbox_options(settings, backend),
        judge=judge or settings.judge,
        judge_model=settings.judge_model,
        judge_api_key=settings.secret_judge_key,
        judge_cache=settings.home / "judge-cache.sqlite",
        exec_workers=exec_workers,
    )


def build_layers(
    layers: Sequence[str],
    *,
    settings: Settings,
    stack: ExitStack,
    sandbox: str | None = None,
    judge: str | None = None,
    exec_workers: int | None = None,
) -> tuple[dict[str, LayerCheck], dict[str, Any]]:
    """The layers beyond the rules and their provenance; ``stack`` closes them."""
    options = layer_options(settings, sandbox=sandbox, judge=judge, exec_workers=exec_workers)
    extra: dict[str, LayerCheck] = {}
    provenance: dict[str, Any] = {}
    for name in parse_layers(layers):
        if name == "rules":  # built into the pipeline
            continue
        built = build_layer(name, options)
        stack.callback(built.close)
        extra[name] = built.check
        provenance.update(built.provenance)
    return extra, provenance


def chat_model(
    llm: str, model: str | None, concurrency: int | None, *, settings: Settings, stack: ExitStack
) -> tuple[str, SyncChat | None]:
    """``offline`` → no model; an http(s) URL → the judge's chat client on that endpoint
    (``stack`` closes it)."""
    if llm == "offline":
        return "offline", None
    if not llm.startswith(("http://", "https://")):
        raise ConfigError(f"--llm takes 'offline' or an http(s) URL; got {llm!r}")
    from synth import SyncChat

    chat = SyncChat(
        llm,
        model or settings.judge_model,
        api_key=settings.secret_judge_key,
        concurrency=max(concurrency or LLM_CONCURRENCY, LLM_CONCURRENCY),
    )
    stack.callback(chat.close)
    return "llm", chat


def attempt_concurrency(asked: int | None, chat: SyncChat | None) -> int:
    """Threads only pay off while waiting on a model; templates run on one."""
    if asked is not None:
        return asked
    return 1 if chat is None else LLM_CONCURRENCY


@dataclass(frozen=True, slots=True)
class DialogOptions:
    """How ``synth dialogs`` plays and verifies (its command-line options)."""

    llm: str = "offline"
    model: str | None = None
    sandbox: str = "process"
    judge: str | None = None
    format: str = "openai"
    mix: str | None = None
    seed: int = 0
    concurrency: int | None = None


def dialog_generator(
    stack: ExitStack,
    pool: Sequence[PoolEntry],
    options: DialogOptions,
    settings: Settings,
    exec_workers: int | None = None,
) -> DialogGenerator:
    """The dialog generator of ``synth dialogs``, on this machine or a cluster node: its
    agents, the executed-mock tool agent and the verify callable over every layer
    (``stack`` closes them)."""
    from synth import (
        VERIFY_LAYERS,
        ComplexityController,
        DialogGenerator,
        make_agents,
        parse_mix,
        verifying_agents,
    )

    kind, chat = chat_model(
        options.llm, options.model, options.concurrency, settings=settings, stack=stack
    )
    layers, provenance = build_layers(
        VERIFY_LAYERS,
        sandbox=options.sandbox,
        judge=options.judge or settings.judge,
        settings=settings,
        stack=stack,
        exec_workers=exec_workers,
    )
    verify, agent = verifying_agents(stack, layers, provenance)
    return DialogGenerator(
        pool,
        agents=make_agents(kind, model=chat),
        tool_agent=agent,
        verify=verify,
        format=options.format,
        controller=ComplexityController(parse_mix(options.mix)),
        seed=options.seed,
        concurrency=attempt_concurrency(options.concurrency, chat),
    )
