"""Code bundles: what a session loads once and then calls many times."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Bundle:
    """Python modules by name (sources), and the ``main`` module entries are looked up in.

    An entry is ``"name"`` (a function of ``main``) or ``"module:name"``. Modules import one
    another by name; under RestrictedPython the only other imports are the runner's
    allow-list. Module-level variables are the session's state: they survive calls and
    are rebuilt by ``Session.reset()``.

    ``shared`` names modules a worker may execute once and reuse across loads (and
    resets): only modules that keep no state and that no module of the bundle writes to,
    importing nothing but allowed modules and other shared ones (the mock runtime under a
    generated toolset). A load then runs only the bundle's own modules.

    ``reset`` names an entry of ``main`` that gives the state a fresh load has (a generated
    toolset's ``toolproof_reset``: its whole state is one dict that entry replaces). A
    worker that loaded the same modules before may then call it instead of executing
    them again; a bundle of code that keeps state anywhere else must leave it empty.
    """

    modules: Mapping[str, str]
    main: str = ""
    shared: frozenset[str] = frozenset()
    reset: str = ""
    sha256: str = field(init=False)
    digests: Mapping[str, str] = field(init=False, repr=False, compare=False)
    """sha256 of each module's source: a worker that holds a source is sent its digest."""

    def __post_init__(self) -> None:
        if not self.modules:
            raise ValueError("a bundle needs at least one module")
        for name, source in self.modules.items():
            if not (isinstance(name, str) and name.isidentifier()):
                raise ValueError(f"bundle module name {name!r} is not an identifier")
            if not isinstance(source, str):
                raise ValueError(f"bundle module {name!r} source is not text")
        main = self.main or next(iter(self.modules))
        if main not in self.modules:
            raise ValueError(f"main module {main!r} is not in the bundle ({sorted(self.modules)})")
        object.__setattr__(self, "main", main)
        if not self.shared <= set(self.modules) - {main}:
            raise ValueError(f"shared modules {sorted(self.shared)} must be non-main modules")
        object.__setattr__(self, "shared", frozenset(self.shared))
        object.__setattr__(self, "modules", MappingProxyType(dict(self.modules)))
        object.__setattr__(self, "digests", MappingProxyType(
            {name: source_digest(source) for name, source in self.modules.items()}
        ))  # fmt: skip
        digest = hashlib.sha256(main.encode())
        for name in sorted(self.modules):
            digest.update(b"\0" + name.encode() + b"\0" + self.modules[name].encode())
        object.__setattr__(self, "sha256", digest.hexdigest())

    @classmethod
    def from_source(cls, source: str, name: str = "main") -> Bundle:
        """A one-module bundle, as ``toolproof sandbox run --code FILE.py`` builds it."""
        return cls({name: source}, name)


def source_digest(source: str) -> str:
    """The digest a runner keeps a module's source under (``sandbox._runner.hold_source``)."""
    return hashlib.sha256(source.encode()).hexdigest()
