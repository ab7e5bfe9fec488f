"""The MySQL tables themselves: observable source assets where every table's lineage starts.

An observation records a data version per table (`CHECKSUM TABLE` with the exact row count):
it changes whenever the table's contents change, rows updated in place included. Exports
record the version they read, so Dagster shows an export as stale once its source changed,
and `converge run --changed-only` re-migrates exactly those tables.
"""

import time

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    DataVersion,
    ObserveResult,
    multi_observable_source_asset,
)

from . import mysql as q
from .assets import ConvergeTranslator, column_schema
from .catalog import Catalog
from .config import SourceConfig


def build_source_table_assets(
    source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
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
                "dagster/column_schema": column_schema(table),
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
        mysql = getattr(context.resources, mysql_key)
        with mysql.connect(source.mysql_database) as conn, conn.cursor() as cur:
            for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
                table = tables[key]
                started = time.monotonic()
                checksum, rows = q.table_fingerprint(cur, source.mysql_database, table.name)
                yield ObserveResult(
                    asset_key=key,
                    data_version=DataVersion(f"{rows}:{checksum}"),
                    metadata={
                        "dagster/row_count": rows,
                        "checksum": str(checksum),
                        "seconds": round(time.monotonic() - started, 3),
                    },
                )

    return _observe
