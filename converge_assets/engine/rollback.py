"""Rollback: put back the rows a migration run replaced, and nothing else.

Every load keeps the rows it replaces in the rollback store (`postgres.keep_preload_rows`). A
rollback of run R restores, in one transaction, each table R loaded to those rows. It refuses a
run that loaded nothing into the target, and a table a later run loaded since (restoring it
would destroy that run's rows) unless forced, in which case such tables are left as they are.
"""

from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from . import postgres as pq
from .config import ConvergeConfig, SourceConfig
from .fk_order import ForeignKeyCycle, load_order
from .migration_log import append_event, log_location, make_event
from .postgres import LoadRecord, PostgresServer


class RollbackRefused(Exception):
    """Nothing was changed: the reason is the message, one line."""


@dataclass(frozen=True)
class RollbackPlan:
    restore: list[LoadRecord]  # tables to put back, by name
    skipped: dict[str, str]  # table -> why it is left as it is (only with force)


@dataclass(frozen=True)
class Restored:
    table: str
    rows: int  # rows put back
    had: int  # rows the table held just before


@dataclass(frozen=True)
class RollbackOutcome:
    restored: list[Restored]
    skipped: dict[str, str]  # table -> why it was left as it is (with force)


Confirm = Callable[[RollbackPlan], bool]


def plan_rollback(
    cur: psycopg.Cursor, source: SourceConfig, run: str, *, force: bool
) -> RollbackPlan:
    where = f"{source.postgres_database}.{source.postgres_schema}"
    state = pq.rollback_store_state(cur)
    if state == "foreign":
        raise RollbackRefused(pq.foreign_store_message(source.postgres_database))
    records = (
        [] if state == "absent" else pq.loads_of_run(cur, source.name, run, source.postgres_schema)
    )
    if not records:
        raise RollbackRefused(
            f"run {run} of source {source.name} loaded nothing into {where}: nothing to roll back"
        )
    pending = [r for r in records if r.rolled_back_at is None]
    if not pending:
        raise RollbackRefused(
            f"run {run} of source {source.name} was already rolled back in {where}"
        )
    latest = pq.latest_loads(cur, source.postgres_schema, [r.table for r in pending])
    blocked = {r.table: _why_blocked(r, latest.get(r.table)) for r in pending}
    blocked = {table: why for table, why in blocked.items() if why}
    if blocked and not force:
        tables = "; ".join(f"{t} ({why})" for t, why in blocked.items())
        raise RollbackRefused(
            f"not rolling back run {run} of source {source.name}: {tables}; nothing was "
            "changed (--force restores the other tables and leaves these as they are)"
        )
    restore = [r for r in pending if r.table not in blocked]
    if not restore:
        raise RollbackRefused(
            f"run {run} of source {source.name}: no table of it can be restored in {where}"
        )
    return RollbackPlan(restore, blocked)


def _why_blocked(record: LoadRecord, latest: LoadRecord | None) -> str | None:
    if latest is not None and (latest.source, latest.run) != (record.source, record.run):
        return f"run {latest.run} of source {latest.source} loaded it later"
    if record.backup is None:
        return "its pre-load rows were dropped when a later run loaded it"
    return None


def rollback_source(
    config: ConvergeConfig,
    source: SourceConfig,
    postgres: PostgresServer,
    run: str,
    *,
    force: bool = False,
    confirm: Confirm | None = None,
) -> RollbackOutcome:
    """Restore every table `run` loaded to its pre-load rows, all or none; `confirm` (the
    CLI's question on a terminal) sees the plan before anything changes."""
    with postgres.connect(source.postgres_database) as conn:
        with conn.cursor() as cur:
            plan = plan_rollback(cur, source, run, force=force)
        conn.rollback()  # no lock is held while a person reads the question
        if confirm is not None and not confirm(plan):
            raise RollbackRefused("rollback cancelled: nothing was changed")
        try:
            restored = _restore(conn, source, run, plan, force=force)
        except psycopg.Error as e:
            hint = ""
            if isinstance(e, psycopg.errors.InsufficientPrivilege):
                # No preflight runs before a rollback: point at the one that names the GRANTs.
                hint = (
                    " (the role needs what a migration run's preflight asks for; see README, "
                    '"Managed PostgreSQL")'
                )
            raise pq.TargetError(
                f"rollback of run {run} failed, nothing was changed: {pq.error_text(e)}{hint}"
            ) from None
    skipped = "".join(f"; left {t} as it is ({why})" for t, why in plan.skipped.items())
    counts = ", ".join(f"{r.table}: {r.rows} row(s) (had {r.had})" for r in restored)
    append_event(
        log_location(config.export_dir),
        make_event(
            "rolled_back",
            f"restored {len(restored)} table(s) of {source.name} to their rows before run "
            f"{run}: {counts}{skipped}",
            run=run,
            source=source.name,
        ),
    )
    return RollbackOutcome(restored, plan.skipped)


