"""Any identifier works: tables and columns named with reserved words, with the aliases and
temporary names our own SQL writes, unicode, spaces, dots, dashes, quotes, `%`, a backslash,
leading digits, mixed case, names that only differ in what the asset-key translator replaces,
each moved end to end through the real Dagster assets and compared value by value.

The DDL here is quoted by the test's own small functions, not by the product's `quote_mysql`
and `quote_postgres`, so a quoting bug in the product cannot hide behind the same bug here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pymysql
import pytest

from converge_assets import checks
from converge_assets.engine.tables import RunFiles
from converge_assets.runner import run_source
from converge_assets_tests.conftest import mysql_connect
from converge_assets_tests.exact import (
    TRANSLATOR,
    assert_every_check_passed,
    assert_manifest_and_header,
    assert_same_rows,
)


def my(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def pg(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Col:
    name: str
    mysql_type: str
    postgres_type: str


@dataclass(frozen=True)
class Spec:
    table: str
    columns: tuple[Col, ...]
    rows: tuple[tuple, ...]
    json_columns: tuple[str, ...] = ()
    mysql_sql: tuple[tuple[str, str], ...] = ()  # (column, expression)

    def mysql_ddl(self) -> str:
        cols = ", ".join(f"{my(c.name)} {c.mysql_type}" for c in self.columns)
        return f"CREATE TABLE {my(self.table)} ({cols}) ENGINE=InnoDB"

    def postgres_ddl(self) -> str:
        cols = ", ".join(f"{pg(c.name)} {c.postgres_type}" for c in self.columns)
        return f"CREATE TABLE {pg(self.table)} ({cols});"


def insert(source, spec: Spec) -> None:
    # pymysql formats the query with `%`: a `%` in a name must be doubled.
    cols = ", ".join(my(c.name).replace("%", "%%") for c in spec.columns)
    marks = ", ".join(["%s"] * len(spec.columns))
    with mysql_connect(source.mysql_database) as conn, conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {my(spec.table).replace('%', '%%')} ({cols}) VALUES ({marks})", spec.rows
        )


def pk(mysql_type: str) -> str:
    return f"{mysql_type} NOT NULL PRIMARY KEY"


# Reserved words of both servers, and every alias our SQL writes (MySQL's `GROUP BY b`, the
# jsonb stage's k, h, j0...), as column names of a table without jsonb: MySQL sums it itself.
RESERVED = Spec(
    "select",
    (
        Col("order", pk("int"), "int PRIMARY KEY"),
        Col("group", "varchar(20) NULL", "varchar(20)"),
        Col("user", "text NULL", "text"),
        Col("table", "datetime(6) NULL", "timestamp(6)"),
        Col("key", "decimal(10,2) NULL", "numeric(10,2)"),
        Col("desc", "tinyint(1) NULL", "boolean"),
        Col("b", "int NULL", "int"),
        Col("k", "varchar(10) NULL", "varchar(10)"),
        Col("h", "char(36) NULL", "uuid"),
        Col("c", "double NULL", "double precision"),
        Col("p", "date NULL", "date"),
        Col("t", "time NULL", "time"),
        Col("x", "blob NULL", "bytea"),
        Col("s", "int NULL", "int"),
        Col("j0", "text NULL", "text"),
        Col("count", "bigint NULL", "bigint"),
        Col("md5", "varchar(32) NULL", "varchar(32)"),
        Col("bucket", "int NULL", "int"),
        Col("converge_parity_json", "text NULL", "text"),
    ),
    tuple(
        (
            i,
            f"g{i % 3}",
            None if i == 3 else f"u{i}",
            dt.datetime(2024, 1, 1 + i, 10, 11, 12, i),
            Decimal(f"{i}.{i:02d}"),
            i % 2,
            i % 2,  # few distinct values: `GROUP BY b` would group by this column
            f"k{i}",
            f"0000000{i % 10}-0000-4000-8000-00000000000{i % 10}",
            i / 7,
            dt.date(2000 + i, 2, 28),
            dt.timedelta(hours=i, minutes=i, seconds=i),
            bytes([i, 0, 255 - i]),
            i % 4,
            f"j{i}",
            10**12 + i,
            f"{i:032x}",
            i % 5,
            "stage",
        )
        for i in range(12)
    ),
    mysql_sql=(("h", "LOWER(`h`)"),),  # PostgreSQL prints a uuid in lower case
)

# The jsonb stage's own temporary table name as a user table, with columns named like the
# stage's (k: key digest, h: row hash, j0...: JSON values).
STAGE_NAMED = Spec(
    "converge_parity_json",
    (
        Col("k", pk("varchar(20)"), "varchar(20) PRIMARY KEY"),
        Col("h", "json NULL", "jsonb"),
        Col("j0", "json NULL", "jsonb"),
        Col("j1", "json NULL", "json"),
        Col("b", "int NULL", "int"),
    ),
    tuple(
        (
            f"key {i}",
            json.dumps({"h": i, "nested": {"k": [i, "x"]}}),
            None if i == 2 else json.dumps([i, {"j0": "é"}]),
            json.dumps({"j1": i}),
            i % 2,
        )
        for i in range(8)
    ),
    json_columns=("h", "j0", "j1"),
)

# A table named like its column, both reserved; jsonb keyed by a reserved-word column.
USER = Spec(
    "user",
    (
        Col("user", pk("int"), "int PRIMARY KEY"),
        Col("group", "json NULL", "jsonb"),
        Col("order", "varchar(5) NULL", "text"),
    ),
    tuple((i, json.dumps({"g": i}), f"o{i}") for i in range(5)),
    json_columns=("group",),
)

LONGEST_ASCII = "c" * 63  # PostgreSQL's limit: 63 bytes
LONGEST_CJK = "名" * 21  # 63 bytes of UTF-8 (MySQL counts 21 characters)

ODD_COLUMNS = (
    Col("ümlaut", pk("int"), "int PRIMARY KEY"),  # named like its table
    Col("名前", "varchar(20) NULL", "varchar(20)"),
    Col("a b", "int NULL", "int"),
    Col("a.b", "int NULL", "int"),
    Col("a-b", "int NULL", "int"),
    Col("a`b", "text NULL", "text"),
    Col('a"b', "text NULL", "text"),
    Col("a'b", "text NULL", "text"),
    Col("rowId", "int NULL", "int"),
    Col("1st", "int NULL", "int"),
    Col("a,b", "text NULL", "text"),
    Col(" lead", "text NULL", "text"),
    Col("line\nbreak", "text NULL", "text"),
    Col("100%", "text NULL", "text"),
    Col("%s", "text NULL", "text"),
    Col("a\\b", "text NULL", "text"),
    Col("\\N", "text NULL", "text"),
    Col(LONGEST_ASCII, "int NULL", "int"),
    Col(LONGEST_CJK, "int NULL", "int"),
)
ODD = Spec(
    "ümlaut",
    ODD_COLUMNS,
    tuple(
        tuple([i] + [(i if "int" in c.mysql_type else f"v{i} {c.name}") for c in ODD_COLUMNS[1:]])
        for i in range(6)
    ),
)


def two_columns(table: str, rows: int = 3) -> Spec:
    """A small table whose values say which table they came from."""
    return Spec(
        table,
        (Col("id", pk("int"), "int PRIMARY KEY"), Col("v", "varchar(80) NULL", "varchar(80)")),
        tuple((i, f"{table} row {i}") for i in range(rows)),
    )


# Names that differ only by what the asset-key translator (or the CSV file name) replaces,
# differ only in case, or are odd file names.
LOOKALIKES = tuple(
    two_columns(name, rows)
    for rows, name in enumerate(
        ["a-b", "a_b", "a/b", "a b", "a.b", "Order", "order", "1abc", "名前", ".", "..", "%s"],
        start=1,
    )
)

# A single column named `\.`: the CSV header line alone would read as COPY's end-of-data marker.
END_MARKER = Spec(
    "lone", (Col("\\.", pk("varchar(10)"), "varchar(10) PRIMARY KEY"),), (("a",), ("\\.",))
)

ALL = (RESERVED, STAGE_NAMED, USER, ODD, END_MARKER, *LOOKALIKES)


@pytest.fixture
def odd_source(make_source):
    source = make_source(
        ";\n".join(s.mysql_ddl() for s in ALL), "\n".join(s.postgres_ddl() for s in ALL)
    )
    for spec in ALL:
        insert(source, spec)
    return source


def test_every_odd_name_moves_exactly_with_every_check_green(odd_source, instance):
    result = odd_source.migrate(instance)
    assert_every_check_passed(result, [s.table for s in ALL])
    for spec in ALL:
        rows = assert_same_rows(odd_source, spec.table, spec.json_columns, dict(spec.mysql_sql))
        assert rows == len(spec.rows), spec.table
        assert_manifest_and_header(odd_source, spec.table, rows)
    # Each lookalike landed in its own table, with its own rows.
    for spec in LOOKALIKES:
        values = {v for (v,) in odd_source.postgres(f"SELECT v FROM {pg(spec.table)}")}
        assert values == {f"{spec.table} row {i}" for i in range(len(spec.rows))}


def test_lookalike_names_get_distinct_asset_keys_and_files():
    names = [s.table for s in ALL]
    keys = {TRANSLATOR.load_key("src", n) for n in names}
    run_files = RunFiles(Path("exports"), "src", "run1")
    files = {run_files.csv(n).name for n in names}
    fingerprints = {run_files.fingerprint_name(n) for n in names}
    assert len(keys) == len(files) == len(fingerprints) == len(names)
    assert not [f for f in files if "/" in f or f in (".", "..")]


def test_mariadb_refuses_emoji_in_identifiers(make_source):
    # Why names here hold no emoji: MariaDB refuses any character outside the BMP in an
    # identifier (MySQL documents the same), so no MySQL source can have one.
    source = make_source("CREATE TABLE plain (id int)", "")
    with pytest.raises(pymysql.err.OperationalError, match="Invalid utf8mb4 character"):
        source.mysql("CREATE TABLE `fox 🦊` (id int)")


# --- names PostgreSQL cannot hold ------------------------------------------------------------

TOO_LONG_COLUMN = "d" * 64  # MySQL's limit; PostgreSQL keeps 63 bytes of it
TOO_LONG_CJK = "名" * 22  # 22 characters for MySQL, 66 bytes: PostgreSQL keeps 21 of them
TOO_LONG_TABLE = "t" * 64


def test_names_longer_than_postgres_keeps_fail_their_table_naming_them(make_source, instance):
    too_long = Spec(
        "long_columns",
        (
            Col("id", pk("int"), "int PRIMARY KEY"),
            Col(TOO_LONG_COLUMN, "int NULL", "int"),
            Col(TOO_LONG_CJK, "int NULL", "int"),
        ),
        ((1, 2, 3),),
    )
    long_table = two_columns(TOO_LONG_TABLE)
    # PostgreSQL creates both tables with its names cut to 63 bytes (a NOTICE, not an error).
    source = make_source(
        f"{too_long.mysql_ddl()}; {long_table.mysql_ddl()}",
        f"{too_long.postgres_ddl()} {long_table.postgres_ddl()}",
    )
    insert(source, too_long)
    insert(source, long_table)
    assert source.postgres(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'long_columns'::regclass AND attnum > 1"
        " ORDER BY attnum"
    ) == [(TOO_LONG_COLUMN[:63],), (TOO_LONG_CJK[:21],)]

    result = source.migrate(instance)

    assert not result.success
    preflight = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.SCHEMA_PREFLIGHT
    )
    assert not preflight.passed
    findings = preflight.metadata["findings"].value
    for name in (TOO_LONG_COLUMN, TOO_LONG_CJK, TOO_LONG_TABLE):
        assert name in findings, findings
    # Nothing went anywhere, least of all into the truncated columns.
    assert not [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "postgres"
    ]
    assert source.postgres("SELECT count(*) FROM long_columns") == [(0,)]


# --- refusals name rows of odd tables ----------------------------------------------------------

# `%` in every name: pymysql formats a query that has parameters with `%`.
REFUSED = {
    # Tested by the export's SELECT: the first such row is looked up in MySQL.
    "export": (
        Col('a"b', "varchar(10) NULL", "varchar(3)"),
        ((1, "ok"), (2, "too long"), (3, "ok")),
        "longer than the 3 characters",
    ),
    # Rejected by PostgreSQL's COPY: the CSV record's key is looked up in MySQL.
    "load": (
        Col('a"b', "tinyint(1) NOT NULL", "boolean NOT NULL"),
        ((1, 1), (2, 2), (3, 0)),
        "neither 0 nor 1",
    ),
}
# Refusals whose MySQL conditions hold a `%` (`MICROSECOND(x) % 1000`, `LIKE '% '`), beside
# every table's refused column: the load's diagnosis tests them all on the offending row.
PERCENT_CONDITIONS = (
    Col("when", "datetime(6) NULL", "timestamp(3)"),
    Col("code", "varchar(4) NULL", "char(4)"),
)


# Table and column names that read like COPY's own context (`COPY t, line N, column c: "v"`).
TABLE_NAMES = {"percent": "100% `off`", "copy context": "t, line 1, column x: y"}
COLUMN_NAMES = {"percent": 'a"b', "copy context": "a: b"}


@pytest.mark.parametrize("names", sorted(TABLE_NAMES))
@pytest.mark.parametrize("where", sorted(REFUSED))
def test_a_refused_value_of_an_odd_table_names_its_column_and_key(
    make_source, instance, where, names
):
    column, rows, reason = REFUSED[where]
    table, column = TABLE_NAMES[names], replace(column, name=COLUMN_NAMES[names])
    bad = Spec(
        table,
        (Col("%s", pk("int"), "int PRIMARY KEY"), column, *PERCENT_CONDITIONS),
        tuple((*row, None, "ab") for row in rows),
    )
    source = make_source(bad.mysql_ddl(), bad.postgres_ddl())
    insert(source, bad)
    result = source.migrate(instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.event_specific_data.error.message
    assert f"src.{table}.{column.name}: {reason}" in message, message
    assert "%s=2" in message, message
    assert source.postgres(f"SELECT count(*) FROM {pg(bad.table)}") == [(0,)]


def test_the_cutover_path_observes_and_moves_only_the_changed_odd_table(
    odd_source, instance, monkeypatch
):
    # `converge run` observes every table first (CHECKSUM TABLE, data versions), then
    # `--changed-only` moves the ones whose version changed: odd names on that path too.
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(odd_source.config, "src", "prod") == 0
    odd_source.mysql("UPDATE `a/b` SET v = 'changed' WHERE id = 0")
    assert run_source(odd_source.config, "src", "prod", changed_only=True) == 0
    cutover = instance.get_runs(limit=1)[0]
    moved = {
        e.dagster_event.asset_key
        for e in instance.all_logs(cutover.run_id)
        if e.dagster_event and e.dagster_event.is_step_materialization
    }
    assert {k for k in moved if k.path[0] in ("csv", "postgres")} == {
        TRANSLATOR.export_key("src", "a/b"),
        TRANSLATOR.load_key("src", "a/b"),
    }
    assert odd_source.postgres('SELECT v FROM "a/b" WHERE id = 0') == [("changed",)]
    assert odd_source.postgres("SELECT v FROM a_b WHERE id = 0") == [("a_b row 0",)]
