"""Dataset readers: a file (JSON, JSONL, gzip) in any supported format → ``Sample``s.

Importing this package registers every reader: ``toolace``, ``openai``, ``sharegpt``,
``hermes``, ``glaive``, ``xlam`` and ``bfcl``. A new format is a new module with a class
decorated ``@register`` and imported here.
"""

# Imported for their @register side effect: each module registers its reader(s).
from verifier._limits import ReadLimits
from verifier._readers import (  # noqa: F401
    _glaive,
    _hermes,
    _openai,
    _sharegpt,
    _single,
    _toolace,
)
from verifier._readers._base import Reader, detect_format, get_reader, reader_names
from verifier._readers._dataset import Dataset, read_dataset
from verifier._readers._io import RawRecord, iter_records

__all__ = [
    "Dataset",
    "RawRecord",
    "ReadLimits",
    "Reader",
    "detect_format",
    "get_reader",
    "iter_records",
    "read_dataset",
    "reader_names",
]
