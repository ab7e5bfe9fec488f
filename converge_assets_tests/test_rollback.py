"""`converge rollback` against the real servers: it restores what a run replaced, and refuses
anything it did not write."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from dagster import AssetKey, DagsterEventType

from converge_assets.engine.config import PROJECT_ROOT
from converge_assets_tests.conftest import converge

MYSQL_DDL = """
CREATE TABLE `role` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` varchar(50) NOT NULL);
CREATE TABLE `member` (`id` char(36) NOT NULL PRIMARY KEY, `roleId` int NULL,
  `name` varchar(50) NOT NULL, CONSTRAINT `fk_member_role` FOREIGN KEY (`roleId`) REFERENCES `role` (`id`));
INSERT INTO `role` VALUES (10, 'admin'), (11, 'guest');
INSERT INTO `member` VALUES ('aa000000-0000-4000-8000-000000000001', 10, 'ada'),
  ('aa000000-0000-4000-8000-000000000002', NULL, 'bob');
"""
# As the app's own migrations leave it: an identity column (ALWAYS), a generated column, a
# foreign key, and rows seeded by the migrations themselves.
POSTGRES_DDL = """
CREATE TABLE role (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(50) NOT NULL,
  shout text GENERATED ALWAYS AS (upper(name)) STORED);
CREATE TABLE member (id uuid PRIMARY KEY, "roleId" integer REFERENCES role(id),
  name varchar(20) NOT NULL);
INSERT INTO role (name) VALUES ('system'), ('seeded');
INSERT INTO member VALUES ('5eed0000-0000-4000-8000-000000000001', 1, 'bootstrap');
"""
SEEDED = {
    "role": [(1, "system", "SYSTEM"), (2, "seeded", "SEEDED")],
    "member": [("5eed0000-0000-4000-8000-000000000001", 1, "bootstrap")],
}
TOO_LONG = "x" * 30  # fits MySQL's varchar(50), not the target's varchar(20)


def content(source) -> dict[str, list[tuple]]:
    return {
        "role": source.postgres("SELECT id, name, shout FROM role ORDER BY id"),
        "member": [
            (str(i), r, n)
            for i, r, n in source.postgres('SELECT id, "roleId", name FROM member ORDER BY id')
        ],
    }


def rollback(source, run: str, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONVERGE_CONFIG": str(source.config.path)}
    return converge("rollback", "--source", "src", "--run", run, *extra, env=env)


def store_tables(source) -> list[str]:
    return [
        t
        for (t,) in source.postgres(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'converge_rollback' ORDER BY 1"
        )
    ]


def log_events(source) -> list[dict]:
    path = source.config.export_dir / "migration_log.json"
    return json.loads(path.read_text())["migration_runs"]


def step_errors(instance, run_id: str) -> str:
    return " ".join(
        str(e.dagster_event.event_specific_data.error)
        for e in instance.all_logs(run_id, of_type={DagsterEventType.STEP_FAILURE})
    )


def test_a_run_that_never_ran_is_refused_and_nothing_is_touched(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    out = rollback(source, "never-ran", "--yes")
    assert out.returncode == 1
    assert out.stderr.strip() == (
        f"converge: run never-ran of source src loaded nothing into "
        f"{source.postgres_database}.public: nothing to roll back"
    )
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert content(source) == SEEDED

    # Once a real run has loaded (the store exists), an unknown run is still refused.
    assert source.migrate(instance, "r1").success
    loaded = content(source)
    out = rollback(source, "never-ran", "--yes")
    assert out.returncode == 1 and "loaded nothing" in out.stderr
    assert content(source) == loaded


def test_rollback_restores_every_table_to_its_rows_before_the_run(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance, "r1").success
    assert source.postgres("SELECT id FROM role ORDER BY id") == [(10,), (11,)]

    out = rollback(source, "r1")  # no terminal: proceeds without asking
    assert out.returncode == 0, out.stderr
    assert "role: restored 2 row(s) (had 2)" in out.stdout
    assert "member: restored 1 row(s) (had 2)" in out.stdout
    assert content(source) == SEEDED
    # The identity sequence is back where the app's migration left it: the next id is 3.
    source.postgres("INSERT INTO role (name) VALUES ('next')")
    assert source.postgres("SELECT max(id) FROM role") == [(3,)]
    events = [e for e in log_events(source) if e["run"] == "r1"]
    assert events[-1]["status"] == "rolled_back"
    assert "role: 2 row(s) (had 2)" in events[-1]["message"]
    assert store_tables(source) == ["loads"]  # the backups went with the rollback

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 1 and "already rolled back" in out.stderr


def test_a_later_run_blocks_rolling_back_an_earlier_one(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance, "r1").success
    after_r1 = content(source)
    source.mysql("UPDATE role SET name = 'owner' WHERE id = 10")
    source.mysql("INSERT INTO role VALUES (12, 'viewer')")
    assert source.migrate(instance, "r2").success
    after_r2 = content(source)
    assert after_r2 != after_r1

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 1
    assert "member (run r2 of source src loaded it later)" in out.stderr
    assert "role (run r2 of source src loaded it later)" in out.stderr
    assert "Traceback" not in out.stderr
    assert content(source) == after_r2
    # --force cannot restore them either: their pre-r1 rows went when r2 loaded them.
    out = rollback(source, "r1", "--yes", "--force")
    assert out.returncode == 1 and "no table of it can be restored" in out.stderr
    assert content(source) == after_r2

    out = rollback(source, "r2", "--yes")
    assert out.returncode == 0, out.stderr
    assert "role: restored 2 row(s) (had 3)" in out.stdout
    assert content(source) == after_r1


def test_a_rerun_restores_the_state_before_the_runs_first_load(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    source.mysql("UPDATE member SET name = %s WHERE name = 'bob'", (TOO_LONG,))
    first = source.migrate(instance, "r1")
    assert not first.success  # member refused, role loaded
    assert source.postgres("SELECT id FROM role ORDER BY id") == [(10,), (11,)]
    assert content(source)["member"] == SEEDED["member"]

    source.mysql("UPDATE member SET name = 'bob' WHERE name = %s", (TOO_LONG,))
    source.mysql("INSERT INTO role VALUES (12, 'viewer')")
    assert source.migrate(instance, "r1").success  # the same run again: role loaded twice

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 0, out.stderr
    assert "role: restored 2 row(s) (had 3)" in out.stdout
    assert content(source) == SEEDED


def test_a_table_whose_load_failed_is_not_touched(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    source.mysql("UPDATE member SET name = %s WHERE name = 'bob'", (TOO_LONG,))
    result = source.migrate(instance, "r1")
    assert not result.success
    assert "src.member.name" in step_errors(instance, result.run_id)
    # The app writes to the table the run could not load; a rollback must leave that row.
    source.postgres(
        "INSERT INTO member VALUES ('5eed0000-0000-4000-8000-000000000002', NULL, 'new')"
    )
    members = content(source)["member"]

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "role: restored 2 row(s) (had 2)"
    assert "member" not in out.stdout
    assert content(source) == {"role": SEEDED["role"], "member": members}


def test_a_user_schema_named_like_ours_is_never_written(make_source, instance):
    source = make_source(
        MYSQL_DDL,
        POSTGRES_DDL
        + "CREATE SCHEMA converge_rollback; CREATE TABLE converge_rollback.notes (n text);"
        + "INSERT INTO converge_rollback.notes VALUES ('theirs');",
    )
    result = source.migrate(instance, "r1")
    assert not result.success
    errors = step_errors(instance, result.run_id)
    assert 'schema "converge_rollback"' in errors and "not created by converge_assets" in errors
    assert store_tables(source) == ["notes"]
    assert source.postgres("SELECT n FROM converge_rollback.notes") == [("theirs",)]
    assert content(source) == SEEDED

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 1 and "not created by converge_assets" in out.stderr
    assert store_tables(source) == ["notes"] and content(source) == SEEDED


def test_force_restores_the_tables_no_later_run_loaded(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance, "r1").success
    source.mysql("INSERT INTO role VALUES (12, 'viewer')")
    role_only = [AssetKey([system, "src", "role"]) for system in ("csv", "postgres")]
    assert source.migrate(instance, "r2", selection=role_only).success
    after_r2 = content(source)

    out = rollback(source, "r1", "--yes")
    assert out.returncode == 1
    assert "role (run r2 of source src loaded it later)" in out.stderr
    assert "member" not in out.stderr
    assert content(source) == after_r2

    out = rollback(source, "r1", "--yes", "--force")
    assert out.returncode == 0, out.stderr
    assert "member: restored 1 row(s) (had 2)" in out.stdout
    assert "role: left as it is (run r2 of source src loaded it later)" in out.stdout
    assert content(source) == {"role": after_r2["role"], "member": SEEDED["member"]}
    assert "left role as it is" in log_events(source)[-1]["message"]


def rollback_on_terminal(source, run: str, answer: str) -> subprocess.CompletedProcess:
    """`converge rollback` with a terminal (a pty) as stdin, answering the question."""
    leader, follower = os.openpty()
    try:
        os.write(leader, answer.encode() + b"\n")
        return subprocess.run(
            [sys.executable, "-m", "converge_assets.cli", "rollback", "--source", "src"]
            + ["--run", run],
            env={**os.environ, "CONVERGE_CONFIG": str(source.config.path)},
            cwd=PROJECT_ROOT,
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(leader)
        os.close(follower)


def test_on_a_terminal_it_asks_first_and_no_changes_nothing(make_source, instance):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    assert source.migrate(instance, "r1").success
    loaded = content(source)

    out = rollback_on_terminal(source, "r1", "n")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "role: restore 2 row(s) saved before run r1" in out.stdout
    assert "rollback cancelled: nothing was changed" in out.stderr
    assert content(source) == loaded

    out = rollback_on_terminal(source, "r1", "y")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "role: restored 2 row(s) (had 2)" in out.stdout
    assert content(source) == SEEDED
