"""The table runner: each table's work (live preflight, export, load, verification), run in
threads, reported as one stream of outcomes. It knows nothing of Dagster; the asset layer
turns each outcome into the result of the asset it concerns.

Per table, in order: `Exported` (the CSV is in place and counted), `Loaded` (the load is
committed; its row counts), `Verified` (content parity), or, at whichever point it stopped,
`TableFailed` with the reason a person can act on (a blocked table, a miscounted CSV, a value
PostgreSQL refused, a lost server).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import psycopg
import pymysql

from .catalog import Table
from .config import SourceConfig, redact
from .conversion import TablePlan
from .export import ExportError, ExportResult, Snapshot
from .fk_order import ForeignKeyCycle, load_order
from .load import (
    LoadError,
    LoadItem,
    LoadResult,
    SourceLoadFailed,
    Write,
    load_in_foreign_key_order,
    load_rows,
    load_table,
)
from .manifest import ManifestEntry, entry_for, file_sha256, record_table
from .migration_log import append_event, log_location, make_event
from .mysql import MySQLServer, SourceError, discover, server_version, table_sizes
from .parity import ParityError, ParityResult, SourceFingerprint, content_parity, target_sums
from .postgres import (
    PostgresServer,
    TargetError,
    firing_triggers,
    read_role_rights,
    read_target_schema,
)
from .preflight import (
    Finding,
    TableBlocked,
    enforced_findings,
    foreign_keys_into,
    not_null_suspects,
    rights_findings,
    table_findings,
)
from .refusals import RefusedValue, RejectedByPostgres, diagnose_load
from .storage import Location
from .target_schema import TargetTable

TOOL_VERSION = "0.1.0"
# A long table's progress line (rows done, rows/s, ETA) at most this often: each is an event
# Dagster stores.
PROGRESS_SECONDS = 5.0


@dataclass(frozen=True)
class TableWork:
    """A table and which of its two steps this run takes."""

    table: Table
    export: bool
    load: bool


@dataclass(frozen=True)
class RunFiles:
    """Where one run of a source keeps its files: `<export dir>/<source>/<run>/`."""

    export_dir: Location  # a local directory or an object store's prefix (storage.py)
    source: str
    run: str

    @property
    def run_dir(self) -> Location:
        return self.export_dir / self.source / self.run

    @property
    def log(self) -> Location:
        return log_location(self.export_dir)

    @staticmethod
    def file_stem(table: str) -> str:
        """The table's name as a file name: MySQL allows `/` in a table name, so it is
        escaped as `%2F` (and `%` as `%25`, so `a/b` and `a%2Fb` stay apart); replacing it
        with `_` made `a/b` and `a_b` write the same CSV file."""
        return table.replace("%", "%25").replace("/", "%2F")

    @classmethod
    def csv_name(cls, table: str) -> str:
        return f"{cls.file_stem(table)}.csv"

    @classmethod
    def fingerprint_name(cls, table: str) -> str:
        return f"{cls.file_stem(table)}.fingerprint.json"

    def csv(self, table: str) -> Location:
        return self.run_dir / self.csv_name(table)


# --- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """The table's CSV is in place, listed in the manifest, and holds exactly the rows MySQL
    counted in the export's snapshot."""

    table: Table
    result: ExportResult


@dataclass(frozen=True)
class RowCounts:
    """One table's rows at each stage: equal, or the load's row_count check fails."""

    mysql: int  # exact COUNT(*) in the export's snapshot
    csv: int
    copied: int  # rows COPY reported
    postgres: int  # count(*) in the load's own transaction, before commit

    @property
    def equal(self) -> bool:
        return self.mysql == self.csv == self.copied == self.postgres


@dataclass(frozen=True)
class Loaded:
    """The table's load is committed."""

    table: Table
    target: TargetTable
    result: LoadResult
    entry: ManifestEntry
    csv: Location

    @property
    def row_counts(self) -> RowCounts:
        e = self.entry
        mysql = e.snapshot_rows if e.snapshot_rows is not None else e.rows
        return RowCounts(mysql, e.rows, self.result.rows, self.result.count)


