"""Faults injected for real: processes killed mid-export and mid-COPY, PostgreSQL restarted
mid-load, the MySQL connection killed mid-export, a full export directory. Each test asserts
that nothing is lost (the target keeps its rows, no partial CSV under its final name) and that
re-running what failed completes the run without moving again what succeeded."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    ReexecutionOptions,
    RunsFilter,
    execute_job,
    instance_for_test,
)
from dagster._core.definitions.reconstruct import ReconstructableRepository
from psycopg import sql

from converge_assets.engine.config import load_config
from converge_assets.engine.manifest import entry_for, file_sha256
from converge_assets.runner import run_source
from converge_assets_tests.conftest import converge_env, into_the_next_second, postgres_connect

ROOT = Path(__file__).resolve().parent.parent
BIG_ROWS = 600_000

MYSQL_DDL = """
CREATE TABLE `big` (`id` int NOT NULL PRIMARY KEY, `body` varchar(400) NULL);
CREATE TABLE `small` (`id` int NOT NULL PRIMARY KEY, `note` text NULL);
INSERT INTO `small` VALUES (1, 'one'), (2, NULL), (3, '');
"""
POSTGRES_DDL = """
CREATE TABLE big (id int PRIMARY KEY, body varchar(255));
CREATE TABLE small (id int PRIMARY KEY, note text);
INSERT INTO big VALUES (-1, 'a previous run''s row'), (-2, 'another');
"""
PREVIOUS = [(-2, "another"), (-1, "a previous run's row")]


def fill_big(source, rows: int = BIG_ROWS) -> None:
    source.mysql(
        f"INSERT INTO big SELECT seq, CONCAT(REPEAT('row text, \"quoted\", ', 8), seq) "
        f"FROM seq_1_to_{rows}"
    )


def configure(source, **settings) -> None:
    raw = yaml.safe_load(source.config.path.read_text())
    raw.update(settings)
    source.config.path.write_text(yaml.safe_dump(raw))
    source.config = load_config(source.config.path)


def wait_until(condition, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def copy_progress(source, table: str = "big") -> int:
    """Rows COPY has processed so far into `table` (PostgreSQL's own progress view)."""
    rows = source.postgres(
        "SELECT p.tuples_processed FROM pg_stat_progress_copy p "
        "JOIN pg_class c ON c.oid = p.relid WHERE c.relname = %s",
        (table,),
    )
    return rows[0][0] if rows else 0


def temporary_files(run_dir: Path) -> list[Path]:
    return [p for p in run_dir.glob(".*.tmp")] if run_dir.exists() else []


def partial_csv_bytes(run_dir: Path, table: str = "big") -> int:
    """Bytes written so far to the table's temporary CSV (0 before it exists). Only this
    table's: other temporary files (the manifest's) are renamed away between glob and stat."""
    sizes = [0]
    for path in run_dir.glob(f".{table}.csv.*.tmp") if run_dir.exists() else []:
        with contextlib.suppress(FileNotFoundError):
            sizes.append(path.stat().st_size)
    return max(sizes)


def materialized(instance, run_id: str) -> set[AssetKey]:
    return instance.get_asset_keys_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)


def table_keys(*tables: str) -> set[AssetKey]:
    return {AssetKey([system, "src", t]) for t in tables for system in ("csv", "postgres")}


def step_errors(instance, run_id: str, *types: DagsterEventType) -> list[str]:
    return [
        str(e.dagster_event.event_specific_data.error)
        for e in instance.all_logs(run_id, of_type=set(types))
    ]


# --- killed processes: `converge run` in a process of its own ----------------------------------


def start_converge(source, dagster_home, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "converge_assets.cli", *args],
        env=converge_env(source, dagster_home),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, killed as a whole
    )


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, _ = process.communicate(timeout=300)
    return process.returncode, out


