"""Export one MySQL table to a CSV file that `COPY ... (FORMAT csv, HEADER)` reads back unchanged.

MySQL formats every value as a finished CSV field in the SELECT itself (see conversion.py), so
Python only moves whole lines from the socket to the file (`mysql.stream_lines`): no per-value
work, memory bounded by one network read of rows whatever the table's size.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import mysql as q
from . import storage
from .catalog import Table
from .config import SourceConfig
from .conversion import TablePlan, quote_mysql
from .manifest import ManifestEntry
from .mysql import MySQLServer
from .parity import SourceFingerprint, source_fingerprint
from .refusals import RefusedValue, diagnose_export, key_columns
from .storage import Location

# (table, rows done, rows total, seconds), after every chunk: the receiver decides how often
# to show it.
Progress = Callable[[str, int, int, float], None]


class ExportError(Exception):
    """The CSV could not be written (a full disk, a read-only directory): no file was left."""


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: Location
    rows: int
    snapshot_rows: int
    bytes: int
    sha256: str
    seconds: float
    started_at: str
    auto_increment: int | None
    source_update_time: str | None
    conversions: dict[str, int] = field(default_factory=dict)

    def manifest_entry(self, columns: list[str]) -> ManifestEntry:
        """The manifest's entry for this export's file (the fingerprint is added later)."""
        return ManifestEntry(
            file=self.path.name,
            rows=self.rows,
            columns=",".join(columns),
            bytes=self.bytes,
            sha256=self.sha256,
            exported_at=self.started_at,
            snapshot_rows=self.snapshot_rows,
            auto_increment=self.auto_increment,
            source_update_time=self.source_update_time,
        )


def csv_header(columns: list[str]) -> bytes:
    def field_(name: str) -> str:
        # A backslash too: a header line reading `\.` alone (one column named so) would be
        # COPY's end-of-data marker.
        if any(ch in name for ch in ',"\r\n\\') or name != name.strip():
            return '"' + name.replace('"', '""') + '"'
        return name

    return (",".join(field_(c) for c in columns) + "\n").encode()


class Snapshot:
    """One table's consistent, read-only snapshot on a connection of its own: the exact count,
    the CSV file and the content fingerprint all describe the same state of a live database.

    `export()` writes the CSV; `fingerprint()` may follow, in the same transaction, while the
    load of that CSV runs elsewhere. Closing ends the transaction."""

    def __init__(
        self,
        mysql: MySQLServer,
        source: SourceConfig,
        table: Table,
        plan: TablePlan,
        not_null: tuple[str, ...] = (),
    ):
        self.mysql, self.source, self.table, self.plan = mysql, source, table, plan
        # Columns PostgreSQL holds NOT NULL: a NULL there is refused before the file is written,
        # counted in the snapshot's own COUNT(*) scan.
        self.not_null = not_null
        self._connection = None
        self.conn = None

    def __enter__(self) -> Snapshot:
        self._connection = self.mysql.connect(self.source.mysql_database, streaming=True)
        self.conn = self._connection.__enter__()
        with self.conn.cursor() as cur:
            q.begin_snapshot(cur)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                with self.conn.cursor() as cur:
                    cur.execute("COMMIT")
        finally:
            self._connection.__exit__(*exc)

    def fingerprint(self, postgres) -> SourceFingerprint:
        return source_fingerprint(self.conn, postgres, self.source, self.table, self.plan)

    def _null_refusal(self, cur, null_counts: dict[str, int]) -> RefusedValue:
        column, count = next((c, n) for c, n in null_counts.items() if n)
        cur.execute(
            q.first_row_where_sql(
                self.source.mysql_database, self.table, f"{quote_mysql(column)} IS NULL"
            )
        )
        key = dict(zip(key_columns(self.table), cur.fetchall()[0], strict=True))
        return RefusedValue(
            self.source.name,
            self.table.name,
            column,
            _readable(key),
            f"{count} NULL value(s) for a NOT NULL PostgreSQL column; no file was written",
        )

    def export(
        self,
        path: Location,
        progress: Progress | None = None,
        tee: Callable[[bytes], None] | None = None,
    ) -> ExportResult:
        """Write the CSV file; `tee` receives the same bytes as they are written (a load
        fed by the export). The file appears under its name only once it is complete."""
        table, plan, db = self.table, self.plan, self.source.mysql_database
        started = time.monotonic()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        storage.prepare_write(path)
        conversions = {
            f"{c.column}: {conv.name}": conv.condition_sql
            for c in plan.columns
            for conv in c.conversions
        }
        nulls = {column: f"{quote_mysql(column)} IS NULL" for column in self.not_null}
        refused = False
        try:
            cur = self.conn.cursor()
            cur.execute(q.count_sql(db, table.name, {**conversions, **nulls}))
            counts = cur.fetchall()[0]
            snapshot_rows = int(counts[0])
            converted = {
                name: int(n)
                for name, n in zip(conversions, counts[1 : 1 + len(conversions)], strict=True)
            }
            null_counts = {
                c: int(n) for c, n in zip(nulls, counts[1 + len(conversions) :], strict=True)
            }
            if any(null_counts.values()):
                raise self._null_refusal(cur, null_counts)
            cur.execute(q.table_state_sql(), (db, table.name))
            auto_increment, update_time = cur.fetchall()[0]

            digest = hashlib.sha256()
            header = csv_header(table.column_names)
            rows = 0
            size = 0
            with storage.atomic_writer(path) as out:
                out.write(header)
                digest.update(header)
                if tee:
                    tee(header)
                size += len(header)
                for lines in q.stream_lines(self.conn, q.rows_sql(db, table.name, plan.line_sql())):
                    if None in lines:
                        refused = True
                        break
                    rows += len(lines)
                    lines.append(b"")
                    chunk = b"\n".join(lines)
                    out.write(chunk)
                    digest.update(chunk)
                    if tee:
                        tee(chunk)
                    size += len(chunk)
                    if progress:
                        progress(table.name, rows, snapshot_rows, time.monotonic() - started)
                if refused:  # raised inside: the writer leaves no file
                    raise diagnose_export(self.mysql, self.source, table, plan)
        except OSError as e:
            raise ExportError(
                f"{self.source.name}.{table.name}: cannot write {path}: {e.strerror or e}; "
                "no file was left"
            ) from None
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
            source_update_time=_text(update_time),
            conversions=converted,
        )


def export_table(
    mysql: MySQLServer,
    source: SourceConfig,
    table: Table,
    plan: TablePlan,
    path: Location,
    progress: Progress | None = None,
) -> ExportResult:
    """Export one table in a snapshot of its own (no fingerprint)."""
    with Snapshot(mysql, source, table, plan) as snapshot:
        return snapshot.export(path, progress)


def _readable(key: dict) -> dict:
    """A key read on the export's connection (which returns bytes) as text, where it is."""
    out = {}
    for name, value in key.items():
        if isinstance(value, bytes):
            try:
                value = value.decode()
            except UnicodeDecodeError:
                value = "0x" + value.hex()
        out[name] = value
    return out


def _text(value: str | bytes | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
