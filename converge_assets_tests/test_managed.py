"""Managed PostgreSQL (RDS, Cloud SQL, Azure): a loading role that is no superuser, on the real
PostgreSQL 15, each test with a role of its own."""

from __future__ import annotations

import os
import re

from dagster import AssetKey

from converge_assets import checks
from converge_assets_tests.conftest import converge
from converge_assets_tests.test_trust import ROLES, ROLES_PG, check_result

URL_ENV = "SRC_POSTGRES_URL"


def failure_text(result) -> str:
    return "\n".join(
        e.step_failure_data.user_failure_data.description
        for e in result.get_step_failure_events()
        if e.step_failure_data.user_failure_data
    )


def test_replica_mode_names_the_missing_right_moves_nothing_and_the_grant_fixes_it(
    make_source, loading_role, instance
):
    source = make_source(ROLES, ROLES_PG, postgres_url_env=URL_ENV)
    role = loading_role(source, URL_ENV, password="s3cret-pw")
    result = source.migrate(instance)
    assert not result.success
    assert "s3cret-pw" not in failure_text(result)

    grant = f'GRANT SET ON PARAMETER session_replication_role TO "{role}"'
    failures = source.failures(instance)
    for table in ("roles", "other"):
        assert failures[table].blocked
        why = failures[table].reason
        assert f"role {role} may not SET session_replication_role" in why, why
        assert grant in why, why
    passed, why = check_result(
        instance, AssetKey(["src", "target_schema"]), checks.SCHEMA_PREFLIGHT
    )
    assert not passed and "2 table(s) blocked" in why and grant in why
    assert grant in failure_text(result)
    # Nothing moved: no CSV, the target as the app left it, no rollback store.
    assert not (source.run_dir() / "roles.csv").exists()
    assert source.postgres("SELECT id, name FROM roles") == [(99, "seeded by the app")]
    assert source.postgres("SELECT count(*) FROM other") == [(0,)]
    assert source.postgres(
        "SELECT count(*) FROM pg_namespace WHERE nspname = 'converge_rollback'"
    ) == [(0,)]

    source.postgres(grant)  # as an administrator would: the statement the finding gave
    assert source.migrate(instance, run="run2").success
    assert source.postgres("SELECT id, name FROM roles ORDER BY id") == [
        (1, "admin"),
        (2, "member"),
    ]
    assert source.postgres("SELECT id, label FROM other ORDER BY id") == [(1, "kept"), (2, None)]
    # The store is the role's own: the next run can drop its backups.
    assert source.postgres(
        "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'converge_rollback'"
    ) == [(role,)]

    # A rollback has no preflight: without the right it changes nothing and says where to look.
    source.postgres(grant.replace("GRANT", "REVOKE").replace(" TO ", " FROM "))
    env = {**os.environ, "CONVERGE_CONFIG": str(source.config.path)}
    out = converge("rollback", "--source", "src", "--run", "run2", "--yes", env=env)
    assert out.returncode == 1
    assert 'permission denied to set parameter "session_replication_role"' in out.stderr
    assert "Managed PostgreSQL" in out.stderr and "s3cret-pw" not in out.stderr
    assert source.postgres("SELECT id FROM roles ORDER BY id") == [(1,), (2,)]


# Alphabetical order (member, note, org) is the wrong load order: org is the parent of member,
# member of note, and org references itself (a row may point at a later row).
FAMILY = """
CREATE TABLE `org` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` varchar(50) NOT NULL,
  `parentId` int NULL, CONSTRAINT `fk_org_parent` FOREIGN KEY (`parentId`) REFERENCES `org` (`id`));
CREATE TABLE `member` (`id` int NOT NULL PRIMARY KEY, `orgId` int NOT NULL,
  `name` varchar(50) NOT NULL, `active` tinyint(1) NOT NULL DEFAULT 1,
  CONSTRAINT `fk_member_org` FOREIGN KEY (`orgId`) REFERENCES `org` (`id`));
CREATE TABLE `note` (`id` int NOT NULL PRIMARY KEY, `memberId` int NOT NULL, `body` text NOT NULL,
  CONSTRAINT `fk_note_member` FOREIGN KEY (`memberId`) REFERENCES `member` (`id`));
INSERT INTO `org` VALUES (1, 'root', NULL), (5, 'late', NULL), (2, 'early', 5), (3, 'leaf', 2);
INSERT INTO `member` VALUES (10, 1, 'ada', 1), (11, 3, 'bob', 0);
INSERT INTO `note` VALUES (100, 10, 'hello'), (101, 11, 'world');
"""
FAMILY_PG = """
CREATE TABLE org (id serial PRIMARY KEY, name varchar(50) NOT NULL,
  "parentId" int CONSTRAINT fk_org_parent REFERENCES org (id));
CREATE TABLE member (id int PRIMARY KEY,
  "orgId" int NOT NULL CONSTRAINT fk_member_org REFERENCES org (id), name varchar(20) NOT NULL,
  active boolean NOT NULL DEFAULT true);
CREATE TABLE note (id int PRIMARY KEY,
  "memberId" int NOT NULL CONSTRAINT fk_note_member REFERENCES member (id), body text NOT NULL);
INSERT INTO org (name) VALUES ('seeded'), ('seeded child');
UPDATE org SET "parentId" = 1 WHERE id = 2;
INSERT INTO member VALUES (7, 2, 'bootstrap', true);
INSERT INTO note VALUES (70, 7, 'seeded note');
"""
SEEDED = {
    "org": [(1, "seeded", None), (2, "seeded child", 1)],
    "member": [(7, 2, "bootstrap", True)],
    "note": [(70, 7, "seeded note")],
}
MIGRATED = {
    "org": [(1, "root", None), (2, "early", 5), (3, "leaf", 2), (5, "late", None)],
    "member": [(10, 1, "ada", True), (11, 3, "bob", False)],
    "note": [(100, 10, "hello"), (101, 11, "world")],
}


