"""Schemas and states nobody here designed for: the live servers are the truth, one table's
problem stays that table's, and every reason is said where the user looks."""

from __future__ import annotations

import pytest
from dagster import AssetCheckKey, AssetKey

from converge_assets import checks
from converge_assets.partition_status import check_states

ROLES = """
CREATE TABLE `roles` (`id` int NOT NULL PRIMARY KEY, `name` varchar(50) NOT NULL);
INSERT INTO `roles` VALUES (1, 'admin'), (2, 'member');
CREATE TABLE `other` (`id` int NOT NULL PRIMARY KEY, `label` text NULL);
INSERT INTO `other` VALUES (1, 'kept'), (2, NULL);
"""
ROLES_PG = """
CREATE TABLE roles (id int PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE other (id int PRIMARY KEY, label text);
INSERT INTO roles VALUES (99, 'seeded by the app');
"""


def check_result(instance, key: AssetKey, name: str, run: str = "run1"):
    """The latest evaluation of a check in the partition: (passed, description)."""
    record = check_states(instance, [AssetCheckKey(key, name)], run)[AssetCheckKey(key, name)]
    evaluation = record.event.dagster_event.event_specific_data
    return evaluation.passed, evaluation.description or ""


# (case, MySQL change after discover, PostgreSQL change, words the finding must hold)
SCHEMA_CHANGES = [
    (
        "column_added",
        "ALTER TABLE `roles` ADD `note` varchar(50) NULL; UPDATE `roles` SET `note` = 'x';",
        "ALTER TABLE roles ADD note varchar(50);",
        ["note", "added in MySQL after discover", "converge discover --source src"],
    ),
    (
        "column_dropped",
        "ALTER TABLE `roles` DROP COLUMN `name`;",
        "",
        ["name", "dropped from MySQL after discover"],
    ),
    (
        "type_changed",
        "ALTER TABLE `roles` MODIFY `name` varchar(200) NOT NULL;",
        "",
        ["name", "varchar(50)", "varchar(200)"],
    ),
    (
        "table_dropped",
        "DROP TABLE `roles`;",
        "",
        ["dropped from MySQL after discover"],
    ),
    (
        "target_renamed",
        "",
        "ALTER TABLE roles RENAME TO roles_v2;",
        ["no such table in PostgreSQL"],
    ),
]


@pytest.mark.parametrize(
    ("case", "mysql_change", "postgres_change", "words"),
    SCHEMA_CHANGES,
    ids=[c[0] for c in SCHEMA_CHANGES],
)
def test_a_schema_changed_after_discover_stops_that_table_alone(
    make_source, instance, case, mysql_change, postgres_change, words
):
    source = make_source(ROLES, ROLES_PG)
    if mysql_change:
        source.mysql(mysql_change)
    if postgres_change:
        source.postgres(postgres_change)
    result = source.migrate(instance)
    assert not result.success

    roles = AssetKey(["csv", "src", "roles"])
    passed, description = check_result(instance, roles, checks.TABLE_PREFLIGHT)
    assert not passed
    for word in words:
        assert word in description, description
    # The table was not touched: the app's seeded row is all it holds.
    if case != "target_renamed":
        assert source.postgres("SELECT id, name FROM roles") == [(99, "seeded by the app")]
    assert not (source.run_dir() / "roles.csv").exists()
    # The table beside it moved and verified.
    assert source.postgres("SELECT id, label FROM other ORDER BY id") == [(1, "kept"), (2, None)]
    statuses = {s.table: s for s in source.statuses(instance)}
    assert statuses["other"].problems == ()
    assert statuses["roles"].problems
    # The step's failure says why, as the run page shows it.
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "roles" in failure.description and words[-1] in failure.description


