"""Measured fixes to Dagster 1.13 for runs of hundreds of tables.

Each one removes work Dagster repeats per event without need. Measured on a source of many
small tables (benchmarks/many_tables.py, profiled with py-spy); re-measure before dropping one on
a Dagster upgrade.

- `AssetsDefinition.asset_and_check_keys` builds a new set of every key of the multi-asset at
  each call, and the step machinery calls it once per step output for every result the step
  yields: quadratic in the number of tables of a step (500 tables: 253 s, 80% of it here). Its
  value never changes after the definition is built, so it is computed once.
- `StepExecutionContext.get_output_asset_keys` walks every output of the step (six per
  table) to build the step's asset key set, and the step machinery calls it for every asset
  output it handles: quadratic again, 5% of a 100-table run's samples. The step's
  outputs and selection are fixed when the step starts, so it is computed once per step.
- `PostgresEventLogStorage.has_table` asks PostgreSQL's catalog, on a connection of its own, at
  every asset event it stores (whether the tags and check tables exist): 4% of a run's samples.
  A table that exists keeps existing (migrations add tables, nothing drops them), so a yes is
  remembered; a no is asked again.
- `DagsterInstance.has_dynamic_partition` is one query per step output and per input version
  lookup, always for the run's own partition: 3% of a run's samples. A yes is remembered for a
  few seconds (deleting the partition on this instance forgets it at once).
- `SqlEventLogStorage.has_asset_key_col` reflects the `asset_keys` table's columns (a catalog
  query) at every asset record read: 4.6% of a run's samples. Migrations add columns, nothing
  drops them, so a yes is remembered; a no is asked again.
- An `AssetCheckResult` asks the event log for its asset partition's latest materialization,
  to point the evaluation at it: a query per check, 9% of a run's samples. The table step
  yields each table's checks after that table's materialization, which this process has just
  stored: the storage remembers the latest materialization it stored of each asset, and a
  check of the same run and partition uses it. (Another run's materialization in between
  is excluded by the table step's pool; a check of any other run still asks.)
  The same record is what Dagster fetches again (two queries, 9% of the samples) as the
  provenance of a table's load: its export, materialised earlier in the same step.
- A step whose asset reads many partitioned assets (the manifest reads every export, the
  verdict every load) has Dagster look up each input's data version for the step's partition,
  one query per input (about 2 s for 500 inputs), right after fetching every input's asset
  record, which holds the latest materialisation. Where that materialisation is of the
  step's partition, it is also that partition's latest, and its data version is the one the
  query returns: Dagster's hash of it is computed from the record.
- `PostgresEventLogStorage.store_event` sends a NOTIFY after every event, "preserved to support
  version skew": nothing in this Dagster version LISTENs (the UI and daemon poll), and it is a
  round trip and a commit of its own per event, 7% of a run's samples. Our copy of
  `store_event` leaves it out; only for the pinned dagster-postgres it was read from.
- Creating a run stores a planned event per asset and per check (600 for 100 tables), and
  dagster-postgres writes a batch of them one event at a time: 3 statements and 2 commits
  each, 10% of a run's samples. Planned events (the CLI asks for batches, see
  runner.open_instance) are now stored in one transaction: one insert of every event, then
  the asset index rows and the planned check executions, Dagster's own statements.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import time
from functools import cached_property

from dagster import AssetCheckResult, AssetsDefinition, DagsterEventType, DagsterInstance
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.definitions.data_version import (
    DATA_VERSION_TAG,
    DataVersion,
    extract_data_version_from_entry,
)
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS
from dagster._core.execution.context.data_version_cache import (
    DataVersionCache,
    InputAssetVersionInfo,
)
from dagster._core.execution.context.system import StepExecutionContext
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._serdes import serialize_value
from dagster_postgres.event_log.event_log import PostgresEventLogStorage

PARTITION_MEMORY_SECONDS = 10.0


def _asset_and_check_keys(self: AssetsDefinition) -> frozenset:
    return frozenset(self.keys).union(self.check_keys)


def _output_asset_keys_once(get_output_asset_keys):
    @functools.wraps(get_output_asset_keys)
    def wrapper(self: StepExecutionContext):
        keys = self.__dict__.get("_converge_output_asset_keys")
        if keys is None:
            keys = self.__dict__["_converge_output_asset_keys"] = frozenset(
                get_output_asset_keys(self)
            )
        return keys

    return wrapper


def _remember_a_yes(exists):
    """`exists(self, name)` asked once per name once it said yes: the instance's tables and
    columns are added by migrations, never dropped."""
    memory = f"_converge_existing_{exists.__name__}"

    @functools.wraps(exists)
    def wrapper(self, name: str) -> bool:
        known = self.__dict__.setdefault(memory, set())
        if name in known:
            return True
        if exists(self, name):
            known.add(name)
            return True
        return False

    return wrapper


def _remember_materializations(store_asset_event):
    """The storage remembers, per asset, the latest partitioned materialisation it stored, as
    the version record Dagster's DataVersionCache builds from the asset's record."""

    @functools.wraps(store_asset_event)
    def wrapper(self, conn, event, event_id: int) -> None:
        store_asset_event(self, conn, event, event_id)
        dagster_event = event.dagster_event
        if (
            dagster_event is not None
            and dagster_event.event_type == DagsterEventType.ASSET_MATERIALIZATION
            and dagster_event.partition is not None
        ):
            stored = self.__dict__.setdefault("_converge_materializations", {})
            stored[dagster_event.asset_key] = (
                dagster_event.partition,
                InputAssetVersionInfo(
                    storage_id=event_id,
                    event_type=DagsterEventType.ASSET_MATERIALIZATION,
                    data_version=extract_data_version_from_entry(event),
                    run_id=event.run_id,
                    timestamp=event.timestamp,
                ),
            )

    return wrapper


def _stored_by_this_step(step_context, asset_key) -> InputAssetVersionInfo | None:
    """The latest materialisation of `asset_key`, if this run stored it, for the step's own
    partition, in this process."""
    if not step_context.has_partition_key:
        return None
    stored = step_context.instance.event_log_storage.__dict__.get("_converge_materializations")
    partition, info = (stored or {}).get(asset_key, (None, None))
    if info is None or partition != step_context.partition_key:
        return None
    return info if info.run_id == step_context.run_id else None


def _target_from_this_run(get_target):
    @functools.wraps(get_target)
    def wrapper(self, step_context, asset_key, partition_key: str):
        info = _stored_by_this_step(step_context, asset_key)
        if info is not None and partition_key == step_context.partition_key:
            return AssetCheckEvaluationTargetMaterializationData(
                storage_id=info.storage_id, run_id=info.run_id, timestamp=info.timestamp
            )
        return get_target(self, step_context, asset_key, partition_key)

    return wrapper


def _input_version_from_this_step(maybe_fetch):
    """An asset materialised earlier in the same step (a table's export, read by its load) is
    an internal dependency: Dagster's version record of it is its latest materialisation and
    that event's data version, which this process has just stored."""

    @functools.wraps(maybe_fetch)
    def wrapper(self: DataVersionCache, key):
        context = self._context
        if (
            key not in self.input_asset_version_info
            and context.job_def.asset_layer.get_node_input_name(context.node_handle, key) is None
        ):
            info = _stored_by_this_step(context, key)
            if info is not None:
                self.input_asset_version_info[key] = info
        return maybe_fetch(self, key)

    return wrapper


def _store_event_without_notify(self: PostgresEventLogStorage, event) -> None:
    """dagster-postgres 0.29.27's `store_event`, without its NOTIFY."""
    insert = self.prepare_insert_event(event)
    with self._connect() as conn:
        result = conn.execute(insert.returning(SqlEventLogStorageTable.c.id))
        event_id = int(result.scalar_one())
    if (
        event.is_dagster_event
        and event.dagster_event_type in ASSET_EVENTS
        and event.dagster_event.asset_key
    ):
        with self.index_transaction() as conn:
            self._store_asset_event_tags(conn, [event], [event_id])
            self._store_asset_event(conn, event, event_id)
    if event.is_dagster_event and event.dagster_event_type in ASSET_CHECK_EVENTS:
        self.store_asset_check_event(event, event_id)


PLANNED_EVENTS = {
    DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
}


def _store_planned_events_at_once(store_event_batch):
    @functools.wraps(store_event_batch)
    def wrapper(self: PostgresEventLogStorage, events) -> None:
        if not events or any(e.dagster_event_type not in PLANNED_EVENTS for e in events):
            return store_event_batch(self, events)
        with self.index_transaction() as conn:
            insert = self.prepare_insert_event_batch(events)
            event_ids = list(conn.execute(insert.returning(SqlEventLogStorageTable.c.id)).scalars())
            stored = list(zip(events, event_ids, strict=True))
            assets = [
                (e, i)
                for e, i in stored
                if e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED
            ]
            if assets:
                self._store_asset_event_tags(conn, [e for e, _ in assets], [i for _, i in assets])
            for event, event_id in assets:
                self._store_asset_event(conn, event, event_id)
            checks = [
                row
                for e, i in stored
                if e.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
                for row in _planned_check_executions(self, e, i)
            ]
            if checks:
                conn.execute(AssetCheckExecutionsTable.insert().values(checks))

    return wrapper


def _planned_check_executions(self: PostgresEventLogStorage, event, event_id: int) -> list[dict]:
    """The rows SqlEventLogStorage._store_asset_check_evaluation_planned inserts."""
    planned = event.dagster_event.event_specific_data
    partitions = (
        planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
    )
    return [
        dict(
            asset_key=planned.asset_key.to_string(),
            check_name=planned.check_name,
            partition=partition,
            run_id=event.run_id,
            execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
            evaluation_event=serialize_value(event),
            evaluation_event_timestamp=self._event_insert_timestamp(event),
            evaluation_event_storage_id=event_id,
        )
        for partition in partitions
    ]


def _remember_asset_records(fetch_asset_records):
    @functools.wraps(fetch_asset_records)
    def wrapper(self: DataVersionCache, asset_keys):
        records = fetch_asset_records(self, asset_keys)
        self.__dict__.setdefault("_converge_asset_records", {}).update(records)
        return records

    return wrapper


def _partition_version_from_record(get_partitions_data_version):
    @functools.wraps(get_partitions_data_version)
    def wrapper(self: DataVersionCache, key, partition_keys):
        record = self.__dict__.get("_converge_asset_records", {}).get(key)
        latest = record.asset_entry.last_materialization_record if record else None
        version = latest.event_log_entry.tags.get(DATA_VERSION_TAG) if latest else None
        if version is None or list(partition_keys) != [latest.partition_key]:
            return get_partitions_data_version(self, key, partition_keys)
        # DataVersionCache._get_partitions_data_version_from_keys, for one partition.
        return DataVersion(hashlib.sha256(bytearray(version, "utf8")).hexdigest())

    return wrapper


def _remember_partitions(has_dynamic_partition):
    @functools.wraps(has_dynamic_partition)
    def wrapper(self, partitions_def_name: str, partition_key: str) -> bool:
        seen = self.__dict__.setdefault("_converge_partitions_seen", {})
        key = (partitions_def_name, partition_key)
        at = seen.get(key)
        if at is not None and time.monotonic() - at < PARTITION_MEMORY_SECONDS:
            return True
        exists = has_dynamic_partition(self, partitions_def_name, partition_key)
        if exists:
            seen[key] = time.monotonic()
        return exists

    return wrapper


def _forget_partition(delete_dynamic_partition):
    @functools.wraps(delete_dynamic_partition)
    def wrapper(self, partitions_def_name: str, partition_key: str) -> None:
        self.__dict__.get("_converge_partitions_seen", {}).pop(
            (partitions_def_name, partition_key), None
        )
        return delete_dynamic_partition(self, partitions_def_name, partition_key)

    return wrapper


def hold_storage_connections(instance: DagsterInstance) -> None:
    """Hold the instance's PostgreSQL connections open, as the webserver does: dagster-postgres
    otherwise opens a new connection for every event it stores (measured: the largest cost of
    a run of small tables). Once per instance: the CLI's, and each step process's own (an
    instance from a ref, see apply)."""
    if instance.__dict__.get("_converge_holds_connections") or not isinstance(
        instance.event_log_storage, PostgresEventLogStorage
    ):
        return
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=10)
    instance.__dict__["_converge_holds_connections"] = True


