"""Export one MySQL table to a CSV file that `COPY ... (FORMAT csv, HEADER)` reads back unchanged.

MySQL formats every value as a finished CSV field in the SELECT itself (see conversion.py), so
Python only moves whole lines from the socket to the file (`mysql.stream_lines`): no per-value
work, memory bounded by one network read of rows whatever the table's size.
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
from .refusals import diagnose_export

Progress = Callable[[str, int, int, float], None]  # (table, rows done, rows total, seconds)


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
                for lines in q.stream_lines(conn, q.rows_sql(db, table.name, plan.line_sql())):
                    if None in lines:
                        refused = True
                        break
                    rows += len(lines)
                    lines.append(b"")
                    chunk = b"\n".join(lines)
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
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
            raise diagnose_export(mysql, source, table, plan)
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
