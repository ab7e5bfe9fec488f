"""Content parity: the same rows on both sides, not just the same number of rows.

Each row becomes one text on each server from per-type digests (conversion.py) that agree
exactly for equal values (uuid case, timestamps as instants, booleans, bytea, numbers). Rows are
grouped into buckets by their key, and each bucket is summarised as (rows, sum of a 60-bit
slice of each row's MD5): exact, order-independent, computed by the servers in bounded memory.

The MySQL side (`source_fingerprint`) is taken inside the export's own snapshot, right after
the CSV is written, while the load runs: it describes exactly the rows exported, even on a live
database, and costs the run no time of its own. It is kept beside the CSV
(`<table>.fingerprint.json`). After the load, one scan of the PostgreSQL table gives the other
side (`content_parity`); only buckets that differ are opened row by row to name their keys,
and the rows of those keys are read from both servers to show side by side (differences.py).

jsonb reorders keys and normalises numbers and escapes in a way no MariaDB function repeats, so
jsonb columns are compared as PostgreSQL parses them: MySQL's JSON texts stream (as CSV fields
quoted with 0x01, never as Python values), each row's hash beside them, into a jsonb table of a
PostgreSQL transaction of their own, and the same bucket sums are taken of it and of the loaded
table (with PostgreSQL's own hash of the key and the jsonb texts: both sides are PostgreSQL's).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from . import mysql as mq
from . import postgres as pq
from . import storage
from .catalog import Table
from .config import SourceConfig
from .conversion import ColumnPlan, TablePlan
from .mysql import MySQLServer
from .postgres import PostgresServer
from .storage import Location

BUCKETS = 256
# Tables keyed by one uuid column take their bucket from two bytes of the key's text instead of
# an MD5 of it (postgres._parity_bucket); False: an MD5 for every key (benchmarks.parity_ab
# sets it to measure the two against each other).
UUID_KEY_BUCKETS = True
SAMPLE = 20  # differing keys named, and their rows read side by side
OPENED_BUCKETS = 8  # differing buckets read row by row to name keys (1/256 of the rows each)

Buckets = dict[int, tuple[int, int]]  # bucket -> (rows, sum of 60-bit row hashes)


class ParityError(Exception):
    """Content parity could not be computed (not: the contents differ)."""


@dataclass(frozen=True)
class SourceFingerprint:
    """The MySQL side of content parity, taken in the export's snapshot."""

    table: str
    plan: str  # `plan_digest`: a fingerprint only compares under the plan it was taken with
    buckets: Buckets
    json_buckets: Buckets  # empty without jsonb columns

    def to_json(self) -> bytes:
        def encode(buckets: Buckets) -> dict[str, list[int]]:
            return {str(b): list(v) for b, v in sorted(buckets.items())}

        data = {
            "table": self.table,
            "plan": self.plan,
            "buckets": encode(self.buckets),
            "json_buckets": encode(self.json_buckets),
        }
        return json.dumps(data, indent=1).encode() + b"\n"

    @classmethod
    def read(cls, path: Location) -> SourceFingerprint:
        data = json.loads(path.read_text())

        def decode(raw: dict) -> Buckets:
            return {int(b): (int(n), int(s)) for b, (n, s) in raw.items()}

        return cls(
            data["table"], data["plan"], decode(data["buckets"]), decode(data["json_buckets"])
        )

    def write(self, path: Location) -> str:
        """Write it (atomically, owner-only); returns its sha256 for the manifest."""
        data = self.to_json()
        storage.write_bytes(path, data)
        return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ParityResult:
    mysql_rows: int
    postgres_rows: int
    differing_buckets: int
    differing_keys: list[str]
    jsonb_columns: list[str]  # compared as PostgreSQL parses MySQL's text
    # The differing keys' rows side by side (differences.RowDifferences); None when parity passed
    differing_rows: object | None = None

    @property
    def passed(self) -> bool:
        return self.differing_buckets == 0


@dataclass(frozen=True)
class _Digests:
    key: list[str]  # digest expressions of the key columns
    row: list[str]  # digest expressions of every SQL-comparable column
    uuid_key: bool  # the key is one uuid column: its text is its bucket's source


