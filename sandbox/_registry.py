"""Backends by name: ``@sandbox_backend("docker")`` registers a class; a new backend is a
new module. Built-in backends are imported on first use (``docker`` pulls in the Docker
SDK); third-party ones plug in through the ``toolproof.sandboxes`` entry-point group."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeVar

from sandbox._errors import UnknownBackendError
from sandbox._protocol import Sandbox

_BUILTIN = {"process": "sandbox.process", "docker": "sandbox.docker"}
_REGISTRY: dict[str, Callable[..., Sandbox]] = {}
ENTRY_POINT_GROUP = "toolproof.sandboxes"

T = TypeVar("T", bound=Callable[..., Sandbox])


def sandbox_backend(name: str) -> Callable[[T], T]:
    """Class decorator: register a backend factory under ``name``."""

    def register(factory: T) -> T:
        _REGISTRY[name] = factory
        return factory

    return register


def backend_names() -> list[str]:
    """Every backend name known: built-in, registered, and from entry points."""
    names = set(_BUILTIN) | set(_REGISTRY)
    names |= {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(names)


def create_sandbox(name: str, **options: Any) -> Sandbox:
    """A backend by name; an unknown name fails listing the known ones."""
    if name not in _REGISTRY and name in _BUILTIN:
        importlib.import_module(_BUILTIN[name])
    if name not in _REGISTRY:
        for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
            _REGISTRY[name] = ep.load()
    if name not in _REGISTRY:
        raise UnknownBackendError(
            f"unknown sandbox backend {name!r}; known: {', '.join(backend_names())}"
        )
    return _REGISTRY[name](**options)
