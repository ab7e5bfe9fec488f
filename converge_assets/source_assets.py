"""The MySQL tables themselves: observable source assets where every table's lineage starts.

An observation records a data version per table (`CHECKSUM TABLE` with the exact row count):
it changes whenever the table's contents change, rows updated in place included. Every run
observes the tables it exports before their snapshots (the preflight does), so each export
records the version it read, however it was launched; Dagster shows an export as stale once
its source changed, and a cutover re-migrates exactly those tables.
"""

import queue
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

import pymysql
from dagster import (
    AssetExecutionContext,
    AssetObservation,
    AssetsDefinition,
    AssetSpec,
    DataVersion,
    ObserveResult,
    multi_observable_source_asset,
)

from .assets import column_schema, mysql_columns
from .engine import mysql as q
from .engine.catalog import Catalog
from .engine.config import ConvergeConfig, SourceConfig
from .engine.tables import Raised, in_threads
from .partition_status import DATA_VERSION_TAG
from .resources import MySQLResource
from .translator import ConvergeTranslator

MISSING = "missing from MySQL"


@dataclass(frozen=True)
class TableVersion:
    """One table's data version at an observation, and what it was made of."""

    table: str
    version: str
    metadata: dict


def is_missing_table(error: BaseException) -> bool:
    """MySQL's 1146: the table was dropped (or renamed) after discover."""
    return isinstance(error, pymysql.err.ProgrammingError) and error.args[:1] == (1146,)


def observe_tables(
    mysql: MySQLResource, database: str, tables: Sequence[str], parallel: int
) -> Iterator[TableVersion]:
    """Each table's data version, `parallel` tables at a time, the largest first (CHECKSUM
    TABLE reads every row). A table dropped since discover is reported as MISSING: a version
    no export read, so a cutover selects it and its own preflight fails it, naming it."""
    with ExitStack() as connections:
        idle: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(max(1, min(parallel, len(tables)))):
            idle.put(connections.enter_context(mysql.connect(database)))
        conn = idle.get()
        with conn.cursor() as cur:
            sizes = q.table_sizes(cur, database)
        idle.put(conn)

        def observe(table: str, emit) -> None:
            conn = idle.get()
            try:
                started = time.monotonic()
                with conn.cursor() as cur:
                    checksum, rows = q.table_fingerprint(cur, database, table)
            finally:
                idle.put(conn)
            emit(
                TableVersion(
                    table,
                    f"{rows}:{checksum}",
                    {
                        "dagster/row_count": rows,
                        "checksum": str(checksum),
                        "seconds": round(time.monotonic() - started, 3),
                    },
                )
            )

        ordered = sorted(tables, key=lambda t: (-sizes.get(t, 0), t))
        for event in in_threads(ordered, observe, parallel):
            if isinstance(event, Raised) and is_missing_table(event.error):
                yield TableVersion(event.item, MISSING, {"missing": str(event.error)})
            elif isinstance(event, Raised):
                raise event.error
            else:
                yield event


def source_observation(key, observed: TableVersion) -> AssetObservation:
    """An observation of a MySQL table recorded from any step (the preflight's): Dagster reads
    the data version of a source asset from its latest observation's tag."""
    return AssetObservation(
        asset_key=key, tags={DATA_VERSION_TAG: observed.version}, metadata=observed.metadata
    )


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
            group_name=translator.group_name(source.name, "mysql"),
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
        names = [tables[k].name for k in context.selected_asset_keys]
        for observed in observe_tables(
            getattr(context.resources, mysql_key),
            source.mysql_database,
            names,
            config.parallel_tables,
        ):
            yield ObserveResult(
                asset_key=translator.source_table_key(source.name, observed.table),
                data_version=DataVersion(observed.version),
                metadata=observed.metadata,
            )

    return _observe
