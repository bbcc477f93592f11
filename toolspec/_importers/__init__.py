"""Importers: every tool dialect found in real data → ``ToolSpec``.

One module per dialect (``openai``/``function``, ``hermes``/``glaive``, ``toolace``,
``bfcl``, ``xlam``), each registering a :class:`ToolImporter` by name; ``openapi3``
documents are read whole by :func:`import_openapi`. Whatever the dialect, parameters go
through one normalisation (type names → JSON Schema, stated formats → ``hints``), so the
same tool imports the same way however it was detected.
"""

from toolspec._importers import _bfcl, _hermes, _openai, _toolace, _xlam  # noqa: F401 (register)
from toolspec._importers._api import import_tool, import_tools
from toolspec._importers._files import load_tools_file, read_tools_file
from toolspec._importers._formats import FORMAT_NAMES, detect_format
from toolspec._importers._openapi import import_openapi
from toolspec._importers._registry import ToolImporter, detect_dialect, get_importer, known_dialects
from toolspec._importers._schema import ORIGINAL_TYPE_KEY, normalise_schema
from toolspec._importers._typeexpr import parse_type

__all__ = [
    "FORMAT_NAMES",
    "ORIGINAL_TYPE_KEY",
    "ToolImporter",
    "detect_dialect",
    "detect_format",
    "get_importer",
    "import_openapi",
    "import_tool",
    "import_tools",
    "known_dialects",
    "load_tools_file",
    "normalise_schema",
    "parse_type",
    "read_tools_file",
]