@dataclass(frozen=True)
class Verified:
    """Content parity of a committed load: its result, or why it could not be computed
    (a failure to look at, never a pass)."""

    table: Table
    parity: ParityResult | None
    unavailable: str | None
    mysql_side_taken: str


@dataclass(frozen=True)
class TableFailed:
    """The table stopped; `export_again`: its CSV cannot be loaded as it is (the export
    failed, or PostgreSQL refused one of its values), so a re-run exports it again."""

    work: TableWork
    error: BaseException
    export_again: bool

    @property
    def reason(self) -> str:
        return failure_reason(self.error)

    @property
    def blocked(self) -> bool:
        """Stopped by its live preflight, before it moved."""
        return isinstance(self.error, TableBlocked)


Outcome = Exported | Loaded | Verified | TableFailed
Emit = Callable[[Outcome], None]


class ValueRefused(LoadError):
    """COPY refused a value of the CSV; the target kept its previous rows."""

    def __init__(self, refused: RefusedValue):
        super().__init__(f"{refused}; the target kept its previous rows")
        self.refused = refused


class ExportMiscounted(Exception):
    """The CSV's rows differ from MySQL's COUNT(*) in the export's own snapshot: not loaded."""


# --- the runner --------------------------------------------------------------------------------


class TableRunner:
    """Moves the tables of one run of one source, `parallel` at a time."""

    def __init__(
        self,
        source: SourceConfig,
        files: RunFiles,
        mysql: MySQLServer,
        postgres: PostgresServer,
        parallel: int,
        log: Callable[[str], None],
    ):
        self.source, self.files, self.run = source, files, files.run
        self.mysql, self.postgres = mysql, postgres
        self.parallel, self.log = parallel, log

    def migrate(self, work: list[TableWork], moved: frozenset[str]) -> Iterator[Outcome]:
        """Every table's outcomes as they happen. `moved`: every table the source loads, in
        this runner or another (a load keeps the parents of foreign keys from them)."""
        if not work:
            return
        targets, plans = self.preflight(
            [w.table for w in work], {w.table.name for w in work if w.load}
        )
        with self.mysql.connect(self.source.mysql_database) as conn, conn.cursor() as cur:
            version = server_version(cur)
            sizes = table_sizes(cur, self.source.mysql_database)
        work = largest_and_smallest_alternating(work, lambda w: sizes.get(w.table.name, 0))
        export_info = {
            "run": self.run,
            "source": self.source.name,
            "source_database": self.source.mysql_database,
            "source_type": "mysql",
            "mysql_version": version,
            "tool": "converge_assets",
            "tool_version": TOOL_VERSION,
        }
        self.log(f"{self.source.name}: migrating {len(work)} table(s), {self.parallel} at a time")
        started = time.monotonic()
        failed: dict[str, str] = {}
        # Each table's snapshot lives on in a helper thread after its CSV is written, to take
        # the content fingerprint while the table loads (one helper per table at most).
        with ThreadPoolExecutor(self.parallel, thread_name_prefix="snapshot") as helpers:
            steps = _TableSteps(self, helpers, targets, plans, moved, export_info)
            if self.source.enforces_foreign_keys:
                outcomes = steps.migrate_in_foreign_key_order(work)
            else:
                outcomes = run_in_parallel(work, steps.migrate, self.parallel)
            for outcome in outcomes:
                if isinstance(outcome, TableFailed):
                    failed[outcome.work.table.name] = outcome.reason
                yield outcome
        summary = (
            f"{len(work) - len(failed)} of {len(work)} table(s) migrated in "
            f"{time.monotonic() - started:.1f}s"
        )
        append_event(
            self.files.log,
            make_event(
                "in_progress",
                summary + "".join(f"; {t} failed: {why}" for t, why in failed.items()),
                run=self.run,
                source=self.source.name,
            ),
        )

    def preflight(
        self, tables: list[Table], loading: set[str]
    ) -> tuple[dict[str, TargetTable], dict[str, TablePlan | Exception]]:
        """Each table's plan, decided on the live servers: a table whose live MySQL definition
        differs from its catalog entry, that its live PostgreSQL table cannot take, or that
        the loading role lacks a right to load (`loading`: the tables this runner loads), gets
        a `TableBlocked` with the findings instead."""
        with self.postgres.connect(self.source.postgres_database) as conn:
            targets = read_target_schema(conn, self.source.postgres_schema)
            access = access_findings(conn, self.source, targets, [t.name for t in tables], loading)
        with self.mysql.connect(self.source.mysql_database) as conn:
            live = discover(
                conn, self.source.name, self.source.mysql_database, only=[t.name for t in tables]
            )
        plans: dict[str, TablePlan | Exception] = {}
        for table in tables:
            findings, plan = table_findings(
                self.source.name,
                self.source.postgres_schema,
                table,
                live.get(table.name),
                targets.get(table.name),
                self.source.transforms.get(table.name),
            )
            findings += access.get(table.name, [])
            plans[table.name] = (
                TableBlocked(self.source.name, table.name, findings) if findings else plan
            )
        return targets, plans

    def progress(self, verb: str, unit: str) -> Callable[[str, int, int, float], None]:
        """One table's progress reporter: a line every PROGRESS_SECONDS of its work."""
        shown = [0.0]

        def report(table: str, done: int, total: int, seconds: float) -> None:
            if seconds - shown[0] < PROGRESS_SECONDS:
                return
            shown[0] = seconds
            rate = done / seconds if seconds else 0
            eta = (total - done) / rate if rate and total > done else 0
            pct = f"{100 * done / total:.0f}%" if total else "?"
            self.log(
                f"{verb} {self.source.name}.{table}: {done:,}/{total:,} {unit} ({pct}), "
                f"{rate:,.0f} {unit}/s, ETA {eta:.0f}s"
            )

        return report

    def exported_entry(self, table: str) -> ManifestEntry:
        """The manifest entry of the table's export in this run: what its load reads."""
        entry = entry_for(self.files.run_dir, table)
        if entry is None:
            raise LoadError(
                f"{self.source.name}.{table}: no export in run {self.run!r}; "
                "materialise its export asset first"
            )
        return entry

    def stored_fingerprint(self, table: Table, plan: TablePlan) -> tuple[SourceFingerprint, str]:
        """The fingerprint an earlier export kept beside its CSV, and when it was taken.

        If the export's process died before taking it, it is taken now instead: exact as long
        as the source did not change since the export (source_drift says if it did)."""
        entry = entry_for(self.files.run_dir, table.name)
        if entry is None or entry.fingerprint is None:
            with Snapshot(self.mysql, self.source, table, plan) as snapshot:
                return snapshot.fingerprint(self.postgres), "now (the export's was lost)"
        path = self.files.run_dir / entry.fingerprint
        if not path.exists() or file_sha256(path)[0] != entry.fingerprint_sha256:
            raise ParityError(
                f"{self.source.name}.{table.name}: {entry.fingerprint} is missing or no longer "
                "matches the manifest"
            )
        return SourceFingerprint.read(path), "in the export's snapshot"

    def not_loaded_because(self, table: str, culprits: list[str], why: str = "") -> LoadError:
        return LoadError(
            f"{self.source.name}.{table}: not loaded: {', '.join(culprits)} failed"
            + (f" ({why})" if why else "")
            + "; with foreign_keys: enforced the source's tables load in one transaction "
            "(a child cannot load without its parents), so none was loaded; the target kept "
            "its rows"
        )


