"""Definitions from a config: sources from the config, tables from their catalogs, assets from
factories. `definitions.py` is the code location built from converge.yaml; `converge` builds its
own from the config it loaded (importing this module builds nothing)."""

import os
import warnings

from dagster import (
    AssetKey,
    AssetSelection,
    BetaWarning,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    EnvVar,
    ExecutorDefinition,
    PreviewWarning,
    RunFailureSensorContext,
    RunRequest,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
    run_failure_sensor,
)

from .assets import build_table_assets
from .engine.catalog import source_catalog
from .engine.config import DEFAULT_MYSQL_URL, DEFAULT_POSTGRES_URL, ConvergeConfig
from .partition_status import PARTITION_TAG
from .rerun import PLANNED_BY_TAG, SOURCE_TAG, build_rerun_jobs
from .resources import MySQLResource, PostgresResource
from .rollback_job import build_rollback_job
from .run_assets import build_manifest_asset, build_migration_run_asset, build_target_schema_asset
from .source_assets import build_source_table_assets
from .translator import ConvergeTranslator

# Partitioned asset checks (preview) and multi_observable_source_asset (beta) are Dagster 1.13
# features we rely on knowingly.
warnings.filterwarnings("ignore", category=PreviewWarning)
warnings.filterwarnings("ignore", category=BetaWarning)

CLI_TAG = "converge/cli"  # runs launched by `converge run`, which records their verdict itself

# CONVERGE_EXECUTOR=celery: a migration job's steps go to dagster-celery workers through the
# broker of CONVERGE_CELERY_BROKER (and the result backend of CONVERGE_CELERY_BACKEND, else the
# broker). Every worker and the launching process need the same settings (the workers rebuild
# the job), and a run directory they all reach: CONVERGE_EXPORT_DIR=s3://bucket/prefix.
EXECUTOR_ENV = "CONVERGE_EXECUTOR"
BROKER_ENV, BACKEND_ENV = "CONVERGE_CELERY_BROKER", "CONVERGE_CELERY_BACKEND"


def cluster_executor() -> ExecutorDefinition | None:
    """The executor CONVERGE_EXECUTOR names, or None: this machine's (in-process or
    multiprocess). Broker URLs are given as variable names, so the UI never shows a password."""
    chosen = os.environ.get(EXECUTOR_ENV, "").strip()
    if not chosen:
        return None
    if chosen == "k8s":
        # Untested here (no cluster): dagster-k8s, pinned with dagster, is the operator's install;
        # each step's pod takes its image and environment from the K8sRunLauncher.
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    if chosen != "celery":
        raise ValueError(f"{EXECUTOR_ENV}={chosen!r}: the executors known here: celery, k8s")
    from dagster_celery import celery_executor  # imported only where Celery is used

    backend = BACKEND_ENV if os.environ.get(BACKEND_ENV) else BROKER_ENV
    return celery_executor.configured(
        {"broker": {"env": BROKER_ENV}, "backend": {"env": backend}},
        name="celery_executor",
    )


def _server_url(variable: str | None, default: str) -> str:
    """An `EnvVar` where a variable is set (the UI shows its name, never the value), else the
    password-less local default."""
    return EnvVar(variable) if variable else default


def build_definitions(
    config: ConvergeConfig, translator: ConvergeTranslator | None = None
) -> Definitions:
    translator = translator or ConvergeTranslator()
    assets, jobs, schedules, resources = [], [], [], {}
    verdict_keys: list[AssetKey] = []
    planning_jobs, migrate_jobs = [], {}
    for source in config.sources.values():
        resources[translator.mysql_resource_key(source.name)] = MySQLResource(
            url=_server_url(source.mysql_url_variable(), DEFAULT_MYSQL_URL)
        )
        resources[translator.postgres_resource_key(source.name)] = PostgresResource(
            url=_server_url(source.postgres_url_variable(), DEFAULT_POSTGRES_URL)
        )
        catalog = source_catalog(config.path, source.name, source.exclude)
        if catalog is None:
            warnings.warn(
                f"source {source.name!r} has no catalog yet: run `converge discover --source {source.name}`",
                stacklevel=1,
            )
            continue
        observe = build_source_table_assets(config, source, catalog, translator)
        table_steps = build_table_assets(config, source, catalog, translator)
        source_assets = [
            observe,
            build_target_schema_asset(config, source, catalog, translator),
            *table_steps,
            build_manifest_asset(config, source, catalog, translator),
            build_migration_run_asset(config, source, catalog, translator),
        ]
        assets += source_assets
        observe_job = define_asset_job(
            translator.observe_job_name(source.name),
            selection=AssetSelection.assets(observe),
            description=f"Observes every MySQL table of {source.name}: stale exports show what changed.",
        )
        jobs.append(observe_job)
        schedules.append(
            ScheduleDefinition(
                name=f"observe_{source.name}_every_10_minutes",
                job=observe_job,
                cron_schedule="*/10 * * * *",
                default_status=DefaultScheduleStatus.STOPPED,
            )
        )
        verdict_keys.append(translator.migration_run_key(source.name))
        jobs.append(
            build_rollback_job(config, source, translator.postgres_resource_key(source.name))
        )
        migrate_jobs[source.name] = define_asset_job(
            translator.migrate_job_name(source.name),
            selection=translator.job_selection(source.name),
            tags={SOURCE_TAG: source.name},
            description=f"A full migration run of {source.name}: preflight, export, load, verify.",
            # One table step: its few cheap neighbours (preflight, manifest, verdict) would
            # each pay a process start under the multiprocess executor.
            executor_def=cluster_executor()
            or (in_process_executor if len(table_steps) == 1 else None),
        )
        planning_jobs += build_rerun_jobs(
            config, source, catalog, translator, lambda name: definitions.resolve_job_def(name)
        )
    verdict_job = define_asset_job(
        translator.verdict_job_name(),
        selection=AssetSelection.assets(*verdict_keys),
        description="Checks foreign keys and sequences and records a run's verdict in the migration log.",
    )

    @run_failure_sensor(
        name=translator.verdict_sensor_name(),
        request_job=verdict_job,
        minimum_interval_seconds=10,
        default_status=DefaultSensorStatus.RUNNING,  # a failed run's verdict is always recorded
    )
    def record_failed_migration_runs(context: RunFailureSensorContext):
        """A failed run skips its migration_run asset; record the `failed` verdict anyway."""
        run = context.dagster_run
        partition = run.tags.get(PARTITION_TAG)
        # The verdict job and the re-run jobs migrate nothing; `converge run` and the re-run
        # jobs record the verdict of a run they ran.
        ours = {verdict_job.name, *(j.name for j in planning_jobs)}
        if not partition or run.job_name in ours or {CLI_TAG, PLANNED_BY_TAG} & set(run.tags):
            return None
        sources = {translator.source_of(k) for k in run.asset_selection or ()}
        if not sources and SOURCE_TAG in run.tags:
            # A whole migration job (no asset selection) is of the one source its tag names:
            # not every source's verdict, nor any of another component's source.
            sources = {run.tags[SOURCE_TAG]}
        keys = [k for k in verdict_keys if not sources or translator.source_of(k) in sources]
        if not keys:
            return None
        return RunRequest(run_key=run.run_id, partition_key=partition, asset_selection=keys)

    definitions = Definitions(
        assets=assets,
        jobs=[*jobs, *migrate_jobs.values(), *planning_jobs, verdict_job],
        schedules=schedules,
        sensors=[record_failed_migration_runs] if verdict_keys else [],
        resources=resources,
    )
    return definitions
