"""Dagster's PostgreSQL event log, holding its connections open for a run's many events.

dagster-postgres opens a new connection for every statement outside the webserver (its
engine's NullPool). A table step stores and reads several events a table, and a step process
reads every input's version before the step's code runs: on a run of 500 small tables,
opening connections was a fifth of the run's CPU (docs/benchmarks.md). The webserver holds
them with `optimize_for_webserver`; this event log storage, named in our dagster.yaml (a
configurable class, Dagster's own extension point), does the same in every process: the CLI,
a run worker, each step process.
"""

import weakref
from collections.abc import Mapping
from typing import Any

from dagster import DagsterInstance
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import pg_url_from_config

_held: weakref.WeakSet[PostgresEventLogStorage] = weakref.WeakSet()


def hold_connections(storage: PostgresEventLogStorage) -> None:
    if storage not in _held:
        storage.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=10)
        _held.add(storage)


class HeldPostgresEventLogStorage(PostgresEventLogStorage):
    """dagster-postgres' event log storage, configured alike, holding its connections."""

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
