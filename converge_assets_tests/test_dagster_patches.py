"""The Dagster fixes of dagster_patches.py remember only what cannot become untrue."""

from __future__ import annotations

import subprocess
import sys

import pytest
from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetKey,
    AssetSpec,
    DagsterEventType,
    DagsterInstance,
    DataVersion,
    DynamicPartitionsDefinition,
    MaterializeResult,
    define_asset_job,
    materialize,
    multi_asset,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from psycopg import sql

from converge_assets import dagster_patches
from converge_assets.cli import ensure_postgres_database
from converge_assets_tests.conftest import postgres_connect


@pytest.fixture
def postgres_instance(dagster_home, monkeypatch):
    """The project's instance configuration on a PostgreSQL database of its own, with the
    batches the CLI asks for."""
    home, url = dagster_home
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", url)
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "10000")
    ensure_postgres_database(url)
    dagster_patches.apply()
    with DagsterInstance.get() as instance:
        yield instance


RUNS = DynamicPartitionsDefinition(name="patch_runs")
TABLES = ("a", "b", "c")


def tables_asset(fail: str | None = None):
    """Three assets with a check each, yielded as the table step yields them."""
    specs = [AssetSpec(AssetKey(["t", name]), partitions_def=RUNS) for name in TABLES]
    checks = [
        AssetCheckSpec("rows", asset=s.key, partitions_def=RUNS, blocking=True) for s in specs
    ]

    @multi_asset(
        specs=specs, check_specs=checks, partitions_def=RUNS, can_subset=True, pool="patch_pool"
    )
    def tables(context):
        for key in sorted(context.selected_asset_keys):
            yield MaterializeResult(asset_key=key, metadata={"rows": 1})
            yield AssetCheckResult(asset_key=key, check_name="rows", passed=key.path[1] != fail)

    return tables


def test_planned_events_stored_at_once_are_those_dagster_stores(postgres_instance):
    instance = postgres_instance
    instance.add_dynamic_partitions(RUNS.name, ["r1"])
    result = materialize(
        [tables_asset(fail="b")], instance=instance, partition_key="r1", raise_on_error=False
    )
    planned = instance.get_records_for_run(
        result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    ).records
    assert {r.event_log_entry.dagster_event.asset_key for r in planned} == {
        AssetKey(["t", n]) for n in TABLES
    }
    for name in TABLES:
        key = AssetCheckKey(AssetKey(["t", name]), "rows")
        (execution,) = instance.event_log_storage.get_asset_check_execution_history(key, limit=5)
        assert execution.run_id == result.run_id
        assert execution.partition == "r1"
        # The planned row was stored, then updated by the evaluation (none left PLANNED).
        assert execution.status == (
            AssetCheckExecutionRecordStatus.FAILED
            if name == "b"
            else AssetCheckExecutionRecordStatus.SUCCEEDED
        )
    # The asset index knows the run that planned each asset.
    records = instance.get_asset_records([AssetKey(["t", n]) for n in TABLES])
    assert {r.asset_entry.last_run_id for r in records} == {result.run_id}


def test_a_check_points_at_the_materialization_it_follows(postgres_instance):
    instance = postgres_instance
    instance.add_dynamic_partitions(RUNS.name, ["r1", "r2"])
    first = materialize([tables_asset()], instance=instance, partition_key="r1")
    second = materialize([tables_asset()], instance=instance, partition_key="r2")
    for run, partition in ((first, "r1"), (second, "r2")):
        for name in TABLES:
            key = AssetKey(["t", name])
            (materialization,) = instance.fetch_materializations(
                _filter(key, partition), limit=1
            ).records
            (evaluation,) = [e for e in run.get_asset_check_evaluations() if e.asset_key == key]
            target = evaluation.target_materialization_data
            assert (target.storage_id, target.run_id) == (
                materialization.storage_id,
                run.run_id,
            )
            assert target.timestamp == materialization.timestamp


