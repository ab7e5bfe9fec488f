"""The rows behind a failed content parity, side by side: what a person reads to see what changed.

Content parity names the keys of differing rows (parity.py). For those keys (a bounded sample),
each server is read once more: per column, the MD5 of the digest parity compares (so a column
is marked exactly when parity would see it differ) and the value as text. MySQL's is the CSV
field its export writes (what PostgreSQL was given); PostgreSQL's is its own text of what it
holds (`::text`, instants in UTC). A jsonb column, which has no digest, is compared as parity
compares it: MySQL's JSON text as PostgreSQL parses it, against the jsonb text.

The two sides are joined on (key, column) with polars and only the columns that differ are
listed, with both values exactly: quoted, escapes for line breaks, tabs, backslashes and
characters that print as nothing, so no difference hides in the rendering. A value longer than
a table cell shows a window around its first difference, its length and where the window is.

polars costs a process about 0.23 s to import (measured, -X importtime: 230 ms of the 2.3 s
our definitions take): it is imported only here, and this module only when parity fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import psycopg
import pymysql

from . import mysql as mq
from . import postgres as pq
from .catalog import Table
from .config import SourceConfig, redact
from .conversion import TablePlan
from .mysql import MySQLServer, SourceError
from .postgres import PostgresServer, TargetError

READ = 65536  # characters of a value read from each server
SHOWN = 100  # characters of a value shown; a longer one shows a window of this many
BEFORE = 30  # of a window, characters before the first difference
# Types whose text is hexadecimal (or a UUID): MySQL's export writes it in upper case, PostgreSQL
# in lower case, so their first difference is looked for regardless of case.
_HEX_TYPES = ("bytea", "uuid", "geometry", "geography")

NOT_JSONB = "(not JSON PostgreSQL accepts)"  # a digest no md5 can equal

_SCHEMA = {
    "key": pl.String,
    "column": pl.String,
    "digest": pl.String,
    "value": pl.String,
    "length": pl.Int64,
    "state": pl.String,  # "value", "null", "refused" (MySQL: its export would not write it)
}


@dataclass(frozen=True)
class RowDifferences:
    """The differing rows of a sample of keys: `frame` has one row per (key, column) that
    differs, or per key present on one side only (column None)."""

    keys: int  # keys asked for
    frame: pl.DataFrame | None = None
    error: str | None = None  # the rows could not be read (parity's verdict stands)
    jsonb_columns: tuple[str, ...] = field(default=())

    def differing_columns(self) -> dict[str, int]:
        """Each differing column and in how many of the sample's rows it differs."""
        if self.frame is None:
            return {}
        counts = (
            self.frame.filter(pl.col("column").is_not_null())
            .group_by("column", maintain_order=True)
            .agg(pl.len().alias("rows"))
        )
        return dict(counts.iter_rows())

    def markdown(self) -> str:
        if self.error is not None:
            return f"The differing rows could not be read: {self.error}"
        assert self.frame is not None
        columns = ", ".join(
            f"{_code(c)} ({n} row{'s' if n > 1 else ''})"
            for c, n in self.differing_columns().items()
        )
        lines = [
            f"Rows of {self.keys} differing key(s), read from both servers once the sums "
            "differed (MySQL as it is now): "
            "MySQL's value as its export writes it into the CSV, PostgreSQL's as it holds it "
            "(`::text`, instants in UTC)"
            + (
                f"; jsonb ({', '.join(map(_code, self.jsonb_columns))}): MySQL's JSON as "
                "PostgreSQL parses it"
                if self.jsonb_columns
                else ""
            )
            + ". Only the columns that differ are listed; every other column of these rows is "
            "equal.",
            "",
            f"Differing columns: {columns or 'none (the rows differ by their presence)'}.",
            "",
            "| key | column | MySQL | PostgreSQL |",
            "|---|---|---|---|",
        ]
        for row in self.frame.iter_rows(named=True):
            lines.append(
                "| "
                + " | ".join(
                    [
                        row["key_shown"],
                        _code(row["column"]) if row["column"] is not None else "(the row)",
                        row["mysql_shown"],
                        row["postgres_shown"],
                    ]
                )
                + " |"
            )
        if self.frame.is_empty():
            lines.append("| (none now) | | the rows are equal now | |")
        return "\n".join(lines)


