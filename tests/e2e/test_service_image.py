"""The service image (``make service-image``) starts, is ready and verifies a sample.

The container runs with ``--network none``; the checks run inside it over its loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]
IMAGE = "toolproof-service:latest"
PROBE = """
import json, subprocess, urllib.request
key = subprocess.run(["python3", "-m", "toolproof", "keys", "create", "--tenant", "t"],
                     capture_output=True, text=True, check=True).stdout.strip()
ready = json.load(urllib.request.urlopen("http://127.0.0.1:8000/readyz"))
body = json.dumps({"samples": [{"messages": [{"role": "user", "content": "hi"},
                                             {"role": "assistant", "content": "hello"}]}]})
request = urllib.request.Request("http://127.0.0.1:8000/v1/verify", data=body.encode(),
    headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
print(json.dumps({"ready": ready, "verify": json.load(urllib.request.urlopen(request))}))
"""


def test_service_image_serves() -> None:
    found = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True)
    if found.returncode != 0:
        missing = f"no {IMAGE} image: `make test` builds it (alone: `make service-image`)"
        if os.environ.get("TOOLPROOF_REQUIRE_DOCKER") == "1":
            pytest.fail(f"TOOLPROOF_REQUIRE_DOCKER=1 but {missing}")
        pytest.skip(missing)
    name = f"toolproof-service-test-{time.monotonic_ns()}"
    subprocess.run(
        ["docker", "run", "-d", "--rm", "--network", "none", "--name", name, IMAGE],
        check=True,
        capture_output=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            probe = subprocess.run(
                ["docker", "exec", name, "python3", "-c", PROBE], capture_output=True, text=True
            )
            if probe.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert probe.returncode == 0, probe.stderr[-2000:]
        answer = json.loads(probe.stdout)
        assert answer["ready"]["ok"] is True
        assert answer["verify"]["results"][0]["verdict"] == "pass"
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
