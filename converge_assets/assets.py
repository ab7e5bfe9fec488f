"""Asset factories: catalog entries in, Dagster assets out.

Per table T of source S (keys chosen by `ConvergeTranslator`):
    mysql/S/T  ->  csv/S/T (export)  ->  postgres/S/T (load)
Per source S:
    S/target_schema (preflight)  ->  every export and load
    every export -> S/migration_manifest;  every load + manifest -> S/migration_run

As dagster-sling does, tables are `AssetSpec`s inside subsettable `multi_asset`s whose body
yields what the engine's table runner reports, one result per selected key: a run costs a few
steps per source, tables run in parallel inside the step, and each table is still its own
asset with its own lineage, checks and status.
"""

from collections.abc import Iterable, Iterator
from dataclasses import asdict

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Backoff,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    TableColumn,
    TableColumnConstraints,
    TableSchema,
    multi_asset,
)

from . import checks
from .engine.catalog import Catalog, Table
from .engine.config import ConvergeConfig, SourceConfig
from .engine.tables import (
    Exported,
    Loaded,
    Outcome,
    RunProgress,
    TableFailed,
    TableRunner,
    TableWork,
    Verified,
    is_transient,
)
from .engine.target_schema import TargetTable
from .partition_status import FAILED_TABLES, TableFailure
from .storage_connections import hold_storage_connections
from .translator import MIGRATION_RUN, ConvergeTranslator


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


def table_check_specs(load: AssetSpec) -> list[AssetCheckSpec]:
    """A table's checks, on its load. (A blocked table, a miscounted CSV or a value PostgreSQL
    refuses fails the export or load asset itself, naming its reason.)"""
    return [
        AssetCheckSpec(
            checks.ROW_COUNT,
            asset=load.key,
            partitions_def=MIGRATION_RUN,
            description="MySQL's exact COUNT(*) in the export's snapshot = CSV rows = rows "
            "COPY loaded = PostgreSQL count(*) in the load's transaction.",
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


def export_result(key: AssetKey, e: Exported) -> MaterializeResult:
    r = e.result
    metadata = {
        "dagster/row_count": r.rows,
        "path": MetadataValue.path(str(r.path)),
        "bytes": r.bytes,
        "sha256": r.sha256,
        "seconds": round(r.seconds, 3),
        "rows_per_second": round(r.rows / r.seconds) if r.seconds else 0,
        "dagster/column_schema": column_schema(mysql_columns(e.table)),
    }
    metadata.update({f"converted: {name}": n for name, n in r.conversions.items()})
    return MaterializeResult(asset_key=key, metadata=metadata)


def load_result(key: AssetKey, loaded: Loaded) -> MaterializeResult:
    r, target = loaded.result, loaded.target
    return MaterializeResult(
        asset_key=key,
        metadata={
            "dagster/row_count": r.count,
            "rows_loaded": r.rows,
            "seconds": round(r.seconds, 3),
            "rows_per_second": round(r.rows / r.seconds) if r.seconds else 0,
            "csv": MetadataValue.path(str(loaded.csv)),
            "csv_sha256": loaded.entry.sha256,
            "target_table": f"{target.schema}.{target.name}",
            # The PostgreSQL table's own types (the definitions know only MySQL's).
            "dagster/column_schema": column_schema(postgres_columns(target)),
            **{f"sequence {seq}": nxt for seq, nxt in r.sequences.items()},
        },
    )


def dagster_results(
    source: str, outcome: Outcome, translator: ConvergeTranslator
) -> Iterator[MaterializeResult | AssetCheckResult]:
    """What Dagster records of an outcome: the export's or the load's materialisation, the
    load's row_count and content_parity checks. A failure is the step's (see `migrate`)."""
    if isinstance(outcome, Exported):
        yield export_result(translator.export_key(source, outcome.table.name), outcome)
    elif isinstance(outcome, Loaded):
        key = translator.load_key(source, outcome.table.name)
        yield load_result(key, outcome)
        yield checks.row_count(key, outcome.row_counts)
    elif isinstance(outcome, Verified):
        key = translator.load_key(source, outcome.table.name)
        if outcome.parity is None:
            yield checks.content_parity_unavailable(key, outcome.unavailable or "unavailable")
        else:
            yield checks.content_parity(key, outcome.parity, outcome.mysql_side_taken)


def migrate(
    context: AssetExecutionContext,
    config: ConvergeConfig,
    source: SourceConfig,
    tables: list[Table],
    moved: frozenset[str],
    translator: ConvergeTranslator,
) -> Iterator[MaterializeResult | AssetCheckResult]:
    """Run the engine on the step's selected tables, yielding each table's results as they
    happen; then fail the step, naming every failed table and why, if any failed."""
    # Under a dagster.yaml without our event log storage (a team's own), every event of the
    # step would open a connection: hold them from here.
    hold_storage_connections(context.instance)
    resources = context.resources
    runner = TableRunner(
        source,
        translator.run_files(config.export_dir, source.name, context.partition_key),
        getattr(resources, translator.mysql_resource_key(source.name)).server(),
        getattr(resources, translator.postgres_resource_key(source.name)).server(),
        config.parallel_tables,
        context.log.info,
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
    progress = RunProgress(source.name, work)
    failed: list[TableFailed] = []
    for outcome in runner.migrate(work, moved):
        if isinstance(outcome, TableFailed):
            failed.append(outcome)
            context.log.error(f"{source.name}.{outcome.work.table.name} failed: {outcome.reason}")
        yield from dagster_results(source.name, outcome, translator)
        if progress.record(outcome):
            context.log.info(progress.line())
    if failed:
        raise Failure(
            description=f"{len(failed)} table(s) of {source.name} failed:\n"
            + "\n".join(f"- {f.work.table.name}: {f.reason}" for f in failed),
            metadata={
                FAILED_TABLES: MetadataValue.json(
                    {
                        f.work.table.name: asdict(TableFailure(f.reason, f.blocked, f.export_again))
                        for f in failed
                    }
                )
            },
            # Only a lost connection is worth the retry policy; a refused value is not.
            allow_retries=any(is_transient(f.error) for f in failed),
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
        check_specs += table_check_specs(load)
    name = translator.table_step_name(source.name, index)

    @multi_asset(
        name=name,
        specs=specs,
        check_specs=check_specs,
        can_subset=True,
        partitions_def=MIGRATION_RUN,
        required_resource_keys={
            translator.mysql_resource_key(source.name),
            translator.postgres_resource_key(source.name),
        },
        description=f"Exports and loads {len(tables)} table(s) of source {source.name}.",
        pool=translator.pool_name(name),
        retry_policy=RetryPolicy(
            max_retries=config.retries,
            delay=config.retry_delay_seconds,
            backoff=Backoff.EXPONENTIAL,
        )
        if config.retries
        else None,
    )
    def _tables(context: AssetExecutionContext):
        yield from migrate(context, config, source, tables, moved, translator)

    return _tables