def test_export_killed_mid_table_leaves_no_csv_and_a_rerun_exports_it(make_source, dagster_home):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    fill_big(source)
    run_dir = source.run_dir("r1")
    process = start_converge(source, dagster_home, "run", "--source", "src", "--run", "r1")
    wait_until(
        lambda: partial_csv_bytes(run_dir) > 5_000_000,
        what="the export to be half-way",
    )
    kill(process)

    assert not (run_dir / "big.csv").exists()  # only the temporary file, never the final name
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == PREVIOUS

    code, out = finish(start_converge(source, dagster_home, "run", "--source", "src", "--run", "r1", "--only-failed"))  # fmt: skip
    assert code == 0, out
    assert "migration completed" in out
    assert (run_dir / "big.csv").exists()
    assert temporary_files(run_dir) == []  # the killed export's leftover is cleaned up
    assert source.postgres("SELECT count(*), max(id) FROM big") == [(BIG_ROWS, BIG_ROWS)]


def test_load_killed_mid_copy_keeps_the_targets_previous_rows(make_source, dagster_home):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    fill_big(source)
    process = start_converge(source, dagster_home, "run", "--source", "src", "--run", "r1")
    wait_until(lambda: copy_progress(source) > 20_000, what="COPY to be under way")
    kill(process)
    # PostgreSQL notices the lost client and rolls the load's transaction back.
    wait_until(lambda: copy_progress(source) == 0, what="the COPY to be rolled back")
    wait_until(
        lambda: source.postgres("SELECT id, body FROM big ORDER BY id") == PREVIOUS,
        timeout=30,
        what="the previous rows",
    )

    code, out = finish(start_converge(source, dagster_home, "run", "--source", "src", "--run", "r1", "--only-failed"))  # fmt: skip
    assert code == 0, out
    assert source.postgres("SELECT count(*) FROM big") == [(BIG_ROWS,)]


def test_the_export_feeds_the_load_which_commits_only_with_the_whole_csv(make_source, dagster_home):
    """One scan of MySQL feeds both the file and COPY; the load commits only once the CSV is
    complete under its final name and in the manifest."""
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    fill_big(source)
    run_dir = source.run_dir("r1")
    process = start_converge(source, dagster_home, "run", "--source", "src", "--run", "r1")
    try:
        wait_until(lambda: copy_progress(source) > 20_000, what="COPY to be under way")
        assert not (run_dir / "big.csv").exists()  # the export is still writing it
        assert entry_for(run_dir, "big") is None
    except BaseException:
        kill(process)
        raise
    code, out = finish(process)
    assert code == 0, out
    entry = entry_for(run_dir, "big")
    assert (entry.rows, entry.snapshot_rows) == (BIG_ROWS, BIG_ROWS)
    assert file_sha256(run_dir / "big.csv")[0] == entry.sha256
    assert source.postgres("SELECT count(*), max(id) FROM big") == [(BIG_ROWS, BIG_ROWS)]


# --- servers failing under a run in this process -------------------------------------------------


def run_in_thread(source, instance, monkeypatch, **options) -> tuple[threading.Thread, list[int]]:
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    outcome: list[int] = []
    thread = threading.Thread(
        target=lambda: outcome.append(run_source(source.config, "src", "r1", **options))
    )
    thread.start()
    return thread, outcome


def restart_postgres() -> None:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(x) for x in v.split(".")])
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            versions[-1],
            "main",
            "restart",
            "-m",
            "fast",
        ],
        check=True,
        capture_output=True,
    )
    wait_until(
        lambda: subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0,
        what="PostgreSQL to be back",
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("pg_ctlcluster"),
    reason="restarting the PostgreSQL server needs root and pg_ctlcluster (CI has both)",
)
def test_postgres_restarted_mid_load_fails_that_table_and_rerunning_the_failures_completes(
    make_source, instance, monkeypatch
):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    configure(source, retries=0)  # show the re-run of the failures, not the retry policy
    fill_big(source)
    thread, outcome = run_in_thread(source, instance, monkeypatch)
    wait_until(lambda: copy_progress(source) > 20_000, what="COPY to be under way")
    restart_postgres()
    thread.join(timeout=300)
    assert outcome == [1]

    failed_run = next(r for r in instance.get_runs() if r.job_name == "migrate_src")
    (error,) = step_errors(instance, failed_run.run_id, DagsterEventType.STEP_FAILURE)
    assert "src.big" in error and "small" not in error.split("failed:", 1)[1]
    assert any(
        words in error for words in ("terminating connection", "server closed", "connection")
    )
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == PREVIOUS
    assert source.postgres("SELECT count(*) FROM small") == [(3,)]  # unaffected

    assert run_source(source.config, "src", "r1", only_failed=True) == 0
    rerun = next(r for r in instance.get_runs() if r.job_name == "migrate_src")
    # Its CSV was whole: only the load runs again, nothing of the table that succeeded.
    assert materialized(instance, rerun.run_id) & table_keys("big", "small") == {
        AssetKey(["postgres", "src", "big"])
    }
    assert source.postgres("SELECT count(*) FROM big") == [(BIG_ROWS,)]