def _restore(
    conn: psycopg.Connection, source: SourceConfig, run: str, plan: RollbackPlan, *, force: bool
) -> list[Restored]:
    targets = pq.read_target_schema(conn, source.postgres_schema)
    missing = [r.table for r in plan.restore if r.table not in targets]
    if missing:
        raise RollbackRefused(
            f"not rolling back run {run}: {', '.join(missing)} no longer exist(s) in "
            f"{source.postgres_database}.{source.postgres_schema}; nothing was changed"
        )
    order = _restore_order(source, targets, [r.table for r in plan.restore], run)
    records = {r.table: r for r in plan.restore}
    with conn.transaction(), conn.cursor() as cur:
        if source.enforces_foreign_keys:
            # As the load: parents restored first, DEFERRABLE keys checked at the end.
            cur.execute(pq.defer_constraints())
        else:
            cur.execute(pq.disable_triggers_locally())  # as the load: any order
        for record in plan.restore:
            cur.execute(pq.lock_table(targets[record.table]))
        # A load may have committed between the plan and the locks: plan again under them.
        if plan_rollback(cur, source, run, force=force) != plan:
            raise RollbackRefused(
                f"run {run}: a load of its tables committed meanwhile; nothing was changed, "
                "run the rollback again"
            )
        columns = {t: _restorable_columns(cur, targets[t], records[t]) for t in order}
        had = {}
        for table in reversed(order):  # children emptied first
            cur.execute(pq.count_rows(targets[table].schema, table))
            had[table] = cur.fetchone()[0]
            cur.execute(pq.empty_table(targets[table]))
        restored = {}
        for table in order:
            rows = _refill(cur, targets[table], records[table], columns[table])
            restored[table] = Restored(table, rows, had[table])
            pq.mark_rolled_back(cur, source.name, run, records[table])
        if source.enforces_foreign_keys:
            cur.execute(pq.check_deferred_constraints())
    return [restored[r.table] for r in plan.restore]


def _restore_order(
    source: SourceConfig, targets: dict[str, pq.TargetTable], tables: list[str], run: str
) -> list[str]:
    """Parents first where PostgreSQL checks foreign keys; any order where triggers are off."""
    if not source.enforces_foreign_keys:
        return tables
    for child in targets.values():
        for fk in child.foreign_keys:
            if (
                child.name not in tables
                and fk.referenced_table in tables
                and fk.changes_rows_on_delete
            ):
                # Emptying the parent with foreign keys enforced would run the action.
                raise RollbackRefused(
                    f"not rolling back run {run}: {child.name}, which it does not restore, "
                    f"references {fk.referenced_table} through {fk.name} with an ON DELETE "
                    f"action that would change its rows; nothing was changed"
                )
    try:
        return load_order(targets, tables)
    except ForeignKeyCycle as e:
        raise RollbackRefused(f"not rolling back run {run}: {e}; nothing was changed") from None


def _restorable_columns(
    cur: psycopg.Cursor, target: pq.TargetTable, record: LoadRecord
) -> list[str]:
    """The columns to insert (generated ones are computed again), if the table still has the
    columns its backup saved."""
    now = pq.table_columns(cur, target.schema, target.name)
    saved = pq.backup_columns(cur, record.backup)
    if sorted(saved) != sorted(name for name, _ in now):
        # The app's migrations changed the table since its load: never guess a mapping.
        raise RollbackRefused(
            f"not rolling back {target.name}: its columns changed since the load "
            f"(saved {', '.join(saved)}; now {', '.join(n for n, _ in now)}); nothing was changed"
        )
    return [name for name, generated in now if not generated]


def _refill(
    cur: psycopg.Cursor, target: pq.TargetTable, record: LoadRecord, columns: list[str]
) -> int:
    """The saved rows back into the emptied table, its sequences back where they were."""
    rows = pq.insert_from_backup(cur, target, record.backup, columns)
    for column in target.columns:
        if column.sequence:
            floor = record.sequences.get(column.name, 0)
            cur.execute(
                pq.set_sequence(column.sequence, target.schema, target.name, column.name, floor)
            )
    return rows


def describe_plan(plan: RollbackPlan) -> list[str]:
    lines = [
        f"{r.table}: restore {r.rows_saved} row(s) saved before run {r.run} "
        f"(replacing the {r.loaded_rows} it loaded, and any change since)"
        for r in plan.restore
    ]
    lines += [f"{t}: left as it is ({why})" for t, why in plan.skipped.items()]
    return lines


def outcome_lines(outcome: RollbackOutcome) -> list[str]:
    lines = [f"{r.table}: restored {r.rows} row(s) (had {r.had})" for r in outcome.restored]
    return lines + [f"{t}: left as it is ({why})" for t, why in outcome.skipped.items()]
