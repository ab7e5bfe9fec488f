"""What converge is compared with: pgloader, and the raw client pipeline (the lower bound).

pgloader loads data only into the existing schema (`data only, truncate, disable triggers`): it
issues TRUNCATE and COPY and nothing else, so the primary keys, unique and foreign-key indexes
stay in place during the load, as they do for converge and for the raw pipeline.

The raw pipeline has MySQL format each row as one finished CSV line in the SELECT
(`mariadb --batch --raw --quick`), and `psql \\copy ... FROM pstdin (FORMAT csv)` loads it with
foreign-key triggers off for the session (`session_replication_role = replica`, what converge
does per transaction), then sets the serial sequences. Two modes:

* `files`: every table exported to a CSV file, then every file loaded (the shape converge has;
  it gives the export/load split and the CSV size),
* `pipe`: mariadb piped straight into psql, export and load overlapping.

Tables run `--jobs` at a time (default 2 = the machine's cores), the largest first.

    python -m benchmarks.peers raw --database converge_bench_raw --mode files --csv-dir DIR
prints one JSON line with the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from . import Server, client_env, mysql_server, postgres_server
from .dataset import MYSQL_DATABASE, mysql_connect, postgres_connect
from .measure import Measurement, run_measured

# ---- pgloader -----------------------------------------------------------------------------------

PGLOADER_SETTINGS = {
    # pgloader's defaults are prefetch rows = 100000 and batch rows = 25000, per reader thread;
    # at the default prefetch the reference run exhausted SBCL's heap on the wide/large tables.
    "prefetch_rows": 10_000,
    "batch_rows": 10_000,
    "batch_size": "20MB",
    # pgloader's defaults: 4 worker threads, one reader + one writer per table, so two tables
    # are copied at a time, like the raw pipeline's --jobs 2.
    "workers": 4,
    "concurrency": 1,
}


def _url(scheme: str, server: Server, database: str) -> str:
    auth = quote(server.user, safe="")
    if server.password:
        auth += ":" + quote(server.password, safe="")
    return f"{scheme}://{auth}@{server.host}:{server.port}/{database}"


def pgloader_command(
    mysql: Server,
    postgres: Server,
    target_database: str,
    source_database: str = MYSQL_DATABASE,
    exclude: tuple[str, ...] = (),
    quote_identifiers: bool = False,
) -> str:
    """A pgloader command file: data only, into the schema already there. It holds passwords
    (if any): write it with `run_pgloader`, never print it."""
    s = PGLOADER_SETTINGS
    # With quoted identifiers pgloader 3.6.7's `reset sequences` quotes a camelCase column twice
    # and fails (`column ""rowId"" does not exist`): it goes, so pgloader does a little less
    # work than converge there (the sequences are left where they were).
    with_identifiers = (
        "quote identifiers, reset no sequences," if quote_identifiers else "reset sequences,"
    )
    excluding = ""
    if exclude:
        excluding = f"EXCLUDING TABLE NAMES MATCHING {', '.join(repr(t) for t in exclude)}\n\n"
    return f"""LOAD DATABASE
  FROM {_url("mysql", mysql, source_database)}
  INTO {_url("postgresql", postgres, target_database)}

WITH data only, truncate, disable triggers, {with_identifiers}
     workers = {s["workers"]}, concurrency = {s["concurrency"]},
     prefetch rows = {s["prefetch_rows"]}, batch rows = {s["batch_rows"]},
     batch size = {s["batch_size"]}

SET MySQL PARAMETERS net_read_timeout = '600', net_write_timeout = '600'

CAST type char when (= precision 36) to uuid drop typemod,
     type tinyint when (= precision 1) to boolean drop typemod using tinyint-to-boolean,
     type datetime to timestamp drop default drop not null using zero-dates-to-null,
     type json to jsonb drop typemod

{excluding}ALTER SCHEMA '{source_database}' RENAME TO 'public'
;
"""


def measure_pgloader(
    command: str, root: Path, log_dir: Path, label: str = "pgloader"
) -> Measurement:
    """Run pgloader on `command` (written owner-only, removed afterwards), measured."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "converge.load"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # may hold passwords
    with os.fdopen(fd, "w") as f:
        f.write(command)
    try:
        return run_measured(pgloader_argv(path, root), log_dir=log_dir, label=label)
    finally:
        path.unlink()


def pgloader_argv(command_file: Path, root_dir: Path) -> list[str]:
    return ["pgloader", "--root-dir", str(root_dir), str(command_file)]


# ---- raw client pipeline ------------------------------------------------------------------------

_BINARY = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}
_UNQUOTED = {
    "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double",
    "date", "datetime", "timestamp", "time", "year",
}  # fmt: skip


def csv_field_sql(column: str, data_type: str) -> str:
    """A MySQL expression giving the column as a finished CSV field ('' for NULL)."""
    c = f"`{column}`"
    if data_type in _BINARY:  # bytea hex format: "\x0a1b..."
        return f"""IF({c} IS NULL, '', CONCAT('"\\\\x', HEX({c}), '"'))"""
    if data_type in _UNQUOTED:  # digits, signs, dots, dashes, colons, spaces: nothing to quote
        return f"IFNULL({c}, '')"
    return f"""IFNULL(CONCAT('"', REPLACE({c}, '"', '""'), '"'), '')"""


