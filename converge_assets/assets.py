"""Asset factories: catalog entries in, Dagster assets out.

Per table T of source S (keys chosen by `ConvergeTranslator`):
    mysql/S/T  ->  csv/S/T (export)  ->  postgres/S/T (load)
Per source S:
    S/target_schema (preflight)  ->  every export and load
    every export -> S/migration_manifest;  every load + manifest -> S/migration_run

As dagster-sling does, tables are `AssetSpec`s inside subsettable `multi_asset`s: a run costs a
few steps per source (Dagster starts a process per step), tables run in parallel inside the
step, and each table is still its own asset with its own lineage, checks and status.
"""

import hashlib
import queue
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import pymysql
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    Backoff,
    DagsterEventType,
    DynamicPartitionsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    TableColumn,
    TableColumnConstraints,
    TableSchema,
    multi_asset,
)

from . import checks, dagster_patches
from .engine.catalog import Catalog, Table
from .engine.config import ConvergeConfig, SourceConfig, redact
from .engine.conversion import TablePlan
from .engine.export import ExportError, ExportResult, Snapshot
from .engine.fk_order import ForeignKeyCycle, load_order
from .engine.load import (
    LoadError,
    LoadItem,
    LoadResult,
    SourceLoadFailed,
    load_in_foreign_key_order,
    load_table,
)
from .engine.manifest import ManifestEntry, entry_for, file_sha256, record_table
from .engine.migration_log import append_event, make_event
from .engine.mysql import SourceError, discover, table_sizes
from .engine.mysql import server_version as mysql_server_version
from .engine.parity import ParityError, SourceFingerprint, content_parity
from .engine.postgres import TargetError, firing_triggers, read_role_rights, read_target_schema
from .engine.preflight import (
    Finding,
    TableBlocked,
    enforced_findings,
    foreign_keys_into,
    not_null_suspects,
    rights_findings,
    table_findings,
)
from .engine.refusals import RefusedValue, RejectedByPostgres, diagnose_load
from .engine.target_schema import ForeignKey, TargetTable
from .partition_status import (
    FAILED_TABLES,
)
from .resources import MySQLResource, PostgresResource

MIGRATION_RUN = DynamicPartitionsDefinition(name="migration_run")
TOOL_VERSION = "0.1.0"
SYSTEMS = ("mysql", "csv", "postgres")  # the first part of every table's asset key


class ConvergeTranslator:
    """Owns naming: asset keys, resource keys and file paths for sources and tables."""

    def asset_name(self, table: str) -> str:
        """Dagster names are [A-Za-z0-9_]; other characters become '_' plus a short hash of
        the real name, so `query-result-cache` and `query_result_cache` never collide."""
        name = re.sub(r"[^A-Za-z0-9_]", "_", table)
        if name != table:
            name += "_" + hashlib.sha1(table.encode()).hexdigest()[:6]
        return name

    def source_table_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["mysql", source, self.asset_name(table)])

    def export_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["csv", source, self.asset_name(table)])

    def load_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["postgres", source, self.asset_name(table)])

    def target_schema_key(self, source: str) -> AssetKey:
        return AssetKey([source, "target_schema"])

    def manifest_key(self, source: str) -> AssetKey:
        return AssetKey([source, "migration_manifest"])

    def migration_run_key(self, source: str) -> AssetKey:
        return AssetKey([source, "migration_run"])

    def source_of(self, key: AssetKey) -> str:
        """The source an asset key belongs to (table keys: system/source/table)."""
        return key.path[1] if key.path[0] in SYSTEMS else key.path[0]

    def group_name(self, source: str, system: str | None = None) -> str:
        """A group per layer of a source (its MySQL tables, CSVs and PostgreSQL tables) and one
        for its run-level assets: the graph draws each as a box of its own."""
        return f"{source}_{system or 'run'}"

    def job_selection(self, source: str) -> AssetSelection:
        """What a migration run of the source materialises: everything but the MySQL tables."""
        return AssetSelection.groups(
            self.group_name(source),
            self.group_name(source, "csv"),
            self.group_name(source, "postgres"),
        )

    def migrate_job_name(self, source: str) -> str:
        return f"migrate_{source}"

    def observe_job_name(self, source: str) -> str:
        return f"observe_{source}"

    def rerun_job_name(self, source: str, kind: str) -> str:
        """The UI's re-run of a source's partition: `only_failed` or `cutover`."""
        return f"rerun_failed_{source}" if kind == "only_failed" else f"cutover_{source}"

    def verdict_job_name(self) -> str:
        """Records a partition's verdict after a run that failed before reaching it."""
        return "record_migration_verdict"

    def verdict_sensor_name(self) -> str:
        """Runs the verdict job for a run that failed (launched from the UI or a schedule)."""
        return "record_failed_migration_runs"

    def mysql_resource_key(self, source: str) -> str:
        return f"mysql_{source}"

    def postgres_resource_key(self, source: str) -> str:
        return f"postgres_{source}"

    def run_dir(self, export_dir: Path, source: str, run: str) -> Path:
        return export_dir / source / run

    def file_stem(self, table: str) -> str:
        """The table's name as a file name: MySQL allows `/` in a table name, so it is
        escaped as `%2F` (and `%` as `%25`, so `a/b` and `a%2Fb` stay apart); replacing it
        with `_` made `a/b` and `a_b` write the same CSV file."""
        return table.replace("%", "%25").replace("/", "%2F")

    def csv_name(self, table: str) -> str:
        return f"{self.file_stem(table)}.csv"

    def fingerprint_name(self, table: str) -> str:
        return f"{self.file_stem(table)}.fingerprint.json"


