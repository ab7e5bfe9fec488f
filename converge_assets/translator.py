"""Every name Dagster shows: asset keys, groups, kinds, jobs, pools, resource keys, and where a
run's files live. One object owns them, as dagster-sling's and dagster-dlt's translators do."""

import hashlib
import re

from dagster import AssetKey, AssetSelection, DynamicPartitionsDefinition

from .engine.storage import Location
from .engine.tables import RunFiles

MIGRATION_RUN = DynamicPartitionsDefinition(name="migration_run")
SYSTEMS = ("mysql", "csv", "postgres")  # the first part of every table's asset key


class ConvergeTranslator:
    """Owns naming: asset keys, resource keys and file paths for sources and tables."""

    def asset_name(self, table: str) -> str:
        """Dagster names are [A-Za-z0-9_]; other characters become '_' plus a short hash of
        the real name, so `query-result-cache` and `query_result_cache` never collide."""
        name = re.sub(r"[^A-Za-z0-9_]", "_", table)
        if name != table:
            name += "_" + hashlib.sha1(table.encode()).hexdigest()[:6]
        return name

    def source_table_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["mysql", source, self.asset_name(table)])

    def export_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["csv", source, self.asset_name(table)])

    def load_key(self, source: str, table: str) -> AssetKey:
        return AssetKey(["postgres", source, self.asset_name(table)])

    def target_schema_key(self, source: str) -> AssetKey:
        return AssetKey([source, "target_schema"])

    def manifest_key(self, source: str) -> AssetKey:
        return AssetKey([source, "migration_manifest"])

    def migration_run_key(self, source: str) -> AssetKey:
        return AssetKey([source, "migration_run"])

    def source_of(self, key: AssetKey) -> str:
        """The source an asset key belongs to (table keys: system/source/table)."""
        return key.path[1] if key.path[0] in SYSTEMS else key.path[0]

    def group_name(self, source: str, system: str | None = None) -> str:
        """A group per layer of a source (its MySQL tables, CSVs and PostgreSQL tables) and one
        for its run-level assets: the graph draws each as a box of its own."""
        return f"{source}_{system or 'run'}"

    def job_selection(self, source: str) -> AssetSelection:
        """What a migration run of the source materialises: everything but the MySQL tables."""
        return AssetSelection.groups(
            self.group_name(source),
            self.group_name(source, "csv"),
            self.group_name(source, "postgres"),
        )

    def migrate_job_name(self, source: str) -> str:
        return f"migrate_{source}"

    def observe_job_name(self, source: str) -> str:
        return f"observe_{source}"

    def rerun_job_name(self, source: str, kind: str) -> str:
        """The UI's re-run of a source's partition: `only_failed` or `cutover`."""
        return f"rerun_failed_{source}" if kind == "only_failed" else f"cutover_{source}"

    def verdict_job_name(self) -> str:
        """Records a partition's verdict after a run that failed before reaching it."""
        return "record_migration_verdict"

    def verdict_sensor_name(self) -> str:
        """Runs the verdict job for a run that failed (launched from the UI or a schedule)."""
        return "record_failed_migration_runs"

    def mysql_resource_key(self, source: str) -> str:
        return f"mysql_{source}"

    def postgres_resource_key(self, source: str) -> str:
        return f"postgres_{source}"

    def run_files(self, export_dir: Location, source: str, run: str) -> RunFiles:
        """Where a run of a source keeps its files: `<export dir>/<source>/<run>/`."""
        return RunFiles(export_dir, source, run)

    def run_dir(self, export_dir: Location, source: str, run: str) -> Location:
        return self.run_files(export_dir, source, run).run_dir

    def csv_name(self, table: str) -> str:
        return RunFiles.csv_name(table)

    def table_step_name(self, source: str, index: int | None = None) -> str:
        """The multi-asset (and step) moving a source's tables; `index` when there are several."""
        return f"{source}_tables" + ("" if index is None else f"_{index}")

    def is_table_step(self, source: str, step_key: str) -> bool:
        """Whether a step (its key is its multi-asset's name) moves tables of this source."""
        name = re.escape(self.table_step_name(source))
        return re.fullmatch(rf"{name}(_\d+)?", step_key) is not None

    def pool_name(self, step: str) -> str:
        """A pool per table step (limit 1 in dagster.yaml): two runs never move the same
        tables at once, while a cluster's steps of different tables still run side by side."""
        return f"converge/{step}"
