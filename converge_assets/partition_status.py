"""Where a migration run partition stands, table by table, across every Dagster run of it.

What the verdict, `converge run`'s summary and the re-run policy (rerun.py) read: a table is
done when its latest export and load exist (the load after the export) and every check
of both passed; everything else is work left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetKey,
    AssetRecordsFilter,
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    EventLogRecord,
    RunsFilter,
)

from . import checks
from .engine.catalog import Table
from .engine.config import SourceConfig
from .translator import ConvergeTranslator

# Dagster's data-version tags, as it writes them on every materialisation and observation
# (test_definitions.py checks them against what Dagster records).
DATA_VERSION_TAG = "dagster/data_version"
CODE_VERSION_TAG = "dagster/code_version"
INPUT_VERSION_TAG = "dagster/input_data_version/"  # + the input's key
NEVER_OBSERVED = "INITIAL"  # Dagster's input version of a source asset never observed
PARTITION_TAG = "dagster/partition"  # the run partition of a Dagster run, as the UI shows it
# A table step's Failure metadata: {table: TableFailure as a dict} for every table that failed.
FAILED_TABLES = "failed_tables"


@dataclass(frozen=True)
class TableStatus:
    table: str
    export_key: AssetKey
    load_key: AssetKey
    exported: EventLogRecord | None  # the latest materialisation of the CSV in the partition
    loaded: EventLogRecord | None  # ... and of the PostgreSQL table
    checks: Mapping[AssetCheckKey, CheckState]  # each check's latest word
    problems: tuple[str, ...]  # short: "not loaded", "content_parity failed"
    reasons: tuple[str, ...] = ()  # why, in the failed checks' own words
    failure: TableFailure | None = None  # what its latest failed step said, while unfinished

    @property
    def exported_rows(self) -> int | None:
        return row_count(self.exported)

    @property
    def loaded_rows(self) -> int | None:
        return row_count(self.loaded)

    @property
    def summary(self) -> str:
        """The table's state in a few words: ok, blocked, what failed, or what is missing."""
        if not self.problems:
            return "ok"
        failed = [k.name for k, record in self.checks.items() if _failed(record)]
        if failed:
            return ", ".join(failed) + " failed"
        if self.failure is not None:
            return "blocked" if self.failure.blocked else "failed"
        return next(
            (p for p in self.problems if p in ("not exported", "not loaded")),
            "checks not evaluated",
        )

    @property
    def export_needed(self) -> bool:
        """A CSV that is missing or cannot be loaded as it is (its export failed, PostgreSQL
        refused one of its values) is exported again; one that only waits for its load is not."""
        return self.exported_rows is None or (
            self.failure is not None and self.failure.export_again
        )


@dataclass(frozen=True)
class TableFailure:
    """What a table step's failure said of one table: why; whether its live preflight stopped
    it before it moved; whether its CSV cannot be loaded as it is (the export failed, or
    PostgreSQL refused one of its values), so that a re-run exports it again."""

    reason: str
    blocked: bool = False
    export_again: bool = True


def latest_materialization(
    instance: DagsterInstance, key: AssetKey, run: str
) -> EventLogRecord | None:
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=key, asset_partitions=[run]), limit=1
    ).records
    return records[0] if records else None


def latest_materializations(
    instance: DagsterInstance, keys: Sequence[AssetKey], run: str
) -> dict[AssetKey, EventLogRecord | None]:
    """`latest_materialization` of many keys: one query for every key whose latest
    materialisation of any partition is of this one (the usual case, the run just moved it),
    one query for each other key."""
    latest: dict[AssetKey, EventLogRecord | None] = {}
    for record in instance.get_asset_records(list(keys)):
        event = record.asset_entry.last_materialization_record
        if event is not None and event.partition_key == run:
            latest[record.asset_entry.asset_key] = event
    for key in keys:
        if key not in latest:
            latest[key] = latest_materialization(instance, key, run)
    return latest