def _holding_connections(from_ref):
    @functools.wraps(from_ref)
    def wrapper(*args, **kwargs) -> DagsterInstance:
        instance = from_ref(*args, **kwargs)
        hold_storage_connections(instance)
        return instance

    return wrapper


# The versions these fixes were read from and measured on: on any other, apply() does nothing
# (test_dagster_patches.py fails until they are read and measured again).
MEASURED_ON = {"dagster": "1.13.27", "dagster-postgres": "0.29.27"}


def installed_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in MEASURED_ON}


def apply(versions: dict[str, str] | None = None) -> bool:
    """Apply the fixes, once per process, where Dagster is the version they were measured on.
    Called explicitly by the code location (definitions.py: UI runs, step processes) and by
    `converge`; importing the package patches nothing. Returns whether the fixes are active."""
    if (versions or installed_versions()) != MEASURED_ON:
        return False
    if isinstance(AssetsDefinition.__dict__.get("asset_and_check_keys"), cached_property):
        return True
    cached = cached_property(_asset_and_check_keys)
    cached.__set_name__(AssetsDefinition, "asset_and_check_keys")
    AssetsDefinition.asset_and_check_keys = cached
    StepExecutionContext.get_output_asset_keys = _output_asset_keys_once(
        StepExecutionContext.get_output_asset_keys
    )
    PostgresEventLogStorage.has_table = _remember_a_yes(PostgresEventLogStorage.has_table)
    PostgresEventLogStorage.store_event = _store_event_without_notify
    PostgresEventLogStorage.store_event_batch = _store_planned_events_at_once(
        PostgresEventLogStorage.store_event_batch
    )
    SqlEventLogStorage.has_asset_key_col = _remember_a_yes(SqlEventLogStorage.has_asset_key_col)
    PostgresEventLogStorage._store_asset_event = _remember_materializations(
        PostgresEventLogStorage._store_asset_event
    )
    AssetCheckResult._get_partitioned_target_materialization_data = _target_from_this_run(
        AssetCheckResult._get_partitioned_target_materialization_data
    )
    DataVersionCache._fetch_asset_records = _remember_asset_records(
        DataVersionCache._fetch_asset_records
    )
    DataVersionCache._get_partitions_data_version_from_keys = _partition_version_from_record(
        DataVersionCache._get_partitions_data_version_from_keys
    )
    DataVersionCache.maybe_fetch_and_get_input_asset_version_info = _input_version_from_this_step(
        DataVersionCache.maybe_fetch_and_get_input_asset_version_info
    )
    # Every process that runs steps (a run worker, a step process) builds its instance so.
    DagsterInstance.from_ref = staticmethod(_holding_connections(DagsterInstance.from_ref))
    DagsterInstance.has_dynamic_partition = _remember_partitions(
        DagsterInstance.has_dynamic_partition
    )
    DagsterInstance.delete_dynamic_partition = _forget_partition(
        DagsterInstance.delete_dynamic_partition
    )
    return True