def test_mysql_connection_killed_mid_export_is_retried_with_backoff(
    make_source, instance, monkeypatch
):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    configure(source, retries=2, retry_delay_seconds=0.5)
    fill_big(source)
    thread, outcome = run_in_thread(source, instance, monkeypatch)
    wait_until(
        lambda: partial_csv_bytes(source.run_dir("r1")) > 5_000_000,
        what="the export to be half-way",
    )
    (export,) = source.mysql(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = %s AND INFO LIKE 'SELECT CONCAT(%%'",
        (source.mysql_database,),
    )
    source.mysql(f"KILL CONNECTION {export[0]}")
    thread.join(timeout=300)
    assert outcome == [0]

    run = next(r for r in instance.get_runs() if r.job_name == "migrate_src")
    (error,) = step_errors(instance, run.run_id, DagsterEventType.STEP_UP_FOR_RETRY)
    assert "big" in error and "Lost connection to MySQL server" in error
    # The retry moved only what the first attempt had not: small was done already.
    small_loads = [
        e
        for e in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
        if e.dagster_event.asset_key == AssetKey(["postgres", "src", "small"])
    ]
    assert len(small_loads) == 1
    assert source.postgres("SELECT count(*) FROM big") == [(BIG_ROWS,)]


def test_a_refused_value_is_not_retried(make_source, instance):
    source = make_source(
        MYSQL_DDL + "INSERT INTO big VALUES (1, REPEAT('x', 300));",
        POSTGRES_DDL,
    )
    configure(source, retries=2, retry_delay_seconds=0.5)
    result = source.migrate(instance)
    assert not result.success
    assert not step_errors(instance, result.run_id, DagsterEventType.STEP_UP_FOR_RETRY)
    (error,) = step_errors(instance, result.run_id, DagsterEventType.STEP_FAILURE)
    assert "src.big.body" in error and "id=1" in error


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small_disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_export_directory_is_a_clear_error_and_leaves_no_file(
    make_source, instance, small_disk, monkeypatch
):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    monkeypatch.setenv("CONVERGE_EXPORT_DIR", str(small_disk))
    fill_big(source, 100_000)  # ~22 MB of CSV for an 8 MB disk
    result = source.migrate(instance)
    assert not result.success
    (error,) = step_errors(instance, result.run_id, DagsterEventType.STEP_FAILURE)
    assert "src.big: cannot write" in error and "No space left on device" in error
    run_dir = small_disk / "src" / "run1"
    assert not (run_dir / "big.csv").exists() and temporary_files(run_dir) == []
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == PREVIOUS
    assert source.postgres("SELECT count(*) FROM small") == [(3,)]  # its CSV fitted


# --- re-running what failed ----------------------------------------------------------------------


