"""One job worker, two tenants: a big job of one tenant does not starve the other's."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.toolproof.live import live_server, new_key, service_settings

pytestmark = pytest.mark.slow


def test_a_small_job_finishes_while_a_big_one_of_another_tenant_runs(
    tmp_path: Path, examples_dir: Path
) -> None:
    records = json.loads((examples_dir / "toolace_sharegpt_100.json").read_text())
    big = b"".join(json.dumps(r).encode() + b"\n" for _ in range(100) for r in records)
    small = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    settings = service_settings(tmp_path, job_workers=1, job_slice_s=0.5, max_upload_bytes=1 << 30)
    keys = {t: {"Authorization": f"Bearer {new_key(settings, t)}"} for t in ("a", "b")}
    ndjson = {"Content-Type": "application/x-ndjson"}
    with live_server(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        a = client.post("/v1/jobs", content=big, headers={**keys["a"], **ndjson}).json()["id"]
        while client.get(f"/v1/jobs/{a}", headers=keys["a"]).json()["done"] == 0:
            time.sleep(0.05)
        b = client.post("/v1/jobs", content=small, headers={**keys["b"], **ndjson}).json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job_b = client.get(f"/v1/jobs/{b}", headers=keys["b"]).json()
            if job_b["status"] == "done":
                break
            time.sleep(0.1)
        job_a = client.get(f"/v1/jobs/{a}", headers=keys["a"]).json()
        assert job_b["status"] == "done" and job_b["done"] == 100, job_b
        assert job_a["status"] in ("running", "queued") and job_a["done"] < 10_000, job_a
        client.delete(f"/v1/jobs/{a}", headers=keys["a"])
