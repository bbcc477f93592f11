"""Every BFCL function doc of the full data set imports into valid JSON Schema.

Runs against /work/shared/data/bfcl where it exists (the development machines) and is
skipped elsewhere; tests/data/specs carries the representative subset for every machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator, SchemaError

from toolspec import import_tool

BFCL = Path("/work/shared/data/bfcl")

pytestmark = [
    pytest.mark.skipif(not BFCL.is_dir(), reason=f"{BFCL} is not on this machine"),
    pytest.mark.slow,  # ~3,500 distinct schemas through the 2020-12 meta-schema
]


def _docs() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(BFCL.glob("BFCL_v4_*.json")) + sorted(BFCL.glob("multi_turn_func_doc/*")):
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            record = orjson.loads(line) if line.strip().startswith(b'{"') else None
            if not isinstance(record, dict):
                continue  # format_sensitivity.json is one pretty-printed object of ids
            docs = record.get("function", []) if "id" in record else [record]
            for doc in docs:
                yield f"{path.name}:{number}:{doc.get('name')}", doc


def test_every_bfcl_doc_imports_into_valid_json_schema() -> None:
    failures: list[str] = []
    checked: set[bytes] = set()  # BFCL repeats docs across questions: check each once
    count = 0
    for where, doc in _docs():
        count += 1
        spec = import_tool(doc)
        for schema in (spec.parameters, spec.output_schema):
            key = orjson.dumps(schema)
            if schema is None or key in checked:
                continue
            checked.add(key)
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:  # collect them all, then fail once with the list
                failures.append(f"{where}: {exc.message}")
    assert count > 8000
    assert failures == []
