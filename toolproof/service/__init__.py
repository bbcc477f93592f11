"""The HTTP service of ``toolproof serve`` (FastAPI): verify, jobs, toolsets, health."""

from toolproof.service._app import create_app
from toolproof.service._logging import configure as configure_logging
from toolproof.service._problems import (
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    ServiceError,
    TenantBusy,
    Unauthorized,
    UnsupportedMedia,
)

__all__ = [
    "InvalidRequest",
    "NotFound",
    "PayloadTooLarge",
    "RequestTimeout",
    "ServiceError",
    "TenantBusy",
    "Unauthorized",
    "UnsupportedMedia",
    "configure_logging",
    "create_app",
]
