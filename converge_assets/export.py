"""Export one MySQL table to a CSV file that `COPY ... (FORMAT csv, HEADER)` reads back unchanged.

MySQL formats every value as a finished CSV field in the SELECT itself (see conversion.py), so
Python only moves whole lines from the socket to the file: no per-value work, memory bounded by
one batch of rows whatever the table's size.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import mysql as q
from .catalog import Table
from .config import SourceConfig
from .conversion import TablePlan
from .mysql import MySQLResource

BATCH_ROWS = 5_000

Progress = Callable[[str, int, int, float], None]  # (table, rows done, rows total, seconds)


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


def format_key(key: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in key.items()) or "unknown"


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: Path
    rows: int
    snapshot_rows: int
    bytes: int
    sha256: str
    seconds: float
    started_at: str
    auto_increment: int | None
    source_update_time: str | None
    conversions: dict[str, int] = field(default_factory=dict)


def csv_header(columns: list[str]) -> bytes:
    def field_(name: str) -> str:
        if any(ch in name for ch in ',"\r\n') or name != name.strip():
            return '"' + name.replace('"', '""') + '"'
        return name

    return (",".join(field_(c) for c in columns) + "\n").encode()


def export_table(
    mysql: MySQLResource,
    source: SourceConfig,
    table: Table,
    plan: TablePlan,
    path: Path,
    progress: Progress | None = None,
) -> ExportResult:
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The temporary file lives beside the final one, so the rename is atomic; its name starts
    # with a dot and ends in .tmp, so nothing mistakes it for an export.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    conversions = {
        f"{c.column}: {conv.name}": conv.condition_sql
        for c in plan.columns
        for conv in c.conversions
    }
    db = source.mysql_database
    refused = False
    try:
        with mysql.connect(db, streaming=True) as conn:
            cur = conn.cursor()
            q.begin_snapshot(cur)
            cur.execute(q.count_sql(db, table.name, conversions))
            counts = cur.fetchall()[0]
            snapshot_rows = int(counts[0])
            converted = {name: int(n) for name, n in zip(conversions, counts[1:], strict=True)}
            cur.execute(q.table_state_sql(), (db, table.name))
            auto_increment, update_time = cur.fetchall()[0]

            digest = hashlib.sha256()
            header = csv_header(table.column_names)
            rows = 0
            size = 0
            last_report = started
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(header)
                digest.update(header)
                size += len(header)
                cur.execute(q.rows_sql(db, table.name, plan.line_sql()))
                while batch := cur.fetchmany(BATCH_ROWS):
                    lines = [r[0] for r in batch]
                    if None in lines:
                        refused = True
                        break
                    lines.append(b"")
                    chunk = b"\n".join(lines)
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    rows += len(batch)
                    now = time.monotonic()
                    if progress and now - last_report >= 5:
                        progress(table.name, rows, snapshot_rows, now - started)
                        last_report = now
                if not refused:
                    out.flush()
                    os.fsync(out.fileno())
            if not refused:
                cur.execute("COMMIT")
        if refused:
            raise diagnose_refusal(mysql, source, table, plan)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportResult(
        table=table.name,
        path=path,
        rows=rows,
        snapshot_rows=snapshot_rows,
        bytes=size,
        sha256=digest.hexdigest(),
        seconds=time.monotonic() - started,
        started_at=started_at,
        auto_increment=auto_increment,
        source_update_time=update_time.decode() if isinstance(update_time, bytes) else update_time,
        conversions=converted,
    )


def diagnose_refusal(
    mysql: MySQLResource, source: SourceConfig, table: Table, plan: TablePlan
) -> RefusedValue:
    """A row's line came back NULL: find which column refused which row, in key order."""
    db = source.mysql_database
    key_names = list(table.primary_key or table.column_names)
    with mysql.connect(db) as conn, conn.cursor() as cur:
        for column in plan.columns:
            for refusal in column.refusals:
                cur.execute(q.first_row_where_sql(db, table, refusal.condition_sql))
                row = cur.fetchone()
                if row is not None:
                    return RefusedValue(
                        source.name,
                        table.name,
                        column.column,
                        dict(zip(key_names, row, strict=True)),
                        refusal.reason,
                    )
        cur.execute(q.first_row_where_sql(db, table, f"({plan.line_sql()}) IS NULL"))
        row = cur.fetchone()
    key = dict(zip(key_names, row, strict=True)) if row else {}
    return RefusedValue(
        source.name,
        table.name,
        None,
        key,
        "the row's CSV line exceeds the source server's max_allowed_packet; raise it and re-run",
    )