def column_schema(columns: Iterable[tuple[str, str, bool]]) -> TableSchema:
    """Dagster's column schema from (name, type, nullable) of each column."""
    return TableSchema(
        columns=[
            TableColumn(name=name, type=type_, constraints=TableColumnConstraints(nullable=null))
            for name, type_, null in columns
        ]
    )


def mysql_columns(table: Table) -> list[tuple[str, str, bool]]:
    return [(c.name, c.column_type, c.nullable) for c in table.columns]


def postgres_columns(target: TargetTable) -> list[tuple[str, str, bool]]:
    return [(c.name, c.data_type, c.nullable) for c in target.columns]


def table_specs(
    source: SourceConfig, table: Table, translator: ConvergeTranslator
) -> tuple[AssetSpec, AssetSpec]:
    """The export and load specs of one table. code_version hashes the catalog entry, so a
    changed source schema shows as a changed asset in the UI."""
    schema_key = translator.target_schema_key(source.name)
    export = AssetSpec(
        key=translator.export_key(source.name, table.name),
        deps=[translator.source_table_key(source.name, table.name), schema_key],
        description=(
            f"Exports MySQL table `{source.mysql_database}.{table.name}` to "
            f"`{source.name}/<run>/{translator.csv_name(table.name)}` in one consistent snapshot."
        ),
        group_name=translator.group_name(source.name, "csv"),
        kinds={"csv"},
        code_version=table.fingerprint(),
        partitions_def=MIGRATION_RUN,
        skippable=True,
        metadata={
            "source_table": f"{source.mysql_database}.{table.name}",
            "primary_key": ", ".join(table.primary_key) or "(none)",
            "dagster/column_schema": column_schema(mysql_columns(table)),
        },
    )
    load = AssetSpec(
        key=translator.load_key(source.name, table.name),
        deps=[export.key, schema_key],
        description=(
            f"Loads the CSV export into PostgreSQL table "
            f"`{source.postgres_database}.{source.postgres_schema}.{table.name}`: emptied and "
            "filled in one transaction, sequences set past the largest value."
        ),
        group_name=translator.group_name(source.name, "postgres"),
        kinds={"postgres"},
        code_version=table.fingerprint(),
        partitions_def=MIGRATION_RUN,
        skippable=True,
        metadata={
            "target_table": f"{source.postgres_database}.{source.postgres_schema}.{table.name}",
        },
    )
    return export, load


