"""Naming the value that could not be carried over: source, table, column, row key and why.

Refusals come to light in one of two places (see `Refusal.postgres_rejects`):

- the export: a refusal MySQL tests per row made the row's CSV line NULL, so the export stops
  and the first such row is looked up in key order;
- the load: PostgreSQL's own input functions rejected a value, COPY names the CSV line (and
  usually the column), the load rolls back, the line is mapped to its record (`record_at_line`),
  and that record's key is looked up in MySQL to say which of the plan's refusals it breaks.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from . import mysql as q
from .catalog import Table
from .config import SourceConfig
from .conversion import TablePlan, quote_mysql
from .mysql import MySQLServer

_BINARY = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}


class RefusedValue(Exception):
    """A value that cannot be carried over honestly. Names source, table, column and row key."""

    def __init__(self, source: str, table: str, column: str | None, key: dict, reason: str):
        self.source, self.table, self.column, self.key, self.reason = (
            source,
            table,
            column,
            key,
            reason,
        )
        where = f"{source}.{table}" + (f".{column}" if column else "")
        super().__init__(f"{where}: {reason} (first offending row: {format_key(key)})")


class RejectedByPostgres(Exception):
    """COPY refused a value of the CSV; the load rolled back."""

    def __init__(self, message: str, csv_path: Path, line: int | None, column: str | None):
        super().__init__(message)
        self.message, self.csv_path, self.line, self.column = message, csv_path, line, column

    @classmethod
    def from_copy_error(cls, message: str, context: str, csv_path: Path) -> RejectedByPostgres:
        """COPY's context reads `COPY t, line N, column c: "value"`; N counts physical lines
        (see `record_at_line`), not CSV records."""
        line, column = _copy_position(context, _csv_header(csv_path))
        if column is None and (named := re.search(r'in column "((?:[^"]|"")+)"', message)):
            column = named.group(1).replace('""', '"')
        return cls(message, csv_path, line, column)


def _copy_position(context: str, columns: list[str]) -> tuple[int | None, str | None]:
    """The line number and column of COPY's context. The table and column names are
    printed unquoted and may hold `, line 1` or `: ` themselves (`t, line 1`, `a: b`), so a
    `, line N` counts only where what follows is the end, `: ` or one of the file's column
    names followed by `: `, the longest name first."""
    names = sorted(columns, key=len, reverse=True)
    for line in re.finditer(r", line (\d+)", context):
        rest = context[line.end() :]
        column = next((c for c in names if rest.startswith(f", column {c}: ")), None)
        if column is not None or rest == "" or rest.startswith(": "):
            return int(line.group(1)), column
    return None, None


def _csv_header(csv_path: Path) -> list[str]:
    try:
        with csv_path.open(newline="", encoding="utf-8", errors="replace") as f:
            return next(csv.reader(f), [])
    except OSError:
        return []


def format_key(key: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in key.items()) or "unknown"


def key_columns(table: Table) -> list[str]:
    return list(table.primary_key or table.column_names)


def diagnose_export(
    mysql: MySQLServer, source: SourceConfig, table: Table, plan: TablePlan
) -> RefusedValue:
    """A row's line came back NULL: find which column refused which row, in key order."""
    db = source.mysql_database
    keys = key_columns(table)
    with mysql.connect(db) as conn, conn.cursor() as cur:
        for column, refusal in plan.refusals():
            if refusal.postgres_rejects:
                continue  # not tested by the export's SELECT
            cur.execute(q.first_row_where_sql(db, table, refusal.condition_sql))
            row = cur.fetchone()
            if row is not None:
                key = dict(zip(keys, row, strict=True))
                return RefusedValue(source.name, table.name, column, key, refusal.reason)
        cur.execute(q.first_row_where_sql(db, table, f"({plan.line_sql()}) IS NULL"))
        row = cur.fetchone()
    key = dict(zip(keys, row, strict=True)) if row else {}
    return RefusedValue(
        source.name,
        table.name,
        None,
        key,
        "the row's CSV line exceeds the source server's max_allowed_packet; raise it and re-run",
    )