def test_rerunning_only_the_failures_skips_the_tables_that_succeeded(
    make_source, instance, monkeypatch
):
    source = make_source(
        MYSQL_DDL + "INSERT INTO big VALUES (1, 'fine'), (2, REPEAT('x', 300));", POSTGRES_DDL
    )
    configure(source, retries=0)
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(source.config, "src", "r1") == 1
    source.mysql("UPDATE big SET body = 'fixed' WHERE id = 2")  # the data is repaired

    assert run_source(source.config, "src", "r1", only_failed=True) == 0
    rerun = next(r for r in instance.get_runs() if r.job_name == "migrate_src")
    assert materialized(instance, rerun.run_id) & table_keys("big", "small") == table_keys("big")
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == [(1, "fine"), (2, "fixed")]


def test_the_ui_reruns_move_only_what_failed_or_changed(make_source, instance):
    """The UI's re-run jobs: rerun_failed_<source> moves only the table that failed;
    cutover_<source> observes MySQL and moves only the table that changed, or whose catalog
    entry changed. Nothing else is materialised again, each runs as a run of the migration
    job, and each verdict covers the whole source, saying what moved and what was carried over."""
    source = make_source(
        MYSQL_DDL + "INSERT INTO big VALUES (1, 'fine'), (2, REPEAT('x', 300));", POSTGRES_DDL
    )
    configure(source, retries=0)
    assert not source.migrate(instance, "r1").success
    source.mysql("UPDATE big SET body = 'fixed' WHERE id = 2")
    into_the_next_second()
    source.mysql("UPDATE small SET note = 'changed, not re-exported' WHERE id = 1")

    moved, verdict = rerun(source, instance, "rerun_failed_src")
    assert moved == table_keys("big")
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == [(1, "fine"), (2, "fixed")]
    assert source.postgres("SELECT note FROM small WHERE id = 1") == [("one",)]
    assert (verdict["moved"], verdict["carried_over"]) == (1, 1)
    # `small` changed in MySQL after its export and was carried over: not `completed`.
    assert verdict["status"] == "drifted"
    assert verdict["drifted_tables"] == ["small"]

    # The cutover observes MySQL itself: `small` changed since its export, `big` did not.
    moved, verdict = rerun(source, instance, "cutover_src")
    assert moved == table_keys("small")
    assert source.postgres("SELECT note FROM small WHERE id = 1") == [("changed, not re-exported",)]
    assert (verdict["status"], verdict["moved"], verdict["carried_over"]) == ("completed", 1, 1)

    # Nothing changed: nothing moves, and the whole source is verified again.
    moved, verdict = rerun(source, instance, "cutover_src")
    assert moved == set()
    assert (verdict["status"], verdict["moved"], verdict["carried_over"]) == ("completed", 0, 2)

    # A changed catalog entry (the table's code version) counts as a change.
    source.mysql("ALTER TABLE small MODIFY note mediumtext NULL")
    source.discover()
    moved, verdict = rerun(source, instance, "cutover_src")
    assert moved == table_keys("small") and verdict["status"] == "completed"

    # A re-run that fails says so, with the verdict recorded at once.
    source.mysql("UPDATE big SET body = REPEAT('y', 300) WHERE id = 1")
    moved, verdict = rerun(source, instance, "cutover_src", succeeds=False)
    assert verdict["status"] == "failed" and "big" in verdict["message"]


def rerun(source, instance, job: str, run: str = "r1", succeeds: bool = True):
    """What the UI does: the re-run job launched for a partition. Returns the table assets
    the migration run it ran materialised, and the verdict that run recorded."""
    defs = source.definitions()
    planning = defs.resolve_job_def(job).execute_in_process(
        instance=instance, partition_key=run, raise_on_error=False
    )
    assert planning.success == succeeds
    ran = instance.get_runs(filters=RunsFilter(tags={"converge/planned_by": planning.run_id}))
    migration = next(r for r in ran if r.job_name == "migrate_src")
    moved = {k for k in materialized(instance, migration.run_id) if k.path[0] != "src"}
    verdict = instance.fetch_materializations(AssetKey(["src", "migration_run"]), limit=1)
    metadata = verdict.records[0].asset_materialization.metadata
    return moved, {name: value.value for name, value in metadata.items()}