def table_check_specs(export: AssetSpec, load: AssetSpec) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            checks.TABLE_PREFLIGHT,
            asset=export.key,
            blocking=True,
            partitions_def=MIGRATION_RUN,
            description="Just before the table moves: its live MySQL definition is the one "
            "its catalog entry describes, its live PostgreSQL table can take every column "
            "(present, type pair supported, NOT NULL columns fed) and the loading role holds "
            "every right its load needs (a finding names the GRANT). A finding stops this table "
            "alone (with foreign_keys: enforced, every load of the source: they load together).",
        ),
        AssetCheckSpec(
            checks.EXPORT_ROW_COUNT,
            asset=export.key,
            blocking=True,
            partitions_def=MIGRATION_RUN,
            description="Rows in the CSV equal the exact COUNT(*) in the export's snapshot. "
            "Blocking: a failed count stops the table's load.",
        ),
        AssetCheckSpec(
            checks.ACCEPTED_BY_POSTGRES,
            asset=export.key,
            # Blocking: when it fails, Dagster's "re-execute from asset failure" exports the
            # table again (after the value is fixed in MySQL), not only its load.
            blocking=True,
            partitions_def=MIGRATION_RUN,
            description="PostgreSQL's COPY accepted every value of the CSV. Values PostgreSQL's "
            "input functions reject (2 into boolean, invalid JSON, ...) are not tested per row by "
            "the export; the load names the first one's column and row. Evaluated by the load.",
        ),
        AssetCheckSpec(
            checks.LOAD_ROW_COUNT,
            asset=load.key,
            partitions_def=MIGRATION_RUN,
            description="Rows copied = CSV rows = PostgreSQL count(*).",
        ),
        AssetCheckSpec(
            checks.CONTENT_PARITY,
            asset=load.key,
            partitions_def=MIGRATION_RUN,
            description="An order-independent fingerprint of the MySQL rows equals one of the "
            "PostgreSQL rows, values normalised per type; differing keys are named and their "
            "differing columns shown with both servers' values side by side.",
        ),
    ]


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


# --- the table step ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableWork:
    table: Table
    export: bool
    load: bool


