"""Run a source's migration job for one partition through Dagster, and print what happened.

Runs and events land in the Dagster instance (`DAGSTER_HOME`), so the UI shows them afterwards
exactly as if they had been launched there.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import socket
import time
import uuid

import sqlalchemy.exc
from dagster import (
    AssetKey,
    DagsterInstance,
    DagsterRunStatus,
    JobExecutionResult,
    RunsFilter,
    build_reconstructable_job,
    execute_job,
)

from .builder import CLI_TAG, build_definitions, cluster_executor
from .engine import postgres as pq
from .engine.catalog import Catalog, source_catalog
from .engine.config import ConfigError, ConvergeConfig, SourceConfig, redact
from .engine.storage import process_alive
from .partition_status import (
    PARTITION_TAG,
    latest_materialization,
    step_failures,
    table_statuses,
)
from .progress import ProgressDisplay
from .rerun import CUTOVER, ONLY_FAILED, plan_rerun
from .resources import MySQLResource, PostgresResource
from .run_assets import failed_table_line
from .storage_connections import hold_storage_connections
from .translator import MIGRATION_RUN, ConvergeTranslator

# The terminal shows progress, the summary and every reason; Dagster's events (stack traces
# included) stay in the instance, where the UI shows them.
HOST_TAG, PID_TAG = "converge/host", "converge/pid"  # where a CLI run's process lives
RUN_TOKEN_TAG = "converge/cli_run"  # tells a CLI run apart before Dagster names it
SILENT = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
IN_PROGRESS = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
]
# `converge run`'s exit status
COMPLETED, FAILED, DRIFTED = 0, 1, 3


class RunRefused(Exception):
    """`converge run` will not start: what is in the way is in the message."""


def open_instance() -> DagsterInstance:
    """The instance of DAGSTER_HOME, holding its storage connections open."""
    instance = instance_of_dagster_home()
    hold_storage_connections(instance)
    return instance


# What the loser of that race can meet (SQLSTATE): a type (42710) or a table or index (42P07)
# that already exists, or the unique index of a catalog table (23505, an IntegrityError).
CREATION_RACE = {"42710", "42P07", "23505"}


def instance_of_dagster_home(attempts: int = 5) -> DagsterInstance:
    """Two `converge` processes starting at once on a fresh storage database both create
    Dagster's tables. dagster-postgres retries the tables' creation, but not its row types
    (DuplicateObject) nor the indexes its migrations add after: retry the whole opening, which
    skips what exists."""
    for attempt in range(1, attempts):
        try:
            return DagsterInstance.get()
        except (sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.IntegrityError) as error:
            if getattr(error.orig, "pgcode", None) not in CREATION_RACE:
                raise
            time.sleep(0.2 * attempt)
    return DagsterInstance.get()


def fail_dead_runs(instance: DagsterInstance, job_name: str) -> list[str]:
    """Runs of `converge run` on this host whose process died (killed, out of memory, the
    machine restarted) stay STARTED and keep their table steps' pool slots, so the next run
    would wait forever. Mark them failed and free their slots."""
    host = socket.gethostname()
    dead = []
    for run in instance.get_runs(
        filters=RunsFilter(job_name=job_name, statuses=[DagsterRunStatus.STARTED])
    ):
        pid = run.tags.get(PID_TAG)
        if run.tags.get(HOST_TAG) != host or not pid or process_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the converge process (pid {pid}) is gone")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        dead.append(run.run_id)
    return dead


def table_step_pools(job) -> set[str]:
    return {node.pool for node in job.graph.node_defs if getattr(node, "pool", None)}


def ensure_pools(instance: DagsterInstance, job) -> None:
    """Create the pools of the job's table steps (at the default limit) before the run claims
    them. Dagster creates a pool at its first claim, and of two runs that claim a new pool at
    once one fails: dagster-postgres retries its insert inside the aborted transaction."""
    storage = instance.event_log_storage

    def existing() -> set[str]:
        return {pool.name for pool in storage.get_pool_limits()}

    for pool in sorted(table_step_pools(job) - existing()):
        try:
            storage.initialize_concurrency_limit_to_default(pool)
        except sqlalchemy.exc.DBAPIError:
            if pool not in existing():  # not another run's creation of the same pool
                raise


def ensure_partition(instance: DagsterInstance, run_key: str) -> None:
    if not instance.has_dynamic_partition(MIGRATION_RUN.name, run_key):
        instance.add_dynamic_partitions(MIGRATION_RUN.name, [run_key])


def observe_source(
    defs, instance: DagsterInstance, source: str, translator: ConvergeTranslator
) -> bool:
    """Record every source table's current data version (what a cutover compares)."""
    result = defs.resolve_job_def(translator.observe_job_name(source)).execute_in_process(
        instance=instance, tags={CLI_TAG: "observe"}, run_config=SILENT, raise_on_error=False
    )
    return result.success


