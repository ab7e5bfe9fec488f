"""The Kratos shape: converge's full run of a real Ory Kratos schema against pgloader.

    uv run python -m benchmarks.kratos [--rows 32]

Seeds the demo's Kratos v1.3.1 source (`demo/`) into `converge_kratos_bench`
on both servers (scale 32: 44,175 rows in 25 tables, about the 45k rows of the issue's
measurement), then times `converge run` (export, load and every check, through the Dagster
instance of DAGSTER_HOME) and pgloader (data only, into a second copy of the same schema).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from psycopg import sql

from demo.seed import EXCLUDED_TABLES, create_demo_tables, create_postgres_target

from . import mysql_server, postgres_server
from .dataset import postgres_connect
from .measure import measure_converge
from .peers import measure_pgloader, pgloader_command

DATABASE = "converge_kratos_bench"
PGLOADER_DATABASE = f"{DATABASE}_pgloader"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kratos", description=__doc__)
    parser.add_argument("--rows", type=int, default=32, help="the demo seed's scale factor")
    args = parser.parse_args(argv)
    mysql, postgres = mysql_server(), postgres_server()
    mysql_url = f"mysql://{mysql.user}@{mysql.host}:{mysql.port}"
    postgres_url = f"postgresql://{postgres.user}@{postgres.host}:{postgres.port}"
    counts = create_demo_tables(
        mysql_url, postgres_url, databases={"kratos": DATABASE}, rows=args.rows
    )["kratos"]
    excluded = EXCLUDED_TABLES["kratos"]
    moved = {t: n for t, n in counts.items() if t not in excluded}
    create_postgres_target(postgres_url, "kratos", PGLOADER_DATABASE)
    work = Path(tempfile.mkdtemp(prefix="converge_kratos-"))
    config = work / "converge.yaml"
    config.write_text(
        f"sources:\n  kratos:\n    mysql_database: {DATABASE}\n"
        f"    postgres_database: {DATABASE}\n    exclude: [{', '.join(excluded)}]\n"
    )
    print(f"kratos at scale {args.rows}: {len(moved)} tables, {sum(moved.values()):,} rows")
    discover, m = measure_converge(
        "kratos", "kratos-1", config=config, export_dir=work / "csv", log_dir=work
    )
    if m is None or m.returncode != 0:
        print((m or discover).tail(20))
        return 1
    print(f"converge run (every check): {m.seconds:.1f} s, peak RSS {m.peak_rss / 2**20:.0f} MiB")
    if not shutil.which("pgloader"):
        print("pgloader: not installed (apt-get install pgloader)")
        return 0
    p = measure_pgloader(
        pgloader_command(
            mysql, postgres, PGLOADER_DATABASE, source_database=DATABASE, exclude=excluded
        ),
        work / "pgloader",
        work,
    )
    with postgres_connect(postgres, PGLOADER_DATABASE) as conn:
        loaded = {
            t: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in moved
        }
    wrong = {t: (n, moved[t]) for t, n in loaded.items() if n != moved[t]}
    status = "" if p.returncode == 0 else f" (exit {p.returncode}: {p.tail(3)})"
    if wrong:
        status += f"; row counts differ from MySQL: {wrong}"
    print(f"pgloader (data only): {p.seconds:.1f} s{status}")
    print(f"converge/pgloader {m.seconds / p.seconds:.2f}x (target: 2x at most)")
    print(f"logs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
