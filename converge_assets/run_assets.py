"""Per-source assets around the tables: the preflight before, the manifest and the migration
run's verdict after.

    S/target_schema     reads the PostgreSQL schema, decides every column's conversion; its
                        blocking `schema_preflight` check stops the run before any table moves
    S/migration_manifest  completes `migration_manifest.json`; checks it against the files
    S/migration_run     checks foreign keys and sequences, then records `completed` only when
                        every table and every check of the run passed, `failed` otherwise
"""

from datetime import UTC, datetime

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from . import checks
from .checks import markdown_table
from .engine import mysql as mq
from .engine import postgres as pq
from .engine.catalog import Catalog
from .engine.config import ConvergeConfig, SourceConfig
from .engine.conversion import quote_mysql
from .engine.manifest import manifest_path, read_manifest, update_export_info, verify_manifest
from .engine.migration_log import (
    append_event,
    events_for,
    events_markdown,
    log_location,
    make_event,
)
from .engine.preflight import (
    Finding,
    not_null_suspects,
    source_findings,
    table_findings,
    unknown_exclusions,
)
from .engine.refusals import format_key, key_columns
from .engine.tables import access_findings
from .engine.target_schema import TargetTable
from .partition_status import (
    TableStatus,
    run_check_problems,
    table_statuses,
)
from .source_assets import observe_tables, source_observation
from .translator import MIGRATION_RUN, ConvergeTranslator

# --- preflight ------------------------------------------------------------------------------


def preflight_findings(
    source: SourceConfig,
    catalog: Catalog,
    live: Catalog,
    targets: dict[str, TargetTable],
    null_counts: dict[tuple[str, str], tuple[int, str]],
    access: dict[str, list[Finding]] | None = None,
) -> tuple[list[Finding], list[list[str]]]:
    """Every finding of every table (what each table's own preflight will find when it moves,
    NULLs counted now; `access`: the role's missing rights and foreign-key order findings)
    and the conversion plan's rows."""
    findings: list[Finding] = []
    plan_rows: list[list[str]] = []
    for table in catalog.tables:
        blocking, plan = table_findings(
            source.name,
            source.postgres_schema,
            table,
            live.get(table.name),
            targets.get(table.name),
            source.transforms.get(table.name),
        )
        # A missing right blocks the table but leaves its conversion plan decidable.
        findings += blocking + (access or {}).get(table.name, [])
        if plan is None:
            continue
        target = targets[table.name]
        for column in not_null_suspects(table, target):
            nulls, first = null_counts.get((table.name, column), (0, ""))
            findings.append(
                Finding(
                    table.name,
                    column,
                    f"{nulls} NULL value(s) for a NOT NULL PostgreSQL column (first: {first})"
                    if nulls
                    else "nullable in MySQL, NOT NULL in PostgreSQL (no NULLs now)",
                    bool(nulls),
                )
            )
        plan_rows += [
            [table.name, c.column, c.mysql_type, c.postgres_type, c.rule] for c in plan.columns
        ]
    findings += source_findings(
        [t.name for t in catalog.tables],
        {t.name for t in live.tables},
        set(targets),
        source.exclude,
        source.name,
    )
    return findings, plan_rows