def check_servers(source: SourceConfig) -> None:
    """Both servers and both databases answer: otherwise one line says which (a wrong
    password, an unreachable host, a missing database) before anything starts."""
    with MySQLResource(url=source.mysql_url()).connect(source.mysql_database):
        pass
    with PostgresResource(url=source.postgres_url()).connect(source.postgres_database):
        pass


def runs_in_progress(
    instance: DagsterInstance, translator: ConvergeTranslator, source: str, run_key: str
) -> list[str]:
    """Dagster runs of this source's partition that have not ended (launched from the UI or by
    another `converge run`)."""
    runs = instance.get_runs(
        filters=RunsFilter(tags={PARTITION_TAG: run_key}, statuses=IN_PROGRESS)
    )
    return [
        r.run_id
        for r in runs
        if r.job_name == translator.migrate_job_name(source)
        or any(translator.source_of(k) == source for k in r.asset_selection or ())
    ]


def run_source(
    config: ConvergeConfig,
    source_name: str,
    run_key: str,
    *,
    only_failed: bool = False,
    changed_only: bool = False,
) -> int:
    source = config.source(source_name)
    catalog = source_catalog(config.path, source.name, source.exclude)
    if catalog is None:
        raise ConfigError(
            f"source {source.name!r} has no catalog: run `converge discover --source {source.name}`"
        )
    check_servers(source)
    postgres = PostgresResource(url=source.postgres_url())
    lock = f"converge_assets run {source.name} {run_key}"
    with pq.run_lock(postgres, source.postgres_database, lock) as taken:
        if not taken:
            raise RunRefused(
                f"run {run_key!r} of source {source.name!r} is already running in another "
                "`converge run`: wait for it to end, then look at its verdict"
            )
        return _run_source(config, source, catalog, run_key, only_failed, changed_only)


def _run_source(
    config: ConvergeConfig,
    source: SourceConfig,
    catalog: Catalog,
    run_key: str,
    only_failed: bool,
    changed_only: bool,
) -> int:
    translator = ConvergeTranslator()
    defs = build_definitions(config, translator)
    job = defs.resolve_job_def(translator.migrate_job_name(source.name))
    on_cluster = cluster_executor() is not None
    in_processes = len(table_step_pools(job)) > 1 and not on_cluster
    if in_processes:
        start_step_process_server()  # it imports the code while the tables are observed
    instance = open_instance()
    for dead in fail_dead_runs(instance, job.name):
        print(f"{source.name}: run {dead} had lost its process: marked failed")
    busy = runs_in_progress(instance, translator, source.name, run_key)
    if busy:
        raise RunRefused(
            f"run {run_key!r} of source {source.name!r} is already running (Dagster run "
            f"{', '.join(busy)}): wait for it to end, then look at its verdict"
        )
    ensure_partition(instance, run_key)
    selection = None
    if changed_only and not observe_source(defs, instance, source.name, translator):
        raise RunRefused(f"{source.name}: observing the MySQL tables failed")
    if only_failed or changed_only:
        plan = plan_rerun(
            instance, source, catalog, translator, run_key, CUTOVER if changed_only else ONLY_FAILED
        )
        selection = list(plan.selection)
        print(plan.summary())
    ensure_pools(instance, job)
    token = str(uuid.uuid4())
    tags = {
        CLI_TAG: "run",
        HOST_TAG: socket.gethostname(),
        PID_TAG: str(os.getpid()),
        RUN_TOKEN_TAG: token,
    }
    names = [t.name for t in catalog.tables]
    with ProgressDisplay(instance, (RUN_TOKEN_TAG, token), source.name, names, translator):
        if on_cluster or in_processes:
            run_config = SILENT if on_cluster else IN_PROCESSES
            result = run_reconstructed(instance, source.name, run_key, selection, tags, run_config)
        else:
            result = job.execute_in_process(
                instance=instance,
                partition_key=run_key,
                asset_selection=selection,
                tags=tags,
                run_config=SILENT,  # the display shows progress
                raise_on_error=False,
            )
    success, run_id = result.success, result.run_id
    # A step whose process was killed (a Celery worker's, an out-of-memory kill) never reports
    # its end, so its pool slot stays claimed and the re-run of its tables would wait for it
    # forever; the run has ended, so none of its slots is in use.
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    verdict_key = translator.migration_run_key(source.name)
    if not success:
        # The failed step skipped the verdict; record it (`failed`, with the reasons) anyway.
        defs.resolve_job_def(translator.verdict_job_name()).execute_in_process(
            instance=instance,
            partition_key=run_key,
            asset_selection=[verdict_key],
            tags={CLI_TAG: "verdict"},
            run_config=SILENT,
            raise_on_error=False,
        )
    return print_summary(instance, catalog, translator, source, run_key, run_id)


