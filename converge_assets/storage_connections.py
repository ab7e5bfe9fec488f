"""Dagster's PostgreSQL event log, holding its connections open for a run's many events, and
remembering the schema questions it asks again at every event.

dagster-postgres opens a new connection for every statement outside the webserver (its
engine's NullPool). A table step stores and reads several events a table, and a step process
reads every input's version before the step's code runs: on a run of 500 small tables,
opening connections was a fifth of the run's CPU (docs/benchmarks.md). The webserver holds
them with `optimize_for_webserver`; this event log storage, named in our dagster.yaml (a
configurable class, Dagster's own extension point), does the same in every process: the CLI,
a run worker, each step process.

On the Dagster version it was measured on (MEASURED_ON, a test fails when it changes), it also
remembers a yes to three questions dagster-postgres asks per event or per step output, each a
query (shares of a 500-table run's samples, py-spy): does the table exist (6.7%), does
the asset key table have the column (1.7%), does the run's partition exist (6%). Tables and
columns, once there, stay (Dagster's migrations add them, nothing drops them), as
dagster-postgres itself assumes of its secondary indexes; a partition's yes is kept a few
seconds, and forgotten at once when this storage deletes it. A no is always asked again.
These costs are written up for Dagster upstream in docs/dagster-upstream.md.
"""

import importlib.metadata
import time
import weakref
from collections.abc import Mapping
from functools import partial
from typing import Any

from dagster import DagsterInstance
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import pg_url_from_config

_held: weakref.WeakSet[PostgresEventLogStorage] = weakref.WeakSet()


def hold_connections(storage: PostgresEventLogStorage) -> None:
    if storage not in _held:
        storage.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=10)
        _held.add(storage)


MEASURED_ON = {"dagster": "1.13.27", "dagster-postgres": "0.29.27"}
PARTITION_YES_SECONDS = 5.0


def installed_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in MEASURED_ON}


class HeldPostgresEventLogStorage(PostgresEventLogStorage):
    """dagster-postgres' event log storage, configured alike, holding its connections (and, on
    the measured version, remembering a yes to its schema and partition questions)."""

    remembers = installed_versions() == MEASURED_ON

    def __init__(self, *args, **kwargs):
        self.said_yes: dict[tuple, float] = {}  # question -> when
        super().__init__(*args, **kwargs)

    def _remembered(self, question: tuple, ask, seconds: float | None = None) -> bool:
        if not self.remembers:
            return ask()
        yes = self.said_yes
        at = yes.get(question)
        if at is not None and (seconds is None or time.monotonic() - at < seconds):
            return True
        answer = ask()
        if answer:
            yes[question] = time.monotonic()
        return answer

    def has_table(self, table_name: str) -> bool:
        return self._remembered(("table", table_name), partial(super().has_table, table_name))

    def has_asset_key_col(self, column_name: str) -> bool:
        return self._remembered(
            ("column", column_name), partial(super().has_asset_key_col, column_name)
        )

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        return self._remembered(
            ("partition", partitions_def_name, partition_key),
            partial(super().has_dynamic_partition, partitions_def_name, partition_key),
            PARTITION_YES_SECONDS,
        )

    def delete_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> None:
        self.said_yes.pop(("partition", partitions_def_name, partition_key), None)
        super().delete_dynamic_partition(partitions_def_name, partition_key)

    @classmethod
    def from_config_value(
        cls, inst_data, config_value: Mapping[str, Any]
    ) -> "HeldPostgresEventLogStorage":
        storage = cls(
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            inst_data=inst_data,
        )
        hold_connections(storage)
        return storage


def hold_storage_connections(instance: DagsterInstance) -> None:
    """For an instance configured otherwise (another team's dagster.yaml): hold its event log's
    connections from here on, in this process."""
    if isinstance(instance.event_log_storage, PostgresEventLogStorage):
        hold_connections(instance.event_log_storage)