def test_a_load_records_the_export_it_read_as_its_provenance(postgres_instance):
    """A load's provenance is its export, materialised earlier in the same step."""
    instance = postgres_instance
    instance.add_dynamic_partitions(RUNS.name, ["r1", "r2"])
    export, load = AssetKey(["csv", "t"]), AssetKey(["postgres", "t"])

    @multi_asset(
        specs=[
            AssetSpec(export, partitions_def=RUNS),
            AssetSpec(load, deps=[export], partitions_def=RUNS),
        ],
        partitions_def=RUNS,
    )
    def table(context):
        yield MaterializeResult(asset_key=export, data_version=DataVersion(context.partition_key))
        yield MaterializeResult(asset_key=load)

    for partition in ("r1", "r2"):
        materialize([table], instance=instance, partition_key=partition)
        (exported,) = instance.fetch_materializations(_filter(export, partition), limit=1).records
        (loaded,) = instance.fetch_materializations(_filter(load, partition), limit=1).records
        tags = loaded.asset_materialization.tags
        assert tags["dagster/input_data_version/csv/t"] == partition
        assert tags["dagster/input_event_pointer/csv/t"] == str(exported.storage_id)


def test_a_manifest_records_the_partition_versions_of_what_it_read(postgres_instance):
    """An asset reading partitioned assets of another step records, per input, Dagster's hash
    of the input partition's data version."""
    import hashlib

    from dagster import asset

    instance = postgres_instance
    instance.add_dynamic_partitions(RUNS.name, ["r1", "r2"])
    keys = [AssetKey(["csv", name]) for name in TABLES]

    @multi_asset(specs=[AssetSpec(k, partitions_def=RUNS) for k in keys], partitions_def=RUNS)
    def exports(context):
        for k in keys:
            yield MaterializeResult(
                asset_key=k, data_version=DataVersion(f"{k.path[1]}-{context.partition_key}")
            )

    @asset(deps=keys, partitions_def=RUNS)
    def manifest() -> None:
        pass

    for partition in ("r1", "r2"):
        materialize([exports, manifest], instance=instance, partition_key=partition)
        (record,) = instance.fetch_materializations(
            _filter(AssetKey("manifest"), partition), limit=1
        ).records
        tags = record.asset_materialization.tags
        for k in keys:
            version = f"{k.path[1]}-{partition}"
            expected = hashlib.sha256(version.encode()).hexdigest()
            assert tags[f"dagster/input_data_version/{k.to_user_string()}"] == expected


def _filter(key: AssetKey, partition: str):
    from dagster import AssetRecordsFilter

    return AssetRecordsFilter(asset_key=key, asset_partitions=[partition])


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


def test_a_runs_pools_exist_before_it_claims_them(postgres_instance):
    """Dagster creates a pool at its first claim; a second creation of the same pool (what the
    slower of two runs starting at once does) fails in dagster-postgres. ensure_pools creates
    them before the run, and leaves existing ones alone."""
    from sqlalchemy.exc import DBAPIError

    from converge_assets.runner import ensure_pools

    instance = postgres_instance
    job = define_asset_job("tables_job").resolve(asset_graph=_graph(tables_asset()))
    storage = instance.event_log_storage
    assert storage.get_pool_limits() == []
    ensure_pools(instance, job)
    assert [(p.name, p.limit) for p in storage.get_pool_limits()] == [("patch_pool", 1)]
    ensure_pools(instance, job)  # nothing to create
    with pytest.raises(DBAPIError):
        storage.initialize_concurrency_limit_to_default("patch_pool")


def _graph(*assets):
    from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

    return AssetGraph.from_assets(assets)


def test_the_fixes_are_active_only_on_the_versions_they_were_measured_on():
    """An upgrade of Dagster or dagster-postgres fails here until the fixes are read and
    measured again; on any other version apply() patches nothing."""
    assert dagster_patches.installed_versions() == dagster_patches.MEASURED_ON
    newer = {**dagster_patches.MEASURED_ON, "dagster": "1.14.0"}
    assert dagster_patches.apply(newer) is False
    assert dagster_patches.apply() is True


def test_importing_the_package_patches_nothing():
    """Only an explicit apply() patches Dagster (our code location and `converge` call it): a
    team's project that uses the component keeps Dagster as it is."""
    code = (
        "import dagster, converge_assets.assets, converge_assets.component;"
        "from functools import cached_property;"
        "print(isinstance(dagster.AssetsDefinition.__dict__.get('asset_and_check_keys'),"
        " cached_property))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "False"