@dataclass
class _RunningExport:
    """A table's export in its snapshot's helper thread: the CSV (`exported`), the load it
    feeds (`loaded`: None when it feeds none) and then the content fingerprint."""

    exported: Future[tuple[ExportResult, ManifestEntry]]
    loaded: Future[tuple[LoadResult, ManifestEntry]] | None
    fingerprint: Future[SourceFingerprint]


class _TableSteps:
    """One runner's per-table work, sharing the live preflight's targets and plans."""

    def __init__(
        self,
        runner: TableRunner,
        helpers: ThreadPoolExecutor,
        targets: dict[str, TargetTable],
        plans: dict[str, TablePlan | Exception],
        moved: frozenset[str],
        export_info: dict,
    ):
        self.r, self.helpers = runner, helpers
        self.targets, self.plans, self.moved, self.export_info = targets, plans, moved, export_info

    def migrate(self, work: TableWork, emit: Emit) -> None:
        """Export and load one table, emitting each outcome as soon as it exists. When both
        run, the export feeds the load as it writes the CSV: one scan of MySQL, and the load
        commits once the file is complete, in the manifest and counted."""
        table, plan = work.table, self.plan(work)
        running = self.export(table, plan, feeds_load=work.load) if work.export else None
        if running:
            emit(Exported(table, running.exported.result()[0]))
        if not work.load:
            if running:
                running.fingerprint.result()  # its failure is the table's
            return
        target = self.targets[table.name]
        try:
            if running and running.loaded:
                result, entry = running.loaded.result()
            else:
                entry = self.r.exported_entry(table.name)
                result = load_table(
                    self.r.postgres,
                    self.r.source.postgres_database,
                    target,
                    self.r.files.run_dir / entry.file,
                    entry,
                    source=self.r.source.name,
                    run=self.r.run,
                    progress=self.r.progress("loading", "bytes"),
                    keep_parents_of=foreign_keys_into(self.targets, table.name, self.moved),
                )
        except RejectedByPostgres as e:
            refused = diagnose_load(self.r.mysql, self.r.source, table, plan, e)
            raise ValueRefused(refused) from None
        emit(Loaded(table, target, result, entry, self.r.files.run_dir / entry.file))
        emit(self.verify(table, plan, running.fingerprint if running else None))

    def plan(self, work: TableWork) -> TablePlan:
        """The table's plan; a table its live preflight blocked raises why."""
        plan = self.plans[work.table.name]
        if isinstance(plan, Exception):
            raise plan
        return plan

    def prepare(self, work: TableWork, emit: Emit) -> Future[SourceFingerprint] | None:
        """The table's preflight verdict, then its export if selected, with no load: the
        fingerprint being taken in the export's snapshot (None without an export)."""
        plan = self.plan(work)
        if not work.export:
            return None
        running = self.export(work.table, plan, feeds_load=False)
        emit(Exported(work.table, running.exported.result()[0]))
        return running.fingerprint

    def export(self, table: Table, plan: TablePlan, feeds_load: bool) -> _RunningExport:
        """Write the CSV in the table's snapshot (into the load as well, if `feeds_load`),
        then take the content fingerprint in that snapshot, overlapping what follows."""
        files, run_dir = self.r.files, self.r.files.run_dir
        path = files.csv(table.name)
        exported: Future[tuple[ExportResult, ManifestEntry]] = Future()
        loaded: Future[tuple[LoadResult, ManifestEntry]] | None = Future() if feeds_load else None

        def write_csv(snapshot: Snapshot, tee: Write | None = None) -> ManifestEntry:
            verb = "exporting and loading" if tee else "exporting"
            result = snapshot.export(path, self.r.progress(verb, "rows"), tee)
            entry = result.manifest_entry(table.column_names)
            record_table(run_dir, table.name, entry, self.export_info)
            if result.rows != result.snapshot_rows:
                raise ExportMiscounted(
                    f"{self.r.source.name}.{table.name}: the CSV has {result.rows} rows, MySQL "
                    f"counted {result.snapshot_rows} in the same snapshot; not loaded"
                )
            exported.set_result((result, entry))
            return entry

        def load_while_exporting(snapshot: Snapshot) -> tuple[LoadResult, ManifestEntry]:
            return load_rows(
                self.r.postgres,
                self.r.source.postgres_database,
                self.targets[table.name],
                table.column_names,
                lambda write: write_csv(snapshot, write),
                path,
                source=self.r.source.name,
                run=self.r.run,
                keep_parents_of=foreign_keys_into(self.targets, table.name, self.moved),
            )

        def export_then_fingerprint() -> SourceFingerprint:
            try:
                not_null = tuple(not_null_suspects(table, self.targets[table.name]))
                with Snapshot(self.r.mysql, self.r.source, table, plan, not_null) as snapshot:
                    if loaded is None:
                        write_csv(snapshot)
                    else:
                        try:
                            loaded.set_result(load_while_exporting(snapshot))
                        except Exception as e:
                            # A refused value's CSV is exported again: no fingerprint for it.
                            if not exported.done() or isinstance(e, RejectedByPostgres):
                                raise
                            # The CSV is whole: a re-run loads it, against this fingerprint.
                            loaded.set_exception(e)
                    fingerprint = snapshot.fingerprint(self.r.postgres)
            except BaseException as e:
                for future in (exported, loaded):
                    if future is not None and not future.done():
                        future.set_exception(e)
                raise
            entry = exported.result()[1]
            name = files.fingerprint_name(table.name)
            sha = fingerprint.write(run_dir / name)
            record_table(
                run_dir,
                table.name,
                replace(entry, fingerprint=name, fingerprint_sha256=sha),
                self.export_info,
            )
            return fingerprint

        return _RunningExport(exported, loaded, self.helpers.submit(export_then_fingerprint))

    def verify(
        self, table: Table, plan: TablePlan, fingerprint: Future[SourceFingerprint] | None
    ) -> Verified:
        """Content parity of a committed load: the loaded table's sums are taken while the
        export's snapshot may still be taking the MySQL side."""
        taken = "in the export's snapshot"
        try:
            schema = self.targets[table.name].schema
            loaded = target_sums(self.r.postgres, self.r.source, table, schema, plan)
            if fingerprint is not None:
                source_side = fingerprint.result()
            else:
                source_side, taken = self.r.stored_fingerprint(table, plan)
            parity = content_parity(
                self.r.mysql,
                self.r.postgres,
                self.r.source,
                table,
                schema,
                plan,
                source_side,
                loaded,
            )
        except ParityError as e:
            return Verified(table, None, str(e), taken)
        return Verified(table, parity, None, taken)

    # --- foreign_keys: enforced -----------------------------------------------------------------

    def migrate_in_foreign_key_order(self, work: list[TableWork]) -> Iterator[Outcome]:
        """Exports in parallel, then every load in one transaction, parents first, foreign
        keys enforced (no superuser needed), then the verification of the committed loads in
        parallel. A child cannot load without its parents, so one table that fails fails
        them all: each says so, and the target keeps every table's rows."""
        fingerprints: dict[str, Future[SourceFingerprint] | None] = {}

        def export(w: TableWork, emit: Emit) -> None:
            fingerprints[w.table.name] = self.prepare(w, emit)
            if not w.load and fingerprints[w.table.name] is not None:
                fingerprints[w.table.name].result()  # its failure is the table's

        failed: list[str] = []
        for outcome in run_in_parallel(work, export, self.r.parallel):
            if isinstance(outcome, TableFailed):
                failed.append(outcome.work.table.name)
            yield outcome
        loading = [w for w in work if w.load and w.table.name not in failed]
        if not loading:
            return
        if failed:
            for w in loading:
                why = self.r.not_loaded_because(w.table.name, sorted(failed))
                yield TableFailed(w, why, export_again=False)
            return
        try:
            loaded = self.load_together(loading)
        except ValueRefused as e:
            yield from self.all_failed(loading, e.refused.table, e)
            return
        except SourceLoadFailed as e:
            yield from self.all_failed(loading, e.table, e.error)
            return
        yield from loaded  # committed: now each table's load is real
        yield from run_in_parallel(
            loading,
            lambda w, emit: emit(
                self.verify(w.table, self.plans[w.table.name], fingerprints.get(w.table.name))
            ),
            self.r.parallel,
        )

    def load_together(self, loading: list[TableWork]) -> list[Loaded]:
        names = [w.table.name for w in loading]
        entries = {}
        for name in names:
            try:
                entries[name] = self.r.exported_entry(name)
            except LoadError as e:
                raise SourceLoadFailed(name, e) from None
        run_dir = self.r.files.run_dir
        items = [
            LoadItem(
                self.targets[name],
                run_dir / entries[name].file,
                entries[name],
                tuple(foreign_keys_into(self.targets, name, self.moved)),
            )
            for name in names
        ]
        try:
            order = load_order(self.targets, names)
        except ForeignKeyCycle as e:  # the preflight blocks these; the schema changed since
            raise SourceLoadFailed(
                None, LoadError(f"{self.r.source.name}: not loaded: {e}")
            ) from None
        try:
            results = load_in_foreign_key_order(
                self.r.postgres,
                self.r.source.postgres_database,
                items,
                order,
                source=self.r.source.name,
                run=self.r.run,
                progress=self.r.progress("loading", "bytes"),
            )
        except SourceLoadFailed as e:
            if isinstance(e.error, RejectedByPostgres):
                table = next(w.table for w in loading if w.table.name == e.table)
                plan = self.plans[e.table]
                refused = diagnose_load(self.r.mysql, self.r.source, table, plan, e.error)
                raise ValueRefused(refused) from None
            raise
        return [
            Loaded(
                w.table,
                self.targets[w.table.name],
                results[w.table.name],
                entries[w.table.name],
                run_dir / entries[w.table.name].file,
            )
            for w in loading
        ]

    def all_failed(
        self, loading: list[TableWork], culprit: str | None, error: BaseException
    ) -> Iterator[TableFailed]:
        """The transaction rolled back: the culprit fails with its own error, every other
        table because of it (a failure of the transaction itself is every table's)."""
        for w in loading:
            if culprit is None or w.table.name == culprit:
                yield TableFailed(w, error, export_again=isinstance(error, ValueRefused))
            else:
                why = self.r.not_loaded_because(w.table.name, [culprit], failure_reason(error))
                yield TableFailed(w, why, export_again=False)


