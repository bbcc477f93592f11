"""Reading BFCL's question and possible-answer files (one JSON object per line).

A data directory has BFCL's layout: ``BFCL_v4_<category>.json`` with the questions and
``possible_answer/BFCL_v4_<category>.json`` with the ground truth. BFCL pairs the two files
by line number, not by id (some ground-truth ids are spelt differently upstream), so this
does too, and refuses files whose lengths differ. Anything malformed is a
:class:`BfclDataError` naming the file and line: data files are input, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from toolspec.errors import DatasetError
from verifier.bfcl._categories import Category

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
"""BFCL v4's single-turn data as shipped with toolproof (see ``data/SOURCE.md``)."""

VERSION_PREFIX = "BFCL_v4"


class BfclDataError(DatasetError):
    """Raised when a BFCL data file is missing or malformed (the CLI exits 2)."""

    code = "bfcl.data_invalid"


@dataclass(frozen=True, slots=True)
class Entry:
    """One test entry: the question's functions and, where the category has them, answers."""

    id: str
    functions: list[dict[str, Any]]
    question: list[Any]
    answers: list[dict[str, Any]] | None


def question_path(data_dir: Path, category: Category) -> Path:
    return data_dir / f"{VERSION_PREFIX}_{category.name}.json"


def answer_path(data_dir: Path, category: Category) -> Path:
    return data_dir / "possible_answer" / f"{VERSION_PREFIX}_{category.name}.json"


def load_entries(data_dir: Path, category: Category) -> list[Entry]:
    """Every entry of ``category`` in file order, answers paired by line number."""
    questions = _read_lines(question_path(data_dir, category))
    answers: list[tuple[str, int, Any]] | None = None
    if category.has_answers:
        answers = _read_lines(answer_path(data_dir, category))
        if len(answers) != len(questions):
            raise BfclDataError(
                f"{answer_path(data_dir, category)} has {len(answers)} entries but "
                f"{question_path(data_dir, category)} has {len(questions)}"
            )
    entries: list[Entry] = []
    for number, (where, _, record) in enumerate(questions):
        entry_id, functions, question = _question(record, where)
        truth = None
        if answers is not None:
            truth = _ground_truth(answers[number][2], answers[number][0])
        entries.append(Entry(entry_id, functions, question, truth))
    return entries


def _read_lines(path: Path) -> list[tuple[str, int, Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BfclDataError(f"cannot read BFCL data file {path}: {exc.strerror}") from None
    out: list[tuple[str, int, Any]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            out.append((where, number, orjson.loads(line)))
        except orjson.JSONDecodeError as exc:
            raise BfclDataError(f"{where}: not valid JSON ({exc})") from None
    return out


def _question(record: Any, where: str) -> tuple[str, list[dict[str, Any]], list[Any]]:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise BfclDataError(f"{where}: a question must be an object with a string 'id'")
    functions = record.get("function")
    if not isinstance(functions, list):
        raise BfclDataError(f"{where}: 'function' must be a list of function docs")
    for doc in functions:
        params = doc.get("parameters") if isinstance(doc, dict) else None
        if (
            not isinstance(doc, dict)
            or not isinstance(doc.get("name"), str)
            or not isinstance(params, dict)
            or not isinstance(params.get("properties"), dict)
            or not all(isinstance(p, dict) for p in params["properties"].values())
        ):
            raise BfclDataError(
                f"{where}: each function doc needs a 'name' and 'parameters.properties'"
            )
    question = record.get("question")
    return record["id"], functions, question if isinstance(question, list) else []


def _ground_truth(record: Any, where: str) -> list[dict[str, Any]]:
    truth = record.get("ground_truth") if isinstance(record, dict) else None
    if not isinstance(truth, list):
        raise BfclDataError(f"{where}: a possible answer needs a 'ground_truth' list")
    for call in truth:
        if (
            not isinstance(call, dict)
            or len(call) != 1
            or not isinstance(next(iter(call.values())), dict)
            or not all(isinstance(v, list) for v in next(iter(call.values())).values())
        ):
            raise BfclDataError(
                f"{where}: each ground-truth call must be {{name: {{param: [values]}}}}"
            )
    return truth