class TableStep:
    """Everything one table-group step needs, and the per-table work it runs in threads."""

    def __init__(
        self,
        context: AssetExecutionContext,
        source: SourceConfig,
        translator: ConvergeTranslator,
        export_dir: Path,
        mysql: MySQLResource,
        postgres: PostgresResource,
        helpers: ThreadPoolExecutor,
    ):
        self.context = context
        # Each table's snapshot lives on in a helper thread after its CSV is written, to take
        # the content fingerprint while the table loads (one helper per table at most).
        self.helpers = helpers
        self.source = source
        self.translator = translator
        self.run = context.partition_key
        self.run_dir = translator.run_dir(export_dir, source.name, self.run)
        self.mysql = mysql
        self.postgres = postgres

    def preflight(
        self, tables: list[Table], loading: set[str]
    ) -> tuple[dict[str, TargetTable], dict[str, TablePlan | Exception]]:
        """Each table's plan, decided on the live servers: a table whose live MySQL definition
        differs from its catalog entry, that its live PostgreSQL table cannot take, or that
        the loading role lacks a right to load (`loading`: the tables this step loads), gets
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
        def report(table: str, done: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0
            eta = (total - done) / rate if rate and total > done else 0
            pct = f"{100 * done / total:.0f}%" if total else "?"
            self.context.log.info(
                f"{verb} {self.source.name}.{table}: {done:,}/{total:,} {unit} ({pct}), "
                f"{rate:,.0f} {unit}/s, ETA {eta:.0f}s"
            )

        return report

    def export(
        self, table: Table, plan: TablePlan, target: TargetTable, export_info: dict
    ) -> tuple[ExportResult, Future[SourceFingerprint]]:
        """Write the CSV in the table's snapshot. Returns once the file is in place; the
        content fingerprint is still being taken in that snapshot, overlapping the load."""
        path = self.run_dir / self.translator.csv_name(table.name)
        exported: Future[ExportResult] = Future()

        def export_then_fingerprint() -> SourceFingerprint:
            try:
                not_null = tuple(not_null_suspects(table, target))
                with Snapshot(self.mysql, self.source, table, plan, not_null) as snapshot:
                    result = snapshot.export(path, self.progress("exporting", "rows"))
                    entry = ManifestEntry(
                        file=path.name,
                        rows=result.rows,
                        columns=",".join(table.column_names),
                        bytes=result.bytes,
                        sha256=result.sha256,
                        exported_at=result.started_at,
                        snapshot_rows=result.snapshot_rows,
                        auto_increment=result.auto_increment,
                        source_update_time=result.source_update_time,
                    )
                    record_table(self.run_dir, table.name, entry, export_info)
                    exported.set_result(result)
                    fingerprint = snapshot.fingerprint(self.postgres)
            except BaseException as e:
                if not exported.done():
                    exported.set_exception(e)
                raise
            name = self.translator.fingerprint_name(table.name)
            sha = fingerprint.write(self.run_dir / name)
            record_table(
                self.run_dir,
                table.name,
                replace(entry, fingerprint=name, fingerprint_sha256=sha),
                export_info,
            )
            return fingerprint

        fingerprint = self.helpers.submit(export_then_fingerprint)
        return exported.result(), fingerprint

    def stored_fingerprint(self, table: Table, plan: TablePlan) -> tuple[SourceFingerprint, str]:
        """The fingerprint an earlier step's export kept beside its CSV, and when it was taken.

        If the export's process died before taking it, it is taken now instead: exact as long
        as the source did not change since the export (source_drift says if it did)."""
        entry = entry_for(self.run_dir, table.name)
        if entry is None or entry.fingerprint is None:
            with Snapshot(self.mysql, self.source, table, plan) as snapshot:
                return snapshot.fingerprint(self.postgres), "now (the export's was lost)"
        path = self.run_dir / entry.fingerprint
        if not path.exists() or file_sha256(path)[0] != entry.fingerprint_sha256:
            raise ParityError(
                f"{self.source.name}.{table.name}: {entry.fingerprint} is missing or no longer "
                "matches the manifest"
            )
        return SourceFingerprint.read(path), "in the export's snapshot"

    def exported_entry(self, table: str) -> ManifestEntry:
        """The manifest entry of the table's export in this run: what its load reads."""
        entry = entry_for(self.run_dir, table)
        if entry is None:
            raise LoadError(
                f"{self.source.name}.{table}: no export in run {self.run!r}; "
                "materialise its export asset first"
            )
        return entry

    def load(
        self, table: Table, target: TargetTable, plan: TablePlan, guarded: list[ForeignKey]
    ) -> tuple[LoadResult, ManifestEntry]:
        entry = self.exported_entry(table.name)
        try:
            result = load_table(
                self.postgres,
                self.source.postgres_database,
                target,
                self.run_dir / entry.file,
                entry,
                source=self.source.name,
                run=self.run,
                progress=self.progress("loading", "bytes"),
                keep_parents_of=guarded,
            )
        except RejectedByPostgres as e:
            refused = diagnose_load(self.mysql, self.source, table, plan, e)
            raise ValueRefused(refused) from None
        return result, entry

    def export_materialization(self, table: Table, r: ExportResult) -> MaterializeResult:
        metadata = {
            "dagster/row_count": r.rows,
            "path": MetadataValue.path(str(r.path)),
            "bytes": r.bytes,
            "sha256": r.sha256,
            "seconds": round(r.seconds, 3),
            "rows_per_second": round(r.rows / r.seconds) if r.seconds else 0,
            "dagster/column_schema": column_schema(mysql_columns(table)),
        }
        metadata.update({f"converted: {name}": n for name, n in r.conversions.items()})
        return MaterializeResult(
            asset_key=self.translator.export_key(self.source.name, table.name), metadata=metadata
        )

    def load_materialization(
        self, table: Table, target: TargetTable, r: LoadResult, entry: ManifestEntry
    ) -> MaterializeResult:
        return MaterializeResult(
            asset_key=self.translator.load_key(self.source.name, table.name),
            metadata={
                "dagster/row_count": r.count,
                "rows_loaded": r.rows,
                "seconds": round(r.seconds, 3),
                "rows_per_second": round(r.rows / r.seconds) if r.seconds else 0,
                "csv": MetadataValue.path(str(self.run_dir / entry.file)),
                "csv_sha256": entry.sha256,
                "target_table": f"{self.source.postgres_schema}.{table.name}",
                # The PostgreSQL table's own types (the definitions know only MySQL's).
                "dagster/column_schema": column_schema(postgres_columns(target)),
                **{f"sequence {seq}": nxt for seq, nxt in r.sequences.items()},
            },
        )

    def migrate(
        self,
        work: TableWork,
        plan: TablePlan | Exception,
        targets: dict[str, TargetTable],
        moved: set[str],
        export_info: dict,
        emit: Callable[[MaterializeResult | AssetCheckResult], None],
    ) -> None:
        """Export then load one table, emitting each result as soon as it exists."""
        table = work.table
        fingerprint = self.prepare(work, plan, targets, export_info, emit)
        if not work.load:
            if fingerprint is not None:
                fingerprint.result()  # its failure is the table's
            return
        target = targets[table.name]
        guarded = foreign_keys_into(targets, table.name, moved)
        export_key = self.translator.export_key(self.source.name, table.name)
        try:
            result, entry = self.load(table, target, plan, guarded)
        except ValueRefused as e:
            emit(checks.accepted_by_postgres(export_key, str(e.refused)))
            raise
        self.report_load(table, target, result, entry, emit)
        self.verify(table, plan, target, fingerprint, emit)

    def prepare(
        self,
        work: TableWork,
        plan: TablePlan | Exception,
        targets: dict[str, TargetTable],
        export_info: dict,
        emit: Callable[[MaterializeResult | AssetCheckResult], None],
    ) -> Future[SourceFingerprint] | None:
        """The table's preflight verdict, then its export if selected: the fingerprint being
        taken in the export's snapshot (None without an export)."""
        table = work.table
        export_key = self.translator.export_key(self.source.name, table.name)
        if isinstance(plan, TableBlocked):
            emit(checks.table_preflight(export_key, list(plan.findings)))
            raise plan
        if isinstance(plan, Exception):
            raise plan
        emit(checks.table_preflight(export_key, []))
        if not work.export:
            return None
        result, fingerprint = self.export(table, plan, targets[table.name], export_info)
        emit(self.export_materialization(table, result))
        check = checks.export_row_count(export_key, result.rows, result.snapshot_rows)
        emit(check)
        if not check.passed:
            raise LoadError(
                f"{self.source.name}.{table.name}: not loaded: blocking check "
                f"{checks.EXPORT_ROW_COUNT} failed ({check.description})"
            )
        return fingerprint

    def report_load(
        self,
        table: Table,
        target: TargetTable,
        result: LoadResult,
        entry: ManifestEntry,
        emit: Callable[[MaterializeResult | AssetCheckResult], None],
    ) -> None:
        """A committed load: its CSV accepted, its materialization, its row count."""
        export_key = self.translator.export_key(self.source.name, table.name)
        emit(checks.accepted_by_postgres(export_key, None))
        emit(self.load_materialization(table, target, result, entry))
        load_key = self.translator.load_key(self.source.name, table.name)
        # count(*) was taken in the load's own transaction, after COPY, before commit.
        emit(checks.load_row_count(load_key, entry.rows, result.rows, result.count))

    def verify(
        self,
        table: Table,
        plan: TablePlan,
        target: TargetTable,
        fingerprint: Future[SourceFingerprint] | None,
        emit: Callable[[MaterializeResult | AssetCheckResult], None],
    ) -> None:
        """Content parity of a committed load."""
        load_key = self.translator.load_key(self.source.name, table.name)
        try:
            if fingerprint is not None:
                source_side, taken = fingerprint.result(), "in the export's snapshot"
            else:
                source_side, taken = self.stored_fingerprint(table, plan)
            parity = content_parity(
                self.mysql, self.postgres, self.source, table, target.schema, plan, source_side
            )
        except ParityError as e:
            emit(checks.content_parity_unavailable(load_key, str(e)))
            return
        emit(checks.content_parity(load_key, parity, taken))

    # --- foreign_keys: enforced -------------------------------------------------------------

    def migrate_in_foreign_key_order(
        self,
        work: list[TableWork],
        plans: dict[str, TablePlan | Exception],
        targets: dict[str, TargetTable],
        moved: set[str],
        export_info: dict,
        parallel: int,
    ) -> Iterator["MaterializeResult | AssetCheckResult | WorkFailed"]:
        """Exports in parallel, then every load in one transaction, parents first, foreign
        keys enforced (no superuser needed), then the checks of the committed loads in
        parallel. A child cannot load without its parents, so one table that fails fails
        them all: each says so, and the target keeps every table's rows."""
        fingerprints: dict[str, Future[SourceFingerprint] | None] = {}

        def export(w: TableWork, emit: Callable) -> None:
            fingerprints[w.table.name] = self.prepare(
                w, plans[w.table.name], targets, export_info, emit
            )
            if not w.load and fingerprints[w.table.name] is not None:
                fingerprints[w.table.name].result()  # its failure is the table's

        failed: list[str] = []
        for event in run_in_parallel(work, export, parallel):
            if isinstance(event, WorkFailed):
                failed.append(event.item.table.name)
            yield event
        loading = [w for w in work if w.load and w.table.name not in failed]
        if not loading:
            return
        if failed:
            for w in loading:
                yield WorkFailed(w, self.not_loaded_because(w.table.name, sorted(failed)))
            return
        try:
            loaded = self.load_together(loading, plans, targets, moved)
        except ValueRefused as e:
            culprit = e.refused.table
            export_key = self.translator.export_key(self.source.name, culprit)
            yield checks.accepted_by_postgres(export_key, str(e.refused))
            yield from self.all_failed(loading, culprit, e)
            return
        except SourceLoadFailed as e:
            yield from self.all_failed(loading, e.table, e.error)
            return
        events: list = []  # committed: now each table's load is real
        for w in loading:
            result, entry = loaded[w.table.name]
            self.report_load(w.table, targets[w.table.name], result, entry, events.append)
        yield from events
        yield from run_in_parallel(
            loading,
            lambda w, emit: self.verify(
                w.table,
                plans[w.table.name],
                targets[w.table.name],
                fingerprints.get(w.table.name),
                emit,
            ),
            parallel,
        )

    def load_together(
        self,
        loading: list[TableWork],
        plans: dict[str, TablePlan | Exception],
        targets: dict[str, TargetTable],
        moved: set[str],
    ) -> dict[str, tuple[LoadResult, ManifestEntry]]:
        names = [w.table.name for w in loading]
        entries = {}
        for name in names:
            try:
                entries[name] = self.exported_entry(name)
            except LoadError as e:
                raise SourceLoadFailed(name, e) from None
        items = [
            LoadItem(
                targets[name],
                self.run_dir / entries[name].file,
                entries[name],
                tuple(foreign_keys_into(targets, name, moved)),
            )
            for name in names
        ]
        try:
            order = load_order(targets, names)
        except ForeignKeyCycle as e:  # the preflight blocks these; the schema changed since
            raise SourceLoadFailed(
                None, LoadError(f"{self.source.name}: not loaded: {e}")
            ) from None
        try:
            results = load_in_foreign_key_order(
                self.postgres,
                self.source.postgres_database,
                items,
                order,
                source=self.source.name,
                run=self.run,
                progress=self.progress("loading", "bytes"),
            )
        except SourceLoadFailed as e:
            if isinstance(e.error, RejectedByPostgres):
                table = next(w.table for w in loading if w.table.name == e.table)
                refused = diagnose_load(self.mysql, self.source, table, plans[e.table], e.error)
                raise ValueRefused(refused) from None
            raise
        return {name: (results[name], entries[name]) for name in names}

    def not_loaded_because(self, table: str, culprits: list[str], why: str = "") -> LoadError:
        return LoadError(
            f"{self.source.name}.{table}: not loaded: {', '.join(culprits)} failed"
            + (f" ({why})" if why else "")
            + "; with foreign_keys: enforced the source's tables load in one transaction "
            "(a child cannot load without its parents), so none was loaded; the target kept "
            "its rows"
        )

    def all_failed(
        self, loading: list[TableWork], culprit: str | None, error: BaseException
    ) -> Iterator["WorkFailed"]:
        """The transaction rolled back: the culprit fails with its own error, every other
        table because of it (a failure of the transaction itself is every table's)."""
        for w in loading:
            if culprit is None or w.table.name == culprit:
                yield WorkFailed(w, error)
            else:
                yield WorkFailed(
                    w, self.not_loaded_because(w.table.name, [culprit], failure_reason(error))
                )


