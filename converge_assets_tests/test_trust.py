"""Schemas and states nobody here designed for: the live servers are the truth, one table's
problem stays that table's, and every reason is said where the user looks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from subprocess import PIPE

import pytest
from dagster import AssetCheckKey, AssetKey

from converge_assets import checks
from converge_assets.engine.config import PROJECT_ROOT
from converge_assets.partition_status import check_states
from converge_assets_tests.conftest import (
    converge,
    converge_env,
    into_the_next_second,
    postgres_connect,
)

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
    evaluation = record.evaluation
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

    # The export fails, naming the finding; the UI shows it on the run page.
    failure = source.failures(instance)["roles"]
    assert failure.blocked
    description = failure.reason
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
    unfed = source.failures(instance)["unfed"]
    assert unfed.blocked and "required: NOT NULL without default" in unfed.reason
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
    metadata = next(iter(record.values())).evaluation.metadata
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


# --- what `converge` says ----------------------------------------------------------------------


def assert_no_noise(out) -> None:
    text = out.stdout + out.stderr
    assert "Traceback" not in text
    assert " - dagster - " not in text  # Dagster's own log lines
    assert "Telemetry" not in text and "No dagster instance configuration" not in text


def test_converge_run_prints_one_line_per_failed_table_with_its_reason(make_source, dagster_home):
    source = make_source(
        ROLES
        + """
        CREATE TABLE `nulls` (`id` int NOT NULL PRIMARY KEY, `must` varchar(9) NULL);
        INSERT INTO `nulls` VALUES (1, 'a'), (5, NULL);
        """,
        ROLES_PG + "CREATE TABLE nulls (id int PRIMARY KEY, must varchar(9) NOT NULL);",
    )
    source.mysql("ALTER TABLE `roles` ADD `note` varchar(50) NULL")
    out = converge("run", "--source", "src", "--run", "r1", env=converge_env(source, dagster_home))
    assert out.returncode == 1, out.stdout + out.stderr
    assert_no_noise(out)
    lines = out.stdout.splitlines()
    assert sum(line.startswith("table ") for line in lines) == 1  # one summary
    assert "1/3 tables ok" in out.stdout and "migration failed" in out.stdout
    roles = next(line for line in lines if line.startswith("  roles: "))
    assert "note" in roles and "added in MySQL after discover" in roles
    assert "converge discover --source src" in roles
    nulls = next(line for line in lines if line.startswith("  nulls: "))
    assert "must" in nulls and "NULL value(s)" in nulls and "id=5" in nulls
    assert source.postgres("SELECT count(*) FROM other") == [(2,)]


@pytest.mark.parametrize(
    ("case", "variable", "value", "words"),
    [
        (
            "wrong_password",
            "CONVERGE_MYSQL_URL",
            "mysql://root:s3cret-pw@127.0.0.1:3306",
            ["cannot connect to MySQL", "Access denied"],
        ),
        (
            "unreachable_server",
            "CONVERGE_POSTGRES_URL",
            "postgresql://postgres:s3cret-pw@127.0.0.1:1",
            ["cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:1"],
        ),
        ("missing_database", None, None, ["Unknown database", "no_such_database"]),
    ],
    ids=lambda v: v if isinstance(v, str) and "_" in v and "/" not in v else "",
)
def test_expected_failures_are_one_clear_line(
    make_source, dagster_home, case, variable, value, words
):
    source = make_source(ROLES, ROLES_PG)
    env = converge_env(source, dagster_home)
    if variable:
        env[variable] = value
    else:
        source.set_options(mysql_database="no_such_database")
    out = converge("run", "--source", "src", "--run", "r1", env=env)
    assert out.returncode == 1
    assert_no_noise(out)
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    line = lines[0]
    assert line.startswith("converge: ")
    for word in words:
        assert word in line, line
    assert "s3cret-pw" not in line


def test_a_dagster_home_without_dagster_yaml_is_a_clear_error(make_source, dagster_home, tmp_path):
    source = make_source(ROLES, ROLES_PG)
    empty = tmp_path / "empty_home"
    empty.mkdir()
    out = converge(
        "run", "--source", "src", env=converge_env(source, dagster_home, DAGSTER_HOME=str(empty))
    )
    assert out.returncode == 2
    assert_no_noise(out)
    assert "has no dagster.yaml" in out.stderr and str(empty) in out.stderr


def test_drift_is_not_completion(make_source, dagster_home):
    source = make_source(ROLES, ROLES_PG)
    env = converge_env(source, dagster_home)
    out = converge("run", "--source", "src", "--run", "r1", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "migration completed" in out.stdout

    into_the_next_second()
    source.mysql("UPDATE `roles` SET `name` = 'owner' WHERE `id` = 1")
    out = converge("run", "--source", "src", "--run", "r1", "--only-failed", env=env)
    assert out.returncode == 3, out.stdout + out.stderr
    assert_no_noise(out)
    assert "migration drifted" in out.stdout
    drift = next(line for line in out.stdout.splitlines() if "source_drift" in line)
    assert "roles" in drift and "other" not in drift and "--changed-only" in drift
    log = json.loads((source.config.export_dir / "migration_log.json").read_text())
    assert log["migration_runs"][-1]["status"] == "in_progress"
    assert "roles" in log["migration_runs"][-1]["message"]

    out = converge("run", "--source", "src", "--run", "r1", "--changed-only", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "moving 1 table(s) (roles), carrying over 1" in out.stdout
    assert source.postgres("SELECT name FROM roles WHERE id = 1") == [("owner",)]


def test_the_same_run_key_twice_at_once_is_refused_and_the_first_verdict_stands(
    make_source, dagster_home
):
    source = make_source(ROLES, ROLES_PG)
    env = converge_env(source, dagster_home)
    command = [sys.executable, "-m", "converge_assets.cli", "run", "--source", "src", "--run", "r1"]
    with postgres_connect(source.postgres_database) as holder:
        # The app holds `roles`: the first run's load of it waits, mid-run, until we let go.
        holder.autocommit = False
        holder.execute("LOCK TABLE roles IN ACCESS EXCLUSIVE MODE")
        first = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while not source.postgres(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'LOCK TABLE ONLY%roles%'"
        ):
            assert time.monotonic() < deadline and first.poll() is None, first.communicate()
            time.sleep(0.2)
        second = converge("run", "--source", "src", "--run", "r1", env=env)
        holder.rollback()
    out, err = first.communicate(timeout=300)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "already running" in second.stderr and second.stdout == ""
    assert first.returncode == 0, out + err
    assert "2/2 tables ok" in out and "migration completed" in out
    assert source.postgres("SELECT id FROM roles ORDER BY id") == [(1,), (2,)]


def test_a_table_dropped_after_discover_fails_alone_through_the_cli(make_source, dagster_home):
    source = make_source(ROLES, ROLES_PG)
    source.mysql("DROP TABLE `roles`")
    env = converge_env(source, dagster_home)
    out = converge("run", "--source", "src", "--run", "r1", env=env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert_no_noise(out)
    assert "1/2 tables ok" in out.stdout
    roles = next(line for line in out.stdout.splitlines() if line.startswith("  roles: "))
    assert "dropped from MySQL after discover" in roles
    # The cutover path sees it too: observed as missing, selected, failed by name.
    out = converge("run", "--source", "src", "--run", "r1", "--changed-only", env=env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "moving 1 table(s) (roles), carrying over 1" in out.stdout
    assert "dropped from MySQL after discover" in out.stdout
    assert source.postgres("SELECT id FROM roles") == [(99,)]


def test_each_layer_shows_its_own_kind_and_column_types(make_source, instance):
    source = make_source(ROLES, ROLES_PG)
    defs = source.definitions()
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey(["csv", "src", "roles"])).kinds == {"csv"}
    assert graph.get(AssetKey(["postgres", "src", "roles"])).kinds == {"postgres"}
    result = source.migrate(instance)
    assert result.success
    load = next(
        e.step_materialization_data.materialization
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(["postgres", "src", "roles"])
    )
    columns = load.metadata["dagster/column_schema"].value.columns
    assert [(c.name, c.type) for c in columns] == [
        ("id", "integer"),
        ("name", "character varying(50)"),
    ]


def test_a_typo_in_exclude_is_one_line_naming_it(make_source, dagster_home):
    source = make_source(ROLES, ROLES_PG)
    source.set_options(exclude=["role"])
    out = converge("run", "--source", "src", "--run", "r1", env=converge_env(source, dagster_home))
    assert out.returncode == 1, out.stdout + out.stderr
    assert_no_noise(out)
    line = next(line for line in out.stdout.splitlines() if "exclude" in line)
    assert line.startswith("  src/target_schema: ") and "'role'" in line
    assert source.postgres("SELECT id FROM roles") == [(99,)]


def test_the_run_log_counts_tables_as_they_end(make_source, instance):
    source = make_source(
        ROLES
        + """
        CREATE TABLE `nulls` (`id` int NOT NULL PRIMARY KEY, `must` varchar(9) NULL);
        INSERT INTO `nulls` VALUES (1, NULL);
        """,
        ROLES_PG + "CREATE TABLE nulls (id int PRIMARY KEY, must varchar(9) NOT NULL);",
    )
    result = source.migrate(instance)
    messages = [
        e.user_message
        for e in instance.all_logs(result.run_id)
        if e.dagster_event is None and "tables done" in e.user_message
    ]
    # A line as tables end (at most one a second, and one for the last table and each failure).
    done = [int(m.split(": ")[1].split("/")[0]) for m in messages]
    assert done == sorted(set(done)) and done[-1] == 3, messages
    assert any("(1 failed)" in m for m in messages), messages
    assert "(1 failed)" in messages[-1] and "4 rows loaded" in messages[-1]


def test_the_run_log_shows_at_most_a_line_a_second_of_many_tables():
    from converge_assets.engine.catalog import Table
    from converge_assets.engine.tables import RunProgress, TableWork, Verified

    tables = [Table(name=f"t{i}", columns=(), primary_key=()) for i in range(500)]
    progress = RunProgress("src", [TableWork(t, True, True) for t in tables])
    lines = [progress.line() for t in tables if progress.record(Verified(t, None, "x", "now"))]
    assert len(lines) == 2, lines  # the first table's, and the last's
    assert lines[-1].startswith("src: 500/500 tables done")
