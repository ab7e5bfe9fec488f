"""The Kratos shape: converge's full run of a real Ory Kratos schema against pgloader.

    uv run python -m benchmarks.kratos [--rows 32] [--rounds 2]

Seeds the demo's Kratos v1.3.1 source (`demo/`) into `bench_kratos` (scale 32: 44,175 rows in
25 tables, about the 45k rows of the issue's measurement), then times `benchmarks.run --shapes
kratos`: converge (export, load and every check) against pgloader (data only, into a copy of
the same schema), alternating. `--seed DB` / `--target DB` only create the MySQL source or an
empty PostgreSQL target (benchmarks.run calls them, each in a process of its own).
"""

from __future__ import annotations

import argparse
import sys

from . import mysql_server, postgres_server
from .dataset import mysql_connect


def _urls() -> tuple[str, str]:
    # demo.seed takes URLs; a password, if any, stays in the environment (CONVERGE_*_URL).
    mysql, postgres = mysql_server(), postgres_server()
    return (
        f"mysql://{mysql.user}@{mysql.host}:{mysql.port}",
        f"postgresql://{postgres.user}@{postgres.host}:{postgres.port}",
    )


def seed(database: str, rows: int) -> None:
    from demo.seed import create_demo_tables

    mysql_url, postgres_url = _urls()
    counts = create_demo_tables(mysql_url, postgres_url, databases={"kratos": database}, rows=rows)[
        "kratos"
    ]
    # information_schema's data_length (the MiB/s) is stale until the tables are analysed.
    with mysql_connect(mysql_server(), database) as conn, conn.cursor() as cur:
        for table in counts:
            cur.execute(f"ANALYZE TABLE `{table}`")
            cur.fetchall()


def target(database: str) -> None:
    from demo.seed import create_postgres_target

    create_postgres_target(_urls()[1], "kratos", database)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kratos", description=__doc__)
    parser.add_argument("--rows", type=int, default=32, help="the demo seed's scale factor")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--systems", default="converge,pgloader")
    parser.add_argument("--seed", metavar="DB", help="only seed the MySQL database DB")
    parser.add_argument("--target", metavar="DB", help="only create the empty target DB")
    args = parser.parse_args(argv)
    if args.seed:
        seed(args.seed, args.rows)
        return 0
    if args.target:
        target(args.target)
        return 0
    from .run import main as run

    return run(
        [
            "--shapes=kratos",
            f"--kratos-rows={args.rows}",
            f"--rounds={args.rounds}",
            f"--systems={args.systems}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
