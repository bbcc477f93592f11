"""The importer seam: one ``ToolImporter`` per dialect, registered by name.

Each dialect module registers its importer with :func:`register`; ``priority`` orders
auto-detection (lowest first), so the most specific shapes (an OpenAI wrapper, an xLAM
mapping) are recognised before the catch-all bare function. A dialect that cannot be told
apart from another by its shape (``hermes``, ``glaive``) has ``priority=None`` and is only
used when asked for by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from toolspec._spec import ToolSpec
from toolspec.errors import SpecError, UnknownDialectError
from toolspec.registry import Registry

#: Dialects read a whole document into many tools; not per-object importers.
DOCUMENT_DIALECTS = ("openapi3",)


class ToolImporter(Protocol):
    """Reads one tool object of its dialect."""

    name: str

    def detect(self, obj: Mapping[str, Any]) -> bool:
        """True if ``obj`` has this dialect's shape (only asked in priority order)."""
        ...

    def to_spec(self, obj: Any) -> ToolSpec:
        """The tool as a ``ToolSpec``; raises ``SpecError`` if it cannot be a tool."""
        ...


IMPORTERS: Registry[ToolImporter] = Registry(
    "unknown tool dialect {name}; known: {known}", error=UnknownDialectError
)
_DETECTION: list[tuple[int, ToolImporter]] = []

T = TypeVar("T", bound=type)


def register(priority: int | None) -> Callable[[T], T]:
    """Class decorator: instantiate and register an importer under its ``name``."""

    def decorate(cls: T) -> T:
        importer: ToolImporter = cls()
        IMPORTERS.add(importer.name, importer)
        if priority is not None:
            _DETECTION.append((priority, importer))
            _DETECTION.sort(key=lambda pair: pair[0])
        return cls

    return decorate


def known_dialects() -> list[str]:
    """Every dialect name ``import_tool``/``import_tools`` accept, ``auto`` aside."""
    return sorted([*IMPORTERS, *DOCUMENT_DIALECTS])


def get_importer(name: str) -> ToolImporter:
    """The importer registered as ``name``; ``UnknownDialectError`` lists the known ones."""
    if name not in IMPORTERS:
        raise UnknownDialectError(
            f"unknown tool dialect {name!r}; known: auto, {', '.join(known_dialects())}"
        )
    return IMPORTERS.get(name)


def is_openapi_document(obj: Mapping[str, Any]) -> bool:
    version = obj.get("openapi")
    return isinstance(version, str) and isinstance(obj.get("paths"), Mapping)


def detect_dialect(obj: Any) -> str:
    """The dialect of one tool object (or ``openapi3`` for an OpenAPI document)."""
    if not isinstance(obj, Mapping):
        raise SpecError(f"a tool must be a JSON object, got {type(obj).__name__}")
    if is_openapi_document(obj):
        return "openapi3"
    for _, importer in _DETECTION:
        if importer.detect(obj):
            return importer.name
    raise SpecError("not a tool: no known dialect reads this object (it needs a 'name')")
