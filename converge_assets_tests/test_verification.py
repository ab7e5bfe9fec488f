"""Each verification path fails as it should, against the real servers."""

from __future__ import annotations

import json

import pytest
from dagster import AssetCheckKey, AssetKey

from converge_assets import checks
from converge_assets.engine.manifest import (
    ManifestEntry,
    entry_for,
    manifest_path,
    read_manifest,
    record_table,
    update_export_info,
)
from converge_assets.runner import run_source
from converge_assets_tests.conftest import into_the_next_second

MYSQL_DDL = """
CREATE TABLE `space` (`id` char(36) NOT NULL PRIMARY KEY, `rowId` int NOT NULL AUTO_INCREMENT UNIQUE,
  `name` varchar(50) NULL, `about` text NULL);
CREATE TABLE `callout` (`id` char(36) NOT NULL PRIMARY KEY, `spaceId` char(36) NULL,
  `title` varchar(50) NOT NULL,
  CONSTRAINT `fk_callout_space` FOREIGN KEY (`spaceId`) REFERENCES `space` (`id`));
CREATE TABLE `untouched` (`id` int NOT NULL PRIMARY KEY);
INSERT INTO `space` (id, name, about) VALUES
  ('5a000000-0000-4000-8000-000000000001', 'one', 'first\\nspace'),
  ('5a000000-0000-4000-8000-000000000002', 'two', NULL);
INSERT INTO `callout` VALUES
  ('ca000000-0000-4000-8000-000000000001', '5a000000-0000-4000-8000-000000000001', 'a'),
  ('ca000000-0000-4000-8000-000000000002', NULL, 'b');
INSERT INTO `untouched` VALUES (1);
"""
POSTGRES_DDL = """
CREATE TABLE space (id uuid PRIMARY KEY, "rowId" SERIAL UNIQUE, name varchar(50) NOT NULL, about text);
CREATE TABLE callout (id uuid PRIMARY KEY, "spaceId" uuid REFERENCES space(id), title varchar(50) NOT NULL);
CREATE TABLE untouched (id int PRIMARY KEY);
CREATE TABLE excluded_here (id int PRIMARY KEY);
INSERT INTO excluded_here VALUES (7);
"""

SPACE = AssetKey(["postgres", "src", "space"])
VERDICT = AssetKey(["src", "migration_run"])


def evaluations(result) -> dict[AssetCheckKey, bool]:
    return {e.asset_check_key: e.passed for e in result.get_asset_check_evaluations()}


def log_events(source) -> list[dict]:
    path = source.config.export_dir / "migration_log.json"
    return json.loads(path.read_text())["migration_runs"]


def test_not_null_target_fed_nulls_stops_that_table_alone(make_source, instance):
    # space.name is nullable in MySQL, NOT NULL in PostgreSQL (as Kratos' request_url is).
    source = make_source(MYSQL_DDL.replace("'two', NULL", "NULL, NULL"), POSTGRES_DDL)
    source.postgres(
        "INSERT INTO space (id, name) VALUES ('00000000-0000-4000-8000-000000000042', 'kept')"
    )
    result = source.migrate(instance)
    assert not result.success
    preflight = [
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.SCHEMA_PREFLIGHT
    ]
    assert len(preflight) == 1 and not preflight[0].passed
    findings = preflight[0].metadata["findings"].value
    assert "space" in findings and "name" in findings and "NULL value(s)" in findings
    # space did not move: no CSV, no load; the target keeps its rows. The others moved.
    moved = {
        tuple(e.asset_key.path)
        for e in result.get_asset_materialization_events()
        if e.asset_key.path[0] in ("csv", "postgres")
    }
    assert ("csv", "src", "space") not in moved and ("postgres", "src", "space") not in moved
    assert ("postgres", "src", "untouched") in moved
    assert source.postgres("SELECT name FROM space") == [("kept",)]


def test_tampered_csv_fails_the_manifest_check_and_is_refused_by_the_load(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance).success
    before = source.postgres("SELECT id::text, name FROM space ORDER BY id")
    csv = source.run_dir() / "space.csv"
    csv.write_bytes(csv.read_bytes().replace(b"one", b"0ne"))

    # Only the load (and the manifest's check), as a user re-running them would.
    result = source.migrate(instance, selection=[SPACE, AssetKey(["src", "migration_manifest"])])
    assert not result.success
    assert not evaluations(result)[
        AssetCheckKey(AssetKey(["src", "migration_manifest"]), checks.MANIFEST)
    ]
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "sha256 no longer matches" in str(failure.event_specific_data.error)
    assert source.postgres("SELECT id::text, name FROM space ORDER BY id") == before


