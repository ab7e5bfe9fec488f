"""Assertions shared by the end-to-end tests: a migrated table holds exactly the MySQL rows,
every check of the run passed, and the manifest and CSV header name the right columns.

Rows are read in full from both servers with every identifier quoted, then compared as
multisets (tables without a primary key may hold duplicate rows). Only the Python types the
two drivers return differ (bool against 0/1, UUID against text, time against timedelta, JSON
text against parsed JSON): values are never rounded or trimmed here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections import Counter
from decimal import Decimal

from dagster import AssetCheckKey
from psycopg import sql

from converge_assets import checks
from converge_assets.engine.catalog import Table, catalog_path, load_catalog
from converge_assets.engine.conversion import quote_mysql
from converge_assets.engine.manifest import read_manifest
from converge_assets.translator import ConvergeTranslator
from converge_assets_tests.conftest import mysql_connect

TRANSLATOR = ConvergeTranslator()


def catalog_table(source, table: str) -> Table:
    return load_catalog(catalog_path(source.config.path, source.name)).table(table)


def _normalise(value: object, is_json: bool) -> object:
    if is_json and value is not None:
        # Both sides' JSON text, parsed: jsonb reorders keys and rewrites numbers (1e3 is
        # 1000), so numbers are compared as exact decimals, never as floats.
        return _frozen(json.loads(value, parse_float=Decimal, parse_int=Decimal))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # timestamptz: the instant, as the UTC wall time the MySQL session (UTC) prints.
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.time):  # PostgreSQL time; MySQL gives a timedelta
        return dt.timedelta(
            hours=value.hour,
            minutes=value.minute,
            seconds=value.second,
            microseconds=value.microsecond,
        )
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value  # Decimal('1.50') == Decimal('1.5') == and hashes alike: no rounding here


def _frozen(value: object) -> object:
    """A parsed JSON value as a hashable one; true stays apart from 1."""
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_frozen(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    return value


def _normalised(rows: list[tuple], json_columns: list[bool]) -> Counter:
    return Counter(
        tuple(_normalise(v, j) for v, j in zip(row, json_columns, strict=True)) for row in rows
    )


def mysql_rows(source, table: str, columns: list[str], exprs: dict[str, str]) -> list[tuple]:
    """Every row, in a UTC session (TIMESTAMP values print in the session's time zone)."""
    cols = ", ".join(exprs.get(c, quote_mysql(c)) for c in columns)
    with mysql_connect(source.mysql_database) as conn, conn.cursor() as cur:
        cur.execute("SET time_zone = '+00:00'")
        cur.execute(f"SELECT {cols} FROM {quote_mysql(table)}")
        return list(cur.fetchall())


def _postgres_column(name: str, is_json: bool) -> sql.Composable:
    # JSON as PostgreSQL's text, which the test parses the same way as MySQL's.
    return sql.SQL("{}::text" if is_json else "{}").format(sql.Identifier(name))


def postgres_rows(
    source, table: str, columns: list[str], exprs: dict[str, str], json_columns: tuple[str, ...]
) -> list[tuple]:
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(
            sql.SQL(exprs[c]) if c in exprs else _postgres_column(c, c in json_columns)
            for c in columns
        ),
        sql.Identifier("public", table),
    )
    return source.postgres(query)


def assert_same_rows(
    source,
    table: str,
    json_columns: tuple[str, ...] = (),
    mysql_sql: dict[str, str] | None = None,
    postgres_sql: dict[str, str] | None = None,
) -> int:
    """Every row of the MySQL table is in PostgreSQL, value for value, as often as in MySQL.
    `mysql_sql`/`postgres_sql`: a column's expression where the servers' drivers give the same
    value different Python types (a uuid's case, FLOAT's 6-digit text, an array against
    MySQL's set text). Returns the row count."""
    columns = catalog_table(source, table).column_names
    is_json = [c in json_columns for c in columns]
    mine = mysql_rows(source, table, columns, mysql_sql or {})
    theirs = postgres_rows(source, table, columns, postgres_sql or {}, json_columns)
    assert _normalised(theirs, is_json) == _normalised(mine, is_json), table
    return len(mine)


def assert_every_check_passed(result, tables: list[str], source: str = "src") -> None:
    """The run succeeded and every check passed, content parity of each table included."""
    assert result.success
    evaluations = {e.asset_check_key: e for e in result.get_asset_check_evaluations()}
    failed = {k: e.description for k, e in evaluations.items() if not e.passed}
    assert not failed, failed
    for table in tables:
        key = AssetCheckKey(TRANSLATOR.load_key(source, table), checks.CONTENT_PARITY)
        assert key in evaluations, (table, sorted(map(str, evaluations)))
        assert evaluations[key].metadata["mysql_rows"].value == (
            evaluations[key].metadata["postgres_rows"].value
        )


def assert_manifest_and_header(source, table: str, rows: int, run: str = "run1") -> None:
    """The manifest lists the table with its rows and columns, and its CSV's header, read as
    CSV, is exactly the table's column names."""
    columns = catalog_table(source, table).column_names
    run_dir = source.run_dir(run)
    entry = read_manifest(run_dir)["tables"][table]
    assert entry["rows"] == entry["snapshot_rows"] == rows, (table, entry)
    assert entry["columns"] == ",".join(columns)
    assert entry["file"] == TRANSLATOR.csv_name(table)
    with open(run_dir / entry["file"], newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == columns
