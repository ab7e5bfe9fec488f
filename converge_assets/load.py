"""Load one CSV file into its PostgreSQL table: all of it, or nothing.

One transaction per table: foreign-key triggers off for this transaction only, the rows about to
be replaced kept in the rollback store (`converge rollback` puts them back), the table emptied
without touching any other, `COPY ... FROM STDIN` of the file (hashed while it streams, so a file
changed after its export is refused), sequences set past the largest value, commit. Any failure
rolls back: the target keeps what it had, and no backup is recorded.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from . import postgres as q
from .config import redact
from .manifest import ManifestEntry
from .postgres import PostgresResource
from .refusals import RejectedByPostgres
from .target_schema import ForeignKey, TargetTable

CHUNK_BYTES = 1 << 20

Progress = Callable[[str, int, int, float], None]  # (table, bytes done, bytes total, seconds)


class LoadError(Exception):
    """A table that could not be loaded; the target kept its previous rows."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient  # a lost connection: worth a retry


@dataclass(frozen=True)
class LoadResult:
    table: str
    rows: int  # rows COPY reported
    count: int  # count(*) of the target after the load, in the same transaction
    seconds: float
    sequences: dict[str, int]  # sequence -> next value


def load_table(
    postgres: PostgresResource,
    database: str,
    target: TargetTable,
    csv_path: Path,
    entry: ManifestEntry,
    *,
    source: str,
    run: str,
    progress: Progress | None = None,
    keep_parents_of: Sequence[ForeignKey] = (),
) -> LoadResult:
    """`keep_parents_of`: foreign keys of tables this source does not load that reference
    this one; the load is refused if it would leave any of their rows without a parent."""
    where = f"{source}.{target.name}"
    if entry.rows != entry.snapshot_rows:
        raise LoadError(
            f"{where}: not loaded: the export wrote {entry.rows} rows but its snapshot counted "
            f"{entry.snapshot_rows}"
        )
    columns = read_header(csv_path)
    started = time.monotonic()
    digest = hashlib.sha256()
    with postgres.connect(database) as conn:
        try:
            q.ensure_rollback_store(conn, database)
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(q.disable_triggers_locally())
                cur.execute(q.lock_table(target))
                q.keep_preload_rows(cur, target, source, run)
                cur.execute(q.empty_table(target))
                done = 0
                last_report = started
                with cur.copy(q.copy_from_csv(target, columns)) as copy, open(csv_path, "rb") as f:
                    while block := f.read(CHUNK_BYTES):
                        digest.update(block)
                        copy.write(block)
                        done += len(block)
                        now = time.monotonic()
                        if progress and now - last_report >= 5:
                            progress(target.name, done, entry.bytes, now - started)
                            last_report = now
                    # Checked before COPY ends, so a changed file never commits.
                    if digest.hexdigest() != entry.sha256:
                        raise LoadError(
                            f"{where}: refused {csv_path.name}: its sha256 no longer matches the "
                            "manifest (the file changed after its export)"
                        )
                copied = cur.rowcount
                cur.execute(q.count_rows(target.schema, target.name))
                count = cur.fetchone()[0]
                for fk in keep_parents_of:
                    cur.execute(q.orphan_rows(fk, target.schema, 5))
                    orphans, sample = cur.fetchone()
                    if orphans:
                        raise LoadError(
                            f"{where}: not loaded: {orphans} row(s) of {fk.table}, which this "
                            f"source does not load, would lose their parent row through "
                            f"{fk.name} ({', '.join(fk.columns)}), e.g. "
                            f"{', '.join(sample or [])}; the target kept its rows"
                        )
                sequences = {}
                for column in target.columns:
                    if column.sequence:
                        floor = (entry.auto_increment or 1) - 1
                        cur.execute(
                            q.set_sequence(
                                column.sequence, target.schema, target.name, column.name, floor
                            )
                        )
                        sequences[column.sequence] = cur.fetchone()[0] + 1
                q.record_load(cur, target, source, run, copied)
        except LoadError:
            raise
        except q.RollbackStoreError as e:
            raise LoadError(f"{where}: not loaded: {e}") from None
        except (psycopg.DataError, psycopg.IntegrityError) as e:
            # A value PostgreSQL refuses: the caller names its row from the CSV record.
            message = redact(str(e).strip().splitlines()[0])
            if len(message) > 300:  # PostgreSQL quotes the value, which may be megabytes
                message = message[:300] + "…"
            raise RejectedByPostgres.from_copy_error(
                message, e.diag.context or "", csv_path
            ) from None
        except psycopg.Error as e:
            raise LoadError(
                f"{where}: {q.error_text(e)}", transient=isinstance(e, psycopg.OperationalError)
            ) from None
    return LoadResult(target.name, copied, count, time.monotonic() - started, sequences)


def read_header(csv_path: Path) -> list[str]:
    with open(csv_path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))
