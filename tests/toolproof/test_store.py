"""The job store on SQLite and on a real PostgreSQL server: keys, toolsets, job lifecycle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from toolproof.store import Store, StoreUnavailable, key_hash
from toolspec.errors import ConfigError


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    s = Store(url)
    s.migrate()
    s.migrate()  # idempotent
    yield s
    if request.param == "postgresql":  # one server for the session: leave it empty
        with s.engine.begin() as conn:
            for table in ("job_shards", "job_results", "jobs", "toolsets", "api_keys"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
    s.close()


def test_keys_are_stored_hashed(store: Store) -> None:
    key = store.create_key("acme")
    assert store.tenant_for(key) == "acme"
    assert store.tenant_for(key + "x") is None
    with store.engine.connect() as conn:
        stored = [r[0] for r in conn.exec_driver_sql("SELECT key_hash FROM api_keys")]
    assert stored == [key_hash(key)] and key not in stored


def test_bad_tenant_name(store: Store) -> None:
    with pytest.raises(ConfigError):
        store.create_key("no spaces please")


def test_toolsets_per_tenant(store: Store) -> None:
    store.add_toolset("a", "f" * 64, 2)
    store.add_toolset("a", "f" * 64, 2)
    assert store.has_toolset("a", "f" * 64)
    assert not store.has_toolset("b", "f" * 64)


def test_job_lifecycle_and_isolation(store: Store, tmp_path: Path) -> None:
    job = store.create_job("a", "auto", ["rules"], tmp_path / "x")
    assert store.get_job("b", job.id) is None and store.cancel_job("b", job.id) is None
    assert [j.id for j in store.list_jobs("a")] == [job.id] and store.list_jobs("b") == []
    claimed = store.claim_job("w1", 30, tenant_max=1)
    assert claimed is not None and claimed.status == "running"
    assert store.claim_job("w2", 30, tenant_max=1) is None  # nothing else queued
    assert store.commit_results(job.id, "w1", [(0, b"a\n"), (1, b"b\n")], 1, 10.0, 30)
    assert not store.commit_results(job.id, "w2", [(2, b"c\n")], 0, 1.0, 30)  # not its job
    assert store.results(job.id, 0) == [(0, b"a\n"), (1, b"b\n")]
    assert store.results(job.id, 1) == [(1, b"b\n")]
    assert store.cancel_job("a", job.id).status == "cancelled"  # type: ignore[union-attr]
    assert not store.commit_results(job.id, "w1", [(2, b"c\n")], 0, 1.0, 30)
    final = store.get_job("a", job.id)
    assert final is not None and (final.done, final.passed, final.status) == (2, 1, "cancelled")


def test_expired_lease_is_taken_over(store: Store, tmp_path: Path) -> None:
    job = store.create_job("a", "auto", ["rules"], tmp_path / "x")
    assert store.claim_job("dead", 0.0, tenant_max=1) is not None
    taken = store.claim_job("alive", 30, tenant_max=1)
    assert taken is not None and taken.id == job.id
    assert not store.commit_results(job.id, "dead", [(0, b"a\n")], 0, 1.0, 30)


def test_tenant_job_limit(store: Store, tmp_path: Path) -> None:
    first = store.create_job("a", "auto", ["rules"], tmp_path / "x")
    store.create_job("a", "auto", ["rules"], tmp_path / "y")
    other = store.create_job("b", "auto", ["rules"], tmp_path / "z")
    assert store.claim_job("w", 30, tenant_max=1).id == first.id  # type: ignore[union-attr]
    assert store.claim_job("w", 30, tenant_max=1).id == other.id  # type: ignore[union-attr]
    assert store.claim_job("w", 30, tenant_max=1) is None


def test_claims_go_to_the_tenant_served_least_recently(store: Store, tmp_path: Path) -> None:
    a = [store.create_job("a", "auto", ["rules"], tmp_path / f"a{n}") for n in range(3)]
    b = store.create_job("b", "auto", ["rules"], tmp_path / "b")
    first = store.claim_job("w1", 30, tenant_max=1)
    assert first is not None and first.id == a[0].id
    assert not store.others_waiting("b", tenant_max=1)  # only a's, held by its limit
    assert store.others_waiting("a", tenant_max=1)  # b's job waits behind a's
    second = store.claim_job("w2", 30, tenant_max=1)
    assert second is not None and second.id == b.id  # not a's next job: a is running one
    store.release_job(a[0].id, "w1")  # a's turn ends: its job waits again, started before
    store.release_job(b.id, "w2")  # b's turn ended later: a goes first
    third = store.claim_job("w3", 30, tenant_max=1)
    assert third is not None and third.id == a[0].id and third.status == "running"


def test_a_job_whose_worker_keeps_dying_fails_instead_of_looping(
    store: Store, tmp_path: Path
) -> None:
    job = store.create_job("a", "auto", ["rules"], tmp_path / "x")
    for n in range(3):  # three starts, each worker dies (its lease runs out at once)
        claimed = store.claim_job(f"dead{n}", 0.0, tenant_max=1, max_attempts=3)
        assert claimed is not None and claimed.id == job.id
    assert store.claim_job("next", 30, tenant_max=1, max_attempts=3) is None
    final = store.get_job("a", job.id)
    assert final is not None and final.status == "failed"
    assert final.error is not None and final.error.startswith("job.abandoned")


def test_a_handed_back_job_is_not_a_failed_attempt(store: Store, tmp_path: Path) -> None:
    job = store.create_job("a", "auto", ["rules"], tmp_path / "x")
    for n in range(5):
        claimed = store.claim_job(f"w{n}", 30, tenant_max=1, max_attempts=2)
        assert claimed is not None and claimed.id == job.id
        store.release_job(job.id, f"w{n}")


def test_store_down_is_a_clear_error(tmp_path: Path) -> None:
    down = Store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable, match="unavailable"):
        down.ping()
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{tmp_path / 'dir.db'}").migrate()


def test_the_migrations_build_the_models_tables(store: Store) -> None:
    """Alembic's comparison of the migrated schema with the models finds no difference:
    a column added to a model without its migration fails here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from toolproof.store._models import Base

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_shards_belong_to_the_worker_holding_the_job(store: Store, tmp_path: Path) -> None:
    job = store.create_job("t", "auto", ["rules"], tmp_path / "u.jsonl")
    assert store.claim_job("w1", 30, tenant_max=1) is not None
    assert store.shards.start(job.id, "w1", 1, 10, 10)
    assert store.shards.start(job.id, "w1", 0, 0, 10)
    assert not store.shards.start(job.id, "w2", 2, 20, 10)  # not w2's job
    assert store.shards.finish(job.id, "w1", 1, b"one", 30)
    assert not store.shards.finish(job.id, "w2", 0, b"zero", 30)
    assert store.shards.output(job.id, 1) == b"one" and store.shards.output(job.id, 0) is None
    assert store.commit_results(job.id, "w1", [(0, b"a\n")], 1, 0.0, 30, shard=0)
    assert store.shards.start(job.id, "w1", 0, 0, 10)  # run again: a second run counted
    views = store.shards.of(job.id)
    assert {k: (v.start, v.count, v.state, v.runs) for k, v in views.items()} == {
        0: (0, 10, "running", 2),
        1: (10, 10, "done", 1),
    }
    store.cancel_job("t", job.id)
    assert store.shards.output(job.id, 1) is None  # a cancelled job's outputs: disk back
    assert not store.shards.finish(job.id, "w1", 0, b"late", 30)