def table_plans(
    mysql: Server, database: str = MYSQL_DATABASE, exclude: tuple[str, ...] = ()
) -> list[tuple[str, list[str], str, int]]:
    """(table, columns, SELECT producing CSV lines, data_length) per table, largest first."""
    with mysql_connect(mysql) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE FROM information_schema.COLUMNS c "
            "JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA "
            "AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' "
            "WHERE c.TABLE_SCHEMA = %s ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
            (database,),
        )
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in cur.fetchall():
            columns.setdefault(table, []).append((column, data_type.lower()))
        cur.execute(
            "SELECT TABLE_NAME, DATA_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            (database,),
        )
        sizes = dict(cur.fetchall())
    plans = []
    for table, cols in columns.items():
        if table in exclude:
            continue
        line = ", ',', ".join(csv_field_sql(c, t) for c, t in cols)
        select = f"SELECT CONCAT({line}) FROM `{database}`.`{table}`"
        plans.append((table, [c for c, _ in cols], select, int(sizes.get(table, 0))))
    return sorted(plans, key=lambda p: -p[3])


def mariadb_argv(mysql: Server, select: str) -> list[str]:
    return [
        "mariadb", "--batch", "--raw", "--skip-column-names", "--quick",
        "--default-character-set=utf8mb4",
        f"--host={mysql.host}", f"--port={mysql.port}", f"--user={mysql.user}",
        "-e", select,
    ]  # fmt: skip


def psql_argv(postgres: Server, database: str, table: str, columns: list[str]) -> list[str]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return [
        "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-h", postgres.host, "-p", str(postgres.port), "-U", postgres.user, "-d", database,
        "-c", "SET session_replication_role = replica",
        "-c", f'\\copy "{table}" ({cols}) FROM pstdin (FORMAT csv)',
    ]  # fmt: skip


def _check(procs: list[subprocess.Popen], what: str) -> None:
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"{what}: exit codes {codes}")


def _timed(jobs: int, work, items) -> tuple[float, dict[str, float]]:
    """Run `work(item)` for every item, `jobs` at a time; (wall seconds, seconds per table)."""
    started = time.monotonic()

    def one(item):
        t0 = time.monotonic()
        work(item)
        return item[0], round(time.monotonic() - t0, 2)

    with ThreadPoolExecutor(jobs) as pool:
        per_table = dict(pool.map(one, items))
    return time.monotonic() - started, per_table


def reset_sequences(postgres: Server, database: str) -> None:
    with postgres_connect(postgres, database) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'"
        ).fetchall()
        for table, column in rows:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"'
            )


def run_raw(
    database: str,
    mode: str,
    jobs: int,
    csv_dir: Path,
    source_database: str = MYSQL_DATABASE,
    exclude: tuple[str, ...] = (),
) -> dict:
    mysql, postgres = mysql_server(), postgres_server()
    env = client_env(mysql, postgres)
    plans = table_plans(mysql, source_database, exclude)
    result: dict = {"mode": mode, "jobs": jobs}
    started = time.monotonic()
    if mode == "files":
        csv_dir.mkdir(parents=True, exist_ok=True)

        def export(plan):
            table, _, select, _ = plan
            with open(csv_dir / f"{table}.csv", "wb") as out:
                _check(
                    [subprocess.Popen(mariadb_argv(mysql, select), stdout=out, env=env)],
                    f"export {table}",
                )

        def load(plan):
            table, columns, _, _ = plan
            with open(csv_dir / f"{table}.csv", "rb") as src:
                argv = psql_argv(postgres, database, table, columns)
                _check([subprocess.Popen(argv, stdin=src, env=env)], f"load {table}")

        result["export_seconds"], result["export_tables"] = _timed(jobs, export, plans)
        result["load_seconds"], result["load_tables"] = _timed(jobs, load, plans)
        result["csv_bytes"] = sum((csv_dir / f"{p[0]}.csv").stat().st_size for p in plans)
    else:

        def pipe(plan):
            table, columns, select, _ = plan
            dump = subprocess.Popen(mariadb_argv(mysql, select), stdout=subprocess.PIPE, env=env)
            copy = subprocess.Popen(
                psql_argv(postgres, database, table, columns), stdin=dump.stdout, env=env
            )
            dump.stdout.close()  # psql owns the read end now: SIGPIPE reaches mariadb
            _check([dump, copy], f"pipe {table}")

        result["pipe_seconds"], result["pipe_tables"] = _timed(jobs, pipe, plans)
    t0 = time.monotonic()
    reset_sequences(postgres, database)
    result["sequences_seconds"] = round(time.monotonic() - t0, 2)
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers")
    sub = parser.add_subparsers(dest="command", required=True)
    raw = sub.add_parser("raw", help="the raw mariadb -> psql pipeline")
    raw.add_argument("--database", required=True, help="target PostgreSQL database")
    raw.add_argument("--mode", choices=["files", "pipe"], default="files")
    raw.add_argument("--jobs", type=int, default=2)
    raw.add_argument("--csv-dir", type=Path, default=Path("/tmp/converge_bench_raw_csv"))
    raw.add_argument("--source-database", default=MYSQL_DATABASE)
    raw.add_argument("--exclude", action="append", default=[], help="a table left alone")
    args = parser.parse_args(argv)
    result = run_raw(
        args.database,
        args.mode,
        args.jobs,
        args.csv_dir,
        args.source_database,
        tuple(args.exclude),
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