class ValueRefused(LoadError):
    """COPY refused a value of the CSV; the target kept its previous rows."""

    def __init__(self, refused: RefusedValue):
        super().__init__(f"{refused}; the target kept its previous rows")
        self.refused = refused


@dataclass(frozen=True)
class WorkFailed:
    item: object
    error: BaseException


class RunProgress:
    """Tables done out of the step's tables, rows loaded and an ETA, for a log line as each
    table ends: what a person watching the run page (or a log file) sees move."""

    def __init__(self, source: str, work: list[TableWork], translator: ConvergeTranslator):
        self.source, self.total, self.started = source, len(work), time.monotonic()
        # A table ends with its content_parity (a load) or its export_row_count (export only).
        self.last_check = {
            (translator.load_key(source, w.table.name), checks.CONTENT_PARITY)
            if w.load
            else (translator.export_key(source, w.table.name), checks.EXPORT_ROW_COUNT): w
            for w in work
        }
        self.ended: set[str] = set()
        self.failed = self.rows = 0
        self.last = ""

    def record(self, event: object) -> bool:
        """Count the event; whether it ended a table."""
        if isinstance(event, MaterializeResult) and event.asset_key.path[0] == "postgres":
            row_count = (event.metadata or {}).get("dagster/row_count")
            self.rows += int(getattr(row_count, "value", row_count) or 0)
            return False
        if isinstance(event, WorkFailed):
            self.failed += 1
            work = event.item
        elif isinstance(event, AssetCheckResult):
            work = self.last_check.get((event.asset_key, event.check_name))
        else:
            work = None
        if work is None or work.table.name in self.ended:
            return False
        self.ended.add(work.table.name)
        self.last = work.table.name
        return True

    def line(self) -> str:
        done, elapsed = len(self.ended), time.monotonic() - self.started
        eta = elapsed / done * (self.total - done) if done else 0
        failed = f" ({self.failed} failed)" if self.failed else ""
        return (
            f"{self.source}: {done}/{self.total} tables done{failed}, {self.rows:,} rows "
            f"loaded, {elapsed:.0f}s, ETA {eta:.0f}s; last: {self.last}"
        )


