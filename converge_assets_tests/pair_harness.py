"""A harness for type pairs against the real servers: a database of its own on both sides, the
plan as the product makes it, the export's lines, COPY into PostgreSQL, and the product's own
content parity (its Snapshot fingerprint and `content_parity`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pymysql
import pytest
from pymysql.constants import CLIENT

from converge_assets.engine.catalog import Table
from converge_assets.engine.config import SourceConfig
from converge_assets.engine.conversion import TablePlan, plan_table, quote_mysql, quote_postgres
from converge_assets.engine.export import Snapshot
from converge_assets.engine.mysql import discover
from converge_assets.engine.parity import ParityResult, content_parity
from converge_assets.engine.postgres import read_target_schema
from converge_assets.engine.target_schema import TargetTable
from converge_assets.resources import MySQLResource, PostgresResource

MYSQL = MySQLResource(url="mysql://root@127.0.0.1:3306")
POSTGRES = PostgresResource(url="postgresql://postgres@127.0.0.1:5432")


def mysql_conn(database: str | None, *, raw: bool = False) -> pymysql.Connection:
    return pymysql.connect(
        host="127.0.0.1",
        user="root",
        database=database,
        charset="utf8mb4",
        use_unicode=not raw,
        autocommit=True,
        client_flag=CLIENT.MULTI_STATEMENTS,
    )


def pg_conn(database: str) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", user="postgres", dbname=database, autocommit=True)


@dataclass
class Pair:
    """One database of the same name on both servers."""

    db: str

    def mysql(self, query: str, args=None) -> list[tuple]:
        with mysql_conn(self.db) as conn, conn.cursor() as cur:
            cur.execute(query, args)
            rows = list(cur.fetchall())
            while cur.nextset():
                pass
            return rows

    def postgres(self, query: str, args=None) -> list[tuple]:
        with pg_conn(self.db) as conn:
            cur = conn.execute(query, args)
            return cur.fetchall() if cur.description else []

    def table(self, name: str) -> Table:
        with MYSQL.connect(self.db) as conn:
            return discover(conn, "pairs", self.db, only=[name]).table(name)

    def target(self, name: str) -> TargetTable:
        with pg_conn(self.db) as conn:
            return read_target_schema(conn, "public")[name]

    def plan(self, name: str) -> tuple[Table, TargetTable, TablePlan]:
        table, target = self.table(name), self.target(name)
        return table, target, plan_table(table, target)

    def export(self, name: str) -> dict[str, bytes | None]:
        """key text -> the CSV line the export writes (None: refused by the export)."""
        table, _, plan = self.plan(name)
        key = ", ".join(quote_mysql(k) for k in table.primary_key)
        with mysql_conn(self.db, raw=True) as conn, conn.cursor() as cur:
            cur.execute("SET NAMES utf8mb4")
            cur.execute(f"SELECT CONCAT_WS('|', {key}), {plan.line_sql()} FROM {quote_mysql(name)}")
            return {k.decode(): line for k, line in cur.fetchall()}

    def load(self, name: str, lines: list[bytes], path: Path) -> int:
        _, target, plan = self.plan(name)
        header = ",".join('"' + c.replace('"', '""') + '"' for c in plan.column_names)
        path.write_bytes(header.encode() + b"\n" + b"".join(line + b"\n" for line in lines))
        cols = ", ".join(quote_postgres(c) for c in plan.column_names)
        with pg_conn(self.db) as conn, conn.cursor() as cur:
            cur.execute(f"TRUNCATE {quote_postgres(target.name)}")
            with cur.copy(
                f"COPY {quote_postgres(target.name)} ({cols}) FROM STDIN (FORMAT csv, HEADER MATCH)"
            ) as copy:
                copy.write(path.read_bytes())
            return cur.rowcount

    def migrate(self, name: str, path: Path) -> int:
        """Export and load every row; fails if the export refuses any."""
        lines = self.export(name)
        refused = sorted(k for k, line in lines.items() if line is None)
        assert not refused, f"{name}: rows {refused} refused by the export"
        return self.load(name, list(lines.values()), path / f"{name}.csv")

    def source(self) -> SourceConfig:
        return SourceConfig(name="pairs", mysql_database=self.db, postgres_database=self.db)

    def fingerprint(self, name: str):
        table, _, plan = self.plan(name)
        with Snapshot(MYSQL, self.source(), table, plan) as snapshot:
            return snapshot.fingerprint(POSTGRES)

    def parity(self, name: str, fingerprint=None) -> ParityResult:
        """The product's content parity of the table (fingerprint taken now unless given)."""
        table, _, plan = self.plan(name)
        fingerprint = fingerprint or self.fingerprint(name)
        return content_parity(MYSQL, POSTGRES, self.source(), table, "public", plan, fingerprint)

    def refused_keys(self, name: str, column: str) -> dict[str, list[str]]:
        """key text -> reasons of the column's refusals whose condition holds for that row."""
        table, _, plan = self.plan(name)
        key = ", ".join(quote_mysql(k) for k in table.primary_key)
        (cplan,) = [c for c in plan.columns if c.column == column]
        found: dict[str, list[str]] = {}
        for refusal in cplan.refusals:
            for (k,) in self.mysql(
                f"SELECT CONCAT_WS('|', {key}) FROM {quote_mysql(name)} WHERE {refusal.condition_sql}"
            ):
                found.setdefault(k, []).append(refusal.reason)
        return found


def make_pair(postgis: bool = False) -> Iterator[Pair]:
    db = f"converge_test_pairs_{uuid.uuid4().hex[:10]}"
    with mysql_conn(None) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {quote_mysql(db)} CHARACTER SET utf8mb4")
    with pg_conn("postgres") as conn:
        conn.execute(f"CREATE DATABASE {quote_postgres(db)} ENCODING 'UTF8' TEMPLATE template0")
    try:
        if postgis:
            with pg_conn(db) as conn:
                conn.execute("CREATE EXTENSION postgis")
        yield Pair(db)
    finally:
        with mysql_conn(None) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {quote_mysql(db)}")
        with pg_conn("postgres") as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {quote_postgres(db)} WITH (FORCE)")


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    yield from make_pair()


@pytest.fixture(scope="module")
def gis_pair() -> Iterator[Pair]:
    yield from make_pair(postgis=True)
