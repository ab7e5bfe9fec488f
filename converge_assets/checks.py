"""What each asset check verifies, as pure functions from measured facts to a check result.

The assets measure (counts, files, schemas); these functions decide and describe. Check names
are constants here so the specs, the results and the migration-run summary agree.
"""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue

from .engine.preflight import Finding
from .engine.tables import RowCounts

ROW_COUNT = "row_count"
CONTENT_PARITY = "content_parity"
MANIFEST = "manifest_matches_files"
SCHEMA_PREFLIGHT = "schema_preflight"
FOREIGN_KEYS = "foreign_keys"
SEQUENCES = "sequences"
SOURCE_DRIFT = "source_drift"
LOAD_CHECKS = (ROW_COUNT, CONTENT_PARITY)  # the checks of every load asset


def markdown_table(header: list[str], rows: list[list[object]]) -> MetadataValue:
    def cell(v: object) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return MetadataValue.md("\n".join(lines))


def row_count(key: AssetKey, counts: RowCounts) -> AssetCheckResult:
    """MySQL's exact COUNT(*) in the export's snapshot = CSV rows = rows COPY loaded =
    PostgreSQL's count(*) in the load's own transaction."""
    return AssetCheckResult(
        asset_key=key,
        check_name=ROW_COUNT,
        passed=counts.equal,
        metadata={
            "mysql_count_in_snapshot": counts.mysql,
            "csv_rows": counts.csv,
            "rows_copied": counts.copied,
            "postgres_count": counts.postgres,
        },
        description=None
        if counts.equal
        else f"MySQL counted {counts.mysql} in the export's snapshot, CSV {counts.csv} rows, "
        f"COPY {counts.copied}, PostgreSQL count(*) {counts.postgres}",
    )


def content_parity(key: AssetKey, result, mysql_side_taken: str) -> AssetCheckResult:
    """Order-independent fingerprints of the MySQL rows and the PostgreSQL rows agree."""
    metadata = {
        "mysql_side_taken": mysql_side_taken,
        "mysql_rows": result.mysql_rows,
        "postgres_rows": result.postgres_rows,
        "differing_buckets": result.differing_buckets,
        "jsonb_compared_as_parsed_by_postgres": ", ".join(result.jsonb_columns) or "none",
    }
    if result.differing_keys:
        metadata["differing_keys"] = markdown_table(
            ["primary key"], [[k] for k in result.differing_keys]
        )
    if result.differing_rows is not None:
        # MySQL's and PostgreSQL's values of those keys' differing columns, side by side.
        metadata["differing_rows"] = MetadataValue.md(result.differing_rows.markdown())
    return AssetCheckResult(
        asset_key=key,
        check_name=CONTENT_PARITY,
        passed=result.passed,
        metadata=metadata,
        description=None
        if result.passed
        else f"content differs in {result.differing_buckets} key bucket(s); e.g. key "
        + ", ".join(result.differing_keys[:3]),
    )


def content_parity_unavailable(key: AssetKey, reason: str) -> AssetCheckResult:
    """Parity could not be computed: a failure to look at, never a pass."""
    return AssetCheckResult(
        asset_key=key,
        check_name=CONTENT_PARITY,
        passed=False,
        metadata={"reason": reason},
        description=reason,
    )


def schema_preflight(key: AssetKey, findings: list[Finding], tables: int) -> AssetCheckResult:
    """Every finding of every table of the source. It blocks nothing itself: each table's own
    live preflight, just before it moves, stops that table alone (its export fails)."""
    blocking = [f for f in findings if f.blocking]
    blocked = sorted({f.table for f in blocking})
    rows = [[f.table, f.column, f.finding, "yes" if f.blocking else "no"] for f in findings]
    return AssetCheckResult(
        asset_key=key,
        check_name=SCHEMA_PREFLIGHT,
        passed=not blocking,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "tables_checked": tables,
            "tables_blocked": len(blocked),
            "blocking_findings": len(blocking),
            "findings": markdown_table(["table", "column", "finding", "blocks the table"], rows)
            if rows
            else MetadataValue.md(
                "No findings: every column is fed and every type pair is supported."
            ),
        },
        description=f"{len(blocked)} table(s) blocked: " + "; ".join(map(str, blocking))
        if blocking
        else None,
    )


def manifest_matches_files(
    key: AssetKey, problems: list[tuple[str, str]], listed: int
) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=key,
        check_name=MANIFEST,
        passed=not problems,
        metadata={
            "tables_listed": listed,
            "problems": markdown_table(["table", "problem"], [list(p) for p in problems])
            if problems
            else MetadataValue.md("Every table listed; every file's size, sha256 and rows match."),
        },
        description="; ".join(f"{table}: {problem}" for table, problem in problems[:5])
        + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        or None,
    )


def foreign_keys(
    key: AssetKey, orphans: list[tuple[str, str, int, list[str]]], checked: int
) -> AssetCheckResult:
    """`orphans`: (constraint, table, orphan rows, sample keys) for each violated foreign key."""
    return AssetCheckResult(
        asset_key=key,
        check_name=FOREIGN_KEYS,
        passed=not orphans,
        metadata={
            "foreign_keys_checked": checked,
            "orphans": markdown_table(
                ["constraint", "table", "orphan rows", "sample keys"],
                [[c, t, n, ", ".join(s)] for c, t, n, s in orphans],
            )
            if orphans
            else MetadataValue.md("No orphan rows."),
        },
        description="; ".join(
            f"{c} on {t}: {n} orphan row(s), e.g. {', '.join(s[:3])}" for c, t, n, s in orphans
        )
        or None,
    )


def source_drift(
    key: AssetKey, changed: list[tuple[str, str | None, str | None]]
) -> AssetCheckResult:
    """`changed`: (table, UPDATE_TIME at export, UPDATE_TIME now) for tables changed since."""
    return AssetCheckResult(
        asset_key=key,
        check_name=SOURCE_DRIFT,
        passed=not changed,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "changed_tables": markdown_table(
                ["table", "last change at export", "last change now"], [list(c) for c in changed]
            )
            if changed
            else MetadataValue.md("No source table changed after its export."),
        },
        description="source changed after export: " + ", ".join(c[0] for c in changed)
        if changed
        else None,
    )


def sequences(
    key: AssetKey, behind: list[tuple[str, str, int, int]], checked: int
) -> AssetCheckResult:
    """`behind`: (sequence, column, next value, column max) where next value <= max."""
    return AssetCheckResult(
        asset_key=key,
        check_name=SEQUENCES,
        passed=not behind,
        description="; ".join(
            f"{seq} ({column}) would hand out {nxt}, the column holds up to {top}"
            for seq, column, nxt, top in behind
        )
        or None,
        metadata={
            "sequences_checked": checked,
            "behind": markdown_table(
                ["sequence", "column", "next value", "column max"], [list(b) for b in behind]
            )
            if behind
            else MetadataValue.md("Every sequence is past its column's maximum."),
        },
    )
