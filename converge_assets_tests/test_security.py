"""Secrets stay secret, identifiers are quoted everywhere, exports are readable by their owner
only, and a source of many tables migrates without running out of connections or files."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from dagster import DagsterInstance
from dagster._serdes import serialize_value

from converge_assets_tests.conftest import converge, mysql_connect

ROOT = Path(__file__).resolve().parent.parent
MYSQL_PASSWORD = "Xq7-mysql-secret-4f1c"
POSTGRES_PASSWORD = "Zr9-postgres-secret-a2d8"
USER = "converge_secret_test"

MYSQL_DDL = """
CREATE TABLE `credentials` (`id` char(36) NOT NULL PRIMARY KEY, `hash` varchar(255) NOT NULL);
CREATE TABLE `bad` (`id` int NOT NULL PRIMARY KEY, `flag` tinyint(1) NOT NULL);
INSERT INTO `credentials` VALUES ('0a000000-0000-4000-8000-000000000001', '$argon2id$v=19$m=65536');
INSERT INTO `bad` VALUES (1, 2);
"""
POSTGRES_DDL = """
CREATE TABLE credentials (id uuid PRIMARY KEY, hash varchar(255) NOT NULL);
CREATE TABLE bad (id int PRIMARY KEY, flag boolean NOT NULL);
"""


def test_passwords_appear_in_no_log_metadata_file_or_error(make_source, dagster_home):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    with mysql_connect() as conn, conn.cursor() as cur:
        for host in ("localhost", "127.0.0.1", "%"):
            cur.execute("DROP USER IF EXISTS %s@%s", (USER, host))
            cur.execute("CREATE USER %s@%s IDENTIFIED BY %s", (USER, host, MYSQL_PASSWORD))
            cur.execute(f"GRANT SELECT ON `{source.mysql_database}`.* TO %s@%s", (USER, host))
    try:
        home, dagster_url = dagster_home
        env = {
            **os.environ,
            "CONVERGE_CONFIG": str(source.config.path),
            "CONVERGE_MYSQL_URL": f"mysql://{USER}:{MYSQL_PASSWORD}@127.0.0.1:3306",
            # The local server trusts loopback, so this password is not checked, but it travels
            # through every place a checked one would.
            "CONVERGE_POSTGRES_URL": f"postgresql://postgres:{POSTGRES_PASSWORD}@127.0.0.1:5432",
            "DAGSTER_HOME": str(home),
            "DAGSTER_POSTGRES_URL": dagster_url,
        }
        texts = []
        for args in (("discover", "--source", "src"), ("run", "--source", "src", "--run", "r1")):
            out = converge(*args, env=env)
            texts += [out.stdout, out.stderr]
        assert "refused" in texts[-2] + texts[-1] or "failed" in texts[-2]  # the bad table failed
        assert source.postgres("SELECT count(*) FROM credentials") == [(1,)]  # auth worked
        wrong = converge(
            "run",
            "--source",
            "src",
            "--run",
            "r2",
            env={**env, "CONVERGE_MYSQL_URL": f"mysql://{USER}:{MYSQL_PASSWORD}x@127.0.0.1:3306"},
        )
        assert wrong.returncode != 0
        assert "Access denied" in wrong.stdout + wrong.stderr
        texts += [wrong.stdout, wrong.stderr]

        # Every file the runs wrote: CSVs, manifests, fingerprints, the migration log, catalogs.
        for root in (source.config.export_dir, source.config.path.parent / "catalog"):
            for path in root.rglob("*"):
                if path.is_file():
                    texts.append(path.read_text(errors="replace"))
        # Every event, metadata entry, error and run config in the Dagster instance.
        os.environ["DAGSTER_POSTGRES_URL"] = dagster_url
        try:
            with DagsterInstance.from_config(str(home)) as instance:
                runs = instance.get_runs()
                assert len(runs) >= 2  # the run and its verdict
                for run in runs:
                    texts.append(serialize_value(run))
                    texts += [serialize_value(e) for e in instance.all_logs(run.run_id)]
        finally:
            del os.environ["DAGSTER_POSTGRES_URL"]
    finally:
        with mysql_connect() as conn, conn.cursor() as cur:
            for host in ("localhost", "127.0.0.1", "%"):
                cur.execute("DROP USER IF EXISTS %s@%s", (USER, host))
    everything = "\n".join(texts)
    assert len(everything) > 10_000  # the search looked at something
    assert MYSQL_PASSWORD not in everything
    assert POSTGRES_PASSWORD not in everything


WEIRD_TABLE = 'we`ird "name" t'
WEIRD_COLUMN = 'co`l "a" b'


def test_a_table_named_with_a_backtick_a_double_quote_and_a_space_migrates(make_source, instance):
    my_table = "`" + WEIRD_TABLE.replace("`", "``") + "`"
    my_column = "`" + WEIRD_COLUMN.replace("`", "``") + "`"
    pg_table = '"' + WEIRD_TABLE.replace('"', '""') + '"'
    pg_column = '"' + WEIRD_COLUMN.replace('"', '""') + '"'
    source = make_source(
        f"CREATE TABLE {my_table} (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, {my_column} text NULL);"
        f"INSERT INTO {my_table} ({my_column}) VALUES ('a, \"b\"'), (NULL), ('');",
        f"CREATE TABLE {pg_table} (id serial PRIMARY KEY, {pg_column} text);",
    )
    result = source.migrate(instance)
    assert result.success
    assert source.postgres(f"SELECT id, {pg_column} FROM {pg_table} ORDER BY id") == [
        (1, 'a, "b"'),
        (2, None),
        (3, ""),
    ]
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks and all(checks.values()), checks
    assert source.postgres(f"SELECT nextval(pg_get_serial_sequence('{pg_table}', 'id'))") == [(4,)]


def test_exports_are_readable_by_their_owner_only(make_source, instance):
    source = make_source(MYSQL_DDL.split("INSERT INTO `bad`")[0], POSTGRES_DDL)
    assert source.migrate(instance).success
    run_dir = source.run_dir()
    for directory in (run_dir, run_dir.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    files = [p for p in run_dir.iterdir() if not p.name.startswith(".")]
    assert {p.suffix for p in files} == {".csv", ".json"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_source_of_500_tables_migrates_without_running_out_of_connections_or_files(
    make_source, instance
):
    tables = int(os.environ.get("CONVERGE_TEST_MANY_TABLES", 500))
    mysql = "".join(
        f"CREATE TABLE `t{i:03}` (`id` int NOT NULL PRIMARY KEY, `v` varchar(20) NULL);"
        f"INSERT INTO `t{i:03}` VALUES (1, 'a'), (2, NULL);"
        for i in range(tables)
    )
    postgres = "".join(
        f"CREATE TABLE t{i:03} (id int PRIMARY KEY, v varchar(20));" for i in range(tables)
    )
    source = make_source(mysql, postgres)
    started = time.monotonic()
    result = source.migrate(instance)
    seconds = time.monotonic() - started
    assert result.success
    loads = [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "postgres"
    ]
    assert len(loads) == tables
    assert all(e.passed for e in result.get_asset_check_evaluations())
    print(f"\n500 tables migrated and verified in {seconds:.1f} s")
