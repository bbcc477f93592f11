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
from toolproof.engines._bfcl import BfclWork, chunked_check
from toolproof.engines._synth import AttemptFeed, DialogWork, write_dialogs
from toolproof.engines._verify import VerifyWork, verify_records

__all__ = [
    "AttemptFeed",
    "BfclWork",
    "DialogWork",
    "Engine",
    "EngineError",
    "EngineOptions",
    "LocalEngine",
    "ShardRunner",
    "VerifyWork",
    "Work",
    "batched",
    "chunked_check",
    "engine_names",
    "open_engine",
    "register_engine",
    "verify_records",
    "write_dialogs",
]