def _digests(table: Table, plan: TablePlan, mysql_side: bool) -> _Digests:
    by_name = {c.column: c for c in plan.columns}
    key_cols = list(table.primary_key) or [c.column for c in plan.columns]

    def pick(c: ColumnPlan) -> str | None:
        return c.mysql_digest_sql if mysql_side else c.postgres_digest_sql

    def pick_key(c: ColumnPlan) -> str | None:
        key_digest = c.mysql_key_digest_sql if mysql_side else c.postgres_key_digest_sql
        return key_digest or pick(c)

    compared = [c for c in plan.columns if pick(c) is not None]  # jsonb has no SQL digest
    key = [pick_key(by_name[k]) for k in key_cols if pick(by_name[k]) is not None]
    uuid_key = (
        UUID_KEY_BUCKETS
        and len(table.primary_key) == 1
        and len(key) == 1
        and by_name[table.primary_key[0]].postgres_type == "uuid"
    )
    return _Digests(
        key or [pick_key(c) for c in compared], [pick(c) for c in compared] or ["'-'"], uuid_key
    )


def _jsonb(plan: TablePlan) -> list[ColumnPlan]:
    return [c for c in plan.columns if c.mysql_digest_sql is None]


def _stage_fields(plan: TablePlan) -> list[str]:
    return [c.stage_field_sql for c in _jsonb(plan)]


# The jsonb sums' hash: a fingerprint taken with another never compares.
JSON_HASH = "hashtextextended"


def plan_digest(table: Table, plan: TablePlan) -> str:
    """What a fingerprint's sums depend on: the key and every digest expression."""
    my = _digests(table, plan, True)
    parts = [*my.key, "|", *my.row, "|"]
    parts += [*_stage_fields(plan), JSON_HASH]
    if my.uuid_key:  # buckets of another kind never compare
        parts.append("uuid-key-buckets")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _buckets(rows) -> Buckets:
    return {int(b): (int(n), int(s)) for b, n, s in rows}


def _hashes(rows) -> dict[str, str]:
    """key text -> row hash, from (bucket, key, hash) rows."""
    return {_text(k): _text(h) for _b, k, h in rows}


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


# --- the MySQL side, in the export's snapshot ------------------------------------------------


def source_fingerprint(
    mconn, postgres: PostgresServer, source: SourceConfig, table: Table, plan: TablePlan
) -> SourceFingerprint:
    """Bucket sums of the MySQL rows, in `mconn`'s current transaction (the snapshot).

    Without jsonb columns MySQL sums them itself. With them, one scan streams each row's hash
    and JSON texts into PostgreSQL, which sums both (a scan for the sums, then another for the
    JSON, took 40% longer on the benchmark's largest table)."""
    my = _digests(table, plan, mysql_side=True)
    db = source.mysql_database
    jsonb = _jsonb(plan)
    if not jsonb:
        with mconn.cursor() as cur:
            cur.execute(mq.parity_buckets_sql(db, table.name, my.key, my.row, BUCKETS, my.uuid_key))
            buckets = _buckets(cur.fetchall())
        return SourceFingerprint(table.name, plan_digest(table, plan), buckets, {})
    buckets, json_buckets = {}, {}
    query = mq.json_lines_sql(db, table.name, my.key, my.row, _stage_fields(plan))
    with pq.reused(postgres, source.postgres_database) as pconn:
        _stage_mysql_json(mconn, pconn, query, table, jsonb)
        pconn.execute(pq.hash_aggregation())
        stage_sums = pq.json_stage_parity(len(jsonb), BUCKETS, my.uuid_key)
        for b, n, row_sum, json_sum in pconn.execute(stage_sums):
            buckets[int(b)] = (int(n), int(row_sum))
            json_buckets[int(b)] = (int(n), int(json_sum))
        pconn.rollback()  # drops the stage
    return SourceFingerprint(table.name, plan_digest(table, plan), buckets, json_buckets)


def _stage_mysql_json(mconn, pconn, query: str, table: Table, jsonb: list[ColumnPlan]) -> None:
    """Stream MySQL's row hashes and JSON texts (as CSV fields) into the transaction's stage."""
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


# --- the PostgreSQL side, after the load ------------------------------------------------------


