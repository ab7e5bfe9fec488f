"""Bad input, through the assets: that table fails naming source, table, column and row key;
its target keeps the rows it had; every other table of the run loads; the run fails."""

from __future__ import annotations

import pytest
from dagster import AssetKey

from converge_assets import checks
from converge_assets.engine.manifest import verify_manifest
from converge_assets.runner import run_source

GOOD = """
CREATE TABLE `good` (`id` int NOT NULL PRIMARY KEY, `body` text NULL);
INSERT INTO `good` VALUES (1, 'fine'), (2, NULL);
"""
GOOD_PG = "CREATE TABLE good (id int PRIMARY KEY, body text);"

# (case, MySQL DDL + rows, PostgreSQL DDL, column, key of the first offending row, words in the error)
CASES = [
    (
        "nul_in_text",
        "CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `note` text NULL);"
        "INSERT INTO `bad` VALUES (1, 'ok'), (7, CONCAT('a', CHAR(0), 'b')), (9, CONCAT(CHAR(0)));",
        "CREATE TABLE bad (id int PRIMARY KEY, note text);",
        "note",
        "id=7",
        "NUL",
    ),
    (
        "zero_date",
        "SET SESSION sql_mode = '';"
        "CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `createdDate` datetime(6) NULL);"
        "INSERT INTO `bad` VALUES (1, '2024-01-01 00:00:00'), (4, '0000-00-00 00:00:00');",
        'CREATE TABLE bad (id int PRIMARY KEY, "createdDate" timestamp);',
        "createdDate",
        "id=4",
        "zero",
    ),
    (
        "two_into_boolean",
        "CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `active` tinyint(1) NOT NULL);"
        "INSERT INTO `bad` VALUES (1, 1), (2, 0), (3, 2);",
        "CREATE TABLE bad (id int PRIMARY KEY, active boolean NOT NULL);",
        "active",
        "id=3",
        "boolean",
    ),
    (
        "name_id_into_uuid",
        # The real Alkemio case: vc_interaction.virtualContributorID held name IDs.
        "CREATE TABLE `bad` (`id` char(36) NOT NULL PRIMARY KEY, `virtualContributorID` char(36) NOT NULL);"
        "INSERT INTO `bad` VALUES ('0a000000-0000-4000-8000-000000000001', '0b000000-0000-4000-8000-000000000001'),"
        "('0a000000-0000-4000-8000-000000000002', 'guidance-vc');",
        'CREATE TABLE bad (id uuid PRIMARY KEY, "virtualContributorID" uuid NOT NULL);',
        "virtualContributorID",
        "0a000000-0000-4000-8000-000000000002",
        "uuid",
    ),
    (
        "too_long_for_varchar",
        "CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `name` varchar(255) NULL);"
        "INSERT INTO `bad` VALUES (1, 'short'), (2, REPEAT('x', 65));",
        "CREATE TABLE bad (id int PRIMARY KEY, name varchar(64));",
        "name",
        "id=2",
        "64",
    ),
]


@pytest.mark.parametrize(
    ("case", "mysql_ddl", "postgres_ddl", "column", "key", "word"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_value_fails_only_its_table_naming_column_and_key(
    make_source, instance, monkeypatch, capsys, case, mysql_ddl, postgres_ddl, column, key, word
):
    source = make_source(GOOD + mysql_ddl, GOOD_PG + postgres_ddl)
    # The target already holds rows (a previous run's): they must survive the failed load.
    before = source.postgres("SELECT count(*) FROM bad")[0][0]
    source.postgres("INSERT INTO good VALUES (99, 'previous')")
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)

    assert run_source(source.config, "src", "r1") == 1

    failure = next(
        e
        for e in instance.all_logs(instance.get_runs()[-1].run_id)
        if e.dagster_event and e.dagster_event.is_step_failure
    )
    message = str(failure.dagster_event.event_specific_data.error)
    assert f"src.bad.{column}" in message, message
    assert key in message, message
    assert word.lower() in message.lower(), message
    # The bad table kept what it had; the good table loaded; nothing is half-written.
    assert source.postgres("SELECT count(*) FROM bad")[0][0] == before
    assert source.postgres("SELECT id, body FROM good ORDER BY id") == [(1, "fine"), (2, None)]
    # Nothing half-written: no temporary file, and a CSV under its final name is the complete
    # export (values PostgreSQL's own input checks refuse are refused by the load).
    run_dir = source.run_dir("r1")
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]
    if (run_dir / "bad.csv").exists():
        assert not [p for p in verify_manifest(run_dir, ["bad"]) if p.table == "bad"]
        # Refused by the load: its failure says so, naming the row, and marks the CSV to be
        # exported again by a re-run once the value is fixed.
        refused = source.failures(instance, "r1")["bad"]
        assert refused.export_again and key in refused.reason
    assert "migration failed" in capsys.readouterr().out


def test_null_into_not_null_stops_that_table_before_it_moves_naming_the_row(make_source, instance):
    source = make_source(
        GOOD + "CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `request_url` text NULL);"
        "INSERT INTO `bad` VALUES (1, 'https://a'), (5, NULL), (6, NULL);",
        GOOD_PG + "CREATE TABLE bad (id int PRIMARY KEY, request_url text NOT NULL);",
    )
    result = source.migrate(instance)
    assert not result.success
    preflight = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.SCHEMA_PREFLIGHT
    )
    findings = preflight.metadata["findings"].value
    assert "request_url" in findings and "2 NULL value(s)" in findings and "id=5" in findings
    loaded = [
        e.asset_key.path[-1]
        for e in result.get_asset_materialization_events()
        if e.asset_key.path[0] == "postgres"
    ]
    assert loaded == ["good"]  # the table beside it moves
    assert source.postgres("SELECT count(*) FROM bad") == [(0,)]
    assert not (source.run_dir() / "bad.csv").exists()


def test_zero_dates_become_null_only_when_the_config_says_so_and_are_counted(make_source, instance):
    source = make_source(
        "SET SESSION sql_mode = '';"
        "CREATE TABLE `legacy` (`id` int NOT NULL PRIMARY KEY, `seen` datetime NULL);"
        "INSERT INTO `legacy` VALUES (1, '2020-02-02 02:02:02'), (2, '0000-00-00 00:00:00'), (3, NULL);",
        "CREATE TABLE legacy (id int PRIMARY KEY, seen timestamp);",
        transforms={"legacy": {"seen": "zero_date_to_null"}},
    )
    result = source.migrate(instance)
    assert result.success
    assert source.postgres("SELECT id, seen IS NULL FROM legacy ORDER BY id") == [
        (1, False),
        (2, True),
        (3, True),
    ]
    export = next(
        e.step_materialization_data.materialization
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(["csv", "src", "legacy"])
    )
    counted = {k: v.value for k, v in export.metadata.items() if k.startswith("converted")}
    assert list(counted.values()) == [1], counted
