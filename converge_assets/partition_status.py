"""Where a migration run partition stands, table by table, across every Dagster run of it.

What the verdict, `converge run`'s summary, `--only-failed` and an only-failed backfill read: a
table is done when its latest export and load exist (the load after the export) and every check
of both passed; everything else is work left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dagster import AssetCheckKey, AssetKey, AssetRecordsFilter, DagsterInstance
from dagster._core.definitions.data_version import DEFAULT_DATA_VERSION
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from . import checks
from .catalog import Table
from .config import SourceConfig

if TYPE_CHECKING:
    from .assets import ConvergeTranslator

INPUT_VERSION_TAG = "dagster/input_data_version/"  # Dagster's provenance tag on materializations


@dataclass(frozen=True)
class TableStatus:
    table: str
    exported_rows: int | None
    loaded_rows: int | None
    problems: tuple[str, ...]

    @property
    def export_needed(self) -> bool:
        """A CSV that is missing or failed one of its checks (a miscount, a value PostgreSQL
        refused) is exported again; one that only waits for its load is not."""
        return self.exported_rows is None or any(
            problem == f"{name} failed"
            for name in checks.EXPORT_CHECKS
            for problem in self.problems
        )


def latest_materialization(instance: DagsterInstance, key: AssetKey, run: str):
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=key, asset_partitions=[run]), limit=1
    ).records
    return records[0] if records else None


def row_count(record) -> int | None:
    if record is None:
        return None
    value = record.asset_materialization.metadata.get("dagster/row_count")
    return value.value if value is not None else None


def check_states(
    instance: DagsterInstance,
    check_keys: list[AssetCheckKey],
    run: str,
    excluding_run_id: str | None = None,
) -> dict:
    """The latest evaluation (or plan) of each check in the partition; `excluding_run_id`
    skips a run in progress, whose checks are planned but not evaluated yet."""
    storage = instance.event_log_storage
    partition = PartitionKeyFilter(key=run)
    states = dict(storage.get_latest_asset_check_execution_by_key(check_keys, partition))
    for key, record in list(states.items()):
        if excluding_run_id and record.run_id == excluding_run_id:
            earlier = [
                r
                for r in storage.get_asset_check_execution_history(
                    key, limit=2, partition_filter=partition
                )
                if r.run_id != excluding_run_id
            ]
            if earlier:
                states[key] = earlier[0]
            else:
                del states[key]
    return states


def _problems(record, name: str, separator: str) -> list[str]:
    if record is None or record.status == AssetCheckExecutionRecordStatus.PLANNED:
        return [f"{name}{separator}not evaluated"]
    if record.status == AssetCheckExecutionRecordStatus.FAILED:
        return [f"{name}{separator}failed"]
    return []


def table_statuses(
    instance: DagsterInstance,
    tables: Sequence[Table],
    translator: ConvergeTranslator,
    source: SourceConfig,
    run: str,
    excluding_run_id: str | None = None,
) -> list[TableStatus]:
    """Each table's state in a run partition, across every Dagster run of that partition."""
    statuses = []
    for table in tables:
        export_key = translator.export_key(source.name, table.name)
        load_key = translator.load_key(source.name, table.name)
        exported = latest_materialization(instance, export_key, run)
        loaded = latest_materialization(instance, load_key, run)
        problems = []
        if exported is None:
            problems.append("not exported")
        if loaded is None:
            problems.append("not loaded")
        elif exported is not None and loaded.timestamp < exported.timestamp:
            problems.append("loaded before its latest export")
        keys = [AssetCheckKey(export_key, name) for name in checks.EXPORT_CHECKS] + [
            AssetCheckKey(load_key, name) for name in checks.LOAD_CHECKS
        ]
        states = check_states(instance, keys, run, excluding_run_id)
        for k in keys:
            problems += _problems(states.get(k), k.name, " ")
        statuses.append(
            TableStatus(table.name, row_count(exported), row_count(loaded), tuple(problems))
        )
    return statuses


def unfinished_assets(
    statuses: list[TableStatus], translator: ConvergeTranslator, source: SourceConfig
) -> list[AssetKey]:
    """The exports and loads a re-run of only what failed must move."""
    keys = []
    for status in statuses:
        if status.problems:
            if status.export_needed:
                keys.append(translator.export_key(source.name, status.table))
            keys.append(translator.load_key(source.name, status.table))
    return keys


def run_check_problems(
    instance: DagsterInstance, translator: ConvergeTranslator, source: SourceConfig, run: str
) -> list[str]:
    keys = [
        AssetCheckKey(translator.target_schema_key(source.name), checks.SCHEMA_PREFLIGHT),
        AssetCheckKey(translator.manifest_key(source.name), checks.MANIFEST),
    ]
    states = check_states(instance, keys, run)
    return [problem for k in keys for problem in _problems(states.get(k), k.name, ": ")]


def current_version(instance: DagsterInstance, key: AssetKey) -> str | None:
    record = instance.get_latest_data_version_record(key, is_source=True)
    if record is None or record.asset_observation is None:
        return None
    return record.asset_observation.tags.get("dagster/data_version")


def exported_version(
    instance: DagsterInstance, export_key: AssetKey, source_key: AssetKey, run: str
) -> str | None:
    """The source's data version that the run's latest export of the table read (None when
    the source had never been observed: Dagster then records its placeholder, INITIAL)."""
    record = instance.get_latest_data_version_record(export_key, is_source=False, partition_key=run)
    if record is None or record.asset_materialization is None:
        return None
    version = record.asset_materialization.tags.get(INPUT_VERSION_TAG + source_key.to_user_string())
    return None if version == DEFAULT_DATA_VERSION.value else version


def source_versions(
    instance: DagsterInstance, translator: ConvergeTranslator, source: str, table: str, run: str
) -> tuple[str | None, str | None]:
    """(the table's latest observed data version, the one the run's latest export read)."""
    source_key = translator.source_table_key(source, table)
    return (
        current_version(instance, source_key),
        exported_version(instance, translator.export_key(source, table), source_key, run),
    )


def changed_tables(
    instance: DagsterInstance,
    tables: Sequence[Table],
    translator: ConvergeTranslator,
    source: str,
    run: str,
) -> list[str]:
    """Tables whose latest observation differs from what the run exported (or that were never
    exported or observed in a way that proves them unchanged)."""
    changed = []
    for table in tables:
        now, then = source_versions(instance, translator, source, table.name, run)
        if now is None or then is None or now != then:
            changed.append(table.name)
    return changed
