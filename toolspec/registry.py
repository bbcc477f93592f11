"""``Registry[T]``: named implementations of one seam, the one way toolproof plugs in.

Sandbox backends, dataset readers, tool importers, judges, report writers and proposers
each keep one. An implementation registers itself (``@registry.register(name)`` on its
class or factory, or ``registry.add``); callers look it up by name; an unknown name
fails with the seam's own error type, listing the known names. Built-in implementations
may load on first use (``lazy``: name → module that registers it, e.g. ``docker`` pulls
in the Docker SDK), and third parties plug in through an entry-point group without
editing core code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from toolspec.errors import ConfigError, ToolproofError

T = TypeVar("T")
F = TypeVar("F")


class Registry(Generic[T]):
    """Name → implementation for one seam (see the module docstring).

    ``unknown`` is the message for a name nobody registered, formatted with ``name`` (its
    repr) and ``known`` (the sorted names, comma-separated); ``error`` its exception type.
    """

    def __init__(
        self,
        unknown: str,
        *,
        error: type[ToolproofError] = ConfigError,
        lazy: Mapping[str, str] | None = None,
        entry_point_group: str | None = None,
    ) -> None:
        self.unknown, self.error = unknown, error
        self.lazy = dict(lazy or {})
        self.group = entry_point_group
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> None:
        self._items[name] = item

    def remove(self, name: str) -> None:
        """Forget ``name`` (a plugin unloaded, a test's stand-in); absent names are fine."""
        self._items.pop(name, None)

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator: register the decorated object (a ``T``) under ``name``."""

        def decorate(obj: F) -> F:
            self._items[name] = obj  # type: ignore[assignment]  # F is a T where used
            return obj

        return decorate

    def names(self) -> list[str]:
        """Every name that can be looked up: registered, lazy built-ins, entry points."""
        names = set(self._items) | set(self.lazy)
        if self.group:
            names |= {ep.name for ep in entry_points(group=self.group)}
        return sorted(names)

    def get(self, name: str) -> T:
        """The implementation called ``name``; the seam's error, listing the known, else."""
        if name not in self._items and name in self.lazy:
            importlib.import_module(self.lazy[name])  # registers itself on import
        if name not in self._items and self.group:
            for ep in entry_points(group=self.group, name=name):
                self._items[name] = ep.load()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self.names())
            raise self.error(self.unknown.format(name=repr(name), known=known)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._items))

    def items(self) -> list[tuple[str, T]]:
        """What is registered now, in registration order."""
        return list(self._items.items())