def test_orphan_child_row_fails_the_foreign_key_check_with_its_key(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    # MySQL lets a session switch its foreign keys off: the orphan exists in the source.
    source.mysql(
        "SET FOREIGN_KEY_CHECKS=0; INSERT INTO callout VALUES "
        "('ca000000-0000-4000-8000-00000000dead', '5a000000-0000-4000-8000-00000000beef', 'orphan')"
    )
    result = source.migrate(instance)
    results = evaluations(result)
    assert results[AssetCheckKey(VERDICT, checks.FOREIGN_KEYS)] is False
    fk = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.FOREIGN_KEYS
    )
    assert "fk" in fk.metadata["orphans"].value.lower()
    assert "5a000000-0000-4000-8000-00000000beef" in fk.metadata["orphans"].value
    last = log_events(source)[-1]
    assert last["status"] == "failed" and "foreign_keys" in last["message"]


def test_log_records_completed_for_a_clean_run_and_failed_for_a_broken_one(
    make_source, instance, monkeypatch
):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    monkeypatch.setenv("DAGSTER_HOME", str(instance.root_directory))
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(source.config, "src", "clean") == 0
    assert [e["status"] for e in log_events(source) if e["run"] == "clean"] == [
        "started",
        "in_progress",
        "completed",
    ]

    source.mysql("INSERT INTO space (id, name) VALUES ('not-a-uuid', 'bad')")
    assert run_source(source.config, "src", "broken") == 1
    broken = [e for e in log_events(source) if e["run"] == "broken"]
    assert broken[-1]["status"] == "failed"
    assert "space" in broken[-1]["message"]
    for event in broken:
        assert event["host"] and event["user"] and event["source"] == "src"
        assert event["timestamp"].endswith("Z")


def test_rollback_job_restores_exactly_the_tables_the_run_loaded(make_source, instance):
    from converge_assets.engine.rollback import RollbackRefused, rollback_source
    from converge_assets.resources import PostgresResource

    source = make_source(MYSQL_DDL, POSTGRES_DDL, exclude=["untouched"])
    source.postgres("INSERT INTO untouched VALUES (5)")
    assert source.migrate(instance).success
    assert source.postgres("SELECT count(*) FROM space") == [(2,)]
    defs = source.definitions()
    job = defs.resolve_job_def("rollback_src")
    result = job.execute_in_process(
        instance=instance, run_config={"ops": {"rollback_src_tables": {"config": {"run": "run1"}}}}
    )
    assert result.success
    # Back to what the tables held before the run: empty.
    assert source.postgres("SELECT count(*) FROM space") == [(0,)]
    assert source.postgres("SELECT count(*) FROM callout") == [(0,)]
    # Excluded and foreign tables are untouched.
    assert source.postgres("SELECT id FROM untouched") == [(5,)]
    assert source.postgres("SELECT id FROM excluded_here") == [(7,)]
    assert log_events(source)[-1]["status"] == "rolled_back"
    # The CLI path is the same function: the run is already rolled back.
    postgres = PostgresResource(url=source.config.source("src").postgres_url())
    with pytest.raises(RollbackRefused, match="already rolled back"):
        rollback_source(source.config, source.config.source("src"), postgres, "run1")


