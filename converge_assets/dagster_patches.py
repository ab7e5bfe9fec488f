"""One measured fix to Dagster 1.13 for multi-assets of hundreds of tables.

`AssetsDefinition.asset_and_check_keys` builds a new set of every key of the multi-asset at each
call, and the step machinery calls it once per step output for every result the step yields:
quadratic in the number of tables of a step. Measured on a source of 500 small tables: 253 s,
80% of it in this property. Its value never changes after the definition is built, so it is
computed once. Re-measure (benchmarks/many_tables.py) before dropping it on a Dagster upgrade.
"""

from functools import cached_property

from dagster import AssetsDefinition


def _asset_and_check_keys(self: AssetsDefinition) -> frozenset:
    return frozenset(self.keys).union(self.check_keys)


def apply() -> None:
    if isinstance(AssetsDefinition.__dict__.get("asset_and_check_keys"), cached_property):
        return
    cached = cached_property(_asset_and_check_keys)
    cached.__set_name__(AssetsDefinition, "asset_and_check_keys")
    AssetsDefinition.asset_and_check_keys = cached
