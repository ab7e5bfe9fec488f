"""Dagster's PostgreSQL storage, holding its connections open for a run's many events."""

import weakref

from dagster import DagsterInstance
from dagster_postgres import PostgresEventLogStorage

_holding: weakref.WeakSet[DagsterInstance] = weakref.WeakSet()


def hold_storage_connections(instance: DagsterInstance) -> None:
    """Hold the instance's PostgreSQL connections open, as the webserver does: dagster-postgres
    otherwise opens a new connection for every event it stores (measured: the largest cost of
    a run of small tables, docs/benchmarks.md). Once per instance: the CLI's, a run worker's,
    a step process's."""
    if instance in _holding or not isinstance(instance.event_log_storage, PostgresEventLogStorage):
        return
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=10)
    _holding.add(instance)