def row_count(record: EventLogRecord | None) -> int | None:
    if record is None:
        return None
    value = record.asset_materialization.metadata.get("dagster/row_count")
    return value.value if value is not None else None


@dataclass(frozen=True)
class CheckState:
    """A check's latest word in a partition: planned by a run that never evaluated it, or
    evaluated (passed or failed, with what it said)."""

    run_id: str
    evaluation: AssetCheckEvaluation | None  # None: planned, never evaluated

    @property
    def failed(self) -> bool:
        return self.evaluation is not None and not self.evaluation.passed


CHECK_EVENTS = {
    DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    DagsterEventType.ASSET_CHECK_EVALUATION,
}


def check_states(
    instance: DagsterInstance,
    check_keys: list[AssetCheckKey],
    run: str,
    excluding_run_id: str | None = None,
) -> dict[AssetCheckKey, CheckState]:
    """The latest evaluation (or plan) of each check in the partition, read from the check
    events of the partition's Dagster runs, newest first; `excluding_run_id` skips a run in
    progress, whose checks are planned but not evaluated yet."""
    wanted = set(check_keys)
    states: dict[AssetCheckKey, CheckState] = {}
    for dagster_run in instance.get_runs(filters=RunsFilter(tags={PARTITION_TAG: run})):
        if dagster_run.run_id == excluding_run_id:
            continue
        records = instance.get_records_for_run(dagster_run.run_id, of_type=CHECK_EVENTS).records
        for record in reversed(records):  # the run's last word on a check first
            event = record.event_log_entry.dagster_event
            data = event.event_specific_data
            key = AssetCheckKey(data.asset_key, data.check_name)
            if key not in wanted or key in states:
                continue
            evaluation = (
                data if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION else None
            )
            states[key] = CheckState(dagster_run.run_id, evaluation)
        if len(states) == len(wanted):
            break
    return states


def _failed(state: CheckState | None) -> bool:
    return state is not None and state.failed


def check_description(state: CheckState | None) -> str | None:
    """What a failed check said (its description), if it said anything."""
    return state.evaluation.description if state and state.evaluation else None


def _problems(state: CheckState | None, name: str, separator: str) -> list[str]:
    if state is None or state.evaluation is None:
        return [f"{name}{separator}not evaluated"]
    if state.failed:
        return [f"{name}{separator}failed"]
    return []


def table_statuses(
    instance: DagsterInstance,
    tables: Sequence[Table],
    translator: ConvergeTranslator,
    source: SourceConfig,
    run: str,
    excluding_run_id: str | None = None,
) -> list[TableStatus]:
    """Each table's state in a run partition, across every Dagster run of that partition."""
    keys_by_table = {
        table.name: (
            translator.export_key(source.name, table.name),
            translator.load_key(source.name, table.name),
        )
        for table in tables
    }
    materialized = latest_materializations(
        instance, [key for pair in keys_by_table.values() for key in pair], run
    )
    failures = table_failures(instance, translator, source.name, run)
    check_keys = {
        table: [AssetCheckKey(load_key, name) for name in checks.LOAD_CHECKS]
        for table, (_, load_key) in keys_by_table.items()
    }
    states = check_states(
        instance, [k for keys in check_keys.values() for k in keys], run, excluding_run_id
    )
    statuses = []
    for table in tables:
        export_key, load_key = keys_by_table[table.name]
        exported, loaded = materialized[export_key], materialized[load_key]
        problems = []
        if exported is None:
            problems.append("not exported")
        if loaded is None:
            problems.append("not loaded")
        elif exported is not None and loaded.timestamp < exported.timestamp:
            problems.append("loaded before its latest export")
        keys = check_keys[table.name]
        for k in keys:
            problems += _problems(states.get(k), k.name, " ")
        table_states = {k: states[k] for k in keys if k in states}
        reasons = tuple(
            f"{k.name}: {said}"
            for k in keys
            if _failed(states.get(k)) and (said := check_description(states.get(k)))
        )
        statuses.append(
            TableStatus(
                table.name,
                export_key,
                load_key,
                exported,
                loaded,
                table_states,
                tuple(problems),
                reasons,
                failures.get(table.name) if problems else None,
            )
        )
    return statuses


