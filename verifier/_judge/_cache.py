"""The persistent judge cache: one SQLite table keyed by (prompt version, model, sample).

An LLM verdict costs money and seconds; the same sample asked with the same prompt of the
same model gets the stored answer instead. Only answers that parsed are stored: a failure
is asked again next run. The stdlib ``sqlite3`` is enough (one writer, the judge's loop
thread); WAL mode lets another process read while a run writes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from toolspec.errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judge_cache (
    prompt_version TEXT NOT NULL,
    model TEXT NOT NULL,
    sample_hash TEXT NOT NULL,
    answer TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (prompt_version, model, sample_hash)
)
"""


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """The judge's parsed answer (JSON text) and what it cost when it was asked."""

    answer: str
    prompt_tokens: int
    completion_tokens: int


class JudgeCache:
    """SQLite-backed answers; ``path=None`` keeps them in memory for this process only."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = self._open(path)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open the judge cache at {str(path)!r}: {exc}") from exc

    @staticmethod
    def _open(path: str | Path | None) -> sqlite3.Connection:
        target = ":memory:"
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if path is not None:
            db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: no fsync per answer (a lost last answer is only asked again).
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        return db

    def get(self, version: str, model: str, sample_hash: str) -> CachedAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT answer, prompt_tokens, completion_tokens FROM judge_cache "
                "WHERE prompt_version = ? AND model = ? AND sample_hash = ?",
                (version, model, sample_hash),
            ).fetchone()
        return None if row is None else CachedAnswer(str(row[0]), int(row[1]), int(row[2]))

    def put(self, version: str, model: str, sample_hash: str, answer: CachedAnswer) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO judge_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    version,
                    model,
                    sample_hash,
                    answer.answer,
                    answer.prompt_tokens,
                    answer.completion_tokens,
                    time.time(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM judge_cache").fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._db.close()
