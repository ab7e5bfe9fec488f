"""The re-run policy, in one place: what a second run of a migration run partition moves.

    only failed  the tables that failed or are missing in the partition (`--only-failed`)
    cutover      those, and every table that changed in MySQL since its export, observed now
                 (`--changed-only`)

Either way the run moves exactly those tables' assets and verifies the whole source: the
verdict reads every other table's stored records (carried over, not materialised again).
In the UI each is a job per source (`rerun_failed_<source>`, `cutover_<source>`, launched for
a partition from its launchpad): it plans, then runs the source's migration job on the planned
assets in its own process (a run of that job, in its history, linked from the plan), so a
re-run costs one run's start, not a second launch.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dagster import (
    AssetKey,
    DagsterInstance,
    Failure,
    JobDefinition,
    MetadataValue,
    OpExecutionContext,
    Output,
    in_process_executor,
    job,
    op,
)

from .engine.catalog import Catalog
from .engine.config import ConvergeConfig, SourceConfig
from .partition_status import (
    changed_tables,
    latest_materialization,
    table_statuses,
    unfinished_assets,
)
from .source_assets import observe_tables, source_observation
from .translator import MIGRATION_RUN, ConvergeTranslator

ONLY_FAILED, CUTOVER = "only_failed", "cutover"
RERUN_TAG = "converge/rerun"  # only_failed or cutover: on the re-run job's run and the one it ran
PLANNED_BY_TAG = "converge/planned_by"  # on a migration run a re-run job ran: that job's run
SOURCE_TAG = "converge/source"  # on a source's jobs and their runs


@dataclass(frozen=True)
class RerunPlan:
    source: str
    run: str
    move: tuple[str, ...]  # the tables the re-run moves
    carried_over: tuple[str, ...]  # the tables whose earlier records stand
    selection: tuple[AssetKey, ...]  # what the migration job materialises

    def summary(self) -> str:
        moving = f"moving {len(self.move)} table(s)" + (
            f" ({', '.join(self.move)})" if self.move else ""
        )
        return (
            f"{self.source} run {self.run}: {moving}, carrying over {len(self.carried_over)}; "
            "then verifying the whole source"
        )


def plan_rerun(
    instance: DagsterInstance,
    source: SourceConfig,
    catalog: Catalog,
    translator: ConvergeTranslator,
    run: str,
    kind: str,
) -> RerunPlan:
    """ONLY_FAILED: the exports and loads that failed or are missing. CUTOVER: those, and both
    of every table changed since its export (by the latest observations)."""
    statuses = table_statuses(instance, catalog.tables, translator, source, run)
    keys = set(unfinished_assets(statuses))
    if kind == CUTOVER:
        for table in changed_tables(instance, catalog.tables, translator, source.name, run):
            keys |= {
                translator.export_key(source.name, table),
                translator.load_key(source.name, table),
            }
    move = tuple(s.table for s in statuses if s.export_key in keys or s.load_key in keys)
    selection = [k for s in statuses for k in (s.export_key, s.load_key) if k in keys]
    if move:  # the preflight observes what the exports read; the manifest lists them
        selection = [
            translator.target_schema_key(source.name),
            *selection,
            translator.manifest_key(source.name),
        ]
    selection.append(translator.migration_run_key(source.name))
    return RerunPlan(
        source.name,
        run,
        move,
        tuple(s.table for s in statuses if s.table not in move),
        tuple(selection),
    )


# The UI's job page lists the runs labelled with its code location (Dagster labels a run it
# launches itself; a run executed in process has no label of its own).
CODE_LOCATION_LABEL_TAG = ".dagster/repository"


def same_code_location(context: OpExecutionContext) -> dict[str, str]:
    """The label of the re-run job's own run, for the migration run it runs."""
    origin = context.run.remote_job_origin
    if origin is None:
        return {}
    return {CODE_LOCATION_LABEL_TAG: origin.repository_origin.get_label()}


def build_rerun_jobs(
    config: ConvergeConfig,
    source: SourceConfig,
    catalog: Catalog,
    translator: ConvergeTranslator,
    job_named: Callable[[str], JobDefinition],
) -> list[JobDefinition]:
    """`job_named`: the code location's job of that name (the migration and verdict jobs)."""
    return [
        _planning_job(config, source, catalog, translator, kind, job_named)
        for kind in (ONLY_FAILED, CUTOVER)
    ]


def _planning_job(
    config: ConvergeConfig,
    source: SourceConfig,
    catalog: Catalog,
    translator: ConvergeTranslator,
    kind: str,
    job_named: Callable[[str], JobDefinition],
) -> JobDefinition:
    mysql_key = translator.mysql_resource_key(source.name)
    name = translator.rerun_job_name(source.name, kind)
    migrate_job = translator.migrate_job_name(source.name)

    # Only the cutover observes MySQL.
    @op(
        name=f"{name}_plan_and_run",
        required_resource_keys={mysql_key} if kind == CUTOVER else set(),
    )
    def _plan_and_run(context: OpExecutionContext) -> Iterator[Output]:
        if kind == CUTOVER:
            for observed in observe_tables(
                getattr(context.resources, mysql_key),
                source.mysql_database,
                [t.name for t in catalog.tables],
                config.parallel_tables,
            ):
                key = translator.source_table_key(source.name, observed.table)
                context.log_event(source_observation(key, observed))
        plan = plan_rerun(
            context.instance, source, catalog, translator, context.partition_key, kind
        )
        context.log.info(plan.summary())
        result = job_named(migrate_job).execute_in_process(
            instance=context.instance,
            partition_key=plan.run,
            asset_selection=list(plan.selection),
            tags={
                PLANNED_BY_TAG: context.run_id,
                RERUN_TAG: kind,
                SOURCE_TAG: source.name,
                **same_code_location(context),
            },
            raise_on_error=False,
        )
        if not result.success:  # it skipped the verdict: record it now, as `converge run` does
            job_named(translator.verdict_job_name()).execute_in_process(
                instance=context.instance,
                partition_key=plan.run,
                asset_selection=[translator.migration_run_key(source.name)],
                tags={PLANNED_BY_TAG: context.run_id},
                raise_on_error=False,
            )
        verdict = latest_materialization(
            context.instance, translator.migration_run_key(source.name), plan.run
        )
        said = verdict.asset_materialization.metadata if verdict else {}
        metadata = {
            "plan": plan.summary(),
            "migration_run": MetadataValue.dagster_run(result.run_id),
            "moved": MetadataValue.json(list(plan.move)),
            "carried_over": len(plan.carried_over),
            "verdict": said["status"].value if "status" in said else "not recorded",
            "message": said["message"].value if "message" in said else "",
        }
        if not result.success:
            raise Failure(
                description=f"{migrate_job} run {result.run_id} failed: {metadata['message']}",
                metadata=metadata,
            )
        yield Output(None, metadata=metadata)

    description = (
        f"Re-runs what failed or is missing in a migration run of {source.name}: pick the run "
        "partition and launch; the tables that failed move again, the others are carried over, "
        "and the whole source is verified."
        if kind == ONLY_FAILED
        else f"Cutover of {source.name}: observes every MySQL table, then re-migrates the tables "
        "that changed (or failed) since the picked run partition moved them, and verifies the "
        "whole source."
    )

    @job(
        name=name,
        partitions_def=MIGRATION_RUN,
        executor_def=in_process_executor,
        tags={RERUN_TAG: kind, SOURCE_TAG: source.name},
        description=description + f" The migration runs as a run of {migrate_job}.",
    )
    def _job():
        _plan_and_run()

    return _job
