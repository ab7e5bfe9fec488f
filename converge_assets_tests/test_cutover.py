"""The cutover: after a full rehearsal, only the tables that changed move again."""

from __future__ import annotations

import json

from dagster import AssetKey

from converge_assets.partition_status import current_version, input_version, latest_materialization
from converge_assets.runner import run_source
from converge_assets.translator import ConvergeTranslator

TABLES = ["alpha", "beta", "gamma", "delta"]
MYSQL_DDL = "\n".join(
    f"CREATE TABLE `{t}` (`id` int NOT NULL PRIMARY KEY, `body` text NULL);"
    f"INSERT INTO `{t}` VALUES (1, 'one'), (2, 'two'), (3, NULL);"
    for t in TABLES
)
POSTGRES_DDL = "\n".join(f"CREATE TABLE {t} (id int PRIMARY KEY, body text);" for t in TABLES)


def materialized(instance, run_id: str) -> set[AssetKey]:
    return {
        e.dagster_event.asset_key
        for e in instance.all_logs(run_id)
        if e.dagster_event and e.dagster_event.is_step_materialization
    }


def test_changed_only_remigrates_exactly_the_changed_table(make_source, instance, monkeypatch):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(source.config, "src", "prod") == 0
    # The run observed each table itself, before its snapshot: every export records the
    # version it read (never Dagster's INITIAL placeholder), however the run was launched.
    t = ConvergeTranslator()
    for table in TABLES:
        export = latest_materialization(instance, t.export_key("src", table), "prod")
        read = input_version(export, t.source_table_key("src", table))
        assert read == current_version(instance, t.source_table_key("src", table)), table
        assert read and read.startswith("3:"), table  # rows:checksum

    # Writes stop; one table changed since the rehearsal (a row updated in place).
    source.mysql("UPDATE beta SET body = 'TWO' WHERE id = 2")
    assert run_source(source.config, "src", "prod", changed_only=True) == 0

    cutover_run = instance.get_runs(limit=1)[0]
    moved = {
        k for k in materialized(instance, cutover_run.run_id) if k.path[0] in ("csv", "postgres")
    }
    assert moved == {AssetKey(["csv", "src", "beta"]), AssetKey(["postgres", "src", "beta"])}
    assert source.postgres("SELECT body FROM beta WHERE id = 2") == [("TWO",)]
    # Every check of the whole source passes again, and the log says completed.
    log = json.loads((source.config.export_dir / "migration_log.json").read_text())[
        "migration_runs"
    ]
    assert log[-1]["status"] == "completed"
    assert "4 table(s)" in log[-1]["message"]

    # Nothing changed since: nothing moves.
    assert run_source(source.config, "src", "prod", changed_only=True) == 0
    latest = instance.get_runs(limit=1)[0]
    assert not {
        k for k in materialized(instance, latest.run_id) if k.path[0] in ("csv", "postgres")
    }