def build_target_schema_asset(
    config: ConvergeConfig, source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
) -> AssetsDefinition:
    key = translator.target_schema_key(source.name)
    mysql_key = translator.mysql_resource_key(source.name)
    postgres_key = translator.postgres_resource_key(source.name)

    @asset(
        key=key,
        group_name=translator.group_name(source.name),
        kinds={"postgres"},
        partitions_def=MIGRATION_RUN,
        required_resource_keys={mysql_key, postgres_key},
        check_specs=[
            AssetCheckSpec(
                checks.SCHEMA_PREFLIGHT,
                asset=key,
                partitions_def=MIGRATION_RUN,
                description="Every finding of every table before any table moves: live MySQL "
                "definitions against the catalog, every CSV column in its target, every NOT NULL "
                "target column fed and free of NULLs, every type pair supported, every right the "
                "loading role needs (with the GRANT that gives it). It blocks no "
                "table itself: each table's own live preflight, just before it moves, stops that table "
                "alone (its export fails, naming the findings).",
            )
        ],
        description=(
            f"The PostgreSQL schema `{source.postgres_database}.{source.postgres_schema}` as the "
            "apps' migrations created it, and the conversion plan of every column."
        ),
    )
    def _target_schema(context: AssetExecutionContext):
        append_event(
            log_location(config.export_dir),
            make_event(
                "started",
                f"migration run of {source.name} started",
                run=context.partition_key,
                source=source.name,
            ),
        )
        mysql = getattr(context.resources, mysql_key)
        postgres = getattr(context.resources, postgres_key)
        names = [t.name for t in catalog.tables]
        with postgres.connect(source.postgres_database) as conn:
            targets = pq.read_target_schema(conn, source.postgres_schema)
            # The whole source, as each table step will judge it (each loads its tables).
            access = access_findings(conn, source, targets, names, names)
        with mysql.connect(source.mysql_database) as conn:
            live = mq.discover(conn, source.name, source.mysql_database)
            unknown = unknown_exclusions(source.exclude, {t.name for t in live.tables})
            if unknown:
                raise Failure(
                    f"{source.name}: `exclude` names no table of MySQL database "
                    f"{source.mysql_database!r}: {', '.join(map(repr, unknown))} (a typo "
                    "excludes nothing); fix it in the config"
                )
            null_counts = count_nulls(conn, source, catalog, live, targets)
        findings, plan_rows = preflight_findings(
            source, catalog, live, targets, null_counts, access
        )
        # Before any snapshot: an export then records a version no newer than the rows it
        # read, so a change in between shows as a change (moved again), never hides one.
        exporting = exported_in_run(context, translator, source, catalog)
        for observed in observe_tables(
            mysql, source.mysql_database, exporting, config.parallel_tables
        ):
            context.log_event(
                source_observation(
                    translator.source_table_key(source.name, observed.table), observed
                )
            )
        yield MaterializeResult(
            metadata={
                "postgres_tables": len(targets),
                "catalog_tables": len(catalog.tables),
                "conversion_plan": markdown_table(
                    ["table", "column", "MySQL type", "PostgreSQL type", "rule"], plan_rows
                ),
            }
        )
        yield checks.schema_preflight(key, findings, len(catalog.tables))

    return _target_schema


def exported_in_run(
    context: AssetExecutionContext,
    translator: ConvergeTranslator,
    source: SourceConfig,
    catalog: Catalog,
) -> list[str]:
    """The tables whose export the Dagster run selected (all of them in a whole-job run,
    whose selection is empty)."""
    selection = context.run.asset_selection
    return [
        t.name
        for t in catalog.tables
        if not selection or translator.export_key(source.name, t.name) in selection
    ]


def count_nulls(
    conn, source: SourceConfig, catalog: Catalog, live: Catalog, targets: dict[str, TargetTable]
) -> dict[tuple[str, str], tuple[int, str]]:
    """NULLs in MySQL columns whose PostgreSQL column is NOT NULL, and the first row holding
    one, for the tables whose live definition is the catalog's."""
    counts: dict[tuple[str, str], tuple[int, str]] = {}
    with conn.cursor() as cur:
        for table in catalog.tables:
            target = targets.get(table.name)
            if target is None or live.get(table.name) != table:
                continue
            suspects = not_null_suspects(table, target)
            if not suspects:
                continue
            cur.execute(mq.null_counts_sql(source.mysql_database, table.name, suspects))
            for name, n in zip(suspects, cur.fetchone(), strict=True):
                first = ""
                if n:
                    cur.execute(
                        mq.first_row_where_sql(
                            source.mysql_database, table, f"{quote_mysql(name)} IS NULL"
                        )
                    )
                    first = format_key(dict(zip(key_columns(table), cur.fetchone(), strict=True)))
                counts[(table.name, name)] = (int(n or 0), first)
    return counts


# --- manifest -------------------------------------------------------------------------------