def largest_and_smallest_alternating(items: list, size: Callable[[object], int]) -> list:
    """The order tables start in: the largest first (its export, load and checks are the run's
    longest chain), then the smallest, the second largest, the second smallest, and so on.
    A large table keeps the servers busy while this step's main thread records events; a small
    one is mostly events, so mixing them overlaps the two (measured on the Kratos schema, 8
    alternating runs: 7 faster, by 0.5 s of 7 on average, than largest first throughout)."""
    by_size = sorted(items, key=lambda item: -size(item))
    order = []
    while by_size:
        order.append(by_size.pop(0))
        if by_size:
            order.append(by_size.pop())
    return order


def run_in_parallel(
    items: list, work: Callable[[object, Callable], None], max_workers: int
) -> Iterator[MaterializeResult | AssetCheckResult | WorkFailed]:
    """Run `work(item, emit)` in threads; yield what they emit as it arrives, then a
    `WorkFailed` for every item whose work raised."""
    events: queue.Queue = queue.Queue()
    failures: list[WorkFailed] = []

    def guarded(item: object) -> None:
        try:
            work(item, events.put)
        except Exception as e:  # reported per table, never lost
            failures.append(WorkFailed(item, e))

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="table") as pool:
        futures = [pool.submit(guarded, item) for item in items]
        while not all(f.done() for f in futures) or not events.empty():
            try:
                yield events.get(timeout=0.1)
            except queue.Empty:
                continue
    yield from failures