def family(source) -> dict[str, list[tuple]]:
    return {
        "org": source.postgres('SELECT id, name, "parentId" FROM org ORDER BY id'),
        "member": source.postgres('SELECT id, "orgId", name, active FROM member ORDER BY id'),
        "note": source.postgres('SELECT id, "memberId", body FROM note ORDER BY id'),
    }


def all_checks_passed(source, instance, run: str) -> None:
    statuses = source.statuses(instance, run)
    assert [s.table for s in statuses if s.problems] == [], [s.problems for s in statuses]
    for check in (checks.FOREIGN_KEYS, checks.SEQUENCES):
        passed, why = check_result(instance, AssetKey(["src", "migration_run"]), check, run)
        assert passed, why


def test_enforced_mode_loads_parents_first_with_a_table_owning_role(
    make_source, loading_role, instance
):
    source = make_source(FAMILY, FAMILY_PG, postgres_url_env=URL_ENV, foreign_keys="enforced")
    role = loading_role(source, URL_ENV)
    assert source.postgres(
        "SELECT rolsuper, has_parameter_privilege(%s, 'session_replication_role', 'SET') "
        "FROM pg_roles WHERE rolname = %s",
        (role, role),
    ) == [(False, False)]

    result = source.migrate(instance, "run1")  # over the app's seeded rows
    assert result.success, failure_text(result)
    assert family(source) == MIGRATED
    all_checks_passed(source, instance, "run1")

    source.mysql("INSERT INTO `org` VALUES (6, 'new', 1)")
    source.mysql("UPDATE `note` SET `body` = 'changed' WHERE `id` = 101")
    result = source.migrate(instance, "run2")  # again, over the rows run1 loaded
    assert result.success, failure_text(result)
    expected = {**MIGRATED, "org": sorted([*MIGRATED["org"], (6, "new", 1)])}
    expected["note"] = [(100, 10, "hello"), (101, 11, "changed")]
    assert family(source) == expected
    all_checks_passed(source, instance, "run2")
    # The serial sequence is past the largest id: the app's next row gets 7.
    assert source.postgres("SELECT nextval(pg_get_serial_sequence('org', 'id'))") == [(7,)]

    # Rollback, as the same role, restores in foreign-key order what run2 replaced.
    out = converge(
        "rollback",
        "--source",
        "src",
        "--run",
        "run2",
        "--yes",
        env={**os.environ, "CONVERGE_CONFIG": str(source.config.path)},
    )
    assert out.returncode == 0, out.stderr
    assert "org: restored 4 row(s) (had 5)" in out.stdout
    assert family(source) == MIGRATED


def test_enforced_mode_one_refused_value_rolls_back_every_table(
    make_source, loading_role, instance
):
    source = make_source(FAMILY, FAMILY_PG, postgres_url_env=URL_ENV, foreign_keys="enforced")
    loading_role(source, URL_ENV)
    # 2 is no boolean: the export leaves that to PostgreSQL, whose COPY refuses it.
    source.mysql("UPDATE `member` SET `active` = 2 WHERE `id` = 11")
    result = source.migrate(instance)
    assert not result.success
    # org loaded first, member was refused: nothing of the source committed.
    assert family(source) == SEEDED
    assert source.postgres("SELECT count(*) FROM converge_rollback.loads") == [(0,)]

    failed = {s.table: s for s in source.statuses(instance)}
    assert sorted(t for t, s in failed.items() if s.problems) == ["member", "note", "org"]
    text = failure_text(result)
    member = next(line for line in text.splitlines() if line.startswith("- member: "))
    assert "src.member.active" in member and "id=11" in member, member
    assert "PostgreSQL refused the load" in member, member
    member = source.failures(instance)["member"]
    assert member.export_again and "id=11" in member.reason
    for table in ("org", "note"):
        line = next(line for line in text.splitlines() if line.startswith(f"- {table}: "))
        assert "not loaded: member failed" in line, line
        assert "one transaction" in line and "the target kept its rows" in line, line

    # Fixed in MySQL, the failed tables move again and every table is checked.
    source.mysql("UPDATE `member` SET `active` = 0 WHERE `id` = 11")
    result = source.migrate(instance, "run2")
    assert result.success, failure_text(result)
    assert family(source) == MIGRATED


