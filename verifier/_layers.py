"""The layers by name: ``rules`` (built into the pipeline), ``exec`` and ``judge``.

A layer beyond the rules is built by a factory registered under its name, from the few
options an application has to choose (which sandbox, which judge); the factory's
``BuiltLayer`` carries the check the pipeline calls, the provenance every result gets,
and how to close what it opened. Applications (the CLI, the service, the job workers,
synthesis) build layers through this one registry, via ``toolproof``'s composition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from toolspec.registry import Registry
from verifier._model import Finding, Sample

LayerName = Literal["rules", "exec", "judge"]
KNOWN_LAYERS: tuple[LayerName, ...] = ("rules", "exec", "judge")
#: A layer takes a sample and returns its findings.
LayerCheck = Callable[[Sample], list[Finding]]


@dataclass(frozen=True)
class LayerOptions:
    """What an application chooses for the layers it asks for."""

    sandbox: str = "process"
    sandbox_options: Mapping[str, Any] = field(default_factory=dict)
    """Options of that backend (the docker image, paths workers must not see)."""
    judge: str = "offline"
    judge_model: str | None = None
    judge_api_key: str | None = field(default=None, repr=False)
    judge_cache: Path | None = None
    exec_workers: int | None = None
    """Sandbox workers of the exec layer; None: one per CPU this process may run on, at
    most 4 (a cluster's task passes the CPUs it was given: a node's other CPUs are for
    its other tasks)."""


@dataclass(frozen=True)
class BuiltLayer:
    """A layer ready for the pipeline: its check, its provenance, how to close it."""

    check: LayerCheck
    provenance: dict[str, Any]
    close: Callable[[], None]


LayerFactory = Callable[[LayerOptions], BuiltLayer]
LAYERS: Registry[LayerFactory] = Registry(
    "unknown layer {name}; layers built by a factory: {known}",
    lazy={"exec": "verifier._exec", "judge": "verifier._judge"},
)
F = TypeVar("F", bound=LayerFactory)


def layer_factory(name: LayerName) -> Callable[[F], F]:
    """Register the factory of a layer (decorator)."""
    return LAYERS.register(name)


def build_layer(name: LayerName, options: LayerOptions) -> BuiltLayer:
    """The layer ``name`` built with ``options`` (its machinery loads only now)."""
    return LAYERS.get(name)(options)
