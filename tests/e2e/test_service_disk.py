"""Disk cannot be filled: queued jobs per tenant are capped, an upload is deleted when its
job ends or is cancelled, and what a crash left behind goes at start-up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx

from tests.toolproof.live import live_server, new_key, service_settings

ONE = b'{"messages": [{"role": "user", "content": "hi"}], "tools": []}\n'
NDJSON = {"Content-Type": "application/x-ndjson"}


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {key}"})


def test_queued_jobs_are_capped_per_tenant_and_cancel_frees_the_upload(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, tenant_max_queued=2)
    key_a, key_b = new_key(settings, "a"), new_key(settings, "b")
    uploads = tmp_path / "uploads"
    with (
        live_server(settings, workers=0) as url,
        _client(url, key_a) as a,
        _client(url, key_b) as b,
    ):
        ids = [a.post("/v1/jobs", content=ONE, headers=NDJSON).json()["id"] for _ in range(2)]
        refused = a.post("/v1/jobs", content=ONE, headers=NDJSON)
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "tenant.too_many_jobs"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert len(list(uploads.iterdir())) == 2  # the refused body never reached the disk
        assert b.post("/v1/jobs", content=ONE, headers=NDJSON).status_code == 202  # b's own cap
        assert a.delete(f"/v1/jobs/{ids[0]}").json()["status"] == "cancelled"
        assert not (uploads / f"{ids[0]}.data").exists()
        assert a.post("/v1/jobs", content=ONE, headers=NDJSON).status_code == 202


def test_an_upload_is_deleted_when_its_job_ends(tmp_path: Path) -> None:
    settings = service_settings(tmp_path)
    with live_server(settings) as url, _client(url, new_key(settings, "a")) as a:
        job_id = a.post("/v1/jobs", content=ONE * 50, headers=NDJSON).json()["id"]
        deadline = time.monotonic() + 60
        while a.get(f"/v1/jobs/{job_id}").json()["status"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        deadline = time.monotonic() + 5
        while list((tmp_path / "uploads").iterdir()):
            assert time.monotonic() < deadline, list((tmp_path / "uploads").iterdir())
            time.sleep(0.05)
        assert len(a.get(f"/v1/jobs/{job_id}/results").text.splitlines()) == 50


def test_start_up_removes_what_a_crash_left(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    stale_part, orphan, fresh_part = uploads / "a.part", uploads / "b.data", uploads / "c.part"
    for path in (stale_part, orphan, fresh_part):
        path.write_bytes(b"x" * 1000)
    hour_ago = time.time() - 3600
    for path in (stale_part, orphan):
        os.utime(path, (hour_ago, hour_ago))
    settings = service_settings(tmp_path)
    with live_server(settings) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
        assert sorted(p.name for p in uploads.iterdir()) == ["c.part"]  # being written, maybe
