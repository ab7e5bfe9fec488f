"""One source, two ways: local disk + Dagster's in-process executor, against SeaweedFS (S3)
+ two Celery workers (a table step per table). Wall time of `converge run` each way, and the
peak resident memory (VmHWM) of every Celery worker process.

    uv run python -m benchmarks.cluster [rows of the big table, default 1000000]
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import yaml
from psycopg import sql

from converge_assets.cli import ensure_postgres_database
from converge_assets_tests import cluster
from converge_assets_tests.conftest import (
    MYSQL_URL,
    POSTGRES_URL,
    PROJECT_ROOT,
    converge,
    mysql_connect,
    postgres_connect,
    run_mysql,
    run_postgres,
)

MYSQL_DDL = """
CREATE TABLE `big` (`id` int NOT NULL PRIMARY KEY, `body` varchar(400) NULL);
CREATE TABLE `space` (`id` int NOT NULL PRIMARY KEY, `name` varchar(100) NOT NULL, `note` text NULL);
CREATE TABLE `tag` (`id` int NOT NULL PRIMARY KEY, `label` varchar(40) NOT NULL);
CREATE TABLE `account` (`id` char(36) NOT NULL PRIMARY KEY, `settings` json NOT NULL);
INSERT INTO `big` SELECT seq, CONCAT(REPEAT('row text, "quoted", ', 8), seq) FROM seq_1_to_{rows};
INSERT INTO `space` SELECT seq, CONCAT('space ', seq), 'a note' FROM seq_1_to_50000;
INSERT INTO `tag` SELECT seq, CONCAT('t', seq) FROM seq_1_to_500;
INSERT INTO `account` SELECT UUID(), '{{"a": 1}}' FROM seq_1_to_1000;
"""
POSTGRES_DDL = """
CREATE TABLE big (id int PRIMARY KEY, body varchar(400));
CREATE TABLE space (id int PRIMARY KEY, name varchar(100) NOT NULL, note text);
CREATE TABLE tag (id int PRIMARY KEY, label varchar(40) NOT NULL);
CREATE TABLE account (id uuid PRIMARY KEY, settings jsonb NOT NULL);
"""


class PeakMemory:
    """Polls VmHWM (peak RSS) of every process under the workers, as they come and go."""

    def __init__(self, workers: list[cluster.Worker]):
        self.workers, self.peaks, self._stop = workers, {}, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            for worker in self.workers:
                for pid in descendants(worker.process.pid):
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:4]
                    except OSError:
                        continue  # ended between the listing and the read
                    hwm = [line for line in status.splitlines() if line.startswith("VmHWM")]
                    if not hwm:
                        continue  # a zombie: its memory is gone already
                    key = (worker.name, pid, b" ".join(command).decode(errors="replace"))
                    self.peaks[key] = max(self.peaks.get(key, 0), int(hwm[0].split()[1]))


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (Linux's /proc children lists)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        queue += [int(c) for c in children]
    return found


def main(rows: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="converge-cluster-bench-"))
    database = f"converge_bench_{uuid.uuid4().hex[:8]}"
    dagster_dbs = []
    with mysql_connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    with postgres_connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        run_mysql(database, MYSQL_DDL.format(rows=rows))
        run_postgres(database, POSTGRES_DDL)
        config = work / "converge.yaml"
        source = {"mysql_database": database, "postgres_database": database}
        config.write_text(yaml.safe_dump({"sources": {"bench": source}}))

        def env_for(name: str, **extra: str) -> dict[str, str]:
            home = work / name
            home.mkdir()
            shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
            dagster_db = f"converge_bench_dagster_{uuid.uuid4().hex[:8]}"
            dagster_dbs.append(dagster_db)
            url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{dagster_db}"
            ensure_postgres_database(url)
            return {
                **os.environ,
                "CONVERGE_CONFIG": str(config),
                "CONVERGE_MYSQL_URL": MYSQL_URL,
                "CONVERGE_POSTGRES_URL": POSTGRES_URL,
                "DAGSTER_HOME": str(home),
                "DAGSTER_POSTGRES_URL": url,
                **extra,
            }

        local = env_for("local", CONVERGE_EXPORT_DIR=str(work / "csv_exports"))
        out = converge("discover", "--source", "bench", env=local)
        assert out.returncode == 0, out.stderr
        started = time.monotonic()
        out = converge("run", "--source", "bench", "--run", "local", env=local)
        local_seconds = time.monotonic() - started
        assert out.returncode == 0, out.stdout + out.stderr
        # The largest child waited for so far: the in-process `converge run` (KiB on Linux).
        local_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        csv_bytes = sum(p.stat().st_size for p in (work / "csv_exports").rglob("*.csv"))
        print(out.stdout)

        config.write_text(yaml.safe_dump({"tables_per_step": 1, "sources": {"bench": source}}))
        with (
            cluster.seaweedfs(work / "weed") as s3,
            cluster.redis(work / "redis") as broker,
        ):
            cluster.create_bucket(s3, "converge-bench")
            remote = env_for(
                "cluster",
                CONVERGE_EXPORT_DIR="s3://converge-bench/exports",
                CONVERGE_EXECUTOR="celery",
                CONVERGE_CELERY_BROKER=broker,
                **s3.env(),
            )
            with cluster.celery_workers(work / "workers", broker, remote) as workers:
                with PeakMemory(workers) as peaks:
                    started = time.monotonic()
                    out = converge("run", "--source", "bench", "--run", "cluster", env=remote)
                    cluster_seconds = time.monotonic() - started
                assert out.returncode == 0, out.stdout + out.stderr
                print(out.stdout)
        print(f"big: {rows:,} rows; {csv_bytes / 1e6:.0f} MB of CSV over 4 tables")
        print(
            f"local disk + in-process executor: {local_seconds:.1f} s, peak RSS {local_peak / 1024:.0f} MiB"
        )
        print(f"SeaweedFS S3 + 2 Celery workers (a step per table): {cluster_seconds:.1f} s")
        for (worker, pid, command), kib in sorted(peaks.peaks.items()):
            if kib > 20 * 1024:  # not the compute logs' `tail` and its watcher
                print(f"  {worker} pid {pid} ({command}): peak RSS {kib / 1024:.0f} MiB")
    finally:
        with mysql_connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        with postgres_connect() as conn:
            for name in [database, *dagster_dbs]:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
