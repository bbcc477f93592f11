"""Job workers: counting a large upload stops as soon as the job is cancelled."""

from __future__ import annotations

from pathlib import Path

from tests.toolproof.live import service_settings
from toolproof.jobs import JobEvents, JobRunner
from toolproof.store import Store

LINE = b'{"messages": [{"role": "user", "content": "hi"}], "tools": []}\n'


def test_a_cancelled_job_stops_counting_its_upload(tmp_path: Path) -> None:
    settings = service_settings(tmp_path)
    store = Store(settings.resolved_database_url)
    store.migrate()
    upload = tmp_path / "big.jsonl"
    upload.write_bytes(LINE * 5000)
    job = store.create_job("a", "auto", ["rules"], upload)
    claimed = store.claim_job("w", 30, tenant_max=1)
    assert claimed is not None
    runner = JobRunner(store, settings, "w", JobEvents())
    assert runner.count(claimed, check_every_s=0.0) == 5000  # running: it counts on
    store.cancel_job("a", job.id)
    assert runner.count(claimed, check_every_s=0.0) is None  # stopped at the first check
    store.close()
