"""The MySQL tables themselves: observable source assets where every table's lineage starts.

An observation records a data version per table (`CHECKSUM TABLE` with the exact row count):
it changes whenever the table's contents change, rows updated in place included. Exports
record the version they read, so Dagster shows an export as stale once its source changed,
and `converge run --changed-only` re-migrates exactly those tables.
"""

import queue
import time
from contextlib import ExitStack

import pymysql
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    DataVersion,
    ObserveResult,
    multi_observable_source_asset,
)

from . import mysql as q
from .assets import (
    ConvergeTranslator,
    WorkFailed,
    column_schema,
    mysql_columns,
    run_in_parallel,
)
from .catalog import Catalog
from .config import ConvergeConfig, SourceConfig

MISSING = "missing from MySQL"


def is_missing_table(error: BaseException) -> bool:
    """MySQL's 1146: the table was dropped (or renamed) after discover."""
    return isinstance(error, pymysql.err.ProgrammingError) and error.args[:1] == (1146,)


def build_source_table_assets(
    config: ConvergeConfig, source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
) -> AssetsDefinition:
    mysql_key = translator.mysql_resource_key(source.name)
    tables = {translator.source_table_key(source.name, t.name): t for t in catalog.tables}
    specs = [
        AssetSpec(
            key=key,
            description=f"MySQL table `{source.mysql_database}.{table.name}` (the source). "
            "Observing it records a data version that changes whenever its rows change.",
            group_name=source.name,
            kinds={"mysql"},
            metadata={
                "source_table": f"{source.mysql_database}.{table.name}",
                "dagster/column_schema": column_schema(mysql_columns(table)),
            },
        )
        for key, table in tables.items()
    ]

    @multi_observable_source_asset(
        name=f"{source.name}_mysql_tables",
        specs=specs,
        can_subset=True,
        required_resource_keys={mysql_key},
        description=f"Observes the MySQL tables of {source.name}.",
    )
    def _observe(context: AssetExecutionContext):
        # CHECKSUM TABLE reads every row: `parallel_tables` tables at a time, the largest first
        # (one after another, the benchmark's 7 tables took 1.7 s, the largest alone 0.8 s).
        mysql = getattr(context.resources, mysql_key)
        db = source.mysql_database
        with ExitStack() as connections:
            idle: queue.SimpleQueue = queue.SimpleQueue()
            for _ in range(max(1, min(config.parallel_tables, len(context.selected_asset_keys)))):
                idle.put(connections.enter_context(mysql.connect(db)))
            conn = idle.get()
            with conn.cursor() as cur:
                sizes = q.table_sizes(cur, db)
            idle.put(conn)

            def observe(key, emit) -> None:
                conn = idle.get()
                try:
                    started = time.monotonic()
                    with conn.cursor() as cur:
                        checksum, rows = q.table_fingerprint(cur, db, tables[key].name)
                finally:
                    idle.put(conn)
                emit(
                    ObserveResult(
                        asset_key=key,
                        data_version=DataVersion(f"{rows}:{checksum}"),
                        metadata={
                            "dagster/row_count": rows,
                            "checksum": str(checksum),
                            "seconds": round(time.monotonic() - started, 3),
                        },
                    )
                )

            keys = sorted(
                context.selected_asset_keys,
                key=lambda k: (-sizes.get(tables[k].name, 0), k.to_user_string()),
            )
            for event in run_in_parallel(keys, observe, config.parallel_tables):
                if isinstance(event, WorkFailed) and is_missing_table(event.error):
                    # Recorded as it is: a version no export read, so `--changed-only` selects
                    # the table and its own preflight fails it, naming it.
                    yield ObserveResult(
                        asset_key=event.item,
                        data_version=DataVersion(MISSING),
                        metadata={"missing": str(event.error)},
                    )
                elif isinstance(event, WorkFailed):
                    raise event.error
                else:
                    yield event

    return _observe
