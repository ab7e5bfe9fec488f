"""What keeping the pre-load rows for rollback costs a load.

One table of ~1M rows (id bigint, text, timestamp), one CSV. Each load is the load's own
transaction (triggers off, LOCK, empty, COPY, sequence, commit), built from the statements
`load.load_table` runs, with or without `postgres.keep_preload_rows` before the table is
emptied; into an empty target and into one holding the same 1M rows. A and B alternate (ABBA)
so that a drift of the machine's load hits both. Before each load, untimed: the target is
prepared, the rollback store dropped (each load makes a fresh backup, as a new run's does) and
a CHECKPOINT taken.

    uv run python -m benchmarks.rollback_cost [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from converge_assets.engine import postgres as q
from converge_assets.resources import PostgresResource

URL = "postgresql://postgres@127.0.0.1:5432"
DDL = "CREATE TABLE bench (id bigserial PRIMARY KEY, body text NOT NULL, at timestamp NOT NULL)"


def write_csv(conn: psycopg.Connection, rows: int, path: Path) -> int:
    query = (
        "COPY (SELECT g AS id, 'row ' || g || ' ' || md5(g::text) AS body, "
        "timestamp '2024-01-01' + g * interval '1 second' AS at "
        f"FROM generate_series(1, {rows}) g) TO STDOUT (FORMAT csv, HEADER)"
    )
    with open(path, "wb") as f, conn.cursor().copy(query) as copy:
        for block in copy:
            f.write(block)
    return path.stat().st_size


def prepare(conn: psycopg.Connection, full: bool, csv_path: Path) -> None:
    conn.execute(
        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(q.ROLLBACK_SCHEMA))
    )
    conn.execute("TRUNCATE bench")
    if full:
        with conn.cursor().copy("COPY bench FROM STDIN (FORMAT csv, HEADER)") as copy:
            copy.write(csv_path.read_bytes())
    conn.execute("VACUUM ANALYZE bench")
    conn.execute("CHECKPOINT")


def load_once(
    conn: psycopg.Connection, target: q.TargetTable, csv_path: Path, database: str, backup: bool
) -> tuple[float, float]:
    """Seconds of the whole load transaction, and of its backup step alone."""
    started = time.monotonic()
    backup_seconds = 0.0
    if backup:
        q.ensure_rollback_store(conn, database)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(q.disable_triggers_locally())
        cur.execute(q.lock_table(target))
        if backup:
            t = time.monotonic()
            q.keep_preload_rows(cur, target, "bench", uuid.uuid4().hex)
            backup_seconds = time.monotonic() - t
        cur.execute(q.empty_table(target))
        with (
            cur.copy(q.copy_from_csv(target, ["id", "body", "at"])) as copy,
            open(csv_path, "rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        copied = cur.rowcount
        column = target.columns[0]
        cur.execute(q.set_sequence(column.sequence, target.schema, target.name, column.name, 0))
        if backup:
            q.record_load(cur, target, "bench", "run", copied)
    return time.monotonic() - started, backup_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    database = f"converge_bench_rollback_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(URL + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            PostgresResource(url=URL).connect(database) as conn,
            psycopg.connect(f"{URL}/{database}", autocommit=True) as setup,
        ):
            setup.execute(DDL)
            csv_path = Path(tmp) / "bench.csv"
            size = write_csv(setup, args.rows, csv_path)
            print(f"{args.rows} rows, CSV {size / 2**20:.0f} MiB")
            target = q.read_target_schema(conn, "public")["bench"]
            times: dict[tuple[str, bool], list[float]] = {}
            backup_times: list[float] = []
            for round_ in range(args.rounds):
                for full in (False, True):
                    order = (False, True) if round_ % 2 == 0 else (True, False)
                    for backup in order:
                        prepare(setup, full, csv_path)
                        seconds, backup_seconds = load_once(
                            conn, target, csv_path, database, backup
                        )
                        case = "full" if full else "empty"
                        times.setdefault((case, backup), []).append(seconds)
                        if backup and full:
                            backup_times.append(backup_seconds)
                            kept = setup.execute(
                                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = %s AND c.relname LIKE 'b\\_%%'",
                                (q.ROLLBACK_SCHEMA,),
                            ).fetchone()[0]
                        print(
                            f"round {round_ + 1} target {case:5} backup {'on ' if backup else 'off'} "
                            f"{seconds:6.2f} s (backup step {backup_seconds:.2f} s)"
                        )
            print()
            for (case, backup), values in sorted(times.items()):
                print(
                    f"target {case:5} backup {'on ' if backup else 'off'}: median "
                    f"{statistics.median(values):.2f} s of {[round(v, 2) for v in values]}"
                )
            print(f"backup step, full target: median {statistics.median(backup_times):.2f} s")
            print(f"backup table size: {kept / 2**20:.0f} MiB")
    finally:
        with psycopg.connect(URL + "/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