# Errors whose own text says what went wrong, source and table included.
EXPECTED_ERRORS = (
    TableBlocked,
    RefusedValue,
    LoadError,
    ExportError,
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


def moved_earlier(context: AssetExecutionContext) -> set[AssetKey]:
    """Assets this step's failed attempts in this run already materialised: a retry (the
    retry policy) moves only the rest. (Re-executions are new runs that select only what
    failed: "from asset failure", and the re-run policy of rerun.py.)"""
    if not context.retry_number:
        return set()
    return context.instance.get_asset_keys_for_run(
        context.run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    )


# Above this many tables a source's tables are split evenly into several steps, which `converge
# run` runs in processes side by side (measured: one process records about 6 events a table,
# one after another, and a run of 500 small tables spent most of its time there).
MAX_TABLES_PER_STEP = 250


def default_tables_per_step(tables: int) -> int:
    steps = max(-(-tables // MAX_TABLES_PER_STEP), 1)
    return max(-(-tables // steps), 1)


def build_table_assets(
    config: ConvergeConfig, source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
) -> list[AssetsDefinition]:
    size = config.tables_per_step or default_tables_per_step(len(catalog.tables))
    if source.enforces_foreign_keys:
        # One transaction loads every table of the source: one step holds them all.
        size = max(len(catalog.tables), 1)
    groups = [catalog.tables[i : i + size] for i in range(0, len(catalog.tables), size)]
    moved = frozenset(t.name for t in catalog.tables)
    return [
        _table_group_asset(
            config, source, list(group), moved, translator, index if len(groups) > 1 else None
        )
        for index, group in enumerate(groups)
    ]


def _table_group_asset(
    config: ConvergeConfig,
    source: SourceConfig,
    tables: list[Table],
    moved: frozenset[str],
    translator: ConvergeTranslator,
    index: int | None,
) -> AssetsDefinition:
    """`moved`: every table the source loads, in this step or another."""
    specs, check_specs = [], []
    for table in tables:
        export, load = table_specs(source, table, translator)
        specs += [export, load]
        check_specs += table_check_specs(export, load)
    mysql_key = translator.mysql_resource_key(source.name)
    postgres_key = translator.postgres_resource_key(source.name)
    name = f"{source.name}_tables" + ("" if index is None else f"_{index}")

    @multi_asset(
        name=name,
        specs=specs,
        check_specs=check_specs,
        can_subset=True,
        partitions_def=MIGRATION_RUN,
        required_resource_keys={mysql_key, postgres_key},
        description=f"Exports and loads {len(tables)} table(s) of source {source.name}.",
        # A pool per table step (limit 1 in dagster.yaml): two runs never move the same
        # tables at once, while a cluster's steps of different tables still run side by side.
        pool=f"converge/{name}",
        retry_policy=RetryPolicy(
            max_retries=config.retries,
            delay=config.retry_delay_seconds,
            backoff=Backoff.EXPONENTIAL,
        )
        if config.retries
        else None,
    )
    def _tables(context: AssetExecutionContext):
        # A run launched from the UI opens its instance before our code is imported: hold its
        # connections from here (every event of the step otherwise opens one).
        dagster_patches.hold_storage_connections(context.instance)
        helpers = ThreadPoolExecutor(config.parallel_tables, thread_name_prefix="snapshot")
        step = TableStep(
            context,
            source,
            translator,
            config.export_dir,
            getattr(context.resources, mysql_key),
            getattr(context.resources, postgres_key),
            helpers,
        )
        # A retry of this step moves only what the failed attempt did not.
        to_move = context.selected_asset_keys - moved_earlier(context)
        work = [
            TableWork(
                t,
                translator.export_key(source.name, t.name) in to_move,
                translator.load_key(source.name, t.name) in to_move,
            )
            for t in tables
        ]
        work = [w for w in work if w.export or w.load]
        targets, plans = step.preflight(
            [w.table for w in work], {w.table.name for w in work if w.load}
        )
        with step.mysql.connect(source.mysql_database) as conn, conn.cursor() as cur:
            version = mysql_server_version(cur)
            sizes = table_sizes(cur, source.mysql_database)
        work = largest_and_smallest_alternating(work, lambda w: sizes.get(w.table.name, 0))
        export_info = {}
        if any(w.export for w in work):
            export_info = {
                "run": step.run,
                "source": source.name,
                "source_database": source.mysql_database,
                "source_type": "mysql",
                "mysql_version": version,
                "tool": "converge_assets",
                "tool_version": TOOL_VERSION,
            }
        started = time.monotonic()
        context.log.info(
            f"{source.name}: migrating {len(work)} table(s), {config.parallel_tables} at a time"
        )
        failed: dict[str, str] = {}
        transient = False
        if source.enforces_foreign_keys:
            events = step.migrate_in_foreign_key_order(
                work, plans, targets, moved, export_info, config.parallel_tables
            )
        else:
            events = run_in_parallel(
                work,
                lambda w, emit: step.migrate(
                    w, plans[w.table.name], targets, moved, export_info, emit
                ),
                config.parallel_tables,
            )
        progress = RunProgress(source.name, work, translator)
        for event in events:
            if isinstance(event, WorkFailed):
                failed[event.item.table.name] = failure_reason(event.error)
                transient = transient or is_transient(event.error)
                context.log.error(f"{source.name}.{event.item.table.name} failed: {event.error}")
            else:
                yield event
            if progress.record(event):
                context.log.info(progress.line())
        helpers.shutdown(wait=True)
        summary = (
            f"{len(work) - len(failed)} of {len(work)} table(s) migrated in "
            f"{time.monotonic() - started:.1f}s"
        )
        append_event(
            config.export_dir / "migration_log.json",
            make_event(
                "in_progress",
                summary
                + "".join(f"; {table} failed: {reason}" for table, reason in failed.items()),
                run=step.run,
                source=source.name,
            ),
        )
        if failed:
            raise Failure(
                description=f"{len(failed)} table(s) of {source.name} failed:\n"
                + "\n".join(f"- {table}: {reason}" for table, reason in failed.items()),
                metadata={FAILED_TABLES: MetadataValue.json(failed)},
                # Only a lost connection is worth the retry policy; a refused value is not.
                allow_retries=transient,
            )

    return _tables