def test_dagster_reexecution_from_failure_completes_the_run(make_source, monkeypatch, tmp_path):
    """Dagster's own re-execution (the Python API's from-failure, as the UI's "Re-execute
    from failure") of the failed step: the run completes and the target is exact. The UI's
    "from asset failure" moves only the failed tables (test_ui.py)."""
    source = make_source(
        MYSQL_DDL + "INSERT INTO big VALUES (1, 'fine'), (2, REPEAT('x', 300));", POSTGRES_DDL
    )
    configure(source, retries=0)
    monkeypatch.setenv("CONVERGE_CONFIG", str(source.config.path))
    # The code location as Dagster loads it, from this test's config (not an earlier import).
    monkeypatch.delitem(sys.modules, "converge_assets.definitions", raising=False)
    job = ReconstructableRepository.for_module(
        "converge_assets.definitions", "defs", working_directory=str(ROOT)
    ).get_reconstructable_job("migrate_src")
    (tmp_path / "instance").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "instance")) as instance:
        instance.add_dynamic_partitions("migration_run", ["r1"])
        tags = {"dagster/partition": "r1"}
        with execute_job(job, instance, tags=tags) as first:  # one step: in process
            assert not first.success
        source.mysql("UPDATE big SET body = 'fixed' WHERE id = 2")
        options = ReexecutionOptions.from_failure(first.run_id, instance)
        with execute_job(job, instance, tags=tags, reexecution_options=options) as again:
            assert again.success
            moved = materialized(instance, again.run_id)
            verdict = again.asset_materializations_for_node("src__migration_run")
    assert AssetKey(["src", "migration_run"]) in moved
    assert verdict[0].metadata["status"].value == "completed"
    assert source.postgres("SELECT id, body FROM big ORDER BY id") == [(1, "fine"), (2, "fixed")]


# --- concurrent runs -----------------------------------------------------------------------------


def test_two_runs_of_one_source_never_move_its_tables_at_the_same_time(make_source, dagster_home):
    """dagster.yaml gives every table step a pool of limit 1: of two `converge run` started at
    once, the second one's table step waits for the first one's to end."""
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    fill_big(source, 200_000)
    processes = [
        start_converge(source, dagster_home, "run", "--source", "src", "--run", run)
        for run in ("a", "b")
    ]
    for process in processes:
        code, out = finish(process)
        assert code == 0, out
    home, url = dagster_home
    os.environ["DAGSTER_POSTGRES_URL"] = url
    try:
        with DagsterInstance.from_config(str(home)) as instance:
            windows = []
            for run in instance.get_runs(filters=RunsFilter(job_name="migrate_src")):
                times = [
                    e.timestamp
                    for e in instance.all_logs(
                        run.run_id,
                        of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS},
                    )
                    if e.dagster_event.step_key == "src_tables"
                ]
                windows.append((min(times), max(times)))
    finally:
        del os.environ["DAGSTER_POSTGRES_URL"]
    (_, first_end), (second_start, _) = sorted(windows)
    assert first_end <= second_start, f"table steps overlapped: {windows}"
    assert source.postgres("SELECT count(*) FROM big") == [(200_000,)]


def test_converge_processes_starting_at_once_on_a_fresh_instance_all_open_it(tmp_path):
    """The first `converge` on a fresh storage database creates Dagster's tables; of several
    started at once, none may fail on that race (dagster-postgres retries only part of it).
    The race is won or lost by timing, so several rounds, each on a database of its own."""
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    opens = "from converge_assets.runner import open_instance; open_instance()"
    for round_ in range(4):
        database = f"converge_test_dagster_race_{os.getpid()}_{round_}"
        with postgres_connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        env = {
            **os.environ,
            "DAGSTER_HOME": str(tmp_path),
            "DAGSTER_POSTGRES_URL": f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}",
        }
        try:
            processes = [
                subprocess.Popen(
                    [sys.executable, "-c", opens], env=env, stderr=subprocess.PIPE, text=True
                )
                for _ in range(3)
            ]
            for process in processes:
                _, err = process.communicate(timeout=120)
                assert process.returncode == 0, err
        finally:
            with postgres_connect() as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)
                    )
                )
