"""One command, one table of numbers: converge against pgloader and the raw client pipeline.

    uv run python -m benchmarks.run [--scale 1] [--systems converge,pgloader,raw,raw-pipe]

Generates the MySQL dataset (reused when it is already there at this scale), then for every
system: a fresh PostgreSQL target database with the empty schema, a CHECKPOINT, the timed run
(the process tree's wall time and peak RSS), and a check of the target against MySQL (exact row
counts and per-column content fingerprints). Logs and results.json go to --work-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import client_env, mysql_server, postgres_server, redact
from . import dataset as ds
from .measure import REPO_ROOT, Measurement, measure_converge, run_measured
from .peers import PGLOADER_SETTINGS, measure_pgloader, pgloader_command

BENCH_DIR = Path(__file__).resolve().parent
CONVERGE_CONFIG = BENCH_DIR / "converge.yaml"
SYSTEMS = ("converge", "pgloader", "raw", "raw-pipe")
TARGETS = {
    "converge": ds.POSTGRES_DATABASE,
    "pgloader": "converge_bench_pgloader",
    "raw": "converge_bench_raw",
    "raw-pipe": "converge_bench_raw",
}
MiB = 1024 * 1024


@dataclass
class Outcome:
    system: str
    available: bool
    measurement: Measurement | None = None
    problems: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    note: str = ""


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    with ds.mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size")
        mysql_version, pool = cur.fetchone()
    with ds.postgres_connect(postgres_server()) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    try:
        pgloader = subprocess.run(
            ["pgloader", "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError):
        pgloader = "not installed"
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "mariadb": f"{mysql_version} (innodb_buffer_pool_size {int(pool) // MiB} MiB)",
        "postgresql": f"{pg_version} (shared_buffers {shared})",
        "pgloader": pgloader,
    }


def prepare_target(system: str, tables: list[ds.Table]) -> str:
    database = TARGETS[system]
    postgres = postgres_server()
    ds.create_postgres_database(postgres, database, tables)
    with ds.postgres_connect(postgres) as conn:
        conn.execute("CHECKPOINT")  # the previous system's dirty buffers are not this one's bill
    return database


def run_converge(work: Path, label: str) -> Outcome:
    discover, m = measure_converge(
        "bench",
        label,
        config=CONVERGE_CONFIG,
        export_dir=work / "converge_csv",
        log_dir=work / "logs",
        label_prefix="converge-",
    )
    if m is None:
        return Outcome("converge", False, note=f"discover failed:\n{redact(discover.tail(6))}")
    details = {"discover_seconds": round(discover.seconds, 2)}
    csv_dir = work / "converge_csv"
    if csv_dir.exists():
        details["csv_bytes"] = sum(p.stat().st_size for p in csv_dir.rglob("*") if p.is_file())
    if m.returncode != 0:
        return Outcome("converge", False, m, details=details, note=redact(m.tail(6)))
    return Outcome("converge", True, m, details=details)


def run_pgloader(work: Path, database: str) -> Outcome:
    if not shutil.which("pgloader"):
        return Outcome("pgloader", False, note="pgloader is not installed")
    m = measure_pgloader(
        pgloader_command(mysql_server(), postgres_server(), database),
        work / "pgloader",
        work / "logs",
    )
    details = dict(PGLOADER_SETTINGS)
    if m.returncode != 0:
        return Outcome("pgloader", False, m, details=details, note=redact(m.tail(8)))
    return Outcome("pgloader", True, m, details=details)


def run_raw(work: Path, database: str, mode: str, jobs: int) -> Outcome:
    name = "raw" if mode == "files" else "raw-pipe"
    argv = [
        sys.executable, "-m", "benchmarks.peers", "raw", "--database", database,
        "--mode", mode, "--jobs", str(jobs), "--csv-dir", str(work / "raw_csv"),
    ]  # fmt: skip
    env = client_env(mysql_server(), postgres_server())
    m = run_measured(argv, log_dir=work / "logs", label=name, env=env, cwd=REPO_ROOT)
    if m.returncode != 0:
        return Outcome(name, False, m, note=redact(m.tail(8)))
    lines = m.stdout.read_text().strip().splitlines()
    return Outcome(name, True, m, details=json.loads(lines[-1]))


def verify(outcome: Outcome, expected: dict, tables: list[ds.Table]) -> None:
    actual = ds.fingerprint_postgres(postgres_server(), TARGETS[outcome.system], tables)
    outcome.problems = ds.compare(expected, actual)


def report(outcomes: list[Outcome], rows: int, data_bytes: int) -> str:
    header = (
        f"{'system':<10} {'wall s':>7} {'rows/s':>9} {'MiB/s':>6} {'peak RSS MiB':>12}  "
        f"{'(process)':<12} {'CPU s: own':>10} {'servers':>7} {'other':>6}  check"
    )
    lines = [header, "-" * len(header)]
    for o in outcomes:
        m = o.measurement
        if not o.available or m is None:
            lines.append(f"{o.system:<10} n/a")
            continue
        check = "ok" if not o.problems else f"{len(o.problems)} MISMATCH(ES)"
        lines.append(
            f"{o.system:<10} {m.seconds:>7.1f} {rows / m.seconds:>9,.0f} "
            f"{data_bytes / MiB / m.seconds:>6.1f} {m.peak_rss / MiB:>12.0f}  "
            f"{'(' + m.peak_process + ')':<12} {m.cpu_seconds:>10.1f} {m.server_cpu_seconds:>7.1f} "
            f"{m.other_cpu_seconds:>6.1f}  {check}"
        )
    by = {o.system: o for o in outcomes if o.available and o.measurement}
    conv = by.get("converge")
    for peer in ("pgloader", "raw", "raw-pipe"):
        if peer in by:
            ratio = (
                f"{conv.measurement.seconds / by[peer].measurement.seconds:.2f}x"
                if conv
                else ("n/a (converge not run or not available)")
            )
            lines.append(f"converge/{peer} wall time: {ratio}")
    for o in outcomes:
        d = o.details
        if o.system == "raw" and "export_seconds" in d:
            lines.append(
                f"raw (files, {d['jobs']} tables at a time): export {d['export_seconds']:.1f} s "
                f"+ load {d['load_seconds']:.1f} s + sequences {d['sequences_seconds']:.1f} s; "
                f"CSV {d['csv_bytes'] / MiB:.0f} MiB"
            )
        if o.system == "converge" and "discover_seconds" in d:
            lines.append(f"converge discover (not in the timing): {d['discover_seconds']:.1f} s")
        if o.note:
            lines.append(f"{o.system} not available: " + o.note.replace("\n", "\n    "))
        for problem in o.problems[:20]:
            lines.append(f"{o.system} MISMATCH: {problem}")
        if len(o.problems) > 20:
            lines.append(f"{o.system}: ... and {len(o.problems) - 20} more")
        if o.measurement and o.measurement.leftovers:
            lines.append(
                f"{o.system} left processes behind (terminated): {o.measurement.leftovers}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="dataset size; 1 = 1.25M rows, ~440 MiB (default 1)",
    )
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated subset of {','.join(SYSTEMS)}",
    )
    parser.add_argument("--jobs", type=int, default=2, help="raw pipeline: tables at a time")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="regenerate the MySQL data even if it is there at this scale",
    )
    parser.add_argument("--work-dir", type=Path, help="logs, CSV files, results.json")
    parser.add_argument("--keep-csv", action="store_true", help="keep the CSV files")
    args = parser.parse_args(argv)  # fmt: skip
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems {sorted(unknown)}")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = args.work_dir or Path(tempfile.gettempdir()) / f"converge_bench-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    mysql = mysql_server()
    info = machine()
    print(f"MySQL {mysql}, PostgreSQL {postgres_server()}, work dir {work}")
    for key, value in info.items():
        print(f"  {key:<11} {value}")

    tables = ds.tables(args.scale)
    if args.regenerate or not ds.dataset_present(mysql, tables):
        print(f"generating MySQL database {ds.MYSQL_DATABASE} at scale {args.scale:g} ...")
        seconds = ds.generate_mysql(mysql, tables, log=lambda s: print(s, flush=True))
        print(f"  generated in {seconds:.1f} s")
    sizes = ds.data_sizes(mysql)
    expected = ds.fingerprint_mysql(mysql, tables)
    rows = sum(int(expected[t.name]["rows"]) for t in tables)
    data_bytes = sum(sizes[t.name] for t in tables)
    print(f"dataset: {len(tables)} tables, {rows:,} rows, {data_bytes / MiB:.0f} MiB data_length")
    for t in tables:
        print(f"  {t.name:<22} {int(expected[t.name]['rows']):>10,} rows "
              f"{sizes[t.name] / MiB:>8.1f} MiB {len(t.columns):>4} columns")  # fmt: skip

    outcomes = []
    for system in systems:
        database = prepare_target(system, tables)
        print(f"running {system} -> PostgreSQL database {database} ...", flush=True)
        if system == "converge":
            outcome = run_converge(work, f"bench-{stamp}")
        elif system == "pgloader":
            outcome = run_pgloader(work, database)
        else:
            outcome = run_raw(work, database, "files" if system == "raw" else "pipe", args.jobs)
        if outcome.available:
            verify(outcome, expected, tables)
            m = outcome.measurement
            busy = (
                f" (WARNING: {m.other_cpu_seconds:.0f} CPU s of other work on the machine)"
                if m.other_cpu_seconds > max(5.0, 0.1 * m.seconds)
                else ""
            )
            print(f"  {m.seconds:.1f} s, "
                  f"{'verified' if not outcome.problems else 'MISMATCHES'}{busy}", flush=True)  # fmt: skip
        else:
            print("  not available", flush=True)
        outcomes.append(outcome)

    print()
    print(
        f"scale {args.scale:g}: {rows:,} rows, {data_bytes / MiB:.0f} MiB of MySQL data_length "
        f"(MiB/s below = that / wall time)"
    )
    print(
        "CPU s: own = the system's processes; servers = mariadbd + postgres; other = the rest "
        "of the machine (more than a few s: other work disturbed the timing)"
    )
    print("peak RSS = largest VmHWM of any one process of the run, polled every 100 ms "
          "(name*: the root's wait4 ru_maxrss, i.e. the root or a reaped descendant)")  # fmt: skip
    print(report(outcomes, rows, data_bytes))

    results = {
        "scale": args.scale,
        "machine": info,
        "rows": rows,
        "data_bytes": data_bytes,
        "tables": {t.name: {"rows": t.rows, "data_bytes": sizes[t.name]} for t in tables},
        "systems": {
            o.system: {
                "available": o.available,
                "seconds": round(o.measurement.seconds, 2) if o.measurement else None,
                "peak_rss_bytes": o.measurement.peak_rss if o.measurement else None,
                "peak_process": o.measurement.peak_process if o.measurement else None,
                "cpu_seconds": round(o.measurement.cpu_seconds, 2) if o.measurement else None,
                "server_cpu_seconds": round(o.measurement.server_cpu_seconds, 2)
                if o.measurement
                else None,
                "other_cpu_seconds": round(o.measurement.other_cpu_seconds, 2)
                if o.measurement
                else None,
                "problems": o.problems,
                "details": o.details,
                "note": o.note,
            }
            for o in outcomes
        },
    }
    (work / "results.json").write_text(json.dumps(results, indent=2))
    if not args.keep_csv:
        for sub in ("converge_csv", "raw_csv"):
            shutil.rmtree(work / sub, ignore_errors=True)
    print(f"\nlogs and results.json in {work}")
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
