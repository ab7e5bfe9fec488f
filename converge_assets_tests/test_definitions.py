"""The code location loads from the catalog alone: no database needs to be reachable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey

from converge_assets.builder import build_definitions
from converge_assets.engine.config import load_config
from converge_assets.engine.tables import largest_and_smallest_alternating
from converge_assets.translator import ConvergeTranslator

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_code_location_loads_with_no_database_reachable():
    env = {
        **os.environ,
        # Nothing listens on port 9: any connection attempt would fail.
        "CONVERGE_MYSQL_URL": "mysql://nobody:pw@127.0.0.1:9",
        "CONVERGE_POSTGRES_URL": "postgresql://nobody:pw@127.0.0.1:9",
    }
    code = (
        "from converge_assets.definitions import defs;"
        "g = defs.resolve_asset_graph();"
        "print(len(g.get_all_asset_keys()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 50  # both demo sources' tables, three assets each


def test_every_table_has_its_lineage_mysql_csv_postgres():
    config = load_config(ROOT / "converge.yaml")
    defs = build_definitions(config)
    graph = defs.resolve_asset_graph()
    t = ConvergeTranslator()
    for source in ("alkemio", "kratos"):
        loads = [k for k in graph.get_all_asset_keys() if k.path[:2] == ["postgres", source]]
        assert loads, source
        for load in loads:
            export = AssetKey(["csv", source, load.path[2]])
            assert export in graph.get(load).parent_keys
            assert AssetKey(["mysql", source, load.path[2]]) in graph.get(export).parent_keys
            assert t.target_schema_key(source) in graph.get(load).parent_keys
            assert graph.get(load).group_name == t.group_name(source, "postgres")
            assert graph.get(export).group_name == t.group_name(source, "csv")
            assert graph.get(load).code_version


def test_translator_names_are_valid_and_distinct():
    t = ConvergeTranslator()
    names = {
        t.asset_name(n)
        for n in ["query-result-cache", "query_result_cache", 'we`ird "name"', "order"]
    }
    assert len(names) == 4
    assert all(n.replace("_", "").isalnum() for n in names)


def test_a_sources_table_steps_are_its_own_not_a_lookalike_sources():
    t = ConvergeTranslator()
    assert t.is_table_step("shop", "shop_tables") and t.is_table_step("shop", "shop_tables_3")
    assert not t.is_table_step("shop", "shop_tables_eu_tables")  # source `shop_tables_eu`
    assert not t.is_table_step("shop", "shop__migration_manifest")


def test_tables_start_largest_first_then_alternate_with_the_smallest():
    sizes = {"a": 5, "b": 900, "c": 40, "d": 7000, "e": 1, "f": 300}
    order = largest_and_smallest_alternating(list(sizes), sizes.__getitem__)
    assert order == ["d", "e", "b", "a", "f", "c"]
    assert largest_and_smallest_alternating([], len) == []
    assert largest_and_smallest_alternating(["x"], len) == ["x"]


def test_our_names_of_dagster_version_tags_are_the_ones_dagster_records():
    """partition_status reads Dagster's data-version tags by name (no private import): a
    Dagster upgrade that renames them fails here, not silently in a cutover."""
    from dagster import (
        AssetSpec,
        DagsterInstance,
        DataVersion,
        MaterializeResult,
        asset,
        materialize,
        observable_source_asset,
    )

    from converge_assets.partition_status import (
        CODE_VERSION_TAG,
        DATA_VERSION_TAG,
        INPUT_VERSION_TAG,
        NEVER_OBSERVED,
    )

    @observable_source_asset
    def table():
        return DataVersion("7:123")

    @asset(deps=[table], code_version="v1")
    def export():
        return MaterializeResult(data_version=DataVersion("abc"))

    @asset(deps=[AssetSpec("unobserved")])
    def other():
        return None

    with DagsterInstance.ephemeral() as instance:
        assert materialize([table], instance=instance, selection=[table.key]).success
        assert materialize([table, export, other], instance=instance, selection=[export, other])
        observed = instance.fetch_observations(table.key, limit=1).records[0]
        assert observed.asset_observation.tags[DATA_VERSION_TAG] == "7:123"
        tags = instance.fetch_materializations(export.key, limit=1).records[0]
        tags = tags.asset_materialization.tags
        assert tags[CODE_VERSION_TAG] == "v1" and tags[DATA_VERSION_TAG] == "abc"
        assert tags[INPUT_VERSION_TAG + "table"] == "7:123"
        other_tags = instance.fetch_materializations(other.key, limit=1).records[0]
        assert other_tags.asset_materialization.tags[INPUT_VERSION_TAG + "unobserved"] == (
            NEVER_OBSERVED
        )
