"""Content parity: the same rows on both sides, not just the same number of rows.

Each row becomes one text on each server from per-type digests (conversion.py) that agree
exactly for equal values (uuid case, timestamps as instants, booleans, bytea, numbers). Rows are
grouped into buckets by their key, and each bucket is summarised as (rows, sum of a 60-bit
slice of each row's MD5): exact, order-independent, computed by the servers in bounded memory.
Only buckets that differ are opened row by row, to name the keys that differ.

jsonb reorders keys and normalises numbers and escapes in a way no MariaDB function repeats, so
jsonb columns are compared as PostgreSQL parses them: MySQL's JSON texts stream into a temporary
table of this transaction (never through Python values), and the same bucket sums are taken of
its jsonb and of the loaded table's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import mysql as mq
from . import postgres as pq
from .catalog import Table
from .config import SourceConfig
from .conversion import ColumnPlan, TablePlan
from .mysql import MySQLResource
from .postgres import PostgresResource

BUCKETS = 256
SAMPLE = 10
OPENED_BUCKETS = 8  # differing buckets read row by row to name keys (1/256 of the rows each)

Buckets = dict[int, tuple[int, int]]  # bucket -> (rows, sum of 60-bit row hashes)


class ParityError(Exception):
    """Content parity could not be computed (not: the contents differ)."""


@dataclass(frozen=True)
class ParityResult:
    mysql_rows: int
    postgres_rows: int
    differing_buckets: int
    differing_keys: list[str]
    jsonb_columns: list[str]  # compared as PostgreSQL parses MySQL's text

    @property
    def passed(self) -> bool:
        return self.differing_buckets == 0


@dataclass(frozen=True)
class _Digests:
    key: list[str]  # digest expressions of the key columns
    row: list[str]  # digest expressions of every SQL-comparable column


def _digests(table: Table, plan: TablePlan, mysql_side: bool) -> _Digests:
    by_name = {c.column: c for c in plan.columns}
    key_cols = list(table.primary_key) or [c.column for c in plan.columns]
    pick = (lambda c: c.mysql_digest_sql) if mysql_side else (lambda c: c.postgres_digest_sql)
    key = [pick(by_name[k]) for k in key_cols if pick(by_name[k]) is not None]
    row = [pick(c) for c in plan.columns if pick(c) is not None]
    return _Digests(key or row, row or ["'-'"])


def _buckets(rows) -> Buckets:
    return {int(b): (int(n), int(s)) for b, n, s in rows}


def _hashes(rows) -> dict[str, str]:
    """key text -> row hash, from (bucket, key, hash) rows."""
    return {_text(k): _text(h) for _b, k, h in rows}


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def content_parity(
    mysql: MySQLResource,
    postgres: PostgresResource,
    source: SourceConfig,
    table: Table,
    schema: str,
    plan: TablePlan,
) -> ParityResult:
    my = _digests(table, plan, mysql_side=True)
    pg = _digests(table, plan, mysql_side=False)
    jsonb = [c for c in plan.columns if c.mysql_digest_sql is None]
    db = source.mysql_database
    json_names = [c.column for c in jsonb]
    with mysql.connect(db) as mconn, postgres.connect(source.postgres_database) as pconn:
        with mconn.cursor() as cur:
            cur.execute(mq.parity_buckets_sql(db, table.name, my.key, my.row, BUCKETS))
            mine = _buckets(cur.fetchall())
        # One scan of the loaded table gives both its digests' and its jsonb's sums.
        theirs, theirs_json = {}, {}
        for b, n, s, *j in pconn.execute(
            pq.parity_buckets(schema, table.name, pg.key, pg.row, BUCKETS, json_names)
        ):
            theirs[int(b)] = (int(n), int(s))
            if j:
                theirs_json[int(b)] = (int(n), int(j[0]))
        mine_json = {}
        if jsonb:
            _stage_mysql_json(mconn, pconn, db, table, my.key, jsonb)
            mine_json = _buckets(pconn.execute(pq.json_stage_parity(len(jsonb), BUCKETS)))
        differing = sorted(
            b
            for b in set(mine) | set(theirs) | set(mine_json) | set(theirs_json)
            if mine.get(b) != theirs.get(b) or mine_json.get(b) != theirs_json.get(b)
        )
        keys: list[str] = []
        if differing:
            opened = differing[:OPENED_BUCKETS]
            with mconn.cursor() as cur:
                cur.execute(mq.parity_rows_sql(db, table.name, my.key, my.row, BUCKETS, opened))
                left = _hashes(cur.fetchall())
            right = _hashes(
                pconn.execute(pq.parity_rows(schema, table.name, pg.key, pg.row, BUCKETS, opened))
            )
            if jsonb:
                left_json = _hashes(pconn.execute(pq.json_stage_rows(len(jsonb), BUCKETS, opened)))
                right_json = _hashes(
                    pconn.execute(
                        pq.json_target_rows(schema, table.name, pg.key, json_names, BUCKETS, opened)
                    )
                )
                left = {k: (h, left_json.get(k)) for k, h in left.items()}
                right = {k: (h, right_json.get(k)) for k, h in right.items()}
            keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))[:SAMPLE]
        pconn.rollback()  # drops the JSON stage
    return ParityResult(
        mysql_rows=sum(n for n, _ in mine.values()),
        postgres_rows=sum(n for n, _ in theirs.values()),
        differing_buckets=len(differing),
        differing_keys=keys,
        jsonb_columns=[c.column for c in jsonb],
    )


def _stage_mysql_json(mconn, pconn, db: str, table: Table, key: list[str], jsonb: list[ColumnPlan]):
    """Stream MySQL's JSON texts (as their CSV fields) into the transaction's jsonb stage."""
    query = mq.json_lines_sql(db, table.name, key, [c.field_sql for c in jsonb])
    with pconn.cursor() as cur:
        cur.execute(pq.create_json_stage(len(jsonb)))
        with cur.copy(pq.copy_into_json_stage()) as copy:
            for lines in _lines(mconn, query, table):
                lines.append(b"")
                copy.write(b"\n".join(lines))


def _lines(mconn, query: str, table: Table) -> Iterator[list[bytes]]:
    for lines in mq.stream_lines(mconn, query):
        if None in lines:
            raise ParityError(
                f"{table.name}: a row's JSON values exceed the source server's max_allowed_packet"
            )
        yield lines
