"""The Dagster fixes of dagster_patches.py remember only what cannot become untrue."""

from __future__ import annotations

from dagster import DagsterInstance
from psycopg import sql

from converge_assets import dagster_patches
from converge_assets.cli import ensure_postgres_database
from converge_assets_tests.conftest import postgres_connect


def test_a_missing_instance_table_is_asked_again_and_an_existing_one_remembered(
    dagster_home, monkeypatch
):
    home, url = dagster_home
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", url)
    ensure_postgres_database(url)
    dagster_patches.apply()
    with DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert storage.has_table("event_logs")
        assert not storage.has_table("converge_later_table")
        with postgres_connect(url.rsplit("/", 1)[-1]) as conn:
            conn.execute(sql.SQL("CREATE TABLE converge_later_table (id int)"))
        assert storage.has_table("converge_later_table")  # a "no" was not remembered
        with postgres_connect(url.rsplit("/", 1)[-1]) as conn:
            conn.execute(sql.SQL("DROP TABLE converge_later_table"))
        # Nothing drops an instance's tables; a remembered "yes" stays.
        assert storage.has_table("converge_later_table")


def test_a_deleted_partition_is_gone_at_once(instance):
    dagster_patches.apply()
    instance.add_dynamic_partitions("migration_run", ["r1"])
    assert instance.has_dynamic_partition("migration_run", "r1")
    assert not instance.has_dynamic_partition("migration_run", "r2")
    instance.add_dynamic_partitions("migration_run", ["r2"])
    assert instance.has_dynamic_partition("migration_run", "r2")  # a "no" was not remembered
    instance.delete_dynamic_partition("migration_run", "r1")
    assert not instance.has_dynamic_partition("migration_run", "r1")