# Dagster's multiprocess executor forks its step processes from the running fork server:
# started early, it imports the code location while the tables are observed.
STEP_PROCESS_MODULE = "converge_assets.step_processes"


def start_step_process_server() -> None:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([STEP_PROCESS_MODULE])
    multiprocessing.forkserver.ensure_running()


# A source of several table steps: each step in a process of its own, as many at once as the
# machine has cores. One process records events at a time, so the run's main thread is the
# limit of a run of many small tables; several steps record theirs side by side.
IN_PROCESSES = {
    **SILENT,
    "execution": {
        "config": {
            "multiprocess": {
                "max_concurrent": os.cpu_count() or 1,
                "start_method": {"forkserver": {"preload_modules": [STEP_PROCESS_MODULE]}},
            }
        }
    },
}


def run_reconstructed(
    instance: DagsterInstance,
    source: str,
    run_key: str,
    selection: list[AssetKey] | None,
    tags: dict[str, str],
    run_config: dict,
) -> JobExecutionResult:
    """The migration job run from its module path, which its step processes (IN_PROCESSES) or
    the cluster executor's workers (CONVERGE_EXECUTOR, with SILENT) rebuild it from; this
    process follows their events."""
    job = build_reconstructable_job(
        "converge_assets.definitions", "migrate_job", reconstructable_args=(source,)
    )
    return execute_job(
        job,
        instance,
        run_config=run_config,
        tags={**tags, PARTITION_TAG: run_key},
        asset_selection=selection,
    )


def print_summary(instance, catalog, translator, source, run_key: str, run_id: str) -> int:
    """One table of every table, then one line for each thing that failed, with its reason.
    Returns the exit status: COMPLETED, FAILED, or DRIFTED (everything verified, but MySQL
    tables changed after their export: converge with --changed-only)."""
    statuses = table_statuses(instance, catalog.tables, translator, source, run_key)
    rows = []
    for s in statuses:
        seconds = sum(_meta(r, "seconds") or 0 for r in (s.exported, s.loaded))
        rows.append(
            [
                s.table,
                f"{s.loaded_rows:,}" if s.loaded_rows is not None else "-",
                f"{_meta(s.exported, 'bytes') or 0:,}",
                f"{seconds:.2f}",
                s.summary,
            ]
        )
    verdict = latest_materialization(instance, translator.migration_run_key(source.name), run_key)
    status = _meta(verdict, "status") or "unknown"
    header = ["table", "rows", "bytes", "seconds", "status"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    total_rows = sum(s.loaded_rows or 0 for s in statuses)
    failed = [s for s in statuses if s.problems]
    print(
        f"\n{source.name} run {run_key}: {len(statuses) - len(failed)}/{len(statuses)} tables ok, "
        f"{total_rows:,} rows loaded; migration {status} (Dagster run {run_id})"
    )
    for line in failure_lines(instance, translator, source, run_key, run_id, failed, verdict):
        print(f"  {line}")
    if status == "completed" and not failed:
        return COMPLETED
    return DRIFTED if status == "drifted" and not failed else FAILED


def failure_lines(
    instance, translator, source, run_key: str, run_id: str, failed, verdict
) -> list[str]:
    """Why, in one line each: every failed table, every failed step that is not a table step
    (the preflight asset, the manifest), every failed or warning check of the verdict."""
    lines = [failed_table_line(s) for s in failed]
    lines += [
        f"{step.replace('__', '/')}: {description}"  # the step of asset a/b is a__b
        for step, description in failure_descriptions(instance, run_id)
        if not translator.is_table_step(source.name, step)
    ]
    # A check the failed tables kept from running says nothing more than they do.
    lines += [
        c for c in _meta(verdict, "failed_checks") or [] if not (failed and "not evaluated" in c)
    ]
    drift = _meta(verdict, "drifted_tables")
    if drift:
        lines.append(
            f"source_drift: MySQL tables changed after their export: {', '.join(drift)}; the "
            "target holds them as they were then. Converge with: converge run --source "
            f"{source.name} --run {run_key} --changed-only"
        )
    return lines


def failure_descriptions(instance: DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step, what its failure said, first line) for every failed step of a Dagster run."""
    if not instance.has_run(run_id):
        return []
    described = []
    for event in step_failures(instance, run_id):
        user, error = event.step_failure_data.user_failure_data, event.step_failure_data.error
        said = (user.description if user else None) or (error.message.strip() if error else "")
        described.append((event.step_key, redact(said.splitlines()[0] if said else "failed")))
    return described


def _meta(record, name: str):
    if record is None:
        return None
    value = record.asset_materialization.metadata.get(name)
    return value.value if value is not None else None