CYCLE = """
CREATE TABLE `c` (`id` int NOT NULL PRIMARY KEY);
INSERT INTO `c` VALUES (1);
CREATE TABLE `a` (`id` int NOT NULL PRIMARY KEY, `bId` int NULL);
CREATE TABLE `b` (`id` int NOT NULL PRIMARY KEY, `aId` int NULL);
INSERT INTO `a` VALUES (1, 1), (2, NULL);
INSERT INTO `b` VALUES (1, 2);
"""


def cycle_pg(deferrable: str) -> str:
    return f"""
    CREATE TABLE c (id int PRIMARY KEY);
    CREATE TABLE a (id int PRIMARY KEY, "bId" int);
    CREATE TABLE b (id int PRIMARY KEY, "aId" int CONSTRAINT fk_b_a REFERENCES a (id));
    ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY ("bId") REFERENCES b (id) {deferrable};
    """


def test_enforced_mode_refuses_a_cycle_of_foreign_keys_that_are_not_deferrable(
    make_source, loading_role, instance
):
    source = make_source(
        CYCLE, cycle_pg("NOT DEFERRABLE"), postgres_url_env=URL_ENV, foreign_keys="enforced"
    )
    loading_role(source, URL_ENV)
    result = source.migrate(instance)
    assert not result.success
    cycle = "form a cycle a -> b -> a (a.fk_a_b references b, b.fk_b_a references a)"
    failures = source.failures(instance)
    for table in ("a", "b"):
        why = failures[table].reason
        assert failures[table].blocked and cycle in why, why
        assert "make one of them DEFERRABLE" in why
    passed, why = check_result(
        instance, AssetKey(["src", "target_schema"]), checks.SCHEMA_PREFLIGHT
    )
    assert not passed and cycle in why
    assert source.postgres("SELECT count(*) FROM a") == [(0,)]
    assert not (source.run_dir() / "a.csv").exists()
    # c is fine on its own, but the source loads all or nothing: it says so.
    assert source.postgres("SELECT count(*) FROM c") == [(0,)]
    line = next(line for line in failure_text(result).splitlines() if line.startswith("- c: "))
    assert "not loaded: a, b failed" in line and "one transaction" in line, line


def test_enforced_mode_loads_a_deferrable_cycle(make_source, loading_role, instance):
    source = make_source(
        CYCLE,
        cycle_pg("DEFERRABLE INITIALLY IMMEDIATE"),
        postgres_url_env=URL_ENV,
        foreign_keys="enforced",
    )
    loading_role(source, URL_ENV)
    result = source.migrate(instance)
    assert result.success, failure_text(result)
    assert source.postgres('SELECT id, "bId" FROM a ORDER BY id') == [(1, 1), (2, None)]
    assert source.postgres('SELECT id, "aId" FROM b') == [(1, 2)]
    assert source.postgres("SELECT id FROM c") == [(1,)]
    all_checks_passed(source, instance, "run1")


def test_a_role_granted_exactly_what_the_preflight_asks_can_load(
    make_source, loading_role, instance
):
    source = make_source(FAMILY, FAMILY_PG, postgres_url_env=URL_ENV, foreign_keys="enforced")
    role = loading_role(source, URL_ENV, own_tables=False)  # owns nothing, granted nothing
    result = source.migrate(instance)
    assert not result.success
    assert family(source) == SEEDED
    passed, why = check_result(
        instance, AssetKey(["src", "target_schema"]), checks.SCHEMA_PREFLIGHT
    )
    assert not passed and "3 table(s) blocked" in why
    grants = sorted(set(re.findall(rf'run (GRANT [^;]*? TO "{role}")', why)))
    assert grants == [
        f'GRANT DELETE, INSERT, SELECT ON TABLE "public"."member" TO "{role}"',
        f'GRANT DELETE, INSERT, SELECT ON TABLE "public"."org" TO "{role}"',
        f'GRANT INSERT, SELECT, TRUNCATE ON TABLE "public"."note" TO "{role}"',
        f'GRANT SELECT, UPDATE ON SEQUENCE public.org_id_seq TO "{role}"',
    ], why

    for grant in grants:
        source.postgres(grant)
    result = source.migrate(instance, "run2")
    assert result.success, failure_text(result)
    assert family(source) == MIGRATED
    all_checks_passed(source, instance, "run2")
