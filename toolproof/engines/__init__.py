"""Engines: where the shards of a job run (``--engine local|ray``); see ``_base``."""

from toolproof.engines._base import (
    Engine,
    EngineError,
    EngineOptions,
    LocalEngine,
    ShardRunner,
    Work,
    batched,
    engine_names,
    open_engine,
    register_engine,
)
from toolproof.engines._verify import VerifyWork, verify_records

__all__ = [
    "Engine",
    "EngineError",
    "EngineOptions",
    "LocalEngine",
    "ShardRunner",
    "VerifyWork",
    "Work",
    "batched",
    "engine_names",
    "open_engine",
    "register_engine",
    "verify_records",
]
