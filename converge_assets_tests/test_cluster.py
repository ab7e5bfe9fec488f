"""Past one machine: the migration job's steps on two real Celery workers (dagster-celery,
Redis as broker), the run directory in a real S3 server (SeaweedFS), as a cluster runs them.

Nothing stands in for a part: the workers rebuild the job from the code location, read and
write the store through s3fs with credentials from the environment, and report to the same
Dagster instance the launching `converge run` follows."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance

from converge_assets.cli import ensure_postgres_database
from converge_assets.engine import storage
from converge_assets.engine.migration_log import append_event, events_for, make_event
from converge_assets_tests import cluster
from converge_assets_tests.conftest import PROJECT_ROOT, converge, converge_env

BUCKET = "converge-cluster"

MYSQL_DDL = """
CREATE TABLE `account` (`id` char(36) NOT NULL PRIMARY KEY, `rowId` int NOT NULL AUTO_INCREMENT UNIQUE,
  `settings` json NOT NULL, `enabled` tinyint(1) NOT NULL);
CREATE TABLE `space` (`id` int NOT NULL PRIMARY KEY, `name` varchar(100) NOT NULL, `note` text NULL);
CREATE TABLE `tag` (`id` int NOT NULL PRIMARY KEY, `label` varchar(40) NOT NULL);
CREATE TABLE `big` (`id` int NOT NULL PRIMARY KEY, `body` varchar(400) NULL);
INSERT INTO `account` (id, settings, enabled) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', '{"b": 1, "a": [1, 2]}', 1),
  ('aaaaaaaa-0000-4000-8000-000000000002', '{}', 0);
INSERT INTO `space` SELECT seq, CONCAT('space ', seq), IF(seq % 7 = 0, NULL, 'a "note", with\\nlines')
  FROM seq_1_to_2000;
