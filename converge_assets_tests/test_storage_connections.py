"""The instance of our dagster.yaml: its event log holds connections and remembers only a yes."""

from __future__ import annotations

from dagster import DagsterInstance

from converge_assets.cli import ensure_postgres_database
from converge_assets.storage_connections import (
    MEASURED_ON,
    HeldPostgresEventLogStorage,
    installed_versions,
)
from converge_assets_tests.conftest import postgres_connect


def open_instance(dagster_home, monkeypatch) -> DagsterInstance:
    home, url = dagster_home
    ensure_postgres_database(url)
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", url)
    return DagsterInstance.from_config(str(home))


def connections_to(url: str) -> int:
    with postgres_connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (url.rsplit("/", 1)[-1],)
        ).fetchone()[0]


def test_the_event_log_keeps_its_connection_between_events(dagster_home, monkeypatch):
    with open_instance(dagster_home, monkeypatch) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, HeldPostgresEventLogStorage)
        instance.add_dynamic_partitions("migration_run", ["r1"])
        instance.get_dynamic_partitions("migration_run")
        # dagster-postgres' own default closes every connection after its statement.
        assert connections_to(dagster_home[1]) >= 1


def test_a_yes_is_remembered_a_no_asked_again_a_deleted_partition_forgotten(
    dagster_home, monkeypatch
):
    with open_instance(dagster_home, monkeypatch) as instance:
        storage = instance.event_log_storage
        assert storage.remembers  # on the measured version
        assert storage.has_table("event_logs")
        assert not storage.has_table("no_such_table")
        assert ("table", "event_logs") in storage.said_yes
        assert ("table", "no_such_table") not in storage.said_yes

        assert not instance.has_dynamic_partition("migration_run", "r1")
        instance.add_dynamic_partitions("migration_run", ["r1"])
        assert instance.has_dynamic_partition("migration_run", "r1")  # the no was asked again
        instance.delete_dynamic_partition("migration_run", "r1")
        assert not instance.has_dynamic_partition("migration_run", "r1")


def test_remembering_is_only_active_on_the_version_it_was_measured_on(dagster_home, monkeypatch):
    # Fails on a Dagster upgrade: measure (docs/benchmarks.md) and read those methods again.
    assert installed_versions() == MEASURED_ON
    with open_instance(dagster_home, monkeypatch) as instance:
        storage = instance.event_log_storage
        storage.remembers = False  # what another version gets
        instance.add_dynamic_partitions("migration_run", ["r2"])
        assert storage.has_dynamic_partition("migration_run", "r2")
        with postgres_connect(dagster_home[1].rsplit("/", 1)[-1]) as conn:
            conn.execute("DELETE FROM dynamic_partitions WHERE partition = 'r2'")
        assert not storage.has_dynamic_partition("migration_run", "r2")
        assert storage.said_yes == {}
