"""`converge discover` and `converge run` end to end, as an operator or CI runs them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from converge_assets_tests.conftest import converge, converge_env

ROOT = Path(__file__).resolve().parent.parent

MYSQL_DDL = """
CREATE TABLE `account` (`id` char(36) NOT NULL PRIMARY KEY, `rowId` int NOT NULL AUTO_INCREMENT UNIQUE,
  `settings` json NOT NULL, `enabled` tinyint(1) NOT NULL);
CREATE TABLE `query-result-cache` (`id` int NOT NULL PRIMARY KEY);
INSERT INTO `account` (id, settings, enabled) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', '{"b": 1, "a": [1, 2]}', 1),
  ('aaaaaaaa-0000-4000-8000-000000000002', '{}', 0);
INSERT INTO `query-result-cache` VALUES (1);
"""
POSTGRES_DDL = """
CREATE TABLE account (id uuid PRIMARY KEY, "rowId" SERIAL UNIQUE, settings jsonb NOT NULL, enabled boolean NOT NULL);
"""


def test_discover_then_run_end_to_end(make_source, dagster_home, monkeypatch):
    source = make_source(MYSQL_DDL, POSTGRES_DDL, exclude=["query-result-cache"])
    catalog_file = source.config.path.parent / "catalog" / "src.json"
    catalog_file.unlink()
    home, dagster_url = dagster_home
    env = converge_env(source, dagster_home)

    out = converge("discover", "--source", "src", env=env)
    assert out.returncode == 0, out.stderr
    assert "src: 1 tables" in out.stdout
    catalog = json.loads(catalog_file.read_text())
    assert [t["name"] for t in catalog["tables"]] == ["account"]  # excluded table left out
    assert catalog["tables"][0]["primary_key"] == ["id"]

    out = converge("run", "--source", "src", "--run", "staging-rehearsal-2", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "account" in out.stdout and "migration completed" in out.stdout
    assert source.postgres("SELECT count(*) FROM account") == [(2,)]

    # The run landed in the Dagster instance, where the UI shows it.
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", dagster_url)
    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert any(r.tags.get("dagster/partition") == "staging-rehearsal-2" for r in runs)
        assert all(r.status == DagsterRunStatus.SUCCESS for r in runs)
        assert instance.has_dynamic_partition("migration_run", "staging-rehearsal-2")


def test_a_source_of_several_table_steps_runs_them_in_processes_of_their_own(
    make_source, dagster_home, monkeypatch
):
    """Above MAX_TABLES_PER_STEP tables (here: one table a step) `converge run` runs each table
    step in a process of its own; the run, its checks and its verdict are the same."""
    source = make_source(
        MYSQL_DDL.replace("`query-result-cache` (`id` int", "`audit` (`id` int").replace(
            "INTO `query-result-cache`", "INTO `audit`"
        ),
        POSTGRES_DDL + "CREATE TABLE audit (id integer PRIMARY KEY);",
    )
    raw = yaml.safe_load(source.config.path.read_text())
    raw["tables_per_step"] = 1
    source.config.path.write_text(yaml.safe_dump(raw))
    home, dagster_url = dagster_home
    env = converge_env(source, dagster_home)
    out = converge("run", "--source", "src", "--run", "r1", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2/2 tables ok" in out.stdout and "migration completed" in out.stdout
    assert source.postgres("SELECT count(*) FROM account") == [(2,)]
    assert source.postgres("SELECT id FROM audit") == [(1,)]

    monkeypatch.setenv("DAGSTER_POSTGRES_URL", dagster_url)
    with DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs(filters=RunsFilter(job_name="migrate_src"))
        assert run.status == DagsterRunStatus.SUCCESS
        starts = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_START
        ).records
        pids = {r.event_log_entry.step_key: r.event_log_entry.dagster_event.pid for r in starts}
        assert {"src_tables_0", "src_tables_1"} <= set(pids)
        assert pids["src_tables_0"] != pids["src_tables_1"]
        checks = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in checks]
        assert len(evaluations) >= 8 and all(e.passed for e in evaluations)


def test_unknown_source_is_a_clear_error(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("sources: {}")
    out = converge("run", "--source", "nope", env={**os.environ, "CONVERGE_CONFIG": str(config)})
    assert out.returncode == 2
    assert "unknown source 'nope'" in out.stderr
    assert "Traceback" not in out.stderr


def test_help_lists_the_commands():
    out = converge("--help", env=dict(os.environ))
    assert out.returncode == 0
    for command in ("discover", "run", "rollback"):
        assert command in out.stdout