def access_findings(
    conn: psycopg.Connection,
    source: SourceConfig,
    targets: dict[str, TargetTable],
    tables: list[str],
    loading: Iterable[str],
) -> dict[str, list[Finding]]:
    """Per table, what the connected role lacks to load it (the GRANT that gives it) and, with
    `foreign_keys: enforced`, what keeps `loading` from loading in foreign-key order."""
    schema = source.postgres_schema
    present = [targets[t] for t in tables if t in targets]
    rights = read_role_rights(conn, schema, present)
    found = rights_findings(rights, source.enforces_foreign_keys, [t.name for t in present])
    if source.enforces_foreign_keys:
        triggers = firing_triggers(conn, schema)
        for table, findings in enforced_findings(targets, loading, triggers).items():
            found.setdefault(table, []).extend(findings)
    return found


# --- running tables side by side ---------------------------------------------------------------


def largest_and_smallest_alternating(items: list, size: Callable[[object], int]) -> list:
    """The order tables start in: the largest first (its export, load and checks are the run's
    longest chain), then the smallest, the second largest, the second smallest, and so on.
    A large table keeps the servers busy while the main thread records outcomes; a small one
    is mostly bookkeeping, so mixing them overlaps the two (measured in docs/benchmarks.md)."""
    by_size = sorted(items, key=lambda item: -size(item))
    order = []
    while by_size:
        order.append(by_size.pop(0))
        if by_size:
            order.append(by_size.pop())
    return order


