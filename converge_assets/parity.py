"""Content parity: the same rows on both sides, not just the same number of rows.

Each row becomes one text on each server from per-type digests (conversion.py) that agree
exactly for equal values (uuid case, timestamps as instants, booleans, bytea, numbers). Rows are
grouped into buckets by their key, and each bucket is summarised as (rows, sum of a 60-bit
slice of each row's MD5): exact, order-independent, computed by the servers in bounded memory.
Only buckets that differ are opened row by row, to name the keys that differ.

jsonb reorders keys and normalises numbers, so no SQL text of MariaDB's matches it: such
columns are fetched and compared in Python by canonical JSON value, still per bucket.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from . import mysql as mq
from . import postgres as pq
from .catalog import Table
from .config import SourceConfig
from .conversion import NULL_DIGEST, TablePlan, canonical_json
from .mysql import MySQLResource
from .postgres import PostgresResource

BUCKETS = 256
SAMPLE = 10


@dataclass(frozen=True)
class ParityResult:
    mysql_rows: int
    postgres_rows: int
    differing_buckets: int
    differing_keys: list[str]
    python_compared_columns: list[str]

    @property
    def passed(self) -> bool:
        return self.differing_buckets == 0


@dataclass(frozen=True)
class _Digests:
    key: list[str]  # digest expressions of the key columns
    row: list[str]  # digest expressions of every SQL-comparable column
    json_columns: list[str]  # compared in Python


def _digests(table: Table, plan: TablePlan, mysql_side: bool) -> _Digests:
    by_name = {c.column: c for c in plan.columns}
    key_cols = list(table.primary_key) or [c.column for c in plan.columns]
    pick = (lambda c: c.mysql_digest_sql) if mysql_side else (lambda c: c.postgres_digest_sql)
    key = [pick(by_name[k]) for k in key_cols if pick(by_name[k]) is not None]
    row = [pick(c) for c in plan.columns if pick(c) is not None]
    json_columns = [c.column for c in plan.columns if pick(c) is None]
    return _Digests(key or row, row or ["'-'"], json_columns)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _row_hash(sql_md5: str | bytes, json_values: tuple) -> int:
    text = _text(sql_md5) + "".join(
        "|" + (NULL_DIGEST if v is None else canonical_json(_text(v))) for v in json_values
    )
    return int(hashlib.md5(text.encode()).hexdigest()[:15], 16)


def _mysql_rows(mysql: MySQLResource, database: str, query: str) -> Iterator[tuple]:
    """Rows streamed from a server-side cursor: memory bounded whatever the table's size."""
    with mysql.connect(database, streaming=True) as conn:
        cur = conn.cursor()
        cur.execute(query)
        while batch := cur.fetchmany(5_000):
            for bucket, key, *rest in batch:
                yield (int(bucket), _text(key), *rest)


def _postgres_rows(conn, query) -> Iterator[tuple]:
    with conn.cursor(name="converge_parity") as cur:
        cur.itersize = 5_000
        cur.execute(query)
        yield from cur


def _aggregate(rows: Iterator[tuple]) -> dict[int, tuple[int, int]]:
    buckets: dict[int, list[int]] = {}
    for bucket, _key, sql_md5, *json_values in rows:
        entry = buckets.setdefault(int(bucket), [0, 0])
        entry[0] += 1
        entry[1] += _row_hash(sql_md5, tuple(json_values))
    return {b: (n, s) for b, (n, s) in buckets.items()}


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
    db = source.mysql_database
    with mysql.connect(db) as mconn, postgres.connect(source.postgres_database) as pconn:
        mcur = mconn.cursor()
        if not my.json_columns:
            mcur.execute(mq.parity_buckets_sql(db, table.name, my.key, my.row, BUCKETS))
            mine = {int(b): (int(n), int(s)) for b, n, s in mcur.fetchall()}
            theirs = {
                int(b): (int(n), int(s))
                for b, n, s in pconn.execute(
                    pq.parity_buckets(schema, table.name, pg.key, pg.row, BUCKETS)
                )
            }
        else:
            mine = _aggregate(
                _mysql_rows(
                    mysql,
                    db,
                    mq.parity_rows_sql(db, table.name, my.key, my.row, my.json_columns, BUCKETS),
                )
            )
            theirs = _aggregate(
                _postgres_rows(
                    pconn,
                    pq.parity_rows(schema, table.name, pg.key, pg.row, pg.json_columns, BUCKETS),
                )
            )
        differing = sorted(b for b in set(mine) | set(theirs) if mine.get(b) != theirs.get(b))
        keys: list[str] = []
        if differing:
            opened = differing[:8]
            # Only the differing buckets (a 1/256 slice each) are held row by row.
            left = {
                k: _row_hash(h, tuple(j))
                for _b, k, h, *j in _mysql_rows(
                    mysql,
                    db,
                    mq.parity_rows_sql(
                        db, table.name, my.key, my.row, my.json_columns, BUCKETS, opened
                    ),
                )
            }
            right = {
                k: _row_hash(h, tuple(j))
                for _b, k, h, *j in _postgres_rows(
                    pconn,
                    pq.parity_rows(
                        schema, table.name, pg.key, pg.row, pg.json_columns, BUCKETS, opened
                    ),
                )
            }
            keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))[:SAMPLE]
        pconn.rollback()
    return ParityResult(
        mysql_rows=sum(n for n, _ in mine.values()),
        postgres_rows=sum(n for n, _ in theirs.values()),
        differing_buckets=len(differing),
        differing_keys=keys,
        python_compared_columns=my.json_columns,
    )
