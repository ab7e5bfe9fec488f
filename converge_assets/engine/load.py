"""Load one CSV file into its PostgreSQL table: all of it, or nothing.

One transaction per table: foreign-key triggers off for this transaction only, the rows about to
be replaced kept in the rollback store (`converge rollback` puts them back), the table emptied
without touching any other, `COPY ... FROM STDIN` of the CSV's bytes, sequences set past the
largest value, commit. Any failure rolls back: the target keeps what it had, and no backup is
recorded.

The bytes come from a `Feed`: the CSV file (`file_feed`: hashed while it streams, so a file
changed after its export is refused), or the export itself as it writes the file (the table
runner's pipe: one scan of MySQL feeds both, and the load commits only once the file is
complete, in the manifest and counted).

With `foreign_keys: enforced` (no superuser: no session_replication_role), the source's tables
load together in one transaction instead, parents first (`load_in_foreign_key_order`).
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from . import postgres as q
from .config import redact
from .manifest import ManifestEntry
from .postgres import PostgresServer
from .refusals import RejectedByPostgres
from .storage import Location
from .target_schema import ForeignKey, TargetTable

CHUNK_BYTES = 1 << 20

# (table, bytes done, bytes total, seconds), after every block (export.Progress)
Progress = Callable[[str, int, int, float], None]


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


Write = Callable[[bytes], None]
# Writes a table's CSV bytes, header first, through the `Write` it is given, then returns the
# manifest entry that describes them. Raising rolls the load back.
Feed = Callable[[Write], ManifestEntry]


def load_table(
    postgres: PostgresServer,
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
    """Load an exported CSV file. `keep_parents_of`: foreign keys of tables this source does
    not load that reference this one; the load is refused if it would leave any of their rows
    without a parent."""
    where = f"{source}.{target.name}"
    _check_entry(where, entry)
    feed = file_feed(csv_path, entry, source, target.name, progress)
    result, _ = load_rows(
        postgres,
        database,
        target,
        read_header(csv_path),
        feed,
        csv_path,
        source=source,
        run=run,
        keep_parents_of=keep_parents_of,
    )
    return result


def load_rows(
    postgres: PostgresServer,
    database: str,
    target: TargetTable,
    columns: list[str],
    feed: Feed,
    csv_path: Location,
    *,
    source: str,
    run: str,
    keep_parents_of: Sequence[ForeignKey] = (),
) -> tuple[LoadResult, ManifestEntry]:
    """Load the rows `feed` writes, all or nothing; `csv_path`: the file that holds the same
    bytes once the feed returns (a refused value's row is read from it)."""
    where = f"{source}.{target.name}"
    started = time.monotonic()
    with q.reused(postgres, database) as conn:
        try:
            q.ensure_rollback_store(conn, database)
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(q.disable_triggers_locally())
                cur.execute(q.lock_table(target))
                q.keep_preload_rows(cur, target, source, run)
                cur.execute(q.empty_table(target))
                copied, entry = _copy(cur, target, columns, feed)
                cur.execute(q.count_rows(target.schema, target.name))
                count = cur.fetchone()[0]
                _keep_parents(cur, target, where, keep_parents_of)
                sequences = _set_sequences(cur, target, entry)
                q.record_load(cur, target, source, run, copied)
        except LoadError:
            raise
        except q.RollbackStoreError as e:
            raise LoadError(f"{where}: not loaded: {e}") from None
        except (psycopg.DataError, psycopg.IntegrityError) as e:
            raise _rejected(e, csv_path) from None
        except psycopg.Error as e:
            raise LoadError(
                f"{where}: {q.error_text(e)}", transient=isinstance(e, psycopg.OperationalError)
            ) from None
    return LoadResult(target.name, copied, count, time.monotonic() - started, sequences), entry


def _check_entry(where: str, entry: ManifestEntry) -> None:
    if entry.rows != entry.snapshot_rows:
        raise LoadError(
            f"{where}: not loaded: the export wrote {entry.rows} rows but its snapshot counted "
            f"{entry.snapshot_rows}"
        )


def _rejected(e: psycopg.Error, csv_path: Location) -> RejectedByPostgres:
    """A value PostgreSQL refuses: the caller names its row from the CSV record."""
    message = redact(str(e).strip().splitlines()[0])
    if len(message) > 300:  # PostgreSQL quotes the value, which may be megabytes
        message = message[:300] + "…"
    return RejectedByPostgres.from_copy_error(message, e.diag.context or "", csv_path)


def file_feed(
    csv_path: Path, entry: ManifestEntry, source: str, table: str, progress: Progress | None = None
) -> Feed:
    """The exported file as a feed, hashed as it streams: a file that changed after its
    export (its sha256 no longer the manifest's) is refused before COPY ends."""

    def feed(write: Write) -> ManifestEntry:
        where = f"{source}.{table}"
        digest = hashlib.sha256()
        started = time.monotonic()
        done = 0
        with csv_path.open("rb") as f:
            while block := f.read(CHUNK_BYTES):
                digest.update(block)
                write(block)
                done += len(block)
                if progress:
                    progress(table, done, entry.bytes, time.monotonic() - started)
        if digest.hexdigest() != entry.sha256:
            raise LoadError(
                f"{where}: refused {csv_path.name}: its sha256 no longer matches the "
                "manifest (the file changed after its export)"
            )
        return entry

    return feed


def _copy(
    cur: psycopg.Cursor, target: TargetTable, columns: list[str], feed: Feed
) -> tuple[int, ManifestEntry]:
    """COPY what `feed` writes into the table: the rows COPY reported, and the feed's entry.

    A connection lost mid-COPY does not stop the feed: an export feeding the load still
    writes its whole CSV, so a re-run loads that file instead of exporting it again."""
    lost: list[psycopg.Error] = []
    with cur.copy(q.copy_from_csv(target, columns)) as copy:

        def write(block: bytes) -> None:
            if not lost:
                try:
                    copy.write(block)
                except psycopg.Error as e:
                    lost.append(e)

        entry = feed(write)
        if lost:
            raise lost[0]
    return cur.rowcount, entry


def _keep_parents(
    cur: psycopg.Cursor, target: TargetTable, where: str, keep_parents_of: Sequence[ForeignKey]
) -> None:
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


def _set_sequences(
    cur: psycopg.Cursor, target: TargetTable, entry: ManifestEntry
) -> dict[str, int]:
    sequences = {}
    for column in target.columns:
        if column.sequence:
            floor = (entry.auto_increment or 1) - 1
            cur.execute(
                q.set_sequence(column.sequence, target.schema, target.name, column.name, floor)
            )
            sequences[column.sequence] = cur.fetchone()[0] + 1
    return sequences


# --- foreign_keys: enforced: every table of the source in one transaction ----------------------


@dataclass(frozen=True)
class LoadItem:
    target: TargetTable
    csv_path: Path
    entry: ManifestEntry
    keep_parents_of: tuple[ForeignKey, ...] = ()


class SourceLoadFailed(Exception):
    """The source's one transaction rolled back: the target kept every table's rows.
    `table` is the table that failed (None: the transaction itself, e.g. a lost connection);
    every other table was rolled back with it."""

    def __init__(self, table: str | None, error: Exception):
        super().__init__(str(error))
        self.table, self.error = table, error


def load_in_foreign_key_order(
    postgres: PostgresServer,
    database: str,
    items: list[LoadItem],
    order: list[str],
    *,
    source: str,
    run: str,
    progress: Progress | None = None,
) -> dict[str, LoadResult]:
    """Load `items` with their foreign keys enforced (no superuser needed), all or none, in one
    transaction: locked, their rows kept for rollback, emptied children first, COPYed parents
    first (`order`: parents first), deferred constraints checked, sequences set, commit."""
    by_name = {item.target.name: item for item in items}
    for name in order:
        where = f"{source}.{name}"
        try:
            _check_entry(where, by_name[name].entry)
        except LoadError as e:
            raise SourceLoadFailed(name, e) from None
    headers = {name: read_header(by_name[name].csv_path) for name in order}
    results: dict[str, LoadResult] = {}
    current: str | None = None  # the table the statement running is about
    with q.reused(postgres, database) as conn:
        try:
            q.ensure_rollback_store(conn, database)
            with conn.transaction(), conn.cursor() as cur:
                # DEFERRABLE foreign keys (cycles among them included) are checked at the end.
                cur.execute(q.defer_constraints())
                for current in sorted(order):  # one lock order: two loads never deadlock
                    cur.execute(q.lock_table(by_name[current].target))
                # Every backup before anything is emptied: an ON DELETE action of one table
                # may change another's rows.
                for current in order:
                    q.keep_preload_rows(cur, by_name[current].target, source, run)
                for current in reversed(order):
                    cur.execute(q.empty_table(by_name[current].target))
                for current in order:
                    item, started = by_name[current], time.monotonic()
                    feed = file_feed(item.csv_path, item.entry, source, current, progress)
                    copied, _ = _copy(cur, item.target, headers[current], feed)
                    cur.execute(q.count_rows(item.target.schema, current))
                    count = cur.fetchone()[0]
                    results[current] = LoadResult(
                        current, copied, count, time.monotonic() - started, {}
                    )
                current = None
                cur.execute(q.check_deferred_constraints())
                for current in order:
                    item = by_name[current]
                    _keep_parents(cur, item.target, f"{source}.{current}", item.keep_parents_of)
                    sequences = _set_sequences(cur, item.target, item.entry)
                    results[current] = replace(results[current], sequences=sequences)
                    q.record_load(cur, item.target, source, run, results[current].rows)
                current = None
        except LoadError as e:
            raise SourceLoadFailed(current, e) from None
        except q.RollbackStoreError as e:
            raise SourceLoadFailed(None, LoadError(f"{source}: not loaded: {e}")) from None
        except (psycopg.DataError, psycopg.IntegrityError) as e:
            raise _enforced_refusal(e, current, by_name, source) from None
        except psycopg.Error as e:
            where = f"{source}.{current}" if current else source
            raise SourceLoadFailed(
                current,
                LoadError(
                    f"{where}: {q.error_text(e)}",
                    transient=isinstance(e, psycopg.OperationalError),
                ),
            ) from None
    return results


def _enforced_refusal(
    e: psycopg.Error, current: str | None, items: dict[str, LoadItem], source: str
) -> SourceLoadFailed:
    """Whose fault a refusal is: a value COPY refused is the table being copied's (named by its
    CSV record); a foreign key checked later (emptying a parent, a deferred check) is the
    table PostgreSQL names."""
    if current is not None and e.diag.context and "COPY" in e.diag.context:
        return SourceLoadFailed(current, _rejected(e, items[current].csv_path))
    table = e.diag.table_name if e.diag.table_name in items else current
    where = f"{source}.{table}" if table else source
    return SourceLoadFailed(table, LoadError(f"{where}: not loaded: {q.error_text(e)}"))


def read_header(csv_path: Path) -> list[str]:
    with csv_path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))
