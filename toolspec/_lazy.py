"""Lazy package exports (PEP 562): ``import toolspec.errors`` or ``from verifier import
Pipeline`` loads the modules that name needs, not the whole package.

Why: every command, worker and test imports ``toolspec.errors``; with eager package
``__init__``s that one import loaded the compiler, the synthesis agents, the judge, httpx
and jsonschema (about half a second), and ``toolproof --help`` took over a second.
Registries are unaffected: each lives in a sub-package that imports its members itself.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``, which exports
    ``exports`` (module → names); a name is imported on first use and then kept on the
    package. Type checkers see the names through the package's ``TYPE_CHECKING`` imports,
    written ``from module import X as X`` (an explicit re-export), so the names are
    listed twice, not three times."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(where) | set(vars(sys.modules[package])))

    return __getattr__, __dir__, sorted(where)