def unfinished_assets(statuses: list[TableStatus]) -> list[AssetKey]:
    """The exports and loads a re-run of only what failed must move."""
    keys = []
    for status in statuses:
        if status.problems:
            if status.export_needed:
                keys.append(status.export_key)
            keys.append(status.load_key)
    return keys


def run_check_problems(
    instance: DagsterInstance, translator: ConvergeTranslator, source: SourceConfig, run: str
) -> list[str]:
    """The source-wide checks before the verdict that did not pass, each with its reason."""
    # Not schema_preflight: it only sums up, before they move, what each table's own
    # table_preflight decides when it moves.
    keys = [AssetCheckKey(translator.manifest_key(source.name), checks.MANIFEST)]
    states = check_states(instance, keys, run)
    problems = []
    for k in keys:
        said = check_description(states.get(k)) if _failed(states.get(k)) else None
        problems += [f"{k.name}: {said}"] if said else _problems(states.get(k), k.name, ": ")
    return problems


def step_failures(instance: DagsterInstance, run_id: str) -> list[DagsterEvent]:
    """The STEP_FAILURE event of every failed step of a Dagster run."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE).records
    return [record.event_log_entry.dagster_event for record in records]


def table_failures(
    instance: DagsterInstance,
    translator: ConvergeTranslator,
    source: str,
    run: str,
    newest_runs: int = 10,
) -> dict[str, TableFailure]:
    """{table: its failure} from the source's table steps in the partition's newest
    Dagster runs that failed, the newest word on each table first: what a table step's Failure
    recorded for the tables that failed (a blocked table, a refused value, a lost server)."""
    failures: dict[str, TableFailure] = {}
    runs = instance.get_runs(
        filters=RunsFilter(tags={PARTITION_TAG: run}, statuses=[DagsterRunStatus.FAILURE]),
        limit=newest_runs,
    )
    for dagster_run in runs:
        for event in step_failures(instance, dagster_run.run_id):
            user = event.step_failure_data.user_failure_data
            value = user.metadata.get(FAILED_TABLES) if user is not None else None
            if translator.is_table_step(source, event.step_key or "") and value is not None:
                for table, said in value.value.items():
                    failures.setdefault(table, TableFailure(**said))
    return failures


def current_version(instance: DagsterInstance, key: AssetKey) -> str | None:
    """The source table's data version at its latest observation."""
    record = instance.get_latest_data_version_record(key, is_source=True)
    if record is None or record.asset_observation is None:
        return None
    return record.asset_observation.tags.get(DATA_VERSION_TAG)


def input_version(export: EventLogRecord | None, source_key: AssetKey) -> str | None:
    """The source's data version that an export read (None when the source had never been
    observed: Dagster then records its placeholder, INITIAL)."""
    if export is None:
        return None
    version = export.asset_materialization.tags.get(INPUT_VERSION_TAG + source_key.to_user_string())
    return None if version == NEVER_OBSERVED else version


def changed_tables(
    instance: DagsterInstance,
    tables: Sequence[Table],
    translator: ConvergeTranslator,
    source: str,
    run: str,
) -> list[str]:
    """Tables whose latest observation differs from what the run exported, whose catalog entry
    (the export's code version) changed since, or that were never exported or observed in a
    way that proves them unchanged."""
    changed = []
    for table in tables:
        source_key = translator.source_table_key(source, table.name)
        export = latest_materialization(instance, translator.export_key(source, table.name), run)
        now, then = current_version(instance, source_key), input_version(export, source_key)
        recoded = (
            export is not None
            and export.asset_materialization.tags.get(CODE_VERSION_TAG) != table.fingerprint()
        )
        if now is None or then is None or now != then or recoded:
            changed.append(table.name)
    return changed