@dataclass(frozen=True)
class Raised:
    """`in_threads`: the work of `item` raised `error`."""

    item: object
    error: Exception


def in_threads(
    items: list, work: Callable[[object, Callable[[object], None]], None], max_workers: int
) -> Iterator[object]:
    """Run `work(item, emit)` in threads; yield what they emit as it arrives, and a `Raised`
    for every item whose work raised, as it raises."""
    events: queue.Queue = queue.Queue()

    def guarded(item: object) -> None:
        try:
            work(item, events.put)
        except Exception as e:  # reported per item, never lost
            events.put(Raised(item, e))

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="table") as pool:
        futures = [pool.submit(guarded, item) for item in items]
        while not all(f.done() for f in futures) or not events.empty():
            try:
                yield events.get(timeout=0.1)
            except queue.Empty:
                continue


def run_in_parallel(
    work: list[TableWork], step: Callable[[TableWork, Emit], None], max_workers: int
) -> Iterator[Outcome]:
    """Each table's `step` in threads; a table whose step raised ends with `TableFailed`."""
    exported: set[str] = set()
    for event in in_threads(work, step, max_workers):
        if isinstance(event, Exported):
            exported.add(event.table.name)
        if isinstance(event, Raised):
            w, e = event.item, event.error
            again = w.export and w.table.name not in exported or isinstance(e, ValueRefused)
            yield TableFailed(w, e, export_again=again)
        else:
            yield event


