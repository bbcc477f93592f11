"""Errors of the job store (subclasses of the one tree in ``toolspec.errors``)."""

from __future__ import annotations

from toolspec.errors import ToolproofError


class StoreError(ToolproofError):
    """Root of the store's errors."""

    code = "store.error"


class StoreUnavailable(StoreError):
    """Raised when the database cannot be reached or answers with an operational error."""

    code = "store.unavailable"
