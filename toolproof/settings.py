"""The one ``Settings`` of toolproof, read from ``TOOLPROOF_*`` environment variables.

The CLI and the service read the same settings through :func:`get_settings`, which is
cached; tests call ``get_settings.cache_clear()`` after changing the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from toolspec.errors import ConfigError
from verifier import ReadLimits

_LIMITS = ReadLimits()


class Settings(BaseSettings):
    """Application settings; every field is ``TOOLPROOF_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="TOOLPROOF_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".toolproof",
        description="state directory: bundle cache, uploads, the SQLite store",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the job store; default: SQLite file in home",
    )
    sandbox: str = Field(default="process", description="default sandbox backend")
    sandbox_image: str = Field(
        default="toolproof-sandbox:latest", description="image of the docker sandbox backend"
    )
    judge: str = Field(default="offline", description="'offline' or an OpenAI-compatible URL")
    judge_model: str = Field(default="gpt-4o-mini", description="model name for the LLM judge")
    judge_api_key: SecretStr | None = Field(
        default=None, description="API key for the LLM judge (never shown in logs or reprs)"
    )
    ray_address: str | None = Field(
        default=None,
        description="the Ray cluster of `--engine ray` (HOST:PORT of its head, or "
        "ray://HOST:PORT) when a command gives no --address",
    )
    ray_node_wait_s: float = Field(
        default=300.0,
        gt=0,
        description="how long a job on Ray waits while the cluster has no CPU (every node "
        "lost, or the first still starting) before it fails",
    )
    engine: str = Field(
        default="local",
        description="where the service's jobs run: local (its job worker threads) or ray "
        "(shards on the cluster at TOOLPROOF_RAY_ADDRESS; pip install 'toolproof[ray]')",
    )
    job_shard_size: int = Field(
        default=1024, ge=1, description="records per shard of a job on the ray engine"
    )
    # The HTTP service (toolproof serve): limits, workers, jobs.
    max_body_bytes: int = Field(default=1 << 20, description="largest request body, bytes")
    max_upload_bytes: int = Field(default=1 << 30, description="largest job upload, bytes")
    max_verify_samples: int = Field(default=100, description="samples per POST /v1/verify")
    max_tools: int = Field(default=256, description="tools per POST /v1/toolsets")
    request_timeout_s: float = Field(default=30.0, description="time limit of one request")
    body_idle_timeout_s: float = Field(
        default=10.0, gt=0, description="a request body silent this long is refused (408)"
    )
    tenant_max_inflight: int = Field(default=64, description="requests in flight per tenant")
    tenant_max_jobs: int = Field(default=2, description="running jobs per tenant")
    tenant_max_queued: int = Field(
        default=20, ge=1, description="queued and running jobs per tenant (each holds an upload)"
    )
    max_sessions: int = Field(
        default=64, description="mock sessions (one warm sandbox worker each) of all tenants"
    )
    tenant_max_sessions: int = Field(
        default=16, description="mock sessions per tenant; its least recently used goes first"
    )
    job_workers: int = Field(default=1, description="job worker threads per server")
    job_lease_s: float = Field(default=15.0, description="a silent worker's job is taken over")
    job_max_attempts: int = Field(
        default=3, ge=1, description="starts of a job whose worker keeps dying, then it fails"
    )
    job_slice_s: float = Field(
        default=5.0, gt=0, description="a job's turn while another tenant's job waits"
    )
    # The shape of a dataset (toolproof verify and jobs), checked while it streams: a record
    # past a limit is sample.unreadable naming it; a gzip past its limits ends the file.
    max_depth: int = Field(
        default=_LIMITS.max_depth, gt=0, le=1024, description="deepest nesting of one record"
    )
    max_string_bytes: int = Field(
        default=_LIMITS.max_string_bytes, gt=0, description="longest JSON string, bytes"
    )
    max_record_bytes: int = Field(
        default=_LIMITS.max_record_bytes,
        gt=0,
        description="largest record (array element or JSONL line), bytes",
    )
    max_decompressed_bytes: int = Field(
        default=_LIMITS.max_decompressed_bytes, gt=0, description="largest inflated gzip, bytes"
    )
    max_gzip_ratio: float = Field(
        default=_LIMITS.max_gzip_ratio,
        gt=1,
        description="largest inflated/compressed ratio of a gzip (checked past 32 MiB)",
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = Field(
        default="info", description="service log level"
    )
    otel: bool = Field(
        default=False,
        description="FastAPI's OpenTelemetry spans, metrics and logs, sent to the OTel "
        "providers configured in the process (off: it re-reads the OTel environment on "
        "every request; /metrics and the JSON logs are toolproof's own)",
    )

    @property
    def secret_judge_key(self) -> str | None:
        """The judge's API key itself, for the one place that sends it."""
        return self.judge_api_key.get_secret_value() if self.judge_api_key else None

    @property
    def read_limits(self) -> ReadLimits:
        """The dataset-shape limits, as the readers take them."""
        return ReadLimits(
            max_depth=self.max_depth,
            max_string_bytes=self.max_string_bytes,
            max_record_bytes=self.max_record_bytes,
            max_decompressed_bytes=self.max_decompressed_bytes,
            max_gzip_ratio=self.max_gzip_ratio,
        )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'toolproof.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, validated once; a bad ``TOOLPROOF_*`` value is a ``ConfigError``
    naming the variable (commands exit 2 with that sentence, never a traceback)."""
    try:
        return Settings()
    except ValidationError as exc:
        wrong = "; ".join(
            f"TOOLPROOF_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid setting: {wrong}") from None
