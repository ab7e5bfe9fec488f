"""Measured fixes to Dagster 1.13 for runs of hundreds of tables.

Each one removes work Dagster repeats per event without need. Measured on a source of many
small tables (benchmarks/many_tables.py, profiled with py-spy); re-measure before dropping one on
a Dagster upgrade.

- `AssetsDefinition.asset_and_check_keys` builds a new set of every key of the multi-asset at
  each call, and the step machinery calls it once per step output for every result the step
  yields: quadratic in the number of tables of a step (500 tables: 253 s, 80% of it here). Its
  value never changes after the definition is built, so it is computed once.
- `PostgresEventLogStorage.has_table` asks PostgreSQL's catalog, on a connection of its own, at
  every asset event it stores (whether the tags and check tables exist): 4% of a run's samples.
  A table that exists keeps existing (migrations add tables, nothing drops them), so a yes is
  remembered; a no is asked again.
- `DagsterInstance.has_dynamic_partition` is one query per step output and per input version
  lookup, always for the run's own partition: 3% of a run's samples. A yes is remembered for a
  few seconds (deleting the partition on this instance forgets it at once).
"""

from __future__ import annotations

import functools
import time
from functools import cached_property

from dagster import AssetsDefinition, DagsterInstance
from dagster_postgres.event_log.event_log import PostgresEventLogStorage

PARTITION_MEMORY_SECONDS = 10.0


def _asset_and_check_keys(self: AssetsDefinition) -> frozenset:
    return frozenset(self.keys).union(self.check_keys)


def _remember_existing_tables(has_table):
    @functools.wraps(has_table)
    def wrapper(self, table_name: str) -> bool:
        known = self.__dict__.setdefault("_converge_existing_tables", set())
        if table_name in known:
            return True
        exists = has_table(self, table_name)
        if exists:
            known.add(table_name)
        return exists

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


def apply() -> None:
    if isinstance(AssetsDefinition.__dict__.get("asset_and_check_keys"), cached_property):
        return
    cached = cached_property(_asset_and_check_keys)
    cached.__set_name__(AssetsDefinition, "asset_and_check_keys")
    AssetsDefinition.asset_and_check_keys = cached
    PostgresEventLogStorage.has_table = _remember_existing_tables(PostgresEventLogStorage.has_table)
    DagsterInstance.has_dynamic_partition = _remember_partitions(
        DagsterInstance.has_dynamic_partition
    )
    DagsterInstance.delete_dynamic_partition = _forget_partition(
        DagsterInstance.delete_dynamic_partition
    )