def diagnose_load(
    mysql: MySQLServer,
    source: SourceConfig,
    table: Table,
    plan: TablePlan,
    rejection: RejectedByPostgres,
) -> RefusedValue:
    """The record COPY refused: its key from the CSV, and which refusal its MySQL row breaks
    (the column PostgreSQL named first). PostgreSQL's own words are kept in the reason."""
    fields = _csv_record(rejection.csv_path, rejection.line) if rejection.line else None
    keys = key_columns(table)
    key = {k: fields[k] for k in keys if k in fields} if fields else {}
    said = f"PostgreSQL refused the load: {rejection.message}"
    refusals = plan.refusals()
    if len(key) == len(keys) and refusals and table.primary_key:
        found = _broken_refusals(mysql, source, table, key, [r for _, r in refusals])
        if found is not None:
            key, broken = found
        else:
            broken = [False] * len(refusals)
        hits = [(column, r) for (column, r), hit in zip(refusals, broken, strict=True) if hit]
        hits.sort(key=lambda hit: hit[0] != rejection.column)
        if hits:
            column, refusal = hits[0]
            return RefusedValue(source.name, table.name, column, key, f"{refusal.reason}; {said}")
    column = rejection.column
    if column is None and fields and "0x00" in rejection.message:
        column = _column_holding(fields, "\x00")
    return RefusedValue(source.name, table.name, column, key, said)


def _broken_refusals(mysql, source, table, key: dict, refusals) -> tuple[dict, list[bool]] | None:
    """The MySQL row of `key` (its key as MySQL has it) and which refusals it breaks."""
    db = source.mysql_database
    names = ", ".join(quote_mysql(k) for k in key)
    where = " AND ".join(f"{_literal_percent(quote_mysql(k))} = %s" for k in key)
    tests = ", ".join(f"COALESCE({r.condition_sql}, 0) <> 0" for r in refusals)
    params = [_key_param(table, k, v) for k, v in key.items()]
    select = _literal_percent(f"SELECT {names}, {tests} FROM {q.qualified(db, table.name)}")
    with mysql.connect(db) as conn, conn.cursor() as cur:
        cur.execute(f"{select} WHERE {where} LIMIT 1", params)
        row = cur.fetchone()
    if row is None:
        return None
    return dict(zip(key, row[: len(key)], strict=True)), [bool(v) for v in row[len(key) :]]


def _literal_percent(sql_text: str) -> str:
    """pymysql formats a query that has parameters with `%`: a `%` of a name (`100%`) or of a
    condition (`MICROSECOND(x) % 1000`, `LIKE '% '`) must be doubled to stay itself."""
    return sql_text.replace("%", "%%")


def _key_param(table: Table, name: str, text: str) -> str | bytes:
    """A key value as the CSV holds it, back as MySQL compares it (binary keys as bytes)."""
    if table.column(name).data_type in _BINARY:
        return bytes.fromhex(text[2:] if text.startswith("\\x") else text.replace("-", ""))
    return text


def record_at_line(csv_path: Path, line: int) -> tuple[int, list[str]] | None:
    """The CSV record that PostgreSQL's COPY calls `line N`: its number (the header is
    record 1) and its fields.

    COPY's line counter (PostgreSQL 15, `CopyReadLineText`) counts physical lines: one per
    record, plus one per line feed inside a quoted field (a lone CR inside quotes counts
    none, as the file's records end in LF), and its quote state flips at every `"` (`""`
    flips it twice). So the file is cut the same way, at LFs, a record ending where its
    count of `"` is even; a record spans lines (end of the previous one, its own end], and
    COPY names any line of that span (a value: the record's last; a bad byte: its own)."""
    parts: list[bytes] = []
    quotes = number = record = 0
    with csv_path.open("rb") as f:
        for physical in f:
            number += 1
            quotes += physical.count(b'"')
            parts.append(physical)
            if quotes % 2:
                continue  # a quoted field goes on past this line feed
            record += 1
            if number >= line:
                return record, _fields(b"".join(parts))
            parts, quotes = [], 0
    return None


def _fields(record: bytes) -> list[str]:
    text = record.decode("utf-8", errors="replace")
    # The csv module refuses fields over its limit (128 KiB by default): a record may hold a
    # value of megabytes, which it must read whole to name the row.
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    return next(csv.reader(io.StringIO(text, newline="")), [])


def _csv_record(csv_path: Path, line: int) -> dict[str, str] | None:
    """The record COPY's `line N` names (the header is line 1), by the file's own header."""
    found = record_at_line(csv_path, line)
    if found is None or found[0] == 1:
        return None
    return dict(zip(_csv_header(csv_path), found[1], strict=False))


def _column_holding(fields: dict[str, str], char: str) -> str | None:
    """The first column whose field holds `char` (PostgreSQL names no column for a byte its
    encoding refuses)."""
    return next((name for name, value in fields.items() if char in value), None)