def test_changed_value_in_postgres_fails_parity_naming_its_key(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance).success
    passed = [
        e
        for e in source.migrate(instance).get_asset_check_evaluations()
        if e.check_name == checks.CONTENT_PARITY
    ]
    assert passed and all(e.passed for e in passed)
    # A passing parity has no rows to show.
    assert not [e for e in passed if "differing_rows" in e.metadata]

    # Alter one value in PostgreSQL behind the migration's back, then re-verify the table by
    # re-checking its content (the check runs after each load; a trigger-free UPDATE after the
    # COPY simulates a value the load changed).
    source.postgres(
        """CREATE FUNCTION pg_temp.noop() RETURNS void LANGUAGE sql AS 'SELECT 1';
        CREATE OR REPLACE FUNCTION public.tamper() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.about := NEW.about || ' (changed)'; RETURN NEW; END $$;
        CREATE TRIGGER tamper BEFORE INSERT ON space FOR EACH ROW
          WHEN (NEW.id = '5a000000-0000-4000-8000-000000000001') EXECUTE FUNCTION public.tamper();
        ALTER TABLE space ENABLE ALWAYS TRIGGER tamper;"""
    )
    result = source.migrate(instance, run="tampered")
    evaluation = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == checks.CONTENT_PARITY and e.asset_key == SPACE
    )
    assert not evaluation.passed
    assert "5a000000-0000-4000-8000-000000000001" in evaluation.metadata["differing_keys"].value
    # The row side by side: its key, the column that differs and both values, exactly.
    table = evaluation.metadata["differing_rows"].value
    assert (
        '| `id`=`"5a000000-0000-4000-8000-000000000001"` | `about` | `"first\\nspace"` | '
        '`"first\\nspace (changed)"` |'
    ) in table.splitlines()
    assert "`name`" not in table  # equal columns are not listed
    # Row counts alone would not have noticed.
    counts = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == checks.ROW_COUNT and e.asset_key == SPACE
    )
    assert counts.passed


def test_source_changed_after_export_is_a_warning_naming_the_table(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    # Export and load only; the verdict comes after the source moved on.
    tables = [
        AssetKey([system, "src", t]) for t in ("space", "callout") for system in ("csv", "postgres")
    ]
    assert source.migrate(instance, selection=tables).success
    into_the_next_second()
    source.mysql("UPDATE callout SET title = 'changed later' WHERE title = 'a'")
    result = source.migrate(instance, selection=[VERDICT])
    drift = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.SOURCE_DRIFT
    )
    assert not drift.passed
    assert drift.severity.value == "WARN"
    assert "callout" in drift.metadata["changed_tables"].value
    assert "space" not in drift.metadata["changed_tables"].value


def test_parity_compares_the_exported_snapshot_even_when_the_source_moves_on(make_source, instance):
    """The MySQL side of parity is taken in the export's snapshot and kept beside the CSV: a
    live source changing before the load is not a content difference (source_drift warns)."""
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    exports = [AssetKey(["csv", "src", t]) for t in ("space", "callout")]
    loads = [AssetKey(["postgres", "src", t]) for t in ("space", "callout")]
    assert source.migrate(instance, selection=exports).success
    assert (source.run_dir() / "space.fingerprint.json").exists()
    source.mysql("UPDATE space SET about = 'changed after the export' WHERE name = 'one'")
    result = source.migrate(instance, selection=loads)
    parity = {
        e.asset_key: e.passed
        for e in result.get_asset_check_evaluations()
        if e.check_name == checks.CONTENT_PARITY
    }
    assert parity == {key: True for key in loads}
    assert source.postgres("SELECT about FROM space WHERE name = 'one'") == [("first\nspace",)]


def _entry(rows: int) -> ManifestEntry:
    return ManifestEntry(
        file="t.csv",
        rows=rows,
        columns="id",
        bytes=10 * rows,
        sha256="0" * 64,
        exported_at="2026-12-02T00:00:00+00:00",
        snapshot_rows=rows,
    )


def test_manifest_shows_every_entry_recorded_since_it_was_last_written(tmp_path):
    """Exports record entries in files of their own; the manifest read at any moment, and the
    file the manifest asset writes, hold all of them, the latest of a re-exported table."""
    record_table(tmp_path, "a/b", _entry(1), {"run": "r", "tool": "converge_assets"})
    record_table(tmp_path, "c", _entry(2), {"run": "r"})
    assert not manifest_path(tmp_path).exists()
    assert set(read_manifest(tmp_path)["tables"]) == {"a/b", "c"}
    written = update_export_info(tmp_path, {"completed_at": "now"})
    on_disk = json.loads(manifest_path(tmp_path).read_text())
    assert on_disk == written
    assert on_disk["summary"] == {"total_tables": 2, "total_rows": 3, "total_bytes": 30}
    assert on_disk["export_info"] == {"run": "r", "tool": "converge_assets", "completed_at": "now"}
    record_table(tmp_path, "c", _entry(5), {"run": "r"})  # a re-export in the same run
    assert read_manifest(tmp_path)["tables"]["c"]["rows"] == 5
    assert entry_for(tmp_path, "c").rows == 5
    assert entry_for(tmp_path, "a/b").rows == 1
    assert entry_for(tmp_path, "missing") is None