def target_sums(
    postgres: PostgresServer, source: SourceConfig, table: Table, schema: str, plan: TablePlan
) -> tuple[Buckets, Buckets]:
    """The PostgreSQL side: one scan of the loaded table gives both its digests' and its
    jsonb's bucket sums."""
    pg = _digests(table, plan, mysql_side=False)
    jsonb = [c.column for c in _jsonb(plan)]
    sums, json_sums = {}, {}
    with pq.reused(postgres, source.postgres_database) as pconn:
        pconn.execute(pq.hash_aggregation())
        for b, n, s, *j in pconn.execute(
            pq.parity_buckets(schema, table.name, pg.key, pg.row, BUCKETS, jsonb, pg.uuid_key)
        ):
            sums[int(b)] = (int(n), int(s))
            if j:
                json_sums[int(b)] = (int(n), int(j[0]))
        pconn.rollback()
    return sums, json_sums


def content_parity(
    mysql: MySQLServer,
    postgres: PostgresServer,
    source: SourceConfig,
    table: Table,
    schema: str,
    plan: TablePlan,
    fingerprint: SourceFingerprint,
    target: tuple[Buckets, Buckets] | None = None,
) -> ParityResult:
    """Compare the export's fingerprint with the loaded table's `target_sums` (taken now if
    not given: the caller may take them while the fingerprint is still being computed)."""
    if fingerprint.plan != plan_digest(table, plan):
        raise ParityError(
            f"{source.name}.{table.name}: the export's fingerprint was taken under another "
            "conversion plan (the schema changed since): export the table again"
        )
    pg = _digests(table, plan, mysql_side=False)
    jsonb = [c.column for c in _jsonb(plan)]
    mine, mine_json = fingerprint.buckets, fingerprint.json_buckets
    theirs, theirs_json = target or target_sums(postgres, source, table, schema, plan)
    differing = sorted(
        b
        for b in set(mine) | set(theirs) | set(mine_json) | set(theirs_json)
        if mine.get(b) != theirs.get(b) or mine_json.get(b) != theirs_json.get(b)
    )
    keys, rows = [], None
    if differing:
        keys = differing_keys(
            mysql, postgres, source, table, schema, plan, differing[:OPENED_BUCKETS]
        )
    if keys:
        # Imported here: it imports polars, 0.23 s of every step process's start otherwise.
        from .differences import read_differences

        rows = read_differences(
            mysql,
            postgres,
            source,
            table,
            schema,
            plan,
            keys,
            (_digests(table, plan, mysql_side=True).key, pg.key),
        )
    return ParityResult(
        mysql_rows=sum(n for n, _ in mine.values()),
        postgres_rows=sum(n for n, _ in theirs.values()),
        differing_buckets=len(differing),
        differing_keys=keys,
        jsonb_columns=jsonb,
        differing_rows=rows,
    )


def differing_keys(
    mysql: MySQLServer,
    postgres: PostgresServer,
    source: SourceConfig,
    table: Table,
    schema: str,
    plan: TablePlan,
    opened: list[int],
) -> list[str]:
    """The keys whose rows differ in the `opened` buckets (MySQL as it is now)."""
    my = _digests(table, plan, mysql_side=True)
    pg = _digests(table, plan, mysql_side=False)
    jsonb = _jsonb(plan)
    db = source.mysql_database
    with (
        mysql.connect(db, streaming=True) as mconn,
        postgres.connect(source.postgres_database) as pconn,
    ):
        with mconn.cursor() as cur:
            cur.execute(
                mq.parity_rows_sql(db, table.name, my.key, my.row, BUCKETS, opened, my.uuid_key)
            )
            left = _hashes(cur.fetchall())
        right = _hashes(
            pconn.execute(
                pq.parity_rows(schema, table.name, pg.key, pg.row, BUCKETS, opened, pg.uuid_key)
            )
        )
        if jsonb:
            query = mq.json_lines_sql(
                db, table.name, my.key, my.row, _stage_fields(plan), BUCKETS, opened, my.uuid_key
            )
            _stage_mysql_json(mconn, pconn, query, table, jsonb)
            left_json = _hashes(
                pconn.execute(pq.json_stage_rows(len(jsonb), BUCKETS, opened, my.uuid_key))
            )
            right_json = _hashes(
                pconn.execute(
                    pq.json_target_rows(
                        schema,
                        table.name,
                        pg.key,
                        [c.column for c in jsonb],
                        BUCKETS,
                        opened,
                        pg.uuid_key,
                    )
                )
            )
            left = {k: (h, left_json.get(k)) for k, h in left.items()}
            right = {k: (h, right_json.get(k)) for k, h in right.items()}
        pconn.rollback()
    return sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))[:SAMPLE]
