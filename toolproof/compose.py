"""The one place that turns settings into the layers every application runs.

The CLI, the service (``POST /v1/verify`` and its jobs) and synthesis all verify with
the same layers built the same way: ``--sandbox``, ``--judge`` and the ``TOOLPROOF_*``
settings become :class:`verifier.LayerOptions`, each asked-for layer comes from the
layer registry (``verifier.build_layer``), and ``stack`` closes what they opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

from toolproof.settings import Settings
from verifier import LayerCheck, LayerOptions, build_layer, parse_layers


def sandbox_options(settings: Settings, backend: str) -> dict[str, Any]:
    """What a sandbox backend needs from the settings: the docker image; the state
    directory the process workers must not see."""
    if backend == "docker":
        return {"image": settings.sandbox_image}
    if backend == "process":
        return {"hide": [str(settings.home)]}
    return {}


def layer_options(settings: Settings, *, sandbox: str | None = None,
                  judge: str | None = None) -> LayerOptions:  # fmt: skip
    """The layers' options from ``settings``, with the command's own choices first."""
    backend = sandbox or settings.sandbox
    return LayerOptions(
        sandbox=backend,
        sandbox_options=sandbox_options(settings, backend),
        judge=judge or settings.judge,
        judge_model=settings.judge_model,
        judge_api_key=settings.secret_judge_key,
        judge_cache=settings.home / "judge-cache.sqlite",
    )


def build_layers(
    layers: Sequence[str],
    *,
    settings: Settings,
    stack: ExitStack,
    sandbox: str | None = None,
    judge: str | None = None,
) -> tuple[dict[str, LayerCheck], dict[str, Any]]:
    """The layers beyond the rules and their provenance; ``stack`` closes them."""
    options = layer_options(settings, sandbox=sandbox, judge=judge)
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
