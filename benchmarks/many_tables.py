"""Per-table overhead: a source of many small tables (`bench_many`), converge against pgloader.

    uv run python -m benchmarks.many_tables [--tables 500] [--rows 20] [--rounds 2]

N tables of a uuid key, text, json, datetime(6) and a boolean, `--rows` rows each, generated in
SQL from the dataset's table spec; timed by `benchmarks.run --shapes many` (converge with every
check, pgloader and the raw pipeline, alternating).
"""

from __future__ import annotations

import argparse
import sys

from .dataset import Column, Table, boolean, stamp, uuid_sql

DATABASE = "bench_many"


def tables(count: int, rows: int) -> list[Table]:
    return [
        Table(
            f"t{i:03}",
            rows,
            (
                Column("id", "char(36)", "uuid", uuid_sql("s.h")),
                Column(
                    "name",
                    "varchar(255)",
                    "varchar(255)",
                    "CONCAT('name \"', s.seq, '\"\\n')",
                    nullable=True,
                    check="len",
                ),
                Column(
                    "traits",
                    "json",
                    "jsonb",
                    "JSON_OBJECT('n', s.seq, 'tags', JSON_ARRAY('a', 'b'))",
                ),
                stamp("created_at", "s.seq"),
                boolean("active", "s.seq % 2"),
            ),
        )
        for i in range(count)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.many_tables", description=__doc__)
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--systems", default="converge,pgloader")
    args = parser.parse_args(argv)
    from .run import main as run

    return run(
        [
            "--shapes=many",
            f"--many-tables={args.tables}",
            f"--many-rows={args.rows}",
            f"--rounds={args.rounds}",
            f"--systems={args.systems}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