# Errors whose own text says what went wrong, source and table included.
EXPECTED_ERRORS = (
    TableBlocked,
    RefusedValue,
    LoadError,
    ExportError,
    ExportMiscounted,
    SourceError,
    TargetError,
    ParityError,
)


def failure_reason(error: BaseException) -> str:
    """One line a person can act on; an unexpected error keeps its type's name."""
    text = redact(str(error).strip() or type(error).__name__)
    if isinstance(error, EXPECTED_ERRORS):
        return text
    if isinstance(error, pymysql.MySQLError | psycopg.Error):
        return f"{type(error).__name__}: {text}"
    return f"unexpected {type(error).__name__}: {text}"


def is_transient(error: BaseException) -> bool:
    """A lost, refused or reset connection (a server restarting, a network cut): worth a
    retry. Everything else (a refused value, a schema problem, a full disk) is not."""
    if isinstance(error, SourceError | TargetError | psycopg.OperationalError):
        return True
    if isinstance(error, LoadError):
        return error.transient
    return isinstance(error, pymysql.err.OperationalError) and error.args[:1] in (
        (2003,),  # can't connect
        (2006,),  # server has gone away
        (2013,),  # lost connection during query
        (1053,),  # server shutdown in progress
        (1927,),  # connection was killed
    )