def build_manifest_asset(
    config: ConvergeConfig, source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
) -> AssetsDefinition:
    key = translator.manifest_key(source.name)

    @asset(
        key=key,
        deps=[translator.export_key(source.name, t.name) for t in catalog.tables],
        group_name=translator.group_name(source.name),
        kinds={"csv", "json"},
        partitions_def=MIGRATION_RUN,
        check_specs=[
            AssetCheckSpec(
                checks.MANIFEST,
                asset=key,
                partitions_def=MIGRATION_RUN,
                description="Every catalog table is listed; each file's size, sha256 and rows match.",
            )
        ],
        description=f"`migration_manifest.json` of the run's CSV files of {source.name}.",
    )
    def _manifest(context: AssetExecutionContext):
        run_dir = translator.run_dir(config.export_dir, source.name, context.partition_key)
        manifest = update_export_info(
            run_dir,
            {
                "run": context.partition_key,
                "completed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        tables = manifest.get("tables", {})
        yield MaterializeResult(
            metadata={
                "path": MetadataValue.path(str(manifest_path(run_dir))),
                "dagster/row_count": manifest["summary"]["total_rows"],
                "total_tables": manifest["summary"]["total_tables"],
                "total_bytes": manifest["summary"]["total_bytes"],
                "tables": markdown_table(
                    ["table", "file", "rows", "bytes", "sha256"],
                    [
                        [t, e["file"], e["rows"], e["bytes"], e["sha256"][:16] + "…"]
                        for t, e in sorted(tables.items())
                    ],
                ),
            }
        )
        problems = verify_manifest(run_dir, [t.name for t in catalog.tables])
        yield checks.manifest_matches_files(
            key, [(p.table, p.problem) for p in problems], len(tables)
        )

    return _manifest


# --- the migration run's verdict ------------------------------------------------------------


def build_migration_run_asset(
    config: ConvergeConfig, source: SourceConfig, catalog: Catalog, translator: ConvergeTranslator
) -> AssetsDefinition:
    key = translator.migration_run_key(source.name)
    postgres_key = translator.postgres_resource_key(source.name)
    mysql_key = translator.mysql_resource_key(source.name)

    @asset(
        key=key,
        deps=[translator.load_key(source.name, t.name) for t in catalog.tables]
        + [translator.manifest_key(source.name)],
        group_name=translator.group_name(source.name),
        kinds={"postgres"},
        partitions_def=MIGRATION_RUN,
        required_resource_keys={postgres_key, mysql_key},
        check_specs=[
            AssetCheckSpec(
                checks.FOREIGN_KEYS,
                asset=key,
                partitions_def=MIGRATION_RUN,
                description="Loads run with triggers off: no child row may lack its parent.",
            ),
            AssetCheckSpec(
                checks.SEQUENCES,
                asset=key,
                partitions_def=MIGRATION_RUN,
                description="Every serial/identity sequence is past its column's maximum.",
            ),
            AssetCheckSpec(
                checks.SOURCE_DRIFT,
                asset=key,
                partitions_def=MIGRATION_RUN,
                description="Warns when a MySQL table changed after its export (a live source: "
                "the target holds the state at export time).",
            ),
        ],
        description=(
            f"The verdict on a migration run of {source.name}: `completed` only when every table "
            "was exported and loaded and every check passed, `failed` otherwise."
        ),
    )
    def _migration_run(context: AssetExecutionContext):
        run = context.partition_key
        postgres = getattr(context.resources, postgres_key)
        names = {t.name for t in catalog.tables}
        with postgres.connect(source.postgres_database) as conn:
            targets = pq.read_target_schema(conn, source.postgres_schema)
            # Every foreign key that touches a loaded table, those of PostgreSQL-only and
            # excluded tables included: the loads replaced their parent rows.
            fks = [
                fk
                for t in targets.values()
                for fk in t.foreign_keys
                if fk.table in names or fk.referenced_table in names
            ]
            orphans = []
            for fk in fks:
                n, sample = conn.execute(pq.orphan_rows(fk, source.postgres_schema, 5)).fetchone()
                if n:
                    orphans.append((fk.name, fk.table, n, list(sample or [])))
            behind = []
            sequences = [
                (t, c) for t in targets.values() if t.name in names for c in t.columns if c.sequence
            ]
            for t, c in sequences:
                nxt, top = conn.execute(
                    pq.sequence_state(c.sequence, t.schema, t.name, c.name)
                ).fetchone()
                if top is not None and nxt <= top:
                    behind.append((c.sequence, f"{t.name}.{c.name}", nxt, top))
            conn.rollback()
        fk_check = checks.foreign_keys(key, orphans, len(fks))
        seq_check = checks.sequences(key, behind, len(sequences))
        drift = drifted_tables(
            getattr(context.resources, mysql_key), config, source, run, translator
        )
        drift_check = checks.source_drift(key, drift)

        statuses = table_statuses(context.instance, catalog.tables, translator, source, run)
        failed_tables = [s for s in statuses if s.problems]
        failed_checks = run_check_problems(context.instance, translator, source, run) + [
            f"{c.check_name}: {c.description or 'failed'}"
            for c in (fk_check, seq_check)
            if not c.passed
        ]
        drifted = [table for table, _, _ in drift]
        status, message = verdict(statuses, failed_checks, drifted)
        moved, carried = moved_and_carried_over(statuses, context.run.run_id)
        message = f"moved {len(moved)}, carried over {len(carried)}; {message}"
        context.log.info(f"{source.name} run {run}: {message}")
        # Drift is not completion: the target holds those tables as they were at export time
        # until `--changed-only` moves them again.
        logged = {"drifted": "in_progress"}.get(status, status)
        append_event(
            log_location(config.export_dir),
            make_event(logged, message, run=run, source=source.name),
        )
        yield MaterializeResult(
            metadata={
                "status": status,
                "message": message,
                "tables": len(statuses),
                "moved": len(moved),
                "carried_over": len(carried),
                "failed_tables": len(failed_tables),
                "failed_checks": MetadataValue.json(failed_checks),
                "drifted_tables": MetadataValue.json(drifted),
                "dagster/row_count": sum(s.loaded_rows or 0 for s in statuses),
                "table_status": markdown_table(
                    ["table", "exported rows", "loaded rows", "problems", "why"],
                    [
                        [
                            s.table,
                            s.exported_rows,
                            s.loaded_rows,
                            "; ".join(s.problems) or "none",
                            "; ".join(table_reasons(s)),
                        ]
                        for s in statuses
                    ],
                ),
                "migration_log": MetadataValue.md(
                    events_markdown(
                        events_for(log_location(config.export_dir), run=run, source=source.name)
                    )
                ),
            }
        )
        yield fk_check
        yield seq_check
        yield drift_check

    return _migration_run


def moved_and_carried_over(statuses: list[TableStatus], run_id: str) -> tuple[list[str], list[str]]:
    """The tables this Dagster run exported or loaded, and those whose latest records come
    from earlier runs of the partition (a re-run's verdict covers both)."""
    moved = [
        s.table for s in statuses if any(r and r.run_id == run_id for r in (s.exported, s.loaded))
    ]
    return moved, [s.table for s in statuses if s.table not in moved and s.loaded is not None]


def table_reasons(status: TableStatus) -> list[str]:
    """Why a table failed: what its step said, then what its failed checks said that the step
    did not already say."""
    said = status.failure.reason if status.failure else None
    checks_said = [r for r in status.reasons if not (said and r.split(": ", 1)[-1] in said)]
    return [said, *checks_said] if said else checks_said


def failed_table_line(status: TableStatus) -> str:
    """`table: why` for a failed table (what is missing, when nothing said why)."""
    why = table_reasons(status) or status.problems
    return f"{status.table}: {'; '.join(why)}"


def verdict(
    statuses: list[TableStatus],
    failed_checks: list[str],
    drifted: list[str],
) -> tuple[str, str]:
    """`completed`, `drifted` (all verified, but MySQL tables changed after their export) or
    `failed`, and a message naming every failed table with its reason."""
    failed = [s for s in statuses if s.problems]
    if not failed and not failed_checks:
        if drifted:
            return "drifted", (
                f"{len(statuses)} table(s) exported, loaded and verified, but "
                f"{', '.join(drifted)} changed in MySQL after their export: converge with "
                "--changed-only"
            )
        return "completed", f"{len(statuses)} table(s) exported, loaded and verified"
    parts = [failed_table_line(s) for s in failed]
    message = f"{len(failed)} table(s) failed" + "".join(f"; {p}" for p in parts)
    if failed_checks:
        message += f"; failed checks: {'; '.join(failed_checks)}"
    if drifted:
        message += f"; changed in MySQL after their export: {', '.join(drifted)}"
    return "failed", message


def drifted_tables(
    mysql, config: ConvergeConfig, source: SourceConfig, run: str, translator: ConvergeTranslator
) -> list[tuple]:
    """Tables whose UPDATE_TIME moved since their export recorded it (one metadata query)."""
    run_dir = translator.run_dir(config.export_dir, source.name, run)
    exported = read_manifest(run_dir).get("tables", {})
    with mysql.connect(source.mysql_database) as conn, conn.cursor() as cur:
        cur.execute(mq.update_times_sql(), (source.mysql_database,))
        now = dict(cur.fetchall())
    return [
        (table, entry.get("source_update_time"), now.get(table))
        for table, entry in sorted(exported.items())
        if table in now and now[table] != entry.get("source_update_time") and now[table] is not None
    ]
