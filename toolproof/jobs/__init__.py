"""Durable job workers: claim queued jobs from the store, verify them, resume after a crash."""

from toolproof.jobs._worker import (
    JobEvents,
    JobRunner,
    WorkerPool,
    resume,
    sweep_uploads,
)

__all__ = ["JobEvents", "JobRunner", "WorkerPool", "resume", "sweep_uploads"]
