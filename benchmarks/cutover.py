"""The cutover's figures: a full migration, one table changed, then `--changed-only`.

    uv run python -m benchmarks.cutover [--scale 1]

On the benchmark's dataset (generated if missing): a full `converge run` into a fresh target
(the rehearsal), an UPDATE of 1% of one table's rows in place, `converge observe` alone (the
observation's time per GB of MySQL data), then `converge run --changed-only` on the same run
(the cutover: observe, re-migrate what changed, verify the whole source). Prints the times
and the cutover's share of the full run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from . import dataset as ds
from . import mysql_server
from .measure import run_measured
from .run import CONVERGE_CONFIG, REPO_ROOT, prepare_target

CHANGED_TABLE = "users"
MiB = 1024 * 1024


def converge(work: Path, label: str, *args: str):
    env = {**os.environ, "CONVERGE_CONFIG": str(CONVERGE_CONFIG)}
    env["CONVERGE_EXPORT_DIR"] = str(work / "csv")
    m = run_measured(
        ["uv", "run", "converge", *args], log_dir=work / "logs", label=label, env=env, cwd=REPO_ROOT
    )
    if m.returncode != 0:
        raise SystemExit(f"converge {' '.join(args)} failed:\n{m.tail(10)}")
    return m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cutover", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="converge_cutover-"))
    mysql = mysql_server()
    tables = ds.tables(args.scale)
    if not ds.dataset_present(mysql, tables):
        print(f"generating the dataset at scale {args.scale:g} ...", flush=True)
        ds.generate_mysql(mysql, tables, log=lambda s: print(s, flush=True))
    sizes = ds.data_sizes(mysql)
    data_bytes = sum(sizes[t.name] for t in tables)
    rows = sum(t.rows for t in tables)
    run = f"cutover-{time.strftime('%Y%m%d-%H%M%S')}"
    prepare_target("converge", tables)
    converge(work, "discover", "discover", "--source", "bench")

    full = converge(work, "full", "run", "--source", "bench", "--run", run)
    print(f"full run (rehearsal): {full.seconds:.1f} s for {rows:,} rows", flush=True)
    with ds.mysql_connect(mysql) as conn, conn.cursor() as cur:
        cur.execute(f"UPDATE `{ds.MYSQL_DATABASE}`.`{CHANGED_TABLE}` SET last_name = CONCAT(last_name, ' (changed)') WHERE id LIKE '%%00'")  # fmt: skip
        changed_rows = cur.rowcount
        conn.commit()
    observe = converge(work, "observe", "observe", "--source", "bench")
    cutover = converge(work, "cutover", "run", "--source", "bench", "--run", run, "--changed-only")
    out = cutover.stdout.read_text()
    print(f"changed: {changed_rows:,} rows of {CHANGED_TABLE} updated in place")
    print(
        f"observe alone: {observe.seconds:.1f} s for {data_bytes / MiB:.0f} MiB "
        f"({observe.seconds / (data_bytes / 1024**3):.1f} s per GiB, process start included)"
    )
    print(f"cutover run (--changed-only): {cutover.seconds:.1f} s")
    print(f"cutover / full: {cutover.seconds / full.seconds:.0%}")
    print("\n".join(line for line in out.splitlines() if "changed" in line or "migration" in line))
    print(f"logs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