INSERT INTO `tag` SELECT seq, CONCAT('t', seq) FROM seq_1_to_50;
"""
POSTGRES_DDL = """
CREATE TABLE account (id uuid PRIMARY KEY, "rowId" SERIAL UNIQUE, settings jsonb NOT NULL, enabled boolean NOT NULL);
CREATE TABLE space (id int PRIMARY KEY, name varchar(100) NOT NULL, note text);
CREATE TABLE tag (id int PRIMARY KEY, label varchar(40) NOT NULL);
CREATE TABLE big (id int PRIMARY KEY, body varchar(400));
"""
TABLES = ["account", "big", "space", "tag"]


@pytest.fixture(scope="module")
def s3(tmp_path_factory) -> cluster.S3Server:
    with cluster.seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        cluster.create_bucket(server, BUCKET)
        yield server


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> str:
    with cluster.redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def on_cluster(make_source, dagster_home, s3, broker, tmp_path, monkeypatch):
    """A source of a table step per table, its run directory in S3, and the environment that
    `converge` and both workers share. Yields (source, env, prefix, start_workers)."""
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    raw = yaml.safe_load(source.config.path.read_text())
    raw["tables_per_step"] = 1
    source.config.path.write_text(yaml.safe_dump(raw))
    prefix = f"exports-{uuid.uuid4().hex[:8]}"
    env = converge_env(
        source,
        dagster_home,
        CONVERGE_EXPORT_DIR=f"s3://{BUCKET}/{prefix}",
        CONVERGE_EXECUTOR="celery",
        CONVERGE_CELERY_BROKER=broker,
        **s3.env(),
    )
    # Nothing of the store's credentials may reach the test's own AWS chain but these.
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)
    # As in a deployment, the instance's database is there before any worker starts.
    ensure_postgres_database(env["DAGSTER_POSTGRES_URL"])
    with cluster.celery_workers(tmp_path / "workers", broker, env) as workers:
        yield source, env, prefix, workers


def fill_big(source, rows: int) -> None:
    source.mysql(
        f"INSERT INTO big SELECT seq, CONCAT(REPEAT('row text, \"quoted\", ', 8), seq) "
        f"FROM seq_1_to_{rows}"
    )


def open_instance(env: dict) -> DagsterInstance:
    os.environ["DAGSTER_POSTGRES_URL"] = env["DAGSTER_POSTGRES_URL"]
    return DagsterInstance.from_config(env["DAGSTER_HOME"])


def step_workers(instance: DagsterInstance, run_id: str) -> dict[str, tuple[str, int | None]]:
    """step key -> (the Celery worker that took it, the pid of the process that ran it)."""
    workers, pids = {}, {}
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        metadata = event.engine_event_data.metadata if event.engine_event_data else {}
        if "Celery worker" in metadata:  # what the worker records as it takes a step
            workers[event.step_key] = metadata["Celery worker"].value
    for record in instance.all_logs(run_id, of_type=DagsterEventType.STEP_START):
        pids[record.dagster_event.step_key] = record.dagster_event.pid
    return {step: (worker, pids.get(step)) for step, worker in workers.items()}


def table_step(source, table: str) -> str:
    """The step (op) that moves `table`."""
    for asset in source.definitions().assets:
        keys = getattr(asset, "keys", ())
        name = getattr(asset, "op", None) and asset.op.name
        if (
            name
            and name.startswith(f"{source.name}_tables")
            and any(k.path[-1] == table for k in keys)
        ):
            return asset.op.name
    raise AssertionError(f"no table step moves {table}")


def test_a_run_goes_through_two_celery_workers_against_s3_with_every_check_green(on_cluster, s3):
    source, env, prefix, workers = on_cluster
    fill_big(source, 3000)

    started = time.monotonic()
    out = converge("run", "--source", "src", "--run", "r1", env=env)
    seconds = time.monotonic() - started
    assert out.returncode == 0, out.stdout + out.stderr + worker_logs(workers)
    assert "migration completed" in out.stdout
    assert source.postgres("SELECT count(*) FROM big") == [(3000,)]
    assert source.postgres("SELECT count(*) FROM space WHERE note IS NULL") == [(285,)]

    # The run directory is in the store, and nowhere on the local disk.
    keys = set(s3.keys(BUCKET, f"{prefix}/"))
    run = f"{prefix}/src/r1"
    for table in TABLES:
        assert f"{run}/{table}.csv" in keys
        assert f"{run}/{table}.fingerprint.json" in keys
        assert f"{run}/.entries/{table}.json" in keys
    assert f"{run}/migration_manifest.json" in keys
    assert any(k.startswith(f"{prefix}/migration_log/src/r1/") for k in keys)
    assert not (source.config.path.parent / "csv_exports").exists()
    manifest = json.loads(
        s3.client().get_object(Bucket=BUCKET, Key=f"{run}/migration_manifest.json")["Body"].read()
    )
    assert manifest["summary"]["total_tables"] == 4
    assert manifest["tables"]["big"]["rows"] == 3000

    with open_instance(env) as instance:
        [record] = instance.get_run_records()
        assert record.dagster_run.job_name == "migrate_src"
        run_id = record.dagster_run.run_id
        # Every table step ran on a worker, and the steps spread over both.
        ran = step_workers(instance, run_id)
        steps = {table_step(source, t) for t in TABLES}
        assert steps <= set(ran), ran
        assert len({worker for worker, _ in ran.values()}) == 2, ran
        assert len({pid for _, pid in ran.values()}) > 1, ran
        # Every check of the source evaluated in this run, and every one passed.
        expected = {
            key for asset in source.definitions().assets for key in getattr(asset, "check_keys", ())
        }
        records = instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in records]
        assert expected and expected <= {e.asset_check_key for e in evaluations}
        assert [e.asset_check_key for e in evaluations if not e.passed] == []
        # The store's secret is in no event, metadata value or log line of the run.
        logs = instance.all_logs(run_id)
        assert s3.secret_key not in "".join(str(r) for r in logs)
    assert s3.secret_key not in out.stdout + out.stderr + worker_logs(workers)
    print(f"\n4 tables through 2 Celery workers against S3: {seconds:.1f} s")


def test_a_worker_killed_mid_table_leaves_no_object_and_the_rerun_completes(on_cluster, s3):
    source, env, prefix, workers = on_cluster
    rows = 600_000  # about 115 MB of CSV: many 8 MiB parts, seconds of upload left to kill in
    fill_big(source, rows)
    big_key = f"{prefix}/src/r1/big.csv"
    log = open(Path(env["DAGSTER_HOME"]) / "run.log", "wb")  # noqa: SIM115
    run = subprocess.Popen(
        [sys.executable, "-m", "converge_assets.cli", "run", "--source", "src", "--run", "r1"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # Mid-table: big's multipart upload has parts in the store, and no object yet.
        cluster.wait_for(lambda: uploaded_parts(s3, big_key) >= 2, "big.csv's upload", 240)
        with open_instance(env) as instance:
            [record] = instance.get_run_records()
            worker, pid = step_workers(instance, record.dagster_run.run_id)[
                table_step(source, "big")
            ]
        os.kill(pid, signal.SIGKILL)
        assert run.wait(240) == 1, Path(log.name).read_text()
    finally:
        if run.poll() is None:
            run.kill()
        log.close()
    output = Path(log.name).read_text()
    assert "big" in output
    keys = set(s3.keys(BUCKET, f"{prefix}/"))
    assert big_key not in keys  # no partial object under the final key
    assert not any(k.startswith(big_key) for k in keys)
    assert f"{prefix}/src/r1/tag.csv" in keys  # the other tables were not held back

    out = converge("run", "--source", "src", "--run", "r1", "--only-failed", env=env)
    assert out.returncode == 0, out.stdout + out.stderr + worker_logs(workers)
    assert "migration completed" in out.stdout
    assert big_key in set(s3.keys(BUCKET, f"{prefix}/"))
    assert source.postgres("SELECT count(*) FROM big") == [(rows,)]


def uploaded_parts(s3: cluster.S3Server, key: str) -> int:
    client = s3.client()
    uploads = client.list_multipart_uploads(Bucket=BUCKET, Prefix=key).get("Uploads", [])
    parts = 0
    for upload in uploads:
        if upload["Key"] == key:
            listed = client.list_parts(Bucket=BUCKET, Key=key, UploadId=upload["UploadId"])
            parts = max(parts, len(listed.get("Parts", [])))
    return parts


def worker_logs(workers: list[cluster.Worker]) -> str:
    return "".join(f"\n--- {w.name}\n{w.log.read_text()[-4000:]}" for w in workers)


def test_the_store_keeps_no_partial_object_and_loses_no_concurrent_event(s3, monkeypatch):
    """storage.py against the real server: a failed streaming write leaves neither an object
    nor a pending upload; events appended at once by many writers are all kept."""
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    root = storage.location(f"s3://{BUCKET}/unit-{uuid.uuid4().hex[:8]}")
    assert isinstance(root, storage.StorePath) and s3.secret_key not in str(root)

    target = root / "src" / "r1" / "t.csv"
    with pytest.raises(RuntimeError), storage.atomic_writer(target) as out:
        for _ in range(3):  # past one part: a multipart upload is under way
            out.write(b"x" * storage.BLOCK_BYTES)
        raise RuntimeError("the export failed mid-file")
    assert not target.exists()
    uploads = s3.client().list_multipart_uploads(Bucket=BUCKET, Prefix=target.path.split("/", 1)[1])
    assert uploads.get("Uploads", []) == []

    with storage.atomic_writer(target) as out:
        out.write(b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert storage.sha256(target) == (hashlib.sha256(b"a,b\n1,2\n").hexdigest(), 8)

    log = root / "migration_log.json"
    events = [make_event("in_progress", f"event {i}", run="r1", source="src") for i in range(16)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda e: append_event(log, e), events))
    kept = events_for(log, run="r1", source="src")
    assert sorted(e["message"] for e in kept) == sorted(e.message for e in events)
    assert events_for(log, run="r2", source="src") == []
