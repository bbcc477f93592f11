"""Backends by name: ``@sandbox_backend("docker")`` registers a class; a new backend is a
new module. Built-in backends are imported on first use (``docker`` pulls in the Docker
SDK); third-party ones plug in through the ``toolproof.sandboxes`` entry-point group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sandbox._errors import UnknownBackendError
from sandbox._protocol import Sandbox
from toolspec.registry import Registry

ENTRY_POINT_GROUP = "toolproof.sandboxes"
BACKENDS: Registry[Callable[..., Sandbox]] = Registry(
    "unknown sandbox backend {name}; known: {known}",
    error=UnknownBackendError,
    lazy={"process": "sandbox.process", "docker": "sandbox.docker"},
    entry_point_group=ENTRY_POINT_GROUP,
)

T = TypeVar("T", bound=Callable[..., Sandbox])


def sandbox_backend(name: str) -> Callable[[T], T]:
    """Class decorator: register a backend factory under ``name``."""
    return BACKENDS.register(name)


def backend_names() -> list[str]:
    """Every backend name known: built-in, registered, and from entry points."""
    return BACKENDS.names()


def create_sandbox(name: str, **options: Any) -> Sandbox:
    """A backend by name; an unknown name fails listing the known ones."""
    return BACKENDS.get(name)(**options)
