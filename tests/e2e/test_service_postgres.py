"""The service on a real PostgreSQL server: a job end to end, then the store goes down
(clear 503 problem+json, nothing lost) and comes back."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.toolproof.live import live_server, new_key, service_settings
from tests.toolproof.postgres import postgres_server

pytestmark = pytest.mark.slow


def test_jobs_on_postgres_and_a_store_that_goes_down(tmp_path: Path, examples_dir: Path) -> None:
    body = (examples_dir / "toolace_sharegpt_100.json").read_bytes()
    with postgres_server() as pg:
        cfg = service_settings(tmp_path, database_url=pg.url)
        key = new_key(cfg, "pg")
        with (
            live_server(cfg) as url,
            httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60
            ) as client,
        ):
            job_id = client.post(
                "/v1/jobs", content=body, headers={"Content-Type": "application/json"}
            ).json()["id"]
            deadline = time.monotonic() + 60
            while client.get(f"/v1/jobs/{job_id}").json()["status"] != "done":
                assert time.monotonic() < deadline
                time.sleep(0.1)
            lines = client.get(f"/v1/jobs/{job_id}/results").text.splitlines()
            assert [json.loads(x)["index"] for x in lines] == list(range(100))

            pg.stop()
            for r in (
                client.get(f"/v1/jobs/{job_id}"),
                client.get("/readyz"),
                client.post("/v1/jobs", content=body, headers={"Content-Type": "application/json"}),
            ):
                assert r.status_code == 503, r.text
                assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["code"] == "store.unavailable"
            # the finished job's upload is gone, and the refused one never reached the disk
            assert list((tmp_path / "uploads").iterdir()) == []

            pg.start()
            again = client.get(f"/v1/jobs/{job_id}")
            assert again.status_code == 200 and again.json()["done"] == 100
            assert client.get("/readyz").status_code == 200