def read_differences(
    mysql: MySQLServer,
    postgres: PostgresServer,
    source: SourceConfig,
    table: Table,
    schema: str,
    plan: TablePlan,
    keys: list[str],
    key_digests: tuple[list[str], list[str]],
) -> RowDifferences:
    """The rows of `keys` (parity's key texts) on both servers, their differing columns side
    by side. `key_digests`: the key's digest expressions (MySQL's, PostgreSQL's)."""
    jsonb = tuple(c.column for c in plan.columns if c.mysql_digest_sql is None)
    try:
        mine = _read_mysql(mysql, source, table, plan, keys, key_digests[0])
        theirs, mine = _read_postgres(
            postgres, source, schema, table.name, plan, keys, key_digests[1], mine
        )
    except (pymysql.MySQLError, psycopg.Error, SourceError, TargetError) as e:
        text = redact(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
        return RowDifferences(len(keys), error=text, jsonb_columns=jsonb)
    frame = side_by_side(mine, theirs, table, plan, keys)
    return RowDifferences(len(keys), frame, jsonb_columns=jsonb)


def _read_mysql(mysql, source, table, plan, keys, key) -> pl.DataFrame:
    columns = [
        (c.mysql_digest_sql, c.field_sql, None if c.mysql_digest_sql is None else READ)
        for c in plan.columns
    ]
    query = mq.differing_rows_sql(source.mysql_database, table.name, key, columns, keys)
    with mysql.connect(source.mysql_database) as conn, conn.cursor() as cur:
        cur.execute(query)
        rows = cur.fetchall()
    records = []
    for row in rows:
        key_text = _text(row[0])
        for i, c in enumerate(plan.columns):
            digest, field_, length, quotes = row[1 + 4 * i : 5 + 4 * i]
            value, full_length, state = _csv_value(_text(field_), length, quotes)
            records.append((key_text, c.column, _text(digest), value, full_length, state))
    return pl.DataFrame(records, schema=_SCHEMA, orient="row")


def _csv_value(field_: str | None, length, quotes) -> tuple[str | None, int | None, str]:
    """A CSV field as the export writes it (perhaps only its first READ characters), as its
    value, the value's length and state."""
    if field_ is None:
        return None, None, "refused"
    length, quotes = int(length), int(quotes)
    if length == 0:
        return None, None, "null"  # an unquoted empty field: SQL NULL
    if not field_.startswith('"'):
        return field_, length, "value"
    body = field_[1:-1] if len(field_) == length else field_[1:]
    if len(field_) < length and (len(body) - len(body.rstrip('"'))) % 2:
        body = body[:-1]  # the first of a doubled quote, cut from its second
    # Inside the quotes every `"` of the value is doubled.
    return body.replace('""', '"'), length - 2 - (quotes - 2) // 2, "value"


def _read_postgres(postgres, source, schema, table, plan, keys, key, mine):
    """PostgreSQL's rows of `keys`; and MySQL's side with its JSON texts as PostgreSQL parses
    them (the same transaction, read only)."""
    columns = [(c.postgres_digest_sql, c.column) for c in plan.columns]
    jsonb = {c.column for c in plan.columns if c.mysql_digest_sql is None}
    with postgres.connect(source.postgres_database) as conn:
        for setting in pq.display_settings():
            conn.execute(setting)
        rows = conn.execute(pq.differing_rows(schema, table, key, columns, keys, READ)).fetchall()
        if jsonb:
            mine = _parse_json(conn, mine, jsonb)
        conn.rollback()
    records = []
    for row in rows:
        for i, c in enumerate(plan.columns):
            digest, text, length = row[1 + 3 * i : 4 + 3 * i]
            state = "null" if text is None else "value"
            records.append((row[0], c.column, digest, text, length, state))
    return pl.DataFrame(records, schema=_SCHEMA, orient="row"), mine


def _parse_json(conn: psycopg.Connection, mine: pl.DataFrame, jsonb: set[str]) -> pl.DataFrame:
    """MySQL's JSON texts of jsonb columns as PostgreSQL parses them: their digest (the md5 of
    the jsonb text) and that text. A text PostgreSQL refuses keeps no digest (it differs)."""
    out = []
    for row in mine.iter_rows(named=True):
        if row["column"] in jsonb and row["state"] == "value":
            try:
                with conn.transaction():  # a savepoint: a refused text leaves the rest
                    digest, text, length = conn.execute(
                        pq.jsonb_text(READ), (row["value"],)
                    ).fetchone()
                row = {**row, "digest": digest, "value": text, "length": length}
            except psycopg.DataError:
                row = {**row, "digest": NOT_JSONB}
        out.append(row)
    return pl.DataFrame(out, schema=_SCHEMA, orient="row")


def side_by_side(
    mine: pl.DataFrame, theirs: pl.DataFrame, table: Table, plan: TablePlan, keys: list[str]
) -> pl.DataFrame:
    """One row per (key, column) whose digests differ, and one per key present on one side only
    (column None), in the keys' and the table's column order, with each cell as shown."""
    order = pl.DataFrame(
        {"key": keys, "key_order": range(len(keys))},
        schema={"key": pl.String, "key_order": pl.Int64},
    )
    column_order = pl.DataFrame(
        {"column": plan.column_names, "column_order": range(len(plan.columns))},
        schema={"column": pl.String, "column_order": pl.Int64},
    )
    # A table without a primary key may hold a row twice: its key is the row itself.
    mine, theirs = mine.unique(maintain_order=True), theirs.unique(maintain_order=True)
    hexlike = {c.column for c in plan.columns if c.postgres_type.startswith(_HEX_TYPES)}
    key_columns = list(table.primary_key) or plan.column_names
    joined = (
        mine.rename({c: f"mysql_{c}" for c in ("digest", "value", "length", "state")})
        .join(
            theirs.rename({c: f"postgres_{c}" for c in ("digest", "value", "length", "state")}),
            on=["key", "column"],
            how="full",
            coalesce=True,
        )
        .join(column_order, on="column", how="left")
    )
    in_mysql, in_postgres = set(mine["key"]), set(theirs["key"])
    key_shown = _key_cells(joined, key_columns)
    both = joined.filter(
        pl.col("key").is_in(sorted(in_mysql & in_postgres))
        & pl.col("mysql_digest").ne_missing(pl.col("postgres_digest"))
    )
    cells = [
        (
            row["key"],
            key_shown.get(row["key"], _code(row["key"])),
            row["column_order"],
            row["column"],
            *_value_cells(row, row["column"] in hexlike),
        )
        for row in both.iter_rows(named=True)
    ]
    for key in keys:
        here, there = key in in_mysql, key in in_postgres
        if here != there:
            cells.append(
                (
                    key,
                    key_shown.get(key, _code(key)),
                    -1,
                    None,
                    "(row present)" if here else "(no row)",
                    "(row present)" if there else "(no row)",
                )
            )
    frame = pl.DataFrame(
        cells,
        schema={
            "key": pl.String,
            "key_shown": pl.String,
            "column_order": pl.Int64,
            "column": pl.String,
            "mysql_shown": pl.String,
            "postgres_shown": pl.String,
        },
        orient="row",
    )
    return (
        frame.join(order, on="key", how="left")
        .sort("key_order", "column_order")
        .select("key", "key_shown", "column", "mysql_shown", "postgres_shown")
    )


def _key_cells(joined: pl.DataFrame, key_columns: list[str]) -> dict[str, str]:
    """Each key as its key columns' values (MySQL's where it has the row)."""
    in_mysql = pl.col("mysql_state").is_not_null()
    keyed = joined.filter(pl.col("column").is_in(key_columns)).with_columns(
        value=pl.when(in_mysql).then("mysql_value").otherwise("postgres_value"),
        length=pl.when(in_mysql).then("mysql_length").otherwise("postgres_length"),
        state=pl.when(in_mysql).then("mysql_state").otherwise("postgres_state"),
    )
    shown: dict[str, list[str]] = {}
    for row in keyed.sort("column_order").iter_rows(named=True):
        value = _cell(row["value"], row["state"], row["length"])
        shown.setdefault(row["key"], []).append(f"{_code(row['column'])}={value}")
    return {key: ", ".join(values) for key, values in shown.items()}


def _value_cells(row: dict, hexlike: bool) -> tuple[str, str]:
    a, b = row["mysql_value"], row["postgres_value"]
    at = equal = None
    if a is not None and b is not None:
        at = _first_difference(a, b, hexlike)
        cut = len(a) < row["mysql_length"] or len(b) < row["postgres_length"]
        if at == min(len(a), len(b)) and cut:
            at, equal = None, at  # they differ after what was read of one of them
    return (
        _cell(a, row["mysql_state"], row["mysql_length"], at, equal),
        _cell(b, row["postgres_state"], row["postgres_length"], at, equal),
    )


def _first_difference(a: str, b: str, hexlike: bool) -> int:
    """Where two texts first differ (the shorter's length if it begins the longer)."""
    if hexlike:
        a, b = a.lower(), b.lower()
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _cell(
    value: str | None,
    state: str | None,
    length: int | None,
    at: int | None = None,
    equal: int | None = None,
) -> str:
    """A value as a table cell: NULL, or the value quoted and escaped; a longer one as a window
    from a little before `at`, its first difference from the other side's value (`equal`: it
    lies after the first `equal` characters, past what was read)."""
    if state == "refused":
        return "(its export would refuse it now)"
    if value is None:
        return "NULL"
    length = len(value) if length is None else length
    if length <= SHOWN and len(value) == length:
        return _code(_quoted(value))
    start = max(0, min(at or 0, len(value)) - BEFORE)
    start = min(start, max(len(value) - SHOWN, 0))
    window = value[start : start + SHOWN]
    end = start + len(window)
    text = ("… " if start else "") + _code(_quoted(window)) + (" …" if end < length else "")
    where = f"characters {start + 1:,} to {end:,} of {length:,}"
    if equal is not None:
        where += f"; the first {equal:,} equal the other side's, the rest was not read"
    return f"{text} ({where})"


def _quoted(value: str) -> str:
    """The value in double quotes, every character visible: backslash escapes for `\\`, `"`,
    line breaks, tabs and characters that print as nothing; a space after a space as a
    no-break space, which markdown does not collapse into the one before."""
    out = ['"']
    previous = ""
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == " ":
            out.append("\u00a0" if previous == " " else " ")
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
        previous = ch
    out.append('"')
    return "".join(out)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _code(text: str) -> str:
    """A markdown code span (nothing in it is markup), its pipes escaped for a table cell."""
    run = longest = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def _text(value: str | bytes | None) -> str | None:
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value