def test_every_bad_table_is_reported_in_one_run_and_the_good_one_moves(make_source, instance):
    source = make_source(
        """
        CREATE TABLE `good` (`id` int NOT NULL PRIMARY KEY);
        INSERT INTO `good` VALUES (1), (2);
        CREATE TABLE `nulls` (`id` int NOT NULL PRIMARY KEY, `must` varchar(9) NULL);
        INSERT INTO `nulls` VALUES (1, 'a'), (5, NULL), (6, NULL);
        CREATE TABLE `unfed` (`id` int NOT NULL PRIMARY KEY);
        INSERT INTO `unfed` VALUES (1);
        CREATE TABLE `missing` (`id` int NOT NULL PRIMARY KEY, `gone` int NULL);
        INSERT INTO `missing` VALUES (1, 1);
        """,
        """
        CREATE TABLE good (id int PRIMARY KEY);
        CREATE TABLE nulls (id int PRIMARY KEY, must varchar(9) NOT NULL);
        CREATE TABLE unfed (id int PRIMARY KEY, required text NOT NULL);
        CREATE TABLE missing (id int PRIMARY KEY);
        CREATE TABLE pg_only (id int PRIMARY KEY);
        """,
    )
    result = source.migrate(instance)
    assert not result.success
    assert source.postgres("SELECT id FROM good ORDER BY id") == [(1,), (2,)]
    for table in ("nulls", "unfed", "missing"):
        assert source.postgres(f"SELECT count(*) FROM {table}") == [(0,)]

    # The source's preflight lists every finding of every table, and blocks nothing itself.
    passed, description = check_result(
        instance, AssetKey(["src", "target_schema"]), checks.SCHEMA_PREFLIGHT
    )
    assert not passed
    assert "3 table(s) blocked" in description
    assert "nulls.must: 2 NULL value(s)" in description and "id=5" in description
    assert "unfed.required: NOT NULL without default" in description
    assert "missing.gone: column not in the PostgreSQL table" in description
    assert "pg_only" not in description  # informational: a table on one side only

    # Each blocked table says why, on its own asset.
    _, why = check_result(instance, AssetKey(["csv", "src", "unfed"]), checks.TABLE_PREFLIGHT)
    assert "required: NOT NULL without default" in why
    # NULLs into NOT NULL are refused by the export's own count, naming the first row.
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "src.nulls.must: 2 NULL value(s)" in failure.description
    assert "id=5" in failure.description
    assert not (source.run_dir() / "nulls.csv").exists()


def test_a_load_never_orphans_rows_of_a_table_it_does_not_load(make_source, instance):
    source = make_source(
        """
        CREATE TABLE `parent` (`id` int NOT NULL PRIMARY KEY);
        INSERT INTO `parent` VALUES (1), (2);
        """,
        """
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE pg_audit (id int PRIMARY KEY,
            parent_id int CONSTRAINT audit_parent REFERENCES parent (id));
        INSERT INTO parent VALUES (7);
        INSERT INTO pg_audit VALUES (1, 7);
        """,
    )
    result = source.migrate(instance)
    assert not result.success
    # The load was refused before commit: parent kept the row pg_audit points at.
    assert source.postgres("SELECT id FROM parent") == [(7,)]
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "pg_audit" in failure.description and "audit_parent" in failure.description
    assert "7" in failure.description

    # Once the app's row is gone, the load goes through and every FK touching it is checked.
    source.postgres("DELETE FROM pg_audit")
    assert source.migrate(instance, run="run2").success
    assert source.postgres("SELECT id FROM parent ORDER BY id") == [(1,), (2,)]
    passed, _ = check_result(
        instance, AssetKey(["src", "migration_run"]), checks.FOREIGN_KEYS, "run2"
    )
    assert passed
    record = check_states(
        instance, [AssetCheckKey(AssetKey(["src", "migration_run"]), checks.FOREIGN_KEYS)], "run2"
    )
    metadata = next(iter(record.values())).event.dagster_event.event_specific_data.metadata
    assert metadata["foreign_keys_checked"].value == 1


def test_exclude_applies_at_run_time_and_a_typo_is_an_error(make_source, instance):
    source = make_source(ROLES, ROLES_PG)
    source.set_options(exclude=["roles"])  # after discover: no new discover needed
    assert source.migrate(instance).success
    assert source.postgres("SELECT id FROM roles") == [(99,)]
    assert source.postgres("SELECT count(*) FROM other") == [(2,)]

    source.set_options(exclude=["role"])
    result = source.migrate(instance, run="run2")
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "'role'" in failure.description and "exclude" in failure.description
    assert source.postgres("SELECT id FROM roles") == [(99,)]