class RunProgress:
    """Tables done out of the runner's tables, rows loaded and an ETA, for a log line as tables
    end: what a person watching the run page (or a log file) sees move. At most one line a
    second (each is an event Dagster stores), and one for the last table and each failure."""

    EVERY_SECONDS = 1.0

    def __init__(self, source: str, work: list[TableWork]):
        self.source, self.total, self.started = source, len(work), time.monotonic()
        self.shown = float("-inf")
        self.loads = {w.table.name for w in work if w.load}
        self.ended: set[str] = set()
        self.failed = self.rows = 0
        self.last = ""

    def record(self, outcome: Outcome) -> bool:
        """Count the outcome; whether a line is due: it ended a table (its verification, the
        export of a table not loaded here, or its failure) and the last line is a second old,
        or it was the last table or a failure."""
        if isinstance(outcome, Loaded):
            self.rows += outcome.result.count
            return False
        if isinstance(outcome, TableFailed):
            self.failed += 1
            table = outcome.work.table.name
        elif isinstance(outcome, Verified) or (
            isinstance(outcome, Exported) and outcome.table.name not in self.loads
        ):
            table = outcome.table.name
        else:
            return False
        if table in self.ended:
            return False
        self.ended.add(table)
        self.last = table
        now = time.monotonic()
        due = now - self.shown >= self.EVERY_SECONDS
        if due or len(self.ended) == self.total or isinstance(outcome, TableFailed):
            self.shown = now
            return True
        return False

    def line(self) -> str:
        done, elapsed = len(self.ended), time.monotonic() - self.started
        eta = elapsed / done * (self.total - done) if done else 0
        failed = f" ({self.failed} failed)" if self.failed else ""
        return (
            f"{self.source}: {done}/{self.total} tables done{failed}, {self.rows:,} rows "
            f"loaded, {elapsed:.0f}s, ETA {eta:.0f}s; last: {self.last}"
        )
